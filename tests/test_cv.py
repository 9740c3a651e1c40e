"""LassoCV / ElasticNetCV against scikit-learn's, brute force and each other."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import config_context
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold

from skreg import ElasticNetCV, Lasso, LassoCV

LAYOUTS = {"dense": lambda X: X, "csc": sp.csc_matrix, "csr": sp.csr_matrix}
TIGHT = dict(tol=1e-10, max_iter=100_000)
CV = KFold(4, shuffle=True, random_state=0)


def _pair(name, **params):
    ours = {"LassoCV": LassoCV, "ElasticNetCV": ElasticNetCV}[name](**params)
    return ours, getattr(sk, name)(**params)


def _assert_same_cv(ours, ref, rtol=1e-5):
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-10)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=rtol)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    scale = max(np.abs(ref.coef_).max(), 1.0)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6 * scale)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6 * scale)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_lassocv_matches_sklearn(regression_data, layout, fit_intercept, weighted):
    """Check that alphas_, mse_path_, alpha_ and the refit equal scikit-learn's."""
    X, y = regression_data(60, 25, shift=2.0 if fit_intercept else 0.0)
    sw = np.random.RandomState(3).uniform(0.2, 3.0, X.shape[0]) if weighted else None
    ours, ref = _pair("LassoCV", cv=CV, alphas=30, fit_intercept=fit_intercept, **TIGHT)
    ours.fit(LAYOUTS[layout](X), y, sample_weight=sw)
    ref.fit(LAYOUTS[layout](X), y, sample_weight=sw)
    _assert_same_cv(ours, ref)
    assert not hasattr(ours, "l1_ratio_")


@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("shape", [(70, 20), (30, 60)])
def test_elasticnetcv_matches_sklearn(regression_data, layout, shape):
    """Check ElasticNetCV over several l1_ratios, tall and wide, against scikit-learn."""
    X, y = regression_data(*shape)
    # wide and low-rank, the Lasso's coefficients (so the held-out errors)
    # need not be unique: there the L2 part makes the comparison well posed
    ratios = [0.2, 0.7, 1.0] if shape[0] > shape[1] else [0.2, 0.7, 0.9]
    params = dict(cv=CV, alphas=20, l1_ratio=ratios, **TIGHT)
    ours, ref = _pair("ElasticNetCV", **params)
    ours.fit(LAYOUTS[layout](X), y)
    ref.fit(LAYOUTS[layout](X), y)
    _assert_same_cv(ours, ref)
    assert ours.mse_path_.shape == (3, 20, 4)
    assert ours.alphas_.shape == (3, 20)
    assert ours.l1_ratio_ == ref.l1_ratio_


def test_cv_explicit_alphas_and_defaults_match_sklearn(regression_data):
    """Check an explicit (unsorted) grid and the default settings against scikit-learn."""
    X, y = regression_data(50, 15)
    grid = [0.5, 0.01, 0.1, 1.0, 0.05]
    ours, ref = _pair("ElasticNetCV", cv=CV, alphas=grid, l1_ratio=[0.5, 0.9], **TIGHT)
    _assert_same_cv(ours.fit(X, y), ref.fit(X, y))
    assert ours.alphas_.shape == (5,)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours, ref = LassoCV().fit(X, y), sk.LassoCV().fit(X, y)
        exact = sk.LassoCV(tol=1e-12, max_iter=100_000).fit(X, y)
    assert ours.alpha_ == ref.alpha_ == exact.alpha_
    # at the default tol skreg's path is at least as close to the exact one
    err_ours = np.abs(ours.mse_path_ - exact.mse_path_).max()
    err_ref = np.abs(ref.mse_path_ - exact.mse_path_).max()
    assert err_ours <= err_ref


def test_cv_float32_stays_float32(regression_data):
    """Check that float32 input gives float32 coefficients and the float64 alpha."""
    X, y = regression_data(60, 10)
    a32 = LassoCV(cv=CV, tol=1e-6).fit(X.astype(np.float32), y.astype(np.float32))
    a64 = LassoCV(cv=CV, tol=1e-6).fit(X, y)
    assert a32.coef_.dtype == np.float32
    assert a32.alpha_ == pytest.approx(a64.alpha_, rel=0.2)


@pytest.mark.parametrize("scoring", ["neg_mean_absolute_error", "r2"])
@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_cv_scoring_matches_grid_search(regression_data, scoring, layout):
    """Check that `scoring` picks the alpha brute-force GridSearchCV picks."""
    X, y = regression_data(60, 20)
    X = LAYOUTS[layout](X)
    folds = list(CV.split(X))
    cv = LassoCV(cv=folds, alphas=25, scoring=scoring, **TIGHT).fit(X, y)
    grid = GridSearchCV(Lasso(**TIGHT), {"alpha": list(cv.alphas_)}, cv=folds,
                        scoring=scoring).fit(X, y)
    assert cv.alpha_ == grid.best_params_["alpha"]
    np.testing.assert_allclose(cv.score_path_.mean(axis=1),
                               grid.cv_results_["mean_test_score"], rtol=1e-6)
    # the MSE is still recorded, and may choose another alpha
    assert cv.mse_path_.shape == cv.score_path_.shape


def test_cv_scoring_callable_with_sample_weight(regression_data):
    """Check a callable scorer gets the held-out weights and picks GridSearchCV's alpha."""
    from sklearn.metrics import make_scorer, median_absolute_error

    X, y = regression_data(60, 20)
    sw = np.random.RandomState(0).uniform(0.5, 2.0, X.shape[0])
    scorer = make_scorer(median_absolute_error, greater_is_better=False)
    folds = list(CV.split(X))
    cv = ElasticNetCV(cv=folds, alphas=15, l1_ratio=[0.5, 1.0], scoring=scorer,
                      **TIGHT).fit(X, y)
    means = cv.score_path_.mean(axis=2)
    i, j = np.unravel_index(np.argmax(means), means.shape)
    assert (cv.l1_ratio_, cv.alpha_) == ([0.5, 1.0][i], cv.alphas_[i, j])
    cv.fit(X, y, sample_weight=sw)  # weights reach the scorer without error
    assert np.all(np.isfinite(cv.score_path_))


@pytest.mark.parametrize("scoring", [None, "r2"])
def test_cv_alpha_1se(regression_data, scoring):
    """Check alpha_1se_ is the largest alpha within one SE of the best error."""
    X, y = regression_data(80, 30)
    cv = LassoCV(cv=5, alphas=40, scoring=scoring).fit(X, y)
    err = cv.mse_path_ if scoring is None else -cv.score_path_
    mean = err.mean(axis=1)
    best = np.argmin(mean)
    se = err[best].std(ddof=1) / np.sqrt(err.shape[1])
    assert cv.alphas_[best] == cv.alpha_
    assert cv.alpha_1se_ >= cv.alpha_
    i = np.flatnonzero(cv.alphas_ == cv.alpha_1se_)[0]
    assert mean[i] <= mean[best] + se
    assert np.all(mean[cv.alphas_ > cv.alpha_1se_] > mean[best] + se)


def test_cv_n_jobs_identical(regression_data):
    """Check that n_jobs=2 gives exactly the serial results."""
    X, y = regression_data(60, 20)
    kw = dict(cv=CV, alphas=20, l1_ratio=[0.3, 0.9], scoring="r2")
    a = ElasticNetCV(n_jobs=1, **kw).fit(X, y)
    b = ElasticNetCV(n_jobs=2, **kw).fit(X, y)
    np.testing.assert_array_equal(a.mse_path_, b.mse_path_)
    np.testing.assert_array_equal(a.score_path_, b.score_path_)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert (a.alpha_, a.l1_ratio_, a.alpha_1se_) == (b.alpha_, b.l1_ratio_, b.alpha_1se_)


def test_cv_penalty_factor_matches_grid_search(regression_data):
    """Check penalty_factor: grid from alpha_max under the factors, GridSearchCV's alpha."""
    X, y = regression_data(60, 12)
    pf = np.ones(12)
    pf[0], pf[1] = 0.0, 3.0
    folds = list(CV.split(X))
    cv = LassoCV(cv=folds, alphas=15, penalty_factor=pf, **TIGHT).fit(X, y)
    at_max = Lasso(alpha=cv.alphas_[0], penalty_factor=pf, **TIGHT).fit(X, y)
    assert np.all(at_max.coef_[1:] == 0) and at_max.coef_[0] != 0
    grid = GridSearchCV(Lasso(penalty_factor=pf, **TIGHT), {"alpha": list(cv.alphas_)},
                        cv=folds, scoring="neg_mean_squared_error").fit(X, y)
    assert cv.alpha_ == grid.best_params_["alpha"]
    np.testing.assert_allclose(cv.coef_, grid.best_estimator_.coef_, atol=1e-8)


def test_cv_does_not_modify_input(regression_data):
    """Check X, y and sample_weight are left untouched, dense and sparse."""
    X, y = regression_data(40, 10)
    sw = np.linspace(0.5, 2.0, 40)
    for Xl in (X, sp.csc_matrix(X)):
        copies = Xl.copy(), y.copy(), sw.copy()
        LassoCV(cv=3).fit(Xl, y, sample_weight=sw)
        if sp.issparse(Xl):
            assert (Xl != copies[0]).nnz == 0
        else:
            np.testing.assert_array_equal(Xl, copies[0])
        np.testing.assert_array_equal(y, copies[1])
        np.testing.assert_array_equal(sw, copies[2])


def test_cv_metadata_routing_groups(regression_data):
    """Check groups reach the splitter with routing on, and are refused with it off."""
    X, y = regression_data(40, 8)
    groups = np.repeat(np.arange(8), 5)
    ref = LassoCV(cv=list(GroupKFold(4).split(X, y, groups))).fit(X, y)
    with config_context(enable_metadata_routing=True):
        ours = LassoCV(cv=GroupKFold(4)).fit(X, y, groups=groups)
    np.testing.assert_array_equal(ours.mse_path_, ref.mse_path_)
    with pytest.raises(ValueError, match="enable_metadata_routing=True"):
        LassoCV(cv=GroupKFold(4)).fit(X, y, groups=groups)


def test_cv_errors(regression_data):
    """Check the clear errors: 2-D y, l1_ratio=0 with an automatic grid, bad alphas."""
    X, y = regression_data(30, 5)
    with pytest.raises(ValueError, match="multi-task"):
        LassoCV().fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="l1_ratio=0"):
        ElasticNetCV(l1_ratio=0.0).fit(X, y)
    with pytest.raises(ValueError, match="alphas"):
        LassoCV(alphas=[0.1, -1.0]).fit(X, y)
    with pytest.raises(ValueError, match="l1_ratio"):
        ElasticNetCV(l1_ratio=[0.5, 1.5]).fit(X, y)
    # l1_ratio=0 with an explicit grid is ridge regression by CD
    est = ElasticNetCV(l1_ratio=0.0, alphas=[1.0, 0.1], cv=3).fit(X, y)
    assert np.all(est.coef_ != 0)


@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_cv_gram_downdate_matches_direct(regression_data, layout, fit_intercept):
    """Check the folds' downdated Gram matrices give the direct solver's CV curve."""
    X, y = regression_data(80, 15, shift=2.0 if fit_intercept else 0.0)
    sw = np.random.RandomState(2).uniform(0.2, 3.0, X.shape[0])
    X = LAYOUTS[layout](X)
    kw = dict(cv=CV, alphas=20, fit_intercept=fit_intercept, **TIGHT)
    for weights in (None, sw):
        gram = LassoCV(precompute=True, **kw).fit(X, y, sample_weight=weights)
        direct = LassoCV(precompute=False, **kw).fit(X, y, sample_weight=weights)
        np.testing.assert_allclose(gram.mse_path_, direct.mse_path_, rtol=1e-7)
        assert gram.alpha_ == direct.alpha_


@pytest.mark.parametrize("seed", [3, 9])
@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_cv_direct_path_converges_under_other_rounding(regression_data, seed, layout):
    """Check the direct solver converges when X's last bits change (issue 11 §1).

    X * (1 + 1e-15 noise) is what another CPU's BLAS rounding does to the
    folds: a path's predicted start then had a computed gap of -4e-9 (true:
    +3.5e-9), Gap Safe screening ran with radius 0, removed 14 of the 15
    support features for good and CD stalled at gap 3.9e3.
    """
    X, y = regression_data(80, 15, shift=2.0)
    X = X * (1 + 1e-15 * np.random.RandomState(100 + seed).randn(*X.shape))
    sw = np.random.RandomState(2).uniform(0.2, 3.0, X.shape[0])
    X = LAYOUTS[layout](X)
    kw = dict(cv=CV, alphas=20, **TIGHT)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        direct = LassoCV(precompute=False, **kw).fit(X, y, sample_weight=sw)
        gram = LassoCV(precompute=True, **kw).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(direct.mse_path_, gram.mse_path_, rtol=1e-7)
    assert direct.alpha_ == gram.alpha_


def _nearly_equal_means(seed=1):
    """5 correlated features whose column means agree to ~1e-2 of their size."""
    rng = np.random.RandomState(seed)
    n, p = rng.randint(8, 40), 5
    X = 5.0 + 0.05 * rng.randn(n, p) + 0.01 * rng.randn(n, 1)
    y = X @ rng.randn(p) + 0.1 * rng.randn(n)
    return X, y, rng.uniform(0.2, 3.0, n)


@pytest.mark.parametrize("name", ["LassoCV", "ElasticNetCV"])
def test_cv_screening_with_weights_picks_sklearns_alpha(name):
    """Check weighted CV with nearly-equal column means matches scikit-learn.

    Regression (issue 11 §2): a path's predicted start had a slightly negative
    computed gap; the Gap Safe radius was 0, support features were screened
    out for good, CD stalled and LassoCV chose another alpha_.
    """
    X, y, sw = _nearly_equal_means()
    kw = dict(cv=KFold(3), alphas=30, precompute=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        ours, _ = _pair(name, tol=1e-8, max_iter=100_000, **kw)
        ours.fit(X, y, sample_weight=sw)
    ref = getattr(sk, name)(tol=1e-12, max_iter=1_000_000, **kw).fit(
        X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-8)


@pytest.mark.parametrize(
    "alphas, err, msg",
    [((1, -1, -100), ValueError, r"alphas\[1\] == -1, must be >= 0.0."),
     ((1, 1.0, "1"), TypeError, r"alphas\[2\] must be an instance of float, not str")],
)
def test_cv_alphas_checked_per_element(alphas, err, msg):
    """Check that LassoCV/ElasticNetCV reject a bad alpha with scikit-learn's message."""
    X, y = np.random.RandomState(0).standard_normal((30, 4)), np.arange(30.0)
    for cls in (LassoCV, ElasticNetCV):
        with pytest.raises(err, match=msg):
            cls(alphas=alphas, cv=3).fit(X, y)


def test_cv_params_without_routing_raise_sklearns_error():
    """Check that extra fit params without metadata routing give scikit-learn's error."""
    X, y = np.random.RandomState(0).standard_normal((30, 4)), np.arange(30.0)
    with pytest.raises(ValueError, match="is only supported if enable_metadata_routing=True"):
        LassoCV(cv=3).fit(X, y, groups=np.arange(30) % 2)
