# Declarations of the loop on X (_cd_fast.pyx): its constants and options.

cdef enum:
    GAP_EVERY = 10          # inner gap checked at least every GAP_EVERY epochs
    WS_START = 10           # first working-set size (celer's p0)
    SUB_SWEEPS = 10         # sweeps over the non-zeros between two full sweeps
    EXTRAPOLATE_N_PER_P = 20  # dual extrapolation only for n <= this * p


ctypedef struct Options:
    Py_ssize_t max_iter
    double tol
    double dw_tol           # < 0: stop on the gap only; else also max|dw| <= dw_tol max|w|
    bint random             # selection='random'
    bint screening          # Gap Safe screening
    bint working_set        # celer's working sets
    bint anderson           # Anderson extrapolation of the iterates
    bint dual_extrapolation # a Lasso's extrapolated dual points (shape permitting)
    bint verbose
    bint cycling            # glmnet's sweeps over the non-zeros
    bint stats_known        # the path's column statistics are filled in
    bint dual_known         # the path's previous dual point is filled in
