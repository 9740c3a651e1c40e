# The multi-task quadratic datafit: T targets sharing one design,
#
#     F(W) = 1/2 sum_t sum_i s_i (Y_it - (x_i - m) @ W_t)^2,
#
# the block generalisation of _datafit_quadratic.pxd: task t's residual state
# is the quadratic datafit's (r + t n, st[t]), so centering, weights and the
# sparse layout are those of the single-task datafit, reused, not copied.
# Layout: the residuals r are T x n (task-major), W and the correlations
# X~^T S R are p x T (row j, feature j's block, at j T).  Dense X gets BLAS-2
# and BLAS-3 calls over the T tasks at once.  Header-only.
from cython cimport floating
from libc.stdint cimport int32_t
from scipy.linalg.cython_blas cimport dgemm, sgemm

from skreg._solvers._blas cimport _gemv_t_1t
from skreg._solvers._datafit_quadratic cimport (
    Layout, Resid, _col_dot, _fold, _grad, _move, _resid_norm2,
)


cdef inline void _grad_blk(const Layout* L, const floating* xv, const floating* xm,
                           const floating* xs, Py_ssize_t j, const floating* r,
                           const Resid* st, Py_ssize_t T, floating* out) noexcept nogil:
    """out[t] = x~_j^T S R_t for the T tasks (dense: one gemv)."""
    cdef Py_ssize_t t, n = L.n_samples
    if L.sparse:
        for t in range(T):
            out[t] = _grad(L, xv, xm, xs, j, r + t * n, &st[t])
        return
    _gemv_t_1t(<int> n, <int> T, r, <int> n, xv + j * n, out)  # never threaded
    if L.centered:
        for t in range(T):
            out[t] += <floating> (st[t].c * xs[j] - xm[j] * st[t].rsum)


cdef inline void _move_blk(const Layout* L, const floating* xv, const floating* sw,
                           const floating* xm, const floating* xs, Py_ssize_t j,
                           const floating* d, floating* r, Resid* st,
                           Py_ssize_t T) noexcept nogil:
    """The residual states for W_j += d (T values)."""
    cdef Py_ssize_t t
    for t in range(T):
        if d[t] != 0.0:
            _move(L, xv, sw, xm, xs, j, d[t], r + t * L.n_samples, &st[t])


cdef inline double _resid_norm2_blk(const Layout* L, const floating* sw, floating* r,
                                    Resid* st, Py_ssize_t T) noexcept nogil:
    """||R||_F^2 weighted (sum_t R_t^T S R_t), the offsets folded in first."""
    cdef Py_ssize_t t
    cdef double acc = 0.0
    for t in range(T):
        _fold(L, sw, r + t * L.n_samples, &st[t])
        acc += _resid_norm2(L, sw, r + t * L.n_samples)
    return acc


cdef inline void _correlations_blk(const Layout* L, const floating* xv,
                                   const floating* xm, const floating* v,
                                   const Resid* st, Py_ssize_t T,
                                   const int32_t* feats, Py_ssize_t n_feats,
                                   floating* out) noexcept nogil:
    """out[j T + t] = x~_j^T v_t for j in feats (NULL: all; dense: one gemm).

    v is T x n (task-major); the column sums of the v_t come from the residual
    states st (tracked exactly), or are summed here when st is NULL.
    """
    cdef Py_ssize_t k, j, t, i, n = L.n_samples, p = L.n_features
    cdef int m_ = <int> T, n_ = <int> p, k_ = <int> n
    cdef floating one = 1.0, zero = 0.0
    cdef char ta = b"T", tb = b"N"
    cdef double vsum
    if feats == NULL and not L.sparse:
        # out (T x p column-major, i.e. p x T row-major) = V^T X
        if floating is float:
            sgemm(&ta, &tb, &m_, &n_, &k_, &one, <float*> v, &k_, <float*> xv, &k_,
                  &zero, out, &m_)
        else:
            dgemm(&ta, &tb, &m_, &n_, &k_, &one, <double*> v, &k_, <double*> xv, &k_,
                  &zero, out, &m_)
    else:
        for k in range(n_feats if feats != NULL else p):
            j = feats[k] if feats != NULL else k
            for t in range(T):
                out[j * T + t] = _col_dot(L, xv, j, v + t * n)
    if not L.centered:
        return
    for t in range(T):
        if st != NULL:
            vsum = st[t].rsum
        else:
            vsum = 0.0
            for i in range(n):
                vsum += v[t * n + i]
        for k in range(n_feats if feats != NULL else p):
            j = feats[k] if feats != NULL else k
            out[j * T + t] -= <floating> (xm[j] * vsum)
