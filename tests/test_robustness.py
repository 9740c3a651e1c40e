"""Robustness: bad input gets a clear error, numerical corner cases a right answer.

Every public estimator and path function is held to the same contract: a
ValueError (or scikit-learn's InvalidParameterError / NotFittedError) that
names the problem, never a numpy TypeError or silent NaN; and on the corner
cases of the data (constant, duplicated or tiny/huge features, zero target,
one sample, alpha at or above alpha_max, alpha = 0) a finite answer that
matches an oracle, or a clear warning.

Estimators that are not (yet) in the package are skipped, so the suite
extends itself as they land.
"""

import inspect
import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk_lm
from sklearn.exceptions import ConvergenceWarning, NotFittedError

import skreg
from skreg._objectives import alpha_max

# --- the estimators under test, with settings that keep the suite fast ----------

_FAST = {
    "Lasso": dict(alpha=0.1),
    "ElasticNet": dict(alpha=0.1),
    "Ridge": dict(alpha=1.0),
    "RidgeCV": dict(),
    "LassoCV": dict(cv=3, alphas=5),
    "ElasticNetCV": dict(cv=3, alphas=5),
    "MLPRegressor": dict(hidden_layer_sizes=(5,), max_iter=30, random_state=0),
    "MLPClassifier": dict(hidden_layer_sizes=(5,), max_iter=30, random_state=0),
}
ALL = list(_FAST)
LINEAR = ["Lasso", "ElasticNet", "Ridge", "RidgeCV", "LassoCV", "ElasticNetCV"]
CD = ["Lasso", "ElasticNet"]
CD_CV = ["LassoCV", "ElasticNetCV"]
MLP = ["MLPRegressor", "MLPClassifier"]
REGRESSORS = [name for name in ALL if name != "MLPClassifier"]


def _cls(name):
    cls = getattr(skreg, name, None)
    if cls is None:
        pytest.skip(f"skreg.{name} is not available yet")
    return cls


def make(name, **params):
    """A fast instance of the public estimator ``name``."""
    return _cls(name)(**{**_FAST[name], **params})


def _takes(name, param):
    return param in inspect.signature(_cls(name).__init__).parameters


def _fit_takes_sample_weight(name):
    return "sample_weight" in inspect.signature(_cls(name).fit).parameters


def _data(name, n=40, p=6, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) + 1.0
    y = X @ rng.randn(p) + 0.1 * rng.randn(n)
    if name == "MLPClassifier":
        y = (y > np.median(y)).astype(int)
    return X, y


def fit(est, X, y, **kw):
    """est.fit(X, y, **kw) without ConvergenceWarnings (the fast settings stop early)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **kw)


# --- bad data ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("value, what", [(np.nan, "NaN"), (np.inf, "infinity")])
@pytest.mark.parametrize("where", ["X", "y", "sample_weight"])
def test_fit_rejects_nan_and_inf(name, value, what, where):
    """Check that NaN / inf in X, y or sample_weight is a ValueError naming it."""
    X, y = _data(name)
    sw = np.ones(len(y))
    if where == "sample_weight" and not _fit_takes_sample_weight(name):
        pytest.skip(f"{name}.fit takes no sample_weight")
    if where == "y" and name == "MLPClassifier":
        y = y.astype(float)
    arrays = {"X": X, "y": y, "sample_weight": sw}
    arrays[where] = arrays[where].astype(float)
    arrays[where][3] = value
    kw = {"sample_weight": arrays["sample_weight"]} if _fit_takes_sample_weight(name) else {}
    with pytest.raises(ValueError, match=f"{where}.*{what}|{what}.*{where}"):
        fit(make(name), arrays["X"], arrays["y"], **kw)


@pytest.mark.parametrize("name", ALL)
def test_fit_rejects_nan_in_sparse_X(name):
    """Check that NaN stored in a sparse X is caught like a dense one."""
    X, y = _data(name)
    X = sp.csr_matrix(X)
    X.data[0] = np.nan
    try:
        est = make(name)
        fit(est, X[:5], y[:5])
    except TypeError:
        pytest.skip(f"{name} does not take sparse X")
    except ValueError:
        pass
    with pytest.raises(ValueError, match="X.*NaN"):
        fit(make(name), X, y)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("shape, match", [
    ((0, 6), "0 sample"),
    ((40, 0), "0 feature"),
])
def test_fit_rejects_empty_X(name, shape, match):
    """Check that an X without samples or features is rejected by name."""
    X = np.empty(shape)
    y = np.arange(shape[0]) % 2
    if shape[0] == 0:
        y = np.empty(0)
    with pytest.raises(ValueError, match=match):
        fit(make(name), X, y)


@pytest.mark.parametrize("name", ALL)
def test_fit_rejects_1d_and_3d_X(name):
    """Check that X must be 2-D."""
    X, y = _data(name)
    with pytest.raises(ValueError, match="Expected 2D array, got 1D"):
        fit(make(name), X[:, 0], y)
    with pytest.raises(ValueError, match="dim 3"):
        fit(make(name), X[:, :, None], y)


@pytest.mark.parametrize("name", ALL)
def test_fit_rejects_inconsistent_lengths(name):
    """Check that X and y of different lengths are rejected."""
    X, y = _data(name)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        fit(make(name), X, y[:-3])


@pytest.mark.parametrize("name", ALL)
def test_predict_rejects_feature_count_mismatch(name):
    """Check that predict with a different number of features names both counts."""
    X, y = _data(name)
    est = fit(make(name), X, y)
    with pytest.raises(ValueError, match="X has 4 features, but .* is expecting 6"):
        est.predict(X[:, :4])


@pytest.mark.parametrize("name", ALL)
def test_predict_before_fit_raises_not_fitted(name):
    """Check that predict on an unfitted estimator raises NotFittedError."""
    X, _ = _data(name)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        make(name).predict(X)


@pytest.mark.parametrize("name", REGRESSORS)
@pytest.mark.parametrize("bad_y", [
    np.array(["a", "b"] * 20),
    np.array(["1.5", "x"] * 20, dtype=object),
    np.array([{"a": 1}] * 40, dtype=object),
])
def test_regressor_rejects_non_numeric_y(name, bad_y):
    """Check that non-numeric y is a ValueError (not a numpy TypeError)."""
    X, _ = _data(name)
    with pytest.raises(ValueError, match="float|numeric|convert"):
        fit(make(name), X, bad_y)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("bad, match", [
    (np.ones(39), r"sample_weight.shape == \(39,\), expected \(40,\)"),
    (np.ones((40, 2)), "Sample weights must be 1D"),
    (-np.ones(40), "Negative values in data passed to `sample_weight`"),
    (np.zeros(40), "at least one non-zero|positive sum"),
])
def test_fit_rejects_bad_sample_weight(name, bad, match):
    """Check that sample_weight of the wrong shape, negative or all zero is rejected."""
    if not _fit_takes_sample_weight(name):
        pytest.skip(f"{name}.fit takes no sample_weight")
    X, y = _data(name)
    with pytest.raises(ValueError, match=match):
        fit(make(name), X, y, sample_weight=bad)


# --- bad parameters ----------------------------------------------------------------------

_BAD_PARAMS = [
    ("Lasso", dict(alpha=-0.1), "'alpha' parameter"),
    ("ElasticNet", dict(alpha=-0.1), "'alpha' parameter"),
    ("ElasticNet", dict(l1_ratio=1.5), "'l1_ratio' parameter"),
    ("ElasticNet", dict(l1_ratio=-0.1), "'l1_ratio' parameter"),
    ("Lasso", dict(selection="sideways"), "'selection' parameter"),
    ("Lasso", dict(tol=-1.0), "'tol' parameter"),
    ("Lasso", dict(max_iter=0), "'max_iter' parameter"),
    ("Ridge", dict(alpha=-1.0), "alpha"),
    ("Ridge", dict(solver="magic"), "'solver' parameter"),
    ("RidgeCV", dict(alphas=[1.0, -1.0]), "alphas"),
    ("LassoCV", dict(alphas=[1.0, -1.0]), "alphas"),
    ("LassoCV", dict(eps=-1.0), "'eps' parameter"),
    ("ElasticNetCV", dict(l1_ratio=1.5), "l1_ratio"),
    ("ElasticNetCV", dict(l1_ratio=[0.5, -0.2]), "l1_ratio"),
    ("MLPRegressor", dict(alpha=-1.0), "'alpha' parameter"),
    ("MLPRegressor", dict(solver="magic"), "'solver' parameter"),
    ("MLPClassifier", dict(solver="magic"), "'solver' parameter"),
    ("MLPRegressor", dict(dropout_rate=1.0), "dropout_rate"),
    ("MLPRegressor", dict(dropout_rate=-0.1), "dropout_rate"),
    ("MLPClassifier", dict(dropout_rate=1.0), "dropout_rate"),
    ("MLPClassifier", dict(dropout_rate=np.nan), "dropout_rate"),
    ("MLPClassifier", dict(hidden_layer_sizes=(5, 4), dropout_rate=[0.1, 0.2, 0.3]),
     "dropout_rate"),
    ("MLPClassifier", dict(hidden_layer_sizes=(5, 4), dropout_rate=[0.1]), "dropout_rate"),
    ("MLPClassifier", dict(hidden_layer_sizes=(5, 4), dropout_rate=[0.1, 1.0]),
     "dropout_rate"),
    ("MLPRegressor", dict(input_dropout_rate=1.0), "input_dropout_rate"),
    ("MLPRegressor", dict(input_dropout_rate=-0.5), "input_dropout_rate"),
    ("MLPClassifier", dict(dropout_mode="gaussian"), "dropout_mode"),
    ("MLPRegressor", dict(dropout_mode="gaussian"), "dropout_mode"),
    ("MLPRegressor", dict(l1_ratio=1.5), "l1_ratio"),
    ("MLPRegressor", dict(max_norm=-1.0), "max_norm"),
    ("MLPClassifier", dict(solver="lbfgs", dropout_rate=0.2), "lbfgs"),
    ("MLPRegressor", dict(solver="lbfgs", input_dropout_rate=0.2), "lbfgs"),
]


@pytest.mark.parametrize("name, params, match", _BAD_PARAMS,
                         ids=[f"{n}-{'-'.join(map(str, p))}" for n, p, _ in _BAD_PARAMS])
def test_fit_rejects_bad_parameter(name, params, match):
    """Check that an invalid parameter value is a ValueError naming the parameter."""
    for param in params:
        if not _takes(name, param):
            pytest.skip(f"{name} has no parameter {param}")
    X, y = _data(name)
    with pytest.raises(ValueError, match=match):
        fit(make(name, **params), X, y)


@pytest.mark.parametrize("name", CD)
def test_warm_start_with_changed_shape_is_clear(name):
    """Check that warm_start onto data of another shape says so (not a reshape error)."""
    X, y = _data(name)
    est = fit(make(name, warm_start=True), X, y)
    with pytest.raises(ValueError, match="warm_start=True: the previous coef_ has shape"):
        est.fit(X[:, :3], y)
    with pytest.raises(ValueError, match="warm_start=True"):
        est.fit(X, np.c_[y, y])
    est.set_params(warm_start=False).fit(X[:, :3], y)  # and starts afresh without it
    assert est.coef_.shape == (3,)


@pytest.mark.parametrize("name", CD + CD_CV)
@pytest.mark.parametrize("pf, match", [
    ([1.0, 1.0], r"penalty_factor must have shape \(6,\)"),
    ([1.0, 1.0, -1.0, 1.0, 1.0, 1.0], "penalty_factor must be non-negative"),
    ([1.0, 1.0, np.nan, 1.0, 1.0, 1.0], "penalty_factor must be non-negative"),
    (np.ones((6, 1)), "penalty_factor must have shape"),
    ([0.0] * 6, "penalty_factor must have at least one positive"),
])
def test_fit_rejects_bad_penalty_factor(name, pf, match):
    """Check that penalty_factor of the wrong length, negative or NaN is rejected."""
    X, y = _data(name)
    with pytest.raises(ValueError, match=match):
        fit(make(name, penalty_factor=pf), X, y)


@pytest.mark.parametrize("path", ["lasso_path", "enet_path"])
def test_path_rejects_bad_input(path):
    """Check that the path functions reject bad data and parameters by name."""
    f = getattr(skreg, path)
    X, y = _data("Lasso")
    Xn = X.copy()
    Xn[0, 0] = np.nan
    yn = y.copy()
    yn[1] = np.inf
    cases = [
        (dict(X=Xn, y=y), "NaN"),
        (dict(X=X, y=yn), "infinity"),
        (dict(X=X[:, 0], y=y), "Expected 2D array"),
        (dict(X=np.empty((0, 6)), y=np.empty(0)), "0 sample"),
        (dict(X=X, y=y[:-2]), "inconsistent numbers of samples"),
        (dict(X=X, y=y, alphas=[1.0, -1.0]), "alphas"),
        (dict(X=X, y=y, alphas=[np.nan]), "alphas"),
        (dict(X=X, y=y, eps=-1.0), "'eps' parameter"),
        (dict(X=X, y=y, penalty_factor=[1.0]), "penalty_factor must have shape"),
        (dict(X=X, y=y, penalty_factor=-np.ones(6)), "penalty_factor must be non-neg"),
        (dict(X=X, y=y, selection="sideways"), "selection"),
        (dict(X=X, y=y, sample_weight=-np.ones(40)), "sample_weight"),
        (dict(X=X, y=y, sample_weight=np.ones(3)), "sample_weight"),
        (dict(X=X, y=y, not_a_param=1), "Unexpected parameters"),
        # once wrote past the end of a 3-vector in the kernel (heap corruption)
        (dict(X=X, y=y, coef_init=np.ones(3)), r"coef_init must have shape \(6,\)"),
        (dict(X=X, y=y, coef_init=np.ones(3), precompute=True), "coef_init must have shape"),
        (dict(X=X, y=np.array(["a", "b"] * 20)), "float"),
    ]
    if path == "enet_path":
        cases.append((dict(X=X, y=y, l1_ratio=1.5), "'l1_ratio' parameter"))
    for kwargs, match in cases:
        kwargs.setdefault("alphas", 3)
        with pytest.raises(ValueError, match=match):
            f(**kwargs)


# --- numerical corner cases ----------------------------------------------------------


def _finite(est):
    for attr in ("coef_", "intercept_", "coefs_", "intercepts_"):
        value = getattr(est, attr, [])
        for v in value if isinstance(value, list) else [value]:
            assert np.all(np.isfinite(v)), (attr, v)


@pytest.mark.parametrize("name", LINEAR)
@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_constant_feature_gets_zero_coef(name, layout):
    """Check that a constant column gets coef 0 and changes nothing else."""
    X, y = _data(name)
    Xc = X.copy()
    Xc[:, 2] = 7.0
    to = sp.csc_matrix if layout == "csc" else np.asarray
    est = fit(make(name), to(Xc), y)
    ref = fit(make(name), np.delete(X, 2, axis=1), y)
    _finite(est)
    assert abs(est.coef_[2]) <= 1e-10
    np.testing.assert_allclose(np.delete(est.coef_, 2), ref.coef_, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(est.intercept_, ref.intercept_, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", LINEAR)
def test_duplicated_feature(name):
    """Check duplicated columns: finite, same predictions as one copy (L2: an even split)."""
    X, y = _data(name)
    Xd = np.hstack([X, X[:, :1]])
    est = fit(make(name, **({"tol": 1e-10, "max_iter": 100_000} if name in CD else {})),
              Xd, y)
    _finite(est)
    if name in ("Ridge", "ElasticNet"):
        np.testing.assert_allclose(est.coef_[0], est.coef_[-1], rtol=1e-4, atol=1e-8)
    if name == "Lasso":  # the split is not unique; the fit is
        ref = fit(make(name, tol=1e-10, max_iter=100_000), X, y)
        np.testing.assert_allclose(est.predict(Xd), ref.predict(X), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ALL)
def test_all_zero_target(name):
    """Check that y = 0 gives a finite fit predicting (close to) 0 and no warning."""
    if name == "MLPClassifier":
        pytest.skip("one class only: see test_classifier_single_class")
    X, _ = _data(name)
    y = np.zeros(X.shape[0])
    with warnings.catch_warnings():
        if name in MLP:
            warnings.simplefilter("ignore", ConvergenceWarning)
        else:
            warnings.simplefilter("error")
        est = make(name).fit(X, y)
    _finite(est)
    pred = est.predict(X)
    assert np.all(np.isfinite(pred))
    if name in LINEAR:
        assert np.all(est.coef_ == 0)
        np.testing.assert_allclose(pred, 0.0, atol=1e-12)


def test_classifier_single_class():
    """Check that one class only gives a finite model predicting it (as scikit-learn)."""
    X, _ = _data("MLPClassifier")
    est = fit(make("MLPClassifier"), X, np.full(X.shape[0], 3))
    _finite(est)
    np.testing.assert_array_equal(est.predict(X), 3)
    assert np.all(np.isfinite(est.predict_proba(X)))


@pytest.mark.parametrize("name", [n for n in ALL if n not in CD_CV + ["RidgeCV"]])
def test_one_sample(name):
    """Check that one sample gives a finite fit (w = 0 with an intercept)."""
    if name == "MLPClassifier":
        pytest.skip("a classifier needs two classes")
    X, y = _data(name)
    est = fit(make(name), X[:1], y[:1])
    _finite(est)
    pred = est.predict(X[:3])
    assert np.all(np.isfinite(pred))
    if name in LINEAR:
        np.testing.assert_allclose(est.coef_, 0.0, atol=1e-12)
        np.testing.assert_allclose(pred, y[0])


@pytest.mark.parametrize("name", CD_CV + ["RidgeCV"])
def test_cv_too_few_samples_is_clear(name):
    """Check that CV on fewer samples than folds raises a clear ValueError."""
    X, y = _data(name)
    with pytest.raises(ValueError, match="n_splits|samples|folds"):
        fit(make(name, cv=3), X[:2], y[:2])


@pytest.mark.parametrize("name", LINEAR + ["MLPRegressor"])
def test_one_feature(name):
    """Check that one feature works (and matches scikit-learn for linear models)."""
    X, y = _data(name)
    X1 = X[:, :1]
    est = fit(make(name), X1, y)
    _finite(est)
    if name in LINEAR:
        assert est.coef_.shape[-1] == 1
    sk_cls = getattr(sk_lm, name, None)
    if sk_cls is not None and name in ("Lasso", "ElasticNet", "Ridge"):
        ref = sk_cls(**_FAST[name], tol=1e-10).fit(X1, y)
        np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-4)


@pytest.mark.parametrize("name", CD)
@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("factor", [1.0, 1.5, 1e6])
def test_alpha_at_or_above_alpha_max(name, layout, factor):
    """Check that alpha >= alpha_max gives w = 0 at once (n_iter_ 0), no warning."""
    X, y = _data(name)
    l1_ratio = 0.5 if name == "ElasticNet" else 1.0
    a = alpha_max(X, y, l1_ratio=l1_ratio) * factor * (1 + 1e-12)
    to = sp.csc_matrix if layout == "csc" else np.asarray
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = make(name, alpha=a).fit(to(X), y)
    assert np.all(est.coef_ == 0)
    assert est.n_iter_ <= 1
    np.testing.assert_allclose(est.intercept_, y.mean())
    # the path functions fit no intercept: their alpha_max is uncentered
    a = alpha_max(X, y, l1_ratio=l1_ratio, fit_intercept=False) * factor * (1 + 1e-12)
    _, coefs, _, n_iters = skreg.enet_path(X, y, l1_ratio=l1_ratio, alphas=[a * 2, a],
                                           return_n_iter=True)
    assert np.all(coefs == 0) and max(n_iters) <= 1


@pytest.mark.parametrize("name", CD)
def test_alpha_zero_warns_as_sklearn(name):
    """Check that alpha=0 warns as scikit-learn does and gives least squares."""
    X, y = _data(name)
    with pytest.warns(UserWarning, match="With alpha=0, this algorithm does not"):
        est = make(name, alpha=0.0, tol=1e-12, max_iter=10_000).fit(X, y)
    ref = sk_lm.LinearRegression().fit(X, y)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-6)
    np.testing.assert_allclose(est.intercept_, ref.intercept_, rtol=1e-6)


def _scaled_alpha(name, alpha, c):
    """The alpha that makes the fit on c X equal the fit on X with coef / c."""
    if name in ("Lasso", "ElasticNet"):
        return alpha * c  # ||y - c X w/c||^2 / 2n + alpha c |w / c|: the L1 term is fixed
    return alpha * c * c  # Ridge: alpha ||w / c||^2 c^2


@pytest.mark.parametrize("name", ["Lasso", "Ridge"])
@pytest.mark.parametrize("c", [1e-150, 1e150])
@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_extreme_feature_scale(name, c, layout):
    """Check X scaled by 1e-150 / 1e+150: the unscaled fit with coef / c, no NaN."""
    X, y = _data(name)
    to = sp.csc_matrix if layout == "csc" else np.asarray
    ref = fit(make(name, tol=1e-10), X, y)
    alpha = _scaled_alpha(name, ref.alpha, c)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        try:
            est = make(name, alpha=alpha, tol=1e-10).fit(to(X * c), y)
        except ValueError as exc:  # a clear refusal is acceptable, NaN is not
            assert "scale" in str(exc) or "overflow" in str(exc), exc
            return
    _finite(est)
    pred = est.predict(to(X * c))
    assert np.all(np.isfinite(pred))
    if not rec:  # without a warning the answer must be right
        np.testing.assert_allclose(est.coef_ * c, ref.coef_, rtol=1e-5, atol=1e-8)
        np.testing.assert_allclose(pred, ref.predict(X), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("c", [1e-150, 1e150])
def test_extreme_feature_scale_elastic_net(c):
    """Check ElasticNet on X scaled by 1e-150 / 1e+150 against scikit-learn's (no NaN)."""
    X, y = _data("ElasticNet")
    est = fit(make("ElasticNet", alpha=0.1 * c, tol=1e-10), X * c, y)
    ref = sk_lm.ElasticNet(alpha=0.1 * c, tol=1e-10).fit(X * c, y)
    _finite(est)
    np.testing.assert_allclose(est.coef_ * c, ref.coef_ * c, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(est.predict(X * c), ref.predict(X * c), rtol=1e-6)


@pytest.mark.parametrize("solver", ["auto", "cholesky", "svd", "lsqr", "sparse_cg", "cd"])
def test_ridge_nearly_singular(solver):
    """Check a nearly singular Ridge system: finite and close to the SVD answer."""
    Ridge = _cls("Ridge")
    rng = np.random.RandomState(0)
    X = rng.randn(50, 5)
    X = np.hstack([X, X[:, :2] + 1e-10 * rng.randn(50, 2)])  # near duplicates
    y = X[:, 0] - X[:, 3] + 0.01 * rng.randn(50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # LinAlgWarning / ConvergenceWarning are fine
        est = Ridge(alpha=1e-8, solver=solver, tol=1e-10, max_iter=100_000).fit(X, y)
    ref = sk_lm.Ridge(alpha=1e-8, solver="svd").fit(X, y)
    _finite(est)
    np.testing.assert_allclose(est.predict(X), ref.predict(X), rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("name", MLP)
def test_mlp_diverging_learning_rate(name):
    """Check that a learning rate that blows the loss up stops clearly, not with NaN."""
    X, y = _data(name)
    y = y * 1e3 if name == "MLPRegressor" else y
    est = make(name, solver="sgd", learning_rate_init=1e6, momentum=0.0, max_iter=50)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        try:
            est.fit(X, y)
        except (ValueError, FloatingPointError, ArithmeticError) as exc:
            assert any(w in str(exc).lower()
                       for w in ("diverg", "nan", "inf", "finite", "learning_rate")), exc
            return
    messages = " ".join(str(w.message).lower() for w in rec)
    pred = est.predict(X)
    finite = np.all(np.isfinite(np.asarray(pred, dtype=float)))
    if hasattr(est, "predict_proba"):
        finite = finite and np.all(np.isfinite(est.predict_proba(X)))
    assert finite or any(w in messages for w in ("diverg", "nan", "inf")), messages
    assert finite, "NaN predictions after a diverging fit"


# --- inputs are left alone --------------------------------------------------------


def _snapshot(a):
    return a.copy() if sp.issparse(a) else a.copy(order="K")


def _same(a, b):
    if sp.issparse(a):
        return a.format == b.format and (a != b).nnz == 0 and a.dtype == b.dtype
    return a.dtype == b.dtype and a.flags.f_contiguous == b.flags.f_contiguous and \
        np.array_equal(a, b)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("layout", ["C", "F", "csr", "csc", "float32"])
def test_fit_does_not_modify_inputs(name, layout):
    """Check that X, y and sample_weight are unchanged by fit (copy_X=True)."""
    X, y = _data(name)
    X = {"C": np.ascontiguousarray, "F": np.asfortranarray, "csr": sp.csr_matrix,
         "csc": sp.csc_matrix, "float32": lambda a: a.astype(np.float32)}[layout](X)
    sw = np.linspace(0.5, 2.0, X.shape[0])
    before = [_snapshot(X), y.copy(), sw.copy()]
    kw = {"sample_weight": sw} if _fit_takes_sample_weight(name) else {}
    try:
        est = fit(make(name), X, y, **kw)
    except TypeError:
        pytest.skip(f"{name} does not take this layout")
    est.predict(X)
    for b, a in zip(before, [X, y, sw]):
        assert _same(b, a)


@pytest.mark.parametrize("name", CD)
def test_fit_does_not_copy_fortran_X(name):
    """Check that a float64 Fortran X is never copied (scikit-learn copies it)."""
    rng = np.random.RandomState(0)
    X = np.asfortranarray(rng.randn(20_000, 50) + 1.0)  # 8 MB
    y = X[:, :5].sum(axis=1) + rng.randn(20_000)
    sw = rng.uniform(0.5, 2, 20_000)
    for kw in ({}, {"sample_weight": sw}):
        tracemalloc.start()
        try:
            fit(make(name, alpha=0.01), X, y, **kw)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 0.25 * X.nbytes, (peak, X.nbytes)


@pytest.mark.parametrize("name", CD)
def test_fit_does_not_copy_the_values_of_csc_X(name):
    """Check that a CSC fit never copies X's stored values (scipy's mean does)."""
    X = sp.random(20_000, 400, density=0.05, format="csc", random_state=0)  # 4.8 MB
    X.data += 1.0
    y = np.asarray(X[:, :5].sum(axis=1)).ravel() + np.random.RandomState(0).randn(20_000)
    tracemalloc.start()
    try:
        fit(make(name, alpha=1e-3), X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 0.5 * X.data.nbytes, (peak, X.data.nbytes)


def _peak(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", ["Lasso", "ElasticNet", "Ridge"])
@pytest.mark.parametrize("order", ["C", "F"])
def test_fit_peak_memory_not_above_sklearn(name, order):
    """Check that a fit's peak traced memory is at most scikit-learn's (+ 10%)."""
    _cls(name)
    rng = np.random.RandomState(0)
    X = rng.randn(20_000, 50) + 1.0
    X = np.asfortranarray(X) if order == "F" else np.ascontiguousarray(X)
    y = X[:, :5].sum(axis=1) + rng.randn(20_000)
    ours = _peak(lambda: fit(make(name, alpha=0.01), X, y))
    theirs = _peak(lambda: fit(getattr(sk_lm, name)(alpha=0.01), X, y))
    assert ours <= 1.1 * theirs + 2**20, (ours, theirs)


# --- kernel precision: fixed regressions ----------


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_float32_weighted_small_residual_converges(layout):
    """Check float32 convergence when the mean offset dwarfs the residual.

    The implicitly centered float32 residual is stored uncentered, so when
    |X_mean @ w| >> |residual| its rounding swamps the residual and CD stalled
    (found by test_properties: float32, 2 x 1, weighted).  Such X is now
    centered in a copy when dense and solved in float64 when sparse.
    """
    X = np.array([[3.2470386], [4.13207912]], dtype=np.float32)
    y = np.array([-4.484025, -5.71190596], dtype=np.float32)
    sw = np.array([2.81038637, 0.37148495])
    alpha = 0.0022412558779395207
    to = sp.csc_matrix if layout == "csc" else np.asarray
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = make("ElasticNet", alpha=alpha, l1_ratio=0.5, tol=1e-5,
                   max_iter=20_000).fit(to(X), y, sample_weight=sw)
    ref = make("ElasticNet", alpha=alpha, l1_ratio=0.5, tol=1e-12).fit(
        X.astype(np.float64), y.astype(np.float64), sample_weight=sw)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=2e-6)
    assert est.coef_.dtype == np.float32  # solved in float64 when sparse, not returned so


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_float32_cv_with_dominant_offsets(layout):
    """Check LassoCV folds on float32 X whose offsets dwarf the spread.

    The folds get the same guard as the estimators (dense: centered copy of the
    fold; sparse: float64 values): the fit converges, stays float32 and picks
    the alpha the float64 fit picks on the same folds and grid.
    """
    rng = np.random.RandomState(3)
    X = rng.rand(60, 4) * 0.01 + 100.0
    y = (X - X.mean(0)) @ np.array([300.0, -200.0, 0.0, 100.0]) + rng.randn(60)
    to = sp.csc_matrix if layout == "csc" else np.asarray
    alphas = np.geomspace(1.0, 1e-3, 10) * alpha_max(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = skreg.LassoCV(cv=3, alphas=alphas, tol=1e-5, max_iter=50_000).fit(
            to(X.astype(np.float32)), y.astype(np.float32))
    ref = skreg.LassoCV(cv=3, alphas=alphas, tol=1e-10, max_iter=100_000).fit(X, y)
    assert est.coef_.dtype == np.float32
    assert est.alpha_ == pytest.approx(ref.alpha_, rel=1e-4)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-3,
                               atol=1e-3 * np.abs(ref.coef_).max())


@pytest.mark.parametrize("name", MLP)
@pytest.mark.parametrize("c", [1e-150, 1e150])
def test_mlp_extreme_feature_scale(name, c):
    """Check an MLP on X scaled by 1e-150 / 1e+150: finite output or a clear error."""
    X, y = _data(name)
    est = make(name)
    try:
        fit(est, X * c, y)
    except ValueError as exc:
        assert "non-finite" in str(exc) or "large values" in str(exc), exc
        return
    _finite(est)
    assert np.all(np.isfinite(np.asarray(est.predict(X * c), dtype=float)))


@pytest.mark.parametrize("name", ALL)
def test_concurrent_fits_equal_sequential(name):
    """Check that fits run in threads give exactly the sequential results."""
    from concurrent.futures import ThreadPoolExecutor

    problems = [_data(name, n=40 + 5 * k, seed=k) for k in range(4)]

    def job(k):
        X, y = problems[k % 4]
        params = {"random_state": k} if _takes(name, "random_state") else {}
        if name in CD:
            params["selection"] = "random" if k % 2 else "cyclic"
        est = fit(make(name, **params), X, y)
        return np.asarray(est.predict(X), dtype=float)

    jobs = list(range(8))
    sequential = [job(k) for k in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(job, jobs))
    for a, b in zip(sequential, concurrent):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", CD_CV)
def test_cv_fold_with_zero_weights_is_clear(name):
    """Check that a CV fold whose weights sum to zero is a clear ValueError.

    (scikit-learn raises ZeroDivisionError from np.average.)
    """
    X, y = _data(name)
    sw = np.r_[np.zeros(30), np.ones(10)]
    with pytest.raises(ValueError, match="sample_weight sums to zero on the .* fold"):
        fit(make(name, cv=3), X, y, sample_weight=sw)


def test_constant_feature_with_inexact_mean_tiny_alpha():
    """Check a constant column 0.1 (inexact mean) at alpha=1e-30: finite, as scikit-learn.

    (Its rounding-size norm2 once met a larger implicit-centering gradient
    error and coef_ exploded to 1e86; fixed in the kernel, c488c8e.)
    """
    rng = np.random.RandomState(0)
    X = rng.randn(3, 2)
    X[:, 1] = 0.1
    y = rng.randn(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = make("Lasso", alpha=1e-30, tol=1e-12, max_iter=10_000).fit(X, y)
    ref = sk_lm.Lasso(alpha=1e-30, tol=1e-12, max_iter=10_000).fit(X, y)
    assert abs(est.coef_[1]) < 1e3
    np.testing.assert_allclose(est.predict(X), ref.predict(X), atol=1e-8)


def test_large_constant_feature_small_alpha_matches_sklearn():
    """Check a constant column of 1e6 + 0.1 at a small alpha against scikit-learn.

    (The Lasso once stalled at coef_ = 0 here; fixed in the kernel, c488c8e.)
    """
    rng = np.random.RandomState(0)
    X = rng.randn(100, 3)
    X[:, 1] = 1e6 + 0.1
    y = X[:, 0] + rng.randn(100)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = make("Lasso", alpha=1e-12).fit(X, y)
    ref = sk_lm.Lasso(alpha=1e-12).fit(X, y)
    np.testing.assert_allclose(est.predict(X), ref.predict(X), atol=1e-4)


@pytest.mark.parametrize("name", CD_CV)
@pytest.mark.parametrize("c", [1e-150, 1e150])
def test_cv_extreme_feature_scale(name, c):
    """Check that CV on X scaled by c picks alpha_ * c and coef_ / c (not w = 0).

    (The Lasso is equivariant under X -> c X, alpha -> c alpha; the ridge part
    of the ElasticNet is not, so ElasticNetCV is only held to a finite fit.)
    """
    X, y = _data(name)
    ref = fit(make(name, tol=1e-8), X, y)
    est = fit(make(name, tol=1e-8), X * c, y)
    _finite(est)
    assert np.all(np.isfinite(est.predict(X * c)))
    if name == "ElasticNetCV":
        return
    np.testing.assert_allclose(est.alpha_, ref.alpha_ * c, rtol=1e-6)
    np.testing.assert_allclose(est.coef_ * c, ref.coef_, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(est.predict(X * c), ref.predict(X), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", CD_CV)
def test_cv_constant_target(name):
    """Check that a constant y (inexact mean) gives w = 0 and the mean as intercept."""
    X, _ = _data(name)
    y = np.full(X.shape[0], 0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = make(name).fit(X, y)
    assert np.all(est.coef_ == 0)
    np.testing.assert_allclose(est.intercept_, 0.1)
    np.testing.assert_allclose(est.predict(X), 0.1)


@pytest.mark.parametrize("solver", ["auto", "cholesky", "svd", "lsqr", "sparse_cg", "cd"])
@pytest.mark.parametrize("what, c", [("y", 1e-30), ("y", 1e30), ("X", 1e-150), ("X", 1e150)])
@pytest.mark.parametrize("layout", ["dense", "csr"])
def test_ridge_solvers_scale_free(solver, what, c, layout):
    """Check every Ridge solver on y * c or X * c (alpha * c^2) against the unscaled fit.

    (scipy's LSQR stops on an absolute eps: solver='lsqr' returned a wrong fit
    for y * 1e-20 or X * 1e-50 silently, in scikit-learn as well.)
    """
    if solver == "svd" and layout == "csr":
        pytest.skip("svd takes dense X only (a TypeError, as scikit-learn)")
    X, y = _data("Ridge")
    to = sp.csr_matrix if layout == "csr" else np.asarray
    ref = make("Ridge", solver="svd").fit(X, y)
    params = dict(solver=solver, tol=1e-10, max_iter=10_000)
    if what == "y":
        est = make("Ridge", **params).fit(to(X), y * c)
        coef, pred = est.coef_ / c, est.predict(to(X)) / c
    else:
        est = make("Ridge", alpha=ref.alpha * c * c, **params).fit(to(X * c), y)
        coef, pred = est.coef_ * c, est.predict(to(X * c))
    _finite(est)
    same = make("Ridge", **params).fit(to(X), y)  # the iterates scale (to rounding)
    rtol = 1e-5 if solver == "cd" else 1e-6  # cd may stop an epoch apart
    np.testing.assert_allclose(coef, same.coef_, rtol=rtol, atol=1e-8)
    np.testing.assert_allclose(pred, same.predict(to(X)), rtol=rtol, atol=1e-6)
    np.testing.assert_allclose(coef, ref.coef_, rtol=1e-4, atol=1e-6)
