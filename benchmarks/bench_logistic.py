"""L1 / elastic-net logistic regression: skreg 'cd' vs scikit-learn, celer, skglm.

Run from the repository root (celer and skglm from the ``bench`` extra are
optional; a missing one is skipped):

    python benchmarks/bench_logistic.py                 # everything
    python benchmarks/bench_logistic.py --quick         # smoke run
    python benchmarks/bench_logistic.py --problems breast_cancer,digits \\
        --l1-ratios 1.0 --repeats 5 --out results.json

Method (the equal-accuracy protocol of issue 13):

* Problems: the shared regression problems of ../shared/bench/problems.py
  (wide-dense, tall-dense, sparse-text-like, leukemia-like) with y turned
  into two classes (above the median) or three (tertiles), and scikit-learn's
  bundled breast_cancer (binary) and digits (10 classes), standardised.
* Objective, scikit-learn 1.9's, computed here for every solver's answer:
  ``C sum_i logloss_i + (1 - l1_ratio)/2 ||W||^2 + l1_ratio ||W||_1``
  (intercept unpenalised).  C at 1.1x, 10x and 100x C_min, the smallest C
  with a non-zero coefficient (l1_ratio / max |X^T (Y - mean Y)|).
* Reference: the best objective of skreg 'cd' and skglm (binary L1) at
  tol=1e-12, plus scikit-learn's saga at tol=1e-10 with ``--saga-ref`` (slow
  on wide problems); not timed.
* A solver whose calibration (its untimed fits down the tol grid) takes over
  ``--fit-cap`` seconds without reaching the target is listed as missed
  (``capped``) and not timed.
* Calibration: every solver gets the LARGEST tol on a factor-~3 grid whose
  objective is within 1e-6 (relative) of the reference; one that never gets
  there is flagged "!" and left out of "best other".
* Timing: all solvers at their calibrated tol, round-robin, median wall time
  (problems.interleaved_timings); BLAS pinned to one thread.  skglm is timed
  warm (its JIT compiles during calibration).
* Anchors: scikit-learn liblinear (binary; it penalises its intercept, so it
  may not reach the target) and saga; celer.LogisticRegression (binary, no
  intercept: it is judged on the problem without one) and
  skglm.SparseLogisticRegression (binary, L1 and elastic net, alpha = 1 / (C n)).

Ratios are meaningful only within one run; say so when quoting them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp
from _cd_common import available, pb  # noqa: E402  (also puts the repo on sys.path)
from scipy.special import log_expit, logsumexp

TOL_GRID = [1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 3e-7, 1e-7,
            3e-8, 1e-8, 1e-9, 1e-10]
TARGET = 1e-6


def objective(X, y, coef, intercept, C, l1_ratio):
    """scikit-learn 1.9's logistic objective, from the coefficients alone."""
    W = np.atleast_2d(coef)
    eta = np.asarray(X @ W.T) + intercept
    classes = np.unique(y)
    if W.shape[0] == 1:
        t = (y == classes[-1]).astype(float)
        loss = (-log_expit(eta[:, 0]) + (1 - t) * eta[:, 0]).sum()
    else:
        idx = np.searchsorted(classes, y)
        loss = (logsumexp(eta, axis=1) - eta[np.arange(len(y)), idx]).sum()
    return C * loss + 0.5 * (1 - l1_ratio) * (W ** 2).sum() + l1_ratio * np.abs(W).sum()


def c_min(X, y, l1_ratio):
    """Smallest C with a non-zero coefficient (intercept fitted)."""
    classes = np.unique(y)
    Y = (y[:, None] == classes[None, :]).astype(float)
    if len(classes) == 2:
        Y = Y[:, 1:]
    corr = np.abs(np.asarray(X.T @ (Y - Y.mean(axis=0))))
    return l1_ratio / corr.max()


def problems(names, n_classes):
    from sklearn.datasets import load_breast_cancer, load_digits
    from sklearn.preprocessing import StandardScaler
    for name in names:
        if name == "breast_cancer":
            X, y = load_breast_cancer(return_X_y=True)
            yield name, np.asfortranarray(StandardScaler().fit_transform(X)), y
        elif name == "digits":
            X, y = load_digits(return_X_y=True)
            yield name, np.asfortranarray(StandardScaler().fit_transform(X)), y
        else:
            prob = pb.get_problem(name)
            X = prob.X.tocsc() if sp.issparse(prob.X) else np.asfortranarray(prob.X)
            for k in n_classes:
                y = np.digitize(prob.y, np.quantile(prob.y, np.linspace(0, 1, k + 1)[1:-1]))
                if len(np.unique(y)) != k:  # leukemia-like's y takes two values
                    print(f"# {name}: {len(np.unique(y))} classes, not {k}: skipped",
                          flush=True)
                    continue
                yield f"{name}/{k}cls", X, y


def solvers(binary, l1_ratio):
    """name -> fit(X, y, C, tol) returning (coef, intercept)."""
    from sklearn.linear_model import LogisticRegression as SkLR

    import skreg

    def ours(X, y, C, tol):
        m = skreg.LogisticRegression(C=C, l1_ratio=l1_ratio, solver="cd", tol=tol,
                                     max_iter=10_000).fit(X, y)
        return m.coef_, m.intercept_

    def saga(X, y, C, tol):
        m = SkLR(C=C, l1_ratio=l1_ratio, solver="saga", tol=tol, max_iter=100_000)
        m.fit(X, y)
        return m.coef_, m.intercept_

    out = {"skreg": ours, "sklearn-saga": saga}
    if binary and l1_ratio == 1.0:
        def liblinear(X, y, C, tol):
            m = SkLR(C=C, penalty="l1", solver="liblinear", tol=tol,
                     max_iter=100_000).fit(X, y)
            return m.coef_, m.intercept_
        out["sklearn-liblinear"] = liblinear
    if binary and available("skglm"):
        # skglm: (1/n) sum logloss + alpha (l1_ratio |w|_1 + (1 - l1_ratio)/2 |w|^2),
        # which is ours divided by C n.
        def skglm_fit(X, y, C, tol):
            from skglm import SparseLogisticRegression
            m = SparseLogisticRegression(alpha=1.0 / (C * X.shape[0]), l1_ratio=l1_ratio,
                                         tol=tol, fit_intercept=True, max_iter=1000)
            m.fit(X, y)
            return m.coef_, m.intercept_
        out["skglm"] = skglm_fit
    if binary and l1_ratio == 1.0:
        if available("celer"):
            def celer_fit(X, y, C, tol):
                from celer import LogisticRegression
                m = LogisticRegression(C=C, tol=tol).fit(X, y)
                return m.coef_, np.zeros(1)
            out["celer(no icpt)"] = celer_fit
    return out


def run(args):
    from threadpoolctl import threadpool_limits
    rows = []
    for pname, X, y in problems(args.problems, args.classes):
        binary = len(np.unique(y)) == 2
        for l1_ratio in args.l1_ratios:
            cm = c_min(X, y, l1_ratio)
            for mult in args.c_mults:
                C = mult * cm
                fns = {k: f for k, f in solvers(binary, l1_ratio).items()
                       if k not in args.skip}
                with warnings.catch_warnings(), threadpool_limits(args.blas_threads):
                    warnings.simplefilter("ignore")
                    refs = [objective(X, y, *fns["skreg"](X, y, C, 1e-12), C, l1_ratio)]
                    for name in ("skglm",) + (("sklearn-saga",) if args.saga_ref else ()):
                        if name in fns:
                            tight = 1e-10 if name == "sklearn-saga" else 1e-12
                            refs.append(objective(X, y, *fns[name](X, y, C, tight),
                                                  C, l1_ratio))
                    ref = min(refs)
                    tols, capped = {}, []
                    for name, fit in fns.items():
                        t0 = time.perf_counter()
                        for tol in TOL_GRID:
                            f = objective(X, y, *fit(X, y, C, tol), C, l1_ratio)
                            if f <= ref + TARGET * abs(ref):
                                tols[name] = tol
                                break
                            if time.perf_counter() - t0 > args.fit_cap:
                                capped.append(name)  # too slow to calibrate: missed
                                break
                    timed = {name: (lambda fit=fns[name], t=tol, X=X, y=y, C=C: fit(X, y, C, t))
                             for name, tol in tols.items()}
                    times = pb.interleaved_timings(timed, repeats=args.repeats,
                                                   max_total=args.max_total)
                med = {k: v["median"] for k, v in times.items()}
                others = [v for k, v in med.items() if k != "skreg"]
                row = dict(problem=pname, l1_ratio=l1_ratio, C_mult=mult, C=C,
                           tols=tols, median_s=med,
                           missed=[k for k in fns if k not in tols], capped=capped,
                           ratio_best_other=(med["skreg"] / min(others)
                                             if "skreg" in med and others else None))
                rows.append(row)
                print(json.dumps(row), flush=True)
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--problems", default="breast_cancer,digits,leukemia-like,"
                    "wide-dense,sparse-text-like,tall-dense")
    ap.add_argument("--classes", default="2,3")
    ap.add_argument("--l1-ratios", default="1.0,0.5")
    ap.add_argument("--c-mults", default="1.1,10,100")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--max-total", type=float, default=60.0)
    ap.add_argument("--fit-cap", type=float, default=30.0,
                    help="a solver whose calibration (all its untimed fits) takes "
                         "longer without reaching the target is missed")
    ap.add_argument("--skip", default="",
                    help="comma-separated solver names to leave out, e.g. "
                         "'sklearn-liblinear,celer(no icpt)'")
    ap.add_argument("--saga-ref", action="store_true",
                    help="also take scikit-learn's saga at tol=1e-10 as a reference "
                         "(slow on wide problems); the default is the best of skreg "
                         "'cd' and skglm at tol=1e-12")
    ap.add_argument("--blas-threads", type=int, default=1)
    ap.add_argument("--quick", action="store_true",
                    help="breast_cancer only, L1, C at 10x C_min, 3 repeats")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    if args.quick:
        args.problems, args.l1_ratios, args.c_mults, args.repeats = (
            "breast_cancer", "1.0", "10", 3)
    args.problems = args.problems.split(",")
    args.classes = [int(c) for c in args.classes.split(",")]
    args.l1_ratios = [float(r) for r in args.l1_ratios.split(",")]
    args.c_mults = [float(m) for m in args.c_mults.split(",")]
    args.skip = {s for s in args.skip.split(",") if s}
    rows = run(args)
    if args.out:
        with open(args.out, "w") as fh:
            json.dump({"env": pb.env_info(), "rows": rows}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
