"""Coordinate-descent kernels for the Lasso / ElasticNet, dense, sparse and Gram.

All kernels minimise, for a design X (n x p), a 1-D target y, optional
non-negative sample weights s and an optional column offset m (implicit
centering: the design is X - 1 m^T, never formed),

    P(w) = 1/2 sum_i s_i (y_i - (x_i - m) @ w)^2
           + alpha * sum_j pf_j |w_j| + beta / 2 * ||w||_2^2

i.e. n times scikit-learn's objective (the caller converts the scale once).
pf are per-feature penalty factors (glmnet's ``penalty.factor``).

Duality gap ("formulation A" of scikit-learn, with the L2 part folded into
an augmented design [X; sqrt(beta) I]; Fercoq, Gramfort & Salmon 2015): with
R the weighted residual, XtA_j = x~_j^T S R - beta w_j and the dual point
theta = scale * R, scale = min(1, alpha / max_j |XtA_j| / pf_j),

    D(theta) = -scale^2 / 2 (R^T S R + beta ||w||^2) + scale * R^T S y,

and the gap P - D bounds the suboptimality.  alpha = 0 uses the ridge dual
("formulation B", Duenner et al. 2016).  Iterations stop once the gap is
<= tol * y^T S y, the scaling scikit-learn uses, so ``tol`` means the same.

Speed-ups over plain cyclic CD (the iterates and the optimum are the same):

* Gap Safe screening (Fercoq et al. 2015; Ndiaye et al. 2017): a feature j
  with (alpha pf_j - |x_j^T theta|) / sqrt(||x_j||^2 + beta) > sqrt(2 gap)
  is zero at the optimum and leaves the problem for good.
* Working sets prioritised by the dual (Massias, Gramfort & Salmon 2018,
  "Celer"): the inner CD runs on the current non-zeros plus the features
  closest to violating the dual constraint, the set doubling each outer
  iteration, until the full gap certifies the whole problem.
* Anderson extrapolation of the inner iterates (Bertrand & Massias 2021),
  accepted only when it lowers the objective.
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

cdef floating _gap(const Layout* L, const floating* xv, const floating* sw,
                   const floating* xm, const floating* y, const floating* w,
                   floating alpha, floating beta, const floating* pf, bint positive,
                   floating* r, Resid* st, floating* XtA,
                   const int32_t* feats, Py_ssize_t n_feats,
                   floating* scale_out) noexcept nogil:
    """Duality gap; fills XtA[j] = x~_j^T S R - beta w_j for j in feats.

    feats = NULL means every feature (dense: one gemv).  The dual norm is
    taken over feats only: over all features this is the gap of the problem,
    over a working set the gap of the sub-problem restricted to it.
    """
    cdef Py_ssize_t k, j, p = L.n_features
    cdef floating R_norm2, Ry, dual_norm = 0.0, v, l1 = 0.0, l2 = 0.0
    cdef floating primal, scale, rsum
    _fold(L, sw, r, st)
    rsum = <floating> st.rsum
    R_norm2 = _resid_norm2(L, sw, r)
    Ry = _dot(<int> L.n_samples, r, y)
    if feats == NULL and not L.sparse:
        _gemv_t(<int> L.n_samples, <int> p, <floating> 1.0, xv, <int> L.n_samples,
                r, <floating> 0.0, XtA)
        for j in range(p):
            if L.centered:
                XtA[j] -= xm[j] * rsum
            XtA[j] -= beta * w[j]
    else:
        for k in range(n_feats if feats != NULL else p):
            j = feats[k] if feats != NULL else k
            XtA[j] = _col_dot(L, xv, j, r) - beta * w[j]
            if L.centered:
                XtA[j] -= xm[j] * rsum
    for j in range(p):
        if w[j] != 0.0:
            l1 += pf[j] * fabs(w[j])
            l2 += w[j] * w[j]
    scale_out[0] = 1.0
    if alpha == 0.0:
        # Ridge ("formulation B"), or the plain gradient for least squares.
        v = 0.0
        for k in range(n_feats if feats != NULL else p):
            j = feats[k] if feats != NULL else k
            v += (XtA[j] + beta * w[j]) ** 2
        if beta == 0.0:
            return v
        return R_norm2 + 0.5 * beta * l2 - Ry + v / (2.0 * beta)
    for k in range(n_feats if feats != NULL else p):
        j = feats[k] if feats != NULL else k
        if pf[j] > 0.0:
            v = (XtA[j] if positive else fabs(XtA[j])) / pf[j]
            if v > dual_norm:
                dual_norm = v
    primal = 0.5 * (R_norm2 + beta * l2) + alpha * l1
    scale = alpha / dual_norm if dual_norm > alpha else 1.0
    scale_out[0] = scale
    return primal - (-0.5 * scale * scale * (R_norm2 + beta * l2) + scale * Ry)


cdef floating _primal(const Layout* L, const floating* sw, floating* r, Resid* st,
                      const floating* w, floating alpha, floating beta,
                      const floating* pf) noexcept nogil:
    """P(w) from the residual state."""
    cdef Py_ssize_t j
    cdef floating l1 = 0.0, l2 = 0.0
    _fold(L, sw, r, st)
    for j in range(L.n_features):
        if w[j] != 0.0:
            l1 += pf[j] * fabs(w[j])
            l2 += w[j] * w[j]
    return 0.5 * (_resid_norm2(L, sw, r) + beta * l2) + alpha * l1


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


# --- the solver -------------------------------------------------------------------------

cdef object _enet_cd(Layout* L, const floating* xv, const floating* sw,
                     const floating* xm, const floating* y, floating[::1] w,
                     floating alpha, floating beta, const floating* pf,
                     Py_ssize_t max_iter, floating tol, object rng, bint random,
                     bint positive, bint screening, bint working_set, bint anderson):
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
    cdef int32_t[::1] active = np.arange(p, dtype=np.int32)
    cdef int32_t[::1] ws = np.arange(p, dtype=np.int32)
    cdef floating[::1] hist = np.empty(0, dtype=dtype)
    cdef floating[::1] w_acc = np.empty(0, dtype=dtype)
    cdef floating[::1] w_ws_prev = np.empty(0, dtype=dtype)
    cdef Resid st
    cdef floating y_norm2, tol_abs, gap = INFINITY, gap_in, inner_tol, scale
    cdef floating g, w_j, w_new, d, d_w_max, w_max, radius, dist, xmj, v
    cdef floating p_old, p_new
    cdef uint32_t seed = <uint32_t> rng.randint(1, RAND_R_MAX)
    cdef bint converged = False, ws_is_all
    cdef int32_t kk

    with nogil:
        # column statistics: xs_j = sum s x_j, norm2_j = sum s (x_j - m_j)^2
        st.s_total = 0.0
        for i in range(n):
            st.s_total += sw[i] if L.weighted else 1.0
        for j in range(p):
            xmj = xm[j] if L.centered else 0.0
            if L.sparse:
                v = 0.0  # sum of s over the stored rows
                for kk in range(L.indptr[j], L.indptr[j + 1]):
                    i = L.indices[kk]
                    d = sw[i] if L.weighted else 1.0
                    xs[j] += d * xv[kk]
                    norm2[j] += d * (xv[kk] - xmj) ** 2
                    v += d
                norm2[j] += (<floating> st.s_total - v) * xmj * xmj
            else:
                for i in range(n):
                    d = sw[i] if L.weighted else 1.0
                    xs[j] += d * xv[j * n + i]
                    norm2[j] += d * (xv[j * n + i] - xmj) ** 2
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
                if norm2[j] == 0.0:
                    w[j] = 0.0
                else:
                    _move(L, xv, sw, xm, &xs[0], j, w[j], &r[0], &st)
        tol_abs = tol * y_norm2
        if alpha == 0.0 or n_pf0 > 0:
            screening = False  # the gap is only a safe bound with every feature penalised
        if alpha == 0.0:
            working_set = False
        n_active = 0
        for j in range(p):
            if norm2[j] > 0.0:
                active[n_active] = <int32_t> j
                n_active += 1

    while True:
        with nogil:
            gap = _gap(L, xv, sw, xm, y, &w[0], alpha, beta, pf, positive,
                       &r[0], &st, &XtA[0], NULL, p, &scale)
            if gap <= tol_abs:
                converged = True
            elif epoch < max_iter:
                # Gap Safe screening, then the priorities for the working set
                radius = sqrt(2.0 * gap) if gap > 0 else 0.0
                k = 0
                nnz = 0
                for i in range(n_active):
                    j = active[i]
                    if alpha > 0.0:
                        v = XtA[j] if positive else fabs(XtA[j])
                        dist = (alpha * pf[j] - scale * v) / sqrt(norm2[j] + beta)
                    else:
                        dist = 0.0
                    if screening and dist > radius:
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
                ws_size = max(2 * nnz, 2 * ws_size, WS_START)
                ws_is_all = not working_set or ws_size >= n_active
        if converged or epoch >= max_iter:
            break
        if ws_is_all:
            n_ws = n_active
            ws[:n_active] = active[:n_active]
            inner_tol = tol_abs
        else:
            n_ws = ws_size
            act = np.asarray(active[:n_active])
            sc = np.asarray(score)[act]
            sel = np.sort(act[np.argpartition(sc, n_ws - 1)[:n_ws]])
            np.asarray(ws)[:n_ws] = sel
            inner_tol = max(0.3 * gap, tol_abs)
        if anderson and hist.shape[0] < (ANDERSON_K + 1) * n_ws:
            hist = np.empty((ANDERSON_K + 1) * n_ws, dtype=dtype)
            w_acc = np.empty(n_ws, dtype=dtype)
            w_ws_prev = np.empty(n_ws, dtype=dtype)

        with nogil:
            n_hist = 0
            inner_epoch = 0
            while epoch < max_iter:
                w_max = 0.0
                d_w_max = 0.0
                for f_iter in range(n_ws):
                    if random:
                        j = ws[_rand_int(<uint32_t> n_ws, &seed)]
                    else:
                        j = ws[f_iter]
                    w_j = w[j]
                    g = _grad(L, xv, xm, &xs[0], j, &r[0], &st) + w_j * norm2[j]
                    if positive and g < 0.0:
                        w_new = 0.0
                    else:
                        w_new = _soft(g, alpha * pf[j]) / (norm2[j] + beta)
                    if positive and w_new < 0.0:
                        w_new = 0.0
                    if w_new != w_j:
                        _move(L, xv, sw, xm, &xs[0], j, w_new - w_j, &r[0], &st)
                        w[j] = w_new
                        d_w_max = max(d_w_max, fabs(w_new - w_j))
                    w_max = max(w_max, fabs(w_new))
                epoch += 1
                inner_epoch += 1

                if anderson and not random:
                    for k in range(n_ws):
                        hist[n_hist * n_ws + k] = w[ws[k]]
                    n_hist += 1
                    if n_hist == ANDERSON_K + 1:
                        n_hist = 0
                        if _anderson(&hist[0], n_ws, &w_acc[0]):
                            p_old = _primal(L, sw, &r[0], &st, &w[0], alpha, beta, pf)
                            for k in range(n_ws):
                                j = ws[k]
                                w_ws_prev[k] = w[j]
                                if positive and w_acc[k] < 0.0:
                                    w_acc[k] = 0.0
                                if w_acc[k] != w[j]:
                                    _move(L, xv, sw, xm, &xs[0], j, w_acc[k] - w[j],
                                          &r[0], &st)
                                    w[j] = w_acc[k]
                            p_new = _primal(L, sw, &r[0], &st, &w[0], alpha, beta, pf)
                            if not (p_new < p_old):
                                for k in range(n_ws):
                                    j = ws[k]
                                    if w_ws_prev[k] != w[j]:
                                        _move(L, xv, sw, xm, &xs[0], j,
                                              w_ws_prev[k] - w[j], &r[0], &st)
                                        w[j] = w_ws_prev[k]

                if (w_max == 0.0 or d_w_max <= tol * w_max
                        or inner_epoch % GAP_EVERY == 0 or epoch >= max_iter):
                    if ws_is_all:
                        break  # the outer loop computes the full gap
                    gap_in = _gap(L, xv, sw, xm, y, &w[0], alpha, beta, pf, positive,
                                  &r[0], &st, &XtA[0], &ws[0], n_ws, &scale)
                    if gap_in <= inner_tol:
                        break

    if not converged:
        warnings.warn(
            "Objective did not converge. You might want to increase the number "
            "of iterations, check the scale of the features or consider "
            f"increasing regularisation. Duality gap: {gap:.3e}, "
            f"tolerance: {tol_abs:.3e}",
            ConvergenceWarning,
        )
    return np.asarray(w), float(gap), float(tol_abs), int(epoch)


cdef inline const floating* _ptr_or_null(const floating[::1] a) noexcept nogil:
    return &a[0] if a.shape[0] > 0 else NULL


def enet_cd_dense(floating[::1] w, floating alpha, floating beta,
                  const floating[::1, :] X, const floating[::1] y,
                  const floating[::1] sample_weight, const floating[::1] X_mean,
                  const floating[::1] penalty_factor, Py_ssize_t max_iter,
                  floating tol, object rng, bint random=False, bint positive=False,
                  bint screening=True, bint working_set=True, bint anderson=True):
    """Coordinate descent on a dense Fortran-ordered X (see the module docstring).

    ``sample_weight`` and ``X_mean`` may be empty (no weights, no centering);
    ``penalty_factor`` has one entry per feature.  ``w`` is updated in place.

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
                    random, positive, screening, working_set, anderson)


def enet_cd_sparse(floating[::1] w, floating alpha, floating beta,
                   const floating[::1] X_data, const int32_t[::1] X_indices,
                   const int32_t[::1] X_indptr, const floating[::1] y,
                   const floating[::1] sample_weight, const floating[::1] X_mean,
                   const floating[::1] penalty_factor, Py_ssize_t max_iter,
                   floating tol, object rng, bint random=False, bint positive=False,
                   bint screening=True, bint working_set=True, bint anderson=True):
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
                    anderson)


def enet_cd_gram(floating[::1] w, floating alpha, floating beta,
                 const floating[:, ::1] Q, const floating[::1] q, floating y_norm2,
                 const floating[::1] penalty_factor, Py_ssize_t max_iter,
                 floating tol, object rng, bint random=False, bint positive=False):
    """Coordinate descent on the Gram matrix (``precompute``).

    Minimises 1/2 w^T Q w - q^T w + 1/2 y_norm2 + alpha sum pf|w| + beta/2 ||w||^2,
    which is the problem above for Q = X~^T S X~, q = X~^T S y and
    y_norm2 = y^T S y.  Each update costs O(p); the gap is computed from Q w.
    """
    if floating is float:
        dtype = np.float32
    else:
        dtype = np.float64
    cdef Py_ssize_t p = Q.shape[0], j, f_iter, epoch = 0
    cdef floating[::1] H = np.zeros(p, dtype=dtype)  # Q @ w
    cdef floating tol_abs = tol * y_norm2, gap = INFINITY, g, w_j, w_new, d
    cdef floating d_w_max, w_max, wq, wH, l1, l2, R_norm2, Ry, dual_norm, v, scale
    cdef uint32_t seed = <uint32_t> rng.randint(1, RAND_R_MAX)
    cdef bint converged = False
    if p == 0:
        return np.asarray(w), 0.0, 0.0, 0
    with nogil:
        for j in range(p):
            if w[j] != 0.0:
                _axpy(<int> p, w[j], &Q[j, 0], &H[0])
        while True:
            # duality gap from Q w (R^T S R = y^T S y - 2 w^T q + w^T Q w)
            wq = _dot(<int> p, &w[0], &q[0])
            wH = _dot(<int> p, &w[0], &H[0])
            R_norm2 = max(y_norm2 - 2 * wq + wH, <floating> 0.0)
            Ry = y_norm2 - wq
            l1 = 0.0
            l2 = 0.0
            dual_norm = 0.0
            for j in range(p):
                l1 += penalty_factor[j] * fabs(w[j])
                l2 += w[j] * w[j]
                if penalty_factor[j] > 0:
                    v = q[j] - H[j] - beta * w[j]
                    v = (v if positive else fabs(v)) / penalty_factor[j]
                    dual_norm = max(dual_norm, v)
            if alpha == 0.0:
                v = 0.0
                for j in range(p):
                    v += (q[j] - H[j]) ** 2
                gap = v if beta == 0.0 else R_norm2 + 0.5 * beta * l2 - Ry + v / (2 * beta)
            else:
                scale = alpha / dual_norm if dual_norm > alpha else 1.0
                gap = (0.5 * (R_norm2 + beta * l2) + alpha * l1
                       + 0.5 * scale * scale * (R_norm2 + beta * l2) - scale * Ry)
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
                    if Q[j, j] == 0.0:
                        continue
                    w_j = w[j]
                    g = q[j] - H[j] + w_j * Q[j, j]
                    if positive and g < 0.0:
                        w_new = 0.0
                    else:
                        w_new = _soft(g, alpha * penalty_factor[j]) / (Q[j, j] + beta)
                    if w_new != w_j:
                        d = w_new - w_j
                        _axpy(<int> p, d, &Q[j, 0], &H[0])
                        w[j] = w_new
                        d_w_max = max(d_w_max, fabs(d))
                    w_max = max(w_max, fabs(w_new))
                epoch += 1
                if w_max == 0.0 or d_w_max <= tol * w_max or epoch % GAP_EVERY == 0:
                    break
    if not converged:
        warnings.warn(
            "Objective did not converge. You might want to increase the number "
            "of iterations, check the scale of the features or consider "
            f"increasing regularisation. Duality gap: {gap:.3e}, "
            f"tolerance: {tol_abs:.3e}",
            ConvergenceWarning,
        )
    return np.asarray(w), float(gap), float(tol_abs), int(epoch)
