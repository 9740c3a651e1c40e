"""Cross-validated Lasso / ElasticNet: skreg LassoCV/ElasticNetCV vs the others.

Run from the repository root:

    python benchmarks/bench_cv.py                       # Lasso + ENet on wide-dense (~5-8 min)
    python benchmarks/bench_cv.py --models lasso --repeats 5
    python benchmarks/bench_cv.py --quick               # smoke run (~1 min, no skglm)
    python benchmarks/bench_cv.py --solvers skreg,sklearn,celer

Method (section "LassoCV" of ../shared/bench/ANCHORS.md; yardstick imported
from ../shared/bench/problems.py): each library's own CV estimator, 5 folds,
a 100-alpha grid (alpha_max .. alpha_max/1000), its DEFAULT tol (1e-4 for
all), fit_intercept=True, n_jobs=1, then its refit at the chosen alpha:

  * skreg    skreg.LassoCV(cv=5, alphas=100, n_jobs=1) /
             skreg.ElasticNetCV(l1_ratio=0.5, cv=5, alphas=100, n_jobs=1)
             (skipped with a message while skreg does not have them yet)
  * sklearn  sklearn.linear_model.LassoCV / ElasticNetCV, same arguments
  * celer    celer.LassoCV / ElasticNetCV(l1_ratio=0.5), 100 alphas, cv=5.
             celer 0.7.4's CV constructors pass n_alphas= to scikit-learn's
             LinearModelCV.__init__, which 1.9 rejects (TypeError), so a
             minimal subclass written here fixes ONLY __init__ (calls
             LinearModelCV.__init__ with alphas=100) and otherwise runs celer's
             own code (celer_path on every fold, celer refit).  Same unshuffled
             KFold folds and grid as scikit-learn.
  * skglm    skglm.cv.GeneralizedLinearEstimatorCV(Quadratic(), L1 or
             L1_plus_L2(l1_ratio=0.5), AndersonCD(tol=1e-4, fit_intercept=True,
             warm_start=True), cv=5, n_alphas=100, random_state=0).  Caveats:
             it shuffles its folds, builds its grid from X.T @ y without
             centering (and without dividing by l1_ratio), and refits per
             (alpha, fold) instead of running a path, so its alpha_ is not
             directly comparable.  Its JIT is warmed up before timing (the
             first-call time is recorded).

Timing: round-robin, median wall time of --repeats rounds (default 3, fewer
if over --max-total s), BLAS pinned to --blas-threads (default 1).

Table: wall [s], CPU [s], x sklearn, skreg / best other, alpha_, its index in
the grid, "same alpha_ as sklearn" (relative difference <= 1e-10), the mean
CV MSE at alpha_, the refit's rel gap (problems.enet_duality_gap with a
cached reference dual at that alpha) and nnz.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _cd_common import (
    PROBLEM_NAMES,
    Quiet,
    add_common_args,
    available,
    cached_reference_dual,
    conditions_line,
    env_lines,
    env_record,
    finish,
    get_problem,
    pb,
    skreg_module,
    timing_conditions,
)

MODELS = {"lasso": 1.0, "enet": 0.5}
ALL_SOLVERS = ["skreg", "sklearn", "celer", "skglm"]


def celer_cv_classes():
    """celer's LassoCV / ElasticNetCV with only __init__ fixed for sklearn 1.9."""
    import celer
    from sklearn.linear_model._coordinate_descent import LinearModelCV

    def fixed_init(self, eps, alphas, fit_intercept, max_iter, tol, cv, verbose,
                   max_epochs, p0, prune, precompute, positive, n_jobs):
        LinearModelCV.__init__(
            self, eps=eps, alphas=alphas, fit_intercept=fit_intercept,
            max_iter=max_iter, tol=tol, cv=cv, verbose=verbose, n_jobs=n_jobs,
            precompute=precompute, positive=positive)
        self.max_epochs, self.p0, self.prune = max_epochs, p0, prune

    class CelerLassoCV(celer.LassoCV):
        def __init__(self, eps=1e-3, alphas=100, fit_intercept=True,
                     max_iter=100, tol=1e-4, cv=None, verbose=0,
                     max_epochs=50000, p0=10, prune=True, precompute="auto",
                     positive=False, n_jobs=None):
            fixed_init(self, eps, alphas, fit_intercept, max_iter, tol, cv,
                       verbose, max_epochs, p0, prune, precompute, positive,
                       n_jobs)

    class CelerElasticNetCV(celer.ElasticNetCV):
        def __init__(self, l1_ratio=1.0, eps=1e-3, alphas=100,
                     fit_intercept=True, max_iter=100, tol=1e-4, cv=None,
                     verbose=0, max_epochs=50000, p0=10, prune=True,
                     precompute="auto", positive=False, n_jobs=None):
            fixed_init(self, eps, alphas, fit_intercept, max_iter, tol, cv,
                       verbose, max_epochs, p0, prune, precompute, positive,
                       n_jobs)
            self.l1_ratio = l1_ratio

    return CelerLassoCV, CelerElasticNetCV


def make_fit(solver, model, X, y, skreg_mod):
    l1_ratio = MODELS[model]
    kw = dict(cv=5, alphas=100, n_jobs=1)
    if model == "enet":
        kw["l1_ratio"] = l1_ratio

    if solver in ("skreg", "sklearn"):
        if solver == "skreg":
            cls = getattr(skreg_mod, "LassoCV" if model == "lasso" else "ElasticNetCV")
        else:
            from sklearn.linear_model import ElasticNetCV, LassoCV
            cls = LassoCV if model == "lasso" else ElasticNetCV
        return lambda: cls(**kw).fit(X, y)
    if solver == "celer":
        CLCV, CECV = celer_cv_classes()
        cls = CLCV if model == "lasso" else CECV
        return lambda: cls(**kw).fit(X, y)
    if solver == "skglm":
        from skglm.cv import GeneralizedLinearEstimatorCV
        from skglm.datafits import Quadratic
        from skglm.penalties import L1, L1_plus_L2
        from skglm.solvers import AndersonCD
        pen = L1(1.0) if model == "lasso" else L1_plus_L2(1.0, l1_ratio)
        extra = {} if model == "lasso" else {"l1_ratio": l1_ratio}
        return lambda: GeneralizedLinearEstimatorCV(
            Quadratic(), pen,
            AndersonCD(tol=1e-4, fit_intercept=True, warm_start=True),
            cv=5, n_alphas=100, n_jobs=1, random_state=0, **extra).fit(X, y)
    raise ValueError(solver)


def describe(est, X, y, l1_ratio, name):
    alpha = float(est.alpha_)
    alphas = np.asarray(est.alphas_).ravel()
    idx = int(np.argmin(np.abs(alphas - alpha)))
    if hasattr(est, "mse_path_"):
        mse = float(np.asarray(est.mse_path_).mean(axis=-1).ravel()[idx])
    else:
        mse = float(-np.asarray(est.scores_path_).mean(axis=-1).ravel()[idx])
    dual, _, _ = cached_reference_dual(name, X, y, alpha, l1_ratio)
    coef = np.asarray(est.coef_).ravel()
    g = pb.enet_duality_gap(X, y, coef, float(np.ravel(est.intercept_)[0]),
                            alpha, l1_ratio, dual_ref=dual)
    return {"alpha_": alpha, "alpha_index": idx, "n_alphas": int(alphas.size),
            "cv_mse_at_alpha_": mse, "refit_rel_gap": g["rel_gap"],
            "refit_rel_gap_resid": g["rel_gap_resid"],
            "nnz": int(np.count_nonzero(coef))}


def bench_model(P, model, solvers, args, skreg_mod, log):
    X, y = P.X, P.y
    l1_ratio = MODELS[model]
    fits, skipped = {}, {}
    for s in solvers:
        try:
            fits[s] = make_fit(s, model, X, y, skreg_mod)
        except Exception as e:
            skipped[s] = f"{type(e).__name__}: {e}"
    out = {"problem": P.name, "model": model, "l1_ratio": l1_ratio,
           "solvers": {}, "skipped": skipped}
    # skglm: one untimed call first (numba JIT), its time recorded apart
    if "skglm" in fits:
        t0 = time.perf_counter()
        try:
            with Quiet():
                fits["skglm"]()
            out["skglm_first_call_s"] = time.perf_counter() - t0
        except Exception as e:
            skipped["skglm"] = f"{type(e).__name__}: {e}"
            del fits["skglm"]

    def guarded(fn):
        def g():
            try:
                return fn()
            except Exception as e:       # reported as skipped, run goes on
                return e
        return g

    with Quiet():
        timings = pb.interleaved_timings({s: guarded(f) for s, f in fits.items()},
                                         repeats=args.repeats,
                                         max_total=args.max_total)
    for s, t in timings.items():
        if isinstance(t["result"], Exception):
            e = t["result"]
            skipped[s] = f"{type(e).__name__}: {e}"
            continue
        d = {"median_s": t["median"], "cpu_median_s": t["cpu_median"],
             "times": t["times"]}
        d.update(describe(t["result"], X, y, l1_ratio, P.name))
        out["solvers"][s] = d
    for s, why in skipped.items():
        log(f"     {s}: skipped ({why})")
    d = out["solvers"]
    t_sk = d["sklearn"]["median_s"] if "sklearn" in d else float("nan")
    a_sk = d["sklearn"]["alpha_"] if "sklearn" in d else float("nan")
    for v in d.values():
        v["ratio_vs_sklearn"] = v["median_s"] / t_sk
        v["same_alpha_as_sklearn"] = bool(abs(v["alpha_"] - a_sk) <= 1e-10 * a_sk)
    if "skreg" in d and len(d) > 1:
        others = {s: v for s, v in d.items() if s != "skreg"}
        best = min(others, key=lambda s: others[s]["median_s"])
        out["best_other"] = best
        out["ratio_vs_best"] = d["skreg"]["median_s"] / others[best]["median_s"]
    for s, v in d.items():
        log(f"     {s:8s} {v['median_s']:.2f}s x{v['ratio_vs_sklearn']:.3f} "
            f"alpha_={v['alpha_']:.4g} (#{v['alpha_index']}) same-as-sk="
            f"{v['same_alpha_as_sklearn']} cv-mse={v['cv_mse_at_alpha_']:.4g} "
            f"refit gap {v['refit_rel_gap']:.1e} nnz={v['nnz']}")
    return out


def to_markdown(res):
    L = ["## bench_cv: LassoCV / ElasticNetCV(l1_ratio=0.5), cv=5, 100 alphas, "
         "default tol, n_jobs=1", "", env_lines(res["env"]), "",
         f"{res.get('conditions', res['blas_threads'])}; total {res['total_s']:.0f}s. "
         + "".join(f"skglm first call (JIT) {c['model']}: "
                   f"{c['skglm_first_call_s']:.1f}s. " for c in res["configs"]
                   if "skglm_first_call_s" in c) +
         "x sk = wall / sklearn wall (same run); skreg/best = skreg wall / "
         "fastest other.", "",
         "| problem | model | estimator | wall [s] | CPU [s] | x sk | skreg/best other "
         "| alpha_ | grid index | same alpha_ as sklearn | CV MSE at alpha_ "
         "| refit rel gap | nnz | repeats |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for c in res["configs"]:
        for s, d in c["solvers"].items():
            rb = (f"{c['ratio_vs_best']:.2f} ({c['best_other']})"
                  if s == "skreg" and "ratio_vs_best" in c else "")
            L.append(f"| {c['problem']} | {c['model']} | {s} | {d['median_s']:.2f} | "
                     f"{d['cpu_median_s']:.2f} | {d['ratio_vs_sklearn']:.3f} | {rb} | "
                     f"{d['alpha_']:.4g} | {d['alpha_index']} | "
                     f"{'yes' if d['same_alpha_as_sklearn'] else 'no'} | "
                     f"{d['cv_mse_at_alpha_']:.4g} | {d['refit_rel_gap']:.1e} | "
                     f"{d['nnz']} | {len(d['times'])} |")
        for s, why in c["skipped"].items():
            L.append(f"| {c['problem']} | {c['model']} | {s} | skipped: {why} "
                     "| | | | | | | | | | |")
    L += [""] + [f"Note: {n}." for n in res.get("notes", [])]
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--problem", default="wide-dense", choices=PROBLEM_NAMES)
    ap.add_argument("--models", default="lasso,enet", help="lasso,enet")
    ap.add_argument("--solvers", default=",".join(ALL_SOLVERS),
                    help="subset of " + ",".join(ALL_SOLVERS))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--max-total", type=float, default=300.0)
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: Lasso only, 1 repeat, skglm left out "
                         "unless --solvers names it")
    add_common_args(ap)
    args = ap.parse_args()
    solvers = args.solvers.split(",")
    if args.quick:
        if args.models == "lasso,enet":
            args.models = "lasso"
        if args.solvers == ",".join(ALL_SOLVERS):
            solvers = [s for s in solvers if s != "skglm"]
        args.repeats = 1
    for s in solvers:
        if s not in ALL_SOLVERS:
            ap.error(f"unknown solver {s!r}")
    for lib in ("celer", "skglm"):
        if lib in solvers and not available(lib):
            print(f"note: {lib} is not importable; its rows are skipped", flush=True)
            solvers.remove(lib)
    skreg_mod = skreg_module(args.skreg_standin)
    notes = []
    if "skreg" in solvers:
        missing = [n for n in ("LassoCV", "ElasticNetCV") if not hasattr(skreg_mod, n)]
        if missing:
            notes.append(f"skreg has no {', '.join(missing)} yet: the skreg "
                         "rows are skipped (the others still run)")
            print("note: " + notes[-1], flush=True)
            solvers.remove("skreg")
    t_start = time.perf_counter()
    res = {"env": env_record(args, "bench_cv.py"), "blas_threads": args.blas_threads,
           "conditions": conditions_line(args),
           "configs": [], "notes": notes}
    print(env_lines(res["env"]), flush=True)
    with timing_conditions(args):
        P = get_problem(args.problem)
        for model in args.models.split(","):
            if model not in MODELS:
                ap.error(f"unknown model {model!r}")
            print(f"== {P.name} {P.shape} {model}", flush=True)
            res["configs"].append(bench_model(P, model, solvers, args, skreg_mod,
                                              lambda m: print(m, flush=True)))
    finish(res, args, t_start, to_markdown)


if __name__ == "__main__":
    main()
