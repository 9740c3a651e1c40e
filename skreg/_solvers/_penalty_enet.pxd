# The elastic-net penalty with glmnet's per-feature factors,
#
#     g(w) = sum_j pf_j (alpha |w_j| + beta / 2 w_j^2),
#
# pf_j = 0: unpenalised, pf_j = inf: excluded (w_j = 0).  Its proximal step
# (soft-thresholding), value, dual norm, Gap Safe distance and its duality gap
# given the datafit's residual norms: everything the coordinate-descent
# kernels need to know about the penalty.  Header-only (``cdef inline``);
# cimported through _penalties.pxd, which dispatches on the penalty type.
from cython cimport floating
from libc.math cimport fabs, sqrt, INFINITY
from libc.stdint cimport int32_t


ctypedef struct EnetPenalty:
    double alpha        # L1 strength (the kernels' scale: n times scikit-learn's)
    double beta         # L2 strength
    const double* pf    # penalty factors, one per feature
    bint positive       # w >= 0


ctypedef struct GapParts:
    # a duality gap's pieces: callers holding a better dual value D form
    # primal - D + unpen / 2; the rest feeds the rounding allowance
    double R_norm2      # R^T S R
    double Ry           # R^T S y
    double l2           # sum pf w^2
    double primal
    double scale        # the dual point theta = scale * R
    double unpen        # unpenalised features' remaining decrease (x2)


cdef inline floating _soft(floating z, floating t) noexcept nogil:
    """Soft-thresholding sign(z) * max(|z| - t, 0)."""
    if z > t:
        return z - t
    if z < -t:
        return z + t
    return 0.0


cdef inline floating _enet_prox(const EnetPenalty* P, Py_ssize_t j, floating g,
                                floating lip) noexcept nogil:
    """The coordinate update: argmin_v lip / 2 v^2 - g v + pf_j (alpha |v| + beta / 2 v^2).

    g = lip * w_j + x~_j^T S R (the datafit's partial minimiser times lip).
    """
    cdef floating v
    if P.positive and g < 0.0:
        return 0.0
    v = <floating> (_soft(<double> g, P.alpha * P.pf[j]) / (lip + P.beta * P.pf[j]))
    if P.positive and v < 0.0:
        return 0.0
    return v


cdef inline void _enet_value(const EnetPenalty* P, const floating* w,
                             const int32_t* feats, Py_ssize_t n_feats, Py_ssize_t p,
                             double* l1, double* l2) noexcept nogil:
    """sum pf |w| and sum pf w^2 over feats (NULL: all p), w's support inside."""
    cdef Py_ssize_t k, j
    l1[0] = 0.0
    l2[0] = 0.0
    for k in range(n_feats if feats != NULL else p):
        j = feats[k] if feats != NULL else k
        if w[j] != 0.0:  # excluded features (pf = inf) stay at 0
            l1[0] += P.pf[j] * fabs(w[j])
            l2[0] += P.pf[j] * w[j] * w[j]


cdef inline double _enet_change(const EnetPenalty* P, const floating* w, const floating* v,
                                const int32_t* ws, Py_ssize_t n_ws) noexcept nogil:
    """pen(v) - pen(w) for v = w outside ws, term by term (no cancellation)."""
    cdef Py_ssize_t q, j
    cdef double acc = 0.0, a, c
    for q in range(n_ws):
        j = ws[q]
        a = v[j]
        c = w[j]
        if a != c:
            acc += P.pf[j] * (P.alpha * (fabs(a) - fabs(c))
                              + 0.5 * P.beta * (a - c) * (a + c))
    return acc


cdef inline double _enet_primal(const EnetPenalty* P, double R_norm2, double l1,
                                double l2) noexcept nogil:
    return 0.5 * (R_norm2 + P.beta * l2) + P.alpha * l1


cdef inline double _enet_dual_norm(const EnetPenalty* P, const floating* corr,
                                   const floating* norm2, const int32_t* feats,
                                   Py_ssize_t n_feats, Py_ssize_t p) noexcept nogil:
    """max_j |corr_j| / pf_j over penalised, non-constant features (signed if positive)."""
    cdef Py_ssize_t k, j
    cdef double v, dual_norm = 0.0
    for k in range(n_feats if feats != NULL else p):
        j = feats[k] if feats != NULL else k
        if P.pf[j] > 0.0 and norm2[j] > 0.0:
            v = (corr[j] if P.positive else fabs(corr[j])) / P.pf[j]
            if v > dual_norm:
                dual_norm = v
    return dual_norm


cdef inline double _enet_dist(const EnetPenalty* P, Py_ssize_t j, floating c,
                              double scale, floating lip) noexcept nogil:
    """Gap Safe distance of feature j to the dual boundary at theta = scale * u.

    c = x~_j^T u (minus beta pf_j w_j); feature j is zero at the optimum if the
    distance exceeds the safe radius sqrt(2 gap).
    """
    return ((P.alpha * P.pf[j] - scale * (c if P.positive else fabs(c)))
            / sqrt(lip + P.beta * P.pf[j]))


cdef inline double _enet_dist_margin(const EnetPenalty* P, Py_ssize_t j, floating lip,
                                     double eps) noexcept nogil:
    """What rounding can put into :func:`_enet_dist` (eps relative to alpha pf_j)."""
    return eps * P.alpha * P.pf[j] / sqrt(lip + P.beta * P.pf[j])


cdef inline bint _enet_free(const EnetPenalty* P, Py_ssize_t j) noexcept nogil:
    """Unpenalised: always in the working set; Gap Safe screening is off."""
    return P.pf[j] == 0.0


cdef inline bint _enet_excluded(const EnetPenalty* P, Py_ssize_t j) noexcept nogil:
    return not P.pf[j] < INFINITY


cdef inline double _enet_subdiff_dist(const EnetPenalty* P, Py_ssize_t j, double w_j,
                                      double g) noexcept nogil:
    """Distance of 0 to g + the subdifferential of feature j's penalty at w_j.

    g is the datafit's partial derivative; zero exactly at a coordinate's
    optimum (the KKT violation of a smooth datafit plus this penalty).
    """
    cdef double lam = P.alpha * P.pf[j], v = g + P.beta * P.pf[j] * w_j
    if _enet_excluded(P, j):
        return 0.0
    if w_j > 0.0:
        return fabs(v + lam)
    if w_j < 0.0:
        return fabs(v - lam)
    if P.positive:  # the subdifferential at 0 is (-inf, lam]
        return max(-v - lam, 0.0)
    return max(fabs(v) - lam, 0.0)


cdef inline double _enet_row_pen(const EnetPenalty* P, Py_ssize_t j, const floating* v,
                                 Py_ssize_t stride, Py_ssize_t K, double c) noexcept nogil:
    """sum_k pen_j(v_k - c), v_k = v[k stride] (feature j's penalty on K rows)."""
    cdef Py_ssize_t k
    cdef double acc = 0.0, d
    for k in range(K):
        d = v[k * stride] - c
        acc += P.alpha * fabs(d) + 0.5 * P.beta * d * d
    return P.pf[j] * acc


cdef inline double _enet_common_shift(const EnetPenalty* P, Py_ssize_t j,
                                      const floating* v, Py_ssize_t stride,
                                      Py_ssize_t K) noexcept nogil:
    """The c minimising sum_k pen_j(v_k - c) (v_k = v[k stride]); 0 if unpenalised.

    A convex piecewise quadratic in c with breakpoints at the v_k: the
    minimum is at a breakpoint or at a piece's stationary point,
    (beta S - alpha (2 m - K)) / (beta K) with m of the v_k below it (S their
    sum).  O(K^2); K is a multinomial model's number of classes.
    """
    cdef Py_ssize_t k, m, n_below
    cdef double S = 0.0, best_c = 0.0, best, f, c, a
    if not P.pf[j] > 0.0 or not P.pf[j] < INFINITY:
        return 0.0
    for k in range(K):
        S += v[k * stride]
    best = _enet_row_pen(P, j, v, stride, K, 0.0)
    for k in range(K):  # the breakpoints
        a = v[k * stride]
        f = _enet_row_pen(P, j, v, stride, K, a)
        if f < best:
            best, best_c = f, a
    if P.beta > 0.0:  # the pieces' stationary points, where they lie in their piece
        for m in range(K + 1):
            c = (P.beta * S - P.alpha * (2 * m - K)) / (P.beta * K)
            n_below = 0
            for k in range(K):
                if v[k * stride] < c:
                    n_below += 1
            if n_below == m:
                f = _enet_row_pen(P, j, v, stride, K, c)
                if f < best:
                    best, best_c = f, c
    return best_c


cdef inline double _enet_gap(const EnetPenalty* P, Py_ssize_t p, const int32_t* feats,
                             Py_ssize_t n_feats, const floating* w,
                             const floating* norm2, double R_norm2, double Ry,
                             floating* XtA, GapParts* out) noexcept nogil:
    """The duality gap from the datafit's R^T S R, R^T S y and X~^T S R.

    On entry XtA[j] = x~_j^T S R for j in feats (NULL: all p); on exit
    x~_j^T S R - beta pf_j w_j (the augmented design [X; sqrt(beta pf) I]'s
    correlation).  norm2[j] is the datafit's curvature ||x~_j||^2 (the Gram
    matrix's diagonal); norm2 = 0 marks a constant feature, left out.  Shared
    by every kernel.  The dual norm is taken over feats only: over all
    features this is the gap of the problem, over a working set the gap of
    the sub-problem restricted to it.

    Unpenalised features (pf_j = 0: no L1 and no L2 term) make the dual
    constraint x_j^T theta = 0, which a rescaled residual does not meet; their
    remaining one-coordinate decrease XtA_j^2 / (2 ||x_j||^2) is added to the
    gap so that the criterion cannot stop before they are optimal.
    """
    cdef Py_ssize_t k, j
    cdef double dual_norm, v = 0.0, d, unpen = 0.0, l1, l2, scale
    _enet_value(P, w, feats, n_feats, p, &l1, &l2)
    for k in range(n_feats if feats != NULL else p):
        j = feats[k] if feats != NULL else k
        if w[j] != 0.0:
            XtA[j] -= <floating> (P.beta * P.pf[j] * w[j])
    out.R_norm2 = R_norm2
    out.Ry = Ry
    out.l2 = l2
    out.primal = _enet_primal(P, R_norm2, l1, l2)
    out.scale = 1.0
    out.unpen = 0.0
    if P.alpha == 0.0:
        # Ridge ("formulation B"), or the plain gradient for least squares.
        # With positive, g(w) = beta_j/2 w^2 + indicator(w >= 0) has the
        # conjugate max(v, 0)^2 / (2 beta_j); for least squares (and the
        # unpenalised features of a ridge) the projected gradient.
        for k in range(n_feats if feats != NULL else p):
            j = feats[k] if feats != NULL else k
            if norm2[j] == 0.0 or _enet_excluded(P, j):
                continue
            d = XtA[j] + P.beta * P.pf[j] * w[j] if w[j] != 0.0 else XtA[j]
            if P.positive and (P.beta * P.pf[j] > 0.0 or w[j] == 0.0) and d < 0.0:
                d = 0.0
            if P.beta == 0.0:
                v += d * d
            elif P.pf[j] > 0.0:
                v += d * d / P.pf[j]
            else:
                unpen += d * d / norm2[j]
        if P.beta == 0.0:
            return v
        out.unpen = unpen
        return R_norm2 + 0.5 * P.beta * l2 - Ry + v / (2.0 * P.beta) + 0.5 * unpen
    dual_norm = _enet_dual_norm(P, XtA, norm2, feats, n_feats, p)
    for k in range(n_feats if feats != NULL else p):
        j = feats[k] if feats != NULL else k
        if norm2[j] > 0.0 and P.pf[j] == 0.0:
            unpen += XtA[j] * XtA[j] / norm2[j]
    scale = P.alpha / dual_norm if dual_norm > P.alpha else 1.0
    out.scale = scale
    out.unpen = unpen
    # For the ElasticNet this is scikit-learn's "formulation A", kept on purpose:
    # the exact conjugate is tighter and would stop earlier, moving ElasticNet
    # solutions at equal tol further from scikit-learn's.  (For the Lasso the
    # caller may replace this dual value by a better one, an extrapolated
    # residual's: still a certified bound, so it stops no later than
    # scikit-learn would at the same tol, and often earlier.)
    return (out.primal - (-0.5 * scale * scale * (R_norm2 + P.beta * l2) + scale * Ry)
            + 0.5 * unpen)
