"""Every script in examples/ runs headless and shows what it claims."""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
try:
    import matplotlib  # noqa: F401
    HAS_MPL = True
except ImportError:
    HAS_MPL = False
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _run(name, *args, monkeypatch, tmp_path, run_name="__main__"):
    """Run examples/<name> (as __main__) in tmp_path with argv; return the namespace."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [name, *args])
    if HAS_MPL:
        import matplotlib

        matplotlib.use("Agg")
    return runpy.run_path(str(EXAMPLES / name), run_name=run_name)


def _assert_png(path):
    if HAS_MPL:
        data = Path(path).read_bytes()
        assert data[:8] == PNG_MAGIC and len(data) > 1000
    else:
        assert not Path(path).exists()


def test_example_plot_lasso_path(monkeypatch, tmp_path, capsys):
    """Check the Lasso-path example agrees with scikit-learn and writes its PNG."""
    _run("plot_lasso_path.py", "--out", "p.png", monkeypatch=monkeypatch,
         tmp_path=tmp_path)
    out = capsys.readouterr().out
    diff = float(out.split("max |coef difference| ")[1].split()[0])
    assert diff < 1e-3
    _assert_png(tmp_path / "p.png")


def test_example_plot_elasticnet_cv(monkeypatch, tmp_path, capsys):
    """Check the ElasticNetCV example (it asserts the same choice as scikit-learn)."""
    _run("plot_elasticnet_cv.py", "--out", "cv.png", monkeypatch=monkeypatch,
         tmp_path=tmp_path)
    assert "alpha_1se_=" in capsys.readouterr().out
    _assert_png(tmp_path / "cv.png")


def test_example_plot_logistic_sparse(monkeypatch, tmp_path, capsys):
    """Check the sparse logistic example: C_1se_ <= C_, sparse, as accurate as saga."""
    _run("plot_logistic_sparse.py", "--out", "lr.png", monkeypatch=monkeypatch,
         tmp_path=tmp_path)
    out = capsys.readouterr().out
    C = float(out.split("C_=")[1].split(",")[0])
    C_1se = float(out.split("C_1se_=")[1].split()[0])
    assert 0 < C_1se <= C
    rows = {line.split("  nnz=")[0].strip(): line for line in out.splitlines()
            if "  nnz=" in line}
    nnz = {k: int(v.split("nnz=")[1].split("/")[0]) for k, v in rows.items()}
    acc = {k: float(v.split("test accuracy=")[1]) for k, v in rows.items()}
    ours, saga = "skreg cd, C_", next(k for k in rows if k.startswith("scikit-learn"))
    assert 0 < nnz["skreg cd, C_1se_"] <= nnz[ours] < 30
    assert float(out.split("coef_| at C_: ")[1].split()[0]) < 0.05
    assert acc[ours] > 0.9 and abs(acc[ours] - acc[saga]) <= 0.03
    _assert_png(tmp_path / "lr.png")


def test_example_grid_search_pipeline(monkeypatch, tmp_path, capsys):
    """Check the Pipeline + GridSearchCV example (asserts scikit-learn's best_params_)."""
    _run("grid_search_pipeline.py", monkeypatch=monkeypatch, tmp_path=tmp_path)
    out = capsys.readouterr().out
    assert "best_params_" in out and "Part 2" in out
    import skreg

    if hasattr(skreg, "MLPClassifier"):
        assert "mlp__dropout_rate" in out.split("Part 2")[1]


@pytest.mark.slow
def test_example_dask_grid_search(monkeypatch, tmp_path, capsys):
    """Check the dask example's search gives the local best_params_."""
    pytest.importorskip("dask")
    pytest.importorskip("distributed")
    monkeypatch.syspath_prepend(str(EXAMPLES))
    ns = _run("dask_grid_search.py", monkeypatch=monkeypatch, tmp_path=tmp_path,
              run_name="dask_example")
    local, remote = ns["main"]()
    assert remote.best_params_ == local.best_params_
    assert "same best_params_" in capsys.readouterr().out


TESTED_HERE = {"plot_lasso_path.py", "plot_elasticnet_cv.py", "grid_search_pipeline.py",
               "dask_grid_search.py", "plot_logistic_sparse.py"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.py")
                                        if p.name not in TESTED_HERE))
def test_other_examples_run(name, monkeypatch, tmp_path):
    """Check every other example runs headless to the end (smoke test)."""
    if not HAS_MPL:
        pytest.skip("matplotlib is not installed")
    _run(name, monkeypatch=monkeypatch, tmp_path=tmp_path)
