# The start of the loop on X (_cd_fast.pyx): the column statistics, the
# residual state of the initial w, and a path's predicted start taken when it
# is better.  Header-only, generic over the penalty (fused penalty_t).
from cython cimport floating
from libc.stdint cimport int32_t

from skreg._solvers._blas cimport _dot
from skreg._solvers._coordinate cimport blk_move, blk_nonzero, blk_set
from skreg._solvers._datafit_quadratic cimport Layout, Resid, _col_stats
from skreg._solvers._gap cimport _primal, _primal_lower
from skreg._solvers._penalties cimport pen_block, pen_excluded, pen_free, penalty_t


cdef inline double _start_state(
        const Layout* L, const floating* xv, const floating* sw, const floating* xm,
        const floating* y, floating* w, const penalty_t* P, floating* stats,
        bint stats_known, floating* r, floating* xs, floating* norm2, Resid* st,
        Py_ssize_t* n_free, floating* XtA, bint* xta_filled,
        const floating* xty) noexcept nogil:
    """Column statistics and the residual state for the initial w; returns y^T S y.

    xs_j = sum s x_j and norm2_j = sum s (x_j - m_j)^2, read from a path's
    ``stats`` (2 p) when ``stats_known``, else computed (and stored there if
    given).  The residual r (T x n) becomes S y and then follows w, whose
    coordinates on a constant column or an excluded feature are zeroed.
    ``n_free`` receives the number of unpenalised features.

    A cold start (w = 0) on dense unweighted X of one task also gets the first
    gap's correlations XtA_j = x~_j^T y from the statistics' pass, while the
    column is in cache (``xta_filled``): a pass over X less.  ``xty`` (p, or
    NULL) holds those products x_j^T y already, from :func:`_dense_stats` or
    :func:`_sparse_stats` with the statistics (then given as known).
    """
    cdef Py_ssize_t n = L.n_samples, p = L.n_features, T = pen_block(P)
    cdef Py_ssize_t i, j, t
    cdef floating v
    cdef double y_norm2 = 0.0, ysum = 0.0
    cdef bint fill = ((not stats_known or xty != NULL) and (not L.sparse or xty != NULL)
                      and not L.weighted and T == 1)
    if fill:
        for j in range(p * T):
            if w[j] != 0.0:
                fill = False
                break
    xta_filled[0] = False
    st.s_total = 0.0
    for i in range(n):
        st.s_total += sw[i] if L.weighted else 1.0
        r[i] = 1.0
    for t in range(1, T):
        st[t].s_total = st.s_total
    n_free[0] = 0
    for j in range(p):
        if stats_known:  # computed by an earlier call on the same X (a path)
            xs[j] = stats[j]
            norm2[j] = stats[p + j]
        else:
            _col_stats(L, xv, sw, xm, j, r, <floating> st.s_total, &xs[j], &norm2[j])
            if fill and xty == NULL:
                XtA[j] = _dot(<int> n, xv + j * n, y)  # centred below
            if stats != NULL:
                stats[j] = xs[j]
                stats[p + j] = norm2[j]
        if fill and xty != NULL:
            XtA[j] = xty[j]
        if pen_free(P, j):
            n_free[0] += 1
    for t in range(T):
        st[t].rsum = 0.0
        st[t].c = 0.0
        for i in range(n):
            v = sw[i] if L.weighted else 1.0
            r[t * n + i] = v * y[t * n + i]
            y_norm2 += v * y[t * n + i] * y[t * n + i]
            st[t].rsum += r[t * n + i]
    if fill:
        if L.centered:
            ysum = st.rsum
            for j in range(p):
                XtA[j] -= xm[j] * ysum
        xta_filled[0] = True
    for j in range(p):
        if blk_nonzero(P, w, j):
            if norm2[j] == 0.0 or pen_excluded(P, j):
                for t in range(T):
                    w[j * T + t] = 0.0
            else:
                blk_move(L, xv, sw, xm, xs, P, j, &w[j * T], r, st)
    return y_norm2


cdef inline bint _take_prediction(
        const Layout* L, const floating* xv, const floating* sw, const floating* xm,
        const floating* xs, const penalty_t* P, floating* w, const floating* w_pred,
        floating* w_keep, const floating* norm2, floating* r, Resid* st,
        floating* buf) noexcept nogil:
    """A path's predicted start: taken (True) only if it beats w on the objective.

    Otherwise w (kept in ``w_keep``, p x T) and its residual are restored.
    """
    cdef Py_ssize_t p = L.n_features, T = pen_block(P), j, t
    cdef double p_old = _primal(L, sw, r, st, w, P, NULL, p), p_new
    for j in range(p):
        for t in range(T):
            w_keep[j * T + t] = w[j * T + t]
        blk_set(L, xv, sw, xm, xs, P, w, j, &w_pred[j * T] if norm2[j] > 0.0 else NULL,
                True, r, st, buf)
    p_new = _primal(L, sw, r, st, w, P, NULL, p)
    if _primal_lower(L, P, w, p_new, p_old):
        return True
    for j in range(p):
        blk_set(L, xv, sw, xm, xs, P, w, j, &w_keep[j * T], False, r, st, buf)
    return False


cdef inline floating _pairwise_sum(const floating* x, Py_ssize_t n) noexcept nogil:
    """sum(x) by numpy's pairwise summation (blocks of 128, eight partial sums):
    the same value as ``x.sum()`` for a contiguous vector, error O(log n eps)."""
    cdef Py_ssize_t i, h
    cdef floating s, a0, a1, a2, a3, a4, a5, a6, a7
    if n < 8:
        s = -0.0
        for i in range(n):
            s += x[i]
        return s
    if n <= 128:
        a0 = x[0]; a1 = x[1]; a2 = x[2]; a3 = x[3]
        a4 = x[4]; a5 = x[5]; a6 = x[6]; a7 = x[7]
        i = 8
        while i < n - (n % 8):
            a0 += x[i]; a1 += x[i + 1]; a2 += x[i + 2]; a3 += x[i + 3]
            a4 += x[i + 4]; a5 += x[i + 5]; a6 += x[i + 6]; a7 += x[i + 7]
            i += 8
        s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
        while i < n:
            s += x[i]
            i += 1
        return s
    h = n // 2
    h -= h % 8
    return _pairwise_sum(x, h) + _pairwise_sum(x + h, n - h)


cdef inline void _dense_stats(const Layout* L, const floating* xv, const floating* y,
                              floating* xm, floating* stats, floating* xty,
                              floating* ones) noexcept nogil:
    """A cold start's column pass on dense unweighted X, means included.

    Per column, while it is in cache: its mean xm_j (numpy's pairwise sum, so
    the same value as ``X.mean(axis=0)``), the statistics of
    :func:`_start_state` (xs_j in ``stats[j]``, norm2_j in ``stats[p + j]``)
    and xty_j = x_j^T y.  One read of X from memory instead of two (the
    means, then the statistics).  ``ones`` holds n ones.
    """
    cdef Py_ssize_t n = L.n_samples, p = L.n_features, j
    cdef const floating* col
    for j in range(p):
        col = xv + j * n
        xm[j] = _pairwise_sum(col, n) / <floating> n
        _col_stats(L, xv, NULL, xm, j, ones, <floating> n, &stats[j], &stats[p + j])
        xty[j] = _dot(<int> n, col, y)


cdef inline void _sparse_stats(const Layout* L, const floating* xv, const floating* y,
                               floating* xm, floating* stats, floating* xty) noexcept nogil:
    """:func:`_dense_stats` for unweighted CSC X: one loop over each column's values.

    The column sum s, sum of squares q and x_j^T y together; m = s / n and
    norm2 = q - s m (over the implicit zeros too), redone exactly from the
    column's values, still in cache, when that cancels (a large mean against
    a small spread), as :func:`_col_stats` does for dense columns.
    """
    cdef Py_ssize_t n = L.n_samples, p = L.n_features, j
    cdef int32_t k, start, end
    cdef floating x, m, acc_s, acc_q, acc_t, acc_c
    for j in range(p):
        start = L.indptr[j]
        end = L.indptr[j + 1]
        acc_s = 0.0
        acc_q = 0.0
        acc_t = 0.0
        for k in range(start, end):
            x = xv[k]
            acc_s += x
            acc_q += x * x
            acc_t += x * y[L.indices[k]]
        m = acc_s / <floating> n
        xm[j] = m
        stats[j] = acc_s
        stats[p + j] = acc_q - acc_s * m
        if stats[p + j] <= 1e-4 * acc_q:
            acc_c = 0.0
            for k in range(start, end):
                acc_c += (xv[k] - m) * (xv[k] - m)
            stats[p + j] = acc_c + (n - (end - start)) * m * m
        xty[j] = acc_t
