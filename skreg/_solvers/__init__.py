"""The solvers: the one entry point for the rest of skreg.

Callers import from here (``from skreg._solvers import solve_enet``), never
from the private modules below.

Coordinate descent (Lasso / ElasticNet)
---------------------------------------
``solve_enet`` (X dense or CSC), ``solve_enet_gram`` (a Gram matrix) and
``solve_l21`` / ``solve_l21_gram`` (multi-task) in _cd.py pick and call the
compiled kernels; ``start_stats`` gives a fit its column means together
with the kernel's start state, from one read of X (dense or CSC).  The
compiled core gives each piece of math one home, after skglm's datafits /
penalties / solvers:

* _datafit_quadratic.pxd: weighted least squares with implicit centering
  (column products, residual state and moves, column statistics, X~^T v);
* _penalty_enet.pxd: the elastic net with glmnet's factors (prox, value,
  dual norm, Gap Safe distance, its duality gap from the datafit's pieces);
* _datafit_multitask.pxd: its block generalisation, T targets sharing X
  (task t's state is the quadratic datafit's; BLAS over the T tasks);
* _penalty_l21.pxd: the multi-task L2,1 penalty (block soft-thresholding,
  row-norm dual, its gap), W's rows the coordinates;
* _coordinate.pxd: one coordinate of the loop, a block of T values (T = 1
  for the elastic net compiles to the scalar code);
* _penalties.pxd: the fused type ``penalty_t`` over the penalty structs and
  the ``pen_*`` functions the loops call (resolved at compile time);
* _gap.pxd: the pair's duality gap on X, the Lasso dual of a candidate point
  and the rounding allowance that certifies screening;
* _accelerators.pxd: Anderson extrapolation, quickselect, random order;
* _cd_fast.pyx: the loop on X (outer gap, working sets, stop, path
  hand-offs), with its steps in _cd_start.pxd (column statistics, initial
  residual, a path's predicted start), _working_set.pxd (Gap Safe screening
  and priorities) and _extrapolation.pxd (the Anderson and dual steps);
  _cd_gram.pyx: the loop on a Gram matrix; _convergence.py: their warning.

A new penalty is a new ``_penalty_<name>.pxd`` plus one member of
``penalty_t`` and one branch per ``pen_*``.

Proximal Newton (logistic)
--------------------------
``solve_logistic_pn`` in _prox_newton.py calls _prox_newton_fast.pyx, the
prox-Newton loop (working sets, backtracking, a KKT stopping criterion) on
_datafit_logistic.pxd (binary and multinomial loss: value, raw residuals,
Newton weights).  ``logistic_value_residuals`` (_logistic_fast.pyx) is the
same datafit's value and all its residuals at once, for the lbfgs solver's
objective.  Each Newton step's weighted least-squares model is the
quadratic datafit re-weighted (s = p(1 - p)), solved by the same coordinate
step (_coordinate.pxd's blk_update, the penalty's prox): no copy of it.

Ridge
-----
_design.py: the implicitly centered (and weighted) design, and skreg's one
builder of X^T S X (``weighted_gram``, also behind the coordinate-descent
models' Gram matrices in linear_model/_gram.py); _ridge_direct.py
(Cholesky, SVD, eigendecomposition), _ridge_iterative.py (lsqr, CG, lbfgs,
cd, sag), _ridge_loo.py (RidgeCV's leave-one-out decomposition), _sag.py and
_sag_fast.pyx (SAG / SAGA, compiled, loss pluggable); _blas_threads.py.
"""

# --- coordinate descent ------------------------------------------------------
# --- Ridge: the centered design, direct / iterative / leave-one-out solvers, SAG
from skreg._solvers._blas_threads import single_blas_thread
from skreg._solvers._cd import (
    solve_enet,
    solve_enet_gram,
    solve_l21,
    solve_l21_gram,
    start_stats,
)
from skreg._solvers._cd_fast import _select_smallest_py as select_smallest
from skreg._solvers._cd_fast import lasso_dual_extrapolated
from skreg._solvers._design import (
    CenteredDesign,
    NonFiniteError,
    preprocess,
    weighted_gram,
    weighted_mean,
)
from skreg._solvers._logistic_fast import logistic_value_residuals
from skreg._solvers._prox_newton import solve_logistic_pn
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

# The re-exports, listed so that linters and ``from skreg._solvers import *``
# see them as the package's interface.
__all__ = [
    # coordinate descent
    "start_stats",
    "solve_enet",
    "solve_enet_gram",
    "solve_l21",
    "solve_l21_gram",
    "lasso_dual_extrapolated",
    "select_smallest",
    # proximal Newton (logistic)
    "solve_logistic_pn",
    "logistic_value_residuals",
    # Ridge
    "single_blas_thread",
    "CenteredDesign",
    "NonFiniteError",
    "preprocess",
    "weighted_gram",
    "weighted_mean",
    "IllConditionedError",
    "solve_cholesky",
    "solve_eigh",
    "solve_svd",
    "warn_fallback",
    "solve_cd",
    "solve_lbfgs",
    "solve_lsqr",
    "solve_sag",
    "solve_sparse_cg",
    "LooDecomposition",
    "ridge_coefs_eigh",
    "auto_step_size",
    "sag_solve",
]
