"""The demo: skreg next to scikit-learn on the bundled diabetes data.

Fits every linear estimator with its scikit-learn counterpart at the same
settings and prints one table: how far the coefficients are apart, the
training R^2, the non-zeros and the time of each (median of a few runs).
"""

import argparse
import time
import warnings

import numpy as np
from sklearn import linear_model as sk
from sklearn.datasets import load_diabetes

import skreg


def _median_time(fit, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        est = fit()
        times.append(time.perf_counter() - t0)
    return est, float(np.median(times))


def _pairs():
    return [
        ("Lasso(alpha=0.1)", lambda: skreg.Lasso(alpha=0.1, tol=1e-8),
         lambda: sk.Lasso(alpha=0.1, tol=1e-8)),
        ("ElasticNet(alpha=0.01, l1_ratio=0.5)",
         lambda: skreg.ElasticNet(alpha=0.01, l1_ratio=0.5, tol=1e-8),
         lambda: sk.ElasticNet(alpha=0.01, l1_ratio=0.5, tol=1e-8)),
    ]


def run(repeats=5, out=print):
    """Fit each pair on diabetes and return the result rows (also printed)."""
    X, y = load_diabetes(return_X_y=True)
    X = np.asfortranarray(X)
    rows = []
    header = (f"{'estimator':40s} {'max|dcoef|':>11s} {'R2 skreg':>9s} {'R2 sk':>7s} "
              f"{'nnz':>4s} {'skreg ms':>9s} {'sk ms':>7s} {'ratio':>6s}")
    out(f"skreg {skreg.__version__} vs scikit-learn on load_diabetes "
        f"{X.shape[0]}x{X.shape[1]} (median of {repeats} fits)")
    out(header)
    out("-" * len(header))
    for name, ours, theirs in _pairs():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a, ta = _median_time(lambda: ours().fit(X, y), repeats)
            b, tb = _median_time(lambda: theirs().fit(X, y), repeats)
        row = dict(
            name=name,
            coef_diff=float(np.max(np.abs(a.coef_ - b.coef_))),
            r2=a.score(X, y), r2_sk=b.score(X, y), nnz=int(np.sum(a.coef_ != 0)),
            ms=ta * 1e3, ms_sk=tb * 1e3,
        )
        rows.append(row)
        out(f"{name:40s} {row['coef_diff']:11.2e} {row['r2']:9.4f} {row['r2_sk']:7.4f} "
            f"{row['nnz']:4d} {row['ms']:9.2f} {row['ms_sk']:7.2f} "
            f"{row['ms'] / row['ms_sk']:6.2f}")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m skreg", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5,
                        help="fits per estimator for the median time")
    args = parser.parse_args(argv)
    run(repeats=args.repeats)
    return 0
