# The logistic datafits, binary and multinomial, with sample weights s,
#
#     F(eta) = sum_i s_i loss(y_i, eta_i),
#     binary:      loss = log(1 + e^eta) - y eta,        y in {0, 1},
#     multinomial: loss = logsumexp_k(eta_ik) - eta_iy,  y the class index,
#
# as functions of the linear predictor eta = X W^T + b (binary: n values;
# multinomial: K rows of n, class k at eta + k n).  Its value, the raw
# residuals dF/deta (the gradient in sample space: X^T of them is the
# gradient in w), the Newton weights d2F/deta_k^2 (the Hessian's diagonal in
# sample space, the weights of a prox-Newton step's weighted least-squares
# model: _datafit_quadratic.pxd with s = these weights); and the value with
# all K rows of residuals at once (_logistic_shift / _logistic_finish, for
# the lbfgs objective).  Header-only (``cdef inline``), cimported by the prox-Newton
# kernel (_prox_newton_fast.pyx) and _logistic_fast.pyx (lbfgs).
from cython cimport floating
from libc.math cimport exp, log, log1p

from skreg._solvers._datafit_quadratic cimport Layout, _col_axpy


cdef inline double _log1pexp(double x) noexcept nogil:
    """log(1 + e^x), stable for any x."""
    if x > 0.0:
        return x + log1p(exp(-x))
    return log1p(exp(x))


cdef inline double _sigmoid(double x) noexcept nogil:
    cdef double e
    if x >= 0.0:
        return 1.0 / (1.0 + exp(-x))
    e = exp(x)
    return e / (1.0 + e)


cdef inline double _lse(const floating* eta, Py_ssize_t n, Py_ssize_t K, Py_ssize_t i,
                        Py_ssize_t k_alt, const floating* row_alt) noexcept nogil:
    """logsumexp_k eta_ik, with row k_alt read from row_alt (NULL: none)."""
    cdef Py_ssize_t k
    cdef double m = -1e308, acc = 0.0, v
    for k in range(K):
        v = row_alt[i] if (k == k_alt and row_alt != NULL) else eta[k * n + i]
        if v > m:
            m = v
    for k in range(K):
        v = row_alt[i] if (k == k_alt and row_alt != NULL) else eta[k * n + i]
        acc += exp(v - m)
    return m + log(acc)


cdef inline double _logistic_value(Py_ssize_t n, Py_ssize_t K, const floating* y,
                                   const floating* sw, const floating* eta,
                                   Py_ssize_t k_alt, const floating* row_alt) noexcept nogil:
    """F(eta) (float64 sums); K = 1 is the binary loss.

    Row k_alt of eta is read from row_alt instead when row_alt is not NULL
    (a line search on one row).
    """
    cdef Py_ssize_t i, c
    cdef double acc = 0.0, v
    if K == 1:
        for i in range(n):
            if sw[i] != 0.0:
                v = row_alt[i] if row_alt != NULL else eta[i]
                acc += sw[i] * (_log1pexp(v) - y[i] * v)
        return acc
    for i in range(n):
        if sw[i] != 0.0:
            c = <Py_ssize_t> y[i]
            v = row_alt[i] if (c == k_alt and row_alt != NULL) else eta[c * n + i]
            acc += sw[i] * (_lse(eta, n, K, i, k_alt, row_alt) - v)
    return acc


cdef inline double _logistic_derivs(Py_ssize_t n, Py_ssize_t K, Py_ssize_t k,
                                    const floating* y, const floating* sw,
                                    const floating* eta, floating* grad, floating* hess,
                                    double floor) noexcept nogil:
    """Row k's raw residuals and Newton weights; returns sum(hess).

    grad_i = s_i (p_ik - [y_i = k]) and hess_i = s_i max(p_ik (1 - p_ik),
    floor), p the sigmoid (K = 1) or the softmax.  ``floor`` bounds the
    curvature away from 0 as glmnet bounds p away from 0 and 1: the gradient
    stays exact, only the Newton model gets more cautious.  ``hess`` may be
    NULL (the gradient only).
    """
    cdef Py_ssize_t i
    cdef double p, t, s_total = 0.0
    for i in range(n):
        if K == 1:
            p = _sigmoid(eta[i])
            t = y[i]
        else:
            p = exp(eta[k * n + i] - _lse(eta, n, K, i, -1, NULL))
            t = 1.0 if <Py_ssize_t> y[i] == k else 0.0
        grad[i] = <floating> (sw[i] * (p - t))
        if hess != NULL:
            hess[i] = <floating> (sw[i] * max(p * (1.0 - p), floor))
            s_total += hess[i]
    return s_total


cdef inline void _set_eta(const Layout* L, const floating* xv, const floating* W,
                          const floating* b, Py_ssize_t K, floating* eta) noexcept nogil:
    """eta = X W^T + b (b NULL: none)."""
    cdef Py_ssize_t i, j, k, n = L.n_samples, p = L.n_features
    for k in range(K):
        for i in range(n):
            eta[k * n + i] = b[k] if b != NULL else 0.0
        for j in range(p):
            if W[k * p + j] != 0.0:
                _col_axpy(L, xv, NULL, j, W[k * p + j], &eta[k * n])




# The value with all K rows of residuals at once, for a full-gradient solver
# (lbfgs), in two halves around one vectorised exponential (numpy's, ~10x
# libm's per entry here) done by the caller: _logistic_shift writes the
# exponent of each entry into E (float64), the caller sets E = exp(E), and
# _logistic_finish turns E into the residuals R (X's dtype; E itself when
# that is float64) and returns F.  Layout here: eta, E and R of shape
# (n, K), row-major (a sample's K entries together, the layout of X W^T),
# not the class-major one above.

cdef inline void _logistic_shift(Py_ssize_t n, Py_ssize_t K, const floating* eta,
                                 double* E) noexcept nogil:
    """E = the exponents: eta_ik - max_k eta_ik (softmax) or -|eta_i| (K = 1)."""
    cdef Py_ssize_t i, k
    cdef double m
    if K == 1:
        for i in range(n):
            E[i] = -eta[i] if eta[i] > 0 else eta[i]
        return
    for i in range(n):
        m = eta[i * K]
        for k in range(1, K):
            if eta[i * K + k] > m:
                m = eta[i * K + k]
        for k in range(K):
            E[i * K + k] = eta[i * K + k] - m


cdef inline double _logistic_finish(Py_ssize_t n, Py_ssize_t K, const double* y,
                                    const double* sw, const floating* eta,
                                    const double* E, floating* R,
                                    double* R_sum) noexcept nogil:
    """F(eta); R gets the raw residuals from E = exp(_logistic_shift's).

    R_ik = s_i (p_ik - [y_i = k]) (the residuals of :func:`_logistic_derivs`,
    every row) and R_sum[k] = sum_i R_ik (the intercepts' gradient).  With
    e = E: softmax p_ik = e_ik / sum_k e_ik and loss_i = max_k eta_ik +
    log sum_k e_ik - eta_iy; binary (e = exp(-|eta|)) loss_i = max(eta, 0) +
    log1p(e) - y eta (:func:`_log1pexp`) and p = 1 / (1 + e) or e / (1 + e)
    (:func:`_sigmoid`).  R may be E (float64: each entry is read before it is
    written).  y and s are float64 whatever eta's dtype; the arithmetic and
    the sums are float64.  Samples of weight 0 add nothing.
    """
    cdef Py_ssize_t i, k, c
    cdef double acc = 0.0, v, e, m, s, r
    for k in range(K):
        R_sum[k] = 0.0
    if K == 1:
        for i in range(n):
            if sw[i] == 0.0:
                R[i] = 0.0
                continue
            v = eta[i]
            e = E[i]
            acc += sw[i] * ((v if v > 0.0 else 0.0) + log1p(e) - y[i] * v)
            r = sw[i] * ((1.0 if v >= 0.0 else e) / (1.0 + e) - y[i])
            R[i] = <floating> r
            R_sum[0] += r
        return acc
    for i in range(n):
        if sw[i] == 0.0:
            for k in range(K):
                R[i * K + k] = 0.0
            continue
        m = eta[i * K]
        s = 0.0
        for k in range(K):
            if eta[i * K + k] > m:
                m = eta[i * K + k]
            s += E[i * K + k]
        c = <Py_ssize_t> y[i]
        acc += sw[i] * (m + log(s) - eta[i * K + c])
        s = sw[i] / s
        for k in range(K):
            r = E[i * K + k] * s
            if k == c:
                r -= sw[i]
            R[i * K + k] = <floating> r
            R_sum[k] += r
    return acc
