"""The fast input validation of a small fit agrees with scikit-learn's."""

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.linear_model import Lasso as SkLasso
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from skreg import ElasticNet, Lasso, LogisticRegression
from skreg.utils._sklearn_compat import validate_data, validate_dense_xy

DTYPES = (np.float64, np.float32)


def _reference(X, y):
    est = Lasso()
    Xv, yv = validate_data(est, X, y, accept_sparse="csc", order="F",
                           dtype=list(DTYPES), copy=False, multi_output=True,
                           y_numeric=True)
    return est, Xv, yv


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("y_kind", ["1d", "2d", "int", "bool", "column"])
def test_fast_path_returns_what_validate_data_returns(dtype, order, y_kind):
    rng = np.random.default_rng(0)
    X = np.asarray(rng.standard_normal((30, 4)), dtype=dtype, order=order)
    y = {"1d": rng.standard_normal(30), "2d": rng.standard_normal((30, 3)),
         "int": rng.integers(0, 5, 30), "bool": rng.random(30) > 0.5,
         "column": rng.standard_normal((30, 1))}[y_kind]
    est = Lasso()
    out = validate_dense_xy(est, X, y, dtype=DTYPES, order="F")
    assert out is not None
    ref_est, Xr, yr = _reference(X, y)
    assert out[0].dtype == Xr.dtype and out[0].flags.f_contiguous
    np.testing.assert_array_equal(out[0], Xr)
    assert out[1].shape == yr.shape
    np.testing.assert_array_equal(out[1], yr)
    assert est.n_features_in_ == ref_est.n_features_in_ == 4
    # no copy of an X already in the requested layout, as validate_data
    assert (out[0] is X) == (Xr is X)


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.asmatrix
@pytest.mark.parametrize("case", ["nan_X", "inf_X", "nan_y", "inf_y", "length",
                                  "X_1d", "X_3d", "y_3d", "y_no_column", "empty",
                                  "int_X", "object_y", "list_X", "matrix_X",
                                  "overflowing_sum"])
def test_fast_path_declines_where_validate_data_decides(case):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((20, 3))
    y = rng.standard_normal(20)
    if case == "nan_X":
        X[3, 1] = np.nan
    elif case == "inf_X":
        X[0, 0] = -np.inf
    elif case == "nan_y":
        y[5] = np.nan
    elif case == "inf_y":
        y[2] = np.inf
    elif case == "length":
        y = y[:-1]
    elif case == "X_1d":
        X = X[:, 0]
    elif case == "X_3d":
        X = X.reshape(20, 3, 1)
    elif case == "y_3d":
        y = y.reshape(20, 1, 1)
    elif case == "y_no_column":
        y = np.empty((20, 0))
    elif case == "empty":
        X, y = X[:0], y[:0]
    elif case == "int_X":
        X = X.astype(np.int64)
    elif case == "object_y":
        y = y.astype(object)
    elif case == "list_X":
        X = X.tolist()
    elif case == "matrix_X":
        X = np.asmatrix(X)
    elif case == "overflowing_sum":
        X = np.full((20, 3), np.finfo(np.float32).max / 2, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning from the scan
        assert validate_dense_xy(Lasso(), X, y, dtype=DTYPES, order="F") is None


@pytest.mark.parametrize("bad", ["nan_X", "inf_X", "-inf_X", "inf_y", "length"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("layout", ["dense", "csc", "csr"])
def test_fit_raises_scikit_learn_errors(bad, fit_intercept, dtype, layout):
    """Check Lasso's errors on bad input are scikit-learn's, word for word.

    With an intercept and no weights skreg reads X's finiteness off its column
    means (one pass over X, or over a sparse X's values, less); an inf or NaN
    anywhere must still be caught.
    """
    import scipy.sparse as sp

    rng = np.random.default_rng(2)
    X = rng.standard_normal((20, 3)).astype(dtype)
    y = rng.standard_normal(20)
    if bad.endswith("_X"):
        X[1, 1] = float(bad[:-2])
    elif bad == "inf_y":
        y[0] = np.inf
    else:
        y = y[:-2]
    if layout != "dense":
        X = getattr(sp, f"{layout}_matrix")(X)
    with pytest.raises(ValueError) as ours:
        Lasso(alpha=0.1, fit_intercept=fit_intercept).fit(X, y)
    with pytest.raises(ValueError) as theirs:
        SkLasso(alpha=0.1, fit_intercept=fit_intercept).fit(X, y)
    assert str(ours.value) == str(theirs.value)


def test_assume_finite_skips_the_scan_as_validate_data():
    X = np.ones((5, 2))
    X[0, 0] = np.nan
    with sklearn.config_context(assume_finite=True):
        out = validate_dense_xy(Lasso(), X, np.ones(5), dtype=DTYPES, order="F")
        _, Xr, _ = _reference(X, np.ones(5))
    assert out is not None
    np.testing.assert_array_equal(out[0], Xr)


def test_refit_on_an_array_forgets_feature_names():
    pd = pytest.importorskip("pandas")  # not a test dependency
    rng = np.random.default_rng(3)
    X = rng.standard_normal((25, 3))
    y = X[:, 0] + 0.1 * rng.standard_normal(25)
    est = ElasticNet(alpha=0.01).fit(pd.DataFrame(X, columns=["a", "b", "c"]), y)
    assert list(est.feature_names_in_) == ["a", "b", "c"]
    est.fit(X, y)
    assert not hasattr(est, "feature_names_in_")
    assert est.n_features_in_ == 3
    sk = SkLasso(alpha=0.01).fit(pd.DataFrame(X, columns=["a", "b", "c"]), y).fit(X, y)
    assert not hasattr(sk, "feature_names_in_")


def test_cached_param_names_are_the_constructors_per_class():
    from sklearn.base import BaseEstimator

    for cls in (ElasticNet, Lasso):
        for _ in range(2):  # the second call is served from the cache
            assert cls._get_param_names() == BaseEstimator._get_param_names.__func__(cls)
    assert "l1_ratio" in ElasticNet().get_params()
    assert "l1_ratio" not in Lasso().get_params()


@pytest.mark.parametrize("params", [{"alpha": -1.0}, {"alpha": "a"}, {"max_iter": 0},
                                    {"selection": "x"}, {"tol": -1.0},
                                    {"precompute": "yes"}, {"positive": 2}])
def test_invalid_parameters_raise_scikit_learn_errors(params):
    from sklearn.base import BaseEstimator
    from sklearn.utils._param_validation import InvalidParameterError

    X, y = np.ones((4, 2)) + np.eye(4, 2), np.arange(4.0)
    for _ in range(2):  # constraints cached after the first fit
        with pytest.raises(InvalidParameterError) as ours:
            Lasso(**params).fit(X, y)
        with pytest.raises(InvalidParameterError) as uncached:
            BaseEstimator._validate_params(Lasso(**params))
        assert str(ours.value) == str(uncached.value)
        if "precompute" not in params:  # skreg words that constraint its own way
            with pytest.raises(InvalidParameterError) as theirs:
                SkLasso(**params).fit(X, y)
            assert str(ours.value) == str(theirs.value)
    Lasso(alpha=0.1).fit(X, y)  # a valid fit after failing ones


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.asmatrix
def test_predict_fast_path_only_where_validate_data_would_pass_silently():
    from skreg.utils._sklearn_compat import validate_dense_x

    pd = pytest.importorskip("pandas")  # not a test dependency
    rng = np.random.default_rng(4)
    X = rng.standard_normal((20, 3))
    est = Lasso(alpha=0.01).fit(X, X[:, 0])
    for dtype in DTYPES:
        Xd = X.astype(dtype)
        assert validate_dense_x(est, Xd, dtype=DTYPES) is Xd
        np.testing.assert_allclose(est.predict(Xd), Xd @ est.coef_ + est.intercept_,
                                   rtol=1e-5)
    bad = X.copy()
    bad[0, 0] = np.nan
    for Xb in (bad, X[:, :2], X[:0], X.astype(np.int64), np.asmatrix(X), X.tolist()):
        assert validate_dense_x(est, Xb, dtype=DTYPES) is None
    with pytest.raises(ValueError, match="NaN"):
        est.predict(bad)
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :2])
    named = Lasso(alpha=0.01).fit(pd.DataFrame(X, columns=list("abc")), X[:, 0])
    assert validate_dense_x(named, X, dtype=DTYPES) is None
    with pytest.warns(UserWarning, match="feature names"):
        named.predict(X)


def test_deferred_x_scan_still_scans_y_and_ridge_still_raises():
    from skreg import Ridge, RidgeCV

    X = np.ones((6, 2)) + np.eye(6, 2)
    X[2, 1] = np.nan
    y = np.arange(6.0)
    assert validate_dense_xy(Ridge(), X, y, dtype=DTYPES, finite_x=False) is not None
    y_bad = y.copy()
    y_bad[0] = np.inf
    assert validate_dense_xy(Ridge(), X, y_bad, dtype=DTYPES, finite_x=False) is None
    for est in (Ridge(), RidgeCV()):
        with pytest.raises(ValueError, match="NaN"):
            est.fit(X, y)
        with pytest.raises(ValueError, match="infinity"):
            est.fit(np.nan_to_num(X), y_bad)


# ------------------------------------------------------------ LogisticRegression
@pytest.mark.parametrize("solver", ["cd", "lbfgs"])
@pytest.mark.parametrize("labels", ["int", "float", "bool", "str"])
def test_logistic_fast_path_fits_what_validate_data_fits(solver, labels):
    """An ndarray fit (fast path for numeric labels) equals the fit on lists
    (scikit-learn's validate_data), coefficients, classes_ and weights alike."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((60, 4))
    k = rng.integers(0, 3 if labels != "bool" else 2, 60)
    y = {"int": k, "float": k.astype(float), "bool": k.astype(bool),
         "str": np.array(["a", "b", "c"])[k]}[labels]
    kw = dict(solver=solver, l1_ratio=0.5 if solver == "cd" else 0.0, C=0.5, tol=1e-8,
              class_weight="balanced")
    fast = LogisticRegression(**kw).fit(X, y)
    slow = LogisticRegression(**kw).fit(X.tolist(), y.tolist())
    np.testing.assert_array_equal(fast.classes_, slow.classes_)
    np.testing.assert_array_equal(fast.coef_, slow.coef_)
    np.testing.assert_array_equal(fast.intercept_, slow.intercept_)
    assert fast.n_features_in_ == 4


@pytest.mark.parametrize("bad", ["continuous", "nan_y", "nan_X", "length"])
def test_logistic_fast_path_raises_scikit_learn_errors(bad):
    rng = np.random.default_rng(6)
    X = rng.standard_normal((30, 3))
    y = rng.integers(0, 2, 30).astype(float)
    if bad == "continuous":
        y = y + 0.5 * rng.random(30)
    elif bad == "nan_y":
        y[4] = np.nan
    elif bad == "nan_X":
        X[1, 2] = np.nan
    else:
        y = y[:-1]
    with pytest.raises(ValueError) as theirs:
        SkLogisticRegression().fit(X, y)
    with pytest.raises(ValueError) as ours:
        LogisticRegression(solver="cd").fit(X, y)
    assert str(ours.value) == str(theirs.value)


# ------------------------------------------------------------ multi-task
def test_multitask_fast_path_fits_what_validate_data_fits():
    """An ndarray fit (fast path) equals the fit on lists, and a 1-D y or NaN
    still get the errors the slow path raises."""
    from skreg import MultiTaskElasticNet

    rng = np.random.default_rng(7)
    X = rng.standard_normal((40, 5))
    Y = X[:, :2] @ rng.standard_normal((2, 3)) + 0.1 * rng.standard_normal((40, 3))
    fast = MultiTaskElasticNet(alpha=0.05, tol=1e-8).fit(X, Y.astype(np.int64))
    slow = MultiTaskElasticNet(alpha=0.05, tol=1e-8).fit(X.tolist(),
                                                         Y.astype(np.int64).tolist())
    np.testing.assert_array_equal(fast.coef_, slow.coef_)
    assert fast.coef_.dtype == np.float64 and fast.n_features_in_ == 5
    f32 = MultiTaskElasticNet(alpha=0.05).fit(X.astype(np.float32), Y)
    assert f32.coef_.dtype == np.float32
    with pytest.raises(ValueError, match="For mono-task outputs, use ElasticNet"):
        MultiTaskElasticNet().fit(X, Y[:, 0])
    Y[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        MultiTaskElasticNet().fit(X, Y)
