"""Fixed cost of a small fit: skreg vs scikit-learn on tiny problems.

Run from the repository root:

    python benchmarks/bench_overhead.py                 # ~20 s
    python benchmarks/bench_overhead.py --repeats 2001 --busy

On a 100 x 10 problem a coordinate-descent fit takes a few dozen epochs of
10 columns: what a user waits for is validation, centering, set-up and the
Python layers around the kernel.  Each estimator is fitted ``--repeats``
times, skreg and scikit-learn interleaved (A, B, A, B, ...), and the median
wall time and the ratio are reported.  Also the 1797 x 64 digits design
(real data) and predict() on the fitted models.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _cd_common import (
    add_common_args,
    conditions_line,
    env_lines,
    env_record,
    get_problem,
    require_skreg,
    timing_conditions,
    write_json,
)


def cases(skreg_cls):
    import sklearn.linear_model as lm
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 10))
    y = X @ rng.standard_normal(10) + 0.1 * rng.standard_normal(100)
    digits = get_problem("digits")
    out = []
    for data, (Xd, yd) in (("100x10", (X, y)), ("digits", (digits.X, digits.y))):
        for name, kw in (("Lasso", {"alpha": 0.1}), ("ElasticNet", {"alpha": 0.1}),
                         ("Ridge", {"alpha": 1.0})):
            sk_cls = getattr(lm, name)
            out.append((f"{name}.fit {data}", Xd, yd,
                        lambda X, y, c=skreg_cls[name], kw=kw: c(**kw).fit(X, y),
                        lambda X, y, c=sk_cls, kw=kw: c(**kw).fit(X, y)))
        fitted = (skreg_cls["Lasso"](alpha=0.1).fit(Xd, yd),
                  lm.Lasso(alpha=0.1).fit(Xd, yd))
        out.append((f"Lasso.predict {data}", Xd, yd,
                    lambda X, y, m=fitted[0]: m.predict(X),
                    lambda X, y, m=fitted[1]: m.predict(X)))
    return out


def run(args):
    skreg_cls = require_skreg(["Lasso", "ElasticNet", "Ridge"], False)
    rows = []
    for label, X, y, f_skreg, f_sk in cases(skreg_cls):
        ts, tk = [], []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(5):          # warm-up
                f_skreg(X, y)
                f_sk(X, y)
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                f_skreg(X, y)
                t1 = time.perf_counter()
                f_sk(X, y)
                t2 = time.perf_counter()
                ts.append(t1 - t0)
                tk.append(t2 - t1)
        row = {"case": label, "skreg_us": float(np.median(ts) * 1e6),
               "sklearn_us": float(np.median(tk) * 1e6)}
        row["ratio"] = row["skreg_us"] / row["sklearn_us"]
        rows.append(row)
        print(f"{label:26s} skreg {row['skreg_us']:8.1f} us  sklearn "
              f"{row['sklearn_us']:8.1f} us  ratio {row['ratio']:.2f}", flush=True)
    return rows


def to_markdown(rows, env, args):
    L = [env_lines(env), "", f"{conditions_line(args)}; median of {args.repeats} "
         "interleaved repeats.", "",
         "| case | skreg us | sklearn us | skreg/sklearn |", "|---|---|---|---|"]
    L += [f"| {r['case']} | {r['skreg_us']:.0f} | {r['sklearn_us']:.0f} "
          f"| {r['ratio']:.2f} |" for r in rows]
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=301)
    add_common_args(ap)
    args = ap.parse_args()
    env = env_record(args, "bench_overhead.py")
    with timing_conditions(args):
        rows = run(args)
    md = to_markdown(rows, env, args)
    print()
    print(md)
    write_json(args.out, {"env": env, "rows": rows, "markdown": md})


if __name__ == "__main__":
    main()
