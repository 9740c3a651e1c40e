# Gap Safe screening and the working-set priorities of the loop on X
# (_cd_fast.pyx): at each outer iteration, which candidates stay active and
# how close each is to violating its dual constraint (the score the working
# set is chosen by, _accelerators._select_smallest).  Header-only, generic
# over the penalty (fused penalty_t).
#
# * Gap Safe screening (Fercoq et al. 2015; Ndiaye et al. 2017): a feature j
#   with (alpha pf_j - |x_j^T theta|) / sqrt(||x_j||^2 + beta pf_j) > sqrt(2 G)
#   is zero at the optimum; G is a certified bound (the computed gap clipped at
#   0 plus what rounding can hide), and the decision is retaken at every outer
#   iteration, so rounding can never remove a support feature for good.
# * Working sets prioritised by the dual (Massias, Gramfort & Salmon 2018,
#   "Celer"): the inner CD runs on the current non-zeros plus the features
#   closest to violating the dual constraint, the set doubling each outer
#   iteration, until the full gap certifies the whole problem.
from cython cimport floating
from libc.math cimport INFINITY
from libc.stdint cimport int32_t

from skreg._solvers._coordinate cimport blk_nonzero, blk_set
from skreg._solvers._datafit_quadratic cimport Layout, Resid
from skreg._solvers._penalties cimport pen_block, pen_dist, pen_dist_margin, pen_free, penalty_t


cdef inline Py_ssize_t _screen_and_score(
        const Layout* L, const floating* xv, const floating* sw, const floating* xm,
        const floating* xs, const penalty_t* P, floating* w, floating* r, Resid* st,
        floating* buf, const floating* norm2, const floating* prio, double scale,
        double radius, double screen_eps, bint screening, bint working_set,
        const int32_t* cand, Py_ssize_t n_cand, int32_t* active, floating* score,
        Py_ssize_t* nnz) noexcept nogil:
    """Screen the candidates; the survivors go to ``active``, their number returned.

    A candidate j whose Gap Safe distance (from the dual point's correlations
    ``prio`` and its ``scale``) exceeds ``radius`` plus what rounding can move
    it is zero at the optimum: it is set to 0 and left out.  ``radius`` must
    come from a certified bound (the caller clips the gap at 0 and adds the
    rounding allowance).  The screen is re-decided over all candidates at
    every outer iteration, so a feature removed on a bound that rounding made
    wrong comes back once the gap says so.  Each survivor's score is its
    distance, or -inf for a non-zero or unpenalised coordinate (always in the
    working set); ``nnz`` receives how many of those there are.
    """
    cdef Py_ssize_t i, j, k = 0, T = pen_block(P)
    cdef double dist
    nnz[0] = 0
    for i in range(n_cand):
        j = cand[i]
        dist = pen_dist(P, j, &prio[j * T], scale, norm2[j]) if \
            working_set or screening else 0.0
        # screened only beyond rounding: at a gap near zero (tol=0, or a
        # path's prediction) a feature of the support has dist at rounding
        # level, and removing it would stall the solver
        if screening and dist > radius and (
                dist > radius + pen_dist_margin(P, j, norm2[j], screen_eps)):
            blk_set(L, xv, sw, xm, xs, P, w, j, NULL, False, r, st, buf)
            continue
        active[k] = <int32_t> j
        k += 1
        if blk_nonzero(P, w, j) or pen_free(P, j):
            score[j] = -INFINITY
            nnz[0] += 1
        else:
            score[j] = dist
    return k
