"""The demo: skreg next to scikit-learn, fit for fit, at equal accuracy.

Three tables, then plots:

1. fits -- every estimator family in ``skreg.__all__`` beside the
   scikit-learn estimator of the same name, on data bundled with
   scikit-learn: how far the coefficients are apart, the score of each, the
   non-zeros and the time of each (median of a few runs);
2. speed at equal accuracy -- Lasso, ElasticNet, a Lasso path and LassoCV on
   two problems generated here (seeded): a wide, strongly correlated
   leukemia-sized design (72 x 7129) and a sparse text-like one.  Each
   library gets the largest tol on 1e-4, 1e-5, ... whose result has a
   relative duality gap <= 1e-6, measured by :func:`relative_duality_gap`
   below (written here, independent of both libraries); both gaps are shown;
3. cross-validation -- every cross-validated family, with what each library
   chose (alpha_, l1_ratio_, C_, ...).

Then the regularization path, the CV curve and the dropout curves go to
``--out`` (default ``./skreg-demo/``) when matplotlib is installed.

Rows go to stdout.  A progress bar (tqdm if installed, else one status line)
goes to stderr only when stderr is a terminal, and it is cleared before each
row is printed, so rows start at the beginning of a line in a terminal and a
pipe or a CI log never sees a carriage return.
"""

import argparse
import importlib
import inspect
import os
import shutil
import sys
import time
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, is_classifier
from sklearn.datasets import load_diabetes, load_digits, make_regression
from sklearn.model_selection import GridSearchCV
from threadpoolctl import threadpool_limits

import skreg

TARGET_GAP = 1e-6                       # relative duality gap both libraries reach
TOLS = (1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9)   # tried in this order, largest first
SKLEARN_MODULES = ("sklearn.linear_model", "sklearn.neural_network",
                   "sklearn.kernel_ridge", "sklearn.svm")


# --------------------------------------------------------------------------
# progress on stderr that never breaks a row on stdout
# --------------------------------------------------------------------------
class _Progress:
    """One progress line on stderr, cleared before every row is written.

    Shown only when ``enabled``; uses tqdm when it is installed (the
    ``progress`` extra), else a plain status line redrawn with ``\\r``.
    """

    def __init__(self, total, enabled, stream=None):
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled
        self.total, self.done, self.label = total, 0, ""
        self._bar = None
        if not enabled:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            return
        self._bar = tqdm(total=total, file=self.stream, leave=False, miniters=1,
                         mininterval=0, dynamic_ncols=True, desc="skreg demo")

    def step(self, label):
        """Show that ``label`` is being computed."""
        self.label = label
        if self._bar is not None:
            self._bar.set_postfix_str(label)
        elif self.enabled:
            self._draw()

    def advance(self):
        self.done += 1
        if self._bar is not None:
            self._bar.update(1)
        elif self.enabled:
            self._draw()

    def write(self, out, line):
        """``out(line)`` with the bar off the screen meanwhile."""
        if self._bar is not None:
            with self._bar.get_lock():
                self._bar.clear(nolock=True)
                self.stream.flush()
                out(line)
                sys.stdout.flush()
                self._bar.refresh(nolock=True)
            return
        if self.enabled:
            self._erase()
        out(line)
        if self.enabled:
            sys.stdout.flush()
            self._draw()

    def close(self):
        if self._bar is not None:
            self._bar.close()
        elif self.enabled:
            self._erase()

    def _draw(self):
        width = shutil.get_terminal_size((80, 24)).columns - 1
        text = f"skreg demo {self.done}/{self.total}: {self.label}"
        self.stream.write("\r\x1b[K" + text[:width])
        self.stream.flush()

    def _erase(self):
        self.stream.write("\r\x1b[K")
        self.stream.flush()


class _Table:
    """Fixed-width columns: ``cols`` is a list of (header, width) pairs; a
    header ending in "<" names a left-aligned (text) column."""

    def __init__(self, cols):
        self.cols = [(h.rstrip("<"), w, h.endswith("<")) for h, w in cols]

    def line(self, values):
        cells = []
        for (_, width, left), v in zip(self.cols, values):
            s = "-" if v is None else str(v)
            cells.append(s.ljust(width) if left else s.rjust(width))
        return " ".join(cells).rstrip()

    def header(self):
        head = self.line([h for h, _, _ in self.cols])
        return [head, "-" * (sum(w for _, w, _ in self.cols) + len(self.cols) - 1)]


def _f(v, spec):
    return None if v is None else format(v, spec)


def _ratio(a, b):
    return None if a is None or b is None or b == 0 else f"{a / b:.2f}"


# --------------------------------------------------------------------------
# data: bundled with scikit-learn, or generated here (seeded)
# --------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _load(name):
    """(X, y) of a demo problem; dense arrays Fortran-ordered.  Cached."""
    if name == "diabetes":
        X, y = load_diabetes(return_X_y=True)
    elif name == "digits":
        X, y = load_digits(return_X_y=True)
        X = X / 16.0
    elif name == "multitask":
        X, y = make_regression(n_samples=200, n_features=30, n_informative=5,
                               n_targets=3, noise=10.0, random_state=0)
    elif name == "leukemia-like":
        X, y = _leukemia_like()
    elif name == "text-like":
        X, y = _text_like()
    else:
        raise ValueError(f"unknown demo dataset {name!r}")
    if not sp.issparse(X):
        X = np.asfortranarray(X)
    return X, y


DATA_SHAPES = {"diabetes": "442x10", "digits": "1797x64", "multitask": "200x30, 3 targets"}


def _leukemia_like(n=72, p=7129, seed=0):
    """A wide, strongly correlated design of the leukemia data's size.

    Three latent factors plus noise give columns correlated as gene
    expressions are; columns standardised; y = +-1 from 10 true genes.
    """
    rng = np.random.default_rng(seed)
    X = (rng.standard_normal((n, 3)) @ rng.standard_normal((3, p))
         + 0.35 * rng.standard_normal((n, p)))
    X -= X.mean(axis=0)
    X /= X.std(axis=0)
    w = np.zeros(p)
    w[rng.choice(p, 10, replace=False)] = rng.choice([-1.0, 1.0], 10)
    score = X @ w + 0.5 * np.std(X @ w) * rng.standard_normal(n)
    return X, np.where(score > np.median(score), 1.0, -1.0)


def _text_like(n=2000, p=20000, density=0.003, seed=1):
    """A sparse (CSC) tf-idf-like design: Zipf document frequencies,
    (1 + log tf) * idf values, rows L2-normalised; 50 true terms, SNR 3."""
    rng = np.random.default_rng(seed)
    zipf = 1.0 / (np.arange(p) + 2.7) ** 1.1
    df = np.clip(np.ceil(zipf * density * n * p / zipf.sum()), 1, n).astype(int)
    df = df[rng.permutation(p)]
    cols = np.repeat(np.arange(p), df)
    rows = rng.integers(0, n, cols.size)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    vals = (1.0 + np.log1p(rng.poisson(0.6, cols.size))) * idf[cols]
    X = sp.csc_matrix((vals, (rows, cols)), shape=(n, p))   # duplicates summed
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = sp.csc_matrix(sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ X)
    X.sort_indices()
    w = np.zeros(p)
    terms = rng.choice(np.flatnonzero(df >= 10), 50, replace=False)
    w[terms] = rng.choice([-1.0, 1.0], 50) * rng.uniform(1.0, 3.0, 50)
    Xw = X @ w
    noise = rng.standard_normal(n)
    return X, Xw + noise * np.linalg.norm(Xw) / (3.0 * np.linalg.norm(noise))


# --------------------------------------------------------------------------
# the yardstick: a duality gap computed here, from the returned coefficients
# --------------------------------------------------------------------------
def relative_duality_gap(X, y, w, b=0.0, alpha=1.0, l1_ratio=1.0, fit_intercept=True):
    """Duality gap of the elastic-net objective at (w, b), relative to P(0).

    Primal: P(w, b) = 1/(2n) ||y - Xw - b||^2 + alpha l1_ratio ||w||_1
    + alpha (1 - l1_ratio) ||w||^2 / 2.  Dual (Fenchel, exact conjugate of
    the penalty; sum(u) = 0 with an intercept):
    D(u) = u.y - n/2 ||u||^2 - sum_j max(|x_j.u| - l1, 0)^2 / (2 l2), and for
    the Lasso (l2 = 0) the constraint |x_j.u| <= l1.  u is the centred
    residual / n, rescaled by the best scalar s.  Returns (P - D) / P0,
    P0 = P(0, mean(y)), an upper bound on the relative suboptimality.
    It reads nothing from either library's solver.
    """
    n = X.shape[0]
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float).ravel()
    l1, l2 = alpha * l1_ratio, alpha * (1.0 - l1_ratio)
    r = y - np.asarray(X @ w).ravel() - (float(b) if fit_intercept else 0.0)
    primal = r @ r / (2 * n) + l1 * np.abs(w).sum() + 0.5 * l2 * (w @ w)
    yc = y - y.mean() if fit_intercept else y
    p0 = yc @ yc / (2 * n)
    u = (r - r.mean() if fit_intercept else r) / n
    v = np.abs(np.asarray(X.T @ u).ravel())
    a, q = u @ y, u @ u
    if q == 0.0:
        dual = 0.0
    elif l2 == 0.0:
        s = float(np.clip(a / (n * q), 0.0, l1 / v.max() if v.max() > 0 else np.inf))
        dual = s * a - 0.5 * n * s * s * q
    else:
        def D(s):
            excess = np.maximum(s * v - l1, 0.0)
            return s * a - 0.5 * n * s * s * q - excess @ excess / (2 * l2)
        s = minimize_scalar(lambda s: -D(s), bounds=(0.0, 2.0), method="bounded",
                            options={"xatol": 1e-12}).x
        dual = max(D(1.0), D(s), 0.0)
    return float((primal - dual) / p0)


# --------------------------------------------------------------------------
# what to run: discovered from skreg.__all__
# --------------------------------------------------------------------------
@dataclass
class Pair:
    """One row: an skreg estimator and its scikit-learn counterpart, unfitted.

    ``theirs`` is None where scikit-learn has no counterpart (dropout): the
    row then shows skreg's columns only.
    """

    name: str
    ours: Callable
    theirs: Callable = None
    data: str = "diabetes"


# settings shared by both libraries (only those a class accepts are used);
# a family without an entry runs with its defaults
SETTINGS = {
    "Lasso": dict(alpha=0.1, tol=1e-8),
    "ElasticNet": dict(alpha=0.01, l1_ratio=0.5, tol=1e-8),
    "Ridge": dict(alpha=1.0),
    "MLPClassifier": dict(hidden_layer_sizes=(64,), max_iter=40, random_state=0),
    "MLPRegressor": dict(hidden_layer_sizes=(32,), max_iter=200, learning_rate_init=0.05,
                         random_state=0),
    "LogisticRegression": dict(C=1.0, max_iter=1000, tol=1e-8),
    "MultiTaskLasso": dict(alpha=1.0, tol=1e-8),
    "MultiTaskElasticNet": dict(alpha=1.0, l1_ratio=0.5, tol=1e-8),
    "LassoCV": dict(cv=5),
    "ElasticNetCV": dict(l1_ratio=[0.1, 0.5, 0.9, 1.0], cv=5),
    "RidgeCV": dict(alphas=np.logspace(-4, 2, 50)),
    "RidgeClassifierCV": dict(alphas=np.logspace(-4, 2, 13)),
    "LogisticRegressionCV": dict(Cs=5, cv=3, max_iter=1000),
    "MultiTaskLassoCV": dict(cv=3),
    "MultiTaskElasticNetCV": dict(l1_ratio=[0.5, 1.0], cv=3),
}
QUICK = {   # --quick: fewer epochs and folds (both libraries alike)
    "MLPClassifier": dict(max_iter=15),
    "MLPRegressor": dict(max_iter=50),
    "LassoCV": dict(cv=3),
    "ElasticNetCV": dict(l1_ratio=[0.5, 1.0], cv=3),
}


def _estimator_classes():
    """{name: class} of the estimators skreg exports, in ``__all__`` order."""
    return {name: getattr(skreg, name) for name in skreg.__all__
            if inspect.isclass(getattr(skreg, name, None))
            and issubclass(getattr(skreg, name), BaseEstimator)}


def _sklearn_counterpart(name):
    """scikit-learn's estimator class called ``name``, or None."""
    for mod in SKLEARN_MODULES:
        cls = getattr(importlib.import_module(mod), name, None)
        if inspect.isclass(cls):
            return cls
    return None


def _factory(cls, name, quick):
    if cls is None:
        return None
    params = dict(SETTINGS.get(name, {}))
    if quick:
        params.update(QUICK.get(name, {}))
    accepted = cls().get_params(deep=False)
    params = {k: v for k, v in params.items() if k in accepted}
    return lambda: cls(**params)


def _data_for(cls):
    if is_classifier(cls()):
        return "digits"
    tags = cls().__sklearn_tags__().target_tags
    return "multitask" if not tags.single_output else "diabetes"


def _pairs(quick=False):
    """The fit table: every non-CV estimator of skreg.__all__, plus dropout."""
    pairs = []
    for name, cls in _estimator_classes().items():
        if name.endswith("CV"):
            continue
        pairs.append(Pair(name, _factory(cls, name, quick),
                          _factory(_sklearn_counterpart(name), name, quick),
                          data=_data_for(cls)))
        if name == "MLPClassifier":     # what scikit-learn lacks
            mlp = _factory(cls, name, quick)
            pairs.append(Pair("MLPClassifier(dropout_rate=0.2)",
                              lambda: mlp().set_params(dropout_rate=0.2), None,
                              data="digits"))
    return pairs


def _cv_pairs(quick=False):
    """The CV table: every ``*CV`` estimator of skreg.__all__, plus a
    GridSearchCV over the dropout rate and mode (skreg only)."""
    pairs = [Pair(name, _factory(cls, name, quick),
                  _factory(_sklearn_counterpart(name), name, quick), data=_data_for(cls))
             for name, cls in _estimator_classes().items() if name.endswith("CV")]
    if "MLPClassifier" in _estimator_classes():
        grid = ({"dropout_rate": [0.0, 0.3]} if quick else
                {"dropout_rate": [0.0, 0.2, 0.5], "dropout_mode": ["inverted", "standard"]})
        epochs = 10 if quick else 30
        pairs.append(Pair(
            "GridSearchCV(MLPClassifier, dropout)",
            lambda: GridSearchCV(skreg.MLPClassifier((64,), max_iter=epochs,
                                                     random_state=0), grid, cv=3),
            None, data="digits"))
    return pairs


CHOICES = ("alpha_", "l1_ratio_", "C_", "l1_ratios_", "best_params_")


def _chosen(est):
    """What a fitted CV estimator chose: {'alpha_': 0.0038, ...}."""
    out = {}
    for attr in CHOICES:
        v = getattr(est, attr, None)
        if v is None or attr == "l1_ratios_" and "l1_ratio_" in out:
            continue
        if isinstance(v, dict):
            out.update(v)
            continue
        arr = np.unique(np.ravel(np.asarray(v, dtype=float)))
        out[attr] = float(arr[0]) if arr.size == 1 else tuple(arr.tolist())
    return out


def _show_choice(choice):
    def one(v):
        if isinstance(v, float):
            return f"{v:.4g}"
        if isinstance(v, tuple):
            return "/".join(f"{x:.3g}" for x in v)
        return str(v)
    return " ".join(f"{k.rstrip('_').replace('dropout_', '')}={one(v)}"
                    for k, v in choice.items())


def _same_choice(a, b):
    if a.keys() != b.keys():
        return False
    return all(np.allclose(a[k], b[k], rtol=1e-6, atol=0)
               if not isinstance(a[k], str) else a[k] == b[k] for k in a)


# --------------------------------------------------------------------------
# timing
# --------------------------------------------------------------------------
def _timed(fn, repeats, budget, first=None):
    """(last result, median seconds) of up to ``repeats`` calls of ``fn``;
    stops once ``budget`` seconds are spent.  ``first`` = (result, seconds)
    of a call already made, counted as the first."""
    times, res = [], None
    if first is not None:
        res, t = first
        times.append(t)
    while len(times) < max(1, repeats) and (not times or sum(times) < budget):
        t0 = time.perf_counter()
        res = fn()
        times.append(time.perf_counter() - t0)
    return res, float(np.median(times))


def _quiet(fn):
    def call():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn()
    return call


def _calibrated(fit_at, gap_of, repeats, budget):
    """Largest tol in TOLS reaching TARGET_GAP: (tol, gap, result, seconds)."""
    for tol in TOLS:
        fn = _quiet(lambda: fit_at(tol))
        t0 = time.perf_counter()
        res = fn()
        first = (res, time.perf_counter() - t0)
        gap = gap_of(res)
        if gap <= TARGET_GAP:
            break
    res, t = _timed(fn, repeats, budget, first=first)
    return tol, gap, res, t


# --------------------------------------------------------------------------
# the tables
# --------------------------------------------------------------------------
FIT_COLS = [("estimator<", 36), ("data<", 10), ("max|dcoef|", 10), ("score", 7),
            ("sk score", 8), ("nnz", 5), ("skreg ms", 9), ("sk ms", 9), ("skreg/sk", 8)]


def _fit_table(pairs, ctx):
    table = _Table(FIT_COLS)
    for line in table.header():
        ctx.write(line)
    rows = []
    for pair in pairs:
        ctx.progress.step(f"{pair.name} on {pair.data}")
        X, y = _load(pair.data)
        try:
            a, ta = _timed(_quiet(lambda: pair.ours().fit(X, y)), ctx.repeats, ctx.budget)
            b, tb = (_timed(_quiet(lambda: pair.theirs().fit(X, y)), ctx.repeats,
                            ctx.budget) if pair.theirs else (None, None))
        except Exception as exc:        # a family still being written: say so
            rows.append(dict(name=pair.name, error=repr(exc)))
            ctx.write(f"{pair.name:36s} failed: {exc!r}"[:150])
            ctx.progress.advance()
            continue
        coef = getattr(a, "coef_", None)
        coef_sk = getattr(b, "coef_", None)
        row = dict(name=pair.name, data=pair.data,
                   coef_diff=(float(np.max(np.abs(coef - coef_sk)))
                              if coef is not None and coef_sk is not None else None),
                   score=float(a.score(X, y)),
                   score_sk=None if b is None else float(b.score(X, y)),
                   nnz=None if coef is None else int(np.count_nonzero(coef)),
                   ms=ta * 1e3, ms_sk=None if tb is None else tb * 1e3)
        rows.append(row)
        ctx.write(table.line([
            pair.name, pair.data, _f(row["coef_diff"], ".2e"), f"{row['score']:.4f}",
            _f(row["score_sk"], ".4f"), row["nnz"], f"{row['ms']:.2f}",
            _f(row["ms_sk"], ".2f"), _ratio(row["ms"], row["ms_sk"])]))
        ctx.progress.advance()
    return rows


SPEED_COLS = [("problem<", 14), ("fit<", 31), ("nnz", 5), ("skreg tol", 9), ("sk tol", 7),
              ("skreg gap", 9), ("sk gap", 8), ("skreg ms", 9), ("sk ms", 9),
              ("skreg/sk", 8), (" choice<", 24)]
SPEED_PROBLEMS = ("leukemia-like", "text-like")


def _speed_jobs(problem, quick):
    """The rows of one speed problem: (label, kind, settings)."""
    X, y = _load(problem)
    yc = y - y.mean()
    amax = float(np.max(np.abs(np.asarray(X.T @ yc)))) / X.shape[0]
    k, ratio = (8, 10) if quick else (20, 30)
    alphas = amax * np.logspace(0, -np.log10(ratio), k)
    cv = 3 if quick else 5
    return [
        ("Lasso(alpha_max/20)", "fit", dict(alpha=amax / 20, l1_ratio=1.0)),
        ("ElasticNet(alpha_max/20, l1=.5)", "fit", dict(alpha=2 * amax / 20, l1_ratio=0.5)),
        (f"lasso_path({k} alphas, to /{ratio})", "path", dict(alphas=alphas)),
        (f"LassoCV(cv={cv}, same {k} alphas)", "cv", dict(alphas=alphas, cv=cv)),
    ]


def _speed_table(ctx):
    table = _Table(SPEED_COLS)
    for line in table.header():
        ctx.write(line)
    rows = []
    for problem in SPEED_PROBLEMS:
        X, y = _load(problem)
        yc = y - y.mean()
        path_tol = {}
        for label, kind, kw in _speed_jobs(problem, ctx.quick):
            ctx.progress.step(f"{label} on {problem}")
            res = {}
            for lib, mod in (("skreg", skreg), ("sk", ctx.sk)):
                if kind == "fit":
                    est = (mod.Lasso if kw["l1_ratio"] == 1 else mod.ElasticNet)
                    extra = {} if kw["l1_ratio"] == 1 else {"l1_ratio": kw["l1_ratio"]}
                    res[lib] = _calibrated(
                        lambda tol: est(alpha=kw["alpha"], tol=tol, max_iter=100_000,
                                        **extra).fit(X, y),
                        lambda e: relative_duality_gap(X, y, e.coef_, e.intercept_,
                                                       kw["alpha"], kw["l1_ratio"]),
                        ctx.repeats, ctx.budget)
                elif kind == "path":
                    res[lib] = _calibrated(
                        lambda tol: mod.lasso_path(X, yc, alphas=kw["alphas"], tol=tol,
                                                   max_iter=100_000),
                        lambda p: max(relative_duality_gap(X, yc, p[1][:, i], 0.0, a, 1.0,
                                                           fit_intercept=False)
                                      for i, a in enumerate(p[0])),
                        ctx.repeats, ctx.budget)
                    path_tol[lib] = res[lib][0]
                else:           # CV at the tol its path needed
                    tol = path_tol[lib]
                    est, t = _timed(_quiet(lambda: mod.LassoCV(
                        alphas=kw["alphas"], cv=kw["cv"], tol=tol,
                        max_iter=100_000).fit(X, y)), 1, 0)
                    gap = relative_duality_gap(X, y, est.coef_, est.intercept_, est.alpha_)
                    res[lib] = (tol, gap, est, t)
            (tol_a, gap_a, a, ta), (tol_b, gap_b, b, tb) = res["skreg"], res["sk"]
            w = a[1][:, -1] if kind == "path" else a.coef_
            choice = None
            if kind == "cv":
                same = np.isclose(a.alpha_, b.alpha_, rtol=1e-6)
                choice = (f"alpha_ {a.alpha_:.4g} both" if same
                          else f"alpha_ {a.alpha_:.3g} vs {b.alpha_:.3g}")
            row = dict(problem=problem, name=label, kind=kind, nnz=int(np.count_nonzero(w)),
                       tol=tol_a, tol_sk=tol_b, gap=gap_a, gap_sk=gap_b,
                       ms=ta * 1e3, ms_sk=tb * 1e3, choice=choice)
            rows.append(row)
            ctx.write(table.line([
                problem, label, row["nnz"], f"{tol_a:.0e}", f"{tol_b:.0e}",
                f"{max(gap_a, 0):.1e}", f"{max(gap_b, 0):.1e}", f"{row['ms']:.1f}",
                f"{row['ms_sk']:.1f}", _ratio(ta, tb), "" if choice is None else " " + choice]))
            ctx.progress.advance()
    return rows


CV_COLS = [("cross-validated<", 38), ("data<", 10), ("skreg chose<", 26), ("sk chose<", 26),
           ("same", 4), ("alpha_1se_", 10), ("skreg ms", 9), ("sk ms", 9), ("skreg/sk", 8)]


def _cv_table(pairs, ctx):
    table = _Table(CV_COLS)
    for line in table.header():
        ctx.write(line)
    rows, fitted = [], {}
    for pair in pairs:
        ctx.progress.step(f"{pair.name} on {pair.data}")
        X, y = _load(pair.data)
        reps = max(1, ctx.repeats // 2)
        try:
            a, ta = _timed(_quiet(lambda: pair.ours().fit(X, y)), reps, ctx.budget)
            b, tb = (_timed(_quiet(lambda: pair.theirs().fit(X, y)), reps, ctx.budget)
                     if pair.theirs else (None, None))
        except Exception as exc:
            rows.append(dict(name=pair.name, error=repr(exc)))
            ctx.write(f"{pair.name:38s} failed: {exc!r}"[:150])
            ctx.progress.advance()
            continue
        ca = _chosen(a)
        cb = None if b is None else _chosen(b)
        row = dict(name=pair.name, data=pair.data, chosen=ca, chosen_sk=cb,
                   same=None if cb is None else _same_choice(ca, cb),
                   alpha_1se=getattr(a, "alpha_1se_", None), ms=ta * 1e3,
                   ms_sk=None if tb is None else tb * 1e3)
        rows.append(row)
        fitted[pair.name] = (a, X, y, pair.data)
        ctx.write(table.line([
            pair.name, pair.data, _show_choice(ca)[:26],
            None if cb is None else _show_choice(cb)[:26],
            None if row["same"] is None else "yes" if row["same"] else "no",
            _f(row["alpha_1se"], ".4g"), f"{row['ms']:.2f}", _f(row["ms_sk"], ".2f"),
            _ratio(row["ms"], row["ms_sk"])]))
        ctx.progress.advance()
    return rows, fitted


# --------------------------------------------------------------------------
# plots
# --------------------------------------------------------------------------
def _plots(fitted, out_dir, out):
    """PNGs: the path and CV curve of LassoCV on diabetes, the dropout curves.

    Returns the paths written; [] without matplotlib.
    """
    try:
        import matplotlib
    except ImportError:
        out("matplotlib is not installed: skipping the plots "
            "(pip install 'skreg[plot]').")
        return []
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skreg.plotting import CVCurveDisplay, RegularizationPathDisplay

    os.makedirs(out_dir, exist_ok=True)
    est, X, y, data = fitted.get("LassoCV", next(iter(fitted.values())))
    names = list(load_diabetes().feature_names) if data == "diabetes" else None
    written = []
    fig, ax = plt.subplots(figsize=(7, 4.5))
    RegularizationPathDisplay.from_estimator(est, X, y, ax=ax, feature_names=names)
    written.append(os.path.join(out_dir, "lasso_path.png"))
    fig.tight_layout()
    fig.savefig(written[-1], dpi=110)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    CVCurveDisplay.from_estimator(est, ax=ax, show_folds=True)
    written.append(os.path.join(out_dir, "lasso_cv_curve.png"))
    fig.tight_layout()
    fig.savefig(written[-1], dpi=110)
    mlps = _dropout_models()
    if mlps:
        from skreg.plotting import DropoutCurveDisplay

        fig, ax = plt.subplots(figsize=(7, 4.5))
        DropoutCurveDisplay.from_estimators(mlps, ax=ax)
        written.append(os.path.join(out_dir, "dropout_curves.png"))
        fig.tight_layout()
        fig.savefig(written[-1], dpi=110)
    plt.close("all")
    for path in written:
        out(f"wrote {path}")
    return written


def _dropout_models():
    """MLPs on digits at a few dropout settings, for the loss-curve plot."""
    if not hasattr(skreg, "MLPClassifier"):
        return []
    X, y = _load("digits")
    settings = [(0.0, "inverted"), (0.3, "inverted"), (0.3, "standard")]
    # small matrices: one BLAS thread (measured on 2 busy cores: OpenBLAS's
    # threads made a 64-unit network 25x slower, scikit-learn's too)
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore")
        return [skreg.MLPClassifier(hidden_layer_sizes=(48,), solver="adam",
                                    max_iter=30, early_stopping=True, random_state=0,
                                    dropout_rate=rate, dropout_mode=mode).fit(X, y)
                for rate, mode in settings]


# --------------------------------------------------------------------------
# entry points
# --------------------------------------------------------------------------
@dataclass
class _Context:
    out: Callable
    progress: _Progress
    repeats: int
    budget: float
    quick: bool
    sk: object = field(default=None)

    def write(self, line):
        self.progress.write(self.out, line)


def run(quick=False, repeats=None, out_dir="skreg-demo", out=print, progress=None,
        plots=True):
    """Run the demo; returns {'fits', 'speed', 'cv': rows, 'plots': paths}.

    ``progress=None`` shows a bar only when stderr is a terminal.
    """
    import sklearn.linear_model as sk

    t0 = time.perf_counter()
    if repeats is None:
        repeats = 3 if quick else 5
    if progress is None:
        progress = sys.stderr.isatty()
    pairs, cv_pairs = _pairs(quick), _cv_pairs(quick)
    n_rows = len(pairs) + len(cv_pairs) + sum(len(_speed_jobs(p, quick))
                                              for p in SPEED_PROBLEMS)
    bar = _Progress(n_rows, progress)
    ctx = _Context(out, bar, repeats, 0.2 if quick else 1.5, quick, sk)
    shapes = ", ".join(f"{k} {v}" for k, v in DATA_SHAPES.items())
    try:
        ctx.write(f"skreg {skreg.__version__} vs scikit-learn, median of up to {repeats} "
                  f"fits, BLAS on 1 thread{' (--quick)' if quick else ''}")
        ctx.write("")
        ctx.write(f"1. every estimator beside scikit-learn's of the same name ({shapes})")
        # one BLAS thread for both libraries: steadier timings on a small
        # shared machine, where OpenBLAS threads on small matrices mostly wait
        with threadpool_limits(limits=1, user_api="blas"):
            fits = _fit_table(pairs, ctx)
            ctx.write("")
            ctx.write(f"2. speed at equal accuracy: each library at the largest tol "
                      f"reaching relative duality gap <= {TARGET_GAP:.0e}")
            ctx.write("   (gap computed by the demo from the coefficients; "
                      "leukemia-like 72x7129 dense correlated, text-like 2000x20000 "
                      "sparse; CV at its path's tol)")
            speed = _speed_table(ctx)
            ctx.write("")
            ctx.write("3. cross-validation: what each library chose")
            cv, fitted = _cv_table(cv_pairs, ctx)
    finally:
        bar.close()
    out("")
    written = _plots(fitted, out_dir, out) if plots and fitted else []
    out(f"done in {time.perf_counter() - t0:.1f} s")
    return {"fits": fits, "speed": speed, "cv": cv, "plots": written}


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skreg", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="skreg-demo", metavar="DIR",
                        help="folder for the plots (default ./skreg-demo)")
    parser.add_argument("--quick", action="store_true",
                        help="a few seconds: one fit per timing, fewer epochs, "
                             "folds and path alphas")
    parser.add_argument("--no-plots", action="store_true", help="write no plots")
    parser.add_argument("--repeats", type=int, default=None,
                        help="fits per timing for the median (default 5, 1 with --quick)")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (it is shown only when stderr is a "
                             "terminal; tqdm is used when installed)")
    args = parser.parse_args(argv)
    run(quick=args.quick, repeats=args.repeats, out_dir=args.out,
        progress=False if args.no_progress else None, plots=not args.no_plots)
    return 0
