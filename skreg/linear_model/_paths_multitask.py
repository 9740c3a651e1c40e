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

from skreg._solvers import solve_l21, solve_l21_gram
from skreg.linear_model._base import _centered_xy
from skreg.linear_model._gram import centered_gram, gram_decision

__all__ = ["multitask_path"]


def multitask_path(X, Y, *, l1_ratio, eps, alphas, precompute, Xy, coef_init, verbose,
                   return_n_iter, positive, penalty_factor, X_mean, sample_weight,
                   tol, max_iter, random_state, selection, alpha_grid, predict_next,
                   resume=None):
    """enet_path's multi-task branch; ``alphas`` an int (grid size) or the alphas.

    ``alpha_grid`` and ``predict_next`` are the single-task path's grid and
    secant prediction (passed in, so that this module does not import back).
    ``precompute``: True or a Gram matrix runs the block loop on it (O(p T)
    per update); 'auto' and False the loop on X.
    """
    if positive:
        raise ValueError("positive=True is not allowed for multi-output (y.ndim != 1)")
    if penalty_factor is not None:
        raise ValueError("penalty_factor is not supported with a 2-D y (multi-task).")
    n_samples, n_features = X.shape
    n_tasks = Y.shape[1]
    dtype = X.dtype
    if isinstance(precompute, str):
        # 'auto' is the X kernel (as scikit-learn's multi-task solver, which has
        # no Gram form): measured, the Gram loop's gap-only stop on the
        # test suites' tiny n > p problems moves weighted-vs-repeated and
        # ill-conditioned fits by ~1e-5, where the X kernel's screening and
        # extrapolation converge further at the same tol.  True or a matrix
        # runs the block loop on the Gram matrix.
        precompute = False
    gram = gram_decision(precompute, X, X_mean)
    if gram is True:
        gram = centered_gram(X, X_mean, sample_weight)
    elif gram is False:
        gram = None
    else:
        gram = np.asarray(gram, dtype=dtype)
    if gram is not None and Xy is None:
        Xy = _centered_xy(X, Y, X_mean, sample_weight)
    if gram is not None:
        Xy = np.asarray(Xy, dtype=dtype).reshape(n_features, n_tasks)
        Yw = Y if sample_weight is None else Y * sample_weight[:, None]
        y_norm2 = float(np.sum(np.asarray(Yw, dtype=np.float64) * Y))
    if isinstance(alphas, Integral):
        Xy = _centered_xy(X, Y, X_mean, sample_weight) if Xy is None else Xy
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
        l1_reg = alpha * l1_ratio * n_samples
        l2_reg = alpha * (1.0 - l1_ratio) * n_samples
        common = dict(W_init=W, max_iter=max_iter, tol=tol, selection=selection,
                      random_state=random_state, dw_tol=tol)
        if gram is not None:
            W, gap, _, n_iter = solve_l21_gram(gram, Xy, y_norm2, l1_reg, l2_reg,
                                               **common)
        else:
            W_pred = None if i < 2 else predict_next(
                coefs[..., i - 1], coefs[..., i - 2], alphas[i - 2], alphas[i - 1],
                alpha)
            W, gap, _, n_iter = solve_l21(X, Y, l1_reg, l2_reg, X_mean=X_mean,
                                          sample_weight=sample_weight,
                                          col_stats=col_stats, W_pred=W_pred,
                                          resume=resume if len(alphas) == 1 else None,
                                          **common)
        coefs[..., i] = W
        dual_gaps[i] = gap / n_samples
        n_iters.append(n_iter)
        if verbose:
            print(f"Path: {i + 1}/{n_alphas}, alpha={alpha:.4g}, gap={gap:.3e}, "
                  f"epochs={n_iter}")
    if return_n_iter:
        return alphas, coefs, dual_gaps, n_iters
    return alphas, coefs, dual_gaps
