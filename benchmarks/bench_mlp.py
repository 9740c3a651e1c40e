"""skreg MLPClassifier vs scikit-learn's on the MNIST-sized problem of ANCHORS.md (section 3).

Run from the repository root (the one beside ../shared):

    python benchmarks/bench_mlp.py              # 3 epochs x 3 interleaved repeats, ~2-5 min
    python benchmarks/bench_mlp.py --quick      # 12000 training rows, 2 epochs, 2 repeats
    python benchmarks/bench_mlp.py --threads 1  # one BLAS thread (steadier on busy cores)
    python benchmarks/bench_mlp.py --all        # + sklearn float32 and standard-mode rows

Problem (reused from ../shared/bench/bench_mlp.py, not copied): 60000 x 784
make_classification, 10 classes, standardised, fixed stratified 20 % holdout
(48000 training rows).  Network (256, 256) ReLU, Adam (lr 1e-3), batch 200,
alpha 1e-4, max_iter=EPOCHS with tol=0 and n_iter_no_change=1000 so that
every epoch runs.  ms/epoch = median over the interleaved repeats of the
whole ``fit`` wall time (input validation included) / EPOCHS.  CPU ms/epoch =
process CPU time / EPOCHS (all threads); it is recorded because wall time is
inflated when other processes share the cores.  BLAS threads are pinned with
threadpoolctl (--threads, default 2 as the anchors).

Issue 4's targets, checked at the bottom of the table:
  1. skreg float64, dropout 0  <= sklearn float64 per epoch;
  2. skreg dropout 0.5 adds <= 15 % per epoch over skreg dropout 0 (per dtype);
  3. skreg float32 >= 1.5x faster per epoch than skreg float64 (dropout 0).
"""

import argparse
import importlib.util
import os
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED_BENCH = os.path.join(ROOT, "..", "shared", "bench")
sys.path.insert(0, ROOT)
sys.path.insert(1, SHARED_BENCH)

import problems as pb  # noqa: E402  (../shared/bench/problems.py)


def _anchor_module():
    """../shared/bench/bench_mlp.py under another name (ours has the same name)."""
    spec = importlib.util.spec_from_file_location(
        "anchor_bench_mlp", os.path.join(SHARED_BENCH, "bench_mlp.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def make_fit(cls, X, y, epochs, **extra):
    def run():
        est = cls(hidden_layer_sizes=(256, 256), solver="adam", batch_size=200,
                  max_iter=epochs, early_stopping=False, tol=0.0, n_iter_no_change=1000,
                  alpha=1e-4, random_state=0, **extra)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)
        assert est.n_iter_ == epochs, est.n_iter_
        return est
    return run


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--all", action="store_true",
                    help="also time sklearn float32 and skreg standard-mode dropout")
    ap.add_argument("--quick", action="store_true",
                    help="12000 training rows, 2 epochs, 2 repeats")
    args = ap.parse_args()
    from sklearn.neural_network import MLPClassifier as SkMLP
    from threadpoolctl import threadpool_info, threadpool_limits

    from skreg import MLPClassifier

    epochs, repeats = (2, 2) if args.quick else (args.epochs, args.repeats)
    t_start = time.perf_counter()
    Xtr, Xte, ytr, yte = _anchor_module().load_data("mnist-sized")
    if args.quick:
        Xtr, ytr = Xtr[:12000], ytr[:12000]
    X64 = np.ascontiguousarray(Xtr, dtype=np.float64)
    X32 = X64.astype(np.float32)
    fns = {
        "sklearn MLPClassifier float64": make_fit(SkMLP, X64, ytr, epochs),
        "skreg float64, dropout 0": make_fit(MLPClassifier, X64, ytr, epochs),
        "skreg float64, dropout 0.5": make_fit(MLPClassifier, X64, ytr, epochs,
                                               dropout_rate=0.5),
        "skreg float32, dropout 0": make_fit(MLPClassifier, X32, ytr, epochs),
        "skreg float32, dropout 0.5": make_fit(MLPClassifier, X32, ytr, epochs,
                                               dropout_rate=0.5),
    }
    if args.all:
        fns["sklearn MLPClassifier float32"] = make_fit(SkMLP, X32, ytr, epochs)
        fns["skreg float64, dropout 0.5 standard"] = make_fit(
            MLPClassifier, X64, ytr, epochs, dropout_rate=0.5, dropout_mode="standard")
    load0 = pb.loadavg()
    with threadpool_limits(limits=args.threads, user_api="blas"):
        blas = [(d["internal_api"], d["num_threads"]) for d in threadpool_info()
                if d["user_api"] == "blas"]
        res = pb.interleaved_timings(fns, repeats=repeats)
    print(pb.env_markdown())
    print(f"\nBLAS threads during the timings: {blas}; load {load0:.1f} -> "
          f"{pb.loadavg():.1f}; {X64.shape[0]} train rows x {X64.shape[1]} features, "
          f"{epochs} epochs per fit, {len(res[next(iter(res))]['times'])} interleaved "
          f"repeats\n")
    base = res["sklearn MLPClassifier float64"]["median"]
    print("| implementation | ms / epoch (median) | CPU ms / epoch | x sklearn f64 | "
          "test accuracy |")
    print("|---|---|---|---|---|")
    ms = {}
    for k, r in res.items():
        ms[k] = r["median"] / epochs
        acc = r["result"].score(Xte.astype(r["result"].coefs_[0].dtype), yte)
        print(f"| {k} | {ms[k] * 1e3:.1f} | {r['cpu_median'] / epochs * 1e3:.1f} | "
              f"{r['median'] / base:.2f} | {acc:.4f} |")
    cpu = {k: r["cpu_median"] / epochs for k, r in res.items()}
    checks = [
        ("skreg f64 / sklearn f64 (target <= 1.00)",
         "skreg float64, dropout 0", "sklearn MLPClassifier float64", 1.00),
        ("skreg f64 dropout 0.5 / dropout 0 (target <= 1.15)",
         "skreg float64, dropout 0.5", "skreg float64, dropout 0", 1.15),
        ("skreg f32 dropout 0.5 / dropout 0 (target <= 1.15)",
         "skreg float32, dropout 0.5", "skreg float32, dropout 0", 1.15),
        ("skreg f32 / skreg f64, dropout 0 (target <= 1/1.5 = 0.667)",
         "skreg float32, dropout 0", "skreg float64, dropout 0", 1 / 1.5),
    ]
    print("\n| ratio | wall | CPU | met (wall) |")
    print("|---|---|---|---|")
    for label, a, b, target in checks:
        rw, rc = ms[a] / ms[b], cpu[a] / cpu[b]
        print(f"| {label} | {rw:.3f} | {rc:.3f} | {'yes' if rw <= target else 'NO'} |")
    print(f"\ntotal {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
