"""MultiTaskLasso: skreg vs scikit-learn vs celer vs skglm, at equal duality gap.

Run from the repository root:

    python benchmarks/bench_multitask.py            # wide and tall, 5 and 50 tasks
    python benchmarks/bench_multitask.py --quick    # smaller problems, 3 repeats

Method (that of bench_cd.py, for the multi-task objective
1/(2n) ||Y - X W^T - b||_F^2 + alpha sum_j ||W[:, j]||_2):

0. Problems: "wide" (300 x 3000) and "tall" (20000 x 200), Gaussian X with
   correlation rho^|i-j| (rho = 0.5), 10 (wide) / 20 (tall) active rows of
   W, noise at SNR 3, with 5 and 50 tasks; alpha = alpha_max / 10.
1. The judge (independent of every solver): the relative duality gap
   (P(W, b) - D(theta)) / P(0) at the solver's (W, b), theta the rescaled
   centered residual (the multi-task dual: D = (s <R, Y~> - s^2 ||R||^2 / 2)
   / n, s = min(1, n alpha / max_j ||X~_j^T R||)).
2. Calibration (not timed): each solver gets the LARGEST tol of the grid
   1e-2, 3e-3, ..., 1e-10 whose solution reaches rel gap <= 1e-6 (tol means
   different things in the libraries); one that never does is flagged "!".
3. Timing: round-robin (A, B, C, D, A, ...), medians of --repeats rounds,
   BLAS pinned to one thread; skglm's numba JIT runs during calibration.

Prints one line per configuration: median ms of each solver, skreg / best
of the others, and skreg's rel gap.  The machine is shared: ratios within
a run are what is comparable.
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

TOLS = [1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 3e-7, 1e-7, 1e-8,
        1e-9, 1e-10]
TARGET = 1e-6


def make_problem(n, p, n_tasks, n_active, seed=0, rho=0.5, snr=3.0):
    rng = np.random.RandomState(seed)
    Z = rng.randn(n, p)
    X = np.empty((n, p), order="F")
    X[:, 0] = Z[:, 0]
    for j in range(1, p):  # AR(1) columns: corr rho^|i - j|
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    W = np.zeros((n_tasks, p))
    W[:, rng.choice(p, n_active, replace=False)] = rng.randn(n_tasks, n_active)
    XW = X @ W.T
    Y = XW + rng.randn(n, n_tasks) * XW.std() / snr
    return X, Y


def alpha_max(X, Y):
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    return np.max(np.linalg.norm(Xc.T @ Yc, axis=1)) / X.shape[0]


def rel_gap(X, Y, W, b, alpha):
    """Relative duality gap of the multi-task Lasso at (W, b)."""
    n = X.shape[0]
    R = Y - X @ W.T - b
    primal = 0.5 * np.sum(R**2) / n + alpha * np.sum(np.linalg.norm(W, axis=0))
    Xm, Yc = X.mean(0), Y - Y.mean(0)
    Rc = R - R.mean(0)
    corr = X.T @ Rc - np.outer(Xm, Rc.sum(0))
    s = min(1.0, n * alpha / max(np.max(np.linalg.norm(corr, axis=1)), 1e-300))
    dual = (s * np.sum(Rc * Yc) - 0.5 * s * s * np.sum(Rc**2)) / n
    p0 = 0.5 * np.sum(Yc**2) / n
    return (primal - dual) / p0


def solvers():
    from sklearn import linear_model as sk

    import skreg
    out = {
        "skreg": lambda a, t: skreg.MultiTaskLasso(alpha=a, tol=t, max_iter=100_000),
        "sklearn": lambda a, t: sk.MultiTaskLasso(alpha=a, tol=t, max_iter=100_000),
    }
    try:
        from celer.homotopy import mtl_path

        class CelerMTL:
            """celer.MultiTaskLasso's fit (its solver mtl_path on centered data).

            celer 0.7.4's own fit calls scikit-learn internals that 1.9 removed
            (_validate_data, a 5-tuple _preprocess_data); this is what it did.
            """

            def __init__(self, alpha, tol):
                self.alpha, self.tol = alpha, tol

            def fit(self, X, Y):
                Xm, Ym = X.mean(0), Y.mean(0)
                Xc = np.asfortranarray(X - Xm)
                _, coefs, _ = mtl_path(Xc, Y - Ym, alphas=[self.alpha], tol=self.tol)
                self.coef_ = coefs[..., 0]
                self.intercept_ = Ym - Xm @ self.coef_.T
                return self

        out["celer"] = lambda a, t: CelerMTL(a, t)
    except ImportError:
        print("note: celer is not importable; its column is skipped")
    try:
        import skglm
        out["skglm"] = lambda a, t: skglm.MultiTaskLasso(alpha=a, tol=t, max_iter=1000)
    except ImportError:
        print("note: skglm is not importable; its column is skipped")
    return out


def calibrate(make, X, Y, alpha):
    for tol in TOLS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = make(alpha, tol).fit(X, Y)
        g = rel_gap(X, Y, m.coef_, m.intercept_, alpha)
        if g <= TARGET:
            return tol, g, True
    return tol, g, False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--tasks", default="5,50")
    args = ap.parse_args()
    shapes = {"wide": (300, 3000, 10), "tall": (20_000, 200, 20)}
    if args.quick:
        shapes = {"wide": (100, 1000, 10), "tall": (5000, 100, 10)}
        args.repeats = min(args.repeats, 3)
    print(f"- {os.cpu_count()} cpus, load {os.getloadavg()[0]:.1f}; "
          f"python {sys.version.split()[0]}; BLAS pinned to 1 thread")
    print("| problem | tasks | " + " | ".join(f"{k} ms (tol)" for k in solvers())
          + " | skreg/best other | skreg rel gap |")
    print("|---" * (len(solvers()) + 4) + "|")
    with threadpool_limits(1, user_api="blas"):
        for name, (n, p, k) in shapes.items():
            for T in map(int, args.tasks.split(",")):
                X, Y = make_problem(n, p, T, k)
                alpha = alpha_max(X, Y) / 10
                tols, ok, fns = {}, {}, {}
                for s, make in solvers().items():
                    tols[s], g, ok[s] = calibrate(make, X, Y, alpha)
                    fns[s] = (lambda make=make, t=tols[s], alpha=alpha, X=X, Y=Y:
                              make(alpha, t).fit(X, Y))
                res = {}
                for _ in range(args.repeats):  # round-robin
                    for s, fn in fns.items():
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            t0 = time.perf_counter()
                            m = fn()
                            res.setdefault(s, []).append(time.perf_counter() - t0)
                        if s == "skreg":
                            g_skreg = rel_gap(X, Y, m.coef_, m.intercept_, alpha)
                med = {s: 1e3 * float(np.median(v)) for s, v in res.items()}
                others = [med[s] for s in med if s != "skreg" and ok[s]]
                ratio = med["skreg"] / min(others) if others else float("nan")
                cells = " | ".join(
                    f"{med[s]:.1f} ({tols[s]:g}){'' if ok[s] else ' !'}" for s in med)
                print(f"| {name} {n}x{p} | {T} | {cells} | {ratio:.2f} | "
                      f"{g_skreg:.1e} |", flush=True)


if __name__ == "__main__":
    main()
