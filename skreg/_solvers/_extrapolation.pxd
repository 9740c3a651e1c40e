# The two extrapolations of the loop on X (_cd_fast.pyx), as steps of it:
# Anderson's on the working set's primal iterates (Bertrand & Massias 2021),
# accepted only when it lowers the objective, and the dual one on the
# residuals (Massias et al. 2018), whose best point certifies the stopping
# gap and can be handed on along a path.  The arithmetic is
# _accelerators.pxd's; this header applies it to the loop's state.
# Header-only, generic over the penalty (fused penalty_t).
from cython cimport floating
from libc.stdint cimport int32_t

from skreg._solvers._accelerators cimport ANDERSON_K, _anderson, _push_extrapolate
from skreg._solvers._coordinate cimport blk_set
from skreg._solvers._blas cimport _dot
from skreg._solvers._datafit_quadratic cimport (
    Layout, Resid, _correlations2, _fold, _resid_norm2,
)
from skreg._solvers._gap cimport _dual_from_corr, _dual_value, _gap, _primal, _primal_lower
from skreg._solvers._penalties cimport pen_block, pen_gap, penalty_t
from skreg._solvers._penalty_enet cimport EnetPenalty, GapParts


cdef inline bint _anderson_step(
        const Layout* L, const floating* xv, const floating* sw, const floating* xm,
        const floating* xs, const penalty_t* P, floating* w, floating* r, Resid* st,
        floating* buf, const int32_t* ws, Py_ssize_t n_ws, floating* hist,
        Py_ssize_t* n_hist, floating* w_acc, floating* w_prev) noexcept nogil:
    """Record w on the working set; every K + 1 records, try the extrapolated point.

    Returns whether w moved to it (it lowered the objective); otherwise w and
    the residual are restored from ``w_prev``.
    """
    cdef Py_ssize_t k, j, t, T = pen_block(P)
    cdef double p_old, p_new
    for k in range(n_ws):
        for t in range(T):
            hist[(n_hist[0] * n_ws + k) * T + t] = w[ws[k] * T + t]
    n_hist[0] += 1
    if n_hist[0] < ANDERSON_K + 1:
        return False
    n_hist[0] = 0
    if not _anderson(hist, n_ws * T, w_acc):
        return False
    p_old = _primal(L, sw, r, st, w, P, ws, n_ws)
    for k in range(n_ws):
        j = ws[k]
        for t in range(T):
            w_prev[k * T + t] = w[j * T + t]
        blk_set(L, xv, sw, xm, xs, P, w, j, &w_acc[k * T], True, r, st, buf)
    p_new = _primal(L, sw, r, st, w, P, ws, n_ws)
    if _primal_lower(L, P, w, p_new, p_old):
        return True
    for k in range(n_ws):
        blk_set(L, xv, sw, xm, xs, P, w, ws[k], &w_prev[k * T], False, r, st, buf)
    return False


cdef inline double _outer_gap(
        const Layout* L, const floating* xv, const floating* sw, const floating* xm,
        const floating* y, const floating* w, const penalty_t* P, const floating* norm2,
        floating* r, Resid* st, floating* XtA, bint extrapolate, floating* rhist,
        Py_ssize_t* n_rhist, floating* racc, floating* corr, GapParts* gp,
        Py_ssize_t* pushed, bint xta_known) noexcept nogil:
    """The outer loop's full gap (:func:`_gap`, XtA filled for every feature).

    ``xta_known``: XtA holds X~^T S R already (a cold start's, from the column
    statistics' pass), so X is not read.

    With dual extrapolation of a single task, the residual joins the history
    first and the extrapolated point's correlations (into ``corr``) come
    from the same pass over X as the residual's: on a wide X that pass is
    most of an outer iteration.  ``pushed`` tells :func:`_dual_step` what is
    done: -1 nothing, 0 the push (no extrapolated point), 1 push and ``corr``.
    """
    cdef Py_ssize_t i, n = L.n_samples
    cdef floating usum = 0.0
    pushed[0] = -1
    if penalty_t is EnetPenalty:
        _fold(L, sw, r, st)
        if extrapolate:
            pushed[0] = _push_extrapolate(rhist, n_rhist, n, r, racc)
            if pushed[0] == 1:
                for i in range(n):
                    usum += racc[i]
                _correlations2(L, xv, xm, r, <floating> st.rsum, racc, usum, XtA, corr)
        if pushed[0] == 1 or xta_known:  # XtA filled: no pass over X for _gap's
            return pen_gap(P, L.n_features, NULL, L.n_features, w, norm2,
                           _resid_norm2(L, sw, r), _dot(<int> n, r, y), XtA, gp)
    return _gap(L, xv, sw, xm, y, w, P, norm2, r, st, XtA, NULL, L.n_features, gp)


cdef inline double _dual_step(
        const Layout* L, const floating* xv, const floating* sw, const floating* xm,
        const floating* y, const penalty_t* P, const floating* norm2, const floating* r,
        floating* rhist, Py_ssize_t* n_rhist, floating* racc, floating* corr,
        floating* XtA, const GapParts* gp, double gap, double* d_best,
        floating* dual_u, floating* dual_corr, floating** prio, double* scale,
        double* gap_cand, Py_ssize_t pushed) noexcept nogil:
    """The stopping gap from the best dual value seen so far; returns it.

    ``gap`` is the residual's own gap (XtA its correlations).  The residual
    joins the history; the extrapolated point competes with it, and the
    better one gives this iteration's screening and priorities (``prio``,
    ``scale``, ``gap_cand``).  A new best dual value is kept in ``d_best`` and,
    when ``dual_u`` is given, the point and its correlations are handed on.
    ``pushed``: what :func:`_outer_gap` did already (-1: nothing).
    """
    cdef Py_ssize_t i, j, n = L.n_samples, p = L.n_features, T = pen_block(P)
    cdef double d_cand = gp.primal - gap + 0.5 * gp.unpen, d_acc, scale_acc
    prio[0] = XtA
    if pushed < 0:
        pushed = _push_extrapolate(rhist, n_rhist, n * T, r, racc)
        if pushed:
            d_acc = _dual_value(L, xv, sw, xm, y, P, norm2, racc, NULL, p, corr,
                                &scale_acc)
    elif pushed:
        d_acc = _dual_from_corr(L, sw, y, P, norm2, racc, corr, NULL, p, &scale_acc)
    if pushed:
        if d_acc > d_cand:
            d_cand = d_acc
            prio[0] = corr
            scale[0] = scale_acc
            gap_cand[0] = gp.primal - d_acc + 0.5 * gp.unpen
    if d_cand > d_best[0]:
        d_best[0] = d_cand
        if dual_u != NULL:  # hand the best dual point on (a path)
            for i in range(n * T):
                dual_u[i] = racc[i] if prio[0] == corr else r[i]
            for j in range(p * T):
                dual_corr[j] = prio[0][j]
    return gp.primal - d_best[0] + 0.5 * gp.unpen


cdef inline double _dual_step_ws(
        const Layout* L, const floating* xv, const floating* sw, const floating* xm,
        const floating* y, const penalty_t* P, const floating* norm2, const floating* r,
        floating* rhist, Py_ssize_t* n_rhist, floating* racc, floating* corr,
        const GapParts* gp, double gap_in, const int32_t* ws, Py_ssize_t n_ws,
        double* d_in_best) noexcept nogil:
    """The working set's gap from the best dual value seen (``d_in_best``); returns it.

    Any dual point feasible for the whole problem is feasible for the working
    set's: the best one seen (often the warm start's) competes with the
    residual and its extrapolation (dual on the working set's features).
    """
    cdef double scale_acc
    d_in_best[0] = max(d_in_best[0], gp.primal - gap_in + 0.5 * gp.unpen)
    if _push_extrapolate(rhist, n_rhist, L.n_samples * pen_block(P), r, racc):
        d_in_best[0] = max(d_in_best[0], _dual_value(L, xv, sw, xm, y, P, norm2, racc,
                                                     ws, n_ws, corr, &scale_acc))
    return gp.primal - d_in_best[0] + 0.5 * gp.unpen
