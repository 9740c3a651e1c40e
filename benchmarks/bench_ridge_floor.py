"""Ridge and RidgeCV against their BLAS/LAPACK floor, timed in one run (issue 12 §3).

    python benchmarks/bench_ridge_floor.py            # ~1 min
    python benchmarks/bench_ridge_floor.py --memory   # + wide 8000x16000 memory (2.5 GB)

- Ridge, 10 targets (n x 500): skreg Ridge().fit against the raw bound
  (center X, Gram X^T X, X^T Y, cho_factor/cho_solve) and scikit-learn.
- RidgeCV(alphas=logspace(-3, 3, 50)), leave-one-out, against the floor:
  n > p: SYRK X^T X, syevd, the X V GEMM; n <= p: X X^T and syevd.
- Wide Ridge memory: peak numpy allocation (tracemalloc) beyond X, against
  the one n x n matrix a direct solve needs.

Process CPU time, median of --repeats interleaved rounds, BLAS pinned to one
thread (on a shared machine wall time with 2 BLAS threads mostly measures
the other tenants); the load average is printed with each table.
"""

import argparse
import os
import sys
import time
import tracemalloc

import numpy as np
import scipy.linalg
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sklearn.linear_model import Ridge as SkRidge  # noqa: E402

from skreg import Ridge, RidgeCV  # noqa: E402

ALPHAS = np.logspace(-3, 3, 50)


def _design(n, p, seed, rho=0.5):
    """AR(1)-correlated Gaussian columns (as the shared benchmark problems)."""
    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, 0] = rng.standard_normal(n)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * rng.standard_normal(n)
    return X, rng


def _cpu_medians(fns, repeats):
    times = {k: [] for k in fns}
    for _ in range(repeats):
        for k, f in fns.items():
            t = time.process_time()
            f()
            times[k].append(time.process_time() - t)
    return {k: float(np.median(v)) for k, v in times.items()}


def _load():
    return os.getloadavg()[0]


def bench_multi(n, repeats):
    X, rng = _design(n, 500, 12)
    Y = X @ rng.standard_normal((500, 10)) + rng.standard_normal((n, 10))

    def raw():
        Xc = X - X.mean(axis=0)
        Yc = Y - Y.mean(axis=0)
        G = Xc.T @ Xc
        G.flat[:: G.shape[0] + 1] += 1.0
        c = scipy.linalg.cho_factor(G, overwrite_a=True, check_finite=False)
        return scipy.linalg.cho_solve(c, Xc.T @ Yc, check_finite=False)

    t = _cpu_medians({"skreg": lambda: Ridge().fit(X, Y), "raw bound": raw,
                      "sklearn": lambda: SkRidge().fit(X, Y)}, repeats)
    print(f"| {n}x500x10 | {t['skreg']:.3f} | {t['raw bound']:.3f} | {t['sklearn']:.3f} "
          f"| {t['skreg'] / t['raw bound']:.2f} | {t['sklearn'] / t['raw bound']:.2f} "
          f"| {_load():.1f} |", flush=True)


def _floor(X):
    n, p = X.shape

    def run():
        m = X.mean(axis=0)
        if n > p:
            G = X.T @ X
            G -= n * np.outer(m, m)
            _, V = scipy.linalg.eigh(G, driver="evd", overwrite_a=True, check_finite=False)
            return X @ V
        K = X @ X.T
        return scipy.linalg.eigh(K, driver="evd", overwrite_a=True, check_finite=False)
    return run


def bench_cv(n, p, repeats):
    X, rng = _design(n, p, 20)
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    t = _cpu_medians({"RidgeCV": lambda: RidgeCV(alphas=ALPHAS).fit(X, y),
                      "floor": _floor(X), "Ridge": lambda: Ridge().fit(X, y)}, repeats)
    print(f"| {n}x{p} | {t['RidgeCV']:.3f} | {t['floor']:.3f} | {t['Ridge']:.3f} "
          f"| {t['RidgeCV'] / t['floor']:.2f} | {t['RidgeCV'] / t['Ridge']:.2f} "
          f"| {_load():.1f} |", flush=True)


def bench_memory(n, p):
    X, rng = _design(n, p, 11)
    y = X[:, :50].sum(axis=1) + rng.standard_normal(n)
    tracemalloc.start()
    Ridge().fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    nn = n * n * 8
    print(f"| {n}x{p} | {X.nbytes / 2**20:.0f} | {nn / 2**20:.0f} | {peak / 2**20:.0f} "
          f"| {peak / nn:.3f} |", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--memory", action="store_true")
    args = ap.parse_args()
    with threadpool_limits(1, user_api="blas"):
        print("## Ridge, 10 targets: CPU [s], 1 BLAS thread\n")
        print("| problem | skreg | raw bound | sklearn | skreg/raw | sklearn/raw | load |")
        print("|---|---|---|---|---|---|---|")
        for n in (10_000, 20_000):
            bench_multi(n, args.repeats)
        print("\n## RidgeCV LOO, 50 alphas: CPU [s], 1 BLAS thread\n")
        print("| problem | RidgeCV | floor | Ridge (one fit) | x floor | x one fit | load |")
        print("|---|---|---|---|---|---|---|")
        for n, p in ((5000, 500), (10_000, 800), (500, 5000), (800, 10_000)):
            bench_cv(n, p, args.repeats)
    print("\n## Wide Ridge memory beyond X (tracemalloc peak)\n")
    print("| problem | X [MB] | n x n [MB] | beyond X [MB] | / n x n |")
    print("|---|---|---|---|---|")
    bench_memory(2000, 4000)
    if args.memory:
        bench_memory(8000, 16_000)


if __name__ == "__main__":
    main()
