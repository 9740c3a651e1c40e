"""'sag' and 'saga' for the logistic objective, on skreg's compiled SAG kernel.

The logistic solvers of ``_logistic_solvers`` minimise the normalised
objective ``G = sum_i s~_i loss_i + alpha pen(W)`` (``s~`` summing to 1,
``alpha = 1 / (C sum(s))``).  The SAG kernel minimises

    (1/n) sum_i s'_i loss_i + alpha_scaled / 2 sum_j f2_j ||W_j||^2
                            + beta_scaled sum_j f1_j ||W_j||_1,

so it gets ``s' = n s~`` (weights of mean 1), ``alpha_scaled = alpha (1 -
l1_ratio)`` and ``beta_scaled = alpha l1_ratio``: the same function.  With
unit sample weights (or 'balanced' class weights) this is exactly
scikit-learn's call, ``alpha_scaled = (1 - l1_ratio) / (C n)``, hence its step
size; other weights are rescaled to mean 1 before the step size is chosen
(scikit-learn uses them as given, which changes its step with their scale).

Binary problems use the log loss on one column (y in {0, 1}), multinomial
ones the softmax loss on n_classes columns, as scikit-learn's sag_solver.
Along a path over Cs the SAG memory (per-sample gradients and their sums) is
carried from one C to the next, as scikit-learn's ``warm_start_mem``; a new
path (a new ``fit``) starts with an empty memory.  Stopping (max weight change
over an epoch <= tol * max weight), ``max_iter`` epochs and the
ConvergenceWarning are the kernel's, as scikit-learn's.
"""

import time

import numpy as np

from skreg._solvers import sag_solve
from skreg.linear_model._logistic_math import split_factors

__all__ = ["SAG_SOLVERS", "make_sag_solver"]

SAG_SOLVERS = ("sag", "saga")


def _factors(pf, n_features):
    """(L2 factors, L1 factors) as arrays, or (None, None) for no factors."""
    f2, f1 = split_factors(pf)
    if np.isscalar(f2) and np.isscalar(f1) and f2 == 1.0 and f1 == 1.0:
        return None, None
    return (np.broadcast_to(np.asarray(f2, dtype=np.float64), (n_features,)),
            np.broadcast_to(np.asarray(f1, dtype=np.float64), (n_features,)))


def make_sag_solver(solver, random_state):
    """A solver with the signature of ``_logistic_solvers.SOLVERS``'s values.

    Parameters
    ----------
    solver : {'sag', 'saga'}
        The algorithm: SAG (L2 or no penalty) or SAGA (any l1_ratio).
    random_state : int, RandomState instance or None
        Drawing of the samples; a seed is drawn from it at every call (an
        int gives every C of a path the same seed, as scikit-learn).

    Returns
    -------
    solve : callable
        ``solve(X, y, sw, W, b, alpha, l1_ratio, pf, binary, fit_intercept,
        tol, max_iter, verbose) -> (W, b, n_iter)``, keeping the SAG memory
        from one call to the next (one path, same X and y).
    """
    is_saga = solver == "saga"
    memory = {}

    def solve(X, y, sw, W, b, alpha, l1_ratio, pf, binary, fit_intercept, tol,
              max_iter, verbose):
        n_samples = X.shape[0]
        n_rows, n_features = W.shape
        if not is_saga and alpha > 0 and l1_ratio > 0:
            raise ValueError("The L1 penalty needs solver='saga'.")
        f2, f1 = _factors(pf, n_features)
        tic = time.time()
        coef, intercept, n_iter = sag_solve(
            X, y, sw * n_samples, loss="log" if binary else "multinomial",
            alpha_scaled=alpha * (1.0 - l1_ratio), beta_scaled=alpha * l1_ratio,
            max_iter=max_iter, tol=tol, random_state=random_state, is_saga=is_saga,
            fit_intercept=fit_intercept, coef_init=np.ascontiguousarray(W.T),
            intercept_init=b, l2_factor=f2, l1_factor=f1, warm_start_mem=memory,
        )
        if verbose:
            print(f"{solver}: convergence after {n_iter} epochs took "
                  f"{time.time() - tic:.3f} seconds")
        W_new = np.ascontiguousarray(coef.T, dtype=np.float64)
        b_new = (np.asarray(intercept, dtype=np.float64) if fit_intercept
                 else np.zeros(n_rows))
        return W_new, b_new, n_iter

    return solve
