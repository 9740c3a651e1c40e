"""Multi-task models and 2-D paths: scikit-learn's answers, optimality, invariances.

The objective (scikit-learn's)::

    1/(2n) ||Y - X W^T - b||_F^2 + alpha l1_ratio sum_j ||W[:, j]||_2
    + alpha (1 - l1_ratio) / 2 ||W||_F^2
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning

from skreg import (
    ElasticNet,
    Lasso,
    MultiTaskElasticNet,
    MultiTaskElasticNetCV,
    MultiTaskLasso,
    MultiTaskLassoCV,
    enet_path,
    lasso_path,
)
from skreg._solvers import solve_l21

TIGHT = dict(tol=1e-12, max_iter=100_000)


def _problem(n=40, p=60, T=4, seed=0, offset=2.0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) + offset * rng.rand(p)  # uncentered columns: implicit centering
    W = np.zeros((T, p))
    W[:, :6] = rng.randn(T, 6)
    Y = X @ W.T + 0.3 * rng.randn(n, T) + rng.randn(T)
    return X, Y, rng


def _rel(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)


def _models(l1_ratio, **kw):
    if l1_ratio == 1.0:
        return MultiTaskLasso(**kw), sk.MultiTaskLasso(**kw)
    return (MultiTaskElasticNet(l1_ratio=l1_ratio, **kw),
            sk.MultiTaskElasticNet(l1_ratio=l1_ratio, **kw))


@pytest.mark.parametrize("l1_ratio", [1.0, 0.4])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("sparse_X", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_sklearn(l1_ratio, fit_intercept, sparse_X, weighted):
    X, Y, rng = _problem()
    sw = rng.rand(X.shape[0]) + 0.2 if weighted else None
    ours, ref = _models(l1_ratio, alpha=0.15, fit_intercept=fit_intercept, **TIGHT)
    Xf = sp.csc_matrix(X) if sparse_X else X
    ours.fit(Xf, Y, sample_weight=sw)
    ref.fit(Xf, Y, sample_weight=sw)
    assert ours.coef_.shape == (Y.shape[1], X.shape[1])
    assert _rel(ours.coef_, ref.coef_) < 1e-6
    assert np.allclose(ours.intercept_, ref.intercept_, rtol=1e-6, atol=1e-8)
    assert np.isclose(ours.eps_, ref.eps_, rtol=1e-10)
    assert 0 <= ours.dual_gap_ <= ours.eps_ / X.shape[0]
    assert isinstance(ours.n_iter_, int) and ours.n_iter_ >= 1
    assert np.allclose(ours.predict(Xf), ref.predict(Xf), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_kkt_l21(l1_ratio):
    """Optimality of the L2,1 problem, from its subdifferential.

    With R = Y - X W^T - b and G_j = X_j^T R / n - alpha (1 - l1_ratio) W_j:
    G_j = alpha l1_ratio W_j / ||W_j|| on the support, ||G_j|| <= alpha
    l1_ratio off it; and the intercept makes every column of R sum to 0.
    """
    X, Y, _ = _problem(seed=3)
    alpha = 0.2
    m = _models(l1_ratio, alpha=alpha, **TIGHT)[0].fit(X, Y)
    n = X.shape[0]
    R = Y - X @ m.coef_.T - m.intercept_
    assert np.allclose(R.sum(axis=0), 0.0, atol=1e-9)
    G = X.T @ R / n - alpha * (1 - l1_ratio) * m.coef_.T      # (p, T)
    norms = np.linalg.norm(m.coef_, axis=0)
    on = norms > 0
    assert 0 < on.sum() < X.shape[1]  # a real selection happened
    lam = alpha * l1_ratio
    target = lam * m.coef_.T[on] / norms[on, None]
    assert np.max(np.abs(G[on] - target)) < 1e-6 * lam
    assert np.max(np.linalg.norm(G[~on], axis=1)) <= lam * (1 + 1e-6)


@pytest.mark.parametrize("weighted", [False, True])
def test_dense_equals_sparse(weighted):
    X, Y, rng = _problem(seed=1)
    X[rng.rand(*X.shape) < 0.6] = 0.0
    sw = rng.rand(X.shape[0]) + 0.2 if weighted else None
    dense = MultiTaskElasticNet(alpha=0.1, l1_ratio=0.7, **TIGHT).fit(X, Y,
                                                                      sample_weight=sw)
    for fmt in (sp.csc_matrix, sp.csr_matrix):
        sparse = MultiTaskElasticNet(alpha=0.1, l1_ratio=0.7, **TIGHT).fit(
            fmt(X), Y, sample_weight=sw)
        assert _rel(sparse.coef_, dense.coef_) < 1e-7
        assert np.allclose(sparse.intercept_, dense.intercept_, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("Est", [MultiTaskLasso, MultiTaskElasticNet])
def test_float32_close_to_float64(Est):
    X, Y, _ = _problem(seed=2)
    m64 = Est(alpha=0.1, tol=1e-8, max_iter=10_000).fit(X, Y)
    m32 = Est(alpha=0.1, tol=1e-8, max_iter=10_000).fit(X.astype(np.float32),
                                                         Y.astype(np.float32))
    assert m32.coef_.dtype == np.float32
    assert m32.intercept_.dtype == np.float32
    assert m32.predict(X.astype(np.float32)).dtype == np.float32
    assert _rel(m32.coef_, m64.coef_) < 1e-4


def test_sample_weight_equals_repeated_rows():
    X, Y, rng = _problem(n=30, seed=4)
    k = rng.randint(0, 4, size=X.shape[0])  # 0 removes a row
    weighted = MultiTaskElasticNet(alpha=0.1, l1_ratio=0.8, **TIGHT).fit(
        X, Y, sample_weight=k.astype(float))
    Xr, Yr = np.repeat(X, k, axis=0), np.repeat(Y, k, axis=0)
    # weights rescaled to sum to n make 1/(2n) sum s_i r_i^2 equal to
    # 1/(2 sum k) sum k_i r_i^2: the repeated data's objective at the same alpha
    repeated = MultiTaskElasticNet(alpha=0.1, l1_ratio=0.8, **TIGHT).fit(Xr, Yr)
    assert _rel(weighted.coef_, repeated.coef_) < 1e-7
    assert np.allclose(weighted.intercept_, repeated.intercept_, rtol=1e-7, atol=1e-9)


def test_single_task_equals_lasso_and_enet():
    """T = 1: the block loop is the scalar one; the same solutions."""
    X, Y, _ = _problem(T=1, seed=5)
    y = Y[:, 0]
    mt = MultiTaskLasso(alpha=0.05, **TIGHT).fit(X, Y)
    st = Lasso(alpha=0.05, **TIGHT).fit(X, y)
    assert _rel(mt.coef_[0], st.coef_) < 1e-8
    mt = MultiTaskElasticNet(alpha=0.05, l1_ratio=0.3, **TIGHT).fit(X, Y)
    st = ElasticNet(alpha=0.05, l1_ratio=0.3, **TIGHT).fit(X, y)
    assert _rel(mt.coef_[0], st.coef_) < 1e-8


@pytest.mark.parametrize("l2_reg", [0.0, 2.0])
def test_accelerators_do_not_change_the_solution(l2_reg):
    """Screening, working sets, Anderson and the path's dual: the same optimum."""
    X, Y, _ = _problem(n=50, p=120, seed=6)
    Yc, Xm = Y - Y.mean(0), X.mean(0)
    lam = 0.2 * np.max(np.linalg.norm(X.T @ Yc - np.outer(Xm, Yc.sum(0)), axis=1))
    plain, gap0, tol0, _ = solve_l21(X, Yc, lam, l2_reg, X_mean=Xm, tol=1e-14,
                                     max_iter=100_000, screening=False,
                                     working_set=False, anderson=False)
    fast, gap1, tol1, _ = solve_l21(X, Yc, lam, l2_reg, X_mean=Xm, tol=1e-14,
                                    max_iter=100_000)
    assert gap0 <= tol0 and gap1 <= tol1
    assert _rel(fast, plain) < 1e-6
    assert 0 < np.sum(np.linalg.norm(fast, axis=0) > 0) < X.shape[1]


@pytest.mark.parametrize("path, sk_path, kw", [
    (lasso_path, sk.lasso_path, {}),
    (enet_path, sk.enet_path, {"l1_ratio": 0.6}),
])
@pytest.mark.parametrize("sparse_X", [False, True])
def test_2d_paths_equal_sklearn(path, sk_path, kw, sparse_X):
    X, Y, _ = _problem(seed=7)
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)  # the paths fit no intercept
    Xf = sp.csc_matrix(Xc) if sparse_X else Xc
    a1, c1, g1 = path(Xf, Yc, alphas=8, eps=1e-2, **TIGHT, **kw)
    a2, c2, _ = sk_path(Xc, Yc, alphas=8, eps=1e-2, **TIGHT, **kw)
    assert c1.shape == c2.shape == (Y.shape[1], X.shape[1], 8)
    assert np.allclose(a1, a2, rtol=1e-12)
    assert _rel(c1, c2) < 1e-6
    assert np.all(g1 >= -1e-12)


def test_2d_path_explicit_alphas_and_coef_init():
    X, Y, _ = _problem(seed=8)
    Yc = Y - Y.mean(0)
    alphas, coefs, _, n_iter = lasso_path(X - X.mean(0), Yc, alphas=[0.3, 0.1],
                                          return_n_iter=True, **TIGHT)
    assert list(alphas) == [0.3, 0.1] and len(n_iter) == 2
    ref = sk.MultiTaskLasso(alpha=0.1, fit_intercept=False, **TIGHT).fit(
        X - X.mean(0), Yc)
    assert _rel(coefs[..., 1], ref.coef_) < 1e-6
    with pytest.raises(ValueError, match="coef_init must have shape"):
        lasso_path(X, Yc, alphas=[0.1], coef_init=np.zeros(X.shape[1]))


@pytest.mark.parametrize("ours, ref, kw", [
    (MultiTaskLassoCV, sk.MultiTaskLassoCV, {}),
    (MultiTaskElasticNetCV, sk.MultiTaskElasticNetCV, {"l1_ratio": [0.3, 0.9]}),
])
@pytest.mark.parametrize("weighted", [False, True])
def test_cv_chooses_sklearns_alpha(ours, ref, kw, weighted):
    X, Y, rng = _problem(n=60, p=40, seed=9)
    sw = rng.rand(X.shape[0]) + 0.5 if weighted else None
    m1 = ours(cv=3, alphas=20, tol=1e-10, max_iter=100_000, **kw).fit(
        X, Y, sample_weight=sw)
    m2 = ref(cv=3, alphas=20, tol=1e-10, max_iter=100_000, **kw).fit(
        X, Y, sample_weight=sw)
    assert m1.alpha_ == pytest.approx(m2.alpha_, rel=1e-10)
    assert np.allclose(m1.alphas_, m2.alphas_, rtol=1e-10)
    assert m1.mse_path_.shape == m2.mse_path_.shape
    assert _rel(m1.mse_path_, m2.mse_path_) < 1e-6
    assert _rel(m1.coef_, m2.coef_) < 1e-6
    if kw:
        assert m1.l1_ratio_ == m2.l1_ratio_
    assert m1.predict(X).shape == Y.shape


def test_errors_and_warnings():
    X, Y, _ = _problem()
    with pytest.raises(ValueError, match="For mono-task outputs, use ElasticNet"):
        MultiTaskElasticNet().fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="For mono-task outputs, use LassoCV"):
        MultiTaskLassoCV().fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="For mono-task outputs, use ElasticNetCV"):
        MultiTaskElasticNetCV().fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="positive=True is not allowed"):
        enet_path(X, Y, positive=True, alphas=3)
    m = MultiTaskLasso(alpha=0.1, warm_start=True).fit(X, Y)
    with pytest.raises(ValueError, match="warm_start=True"):
        m.fit(X, Y[:, :2])
    with pytest.warns(ConvergenceWarning, match="Objective did not converge"):
        MultiTaskLasso(alpha=0.01, max_iter=1, tol=1e-12).fit(X, Y)
    for Est in (MultiTaskLasso, MultiTaskElasticNet, MultiTaskLassoCV,
                MultiTaskElasticNetCV):
        assert "positive" not in Est().get_params()
        assert "precompute" not in Est().get_params()


def test_warm_start_continues():
    X, Y, _ = _problem(seed=10)
    m = MultiTaskLasso(alpha=0.1, warm_start=True, **TIGHT).fit(X, Y)
    n_cold = m.n_iter_
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        m.fit(X, Y)
    assert m.n_iter_ < n_cold  # started at the solution


def test_enet_path_1d_unchanged_and_column_y_is_multitask():
    """A (n, 1) y is the multi-task path, as in scikit-learn; 1-D y stays scalar."""
    X, Y, _ = _problem(T=1, seed=11)
    Xc, yc = X - X.mean(0), Y[:, 0] - Y[:, 0].mean()
    _, c1, _ = lasso_path(Xc, yc, alphas=4, **TIGHT)
    _, c2, _ = lasso_path(Xc, yc[:, None], alphas=4, **TIGHT)
    assert c1.shape == (X.shape[1], 4) and c2.shape == (1, X.shape[1], 4)
    assert _rel(c2[0], c1) < 1e-8


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("weighted", [False, True])
def test_2d_path_on_the_gram_matrix(l1_ratio, weighted):
    """precompute=True (or a matrix): the Gram loop, blocks of T values; same path."""
    X, Y, rng = _problem(n=80, p=20, seed=12)
    sw = rng.rand(X.shape[0]) + 0.3 if weighted else None
    Xm = np.average(X, axis=0, weights=sw)
    Yc = Y - np.average(Y, axis=0, weights=sw)
    kw = dict(l1_ratio=l1_ratio, alphas=6, eps=1e-2, X_offset=Xm, sample_weight=sw,
              check_input=False, **TIGHT)
    a0, c0, _ = enet_path(X, Yc, precompute=False, **kw)
    a1, c1, g1 = enet_path(X, Yc, precompute=True, **kw)
    assert np.allclose(a0, a1, rtol=1e-12)
    assert _rel(c1, c0) < 1e-7
    assert np.all(g1 >= -1e-12)
    Xc = X - Xm
    G = Xc.T @ (Xc * (1.0 if sw is None else sw[:, None]))
    _, c2, _ = enet_path(X, Yc, precompute=G, **kw)
    assert _rel(c2, c0) < 1e-7
