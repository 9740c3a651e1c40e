"""Peak memory of one fit on a ~2 GB dense X: skreg against scikit-learn.

Each (library, estimator, memory order) runs in its own subprocess, one at a
time, so that one measurement cannot inherit another's heap.  The child

1. builds X (n_samples x n_features float64, 2 GB by default) in chunks of a
   few MB straight into its final array, so building it costs no extra peak;
2. resets the kernel's peak-RSS counter (``/proc/self/clear_refs``; where
   that is not allowed, falls back to the ``ru_maxrss`` high-water mark,
   which then includes the small chunk of step 1) and records RSS;
3. fits, with tracemalloc running (NumPy reports its buffers to it);
4. reports the peak RSS minus the RSS before the fit (the process view,
   BLAS and Cython scratch included) and tracemalloc's peak (NumPy only).

Usage::

    python benchmarks/bench_memory.py                    # 250000 x 1000, F and C order
    python benchmarks/bench_memory.py --n-samples 20000  # a quick smoke run
    python benchmarks/bench_memory.py --estimators Lasso --orders F

Needs about 3x the size of X in free memory for scikit-learn's copies.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

ESTIMATORS = ["Lasso", "ElasticNet", "Ridge"]


def _rss_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def _reset_peak():
    """Reset VmHWM to the current RSS; False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def child(lib, name, n, p, order, seed):
    """Build X, fit ``lib.name`` once, print one JSON line of measurements."""
    import tracemalloc
    import warnings

    import numpy as np

    if lib == "skreg":
        import skreg as mod
    else:
        import sklearn.linear_model as mod
    cls = getattr(mod, name, None)
    if cls is None:
        print(json.dumps({"skipped": f"{lib}.{name} not available"}))
        return

    rng = np.random.default_rng(seed)
    X = np.empty((n, p), dtype=np.float64, order=order)
    w_true = np.zeros(p)
    w_true[: p // 10] = rng.standard_normal(p // 10)
    y = np.empty(n)
    chunk = max(1, (4 << 20) // (8 * p))  # ~4 MB of rows at a time
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        block = rng.standard_normal((stop - start, p))
        block += 0.5  # a non-zero mean: fit_intercept has centering to do
        X[start:stop] = block
        y[start:stop] = block @ w_true + rng.standard_normal(stop - start)
    del block

    params = {"alpha": 1.0} if name == "Ridge" else {"alpha": 0.05}
    if name == "ElasticNet":
        params["l1_ratio"] = 0.5
    est = cls(**params)

    exact = _reset_peak()
    base_rss = _rss_kib("VmRSS")
    base_maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    seconds = time.perf_counter() - t0
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if exact:
        peak = _rss_kib("VmHWM") - base_rss
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base_maxrss
    print(json.dumps({
        "X_mib": X.nbytes / 2**20,
        "peak_rss_mib": peak / 1024,
        "traced_peak_mib": traced_peak / 2**20,
        "seconds": seconds,
        "exact_reset": exact,
        "n_iter": int(np.max(getattr(est, "n_iter_", 0) or 0)),
    }))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-samples", type=int, default=250_000)
    ap.add_argument("--n-features", type=int, default=1_000)
    ap.add_argument("--estimators", nargs="+", default=ESTIMATORS)
    ap.add_argument("--orders", nargs="+", default=["F", "C"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--child", nargs=3, metavar=("LIB", "NAME", "ORDER"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        lib, name, order = args.child
        child(lib, name, args.n_samples, args.n_features, order, args.seed)
        return

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [root, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    rows = []
    for name in args.estimators:
        for order in args.orders:
            for lib in ("skreg", "sklearn"):
                cmd = [sys.executable, os.path.abspath(__file__), "--child", lib, name,
                       order, "--n-samples", str(args.n_samples), "--n-features",
                       str(args.n_features), "--seed", str(args.seed)]
                out = subprocess.run(cmd, env=env, capture_output=True, text=True)
                lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
                if out.returncode != 0 or not lines:
                    res = {"error": (out.stderr.strip().splitlines() or ["?"])[-1]}
                else:
                    res = json.loads(lines[-1])
                rows.append((name, order, lib, res))
                print(f"{name:<11} {order}  {lib:<8} {res}", file=sys.stderr, flush=True)

    n, p = args.n_samples, args.n_features
    print(f"\nPeak memory of one fit, X = {n} x {p} float64 "
          f"({n * p * 8 / 2**30:.2f} GiB), extra over the memory held before fit\n")
    print("| estimator | X order | library | peak RSS (MiB) | tracemalloc peak (MiB) "
          "| fit time (s) |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    for name, order, lib, res in rows:
        if "peak_rss_mib" in res:
            print(f"| {name} | {order} | {lib} | {res['peak_rss_mib']:.0f} | "
                  f"{res['traced_peak_mib']:.0f} | {res['seconds']:.1f} |")
        else:
            print(f"| {name} | {order} | {lib} | {res.get('skipped') or res.get('error')} "
                  f"| | |")


if __name__ == "__main__":
    main()
