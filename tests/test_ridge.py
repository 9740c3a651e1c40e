"""Tests of skreg.Ridge: every solver against scikit-learn's exact solution."""

import doctest
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from scipy.linalg import LinAlgWarning
from scipy.optimize import lsq_linear
from sklearn.linear_model import Ridge as SkRidge
from sklearn.utils.estimator_checks import parametrize_with_checks

import skreg._solvers._ridge_direct as direct_module
from skreg import Ridge, RidgeCV

SOLVERS = ["auto", "cholesky", "svd", "lsqr", "sparse_cg", "cd"]
TIGHT = {"lsqr": 1e-14, "sparse_cg": 1e-14, "cd": 1e-16}


@parametrize_with_checks([Ridge(), RidgeCV()])
def test_ridge_estimator_checks(estimator, check):
    """Check that Ridge and RidgeCV pass check_estimator with no expected failure."""
    check(estimator)


def _problem(n, p, n_targets=3, sparse=False, seed=0, dtype=np.float64):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) + 2.0  # non-zero means: the intercept matters
    if sparse:
        X[rng.rand(n, p) > 0.3] = 0.0
        X = sp.csr_matrix(X)
    y = np.asarray(X @ rng.randn(p, n_targets)) + rng.randn(n, n_targets) + 5.0
    sw = rng.uniform(0.2, 3.0, n)
    if n_targets == 1:
        y = y[:, 0]
    return X.astype(dtype), y.astype(dtype), sw.astype(dtype)


def _reference(X, y, alpha, fit_intercept, sw):
    Xd = X.toarray() if sp.issparse(X) else X
    return SkRidge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky").fit(
        Xd, y, sample_weight=sw)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("shape", [(40, 8), (8, 40)])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_solvers_match_sklearn(solver, shape, sparse, fit_intercept, weighted):
    """Check that every solver matches scikit-learn's Cholesky solution to rtol 1e-6."""
    if solver == "svd" and sparse:
        pytest.skip("svd is dense only")
    X, y, sw = _problem(*shape, sparse=sparse)
    sw = sw if weighted else None
    alpha = np.array([0.5, 1.0, 3.0])
    est = Ridge(alpha=alpha, solver=solver, fit_intercept=fit_intercept,
                tol=TIGHT.get(solver, 1e-4), max_iter=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # CD at tol=1e-16 may stop at roundoff
        est.fit(X, y, sample_weight=sw)
    ref = _reference(X, y, alpha, fit_intercept, sw)
    scale = np.abs(ref.coef_).max()
    # CD stops on the duality gap, which is quadratic in the coefficient error
    # and floors at roundoff (~1e-16 relative): coefs are good to ~sqrt(eps).
    rtol, atol = (1e-5, 1e-6 * scale) if solver == "cd" else (1e-6, 1e-8 * scale)
    assert_allclose(est.coef_, ref.coef_, rtol=rtol, atol=atol)
    assert_allclose(est.intercept_, ref.intercept_, rtol=rtol, atol=atol)
    assert est.n_iter_.shape == (3,) and np.all(est.n_iter_ >= 1)
    assert est.solver_ == (solver if solver != "auto" else "cholesky")


def test_ridge_one_factorization_for_shared_alpha(monkeypatch):
    """Check that Cholesky factorizes once for all targets sharing one alpha."""
    calls = []
    orig = direct_module._cho_solve_spd
    monkeypatch.setattr(direct_module, "_cho_solve_spd",
                        lambda *a: calls.append(1) or orig(*a))
    X, y, _ = _problem(30, 5, n_targets=4)
    Ridge(alpha=2.0, solver="cholesky").fit(X, y)
    assert len(calls) == 1
    Ridge(alpha=[1.0, 2.0, 1.0, 2.0], solver="cholesky").fit(X, y)
    assert len(calls) == 3


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("sparse", [False, True])
def test_ridge_float32_stays_float32(solver, sparse):
    """Check that float32 input gives float32 coefficients close to float64's."""
    if solver == "svd" and sparse:
        pytest.skip("svd is dense only")
    X, y, sw = _problem(40, 8, sparse=sparse)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    e32 = Ridge(solver=solver, tol=1e-6).fit(X32, y32, sample_weight=sw)
    e64 = Ridge(solver=solver, tol=1e-12, max_iter=10_000).fit(X, y, sample_weight=sw)
    assert e32.coef_.dtype == np.float32
    assert e32.intercept_.dtype == np.float32
    assert e32.predict(X32).dtype == np.float32
    assert_allclose(e32.coef_, e64.coef_, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("sparse", [False, True])
def test_ridge_inputs_not_modified(sparse):
    """Check that fit leaves X, y and sample_weight untouched."""
    X, y, sw = _problem(20, 6, sparse=sparse)
    X0 = X.copy()
    y0, sw0 = y.copy(), sw.copy()
    for solver in ["cholesky", "lsqr", "sparse_cg", "cd"]:
        Ridge(solver=solver).fit(X, y, sample_weight=sw)
    Xd = X.toarray() if sparse else X
    X0d = X0.toarray() if sparse else X0
    assert_allclose(Xd, X0d, rtol=0, atol=0)
    assert_allclose(y, y0, rtol=0, atol=0)
    assert_allclose(sw, sw0, rtol=0, atol=0)


def test_ridge_copy_X_false_same_result():
    """Check that copy_X=False (in-place centering) gives the same coefficients."""
    X, y, sw = _problem(30, 5)
    ref = Ridge().fit(X, y, sample_weight=sw)
    est = Ridge(copy_X=False).fit(X.copy(), y, sample_weight=sw)
    assert_allclose(est.coef_, ref.coef_, rtol=1e-12)
    assert_allclose(est.intercept_, ref.intercept_, rtol=1e-12)


@pytest.mark.parametrize("sparse", [False, True])
def test_ridge_ill_conditioned_falls_back_with_warning(sparse):
    """Check that a singular system falls back to a stable solver, never NaN."""
    rng = np.random.RandomState(0)
    A = rng.randn(30, 4)
    X = np.hstack([A, A, A[:, :1] * 1e-9])  # duplicated and tiny columns
    y = A @ np.ones(4) + 0.01 * rng.randn(30)
    Xin = sp.csr_matrix(X) if sparse else X
    with pytest.warns(LinAlgWarning, match="falling back"):
        est = Ridge(alpha=0.0, solver="cholesky").fit(Xin, y)
    assert est.solver_ == ("eigh" if sparse else "svd")
    assert np.all(np.isfinite(est.coef_))
    # oracle: minimum-norm least squares on the centered data
    Xc, yc = X - X.mean(0), y - y.mean()
    w = np.linalg.lstsq(Xc, yc, rcond=1e-10)[0]
    assert_allclose(est.predict(Xin), Xc @ w + y.mean(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("shape", [(40, 8), (8, 40)])
def test_ridge_positive_matches_bounded_least_squares(sparse, shape):
    """Check positive=True against an exact bounded least-squares oracle."""
    X, y, sw = _problem(*shape, n_targets=1, sparse=sparse, seed=3)
    y = y - 3 * np.asarray(X @ np.ones(X.shape[1]))  # make some coefs want < 0
    alpha = 2.0
    est = Ridge(alpha=alpha, positive=True, tol=1e-16, max_iter=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the gap may floor at roundoff
        est.fit(X, y, sample_weight=sw)
    assert est.solver_ == "cd"
    Xd = X.toarray() if sparse else X
    m = sw @ Xd / sw.sum()
    q = np.sqrt(sw)
    A = np.vstack([q[:, None] * (Xd - m), np.sqrt(alpha) * np.eye(Xd.shape[1])])
    b = np.concatenate([q * (y - sw @ y / sw.sum()), np.zeros(Xd.shape[1])])
    w = lsq_linear(A, b, bounds=(0, np.inf), method="bvls", tol=1e-14).x
    assert np.all(est.coef_ >= 0) and np.any(w == 0)
    # gap-stopped CD: coefficient error ~ sqrt(gap), see the solver test
    assert_allclose(est.coef_, w, rtol=1e-5, atol=1e-6 * np.abs(w).max())
    lb = Ridge(alpha=alpha, positive=True, solver="lbfgs", tol=1e-10).fit(
        X, y, sample_weight=sw)
    assert_allclose(lb.coef_, w, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("solver", ["cholesky", "svd", "lsqr", "sparse_cg"])
def test_ridge_positive_unsupported_solver_raises(solver):
    """Check that positive=True with a solver that cannot honour it raises."""
    X, y, _ = _problem(20, 4, n_targets=1)
    with pytest.raises(ValueError, match="positive"):
        Ridge(positive=True, solver=solver).fit(X, y)


def test_ridge_bad_inputs_raise():
    """Check clear errors for mismatched alphas and sparse svd."""
    X, y, _ = _problem(20, 4)
    with pytest.raises(ValueError, match="number of penalties"):
        Ridge(alpha=[1.0, 2.0]).fit(X, y)
    # scikit-learn 1.9: ValueError with an intercept, TypeError without; ours
    # is both, with its messages
    msg = "solver='svd' does not support fitting the intercept on sparse data"
    for exc in (ValueError, TypeError):
        with pytest.raises(exc, match=msg):
            Ridge(solver="svd").fit(sp.csr_matrix(X), y)
        with pytest.raises(exc, match="SVD solver does not support sparse inputs"):
            Ridge(solver="svd", fit_intercept=False).fit(sp.csr_matrix(X), y)
    with pytest.raises(ValueError, match="solver='saga' does not support fitting"):
        Ridge(solver="saga").fit(sp.csr_matrix(X), y)
    with pytest.raises(ValueError, match="non-negative"):
        Ridge(alpha=[1.0, -1.0, 1.0]).fit(X, y)


def test_ridge_pickle_round_trip():
    """Check that a pickled Ridge predicts exactly as before."""
    X, y, _ = _problem(20, 4)
    est = Ridge(alpha=0.3).fit(X, y)
    est2 = pickle.loads(pickle.dumps(est))
    assert_allclose(est2.predict(X), est.predict(X), rtol=0, atol=0)


def test_ridge_sparse_auto_large_uses_cg():
    """Check that 'auto' picks sparse_cg for large sparse X and matches the dense answer."""
    rng = np.random.RandomState(0)
    X = sp.random(2200, 2050, density=0.003, format="csr", random_state=rng)
    y = rng.randn(2200)
    est = Ridge(tol=1e-10).fit(X, y)
    assert est.solver_ == "sparse_cg"
    ref = Ridge(solver="cholesky").fit(X, y)
    assert_allclose(est.coef_, ref.coef_, rtol=1e-6, atol=1e-8)


def test_ridge_docstring_examples():
    """Check that the docstring examples of Ridge and RidgeCV run as shown."""
    import skreg.linear_model._ridge as m1
    import skreg.linear_model._ridge_cv as m2

    for mod in (m1, m2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
        assert res.failed == 0 and res.attempted > 0


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("y_shape", [(20,), (20, 1), (20, 2)])
def test_ridge_attribute_shapes_match_sklearn(fit_intercept, y_shape):
    """Check coef_, intercept_ and predict shapes/types equal scikit-learn's."""
    rng = np.random.RandomState(0)
    X, y = rng.randn(20, 3), rng.randn(*y_shape)
    for ours, theirs in [(Ridge, SkRidge), (RidgeCV, __import__(
            "sklearn.linear_model", fromlist=["RidgeCV"]).RidgeCV)]:
        a = ours(fit_intercept=fit_intercept).fit(X, y)
        b = theirs(fit_intercept=fit_intercept).fit(X, y)
        assert a.coef_.shape == b.coef_.shape
        assert np.shape(a.intercept_) == np.shape(b.intercept_)
        assert type(a.intercept_) is type(b.intercept_)
        assert a.predict(X).shape == b.predict(X).shape


def test_ridge_signatures_match_sklearn():
    """Check that Ridge and RidgeCV have scikit-learn 1.9's constructor signatures."""
    import inspect

    from sklearn.linear_model import RidgeCV as SkRidgeCV

    assert inspect.signature(Ridge) == inspect.signature(SkRidge)
    assert inspect.signature(RidgeCV) == inspect.signature(SkRidgeCV)


@pytest.mark.slow  # spawns joblib workers: ~20 s on a busy 2-core machine
def test_ridge_in_grid_search_and_pipeline():
    """Check Ridge works in GridSearchCV with n_jobs and in a Pipeline (same alpha as sklearn)."""
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y, _ = _problem(60, 5, n_targets=1)
    grid = {"ridge__alpha": [0.01, 1.0, 100.0]}
    ours = GridSearchCV(make_pipeline(StandardScaler(), Ridge()), grid, cv=3, n_jobs=2)
    theirs = GridSearchCV(make_pipeline(StandardScaler(), SkRidge()), grid, cv=3)
    ours.fit(X, y)
    theirs.fit(X, y)
    assert ours.best_params_ == theirs.best_params_
    assert_allclose(ours.best_score_, theirs.best_score_, rtol=1e-10)


@pytest.mark.parametrize("shape", [(40, 8), (8, 40)])
@pytest.mark.parametrize("offset", [0.0, 5.0, 1e6])
def test_ridge_implicit_centering_large_offsets(shape, offset):
    """Check Cholesky and LOO stay exact when column means dwarf the spread."""
    rng = np.random.RandomState(0)
    X = rng.randn(*shape) + offset
    y = rng.randn(shape[0]) + offset
    est = Ridge(alpha=0.7).fit(X, y)
    ref = SkRidge(alpha=0.7, solver="svd").fit(X, y)
    assert_allclose(est.coef_, ref.coef_, rtol=1e-7, atol=1e-10)
    assert_allclose(est.predict(X), ref.predict(X), rtol=1e-9)
    from sklearn.linear_model import RidgeCV as SkRidgeCV

    cv = RidgeCV(alphas=[0.1, 1.0, 10.0], store_cv_results=True).fit(X, y)
    cv_ref = SkRidgeCV(alphas=[0.1, 1.0, 10.0], gcv_mode="svd",
                       store_cv_results=True).fit(X - offset, y)
    assert_allclose(cv.cv_results_, cv_ref.cv_results_, rtol=1e-6)
    assert X.mean() == pytest.approx(offset, abs=1)  # input untouched


@pytest.mark.parametrize("c", [1e-6, 1e6])
@pytest.mark.parametrize("positive", [False, True])
def test_ridge_lbfgs_invariant_to_weight_scale(c, positive):
    """Check lbfgs gives the same answer for (sw, alpha) and (c sw, c alpha), rtol 1e-7."""
    X, y, sw = _problem(40, 8, n_targets=1, seed=3)
    y = y - 2 * X @ np.ones(8) if positive else y
    base = Ridge(alpha=2.0, solver="lbfgs", positive=positive).fit(X, y, sample_weight=sw)
    scaled = Ridge(alpha=2.0 * c, solver="lbfgs", positive=positive).fit(
        X, y, sample_weight=c * sw)
    assert_allclose(scaled.coef_, base.coef_, rtol=1e-7, atol=1e-9)
    assert_allclose(scaled.intercept_, base.intercept_, rtol=1e-7)


def test_ridge_lbfgs_tol_as_sklearn():
    """Check positive lbfgs at each tol is as close to the exact solution as scikit-learn's."""
    X, y, sw = _problem(8, 40, n_targets=1, seed=3)
    y = y - 3 * np.asarray(X @ np.ones(X.shape[1]))
    exact = Ridge(alpha=2.0, positive=True, tol=1e-16, max_iter=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exact.fit(X, y, sample_weight=sw)
    for tol in [1e-4, 1e-8, 1e-12]:
        ours = Ridge(alpha=2.0, positive=True, solver="lbfgs", tol=tol).fit(
            X, y, sample_weight=sw)
        theirs = SkRidge(alpha=2.0, positive=True, solver="lbfgs", tol=tol).fit(
            X, y, sample_weight=sw)
        err = np.abs(ours.coef_ - exact.coef_).max()
        err_sk = np.abs(theirs.coef_ - exact.coef_).max()
        assert err <= 1.5 * err_sk + 1e-9


def test_ridge_wide_memory_is_one_kernel_matrix():
    """Check a wide dense fit allocates at most 1.15x the n x n kernel matrix beyond X."""
    import tracemalloc

    rng = np.random.RandomState(0)
    n, p = 600, 1800
    X = rng.randn(n, p) + 1.0
    y = X[:, 0] + rng.randn(n)
    tracemalloc.start()
    try:
        est = Ridge(alpha=1.0).fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert est.solver_ == "cholesky"
    assert peak <= 1.15 * n * n * 8
    ref = SkRidge(alpha=1.0).fit(X, y)
    assert_allclose(est.coef_, ref.coef_, rtol=1e-6, atol=1e-10)
