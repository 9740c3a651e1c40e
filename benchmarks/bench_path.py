"""Regularization paths: skreg lasso_path/enet_path vs scikit-learn, celer, skglm.

Run from the repository root:

    python benchmarks/bench_path.py                        # both problems, both models (~15-25 min)
    python benchmarks/bench_path.py --problems wide-dense --models lasso
    python benchmarks/bench_path.py --quick                # smoke run (~1 min)

Method (section "Regularization path" of ../shared/bench/ANCHORS.md; the
yardstick is imported from ../shared/bench/problems.py): 100 alphas
log-spaced from alpha_max down to alpha_max/1000 (--n-alphas, --eps), every
solver warm-starting each alpha from the previous one, for the Lasso and the
ElasticNet (l1_ratio=0.5; its alpha_max is the Lasso's / 0.5):

  * skreg    skreg.lasso_path / enet_path(X, y, alphas=..., tol, max_iter=1e5)
  * sklearn  sklearn.linear_model.lasso_path / enet_path (same arguments)
  * celer    celer.celer_path(X, y, "lasso", alphas=..., l1_ratio, tol,
             prune=1, max_iter=100) (the settings of celer's own estimators)
  * skglm    skglm.Lasso|ElasticNet(fit_intercept=False, tol).path(X, y, alphas)
             (numba JIT compiled before anything is timed)

Path functions fit no intercept, so "wide-dense" (and any dense problem) is
centered first (X and y; equivalent to fitting an intercept) and
"sparse-text-like" (sparse) is used raw, without intercept.

Accuracy: each solver's tol is the largest on the grid 1e-3, 3e-4, ...,
1e-12 for which the LARGEST relative duality gap over the path is <= 1e-6
(--target), judged by problems.enet_duality_gap against a reference dual value
per alpha (a celer path at tol 1e-10, polished by scikit-learn CD where its
own gap exceeds 1e-8; cached in benchmarks/.cache/).  The run at the chosen
tol during calibration counts as the first timing repeat; then --repeats - 1
round-robin rounds (fewer if they exceed --max-total s).  BLAS pinned to
--blas-threads (default 1).

Table: per problem/model and solver the calibrated tol, median wall seconds,
ratio to scikit-learn, skreg's ratio to the best of the others (on the skreg
row), max and median rel gap over the path, max residual (self-certified) gap,
nnz at the smallest alpha, repeats.  '!' marks a solver that never reached the
target (its most accurate try is timed; excluded from "best of others").
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _cd_common import (
    PROBLEM_NAMES,
    Quiet,
    add_common_args,
    cached_array,
    calibrate,
    conditions_line,
    env_lines,
    env_record,
    fingerprint,
    finish,
    get_problem,
    pb,
    require_skreg,
    solvers_for,
    timing_conditions,
)

MODELS = {"lasso": 1.0, "enet": 0.5}
PATH_GRID = [1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 3e-7, 1e-7, 3e-8, 1e-8,
             3e-9, 1e-9, 1e-10, 1e-11, 1e-12]


def path_data(P):
    """Dense: centered copy (= intercept); sparse: raw, no intercept."""
    if P.is_sparse:
        return P.X, P.y
    X = np.asfortranarray(P.X - P.X.mean(axis=0))
    return X, P.y - P.y.mean()


def make_path_run(solver, model, l1_ratio, X, y, alphas, skreg_fns):
    """f(tol) -> coefs (p, n_alphas) for one solver."""
    def run(tol):
        with Quiet():
            if solver in ("skreg", "sklearn"):
                if solver == "skreg":
                    fn = skreg_fns["lasso_path" if model == "lasso" else "enet_path"]
                else:
                    from sklearn.linear_model import enet_path, lasso_path
                    fn = lasso_path if model == "lasso" else enet_path
                kw = {} if model == "lasso" else {"l1_ratio": l1_ratio}
                _, coefs, _ = fn(X, y, alphas=alphas, tol=tol, max_iter=100_000,
                                 **kw)
            elif solver == "celer":
                from celer import celer_path
                # celer 0.7.4: the ElasticNet is pb="lasso" with l1_ratio < 1
                _, coefs, _ = celer_path(X, y, "lasso", alphas=alphas,
                                         l1_ratio=l1_ratio, tol=tol, prune=1,
                                         max_iter=100)
            elif solver == "skglm":
                import skglm
                est = (skglm.Lasso(fit_intercept=False, tol=tol) if model == "lasso"
                       else skglm.ElasticNet(l1_ratio=l1_ratio, fit_intercept=False,
                                             tol=tol))
                coefs = est.path(X, y, alphas)[1]
            else:
                raise ValueError(solver)
        return np.asarray(coefs)
    return run


def reference_path_duals(X, y, alphas, l1_ratio, certify=1e-8):
    """Per-alpha certified dual values (celer tol 1e-10, sklearn polish)."""
    from sklearn.linear_model import enet_path
    duals, gaps = [], []
    try:
        from celer import celer_path
        with Quiet():
            _, W, _ = celer_path(X, y, "lasso", alphas=alphas, l1_ratio=l1_ratio, tol=1e-10,
                                 prune=1, max_iter=200)
    except ImportError:
        with Quiet():
            _, W, _ = enet_path(X, y, l1_ratio=l1_ratio, alphas=alphas, tol=1e-12,
                                max_iter=1_000_000)
    for i, a in enumerate(alphas):
        w = W[:, i]
        g = pb.enet_duality_gap(X, y, w, 0.0, a, l1_ratio, fit_intercept=False)
        if g["rel_gap_resid"] > certify:
            with Quiet():
                _, c, _ = enet_path(X, y, l1_ratio=l1_ratio, alphas=[a],
                                    coef_init=w.copy(), tol=1e-13,
                                    max_iter=1_000_000)
            g = pb.enet_duality_gap(X, y, c[:, 0], 0.0, a, l1_ratio,
                                    fit_intercept=False)
        duals.append(g["dual_resid"])
        gaps.append(g["rel_gap_resid"])
    return {"duals": np.array(duals), "gaps": np.array(gaps)}


def path_gaps(X, y, alphas, l1_ratio, coefs, duals):
    g = [pb.enet_duality_gap(X, y, coefs[:, i], 0.0, a, l1_ratio,
                             fit_intercept=False, dual_ref=duals[i])
         for i, a in enumerate(alphas)]
    return (np.array([d["rel_gap"] for d in g]),
            np.array([d["rel_gap_resid"] for d in g]))


def bench_problem_model(P, model, solvers, args, skreg_fns, log):
    l1_ratio = MODELS[model]
    X, y = path_data(P)
    amax = pb.alpha_max(X, y, l1_ratio, fit_intercept=False)
    alphas = np.geomspace(amax, amax * args.eps, args.n_alphas)
    key = (f"path_{P.name}_{fingerprint(X, y)}_{model}_n{args.n_alphas}"
           f"_e{args.eps:g}")
    t0 = time.perf_counter()
    ref, was_cached = cached_array(
        key, lambda: reference_path_duals(X, y, alphas, l1_ratio))
    duals = ref["duals"]
    log(f"  -- {model}: {args.n_alphas} alphas {amax:.4g} -> {alphas[-1]:.4g}; "
        f"reference certified max {ref['gaps'].max():.0e} "
        f"({'cached' if was_cached else f'{time.perf_counter() - t0:.0f}s'})")
    runs = {s: make_path_run(s, model, l1_ratio, X, y, alphas, skreg_fns)
            for s in solvers}
    if "skglm" in runs:
        runs["skglm"](1e-2)          # numba JIT, before anything is timed

    def judge(coefs):
        g, gr = path_gaps(X, y, alphas, l1_ratio, coefs, duals)
        return float(g.max()), {"max_rel_gap_resid": float(gr.max()),
                                "median_rel_gap": float(np.median(g))}

    cal, first, first_cpu = {}, {}, {}
    for s in solvers:
        tol, tried, ok, coefs, dt = calibrate(runs[s], judge, target=args.target,
                                              grid=PATH_GRID, time_cap=args.cal_cap)
        cal[s] = {"tol": tol, "reached": ok, "tried": tried}
        first[s] = dt
        first_cpu[s] = next(t["cpu"] for t in tried if t["tol"] == tol)
        log(f"     calibrated {s:8s} tol={tol:g}{'' if ok else ' (NOT reached)'} "
            f"{dt:.2f}s at that tol [{len(tried)} fits, "
            f"{sum(t['time'] for t in tried):.0f}s]")
    timings = {s: {"times": [], "cpu_times": [], "result": None} for s in solvers}
    if args.repeats > 1:
        fns = {s: (lambda s=s: runs[s](cal[s]["tol"])) for s in solvers}
        timings = pb.interleaved_timings(fns, repeats=args.repeats - 1,
                                         max_total=args.max_total)
    out = {"problem": P.name, "model": model, "l1_ratio": l1_ratio,
           "alpha_max": amax, "n_alphas": args.n_alphas, "eps": args.eps,
           "reference_max_rel_gap": float(ref["gaps"].max()), "solvers": {}}
    for s in solvers:
        times = [first[s]] + list(timings[s]["times"])
        cpus = [first_cpu[s]] + list(timings[s]["cpu_times"])
        coefs = timings[s]["result"]
        if coefs is None:
            coefs = runs[s](cal[s]["tol"])
        g, gr = path_gaps(X, y, alphas, l1_ratio, coefs, duals)
        out["solvers"][s] = {
            "tol": cal[s]["tol"], "reached": cal[s]["reached"], "times": times,
            "median_s": float(np.median(times)), "cpu_times": cpus,
            "cpu_median_s": float(np.median(cpus)), "max_rel_gap": float(g.max()),
            "median_rel_gap": float(np.median(g)),
            "max_rel_gap_resid": float(gr.max()),
            "nnz_last": int(np.count_nonzero(coefs[:, -1])),
            "calibration": cal[s]["tried"]}
    d = out["solvers"]
    out["ratio_vs_sklearn"] = d["skreg"]["median_s"] / d["sklearn"]["median_s"]
    others = {s: v for s, v in d.items() if s != "skreg" and v["reached"]}
    if others:
        best = min(others, key=lambda s: others[s]["median_s"])
        out["best_other"] = best
        out["ratio_vs_best"] = d["skreg"]["median_s"] / others[best]["median_s"]
    else:
        out["best_other"], out["ratio_vs_best"] = None, float("nan")
    log("     " + "  ".join(f"{s} {v['median_s']:.2f}s" for s, v in d.items())
        + f" | skreg/sk {out['ratio_vs_sklearn']:.2f} skreg/best "
        f"{out['ratio_vs_best']:.2f} ({out['best_other']})")
    return out


def to_markdown(res):
    c0 = res["configs"][0] if res["configs"] else {"n_alphas": 0, "eps": 0}
    L = [f"## bench_path: {c0['n_alphas']}-alpha paths (alpha_max -> "
         f"alpha_max*{c0['eps']:g}), tol calibrated to max rel gap "
         f"<= {res['target']:g} over the path", "", env_lines(res["env"]), "",
         f"{res.get('conditions', res['blas_threads'])}; total {res['total_s']:.0f}s. "
         "Dense problems centered first, sparse raw without intercept. "
         "x sk = wall / sklearn wall; skreg/best = skreg wall / fastest other "
         "solver that reached the target. '!' = target not reached.", "",
         "| problem | model | solver | tol | wall [s] | CPU [s] | x sk | skreg/best other "
         "| max rel gap | median rel gap | max resid gap | nnz at alpha_min | repeats |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for c in res["configs"]:
        t_sk = c["solvers"]["sklearn"]["median_s"]
        for s, d in c["solvers"].items():
            rb = (f"{c['ratio_vs_best']:.2f} ({c['best_other']})"
                  if s == "skreg" else "")
            L.append(f"| {c['problem']} | {c['model']} | {s} | {d['tol']:g}"
                     f"{'' if d['reached'] else ' !'} | {d['median_s']:.2f} | "
                     f"{d['cpu_median_s']:.2f} | "
                     f"{d['median_s'] / t_sk:.3f} | {rb} | {d['max_rel_gap']:.1e} | "
                     f"{d['median_rel_gap']:.1e} | {d['max_rel_gap_resid']:.1e} | "
                     f"{d['nnz_last']} | {len(d['times'])} |")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--problems", default="wide-dense,sparse-text-like",
                    help="comma-separated, from: " + ", ".join(PROBLEM_NAMES))
    ap.add_argument("--models", default="lasso,enet", help="lasso,enet")
    ap.add_argument("--n-alphas", type=int, default=100)
    ap.add_argument("--eps", type=float, default=1e-3,
                    help="alpha_min / alpha_max (default 1e-3)")
    ap.add_argument("--target", type=float, default=pb.TARGET_REL_GAP)
    ap.add_argument("--repeats", type=int, default=3,
                    help="timed runs per solver, the calibration run included")
    ap.add_argument("--max-total", type=float, default=240.0)
    ap.add_argument("--cal-cap", type=float, default=300.0,
                    help="seconds of calibration per solver before giving up")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: wide-dense Lasso, 20 alphas to "
                         "alpha_max/100, no extra repeats")
    ap.add_argument("--solvers", default="celer,skglm",
                    help="which specialists to include besides skreg and "
                         "sklearn (default celer,skglm; '' for none)")
    add_common_args(ap)
    args = ap.parse_args()
    if args.quick:
        if args.problems == "wide-dense,sparse-text-like":
            args.problems = "wide-dense"
        if args.models == "lasso,enet":
            args.models = "lasso"
        args.n_alphas, args.eps, args.repeats = 20, 1e-2, 1
    for name in args.problems.split(","):
        if name not in PROBLEM_NAMES:
            ap.error(f"unknown problem {name!r}; choose from {PROBLEM_NAMES}")
    for m in args.models.split(","):
        if m not in MODELS:
            ap.error(f"unknown model {m!r}; choose from {list(MODELS)}")
    skreg_fns = require_skreg(["lasso_path", "enet_path"], args.skreg_standin)
    solvers = solvers_for(args)
    t_start = time.perf_counter()
    res = {"env": env_record(args, "bench_path.py"), "blas_threads": args.blas_threads,
           "conditions": conditions_line(args),
           "target": args.target, "solvers": solvers, "configs": []}
    print(env_lines(res["env"]), flush=True)
    with timing_conditions(args):
        for name in args.problems.split(","):
            P = get_problem(name)
            print(f"== {name} {P.shape}", flush=True)
            for model in args.models.split(","):
                res["configs"].append(bench_problem_model(
                    P, model, solvers, args, skreg_fns,
                    lambda m: print(m, flush=True)))
    finish(res, args, t_start, to_markdown)


if __name__ == "__main__":
    main()
