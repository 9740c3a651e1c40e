"""The demo: skreg next to scikit-learn, fit for fit, at equal accuracy.

Three tables, then plots:

1. fits: every estimator family in skreg.__all__ beside the scikit-learn
   estimator of the same name, on data bundled with scikit-learn (how far the
   coefficients are apart, each score, non-zeros, median times);
2. speed at equal accuracy: Lasso, ElasticNet, a Lasso path and LassoCV on
   two problems generated here (seeded): a wide, strongly correlated
   leukemia-sized design (72 x 7129) and a sparse text-like one.  Each
   library gets the largest tol of 1e-4, 1e-5, ... whose result has a
   relative duality gap <= 1e-6, computed by the demo from the coefficients
   (skreg._demo_problems.relative_duality_gap), and both gaps are shown;
3. cross-validation: every cross-validated family, with what each library
   chose (alpha_, l1_ratio_, C_, ...).

Then the regularization path, the CV curve and the dropout curves go to
--out (default ./skreg-demo/) when matplotlib is installed.

Rows go to stdout.  A progress bar (tqdm when installed, else a status line)
goes to stderr only when stderr is a terminal, and is cleared before each
row is printed: rows start at the beginning of a line in a terminal, and a
pipe, a notebook or a CI log never sees a carriage return.

The pieces: _demo_pairs.py (what runs), _demo_tables.py (timing and the
tables), _demo_problems.py (the data and the duality gap), _demo_output.py
(table layout, progress); this module draws the plots and runs the whole.
"""

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from sklearn.datasets import load_diabetes
from threadpoolctl import threadpool_limits

import skreg
from skreg._demo_output import _Progress
from skreg._demo_pairs import _cv_pairs, _pairs
from skreg._demo_problems import DATA_SHAPES, _load
from skreg._demo_tables import (
    SPEED_PROBLEMS,
    TARGET_GAP,
    _cv_table,
    _fit_table,
    _speed_jobs,
    _speed_table,
)


# --------------------------------------------------------------------------
# plots
# --------------------------------------------------------------------------
def _plots(fitted, out_dir, out):
    """PNGs: the path and CV curve of LassoCV on diabetes, the dropout curves.

    Returns the paths written; [] without matplotlib.
    """
    try:
        import matplotlib
    except ImportError:
        out("matplotlib is not installed: skipping the plots "
            "(pip install 'skreg[plot]').")
        return []
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skreg.plotting import CVCurveDisplay, RegularizationPathDisplay

    os.makedirs(out_dir, exist_ok=True)
    est, X, y, data = fitted.get("LassoCV", next(iter(fitted.values())))
    names = list(load_diabetes().feature_names) if data == "diabetes" else None
    written = []
    fig, ax = plt.subplots(figsize=(7, 4.5))
    RegularizationPathDisplay.from_estimator(est, X, y, ax=ax, feature_names=names)
    written.append(os.path.join(out_dir, "lasso_path.png"))
    fig.tight_layout()
    fig.savefig(written[-1], dpi=110)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    CVCurveDisplay.from_estimator(est, ax=ax, show_folds=True)
    written.append(os.path.join(out_dir, "lasso_cv_curve.png"))
    fig.tight_layout()
    fig.savefig(written[-1], dpi=110)
    mlps = _dropout_models()
    if mlps:
        from skreg.plotting import DropoutCurveDisplay

        fig, ax = plt.subplots(figsize=(7, 4.5))
        DropoutCurveDisplay.from_estimators(mlps, ax=ax)
        written.append(os.path.join(out_dir, "dropout_curves.png"))
        fig.tight_layout()
        fig.savefig(written[-1], dpi=110)
    plt.close("all")
    for path in written:
        out(f"wrote {path}")
    return written


def _dropout_models():
    """MLPs on digits at a few dropout settings, for the loss-curve plot."""
    if not hasattr(skreg, "MLPClassifier"):
        return []
    X, y = _load("digits")
    settings = [(0.0, "inverted"), (0.3, "inverted"), (0.3, "standard")]
    # small matrices: one BLAS thread (threaded calls on a network this size
    # cost more in hand-offs than in arithmetic, for scikit-learn's too)
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore")
        return [skreg.MLPClassifier(hidden_layer_sizes=(48,), solver="adam",
                                    max_iter=30, early_stopping=True, random_state=0,
                                    dropout_rate=rate, dropout_mode=mode).fit(X, y)
                for rate, mode in settings]


# --------------------------------------------------------------------------
# entry points
# --------------------------------------------------------------------------
@dataclass
class _Context:
    out: Callable
    progress: _Progress
    repeats: int
    budget: float
    quick: bool
    sk: object = field(default=None)

    def write(self, line):
        self.progress.write(self.out, line)


def run(quick=False, repeats=None, out_dir="skreg-demo", out=print, progress=None,
        plots=True):
    """Run the demo; returns {'fits', 'speed', 'cv': rows, 'plots': paths}.

    ``progress=None`` shows a bar only when stderr is a terminal.
    """
    import sklearn.linear_model as sk

    t0 = time.perf_counter()
    if repeats is None:
        repeats = 3 if quick else 5
    if progress is None:
        progress = sys.stderr.isatty()
    pairs, cv_pairs = _pairs(quick), _cv_pairs(quick)
    n_rows = len(pairs) + len(cv_pairs) + sum(len(_speed_jobs(p, quick))
                                              for p in SPEED_PROBLEMS)
    bar = _Progress(n_rows, progress)
    ctx = _Context(out, bar, repeats, 0.2 if quick else 1.5, quick, sk)
    used = {p.data for p in pairs + cv_pairs}
    shapes = ", ".join(f"{k} {v}" for k, v in DATA_SHAPES.items() if k in used)
    try:
        ctx.write(f"skreg {skreg.__version__} vs scikit-learn, median of up to {repeats} "
                  f"fits, BLAS on 1 thread{' (--quick)' if quick else ''}")
        ctx.write("")
        ctx.write(f"1. every estimator beside scikit-learn's of the same name ({shapes})")
        # one BLAS thread for both libraries: steadier timings, as threaded
        # BLAS calls on small matrices mostly wait for their threads
        with threadpool_limits(limits=1, user_api="blas"):
            fits = _fit_table(pairs, ctx)
            ctx.write("")
            ctx.write(f"2. speed at equal accuracy: each library at the largest tol "
                      f"reaching relative duality gap <= {TARGET_GAP:.0e}")
            ctx.write("   (gap computed by the demo from the coefficients; "
                      "leukemia-like 72x7129 dense correlated, text-like 2000x20000 "
                      "sparse; CV at its path's tol)")
            speed = _speed_table(ctx)
            ctx.write("")
            ctx.write("3. cross-validation: what each library chose")
            cv, fitted = _cv_table(cv_pairs, ctx)
    finally:
        bar.close()
    out("")
    written = _plots(fitted, out_dir, out) if plots and fitted else []
    out(f"done in {time.perf_counter() - t0:.1f} s")
    return {"fits": fits, "speed": speed, "cv": cv, "plots": written}


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skreg", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="skreg-demo", metavar="DIR",
                        help="folder for the plots (default ./skreg-demo)")
    parser.add_argument("--quick", action="store_true",
                        help="seconds instead of a minute: fewer repeats, epochs, "
                             "folds and path alphas")
    parser.add_argument("--no-plots", action="store_true", help="write no plots")
    parser.add_argument("--repeats", type=int, default=None, metavar="N",
                        help="at most N fits per timing, for the median (default 5, "
                             "3 with --quick; fewer where fits are slow)")
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (it is shown only when stderr is a "
                             "terminal; tqdm is used when installed)")
    args = parser.parse_args(argv)
    run(quick=args.quick, repeats=args.repeats, out_dir=args.out,
        progress=False if args.no_progress else None, plots=not args.no_plots)
    return 0
