"""The path of the problem the estimators solve, intercept and weights included.

:func:`enet_path` takes a centered problem (``X_offset``, ``y`` centered by
the caller), as scikit-learn's does.  The plots draw the path of the problem
a fitted Lasso / ElasticNet solves: this module centers it, with the same
weights and means as the estimators, and nothing else.
"""

import numpy as np
from sklearn.utils import check_array

from skreg.linear_model._base import _normalize_sample_weight, _preprocess
from skreg.linear_model._paths import enet_path


def enet_path_with_intercept(X, y, *, fit_intercept=True, sample_weight=None, **params):
    """Elastic-net path of the problem with an intercept, centered implicitly.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data (float32 is kept float32; never copied to center it).
    y : array-like of shape (n_samples,)
        Target values.
    fit_intercept : bool, default=True
        Whether the problem has an intercept (X and y then centered, as the
        estimators center them).
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights, rescaled to sum to n_samples as the estimators do.
    **params : dict
        Passed to :func:`enet_path` (``l1_ratio``, ``alphas``, ``eps``,
        ``penalty_factor``, ``positive``, ...).

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The alphas along the path.
    coefs : ndarray of shape (n_features, n_alphas)
        The coefficients at each alpha.
    """
    X = check_array(X, accept_sparse="csc", dtype=[np.float64, np.float32], order="F")
    y = check_array(y, ensure_2d=False, dtype=X.dtype.type)
    sw = _normalize_sample_weight(sample_weight, X, X.dtype)
    X_mean, y_c, _, _ = _preprocess(X, y, fit_intercept, sw)
    alphas, coefs, _ = enet_path(X, y_c, X_offset=X_mean, sample_weight=sw, **params)
    return alphas, coefs
