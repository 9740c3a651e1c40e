"""The demo (``python -m skreg``): clean output anywhere, equal accuracy, real PNGs."""

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.base import BaseEstimator, RegressorMixin

import skreg
from skreg import _demo, _demo_problems, _demo_tables

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
REPO = Path(__file__).resolve().parents[1]
DEMO = [sys.executable, "-m", "skreg", "--quick", "--no-plots"]
ROWS, COLS = 50, 160
TABLE_HEADS = ("estimator ", "problem ", "cross-validated ")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One in-process quick run, shared by the checks on its rows."""
    out_dir = tmp_path_factory.mktemp("demo") / "plots"
    lines = []
    res = _demo.run(quick=True, out_dir=str(out_dir), out=lines.append, progress=False)
    return res, lines, out_dir


def _row_labels():
    labels = [p.name for p in _demo._pairs(quick=True) + _demo._cv_pairs(quick=True)]
    return labels + list(_demo.SPEED_PROBLEMS)


def _table_bodies(lines):
    """The body lines of every table: from each rule to the next blank line."""
    bodies, body = [], None
    for prev, line in zip([""] + lines, lines):
        if body is not None:
            if not line.strip():
                bodies.append(body)
                body = None
            else:
                body.append(line)
        elif set(line) == {"-"} and prev.startswith(TABLE_HEADS):
            body = []
    if body is not None:
        bodies.append(body)
    return bodies


def test_demo_tables_agree_with_sklearn_and_write_pngs(quick_run):
    """Check every table's rows, the agreement with scikit-learn, and the PNGs."""
    res, lines, out_dir = quick_run
    text = "\n".join(lines)
    bodies = _table_bodies(lines)
    assert len(bodies) == 3
    assert [row.split("  ")[0] for row in bodies[0]] == [p.name for p in _demo._pairs(True)]
    assert len(bodies[1]) == len(res["speed"]) == 8
    assert "done in" in text
    assert not any("error" in row for row in res["fits"] + res["cv"])
    by_name = {row["name"]: row for row in res["fits"]}
    for name in ("Lasso", "ElasticNet", "Ridge"):
        assert by_name[name]["coef_diff"] < 1e-4
    for row in res["fits"]:
        if row["score_sk"] is not None:
            assert abs(row["score"] - row["score_sk"]) < 0.02, row
    # equal accuracy: both libraries reached the target gap at the tol shown
    for row in res["speed"]:
        assert row["gap"] <= _demo.TARGET_GAP and row["gap_sk"] <= _demo.TARGET_GAP, row
        assert row["tol"] in _demo_tables.TOLS and row["tol_sk"] in _demo_tables.TOLS
    cv_rows = [r for r in res["speed"] if r["kind"] == "cv"]
    assert len(cv_rows) == 2 and all(r["choice"].endswith("both") for r in cv_rows)
    assert all(row["same"] in (True, None) for row in res["cv"])
    for row in res["cv"]:
        if row["alpha_1se"] is not None:
            assert row["alpha_1se"] >= row["chosen"]["alpha_"]
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "skipping the plots" in text and res["plots"] == []
        return
    pngs = sorted(out_dir.glob("*.png"))
    names = {p.name for p in pngs}
    assert {"lasso_cv_curve.png", "lasso_path.png"} <= names
    assert names <= {"lasso_cv_curve.png", "lasso_path.png", "dropout_curves.png"}
    assert sorted(res["plots"]) == [str(p) for p in pngs]
    for p in pngs:
        data = p.read_bytes()
        assert data[:8] == PNG_MAGIC and len(data) > 1000


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("sparse", [False, True])
def test_relative_duality_gap_bounds_suboptimality(l1_ratio, sparse):
    """Check the demo's own gap: ~0 at scikit-learn's tight optimum, and an
    upper bound on the relative suboptimality of a perturbed point."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 40))
    X[rng.random(X.shape) < 0.5] = 0.0
    y = X[:, :5] @ rng.standard_normal(5) + 0.5 * rng.standard_normal(60) + 3.0
    Xs = sp.csc_matrix(X) if sparse else X
    amax = np.max(np.abs(X.T @ (y - y.mean()))) / (60 * l1_ratio)
    alpha = amax / 10
    est = sk.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000).fit(X, y)
    gap = _demo_problems.relative_duality_gap(Xs, y, est.coef_, est.intercept_, alpha, l1_ratio)
    assert -1e-12 < gap < 1e-9

    def primal(w, b):
        r = y - X @ w - b
        return (r @ r / 120 + alpha * l1_ratio * np.abs(w).sum()
                + 0.5 * alpha * (1 - l1_ratio) * w @ w)

    p0 = np.var(y) / 2
    w = est.coef_ + 0.05 * rng.standard_normal(40)
    subopt = (primal(w, est.intercept_) - primal(est.coef_, est.intercept_)) / p0
    gap = _demo_problems.relative_duality_gap(Xs, y, w, est.intercept_, alpha, l1_ratio)
    assert subopt > 1e-4 and gap >= subopt
    # w = 0 is optimal at alpha_max, and the gap certifies it
    assert abs(_demo_problems.relative_duality_gap(Xs, y, np.zeros(40), y.mean(), amax,
                                          l1_ratio)) < 1e-12
    # without an intercept the yardstick is ||y||^2 / (2n)
    est = sk.Lasso(alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=100_000).fit(X, y)
    assert abs(_demo_problems.relative_duality_gap(Xs, y, est.coef_, 0.0, alpha, 1.0,
                                          fit_intercept=False)) < 1e-9


def test_cv_choices_are_read_off_both_libraries():
    """Check what each CV estimator chose is read and compared, l1_ratio_ included."""
    X, y = _demo._load("diabetes")
    a = skreg.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3).fit(X, y)
    b = sk.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3).fit(X, y)
    ca, cb = _demo_tables._chosen(a), _demo_tables._chosen(b)
    assert ca.keys() == {"alpha_", "l1_ratio_"}
    assert ca["l1_ratio_"] == a.l1_ratio_ and cb["alpha_"] == b.alpha_
    assert _demo_tables._same_choice(ca, cb)
    assert not _demo_tables._same_choice(ca, {**cb, "alpha_": 2 * cb["alpha_"]})
    assert _demo_tables._show_choice({"C_": 0.5, "best_params_": 1}) == "C=0.5 best_params=1"


class MultiTaskLasso(RegressorMixin, BaseEstimator):
    """Stand-in for a multi-task estimator another helper is adding: it
    wraps scikit-learn's (composition), so the row must agree exactly."""

    def __init__(self, alpha=1.0, tol=1e-4):
        self.alpha = alpha
        self.tol = tol

    def fit(self, X, y):
        est = sk.MultiTaskLasso(alpha=self.alpha, tol=self.tol).fit(X, y)
        self.coef_ = est.coef_
        self.intercept_ = est.intercept_
        return self

    def predict(self, X):
        return X @ self.coef_.T + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags


class LogisticRegressionCV(BaseEstimator):
    """Stand-in for a CV classifier another helper is adding (composition)."""

    _estimator_type = "classifier"

    def __init__(self, Cs=10, cv=None, max_iter=100):
        self.Cs = Cs
        self.cv = cv
        self.max_iter = max_iter

    def fit(self, X, y):
        est = sk.LogisticRegressionCV(Cs=self.Cs, cv=self.cv, max_iter=self.max_iter)
        est.fit(X, y)
        self.C_, self.l1_ratio_, self.coef_ = est.C_, est.l1_ratio_, est.coef_
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        return tags


def test_new_families_join_the_tables(monkeypatch):
    """Check an estimator added to skreg.__all__ gets a row beside scikit-learn's
    class of the same name, on data of its kind (2-D y for multi-task)."""
    monkeypatch.setattr(skreg, "MultiTaskLasso", MultiTaskLasso, raising=False)
    monkeypatch.setattr(skreg, "__all__", skreg.__all__ + ["MultiTaskLasso"])
    pairs = {p.name: p for p in _demo._pairs(quick=True)}
    pair = pairs["MultiTaskLasso"]
    assert pair.data == "multitask"
    assert type(pair.theirs()) is sk.MultiTaskLasso
    assert pair.ours().get_params() == {"alpha": 1.0, "tol": 1e-8}   # SETTINGS applied
    assert pairs["Lasso"].data == "diabetes" and pairs["MLPClassifier"].data == "digits"
    cv_names = [p.name for p in _demo._cv_pairs(quick=True)]
    assert {"LassoCV", "ElasticNetCV", "RidgeCV"} <= set(cv_names)
    assert "MultiTaskLasso" not in cv_names
    lines = []
    ctx = _demo._Context(lines.append, _demo._Progress(1, False), 1, 0.0, True)
    (row,) = _demo._fit_table([pair], ctx)
    assert row["coef_diff"] == 0.0 and row["nnz"] > 0
    assert lines[-1].startswith("MultiTaskLasso ")
    # a cross-validated classifier: binary data, its C_ reported for both
    monkeypatch.setattr(skreg, "LogisticRegressionCV", LogisticRegressionCV, raising=False)
    monkeypatch.setattr(skreg, "__all__", skreg.__all__ + ["LogisticRegressionCV"])
    (pair,) = [p for p in _demo._cv_pairs(quick=True) if p.name == "LogisticRegressionCV"]
    assert pair.data == "breast-cancer" and pair.ours().get_params()["Cs"] == 5
    (row,) = _demo._cv_table([pair], ctx)[0]
    assert row["same"] is True and "C_" in row["chosen"]
    assert lines[-1].startswith("LogisticRegressionCV ") and " C=" in lines[-1]


def test_demo_main_parses_arguments(monkeypatch):
    """Check main() passes --out/--quick/--no-plots/--repeats/--no-progress to run()."""
    seen = {}
    monkeypatch.setattr(_demo, "run", lambda **kw: seen.update(kw))
    assert _demo.main(["--repeats", "2", "--out", "x", "--quick", "--no-plots",
                       "--no-progress"]) == 0
    assert seen == {"quick": True, "repeats": 2, "out_dir": "x", "progress": False,
                    "plots": False}
    seen.clear()
    assert _demo.main([]) == 0
    assert seen == {"quick": False, "repeats": None, "out_dir": "skreg-demo",
                    "progress": None, "plots": True}


def test_demo_help_lists_the_options():
    """Check ``python -m skreg --help`` lists --out DIR, --quick and --no-plots."""
    res = subprocess.run([sys.executable, "-m", "skreg", "--help"], capture_output=True,
                         text=True, cwd=REPO, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("usage: python -m skreg")
    for option in ("--out DIR", "--quick", "--no-plots"):
        assert option in res.stdout


# -- the output as a terminal shows it ---------------------------------------
def _render(raw, width=COLS):
    """The screen a terminal shows for ``raw``: \\r, \\n, ESC[K, ESC[A handled."""
    screen, row, col = [[]], 0, 0
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\x1b":
            m = re.match(r"\x1b\[([0-9;?]*)([A-Za-z])", raw[i:])
            if m:
                n = int(m.group(1) or 0) if m.group(1).isdigit() else 0
                if m.group(2) == "K":                 # erase to the end of line
                    del screen[row][col:]
                elif m.group(2) == "A":               # cursor up
                    row = max(0, row - max(n, 1))
                i += m.end()
                continue
        if ch == "\r":
            col = 0
        elif ch == "\n":
            row += 1
            if row == len(screen):
                screen.append([])
        elif ch >= " ":
            if col >= width:                          # the terminal wraps
                row, col = row + 1, 0
                if row == len(screen):
                    screen.append([])
            line = screen[row]
            line.extend(" " * (col + 1 - len(line)))
            line[col] = ch
            col += 1
        i += 1
    return ["".join(line).rstrip() for line in screen]


def _run_in_pty(argv, timeout=240, stdout=None):
    """Run ``argv`` with stderr (and stdout, unless a file is given) on a
    pseudo-terminal of COLS x ROWS."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    env = {**os.environ, "COLUMNS": str(COLS), "LINES": str(ROWS)}
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave if stdout is None else stdout,
                            stderr=slave, cwd=REPO, env=env, start_new_session=True)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:                           # EIO: the child closed it
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def _tqdm_installed():
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("bar", [
    pytest.param("tqdm", marks=pytest.mark.skipif(not _tqdm_installed(),
                                                  reason="tqdm is not installed")),
    "plain"])
def test_demo_rows_start_at_line_start_in_a_terminal(bar):
    """Check in a pseudo-terminal (160 columns) that the progress bar is drawn
    and that every table row starts at the beginning of a line, with no bar
    left on the screen, and every line fits the width."""
    argv = DEMO if bar == "tqdm" else [
        sys.executable, "-c", "import sys; sys.modules['tqdm'] = None; "
        "from skreg._demo import main; sys.argv[0] = 'skreg'; "
        "raise SystemExit(main(['--quick', '--no-plots']))"]
    rc, raw = _run_in_pty(argv)
    assert rc == 0, raw[-2000:]
    assert "\r" in raw.replace("\r\n", "\n")          # a bar was drawn (and redrawn)
    assert ("it/s" in raw or "s/it" in raw) == (bar == "tqdm")
    screen = _render(raw)
    assert "done in" in screen[-1] or any("done in" in line for line in screen)
    assert not [line for line in screen if "skreg demo" in line or "it/s" in line]
    assert max(len(line) for line in screen) <= COLS
    bodies = _table_bodies(screen)
    assert len(bodies) == 3
    labels = tuple(label + " " for label in _row_labels())
    for body in bodies:
        for line in body:
            assert line.startswith(labels), line
    assert len(bodies[0]) == len(_demo._pairs(quick=True))
    assert len(bodies[2]) == len(_demo._cv_pairs(quick=True))


@pytest.mark.parametrize("stderr", ["file", "terminal"])
def test_demo_piped_to_a_file_has_no_carriage_return(tmp_path, stderr):
    """Check stdout piped to a file, with stderr to the same file (no bar at
    all) or to a terminal (the bar stays there): no carriage return, no
    escape sequence, no bar in the file, and the three tables are there."""
    path = tmp_path / "demo.txt"
    with open(path, "wb") as f:
        if stderr == "file":
            rc = subprocess.run(DEMO, stdout=f, stderr=subprocess.STDOUT, cwd=REPO,
                                timeout=300).returncode
        else:
            rc, raw = _run_in_pty(DEMO, stdout=f)
            assert "\r" in raw and "done in" not in raw      # only the bar went there
    data = path.read_bytes()
    assert rc == 0, data[-2000:]
    assert b"\r" not in data and b"\x1b" not in data
    assert b"it/s" not in data and b"skreg demo" not in data
    lines = data.decode().splitlines()
    assert len(_table_bodies(lines)) == 3
    assert lines[-1].startswith("done in")


@pytest.mark.slow
def test_demo_without_matplotlib_skips_plots(tmp_path):
    """Check the demo still runs, with a message, when matplotlib is missing."""
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "from skreg._demo import main\n"
            f"main(['--quick', '--out', {str(tmp_path / 'd')!r}])")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "skipping the plots" in res.stdout
    assert not (tmp_path / "d").exists()


@pytest.mark.slow
def test_demo_module_entry_point_writes_plots(tmp_path):
    """Check ``python -m skreg --quick --out DIR`` writes the plots there."""
    pytest.importorskip("matplotlib")
    res = subprocess.run([sys.executable, "-m", "skreg", "--quick", "--out",
                          str(tmp_path / "d")], capture_output=True, text=True,
                         cwd=REPO, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "LassoCV" in res.stdout
    assert (tmp_path / "d" / "lasso_path.png").read_bytes()[:8] == PNG_MAGIC


class _StubMLP:
    """Stand-in for skreg.MLPClassifier: SPEC's names, fake curves."""

    def __init__(self, hidden_layer_sizes=(100,), *, dropout_rate=0.0,
                 dropout_mode="inverted", early_stopping=False, **kwargs):
        self.dropout_rate = dropout_rate
        self.dropout_mode = dropout_mode
        self.early_stopping = early_stopping

    def fit(self, X, y):
        n = 10
        self.loss_curve_ = list(np.linspace(2.0, 0.2 + self.dropout_rate, n))
        self.validation_scores_ = (list(np.linspace(0.5, 0.95, n))
                                   if self.early_stopping else None)
        return self


def test_demo_draws_dropout_curves(tmp_path, monkeypatch):
    """Check the demo draws dropout_curves.png from MLPs at three dropout settings."""
    pytest.importorskip("matplotlib")
    monkeypatch.setattr(skreg, "MLPClassifier", _StubMLP, raising=False)
    models = _demo._dropout_models()
    assert [(m.dropout_rate, m.dropout_mode) for m in models] == [
        (0.0, "inverted"), (0.3, "inverted"), (0.3, "standard")]
    est = skreg.LassoCV(cv=3, alphas=10).fit(*_demo._load("diabetes"))
    written = _demo._plots({"LassoCV": (est, *_demo._load("diabetes"), "diabetes")},
                           str(tmp_path), lambda s: None)
    assert Path(written[-1]).name == "dropout_curves.png"
    assert Path(written[-1]).read_bytes()[:8] == PNG_MAGIC
