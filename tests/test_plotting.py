"""The Displays of skreg.plotting draw what they say, headless (Agg)."""

import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from skreg import ElasticNetCV, Lasso, LassoCV

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skreg.plotting import (  # noqa: E402
    CVCurveDisplay,
    DropoutCurveDisplay,
    RegularizationPathDisplay,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def data(regression_data):
    return regression_data(50, 8)


def test_path_display_from_path(data):
    """Check one line per feature over the grid, log x axis, labelled axes."""
    X, y = data
    disp = RegularizationPathDisplay.from_path(X, y, alphas=25,
                                               feature_names=list("abcdefgh"))
    assert len(disp.lines_) == 8
    assert [ln.get_label() for ln in disp.lines_] == list("abcdefgh")
    assert disp.ax_.get_xscale() == "log"
    assert disp.ax_.get_xlabel() == "alpha"
    assert disp.alpha_line_ is None
    np.testing.assert_allclose(disp.lines_[0].get_xdata(), disp.alphas)
    assert disp.ax_.get_legend() is not None


def test_path_display_from_cv_estimator(data):
    """Check from_estimator uses the CV grid and marks alpha_ and alpha_1se_."""
    X, y = data
    cv = ElasticNetCV(l1_ratio=[0.5, 1.0], alphas=20, cv=3).fit(X, y)
    disp = RegularizationPathDisplay.from_estimator(cv, X, y)
    assert len(disp.lines_) == 8
    i = [0.5, 1.0].index(cv.l1_ratio_)
    np.testing.assert_allclose(disp.alphas, cv.alphas_[i])
    assert disp.alpha_line_.get_xdata()[0] == cv.alpha_
    assert disp.alpha_1se_line_.get_xdata()[0] == cv.alpha_1se_
    # the path at alpha_ is the refitted model
    k = int(np.flatnonzero(disp.alphas == cv.alpha_)[0])
    np.testing.assert_allclose(disp.coefs[:, k], cv.coef_, atol=1e-2 * np.abs(cv.coef_).max())


def test_path_display_plain_estimator_and_ax(data):
    """Check a plain Lasso gets a default grid and draws into the given axes."""
    X, y = data
    fig, ax = plt.subplots()
    disp = RegularizationPathDisplay.from_estimator(Lasso(alpha=0.5).fit(X, y), X, y,
                                                    ax=ax)
    assert disp.ax_ is ax and disp.figure_ is fig
    assert len(disp.alphas) == 100
    assert disp.alpha_line_.get_xdata()[0] == 0.5


@pytest.mark.parametrize("scoring, label", [(None, "mean squared error"),
                                            ("neg_mean_absolute_error", "mean absolute error"),
                                            ("r2", "r2")])
def test_cv_curve_display(data, scoring, label):
    """Check the mean curve, its 1-SE band and the two alpha lines."""
    X, y = data
    cv = LassoCV(cv=4, alphas=30, scoring=scoring).fit(X, y)
    disp = CVCurveDisplay.from_estimator(cv, show_folds=True)
    values = cv.mse_path_ if scoring is None else cv.score_path_
    if scoring and scoring.startswith("neg_"):
        values = -values
    np.testing.assert_allclose(disp.line_.get_ydata(), values.mean(axis=1))
    assert disp.line_.get_label() == label
    assert len(disp.fold_lines_) == 4
    assert disp.alpha_line_.get_xdata()[0] == cv.alpha_
    assert disp.alpha_1se_line_.get_xdata()[0] == cv.alpha_1se_
    # the band spans mean +- SE
    se = values.std(axis=1, ddof=1) / 2.0
    verts = disp.band_.get_paths()[0].vertices
    assert verts[:, 1].max() == pytest.approx((values.mean(axis=1) + se).max())
    assert disp.ax_.get_xscale() == "log"


def test_cv_curve_display_other_l1_ratio(data):
    """Check an l1_ratio other than the chosen one is drawn without alpha lines."""
    X, y = data
    cv = ElasticNetCV(l1_ratio=[0.3, 1.0], alphas=15, cv=3).fit(X, y)
    other = 0.3 if cv.l1_ratio_ == 1.0 else 1.0
    disp = CVCurveDisplay.from_estimator(cv, l1_ratio=other)
    assert disp.alpha_line_ is None and disp.alpha_1se_line_ is None
    i = [0.3, 1.0].index(other)
    np.testing.assert_allclose(disp.line_.get_ydata(), cv.mse_path_[i].mean(axis=1))
    assert len(disp.fold_lines_) == 0


def _fake_mlp(rate, mode, n_epochs, with_validation):
    loss = list(np.linspace(1.0, 0.2 + rate, n_epochs))
    val = list(np.linspace(0.5, 0.9 - rate / 2, n_epochs)) if with_validation else None
    return SimpleNamespace(dropout_rate=rate, dropout_mode=mode, loss_curve_=loss,
                           validation_scores_=val)


def test_dropout_display_from_estimators():
    """Check one loss line per model, default labels, dashed validation lines."""
    models = [_fake_mlp(0.0, "inverted", 12, True), _fake_mlp(0.5, "inverted", 8, True),
              _fake_mlp(0.5, "standard", 10, False)]
    disp = DropoutCurveDisplay.from_estimators(models)
    assert [ln.get_label() for ln in disp.lines_] == [
        "dropout_rate=0.0, inverted", "dropout_rate=0.5, inverted",
        "dropout_rate=0.5, standard"]
    assert [len(ln.get_xdata()) for ln in disp.lines_] == [12, 8, 10]
    assert len(disp.validation_lines_) == 2
    assert disp.validation_lines_[1].get_color() == disp.lines_[1].get_color()
    assert disp.ax_validation_ is not None
    assert disp.ax_.get_xlabel() == "epoch"


def test_dropout_display_labels_and_errors():
    """Check explicit labels, no validation axis without scores, clear errors."""
    models = [_fake_mlp(0.1, "inverted", 5, False), _fake_mlp(0.2, "inverted", 5, False)]
    disp = DropoutCurveDisplay.from_estimators(models, ["a", "b"], log_y=True)
    assert [ln.get_label() for ln in disp.lines_] == ["a", "b"]
    assert disp.ax_validation_ is None and disp.validation_lines_ == []
    assert disp.ax_.get_yscale() == "log"
    with pytest.raises(ValueError, match="loss_curve_"):
        DropoutCurveDisplay.from_estimators([SimpleNamespace(loss_curve_=None)])
    with pytest.raises(ValueError, match="labels"):
        DropoutCurveDisplay([[1, 2]], ["a", "b"]).plot()


def test_plotting_imports_without_matplotlib():
    """Check skreg.plotting imports without matplotlib and plot() says how to get it."""
    code = (
        "import sys; sys.modules['matplotlib'] = None; "
        "sys.modules['matplotlib.pyplot'] = None\n"
        "from skreg.plotting import DropoutCurveDisplay\n"
        "try:\n    DropoutCurveDisplay([[1.0]], ['a']).plot()\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=_repo_root())
    assert "skreg[plot]" in out.stdout


def _repo_root():
    import pathlib

    return str(pathlib.Path(__file__).resolve().parents[1])
