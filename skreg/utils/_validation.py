"""Input checks that scikit-learn's validation leaves to the estimators."""

import numpy as np
import scipy.sparse as sp

__all__ = ["check_alphas", "check_numeric_target"]


def check_numeric_target(y, name="y"):
    """Return ``y`` unchanged, or raise a ValueError if it cannot be numbers.

    scikit-learn converts an object-dtype target with ``astype(float)``,
    which leaks a TypeError for elements such as dicts or None; a regressor
    should say plainly that its target must be numeric.
    """
    if sp.issparse(y) or isinstance(y, np.ndarray) and y.dtype.kind in "biuf":
        return y
    try:
        arr = np.asarray(y)
    except Exception:  # ragged nested sequences and the like: let validation speak
        return y
    if arr.dtype.kind in "OUSV":
        try:
            arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"{name} must be numeric for a regressor; could not convert "
                f"{name} of dtype {arr.dtype} to float: {exc}"
            ) from exc
    return y


def check_alphas(alphas, name="alphas"):
    """A 1-D float64 array of finite, non-negative penalty strengths."""
    arr = np.asarray(alphas, dtype=np.float64).ravel()
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(
            f"{name} must be finite and non-negative, got {np.asarray(alphas)!r}."
        )
    return arr
