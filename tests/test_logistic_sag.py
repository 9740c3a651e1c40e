"""LogisticRegression(CV) with solver='sag'/'saga': scikit-learn's algorithms."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import log_expit, logsumexp
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.linear_model import LogisticRegressionCV as SkLogisticRegressionCV
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from skreg import LogisticRegression, LogisticRegressionCV, Ridge

# (solver, l1_ratio) pairs each solver accepts
CASES = [("sag", 0.0), ("saga", 0.0), ("saga", 0.5), ("saga", 1.0)]


def _data(n_classes=2, n_samples=100, n_features=8, random_state=0, sparse=False):
    X, y = make_classification(n_samples=n_samples, n_features=n_features,
                               n_informative=5, n_redundant=1, n_classes=n_classes,
                               n_clusters_per_class=1, flip_y=0.1,
                               random_state=random_state)
    X = StandardScaler().fit_transform(X)
    if sparse:
        X[np.abs(X) < 0.6] = 0.0
        return sp.csr_matrix(X), y
    return X, y


def _objective(X, y, coef, intercept, C, l1_ratio, sw=None, pf=None):
    """scikit-learn 1.9's objective written out: C sum s logloss + penalty."""
    X = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    sw = np.ones(X.shape[0]) if sw is None else sw
    pf = np.ones(X.shape[1]) if pf is None else pf
    W = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    eta = X @ W.T + intercept
    classes = np.unique(y)
    if W.shape[0] == 1:
        t = (y == classes[1]).astype(float)
        loss = -log_expit(eta[:, 0]) + (1 - t) * eta[:, 0]
    else:
        idx = np.searchsorted(classes, y)
        loss = logsumexp(eta, axis=1) - eta[np.arange(len(y)), idx]
    pen = ((0.5 * (1 - l1_ratio) * W ** 2 + l1_ratio * np.abs(W)) * pf).sum()
    return C * sw @ loss + pen


def _centered(b):
    """Multinomial intercepts centered (skreg's convention; the softmax is unchanged)."""
    return b - b.mean() if b.size > 1 else b


@pytest.mark.parametrize("solver,l1_ratio", CASES)
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sag_matches_sklearn_at_tight_tol(solver, l1_ratio, n_classes, fit_intercept):
    """Check coef_/intercept_ equal scikit-learn's (same solver) to 1e-5 relative."""
    X, y = _data(n_classes)
    kw = dict(C=0.5, l1_ratio=l1_ratio, solver=solver, tol=1e-10, max_iter=20000,
              fit_intercept=fit_intercept, random_state=0)
    ours = LogisticRegression(**kw).fit(X, y)
    ref = SkLogisticRegression(**kw).fit(X, y)
    assert ours.coef_.shape == ref.coef_.shape and ours.coef_.dtype == np.float64
    scale = np.abs(ref.coef_).max()
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-7 * scale)
    np.testing.assert_allclose(ours.intercept_, _centered(ref.intercept_), rtol=1e-5,
                               atol=1e-7 * scale)
    # same algorithm, same stopping rule: about as many epochs
    assert ours.n_iter_.shape == (1,)
    assert 0.7 * ref.n_iter_[0] <= ours.n_iter_[0] <= 1.3 * ref.n_iter_[0]


@pytest.mark.parametrize("solver,l1_ratio", CASES)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_sag_sparse_matches_sklearn_and_dense(solver, l1_ratio, n_classes):
    """Check sparse X (lagged updates, damped intercept) against scikit-learn and dense."""
    Xs, y = _data(n_classes, sparse=True)
    kw = dict(C=0.5, l1_ratio=l1_ratio, solver=solver, tol=1e-10, max_iter=50000,
              random_state=0)
    ours = LogisticRegression(**kw).fit(Xs, y)
    ref = SkLogisticRegression(**kw).fit(Xs, y)
    dense = LogisticRegression(**kw).fit(Xs.toarray(), y)
    scale = np.abs(ref.coef_).max()
    for other, b in ((ref.coef_, _centered(ref.intercept_)),
                     (dense.coef_, dense.intercept_)):
        np.testing.assert_allclose(ours.coef_, other, rtol=1e-5, atol=1e-6 * scale)
        np.testing.assert_allclose(ours.intercept_, b, rtol=1e-5, atol=1e-6 * scale)


@pytest.mark.parametrize("solver,l1_ratio", [("sag", 0.0), ("saga", 0.5)])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("sparse", [False, True])
def test_sag_reaches_the_cd_optimum_with_weights_and_factors(solver, l1_ratio,
                                                             n_classes, sparse):
    """Check the optimum is cd's with sample/class weights and penalty factors."""
    X, y = _data(n_classes, sparse=sparse)
    rng = np.random.RandomState(1)
    sw = rng.uniform(0.3, 3.0, X.shape[0])
    pf = np.array([0.0, 2.0, 1.0, 0.5, 1.0, 3.0, 1.0, 1.0])
    kw = dict(C=0.4, l1_ratio=l1_ratio, penalty_factor=pf, class_weight="balanced")
    # tol 1e-12: on sparse X the damped intercept lags the weights that the
    # stopping rule watches (scikit-learn's algorithm)
    ours = LogisticRegression(solver=solver, tol=1e-12, max_iter=200000, random_state=0,
                              **kw).fit(X, y, sample_weight=sw)
    ref = LogisticRegression(solver="cd", tol=1e-9, max_iter=1000, **kw).fit(
        X, y, sample_weight=sw)
    W, W_ref = ours.coef_.copy(), ref.coef_.copy()
    if n_classes > 2:
        # feature 0 is unpenalised: the softmax leaves its column free up to a
        # common shift, so only the centered column is unique
        W[:, 0] -= W[:, 0].mean()
        W_ref[:, 0] -= W_ref[:, 0].mean()
    scale = np.abs(W_ref).max()
    np.testing.assert_allclose(W, W_ref, rtol=1e-5, atol=1e-6 * scale)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-5,
                               atol=1e-6 * scale)
    assert np.all(ours.coef_[:, 0] != 0)  # pf 0: unpenalised, so not thresholded
    cw = len(y) / (n_classes * np.bincount(y))
    s = sw * cw[y]
    pf_n = pf * len(pf) / pf.sum()  # the factors are rescaled to sum to n_features
    f = _objective(X, y, ours.coef_, ours.intercept_, 0.4, l1_ratio, s, pf_n)
    f_ref = _objective(X, y, ref.coef_, ref.intercept_, 0.4, l1_ratio, s, pf_n)
    assert abs(f - f_ref) <= 1e-9 * f_ref


@pytest.mark.parametrize("n_classes", [2, 3])
def test_sag_l2_and_no_penalty_reach_lbfgs(n_classes):
    """Check sag's L2 optimum and C=inf fit equal lbfgs's (the unique minimum)."""
    X, y = _data(n_classes, n_samples=200)
    for C in (0.7, np.inf):
        ours = LogisticRegression(C=C, solver="sag", tol=1e-11, max_iter=50000,
                                  random_state=0).fit(X, y)
        ref = LogisticRegression(C=C, solver="lbfgs", tol=1e-12, max_iter=5000).fit(X, y)
        scale = np.abs(ref.coef_).max()
        np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-6 * scale)
        np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-5,
                                   atol=1e-6 * scale)


@pytest.mark.parametrize("solver,l1_ratio", CASES)
@pytest.mark.parametrize("sparse", [False, True])
def test_sag_float32_stays_float32(solver, l1_ratio, sparse):
    """Check float32 X gives float32 coef_ close to the float64 fit."""
    X, y = _data(3, sparse=sparse)
    kw = dict(C=0.5, l1_ratio=l1_ratio, solver=solver, tol=1e-8, max_iter=20000,
              random_state=0)
    X32 = X.astype(np.float32)
    X32_before = X32.copy()
    e32 = LogisticRegression(**kw).fit(X32, y)
    e64 = LogisticRegression(**kw).fit(X, y)
    assert e32.coef_.dtype == np.float32 and e32.intercept_.dtype == np.float32
    scale = np.abs(e64.coef_).max()
    np.testing.assert_allclose(e32.coef_, e64.coef_, rtol=1e-4, atol=1e-5 * scale)
    np.testing.assert_allclose(e32.intercept_, e64.intercept_, rtol=1e-4,
                               atol=1e-5 * scale)
    after = X32.toarray() if sparse else X32
    np.testing.assert_array_equal(after, X32_before.toarray() if sparse else X32_before)


@pytest.mark.parametrize("solver,l1_ratio", CASES)
def test_sag_sample_weight_equals_repeated_rows(solver, l1_ratio):
    """Check integer sample weights give the fit on repeated rows."""
    X, y = _data(3)
    w = np.random.RandomState(0).randint(0, 4, X.shape[0])
    kw = dict(C=0.5, l1_ratio=l1_ratio, solver=solver, tol=1e-11, max_iter=50000,
              random_state=0)
    a = LogisticRegression(**kw).fit(X, y, sample_weight=w.astype(float))
    b = LogisticRegression(**kw).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    scale = np.abs(b.coef_).max()
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-5, atol=1e-6 * scale)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-5, atol=1e-6 * scale)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 1.0])
def test_saga_default_tol_objective_no_worse_than_sklearn(n_classes, l1_ratio):
    """Check, over 5 seeds, saga's objective at the default tol against scikit-learn's.

    Both stop on the same rule with different random draws, so per seed
    either may be ahead: the median distance to the optimum must not exceed
    scikit-learn's by more than sampling noise (a factor 1.5).
    """
    X, y = _data(n_classes, n_samples=150, random_state=3)
    C = 0.3
    opt_est = LogisticRegression(C=C, l1_ratio=l1_ratio, solver="cd", tol=1e-12,
                                 max_iter=1000).fit(X, y)
    opt = _objective(X, y, opt_est.coef_, opt_est.intercept_, C, l1_ratio)
    ours, theirs = [], []
    for seed in range(5):
        a = LogisticRegression(C=C, l1_ratio=l1_ratio, solver="saga",
                               random_state=seed).fit(X, y)
        b = SkLogisticRegression(C=C, l1_ratio=l1_ratio, solver="saga",
                                 random_state=seed).fit(X, y)
        ours.append(_objective(X, y, a.coef_, a.intercept_, C, l1_ratio) - opt)
        theirs.append(_objective(X, y, b.coef_, b.intercept_, C, l1_ratio) - opt)
    assert min(ours) >= -1e-9 * opt  # the cd reference is the optimum
    assert np.median(ours) <= 1.5 * np.median(theirs) + 1e-12 * opt


@pytest.mark.parametrize("solver", ["sag", "saga"])
def test_sag_convergence_warning_and_n_iter(solver):
    """Check scikit-learn's ConvergenceWarning and n_iter_ == max_iter."""
    X, y = _data(2)
    with pytest.warns(ConvergenceWarning, match="The max_iter was reached which "
                                                "means the coef_ did not converge"):
        est = LogisticRegression(solver=solver, max_iter=2, tol=1e-12,
                                 random_state=0).fit(X, y)
    assert est.n_iter_.tolist() == [2]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = LogisticRegression(solver=solver, max_iter=1000, random_state=0).fit(X, y)
    assert 1 <= est.n_iter_[0] < 1000


@pytest.mark.parametrize("l1_ratio,name", [(1.0, "l1"), (0.5, "elasticnet")])
def test_sag_refuses_l1_as_sklearn(l1_ratio, name):
    """Check 'sag' + L1 / elastic net raises scikit-learn's error (fit and CV)."""
    X, y = _data(2)
    msg = f"Solver sag supports only 'l2' or None penalties, got {name} penalty"
    with pytest.raises(ValueError, match=msg):
        SkLogisticRegression(solver="sag", l1_ratio=l1_ratio).fit(X, y)
    with pytest.raises(ValueError, match=msg):
        LogisticRegression(solver="sag", l1_ratio=l1_ratio).fit(X, y)
    with pytest.raises(ValueError, match="Solver sag supports only 'l2' or None"):
        LogisticRegressionCV(solver="sag", l1_ratios=(l1_ratio,), Cs=2,
                             use_legacy_attributes=False,
                             scoring="neg_log_loss").fit(X, y)


@pytest.mark.parametrize("solver", ["sag", "saga"])
def test_sag_warm_start_and_random_state(solver):
    """Check warm_start starts from coef_ and random_state reproduces a fit.

    As scikit-learn's, a new fit starts with an empty SAG memory, so only the
    weights carry over: with max_iter=0 they come back unchanged.
    """
    X, y = _data(3)
    kw = dict(C=0.5, solver=solver, tol=1e-10, max_iter=5000, random_state=0)
    a = LogisticRegression(**kw).fit(X, y)
    b = LogisticRegression(**kw).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-12, atol=0)
    for est in (a, SkLogisticRegression(**kw).fit(X, y)):
        before = (est.coef_.copy(), est.intercept_.copy())
        est.set_params(warm_start=True, max_iter=0)
        with warnings.catch_warnings():
            # skreg warns (0 epochs run, max_iter reached); scikit-learn reports
            # n_iter_ = 1 and does not
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, y)
        np.testing.assert_allclose(est.coef_, before[0], rtol=1e-12, atol=0)
        np.testing.assert_allclose(_centered(est.intercept_), _centered(before[1]),
                                   rtol=1e-12, atol=1e-14)
    a.set_params(C=2.0, max_iter=5000).fit(X, y)  # warm from C=0.5's optimum
    ref = LogisticRegression(C=2.0, solver="lbfgs", tol=1e-12, max_iter=5000).fit(X, y)
    np.testing.assert_allclose(a.coef_, ref.coef_, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_saga_logistic_cv_matches_sklearn(n_classes):
    """Check LogisticRegressionCV(solver='saga') against scikit-learn's, elastic net."""
    X, y = _data(n_classes, n_samples=120)
    kw = dict(Cs=[0.05, 0.3, 2.0], l1_ratios=(0.5,), solver="saga", tol=1e-10,
              max_iter=20000, scoring="neg_log_loss", cv=StratifiedKFold(3),
              random_state=0, use_legacy_attributes=False)
    ours = LogisticRegressionCV(**kw).fit(X, y)
    ref = SkLogisticRegressionCV(**kw).fit(X, y)
    np.testing.assert_allclose(ours.C_, ref.C_)
    np.testing.assert_allclose(ours.scores_, ref.scores_, rtol=1e-6)
    np.testing.assert_allclose(ours.coefs_paths_, _paths_centered(ref, n_classes),
                               rtol=1e-4, atol=1e-5)
    scale = np.abs(ref.coef_).max()
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-6 * scale)
    np.testing.assert_allclose(ours.intercept_, _centered(ref.intercept_), rtol=1e-5,
                               atol=1e-6 * scale)


def _paths_centered(ref, n_classes):
    """scikit-learn's coefs_paths_ with multinomial intercepts centered."""
    paths = np.array(ref.coefs_paths_, dtype=float)
    if n_classes > 2:
        b = paths[..., -1]
        paths[..., -1] = b - b.mean(axis=-1, keepdims=True)
    return paths


def test_sag_sparse_with_empty_last_rows():
    """Check sparse X whose last rows are empty (the step size's row norms) fits as dense."""
    X, y = _data(2)
    X[-3:] = 0.0
    kw = dict(C=0.5, solver="saga", l1_ratio=0.5, tol=1e-12, max_iter=100000,
              random_state=0)
    a = LogisticRegression(**kw).fit(sp.csr_matrix(X), y)
    b = LogisticRegression(**kw).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("solver", ["sag", "saga"])
def test_sag_refuses_64bit_sparse_indices_as_sklearn(solver):
    """Check CSR X with int64 indices gets scikit-learn's error (fit and CV), and that
    the other solvers and Ridge's sag take it (Ridge: same answer as int32 indices)."""
    X, y = _data(2, sparse=True)
    X64 = X.copy()
    X64.indices, X64.indptr = X64.indices.astype(np.int64), X64.indptr.astype(np.int64)
    msg = "Only sparse matrices with 32-bit integer indices"
    for cls, kw in ((SkLogisticRegression, {}), (LogisticRegression, {}),
                    (LogisticRegressionCV, dict(Cs=2, l1_ratios=(0.0,), scoring="accuracy",
                                                use_legacy_attributes=False))):
        with pytest.raises(ValueError, match=msg):
            cls(solver=solver, **kw).fit(X64, y)
    a = LogisticRegression(solver="lbfgs").fit(X64, y)
    b = LogisticRegression(solver="lbfgs").fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-10)
    r64 = Ridge(solver=solver, tol=1e-10, max_iter=10000, random_state=0,
                fit_intercept=False).fit(X64, y.astype(float))
    r32 = Ridge(solver=solver, tol=1e-10, max_iter=10000, random_state=0,
                fit_intercept=False).fit(X, y.astype(float))
    np.testing.assert_array_equal(r64.coef_, r32.coef_)
