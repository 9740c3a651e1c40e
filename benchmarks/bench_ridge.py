"""skreg Ridge / RidgeCV against scikit-learn and the raw Gram + Cholesky bound.

Run from the repository root (the shared benchmark helpers live in
``../shared/bench``):

    python benchmarks/bench_ridge.py            # ~4 min (quiet machine: less)
    python benchmarks/bench_ridge.py --quick    # 2 repeats, two small CV shapes

Part 1, Ridge(alpha=1.0) fit on the shapes of ANCHORS.md section 2 (problem
generator ``make_ridge_problem`` of ``shared/bench/bench_ridge.py``): tall
dense 20000x1000, wide dense 1000x20000, sparse CSC 20000x20000 at density
0.001, and 20000x500 with 10 targets.  Compared in the same process,
round-robin interleaved: skreg Ridge(solver='auto'), scikit-learn
Ridge(solver='auto'), and on dense data the raw bound of the shared bench
(centering + Gram X^T X or X X^T + X^T y + scipy cho_factor/cho_solve).
Accuracy: relative excess objective (P - P*)/P* against the float64 Cholesky
reference of the shared bench (sparse: skreg sparse_cg at tol 1e-10).

Part 2, RidgeCV(alphas=np.logspace(-3, 3, 50)) in leave-one-out mode vs a
single skreg Ridge fit on the same data (interleaved) and scikit-learn's
RidgeCV (timed once, after: it is 2-50x slower; skipped where one run costs
~30 s or more).

Timings: median wall time over --repeats rounds, process CPU time next to it
(it counts both BLAS threads: CPU ~ 2x wall means both cores were ours).
BLAS keeps its default thread count (2 here): these are BLAS-3 bound.  The
machine is shared, so ratios within one run are what counts.
"""

import argparse
import importlib.util
import os
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "bench"))
sys.path.insert(0, SHARED)
sys.path.insert(0, os.path.dirname(HERE))
import problems as pb  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "shared_bench_ridge", os.path.join(SHARED, "bench_ridge.py"))
sbr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sbr)

from sklearn.linear_model import Ridge as SkRidge  # noqa: E402
from sklearn.linear_model import RidgeCV as SkRidgeCV  # noqa: E402

from skreg import Ridge, RidgeCV  # noqa: E402

ALPHAS = np.logspace(-3, 3, 50)


def _quiet(fn):
    def f():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn()
    return f


def bench_ridge(name, repeats):
    X, y = sbr.make_ridge_problem(name)
    is_sparse = sp.issparse(X)
    if is_sparse:
        ref = Ridge(solver="sparse_cg", tol=1e-10, max_iter=10_000).fit(X, y)
        w_ref, b_ref = ref.coef_, ref.intercept_
    else:
        Xc, yc, Xm, ym = sbr.center(X, y)
        w = sbr.raw_cholesky(Xc, yc)
        w_ref = w.T if w.ndim == 2 else w
        b_ref = ym - Xm @ w
        del Xc
    P_ref = sbr.objective(X, y, w_ref, b_ref)
    fns = {"skreg Ridge('auto')": _quiet(lambda: Ridge().fit(X, y)),
           "sklearn Ridge('auto')": _quiet(lambda: SkRidge().fit(X, y))}
    if is_sparse:
        fns["skreg Ridge('lsqr')"] = _quiet(lambda: Ridge(solver="lsqr").fit(X, y))
    else:
        def raw():
            Xc, yc, Xm, ym = sbr.center(X, y)
            return sbr.raw_cholesky(Xc, yc)
        fns["raw: center + Gram + cho_factor/solve"] = raw
    load0 = pb.loadavg()
    t = pb.interleaved_timings(fns, repeats=repeats)
    rows = []
    sk = t["sklearn Ridge('auto')"]["median"]
    rawt = t.get("raw: center + Gram + cho_factor/solve", {}).get("median")
    for k, r in t.items():
        est = r["result"]
        excess = used = ""
        if hasattr(est, "coef_"):
            P = sbr.objective(X, y, est.coef_, est.intercept_)
            excess = f"{(P - P_ref) / P_ref:.0e}"
            used = getattr(est, "solver_", "")
        rows.append((name, k, used, r["median"], r["cpu_median"], r["median"] / sk,
                     r["median"] / rawt if rawt else None, excess))
    return rows, load0


def _cv_problem(n, p, seed):
    rng = np.random.default_rng(seed)
    X = pb._ar1_design(rng, n, p, 0.5)
    w = np.zeros(p)
    k = min(p, 100)
    w[rng.choice(p, k, replace=False)] = rng.standard_normal(k)
    return X, pb._add_noise(rng, X @ w, 2.0)


def _loo_floor(X):
    """The products any exact leave-one-out needs when n > p, nothing else.

    The hat matrix's diagonal h_i(alpha) = sum_k (x~_i . v_k)^2 / (s_k + alpha)
    needs X~ V (n p^2 flops, a GEMM) on top of the Gram matrix X~^T X~ that a
    Cholesky fit also needs; the eigendecomposition itself, the centering and
    the per-alpha O(n p) work come on top.  V is a fixed random orthogonal
    p x p matrix (its values do not change the cost).
    """
    V = np.linalg.qr(np.random.default_rng(0).standard_normal((X.shape[1],) * 2))[0]
    m = X.mean(axis=0)

    def run():
        Xc = X - m
        Xc.T @ Xc
        return Xc @ V
    return run


def bench_ridgecv(label, X, y, repeats, sk_runs=1):
    """skreg RidgeCV vs one skreg Ridge fit (interleaved), then scikit-learn's
    RidgeCV ``sk_runs`` times on its own (it is 5-50x slower; 0 skips it)."""
    fns = {"skreg RidgeCV LOO, 50 alphas": lambda: RidgeCV(alphas=ALPHAS).fit(X, y),
           "skreg Ridge, one fit": lambda: Ridge().fit(X, y)}
    if X.shape[0] > X.shape[1]:
        fns["exact-LOO floor: Gram + X V"] = _loo_floor(X)
    t = pb.interleaved_timings(fns, repeats=repeats)
    if sk_runs:
        t.update(pb.interleaved_timings(
            {"sklearn RidgeCV LOO, 50 alphas":
             lambda: SkRidgeCV(alphas=ALPHAS).fit(X, y)}, repeats=sk_runs))
    one = t["skreg Ridge, one fit"]["median"]
    sk = t.get("sklearn RidgeCV LOO, 50 alphas", {}).get("median")
    rows = []
    for k, r in t.items():
        a = getattr(r["result"], "alpha_", None)
        rows.append((label, k, r["median"], r["cpu_median"], r["median"] / one,
                     r["median"] / sk if sk else None,
                     "" if a is None else f"{float(np.ravel(a)[0]):.3g}",
                     len(r["times"])))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 repeats, two CV shapes")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    repeats = 2 if args.quick else args.repeats
    t0 = time.perf_counter()
    print(pb.env_markdown())
    print(f"\nload {pb.loadavg():.1f}; repeats {repeats}\n")

    print("## Ridge(alpha=1.0) fit, median wall [s] (CPU [s]); x sk = / sklearn "
          "Ridge('auto'); x raw = / raw bound\n")
    print("| problem | method | solver_ | wall | CPU | x sk | x raw | excess obj |")
    print("|---|---|---|---|---|---|---|---|")
    for name in ["ridge-tall", "ridge-wide", "ridge-sparse", "ridge-multi"]:
        rows, load0 = bench_ridge(name, repeats)
        for (pr, k, used, wall, cpu, xsk, xraw, exc) in rows:
            xr = f"{xraw:.2f}" if xraw else "-"
            print(f"| {pr} | {k} | {used} | {wall:.3f} | {cpu:.3f} | {xsk:.2f} | {xr} "
                  f"| {exc} |", flush=True)

    print("\n## RidgeCV(alphas=logspace(-3, 3, 50)), leave-one-out; x one fit = / "
          "skreg Ridge one fit; x sk = / sklearn RidgeCV\n")
    print("| data | method | wall | CPU | x one fit | x sk | alpha_ | runs |")
    print("|---|---|---|---|---|---|---|---|")
    cases = [("5000x500 (n>p, 'cov')", *_cv_problem(5000, 500, 21), 1),
             ("500x5000 (n<=p, 'gram')", *_cv_problem(500, 5000, 20), 1)]
    if not args.quick:
        X, y = sbr.make_ridge_problem("ridge-wide")
        cases.append(("ridge-wide 1000x20000 ('gram')", X, y, 1))
        X, y = sbr.make_ridge_problem("ridge-multi")
        cases.append(("ridge-multi 20000x500x10 ('cov'; sklearn skipped, ~27 s CPU)",
                      X, y, 0))
        X, y = sbr.make_ridge_problem("ridge-tall")
        cases.append(("ridge-tall 20000x1000 ('cov'; sklearn skipped)", X, y, 0))
    for label, X, y, sk_runs in cases:
        for (lab, k, wall, cpu, x1, xsk, a, runs) in bench_ridgecv(label, X, y, repeats,
                                                                   sk_runs):
            xs = f"{xsk:.2f}" if xsk else "-"
            print(f"| {lab} | {k} | {wall:.3f} | {cpu:.3f} | {x1:.2f} | {xs} | {a} "
                  f"| {runs} |", flush=True)
    print(f"\ntotal {time.perf_counter() - t0:.0f} s; load {pb.loadavg():.1f}")


if __name__ == "__main__":
    main()
