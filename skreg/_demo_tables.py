"""The demo's three tables: fits, speed at equal accuracy, cross-validation.

Each ``_*_table(…, ctx)`` writes its header and one line per row through
``ctx.write`` (the progress bar is cleared first) and returns the rows as
dicts.  ``ctx`` is :class:`skreg._demo._Context`: ``out``, ``progress``,
``repeats``, ``budget``, ``quick`` and ``sk`` (scikit-learn's linear_model).
Timings are medians of :func:`_timed`; the speed table first calibrates
each library's tol to the same relative duality gap (:func:`_calibrated`).
"""

import time
import warnings

import numpy as np

import skreg
from skreg._demo_output import _f, _ratio, _Table
from skreg._demo_problems import _load, relative_duality_gap

TARGET_GAP = 1e-6                       # relative duality gap both libraries reach
TOLS = (1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9)   # tried in this order, largest first


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
# what a cross-validated estimator chose (the CV table's columns)
# --------------------------------------------------------------------------
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
