"""Regularisation paths: warm-started coordinate descent over a grid of alphas.

This is the one code path between the estimators and the kernels: ``fit``
calls ``self.path(X, y, alphas=[self.alpha], ...)``, the CV estimators call it
per fold, and the kernels are reached only from here.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_array, check_consistent_length

from skreg._objectives import (
    alpha_max_from_correlation,
    unpenalised_correlation,
    unpenalised_fit,
)
from skreg._solvers import solve_enet, solve_enet_gram
from skreg.linear_model._base import _centered_xy, _validate_penalty_factor
from skreg.linear_model._gram import centered_gram, gram_decision
from skreg.linear_model._paths_multitask import multitask_path
from skreg.utils import check_alphas, check_numeric_target, user_stacklevel
from skreg.utils._sklearn_compat import (
    Hidden,
    Interval,
    StrOptions,
    _check_sample_weight,
    validate_params,
)

__all__ = ["enet_path", "lasso_path"]

# SPEC, "Accuracy at a given tol": at every tol skreg's answer is at least as
# close to the solution as scikit-learn's.  Both stop on the duality gap
# scaled by ||y||^2 (so tol means the same), but skreg certifies it with a
# better dual point (extrapolated, carried along the path), which lets a
# less accurate primal point pass.  The kernels therefore get a tenth of the
# tolerance, for the gap and for scikit-learn's second test, max|dw| <=
# tol * max|w| on the last sweep (``dw_tol``): on an ill-conditioned or barely
# penalised problem (l1_ratio=0, alpha=0) a small gap alone leaves the
# coefficients far from the solution.  benchmarks/bench_accuracy.py measures
# the result (RESULTS.md).
TOL_MARGIN = 0.1

_PATH_PARAMS = {"X_offset", "sample_weight", "tol", "max_iter", "random_state",
                "selection", "X_scale"}


def _alpha_grid(Xy, n_samples, l1_ratio=1.0, eps=1e-3, n_alphas=100,
                penalty_factor=None, positive=False):
    """scikit-learn's log-spaced grid from alpha_max down to eps * alpha_max.

    ``Xy`` is x~_j^T S r0 (n_features,) or (n_features, n_targets), r0 the
    target after fitting the unpenalised features (:func:`_grid_correlation`);
    alpha_max is :func:`skreg._objectives.alpha_max_from_correlation`.
    """
    if l1_ratio == 0:
        raise ValueError(
            "Automatic alpha grid generation is not supported for l1_ratio=0. "
            "Please supply a grid by providing your estimator with the "
            "appropriate `alphas=` argument."
        )
    a_max = alpha_max_from_correlation(Xy, n_samples, l1_ratio, penalty_factor,
                                       positive)
    res = np.finfo(np.float64).resolution
    # only a truly flat problem (no correlation at all) gets scikit-learn's
    # placeholder grid: its test ``a_max <= 1e-15`` is not scale free and
    # made X * 1e-150 look flat (every alpha above alpha_max, w = 0 silently)
    if not a_max > 0:
        return np.full(n_alphas, res)
    return np.geomspace(a_max, a_max * eps, num=n_alphas)


def _grid_correlation(X, y, X_mean, sample_weight, penalty_factor, positive, Xy=None):
    """The correlations alpha_max is taken from (glmnet's rule).

    Without unpenalised features: x~^T S y (``Xy`` if given).  With some
    (pf_j = 0): x~^T S r0, r0 the residual of their least-squares fit.
    """
    if penalty_factor is not None and np.any(np.asarray(penalty_factor) == 0):
        return unpenalised_correlation(X, y, X_mean, sample_weight, penalty_factor,
                                       positive)
    return Xy if Xy is not None else _centered_xy(X, y, X_mean, sample_weight)


def _predict_next(w, w_prev, alpha_prev, alpha, alpha_next):
    """Extrapolate the solution path linearly from alpha to alpha_next.

    With the support and signs fixed, the ElasticNet solution is affine in
    alpha, so the secant through the last two solutions predicts the next one
    to second order.  Coefficients the secant would move through zero (or
    away from it) are set to zero instead.  Returns None where no secant
    exists.  The kernel keeps the prediction only if it lowers the objective.
    """
    step = alpha_prev - alpha
    if not step > 0:
        return None
    w_next = w + ((alpha - alpha_next) / step) * (w - w_prev)
    w_next[np.sign(w_next) != np.sign(w)] = 0.0
    return w_next


def _resolve_alphas(alphas, n_alphas):
    """scikit-learn 1.9's deprecation dance of ``n_alphas`` / ``alphas``."""
    n_grid = 100
    if n_alphas != "deprecated":
        warnings.warn(
            "'n_alphas' was deprecated in 1.9 and will be removed in 1.11. "
            "'alphas' now accepts an integer value which removes the need to "
            "pass 'n_alphas'.", FutureWarning, stacklevel=user_stacklevel(),
        )
        n_grid = n_alphas
    if isinstance(alphas, str) and alphas == "warn":
        return n_grid
    if alphas is None:
        warnings.warn(
            "'alphas=None' is deprecated and will be removed in 1.11, at which "
            "point the default value will be set to 100. Set 'alphas=100' to "
            "silence this warning.", FutureWarning, stacklevel=user_stacklevel(),
        )
        return n_grid
    return alphas


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like", "sparse matrix"],
        "l1_ratio": [Interval(Real, 0.0, 1.0, closed="both")],
        "eps": [Interval(Real, 0, None, closed="neither")],
        "n_alphas": [Interval(Integral, 1, None, closed="left"),
                     Hidden(StrOptions({"deprecated"}))],
        "alphas": [Interval(Integral, 1, None, closed="left"), "array-like", None,
                   Hidden(StrOptions({"warn"}))],
        "precompute": [StrOptions({"auto"}), "boolean", "array-like"],
        "Xy": ["array-like", None],
        "copy_X": ["boolean"],
        "coef_init": ["array-like", None],
        "verbose": ["verbose"],
        "return_n_iter": ["boolean"],
        "positive": ["boolean"],
        "check_input": ["boolean"],
        "penalty_factor": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def enet_path(X, y, *, l1_ratio=0.5, eps=1e-3, n_alphas="deprecated", alphas="warn",
              precompute="auto", Xy=None, copy_X=True, coef_init=None, verbose=False,
              return_n_iter=False, positive=False, check_input=True,
              penalty_factor=None, **params):
    """Compute the elastic-net path with coordinate descent.

    For each alpha (largest first, warm-started from the previous solution)
    minimises::

        1 / (2 n) ||y - X w||^2
        + alpha * sum_j pf_j (l1_ratio |w_j| + 0.5 * (1 - l1_ratio) w_j^2)

    (no intercept: center X and y first, as scikit-learn's ``enet_path``).

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data; Fortran-ordered dense or CSC sparse avoids a copy.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Target.  A 2-D y gives scikit-learn's multi-task path: rows of the
        coefficients penalised by the L2,1 norm (see
        :class:`~skreg.MultiTaskElasticNet`), solved by block coordinate
        descent, dense or sparse X, with ``sample_weight``; ``precompute=True``
        or a matrix runs it on the Gram matrix (beyond scikit-learn, whose
        multi-task path ignores it); ``positive`` and ``penalty_factor`` do
        not apply.
    l1_ratio : float, default=0.5
        Mix between L1 (1.0) and L2 (0.0) penalties.
    eps : float, default=1e-3
        alpha_min / alpha_max for the automatic grid.
    n_alphas : int, default='deprecated'
        Deprecated in scikit-learn 1.9: pass an integer to ``alphas``.
    alphas : int or array-like, default=100 (given as 'warn')
        Number of alphas on the automatic grid, or the alphas themselves.
    precompute : 'auto', bool or array-like of shape (n_features, n_features)
        Use the Gram matrix X^T X ('auto': when n_samples > n_features).
    Xy : array-like of shape (n_features,), default=None
        Precomputed X^T y (only used with a Gram matrix).
    copy_X : bool, default=True
        Kept for compatibility: X is never modified.
    coef_init : array-like of shape (n_features,), default=None
        Initial coefficients.
    verbose : bool or int, default=False
        Print progress.
    return_n_iter : bool, default=False
        Also return the number of epochs for each alpha.
    positive : bool, default=False
        Force non-negative coefficients.
    check_input : bool, default=True
        Validate X and y (skip only when they already have the right types).
    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative per-feature penalty weights with glmnet's semantics:
        feature j's whole penalty (L1 and L2) is multiplied by pf_j, rescaled
        to sum to n_features; 0 leaves a feature unpenalised, ``np.inf``
        excludes it.  The automatic grid follows glmnet: alpha_max comes from
        the residual after fitting the unpenalised features.
    **params : kwargs
        ``tol``, ``max_iter``, ``random_state``, ``selection`` as in
        :class:`~skreg.ElasticNet`; ``sample_weight`` and ``X_offset``
        (column means for implicit centering) as passed by the estimators.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The alphas along the path, in decreasing order.
    coefs : ndarray of shape (n_features, n_alphas) or (n_targets, n_features, n_alphas)
        Coefficients at each alpha (one column per alpha; a 2-D y gives the
        multi-task solution, one (n_targets, n_features) slice per alpha).
    dual_gaps : ndarray of shape (n_alphas,)
        Duality gaps at the end of the optimisation for each alpha.
    n_iters : list of int
        Coordinate-descent epochs run for each alpha; returned only if
        ``return_n_iter`` is True.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import enet_path
    >>> X = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 4.0]])
    >>> y = np.array([1.0, 2.0, 3.0])
    >>> alphas, coefs, gaps = enet_path(X, y, alphas=3)
    >>> coefs.shape
    (2, 3)
    """
    # private: a single-alpha fit's kernel state, carried between warm-started
    # fits by the estimators (skreg/_solvers/_cd_resume.pxd)
    resume = params.pop("_resume", None)
    # private: the kernel's column statistics for this X and y, when the
    # caller computed them with the means (``_base._preprocess_start``)
    col_stats = params.pop("_col_stats", None)
    unknown = set(params) - _PATH_PARAMS
    if unknown:
        raise ValueError("Unexpected parameters in params", unknown)
    X_mean = params.get("X_offset")
    sample_weight = params.get("sample_weight")
    tol = params.get("tol", 1e-4)
    max_iter = params.get("max_iter", 1000)
    random_state = params.get("random_state")
    selection = params.get("selection", "cyclic")
    if selection not in ("cyclic", "random"):
        raise ValueError("selection should be either random or cyclic.")
    alphas = _resolve_alphas(alphas, n_alphas)

    if check_input:
        X = check_array(X, accept_sparse="csc", dtype=[np.float64, np.float32],
                        order="F", copy=False)
        y = check_array(check_numeric_target(y), dtype=X.dtype.type, ensure_2d=False,
                        copy=False, input_name="y")
        check_consistent_length(X, y)
        if Xy is not None:
            Xy = check_array(Xy, dtype=X.dtype.type, ensure_2d=False, copy=False)
        penalty_factor = _validate_penalty_factor(penalty_factor, X.shape[1], X.dtype)
        if sample_weight is not None:  # as given by a user: validate, never rescale
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype,
                                                 ensure_non_negative=True)
    if y.ndim != 1:  # the multi-task problem, as scikit-learn's path solves it
        return multitask_path(
            X, y, l1_ratio=l1_ratio, eps=eps, alphas=alphas if isinstance(
                alphas, Integral) else check_alphas(alphas), precompute=precompute, Xy=Xy,
            coef_init=coef_init, verbose=verbose, return_n_iter=return_n_iter,
            positive=positive, penalty_factor=penalty_factor, X_mean=X_mean,
            sample_weight=sample_weight, tol=tol * TOL_MARGIN, max_iter=max_iter,
            random_state=random_state, selection=selection,
            alpha_grid=_alpha_grid, predict_next=_predict_next, resume=resume)
    n_samples, n_features = X.shape
    dtype = X.dtype

    gram = gram_decision(precompute, X, X_mean)
    if gram is True:
        gram = centered_gram(X, X_mean, sample_weight)
        Xy = None
    elif gram is False:
        gram = None
    else:
        gram = np.asarray(gram, dtype=dtype)
    if gram is not None and Xy is None:
        Xy = _centered_xy(X, y, X_mean, sample_weight)
    auto_grid = isinstance(alphas, Integral)
    n_grid = n_samples if sample_weight is None else float(np.sum(sample_weight))
    if auto_grid:
        Xy_grid = _grid_correlation(X, y, X_mean, sample_weight, penalty_factor,
                                    positive, Xy)
        alphas = _alpha_grid(Xy_grid, n_grid, l1_ratio, eps, alphas, penalty_factor,
                             positive)
    else:
        alphas = np.sort(check_alphas(alphas))[::-1]
    n_alphas = len(alphas)

    coefs = np.empty((n_features, n_alphas), dtype=dtype)
    dual_gaps = np.empty(n_alphas)
    n_iters = []
    w = np.zeros(n_features, dtype=dtype) if coef_init is None else np.array(
        coef_init, dtype=dtype).ravel()
    if w.shape != (n_features,):
        raise ValueError(
            f"coef_init must have shape ({n_features},), got {np.shape(coef_init)}."
        )
    if (penalty_factor is not None and np.any(penalty_factor == 0)
            and not np.any(w)):
        # at and above alpha_max the solution is known (glmnet's rule): start
        # there, so that every penalised coefficient is exactly 0 (the kernel
        # accepts a start on its own gap; it would otherwise leave rounding-
        # level values on the features sitting at the KKT boundary)
        a_max = alpha_max_from_correlation(
            Xy_grid if auto_grid else _grid_correlation(
                X, y, X_mean, sample_weight, penalty_factor, positive),
            n_grid, l1_ratio, penalty_factor, positive) if l1_ratio > 0 else np.inf
        if alphas[0] >= (1 - 1e-8) * a_max:
            w = unpenalised_fit(X, y, X_mean, sample_weight, penalty_factor,
                                positive)[0].astype(dtype)
    # only the Gram kernel needs y^T S y; einsum, not a BLAS dot: OpenBLAS threads
    # a dot above 10000 entries, and its second thread stalls on a busy machine
    y_norm2 = None if gram is None else float(
        np.einsum("i,i->", y, y) if sample_weight is None
        else np.einsum("i,i,i->", sample_weight, y, y))
    if col_stats is None:
        col_stats = {}  # column norms and sums, computed once for the whole path
    for i, alpha in enumerate(alphas):
        # the kernels work on n_samples times scikit-learn's objective
        l1_reg = alpha * l1_ratio * n_samples
        l2_reg = alpha * (1.0 - l1_ratio) * n_samples
        common = dict(w_init=w, penalty_factor=penalty_factor, max_iter=max_iter,
                      tol=tol * TOL_MARGIN, positive=positive, selection=selection,
                      random_state=random_state, dw_tol=tol * TOL_MARGIN)
        if gram is not None:
            w, gap, _, n_iter = solve_enet_gram(gram, Xy, y_norm2, l1_reg, l2_reg,
                                                **common)
        else:
            w_pred = None if i < 2 else _predict_next(
                coefs[:, i - 1], coefs[:, i - 2], alphas[i - 2], alphas[i - 1], alpha)
            # a Lasso's extrapolated dual points pay along a path, where the
            # best one starts the next alpha; within one fit their extra
            # correlations per gap cost more than they save (10-30 % of a
            # single-alpha fit on the bench's wide, sparse and real designs)
            w, gap, _, n_iter = solve_enet(X, y, l1_reg, l2_reg, X_mean=X_mean,
                                           sample_weight=sample_weight,
                                           col_stats=col_stats, w_pred=w_pred,
                                           resume=resume if n_alphas == 1 else None,
                                           dual_extrapolation=n_alphas > 1, **common)
        coefs[:, i] = w
        dual_gaps[i] = gap / n_samples
        n_iters.append(n_iter)
        if verbose:
            print(f"Path: {i + 1}/{n_alphas}, alpha={alpha:.4g}, gap={gap:.3e}, "
                  f"epochs={n_iter}")
    if return_n_iter:
        return alphas, coefs, dual_gaps, n_iters
    return alphas, coefs, dual_gaps


def lasso_path(X, y, *, eps=1e-3, n_alphas="deprecated", alphas="warn",
               precompute="auto", Xy=None, copy_X=True, coef_init=None,
               verbose=False, return_n_iter=False, positive=False,
               penalty_factor=None, **params):
    """Compute the Lasso path with coordinate descent.

    For each alpha (largest first, warm-started from the previous solution)
    minimises ``1 / (2 n) ||y - X w||^2 + alpha * sum_j pf_j |w_j|`` (no
    intercept: center X and y first, as scikit-learn's ``lasso_path``).
    This is :func:`enet_path` with ``l1_ratio=1``.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data; Fortran-ordered dense or CSC sparse avoids a copy.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Target; a 2-D y gives the multi-task path (as :func:`enet_path`).
    eps : float, default=1e-3
        alpha_min / alpha_max for the automatic grid.
    n_alphas : int, default='deprecated'
        Deprecated in scikit-learn 1.9: pass an integer to ``alphas``.
    alphas : int or array-like, default=100 (given as 'warn')
        Number of alphas on the automatic grid, or the alphas themselves.
    precompute : 'auto', bool or array-like of shape (n_features, n_features)
        Use the Gram matrix X^T X ('auto': when n_samples > n_features).
    Xy : array-like of shape (n_features,), default=None
        Precomputed X^T y (only used with a Gram matrix).
    copy_X : bool, default=True
        Kept for compatibility: X is never modified.
    coef_init : array-like of shape (n_features,), default=None
        Initial coefficients.
    verbose : bool or int, default=False
        Print progress.
    return_n_iter : bool, default=False
        Also return the number of epochs for each alpha.
    positive : bool, default=False
        Force non-negative coefficients.
    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative per-feature penalty weights with glmnet's semantics:
        ``|w_j|`` is multiplied by pf_j, rescaled to sum to n_features; 0
        leaves a feature unpenalised, ``np.inf`` excludes it.  The automatic
        grid follows glmnet: alpha_max comes from the residual after fitting
        the unpenalised features.
    **params : kwargs
        ``check_input``, and ``tol``, ``max_iter``, ``random_state``,
        ``selection``, ``sample_weight``, ``X_offset`` as in
        :func:`enet_path`.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The alphas along the path, in decreasing order.
    coefs : ndarray of shape (n_features, n_alphas)
        Coefficients at each alpha (one column per alpha).
    dual_gaps : ndarray of shape (n_alphas,)
        Duality gaps at the end of the optimisation for each alpha.
    n_iters : list of int
        Coordinate-descent epochs run for each alpha; returned only if
        ``return_n_iter`` is True.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import lasso_path
    >>> X = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 4.0]])
    >>> y = np.array([1.0, 2.0, 3.0])
    >>> alphas, coefs, _ = lasso_path(X, y, alphas=[5.0, 1.0, 0.1])
    >>> coefs.shape
    (2, 3)
    """
    return enet_path(X, y, l1_ratio=1.0, eps=eps, n_alphas=n_alphas, alphas=alphas,
                     precompute=precompute, Xy=Xy, copy_X=copy_X,
                     coef_init=coef_init, verbose=verbose,
                     return_n_iter=return_n_iter, positive=positive,
                     penalty_factor=penalty_factor, **params)
