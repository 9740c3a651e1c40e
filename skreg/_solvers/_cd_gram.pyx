"""Coordinate descent on a precomputed Gram matrix (``precompute``).

The datafit is the quadratic of _datafit_quadratic.pxd written in Gram form,

    F(w) = 1/2 w^T Q w - q^T w + 1/2 y_norm2,

Q = X~^T S X~, q = X~^T S y, y_norm2 = y^T S y, so R^T S R = y_norm2 - 2 q^T w
+ w^T Q w and X~^T S R = q - Q w.  The penalty, its update and its duality
gap are the X kernel's (_penalties.pxd, through the same fused penalty type).
Each update costs O(p).  A coordinate is a block of T = pen_block(P) values
as in the X kernel: for the multi-task L2,1 penalty w, q, H = Q w and XtA
are p x T row-major (T = 1, the elastic net, is the scalar code).
"""

from cython cimport floating
from libc.math cimport fabs, INFINITY
from libc.stdint cimport uint32_t

import numpy as np

from skreg._solvers._accelerators cimport RAND_R_MAX, _rand_int
from skreg._solvers._blas cimport _axpy, _dot
from skreg._solvers._gap cimport _update_rounding
from skreg._solvers._penalties cimport (
    pen_block, pen_excluded, pen_gap, pen_prox, penalty_t,
)
from skreg._solvers._penalty_enet cimport EnetPenalty, GapParts
from skreg._solvers._penalty_l21 cimport L21Penalty, _l21_prox

from skreg._solvers._convergence import kernel_result


cdef enum:
    GAP_EVERY = 10          # gap checked at least every GAP_EVERY epochs


cdef inline void _gram_update(const penalty_t* P, Py_ssize_t j, floating* w,
                              floating* H, const floating* Qj, const floating* q,
                              floating lip, Py_ssize_t p, floating* d_w_max,
                              floating* w_max, floating* buf) noexcept nogil:
    """One coordinate's update on the Gram form; H = Q w follows (Qj = Q[j])."""
    cdef Py_ssize_t t, k, T = pen_block(P)
    cdef floating g, w_j, w_new, d
    cdef bint moved = False
    if penalty_t is EnetPenalty:
        w_j = w[j]
        g = q[j] - H[j] + w_j * lip
        w_new = pen_prox(P, j, g, lip)
        if w_new != w_j:
            d = w_new - w_j
            _axpy(<int> p, d, Qj, H)
            w[j] = w_new
            d_w_max[0] = max(d_w_max[0], fabs(d))
        w_max[0] = max(w_max[0], fabs(w_new))
    else:
        for t in range(T):
            buf[t] = q[j * T + t] - H[j * T + t] + w[j * T + t] * lip
        _l21_prox(P, j, buf, lip, buf + T)
        for t in range(T):
            d = buf[T + t] - w[j * T + t]
            buf[t] = d
            if d != 0.0:
                moved = True
                w[j * T + t] = buf[T + t]
                d_w_max[0] = max(d_w_max[0], fabs(d))
            w_max[0] = max(w_max[0], fabs(buf[T + t]))
        if moved:  # H += Q[:, j] d^T
            for k in range(p):
                for t in range(T):
                    H[k * T + t] += Qj[k] * buf[t]


cdef object _gram_solve(floating[::1] w, const penalty_t* P, const floating[:, ::1] Q,
                        const floating[::1] q, double y_norm2, Py_ssize_t max_iter,
                        double tol, object rng, bint random, double dw_tol_in):
    if floating is float:
        dtype = np.float32
    else:
        dtype = np.float64
    cdef Py_ssize_t p = Q.shape[0], j, f_iter, epoch = 0, t, k, T = pen_block(P)
    cdef floating[::1] H = np.zeros(p * T, dtype=dtype)  # Q @ w
    cdef floating[::1] XtA = np.zeros(p * T, dtype=dtype)
    cdef floating[::1] diag = np.zeros(p, dtype=dtype)
    cdef floating[::1] buf = np.empty(2 * T, dtype=dtype)
    cdef double tol_abs = tol * y_norm2, gap = INFINITY, wq, wH
    cdef floating d_w_max, w_max
    cdef GapParts gp
    cdef uint32_t seed = <uint32_t> rng.randint(1, RAND_R_MAX)
    cdef bint converged = False, dw_check = dw_tol_in >= 0.0, dw_ok = False, small
    # scikit-learn's second stop test, as in the X kernel (when dw_tol_in >= 0):
    # the last epoch moved no coefficient by more than dw_tol * max|w|
    # (floored at a few ulps)
    cdef double dw_tol = max(dw_tol_in, 4.0 * (1.1920929e-07 if floating is float
                                               else 2.220446049250313e-16)) \
        if dw_check else tol
    cdef double trig_tol = tol  # tol's updates trigger a gap check, dw_tol's once it is met
    cdef double dw_floor = 0.0  # updates rounding can make (once the gap is met)
    with nogil:
        for j in range(p):
            diag[j] = 0.0 if pen_excluded(P, j) else Q[j, j]
            if penalty_t is EnetPenalty:
                if diag[j] <= 0.0:
                    w[j] = 0.0
                if w[j] != 0.0:
                    _axpy(<int> p, w[j], &Q[j, 0], &H[0])
            else:
                for t in range(T):
                    if diag[j] <= 0.0:
                        w[j * T + t] = 0.0
                    if w[j * T + t] != 0.0:
                        for k in range(p):
                            H[k * T + t] += Q[j, k] * w[j * T + t]
        while True:
            wq = _dot(<int> (p * T), &w[0], &q[0])
            wH = _dot(<int> (p * T), &w[0], &H[0])
            for j in range(p * T):
                XtA[j] = q[j] - H[j]
            gap = pen_gap(P, p, NULL, p, &w[0], &diag[0],
                          max(y_norm2 - 2 * wq + wH, 0.0), y_norm2 - wq, &XtA[0], &gp)
            if gap <= tol_abs and (epoch == 0 or dw_ok):
                converged = True
                break
            if gap <= tol_abs:
                trig_tol = max(trig_tol, dw_tol)
                dw_floor = _update_rounding(&w[0], &diag[0], P, p, y_norm2)
            if epoch >= max_iter:
                break
            while epoch < max_iter:
                w_max = 0.0
                d_w_max = 0.0
                for f_iter in range(p):
                    j = _rand_int(<uint32_t> p, &seed) if random else f_iter
                    if diag[j] == 0.0:
                        continue
                    _gram_update(P, j, &w[0], &H[0], &Q[j, 0], &q[0], diag[j], p,
                                 &d_w_max, &w_max, &buf[0])
                epoch += 1
                dw_ok = (not dw_check or w_max == 0.0
                         or d_w_max <= max(dw_tol * w_max, dw_floor))
                small = w_max == 0.0 or d_w_max <= trig_tol * w_max
                if small or epoch % GAP_EVERY == 0:
                    break
    return kernel_result(w, gap, tol_abs, epoch, converged)


def enet_cd_gram(floating[::1] w, double alpha, double beta,
                 const floating[:, ::1] Q, const floating[::1] q, double y_norm2,
                 const double[::1] penalty_factor, Py_ssize_t max_iter,
                 double tol, object rng, bint random=False, bint positive=False,
                 double dw_tol=-1.0):
    """Coordinate descent on the Gram matrix.

    Minimises 1/2 w^T Q w - q^T w + 1/2 y_norm2 + sum pf (alpha |w| + beta/2 w^2),
    the X kernel's problem for Q = X~^T S X~, q = X~^T S y and
    y_norm2 = y^T S y; ``penalty_factor`` is float64.  ``dw_tol`` >= 0 adds
    scikit-learn's second stop test (max|dw| <= dw_tol max|w|).  Same returns as
    :func:`skreg._solvers._cd_fast.enet_cd_dense`.
    """
    cdef EnetPenalty P
    cdef Py_ssize_t p = Q.shape[0]
    if p == 0:
        return np.asarray(w), 0.0, 0.0, 0
    if penalty_factor.shape[0] != p or w.shape[0] != p or q.shape[0] != p:
        raise ValueError(f"w, q and penalty_factor must have length {p}")
    P.alpha = alpha
    P.beta = beta
    P.pf = &penalty_factor[0]
    P.positive = positive
    return _gram_solve(w, &P, Q, q, y_norm2, max_iter, tol, rng, random, dw_tol)


def l21_cd_gram(floating[::1] w, double alpha, double beta,
                const floating[:, ::1] Q, const floating[::1] q, Py_ssize_t n_tasks,
                double y_norm2, const double[::1] penalty_factor, Py_ssize_t max_iter,
                double tol, object rng, bint random=False, double dw_tol=-1.0):
    """Block coordinate descent for the multi-task (L2,1) problem on the Gram matrix.

    Minimises 1/2 tr(W^T Q W) - <q, W> + 1/2 y_norm2 + sum pf (alpha ||W_j||
    + beta/2 ||W_j||^2), W and q = X~^T S Y p x n_tasks row-major (flattened),
    y_norm2 = ||Y||_S^2.  Same returns as :func:`enet_cd_gram`.
    """
    cdef L21Penalty P
    cdef Py_ssize_t p = Q.shape[0]
    if p == 0 or n_tasks == 0:
        return np.asarray(w), 0.0, 0.0, 0
    if (penalty_factor.shape[0] != p or w.shape[0] != p * n_tasks
            or q.shape[0] != p * n_tasks):
        raise ValueError(f"w and q must have length {p * n_tasks}, "
                         f"penalty_factor {p}")
    P.alpha = alpha
    P.beta = beta
    P.pf = &penalty_factor[0]
    P.n_tasks = n_tasks
    return _gram_solve(w, &P, Q, q, y_norm2, max_iter, tol, rng, random, dw_tol)
