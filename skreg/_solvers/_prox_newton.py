"""The entry point of the compiled proximal-Newton kernel (_prox_newton_fast.pyx)."""

import numpy as np
import scipy.sparse as sp

from skreg._solvers._cd import _sorted_csc
from skreg._solvers._prox_newton_fast import logistic_pn_dense, logistic_pn_sparse

__all__ = ["solve_logistic_pn"]


def solve_logistic_pn(X, y, sample_weight, W, b, l1_reg, l2_reg, penalty_factor=None,
                      fit_intercept=True, max_iter=100, tol=1e-4, verbose=False):
    """Minimise the penalised logistic loss by proximal Newton.

    The objective is ``sum_i s_i loss_i + sum_k sum_j pf_j (l1_reg |W_kj|
    + l2_reg / 2 W_kj**2)``, the binary loss when ``W`` has one row (``y`` in
    {0, 1}) and the multinomial one otherwise (``y`` the class index), with
    an unpenalised intercept ``b`` if ``fit_intercept``.  Stops once the KKT
    violation is <= ``tol`` (absolute, the scale of the objective).

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        float32 or float64; Fortran-ordered or CSC avoid a conversion.
    y : ndarray of shape (n_samples,)
        Labels, 0/1 or the class index.
    sample_weight : ndarray of shape (n_samples,)
        The weights s (not normalised here).
    W : ndarray of shape (n_rows, n_features)
        Starting coefficients (not modified).
    b : ndarray of shape (n_rows,)
        Starting intercepts (not modified).
    l1_reg, l2_reg : float
        The penalty's strengths.
    penalty_factor : ndarray of shape (n_features,), default=None
        glmnet's factors (zeros: unpenalised; inf: excluded); None: ones.
    fit_intercept : bool, default=True
        Whether ``b`` is fitted (otherwise kept as given).
    max_iter : int, default=100
        Outer (Newton) iterations at most.
    tol : float, default=1e-4
        Tolerance on the KKT violation.
    verbose : bool, default=False
        Print the objective and KKT violation at each iteration.

    Returns
    -------
    W : ndarray of shape (n_rows, n_features), float64
    b : ndarray of shape (n_rows,), float64
    kkt : float
        The final KKT violation.
    n_iter : int
        Outer iterations run.
    stalled : bool
        Whether the last iteration made no progress (rounding level).
    """
    dtype = X.dtype
    n_rows, p = W.shape
    w = np.array(W, dtype=dtype, order="C").ravel()
    b = np.array(b, dtype=np.float64).ravel()
    pf = (np.ones(p) if penalty_factor is None
          else np.ascontiguousarray(penalty_factor, dtype=np.float64))
    w.reshape(n_rows, p)[:, ~np.isfinite(pf)] = 0.0  # excluded features start at 0
    y = np.ascontiguousarray(y, dtype=dtype)
    sw = np.ascontiguousarray(sample_weight, dtype=dtype)
    args = (y, sw, float(l1_reg), float(l2_reg), pf, bool(fit_intercept), int(max_iter),
            float(tol), bool(verbose))
    if sp.issparse(X):
        X = _sorted_csc(X)
        kkt, n_iter, stalled = logistic_pn_sparse(
            w, b, X.data, X.indices.astype(np.int32, copy=False),
            X.indptr.astype(np.int32, copy=False), *args)
    else:
        kkt, n_iter, stalled = logistic_pn_dense(w, b, np.asfortranarray(X), *args)
    W = w.reshape(n_rows, p).astype(np.float64)
    return W, b, float(kkt), int(n_iter), bool(stalled)
