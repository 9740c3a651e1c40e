"""The Displays of skreg.plotting draw what they say, headless (Agg)."""

import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from skreg import (
    ElasticNetCV,
    Lasso,
    LassoCV,
    LogisticRegression,
    LogisticRegressionCV,
)

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


@pytest.fixture(scope="module")
def binary_data():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X[::2, :8])
    return X, y[::2]


@pytest.fixture(scope="module")
def multiclass_data():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


CV3 = StratifiedKFold(3)  # no shuffle: the test can redo the same splits


def _logistic_cv(X, y, **params):
    params = {"Cs": np.logspace(-2, 1.5, 8), "cv": CV3, "tol": 1e-8,
              "max_iter": 1000, "use_legacy_attributes": False, **params}
    return LogisticRegressionCV(**params).fit(X, y)


def test_path_display_logistic_cv_binary(binary_data):
    """Check a LogisticRegressionCV's path: over Cs_, one row, C_ and C_1se_ marked.

    On a fold's training rows the display's path is that fold's
    ``coefs_paths_`` (same solver, tol and warm starts); on all rows its
    value at C_ is the refitted ``coef_``.
    """
    X, y = binary_data
    cv = _logistic_cv(X, y, l1_ratios=(0.5, 1.0), solver="cd", scoring="accuracy")
    disp = RegularizationPathDisplay.from_estimator(cv, X, y)
    n_features = X.shape[1]
    assert disp.coefs.shape == (n_features, len(cv.Cs_))
    assert len(disp.lines_) == n_features
    assert disp.ax_.get_xlabel() == "C" and disp.ax_.get_xscale() == "log"
    assert not disp.ax_.xaxis_inverted()  # small C (strong penalty) on the left
    np.testing.assert_allclose(disp.lines_[0].get_xdata(), cv.Cs_)
    for j, line in enumerate(disp.lines_):
        np.testing.assert_allclose(line.get_ydata(), disp.coefs[j])
    assert disp.alpha_line_.get_xdata()[0] == cv.C_
    assert disp.alpha_1se_line_.get_xdata()[0] == cv.C_1se_
    assert disp.alpha_line_.get_label().startswith("C_ = ")
    assert disp.alpha_1se_line_.get_label().startswith("C_1se_ = ")
    k = int(np.flatnonzero(cv.Cs_ == cv.C_)[0])
    scale = np.abs(cv.coef_).max()
    np.testing.assert_allclose(disp.coefs[:, k], cv.coef_[0], atol=1e-5 * scale)

    i = [0.5, 1.0].index(cv.l1_ratio_)
    for f, (train, _) in enumerate(CV3.split(X, y)):
        fold = RegularizationPathDisplay.from_estimator(cv, X[train], y[train])
        expected = cv.coefs_paths_[f, i, :, 0, :n_features].T
        got = np.array([ln.get_ydata() for ln in fold.lines_])
        np.testing.assert_allclose(got, expected, rtol=1e-5,
                                   atol=1e-6 * np.abs(expected).max())


def test_path_display_logistic_cv_multinomial(multiclass_data):
    """Check a multinomial path gets one axes per class, each its class's fold path.

    Legacy attributes (``coefs_paths_`` a dict of classes), lbfgs (L2).
    """
    X, y = multiclass_data
    cv = _logistic_cv(X, y, l1_ratios=(0.0,), solver="lbfgs", scoring="accuracy",
                      use_legacy_attributes=True)
    disp = RegularizationPathDisplay.from_estimator(cv, X, y)
    assert disp.coefs.shape == (3, 4, len(cv.Cs_))
    assert len(disp.ax_) == 3 and len(disp.lines_) == 3
    assert [ax.get_title().rsplit(" ", 1)[1] for ax in disp.ax_] == ["0", "1", "2"]
    assert [m.get_xdata()[0] for m in disp.alpha_line_] == [cv.C_[0]] * 3
    assert [m.get_xdata()[0] for m in disp.alpha_1se_line_] == [cv.C_1se_] * 3
    train = next(CV3.split(X, y))[0]
    fold = RegularizationPathDisplay.from_estimator(cv, X[train], y[train])
    for c, lines in enumerate(fold.lines_):
        expected = cv.coefs_paths_[c][0, :, 0, :4].T  # (n_features, n_Cs)
        got = np.array([ln.get_ydata() for ln in lines])
        np.testing.assert_allclose(got, expected, rtol=1e-4,
                                   atol=1e-6 * np.abs(expected).max())
    _, axes = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="3 classes"):
        RegularizationPathDisplay(cv.Cs_, disp.coefs, xlabel="C").plot(ax=axes)


def test_path_display_plain_logistic(binary_data):
    """Check a plain L1 LogisticRegression: 50 Cs from the empty model, its C marked."""
    X, y = binary_data
    clf = LogisticRegression(C=0.5, l1_ratio=1.0, solver="cd", tol=1e-8).fit(X, y)
    disp = RegularizationPathDisplay.from_estimator(clf, X, y)
    assert len(disp.alphas) == 50 and disp.ax_.get_xlabel() == "C"
    assert disp.alphas[0] < 0.5 < disp.alphas[-1]
    assert disp.alpha_line_.get_xdata()[0] == 0.5 and disp.alpha_1se_line_ is None
    np.testing.assert_allclose(disp.coefs[:, 0], 0.0, atol=1e-8)  # l1_min_c
    assert np.count_nonzero(disp.coefs[:, 1]) >= 1
    last = LogisticRegression(C=disp.alphas[-1], l1_ratio=1.0, solver="cd",
                              tol=1e-8).fit(X, y)
    np.testing.assert_allclose(disp.coefs[:, -1], last.coef_[0], rtol=1e-4,
                               atol=1e-6 * np.abs(last.coef_).max())


@pytest.mark.parametrize("legacy", [False, True])
@pytest.mark.parametrize("scoring, label, sign", [(None, "accuracy", 1.0),
                                                  ("neg_log_loss", "log loss", -1.0)])
def test_cv_curve_display_logistic(binary_data, legacy, scoring, label, sign):
    """Check the mean CV score per C, its 1-SE band, and the marks at C_ and C_1se_."""
    X, y = binary_data
    cv = _logistic_cv(X, y, l1_ratios=(1.0,), solver="cd", scoring=scoring,
                      use_legacy_attributes=legacy, tol=1e-4)
    disp = CVCurveDisplay.from_estimator(cv, show_folds=True)
    scores = cv.scores_[1][:, :, 0] if legacy else cv.scores_[:, 0, :]  # (folds, Cs)
    values = sign * scores
    np.testing.assert_allclose(disp.line_.get_xdata(), cv.Cs_)
    np.testing.assert_allclose(disp.line_.get_ydata(), values.mean(axis=0))
    for f, line in enumerate(disp.fold_lines_):
        np.testing.assert_allclose(line.get_ydata(), values[f])
    assert len(disp.fold_lines_) == 3
    assert disp.line_.get_label() == label
    assert disp.ax_.get_xlabel() == "C" and disp.ax_.get_ylabel() == f"CV {label}"
    assert disp.alpha_line_.get_xdata()[0] == np.ravel(cv.C_)[0]
    assert disp.alpha_1se_line_.get_xdata()[0] == cv.C_1se_
    assert disp.alpha_line_.get_label().startswith("C_ = ")
    se = values.std(axis=0, ddof=1) / np.sqrt(3)
    verts = disp.band_.get_paths()[0].vertices
    assert verts[:, 1].max() == pytest.approx((values.mean(axis=0) + se).max())
    assert verts[:, 1].min() == pytest.approx((values.mean(axis=0) - se).min())
    # C_ is where the plotted criterion is best (max score, min error)
    best = np.argmax(values.mean(axis=0)) if sign > 0 else np.argmin(values.mean(axis=0))
    assert cv.Cs_[best] == np.ravel(cv.C_)[0]


def test_cv_curve_display_logistic_other_l1_ratio(binary_data):
    """Check an l1_ratio other than the chosen one is drawn unmarked, an absent one refused."""
    X, y = binary_data
    cv = _logistic_cv(X, y, l1_ratios=(0.3, 1.0), solver="cd", scoring="neg_log_loss",
                      tol=1e-4)
    other = 0.3 if cv.l1_ratio_ == 1.0 else 1.0
    disp = CVCurveDisplay.from_estimator(cv, l1_ratio=other)
    assert disp.alpha_line_ is None and disp.alpha_1se_line_ is None
    i = [0.3, 1.0].index(other)
    np.testing.assert_allclose(disp.line_.get_ydata(), -cv.scores_[:, i].mean(axis=0))
    assert f"l1_ratio={other:g}" in disp.ax_.get_title()
    with pytest.raises(ValueError, match="l1_ratios_"):
        CVCurveDisplay.from_estimator(cv, l1_ratio=0.7)


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
