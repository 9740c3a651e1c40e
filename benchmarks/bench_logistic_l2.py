"""L2 logistic regression: skreg's lbfgs / newton-cholesky / cd vs scikit-learn's.

Run from the repository root:

    python benchmarks/bench_logistic_l2.py                 # full table
    python benchmarks/bench_logistic_l2.py --quick         # smoke run
    python benchmarks/bench_logistic_l2.py --problems digits --Cs 1 --repeats 7

Issue 13's L2 target: "skreg <= scikit-learn's lbfgs and newton-cholesky on
the same rows".  Method (the equal-accuracy protocol of bench_logistic.py,
whose ``objective``, ``problems`` and ``TOL_GRID`` are imported):

* Problems: breast_cancer (binary), digits (10 classes, multinomial),
  tall-dense/2cls and leukemia-like/2cls (the shared regression problems
  with y split at its median), all dense; C in {0.01, 1, 100} by default.
* Objective: scikit-learn 1.9's, with l1_ratio=0:
  ``C sum_i logloss_i + 1/2 ||W||^2`` (intercept unpenalised), computed here
  from every solver's coefficients.
* Reference: the best objective of all five solvers at tol=1e-12 (untimed).
* Calibration: each solver gets the LARGEST tol of TOL_GRID whose objective
  is within 1e-6 (relative) of the reference; one that never gets there (or
  whose fit exceeds ``--fit-cap`` seconds first) is listed in ``missed`` and
  left out of the ratios.  ``tries`` keeps (tol, relative excess, seconds).
* Timing: all solvers at their calibrated tol, round-robin
  (problems.interleaved_timings), medians of ``--repeats``; BLAS pinned to
  ``--blas-threads`` (default 1).

Output: one JSON line per (problem, C) with per-solver median seconds and
tols, and the ratios (< 1: skreg faster)
``best_skreg/sk_lbfgs``, ``best_skreg/sk_newton-cholesky`` (best of skreg's
three solvers) and the same-solver ``lbfgs/lbfgs``,
``newton-cholesky/newton-cholesky``.  Ratios hold only within one run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings

import numpy as np
from _cd_common import pb  # noqa: E402  (also puts the repo on sys.path)
from bench_logistic import TARGET, TOL_GRID, objective, problems

SKREG_SOLVERS = ("lbfgs", "newton-cholesky", "cd")
SK_SOLVERS = ("lbfgs", "newton-cholesky")
MAX_ITER = 100_000


def solvers():
    """name -> fit(X, y, C, tol) returning (coef, intercept)."""
    from sklearn.linear_model import LogisticRegression as SkLR

    import skreg

    def make(cls, solver):
        def fit(X, y, C, tol):
            m = cls(C=C, l1_ratio=0.0, solver=solver, tol=tol, max_iter=MAX_ITER)
            m.fit(X, y)
            return m.coef_, m.intercept_
        return fit

    out = {f"skreg-{s}": make(skreg.LogisticRegression, s) for s in SKREG_SOLVERS}
    out.update({f"sklearn-{s}": make(SkLR, s) for s in SK_SOLVERS})
    return out


def _ratio(med, a, b):
    return med[a] / med[b] if a in med and b in med else None


def run(args):
    from threadpoolctl import threadpool_limits
    rows = []
    fns = solvers()
    for pname, X, y in problems(args.problems, [2]):
        for C in args.Cs:
            with warnings.catch_warnings(), threadpool_limits(args.blas_threads):
                warnings.simplefilter("ignore")
                tight = {name: objective(X, y, *fit(X, y, C, 1e-12), C, 0.0)
                         for name, fit in fns.items()}
                ref = min(tight.values())
                tols, tried = {}, {}
                for name, fit in fns.items():
                    tried[name] = []
                    for tol in TOL_GRID:
                        t0 = time.perf_counter()
                        f = objective(X, y, *fit(X, y, C, tol), C, 0.0)
                        dt = time.perf_counter() - t0
                        tried[name].append((tol, (f - ref) / abs(ref), dt))
                        if f <= ref + TARGET * abs(ref):
                            tols[name] = tol
                            break
                        if dt > args.fit_cap:   # missed: listed, not timed
                            break
                timed = {name: (lambda fit=fns[name], t=tol, X=X, y=y, C=C: fit(X, y, C, t))
                         for name, tol in tols.items()}
                times = pb.interleaved_timings(timed, repeats=args.repeats,
                                               max_total=args.max_total)
            med = {k: v["median"] for k, v in times.items()}
            ours = {k: v for k, v in med.items() if k.startswith("skreg-")}
            best = min(ours, key=ours.get) if ours else None
            row = dict(
                problem=pname, shape=list(X.shape), n_classes=int(len(np.unique(y))),
                C=C, ref_objective=ref, tols=tols, median_s=med,
                cpu_median_s={k: v["cpu_median"] for k, v in times.items()},
                missed=[k for k in fns if k not in tols],
                best_skreg=best,
                **{"best_skreg/sk_lbfgs": _ratio(med, best, "sklearn-lbfgs"),
                   "best_skreg/sk_newton-cholesky": _ratio(med, best,
                                                           "sklearn-newton-cholesky"),
                   "lbfgs/lbfgs": _ratio(med, "skreg-lbfgs", "sklearn-lbfgs"),
                   "newton-cholesky/newton-cholesky": _ratio(
                       med, "skreg-newton-cholesky", "sklearn-newton-cholesky")},
                rel_excess_at_tight={k: (v - ref) / abs(ref) for k, v in tight.items()},
                tries=tried, repeats=len(next(iter(times.values()))["times"]) if times else 0,
                loadavg=pb.loadavg())
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--problems", default="breast_cancer,digits,tall-dense,leukemia-like")
    ap.add_argument("--Cs", default="0.01,1,100", help="comma-separated C values")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--max-total", type=float, default=60.0,
                    help="stop repeating a row (after 3 rounds) past this many seconds")
    ap.add_argument("--fit-cap", type=float, default=120.0,
                    help="stop calibrating a solver (it goes to 'missed') once one "
                         "untimed fit takes longer than this many seconds")
    ap.add_argument("--blas-threads", type=int, default=1)
    ap.add_argument("--quick", action="store_true",
                    help="breast_cancer only, C=1, 3 repeats")
    ap.add_argument("--out", default=None, metavar="FILE.json")
    args = ap.parse_args(argv)
    if args.quick:
        args.problems, args.Cs, args.repeats = "breast_cancer", "1", 3
    args.problems = args.problems.split(",")
    args.Cs = [float(c) for c in args.Cs.split(",")]
    rows = run(args)
    if args.out:
        with open(args.out, "w") as fh:
            json.dump({"env": pb.env_info(), "rows": rows}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
