"""The demo (``python -m skreg``) runs end to end and writes real PNGs."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from skreg import _demo

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
REPO = Path(__file__).resolve().parents[1]


def test_demo_runs_and_writes_pngs(tmp_path):
    """Check the tables print, fits and CV choices agree with scikit-learn, PNGs are PNGs."""
    out_dir = tmp_path / "demo"
    lines = []
    res = _demo.run(repeats=1, out_dir=str(out_dir), out=lines.append, progress=False)
    text = "\n".join(lines)
    for pair in _demo._pairs() + _demo._cv_pairs():
        assert pair.name in text
    assert "done in" in text
    for row in res["fits"]:
        assert row["coef_diff"] is None or row["coef_diff"] < 1e-3
    assert all(row["same"] in (True, None) for row in res["cv"])
    assert all(row["alpha_1se"] >= row["chosen"] for row in res["cv"]
               if isinstance(row["chosen"], float) and row["alpha_1se"] is not None)
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


def test_demo_main_parses_arguments(monkeypatch):
    """Check main() passes --repeats/--out/--no-progress through to run()."""
    seen = {}
    monkeypatch.setattr(_demo, "run", lambda **kw: seen.update(kw))
    assert _demo.main(["--repeats", "2", "--out", "x", "--no-progress"]) == 0
    assert seen == {"repeats": 2, "out_dir": "x", "progress": False}


@pytest.mark.slow
def test_demo_without_matplotlib_skips_plots(tmp_path):
    """Check the demo still runs, with a message, when matplotlib is missing."""
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "from skreg._demo import main\n"
            f"main(['--repeats', '1', '--out', {str(tmp_path / 'd')!r}, '--no-progress'])")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "skipping the plots" in res.stdout
    assert not (tmp_path / "d").exists()


@pytest.mark.slow
def test_demo_module_entry_point(tmp_path):
    """Check ``python -m skreg --out DIR`` works as the README says."""
    res = subprocess.run([sys.executable, "-m", "skreg", "--repeats", "1", "--out",
                          str(tmp_path / "d")], capture_output=True, text=True,
                         cwd=REPO, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "LassoCV" in res.stdout


class _StubMLP:
    """Stand-in for skreg.MLPClassifier (being written): SPEC's names, fake curves."""

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


def test_demo_draws_dropout_curves_once_mlp_exists(tmp_path, monkeypatch):
    """Check the demo adds dropout_curves.png when skreg.MLPClassifier exists."""
    pytest.importorskip("matplotlib")
    import skreg

    monkeypatch.setattr(skreg, "MLPClassifier", _StubMLP, raising=False)
    models = _demo._dropout_models()
    assert [(m.dropout_rate, m.dropout_mode) for m in models] == [
        (0.0, "inverted"), (0.3, "inverted"), (0.3, "standard")]
    est = skreg.LassoCV(cv=3, alphas=10).fit(*_demo._load("diabetes"))
    written = _demo._plots({"LassoCV": (est, *_demo._load("diabetes"), "diabetes")},
                           str(tmp_path), lambda s: None)
    assert Path(written[-1]).name == "dropout_curves.png"
    assert Path(written[-1]).read_bytes()[:8] == PNG_MAGIC
