"""The demo: skreg next to scikit-learn on data bundled with scikit-learn.

Fits every estimator with its scikit-learn counterpart at the same settings
and prints two tables: the fits (how far the coefficients are apart, the
score, the non-zeros and the time of each, median of a few runs), and the
cross-validated choices (alpha chosen by each library, skreg's alpha_1se_,
times).  Then draws the regularization path and the CV curve into
``--out`` (default ``./skreg-demo/``) when matplotlib is installed.

Adding an estimator is one entry in ``_pairs()`` or ``_cv_pairs()``.
"""

import argparse
import os
import sys
import time
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
from sklearn import linear_model as sk
from sklearn import neural_network as sk_nn
from sklearn.datasets import load_diabetes, load_digits
from sklearn.model_selection import GridSearchCV
from threadpoolctl import threadpool_limits

import skreg


@dataclass
class Pair:
    """One row: an skreg estimator and its scikit-learn counterpart, unfitted.

    ``theirs`` may be None where scikit-learn has no counterpart (dropout):
    the row then shows skreg's columns only.
    """

    name: str
    ours: Callable
    theirs: Callable = None
    data: str = "diabetes"     # "diabetes" (regression) or "digits" (classification)


@dataclass
class CVPair(Pair):
    """One row of the CV table; ``chosen`` reads the choice off a fitted estimator."""

    chosen: Callable = lambda est: est.alpha_


def _pairs():
    """The fit table: one entry per estimator (the lead adds Ridge, MLPs here)."""
    return [
        Pair("Lasso(alpha=0.1)", lambda: skreg.Lasso(alpha=0.1, tol=1e-8),
             lambda: sk.Lasso(alpha=0.1, tol=1e-8)),
        Pair("ElasticNet(alpha=0.01, l1_ratio=0.5)",
             lambda: skreg.ElasticNet(alpha=0.01, l1_ratio=0.5, tol=1e-8),
             lambda: sk.ElasticNet(alpha=0.01, l1_ratio=0.5, tol=1e-8)),
        Pair("Ridge(alpha=1.0)", lambda: skreg.Ridge(alpha=1.0),
             lambda: sk.Ridge(alpha=1.0)),
        Pair("MLPClassifier((64,), 40 epochs)",
             lambda: skreg.MLPClassifier((64,), max_iter=40, random_state=0),
             lambda: sk_nn.MLPClassifier((64,), max_iter=40, random_state=0),
             data="digits"),
        Pair("MLPClassifier(... dropout_rate=0.2)",
             lambda: skreg.MLPClassifier((64,), max_iter=40, random_state=0,
                                         dropout_rate=0.2),
             data="digits"),
    ]


def _cv_pairs():
    """The CV table: one entry per cross-validated choice (e.g. a dropout rate)."""
    l1 = [0.1, 0.5, 0.9, 1.0]
    return [
        CVPair("LassoCV(cv=5)", lambda: skreg.LassoCV(cv=5),
               lambda: sk.LassoCV(cv=5)),
        CVPair("ElasticNetCV(l1_ratio=[.1,.5,.9,1], cv=5)",
               lambda: skreg.ElasticNetCV(l1_ratio=l1, cv=5),
               lambda: sk.ElasticNetCV(l1_ratio=l1, cv=5),
               chosen=lambda est: f"{est.alpha_:.4g} @ l1={est.l1_ratio_:g}"),
        CVPair("RidgeCV(50 alphas, leave-one-out)",
               lambda: skreg.RidgeCV(alphas=np.logspace(-4, 2, 50)),
               lambda: sk.RidgeCV(alphas=np.logspace(-4, 2, 50))),
        CVPair("GridSearchCV(MLP, dropout_rate x mode)",
               lambda: GridSearchCV(
                   skreg.MLPClassifier((64,), max_iter=30, random_state=0),
                   {"dropout_rate": [0.0, 0.2, 0.5],
                    "dropout_mode": ["inverted", "standard"]}, cv=3),
               data="digits",
               chosen=lambda est: "rate={dropout_rate:g} {dropout_mode}".format(
                   **est.best_params_)),
    ]


def _load(name):
    """Bundled data only (no download), dense Fortran-ordered."""
    if name == "diabetes":
        X, y = load_diabetes(return_X_y=True)
    elif name == "digits":
        X, y = load_digits(return_X_y=True)
    else:
        raise ValueError(f"unknown demo dataset {name!r}")
    return np.asfortranarray(X), y


def _median_time(fit, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        est = fit()
        times.append(time.perf_counter() - t0)
    return est, float(np.median(times))


def _progress(items, desc, enabled):
    """tqdm's bar when installed (stderr), else one plain line per step."""
    items = list(items)
    if not enabled:
        return items
    try:
        from tqdm.auto import tqdm
    except ImportError:
        def plain():
            for i, item in enumerate(items, 1):
                print(f"  [{desc} {i}/{len(items)}] {item.name}", file=sys.stderr,
                      flush=True)
                yield item
        return plain()
    return tqdm(items, desc=desc, leave=False)


def _fmt(v, spec):
    if v is None:
        width = "".join(ch for ch in spec.split(".")[0] if ch.isdigit())
        return "-".rjust(int(width or 1))
    return format(v, spec)


def _fit_pair(pair, X, y, repeats):
    """Fit skreg's and scikit-learn's estimators of a row: (ours, t, theirs, t)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, ta = _median_time(lambda: pair.ours().fit(X, y), repeats)
        b, tb = (_median_time(lambda: pair.theirs().fit(X, y), repeats)
                 if pair.theirs is not None else (None, None))
    return a, ta, b, tb


def _fit_table(repeats, out, progress):
    header = (f"{'estimator':40s} {'data':8s} {'max|dcoef|':>10s} {'score':>7s} "
              f"{'sk':>7s} {'nnz':>4s} {'skreg ms':>9s} {'sk ms':>8s} {'ratio':>6s}")
    out(header)
    out("-" * len(header))
    rows = []
    for pair in _progress(_pairs(), "fits", progress):
        X, y = _load(pair.data)
        a, ta, b, tb = _fit_pair(pair, X, y, repeats)
        coef = getattr(a, "coef_", None)
        row = dict(
            name=pair.name, data=pair.data,
            coef_diff=(float(np.max(np.abs(coef - b.coef_)))
                       if coef is not None and hasattr(b, "coef_") else None),
            score=a.score(X, y), score_sk=None if b is None else b.score(X, y),
            nnz=int(np.sum(coef != 0)) if coef is not None else None,
            ms=ta * 1e3, ms_sk=None if tb is None else tb * 1e3,
        )
        rows.append(row)
        ratio = None if tb is None else row["ms"] / row["ms_sk"]
        out(f"{pair.name:40s} {pair.data:8s} {_fmt(row['coef_diff'], '10.2e')} "
            f"{row['score']:7.4f} {_fmt(row['score_sk'], '7.4f')} "
            f"{_fmt(row['nnz'], '4d')} {row['ms']:9.2f} {_fmt(row['ms_sk'], '8.2f')} "
            f"{_fmt(ratio, '6.2f')}")
    return rows


def _cv_table(repeats, out, progress):
    header = (f"{'cross-validated':42s} {'skreg chose':>18s} {'sk chose':>18s} "
              f"{'same':>4s} {'alpha_1se_':>10s} {'skreg ms':>9s} {'sk ms':>8s} "
              f"{'ratio':>6s}")
    out(header)
    out("-" * len(header))
    rows, fitted = [], {}
    for pair in _progress(_cv_pairs(), "cross-validation", progress):
        X, y = _load(pair.data)
        a, ta, b, tb = _fit_pair(pair, X, y, repeats)
        ca = pair.chosen(a)
        cb = None if b is None else pair.chosen(b)
        if b is None:
            same = None
        elif isinstance(ca, float):
            same = bool(np.isclose(ca, cb, rtol=1e-9))
        else:
            same = ca == cb
        row = dict(name=pair.name, chosen=ca, chosen_sk=cb, same=same,
                   alpha_1se=getattr(a, "alpha_1se_", None), ms=ta * 1e3,
                   ms_sk=None if tb is None else tb * 1e3)
        rows.append(row)
        fitted[pair.name] = (a, X, y, pair.data)
        ca_s = f"{ca:.4g}" if isinstance(ca, float) else str(ca)
        cb_s = "-" if cb is None else f"{cb:.4g}" if isinstance(cb, float) else str(cb)
        same_s = "-" if same is None else "yes" if same else "no"
        ratio = None if tb is None else row["ms"] / row["ms_sk"]
        out(f"{pair.name:42s} {ca_s:>18s} {cb_s:>18s} {same_s:>4s} "
            f"{_fmt(row['alpha_1se'], '10.4g')} {row['ms']:9.2f} "
            f"{_fmt(row['ms_sk'], '8.2f')} {_fmt(ratio, '6.2f')}")
    return rows, fitted


def _plots(fitted, out_dir, out):
    """PNGs: the path and CV curve of the first CV row, the MLPs' dropout curves.

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
    est, X, y, data = next(iter(fitted.values()))
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
    """MLPs on digits at a few dropout settings, for the loss-curve plot.

    Empty until ``skreg.MLPClassifier`` exists (it is being written).
    """
    if not hasattr(skreg, "MLPClassifier"):
        return []
    X, y = _load("digits")
    X = X / 16.0
    settings = [(0.0, "inverted"), (0.3, "inverted"), (0.3, "standard")]
    # small matrices: one BLAS thread (measured on 2 busy cores: OpenBLAS's
    # threads made a 64-unit network 25x slower, scikit-learn's too)
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore")
        return [skreg.MLPClassifier(hidden_layer_sizes=(48,), solver="adam",
                                    max_iter=30, early_stopping=True, random_state=0,
                                    dropout_rate=rate, dropout_mode=mode).fit(X, y)
                for rate, mode in settings]


def run(repeats=5, out_dir="skreg-demo", out=print, progress=True):
    """Run the demo; returns {'fits': rows, 'cv': rows, 'plots': paths}."""
    t0 = time.perf_counter()
    out(f"skreg {skreg.__version__} vs scikit-learn (median of {repeats} fits; "
        "diabetes 442x10, digits 1797x64, bundled with scikit-learn)")
    out("")
    # one BLAS thread for both libraries: steadier timings on a small shared
    # machine, where OpenBLAS threads on small matrices mostly wait
    with threadpool_limits(limits=1, user_api="blas"):
        fits = _fit_table(repeats, out, progress)
        out("")
        cv, fitted = _cv_table(max(1, repeats // 2), out, progress)
    out("")
    plots = _plots(fitted, out_dir, out)
    out(f"done in {time.perf_counter() - t0:.1f} s")
    return {"fits": fits, "cv": cv, "plots": plots}


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skreg", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5,
                        help="fits per estimator for the median time (default 5)")
    parser.add_argument("--out", default="skreg-demo",
                        help="folder for the plots (default ./skreg-demo)")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar / progress lines")
    args = parser.parse_args(argv)
    run(repeats=args.repeats, out_dir=args.out, progress=not args.no_progress)
    return 0
