"""Solvers for the normalised logistic objective G of ``_logistic_math``.

All three take and return ``W`` of shape (n_rows, n_features) and ``b`` of
shape (n_rows,), float64 (X's products run in X's dtype), with n_rows = 1 for
a binary problem (y in {0, 1}) and n_classes for a multinomial one (y the
integer class index), and stop once the gradient (lbfgs, newton-cholesky) or
the KKT violation of G (cd) is <= ``tol``: scikit-learn's ``tol`` on the same
scale.

- ``lbfgs``: scipy's L-BFGS-B, as scikit-learn calls it (gtol=tol,
  ftol=64 eps, maxls=50, its parameter order); L2 penalties only.  The
  objective is one product per side and the compiled datafit
  (skreg._solvers.logistic_value_residuals) in between.
- ``newton-cholesky``: Newton steps with the exact Hessian, Cholesky solves
  and Armijo backtracking; L2 penalties only.
- ``cd``: proximal Newton (glmnet's IRLS-CD, Friedman, Hastie and Tibshirani
  2010; prox-Newton of celer, Massias et al. 2020, and skglm, Bertrand et al.
  2022), compiled: skreg._solvers.solve_logistic_pn (working sets by KKT
  violation, coordinate descent on each Newton step's weighted least-squares
  model, backtracking on G).  Multinomial problems cycle the classes with a
  per-class quadratic (partial Newton), as glmnet does, inside the kernel.
"""

import warnings

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from scipy import optimize
from sklearn.exceptions import ConvergenceWarning

from skreg._solvers import logistic_value_residuals, solve_logistic_pn, weighted_gram
from skreg.linear_model._logistic_math import (
    data_loss,
    raw_predict,
    residual,
    split_factors,
)
from skreg.utils import user_stacklevel

__all__ = ["SOLVERS"]

_CONVERGENCE_HINT = (
    "Increase the number of iterations (max_iter) or scale the data as shown "
    "in:\n    https://scikit-learn.org/stable/modules/preprocessing.html"
)


def _pack(W, b, fit_intercept):
    """theta = [W^T.ravel(), b]: scikit-learn's order (a feature's K
    coefficients together, the intercepts last)."""
    w = W.T.flatten()  # a copy: scipy's iterate never aliases W
    return np.concatenate([w, b]) if fit_intercept else w


def _unpack(theta, n_rows, n_features, fit_intercept):
    """(W (n_rows, n_features) C-ordered, b) from :func:`_pack`'s theta."""
    W = np.ascontiguousarray(theta[: n_rows * n_features].reshape(n_features, n_rows).T)
    b = theta[n_rows * n_features:] if fit_intercept else np.zeros(n_rows)
    return W, b


def _lbfgs_objective(X, y, sw, alpha, pf, n_rows, fit_intercept):
    """theta -> (G, dG/dtheta) for lbfgs, theta as :func:`_pack` makes it.

    Its first n_features * n_rows entries are W^T (n_features, n_rows),
    C-ordered: eta = X W^T + b and the gradient X^T R are one product each,
    in place, R the residuals of the compiled datafit
    (skreg._solvers.logistic_value_residuals).  eta and R live in
    preallocated buffers of X's dtype (the products run in X's dtype, the
    datafit's exponentials, arithmetic and sums in float64); the gradient is
    a new array at each call (scipy may keep the previous one).
    """
    n_samples, n_features = X.shape
    size = n_rows * n_features
    dtype = X.dtype
    dense = not sp.issparse(X)
    XT = X.T
    y64 = np.ascontiguousarray(y, dtype=np.float64)
    sw64 = np.ascontiguousarray(sw, dtype=np.float64)
    eta = np.empty((n_samples, n_rows), dtype=dtype)
    R = np.empty((n_samples, n_rows), dtype=dtype)
    work = R if dtype == np.float64 else np.empty((n_samples, n_rows))  # the exps
    R_sum = np.empty(n_rows)
    # alpha * pen(W) with l1_ratio = 0: 1/2 sum_jk l2_jk (W^T)_jk^2
    l2 = None if alpha == 0 else np.broadcast_to(
        alpha * np.asarray(split_factors(pf)[0], dtype=np.float64)[..., None],
        (n_features, n_rows))

    def fun(theta):
        WT = theta[:size].reshape(n_features, n_rows)
        if dense:
            np.matmul(X, WT.astype(dtype, copy=False), out=eta)
        else:
            eta[...] = X @ WT.astype(dtype, copy=False)
        if fit_intercept:
            np.add(eta, theta[size:].astype(dtype, copy=False), out=eta)
        f = logistic_value_residuals(eta, y64, sw64, R, R_sum, work)
        grad = np.empty_like(theta)
        gWT = grad[:size].reshape(n_features, n_rows)
        if dense and dtype == np.float64:
            np.matmul(XT, R, out=gWT)
        else:
            gWT[...] = XT @ R
        if l2 is not None:
            pen = l2 * WT
            f += 0.5 * float(pen.ravel() @ theta[:size])
            gWT += pen
        if fit_intercept:
            grad[size:] = R_sum
        return f, grad

    return fun


def _lbfgs(X, y, sw, W, b, alpha, l1_ratio, pf, binary, fit_intercept, tol,
           max_iter, verbose, callback=None):
    """scipy's L-BFGS-B; ``callback(W, b)`` (if given) after each iteration."""
    n_rows, n_features = W.shape
    fun = _lbfgs_objective(X, y, sw, alpha, pf, n_rows, fit_intercept)

    theta0 = _pack(W, b, fit_intercept)
    scipy_cb = None if callback is None else (
        lambda xk: callback(*_unpack(xk.copy(), n_rows, n_features, fit_intercept)))
    res = optimize.minimize(
        fun, theta0, method="L-BFGS-B", jac=True,
        options={"maxiter": max_iter, "maxls": 50, "gtol": tol,
                 "ftol": 64 * np.finfo(float).eps},
        callback=scipy_cb,
    )
    if res.status != 0:
        warnings.warn(
            f"lbfgs failed to converge after {res.nit} iteration(s) "
            f"(status={res.status}):\n{res.message}.\n\n{_CONVERGENCE_HINT}",
            ConvergenceWarning, stacklevel=user_stacklevel(),
        )
    W, b = _unpack(res.x, n_rows, n_features, fit_intercept)
    return W, np.array(b, dtype=np.float64), min(int(res.nit), max_iter)


def _design_cols(X, fit_intercept):
    """[X, 1] as a dense float64 array or a sparse matrix (for the Hessian)."""
    if not fit_intercept:
        return X
    ones = np.ones((X.shape[0], 1), dtype=X.dtype)
    if sp.issparse(X):
        return sp.hstack([X, sp.csr_matrix(ones)], format="csr")
    return np.hstack([X, ones])


def _newton_step(H, g, n_iter):
    """-H^{-1} g, or None (with scikit-learn's LinAlgWarning) if H is singular.

    As scikit-learn's NewtonCholeskySolver: a symmetric solve whose
    ill-conditioning warning counts as failure; the caller then resorts to lbfgs.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", scipy.linalg.LinAlgWarning)
            return scipy.linalg.solve(H, -g, check_finite=False, assume_a="sym")
    except (np.linalg.LinAlgError, scipy.linalg.LinAlgWarning) as e:
        warnings.warn(
            "The inner solver of NewtonCholeskySolver stumbled upon a singular or "
            f"very ill-conditioned Hessian matrix at iteration {n_iter}. It will now "
            "resort to lbfgs instead.\nFurther options are to use another solver or "
            "to avoid such situation in the first place. Possible remedies are "
            "removing collinear features of X or increasing the penalization "
            "strengths.\nThe original Linear Algebra message was:\n" + str(e),
            scipy.linalg.LinAlgWarning, stacklevel=user_stacklevel(),
        )
        return None


def _fallback_lbfgs(X, y, sw, theta, alpha, pf, binary, fit_intercept, tol, max_iter,
                    verbose, n_features, n_iter):
    """Finish a Newton fit with lbfgs from ``theta`` (scikit-learn's fallback).

    The Newton iterations done before (n_iter - 1 complete ones) count, and
    lbfgs gets the rest of the ``max_iter`` budget, as in scikit-learn.
    """
    n_rows = theta.shape[0]
    W = theta[:, :n_features]
    b = theta[:, -1].copy() if fit_intercept else np.zeros(n_rows)
    budget = max_iter - n_iter
    W, b, k = _lbfgs(X, y, sw, np.ascontiguousarray(W), b, alpha, 0.0, pf, binary,
                     fit_intercept, tol, budget, verbose)
    return W, b, n_iter - 1 + k


def _newton_cholesky(X, y, sw, W, b, alpha, l1_ratio, pf, binary, fit_intercept,
                     tol, max_iter, verbose):
    n_rows, n_features = W.shape
    Z = _design_cols(X, fit_intercept)
    m = Z.shape[1]  # coefficients per row
    theta = np.concatenate([W, b[:, None]], axis=1) if fit_intercept else W.copy()
    l2 = np.zeros(m)
    if alpha > 0:
        l2[:n_features] = alpha * split_factors(pf)[0]
    # the softmax is unchanged by a common shift of all rows: that direction is
    # flat in the unpenalised coordinates; adding it to the Hessian leaves the
    # Newton step on the gradient's side (the gradient is orthogonal to it)
    flat = np.zeros(m)
    if not binary:
        flat[:] = 1.0 if alpha == 0 else 0.0
        if fit_intercept:
            flat[-1] = 1.0

    def f_grad(th):
        Wt, bt = th[:, :n_features], (th[:, -1] if fit_intercept else np.zeros(n_rows))
        eta = raw_predict(X, Wt, bt)
        R = residual(eta, y, sw, binary)
        g = np.asarray(Z.T @ R.astype(X.dtype), dtype=np.float64).T + l2 * th
        f = data_loss(eta, y, sw, binary) + 0.5 * float((l2 * th ** 2).sum())
        return f, g, eta

    f, g, eta = f_grad(theta)
    n_iter = 0
    converged = np.abs(g).max() <= tol
    while not converged and n_iter < max_iter:
        n_iter += 1
        if binary:
            p = 1.0 / (1.0 + np.exp(-eta[:, 0]))
            H = np.asarray(weighted_gram(Z, sw * p * (1.0 - p)), dtype=np.float64)
        else:
            P = np.exp(eta - eta.max(axis=1, keepdims=True))
            P /= P.sum(axis=1, keepdims=True)
            H = np.empty((n_rows * m, n_rows * m))
            for k in range(n_rows):
                for k2 in range(k, n_rows):
                    d = sw * P[:, k] * ((k == k2) - P[:, k2])
                    blk = np.asarray(weighted_gram(Z, d), dtype=np.float64)
                    H[k * m:(k + 1) * m, k2 * m:(k2 + 1) * m] = blk
                    H[k2 * m:(k2 + 1) * m, k * m:(k + 1) * m] = blk.T
            H += np.kron(np.ones((n_rows, n_rows)), np.diag(flat)) / n_rows
        H[np.diag_indices_from(H)] += np.tile(l2, n_rows)
        gv = g.ravel()
        step = _newton_step(H, gv, n_iter)
        if step is None or float(gv @ step) >= 0:  # singular H / not a descent
            return _fallback_lbfgs(X, y, sw, theta, alpha, pf, binary, fit_intercept,
                                   tol, max_iter, verbose, n_features, n_iter)
        step = step.reshape(n_rows, m)
        slope = float(gv @ step.ravel())
        t = 1.0
        for _ in range(21):  # scikit-learn's: until t = 0.5**20
            f_new, g_new, eta_new = f_grad(theta + t * step)
            if f_new <= f + 1e-4 * t * slope:
                break
            t *= 0.5
        else:
            warnings.warn(
                f"Line search of Newton solver NewtonCholeskySolver at iteration "
                f"#{n_iter} did not converge after 21 line search refinement "
                "iterations. It will now resort to lbfgs instead.",
                ConvergenceWarning, stacklevel=user_stacklevel(),
            )
            return _fallback_lbfgs(X, y, sw, theta, alpha, pf, binary, fit_intercept,
                                   tol, max_iter, verbose, n_features, n_iter)
        theta = theta + t * step
        f, g, eta = f_new, g_new, eta_new
        converged = np.abs(g).max() <= tol
    else:
        if not converged:
            warnings.warn(
                f"Newton solver did not converge after {n_iter} iterations "
                f"(gradient {np.abs(g).max():.3e} > tol {tol:.3e}). {_CONVERGENCE_HINT}",
                ConvergenceWarning, stacklevel=user_stacklevel(),
            )
    W = theta[:, :n_features]
    b = theta[:, -1].copy() if fit_intercept else np.zeros(n_rows)
    return np.ascontiguousarray(W), b, n_iter


def _cd(X, y, sw, W, b, alpha, l1_ratio, pf, binary, fit_intercept, tol,
        max_iter, verbose):
    """The compiled proximal-Newton kernel (skreg._solvers.solve_logistic_pn).

    G's penalty alpha * pen(W) is the kernel's elastic net with strengths
    alpha l1_ratio (L1) and alpha (1 - l1_ratio) (L2) and the factors pf
    applied to both; its KKT violation is the one of G, compared with tol.
    """
    W, b, kkt, n_iter, stalled = solve_logistic_pn(
        X, y, sw, W, b, alpha * l1_ratio, alpha * (1.0 - l1_ratio), penalty_factor=pf,
        fit_intercept=fit_intercept, max_iter=max_iter, tol=tol, verbose=verbose)
    if kkt > tol:
        reason = ("(rounding limits the accuracy: its last iteration made no progress)"
                  if stalled else f"after {n_iter} iteration(s)")
        warnings.warn(
            f"cd (proximal Newton) did not converge {reason}: KKT violation "
            f"{kkt:.3e}, tolerance: {tol:.3e}. {_CONVERGENCE_HINT}",
            ConvergenceWarning, stacklevel=user_stacklevel(),
        )
    return W, b, n_iter


SOLVERS = {"lbfgs": _lbfgs, "newton-cholesky": _newton_cholesky, "cd": _cd}
