# The penalties the coordinate-descent loop accepts, and the loop's view of
# them.  The loop (_cd_fast.pyx, _cd_gram.pyx) is written once against the
# pen_* functions below, with the penalty struct as a fused type: Cython
# compiles one specialisation per penalty and each pen_* call resolves at
# compile time (no run-time dispatch, no copy of the loop).
#
# A new penalty: a struct and its functions in a new _penalty_<name>.pxd
# (see _penalty_enet.pxd), one line in penalty_t, one branch per pen_* here.
from cython cimport floating
from libc.math cimport fabs
from libc.stdint cimport int32_t

from skreg._solvers._penalty_enet cimport (
    EnetPenalty, GapParts, _enet_dist, _enet_dist_margin, _enet_dual_norm,
    _enet_excluded, _enet_free, _enet_gap, _enet_primal, _enet_prox, _enet_subdiff_dist,
    _enet_value,
)
from skreg._solvers._penalty_l21 cimport (
    L21Penalty, _l21_dist, _l21_dist_margin, _l21_dual_norm, _l21_excluded, _l21_free,
    _l21_gap, _l21_primal, _l21_subdiff_dist, _l21_value, _row_norm,
)

# A coordinate of the loop is a block of pen_block(P) values: 1 for the
# elastic net (the scalar code, T a compile-time 1), T rows of W for the
# multi-task L2,1 penalty (W stored p x T, block j at j T).
ctypedef fused penalty_t:
    EnetPenalty
    L21Penalty


cdef inline Py_ssize_t pen_block(const penalty_t* P) noexcept nogil:
    """The number of values in one coordinate (block) of w."""
    if penalty_t is EnetPenalty:
        return 1
    else:
        return P.n_tasks


cdef inline double pen_coef_norm(const penalty_t* P, const floating* w,
                                 Py_ssize_t j) noexcept nogil:
    """|w_j| (elastic net), ||W_j||_2 (L2,1): the block's size."""
    if penalty_t is EnetPenalty:
        return fabs(w[j])
    else:
        return _row_norm(w + j * P.n_tasks, P.n_tasks)


cdef inline floating pen_prox(const penalty_t* P, Py_ssize_t j, floating g,
                              floating lip) noexcept nogil:
    """The scalar coordinate update (blocks: _coordinate.pxd's blk_update)."""
    if penalty_t is EnetPenalty:
        return _enet_prox(P, j, g, lip)
    else:
        return 0.0  # never called: an L2,1 coordinate is a block


cdef inline double pen_primal(const penalty_t* P, double R_norm2, const floating* w,
                              const int32_t* feats, Py_ssize_t n_feats,
                              Py_ssize_t p) noexcept nogil:
    """The objective: the datafit's R^T S R / 2 plus the penalty over feats."""
    cdef double l1, l2
    if penalty_t is EnetPenalty:
        _enet_value(P, w, feats, n_feats, p, &l1, &l2)
        return _enet_primal(P, R_norm2, l1, l2)
    else:
        _l21_value(P, w, feats, n_feats, p, &l1, &l2)
        return _l21_primal(P, R_norm2, l1, l2)


cdef inline double pen_gap(const penalty_t* P, Py_ssize_t p, const int32_t* feats,
                           Py_ssize_t n_feats, const floating* w, const floating* norm2,
                           double R_norm2, double Ry, floating* XtA,
                           GapParts* out) noexcept nogil:
    if penalty_t is EnetPenalty:
        return _enet_gap(P, p, feats, n_feats, w, norm2, R_norm2, Ry, XtA, out)
    else:
        return _l21_gap(P, p, feats, n_feats, w, norm2, R_norm2, Ry, XtA, out)


cdef inline double pen_dual_norm(const penalty_t* P, const floating* corr,
                                 const floating* norm2, const int32_t* feats,
                                 Py_ssize_t n_feats, Py_ssize_t p) noexcept nogil:
    if penalty_t is EnetPenalty:
        return _enet_dual_norm(P, corr, norm2, feats, n_feats, p)
    else:
        return _l21_dual_norm(P, corr, norm2, feats, n_feats, p)


cdef inline double pen_dist(const penalty_t* P, Py_ssize_t j, const floating* c,
                            double scale, floating lip) noexcept nogil:
    """Gap Safe distance of coordinate j; c its block of correlations."""
    if penalty_t is EnetPenalty:
        return _enet_dist(P, j, c[0], scale, lip)
    else:
        return _l21_dist(P, j, c, scale, lip)


cdef inline double pen_dist_margin(const penalty_t* P, Py_ssize_t j, floating lip,
                                   double eps) noexcept nogil:
    if penalty_t is EnetPenalty:
        return _enet_dist_margin(P, j, lip, eps)
    else:
        return _l21_dist_margin(P, j, lip, eps)


cdef inline double pen_subdiff_dist(const penalty_t* P, Py_ssize_t j, const floating* w,
                                    const floating* g) noexcept nogil:
    """KKT violation of coordinate j: distance of 0 to g_j + the subdifferential at w_j.

    w and g point at the coordinate's block (its value(s) and the smooth
    datafit's partial derivative(s)).
    """
    if penalty_t is EnetPenalty:
        return _enet_subdiff_dist(P, j, w[0], g[0])
    else:
        return _l21_subdiff_dist(P, j, w, g)


cdef inline bint pen_free(const penalty_t* P, Py_ssize_t j) noexcept nogil:
    if penalty_t is EnetPenalty:
        return _enet_free(P, j)
    else:
        return _l21_free(P, j)


cdef inline bint pen_excluded(const penalty_t* P, Py_ssize_t j) noexcept nogil:
    if penalty_t is EnetPenalty:
        return _enet_excluded(P, j)
    else:
        return _l21_excluded(P, j)


cdef inline double pen_strength(const penalty_t* P, Py_ssize_t j) noexcept nogil:
    """The dual constraint's bound for feature j (alpha pf_j): |x_j^T theta| <= it."""
    return P.alpha * P.pf[j]


cdef inline double pen_dual_bound(const penalty_t* P) noexcept nogil:
    """The dual feasibility bound on :func:`pen_dual_norm` (the scale's numerator)."""
    return P.alpha


cdef inline bint pen_sparse(const penalty_t* P) noexcept nogil:
    """Whether the penalty makes zeros (screening and working sets apply)."""
    return P.alpha > 0.0


cdef inline bint pen_lasso_dual(const penalty_t* P) noexcept nogil:
    """Whether a rescaled residual is an exact dual point (dual extrapolation applies)."""
    return P.alpha > 0.0 and P.beta == 0.0


cdef inline floating pen_project(const penalty_t* P, Py_ssize_t j,
                                 floating v) noexcept nogil:
    """v moved into the penalty's domain (w_j >= 0 if positive, 0 if excluded)."""
    if penalty_t is EnetPenalty:
        if _enet_excluded(P, j) or (P.positive and v < 0.0):
            return 0.0
        return v
    else:
        return 0.0 if _l21_excluded(P, j) else v
