"""Coordinate-descent kernel for the Lasso / ElasticNet on X, dense or sparse CSC.

The kernel minimises, for a design X (n x p), a 1-D target y, optional
non-negative sample weights s and an optional column offset m (implicit
centering: the design is X - 1 m^T, never formed),

    P(w) = 1/2 sum_i s_i (y_i - (x_i - m) @ w)^2
           + sum_j pf_j (alpha |w_j| + beta / 2 * w_j^2)

i.e. n times scikit-learn's objective (the caller converts the scale once).
pf are per-feature penalty factors (glmnet's ``penalty.factor``): they scale
feature j's whole penalty; pf_j = 0 leaves it unpenalised, pf_j = inf
excludes it (w_j = 0).

The loop is written once against the datafit (_datafit_quadratic.pxd), the
penalty (a fused type, _penalties.pxd -> _penalty_enet.pxd), the gap of the
pair (_gap.pxd) and the accelerators (_accelerators.pxd); see
skreg/_solvers/__init__.py for the layout.

Iterations stop once the duality gap (formulas in _gap.pxd) is <= tol * y^T S y,
scikit-learn's scaling, so ``tol`` means the same, and (option ``dw_tol``) the
last sweep over the working set moved no coefficient by more than dw_tol *
max|w|, scikit-learn's second test (features outside the working set are zero,
and the full gap certifies them).

Speed-ups over plain cyclic CD (the optimum is the same); the start of the
loop is in _cd_start.pxd, screening and priorities in _working_set.pxd, both
extrapolations in _extrapolation.pxd:

* Gap Safe screening on a certified gap bound, and working sets prioritised
  by the dual (Fercoq et al. 2015; Ndiaye et al. 2017; Massias, Gramfort &
  Salmon 2018, "Celer"); details in _working_set.pxd.
* Anderson extrapolation of the inner iterates (Bertrand & Massias 2021),
  accepted only when it lowers the objective.
* Along a path (successive calls sharing ``col_stats``/dual buffers): the
  previous alpha's best Lasso dual point, rescaled, certifies the warm start
  to second order in the step, and a secant prediction of the solution is
  taken as the start when it lowers the objective.
* Implicit centering and weights: the residual is kept as r = S R minus a
  scalar multiple of s, so a coordinate update costs O(nnz(x_j)) even for a
  centered sparse design, and no weighted or centered copy of X is made.
"""

from cython cimport floating
from libc.math cimport sqrt, INFINITY
from libc.stdint cimport int32_t, uint32_t

import numpy as np

from skreg._solvers._accelerators cimport ANDERSON_K, RAND_R_MAX, _rand_int, _select_smallest
from skreg._solvers._cd_resume cimport (
    D_FLOOR, D_INNER_TOL, D_TRIG, I_DWOK, I_FULL, I_INNER, I_LAST,
    I_NACTIVE, I_NEXT, I_NHIST, I_NRHIST, I_NSUB, I_NSUBSW, I_NWS, I_NWS_ALL, I_SEED, I_UPDATES,
    I_WAIT, I_WSALL, _load_resid, _save_state, _state_fits,
)
from skreg._solvers._cd_start cimport (
    _dense_stats, _sparse_stats, _start_state, _take_prediction,
)
from skreg._solvers._coordinate cimport blk_nonzero, blk_update
from skreg._solvers._datafit_quadratic cimport Layout, Resid, _layout
from skreg._solvers._extrapolation cimport (
    _anderson_step, _dual_step, _dual_step_ws, _outer_gap,
)
from skreg._solvers._gap cimport (
    _dual_from_corr, _gap, _gap_rounding, _primal, _rounding_scales, _update_rounding,
)
from skreg._solvers._penalties cimport (
    pen_block, pen_excluded, pen_lasso_dual, pen_sparse, penalty_t,
)
from skreg._solvers._penalty_enet cimport EnetPenalty, GapParts
from skreg._solvers._penalty_l21 cimport L21Penalty
from skreg._solvers._working_set cimport _screen_and_score

from skreg._solvers._convergence import kernel_result


cpdef bint lasso_dual_extrapolated(Py_ssize_t n_samples, Py_ssize_t n_features):
    """Whether a Lasso fit of this shape uses (and hands on) dual extrapolation.

    It keeps K + 1 residuals: 6 n floats.  On tall problems (n > 20 p) that
    history outweighs the p-sized state many times, the rescaled residual is
    already a tight dual point (few features, well-posed), and fits end before
    the history fills; they go without.
    """
    return n_samples <= EXTRAPOLATE_N_PER_P * n_features


# --- the solver -------------------------------------------------------------------

cdef object _cd_solve(Layout* L, const floating* xv, const floating* sw,
                      const floating* xm, const floating* y, floating[::1] w,
                      const penalty_t* P, Options* opt, object rng, floating* stats,
                      floating* dual_u, floating* dual_corr, const floating* w_pred,
                      const floating* xty, dict state_in, dict state_out):
    """The outer loop (gap, screening, working set) around the inner CD sweeps.

    ``stats`` (2 p), ``dual_u`` (n), ``dual_corr`` (p) are a path's buffers
    (column statistics; the best Lasso dual point and its correlations), read
    when ``opt.stats_known`` / ``opt.dual_known``; ``w_pred`` an alternative
    start; ``xty`` (p) the products x_j^T y that came with known statistics.
    Any of them may be NULL.
    """
    if floating is float:
        dtype = np.float32
    else:
        dtype = np.float64
    cdef Py_ssize_t n = L.n_samples, p = L.n_features, max_iter = opt.max_iter
    cdef Py_ssize_t T = pen_block(P)  # a coordinate is a block of T values
    cdef Py_ssize_t j, k, f_iter, n_active, n_ws, nnz, ws_size = 0
    # max_iter is a budget of coordinate updates, max_iter full sweeps' worth
    # (one sweep = every candidate feature once), spent on whatever working
    # set is current; n_iter is the updates made, in sweeps (rounded up).  So
    # the budget does not depend on how the solver splits its work, and a
    # capped fit continued from its w (warm_start) can resume it
    cdef Py_ssize_t updates = 0, budget, sweep, n_ws_all = -1, base = 0
    cdef Py_ssize_t inner_epoch, n_hist = 0, n_free = 0, n_cand = 0, n_rhist = 0
    cdef Py_ssize_t n_cur, n_sub = 0, n_sub_sweeps, next_check, last_check, wait, pushed
    cdef floating[::1] r = np.empty(n * T, dtype=dtype)
    cdef floating[::1] norm2 = np.zeros(p, dtype=dtype)
    cdef floating[::1] xs = np.zeros(p, dtype=dtype)
    cdef floating[::1] XtA = np.zeros(p * T, dtype=dtype)
    cdef floating[::1] score = np.empty(p, dtype=dtype)
    cdef floating[::1] scratch = np.empty(p if opt.working_set else 0, dtype=dtype)
    cdef int32_t[::1] active = np.arange(p, dtype=np.int32)
    cdef int32_t[::1] cand = np.arange(p, dtype=np.int32)
    cdef int32_t[::1] ws = np.arange(p, dtype=np.int32)
    cdef int32_t[::1] sub = np.empty(p, dtype=np.int32)
    cdef const int32_t* cur
    cdef floating[::1] hist = np.empty(0, dtype=dtype)
    cdef floating[::1] w_acc = np.empty(0, dtype=dtype)
    cdef floating[::1] w_ws_prev = np.empty(0, dtype=dtype)
    cdef bint extrapolate = (pen_lasso_dual(P) and lasso_dual_extrapolated(n, p)
                             and opt.dual_extrapolation)
    cdef floating[::1] rhist = np.empty((ANDERSON_K + 1) * n * T if extrapolate else 0,
                                        dtype=dtype)
    cdef floating[::1] racc = np.empty(n * T if extrapolate else 0, dtype=dtype)
    cdef floating[::1] corr = np.empty(p * T if extrapolate else 0, dtype=dtype)
    cdef floating[::1] w_keep = np.empty(p * T if w_pred != NULL else 0, dtype=dtype)
    cdef floating[::1] buf = np.empty(2 * T, dtype=dtype)
    # the residual states, one per task (one local struct for T = 1)
    cdef double[::1] st_buf = np.zeros(3 * T if T > 1 else 0)
    cdef Resid st1
    cdef Resid* st = &st1 if T == 1 else <Resid*> &st_buf[0]
    cdef floating* prio = &XtA[0]  # correlations of the dual point used for priorities
    cdef GapParts gp
    cdef floating d_w_max = 0.0, w_max = 0.0
    cdef double y_norm2, tol_abs, gap = INFINITY, gap_in, inner_tol, scale, radius
    cdef double d_best = -INFINITY, scale_cand, round_a = 0.0, round_b = 0.0
    cdef double gap_cand, d_in_best, gap_own, tol = opt.tol
    # the inner loop's flags as locals (a struct behind a pointer is re-read
    # after every store to w or r: Python builds with -fno-strict-aliasing)
    cdef bint random = opt.random, anderson = opt.anderson, cycling = opt.cycling
    cdef double screen_eps = 1e3 * (1.1920929e-07 if floating is float
                                    else 2.220446049250313e-16)
    cdef uint32_t seed = <uint32_t> rng.randint(1, RAND_R_MAX)
    cdef bint converged = False, ws_is_all = True, predicted = False, full, was_full
    cdef bint same_all, resumed = False, spent = False, dw_end, xta_known = False
    # scikit-learn's second stop test (when opt.dw_tol >= 0): the last sweep
    # over the working set moved no coefficient by more than
    # dw_tol * max|w| (floored at a few ulps, below which an update is rounding)
    cdef bint dw_check = opt.dw_tol >= 0.0, jumped = False
    cdef bint dw_ok = not dw_check
    cdef double dw_tol = max(opt.dw_tol, 4.0 * (1.1920929e-07 if floating is float
                                                else 2.220446049250313e-16)) \
        if dw_check else tol
    # the updates that trigger an early gap check: tol's, until the gap alone
    # is met (then the updates are what is waited for)
    cdef double trig_tol = tol, dw_floor = 0.0  # updates rounding can make
    # a full gap that met tol while the updates were still large: its dual
    # value (d_cert) is a lower bound for every later w, and the sweeps since
    # only lowered P(w), so once the updates are small P(w) - d_cert, from the
    # residual alone, certifies the stop without another pass over X.  Only
    # for a true dual value: an L1 part (alpha = 0 "gaps" are gradient
    # norms), no unpenalised features (their part of the gap follows w)
    cdef bint cert = False
    cdef double d_cert = -INFINITY, p_now
    cdef Py_ssize_t updates_cert = 0
    cdef bint screening = opt.screening and pen_sparse(P)
    cdef bint working_set = opt.working_set and pen_sparse(P)

    with nogil:
        # column statistics, the residual of the initial w, a path's prediction
        y_norm2 = _start_state(L, xv, sw, xm, y, &w[0], P, stats, opt.stats_known,
                               &r[0], &xs[0], &norm2[0], st, &n_free, &XtA[0],
                               &xta_known, xty)
        if w_pred != NULL:
            predicted = _take_prediction(L, xv, sw, xm, &xs[0], P, &w[0], w_pred,
                                         &w_keep[0], &norm2[0], &r[0], st, &buf[0])
            xta_known = xta_known and not predicted
        tol_abs = tol * y_norm2
        if extrapolate and opt.dual_known:
            # a path's previous best dual point, rescaled to this alpha: for a
            # converged previous alpha its gap here is second order in the step
            d_best = _dual_from_corr(L, sw, y, P, &norm2[0], dual_u, dual_corr, NULL,
                                     p, &scale_cand)
        if n_free > 0:
            screening = False  # the gap is only a safe bound with every feature penalised
        if screening:
            _rounding_scales(L, xm, &norm2[0], P, st.s_total, &round_a, &round_b)
        for j in range(p):
            if norm2[j] > 0.0 and not pen_excluded(P, j):
                cand[n_cand] = <int32_t> j
                n_cand += 1
        n_active = n_cand
        active[:n_cand] = cand[:n_cand]
        sweep = max(n_cand, 1)
        budget = max_iter * sweep
    if state_in is not None and w_pred == NULL and _state_fits(
            state_in, w, n * T, rhist.shape[0], sweep):
        # go on where an earlier call ran out of budget (_cd_resume.pxd)
        _load_resid(state_in, r, st, T)
        iv, dv = state_in["ints"], state_in["dbls"]
        n_ws, n_ws_all, n_active, n_sub = iv[I_NWS], iv[I_NWS_ALL], iv[I_NACTIVE], iv[I_NSUB]
        n_hist, n_rhist, inner_epoch = iv[I_NHIST], iv[I_NRHIST], iv[I_INNER]
        n_sub_sweeps, next_check, last_check = iv[I_NSUBSW], iv[I_NEXT], iv[I_LAST]
        wait, ws_is_all, full, dw_ok, seed = (iv[I_WAIT], iv[I_WSALL], iv[I_FULL],
                                              iv[I_DWOK], iv[I_SEED])
        # the updates so far, and the sweeps the last call reported: this one
        # reports the sweeps it adds, and gets max_iter more than that
        updates = iv[I_UPDATES]
        base = (updates + sweep - 1) // sweep
        budget = (base + max_iter) * sweep
        # the best dual value is a certificate, of the saved call's problem
        # only: not carried (the rest only steers the solver)
        inner_tol, trig_tol, dw_floor = dv[D_INNER_TOL], dv[D_TRIG], dv[D_FLOOR]
        np.asarray(active)[:n_active] = state_in["active"]
        np.asarray(ws)[:n_ws] = state_in["ws"]
        np.asarray(sub)[:n_sub] = state_in["sub"]
        np.asarray(rhist)[:] = state_in["rhist"]
        if anderson:
            hist = np.empty((ANDERSON_K + 1) * n_ws * T, dtype=dtype)
            np.asarray(hist)[:n_hist * n_ws * T] = state_in["hist"]
            w_acc = np.empty(n_ws * T, dtype=dtype)
            w_ws_prev = np.empty(n_ws * T, dtype=dtype)
        resumed = True
        xta_known = False  # the saved residual is not the start's

    while True:
        p_now = INFINITY
        if not resumed and cert and dw_ok and updates > updates_cert:
            with nogil:
                p_now = _primal(L, sw, &r[0], st, &w[0], P, NULL, p)
        if resumed:
            resumed = False  # a saved loop goes on at the top of its inner loop
        elif p_now - d_cert <= tol_abs:
            gap = p_now - d_cert  # the certificate of the earlier full gap
            converged = True
            if opt.verbose:
                print(f"[cd] {updates} updates: gap {gap:.3e} (tol {tol_abs:.3e}) "
                      f"by the last full gap's dual value")
            break
        else:
            with nogil:
                gap = _outer_gap(L, xv, sw, xm, y, &w[0], P, &norm2[0], &r[0], st,
                                 &XtA[0], extrapolate, &rhist[0], &n_rhist, &racc[0],
                                 &corr[0], &gp, &pushed, xta_known)
                xta_known = False
                scale = gp.scale
                gap_cand = gap
                gap_own = gap
                if extrapolate:
                    # the stopping gap uses the best dual value seen so far; screening
                    # and priorities use this iteration's best point and its own gap
                    gap = _dual_step(L, xv, sw, xm, y, P, &norm2[0], &r[0], &rhist[0],
                                     &n_rhist, &racc[0], &corr[0], &XtA[0], &gp, gap,
                                     &d_best, dual_u, dual_corr, &prio, &scale, &gap_cand,
                                     pushed)
                if updates > 0 and gap <= tol_abs and dw_ok or (
                        updates == 0 and not predicted and gap_own <= tol_abs):
                    # a caller's start is accepted as scikit-learn accepts it, on its
                    # own residual's gap; a path's prediction, or a dual point
                    # inherited from the previous alpha, counts only once the iterate
                    # has been worked on (accepted at once, they stop paths on
                    # points scikit-learn would still improve).  After an epoch, the
                    # gap and the last full sweep's updates must both be small, as
                    # in scikit-learn: on an ill-conditioned problem a small gap
                    # alone leaves the coefficients far less accurate than tol says
                    converged = True
                elif not spent:
                    if gap <= tol_abs and gp.unpen == 0.0 and n_free == 0 and (
                            pen_sparse(P)):
                        cert = True
                        d_cert = max(d_cert, gp.primal - gap)
                        updates_cert = updates
                    # Gap Safe screening, then the priorities for the working set
                    # (_working_set.pxd).  The radius comes from a certified bound:
                    # the computed gap, clipped at 0, plus what rounding can hide (a
                    # predicted start's gap can come out negative).
                    radius = INFINITY
                    if screening:
                        radius = sqrt(2.0 * (max(gap_cand, 0.0) + _gap_rounding(
                            L, &w[0], xm, &norm2[0], P, st.s_total, y_norm2, &gp,
                            round_a, round_b)))
                    n_active = _screen_and_score(
                        L, xv, sw, xm, &xs[0], P, &w[0], &r[0], st, &buf[0], &norm2[0], prio,
                        scale, radius, screen_eps, screening, working_set, &cand[0], n_cand,
                        &active[0], &score[0], &nnz)
                    ws_size = max(2 * nnz, WS_START)
                    if (not L.sparse and not ws_is_all and nnz >= n_ws
                            and 32 * nnz <= p):
                        # the last working set came out all non-zero: the support
                        # is larger still.  On dense X each outer iteration reads
                        # all of X for its gap, many times a sweep over a set
                        # this small (most of a fit's time at a strong penalty),
                        # so the set grows 4x, not 2x.  Not on sparse X, where a
                        # pass costs little and the gain did not pay for the
                        # looser stopping points it gave (bench_accuracy.py), nor
                        # once the set is an eighth of the features (on 64
                        # features it cost digits a third more time).
                        ws_size = max(ws_size, 4 * nnz)
                    ws_is_all = not working_set or ws_size >= n_active
                    if dw_check and gap <= tol_abs:
                        trig_tol = max(trig_tol, dw_tol)
                        dw_floor = _update_rounding(&w[0], &norm2[0], P, p, y_norm2)
            if opt.verbose:
                print(f"[cd] {updates} updates: gap {gap:.3e} (tol {tol_abs:.3e}), "
                      f"active {n_active}, next working set "
                      f"{n_active if ws_is_all else ws_size}")
            if converged or spent:
                break
            # the same whole set again (only the full gap stopped the last sweeps):
            # the inner loop goes on where it was, its extrapolation history and
            # the back-off of its checks kept (reset, a set solved to its gap
            # re-checked every epoch: one full gap per epoch and no extrapolation)
            same_all = ws_is_all and n_ws_all == n_active
            n_ws_all = n_active if ws_is_all else -1
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
            if anderson and hist.shape[0] < (ANDERSON_K + 1) * n_ws * T:
                hist = np.empty((ANDERSON_K + 1) * n_ws * T, dtype=dtype)
                w_acc = np.empty(n_ws * T, dtype=dtype)
                w_ws_prev = np.empty(n_ws * T, dtype=dtype)

            # a new inner loop
            if not same_all:
                n_hist = 0
                inner_epoch = 0
                next_check = GAP_EVERY
                last_check = 0
                wait = 1
            elif gap <= tol_abs:
                wait = 1  # only the updates are awaited: check as soon as they are small
            full = True
            n_sub_sweeps = 0
            d_in_best = d_best
            dw_ok = not dw_check
        with nogil:
            while True:
                # glmnet's active-set cycling: after a sweep over the working set,
                # sweep only its non-zeros until they settle, then sweep it all again
                cur = &ws[0] if full else &sub[0]
                n_cur = n_ws if full else n_sub
                if updates + n_cur > budget:
                    # out of budget: the state here is what a later call resumes
                    # from; w's gap and the last sweep's updates are reported
                    spent = True
                    dw_end = not dw_check or not jumped and (
                        w_max == 0.0 or d_w_max <= max(dw_tol * w_max, dw_floor))
                    break
                w_max = 0.0
                d_w_max = 0.0
                for f_iter in range(n_cur):
                    if random:
                        j = cur[_rand_int(<uint32_t> n_cur, &seed)]
                    else:
                        j = cur[f_iter]
                    blk_update(L, xv, sw, xm, &xs[0], P, j, &w[0], &r[0], st,
                               norm2[j], &d_w_max, &w_max, &buf[0])
                updates += n_cur
                inner_epoch += 1
                was_full = full
                jumped = False
                if full:
                    n_sub = 0
                    for k in range(n_ws):
                        if blk_nonzero(P, &w[0], ws[k]):
                            sub[n_sub] = ws[k]
                            n_sub += 1
                    full = n_sub == 0 or n_sub == n_ws or not cycling
                    n_sub_sweeps = 0
                else:
                    n_sub_sweeps += 1
                    full = (n_sub_sweeps >= SUB_SWEEPS or w_max == 0.0
                            or d_w_max <= tol * w_max)

                if anderson and not random:
                    jumped = _anderson_step(L, xv, sw, xm, &xs[0], P, &w[0], &r[0], st,
                                            &buf[0], &ws[0], n_ws, &hist[0], &n_hist,
                                            &w_acc[0], &w_ws_prev[0])

                if not was_full:
                    continue
                # the gap is checked every GAP_EVERY epochs, and earlier when the
                # updates become small; those early checks back off (1, 2, 4...
                # epochs apart) while they fail: on a flat problem the updates
                # stay small long before the gap is reached, and a check costs
                # about two epochs
                if (inner_epoch >= next_check
                        or ((w_max == 0.0 or d_w_max <= trig_tol * w_max)
                            and inner_epoch - last_check >= wait)):
                    next_check = inner_epoch + GAP_EVERY
                    if inner_epoch - last_check >= wait:
                        wait = min(2 * wait, GAP_EVERY)
                    last_check = inner_epoch
                    # the last sweep's updates (over the working set: the features
                    # outside it are zero, and the full gap certifies them), unless
                    # an extrapolation moved w since
                    dw_ok = not dw_check or not jumped and (
                        w_max == 0.0 or d_w_max <= max(dw_tol * w_max, dw_floor))
                    if ws_is_all:
                        break  # the outer loop computes the full gap
                    gap_in = _gap(L, xv, sw, xm, y, &w[0], P, &norm2[0], &r[0], st,
                                  &XtA[0], &ws[0], n_ws, &gp)
                    if extrapolate:
                        gap_in = _dual_step_ws(L, xv, sw, xm, y, P, &norm2[0], &r[0],
                                               &rhist[0], &n_rhist, &racc[0], &corr[0],
                                               &gp, gap_in, &ws[0], n_ws, &d_in_best)
                    if gap_in <= inner_tol:
                        break
        if spent:
            if state_out is not None:
                state_out.update(_save_state(w, r, st, T, active, ws, sub, hist, rhist, np.array(
                    [n_ws, n_ws_all, n_active, n_sub, n_hist, n_rhist, inner_epoch,
                     n_sub_sweeps, next_check, last_check, wait, ws_is_all, full, dw_ok,
                     seed, updates, sweep], dtype=np.int64), np.array(
                    [inner_tol, d_in_best, d_best, trig_tol, dw_floor])))
            dw_ok = dw_end

    return kernel_result(w, gap, tol_abs, (updates + sweep - 1) // sweep - base, converged)


include "_cd_entry.pxi"
