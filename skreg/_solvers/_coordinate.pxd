# One coordinate of the loop on X, for any (datafit, penalty) pair: a block
# of T = pen_block(P) values of w.  T = 1 (the elastic net) compiles to the
# scalar code (quadratic datafit, scalar prox); T > 1 (the L2,1 penalty) to
# the multi-task datafit and block soft-thresholding.  The loop (_cd_fast.pyx)
# calls these and indexes every per-coordinate buffer by j * T, so it is
# written once for both.  The residual states st are T Resid (one per task).
from cython cimport floating
from libc.math cimport fabs

from skreg._solvers._datafit_multitask cimport _grad_blk, _move_blk
from skreg._solvers._datafit_quadratic cimport Layout, Resid, _grad, _move, _set_coef
from skreg._solvers._penalties cimport pen_block, pen_project, pen_prox, penalty_t
from skreg._solvers._penalty_enet cimport EnetPenalty
from skreg._solvers._penalty_l21 cimport _l21_prox


cdef inline bint blk_nonzero(const penalty_t* P, const floating* w,
                             Py_ssize_t j) noexcept nogil:
    """Whether coordinate j is non-zero."""
    cdef Py_ssize_t t, T = pen_block(P)
    if penalty_t is EnetPenalty:
        return w[j] != 0.0
    else:
        for t in range(T):
            if w[j * T + t] != 0.0:
                return True
        return False


cdef inline void blk_move(const Layout* L, const floating* xv, const floating* sw,
                          const floating* xm, const floating* xs, const penalty_t* P,
                          Py_ssize_t j, const floating* d, floating* r,
                          Resid* st) noexcept nogil:
    """The residual state(s) for w_j += d (d: the block's T values)."""
    if penalty_t is EnetPenalty:
        _move(L, xv, sw, xm, xs, j, d[0], r, st)
    else:
        _move_blk(L, xv, sw, xm, xs, j, d, r, st, P.n_tasks)


cdef inline void blk_set(const Layout* L, const floating* xv, const floating* sw,
                         const floating* xm, const floating* xs, const penalty_t* P,
                         floating* w, Py_ssize_t j, const floating* v, bint project,
                         floating* r, Resid* st, floating* buf) noexcept nogil:
    """w_j = v (NULL: zero; projected into the penalty's domain if asked).

    ``buf`` holds T values of scratch (unused for T = 1).
    """
    cdef Py_ssize_t t, T = pen_block(P)
    cdef floating x
    cdef bint moved = False
    if penalty_t is EnetPenalty:
        x = 0.0 if v == NULL else (pen_project(P, j, v[0]) if project else v[0])
        _set_coef(L, xv, sw, xm, xs, w, j, x, r, st)
    else:
        for t in range(T):
            x = 0.0 if v == NULL else (pen_project(P, j, v[t]) if project else v[t])
            buf[t] = x - w[j * T + t]
            moved = moved or buf[t] != 0.0
            w[j * T + t] = x
        if moved:
            _move_blk(L, xv, sw, xm, xs, j, buf, r, st, T)


cdef inline void blk_update(const Layout* L, const floating* xv, const floating* sw,
                            const floating* xm, const floating* xs, const penalty_t* P,
                            Py_ssize_t j, floating* w, floating* r, Resid* st,
                            floating lip, floating* d_w_max, floating* w_max,
                            floating* buf) noexcept nogil:
    """One coordinate-descent step on coordinate j (prox of the partial minimiser).

    Tracks the largest change and the largest value (max |.| over the block's
    entries, scikit-learn's d_w_max and w_max).  ``buf`` holds 2 T values.
    """
    cdef Py_ssize_t t, T = pen_block(P)
    cdef floating g, w_j, w_new, d
    cdef bint moved = False
    if penalty_t is EnetPenalty:
        w_j = w[j]
        g = _grad(L, xv, xm, xs, j, r, st) + w_j * lip
        w_new = pen_prox(P, j, g, lip)
        if w_new != w_j:
            _move(L, xv, sw, xm, xs, j, w_new - w_j, r, st)
            w[j] = w_new
            d_w_max[0] = max(d_w_max[0], fabs(w_new - w_j))
        w_max[0] = max(w_max[0], fabs(w_new))
    else:
        _grad_blk(L, xv, xm, xs, j, r, st, T, buf)
        for t in range(T):
            buf[t] += w[j * T + t] * lip
        _l21_prox(P, j, buf, lip, buf + T)
        for t in range(T):
            w_new = buf[T + t]
            d = w_new - w[j * T + t]
            buf[t] = d
            if d != 0.0:
                moved = True
                w[j * T + t] = w_new
                d_w_max[0] = max(d_w_max[0], fabs(d))
            w_max[0] = max(w_max[0], fabs(w_new))
        if moved:
            _move_blk(L, xv, sw, xm, xs, j, buf, r, st, T)
