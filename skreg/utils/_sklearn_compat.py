"""The one module that imports scikit-learn's private helpers.

Everything skreg needs from scikit-learn's internals goes through here, so a
change in scikit-learn is mended in one place.  Requires scikit-learn >= 1.6
(``validate_data`` and ``__sklearn_tags__``).
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    Hidden,
    Interval,
    Options,
    StrOptions,
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
    "validate_params",
]
