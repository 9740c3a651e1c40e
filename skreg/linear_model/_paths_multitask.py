"""The multi-task path: enet_path / lasso_path with a 2-D y.

For each alpha (largest first, warm-started) minimises scikit-learn's
multi-task objective

    1 / (2 n) ||Y - X W^T||_Fro^2 + alpha * l1_ratio * sum_j ||W[:, j]||_2
    + 0.5 * alpha * (1 - l1_ratio) * ||W||_Fro^2

by block coordinate descent (:func:`skreg._solvers.solve_l21`: the loop of
the single-task path, a coordinate being a row of W^T).  Reached from
:func:`skreg.linear_model.enet_path` only.
"""

from numbers import Integral

import numpy as np

from skreg._solvers import solve_l21
from skreg.linear_model._base import _centred_xy

__all__ = ["multitask_path"]


def multitask_path(X, Y, *, l1_ratio, eps, alphas, Xy, coef_init, verbose,
                   return_n_iter, positive, penalty_factor, X_mean, sample_weight,
                   tol, max_iter, random_state, selection, alpha_grid, predict_next):
    """enet_path's multi-task branch; ``alphas`` an int (grid size) or the alphas.

    ``alpha_grid`` and ``predict_next`` are the single-task path's grid and
    secant prediction (passed in, so that this module does not import back).
    """
    if positive:
        raise ValueError("positive=True is not allowed for multi-output (y.ndim != 1)")
    if penalty_factor is not None:
        raise ValueError("penalty_factor is not supported with a 2-D y (multi-task).")
    n_samples, n_features = X.shape
    n_tasks = Y.shape[1]
    dtype = X.dtype
    if isinstance(alphas, Integral):
        Xy = _centred_xy(X, Y, X_mean, sample_weight) if Xy is None else Xy
        Xy = np.asarray(Xy, dtype=np.float64).reshape(n_features, -1)
        n_grid = n_samples if sample_weight is None else float(np.sum(sample_weight))
        alphas = alpha_grid(Xy, n_grid, l1_ratio, eps, alphas)
    else:
        alphas = np.sort(np.asarray(alphas, dtype=np.float64).ravel())[::-1]
    n_alphas = len(alphas)
    coefs = np.empty((n_tasks, n_features, n_alphas), dtype=dtype)
    dual_gaps = np.empty(n_alphas)
    n_iters = []
    W = np.zeros((n_tasks, n_features), dtype=dtype)
    if coef_init is not None:
        W = np.array(coef_init, dtype=dtype)
        if W.shape != (n_tasks, n_features):
            raise ValueError(f"coef_init must have shape ({n_tasks}, {n_features}), "
                             f"got {np.shape(coef_init)}.")
    col_stats = {}
    for i, alpha in enumerate(alphas):
        W_pred = None if i < 2 else predict_next(
            coefs[..., i - 1], coefs[..., i - 2], alphas[i - 2], alphas[i - 1], alpha)
        W, gap, _, n_iter = solve_l21(
            X, Y, alpha * l1_ratio * n_samples, alpha * (1.0 - l1_ratio) * n_samples,
            W_init=W, X_mean=X_mean, sample_weight=sample_weight, max_iter=max_iter,
            tol=tol, selection=selection, random_state=random_state,
            col_stats=col_stats, W_pred=W_pred,
        )
        coefs[..., i] = W
        dual_gaps[i] = gap / n_samples
        n_iters.append(n_iter)
        if verbose:
            print(f"Path: {i + 1}/{n_alphas}, alpha={alpha:.4g}, gap={gap:.3e}, "
                  f"epochs={n_iter}")
    if return_n_iter:
        return alphas, coefs, dual_gaps, n_iters
    return alphas, coefs, dual_gaps
