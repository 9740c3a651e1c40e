"""The lbfgs solver's objective: the compiled datafit (value, residuals) and
the gradient lbfgs is given, against NumPy formulas and finite differences."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, log_expit, logsumexp, softmax
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skreg import LogisticRegression
from skreg._solvers import logistic_value_residuals
from skreg.linear_model._logistic_math import loss_and_residual, objective, smooth_grad
from skreg.linear_model._logistic_solvers import _lbfgs_objective, _pack, _unpack


def _reference(eta, y, sw):
    """(F, R) from first principles (scipy), eta (n, K) float64."""
    if eta.shape[1] == 1:
        v = eta[:, 0]
        loss = -log_expit(v) + (1.0 - y) * v
        R = (sw * (expit(v) - y))[:, None]
    else:
        idx = y.astype(int)
        loss = logsumexp(eta, axis=1) - eta[np.arange(len(y)), idx]
        R = sw[:, None] * (softmax(eta, axis=1) - np.eye(eta.shape[1])[idx])
    return float(sw @ loss), R


def _eta_y_sw(K, dtype, rng, n=300, scale=5.0):
    eta = scale * rng.standard_normal((n, K))
    eta[:5] *= 100.0  # |eta| up to ~1e3: exp(eta) alone would overflow
    y = (rng.random(n) < 0.5).astype(float) if K == 1 else rng.integers(0, K, n).astype(float)
    sw = rng.random(n)
    sw[[1, 7, 20]] = 0.0  # zero weights: no contribution, zero residual
    return np.ascontiguousarray(eta, dtype=dtype), y, sw / sw.sum()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("K", [1, 3, 10])
def test_value_residuals_match_reference(K, dtype):
    rng = np.random.default_rng(K)
    eta, y, sw = _eta_y_sw(K, dtype, rng)
    R, R_sum = np.empty_like(eta), np.empty(K)
    f = logistic_value_residuals(eta, y, sw, R, R_sum)
    f_ref, R_ref = _reference(eta.astype(np.float64), y, sw)
    # float32: the same eta, float64 arithmetic; only R is rounded to float32
    assert f == pytest.approx(f_ref, rel=1e-12)
    assert R.dtype == dtype
    atol = 1e-15 if dtype == np.float64 else 1e-7 * np.abs(R_ref).max()
    np.testing.assert_allclose(R, R_ref, rtol=1e-6 if dtype == np.float32 else 1e-11,
                               atol=atol)
    np.testing.assert_allclose(R_sum, R_ref.sum(axis=0), rtol=1e-10, atol=1e-14)
    assert np.all(R[[1, 7, 20]] == 0.0)
    # skreg's NumPy datafit (the formula's owner) agrees too, from y's encoding
    yy = y if K == 1 else y.astype(np.intp)
    f_np, R_np = loss_and_residual(eta.astype(np.float64), yy, sw, K == 1)
    assert f == pytest.approx(f_np, rel=1e-12)
    np.testing.assert_allclose(R, R_np, rtol=1e-6 if dtype == np.float32 else 1e-11,
                               atol=atol)


def test_value_residuals_work_buffer_and_shape_errors():
    rng = np.random.default_rng(0)
    eta, y, sw = _eta_y_sw(4, np.float32, rng)
    R1, R2, s1, s2 = np.empty_like(eta), np.empty_like(eta), np.empty(4), np.empty(4)
    f1 = logistic_value_residuals(eta, y, sw, R1, s1)
    f2 = logistic_value_residuals(eta, y, sw, R2, s2, np.empty(eta.shape))
    assert f1 == f2 and np.array_equal(R1, R2) and np.array_equal(s1, s2)
    with pytest.raises(ValueError, match="do not match"):
        logistic_value_residuals(eta, y[:-1], sw, R1, s1)
    with pytest.raises(ValueError, match="work must have eta's shape"):
        logistic_value_residuals(eta, y, sw, R1, s1, np.empty((3, 4)))


def _problem(K, rng, n=80, p=7):
    X = rng.standard_normal((n, p)) + 0.3
    y = (rng.random(n) < 0.4).astype(float) if K == 1 else rng.integers(0, K, n)
    sw = rng.random(n) + 0.1
    return np.asfortranarray(X), y, sw / sw.sum()


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("pf", [None, "factors"])
@pytest.mark.parametrize("K", [1, 4])
def test_objective_matches_numpy_and_finite_differences(K, pf, fit_intercept):
    rng = np.random.default_rng(10 * K + fit_intercept)
    X, y, sw = _problem(K, rng)
    p = X.shape[1]
    pf = None if pf is None else np.array([0.0, 0.5, 1.0, 2.0, 1.0, 3.0, 0.1])
    alpha = 0.07
    fun = _lbfgs_objective(X, y, sw, alpha, pf, K, fit_intercept)
    W = rng.standard_normal((K, p))
    b = rng.standard_normal(K) if fit_intercept else np.zeros(K)
    theta = _pack(W, b, fit_intercept)
    W2, b2 = _unpack(theta, K, p, fit_intercept)
    assert np.array_equal(W2, W) and np.array_equal(b2, b) and W2.flags.c_contiguous
    assert np.array_equal(theta[:K], W[:, 0])  # scikit-learn's order: feature-major
    f, g = fun(theta)
    # value and gradient: G and its gradient from skreg's NumPy formulas
    binary = K == 1
    assert f == pytest.approx(objective(X, y, sw, W, b, alpha, 0.0, pf, binary), rel=1e-12)
    eta = X @ W.T + b
    _, R = loss_and_residual(eta, y, sw, binary)
    gW = smooth_grad(X, R, W, alpha, 0.0, pf)
    expected = _pack(gW, R.sum(axis=0), fit_intercept)
    np.testing.assert_allclose(g, expected, rtol=1e-10, atol=1e-14)
    # finite differences, central, on every coordinate
    h = 1e-6
    fd = np.array([(fun(theta + h * e)[0] - fun(theta - h * e)[0]) / (2 * h)
                   for e in np.eye(theta.size)])
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)
    # the gradient is a new array each call (scipy keeps the previous one)
    assert fun(theta)[1] is not g


@pytest.mark.parametrize("K", [1, 3])
def test_objective_sparse_and_float32(K):
    rng = np.random.default_rng(5)
    X, y, sw = _problem(K, rng)
    X[np.abs(X) < 0.5] = 0.0
    theta = rng.standard_normal(K * X.shape[1] + K)
    f, g = _lbfgs_objective(X, y, sw, 0.1, None, K, True)(theta)
    f_sp, g_sp = _lbfgs_objective(sp.csr_matrix(X), y, sw, 0.1, None, K, True)(theta)
    assert f_sp == pytest.approx(f, rel=1e-12)
    np.testing.assert_allclose(g_sp, g, rtol=1e-10, atol=1e-14)
    X32 = X.astype(np.float32)
    f32, g32 = _lbfgs_objective(X32, y, sw, 0.1, None, K, True)(theta)
    assert g32.dtype == np.float64
    assert f32 == pytest.approx(f, rel=1e-5)
    np.testing.assert_allclose(g32, g, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("C", [0.01, 1.0, 100.0])
def test_lbfgs_digits_matches_sklearn_lbfgs(C):
    """The benchmark's multinomial problem: scikit-learn's optimum at tight tol."""
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    tight = dict(C=C, solver="lbfgs", tol=1e-8, max_iter=10_000)
    with threadpool_limits(1):  # small products: threads only contend
        ours = LogisticRegression(**tight).fit(X, y)
        ref = SkLogisticRegression(**tight).fit(X, y)

    def obj(m):
        eta = X @ m.coef_.T + m.intercept_
        loss = logsumexp(eta, axis=1) - eta[np.arange(len(y)), y]
        return C * loss.sum() + 0.5 * (m.coef_ ** 2).sum()

    assert obj(ours) <= obj(ref) * (1 + 1e-8)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-5)
