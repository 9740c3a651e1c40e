"""Proximal-Newton kernel for the penalised logistic loss on X, dense or sparse CSC.

Minimises, over W (K rows of p; K = 1 binary, K = n_classes multinomial)
and an unpenalised intercept b (K values),

    G(W, b) = sum_i s_i loss(y_i, x_i W^T + b) + sum_k sum_j pf_j (alpha |W_kj|
              + beta / 2 W_kj^2)

(the logistic datafit of _datafit_logistic.pxd, the elastic-net penalty of
_penalty_enet.pxd).  Each outer iteration is one proximal-Newton step per
row k (glmnet's IRLS-CD, Friedman, Hastie & Tibshirani 2010; celer's and
skglm's prox-Newton, Massias et al. 2020, Bertrand et al. 2022; the
multinomial rows one after the other, glmnet's partial Newton):

1. the raw residuals and Newton weights h of row k (the datafit pxd);
2. a working set: the non-zeros, the unpenalised features and the worst
   KKT violators (the penalty's subdifferential distance), growing with the
   support;
3. coordinate descent on the step's quadratic model, a weighted
   least-squares problem 1/2 sum_i h_i (z_i - x_i d - d_b)^2 + penalty:
   the quadratic datafit's coordinate step (_coordinate.pxd's blk_update,
   the penalty's prox) with weights h, and the intercept profiled out by
   the datafit's implicit centering, and Anderson extrapolation of the
   iterates; solved to a forcing tolerance min(0.1, sqrt(kkt)) kkt (inexact
   Newton, superlinear near the optimum), but to 0.01 tol at least;
4. a backtracking (Armijo) line search on the true objective G.

Multinomial cycles end with glmnet's common shift of each feature's K
coefficients (free: the softmax is invariant) and Anderson extrapolation.

It stops when the KKT violation of G (the largest distance of 0 to a
coordinate's subdifferential, and |dG/db|) is <= tol: a certified
criterion, zero exactly at the optimum.  Zero penalty factors are exact
(unpenalised features, always in the working set).
"""

from cython cimport floating
from libc.math cimport fabs, sqrt
from libc.stdint cimport int32_t

import numpy as np

from skreg._solvers._accelerators cimport ANDERSON_K, _anderson, _select_smallest
from skreg._solvers._coordinate cimport blk_update
from skreg._solvers._datafit_logistic cimport _logistic_derivs, _logistic_value, _set_eta
from skreg._solvers._datafit_quadratic cimport (
    Layout, Resid, _col_axpy, _col_dot, _col_stats, _correlations, _layout, _set_coef,
)
from skreg._solvers._gap cimport _primal
from skreg._solvers._penalties cimport (
    pen_excluded, pen_free, pen_primal, pen_subdiff_dist,
)
from skreg._solvers._penalty_enet cimport EnetPenalty, _enet_change, _enet_common_shift


cdef enum:
    WS_MIN = 10             # working-set candidates added at least
    WS_FROM = 20            # working sets only above this many features
    INNER_START = 20        # CD epochs on one Newton model at most, at first
    INNER_MAX = 5000        # ... doubled each time it is hit, up to this
    MAX_BACKTRACK = 30


cdef double CURV_FLOOR = 1e-6   # glmnet's bound on p (1 - p)


ctypedef struct Problem:
    # the data of G that is not of the floating type
    Py_ssize_t K
    bint fit_intercept
    double tol
    Py_ssize_t max_iter
    bint verbose


cdef double _pen(const EnetPenalty* P, const floating* w, Py_ssize_t p) noexcept nogil:
    """The penalty of one row (the quadratic datafit's value left out)."""
    return pen_primal(P, 0.0, w, NULL, 0, p)


cdef bint _extrapolate_model(const Layout* L, const floating* xv, const floating* h,
                            const floating* xm, const floating* xs, const EnetPenalty* P,
                            const int32_t* ws, Py_ssize_t n_ws, floating* w, floating* r,
                            Resid* st, floating* hist, Py_ssize_t* n_hist, floating* acc,
                            floating* w2, floating* r2) noexcept nogil:
    """Anderson extrapolation of the inner CD iterates (Bertrand & Massias 2021).

    Appends w's working-set values to the history; once it holds K + 1,
    extrapolates and keeps the result (w, r, st updated) if it lowers the
    model's objective (the quadratic datafit's R^T S R / 2 plus the
    penalty: _gap.pxd's _primal); the history then restarts.  w2 (p) and r2
    (n) are scratch.  Returns whether the extrapolation was kept.
    """
    cdef Py_ssize_t q, i, rows = ANDERSON_K + 1, n = L.n_samples
    cdef Resid st2
    cdef double p_cur, p_acc
    for q in range(n_ws):
        hist[n_hist[0] * n_ws + q] = w[ws[q]]
    n_hist[0] += 1
    if n_hist[0] < rows:
        return False
    n_hist[0] = 0
    if not _anderson(hist, n_ws, acc):
        return False
    p_cur = _primal(L, h, r, st, w, P, ws, n_ws)
    for i in range(n):
        r2[i] = r[i]
    st2 = st[0]
    for q in range(n_ws):
        w2[ws[q]] = w[ws[q]]
    for q in range(n_ws):
        _set_coef(L, xv, h, xm, xs, w2, ws[q], acc[q], r2, &st2)
    p_acc = _primal(L, h, r2, &st2, w2, P, ws, n_ws)
    if not p_acc < p_cur:
        return False
    for q in range(n_ws):
        w[ws[q]] = w2[ws[q]]
    for i in range(n):
        r[i] = r2[i]
    st[0] = st2
    return True


cdef double _row_kkt(const Layout* L, const floating* xv, const EnetPenalty* P,
                     const floating* w, const floating* grad, floating* corr,
                     bint fit_intercept) noexcept nogil:
    """Row k's KKT violation given its raw residuals; corr = X^T grad on exit."""
    cdef Py_ssize_t i, j, n = L.n_samples, p = L.n_features
    cdef double worst = 0.0, v, gsum = 0.0
    _correlations(L, xv, NULL, grad, <floating> 0.0, NULL, 0, corr)
    for j in range(p):
        v = pen_subdiff_dist(P, j, &w[j], &corr[j])
        if v > worst:
            worst = v
    if fit_intercept:
        for i in range(n):
            gsum += grad[i]
        worst = max(worst, fabs(gsum))
    return worst


cdef Py_ssize_t _working_set(const EnetPenalty* P, const floating* w,
                             const floating* corr, Py_ssize_t p, bint use_ws,
                             floating* score, floating* scratch, int32_t* cand,
                             int32_t* ws) noexcept nogil:
    """The features of the step; returns their number (ws in increasing order
    for the forced part, then the chosen violators).

    Forced: the non-zeros and the unpenalised features.  Added: the
    max(WS_MIN, n_forced) largest KKT violators among the others (celer's
    and skglm's doubling), only those that violate.
    """
    cdef Py_ssize_t j, n_ws = 0, n_cand = 0, n_take
    cdef double v
    for j in range(p):
        if pen_excluded(P, j):
            continue
        if not use_ws or w[j] != 0.0 or pen_free(P, j):
            ws[n_ws] = <int32_t> j
            n_ws += 1
            continue
        v = pen_subdiff_dist(P, j, &w[j], &corr[j])
        if v > 0.0:
            score[j] = <floating> -v
            cand[n_cand] = <int32_t> j
            n_cand += 1
    n_take = min(max(<Py_ssize_t> WS_MIN, n_ws), n_cand)
    if n_take == n_cand:
        for j in range(n_cand):
            ws[n_ws + j] = cand[j]
    elif n_take > 0:
        _select_smallest(cand, n_cand, score, n_take, scratch, ws + n_ws)
    return n_ws + n_take


cdef double _shift_rows(const EnetPenalty* P, floating* W, Py_ssize_t K,
                        Py_ssize_t p) noexcept nogil:
    """Shift each feature's K coefficients by the c that minimises their penalty.

    The softmax is unchanged when one feature's coefficients all shift by the
    same c (eta moves by the same X c in every row: p and the loss are
    exactly the same, so eta is left as it is), so this lowers the objective
    for free and removes the flat direction that slows the cycles over the
    classes (glmnet's multinomial step).  Returns the new penalty.
    """
    cdef Py_ssize_t j, k
    cdef double c, pen = 0.0
    for j in range(p):
        c = _enet_common_shift(P, j, &W[j], p, K)
        if c != 0.0:
            for k in range(K):
                W[k * p + j] = <floating> (W[k * p + j] - c)
    for k in range(K):
        pen += _pen(P, &W[k * p], p)
    return pen


cdef bint _push_iterate(floating* hist, Py_ssize_t* n_hist, const floating* W,
                        const double[::1] b, Py_ssize_t K, Py_ssize_t p,
                        floating* out) noexcept nogil:
    """Append (W, b) to the history; Anderson-extrapolate it once it holds K + 1."""
    cdef Py_ssize_t i, m = K * p + K, rows = ANDERSON_K + 1
    if n_hist[0] == rows:
        for i in range((rows - 1) * m):
            hist[i] = hist[i + m]
        n_hist[0] -= 1
    for i in range(K * p):
        hist[n_hist[0] * m + i] = W[i]
    for i in range(K):
        hist[n_hist[0] * m + K * p + i] = <floating> b[i]
    n_hist[0] += 1
    return n_hist[0] == rows and _anderson(hist, m, out)


cdef object _pn_solve(Layout* L0, Layout* Lh, const floating* xv, const floating* y,
                      const floating* sw, floating[::1] W, double[::1] b,
                      const EnetPenalty* P, Problem* pb):
    """The outer loop; W (K p, row k at k p) and b updated in place.

    L0 reads X as it is (eta, X^T grad); Lh is the same X with the Newton
    weights as sample weights and, with an intercept, implicit centering.
    Returns (kkt, n_iter, stalled).
    """
    if floating is float:
        dtype = np.float32
    else:
        dtype = np.float64
    cdef Py_ssize_t n = L0.n_samples, p = L0.n_features, K = pb.K
    cdef Py_ssize_t i, j, q, k, n_ws, epoch, it, n_iter = 0, max_inner = INNER_START
    cdef floating[::1] eta = np.zeros(K * n, dtype=dtype)
    cdef floating[::1] grad = np.empty(n, dtype=dtype)
    cdef floating[::1] hess = np.empty(n, dtype=dtype)
    cdef floating[::1] r = np.empty(n, dtype=dtype)
    cdef floating[::1] e = np.empty(n, dtype=dtype)
    cdef floating[::1] eta_t = np.empty(n, dtype=dtype)
    cdef floating[::1] ones = np.ones(n, dtype=dtype)
    cdef floating[::1] corr = np.empty(p, dtype=dtype)
    cdef floating[::1] xm = np.zeros(p, dtype=dtype)
    cdef floating[::1] xs = np.zeros(p, dtype=dtype)
    cdef floating[::1] norm2 = np.zeros(p, dtype=dtype)
    cdef floating[::1] score = np.empty(p, dtype=dtype)
    cdef floating[::1] scratch = np.empty(p, dtype=dtype)
    cdef floating[::1] w_new = np.empty(p, dtype=dtype)
    cdef floating[::1] w_t = np.empty(p, dtype=dtype)
    cdef floating[::1] buf = np.empty(2, dtype=dtype)
    cdef int32_t[::1] cand = np.empty(p, dtype=np.int32)
    cdef int32_t[::1] ws = np.empty(p, dtype=np.int32)
    cdef floating* w
    cdef Resid st
    cdef floating d_w_max, w_max, old
    cdef double F, F_t, pen_all, G, G_t, kkt = 0.0, pen_old, pen_t, delta, t, db
    cdef double zbar, s_total
    cdef double inner_tol, viol, gsum, kkt_prev = 0.0
    cdef double eps = 1.1920929e-07 if floating is float else 2.220446049250313e-16
    cdef bint use_ws = P.alpha > 0.0 and p > WS_FROM, accepted, stalled = False
    cdef bint progress = False, moved
    # multinomial: the Anderson history of (W, b), its extrapolation and eta
    cdef Py_ssize_t n_hist = 0, m = K * p + K if K > 1 else 0
    cdef floating[::1] hist = np.empty((ANDERSON_K + 1) * m, dtype=dtype)
    cdef floating[::1] w_acc = np.empty(m, dtype=dtype)
    cdef floating[::1] eta_acc = np.empty(K * n if K > 1 else 0, dtype=dtype)
    # the inner CD's Anderson history (the working set's values)
    cdef Py_ssize_t n_hist_in = 0
    cdef floating[::1] hist_in = np.empty((ANDERSON_K + 1) * p, dtype=dtype)
    cdef floating[::1] acc = np.empty(p, dtype=dtype)

    with nogil:
        _set_eta(L0, xv, &W[0], NULL, K, &eta[0])
        for k in range(K):
            for i in range(n):
                eta[k * n + i] += <floating> b[k]
        F = _logistic_value(n, K, y, sw, &eta[0], -1, NULL)
        pen_all = 0.0
        for k in range(K):
            pen_all += _pen(P, &W[k * p], p)
        G = F + pen_all
        while True:
            kkt = 0.0
            for k in range(K):
                _logistic_derivs(n, K, k, y, sw, &eta[0], &grad[0], NULL, CURV_FLOOR)
                kkt = max(kkt, _row_kkt(L0, xv, P, &W[k * p], &grad[0], &corr[0],
                                        pb.fit_intercept))
            if pb.verbose:
                with gil:
                    print(f"cd: iteration {n_iter}, objective {G:.10e}, KKT {kkt:.3e}")
            # no decrease of G and none of the KKT violation: rounding level
            stalled = n_iter > 0 and not progress and kkt >= kkt_prev
            # at least one Newton step (n_iter >= 1 even from an optimal start)
            if (kkt <= pb.tol and n_iter > 0) or n_iter >= pb.max_iter or stalled:
                break
            kkt_prev = kkt
            n_iter += 1
            progress = False
            inner_tol = max(min(0.1, sqrt(kkt)) * kkt, 0.01 * pb.tol)
            for k in range(K):
                w = &W[k * p]
                # 1. the Newton model of row k at the current point
                s_total = _logistic_derivs(n, K, k, y, sw, &eta[0], &grad[0], &hess[0],
                                           CURV_FLOOR)
                if K > 1 and use_ws:  # (K = 1: corr is the KKT check's)
                    _row_kkt(L0, xv, P, w, &grad[0], &corr[0], False)
                # 2. its working set
                n_ws = _working_set(P, w, &corr[0], p, use_ws, &score[0], &scratch[0],
                                    &cand[0], &ws[0])
                # 3. CD on the model: S R = -grad - h zbar at d = 0 (zbar the
                # profiled intercept step), the weighted column statistics
                gsum = 0.0
                for i in range(n):
                    gsum += grad[i]
                zbar = -gsum / s_total if pb.fit_intercept else 0.0
                st.c = 0.0
                st.rsum = 0.0
                st.s_total = s_total
                for i in range(n):
                    r[i] = <floating> (-grad[i] - hess[i] * zbar)
                    st.rsum += r[i]
                for q in range(n_ws):
                    j = ws[q]
                    if pb.fit_intercept:
                        xm[j] = <floating> (_col_dot(Lh, xv, j, &hess[0]) / s_total)
                    _col_stats(Lh, xv, &hess[0], &xm[0], j, &ones[0],
                               <floating> s_total, &xs[j], &norm2[j])
                for j in range(p):
                    w_new[j] = w[j]
                n_hist_in = 0
                for epoch in range(max_inner):
                    viol = 0.0
                    d_w_max = 0.0
                    w_max = 0.0
                    for q in range(n_ws):
                        j = ws[q]
                        if norm2[j] <= 0.0:
                            continue
                        old = w_new[j]
                        blk_update(Lh, xv, &hess[0], &xm[0], &xs[0], P, j, &w_new[0],
                                   &r[0], &st, norm2[j], &d_w_max, &w_max, &buf[0])
                        viol = max(viol, fabs(w_new[j] - old)
                                   * (norm2[j] + P.beta * P.pf[j]))
                    if viol <= inner_tol:
                        break
                    if n_ws > 1:  # (w_t, eta_t: scratch until the line search)
                        _extrapolate_model(Lh, xv, &hess[0], &xm[0], &xs[0], P, &ws[0],
                                           n_ws, &w_new[0], &r[0], &st, &hist_in[0],
                                           &n_hist_in, &acc[0], &w_t[0], &eta_t[0])
                else:  # an ill-conditioned model (correlated features): more next time
                    max_inner = min(2 * max_inner, <Py_ssize_t> INNER_MAX)
                # the step d = w_new - w, its intercept part and e = X d + d_b
                db = zbar
                if pb.fit_intercept:
                    for q in range(n_ws):
                        j = ws[q]
                        db -= xm[j] * (w_new[j] - w[j])
                for i in range(n):
                    e[i] = <floating> db
                for q in range(n_ws):
                    j = ws[q]
                    if w_new[j] != w[j]:
                        _col_axpy(L0, xv, NULL, j, w_new[j] - w[j], &e[0])
                # 4. the line search on G (delta: the predicted decrease,
                # <= -e^T H e / 2 < 0 in exact arithmetic)
                moved = db != 0.0
                for q in range(n_ws):
                    moved = moved or w_new[ws[q]] != w[ws[q]]
                if not moved:
                    continue  # the model's minimum is the current point
                pen_old = _pen(P, w, p)
                delta = _enet_change(P, w, &w_new[0], &ws[0], n_ws)
                for i in range(n):
                    delta += grad[i] * e[i]
                t = 1.0
                accepted = False
                for it in range(MAX_BACKTRACK):
                    for i in range(n):
                        eta_t[i] = <floating> (eta[k * n + i] + t * e[i])
                    for j in range(p):
                        w_t[j] = <floating> (w[j] + t * (w_new[j] - w[j]))
                    F_t = _logistic_value(n, K, y, sw, &eta[0], k, &eta_t[0])
                    pen_t = _pen(P, &w_t[0], p)
                    G_t = F_t + pen_all - pen_old + pen_t
                    # the second test: the predicted decrease is at G's rounding
                    # (near the optimum, where the full step is right)
                    if (G_t <= G + 1e-4 * t * min(delta, 0.0)
                            or (t == 1.0 and -delta <= 64 * eps * fabs(G))):
                        accepted = True
                        break
                    t *= 0.5
                if not accepted:
                    continue
                progress = progress or G_t < G
                for j in range(p):
                    w[j] = w_t[j]
                for i in range(n):
                    eta[k * n + i] = eta_t[i]
                b[k] += t * db
                F = F_t
                pen_all += pen_t - pen_old
                G = G_t
            if K > 1 and P.alpha + P.beta > 0.0:
                pen_all = _shift_rows(P, &W[0], K, p)
            if K > 1:
                # Anderson extrapolation of the cycles over the classes (as celer)
                if _push_iterate(&hist[0], &n_hist, &W[0], b, K, p, &w_acc[0]):
                    _set_eta(L0, xv, &w_acc[0], &w_acc[K * p], K, &eta_acc[0])
                    F_t = _logistic_value(n, K, y, sw, &eta_acc[0], -1, NULL)
                    pen_t = 0.0
                    for k in range(K):
                        pen_t += _pen(P, &w_acc[k * p], p)
                    if F_t + pen_t < G:
                        for j in range(K * p):
                            W[j] = w_acc[j]
                        if pb.fit_intercept:
                            for k in range(K):
                                b[k] = w_acc[K * p + k]
                        for i in range(K * n):
                            eta[i] = eta_acc[i]
                        F, pen_all = F_t, pen_t
                        n_hist = 0
                G = F + pen_all
    return kkt, n_iter, stalled


cdef object _solve(Layout* L0, Layout* Lh, const floating* xv, const floating[::1] y,
                   const floating[::1] sw, floating[::1] W, double[::1] b, double alpha,
                   double beta, const double[::1] penalty_factor, bint fit_intercept,
                   Py_ssize_t max_iter, double tol, bint verbose):
    """Checks, the penalty and the problem's options, then :func:`_pn_solve`."""
    cdef EnetPenalty P
    cdef Problem pb
    cdef Py_ssize_t n = L0.n_samples, p = L0.n_features
    if y.shape[0] != n or sw.shape[0] != n or penalty_factor.shape[0] != p:
        raise ValueError("y, sample_weight and penalty_factor must match X's shape")
    pb.K = b.shape[0]
    if W.shape[0] != pb.K * p:
        raise ValueError(f"W must have length {pb.K * p}")
    if n == 0 or p == 0:
        return 0.0, 0, False
    P.alpha = alpha
    P.beta = beta
    P.pf = &penalty_factor[0]
    P.positive = False
    pb.fit_intercept = fit_intercept
    pb.tol = tol
    pb.max_iter = max_iter
    pb.verbose = verbose
    return _pn_solve(L0, Lh, xv, &y[0], &sw[0], W, b, &P, &pb)


def logistic_pn_dense(floating[::1] W, double[::1] b, const floating[::1, :] X,
                      const floating[::1] y, const floating[::1] sample_weight,
                      double alpha, double beta, const double[::1] penalty_factor,
                      bint fit_intercept, Py_ssize_t max_iter, double tol,
                      bint verbose=False):
    """Proximal Newton on a dense Fortran-ordered X (see the module docstring).

    ``W`` (K p values, row k at k p; K = len(b)) and ``b`` are updated in
    place; ``y`` holds 0/1 (K = 1) or the class index (K > 1) in X's dtype.

    Returns
    -------
    kkt, n_iter, stalled : the final KKT violation, the number of outer
        iterations, and whether the last one made no progress (rounding).
    """
    cdef Layout L0 = _layout(X.shape[0], X.shape[1], NULL, NULL, False, False)
    cdef Layout Lh = _layout(X.shape[0], X.shape[1], NULL, NULL, True, fit_intercept)
    return _solve(&L0, &Lh, &X[0, 0] if X.shape[0] * X.shape[1] > 0 else NULL, y,
                  sample_weight, W, b, alpha, beta, penalty_factor, fit_intercept,
                  max_iter, tol, verbose)


def logistic_pn_sparse(floating[::1] W, double[::1] b, const floating[::1] X_data,
                       const int32_t[::1] X_indices, const int32_t[::1] X_indptr,
                       const floating[::1] y, const floating[::1] sample_weight,
                       double alpha, double beta, const double[::1] penalty_factor,
                       bint fit_intercept, Py_ssize_t max_iter, double tol,
                       bint verbose=False):
    """Proximal Newton on a CSC X given by (data, sorted indices, indptr).

    Same arguments and returns as :func:`logistic_pn_dense`.
    """
    cdef const int32_t* ind = &X_indices[0] if X_indices.shape[0] > 0 else NULL
    cdef Layout L0 = _layout(y.shape[0], X_indptr.shape[0] - 1, ind, &X_indptr[0],
                             False, False)
    cdef Layout Lh = _layout(y.shape[0], X_indptr.shape[0] - 1, ind, &X_indptr[0],
                             True, fit_intercept)
    return _solve(&L0, &Lh, &X_data[0] if X_data.shape[0] > 0 else NULL, y,
                  sample_weight, W, b, alpha, beta, penalty_factor, fit_intercept,
                  max_iter, tol, verbose)
