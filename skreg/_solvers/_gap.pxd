# The duality gap of (quadratic datafit on X, penalty): the datafit's residual
# norms and correlations handed to the penalty's gap, the Lasso dual value of
# a candidate point (dual extrapolation), the objective, and the rounding
# allowance that makes the gap a certified bound for screening.  Header-only,
# generic over the penalty (fused penalty_t); cimported by _cd_fast.pyx.
#
# Duality gap ("formulation A" of scikit-learn, with the L2 part folded into
# an augmented design [X; sqrt(beta pf) I]; Fercoq, Gramfort & Salmon 2015):
# with R the weighted residual, XtA_j = x~_j^T S R - beta pf_j w_j and the dual
# point theta = scale * R, scale = min(1, alpha / max_j |XtA_j| / pf_j),
#
#     D(theta) = -scale^2 / 2 (R^T S R + beta sum pf w^2) + scale * R^T S y,
#
# and the gap P - D bounds the suboptimality.  alpha = 0 uses the ridge dual
# ("formulation B", Duenner et al. 2016).
from cython cimport floating
from libc.math cimport fabs, sqrt, INFINITY
from libc.stdint cimport int32_t

from skreg._solvers._blas cimport _dot
from skreg._solvers._datafit_multitask cimport _correlations_blk, _resid_norm2_blk
from skreg._solvers._datafit_quadratic cimport (
    Layout, Resid, _correlations, _fold, _resid_norm2,
)
from skreg._solvers._penalties cimport (
    pen_block, pen_coef_norm, pen_dual_bound, pen_dual_norm, pen_excluded, pen_free,
    pen_gap, pen_primal, pen_strength, penalty_t,
)
from skreg._solvers._penalty_enet cimport EnetPenalty, GapParts

# Block penalties (pen_block(P) = T > 1: the multi-task L2,1) pair with the
# multi-task datafit: r and y are T x n, XtA and corr p x T, st T states;
# for T = 1 every function below is the single-task code.


cdef inline double _gap(const Layout* L, const floating* xv, const floating* sw,
                 const floating* xm, const floating* y, const floating* w,
                 const penalty_t* P, const floating* norm2, floating* r, Resid* st,
                 floating* XtA, const int32_t* feats, Py_ssize_t n_feats,
                 GapParts* gp) noexcept nogil:
    """Duality gap; fills XtA[j] = x~_j^T S R - beta pf_j w_j for j in feats.

    The datafit's part (R^T S R, R^T S y, X~^T S R; feats = NULL means every
    feature, dense: one gemv), then the penalty's (:func:`pen_gap`).
    """
    cdef double R_norm2
    if penalty_t is EnetPenalty:
        _fold(L, sw, r, st)
        _correlations(L, xv, xm, r, <floating> st.rsum, feats, n_feats, XtA)
        return pen_gap(P, L.n_features, feats, n_feats, w, norm2,
                       _resid_norm2(L, sw, r), _dot(<int> L.n_samples, r, y), XtA, gp)
    else:
        R_norm2 = _resid_norm2_blk(L, sw, r, st, P.n_tasks)
        _correlations_blk(L, xv, xm, r, st, P.n_tasks, feats, n_feats, XtA)
        return pen_gap(P, L.n_features, feats, n_feats, w, norm2, R_norm2,
                       _dot(<int> (L.n_samples * P.n_tasks), r, y), XtA, gp)


cdef inline double _update_rounding(const floating* w, const floating* norm2,
                                    const penalty_t* P, Py_ssize_t p,
                                    double y_norm2) noexcept nogil:
    """How far rounding can move one coordinate update: below it, max|dw| says nothing.

    An update divides x~_j^T S R (plus terms of w_j) by about ||x~_j||^2; the
    residual's rounding error is about eps (||y|| + sum_j |w_j| ||x~_j||)
    (see :func:`_gap_rounding`), so the update's is about that over
    ||x~_j||, largest for the smallest column (norm2: ||x~_j||^2 with the
    weights, or the Gram diagonal).  A floor for scikit-learn's update test:
    in float32, or with coefficients far below y's scale, the updates of a
    converged point stay at this level and never reach dw_tol * max|w|.
    """
    cdef double eps = 1.1920929e-07 if floating is float else 2.220446049250313e-16
    cdef double M = 0.0, nj, smallest = INFINITY
    cdef Py_ssize_t j, t, T = pen_block(P)
    for j in range(p):
        if norm2[j] > 0.0 and not pen_excluded(P, j):
            nj = sqrt(norm2[j])
            smallest = min(smallest, nj)
            for t in range(T):
                M += fabs(w[j * T + t]) * nj
    if smallest == INFINITY:
        return 0.0
    return 2.0 * eps * (sqrt(max(y_norm2, 0.0)) + M) / smallest


cdef inline void _rounding_scales(const Layout* L, const floating* xm,
                                  const floating* norm2, const penalty_t* P,
                                  double s_total, double* a_max,
                                  double* b_max) noexcept nogil:
    """A fit's constants of :func:`_gap_rounding`, computed once (not per gap).

    a_max = max_j ||x~_j|| / strength_j and b_max = max_j ||x_j|| / strength_j
    (||x_j|| the raw column's norm) over the penalised, included features.
    """
    cdef Py_ssize_t j
    cdef double m, a, b
    a_max[0] = 0.0
    b_max[0] = 0.0
    for j in range(L.n_features):
        if norm2[j] <= 0.0 or pen_free(P, j) or pen_excluded(P, j):
            continue
        m = xm[j] if L.centered else 0.0
        a = sqrt(norm2[j]) / pen_strength(P, j)
        b = sqrt(norm2[j] + s_total * m * m) / pen_strength(P, j)
        if a > a_max[0]:
            a_max[0] = a
        if b > b_max[0]:
            b_max[0] = b


cdef inline double _gap_rounding(const Layout* L, const floating* w, const floating* xm,
                          const floating* norm2, const penalty_t* P, double s_total,
                          double y_norm2, const GapParts* gp, double a_max,
                          double b_max) noexcept nogil:
    """How far rounding can move the computed gap from the true one.

    A Gap Safe radius needs a gap that is a bound: the computed gap can come
    out below the true one (even negative) by the rounding of the residual
    and of X~^T R.  With an uncentered X (implicit centering) or large
    coefficients the residual is the small difference of large terms: its
    error is about eps (||y|| + sum_j |w_j| ||x_j||), ||x_j|| the raw column's
    norm; that error enters P and D directly, and through X~^T R the dual
    scale, whose error moves D by (|R^T S y| + R^T S R + beta sum pf w^2
    <= |R^T S y| + 2 P) times the relative error of the dual norm, at most
    dR a_max + eps ||R|| b_max (:func:`_rounding_scales`).  The estimate is
    multiplied by 4 sqrt(n) + 16, the growth of a sum of n rounded terms with
    room to spare.  O(p) per call, the square roots only for non-zeros.
    """
    cdef Py_ssize_t j, n = L.n_samples * pen_block(P), p = L.n_features
    cdef double eps = 1.1920929e-07 if floating is float else 2.220446049250313e-16
    cdef double m, M = 0.0, dR, rel, v
    cdef double nr = sqrt(max(gp.R_norm2, 0.0))
    for j in range(p):
        v = pen_coef_norm(P, w, j)
        if norm2[j] > 0.0 and v != 0.0:
            m = xm[j] if L.centered else 0.0
            M += v * sqrt(norm2[j] + s_total * m * m)
    dR = eps * (sqrt(y_norm2) + M)
    rel = dR * a_max + eps * nr * b_max
    return (4.0 * sqrt(<double> n) + 16.0) * (
        dR * (2.0 * nr + sqrt(y_norm2)) + (fabs(gp.Ry) + 2.0 * fabs(gp.primal)) * rel)


cdef inline double _dual_from_corr(const Layout* L, const floating* sw, const floating* y,
                            const penalty_t* P, const floating* norm2,
                            const floating* u, const floating* corr,
                            const int32_t* feats, Py_ssize_t n_feats,
                            double* scale_out) noexcept nogil:
    """Lasso dual D(theta) = theta^T S y - theta^T S theta / 2 at theta = c * u / S.

    u is a candidate in residual space (u = S R_u), corr[j] = x~_j^T u; c is
    the best scale that keeps the dual feasible over feats (the dual
    objective is a concave parabola in c, so c = clip(u^T y / u^T S^-1 u, 0,
    c_max)).
    """
    cdef double un2 = 0.0, uy, dual_norm, c, c_max
    cdef Py_ssize_t t, T = pen_block(P)
    for t in range(T):
        un2 += _resid_norm2(L, sw, u + t * L.n_samples)
    uy = _dot(<int> (L.n_samples * T), u, y)
    dual_norm = pen_dual_norm(P, corr, norm2, feats, n_feats, L.n_features)
    if un2 <= 0.0:
        scale_out[0] = 0.0
        return 0.0
    c = uy / un2
    c_max = pen_dual_bound(P) / dual_norm if dual_norm > 0.0 else INFINITY
    c = max(min(c, c_max), 0.0)
    scale_out[0] = c
    return c * uy - 0.5 * c * c * un2


cdef inline double _dual_value(const Layout* L, const floating* xv, const floating* sw,
                        const floating* xm, const floating* y, const penalty_t* P,
                        const floating* norm2, const floating* u,
                        const int32_t* feats, Py_ssize_t n_feats, floating* corr,
                        double* scale_out) noexcept nogil:
    """:func:`_dual_from_corr` at u, filling corr[j] = x~_j^T u for j in feats."""
    cdef Py_ssize_t i
    cdef floating usum = 0.0
    if penalty_t is EnetPenalty:
        for i in range(L.n_samples):
            usum += u[i]
        _correlations(L, xv, xm, u, usum, feats, n_feats, corr)
    else:
        _correlations_blk(L, xv, xm, u, NULL, P.n_tasks, feats, n_feats, corr)
    return _dual_from_corr(L, sw, y, P, norm2, u, corr, feats, n_feats, scale_out)


cdef inline double _primal(const Layout* L, const floating* sw, floating* r, Resid* st,
                    const floating* w, const penalty_t* P, const int32_t* feats,
                    Py_ssize_t n_feats) noexcept nogil:
    """P(w) from the residual state; the support of w lies in feats (NULL: all)."""
    if penalty_t is EnetPenalty:
        _fold(L, sw, r, st)
        return pen_primal(P, _resid_norm2(L, sw, r), w, feats, n_feats, L.n_features)
    else:
        return pen_primal(P, _resid_norm2_blk(L, sw, r, st, P.n_tasks), w, feats,
                          n_feats, L.n_features)


cdef inline bint _primal_lower(const Layout* L, const penalty_t* P, const floating* w,
                               double p_new, double p_old) noexcept nogil:
    """Whether a candidate's objective is below the current one by more than rounding.

    Both come from :func:`_primal`: sums of n (x n_tasks) rounded terms, each
    off by up to about (4 sqrt(n) + 16) eps times the total.  A candidate
    (an extrapolated or predicted point) better only within that noise is
    no better; accepted on noise, the choice would follow the rounding of
    one BLAS or another (dense and sparse X would then stop on different
    iterates).  ``w`` (unused) gives the dtype.
    """
    cdef double eps = 1.1920929e-07 if floating is float else 2.220446049250313e-16
    cdef double n = <double> L.n_samples * pen_block(P)
    return p_new < p_old - (4.0 * sqrt(n) + 16.0) * eps * fabs(p_old)
