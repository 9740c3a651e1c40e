"""max_iter as a budget of coordinate updates, and warm_start resuming a capped fit."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

import skreg


def _data(n=50, p=200, seed=0):
    rs = np.random.RandomState(seed)
    w = rs.randn(p)
    w[10:] = 0.0
    X = rs.randn(n, p)
    return X, X @ w


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("selection", ["cyclic", "random"])
@pytest.mark.parametrize("Model,kw", [(skreg.ElasticNet, dict(alpha=0.1)),
                                      (skreg.Lasso, dict(alpha=0.02))])
def test_two_capped_warm_fits_equal_one_longer_fit(Model, kw, selection, sparse):
    X, y = _data()
    if sparse:
        X = sp.csc_matrix(X)
    sw = np.random.RandomState(1).uniform(0.5, 2.0, size=y.shape[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = Model(max_iter=3, warm_start=True, selection=selection, random_state=0, **kw)
        a.fit(X, y, sample_weight=sw)
        n1 = a.n_iter_
        a.fit(X, y, sample_weight=sw)
        b = Model(max_iter=6, selection=selection, random_state=0, **kw)
        b.fit(X, y, sample_weight=sw)
    assert n1 <= 3 and a.n_iter_ <= 3 and b.n_iter_ <= 6
    assert n1 + a.n_iter_ == b.n_iter_
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-10, atol=1e-12)


def test_state_of_another_problem_only_steers():
    """A capped fit's state reused after alpha changed still ends at the optimum."""
    X, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = skreg.ElasticNet(alpha=0.1, max_iter=2, warm_start=True).fit(X, y)
    assert m._cd_resume[0]  # ran out: a state was kept
    m.set_params(alpha=0.05, max_iter=100000, tol=1e-10).fit(X, y)
    ref = skreg.ElasticNet(alpha=0.05, max_iter=100000, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(m.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
    assert not m._cd_resume[0]  # converged: nothing kept


def test_n_iter_never_exceeds_max_iter():
    X, y = _data()
    for max_iter in (1, 2, 7):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            m = skreg.ElasticNet(alpha=0.1, max_iter=max_iter).fit(X, y)
        assert 1 <= m.n_iter_ <= max_iter
