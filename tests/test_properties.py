"""Property-based tests of the coordinate-descent estimators (hypothesis).

Small random problems, dense and sparse, float32 and float64, with and
without intercept and sample weights.  Every property has an oracle that
does not trust the solver: the duality gap and the KKT conditions computed in
plain NumPy by :mod:`skreg._objectives`, or an exact invariance of the
problem (permutation, scaling, duplicated rows, layout, dtype).

Where two fits of the same strictly convex problem are compared, the allowed
difference is derived from their duality gaps: the ElasticNet objective is
mu-strongly convex with mu = alpha * (1 - l1_ratio), so
||w - w*||^2 <= 2 * gap / mu.

Run longer with ``HYPOTHESIS_PROFILE=dev python -m pytest tests/test_properties.py``.
"""

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import assume, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from sklearn import linear_model as sk_lm  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

from skreg import ElasticNet, Lasso, enet_path, lasso_path  # noqa: E402
from skreg._objectives import (  # noqa: E402
    alpha_max,
    enet_duality_gap,
    enet_kkt_violation,
    enet_objective,
)

LAYOUTS = {"dense": np.asarray, "csc": sp.csc_matrix, "csr": sp.csr_matrix}
EPS = {np.float32: np.finfo(np.float32).eps, np.float64: np.finfo(np.float64).eps}


# --- problems ------------------------------------------------------------------


class Problem:
    """One random regression problem; arrays in float64 and in ``dtype``."""

    def __init__(self, X, y, sw, dtype, layout, fit_intercept):
        # the float64 copies are the float32 values exactly, so that both
        # dtypes solve the very same problem
        self.dtype = dtype
        self.layout = layout
        self.fit_intercept = fit_intercept
        self.X64 = X.astype(dtype).astype(np.float64)
        self.y64 = y.astype(dtype).astype(np.float64)
        self.sw = sw

    def X(self, layout=None, dtype=None):
        return LAYOUTS[layout or self.layout](self.X64.astype(dtype or self.dtype))

    def y(self, dtype=None):
        return self.y64.astype(dtype or self.dtype)

    @property
    def n(self):
        return self.X64.shape[0]

    def weights(self):
        """The weights as the estimators use them: rescaled to sum to n."""
        if self.sw is None:
            return np.ones(self.n)
        return self.sw * (self.n / self.sw.sum())

    def y_scale(self):
        """scikit-learn's tolerance scale: ||y - mean||_S^2 / n."""
        s = self.weights()
        yc = self.y64 - (np.average(self.y64, weights=s) if self.fit_intercept else 0)
        return float(s @ yc**2) / self.n

    def a_max(self, l1_ratio=1.0):
        return alpha_max(self.X64, self.y64, l1_ratio=l1_ratio,
                         fit_intercept=self.fit_intercept, sample_weight=self.sw)

    def __repr__(self):
        return (f"Problem(shape={self.X64.shape}, dtype={self.dtype.__name__}, "
                f"layout={self.layout}, fit_intercept={self.fit_intercept}, "
                f"weighted={self.sw is not None})")


@st.composite
def problems(draw, layouts=tuple(LAYOUTS), dtypes=(np.float64, np.float32),
             weights=True, min_samples=2):
    """A small random regression problem (seeded NumPy data, drawn settings)."""
    n = draw(st.integers(min_samples, 40))
    p = draw(st.integers(1, 25))
    seed = draw(st.integers(0, 2**31 - 1))
    layout = draw(st.sampled_from(layouts))
    dtype = draw(st.sampled_from(dtypes))
    fit_intercept = draw(st.booleans())
    density = draw(st.sampled_from([1.0, 0.5, 0.2])) if layout != "dense" else 1.0
    shift = draw(st.sampled_from([0.0, 3.0]))
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) * rng.uniform(0.1, 10.0, size=p) + shift
    if density < 1.0:
        X = X * (rng.uniform(size=(n, p)) < density)
    w = rng.randn(p) * (rng.uniform(size=p) < 0.5)
    y = X @ w + rng.randn(n) * draw(st.sampled_from([0.1, 1.0]))
    sw = None
    if weights and draw(st.booleans()):
        sw = rng.uniform(0.2, 3.0, size=n)
    return Problem(X, y, sw, dtype, layout, fit_intercept)


def _tight(prob, tol64=1e-10):
    """A tight tolerance that the dtype can reach (float32 rounds at ~1e-7)."""
    return tol64 if prob.dtype == np.float64 else 1e-5


# The kernel could stall in float32 when |X_mean @ w| dwarfed the residual
# (test_robustness.py::test_float32_weighted_small_residual_converges); fixed
# for dense and sparse X, so a float32 ConvergenceWarning fails the test.
# Set to True to discard such examples again while investigating a regression.
KNOWN_FLOAT32_STALL = False


def _fit(est, prob, converge=True, **kw):
    """Fit on the problem; a ConvergenceWarning fails the test if ``converge``."""
    dtype = kw.get("dtype") or prob.dtype
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always", ConvergenceWarning)
        est.fit(prob.X(**kw), prob.y(kw.get("dtype")), sample_weight=prob.sw)
    stalled = [w for w in rec if issubclass(w.category, ConvergenceWarning)]
    if stalled and converge:
        assume(not (KNOWN_FLOAT32_STALL and dtype == np.float32))
        raise AssertionError(f"did not converge: {stalled[0].message}")
    return est


def _gap(prob, est, alpha, l1_ratio):
    """The oracle's duality gap at the fitted (coef_, intercept_), float64."""
    return enet_duality_gap(prob.X64, prob.y64, np.asarray(est.coef_, np.float64),
                            float(est.intercept_), alpha, l1_ratio,
                            sample_weight=prob.sw, positive=est.positive)


def _objective_slack(prob):
    """Rounding floor of the objective evaluated at a solution in ``dtype``."""
    return 200 * EPS[prob.dtype] * (prob.y_scale() + 1e-30)


def _strong_convexity_bound(prob, gaps, alpha, l1_ratio):
    """A bound on ||w1 - w2|| from the duality gaps of two fits."""
    mu = alpha * (1.0 - l1_ratio)
    slack = _objective_slack(prob)
    return sum(np.sqrt(2 * (max(g, 0.0) + slack) / mu) for g in gaps)


alpha_fractions = st.floats(1e-3, 1.2)
l1_ratios = st.sampled_from([0.1, 0.5, 0.9, 1.0])
strict_l1_ratios = st.sampled_from([0.1, 0.5, 0.9])


# --- optimality ------------------------------------------------------------------


def _objective(prob, w, b, alpha, l1_ratio):
    return enet_objective(prob.X64, prob.y64, np.asarray(w, np.float64), float(b),
                          alpha, l1_ratio, sample_weight=prob.sw)


def _reference(prob, alpha, l1_ratio, positive=False, fit_intercept=None):
    """(P(w_ref), a lower bound on the optimum P*) from scikit-learn at tol=1e-12.

    The lower bound is the oracle's dual value P(w_ref) - gap(w_ref), valid
    for any w_ref, so it does not trust scikit-learn's convergence either.
    """
    fit_intercept = prob.fit_intercept if fit_intercept is None else fit_intercept
    ref = sk_lm.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, positive=positive,
                           fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref.fit(prob.X64, prob.y64, sample_weight=prob.sw)
    p_ref = _objective(prob, ref.coef_, ref.intercept_, alpha, l1_ratio)
    gap = enet_duality_gap(prob.X64, prob.y64, ref.coef_, float(ref.intercept_), alpha,
                           l1_ratio, sample_weight=prob.sw, positive=positive)
    return p_ref, p_ref - gap


@given(prob=problems(), frac=alpha_fractions, l1_ratio=l1_ratios,
       positive=st.booleans(), tol=st.sampled_from([1e-3, 1e-4, 1e-6]))
def test_enet_duality_gap_within_tol(prob, frac, l1_ratio, positive, tol):
    """Check the duality gap at the returned solution against tol, independently.

    The gap is P(w) minus the best dual value the oracle can certify (its
    residual dual point at w, or at scikit-learn's tight solution): it must be
    <= tol * ||y - mean||^2 / n.  And the solver's own certificate
    ``dual_gap_`` (which may use a better, extrapolated dual point) must not
    claim less than the suboptimality P(w) - P(w_ref) it cannot be below.
    """
    alpha = frac * prob.a_max(l1_ratio)
    assume(alpha > 0)
    tol = max(tol, _tight(prob))
    est = _fit(ElasticNet(alpha=alpha, l1_ratio=l1_ratio, positive=positive,
                          fit_intercept=prob.fit_intercept, tol=tol,
                          max_iter=20_000), prob)
    assert np.all(np.isfinite(est.coef_)) and np.all(np.isfinite(est.intercept_))
    p_w = _objective(prob, est.coef_, est.intercept_, alpha, l1_ratio)
    p_ref, lower = _reference(prob, alpha, l1_ratio, positive)
    lower = max(lower, p_w - _gap(prob, est, alpha, l1_ratio))
    slack = _objective_slack(prob)
    assert p_w - lower <= 1.5 * tol * prob.y_scale() + slack, (p_w - lower, est.dual_gap_)
    assert est.dual_gap_ <= tol * prob.y_scale() * (1 + 1e-6) + 1e-300
    assert p_w - p_ref <= est.dual_gap_ * (1 + 1e-6) + slack, (p_w - p_ref, est.dual_gap_)


@given(prob=problems(dtypes=(np.float64,)), frac=st.floats(1e-2, 1.2),
       l1_ratio=l1_ratios, positive=st.booleans())
def test_enet_kkt_conditions(prob, frac, l1_ratio, positive):
    """Check the KKT conditions (and the intercept's) at a tight tolerance."""
    alpha = frac * prob.a_max(l1_ratio)
    assume(alpha > 0)
    est = _fit(ElasticNet(alpha=alpha, l1_ratio=l1_ratio, positive=positive,
                          fit_intercept=prob.fit_intercept, tol=1e-12,
                          max_iter=100_000), prob)
    w, b = est.coef_, float(est.intercept_)
    if positive:
        assert np.all(w >= 0)
    viol = enet_kkt_violation(prob.X64, prob.y64, w, b, alpha, l1_ratio,
                              sample_weight=prob.sw, positive=positive)
    # a gap g bounds each gradient entry's error by sqrt(2 g ||x_j||^2 / n)
    s = prob.weights()
    Xc = prob.X64 - (np.average(prob.X64, axis=0, weights=s) if prob.fit_intercept else 0)
    col = np.sqrt((s @ Xc**2) / prob.n).max()
    assert viol <= 1e-4 * col * np.sqrt(prob.y_scale()) + 1e-12, viol
    if prob.fit_intercept:
        r = prob.y64 - prob.X64 @ w - b
        assert abs(s @ r) / prob.n <= 1e-8 * (np.sqrt(prob.y_scale()) + 1e-12)


@given(prob=problems(), l1_ratio=l1_ratios, over=st.floats(1.0, 10.0))
def test_enet_alpha_above_alpha_max_is_zero_at_once(prob, l1_ratio, over):
    """Check that alpha >= alpha_max gives w = 0 after at most one epoch."""
    alpha = over * prob.a_max(l1_ratio) * (1 + 1e-6)
    assume(alpha > 0)
    est = _fit(ElasticNet(alpha=alpha, l1_ratio=l1_ratio,
                          fit_intercept=prob.fit_intercept), prob)
    assert np.all(est.coef_ == 0)
    assert est.n_iter_ <= 1
    if prob.fit_intercept:
        s = prob.weights()
        np.testing.assert_allclose(est.intercept_, np.average(prob.y64, weights=s),
                                   rtol=1e-5, atol=1e-6 * np.abs(prob.y64).max())


@given(prob=problems(dtypes=(np.float64,), layouts=("dense", "csc"), weights=False),
       l1_ratio=l1_ratios, tol=st.sampled_from([1e-4, 1e-7]))
def test_enet_path_gaps_within_tol(prob, l1_ratio, tol):
    """Check every point of a warm-started path: gap <= tol, honest dual_gaps."""
    assume(not prob.fit_intercept)  # the path functions fit no intercept
    X, y = prob.X(), prob.y()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        alphas, coefs, gaps = enet_path(X, y, l1_ratio=l1_ratio, alphas=8, eps=1e-2,
                                        tol=tol, max_iter=20_000)
    assume(alphas[0] > 1e-12)
    y_scale = float(prob.y64 @ prob.y64) / prob.n
    slack = 1e-12 * y_scale
    assert np.all(np.diff(alphas) < 0)
    assert np.all(coefs[:, 0] == 0)
    for k, a in enumerate(alphas):
        p_w = _objective(prob, coefs[:, k], 0.0, a, l1_ratio)
        p_ref, lower = _reference(prob, a, l1_ratio, fit_intercept=False)
        lower = max(lower, p_w - enet_duality_gap(prob.X64, prob.y64, coefs[:, k], 0.0,
                                                  a, l1_ratio))
        assert p_w - lower <= 1.5 * tol * y_scale + slack, (k, p_w - lower, gaps[k])
        assert gaps[k] <= tol * y_scale * (1 + 1e-6)
        assert p_w - p_ref <= gaps[k] * (1 + 1e-6) + slack, (k, p_w - p_ref, gaps[k])


# --- invariances -----------------------------------------------------------------


@given(prob=problems(dtypes=(np.float64,)), frac=st.floats(1e-2, 1.0),
       l1_ratio=strict_l1_ratios, seed=st.integers(0, 1000))
def test_enet_feature_permutation_permutes_coef(prob, frac, l1_ratio, seed):
    """Check that permuting the columns of X permutes coef_ (and keeps intercept_)."""
    alpha = frac * prob.a_max(l1_ratio)
    assume(alpha > 0)
    perm = np.random.RandomState(seed).permutation(prob.X64.shape[1])
    params = dict(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=prob.fit_intercept,
                  tol=1e-10, max_iter=50_000)
    a = _fit(ElasticNet(**params), prob)
    Xp = LAYOUTS[prob.layout](prob.X64[:, perm])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        b = ElasticNet(**params).fit(Xp, prob.y64, sample_weight=prob.sw)
    bound = _strong_convexity_bound(prob, [a.dual_gap_, b.dual_gap_], alpha, l1_ratio)
    assert np.linalg.norm(b.coef_ - a.coef_[perm]) <= bound
    np.testing.assert_allclose(b.predict(Xp), a.predict(prob.X()),
                               atol=1e-6 * (np.abs(prob.y64).max() + 1))


@given(prob=problems(dtypes=(np.float64,)), frac=st.floats(1e-2, 1.0),
       log_c=st.floats(-3, 3), sign=st.sampled_from([1.0, -1.0]))
def test_lasso_scaling_y_scales_coef(prob, frac, log_c, sign):
    """Check that Lasso(alpha * |c|).fit(X, c y) gives c * coef_ (and c * intercept_)."""
    c = sign * 10.0**log_c
    alpha = frac * prob.a_max()
    assume(alpha > 0)
    params = dict(fit_intercept=prob.fit_intercept, tol=1e-10, max_iter=50_000)
    a = _fit(Lasso(alpha=alpha, **params), prob)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        b = Lasso(alpha=alpha * abs(c), **params).fit(prob.X(), c * prob.y(),
                                                       sample_weight=prob.sw)
    # the iterates scale exactly with c, so the solutions agree to rounding
    # (the Lasso need not be strongly convex: compare fitted values too)
    scale = np.abs(a.coef_).max() + 1e-12
    np.testing.assert_allclose(b.coef_, c * a.coef_, rtol=1e-5, atol=1e-6 * abs(c) * scale)
    np.testing.assert_allclose(b.predict(prob.X()), c * a.predict(prob.X()),
                               rtol=1e-6, atol=1e-6 * abs(c) * (np.abs(prob.y64).max() + 1))


@given(prob=problems(dtypes=(np.float64,), weights=False), frac=st.floats(1e-2, 1.0),
       l1_ratio=strict_l1_ratios, data=st.data())
def test_enet_duplicated_row_equals_weight_two(prob, frac, l1_ratio, data):
    """Check that repeating a row equals giving it weight 2 at the same alpha.

    The weights are rescaled to sum to n, so the weighted objective
    1/(2n) sum_i (n/(n+1)) s_i r_i^2 is exactly the objective of the n + 1
    rows with the duplicate: alpha needs no adjustment.
    """
    i = data.draw(st.integers(0, prob.n - 1))
    alpha = frac * prob.a_max(l1_ratio)
    assume(alpha > 0)
    params = dict(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=prob.fit_intercept,
                  tol=1e-10, max_iter=50_000)
    sw = np.ones(prob.n)
    sw[i] = 2.0
    X2 = np.vstack([prob.X64, prob.X64[i:i + 1]])
    y2 = np.append(prob.y64, prob.y64[i])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        a = ElasticNet(**params).fit(prob.X(), prob.y(), sample_weight=sw)
        b = ElasticNet(**params).fit(LAYOUTS[prob.layout](X2), y2)
    bound = _strong_convexity_bound(prob, [a.dual_gap_, b.dual_gap_], alpha, l1_ratio)
    assert np.linalg.norm(a.coef_ - b.coef_) <= bound
    np.testing.assert_allclose(a.intercept_, b.intercept_,
                               atol=bound * (np.abs(prob.X64).max() + 1) + 1e-9)


@given(prob=problems(dtypes=(np.float32,)), frac=st.floats(1e-2, 1.0),
       l1_ratio=strict_l1_ratios)
def test_enet_float32_close_to_float64(prob, frac, l1_ratio):
    """Check that a float32 fit stays float32 and is close to the float64 fit.

    Both solve the same problem (the data are float32 values): the distance is
    bounded by the two duality gaps, the float32 one evaluated in float64.
    """
    alpha = frac * prob.a_max(l1_ratio)
    assume(alpha > 0)
    params = dict(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=prob.fit_intercept,
                  tol=1e-5, max_iter=20_000)
    e32 = _fit(ElasticNet(**params), prob)
    e64 = _fit(ElasticNet(**params), prob, dtype=np.float64)
    assert e32.coef_.dtype == np.float32
    assert e32.predict(prob.X()).dtype == np.float32
    gaps = [_gap(prob, e32, alpha, l1_ratio), _gap(prob, e64, alpha, l1_ratio)]
    bound = _strong_convexity_bound(prob, gaps, alpha, l1_ratio)
    assert np.linalg.norm(e32.coef_.astype(np.float64) - e64.coef_) <= bound


@given(prob=problems(layouts=("csc", "csr")), frac=st.floats(1e-2, 1.0),
       l1_ratio=strict_l1_ratios)
def test_enet_dense_equals_sparse(prob, frac, l1_ratio):
    """Check that dense and sparse X give the same fit (implicit centering)."""
    alpha = frac * prob.a_max(l1_ratio)
    assume(alpha > 0)
    params = dict(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=prob.fit_intercept,
                  tol=_tight(prob, 1e-8), max_iter=50_000)
    s = _fit(ElasticNet(**params), prob)
    d = _fit(ElasticNet(**params), prob, layout="dense")
    gaps = [_gap(prob, s, alpha, l1_ratio), _gap(prob, d, alpha, l1_ratio)]
    bound = _strong_convexity_bound(prob, gaps, alpha, l1_ratio)
    assert np.linalg.norm(s.coef_.astype(np.float64) - d.coef_) <= bound
    atol = bound * (np.abs(prob.X64).max() + 1) + 1e3 * EPS[prob.dtype] * (
        np.abs(prob.y64).max() + 1)
    np.testing.assert_allclose(s.intercept_, d.intercept_, atol=atol)


@given(prob=problems(), frac=st.floats(1e-2, 1.0), l1_ratio=l1_ratios,
       seed=st.integers(0, 2**31 - 1))
def test_enet_random_selection_reproducible(prob, frac, l1_ratio, seed):
    """Check that selection='random' with a fixed random_state is bit-reproducible."""
    alpha = frac * prob.a_max(l1_ratio)
    assume(alpha > 0)
    params = dict(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=prob.fit_intercept,
                  selection="random", random_state=seed, tol=_tight(prob, 1e-6), max_iter=20_000)
    a = _fit(ElasticNet(**params), prob, converge=False)
    b = _fit(ElasticNet(**params), prob, converge=False)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.intercept_ == b.intercept_ and a.n_iter_ == b.n_iter_
    # a RandomState instance seeded alike draws the same coordinate order
    c = _fit(ElasticNet(**{**params, "random_state": np.random.RandomState(seed)}), prob,
             converge=False)
    np.testing.assert_array_equal(a.coef_, c.coef_)


@given(probs=st.lists(problems(), min_size=4, max_size=8), frac=st.floats(1e-2, 1.0),
       selection=st.sampled_from(["cyclic", "random"]))
def test_enet_threads_equal_sequential(probs, frac, selection):
    """Check that fits run concurrently in threads equal the same fits run in turn."""
    def job(k):
        prob = probs[k]
        alpha = frac * prob.a_max(0.5) + 1e-3
        est = ElasticNet(alpha=alpha, l1_ratio=0.5, fit_intercept=prob.fit_intercept,
                         selection=selection, random_state=k, tol=1e-6,
                         max_iter=5_000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(prob.X(), prob.y(), sample_weight=prob.sw)
        _, path_coefs, _ = lasso_path(prob.X(), prob.y(), alphas=4, eps=0.1)
        return est.coef_, est.intercept_, est.n_iter_, path_coefs

    jobs = list(range(len(probs))) * 3
    sequential = [job(k) for k in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(job, jobs))
    for seq, con in zip(sequential, concurrent):
        np.testing.assert_array_equal(seq[0], con[0])
        np.testing.assert_array_equal(seq[1], con[1])
        assert seq[2] == con[2]
        np.testing.assert_array_equal(seq[3], con[3])


# --- Ridge ---------------------------------------------------------------------------

RIDGE_SOLVERS = ["auto", "cholesky", "svd", "lsqr", "sparse_cg", "cd"]


def _ridge_oracle(prob, alpha, sample_weight=None):
    """Closed form on the float64 data: (X~^T S X~ + alpha I) w = X~^T S y~."""
    s = np.ones(prob.n) if sample_weight is None else np.asarray(sample_weight, float)
    X, y = prob.X64, prob.y64
    if prob.fit_intercept:
        X = X - np.average(X, axis=0, weights=s)
        y = y - np.average(y, weights=s)
    A = X.T @ (s[:, None] * X) + alpha * np.eye(X.shape[1])
    return np.linalg.solve(A, X.T @ (s * y))


def _ridge_tol(prob, alpha):
    """How far a solver may land from the closed form: the condition of the system."""
    s = prob.weights() if prob.sw is not None else np.ones(prob.n)
    X = prob.X64 - (np.average(prob.X64, axis=0, weights=s) if prob.fit_intercept else 0)
    ev = np.linalg.eigvalsh(X.T @ (s[:, None] * X))
    return (ev.max() + alpha) / alpha


@given(prob=problems(), log_alpha=st.floats(-2, 2), solver=st.sampled_from(RIDGE_SOLVERS))
def test_ridge_solvers_match_closed_form(prob, log_alpha, solver):
    """Check every Ridge solver, layout and dtype against the closed form."""
    Ridge = pytest.importorskip("skreg").__dict__.get("Ridge")
    if Ridge is None:
        pytest.skip("skreg.Ridge is not available yet")
    assume(not (solver == "svd" and prob.layout != "dense"))  # a TypeError, as sklearn
    alpha = 10.0**log_alpha * (np.abs(prob.X64).max() ** 2 + 1e-12)
    est = Ridge(alpha=alpha, solver=solver, fit_intercept=prob.fit_intercept,
                tol=1e-12 if prob.dtype == np.float64 else 1e-6, max_iter=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(prob.X(), prob.y(), sample_weight=prob.sw)
    # Ridge does not rescale its weights (as scikit-learn's Ridge)
    w = _ridge_oracle(prob, alpha, prob.sw)
    assert est.coef_.dtype == prob.dtype
    cond = _ridge_tol(prob, alpha)
    rtol = (1e3 if prob.dtype == np.float32 else 1e6) * EPS[prob.dtype] * cond
    scale = np.abs(w).max() + 1e-12 * (np.abs(prob.y64).max() + 1)
    atol = rtol * scale + 1e-10 * scale
    if solver in ("cd", "lsqr", "sparse_cg"):
        # iterative: the objective is 2 alpha-strongly convex, so a gap of
        # tol * ||y||^2 leaves ||w - w*|| <= sqrt(tol ||y||^2 / alpha)
        atol += 10 * np.sqrt(est.tol * (prob.y64 @ prob.y64) / alpha)
    np.testing.assert_allclose(est.coef_, w, rtol=0, atol=atol)


@given(prob=problems(dtypes=(np.float64,), weights=False), log_alpha=st.floats(-2, 2),
       data=st.data())
def test_ridge_duplicated_row_equals_weight_two(prob, log_alpha, data):
    """Check Ridge: repeating a row equals weight 2 (no rescaling of the weights)."""
    Ridge = pytest.importorskip("skreg").__dict__.get("Ridge")
    if Ridge is None:
        pytest.skip("skreg.Ridge is not available yet")
    i = data.draw(st.integers(0, prob.n - 1))
    alpha = 10.0**log_alpha * (np.abs(prob.X64).max() ** 2 + 1e-12)
    sw = np.ones(prob.n)
    sw[i] = 2.0
    a = Ridge(alpha=alpha, fit_intercept=prob.fit_intercept).fit(prob.X(), prob.y(),
                                                                 sample_weight=sw)
    X2 = LAYOUTS[prob.layout](np.vstack([prob.X64, prob.X64[i:i + 1]]))
    b = Ridge(alpha=alpha, fit_intercept=prob.fit_intercept).fit(
        X2, np.append(prob.y64, prob.y64[i]))
    cond = _ridge_tol(prob, alpha)
    scale = np.abs(a.coef_).max() + 1e-12
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=0,
                               atol=1e4 * EPS[np.float64] * cond * scale)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=0,
                               atol=1e4 * EPS[np.float64] * cond * (
                                   scale * np.abs(prob.X64).max() + np.abs(prob.y64).max()))


# --- CV estimators ----------------------------------------------------------------


@given(prob=problems(dtypes=(np.float64,), min_samples=6), l1_ratio=strict_l1_ratios)
def test_enet_cv_refit_is_enet_at_alpha(prob, l1_ratio):
    """Check that ElasticNetCV's alpha_ minimises the CV error and refits ElasticNet(alpha_)."""
    import skreg

    ElasticNetCV = getattr(skreg, "ElasticNetCV", None)
    if ElasticNetCV is None:
        pytest.skip("skreg.ElasticNetCV is not available yet")
    params = dict(l1_ratio=l1_ratio, fit_intercept=prob.fit_intercept, tol=1e-8,
                  max_iter=50_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        cv = ElasticNetCV(alphas=6, cv=3, **params).fit(prob.X(), prob.y(),
                                                        sample_weight=prob.sw)
        ref = ElasticNet(alpha=cv.alpha_, **params).fit(prob.X(), prob.y(),
                                                        sample_weight=prob.sw)
    assert np.all(np.isfinite(cv.mse_path_))
    assert cv.alpha_ == cv.alphas_[np.argmin(cv.mse_path_.mean(axis=-1))]
    bound = _strong_convexity_bound(prob, [cv.dual_gap_, ref.dual_gap_], cv.alpha_,
                                    l1_ratio)
    assert np.linalg.norm(cv.coef_ - ref.coef_) <= bound
