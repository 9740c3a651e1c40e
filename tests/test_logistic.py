"""LogisticRegression: scikit-learn's optimum, KKT conditions, layouts, errors."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, log_expit, logsumexp, softmax
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler

from skreg import LogisticRegression


def _data(n_classes=2, n_samples=120, n_features=12, random_state=0, n_redundant=2):
    X, y = make_classification(n_samples=n_samples, n_features=n_features,
                               n_informative=6, n_redundant=n_redundant,
                               n_classes=n_classes,
                               n_clusters_per_class=1, flip_y=0.1,
                               random_state=random_state)
    return StandardScaler().fit_transform(X) + 0.5, y


def _sk_objective(X, y, coef, intercept, C, l1_ratio, sw=None, pf=None):
    """scikit-learn 1.9's objective, written out: C sum s logloss + penalty."""
    X = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    sw = np.ones(X.shape[0]) if sw is None else sw
    pf = np.ones(X.shape[1]) if pf is None else pf
    eta = X @ np.atleast_2d(coef).T + intercept
    classes = np.unique(y)
    if eta.shape[1] == 1:
        t = (y == classes[1]).astype(float)
        loss = -log_expit(eta[:, 0]) + (1 - t) * eta[:, 0]
    else:
        idx = np.searchsorted(classes, y)
        loss = logsumexp(eta, axis=1) - eta[np.arange(len(y)), idx]
    W = np.atleast_2d(coef)
    pen = ((0.5 * (1 - l1_ratio) * W ** 2 + l1_ratio * np.abs(W)) * pf).sum()
    return C * sw @ loss + pen


def _kkt(X, y, coef, intercept, C, l1_ratio, sw=None, pf=None):
    """Largest subgradient-optimality violation of that objective / (C sum s)."""
    X = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    sw = np.ones(X.shape[0]) if sw is None else sw
    pf = np.ones(X.shape[1]) if pf is None else pf
    W = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    eta = X @ W.T + intercept
    classes = np.unique(y)
    if W.shape[0] == 1:
        R = (expit(eta[:, 0]) - (y == classes[1]))[:, None]
    else:
        R = softmax(eta, axis=1) - (y[:, None] == classes[None, :])
    R = R * sw[:, None]
    g = C * (X.T @ R).T + (1 - l1_ratio) * pf * W
    lam = l1_ratio * pf
    viol = np.where(W != 0, np.abs(g + lam * np.sign(W)), np.maximum(np.abs(g) - lam, 0))
    return max(viol.max(), C * np.abs(R.sum(axis=0)).max()) / (C * sw.sum())


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky", "cd"])
def test_logistic_l2_matches_sklearn(solver, n_classes):
    """Check that the L2 optimum equals scikit-learn's to 1e-6 relative."""
    X, y = _data(n_classes)
    ours = LogisticRegression(C=0.3, solver=solver, tol=1e-10, max_iter=2000).fit(X, y)
    ref = SkLogisticRegression(C=0.3, solver="newton-cholesky", tol=1e-12,
                               max_iter=1000).fit(X, y)
    assert ours.coef_.shape == ref.coef_.shape
    assert ours.intercept_.shape == ref.intercept_.shape
    scale = np.abs(ref.coef_).max()
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-6 * scale)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=0, atol=1e-6 * scale)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    assert ours.n_iter_.shape == (1,) and ours.n_iter_[0] >= 1


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_logistic_cd_l1_enet_kkt_and_objective(l1_ratio, n_classes):
    """Check that cd meets the KKT conditions and beats scikit-learn's saga objective."""
    X, y = _data(n_classes)
    C = 0.2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = LogisticRegression(C=C, l1_ratio=l1_ratio, solver="cd", tol=1e-9,
                                  max_iter=5000).fit(X, y)
        ref = SkLogisticRegression(C=C, l1_ratio=l1_ratio, solver="saga", tol=1e-8,
                                   max_iter=5000).fit(X, y)
    assert _kkt(X, y, ours.coef_, ours.intercept_, C, l1_ratio) < 1e-8
    assert np.any(ours.coef_ == 0)  # the L1 part zeroes some coefficients
    f_ours = _sk_objective(X, y, ours.coef_, ours.intercept_, C, l1_ratio)
    f_ref = _sk_objective(X, y, ref.coef_, ref.intercept_, C, l1_ratio)
    assert f_ours <= f_ref + 1e-9 * abs(f_ref)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("solver,l1_ratio", [("lbfgs", 0.0), ("newton-cholesky", 0.0),
                                             ("cd", 0.0), ("cd", 0.7)])
def test_logistic_dense_equals_sparse(solver, l1_ratio, n_classes):
    """Check that CSR, CSC and dense X give the same fit."""
    X, y = _data(n_classes)
    X[np.abs(X) < 0.6] = 0.0
    kw = dict(C=0.5, l1_ratio=l1_ratio, solver=solver, tol=1e-10, max_iter=3000)
    dense = LogisticRegression(**kw).fit(X, y)
    for fmt in (sp.csr_matrix, sp.csc_matrix):
        sparse = LogisticRegression(**kw).fit(fmt(X), y)
        np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-7)
        np.testing.assert_allclose(sparse.intercept_, dense.intercept_, atol=1e-7)
        np.testing.assert_allclose(sparse.decision_function(fmt(X)),
                                   dense.decision_function(X), atol=1e-6)


@pytest.mark.parametrize("solver,l1_ratio", [("lbfgs", 0.0), ("newton-cholesky", 0.0),
                                             ("cd", 1.0), ("cd", 0.3)])
def test_logistic_float32_kept_and_close(solver, l1_ratio):
    """Check that float32 X gives float32 coefficients close to float64's."""
    X, y = _data(3)
    kw = dict(C=0.5, l1_ratio=l1_ratio, solver=solver, tol=1e-6, max_iter=2000)
    f64 = LogisticRegression(**kw).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        f32 = LogisticRegression(**kw).fit(X.astype(np.float32), y)
    assert f32.coef_.dtype == np.float32 and f32.intercept_.dtype == np.float32
    assert f32.predict_proba(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(f32.coef_, f64.coef_, atol=1e-3)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("solver,l1_ratio", [("lbfgs", 0.0), ("newton-cholesky", 0.0),
                                             ("cd", 1.0), ("cd", 0.5)])
def test_logistic_sample_weight_equals_repeated_rows(solver, l1_ratio, n_classes):
    """Check that integer sample weights equal repeating rows."""
    X, y = _data(n_classes, n_samples=60)
    sw = np.random.RandomState(1).randint(0, 4, size=X.shape[0])
    kw = dict(C=0.5, l1_ratio=l1_ratio, solver=solver, tol=1e-10, max_iter=5000)
    weighted = LogisticRegression(**kw).fit(X, y, sample_weight=sw)
    repeated = LogisticRegression(**kw).fit(np.repeat(X, sw, axis=0), np.repeat(y, sw))
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-6)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, atol=1e-6)


@pytest.mark.parametrize("solver", ["lbfgs", "cd"])
def test_logistic_class_weight(solver):
    """Check that class_weight is sample weighting, and 'balanced' is scikit-learn's."""
    X, y = _data(3)
    cw = {0: 0.5, 1: 2.0, 2: 1.0}
    kw = dict(C=0.5, solver=solver, tol=1e-10, max_iter=2000)
    a = LogisticRegression(class_weight=cw, **kw).fit(X, y)
    b = LogisticRegression(**kw).fit(X, y, sample_weight=np.array([cw[c] for c in y]))
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-7)
    ours = LogisticRegression(class_weight="balanced", **kw).fit(X[:100], y[:100])
    ref = SkLogisticRegression(class_weight="balanced", C=0.5, solver="newton-cholesky",
                               tol=1e-12).fit(X[:100], y[:100])
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)


def test_logistic_no_penalty_matches_sklearn():
    """Check that C=np.inf is the unpenalised fit, as scikit-learn's."""
    X, y = _data(2, n_samples=200, n_redundant=0)  # strictly convex
    ref = SkLogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12).fit(X, y)
    for solver in ("lbfgs", "newton-cholesky", "cd"):
        ours = LogisticRegression(C=np.inf, solver=solver, tol=1e-10,
                                  max_iter=1000).fit(X, y)
        np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-7)


def test_logistic_penalty_deprecated_with_sklearn_warning():
    """Check that penalty warns as scikit-learn's and maps to l1_ratio."""
    X, y = _data(2)
    with pytest.warns(FutureWarning, match="'penalty' was deprecated in version 1.8"):
        a = LogisticRegression(penalty="l1", l1_ratio=1.0, solver="cd", C=0.3).fit(X, y)
    b = LogisticRegression(l1_ratio=1.0, solver="cd", C=0.3).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_)
    with pytest.warns(FutureWarning, match="l1_ratio=None"):
        LogisticRegression(l1_ratio=None).fit(X, y)
    with pytest.warns(FutureWarning, match="'n_jobs' has no effect"):
        LogisticRegression(n_jobs=2).fit(X, y)


@pytest.mark.parametrize("params,match", [
    (dict(C=0.0), "C"),
    (dict(C=-1.0), "C"),
    (dict(C=float("nan")), "C"),
    (dict(l1_ratio=1.5), "l1_ratio"),
    (dict(l1_ratio=-0.1), "l1_ratio"),
    (dict(l1_ratio=0.5), "Solver lbfgs supports only 'l2' or None penalties.*solver='cd'"),
    (dict(l1_ratio=1.0, solver="newton-cholesky"), "supports only 'l2'"),
    (dict(solver="liblinear"), "solver='cd'"),
    (dict(solver="newton-cg"), "solver='newton-cholesky'"),
    (dict(solver="sag", l1_ratio=1.0), "Solver sag supports only 'l2' or None "
                                       "penalties, got l1 penalty"),
    (dict(solver="sag", l1_ratio=0.5), "Solver sag supports only 'l2' or None "
                                       "penalties, got elasticnet penalty"),
    (dict(dual=True), "dual=False"),
    (dict(penalty_factor=[1.0, -1.0] + [1.0] * 10), "non-negative"),
    (dict(penalty_factor=[1.0] * 3), "shape"),
])
def test_logistic_bad_parameters(params, match):
    """Check that bad parameters raise a ValueError naming the problem."""
    X, y = _data(2)
    with pytest.raises(ValueError, match=match):
        LogisticRegression(**params).fit(X, y)


def test_logistic_bad_targets():
    """Check one class, continuous targets and multiclass liblinear."""
    X, y = _data(3)
    with pytest.raises(ValueError, match="only one class"):
        LogisticRegression().fit(X, np.zeros(X.shape[0]))
    with pytest.raises(ValueError, match="Unknown label type"):
        LogisticRegression().fit(X, np.linspace(0, 1, X.shape[0]))
    with pytest.raises(ValueError, match="multiclass.*solver='cd'"):
        LogisticRegression(solver="liblinear").fit(X, y)


def test_logistic_inputs_not_modified():
    """Check that X, y, sample_weight and penalty_factor are left as passed."""
    X, y = _data(3)
    X = np.asfortranarray(X)
    sw = np.linspace(0.5, 2, X.shape[0])
    pf = np.linspace(0.5, 2, X.shape[1])
    copies = [a.copy() for a in (X, y, sw, pf)]
    for solver, l1 in [("cd", 0.5), ("lbfgs", 0.0)]:
        LogisticRegression(solver=solver, l1_ratio=l1, penalty_factor=pf,
                           class_weight="balanced").fit(X, y, sample_weight=sw)
    for a, c in zip((X, y, sw, pf), copies):
        np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize("solver,l1_ratio", [("lbfgs", 0.0), ("cd", 0.0), ("cd", 1.0),
                                             ("cd", 0.6)])
def test_logistic_penalty_factor_kkt(solver, l1_ratio):
    """Check glmnet's penalty_factor: KKT with the rescaled factors, 0 unpenalised."""
    X, y = _data(2)
    pf = np.linspace(0.2, 3.0, X.shape[1])
    if l1_ratio == 1.0:
        pf[0] = 0.0
    C = 0.1
    est = LogisticRegression(C=C, l1_ratio=l1_ratio, solver=solver, tol=1e-10,
                             max_iter=3000, penalty_factor=pf).fit(X, y)
    pf_r = pf * X.shape[1] / pf.sum()
    # lbfgs stops on its relative-decrease rule (ftol) before gtol=1e-10
    assert _kkt(X, y, est.coef_, est.intercept_, C, l1_ratio, pf=pf_r) < (
        1e-7 if solver == "lbfgs" else 1e-8)
    plain = LogisticRegression(C=C, l1_ratio=l1_ratio, solver=solver, tol=1e-10,
                               max_iter=3000, penalty_factor=np.full(X.shape[1], 3.0))
    np.testing.assert_allclose(
        plain.fit(X, y).coef_,
        LogisticRegression(C=C, l1_ratio=l1_ratio, solver=solver, tol=1e-10,
                           max_iter=3000).fit(X, y).coef_, atol=1e-8)


def test_logistic_penalty_factor_inf_excludes():
    """Check that an infinite factor keeps a feature out of the model."""
    X, y = _data(2)
    pf = np.ones(X.shape[1])
    pf[3] = np.inf
    est = LogisticRegression(solver="cd", l1_ratio=0.5, tol=1e-10,
                             penalty_factor=pf).fit(X, y)
    assert est.coef_[0, 3] == 0
    reduced = LogisticRegression(solver="cd", l1_ratio=0.5, tol=1e-10).fit(
        np.delete(X, 3, axis=1), y)
    np.testing.assert_allclose(np.delete(est.coef_, 3, axis=1), reduced.coef_, atol=1e-8)


def test_logistic_cd_zero_factor_with_l2_matches_newton():
    """Check that cd with an L2 part and a zero factor equals newton-cholesky's optimum."""
    X, y = _data(2)
    pf = np.ones(X.shape[1])
    pf[0] = 0.0
    pf[1] = 3.0
    cd = LogisticRegression(solver="cd", l1_ratio=0.0, tol=1e-10,
                            penalty_factor=pf).fit(X, y)
    nc = LogisticRegression(solver="newton-cholesky", l1_ratio=0.0, tol=1e-10,
                            penalty_factor=pf).fit(X, y)
    np.testing.assert_allclose(cd.coef_, nc.coef_, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("solver", ["lbfgs", "cd"])
def test_logistic_warm_start(solver):
    """Check that warm_start starts from coef_ and lands on the same optimum."""
    X, y = _data(3)
    est = LogisticRegression(C=0.5, solver=solver, tol=1e-10, warm_start=True,
                             max_iter=1000).fit(X, y)
    first = est.coef_.copy()
    est.fit(X, y)
    np.testing.assert_allclose(est.coef_, first, atol=1e-7)
    assert est.n_iter_[0] <= 2
    with pytest.raises(ValueError, match="Initialization coef is of shape"):
        est.fit(X[:, :5], y)


def test_logistic_string_labels_and_methods():
    """Check labels, probabilities, log-probabilities and decision shapes."""
    X, y = _data(3)
    labels = np.array(["ant", "bee", "cat"])[y]
    est = LogisticRegression(solver="cd", l1_ratio=0.5).fit(X, labels)
    np.testing.assert_array_equal(est.classes_, ["ant", "bee", "cat"])
    P = est.predict_proba(X)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(est.predict_log_proba(X), np.log(P))
    np.testing.assert_array_equal(est.predict(X), est.classes_[P.argmax(axis=1)])
    assert est.decision_function(X).shape == (X.shape[0], 3)
    np.testing.assert_allclose(est.intercept_.sum(), 0.0, atol=1e-10)
    est2 = LogisticRegression().fit(X, labels == "ant")
    assert est2.coef_.shape == (1, X.shape[1]) and est2.decision_function(X).ndim == 1
    np.testing.assert_allclose(est2.predict_proba(X)[:, 1],
                               expit(est2.decision_function(X)))


def test_logistic_cd_convergence_warning():
    """Check that cd warns with the KKT violation when max_iter is too small."""
    X, y = _data(3)
    with pytest.warns(ConvergenceWarning, match="KKT violation"):
        LogisticRegression(solver="cd", l1_ratio=1.0, tol=1e-12, max_iter=1).fit(X, y)


def test_logistic_sparsify_densify():
    """Check that sparsify/densify keep the decision function, as scikit-learn's."""
    X, y = _data(3)
    est = LogisticRegression(solver="cd", l1_ratio=1.0, C=0.1).fit(X, y)
    dense = est.decision_function(X)
    assert sp.issparse(est.sparsify().coef_)
    np.testing.assert_allclose(est.decision_function(X), dense)
    np.testing.assert_allclose(est.decision_function(sp.csr_matrix(X)), dense)
    assert isinstance(est.densify().coef_, np.ndarray)
    np.testing.assert_allclose(est.decision_function(X), dense)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cholesky", "cd"])
def test_logistic_max_iter_zero(solver):
    """Check that max_iter=0 reports n_iter_ == 0 and warns, as scikit-learn."""
    X, y = _data(2)
    with pytest.warns(ConvergenceWarning):
        est = LogisticRegression(solver=solver, max_iter=0).fit(X, y)
    assert est.n_iter_[0] == 0


def test_newton_cholesky_singular_hessian_falls_back_to_lbfgs():
    """Singular Hessian: scikit-learn's LinAlgWarning, then lbfgs from the same start.

    A wide problem with C=1e30 (scikit-learn's test_newton_cholesky_fallback_to_lbfgs):
    the fit is the lbfgs one, with its iteration count, and a smaller max_iter
    leaves lbfgs max_iter - 1 iterations and its ConvergenceWarning.
    """
    from scipy.linalg import LinAlgWarning

    X, y = make_classification(n_samples=10, n_features=20, random_state=42)
    lbfgs = LogisticRegression(solver="lbfgs", C=1e30).fit(X, y)
    with pytest.warns(LinAlgWarning, match="singular or very ill-conditioned Hessian"):
        nc = LogisticRegression(solver="newton-cholesky", C=1e30).fit(X, y)
    assert nc.n_iter_[0] == lbfgs.n_iter_[0] >= 1
    np.testing.assert_allclose(nc.coef_, lbfgs.coef_, rtol=1e-10)
    np.testing.assert_allclose(nc.intercept_, lbfgs.intercept_, rtol=1e-10, atol=1e-12)
    limited = LogisticRegression(solver="newton-cholesky", C=1e30,
                                 max_iter=lbfgs.n_iter_[0] - 1)
    with pytest.warns(LinAlgWarning), pytest.warns(ConvergenceWarning,
                                                    match="lbfgs failed to converge"):
        limited.fit(X, y)
    assert limited.n_iter_[0] == limited.max_iter - 1


class _Recorder:
    """A scikit-learn 1.9 FitCallback that records its hooks and the fitted estimators."""

    def __init__(self):
        self.events = []

    def setup(self, estimator, context):
        self.events.append(("setup", None, None))

    def teardown(self, estimator, context):
        self.events.append(("teardown", None, None))

    def on_fit_task_begin(self, estimator, context, *, fitted_estimator=None):
        self.events.append(("begin", context.task_name, fitted_estimator))

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        self.events.append(("end", context.task_name, fitted_estimator))
        return False


@pytest.mark.parametrize("n_classes", [2, 3])
def test_logistic_lbfgs_callbacks(n_classes):
    """lbfgs runs scikit-learn 1.9 callbacks: one task per iteration, whose fitted
    estimator equals a fit stopped there (max_iter=i); other solvers warn."""
    pytest.importorskip("sklearn.callback")
    X, y = _data(n_classes)
    cb = _Recorder()
    clf = LogisticRegression(tol=1e-8).set_callbacks(cb).fit(X, y)
    n_iter = int(clf.n_iter_[0])
    names = [e[:2] for e in cb.events]
    assert names[0] == ("setup", None) and names[-1] == ("teardown", None)
    begins = [e for e in cb.events if e[0] == "begin" and e[1] == "lbfgs-iter"]
    ends = [e for e in cb.events if e[0] == "end" and e[1] == "lbfgs-iter"]
    assert len(begins) == len(ends) == n_iter + 1 and n_iter > 3
    for i in (1, 2, n_iter // 2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            stopped = LogisticRegression(tol=1e-8, max_iter=i).fit(X, y)
        est = begins[i][2]
        np.testing.assert_allclose(est.coef_, stopped.coef_, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(est.intercept_, stopped.intercept_, rtol=1e-12,
                                   atol=1e-14)
        np.testing.assert_array_equal(est.predict(X), stopped.predict(X))
    np.testing.assert_allclose(ends[n_iter - 1][2].coef_, clf.coef_)
    assert begins[0][2].coef_.shape == clf.coef_.shape and not np.any(begins[0][2].coef_)
    with pytest.warns(UserWarning, match="only supported in LogisticRegression for "
                                         "solver='lbfgs'"):
        LogisticRegression(solver="cd").set_callbacks(_Recorder())


@pytest.mark.parametrize("sparse", [False, True])
def test_weighted_gram_signed_weights(sparse):
    """The one Gram builder takes signed weights (newton-cholesky's multinomial
    off-diagonal Hessian blocks -sw p_k p_l) without a NaN from sqrt."""
    from skreg._solvers import weighted_gram

    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 4))
    d = rng.standard_normal(50)
    Xin = sp.csr_matrix(X) if sparse else X
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        G = weighted_gram(Xin, d, block=16)
    np.testing.assert_allclose(G, X.T @ (X * d[:, None]), rtol=1e-12, atol=1e-12)
