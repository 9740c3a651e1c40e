"""The demo: skreg next to scikit-learn, fit for fit, at equal accuracy.

Three tables, then plots:

1. fits: every estimator family in skreg.__all__ beside the scikit-learn
   estimator of the same name, on data bundled with scikit-learn (how far the
   coefficients are apart, each score, non-zeros, median times);
2. speed at equal accuracy: Lasso, ElasticNet, a Lasso path and LassoCV on
   two problems generated here (seeded): a wide, strongly correlated
   leukemia-sized design (72 x 7129) and a sparse text-like one.  Each
   library gets the largest tol of 1e-4, 1e-5, ... whose result has a
   relative duality gap <= 1e-6, computed by the demo from the coefficients
   (skreg._demo_problems.relative_duality_gap), and both gaps are shown;
3. cross-validation: every cross-validated family, with what each library
   chose (alpha_, l1_ratio_, C_, ...).

Then the regularization path, the CV curve and the dropout curves go to
--out (default ./skreg-demo/) when matplotlib is installed.

Rows go to stdout.  A progress bar (tqdm when installed, else a status line)
goes to stderr only when stderr is a terminal, and is cleared before each
row is printed: rows start at the beginning of a line in a terminal, and a
pipe, a notebook or a CI log never sees a carriage return.
"""

import argparse
import importlib
import inspect
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, is_classifier
from sklearn.datasets import load_diabetes
from sklearn.model_selection import GridSearchCV
from threadpoolctl import threadpool_limits

import skreg
from skreg._demo_output import _f, _Progress, _ratio, _Table
from skreg._demo_problems import DATA_SHAPES, _load, relative_duality_gap

TARGET_GAP = 1e-6                       # relative duality gap both libraries reach
TOLS = (1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9)   # tried in this order, largest first
SKLEARN_MODULES = ("sklearn.linear_model", "sklearn.neural_network")


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
    "LogisticRegression": dict(C=1.0, max_iter=1000, tol=1e-6),
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
    """digits for the MLPs, breast cancer (binary, standardised) for linear
    classifiers, 3 targets for multi-output-only estimators, else diabetes."""
    if is_classifier(cls()):
        return "digits" if cls.__name__.startswith("MLP") else "breast-cancer"
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
                              lambda mlp=mlp: mlp().set_params(dropout_rate=0.2), None,
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


CHOICES = ("alpha_", "l1_ratio_", "C_", "best_params_")


def _chosen(est):
    """What a fitted CV estimator chose: {'alpha_': 0.0038, ...}."""
    out = {}
    for attr in CHOICES:
        v = getattr(est, attr, None)
        if v is None:
            continue
        if isinstance(v, dict):
            out.update(v)
            continue
        arr = np.unique(np.ravel(np.asarray(v, dtype=float)))
        arr = arr[~np.isnan(arr)]           # l1_ratio_ = [None]: no choice made
        if arr.size:
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
def _timed(fn, repeats, budget, first=None, warmup=False):
    """(last result, median seconds) of up to ``repeats`` calls of ``fn``;
    stops once ``budget`` seconds are spent.  ``first`` = (result, seconds)
    of a call already made, counted as the first.  ``warmup``: a first call
    under 50 ms is not counted (one-off costs such as lazy imports would
    otherwise decide a millisecond fit's median when repeats are few)."""
    times, res = [], None
    if first is not None:
        res, t = first
        times.append(t)
    while len(times) < max(1, repeats) and (not times or sum(times) < budget):
        t0 = time.perf_counter()
        res = fn()
        dt = time.perf_counter() - t0
        if warmup and dt < 0.05:
            warmup = False
            continue
        warmup = False
        times.append(dt)
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
FIT_COLS = [("estimator<", 36), ("data<", 13), ("max|dcoef|", 10), ("score", 7),
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
            a, ta = _timed(_quiet(lambda: pair.ours().fit(X, y)), ctx.repeats, ctx.budget,
                           warmup=True)
            b, tb = (_timed(_quiet(lambda: pair.theirs().fit(X, y)), ctx.repeats,
                            ctx.budget, warmup=True) if pair.theirs else (None, None))
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


CV_COLS = [("cross-validated<", 38), ("data<", 13), ("skreg chose<", 26), ("sk chose<", 26),
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
            a, ta = _timed(_quiet(lambda: pair.ours().fit(X, y)), reps, ctx.budget,
                           warmup=True)
            b, tb = (_timed(_quiet(lambda: pair.theirs().fit(X, y)), reps, ctx.budget,
                            warmup=True) if pair.theirs else (None, None))
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
    # small matrices: one BLAS thread (threaded calls on a network this size
    # cost more in hand-offs than in arithmetic, for scikit-learn's too)
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
    used = {p.data for p in pairs + cv_pairs}
    shapes = ", ".join(f"{k} {v}" for k, v in DATA_SHAPES.items() if k in used)
    try:
        ctx.write(f"skreg {skreg.__version__} vs scikit-learn, median of up to {repeats} "
                  f"fits, BLAS on 1 thread{' (--quick)' if quick else ''}")
        ctx.write("")
        ctx.write(f"1. every estimator beside scikit-learn's of the same name ({shapes})")
        # one BLAS thread for both libraries: steadier timings, as threaded
        # BLAS calls on small matrices mostly wait for their threads
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
                        help="seconds instead of a minute: fewer repeats, epochs, "
                             "folds and path alphas")
    parser.add_argument("--no-plots", action="store_true", help="write no plots")
    parser.add_argument("--repeats", type=int, default=None, metavar="N",
                        help="at most N fits per timing, for the median (default 5, "
                             "3 with --quick; fewer where fits are slow)")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (it is shown only when stderr is a "
                             "terminal; tqdm is used when installed)")
    args = parser.parse_args(argv)
    run(quick=args.quick, repeats=args.repeats, out_dir=args.out,
        progress=False if args.no_progress else None, plots=not args.no_plots)
    return 0
