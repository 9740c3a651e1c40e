"""The demo (``python -m skreg``) runs end to end and writes real PNGs."""

import subprocess
import sys
from pathlib import Path

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
    assert all(row["same"] for row in res["cv"])
    assert all(row["alpha_1se"] >= row["chosen"] for row in res["cv"]
               if isinstance(row["chosen"], float))
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "skipping the plots" in text and res["plots"] == []
        return
    pngs = sorted(out_dir.glob("*.png"))
    assert [p.name for p in pngs] == ["lasso_cv_curve.png", "lasso_path.png"]
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
