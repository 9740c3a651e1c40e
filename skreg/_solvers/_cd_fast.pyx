"""Coordinate-descent kernels for the Lasso / ElasticNet, dense, sparse and Gram.

All kernels minimise, for a design X (n x p), a 1-D target y, optional
non-negative sample weights s and an optional column offset m (implicit
centering: the design is X - 1 m^T, never formed),

    P(w) = 1/2 sum_i s_i (y_i - (x_i - m) @ w)^2
           + sum_j pf_j (alpha |w_j| + beta / 2 * w_j^2)

i.e. n times scikit-learn's objective (the caller converts the scale once).
pf are per-feature penalty factors (glmnet's ``penalty.factor``): they scale
feature j's whole penalty; pf_j = 0 leaves it unpenalised, pf_j = inf
excludes it (w_j = 0).

Duality gap ("formulation A" of scikit-learn, with the L2 part folded into
an augmented design [X; sqrt(beta pf) I]; Fercoq, Gramfort & Salmon 2015): with
R the weighted residual, XtA_j = x~_j^T S R - beta pf_j w_j and the dual point
theta = scale * R, scale = min(1, alpha / max_j |XtA_j| / pf_j),

    D(theta) = -scale^2 / 2 (R^T S R + beta sum pf w^2) + scale * R^T S y,

and the gap P - D bounds the suboptimality.  alpha = 0 uses the ridge dual
("formulation B", Duenner et al. 2016).  Iterations stop once the gap is
<= tol * y^T S y, the scaling scikit-learn uses, so ``tol`` means the same.

Speed-ups over plain cyclic CD (the iterates and the optimum are the same):

* Gap Safe screening (Fercoq et al. 2015; Ndiaye et al. 2017): a feature j
  with (alpha pf_j - |x_j^T theta|) / sqrt(||x_j||^2 + beta pf_j) > sqrt(2 gap)
  is zero at the optimum and leaves the problem for good.
* Working sets prioritised by the dual (Massias, Gramfort & Salmon 2018,
  "Celer"): the inner CD runs on the current non-zeros plus the features
  closest to violating the dual constraint, the set doubling each outer
  iteration, until the full gap certifies the whole problem.
* Anderson extrapolation of the inner iterates (Bertrand & Massias 2021),
  accepted only when it lowers the objective.
* Along a path (successive calls sharing ``col_stats``/dual buffers): the
  previous alpha's best Lasso dual point, rescaled, certifies the warm start
  to second order in the step, and a secant prediction of the solution is
  taken as the start when it lowers the objective.
* Implicit centering and weights: the residual is kept as r = S R minus a
  scalar multiple of s, so a coordinate update costs O(nnz(x_j)) even for a
  centred sparse design, and no weighted or centred copy of X is made.
"""

from cython cimport floating
from libc.math cimport fabs, sqrt, INFINITY
from libc.stdint cimport int32_t, uint32_t
from libc.string cimport memset

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skreg._solvers._blas cimport _asum, _axpy, _dot, _gemv_t


cdef enum:
    RAND_R_MAX = 0x7FFFFFFF
    ANDERSON_K = 5          # iterates kept for Anderson extrapolation
    GAP_EVERY = 10          # inner gap checked at least every GAP_EVERY epochs
    WS_START = 10           # first working-set size (celer's p0)
    SUB_SWEEPS = 10         # sweeps over the non-zeros between two full sweeps
    EXTRAPOLATE_N_PER_P = 20  # dual extrapolation only for n <= this * p


ctypedef struct Layout:
    # Everything about X that is not of the floating type.
    Py_ssize_t n_samples
    Py_ssize_t n_features
    bint sparse
    const int32_t* indices
    const int32_t* indptr
    bint weighted
    bint centered


cdef inline uint32_t _rand_int(uint32_t end, uint32_t* state) noexcept nogil:
    """A random integer in [0, end) (xorshift32)."""
    cdef uint32_t x = state[0]
    x ^= x << 13
    x ^= x >> 17
    x ^= x << 5
    state[0] = x
    return (x & RAND_R_MAX) % end


cdef inline floating _soft(floating z, floating t) noexcept nogil:
    """Soft-thresholding sign(z) * max(|z| - t, 0)."""
    if z > t:
        return z - t
    if z < -t:
        return z + t
    return 0.0


# --- one column of the design -------------------------------------------------

cdef inline floating _col_dot(const Layout* L, const floating* xv, Py_ssize_t j,
                              const floating* v) noexcept nogil:
    """x_j @ v (raw column, no centering)."""
    cdef floating acc = 0.0
    cdef int32_t k
    if L.sparse:
        for k in range(L.indptr[j], L.indptr[j + 1]):
            acc += xv[k] * v[L.indices[k]]
        return acc
    return _dot(<int> L.n_samples, xv + j * L.n_samples, v)


cdef inline void _col_axpy(const Layout* L, const floating* xv, const floating* sw,
                           Py_ssize_t j, floating a, floating* v) noexcept nogil:
    """v += a * s * x_j (raw column, weights s if any)."""
    cdef int32_t k
    cdef Py_ssize_t i
    cdef const floating* x
    if L.sparse:
        if L.weighted:
            for k in range(L.indptr[j], L.indptr[j + 1]):
                v[L.indices[k]] += a * sw[L.indices[k]] * xv[k]
        else:
            for k in range(L.indptr[j], L.indptr[j + 1]):
                v[L.indices[k]] += a * xv[k]
    elif L.weighted:
        x = xv + j * L.n_samples
        for i in range(L.n_samples):
            v[i] += a * sw[i] * x[i]
    else:
        _axpy(<int> L.n_samples, a, xv + j * L.n_samples, v)


# --- the residual state -----------------------------------------------------------
#
# The weighted residual S R = S (y - (X - 1 m^T) w) is kept as  r + c * s
# (s = ones when unweighted), with rsum = sum_i (S R)_i tracked exactly, so that
#   x~_j^T S R = x_j^T r + c * xs_j - m_j * rsum,     xs_j = sum_i s_i x_ij,
# and the update w_j += d changes r by -d * s * x_j, c by + d * m_j and rsum by
# -d * (xs_j - m_j * S).  All O(nnz(x_j)).

ctypedef struct Resid:
    double c
    double rsum
    double s_total


cdef inline floating _grad(const Layout* L, const floating* xv, const floating* xm,
                           const floating* xs, Py_ssize_t j, const floating* r,
                           const Resid* st) noexcept nogil:
    """x~_j^T S R at the current w."""
    cdef floating g = _col_dot(L, xv, j, r)
    if L.centered:
        g += <floating> (st.c * xs[j] - xm[j] * st.rsum)
    return g


cdef inline void _move(const Layout* L, const floating* xv, const floating* sw,
                       const floating* xm, const floating* xs, Py_ssize_t j,
                       floating d, floating* r, Resid* st) noexcept nogil:
    """Update the residual state for w_j += d."""
    _col_axpy(L, xv, sw, j, -d, r)
    if L.centered:
        st.c += d * xm[j]
        st.rsum -= d * (xs[j] - xm[j] * st.s_total)


cdef inline void _fold(const Layout* L, const floating* sw, floating* r,
                       Resid* st) noexcept nogil:
    """Absorb the scalar offset c into r (r = S R exactly afterwards)."""
    cdef Py_ssize_t i
    cdef floating c = <floating> st.c
    if c == 0.0:
        return
    if L.weighted:
        for i in range(L.n_samples):
            r[i] += c * sw[i]
    else:
        for i in range(L.n_samples):
            r[i] += c
    st.c = 0.0


cdef floating _resid_norm2(const Layout* L, const floating* sw,
                           const floating* r) noexcept nogil:
    """R^T S R from r = S R (after _fold)."""
    cdef Py_ssize_t i
    cdef floating acc = 0.0
    if not L.weighted:
        return _dot(<int> L.n_samples, r, r)
    for i in range(L.n_samples):
        if sw[i] > 0:
            acc += r[i] * r[i] / sw[i]
    return acc


# --- the duality gap ----------------------------------------------------------------

ctypedef struct GapParts:
    # the pieces of the last gap, for its rounding allowance
    double R_norm2      # R^T S R
    double Ry           # R^T S y
    double l2           # ||w||^2 over the support

cdef floating _enet_gap(Py_ssize_t p, const int32_t* feats, Py_ssize_t n_feats,
                        const floating* w, floating alpha, floating beta,
                        const floating* pf, const floating* norm2, bint positive,
                        double R_norm2, double Ry, floating* XtA,
                        floating* scale_out, floating* primal_out,
                        floating* unpen_out, GapParts* parts) noexcept nogil:
    """The elastic net's duality gap from the datafit's R^T S R, R^T S y, X~^T S R.

    On entry XtA[j] = x~_j^T S R for j in feats; on exit x~_j^T S R - beta pf_j
    w_j (the augmented design's correlation).  norm2[j] is the datafit's
    curvature ||x~_j||^2 (the Gram matrix's diagonal); features with
    norm2 = 0 are constant and left out.  Shared by every kernel.

    Also returns, through the pointers, the primal value and the penalty
    ``unpen`` added for unpenalised features (see below), so that a caller
    holding a better dual value D can form primal - D + unpen / 2.

    The dual norm is taken over feats only (NULL: all p): over all features
    this is the gap of the problem, over a working set the gap of the
    sub-problem restricted to it.

    Unpenalised features (pf_j = 0: no L1 and no L2 term) make the dual
    constraint x_j^T theta = 0, which a rescaled residual does not meet; their
    remaining one-coordinate decrease XtA_j^2 / (2 ||x_j||^2) is added to the
    gap so that the criterion cannot stop before they are optimal.
    """
    cdef Py_ssize_t k, j
    cdef floating dual_norm = 0.0, v, l1 = 0.0, l2 = 0.0, d, unpen = 0.0
    cdef floating primal, scale
    # every non-zero coefficient lies in feats (working sets contain the support)
    for k in range(n_feats if feats != NULL else p):
        j = feats[k] if feats != NULL else k
        if w[j] != 0.0:  # excluded features (pf = inf) stay at 0
            l1 += pf[j] * fabs(w[j])
            l2 += pf[j] * w[j] * w[j]
            XtA[j] -= beta * pf[j] * w[j]
    primal = 0.5 * (R_norm2 + beta * l2) + alpha * l1
    scale_out[0] = 1.0
    primal_out[0] = primal
    unpen_out[0] = 0.0
    parts.R_norm2 = R_norm2
    parts.Ry = Ry
    parts.l2 = l2
    if alpha == 0.0:
        # Ridge ("formulation B"), or the plain gradient for least squares.
        # With positive, g(w) = beta_j/2 w^2 + indicator(w >= 0) has the
        # conjugate max(v, 0)^2 / (2 beta_j); for least squares (and the
        # unpenalised features of a ridge) the projected gradient.
        v = 0.0
        for k in range(n_feats if feats != NULL else p):
            j = feats[k] if feats != NULL else k
            if norm2[j] == 0.0 or not pf[j] < INFINITY:
                continue
            d = XtA[j] + beta * pf[j] * w[j] if w[j] != 0.0 else XtA[j]
            if positive and (beta * pf[j] > 0.0 or w[j] == 0.0) and d < 0.0:
                d = 0.0
            if beta == 0.0:
                v += d * d
            elif pf[j] > 0.0:
                v += d * d / pf[j]
            else:
                unpen += d * d / norm2[j]
        if beta == 0.0:
            return v
        unpen_out[0] = unpen
        return R_norm2 + 0.5 * beta * l2 - Ry + v / (2.0 * beta) + 0.5 * unpen
    for k in range(n_feats if feats != NULL else p):
        j = feats[k] if feats != NULL else k
        if norm2[j] == 0.0:
            continue  # a constant column: x~_j = 0, only rounding is left in XtA_j
        if pf[j] > 0.0:
            v = (XtA[j] if positive else fabs(XtA[j])) / pf[j]
            if v > dual_norm:
                dual_norm = v
        else:
            unpen += XtA[j] * XtA[j] / norm2[j]
    scale = alpha / dual_norm if dual_norm > alpha else 1.0
    scale_out[0] = scale
    unpen_out[0] = unpen
    # For the ElasticNet this is scikit-learn's "formulation A", kept on purpose:
    # the exact conjugate is tighter and would stop earlier, moving ElasticNet
    # solutions at equal tol further from scikit-learn's.  (For the Lasso the
    # caller may replace this dual value by a better one, an extrapolated
    # residual's: still a certified bound, so it stops no later than
    # scikit-learn would at the same tol, and often earlier.)
    return (primal - (-0.5 * scale * scale * (R_norm2 + beta * l2) + scale * Ry)
            + 0.5 * unpen)


cdef floating _gap(const Layout* L, const floating* xv, const floating* sw,
                   const floating* xm, const floating* y, const floating* w,
                   floating alpha, floating beta, const floating* pf,
                   const floating* norm2, bint positive,
                   floating* r, Resid* st, floating* XtA,
                   const int32_t* feats, Py_ssize_t n_feats,
                   floating* scale_out, floating* primal_out,
                   floating* unpen_out, GapParts* parts) noexcept nogil:
    """Duality gap on X; fills XtA[j] = x~_j^T S R - beta pf_j w_j for j in feats.

    The datafit's part (residual norms, X~^T S R; feats = NULL means every
    feature, dense: one gemv), then :func:`_enet_gap`.
    """
    cdef Py_ssize_t k, j, p = L.n_features
    cdef floating R_norm2, Ry, rsum
    _fold(L, sw, r, st)
    rsum = <floating> st.rsum
    R_norm2 = _resid_norm2(L, sw, r)
    Ry = _dot(<int> L.n_samples, r, y)
    if feats == NULL and not L.sparse:
        _gemv_t(<int> L.n_samples, <int> p, <floating> 1.0, xv, <int> L.n_samples,
                r, <floating> 0.0, XtA)
        if L.centered:
            for j in range(p):
                XtA[j] -= xm[j] * rsum
    else:
        for k in range(n_feats if feats != NULL else p):
            j = feats[k] if feats != NULL else k
            XtA[j] = _col_dot(L, xv, j, r)
            if L.centered:
                XtA[j] -= xm[j] * rsum
    return _enet_gap(p, feats, n_feats, w, alpha, beta, pf, norm2, positive,
                     R_norm2, Ry, XtA, scale_out, primal_out, unpen_out, parts)


cdef double _gap_rounding(const Layout* L, const floating* w, const floating* xm,
                          const floating* norm2, const floating* pf, double s_total,
                          double y_norm2, const GapParts* gp, floating alpha,
                          floating beta) noexcept nogil:
    """How far rounding can move the computed gap from the true one.

    A Gap Safe radius needs a gap that is a bound: the computed gap can come
    out below the true one (even negative) by the rounding of the residual
    and of X~^T R.  With an uncentred X (implicit centering) or large
    coefficients the residual is the small difference of large terms: its
    error is about eps (||y|| + sum_j |w_j| ||x_j||), ||x_j|| the raw column's
    norm; that error enters P and D directly, and through X~^T R the dual
    scale, whose error moves D by (|R^T S y| + R^T S R) times the relative
    error of the dual norm.  The estimate is multiplied by 4 sqrt(n) + 16, the
    growth of a sum of n rounded terms with room to spare.
    """
    cdef Py_ssize_t j, n = L.n_samples, p = L.n_features
    cdef double eps = 1.1920929e-07 if floating is float else 2.220446049250313e-16
    cdef double raw, m, M = 0.0, dR, rel = 0.0, v
    cdef double nr = sqrt(max(gp.R_norm2, 0.0))
    for j in range(p):
        if norm2[j] <= 0.0:
            continue
        m = xm[j] if L.centered else 0.0
        raw = sqrt(norm2[j] + s_total * m * m)
        if w[j] != 0.0:
            M += fabs(w[j]) * raw
    dR = eps * (sqrt(y_norm2) + M)
    for j in range(p):
        if norm2[j] <= 0.0 or not pf[j] > 0.0:
            continue
        m = xm[j] if L.centered else 0.0
        raw = sqrt(norm2[j] + s_total * m * m)
        v = (sqrt(norm2[j]) * dR + eps * raw * nr) / (alpha * pf[j])
        if v > rel:
            rel = v
    return (4.0 * sqrt(<double> n) + 16.0) * (
        dR * (2.0 * nr + sqrt(y_norm2))
        + (fabs(gp.Ry) + gp.R_norm2 + beta * gp.l2) * rel)


cdef floating _dual_value(const Layout* L, const floating* xv, const floating* sw,
                          const floating* xm, const floating* y, floating alpha,
                          const floating* pf, const floating* norm2, bint positive,
                          const floating* u,
                          const int32_t* feats, Py_ssize_t n_feats,
                          floating* corr, floating* scale_out) noexcept nogil:
    """Lasso dual D(theta) = theta^T S y - theta^T S theta / 2 at theta = c * u / S.

    u is a candidate in residual space (u = S R_u); c is the best scale that
    keeps |x~_j^T S theta| <= alpha pf_j over feats (the dual objective is a
    concave parabola in c, so c = clip(u^T y / u^T S^-1 u, 0, c_max)).  Fills
    corr[j] = x~_j^T u for j in feats.
    """
    cdef Py_ssize_t i, k, j, n = L.n_samples, p = L.n_features
    cdef floating usum = 0.0
    for i in range(n):
        usum += u[i]
    if feats == NULL and not L.sparse:
        _gemv_t(<int> n, <int> p, <floating> 1.0, xv, <int> n, u, <floating> 0.0, corr)
        if L.centered:
            for j in range(p):
                corr[j] -= xm[j] * usum
    else:
        for k in range(n_feats if feats != NULL else p):
            j = feats[k] if feats != NULL else k
            corr[j] = _col_dot(L, xv, j, u)
            if L.centered:
                corr[j] -= xm[j] * usum
    return _dual_from_corr(L, sw, y, alpha, pf, norm2, positive, u, corr, feats,
                           n_feats, scale_out)


cdef floating _dual_from_corr(const Layout* L, const floating* sw, const floating* y,
                              floating alpha, const floating* pf,
                              const floating* norm2, bint positive, const floating* u,
                              const floating* corr, const int32_t* feats,
                              Py_ssize_t n_feats, floating* scale_out) noexcept nogil:
    """The value of :func:`_dual_value` when corr = X~^T u is known already."""
    cdef Py_ssize_t k, j, p = L.n_features
    cdef floating un2, uy, dual_norm = 0.0, v, c, c_max
    un2 = _resid_norm2(L, sw, u)
    uy = _dot(<int> L.n_samples, u, y)
    for k in range(n_feats if feats != NULL else p):
        j = feats[k] if feats != NULL else k
        if pf[j] > 0.0 and norm2[j] > 0.0:
            v = (corr[j] if positive else fabs(corr[j])) / pf[j]
            if v > dual_norm:
                dual_norm = v
    if un2 <= 0.0:
        scale_out[0] = 0.0
        return 0.0
    c = uy / un2
    c_max = alpha / dual_norm if dual_norm > 0.0 else INFINITY
    if c > c_max:
        c = c_max
    if c < 0.0:
        c = 0.0
    scale_out[0] = c
    return c * uy - 0.5 * c * c * un2


cdef bint _push_extrapolate(floating* rhist, Py_ssize_t* n_rhist, Py_ssize_t n,
                            const floating* r, floating* racc) noexcept nogil:
    """Append r to the residual history; extrapolate once it holds K + 1.

    Dual extrapolation (Massias, Gramfort & Salmon 2018): residuals of a
    converging CD sequence follow a vector autoregression, so an Anderson
    combination of the last ones is a much better dual candidate.
    """
    cdef Py_ssize_t i, m = ANDERSON_K + 1
    if n_rhist[0] == m:
        for i in range((m - 1) * n):
            rhist[i] = rhist[i + n]
        n_rhist[0] -= 1
    for i in range(n):
        rhist[n_rhist[0] * n + i] = r[i]
    n_rhist[0] += 1
    if n_rhist[0] < m:
        return False
    return _anderson(rhist, n, racc)


cdef floating _primal(const Layout* L, const floating* sw, floating* r, Resid* st,
                      const floating* w, floating alpha, floating beta,
                      const floating* pf, const int32_t* feats,
                      Py_ssize_t n_feats) noexcept nogil:
    """P(w) from the residual state; the support of w lies in feats (NULL: all)."""
    cdef Py_ssize_t j, k
    cdef floating l1 = 0.0, l2 = 0.0
    _fold(L, sw, r, st)
    for k in range(n_feats if feats != NULL else L.n_features):
        j = feats[k] if feats != NULL else k
        if w[j] != 0.0:
            l1 += pf[j] * fabs(w[j])
            l2 += pf[j] * w[j] * w[j]
    return 0.5 * (_resid_norm2(L, sw, r) + beta * l2) + alpha * l1


# --- working-set selection ------------------------------------------------------------

cdef inline void _swap(floating* a, Py_ssize_t i, Py_ssize_t j) noexcept nogil:
    cdef floating t = a[i]
    a[i] = a[j]
    a[j] = t


cdef floating _kth_smallest(floating* a, Py_ssize_t n, Py_ssize_t k) noexcept nogil:
    """The k-th smallest (0-based) of a[:n], by quickselect; reorders a."""
    cdef Py_ssize_t lo = 0, hi = n - 1, i, j, mid
    cdef floating pivot
    while lo < hi:
        mid = lo + (hi - lo) // 2
        if a[mid] < a[lo]:
            _swap(a, lo, mid)
        if a[hi] < a[lo]:
            _swap(a, lo, hi)
        if a[hi] < a[mid]:
            _swap(a, mid, hi)
        pivot = a[mid]
        i = lo
        j = hi
        while i <= j:
            while a[i] < pivot:
                i += 1
            while a[j] > pivot:
                j -= 1
            if i <= j:
                _swap(a, i, j)
                i += 1
                j -= 1
        if k <= j:
            hi = j
        elif k >= i:
            lo = i
        else:
            return a[k]  # between the two parts: equal to the pivot
    return a[k]


cdef void _select_smallest(const int32_t* active, Py_ssize_t n_active,
                           const floating* score, Py_ssize_t k, floating* scratch,
                           int32_t* out) noexcept nogil:
    """The k features of ``active`` with the smallest scores, in active's order.

    O(n_active) on average (quickselect for the k-th score, then one pass);
    ties at the threshold are taken in order until k are chosen.
    """
    cdef Py_ssize_t i, m = 0, n_less = 0, ties
    cdef floating thr, v
    for i in range(n_active):
        scratch[i] = score[active[i]]
    thr = _kth_smallest(scratch, n_active, k - 1)
    for i in range(n_active):
        if score[active[i]] < thr:
            n_less += 1
    ties = k - n_less
    for i in range(n_active):
        v = score[active[i]]
        if v < thr or (v == thr and ties > 0):
            if v == thr:
                ties -= 1
            out[m] = active[i]
            m += 1


# --- Anderson extrapolation ---------------------------------------------------------

cdef bint _anderson(floating* hist, Py_ssize_t m, floating* out) noexcept nogil:
    """Extrapolate from the m = ANDERSON_K + 1 last iterates (rows of hist).

    Solves min ||U c|| s.t. sum(c) = 1 with U the K successive differences
    (a K x K system on U^T U, regularised for safety) and writes
    sum_k c_k hist[k + 1] to out.  Returns False if the system is singular.
    """
    cdef double G[ANDERSON_K][ANDERSON_K]
    cdef double z[ANDERSON_K]
    cdef double piv, f, tot, reg = 0.0
    cdef Py_ssize_t a, b, i, K = ANDERSON_K
    cdef floating da, db
    for a in range(K):
        for b in range(a, K):
            tot = 0.0
            for i in range(m):
                da = hist[(a + 1) * m + i] - hist[a * m + i]
                db = hist[(b + 1) * m + i] - hist[b * m + i]
                tot += da * db
            G[a][b] = tot
            G[b][a] = tot
        reg += G[a][a]
    reg = 1e-10 * reg + 1e-300
    for a in range(K):
        G[a][a] += reg
        z[a] = 1.0
    # Gaussian elimination (G is SPD: no pivoting needed)
    for a in range(K):
        piv = G[a][a]
        if piv <= 0.0:
            return False
        for b in range(a + 1, K):
            f = G[b][a] / piv
            for i in range(a, K):
                G[b][i] -= f * G[a][i]
            z[b] -= f * z[a]
    for a in range(K - 1, -1, -1):
        tot = z[a]
        for b in range(a + 1, K):
            tot -= G[a][b] * z[b]
        z[a] = tot / G[a][a]
    tot = 0.0
    for a in range(K):
        tot += z[a]
    if tot == 0.0 or tot != tot:
        return False
    for i in range(m):
        f = 0.0
        for a in range(K):
            f += z[a] / tot * hist[(a + 1) * m + i]
        out[i] = <floating> f
    return True



cdef void _col_stats(const Layout* L, const floating* xv, const floating* sw,
                     const floating* xm, Py_ssize_t j, floating* ones,
                     floating s_total, floating* xs_j, floating* norm2_j) noexcept nogil:
    """xs_j = sum_i s_i x_ij and norm2_j = sum_i s_i (x_ij - m_j)^2.

    Dense unweighted columns use BLAS (sum x, sum x^2) and the expansion
    sum (x - m)^2 = sum x^2 - 2 m sum x + n m^2, redone in two passes when it
    cancels badly (a large mean against a small spread).  ``ones`` holds
    n_samples ones.  A centred column whose spread is at rounding level
    (a constant column with an inexact mean) gets norm2 = 0 and is left out:
    its implicitly centred gradient carries an error far above that spread.
    """
    cdef Py_ssize_t i, n = L.n_samples
    cdef int32_t k
    cdef floating m = xm[j] if L.centered else 0.0
    cdef floating s, x, acc_x = 0.0, acc_sq = 0.0, acc_s = 0.0, sq = 0.0
    cdef double eps = 1.1920929e-07 if floating is float else 2.220446049250313e-16
    cdef const floating* col
    if L.sparse:
        for k in range(L.indptr[j], L.indptr[j + 1]):
            s = sw[L.indices[k]] if L.weighted else 1.0
            x = xv[k]
            acc_x += s * x
            acc_sq += s * (x - m) * (x - m)
            acc_s += s
            sq += s * x * x
        xs_j[0] = acc_x
        norm2_j[0] = acc_sq + (s_total - acc_s) * m * m
    else:
        col = xv + j * n
        if not L.weighted:
            acc_x = _dot(<int> n, col, ones)
            sq = _dot(<int> n, col, col)
            xs_j[0] = acc_x
            norm2_j[0] = sq - 2.0 * m * acc_x + n * m * m
            if norm2_j[0] <= 1e-4 * sq:
                for i in range(n):
                    acc_sq += (col[i] - m) * (col[i] - m)
                norm2_j[0] = acc_sq
        else:
            for i in range(n):
                acc_x += sw[i] * col[i]
                acc_sq += sw[i] * (col[i] - m) * (col[i] - m)
                sq += sw[i] * col[i] * col[i]
            xs_j[0] = acc_x
            norm2_j[0] = acc_sq
    if L.centered and norm2_j[0] <= 1e2 * eps * eps * sq:
        norm2_j[0] = 0.0


cpdef bint lasso_dual_extrapolated(Py_ssize_t n_samples, Py_ssize_t n_features):
    """Whether a Lasso fit of this shape uses (and hands on) dual extrapolation.

    It keeps K + 1 residuals: 6 n floats.  On tall problems (n > 20 p) that
    history outweighs the p-sized state many times, the rescaled residual is
    already a tight dual point (few features, well-posed), and fits end before
    the history fills; they go without.
    """
    return n_samples <= EXTRAPOLATE_N_PER_P * n_features


def _result(w, gap, tol_abs, epoch, converged):
    """The kernels' return value, warning as scikit-learn does if not converged."""
    if not converged:
        warnings.warn(
            "Objective did not converge. You might want to increase the number "
            "of iterations, check the scale of the features or consider "
            f"increasing regularisation. Duality gap: {gap:.3e}, "
            f"tolerance: {tol_abs:.3e}",
            ConvergenceWarning,
        )
    return np.asarray(w), float(gap), float(tol_abs), int(epoch)


# --- the solver -------------------------------------------------------------------------

cdef object _enet_cd(Layout* L, const floating* xv, const floating* sw,
                     const floating* xm, const floating* y, floating[::1] w,
                     floating alpha, floating beta, const floating* pf,
                     Py_ssize_t max_iter, floating tol, object rng, bint random,
                     bint positive, bint screening, bint working_set, bint anderson,
                     bint verbose, bint cycling, floating* stats, bint stats_known,
                     floating* dual_u, floating* dual_corr, bint dual_known,
                     const floating* w_pred):
    if floating is float:
        dtype = np.float32
    else:
        dtype = np.float64
    cdef Py_ssize_t n = L.n_samples, p = L.n_features
    cdef Py_ssize_t i, j, k, f_iter, epoch = 0, n_active, n_ws, nnz, ws_size = 0
    cdef Py_ssize_t inner_epoch, n_hist = 0, n_pf0 = 0
    cdef floating[::1] r = np.empty(n, dtype=dtype)
    cdef floating[::1] norm2 = np.zeros(p, dtype=dtype)
    cdef floating[::1] xs = np.zeros(p, dtype=dtype)
    cdef floating[::1] XtA = np.zeros(p, dtype=dtype)
    cdef floating[::1] score = np.empty(p, dtype=dtype)
    cdef floating[::1] scratch = np.empty(p if working_set else 0, dtype=dtype)
    cdef int32_t[::1] active = np.arange(p, dtype=np.int32)
    cdef int32_t[::1] cand = np.arange(p, dtype=np.int32)
    cdef Py_ssize_t n_cand = 0
    cdef GapParts gp
    cdef double gap_err
    cdef int32_t[::1] ws = np.arange(p, dtype=np.int32)
    cdef int32_t[::1] sub = np.empty(p, dtype=np.int32)
    cdef const int32_t* cur
    cdef Py_ssize_t n_cur, n_sub = 0, n_sub_sweeps, next_check, last_check, wait
    cdef bint full, was_full
    cdef floating[::1] hist = np.empty(0, dtype=dtype)
    cdef floating[::1] w_acc = np.empty(0, dtype=dtype)
    cdef floating[::1] w_ws_prev = np.empty(0, dtype=dtype)
    cdef Resid st
    cdef floating y_norm2, tol_abs, gap = INFINITY, gap_in, inner_tol, scale
    cdef floating g, w_j, w_new, d, d_w_max, w_max, radius, dist, xmj, v
    cdef floating p_old, p_new, primal, unpen, d_best = -INFINITY, d_cand, d_acc
    cdef floating scale_cand, gap_cand, d_in_best, gap_own
    cdef bint extrapolate = alpha > 0.0 and beta == 0.0 and lasso_dual_extrapolated(n, p)
    cdef Py_ssize_t n_rhist = 0
    cdef floating[::1] rhist = np.empty((ANDERSON_K + 1) * n if extrapolate else 0, dtype=dtype)
    cdef floating[::1] racc = np.empty(n if extrapolate else 0, dtype=dtype)
    cdef floating[::1] corr = np.empty(p if extrapolate else 0, dtype=dtype)
    cdef floating* prio = &XtA[0]  # correlations of the dual point used for priorities
    cdef uint32_t seed = <uint32_t> rng.randint(1, RAND_R_MAX)
    cdef bint converged = False, ws_is_all, predicted = False
    cdef floating screen_eps = 1e3 * (1.1920929e-07 if floating is float else 2.220446049250313e-16)
    cdef int32_t kk

    with nogil:
        # column statistics: xs_j = sum s x_j, norm2_j = sum s (x_j - m_j)^2
        st.s_total = 0.0
        for i in range(n):
            st.s_total += sw[i] if L.weighted else 1.0
            r[i] = 1.0
        for j in range(p):
            if stats_known:  # computed by an earlier call on the same X (a path)
                xs[j] = stats[j]
                norm2[j] = stats[p + j]
            else:
                _col_stats(L, xv, sw, xm, j, &r[0], <floating> st.s_total, &xs[j],
                           &norm2[j])
                if stats != NULL:
                    stats[j] = xs[j]
                    stats[p + j] = norm2[j]
            if pf[j] == 0.0:
                n_pf0 += 1
        # residual state for the initial w
        y_norm2 = 0.0
        st.rsum = 0.0
        st.c = 0.0
        for i in range(n):
            d = sw[i] if L.weighted else 1.0
            r[i] = d * y[i]
            y_norm2 += d * y[i] * y[i]
            st.rsum += r[i]
        for j in range(p):
            if w[j] != 0.0:
                if norm2[j] == 0.0 or not pf[j] < INFINITY:
                    w[j] = 0.0
                else:
                    _move(L, xv, sw, xm, &xs[0], j, w[j], &r[0], &st)
        if w_pred != NULL:
            # a path's predicted start (extrapolated along the path): taken
            # only if it beats the warm start w on this alpha's objective
            p_old = _primal(L, sw, &r[0], &st, &w[0], alpha, beta, pf, NULL, p)
            for j in range(p):
                score[j] = w[j]
                v = w_pred[j] if norm2[j] > 0.0 and pf[j] < INFINITY else 0.0
                if positive and v < 0.0:
                    v = 0.0
                if v != w[j]:
                    _move(L, xv, sw, xm, &xs[0], j, v - w[j], &r[0], &st)
                    w[j] = v
            p_new = _primal(L, sw, &r[0], &st, &w[0], alpha, beta, pf, NULL, p)
            predicted = p_new < p_old
            if not predicted:
                for j in range(p):
                    if score[j] != w[j]:
                        _move(L, xv, sw, xm, &xs[0], j, score[j] - w[j], &r[0], &st)
                        w[j] = score[j]
        tol_abs = tol * y_norm2
        if extrapolate and dual_known:
            # a path's previous best dual point, rescaled to this alpha: for a
            # converged previous alpha its gap here is second order in the step
            d_best = _dual_from_corr(L, sw, y, alpha, pf, &norm2[0], positive,
                                     dual_u, dual_corr, NULL, p, &scale_cand)
        if alpha == 0.0 or n_pf0 > 0:
            screening = False  # the gap is only a safe bound with every feature penalised
        if alpha == 0.0:
            working_set = False
        for j in range(p):
            if norm2[j] > 0.0 and pf[j] < INFINITY:  # pf = inf: excluded
                cand[n_cand] = <int32_t> j
                n_cand += 1
        n_active = n_cand
        active[:n_cand] = cand[:n_cand]

    while True:
        with nogil:
            gap = _gap(L, xv, sw, xm, y, &w[0], alpha, beta, pf, &norm2[0], positive,
                       &r[0], &st, &XtA[0], NULL, p, &scale, &primal, &unpen, &gp)
            gap_cand = gap
            gap_own = gap
            if extrapolate:
                # the stopping gap uses the best dual value seen so far; screening
                # and priorities use this iteration's best point and its own gap
                d_cand = primal - gap + 0.5 * unpen
                if _push_extrapolate(&rhist[0], &n_rhist, n, &r[0], &racc[0]):
                    d_acc = _dual_value(L, xv, sw, xm, y, alpha, pf, &norm2[0], positive,
                                        &racc[0], NULL, p, &corr[0], &scale_cand)
                    if d_acc > d_cand:
                        d_cand = d_acc
                        prio = &corr[0]
                        scale = scale_cand
                        gap_cand = primal - d_acc + 0.5 * unpen
                    else:
                        prio = &XtA[0]
                else:
                    prio = &XtA[0]
                if d_cand > d_best:
                    d_best = d_cand
                    if dual_u != NULL:  # hand the best dual point on (a path)
                        for i in range(n):
                            dual_u[i] = racc[i] if prio == &corr[0] else r[i]
                        for j in range(p):
                            dual_corr[j] = prio[j]
                gap = primal - d_best + 0.5 * unpen
            if epoch > 0 and gap <= tol_abs or (
                    epoch == 0 and not predicted and gap_own <= tol_abs):
                # a caller's start is accepted as scikit-learn accepts it, on its
                # own residual's gap; a path's prediction, or a dual point
                # inherited from the previous alpha, counts only once the iterate
                # has been worked on (accepted at once, they stop paths on
                # points scikit-learn would still improve)
                converged = True
            elif epoch < max_iter:
                # Gap Safe screening, then the priorities for the working set.
                # The radius comes from a certified bound: the computed gap,
                # clipped at 0, plus what rounding can hide (a predicted start's
                # gap can come out negative).  Screening is re-decided at every
                # outer iteration over all candidates, so that a feature removed
                # on a bound that rounding made wrong comes back once the gap
                # says so, instead of stalling the solver for good.
                if screening and alpha > 0.0:
                    gap_err = _gap_rounding(L, &w[0], xm, &norm2[0], pf, st.s_total,
                                            y_norm2, &gp, alpha, beta)
                    radius = sqrt(2.0 * (max(gap_cand, <floating> 0.0) + gap_err))
                else:
                    radius = INFINITY
                k = 0
                nnz = 0
                for i in range(n_cand):
                    j = cand[i]
                    if alpha > 0.0:
                        v = prio[j] if positive else fabs(prio[j])
                        dist = (alpha * pf[j] - scale * v) / sqrt(norm2[j] + beta * pf[j])
                    else:
                        dist = 0.0
                    # screened only beyond rounding: at a gap near zero (tol=0, or
                    # a path's prediction) a feature of the support has dist at
                    # rounding level, and removing it would stall the solver
                    if screening and dist > radius + screen_eps * alpha * pf[j] / sqrt(
                            norm2[j] + beta * pf[j]):
                        if w[j] != 0.0:
                            _move(L, xv, sw, xm, &xs[0], j, -w[j], &r[0], &st)
                            w[j] = 0.0
                        continue
                    active[k] = <int32_t> j
                    k += 1
                    if w[j] != 0.0 or pf[j] == 0.0:
                        score[j] = -INFINITY
                        nnz += 1
                    else:
                        score[j] = dist
                n_active = k
                ws_size = max(2 * nnz, WS_START)
                ws_is_all = not working_set or ws_size >= n_active
        if verbose:
            print(f"[cd] epoch {epoch}: gap {gap:.3e} (tol {tol_abs:.3e}), "
                  f"active {n_active}, next working set "
                  f"{n_active if ws_is_all else ws_size}")
        if converged or epoch >= max_iter:
            break
        if ws_is_all:
            n_ws = n_active
            ws[:n_active] = active[:n_active]
            inner_tol = tol_abs
        else:
            n_ws = ws_size
            with nogil:
                _select_smallest(&active[0], n_active, &score[0], n_ws, &scratch[0],
                                 &ws[0])
            inner_tol = max(0.3 * gap, tol_abs)
        if anderson and hist.shape[0] < (ANDERSON_K + 1) * n_ws:
            hist = np.empty((ANDERSON_K + 1) * n_ws, dtype=dtype)
            w_acc = np.empty(n_ws, dtype=dtype)
            w_ws_prev = np.empty(n_ws, dtype=dtype)

        with nogil:
            n_hist = 0
            inner_epoch = 0
            full = True
            n_sub_sweeps = 0
            next_check = GAP_EVERY
            last_check = 0
            wait = 1
            d_in_best = d_best
            while epoch < max_iter:
                # glmnet's active-set cycling: after a sweep over the working set,
                # sweep only its non-zeros until they settle, then sweep it all again
                cur = &ws[0] if full else &sub[0]
                n_cur = n_ws if full else n_sub
                w_max = 0.0
                d_w_max = 0.0
                for f_iter in range(n_cur):
                    if random:
                        j = cur[_rand_int(<uint32_t> n_cur, &seed)]
                    else:
                        j = cur[f_iter]
                    w_j = w[j]
                    g = _grad(L, xv, xm, &xs[0], j, &r[0], &st) + w_j * norm2[j]
                    if positive and g < 0.0:
                        w_new = 0.0
                    else:
                        w_new = _soft(g, alpha * pf[j]) / (norm2[j] + beta * pf[j])
                    if positive and w_new < 0.0:
                        w_new = 0.0
                    if w_new != w_j:
                        _move(L, xv, sw, xm, &xs[0], j, w_new - w_j, &r[0], &st)
                        w[j] = w_new
                        d_w_max = max(d_w_max, fabs(w_new - w_j))
                    w_max = max(w_max, fabs(w_new))
                epoch += 1
                inner_epoch += 1
                was_full = full
                if full:
                    n_sub = 0
                    for k in range(n_ws):
                        if w[ws[k]] != 0.0:
                            sub[n_sub] = ws[k]
                            n_sub += 1
                    full = n_sub == 0 or n_sub == n_ws or not cycling
                    n_sub_sweeps = 0
                else:
                    n_sub_sweeps += 1
                    full = (n_sub_sweeps >= SUB_SWEEPS or w_max == 0.0
                            or d_w_max <= tol * w_max)

                if anderson and not random:
                    for k in range(n_ws):
                        hist[n_hist * n_ws + k] = w[ws[k]]
                    n_hist += 1
                    if n_hist == ANDERSON_K + 1:
                        n_hist = 0
                        if _anderson(&hist[0], n_ws, &w_acc[0]):
                            p_old = _primal(L, sw, &r[0], &st, &w[0], alpha, beta, pf, &ws[0], n_ws)
                            for k in range(n_ws):
                                j = ws[k]
                                w_ws_prev[k] = w[j]
                                if positive and w_acc[k] < 0.0:
                                    w_acc[k] = 0.0
                                if w_acc[k] != w[j]:
                                    _move(L, xv, sw, xm, &xs[0], j, w_acc[k] - w[j],
                                          &r[0], &st)
                                    w[j] = w_acc[k]
                            p_new = _primal(L, sw, &r[0], &st, &w[0], alpha, beta, pf, &ws[0], n_ws)
                            if not (p_new < p_old):
                                for k in range(n_ws):
                                    j = ws[k]
                                    if w_ws_prev[k] != w[j]:
                                        _move(L, xv, sw, xm, &xs[0], j,
                                              w_ws_prev[k] - w[j], &r[0], &st)
                                        w[j] = w_ws_prev[k]

                if not was_full and epoch < max_iter:
                    continue
                # the gap is checked every GAP_EVERY epochs, and earlier when the
                # updates become small; those early checks back off (1, 2, 4...
                # epochs apart) while they fail: on a flat problem the updates
                # stay small long before the gap is reached, and a check costs
                # about two epochs
                if (inner_epoch >= next_check or epoch >= max_iter
                        or ((w_max == 0.0 or d_w_max <= tol * w_max)
                            and inner_epoch - last_check >= wait)):
                    next_check = inner_epoch + GAP_EVERY
                    if inner_epoch - last_check >= wait:
                        wait = min(2 * wait, GAP_EVERY)
                    last_check = inner_epoch
                    if ws_is_all:
                        break  # the outer loop computes the full gap
                    gap_in = _gap(L, xv, sw, xm, y, &w[0], alpha, beta, pf, &norm2[0],
                                  positive, &r[0], &st, &XtA[0], &ws[0], n_ws, &scale,
                                  &primal, &unpen, &gp)
                    if extrapolate:
                        # any dual point feasible for the whole problem is feasible
                        # for the working set's: the best one seen (often the warm
                        # start's) competes with the residual and its extrapolation
                        d_in_best = max(d_in_best, primal - gap_in + 0.5 * unpen)
                        if _push_extrapolate(&rhist[0], &n_rhist, n, &r[0], &racc[0]):
                            d_in_best = max(d_in_best, _dual_value(
                                L, xv, sw, xm, y, alpha, pf, &norm2[0], positive, &racc[0],
                                &ws[0], n_ws, &corr[0], &scale_cand))
                        gap_in = primal - d_in_best + 0.5 * unpen
                    if gap_in <= inner_tol:
                        break

    return _result(w, gap, tol_abs, epoch, converged)


cdef floating* _stats_ptr(floating[::1] col_stats, Py_ssize_t p):
    """Where the column statistics (sum s x_j, then the centred norms) live."""
    if col_stats is None:
        return NULL
    if col_stats.shape[0] != 2 * p:
        raise ValueError(f"col_stats must have length 2 * n_features = {2 * p}")
    return &col_stats[0]


cdef floating* _buf_ptr(floating[::1] buf, Py_ssize_t size, str name):
    """A caller's state buffer of the given length, or NULL for None."""
    if buf is None:
        return NULL
    if buf.shape[0] != size:
        raise ValueError(f"{name} must have length {size}")
    return &buf[0]


cdef inline const floating* _ptr_or_null(const floating[::1] a) noexcept nogil:
    return &a[0] if a.shape[0] > 0 else NULL


def enet_cd_dense(floating[::1] w, floating alpha, floating beta,
                  const floating[::1, :] X, const floating[::1] y,
                  const floating[::1] sample_weight, const floating[::1] X_mean,
                  const floating[::1] penalty_factor, Py_ssize_t max_iter,
                  floating tol, object rng, bint random=False, bint positive=False,
                  bint screening=True, bint working_set=True, bint anderson=True,
                  bint verbose=False, bint cycling=True, floating[::1] col_stats=None,
                  bint col_stats_known=False, floating[::1] dual_u=None,
                  floating[::1] dual_corr=None, bint dual_known=False,
                  floating[::1] w_pred=None):
    """Coordinate descent on a dense Fortran-ordered X (see the module docstring).

    ``sample_weight`` and ``X_mean`` may be empty (no weights, no centering);
    ``penalty_factor`` has one entry per feature.  ``w`` is updated in place.
    ``col_stats`` (length 2 p) receives the column statistics, or provides
    them when ``col_stats_known`` (successive calls on one X, as on a path).
    ``dual_u`` (length n) and ``dual_corr`` (length p) likewise carry the best
    Lasso dual point and its correlations X~^T u from one call to the next:
    read when ``dual_known``, written by every Lasso call (alpha > 0, no L2).
    ``w_pred`` is an alternative start, used instead of ``w`` if its
    objective is lower (a path's extrapolated prediction).

    Returns
    -------
    w, gap, tol_abs, n_iter : the solution, the final duality gap, the
        absolute tolerance tol * y^T S y and the number of epochs.
    """
    cdef Layout L
    L.n_samples = X.shape[0]
    L.n_features = X.shape[1]
    L.sparse = False
    L.indices = NULL
    L.indptr = NULL
    L.weighted = sample_weight.shape[0] > 0
    L.centered = X_mean.shape[0] > 0
    if L.n_samples == 0 or L.n_features == 0:
        return np.asarray(w), 0.0, 0.0, 0
    return _enet_cd(&L, &X[0, 0], _ptr_or_null(sample_weight), _ptr_or_null(X_mean),
                    &y[0], w, alpha, beta, &penalty_factor[0], max_iter, tol, rng,
                    random, positive, screening, working_set, anderson, verbose,
                    cycling, _stats_ptr(col_stats, L.n_features),
                    col_stats_known and col_stats is not None,
                    _buf_ptr(dual_u, L.n_samples, "dual_u"),
                    _buf_ptr(dual_corr, L.n_features, "dual_corr"),
                    dual_known and dual_u is not None,
                    _buf_ptr(w_pred, L.n_features, "w_pred"))


def enet_cd_sparse(floating[::1] w, floating alpha, floating beta,
                   const floating[::1] X_data, const int32_t[::1] X_indices,
                   const int32_t[::1] X_indptr, const floating[::1] y,
                   const floating[::1] sample_weight, const floating[::1] X_mean,
                   const floating[::1] penalty_factor, Py_ssize_t max_iter,
                   floating tol, object rng, bint random=False, bint positive=False,
                   bint screening=True, bint working_set=True, bint anderson=True,
                   bint verbose=False, bint cycling=True, floating[::1] col_stats=None,
                   bint col_stats_known=False, floating[::1] dual_u=None,
                   floating[::1] dual_corr=None, bint dual_known=False,
                   floating[::1] w_pred=None):
    """Coordinate descent on a CSC X given by (data, indices, indptr).

    The centred design X - 1 X_mean^T is never formed.  Same arguments and
    returns as :func:`enet_cd_dense`.
    """
    cdef Layout L
    L.n_samples = y.shape[0]
    L.n_features = X_indptr.shape[0] - 1
    L.sparse = True
    L.indices = &X_indices[0] if X_indices.shape[0] > 0 else NULL
    L.indptr = &X_indptr[0]
    L.weighted = sample_weight.shape[0] > 0
    L.centered = X_mean.shape[0] > 0
    if L.n_samples == 0 or L.n_features == 0:
        return np.asarray(w), 0.0, 0.0, 0
    return _enet_cd(&L, _ptr_or_null(X_data), _ptr_or_null(sample_weight),
                    _ptr_or_null(X_mean), &y[0], w, alpha, beta, &penalty_factor[0],
                    max_iter, tol, rng, random, positive, screening, working_set,
                    anderson, verbose, cycling, _stats_ptr(col_stats, L.n_features),
                    col_stats_known and col_stats is not None,
                    _buf_ptr(dual_u, L.n_samples, "dual_u"),
                    _buf_ptr(dual_corr, L.n_features, "dual_corr"),
                    dual_known and dual_u is not None,
                    _buf_ptr(w_pred, L.n_features, "w_pred"))


def enet_cd_gram(floating[::1] w, floating alpha, floating beta,
                 const floating[:, ::1] Q, const floating[::1] q, floating y_norm2,
                 const floating[::1] penalty_factor, Py_ssize_t max_iter,
                 floating tol, object rng, bint random=False, bint positive=False):
    """Coordinate descent on the Gram matrix (``precompute``).

    Minimises 1/2 w^T Q w - q^T w + 1/2 y_norm2 + alpha sum pf|w|
    + beta/2 sum pf w^2, which is the problem above for Q = X~^T S X~,
    q = X~^T S y and y_norm2 = y^T S y.  Each update costs O(p); the gap
    (:func:`_enet_gap`, as on X) is computed from Q w.
    """
    if floating is float:
        dtype = np.float32
    else:
        dtype = np.float64
    cdef Py_ssize_t p = Q.shape[0], j, f_iter, epoch = 0
    cdef floating[::1] H = np.zeros(p, dtype=dtype)  # Q @ w
    cdef floating[::1] XtA = np.zeros(p, dtype=dtype)
    cdef floating[::1] diag = np.zeros(p, dtype=dtype)
    cdef const floating* pf = &penalty_factor[0] if p > 0 else NULL
    cdef floating tol_abs = tol * y_norm2, gap = INFINITY, g, w_j, w_new, d
    cdef floating d_w_max, w_max, wq, wH, R_norm2, Ry, scale, primal, unpen
    cdef GapParts gp
    cdef uint32_t seed = <uint32_t> rng.randint(1, RAND_R_MAX)
    cdef bint converged = False
    if p == 0:
        return np.asarray(w), 0.0, 0.0, 0
    with nogil:
        for j in range(p):
            diag[j] = Q[j, j] if pf[j] < INFINITY else 0.0  # pf = inf: excluded
            if diag[j] <= 0.0:
                w[j] = 0.0
            if w[j] != 0.0:
                _axpy(<int> p, w[j], &Q[j, 0], &H[0])
        while True:
            # duality gap from Q w (R^T S R = y^T S y - 2 w^T q + w^T Q w)
            wq = _dot(<int> p, &w[0], &q[0])
            wH = _dot(<int> p, &w[0], &H[0])
            R_norm2 = max(y_norm2 - 2 * wq + wH, <floating> 0.0)
            Ry = y_norm2 - wq
            for j in range(p):
                XtA[j] = q[j] - H[j]
            gap = _enet_gap(p, NULL, p, &w[0], alpha, beta, pf, &diag[0], positive,
                            R_norm2, Ry, &XtA[0], &scale, &primal, &unpen, &gp)
            if gap <= tol_abs:
                converged = True
                break
            if epoch >= max_iter:
                break
            while epoch < max_iter:
                w_max = 0.0
                d_w_max = 0.0
                for f_iter in range(p):
                    j = _rand_int(<uint32_t> p, &seed) if random else f_iter
                    if diag[j] == 0.0:
                        continue
                    w_j = w[j]
                    g = q[j] - H[j] + w_j * diag[j]
                    if positive and g < 0.0:
                        w_new = 0.0
                    else:
                        w_new = _soft(g, alpha * pf[j]) / (diag[j] + beta * pf[j])
                    if w_new != w_j:
                        d = w_new - w_j
                        _axpy(<int> p, d, &Q[j, 0], &H[0])
                        w[j] = w_new
                        d_w_max = max(d_w_max, fabs(d))
                    w_max = max(w_max, fabs(w_new))
                epoch += 1
                if w_max == 0.0 or d_w_max <= tol * w_max or epoch % GAP_EVERY == 0:
                    break
    return _result(w, gap, tol_abs, epoch, converged)


def _select_smallest_py(const int32_t[::1] active, const double[::1] score, Py_ssize_t k):
    """Test hook for the working-set selection (see :func:`_select_smallest`)."""
    cdef Py_ssize_t n = active.shape[0]
    if not 0 < k <= n:
        raise ValueError(f"k must be in [1, {n}], got {k}")
    cdef double[::1] scratch = np.empty(n)
    cdef int32_t[::1] out = np.empty(k, dtype=np.int32)
    _select_smallest(&active[0], n, &score[0], k, &scratch[0], &out[0])
    return np.asarray(out)
