"""The kernel's start state computed with the column means (one read of X).

A Lasso / ElasticNet fit on dense Fortran X or CSC X, with an intercept and
no weights, takes the means, the column statistics and x_j^T y from one pass
(``skreg._solvers.start_stats``) instead of a mean and then the
kernel's own pass.  The values must be the ones the two passes give.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from skreg import ElasticNet, Lasso
from skreg._solvers import start_stats
from skreg.linear_model import enet_path
from skreg.linear_model._base import _preprocess_start


def _design(n, dtype, seed=0):
    rng = np.random.default_rng(seed)
    # offsets from none to 1e6 against a spread of ~3, one constant column
    X = rng.standard_normal((n, 6)) * 3.0 + np.array([0.0, 1.0, -50.0, 1e3, 1e6, 0.0])
    X[:, 5] = 2.5
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + rng.standard_normal(n)
    return np.asfortranarray(X, dtype=dtype), y.astype(dtype)


# lengths around numpy's pairwise blocks (8 partial sums, blocks of 128)
@pytest.mark.parametrize("n", [1, 7, 8, 9, 128, 129, 1000, 20001])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_means_and_statistics_are_those_of_two_passes(n, dtype):
    X, y = _design(n, dtype)
    X_mean, state = start_stats(X, y)
    eps = np.finfo(dtype).eps
    assert X_mean.dtype == dtype
    # numpy's pairwise sum, the algorithm X.mean uses: equal to a few ulps
    assert_allclose(X_mean, X.mean(axis=0), rtol=4 * eps, atol=0)
    X64 = X.astype(np.float64)
    p = X.shape[1]
    assert_allclose(state["stats"][:p], X64.sum(axis=0), rtol=1e3 * eps,
                    atol=1e3 * eps * np.abs(X64).sum(axis=0).max())
    Xc = X64 - X64.mean(axis=0)
    norm2 = (Xc ** 2).sum(axis=0)
    # the centred norms are computed from the float X: the spread that
    # survives rounding of the offset (float32 keeps little of it at 1e6)
    keep = np.abs(X64.mean(axis=0)) < 1e2 if dtype == np.float32 else slice(None)
    assert_allclose(state["stats"][p:][keep], norm2[keep], rtol=1e3 * eps,
                    atol=1e3 * eps * n)
    assert_allclose(state["xty"], X64.T @ y.astype(np.float64), rtol=1e3 * eps,
                    atol=1e3 * eps * (np.abs(X64).T @ np.abs(y)).max())
    assert state["known"] is True


@pytest.mark.parametrize("n", [1, 9, 200, 3001])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("offset", [3.0, 1e4])
def test_sparse_statistics_are_those_of_the_dense_matrix(n, dtype, offset):
    X = sp.random(n, 40, density=0.5, format="csc", random_state=3, dtype=dtype)
    X.data += offset  # stored values away from 0 (1e4: the exact pass)
    y = np.random.default_rng(3).standard_normal(n).astype(dtype)
    X_mean, state = start_stats(X, y)
    Xd = X.toarray().astype(np.float64)
    eps = np.finfo(dtype).eps
    assert X_mean.dtype == dtype
    assert_allclose(X_mean, Xd.mean(axis=0), rtol=8 * eps * np.sqrt(n), atol=0)
    p = X.shape[1]
    assert_allclose(state["stats"][:p], Xd.sum(axis=0), rtol=8 * eps * np.sqrt(n))
    norm2 = ((Xd - Xd.mean(axis=0)) ** 2).sum(axis=0)
    scale = (Xd ** 2).sum(axis=0)  # what rounding of the stored values allows
    assert np.all(np.abs(state["stats"][p:] - norm2) <= 1e3 * eps * scale + 1e-300)
    assert_allclose(state["xty"], Xd.T @ y, rtol=1e2 * eps * np.sqrt(n),
                    atol=1e2 * eps * np.sqrt(n) * (np.abs(Xd).T @ np.abs(y)).max())


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("Model, extra", [(Lasso, {}), (ElasticNet, {"l1_ratio": 0.3})])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fit_equals_the_path_that_computes_its_own_statistics(Model, extra, dtype,
                                                              sparse):
    X, y = _design(400, dtype, seed=1)
    X = np.asfortranarray(X[:, :4])  # offsets up to 1e3
    if sparse:  # a third of the entries zero, stored as CSC
        X[np.random.default_rng(4).random(X.shape) < 0.3] = 0.0
        X = sp.csc_matrix(X)
    tol = 1e-8 if dtype == np.float64 else 1e-4  # float32 certifies ~1e-5
    model = Model(alpha=0.05, tol=tol, **extra).fit(X, y)
    # the same problem through the path without the fused start state: the
    # kernel then reads X for its statistics itself
    y_c = y - y.mean()
    X_mean = np.asarray(X.mean(axis=0), dtype=dtype).ravel()
    _, coefs, gaps = enet_path(X, y_c, l1_ratio=extra.get("l1_ratio", 1.0),
                               alphas=[0.05], X_offset=X_mean, tol=tol,
                               precompute=False, check_input=False)
    tight = 1e-10 if dtype == np.float64 else 1e-4
    assert_allclose(model.coef_, coefs[:, 0], rtol=tight, atol=tight)
    assert model.coef_.dtype == dtype
    assert model.dual_gap_ <= tol * np.sum(y_c.astype(np.float64) ** 2) / len(y)


def test_fused_start_only_where_one_read_gives_everything():
    X, y = _design(50, np.float64)
    assert _preprocess_start(X, y, True, None)[4] is not None
    # C order (a copy would be needed), weights, no intercept, two targets:
    # the means come alone, as before
    assert _preprocess_start(np.ascontiguousarray(X), y, True, None)[4] is None
    assert _preprocess_start(X, y, True, np.ones(50))[4] is None
    assert _preprocess_start(X, y, False, None)[4] is None
    assert _preprocess_start(X, np.c_[y, y], True, None)[4] is None
    assert _preprocess_start(sp.csc_matrix(X), y, True, None)[4] is not None
    # CSR would need a conversion, int64 indices a downcast
    assert _preprocess_start(sp.csr_matrix(X), y, True, None)[4] is None
    X64 = sp.csc_matrix(X)
    X64.indices = X64.indices.astype(np.int64)
    X64.indptr = X64.indptr.astype(np.int64)
    assert _preprocess_start(X64, y, True, None)[4] is None


def test_warm_start_does_not_use_the_cold_start_correlations():
    # x_j^T y are the first gap's correlations only at w = 0: a warm start
    # from another w must certify its gap from its own residual
    X, y = _design(300, np.float64, seed=2)
    X = np.asfortranarray(X[:, :4])
    model = Lasso(alpha=0.5, warm_start=True, tol=1e-10).fit(X, y)
    model.set_params(alpha=0.05).fit(X, y)
    cold = Lasso(alpha=0.05, tol=1e-10).fit(X, y)
    assert_allclose(model.coef_, cold.coef_, rtol=1e-6, atol=1e-8)
    y_c = y - y.mean()
    assert model.dual_gap_ <= 1e-10 * np.sum(y_c ** 2) / len(y)


def test_offsets_that_dwarf_the_spread_are_centered_explicitly():
    """Check a float64 column with mean 1e6 and std 3 converges at tol=1e-8.

    Implicit centering would stall its gap near 5e-8 (1000 epochs and a
    ConvergenceWarning); such a design is centered as a copy, as
    scikit-learn does, and the caller's X is left as it was.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import Lasso as SkLasso

    X, y = _design(300, np.float64, seed=2)
    X = np.asfortranarray(X[:, :5])  # column 4: mean 1e6, std 3
    X_before = X.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = Lasso(alpha=0.05, tol=1e-8).fit(X, y)
    ref = SkLasso(alpha=0.05, tol=1e-12, max_iter=100_000).fit(X, y)
    assert model.n_iter_ < 50
    assert_allclose(model.coef_, ref.coef_, rtol=1e-7, atol=1e-9)
    assert_allclose(model.intercept_, ref.intercept_, rtol=1e-9)
    np.testing.assert_array_equal(X, X_before)
    # a moderate offset (1e3 on 3) keeps the implicit centering: no copy
    X_mean, y_c, _, _, state = _preprocess_start(np.asfortranarray(X[:, :4]), y,
                                                 True, None)
    from skreg.linear_model._base import _centering_too_lossy_f64
    assert not _centering_too_lossy_f64(X[:, :4], X_mean, state)
