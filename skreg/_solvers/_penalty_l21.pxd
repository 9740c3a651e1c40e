# The multi-task (L2,1 + ridge) penalty on a coefficient matrix W (p x T),
#
#     g(W) = sum_j pf_j (alpha ||W_j||_2 + beta / 2 ||W_j||_2^2),
#
# W_j the j-th row (feature j's T coefficients, one per task).  A coordinate
# of the loop is the block W_j; everything is the elastic net's
# (_penalty_enet.pxd) with |w_j| replaced by ||W_j||_2: block
# soft-thresholding for the prox, max_j ||X~_j^T R||_2 for the dual norm.
# The loop stores W row-major (block j at w + j T) and the correlations
# X~^T R the same way.  Header-only, cimported through _penalties.pxd.
from cython cimport floating
from libc.math cimport sqrt, INFINITY
from libc.stdint cimport int32_t

from skreg._solvers._penalty_enet cimport GapParts


ctypedef struct L21Penalty:
    double alpha        # L2,1 strength (the kernels' scale: n times scikit-learn's)
    double beta         # ridge strength
    const double* pf    # penalty factors, one per feature (row)
    Py_ssize_t n_tasks  # T, the block size


cdef inline double _row_norm(const floating* v, Py_ssize_t T) noexcept nogil:
    """||v||_2 of a block of T values (accumulated in float64)."""
    cdef Py_ssize_t t
    cdef double acc = 0.0
    for t in range(T):
        acc += <double> v[t] * v[t]
    return sqrt(acc)


cdef inline void _l21_prox(const L21Penalty* P, Py_ssize_t j, const floating* g,
                           floating lip, floating* out) noexcept nogil:
    """Block soft-thresholding: argmin_V lip/2 ||V||^2 - g.V + pf_j (alpha ||V|| + beta/2 ||V||^2).

    g = lip * W_j + X~_j^T S R (T values); the result goes to out.
    """
    cdef Py_ssize_t t, T = P.n_tasks
    cdef double nn = _row_norm(g, T), thr = P.alpha * P.pf[j], f
    if nn <= thr:
        for t in range(T):
            out[t] = 0.0
        return
    f = (1.0 - thr / nn) / (lip + P.beta * P.pf[j])
    for t in range(T):
        out[t] = <floating> (f * g[t])


cdef inline void _l21_value(const L21Penalty* P, const floating* w,
                            const int32_t* feats, Py_ssize_t n_feats, Py_ssize_t p,
                            double* l1, double* l2) noexcept nogil:
    """sum pf ||W_j|| and sum pf ||W_j||^2 over feats (NULL: all p)."""
    cdef Py_ssize_t k, j, T = P.n_tasks
    cdef double nj
    l1[0] = 0.0
    l2[0] = 0.0
    for k in range(n_feats if feats != NULL else p):
        j = feats[k] if feats != NULL else k
        nj = _row_norm(w + j * T, T)
        if nj != 0.0:  # excluded rows (pf = inf) stay at 0
            l1[0] += P.pf[j] * nj
            l2[0] += P.pf[j] * nj * nj


cdef inline double _l21_dual_norm(const L21Penalty* P, const floating* corr,
                                  const floating* norm2, const int32_t* feats,
                                  Py_ssize_t n_feats, Py_ssize_t p) noexcept nogil:
    """max_j ||corr_j||_2 / pf_j over penalised, non-constant features."""
    cdef Py_ssize_t k, j, T = P.n_tasks
    cdef double v, dual_norm = 0.0
    for k in range(n_feats if feats != NULL else p):
        j = feats[k] if feats != NULL else k
        if P.pf[j] > 0.0 and norm2[j] > 0.0:
            v = _row_norm(corr + j * T, T) / P.pf[j]
            if v > dual_norm:
                dual_norm = v
    return dual_norm


cdef inline double _l21_dist(const L21Penalty* P, Py_ssize_t j, const floating* c,
                             double scale, floating lip) noexcept nogil:
    """Gap Safe distance of row j at theta = scale * u; c = X~_j^T u - beta pf_j W_j.

    (Ndiaye et al. 2015, multi-task: the rule of the elastic net with the
    row norm.)  Row j is zero at the optimum beyond the radius sqrt(2 gap).
    """
    return ((P.alpha * P.pf[j] - scale * _row_norm(c, P.n_tasks))
            / sqrt(lip + P.beta * P.pf[j]))


cdef inline double _l21_dist_margin(const L21Penalty* P, Py_ssize_t j, floating lip,
                                    double eps) noexcept nogil:
    return eps * P.alpha * P.pf[j] / sqrt(lip + P.beta * P.pf[j])


cdef inline bint _l21_free(const L21Penalty* P, Py_ssize_t j) noexcept nogil:
    return P.pf[j] == 0.0


cdef inline bint _l21_excluded(const L21Penalty* P, Py_ssize_t j) noexcept nogil:
    return not P.pf[j] < INFINITY


cdef inline double _l21_subdiff_dist(const L21Penalty* P, Py_ssize_t j,
                                     const floating* w, const floating* g) noexcept nogil:
    """Distance of 0 to g + the subdifferential of row j's penalty at W_j (T values)."""
    cdef Py_ssize_t t, T = P.n_tasks
    cdef double nw = _row_norm(w, T), lam = P.alpha * P.pf[j], acc = 0.0, v
    if _l21_excluded(P, j):
        return 0.0
    if nw == 0.0:
        return max(_row_norm(g, T) - lam, 0.0)
    for t in range(T):
        v = g[t] + (P.beta * P.pf[j] + lam / nw) * w[t]
        acc += v * v
    return sqrt(acc)


cdef inline double _l21_primal(const L21Penalty* P, double R_norm2, double l1,
                               double l2) noexcept nogil:
    return 0.5 * (R_norm2 + P.beta * l2) + P.alpha * l1


cdef inline double _l21_gap(const L21Penalty* P, Py_ssize_t p, const int32_t* feats,
                            Py_ssize_t n_feats, const floating* w,
                            const floating* norm2, double R_norm2, double Ry,
                            floating* XtA, GapParts* out) noexcept nogil:
    """The duality gap from ||R||_F^2 (weighted), <R, S Y> and X~^T S R (p x T).

    The elastic net's gap (_enet_gap) row by row: on exit XtA_j = X~_j^T S R -
    beta pf_j W_j.  alpha > 0: scikit-learn's multi-task "formulation A" (the
    dual point theta = scale * R, scale = min(1, alpha / max_j ||XtA_j|| /
    pf_j)); alpha = 0: the ridge dual, or the gradient for least squares.
    Unpenalised rows add their remaining one-block decrease, as in _enet_gap.
    """
    cdef Py_ssize_t k, j, t, T = P.n_tasks
    cdef double dual_norm, v = 0.0, d2, unpen = 0.0, l1, l2, scale, d
    _l21_value(P, w, feats, n_feats, p, &l1, &l2)
    for k in range(n_feats if feats != NULL else p):
        j = feats[k] if feats != NULL else k
        if P.pf[j] > 0.0 and P.pf[j] < INFINITY:
            for t in range(T):
                XtA[j * T + t] -= <floating> (P.beta * P.pf[j] * w[j * T + t])
    out.R_norm2 = R_norm2
    out.Ry = Ry
    out.l2 = l2
    out.primal = _l21_primal(P, R_norm2, l1, l2)
    out.scale = 1.0
    out.unpen = 0.0
    if P.alpha == 0.0:
        for k in range(n_feats if feats != NULL else p):
            j = feats[k] if feats != NULL else k
            if norm2[j] == 0.0 or _l21_excluded(P, j):
                continue
            d2 = 0.0
            for t in range(T):
                d = XtA[j * T + t]
                if P.pf[j] > 0.0:
                    d = d + P.beta * P.pf[j] * w[j * T + t]
                d2 += d * d
            if P.beta == 0.0:
                v += d2
            elif P.pf[j] > 0.0:
                v += d2 / P.pf[j]
            else:
                unpen += d2 / norm2[j]
        if P.beta == 0.0:
            return v
        out.unpen = unpen
        return R_norm2 + 0.5 * P.beta * l2 - Ry + v / (2.0 * P.beta) + 0.5 * unpen
    dual_norm = _l21_dual_norm(P, XtA, norm2, feats, n_feats, p)
    for k in range(n_feats if feats != NULL else p):
        j = feats[k] if feats != NULL else k
        if norm2[j] > 0.0 and P.pf[j] == 0.0:
            d = _row_norm(XtA + j * T, T)
            unpen += d * d / norm2[j]
    scale = P.alpha / dual_norm if dual_norm > P.alpha else 1.0
    out.scale = scale
    out.unpen = unpen
    return (out.primal - (-0.5 * scale * scale * (R_norm2 + P.beta * l2) + scale * Ry)
            + 0.5 * unpen)
