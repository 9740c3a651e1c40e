"""Compiled and numerical solvers; this ``__init__`` is the package's entry point."""

# --- Ridge: the centered design, direct / iterative / leave-one-out solvers, SAG
from skreg._solvers._blas_threads import single_blas_thread
from skreg._solvers._design import CenteredDesign, NonFiniteError, preprocess, weighted_mean
from skreg._solvers._ridge_direct import (
    IllConditionedError,
    solve_cholesky,
    solve_eigh,
    solve_svd,
    warn_fallback,
)
from skreg._solvers._ridge_iterative import (
    solve_cd,
    solve_lbfgs,
    solve_lsqr,
    solve_sag,
    solve_sparse_cg,
)
from skreg._solvers._ridge_loo import LooDecomposition, ridge_coefs_eigh
from skreg._solvers._sag import auto_step_size, sag_solve
# --- end Ridge
