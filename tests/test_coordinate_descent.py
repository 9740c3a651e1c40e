"""Lasso / ElasticNet against scikit-learn, the KKT conditions and each other."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning

from skreg import ElasticNet, Lasso, LassoCV, enet_path, lasso_path
from skreg._objectives import alpha_max, enet_duality_gap, enet_kkt_violation

LAYOUTS = {
    "dense": lambda X: X,
    "csc": sp.csc_matrix,
    "csr": sp.csr_matrix,
}
TIGHT = dict(tol=1e-10, max_iter=100_000)


def _pair(model, **params):
    cls_sk = getattr(sk, model)
    cls_us = {"Lasso": Lasso, "ElasticNet": ElasticNet}[model]
    return cls_sk(**params), cls_us(**params)


def _assert_same_fit(ours, ref, rtol=1e-6, atol=1e-8):
    scale = max(np.abs(ref.coef_).max(), 1.0)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=rtol, atol=atol * scale)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=rtol,
                               atol=atol * scale)


@pytest.mark.parametrize("model", ["Lasso", "ElasticNet"])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("shape", [(80, 20), (30, 90)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_enet_matches_sklearn(regression_data, model, layout, shape, fit_intercept):
    """Check that coefficients and intercept equal scikit-learn's at tol=1e-10."""
    # without an intercept an offset design is ill-conditioned for both solvers
    X, y = regression_data(*shape, shift=2.0 if fit_intercept else 0.0)
    a_max = alpha_max(X, y, fit_intercept=fit_intercept)
    extra = {"l1_ratio": 0.4} if model == "ElasticNet" else {}
    for alpha in (a_max / 5, a_max / 50):
        ref, ours = _pair(model, alpha=alpha, fit_intercept=fit_intercept, **TIGHT,
                          **extra)
        ref.fit(LAYOUTS[layout](X), y)
        ours.fit(LAYOUTS[layout](X), y)
        _assert_same_fit(ours, ref)


@pytest.mark.parametrize("model", ["Lasso", "ElasticNet"])
@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_enet_sample_weight_and_positive_match_sklearn(regression_data, model, layout):
    """Check sample_weight and positive=True against scikit-learn."""
    X, y = regression_data(70, 25)
    sw = np.random.RandomState(1).uniform(0.1, 3.0, size=X.shape[0])
    for positive in (False, True):
        ref, ours = _pair(model, alpha=0.05, positive=positive, **TIGHT)
        ref.fit(LAYOUTS[layout](X), y, sample_weight=sw)
        ours.fit(LAYOUTS[layout](X), y, sample_weight=sw)
        _assert_same_fit(ours, ref)
        if positive:
            assert np.all(ours.coef_ >= 0)


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_enet_float32_stays_float32(regression_data, layout):
    """Check that float32 input gives float32 coefficients close to float64's."""
    X, y = regression_data(80, 20)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    ours32 = ElasticNet(alpha=0.1, tol=1e-8, max_iter=10_000).fit(
        LAYOUTS[layout](X32), y32)
    ours64 = ElasticNet(alpha=0.1, **TIGHT).fit(LAYOUTS[layout](X), y)
    assert ours32.coef_.dtype == np.float32
    assert ours32.predict(X32).dtype == np.float32
    np.testing.assert_allclose(ours32.coef_, ours64.coef_, rtol=1e-3,
                               atol=1e-4 * np.abs(ours64.coef_).max())


def test_enet_2d_y_fits_each_target(regression_data):
    """Check that a 2-D y gives one independent fit per column, as scikit-learn."""
    X, Y = regression_data(60, 15, n_targets=3)
    ref = sk.ElasticNet(alpha=0.2, **TIGHT).fit(X, Y)
    ours = ElasticNet(alpha=0.2, **TIGHT).fit(X, Y)
    assert ours.coef_.shape == (3, 15)
    assert ours.intercept_.shape == (3,)
    assert len(ours.n_iter_) == 3 and ours.dual_gap_.shape == (3,)
    _assert_same_fit(ours, ref)
    single = ElasticNet(alpha=0.2, **TIGHT).fit(X, Y[:, 1])
    np.testing.assert_allclose(ours.coef_[1], single.coef_, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("positive", [False, True])
def test_enet_kkt_conditions_hold(regression_data, layout, positive):
    """Check the optimality conditions and the gap from the math module."""
    X, y = regression_data(50, 120)
    sw = np.random.RandomState(3).uniform(0.5, 2.0, size=X.shape[0])
    alpha, l1_ratio = 0.02, 0.8
    ours = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, positive=positive, **TIGHT)
    ours.fit(LAYOUTS[layout](X), y, sample_weight=sw)
    kkt = enet_kkt_violation(X, y, ours.coef_, ours.intercept_, alpha, l1_ratio,
                             sample_weight=sw, positive=positive)
    assert kkt < 1e-6 * max(1.0, alpha)
    gap = enet_duality_gap(X, y, ours.coef_, ours.intercept_, alpha, l1_ratio,
                           sample_weight=sw, positive=positive)
    assert gap < 1e-8


def test_enet_dense_equals_sparse(regression_data):
    """Check that dense, CSC and CSR inputs give the same model."""
    X, y = regression_data(40, 60)
    fits = [Lasso(alpha=0.05, **TIGHT).fit(LAYOUTS[k](X), y) for k in LAYOUTS]
    for f in fits[1:]:
        np.testing.assert_allclose(f.coef_, fits[0].coef_, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_enet_integer_weights_equal_repeated_rows(regression_data, layout):
    """Check that integer sample weights equal repeating rows."""
    X, y = regression_data(30, 10)
    sw = np.random.RandomState(0).randint(0, 4, size=X.shape[0])
    Xr, yr = np.repeat(X, sw, axis=0), np.repeat(y, sw)
    # the weights are rescaled to sum to n, so alpha scales with n / sum(sw)
    a = ElasticNet(alpha=0.1, **TIGHT).fit(LAYOUTS[layout](X), y, sample_weight=sw)
    b = ElasticNet(alpha=0.1, **TIGHT).fit(LAYOUTS[layout](Xr), yr)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-6, atol=1e-9)


def test_enet_zero_weight_equals_dropped_row(regression_data):
    """Check that a zero weight is the same as removing the row."""
    X, y = regression_data(30, 10)
    sw = np.ones(X.shape[0])
    sw[:5] = 0
    a = Lasso(alpha=0.1, **TIGHT).fit(X, y, sample_weight=sw)
    b = Lasso(alpha=0.1, **TIGHT).fit(X[5:], y[5:])
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_penalty_factor_zero_leaves_feature_unpenalized(regression_data, layout):
    """Check pf=0 against a brute-force oracle: profile the free feature out.

    With feature 0 unpenalised, its optimal coefficient for any other w is a
    least-squares fit; projecting it out of X and y gives a plain Lasso whose
    penalty is alpha * p / (p - 1) (glmnet rescales pf to sum to p).
    """
    X, y = regression_data(60, 12)
    p = X.shape[1]
    pf = np.ones(p)
    pf[0] = 0.0
    alpha = 5.0  # large: the free feature must still enter
    ours = Lasso(alpha=alpha, penalty_factor=pf, **TIGHT).fit(LAYOUTS[layout](X), y)
    assert ours.coef_[0] != 0.0
    Xc, yc = X - X.mean(0), y - y.mean()
    x0 = Xc[:, 0]

    def proj(v):
        if v.ndim == 2:
            return v - np.outer(x0, x0 @ v) / (x0 @ x0)
        return v - x0 * (x0 @ v) / (x0 @ x0)

    rest = sk.Lasso(alpha=alpha * p / (p - 1), fit_intercept=False, **TIGHT).fit(
        proj(Xc[:, 1:]), proj(yc))
    np.testing.assert_allclose(ours.coef_[1:], rest.coef_, rtol=1e-6, atol=1e-8)
    w0 = x0 @ (yc - Xc[:, 1:] @ rest.coef_) / (x0 @ x0)
    np.testing.assert_allclose(ours.coef_[0], w0, rtol=1e-6)


def test_penalty_factor_scales_penalty_and_alpha_max(regression_data):
    """Check pf semantics: uniform pf is a no-op, inf excludes, alpha_max respects pf."""
    X, y = regression_data(40, 8)
    base = Lasso(alpha=0.3, **TIGHT).fit(X, y)
    uniform = Lasso(alpha=0.3, penalty_factor=np.full(8, 7.0), **TIGHT).fit(X, y)
    np.testing.assert_allclose(uniform.coef_, base.coef_, rtol=1e-8, atol=1e-12)
    pf = np.ones(8)
    pf[2] = np.inf
    excl = Lasso(alpha=0.01, penalty_factor=pf, **TIGHT).fit(X, y)
    assert excl.coef_[2] == 0.0
    pf = np.linspace(0.5, 2.0, 8)
    _, coefs, _ = lasso_path(X - X.mean(0), y - y.mean(), alphas=5, penalty_factor=pf)
    assert np.all(coefs[:, 0] == 0)  # the grid starts at the pf-aware alpha_max
    pf_r = pf * 8 / pf.sum()
    amax = alpha_max(X, y, penalty_factor=pf_r)
    near = dict(penalty_factor=pf, **TIGHT)
    assert np.any(Lasso(alpha=amax * 0.99, **near).fit(X, y).coef_ != 0)
    assert np.all(Lasso(alpha=amax * 1.01, **near).fit(X, y).coef_ == 0)


def _pf_problem(seed=0, n=50, p=7):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) + rng.uniform(-2, 2, p)
    y = X @ rng.randn(p) + 0.5 * rng.randn(n) + 3.0
    pf = np.array([0.0, 1.0, 2.0, 0.5, 0.0, 1.5, 1.0])[:p]
    return X, y, pf, pf * (p / pf.sum())


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_penalty_factor_kkt_first_principles(l1_ratio, layout, precompute, weighted):
    """Check the KKT conditions of glmnet's per-feature penalty, written out here.

    pf_j multiplies feature j's whole penalty: with s summing to n,
    g_j = x~_j^T S (y~ - X~ w) / n - alpha (1 - l1_ratio) pf_j w_j must equal
    alpha l1_ratio pf_j sign(w_j) on the support and be at most that in size
    off it; pf_j = 0 features have g_j = 0 (unshrunk least squares).
    """
    X, y, pf, pf_r = _pf_problem()
    n = X.shape[0]
    sw = np.random.RandomState(1).uniform(0.2, 3.0, n) if weighted else None
    m = ElasticNet(alpha=0.2, l1_ratio=l1_ratio, penalty_factor=pf,
                   precompute=precompute, **TIGHT)
    m.fit(LAYOUTS[layout](X), y, sample_weight=sw)
    s = np.ones(n) if sw is None else sw * (n / sw.sum())
    xm, ym = s @ X / n, s @ y / n
    r = (y - ym) - (X - xm) @ m.coef_
    assert m.intercept_ == pytest.approx(ym - xm @ m.coef_, abs=1e-10)
    g = (X - xm).T @ (s * r) / n - 0.2 * (1 - l1_ratio) * pf_r * m.coef_
    lam = 0.2 * l1_ratio * pf_r
    nz = m.coef_ != 0
    scale = np.abs((X - xm).T @ (s * (y - ym))).max() / n
    np.testing.assert_allclose(g[nz], lam[nz] * np.sign(m.coef_[nz]), atol=1e-7 * scale)
    assert np.all(np.abs(g[~nz]) <= lam[~nz] + 1e-7 * scale)
    assert np.all(m.coef_[pf == 0] != 0)


def test_penalty_factor_ridge_is_a_weighted_ridge():
    """Check ElasticNet(l1_ratio=0, pf) is the per-feature ridge (closed form)."""
    X, y, pf, pf_r = _pf_problem(2)
    n = X.shape[0]
    m = ElasticNet(alpha=0.3, l1_ratio=0.0, penalty_factor=pf, **TIGHT).fit(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    w = np.linalg.solve(Xc.T @ Xc / n + 0.3 * np.diag(pf_r), Xc.T @ yc / n)
    np.testing.assert_allclose(m.coef_, w, rtol=1e-8, atol=1e-10)
    plain = ElasticNet(alpha=0.3, l1_ratio=0.0, **TIGHT).fit(X, y)
    assert np.abs(plain.coef_ - w).max() > 1e-3  # the factors do matter


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("precompute", [False, True])
def test_penalty_factor_zero_features_are_least_squares(l1_ratio, precompute):
    """Check pf_j = 0 features are not shrunk: above alpha_max they are OLS.

    Large alpha: every penalised coefficient is 0 and the unpenalised ones
    equal the least-squares fit (with intercept) on those features alone.
    """
    X, y, pf, _ = _pf_problem(3)
    free = pf == 0
    m = ElasticNet(alpha=1e3, l1_ratio=l1_ratio, penalty_factor=pf,
                   precompute=precompute, **TIGHT).fit(X, y)
    ols = sk.LinearRegression().fit(X[:, free], y)
    assert np.all(m.coef_[~free] == 0)
    np.testing.assert_allclose(m.coef_[free], ols.coef_, rtol=1e-8)
    assert m.intercept_ == pytest.approx(ols.intercept_, rel=1e-8)


@pytest.mark.parametrize("precompute", [False, True])
def test_penalty_factor_alpha_max_is_glmnets(precompute):
    """Check alpha_max comes from the residual after fitting the pf=0 features.

    glmnet's rule: alpha_max = max_j |x~_j^T r0| / (n pf_j) over penalised j,
    r0 the OLS residual on the unpenalised features.  At the first alpha of
    lasso_path and LassoCV every penalised coefficient is exactly 0, and just
    below it one enters.
    """
    X, y, pf, pf_r = _pf_problem(4)
    n = X.shape[0]
    free = pf == 0
    Xc, yc = X - X.mean(0), y - y.mean()
    b = np.linalg.lstsq(Xc[:, free], yc, rcond=None)[0]
    r0 = yc - Xc[:, free] @ b
    expected = np.max(np.abs(Xc[:, ~free].T @ r0) / pf_r[~free]) / n
    assert alpha_max(X, y, penalty_factor=pf_r) == pytest.approx(expected, rel=1e-12)
    alphas, coefs, _ = lasso_path(Xc, yc, alphas=5, penalty_factor=pf,
                                  precompute=precompute, **TIGHT)
    assert alphas[0] == pytest.approx(expected, rel=1e-12)
    assert np.all(coefs[~free, 0] == 0)
    np.testing.assert_allclose(coefs[free, 0], b, rtol=1e-8)
    cv = LassoCV(alphas=5, cv=3, penalty_factor=pf, precompute=precompute,
                 **TIGHT).fit(X, y)
    assert cv.alphas_[0] == pytest.approx(expected, rel=1e-12)
    below = Lasso(alpha=0.99 * expected, penalty_factor=pf, **TIGHT).fit(X, y)
    assert np.any(below.coef_[~free] != 0)


@pytest.mark.parametrize("bad, match", [
    (np.ones(3), "shape"), (-np.ones(8), "non-negative"), (np.zeros(8), "positive"),
    (np.ones(8) + 1j, "real"),
])
def test_penalty_factor_rejects_bad_input(regression_data, bad, match):
    """Check that a wrong penalty_factor raises a clear ValueError."""
    X, y = regression_data(20, 8)
    with pytest.raises(ValueError, match=match):
        Lasso(penalty_factor=bad).fit(X, y)


@pytest.mark.parametrize("precompute", [True, "auto", "array"])
def test_enet_precompute_matches(regression_data, precompute):
    """Check that Gram-based fits equal the plain ones."""
    X, y = regression_data(100, 15)
    plain = ElasticNet(alpha=0.05, **TIGHT).fit(X, y)
    if precompute == "array":
        with pytest.warns(UserWarning, match="recomputing Gram matrix"):
            gram = ElasticNet(alpha=0.05, precompute=X.T @ X, **TIGHT).fit(X, y)
        Xc = X - X.mean(0)
        nofi = ElasticNet(alpha=0.05, fit_intercept=False, precompute=Xc.T @ Xc,
                          **TIGHT).fit(Xc, y - y.mean())
        np.testing.assert_allclose(nofi.coef_, plain.coef_, rtol=1e-6, atol=1e-9)
    else:
        gram = ElasticNet(alpha=0.05, precompute=precompute, **TIGHT).fit(X, y)
    np.testing.assert_allclose(gram.coef_, plain.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(gram.intercept_, plain.intercept_, rtol=1e-6)


def test_enet_random_selection_converges_and_is_reproducible(regression_data):
    """Check selection='random': same optimum, same result for the same seed."""
    X, y = regression_data(50, 40)
    cyc = Lasso(alpha=0.05, **TIGHT).fit(X, y)
    r1 = Lasso(alpha=0.05, selection="random", random_state=0, **TIGHT).fit(X, y)
    r2 = Lasso(alpha=0.05, selection="random", random_state=0, **TIGHT).fit(X, y)
    np.testing.assert_array_equal(r1.coef_, r2.coef_)
    np.testing.assert_allclose(r1.coef_, cyc.coef_, rtol=1e-6, atol=1e-9)


def test_enet_warm_start_continues(regression_data):
    """Check that warm_start reuses coef_ and reaches the same optimum quicker."""
    X, y = regression_data(50, 40)
    cold = Lasso(alpha=0.05, **TIGHT).fit(X, y)
    warm = Lasso(alpha=0.05, warm_start=True, **TIGHT).fit(X, y)
    first = warm.n_iter_
    warm.fit(X, y)
    np.testing.assert_allclose(warm.coef_, cold.coef_, rtol=1e-8, atol=1e-12)
    assert warm.n_iter_ <= first


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_enet_inputs_not_modified(regression_data, layout):
    """Check that X, y and sample_weight are left untouched."""
    X, y = regression_data(40, 10)
    X = LAYOUTS[layout](np.asfortranarray(X))
    sw = np.linspace(0.5, 2, 40)
    copies = [X.copy(), y.copy(), sw.copy()]
    ElasticNet(alpha=0.1, copy_X=False).fit(X, y, sample_weight=sw)
    for before, after in zip(copies, [X, y, sw]):
        if sp.issparse(after):
            assert (before != after).nnz == 0
        else:
            np.testing.assert_array_equal(before, after)


def test_enet_convergence_warning_reports_gap(regression_data):
    """Check that hitting max_iter warns with the gap and the tolerance."""
    X, y = regression_data(40, 100)
    with pytest.warns(ConvergenceWarning, match=r"Duality gap: .*tolerance"):
        Lasso(alpha=1e-4, max_iter=2, tol=1e-12).fit(X, y)


def test_enet_alpha_zero_warns(regression_data):
    """Check scikit-learn's warning for alpha=0."""
    X, y = regression_data(40, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.warns(UserWarning, match="LinearRegression"):
            Lasso(alpha=0).fit(X, y)


def test_enet_sparse_coef_and_pickle(regression_data):
    """Check sparse_coef_ and that a pickled model predicts identically."""
    X, y = regression_data(40, 30)
    est = Lasso(alpha=0.5).fit(X, y)
    assert sp.issparse(est.sparse_coef_)
    np.testing.assert_array_equal(est.sparse_coef_.toarray().ravel(), est.coef_)
    clone = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(clone.predict(X), est.predict(X))


@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_enet_path_matches_sklearn(regression_data, layout, l1_ratio):
    """Check paths (grid, coefficients, gaps) against scikit-learn's."""
    X, y = regression_data(40, 60)
    X = X - X.mean(0)
    y = y - y.mean()
    kw = dict(l1_ratio=l1_ratio, alphas=20, tol=1e-10, max_iter=100_000)
    a_ref, c_ref, _ = sk.enet_path(LAYOUTS[layout](X), y, **kw)
    a_us, c_us, gaps = enet_path(LAYOUTS[layout](X), y, **kw)
    np.testing.assert_allclose(a_us, a_ref, rtol=1e-12)
    np.testing.assert_allclose(c_us, c_ref, rtol=1e-6, atol=1e-8 * np.abs(c_ref).max())
    # the gap is reported on the objective's scale, the stopping rule's tol * ||y||^2/n
    assert gaps.shape == (20,) and np.all(gaps <= 1e-10 * (y @ y) / len(y))


def test_lasso_path_returns_n_iter_and_respects_given_alphas(regression_data):
    """Check lasso_path's returns and that given alphas are sorted decreasing."""
    X, y = regression_data(30, 10, shift=0.0)
    alphas, coefs, gaps, n_iters = lasso_path(X, y, alphas=[0.01, 1.0, 0.1],
                                              return_n_iter=True)
    np.testing.assert_array_equal(alphas, [1.0, 0.1, 0.01])
    assert coefs.shape == (10, 3) and len(n_iters) == 3
    ref = sk.Lasso(alpha=0.1, fit_intercept=False, tol=1e-4).fit(X, y)
    np.testing.assert_allclose(coefs[:, 1], ref.coef_, rtol=1e-3, atol=1e-3)


def test_alpha_max_gives_zero_solution(regression_data):
    """Check that alpha >= alpha_max gives w = 0 at once and just below does not."""
    X, y = regression_data(50, 20)
    amax = alpha_max(X, y)
    est = Lasso(alpha=amax).fit(X, y)
    assert np.all(est.coef_ == 0) and est.n_iter_ <= 1
    np.testing.assert_allclose(est.intercept_, y.mean())
    assert np.any(Lasso(alpha=amax * 0.99, **TIGHT).fit(X, y).coef_ != 0)


@pytest.mark.parametrize("gram", [False, True])
@pytest.mark.parametrize("beta", [0.0, 3.0])
def test_kernel_positive_without_l1_certifies_convergence(gram, beta):
    """Check positive ridge / NNLS (no L1 part) against scipy's nnls and a small gap.

    The constrained conjugate max(v, 0)^2 / (2 beta) must be used, else the
    gap never falls below tol at the (correct) solution.
    """
    from scipy.optimize import nnls

    from skreg._solvers import solve_enet, solve_enet_gram

    rng = np.random.RandomState(0)
    X = rng.randn(50, 10)
    y = X @ rng.randn(10) + rng.randn(50)
    Xa = np.vstack([X, np.sqrt(beta) * np.eye(10)])
    ref, _ = nnls(Xa, np.r_[y, np.zeros(10)])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        if gram:
            w, gap, tol_abs, _ = solve_enet_gram(X.T @ X, X.T @ y, y @ y, 0.0, beta,
                                                 positive=True, tol=1e-12)
        else:
            w, gap, tol_abs, _ = solve_enet(X, y, 0.0, beta, positive=True, tol=1e-12)
    assert gap <= tol_abs
    np.testing.assert_allclose(w, ref, atol=1e-9)


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_kernel_takes_predicted_start_only_if_better(regression_data, layout):
    """Check that a path's predicted start replaces w_init only when it lowers P.

    With max_iter=0 the kernel returns its start as is, so the returned w
    shows which of the two starts it kept; a NaN-free, certified answer must
    follow from either.
    """
    from skreg._objectives import enet_objective
    from skreg._solvers import solve_enet

    X, y = regression_data(40, 15, shift=0.0)
    Xl = LAYOUTS[layout](X)
    n = X.shape[0]
    alpha = 0.05 * alpha_max(X, y, fit_intercept=False)
    w_star = Lasso(alpha=alpha, fit_intercept=False, **TIGHT).fit(X, y).coef_
    w_far = np.zeros(15)
    w_bad = -3 * w_star  # residual y + 3 X w*: worse than w = 0
    l1 = alpha * n
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        kept, *_ = solve_enet(Xl, y, l1, 0.0, w_init=w_far, w_pred=w_bad, max_iter=0)
        taken, *_ = solve_enet(Xl, y, l1, 0.0, w_init=w_far, w_pred=w_star, max_iter=0)
    def obj(w):
        return enet_objective(X, y, w, 0.0, alpha, 1.0)

    assert obj(w_bad) > obj(w_far) > obj(w_star)
    np.testing.assert_array_equal(kept, w_far)
    np.testing.assert_allclose(taken, w_star, rtol=1e-12)
    # solved to the end, either start gives the same certified solution
    w1, gap1, tol1, _ = solve_enet(Xl, y, l1, 0.0, w_init=w_far, w_pred=w_bad, tol=1e-10)
    w2, gap2, tol2, _ = solve_enet(Xl, y, l1, 0.0, w_init=w_far, w_pred=w_star, tol=1e-10)
    assert gap1 <= tol1 and gap2 <= tol2
    np.testing.assert_allclose(w1, w_star, atol=1e-6)
    np.testing.assert_allclose(w2, w_star, atol=1e-6)


def test_path_prediction_is_the_secant_without_sign_changes():
    """Check the path predictor: linear in alpha, zero where a sign would change."""
    from skreg.linear_model._paths import _predict_next

    w_prev = np.array([1.0, -1.0, 0.0, 0.5, 0.0])
    w = np.array([2.0, -0.5, 1.0, 0.2, 0.0])
    # geometric grid 4, 2, 1: the step to 1 is half the step from 4 to 2
    pred = _predict_next(w, w_prev, 4.0, 2.0, 1.0)
    np.testing.assert_allclose(pred, [2.5, -0.25, 1.5, 0.05, 0.0])
    # a sign change (0.2 -> 0.2 + 2 * (0.2 - 0.5) < 0) gives zero
    pred = _predict_next(w, w_prev, 3.0, 2.0, 0.0)
    np.testing.assert_allclose(pred, [4.0, 0.0, 3.0, 0.0, 0.0])
    assert _predict_next(w, w_prev, 2.0, 2.0, 1.0) is None


def test_screening_at_zero_gap_keeps_the_support():
    """Check that Gap Safe screening at a rounding-level gap keeps the support.

    A path's predicted start can be exact (a gap at rounding level) yet get an
    epoch before it is accepted; screening with radius ~0 once removed support
    features whose distance to the dual boundary was rounding noise, and the
    solver stalled at w = 0 (found by test_properties, 2 x 2 Lasso path).
    The same holds for tol=0.
    """
    rng = np.random.RandomState(4)
    X = rng.randn(2, 2) * rng.uniform(0.1, 10.0, size=2)
    w = rng.randn(2) * (rng.uniform(size=2) < 0.5)
    y = X @ w + rng.randn(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        alphas, coefs, gaps = enet_path(X, y, l1_ratio=1.0, alphas=8, eps=1e-2,
                                        tol=1e-4, max_iter=20_000)
    ref = sk.lasso_path(X, y, alphas=alphas, tol=1e-12, max_iter=100_000)[1]
    np.testing.assert_allclose(coefs, ref, atol=1e-6 * np.abs(ref).max())
    Xr, yr = rng.randn(30, 8), rng.randn(30)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = Lasso(alpha=0.05, tol=0.0, max_iter=300).fit(Xr, yr)
    ref = sk.Lasso(alpha=0.05, tol=1e-12, max_iter=100_000).fit(Xr, yr)
    np.testing.assert_allclose(est.coef_, ref.coef_, atol=1e-8)


@pytest.mark.parametrize("seed", range(5))
def test_working_set_selection_takes_the_smallest_scores_in_order(seed):
    """Check the kernel's quickselect working-set choice against a sort."""
    from skreg._solvers import select_smallest as _select_smallest_py

    rng = np.random.RandomState(seed)
    p = 500
    active = np.sort(rng.choice(p, 300, replace=False)).astype(np.int32)
    score = rng.randint(0, 40, size=p).astype(np.float64)  # many ties
    score[rng.choice(p, 30)] = -np.inf                    # the support
    # k <= n / 16 takes the heap, larger k quickselect: the same choice
    for k in (1, 17, 18, 150, 300):
        sel = _select_smallest_py(active, score, k)
        assert sel.shape == (k,) and np.all(np.diff(sel) > 0)  # active's order
        assert set(sel) <= set(active)
        # the chosen scores are the k smallest among the active ones
        np.testing.assert_array_equal(np.sort(score[sel]),
                                      np.sort(score[active])[:k])
    # scores decreasing along active (every one enters the heap), and ties
    # at the threshold taken in active's order
    active = np.arange(4000, dtype=np.int32)
    score = np.repeat(np.arange(2000, 0, -1.0), 2)
    sel = _select_smallest_py(active, score, 7)
    # scores 1, 1, 2, 2, 3, 3 at 3994..3999, then the first of the two 4s
    np.testing.assert_array_equal(sel, [3992, 3994, 3995, 3996, 3997, 3998, 3999])
    with pytest.raises(ValueError, match="k must be"):
        _select_smallest_py(active, score, 0)


def test_path_screening_uses_a_certified_gap():
    """Check a weighted, implicitly centered path against scikit-learn's Lasso.

    Regression (issue 11 §2): with nearly-equal column means a predicted
    start's computed gap came out negative, Gap Safe screening used radius 0
    and removed support features for good; coefficients were off by ~1.3.
    Screening now uses the clipped gap plus a rounding allowance.
    """
    rng = np.random.RandomState(1)
    n, p = rng.randint(8, 40), 5
    X = 5.0 + 0.05 * rng.randn(n, p) + 0.01 * rng.randn(n, 1)
    y = X @ rng.randn(p) + 0.1 * rng.randn(n)
    sw = rng.uniform(0.2, 3.0, n)
    s = sw * (n / sw.sum())   # the estimators' normalisation
    x_mean, y_c = s @ X / n, y - s @ y / n
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        alphas, coefs, _ = lasso_path(X, y_c, alphas=30, tol=1e-10, max_iter=100_000,
                                      precompute=False, sample_weight=s,
                                      X_offset=x_mean)
    for k, a in enumerate(alphas):
        ref = sk.Lasso(alpha=a, tol=1e-13, max_iter=1_000_000).fit(X, y, sample_weight=sw)
        np.testing.assert_allclose(coefs[:, k], ref.coef_, atol=1e-8)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("with_free", [False, True])
def test_gram_and_X_kernels_share_the_gap(l1_ratio, with_free):
    """Check the X and Gram kernels report one duality gap, the oracle's.

    Both compute it with the penalty's one gap function from the datafit's
    pieces (R^T S R, R^T S y, X~^T S R); at a start that is not optimal
    (max_iter=0 returns its gap) they must agree with each other and, for
    penalised features, with _objectives.enet_duality_gap.
    """
    from skreg._objectives import enet_duality_gap
    from skreg._solvers import solve_enet, solve_enet_gram
    from skreg.linear_model._gram import centered_gram

    rng = np.random.RandomState(0)
    n, p = 40, 6
    X = rng.randn(n, p) + 2.0
    y = X @ rng.randn(p) + rng.randn(n)
    s = rng.uniform(0.2, 3.0, n)
    s *= n / s.sum()
    xm, y_c = s @ X / n, y - s @ y / n
    pf = np.array([0.0 if with_free else 0.7, 1.0, 2.0, 0.5, 1.2, 0.6])
    w0 = rng.randn(p)
    alpha = 0.3
    l1, l2 = alpha * l1_ratio * n, alpha * (1 - l1_ratio) * n
    G = centered_gram(X, xm, s)
    q = (X - xm).T @ (s * y_c)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _, gap_x, _, _ = solve_enet(X, y_c, l1, l2, w_init=w0, X_mean=xm,
                                    sample_weight=s, penalty_factor=pf, max_iter=0)
        _, gap_g, _, _ = solve_enet_gram(G, q, (s * y_c) @ y_c, l1, l2, w_init=w0,
                                         penalty_factor=pf, max_iter=0)
    assert gap_x > 0
    assert gap_g == pytest.approx(gap_x, rel=1e-9)
    if not with_free and l1_ratio > 0:
        ref = enet_duality_gap(X, y, w0, (s @ y - s @ X @ w0) / n, alpha, l1_ratio,
                               sample_weight=s, penalty_factor=pf)
        assert gap_x / n == pytest.approx(ref, rel=1e-9)


def test_gram_decision_is_one_rule():
    """Check the one precompute decision used by fit, the paths and the CV models."""
    from skreg.linear_model._gram import gram_decision

    rng = np.random.RandomState(0)
    tall, wide = rng.randn(30, 5), rng.randn(5, 30)
    assert gram_decision("auto", tall) is True
    assert gram_decision("auto", wide) is False
    assert gram_decision(False, tall) is False and gram_decision(True, wide) is True
    very_sparse = sp.random(400, 30, density=0.002, format="csc", random_state=0)
    assert gram_decision("auto", very_sparse) is False  # p^2 > nnz
    G = tall.T @ tall
    assert gram_decision(G, tall) is G
    with pytest.raises(ValueError, match="Gram matrix of shape"):
        gram_decision(G[:4, :4], tall)
    # float32 offsets dwarfing the spread: centering G would cancel every digit
    X32 = (1e4 + rng.rand(30, 5)).astype(np.float32)
    assert gram_decision(True, X32, X32.mean(0)) is False
    assert gram_decision(True, X32) is True


def test_cd_solvers_reached_through_the_package_only():
    """Check no module outside skreg/_solvers imports the CD solvers' private modules."""
    import pathlib
    import re

    import skreg

    root = pathlib.Path(skreg.__file__).parent
    pattern = re.compile(r"skreg\._solvers\._(cd|cd_fast|cd_gram|convergence)\b")
    offenders = [str(f.relative_to(root)) for f in root.rglob("*.py")
                 if "_solvers" not in f.parts and pattern.search(f.read_text())]
    assert offenders == []
    from skreg import _solvers
    assert {"solve_enet", "solve_enet_gram"} <= set(_solvers.__all__)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(12_000, 6), (40, 600)])
def test_single_thread_blas_paths_match_sklearn(dtype, shape):
    """Check the kernels' single-thread BLAS paths (chunked dot/axpy, blocked gemv).

    Columns longer than one chunk (8192) and designs whose gap gemv is split
    into column blocks must give scikit-learn's solution.
    """
    rng = np.random.RandomState(0)
    X = rng.randn(*shape) + 1.0
    y = X[:, :5] @ rng.randn(5) + rng.randn(shape[0])
    X, y = X.astype(dtype), y.astype(dtype)
    alpha = 0.05 * alpha_max(X, y)
    ours = Lasso(alpha=alpha, tol=1e-10, max_iter=100_000).fit(X, y)
    ref = sk.Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(
        X.astype(np.float64), y.astype(np.float64))
    assert ours.coef_.dtype == dtype
    atol = (1e-8 if dtype == np.float64 else 1e-4) * np.abs(ref.coef_).max()
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=atol)


def test_fit_with_non_finite_result_raises():
    """Check that a fit ending in non-finite coefficients raises scikit-learn's error."""
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    y = rng.randint(0, 2, size=10).astype(float)
    with pytest.raises(ValueError, match="non-finite parameter values"):
        ElasticNet(alpha=0.1).fit(X, y)


@pytest.mark.parametrize("sparse", [False, True])
def test_user_gram_is_spot_checked(sparse):
    """Check that a Gram matrix that does not match X is refused, a matching one used."""
    rng = np.random.RandomState(0)
    X = rng.standard_normal((40, 6))
    X -= X.mean(axis=0)
    y = X @ rng.standard_normal(6)
    Xf = sp.csc_matrix(X) if sparse else X
    garbage = rng.standard_normal(X.shape)
    with pytest.raises(ValueError, match="did not pass validation"):
        ElasticNet(alpha=0.01, precompute=garbage.T @ garbage).fit(Xf, y)
    good = ElasticNet(alpha=0.01, precompute=X.T @ X, tol=1e-10).fit(Xf, y)
    ref = ElasticNet(alpha=0.01, tol=1e-10).fit(Xf, y)
    np.testing.assert_allclose(good.coef_, ref.coef_, rtol=1e-6, atol=1e-9)
