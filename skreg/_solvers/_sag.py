"""SAG and SAGA: the Python entry of the compiled kernel ``_sag_fast``.

Solves, for one target (or one multi-class problem),

    min_{W, b}  (1/n) sum_i s_i loss(x_i W + b, y_i)
                + alpha_scaled / 2 ||W||^2 + beta_scaled ||W||_1,

with scikit-learn's step size (:func:`auto_step_size`), its stopping rule
(max change of the weights over an epoch <= tol * max weight), its default
``max_iter=1000`` and its ConvergenceWarning.  The L1 term needs
``is_saga=True``.  Ridge passes ``alpha_scaled = alpha / n_samples``; the
logistic solvers (``skreg.linear_model._logistic_sag``) the losses ``"log"``
and ``"multinomial"``, per-feature penalty factors and a SAG memory carried
from one C of a path to the next (scikit-learn's ``warm_start_mem``).
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from skreg._solvers._sag_fast import (
    LOSS_LOG,
    LOSS_MULTINOMIAL,
    LOSS_SQUARED,
    sag_kernel,
)
from skreg.utils import user_stacklevel

# loss name -> (kernel code, bound on the loss's second derivative)
_LOSSES = {"squared": (LOSS_SQUARED, 1.0), "log": (LOSS_LOG, 0.25),
           "multinomial": (LOSS_MULTINOMIAL, 0.25)}


def auto_step_size(max_squared_sum, alpha_scaled, loss, fit_intercept, n_samples,
                   is_saga=False):
    """Step of SAG ``1 / L`` or SAGA ``1 / (2 L + min(2 n alpha, L))``.

    ``L = c (max_i ||x_i||^2 + fit_intercept) + alpha_scaled`` bounds the
    per-sample curvature, ``c`` the loss's second-derivative bound (1 for the
    squared loss, 1/4 for the log and multinomial losses); scikit-learn's
    rule.
    """
    if loss not in _LOSSES:
        raise ValueError(f"Unknown loss function for SAG solver, got {loss}")
    c = _LOSSES[loss][1]
    L = c * (max_squared_sum + int(fit_intercept)) + alpha_scaled
    if is_saga:
        return 1.0 / (2 * L + min(2 * n_samples * alpha_scaled, L))
    return 1.0 / L


def max_row_sqnorm(X):
    """``max_i ||x_i||^2`` of a dense or CSR matrix."""
    if sp.issparse(X):
        X = sp.csr_matrix(X)
        # per-row sums by bincount (reduceat fails on trailing empty rows)
        rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        sq = np.bincount(rows, weights=X.data.astype(np.float64) ** 2,
                         minlength=X.shape[0])
        return float(sq.max()) if sq.size else 0.0
    return float(np.einsum("ij,ij->i", X, X).max()) if X.size else 0.0


def _factor(f, p):
    """A per-feature factor as a float64 array, or an empty one for None."""
    if f is None:
        return np.empty(0)
    return np.ascontiguousarray(np.broadcast_to(np.asarray(f, dtype=np.float64), (p,)))


def sag_solve(X, y, sample_weight=None, *, loss="squared", alpha_scaled=0.0,
              beta_scaled=0.0, max_iter=None, tol=1e-3, random_state=None,
              is_saga=False, fit_intercept=False, coef_init=None,
              intercept_init=None, max_squared_sum=None, l2_factor=None,
              l1_factor=None, warm_start_mem=None):
    """Run SAG/SAGA on ``X`` (dense C-ordered or CSR, float32/float64).

    ``coef_init`` (p,) or (p, n_classes) and ``intercept_init`` warm-start
    the weights (copied).  Returns ``(coef, intercept, n_iter)``: ``coef``
    of shape (p, n_classes) in X's dtype, ``intercept`` (n_classes,),
    ``n_iter`` the epochs run.  A
    sparse X's intercept is learned with scikit-learn's damping (0.01) of its
    steps; dense problems should be centered instead (``fit_intercept=False``)
    for the squared loss, while the logistic losses fit it directly.

    ``l2_factor``/``l1_factor`` (p,) scale feature j's L2 and L1 terms
    (glmnet's penalty factors); the step size then uses the largest L2
    strength ``alpha_scaled * max(l2_factor)``.  ``warm_start_mem``, a dict,
    carries the SAG memory (per-sample gradients, their sums, the samples
    seen) between calls on the same X and y: empty on the first call, it is
    filled in place.  The computation runs in float64 whatever X's dtype.
    """
    if max_iter is None:
        max_iter = 1000
    dtype = X.dtype
    n, p = X.shape
    code = _LOSSES[loss][0] if loss in _LOSSES else None
    if code is None:
        raise ValueError(f"Unknown loss function for SAG solver, got {loss}")
    if beta_scaled > 0 and not is_saga:
        raise ValueError("The L1 penalty needs SAGA (is_saga=True).")
    if sp.issparse(X):
        X = X if X.format == "csr" else sp.csr_matrix(X)
        if max(X.nnz, p) > np.iinfo(np.int32).max:
            raise ValueError("The SAG kernel takes 32-bit sparse indices: X has "
                             f"{X.nnz} stored values and {p} columns.")
        # int64 index arrays that fit are narrowed (a copy of the indices only)
        data, indptr = X.data, X.indptr.astype(np.int32, copy=False)
        indices = X.indices.astype(np.int32, copy=False)
        dense = False
        intercept_decay = 0.01
    else:
        X = np.ascontiguousarray(X)
        data, indices, indptr = X.reshape(-1), np.empty(0, np.int32), np.empty(0, np.int32)
        dense = True
        intercept_decay = 1.0
    sw = np.ones(n) if sample_weight is None else \
        np.ascontiguousarray(sample_weight, dtype=np.float64)
    # n_classes outputs per sample (1 here; a multinomial loss passes a
    # coef_init of shape (p, n_classes))
    n_classes = 1 if coef_init is None or np.ndim(coef_init) == 1 else coef_init.shape[1]
    coef = np.zeros((p, n_classes)) if coef_init is None else \
        np.array(coef_init, dtype=np.float64, order="C").reshape(p, n_classes)
    intercept = np.zeros(n_classes) if intercept_init is None else \
        np.array(intercept_init, dtype=np.float64).reshape(n_classes)
    if max_squared_sum is None:
        max_squared_sum = max_row_sqnorm(X)
    f2, f1 = _factor(l2_factor, p), _factor(l1_factor, p)
    if f2.size or f1.size:
        f2 = f2 if f2.size else np.ones(p)
        f1 = f1 if f1.size else np.ones(p)
    alpha_max = alpha_scaled * (float(f2.max()) if f2.size else 1.0)
    step = auto_step_size(max_squared_sum, alpha_max, loss, fit_intercept, n, is_saga)
    if step * alpha_max == 1:
        raise ZeroDivisionError("Current sag implementation does not handle "
                                "the case step_size * alpha_scaled == 1")
    mem = {} if warm_start_mem is None else warm_start_mem
    if "gradient_memory" not in mem:
        mem.update(gradient_memory=np.zeros(n * n_classes),
                   sum_gradient=np.zeros(p * n_classes),
                   intercept_sum_gradient=np.zeros(n_classes),
                   seen=np.zeros(n, dtype=np.int8), num_seen=0)
    seed = int(check_random_state(random_state).randint(0, np.iinfo(np.int32).max))
    n_iter, status, mem["num_seen"] = sag_kernel(
        data, indices, indptr, dense, n, p, np.ascontiguousarray(y, dtype=np.float64),
        sw, coef, intercept, code, float(step), float(alpha_scaled), float(beta_scaled),
        float(tol), int(max_iter), seed, bool(is_saga), bool(fit_intercept),
        intercept_decay, f2, f1, mem["gradient_memory"], mem["sum_gradient"],
        mem["intercept_sum_gradient"], mem["seen"], int(mem["num_seen"]),
    )
    if status < 0:
        raise ValueError(f"Floating-point under-/overflow occurred at epoch #{n_iter}. "
                         "Scaling input data with StandardScaler or MinMaxScaler "
                         "might help.")
    if n_iter == max_iter:
        warnings.warn("The max_iter was reached which means the coef_ did not converge",
                      ConvergenceWarning, stacklevel=user_stacklevel())
    return coef.astype(dtype, copy=False), intercept.astype(dtype, copy=False), n_iter
