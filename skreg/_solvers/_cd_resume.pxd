# The X kernel's loop state when its budget runs out (_cd_fast.pyx), kept so
# that a later call on the same problem can go on exactly where it stopped.
#
# max_iter bounds a fit's work.  A fit stopped by it and continued with
# warm_start must be the fit that was not stopped (scikit-learn's CD has no
# state beyond w; skreg's has its working set, the extrapolation histories,
# the back-off of its checks and the residual's rounding).  The state is a
# plain dict of arrays, held by the estimator; a resumed call checks that it
# belongs to this start (same w, same sizes) and otherwise starts afresh.  It
# only steers the solver: the stop is certified on the resumed call's own gap.

from cython cimport floating
from libc.stdint cimport int32_t

import numpy as np

from skreg._solvers._datafit_quadratic cimport Resid

# the integer and float scalars, in this order
cdef enum:
    I_NWS, I_NWS_ALL, I_NACTIVE, I_NSUB, I_NHIST, I_NRHIST, I_INNER, I_NSUBSW
    I_NEXT, I_LAST, I_WAIT, I_WSALL, I_FULL, I_DWOK, I_SEED, I_UPDATES, I_SWEEP, N_INT
cdef enum:
    D_INNER_TOL, D_IN_BEST, D_BEST, D_TRIG, D_FLOOR, N_DBL


cdef inline dict _save_state(const floating[::1] w, const floating[::1] r,
                             const Resid* st, Py_ssize_t T, const int32_t[::1] active,
                             const int32_t[::1] ws, const int32_t[::1] sub,
                             const floating[::1] hist, const floating[::1] rhist,
                             object ints, object dbls):
    """The state as arrays (copies); ``ints``/``dbls`` are the scalars above."""
    cdef Py_ssize_t t, n_ws = ints[<int> I_NWS]
    return {
        "w": np.array(w), "r": np.array(r),
        "st": np.array([[st[t].c, st[t].rsum, st[t].s_total] for t in range(T)]),
        "active": np.array(active[:ints[<int> I_NACTIVE]]), "ws": np.array(ws[:n_ws]),
        "sub": np.array(sub[:ints[<int> I_NSUB]]),
        "hist": np.array(hist[:ints[<int> I_NHIST] * n_ws * T]), "rhist": np.array(rhist),
        "ints": ints, "dbls": dbls,
    }


cdef inline bint _state_fits(dict state, const floating[::1] w, Py_ssize_t n_r,
                             Py_ssize_t n_rhist_buf, Py_ssize_t sweep):
    """Whether ``state`` was saved by a call that ended at this start."""
    if not state or "ints" not in state:
        return False
    saved = state["w"]
    return (state["ints"][<int> I_SWEEP] == sweep
            and saved.dtype == np.asarray(w).dtype and saved.shape[0] == w.shape[0]
            and np.array_equal(saved, np.asarray(w)) and state["r"].shape[0] == n_r
            and state["rhist"].shape[0] == n_rhist_buf)


cdef inline void _load_resid(dict state, floating[::1] r, Resid* st, Py_ssize_t T):
    """The saved residual and its scalars (the start's recomputation rounds otherwise)."""
    cdef Py_ssize_t t
    cdef double[:, :] s = state["st"]
    np.asarray(r)[:] = state["r"]
    for t in range(T):
        st[t].c = s[t, 0]
        st[t].rsum = s[t, 1]
        st[t].s_total = s[t, 2]
