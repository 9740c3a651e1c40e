# The weighted least-squares datafit with implicit centering,
#
#     F(w) = 1/2 sum_i s_i (y_i - (x_i - m) @ w)^2,
#
# on a dense (Fortran) or sparse (CSC) X: column products, the residual state
# and its coordinate moves, the column statistics and the correlations
# X~^T v of the dual.  Header-only (``cdef inline``), cimported by the kernels.
# A prox-Newton datafit (logistic) re-weights this one: s = p (1 - p), y the
# working response.
from cython cimport floating
from libc.stdint cimport int32_t

from skreg._solvers._blas cimport _axpy, _dot, _gemv2_t_1t, _gemv_t_1t


ctypedef struct Layout:
    # Everything about X that is not of the floating type.
    Py_ssize_t n_samples
    Py_ssize_t n_features
    bint sparse
    const int32_t* indices
    const int32_t* indptr
    bint weighted
    bint centered


cdef inline Layout _layout(Py_ssize_t n, Py_ssize_t p, const int32_t* indices,
                           const int32_t* indptr, bint weighted, bint centered) noexcept:
    """The design's description; indptr NULL for dense (column-major) X."""
    cdef Layout L
    L.n_samples = n
    L.n_features = p
    L.sparse = indptr != NULL
    L.indices = indices
    L.indptr = indptr
    L.weighted = weighted
    L.centered = centered
    return L


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


cdef inline floating _resid_norm2(const Layout* L, const floating* sw,
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


cdef inline void _col_stats(const Layout* L, const floating* xv, const floating* sw,
                     const floating* xm, Py_ssize_t j, floating* ones,
                     floating s_total, floating* xs_j, floating* norm2_j) noexcept nogil:
    """xs_j = sum_i s_i x_ij and norm2_j = sum_i s_i (x_ij - m_j)^2.

    Dense unweighted columns use BLAS (sum x, sum x^2) and the expansion
    sum (x - m)^2 = sum x^2 - 2 m sum x + n m^2, redone in two passes when it
    cancels badly (a large mean against a small spread).  ``ones`` holds
    n_samples ones.  A centered column whose spread is at rounding level
    (a constant column with an inexact mean) gets norm2 = 0 and is left out:
    its implicitly centered gradient carries an error far above that spread.
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


cdef inline void _correlations(const Layout* L, const floating* xv, const floating* xm,
                               const floating* v, floating vsum, const int32_t* feats,
                               Py_ssize_t n_feats, floating* out) noexcept nogil:
    """out[j] = x~_j^T v = x_j^T v - m_j sum(v) for j in feats (NULL: all, gemv)."""
    cdef Py_ssize_t k, j, p = L.n_features
    if feats == NULL and not L.sparse:
        _gemv_t_1t(<int> L.n_samples, <int> p, xv, <int> L.n_samples, v, out)
        if L.centered:
            for j in range(p):
                out[j] -= xm[j] * vsum
        return
    for k in range(n_feats if feats != NULL else p):
        j = feats[k] if feats != NULL else k
        out[j] = _col_dot(L, xv, j, v)
        if L.centered:
            out[j] -= xm[j] * vsum


cdef inline void _correlations2(const Layout* L, const floating* xv, const floating* xm,
                                const floating* v, floating vsum, const floating* u,
                                floating usum, floating* out_v,
                                floating* out_u) noexcept nogil:
    """:func:`_correlations` of v and of u over every feature, X read once."""
    cdef Py_ssize_t j, p = L.n_features
    if not L.sparse:
        _gemv2_t_1t(<int> L.n_samples, <int> p, xv, <int> L.n_samples, v, out_v, u,
                    out_u)
    else:
        for j in range(p):
            out_v[j] = _col_dot(L, xv, j, v)
            out_u[j] = _col_dot(L, xv, j, u)
    if L.centered:
        for j in range(p):
            out_v[j] -= xm[j] * vsum
            out_u[j] -= xm[j] * usum


cdef inline void _set_coef(const Layout* L, const floating* xv, const floating* sw,
                    const floating* xm, const floating* xs, floating* w, Py_ssize_t j,
                    floating v, floating* r, Resid* st) noexcept nogil:
    """w_j = v, the residual state following."""
    if v != w[j]:
        _move(L, xv, sw, xm, xs, j, v - w[j], r, st)
        w[j] = v
