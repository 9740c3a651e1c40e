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
from sklearn.utils.validation import _check_sample_weight, validate_data


def scorer_accepts_sample_weight(scorer):
    """Whether ``scorer`` takes ``sample_weight``, decided as scikit-learn's
    search estimators decide it without metadata routing (1.9)."""
    from inspect import signature

    if hasattr(scorer, "_accept_sample_weight"):
        return bool(scorer._accept_sample_weight())
    return "sample_weight" in signature(scorer).parameters


__all__ = [
    "Hidden",
    "Interval",
    "Options",
    "StrOptions",
    "_check_sample_weight",
    "_fit_context",
    "_raise_for_params",
    "_routing_enabled",
    "scorer_accepts_sample_weight",
    "validate_data",
    "validate_params",
]
