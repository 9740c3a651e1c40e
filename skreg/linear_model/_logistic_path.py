"""The logistic path: fit a sequence of C, each warm-started from the last.

Between the estimators (``_logistic``, ``_logistic_cv``) and the solvers
(``_logistic_solvers``, ``_logistic_sag``): the targets' encoding, the
penalty factors' preparation (excluded features), the warm start and the
output in X's dtype and full width.
"""

import numpy as np

from skreg.linear_model._logistic_sag import SAG_SOLVERS, make_sag_solver
from skreg.linear_model._logistic_solvers import SOLVERS

__all__ = ["_encode_targets", "_logistic_path"]


def _encode_targets(y_idx, n_classes):
    """Class indices as the solvers take them: {0, 1} floats (binary, the
    second class positive) or integer indices; returns (encoded, binary)."""
    if n_classes == 2:
        return y_idx.astype(np.float64), True
    return y_idx.astype(np.intp), False


def _prepare_penalty(X, pf, l1_ratio, solver, finite_C):
    """Features to fit, the problem's penalty factors and the cd column scaling.

    Features with an infinite factor are excluded (a column copy).  The cd
    kernel applies pf_j to feature j's whole penalty (L1 and L2), as the
    model does, so the factors go to it unchanged (no column scaling).
    Returns (X_fit, keep mask or None, pf_fit, col_scale or None, pf_kernel).
    """
    keep = None
    if pf is not None and np.any(np.isinf(pf)):
        keep = np.isfinite(pf)
        X = X[:, keep]
        pf = pf[keep]
    return X, keep, pf, None, pf


def _logistic_path(X, y, sw, Cs, *, l1_ratio, penalty_factor, solver,
                   fit_intercept, tol, max_iter, binary, n_classes, coef_init=None,
                   verbose=0, callback=None, random_state=None):
    """Fit the logistic model for each C in Cs, warm-starting each from the last.

    X validated (float32/64), y encoded by :func:`_encode_targets`, sw the
    final sample weights (class weights included, not normalised).
    ``callback(to_output, W, b)``, for 'lbfgs', makes the per-iteration hook
    (a :class:`_LbfgsCallbackBridge`).  Returns
    (list of coef arrays (n_rows, n_features), list of intercepts (n_rows,),
    n_iter array), in X's dtype.
    """
    n_features = X.shape[1]
    n_rows = 1 if binary else n_classes
    sw_sum = float(sw.sum())
    sw_n = sw / sw_sum
    X_fit, keep, pf, scale, pf_k = _prepare_penalty(
        X, penalty_factor, l1_ratio, solver, np.all(np.isfinite(Cs)))
    m = X_fit.shape[1]
    W = np.zeros((n_rows, m))
    b = np.zeros(n_rows)
    if coef_init is not None:
        W0, b0 = coef_init
        W = np.array(W0, dtype=np.float64).reshape(n_rows, n_features)
        W = W[:, keep] if keep is not None else W
        W = W / scale if scale is not None else W
        b = np.array(b0, dtype=np.float64).reshape(n_rows) if fit_intercept else b
    def to_output(W, b):
        """(coef_, intercept_) in X's dtype and full width, from the fit's (W, b)."""
        if not binary and fit_intercept:
            b = b - b.mean()  # the softmax is shift invariant: center the intercepts
        W_out = W * scale if scale is not None else W
        if keep is not None:
            full = np.zeros((n_rows, n_features))
            full[:, keep] = W_out
            W_out = full
        return W_out.astype(X.dtype), b.astype(X.dtype)

    # sag/saga: one SAG memory per path, carried over its Cs (as scikit-learn)
    solve = (make_sag_solver(solver, random_state) if solver in SAG_SOLVERS
             else SOLVERS[solver])
    coefs, intercepts, n_iter = [], [], np.zeros(len(Cs), dtype=np.int32)
    for i, C in enumerate(Cs):
        alpha = 0.0 if C == np.inf else 1.0 / (C * sw_sum)
        bridge = None if callback is None or solver != "lbfgs" else callback(
            to_output, W, b)
        kw = {} if bridge is None else {"callback": bridge}
        W, b, n_iter[i] = solve(X_fit, y, sw_n, W, b, alpha, l1_ratio, pf_k, binary,
                                fit_intercept, tol, max_iter, verbose, **kw)
        if bridge is not None:
            bridge.close()
        if not binary and fit_intercept:
            b = b - b.mean()
        coef, intercept = to_output(W, b)
        coefs.append(coef)
        intercepts.append(intercept)
    return coefs, intercepts, n_iter
