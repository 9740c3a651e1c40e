"""The one module that imports scikit-learn's private helpers.

Everything skreg needs from scikit-learn's internals goes through here, so a
change in scikit-learn is mended in one place.  Requires scikit-learn >= 1.6
(``validate_data`` and ``__sklearn_tags__``).
"""

import numpy as np
from sklearn import get_config
from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    Hidden,
    Interval,
    Options,
    StrOptions,
    make_constraint,
    validate_params,
)
from sklearn.utils.metadata_routing import _raise_for_params, _routing_enabled
from sklearn.utils.validation import (
    _check_method_params,
    _check_sample_weight,
    validate_data,
)

try:  # scikit-learn >= 1.9: the (experimental) callback API
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # pragma: no cover - older scikit-learn: no set_callbacks
    class CallbackSupportMixin:
        """Stands in for scikit-learn 1.9's mixin where it does not exist."""


class _NoCallbackContext:
    """A callback context that calls nothing (scikit-learn < 1.9)."""

    def subcontext(self, **kwargs):
        return self

    def call_on_fit_task_begin(self, **kwargs):
        return False

    def call_on_fit_task_end(self, **kwargs):
        return False


def init_callback_context(estimator, **kwargs):
    """The root callback context of a fit (scikit-learn 1.9's
    ``CallbackSupportMixin._init_callback_context``), or one that calls nothing."""
    init = getattr(estimator, "_init_callback_context", None)
    return _NoCallbackContext() if init is None else init(**kwargs)


def has_callbacks(estimator):
    """Whether callbacks were set on ``estimator`` with ``set_callbacks``."""
    return bool(getattr(estimator, "_skl_callbacks", None))

# per class: constructor parameter names; (constraints dict, made constraints)
_PARAM_NAMES = {}
_MADE_CONSTRAINTS = {}


class CachedParamsMixin:
    """scikit-learn's parameter introspection and validation, cached per class.

    ``BaseEstimator.get_params`` re-reads the constructor's signature with
    ``inspect`` and ``_validate_params`` rebuilds every constraint object on
    each call: about a third of a 100 x 10 Lasso fit.  Here both are built
    once per class.  The checks are the same; when one fails, scikit-learn's
    own ``_validate_params`` runs and raises its error.  Put it before
    ``BaseEstimator`` in the bases.
    """

    @classmethod
    def _get_param_names(cls):
        names = _PARAM_NAMES.get(cls)
        if names is None:
            names = _PARAM_NAMES[cls] = tuple(super()._get_param_names())
        return list(names)

    def _validate_params(self):
        spec = self._parameter_constraints
        cached = _MADE_CONSTRAINTS.get(type(self))
        if cached is None or cached[0] is not spec:
            made = {name: [make_constraint(c) for c in cons]
                    for name, cons in spec.items() if cons != "no_validation"}
            cached = _MADE_CONSTRAINTS[type(self)] = (spec, made)
        made = cached[1]
        for name, value in self.get_params(deep=False).items():
            constraints = made.get(name)
            if constraints is not None and not any(
                    c.is_satisfied_by(value) for c in constraints):
                super()._validate_params()  # raises scikit-learn's error
                return


def validate_dense_xy(estimator, X, y, *, dtype, order=None, finite_x=True):
    """``validate_data(estimator, X, y, reset=True, multi_output=True,
    y_numeric=True, dtype=dtype, order=order, copy=False)`` for the common
    case, without scikit-learn's generic machinery (~0.1-0.3 ms a call).

    Applies only to a plain float ndarray X (2-D, non-empty, of a dtype in
    ``dtype``) and a numeric ndarray y (1-D, or 2-D with a column) of as many
    rows, with array-API dispatch off.  It makes the same checks (NaN /
    infinity in X and y unless ``assume_finite``) and the same side effects
    (``n_features_in_`` set, a previous ``feature_names_in_`` removed) as
    ``validate_data``.  Returns None wherever it does not apply or a check
    fails: the caller then runs ``validate_data``, which raises scikit-learn's
    own error.  ``finite_x=False`` skips X's scan, as ``ensure_all_finite=False``
    (y is scanned all the same, as ``validate_data`` does).
    """
    if type(X) is not np.ndarray or type(y) is not np.ndarray:
        return None
    if X.ndim != 2 or X.dtype not in dtype or y.dtype.kind not in "biuf":
        return None
    n, p = X.shape
    if n < 1 or p < 1 or y.shape[0] != n or y.ndim > 2 or (y.ndim == 2 and y.shape[1] < 1):
        return None
    config = get_config()
    if config["array_api_dispatch"]:
        return None
    # a finite sum proves every element finite; otherwise (NaN, inf or mere
    # overflow of the sum) validate_data decides and words the error
    if not config["assume_finite"]:
        with np.errstate(over="ignore", invalid="ignore"):
            finite = ((not finite_x or np.isfinite(X.sum()))
                      and (y.dtype.kind != "f" or np.isfinite(y.sum())))
        if not finite:
            return None
    if order == "F":
        X = np.asfortranarray(X)
    elif order == "C":
        X = np.ascontiguousarray(X)
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    estimator.n_features_in_ = p
    return X, y


def validate_dense_x(estimator, X, *, dtype):
    """``validate_data(estimator, X, reset=False, dtype=dtype)`` for a plain
    float ndarray X of the fitted width, the estimator fitted without feature
    names and array-API dispatch off; None otherwise or if X holds NaN or
    infinity (the caller runs ``validate_data``, which raises or warns)."""
    if (type(X) is not np.ndarray or X.ndim != 2 or X.dtype not in dtype
            or X.shape[0] < 1 or X.shape[1] != getattr(estimator, "n_features_in_", -1)
            or hasattr(estimator, "feature_names_in_")):
        return None
    config = get_config()
    if config["array_api_dispatch"]:
        return None
    if not config["assume_finite"]:
        with np.errstate(over="ignore", invalid="ignore"):
            if not np.isfinite(X.sum()):
                return None
    return X


def scorer_accepts_sample_weight(scorer):
    """Whether ``scorer`` takes ``sample_weight``, decided as scikit-learn's
    search estimators decide it without metadata routing (1.9)."""
    from inspect import signature

    if hasattr(scorer, "_accept_sample_weight"):
        return bool(scorer._accept_sample_weight())
    return "sample_weight" in signature(scorer).parameters


def scorer_with_labels(scorer, classes):
    """``scorer`` rebuilt with ``labels=classes`` when its metric takes labels.

    scikit-learn 1.9's LogisticRegressionCV does this so that a held-out fold
    missing some classes is still scored against all of them (e.g.
    ``neg_brier_score``); binary problems also get ``pos_label=classes[-1]``.
    Any other scorer is returned unchanged.
    """
    from inspect import signature

    from sklearn.metrics import make_scorer

    func = getattr(scorer, "_score_func", None)
    if func is None or "labels" not in signature(func).parameters:
        return scorer
    extra = {}
    if len(classes) <= 2 and "pos_label" in signature(func).parameters:
        extra["pos_label"] = classes[-1]
    return make_scorer(func, greater_is_better=scorer._sign == 1,
                       response_method=scorer._response_method, labels=classes,
                       **extra, **getattr(scorer, "_kwargs", {}))


__all__ = [
    "CallbackSupportMixin",

    "CachedParamsMixin",
    "Hidden",
    "Interval",
    "Options",
    "StrOptions",
    "_check_method_params",
    "_check_sample_weight",
    "_fit_context",
    "_raise_for_params",
    "_routing_enabled",
    "has_callbacks",
    "init_callback_context",
    "scorer_accepts_sample_weight",
    "scorer_with_labels",
    "validate_data",
    "validate_dense_x",
    "validate_dense_xy",
    "validate_params",
]
