"""Tests of skreg.RidgeCV: exact leave-one-out and K-fold against oracles."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.linear_model import RidgeCV as SkRidgeCV
from sklearn.model_selection import KFold

from skreg import RidgeCV

ALPHAS = np.logspace(-3, 3, 13)


def _problem(n, p, n_targets=1, sparse=False, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) + 1.5
    if sparse:
        X[rng.rand(n, p) > 0.4] = 0.0
    w = rng.randn(p, n_targets)
    y = X @ w + 2.0 * rng.randn(n, n_targets) + 3.0
    sw = rng.uniform(0.3, 2.5, n)
    X = sp.csr_matrix(X) if sparse else X
    return X, (y[:, 0] if n_targets == 1 else y), sw


def _brute_force_loo(X, y, alpha, fit_intercept, sw):
    """Squared LOO errors s_i (y_i - yhat_{-i})^2 by n explicit weighted refits."""
    Xd = X.toarray() if sp.issparse(X) else X
    n, p = Xd.shape
    s = np.ones(n) if sw is None else sw
    out = np.empty(y.shape)
    for i in range(n):
        keep = np.arange(n) != i
        Xk, yk, sk = Xd[keep], y[keep], s[keep]
        xm = sk @ Xk / sk.sum() if fit_intercept else np.zeros(p)
        ym = sk @ yk / sk.sum() if fit_intercept else np.zeros(y.shape[1:])
        A = (Xk - xm) * np.sqrt(sk)[:, None]
        b = (yk - ym) * (np.sqrt(sk)[:, None] if y.ndim == 2 else np.sqrt(sk))
        w = np.linalg.lstsq(np.vstack([A, np.sqrt(alpha) * np.eye(p)]),
                            np.concatenate([b, np.zeros((p,) + y.shape[1:])]),
                            rcond=None)[0]
        out[i] = (y[i] - (Xd[i] - xm) @ w - ym) ** 2 * s[i]
    return out


@pytest.mark.parametrize("shape,gcv_mode", [((25, 6), None), ((25, 6), "svd"),
                                            ((8, 20), None), ((8, 20), "svd")])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_cv_loo_equals_brute_force(shape, gcv_mode, sparse, fit_intercept,
                                         weighted):
    """Check that the leave-one-out errors equal n explicit refits."""
    X, y, sw = _problem(*shape, n_targets=2, sparse=sparse)
    sw = sw if weighted else None
    alphas = [0.1, 2.0, 30.0]
    est = RidgeCV(alphas=alphas, fit_intercept=fit_intercept, gcv_mode=gcv_mode,
                  store_cv_results=True)
    if sparse and gcv_mode == "svd":
        with pytest.warns(FutureWarning, match="The 'svd' mode is not supported for "
                          "sparse X, we fallback to `gcv_mode='eigen'`"):
            est.fit(X, y, sample_weight=sw)
    else:
        est.fit(X, y, sample_weight=sw)
    assert est.cv_results_.shape == (shape[0], 2, 3)
    for k, a in enumerate(alphas):
        ref = _brute_force_loo(X, y, a, fit_intercept, sw)
        assert_allclose(est.cv_results_[:, :, k], ref, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("shape", [(60, 10), (15, 40)])
@pytest.mark.parametrize("scoring", [None, "r2", "neg_mean_absolute_error"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_ridge_cv_loo_matches_sklearn(shape, scoring, weighted, sparse):
    """Check alpha_, best_score_, coef_ and cv_results_ against scikit-learn's RidgeCV."""
    X, y, sw = _problem(*shape, sparse=sparse, seed=1)
    sw = sw if weighted else None
    kw = dict(alphas=ALPHAS, scoring=scoring, store_cv_results=True)
    est = RidgeCV(**kw).fit(X, y, sample_weight=sw)
    ref = SkRidgeCV(**kw).fit(X, y, sample_weight=sw)
    assert est.alpha_ == ref.alpha_
    assert_allclose(est.best_score_, ref.best_score_, rtol=1e-6)
    assert_allclose(est.coef_, ref.coef_, rtol=1e-7, atol=1e-10)
    assert_allclose(est.intercept_, ref.intercept_, rtol=1e-7, atol=1e-10)
    assert_allclose(est.cv_results_, ref.cv_results_, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("shape", [(50, 8), (12, 30)])
def test_ridge_cv_alpha_per_target_matches_sklearn(shape):
    """Check alpha_per_target chooses, scores and fits as scikit-learn's."""
    X, y, _ = _problem(*shape, n_targets=3, seed=2)
    y[:, 1] *= 20  # targets that want different alphas
    kw = dict(alphas=ALPHAS, alpha_per_target=True)
    est = RidgeCV(**kw).fit(X, y)
    ref = SkRidgeCV(**kw).fit(X, y)
    assert_allclose(est.alpha_, ref.alpha_)
    assert_allclose(est.best_score_, ref.best_score_, rtol=1e-6)
    assert_allclose(est.coef_, ref.coef_, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("cv,n_targets", [(5, 1), (KFold(4, shuffle=True, random_state=0), 2)])
@pytest.mark.parametrize("shape", [(60, 10), (20, 40)])
@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_cv_kfold_matches_sklearn(cv, shape, weighted, n_targets):
    """Check K-fold CV chooses the same alpha and best_score_ as scikit-learn's."""
    X, y, sw = _problem(*shape, n_targets=n_targets, seed=4)
    sw = sw if weighted else None
    alphas = np.concatenate([[0.0], ALPHAS]) if shape[0] > shape[1] else ALPHAS
    est = RidgeCV(alphas=alphas, cv=cv).fit(X, y, sample_weight=sw)
    ref = SkRidgeCV(alphas=alphas, cv=cv).fit(X, y, sample_weight=sw)
    assert est.alpha_ == ref.alpha_
    assert_allclose(est.best_score_, ref.best_score_, rtol=1e-6)
    assert_allclose(est.coef_, ref.coef_, rtol=1e-6, atol=1e-9)


def test_ridge_cv_kfold_sparse_equals_dense():
    """Check K-fold on sparse X gives the dense result (implicit centering)."""
    X, y, _ = _problem(40, 12, sparse=True, seed=5)
    est = RidgeCV(alphas=ALPHAS, cv=4, scoring="neg_mean_squared_error").fit(X, y)
    ref = RidgeCV(alphas=ALPHAS, cv=4, scoring="neg_mean_squared_error").fit(
        X.toarray(), y)
    assert est.alpha_ == ref.alpha_
    assert_allclose(est.best_score_, ref.best_score_, rtol=1e-9)
    assert_allclose(est.coef_, ref.coef_, rtol=1e-9)


@pytest.mark.parametrize("shape", [(60, 10), (15, 40)])
@pytest.mark.parametrize("cv", [None, 3])
def test_ridge_cv_float32_stays_float32(shape, cv):
    """Check float32 input gives float32 attributes close to the float64 fit."""
    X, y, _ = _problem(*shape, seed=6)
    est32 = RidgeCV(alphas=ALPHAS, cv=cv, store_cv_results=cv is None).fit(
        X.astype(np.float32), y.astype(np.float32))
    est64 = RidgeCV(alphas=ALPHAS, cv=cv).fit(X, y)
    assert est32.coef_.dtype == np.float32
    assert np.asarray(est32.intercept_).dtype == np.float32
    if cv is None:
        assert est32.cv_results_.dtype == np.float32
    assert est32.alpha_ == est64.alpha_
    assert_allclose(est32.coef_, est64.coef_, rtol=1e-3, atol=1e-4)


def test_ridge_cv_invalid_combinations_raise():
    """Check cv with store_cv_results / alpha_per_target and bad alphas raise."""
    X, y, _ = _problem(20, 4)
    with pytest.raises(ValueError, match="store_cv_results"):
        RidgeCV(cv=3, store_cv_results=True).fit(X, y)
    with pytest.raises(ValueError, match="alpha_per_target"):
        RidgeCV(cv=3, alpha_per_target=True).fit(X, y)
    with pytest.raises(ValueError, match="alphas"):
        RidgeCV(alphas=[1.0, 0.0]).fit(X, y)


def test_ridge_cv_inputs_not_modified_and_pickle():
    """Check fit does not touch its inputs and a pickled model predicts the same."""
    X, y, sw = _problem(30, 6)
    X0, y0, sw0 = X.copy(), y.copy(), sw.copy()
    est = RidgeCV(alphas=ALPHAS).fit(X, y, sample_weight=sw)
    assert np.array_equal(X, X0) and np.array_equal(y, y0) and np.array_equal(sw, sw0)
    est2 = pickle.loads(pickle.dumps(est))
    assert np.array_equal(est2.predict(X), est.predict(X))


# ------------------------------------------------ scikit-learn's checks (issue 11)
@pytest.mark.parametrize("cv", [None, 3])
def test_ridge_cv_alphas_validated_per_element(cv):
    """Check per-element alphas validation: scikit-learn's classes and messages."""
    X, y, _ = _problem(20, 3)
    with pytest.raises(TypeError, match=r"alphas\[1\] must be an instance of float, "
                                        "not str"):
        RidgeCV(alphas=[1, "1"], cv=cv).fit(X, y)
    bound = r"> 0\.0" if cv is None else r">= 0\.0"
    with pytest.raises(ValueError, match=rf"alphas\[0\] == -1, must be {bound}"):
        RidgeCV(alphas=[-1, 1], cv=cv).fit(X, y)
    with pytest.raises(ValueError, match=rf"alphas\[0\] == nan, must be {bound}"):
        RidgeCV(alphas=[np.nan, 1], cv=cv).fit(X, y)
    with pytest.raises(ValueError, match=r"alphas\[1\] == inf, must be finite"):
        RidgeCV(alphas=[1, np.inf], cv=cv).fit(X, y)
    with pytest.raises(ValueError, match="must be an array-like or a float in the "
                                         r"range \(0\.0, inf\)\. Got nan"):
        RidgeCV(alphas=np.nan, cv=cv).fit(X, y)
    with pytest.raises(ValueError, match=r"alphas == inf, must be finite"):
        RidgeCV(alphas=[np.inf], cv=cv).fit(X, y)


def test_ridge_cv_all_nan_kfold_scores_pick_first_alpha():
    """Check R^2 on one-sample folds (all NaN) picks the first alpha, best_score_ nan."""
    X, y, _ = _problem(12, 3)
    est = RidgeCV(alphas=[3.0, 1.0, 10.0], cv=KFold(12))
    with pytest.warns(UserWarning, match="One or more of the test scores are non-finite"):
        est.fit(X, y)
    ref = SkRidgeCV(alphas=[3.0, 1.0, 10.0], cv=KFold(12))
    with pytest.warns(UserWarning):
        ref.fit(X, y)
    assert est.alpha_ == ref.alpha_ == 3.0
    assert np.isnan(est.best_score_) and np.isnan(ref.best_score_)
    assert_allclose(est.coef_, ref.coef_, rtol=1e-8)


def test_ridge_cv_loo_nan_scores_keep_first_alpha():
    """Check a scorer giving NaN: the leave-one-out scan keeps the incumbent as scikit-learn."""
    X, y, _ = _problem(20, 3)

    def scorer(est, X_, y_):
        return np.nan

    est = RidgeCV(alphas=[1.0, 2.0], scoring=scorer).fit(X, y)
    ref = SkRidgeCV(alphas=[1.0, 2.0], scoring=scorer).fit(X, y)
    assert est.alpha_ == ref.alpha_ == 1.0
    assert np.isnan(est.best_score_)


def test_ridge_cv_sparse_svd_future_warning():
    """Check gcv_mode='svd' on sparse X warns as scikit-learn (FutureWarning) and uses eigen."""
    X, y, _ = _problem(30, 5, sparse=True)
    msg = ("The 'svd' mode is not supported for sparse X, we fallback to "
           "`gcv_mode='eigen'`")
    with pytest.warns(FutureWarning, match=msg):
        est = RidgeCV(gcv_mode="svd").fit(X, y)
    ref = RidgeCV(gcv_mode="eigen").fit(X, y)
    assert est.alpha_ == ref.alpha_
    assert_allclose(est.coef_, ref.coef_, rtol=1e-10)


def test_ridge_cv_metadata_routing_messages():
    """Check extra fit params: scikit-learn's ValueError without routing, TypeError with."""
    import sklearn

    X, y, sw = _problem(20, 3)
    with pytest.raises(ValueError, match="Passing extra keyword arguments to "
                                         "RidgeCV.fit is only supported if "
                                         "enable_metadata_routing=True"):
        RidgeCV().fit(X, y, foo=1)
    with sklearn.config_context(enable_metadata_routing=True):
        with pytest.raises(TypeError, match=r"RidgeCV.fit got unexpected argument\(s\) "
                                            r"\{'foo'\}"):
            RidgeCV().fit(X, y, foo=1)
        RidgeCV().get_metadata_routing()
        # default scoring requests sample_weight: no UnsetMetadataPassedError
        est = RidgeCV(alphas=ALPHAS).fit(X, y, sample_weight=sw)
        ref = SkRidgeCV(alphas=ALPHAS).fit(X, y, sample_weight=sw)
        assert est.alpha_ == ref.alpha_
        # a scorer that requests the weights gets them (here with K-fold)
        from sklearn.metrics import get_scorer

        scorer = get_scorer("neg_mean_squared_error").set_score_request(sample_weight=True)
        est = RidgeCV(alphas=ALPHAS, scoring=scorer, cv=4).fit(X, y, sample_weight=sw)
        ref = SkRidgeCV(alphas=ALPHAS, scoring=scorer, cv=4).fit(X, y, sample_weight=sw)
        assert est.alpha_ == ref.alpha_
        assert est.best_score_ == pytest.approx(ref.best_score_, rel=1e-6)


# ------------------------------------------------ float32 accuracy (issue 11 §4)
@pytest.mark.parametrize("shape", [(200, 30), (30, 200)])
@pytest.mark.parametrize("gcv_mode", [None, "svd"])
@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_cv_float32_as_accurate_as_sklearn(shape, gcv_mode, weighted):
    """Check float32 LOO: float32 out, coef error vs float64 <= scikit-learn's (and 1e-5)."""
    rng = np.random.RandomState(0)
    n, p = shape
    # ill-conditioned, off-center columns: float32 Gram matrices lose digits
    X = (rng.randn(n, p) * np.logspace(0, 2, p) + 50.0)
    y = X @ rng.randn(p) + rng.randn(n)
    sw = rng.uniform(0.5, 2, n) if weighted else None
    kw = dict(alphas=[1e-2, 1.0, 1e2], gcv_mode=gcv_mode, store_cv_results=True)
    ref = RidgeCV(**kw).fit(X, y, sample_weight=sw)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    est = RidgeCV(**kw).fit(X32, y32, sample_weight=sw)
    sk = SkRidgeCV(**kw).fit(X32, y32, sample_weight=sw)
    assert est.coef_.dtype == np.float32 and est.cv_results_.dtype == np.float32
    assert est.alpha_ == ref.alpha_
    scale = np.abs(ref.coef_).max()
    err = np.abs(est.coef_ - ref.coef_).max() / scale
    err_sk = np.abs(sk.coef_ - ref.coef_).max() / scale
    assert err <= max(2 * err_sk, 1e-6) and err < 1e-5
    assert_allclose(est.cv_results_, ref.cv_results_, rtol=1e-4,
                    atol=1e-6 * np.abs(ref.cv_results_).max())
