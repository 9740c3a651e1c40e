"""The logistic loss and its residuals for a full-gradient solver (lbfgs).

``logistic_value_residuals`` evaluates, for the linear predictor eta (n
samples by K: K = 1 binary, K = n_classes multinomial), the datafit of
_datafit_logistic.pxd, F(eta) = sum_i s_i loss(y_i, eta_i), and writes its
gradient in sample space, R = dF/deta, and R's column sums (the intercepts'
gradient).  One exponential per entry, numpy's vectorised one in float64,
between the datafit's two halves (_logistic_shift, _logistic_finish).  The
caller turns R into the coefficients' gradient with one product X^T R (BLAS).
"""

from cython cimport floating

import numpy as np

from skreg._solvers._datafit_logistic cimport _logistic_finish, _logistic_shift


def logistic_value_residuals(const floating[:, ::1] eta, const double[::1] y,
                             const double[::1] sw, floating[:, ::1] R,
                             double[::1] R_sum, work=None):
    """F(eta); fills R (eta's shape and dtype) and R_sum (K,).

    eta: (n, K), C-contiguous, X's dtype (X W^T + b); y: the targets, {0, 1}
    (K = 1) or the class index (K >= 3), as float64; sw: the sample weights
    (float64).  R_ik = s_i (p_ik - [y_i = k]), p the sigmoid or the softmax.
    ``work``: a float64 (n, K) scratch for the exponentials (default: R
    itself when float64, else a new array); it may be R (float64).
    """
    cdef Py_ssize_t n = eta.shape[0], K = eta.shape[1]
    cdef double value
    if (y.shape[0] != n or sw.shape[0] != n or R.shape[0] != n or R.shape[1] != K
            or R_sum.shape[0] != K):
        raise ValueError("eta (n, K), y (n,), sw (n,), R (n, K) and R_sum (K,) "
                         "do not match")
    if work is None:
        work = R if floating is double else np.empty((n, K))
    cdef double[:, ::1] E = work
    E_arr = np.asarray(E)
    if E.shape[0] != n or E.shape[1] != K:
        raise ValueError("work must have eta's shape")
    if n == 0:
        R_sum[:] = 0.0
        return 0.0
    with nogil:
        _logistic_shift(n, K, &eta[0, 0], &E[0, 0])
    np.exp(E_arr, out=E_arr)
    with nogil:
        value = _logistic_finish(n, K, &y[0], &sw[0], &eta[0, 0], &E[0, 0], &R[0, 0],
                                 &R_sum[0])
    return value
