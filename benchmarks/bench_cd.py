"""Single-alpha Lasso / ElasticNet: skreg vs scikit-learn vs celer vs skglm.

Run from the repository root:

    python benchmarks/bench_cd.py                      # everything (~10 min)
    python benchmarks/bench_cd.py --quick              # smoke run (< 1 min once cached)
    python benchmarks/bench_cd.py --problems wide-dense,leukemia-like \\
        --models lasso --repeats 7 --out results.json

Method (the one of ../shared/bench/ANCHORS.md, whose problems.py is imported,
not copied): for every problem of problems.py (wide-dense, tall-dense,
sparse-text-like, leukemia-like), Lasso and ElasticNet(l1_ratio=0.5), at
alpha = alpha_max/10 and alpha_max/100 (scikit-learn's alpha_max for that
l1_ratio), fit_intercept=True:

0. Reference (not timed, cached in benchmarks/.cache/): a very tight solve
   (problems.reference_dual, certified rel gap <= 1e-10) gives a feasible dual
   value used to judge every solver's primal point.
1. Calibration (not timed): each solver gets the LARGEST tol on the grid
   1e-2, 3e-3, 1e-3, ..., 1e-12 whose solution reaches rel_gap <= 1e-6, where
   rel_gap = (P(w, b) - best dual value) / P0 is computed by
   problems.enet_duality_gap (independent of every solver; best of the
   solution's rescaled residual and the reference dual).  tol means different
   things in different libraries (skglm: absolute KKT violation), so equal
   accuracy, not equal tol, is what is compared.  A solver that never reaches
   the target is flagged "!" and excluded from "best of others".
2. Timing: all solvers at their calibrated tol, round-robin (A, B, C, A, B,
   C, ...), median wall time of --repeats rounds (fewer if a configuration's
   timing exceeds --max-total seconds, at least 3 rounds), BLAS pinned to
   --blas-threads (default 1) threads by threadpoolctl.  skglm is timed warm:
   its numba JIT compiles during calibration and is excluded.
   Estimators: skreg.Lasso/ElasticNet(alpha, tol, max_iter=100000),
   sklearn.linear_model.Lasso/ElasticNet(same), celer.Lasso/ElasticNet(alpha,
   tol), skglm.Lasso/ElasticNet(alpha, tol); dense X Fortran float64, sparse
   X CSC (what all of them expect).  --float32 adds a "skreg-f32" column
   (X and y cast to float32 once, outside the timing; gap judged in float64).

Table: per configuration the median ms (calibrated tol) of each solver,
skreg/sklearn and skreg/best-of-others (celer, skglm, sklearn; < 1 means skreg
is faster), skreg's achieved rel gap and nnz.  A second table lists every
solver's rel gap, self-certified (residual) gap, nnz, n_iter and CPU time.
Ratios are only meaningful within one run.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _cd_common import (
    PROBLEM_NAMES,
    Quiet,
    add_common_args,
    cached_reference_dual,
    calibrate,
    conditions_line,
    env_lines,
    env_record,
    finish,
    fmt_ms,
    get_problem,
    pb,
    require_skreg,
    solvers_for,
    timing_conditions,
)

MODELS = {"lasso": 1.0, "enet": 0.5}


def make_run(solver, model, alpha, l1_ratio, X, y, skreg_cls):
    """f(tol) -> (coef, intercept, n_iter) for one solver."""
    if solver == "skreg-f32":
        X = X.astype(np.float32)      # once, outside the timing
        y = y.astype(np.float32)

    def build(tol):
        if solver.startswith("skreg"):
            cls = skreg_cls["Lasso" if model == "lasso" else "ElasticNet"]
            kw = {} if model == "lasso" else {"l1_ratio": l1_ratio}
            return cls(alpha=alpha, tol=tol, max_iter=100_000, **kw)
        if solver == "sklearn":
            from sklearn.linear_model import ElasticNet, Lasso
            if model == "lasso":
                return Lasso(alpha=alpha, tol=tol, max_iter=100_000)
            return ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=tol,
                              max_iter=100_000)
        if solver == "celer":
            import celer
            if model == "lasso":
                return celer.Lasso(alpha=alpha, tol=tol)
            return celer.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=tol)
        if solver == "skglm":
            import skglm
            if model == "lasso":
                return skglm.Lasso(alpha=alpha, tol=tol)
            return skglm.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=tol)
        raise ValueError(solver)

    def run(tol):
        est = build(tol)
        with Quiet():
            est.fit(X, y)
        n_iter = getattr(est, "n_iter_", -1)
        return (np.asarray(est.coef_, dtype=float).ravel().copy(),
                float(np.ravel(est.intercept_)[0]) if np.ndim(est.intercept_)
                else float(est.intercept_),
                int(np.max(n_iter)) if n_iter is not None else -1)
    return run


def bench_config(P, model, div, solvers, args, skreg_cls, log):
    X, y = P.X, P.y
    l1_ratio = MODELS[model]
    amax = pb.alpha_max(X, y, l1_ratio)
    alpha = amax / div
    dual_ref, ref_gap, ref_s = cached_reference_dual(P.name, X, y, alpha, l1_ratio)
    log(f"  -- {model} alpha_max/{div} = {alpha:.4g} (reference certified "
        f"{ref_gap:.0e}, {'cached' if ref_s == 0 else f'{ref_s:.1f}s'})")

    def judge(out):
        coef, b, n_iter = out
        g = pb.enet_duality_gap(X, y, coef, b, alpha, l1_ratio, dual_ref=dual_ref)
        return g["rel_gap"], {"rel_gap_resid": g["rel_gap_resid"],
                              "n_iter": n_iter}

    runs = {s: make_run(s, model, alpha, l1_ratio, X, y, skreg_cls)
            for s in solvers}
    cal = {}
    for s in solvers:
        tol, tried, ok, _, _ = calibrate(runs[s], judge, time_cap=args.cal_cap)
        cal[s] = {"tol": tol, "reached": ok, "tried": tried}
        log(f"     calibrated {s:10s} tol={tol:g}{'' if ok else ' (target NOT reached)'}"
            f" [{len(tried)} fits, {sum(t['time'] for t in tried):.1f}s]")
    fns = {s: (lambda s=s: runs[s](cal[s]["tol"])) for s in solvers}
    la0 = pb.loadavg()
    timings = pb.interleaved_timings(fns, repeats=args.repeats,
                                     max_total=args.max_total)
    out = {"problem": P.name, "model": model, "alpha_div": div, "alpha": alpha,
           "alpha_max": amax, "l1_ratio": l1_ratio,
           "reference_rel_gap": ref_gap, "loadavg_before": la0,
           "loadavg_after": pb.loadavg(), "solvers": {}}
    for s, r in timings.items():
        g, extra = judge(r["result"])
        out["solvers"][s] = {
            "tol": cal[s]["tol"], "reached": cal[s]["reached"],
            "median_s": r["median"], "cpu_median_s": r["cpu_median"],
            "times": r["times"], "rel_gap": g,
            "rel_gap_resid": extra["rel_gap_resid"], "n_iter": extra["n_iter"],
            "nnz": int(np.count_nonzero(r["result"][0])),
            "calibration": cal[s]["tried"]}
    d = out["solvers"]
    others = {s: v for s, v in d.items()
              if not s.startswith("skreg") and v["reached"]}
    out["ratio_vs_sklearn"] = d["skreg"]["median_s"] / d["sklearn"]["median_s"]
    out["cpu_ratio_vs_sklearn"] = (d["skreg"]["cpu_median_s"]
                                   / d["sklearn"]["cpu_median_s"])
    if others:
        best = min(others, key=lambda s: others[s]["median_s"])
        out["best_other"] = best
        out["ratio_vs_best"] = d["skreg"]["median_s"] / others[best]["median_s"]
    else:
        out["best_other"], out["ratio_vs_best"] = None, float("nan")
    log("     " + "  ".join(f"{s} {fmt_ms(v['median_s'])}ms" for s, v in d.items())
        + f"  | skreg/sk {out['ratio_vs_sklearn']:.2f}  skreg/best "
        f"{out['ratio_vs_best']:.2f} ({out['best_other']})  skreg gap "
        f"{d['skreg']['rel_gap']:.1e} nnz {d['skreg']['nnz']}")
    return out


def to_markdown(res):
    solvers = res["solvers"]
    L = ["## bench_cd: single-alpha Lasso / ElasticNet, tol calibrated to rel gap "
         "<= 1e-6", "", env_lines(res["env"]), "",
         f"{res.get('conditions', res['blas_threads'])}; total {res['total_s']:.0f}s. "
         "Cells: median ms (calibrated tol); '!' = target rel gap not reached "
         "(best tried shown). Ratios < 1: skreg faster. (CPU) = the same ratio "
         "on process CPU time, a cross-check when the machine is loaded (load "
         "average in the environment lines).", ""]
    head = (["problem", "model", "alpha"] + [f"{s} ms (tol)" for s in solvers]
            + ["skreg/sklearn", "(CPU)", "skreg/best other", "skreg rel gap",
               "skreg nnz"])
    L += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in res["configs"]:
        row = [c["problem"], c["model"], f"amax/{c['alpha_div']}"]
        for s in solvers:
            d = c["solvers"][s]
            row.append(f"{fmt_ms(d['median_s'])} ({d['tol']:.0e})"
                       + ("" if d["reached"] else " !"))
        sk = c["solvers"]["skreg"]
        row += [f"{c['ratio_vs_sklearn']:.2f}", f"{c['cpu_ratio_vs_sklearn']:.2f}",
                f"{c['ratio_vs_best']:.2f} ({c['best_other']})",
                f"{sk['rel_gap']:.1e}", str(sk["nnz"])]
        L.append("| " + " | ".join(row) + " |")
    L += ["", "Every solver: rel gap / resid gap (self-certified) / nnz / n_iter / "
          "CPU ms / repeats", "",
          "| problem | model | alpha | " + " | ".join(solvers) + " |",
          "|---|---|---|" + "---|" * len(solvers)]
    for c in res["configs"]:
        cells = []
        for s in solvers:
            d = c["solvers"][s]
            cells.append(f"{d['rel_gap']:.0e} / {d['rel_gap_resid']:.0e} / "
                         f"{d['nnz']} / {d['n_iter']} / "
                         f"{fmt_ms(d['cpu_median_s'])} / {len(d['times'])}")
        L.append(f"| {c['problem']} | {c['model']} | amax/{c['alpha_div']} | "
                 + " | ".join(cells) + " |")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--problems", default=",".join(PROBLEM_NAMES),
                    help="comma-separated, from: " + ", ".join(PROBLEM_NAMES))
    ap.add_argument("--models", default="lasso,enet", help="lasso,enet")
    ap.add_argument("--divs", default="10,100",
                    help="alpha = alpha_max / div (default 10,100)")
    ap.add_argument("--repeats", type=int, default=5,
                    help="timing rounds (median reported; default 5)")
    ap.add_argument("--max-total", type=float, default=40.0,
                    help="stop timing a configuration after this many seconds "
                         "(at least 3 rounds)")
    ap.add_argument("--cal-cap", type=float, default=120.0,
                    help="seconds of calibration per solver before giving up")
    ap.add_argument("--float32", action="store_true",
                    help="add a skreg float32 column")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: wide-dense and leukemia-like, alpha_max/10, "
                         "3 repeats")
    ap.add_argument("--solvers", default="celer,skglm",
                    help="which specialists to include besides skreg and "
                         "sklearn (default celer,skglm; '' for none)")
    add_common_args(ap)
    args = ap.parse_args()
    if args.quick:
        if args.problems == ",".join(PROBLEM_NAMES):
            args.problems = "wide-dense,leukemia-like"
        args.divs, args.repeats = "10", min(args.repeats, 3)
    problems = args.problems.split(",")
    models = args.models.split(",")
    for name in problems:
        if name not in PROBLEM_NAMES:
            ap.error(f"unknown problem {name!r}; choose from {PROBLEM_NAMES}")
    for m in models:
        if m not in MODELS:
            ap.error(f"unknown model {m!r}; choose from {list(MODELS)}")
    skreg_cls = require_skreg(["Lasso", "ElasticNet"], args.skreg_standin)
    solvers = solvers_for(args, ["skreg-f32"] if args.float32 else [])

    t_start = time.perf_counter()
    res = {"env": env_record(args, "bench_cd.py"), "blas_threads": args.blas_threads,
           "conditions": conditions_line(args),
           "solvers": solvers, "target_rel_gap": pb.TARGET_REL_GAP, "configs": []}
    print(env_lines(res["env"]), flush=True)
    with timing_conditions(args):
        for name in problems:
            P = get_problem(name)
            print(f"== {name} {P.shape}", flush=True)
            for model in models:
                for div in [int(d) for d in args.divs.split(",")]:
                    res["configs"].append(bench_config(
                        P, model, div, solvers, args, skreg_cls,
                        lambda m: print(m, flush=True)))
    finish(res, args, t_start, to_markdown)


if __name__ == "__main__":
    main()
