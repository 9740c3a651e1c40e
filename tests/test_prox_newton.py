"""Tests of the compiled proximal-Newton kernel (skreg._solvers.solve_logistic_pn)."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler

from skreg._solvers import solve_logistic_pn


def _data(n_classes=2, n_samples=100, n_features=15, random_state=0, sparse=False):
    X, y = make_classification(n_samples=n_samples, n_features=n_features,
                               n_informative=5, n_classes=n_classes,
                               n_clusters_per_class=1, flip_y=0.05,
                               random_state=random_state)
    X = StandardScaler().fit_transform(X) + 0.3
    if sparse:
        X[np.abs(X) < 0.6] = 0.0
        X = sp.csc_matrix(X)
    return X, y.astype(np.float64)


def _kkt(X, y, sw, W, b, l1, l2, pf, fit_intercept=True):
    """KKT violation from first principles: the loss's gradient in NumPy."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    eta = X @ W.T + b
    if W.shape[0] == 1:
        R = (sw * (expit(eta[:, 0]) - y))[:, None]
    else:
        Y = np.eye(W.shape[0])[y.astype(int)]
        R = sw[:, None] * (softmax(eta, axis=1) - Y)
    G = R.T @ X + l2 * pf * W
    lam = l1 * pf * np.ones_like(W)
    viol = np.where(W != 0, np.abs(G + lam * np.sign(W)),
                    np.maximum(np.abs(G) - lam, 0.0))
    worst = viol.max()
    if fit_intercept:
        worst = max(worst, np.abs(R.sum(axis=0)).max())
    return worst


def _fit(X, y, l1, l2, n_rows=1, pf=None, sw=None, tol=1e-11, **kw):
    sw = np.full(X.shape[0], 1.0 / X.shape[0]) if sw is None else sw
    W0, b0 = np.zeros((n_rows, X.shape[1])), np.zeros(n_rows)
    return solve_logistic_pn(X, y, sw, W0, b0, l1, l2, penalty_factor=pf, tol=tol,
                             max_iter=1000, **kw)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("l1,l2", [(0.02, 0.0), (0.01, 0.01), (0.0, 0.05)])
def test_kernel_kkt_from_first_principles(sparse, n_classes, l1, l2):
    """Check the KKT conditions at the returned point, recomputed in NumPy."""
    X, y = _data(n_classes, sparse=sparse)
    n_rows = 1 if n_classes == 2 else n_classes
    sw = np.full(X.shape[0], 1.0 / X.shape[0])
    pf = np.ones(X.shape[1])
    W, b, kkt, n_iter, _ = _fit(X, y, l1, l2, n_rows=n_rows, pf=pf, sw=sw)
    assert kkt <= 1e-11 and 1 <= n_iter < 1000
    assert _kkt(X, y, sw, W, b, l1, l2, pf) < 1e-9
    if l1 > 0:  # the L1 part makes zeros; the non-zeros are a strict subset
        assert 0 < np.count_nonzero(W) < W.size


def test_kernel_matches_sklearn_enet():
    """Check the elastic-net optimum equals scikit-learn's (saga, tight tol) to 1e-6 rel."""
    X, y = _data(2)
    C, l1_ratio = 0.5, 0.5
    n = X.shape[0]
    alpha = 1.0 / (C * n)  # scikit-learn's objective divided by C n
    W, b, _, _, _ = _fit(X, y, alpha * l1_ratio, alpha * (1 - l1_ratio), tol=1e-12)
    ref = SkLogisticRegression(C=C, l1_ratio=l1_ratio, solver="saga", tol=1e-13,
                               max_iter=200_000).fit(X, y)
    scale = np.abs(ref.coef_).max()
    np.testing.assert_allclose(W, ref.coef_, rtol=0, atol=1e-6 * scale)
    np.testing.assert_allclose(b, ref.intercept_, rtol=0, atol=1e-6 * scale)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_kernel_dense_equals_sparse(n_classes):
    """Check that CSC input gives the dense answer."""
    Xs, y = _data(n_classes, sparse=True)
    n_rows = 1 if n_classes == 2 else n_classes
    Wd, bd, _, _, _ = _fit(Xs.toarray(), y, 0.01, 0.005, n_rows=n_rows)
    Ws, bs, _, _, _ = _fit(Xs, y, 0.01, 0.005, n_rows=n_rows)
    np.testing.assert_allclose(Ws, Wd, atol=1e-8)
    np.testing.assert_allclose(bs, bd, atol=1e-8)


@pytest.mark.parametrize("sparse", [False, True])
def test_kernel_float32_close_to_float64(sparse):
    """Check that float32 X gives the float64 optimum to float32 accuracy."""
    X, y = _data(2, sparse=sparse)
    X32 = X.astype(np.float32)
    W64, b64, _, _, _ = _fit(X, y, 0.01, 0.005)
    W32, b32, kkt32, _, _ = _fit(X32, y, 0.01, 0.005, tol=1e-5)
    assert kkt32 <= 1e-5
    scale = np.abs(W64).max()
    np.testing.assert_allclose(W32, W64, rtol=0, atol=1e-4 * scale)
    np.testing.assert_allclose(b32, b64, rtol=0, atol=1e-4 * scale)
    assert X32.dtype == np.float32  # X is used as it is, not converted


def test_kernel_zero_penalty_factors():
    """Check that pf = 0 leaves features unpenalised (no floor), also from a warm start."""
    X, y = _data(2)
    pf = np.ones(X.shape[1])
    pf[[0, 3]] = 0.0
    sw = np.full(X.shape[0], 1.0 / X.shape[0])
    l1 = 0.05  # large: only the unpenalised features and a few others survive
    W, b, _, _, _ = _fit(X, y, l1, 0.0, pf=pf, sw=sw)
    assert W[0, 0] != 0 and W[0, 3] != 0
    assert _kkt(X, y, sw, W, b, l1, 0.0, pf) < 1e-9
    # the unpenalised coordinates' gradient is exactly zero at the optimum
    R = sw * (expit(X @ W[0] + b[0]) - y)
    assert np.abs(R @ X[:, [0, 3]]).max() < 1e-9
    # warm-started at the optimum with an unpenalised coefficient off it
    W_start = W.copy()
    W_start[0, 0] += 0.3
    W2, b2, kkt, _, _ = solve_logistic_pn(X, y, sw, W_start, b, l1, 0.0,
                                          penalty_factor=pf, tol=1e-11)
    assert kkt <= 1e-11 and W_start[0, 0] == W[0, 0] + 0.3  # input not modified
    np.testing.assert_allclose(W2, W, atol=1e-7)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_kernel_sample_weight_equals_repeated_rows(n_classes):
    """Check that integer weights give the fit on repeated rows."""
    X, y = _data(n_classes, n_samples=60)
    n_rows = 1 if n_classes == 2 else n_classes
    rep = np.random.RandomState(0).randint(0, 4, X.shape[0])
    Xr, yr = np.repeat(X, rep, axis=0), np.repeat(y, rep)
    W1, b1, _, _, _ = _fit(X, y, 0.01, 0.01, n_rows=n_rows, sw=rep / rep.sum())
    W2, b2, _, _, _ = _fit(Xr, yr, 0.01, 0.01, n_rows=n_rows,
                           sw=np.full(len(yr), 1.0 / len(yr)))
    np.testing.assert_allclose(W1, W2, atol=1e-8)
    np.testing.assert_allclose(b1, b2, atol=1e-8)


def test_kernel_without_intercept_and_excluded_feature():
    """Check fit_intercept=False keeps b, and pf = inf keeps a feature at zero."""
    X, y = _data(2)
    pf = np.ones(X.shape[1])
    pf[2] = np.inf
    sw = np.full(X.shape[0], 1.0 / X.shape[0])
    W0 = np.zeros((1, X.shape[1]))
    W0[0, 2] = 1.0  # an excluded feature warm-started off zero
    W, b, kkt, _, _ = solve_logistic_pn(X, y, sw, W0, np.zeros(1), 0.005, 0.0,
                                        penalty_factor=pf, fit_intercept=False,
                                        tol=1e-11)
    assert kkt <= 1e-11 and b[0] == 0.0 and W[0, 2] == 0.0
    keep = np.isfinite(pf)
    assert _kkt(X[:, keep], y, sw, W[:, keep], b, 0.005, 0.0, pf[keep],
                fit_intercept=False) < 1e-9
