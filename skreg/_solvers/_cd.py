"""Python entry point to the coordinate-descent kernels.

``solve_enet`` picks the kernel for the data layout (dense Fortran, sparse
CSC, or a precomputed Gram matrix), converts arguments to the kernel's types
and never copies X unless its layout forces it (a C-ordered dense array is
viewed as Fortran only through a copy, as in scikit-learn).
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_random_state

from skreg._solvers._cd_fast import (
    dense_col_stats,
    enet_cd_dense,
    enet_cd_sparse,
    l21_cd_dense,
    l21_cd_sparse,
    lasso_dual_extrapolated,
    sparse_col_stats,
)
from skreg._solvers._cd_gram import enet_cd_gram, l21_cd_gram

__all__ = ["solve_enet", "solve_enet_gram", "solve_l21", "solve_l21_gram"]


def _vec(a, dtype, n=None):
    """A contiguous 1-D array of dtype, or an empty one for None."""
    if a is None:
        return np.empty(0, dtype=dtype)
    a = np.ascontiguousarray(a, dtype=dtype)
    if n is not None and a.shape != (n,):
        raise ValueError(f"expected shape ({n},), got {a.shape}")
    return a


def solve_enet(
    X,
    y,
    l1_reg,
    l2_reg,
    *,
    w_init=None,
    X_mean=None,
    sample_weight=None,
    penalty_factor=None,
    max_iter=1000,
    tol=1e-4,
    positive=False,
    selection="cyclic",
    random_state=None,
    screening=True,
    working_set=True,
    anderson=True,
    verbose=False,
    cycling=True,
    col_stats=None,
    w_pred=None,
    dw_tol=None,
    resume=None,
    dual_extrapolation=True,
):
    """Solve one ElasticNet problem with 1-D target by coordinate descent.

    Minimises ``0.5 * sum_i s_i (y_i - (x_i - X_mean) @ w)**2
    + l1_reg * sum_j pf_j |w_j| + 0.5 * l2_reg * ||w||**2``
    (s = sample_weight or ones, pf = penalty_factor or ones; X_mean None
    means no centering, otherwise y should be centered with the same weights).

    Parameters
    ----------
    X : ndarray (Fortran-ordered preferred) or sparse matrix (CSC preferred)
    y : ndarray of shape (n_samples,)
    l1_reg, l2_reg : float
        Penalty strengths, on the scale of the objective above (that is,
        ``n_samples`` times scikit-learn's).
    tol : float
        Stop once the duality gap is <= ``tol * sum_i s_i y_i**2``.
    dw_tol : float, default=None
        If given, also wait until the last sweep over the working set
        moved no coefficient by more than ``dw_tol * max|w|``, scikit-learn's
        second stopping test (None: the gap alone decides).

    col_stats : dict, default=None
        A cache shared by successive calls on the same X, y, X_mean and
        weights (a path, largest alpha first): the column statistics are
        computed by the first call only, and a Lasso call hands its best dual
        point on to the next one, which starts from it rescaled.
    w_pred : ndarray of shape (n_features,), default=None
        An alternative start, taken instead of ``w_init`` when its objective
        is lower (a path's prediction of this alpha's solution).
    resume : dict, default=None
        The X kernel's state between calls (``warm_start`` fits): read when
        it was saved by a call that ended at this ``w_init`` because
        ``max_iter`` ran out, so this call goes on as that one would have;
        then emptied, or refilled if this call runs out too
        (skreg/_solvers/_cd_resume.pxd).
    dual_extrapolation : bool, default=True
        A Lasso's extrapolated dual points (celer's), for the stopping gap
        and the working-set priorities, on shapes that keep them
        (``lasso_dual_extrapolated``); with a ``col_stats`` cache, the best
        one is handed to the next call.  Off: the rescaled residual alone.

    Returns
    -------
    w : ndarray of shape (n_features,), X's dtype
    gap : float
        The final duality gap.
    tol_abs : float
        The absolute tolerance it was compared with.
    n_iter : int
        Coordinate-descent epochs run.
    """
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    n_samples, n_features = X.shape
    w = np.zeros(n_features, dtype=dtype) if w_init is None else np.array(
        w_init, dtype=dtype, order="C", copy=True
    )
    if w.shape != (n_features,):  # the kernels index w without bounds checks
        raise ValueError(f"w_init must have shape ({n_features},), got {w.shape}")
    y = _vec(y, dtype, n_samples)
    sw = _vec(sample_weight, dtype, n_samples)
    xm = _vec(X_mean, dtype, n_features)
    # the penalty's parameters are float64 in every kernel
    pf = np.ones(n_features) if penalty_factor is None else _vec(
        penalty_factor, np.float64, n_features
    )
    rng = check_random_state(random_state)
    if w_pred is not None:
        w_pred = _vec(w_pred, dtype, n_features)
    common = dict(
        w_pred=w_pred,
        random=selection == "random",
        positive=bool(positive),
        screening=screening,
        working_set=working_set,
        anderson=anderson,
        verbose=bool(verbose),
        cycling=bool(cycling),
        dw_tol=-1.0 if dw_tol is None else float(dw_tol),
        dual_extrapolation=bool(dual_extrapolation),
    )
    _attach_path_state(common, col_stats, n_samples, n_features, 1, dtype,
                       lasso=l2_reg == 0 and l1_reg > 0 and dual_extrapolation)
    _attach_resume(common, resume)
    l2_reg = np.dtype(dtype).type(l2_reg)
    l1_reg = np.dtype(dtype).type(l1_reg)
    tol = np.dtype(dtype).type(tol)
    if sp.issparse(X):
        X = _sorted_csc(X)
        out = enet_cd_sparse(
            w, l1_reg, l2_reg, np.asarray(X.data, dtype=dtype),
            X.indices.astype(np.int32, copy=False), X.indptr.astype(np.int32, copy=False),
            y, sw, xm, pf, max_iter, tol, rng, **common,
        )
    else:
        X = np.asfortranarray(X, dtype=dtype)
        out = enet_cd_dense(w, l1_reg, l2_reg, X, y, sw, xm, pf, max_iter, tol, rng,
                            **common)
    _path_state_known(col_stats, common)
    _keep_resume(common, resume)
    return out


def solve_enet_gram(
    Q,
    q,
    y_norm2,
    l1_reg,
    l2_reg,
    *,
    w_init=None,
    penalty_factor=None,
    max_iter=1000,
    tol=1e-4,
    positive=False,
    selection="cyclic",
    random_state=None,
    dw_tol=None,
):
    """Solve the ElasticNet from its Gram matrix ``Q = X~^T S X~``, ``q = X~^T S y``.

    Same objective, tolerances (``tol``, ``dw_tol``) and returns as :func:`solve_enet`;
    ``y_norm2 = y^T S y`` completes the residual norm.
    """
    dtype = Q.dtype if Q.dtype in (np.float32, np.float64) else np.float64
    p = Q.shape[0]
    Q = np.ascontiguousarray(Q, dtype=dtype)
    w = np.zeros(p, dtype=dtype) if w_init is None else np.array(
        w_init, dtype=dtype, order="C", copy=True
    )
    if w.shape != (p,) or Q.shape != (p, p):  # the kernel has no bounds checks
        raise ValueError(f"expected w_init of shape ({p},) and Q of shape ({p}, {p}), "
                         f"got {w.shape} and {Q.shape}")
    pf = np.ones(p) if penalty_factor is None else _vec(penalty_factor, np.float64, p)
    t = np.dtype(dtype).type
    return enet_cd_gram(
        w, t(l1_reg), t(l2_reg), Q, _vec(q, dtype, p), t(y_norm2), pf, max_iter,
        t(tol), check_random_state(random_state),
        random=selection == "random", positive=bool(positive),
        dw_tol=-1.0 if dw_tol is None else float(dw_tol),
    )


def solve_l21(
    X,
    Y,
    l1_reg,
    l2_reg,
    *,
    W_init=None,
    X_mean=None,
    sample_weight=None,
    penalty_factor=None,
    max_iter=1000,
    tol=1e-4,
    selection="cyclic",
    random_state=None,
    screening=True,
    working_set=True,
    anderson=True,
    verbose=False,
    cycling=True,
    col_stats=None,
    W_pred=None,
    dw_tol=None,
    resume=None,
):
    """Solve one multi-task (L2,1) problem by block coordinate descent.

    Minimises ``0.5 * sum_i s_i ||Y_i - (x_i - X_mean) @ W.T||**2
    + sum_j pf_j (l1_reg ||W[:, j]||_2 + 0.5 * l2_reg ||W[:, j]||**2)``
    with W of shape (n_tasks, n_features), as scikit-learn's ``coef_``: the
    loop of :func:`solve_enet`, each coordinate a block of n_tasks values.

    Parameters are those of :func:`solve_enet`, with ``Y`` of shape
    (n_samples, n_tasks), ``W_init`` and ``W_pred`` of shape (n_tasks,
    n_features); ``tol`` is relative to ``sum_i s_i ||Y_i||**2``; ``resume``
    as in :func:`solve_enet`.

    Returns
    -------
    W : ndarray of shape (n_tasks, n_features), X's dtype
    gap, tol_abs, n_iter : as :func:`solve_enet`.
    """
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    n_samples, n_features = X.shape
    Y = np.asarray(Y)
    if Y.ndim != 2 or Y.shape[0] != n_samples:
        raise ValueError(f"Y must have shape ({n_samples}, n_tasks), got {Y.shape}")
    n_tasks = Y.shape[1]
    # the kernel's layouts: W p x T row-major (coef_.T), Y task-major
    w = np.zeros(n_features * n_tasks, dtype=dtype)
    if W_init is not None:
        W_init = np.asarray(W_init, dtype=dtype)
        if W_init.shape != (n_tasks, n_features):
            raise ValueError(f"W_init must have shape ({n_tasks}, {n_features}), "
                             f"got {W_init.shape}")
        w[:] = W_init.T.ravel()
    y = np.ascontiguousarray(Y.T, dtype=dtype).ravel()
    sw = _vec(sample_weight, dtype, n_samples)
    xm = _vec(X_mean, dtype, n_features)
    pf = np.ones(n_features) if penalty_factor is None else _vec(
        penalty_factor, np.float64, n_features
    )
    common = dict(
        random=selection == "random",
        screening=screening,
        working_set=working_set,
        anderson=anderson,
        verbose=bool(verbose),
        cycling=bool(cycling),
        dw_tol=-1.0 if dw_tol is None else float(dw_tol),
    )
    if W_pred is not None:
        common["w_pred"] = np.ascontiguousarray(np.asarray(W_pred, dtype=dtype).T).ravel()
    _attach_path_state(common, col_stats, n_samples, n_features, n_tasks, dtype,
                       lasso=l2_reg == 0 and l1_reg > 0)
    _attach_resume(common, resume)
    t = np.dtype(dtype).type
    rng = check_random_state(random_state)
    if sp.issparse(X):
        X = _sorted_csc(X)
        out = l21_cd_sparse(
            w, t(l1_reg), t(l2_reg), np.asarray(X.data, dtype=dtype),
            X.indices.astype(np.int32, copy=False), X.indptr.astype(np.int32, copy=False),
            n_samples, y, n_tasks, sw, xm, pf, max_iter, t(tol), rng, **common,
        )
    else:
        X = np.asfortranarray(X, dtype=dtype)
        out = l21_cd_dense(w, t(l1_reg), t(l2_reg), X, y, n_tasks, sw, xm, pf,
                           max_iter, t(tol), rng, **common)
    _path_state_known(col_stats, common)
    _keep_resume(common, resume)
    w, gap, tol_abs, n_iter = out
    return w.reshape(n_features, n_tasks).T, gap, tol_abs, n_iter


def solve_l21_gram(Q, q, y_norm2, l1_reg, l2_reg, *, W_init=None, penalty_factor=None,
                   max_iter=1000, tol=1e-4, selection="cyclic", random_state=None,
                   dw_tol=None):
    """The multi-task problem of :func:`solve_l21` from ``Q = X~^T S X~``, ``q = X~^T S Y``.

    ``q`` has shape (n_features, n_tasks), ``W_init`` (n_tasks, n_features);
    ``y_norm2 = sum_i s_i ||Y_i||^2``.  Same ``dw_tol`` and returns as
    :func:`solve_l21`.
    """
    dtype = Q.dtype if Q.dtype in (np.float32, np.float64) else np.float64
    p = Q.shape[0]
    q = np.asarray(q)
    if Q.shape != (p, p) or q.ndim != 2 or q.shape[0] != p:
        raise ValueError(f"expected Q of shape ({p}, {p}) and q of shape ({p}, n_tasks), "
                         f"got {Q.shape} and {q.shape}")
    n_tasks = q.shape[1]
    Q = np.ascontiguousarray(Q, dtype=dtype)
    w = np.zeros(p * n_tasks, dtype=dtype)
    if W_init is not None:
        W_init = np.asarray(W_init, dtype=dtype)
        if W_init.shape != (n_tasks, p):
            raise ValueError(f"W_init must have shape ({n_tasks}, {p}), got {W_init.shape}")
        w[:] = W_init.T.ravel()
    pf = np.ones(p) if penalty_factor is None else _vec(penalty_factor, np.float64, p)
    t = np.dtype(dtype).type
    w, gap, tol_abs, n_iter = l21_cd_gram(
        w, t(l1_reg), t(l2_reg), Q, np.ascontiguousarray(q, dtype=dtype).ravel(),
        n_tasks, t(y_norm2), pf, max_iter, t(tol), check_random_state(random_state),
        random=selection == "random", dw_tol=-1.0 if dw_tol is None else float(dw_tol),
    )
    return w.reshape(p, n_tasks).T, gap, tol_abs, n_iter


def _sorted_csc(X):
    """X as the sparse kernels read it: CSC with sorted indices (a copy only if not)."""
    if X.format != "csc":
        X = X.tocsc()
    return X if X.has_sorted_indices else X.sorted_indices()


def _attach_resume(common, resume):
    """Hand a caller's saved kernel state in (``resume``), and a dict for the new one."""
    if resume is not None:
        common["state_in"] = resume if resume else None
        common["state_out"] = {}


def _keep_resume(common, resume):
    """The kernel's state at its end goes into the caller's dict (empty if it converged)."""
    if resume is not None:
        resume.clear()
        resume.update(common["state_out"])


def start_stats(X, y):
    """Column means of unweighted X, with a kernel's start state, from one read.

    ``X`` is a dense Fortran-ordered array or a CSC matrix with int32 index
    arrays.  One read gives the means (for dense X the values of
    ``X.mean(axis=0)``, numpy's pairwise sums; for sparse X the column sums
    over n) and the column statistics and correlations x_j^T y that
    :func:`solve_enet` would otherwise compute in a second pass.  Returns
    ``(X_mean, col_stats)``: pass ``col_stats`` to the fits on this X and y
    (an ``enet_path`` over them, or a single one).
    """
    n_samples, n_features = X.shape
    stats = np.empty(2 * n_features, dtype=X.dtype)
    xty = np.empty(n_features, dtype=X.dtype)
    if sp.issparse(X):
        X_mean = sparse_col_stats(X.data, X.indices, X.indptr, n_samples, y, stats, xty)
    else:
        X_mean = dense_col_stats(X, y, stats, xty)
    return X_mean, {"stats": stats, "known": True, "xty": xty}


def _attach_path_state(common, col_stats, n_samples, n_features, block, dtype, lasso):
    """Hand a path's carried state (column statistics, Lasso dual point) to a kernel.

    ``col_stats`` is the dict a path keeps from one alpha to the next; its
    buffers are made on first use.  The dual point (n x block values and its
    p x block correlations) is carried only for a Lasso-type problem of a
    shape that extrapolates it.
    """
    if col_stats is None:
        return
    if "stats" not in col_stats:
        col_stats["stats"] = np.empty(2 * n_features, dtype=dtype)
        col_stats["known"] = False
    common["col_stats"] = col_stats["stats"]
    common["col_stats_known"] = col_stats["known"]
    if "xty" in col_stats:
        common["col_xty"] = col_stats["xty"]
    if lasso and lasso_dual_extrapolated(n_samples, n_features):
        if "dual_u" not in col_stats:
            col_stats["dual_u"] = np.empty(n_samples * block, dtype=dtype)
            col_stats["dual_corr"] = np.empty(n_features * block, dtype=dtype)
            col_stats["dual_known"] = False
        common["dual_u"] = col_stats["dual_u"]
        common["dual_corr"] = col_stats["dual_corr"]
        common["dual_known"] = col_stats["dual_known"]


def _path_state_known(col_stats, common):
    """After a kernel call: the carried buffers now hold valid values."""
    if col_stats is not None:
        col_stats["known"] = True
        if "dual_u" in common:
            col_stats["dual_known"] = True
