"""Tests of Ridge(solver='sag'/'saga') and the compiled SAG kernel."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Ridge as SkRidge

from skreg import Ridge
from skreg._solvers import auto_step_size, sag_solve


def _problem(n=120, p=8, n_targets=1, sparse=False, seed=0, dtype=np.float64):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) + 1.0
    if sparse:
        X[rng.rand(n, p) > 0.35] = 0.0
    y = X @ rng.randn(p, n_targets) + 0.5 * rng.randn(n, n_targets) + 2.0
    sw = rng.uniform(0.5, 2.0, n)
    X = sp.csr_matrix(X) if sparse else X
    return X.astype(dtype), (y[:, 0] if n_targets == 1 else y).astype(dtype), sw


@pytest.mark.parametrize("solver", ["sag", "saga"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sag_matches_sklearn_at_tight_tol(solver, sparse, weighted, fit_intercept):
    """Check coef_/intercept_ equal scikit-learn's (same solver) to rtol 1e-6 at tol=1e-10."""
    X, y, sw = _problem(sparse=sparse, n_targets=2)
    sw = sw if weighted else None
    if sparse and fit_intercept and solver == "saga":
        with pytest.raises(ValueError, match="solver='saga' does not support fitting "
                                             "the intercept on sparse data"):
            Ridge(solver=solver).fit(X, y)
        return
    params = dict(alpha=[1.5, 4.0], solver=solver, tol=1e-10, max_iter=20000,
                  fit_intercept=fit_intercept, random_state=0)
    est = Ridge(**params).fit(X, y, sample_weight=sw)
    ref = SkRidge(**params).fit(X, y, sample_weight=sw)
    assert est.solver_ == ref.solver_
    expected = "sparse_cg" if sparse and fit_intercept else solver
    assert est.solver_ == expected
    scale = np.abs(ref.coef_).max()
    assert_allclose(est.coef_, ref.coef_, rtol=1e-6, atol=1e-8 * scale)
    assert_allclose(est.intercept_, ref.intercept_, rtol=1e-6, atol=1e-8 * scale)
    exact = SkRidge(alpha=[1.5, 4.0], solver="cholesky", fit_intercept=fit_intercept).fit(
        X.toarray() if sparse else X, y, sample_weight=sw)
    assert_allclose(est.coef_, exact.coef_, rtol=1e-6, atol=1e-8 * scale)
    if expected != "sparse_cg":
        assert est.n_iter_.shape == (2,) and np.all(est.n_iter_ > 1)


@pytest.mark.parametrize("solver", ["sag", "saga"])
@pytest.mark.parametrize("sparse", [False, True])
def test_sag_float32_stays_float32(solver, sparse):
    """Check float32 in gives float32 out, within 1e-5 relative of the float64 solution."""
    X, y, sw = _problem(sparse=sparse, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = Ridge(solver=solver, tol=1e-7, fit_intercept=False, random_state=0).fit(
            X, y, sample_weight=sw)
    ref = SkRidge(solver="cholesky", fit_intercept=False).fit(
        X.astype(np.float64), y.astype(np.float64), sample_weight=sw)
    assert est.coef_.dtype == np.float32
    assert_allclose(est.coef_, ref.coef_, rtol=1e-5, atol=1e-5 * np.abs(ref.coef_).max())


def test_sag_sparse_intercept_as_sklearn():
    """Check sparse X + intercept: SAG with scikit-learn's warning at a loose tol."""
    X, y, sw = _problem(n=60, p=5, sparse=True)
    msg = '"sag" solver requires many iterations to fit an intercept'
    with pytest.warns(UserWarning, match=msg):
        est = Ridge(solver="sag", tol=1e-3, random_state=0).fit(X, y)
    assert est.solver_ == "sag"
    with pytest.warns(UserWarning, match=msg):
        ref = SkRidge(solver="sag", tol=1e-3, random_state=0).fit(X, y)
    assert ref.solver_ == "sag"
    # the same algorithm (damped intercept steps): as far from the exact
    # solution as scikit-learn's at this tol, in intercept, fit and epochs
    assert abs(est.intercept_ - ref.intercept_) < 0.05
    assert abs(est.score(X, y) - ref.score(X, y)) < 5e-3
    assert 0.5 * ref.n_iter_[0] <= est.n_iter_[0] <= 2 * ref.n_iter_[0]


def test_sag_kernel_learns_intercept_on_sparse_data():
    """Check the kernel's own intercept (sparse X, damped steps) reaches the exact one."""
    X, y, sw = _problem(n=80, p=6, sparse=True)
    n = X.shape[0]
    coef, b, it = sag_solve(X, y - np.average(y, weights=sw), sw, alpha_scaled=1.0 / n,
                            tol=1e-12, max_iter=200_000, fit_intercept=True,
                            random_state=0)
    exact = SkRidge(alpha=1.0).fit(X.toarray(), y, sample_weight=sw)
    assert_allclose(coef[:, 0], exact.coef_, rtol=1e-6)
    assert_allclose(b[0] + np.average(y, weights=sw), exact.intercept_, rtol=1e-6)


@pytest.mark.parametrize("sparse", [False, True])
def test_saga_l1_prox_matches_elastic_net(sparse):
    """Check SAGA with the L1 prox solves the elastic net (scikit-learn's CD) to 1e-8."""
    X, y, _ = _problem(n=150, p=10, sparse=sparse)
    y = y - y.mean()
    a, b = 0.05, 0.1
    coef, _, _ = sag_solve(X, y, None, alpha_scaled=a, beta_scaled=b, tol=1e-12,
                           is_saga=True, random_state=0, max_iter=10_000)
    # (1/n) sum r^2/2 + a/2 ||w||^2 + b ||w||_1  ==  ElasticNet(alpha=a+b, l1_ratio=b/(a+b))
    en = SkElasticNet(alpha=a + b, l1_ratio=b / (a + b), fit_intercept=False, tol=1e-14,
                      max_iter=100_000).fit(X.toarray() if sparse else X, y)
    assert np.any(en.coef_ == 0)
    assert_allclose(coef[:, 0], en.coef_, atol=1e-8)
    assert np.all(coef[en.coef_ == 0, 0] == 0)


def test_sag_step_size_rule_is_sklearns():
    """Check the step sizes equal scikit-learn's formula (SAG 1/L, SAGA 1/(2L + min(2n a, L)))."""
    L = 3.0 + 1 + 0.01
    assert auto_step_size(3.0, 0.01, "squared", True, 100) == pytest.approx(1 / L)
    assert auto_step_size(3.0, 0.01, "squared", True, 100, is_saga=True) == \
        pytest.approx(1 / (2 * L + min(2 * 100 * 0.01, L)))
    with pytest.raises(ValueError, match="Unknown loss"):
        auto_step_size(3.0, 0.01, "hinge", True, 100)


@pytest.mark.parametrize("solver", ["sag", "saga"])
def test_sag_max_iter_and_convergence_warning(solver):
    """Check n_iter_ == max_iter with scikit-learn's ConvergenceWarning when it stops early."""
    X, y, _ = _problem(n_targets=2)
    with pytest.warns(ConvergenceWarning, match="The max_iter was reached which means "
                                                "the coef_ did not converge"):
        est = Ridge(solver=solver, max_iter=2, tol=1e-12).fit(X, y)
    assert np.array_equal(est.n_iter_, [2, 2])


@pytest.mark.parametrize("solver", ["sag", "saga"])
def test_sag_positive_raises_as_sklearn(solver):
    """Check positive=True with sag/saga raises scikit-learn's ValueError."""
    X, y, _ = _problem()
    with pytest.raises(ValueError, match=f"solver='{solver}' does not support positive "
                                         "fitting. Please set the solver to 'auto' or "
                                         "'lbfgs', or set `positive=False`"):
        Ridge(solver=solver, positive=True).fit(X, y)


def test_sag_random_state_reproducible():
    """Check the same random_state gives identical coefficients, another a different path."""
    X, y, _ = _problem()
    a = Ridge(solver="sag", tol=1e-3, random_state=3).fit(X, y).coef_
    b = Ridge(solver="sag", tol=1e-3, random_state=3).fit(X, y).coef_
    c = Ridge(solver="sag", tol=1e-3, random_state=4).fit(X, y).coef_
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_sag_does_not_modify_inputs():
    """Check X, y and sample_weight are left untouched (dense, centered copy)."""
    X, y, sw = _problem()
    X0, y0, sw0 = X.copy(), y.copy(), sw.copy()
    Ridge(solver="saga", random_state=0).fit(X, y, sample_weight=sw)
    assert np.array_equal(X, X0) and np.array_equal(y, y0) and np.array_equal(sw, sw0)


def test_sag_overflow_raises_sklearns_error():
    """Check a diverging run raises scikit-learn's under-/overflow ValueError."""
    X, y, _ = _problem(n=30, p=3)
    with pytest.raises(ValueError, match="Floating-point under-/overflow occurred"):
        # a huge weight on one sample with scikit-learn's weight-blind step diverges
        sw = np.ones(30)
        sw[0] = 1e30
        Ridge(solver="sag", fit_intercept=False, random_state=0).fit(X, y, sample_weight=sw)


def test_sag_kernel_warm_start():
    """Check coef_init is used (one epoch lands elsewhere) and the solution is unchanged."""
    X, y, _ = _problem()
    y = y - y.mean()
    Xc = X - X.mean(axis=0)
    exact = SkRidge(alpha=1.0, fit_intercept=False).fit(Xc, y).coef_
    kw = dict(alpha_scaled=1.0 / X.shape[0], random_state=0)
    with pytest.warns(ConvergenceWarning):
        cold, _, _ = sag_solve(Xc, y, None, max_iter=1, **kw)
    with pytest.warns(ConvergenceWarning):
        warm, _, _ = sag_solve(Xc, y, None, max_iter=1, coef_init=exact + 1.0, **kw)
    assert np.abs(warm - cold).max() > 1e-3
    coef, _, _ = sag_solve(Xc, y, None, tol=1e-10, max_iter=5000, coef_init=exact + 1.0,
                           **kw)
    assert_allclose(coef[:, 0], exact, rtol=1e-6)
