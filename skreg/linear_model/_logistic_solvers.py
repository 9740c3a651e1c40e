"""Solvers for the normalised logistic objective G of ``_logistic_math``.

All three take and return ``W`` of shape (n_rows, n_features) and ``b`` of
shape (n_rows,), float64 (X's products run in X's dtype), with n_rows = 1 for
a binary problem (y in {0, 1}) and n_classes for a multinomial one (y the
integer class index), and stop once the gradient (lbfgs, newton-cholesky) or
the KKT violation of G (cd) is <= ``tol``: scikit-learn's ``tol`` on the same
scale.

- ``lbfgs``: scipy's L-BFGS-B, as scikit-learn calls it (gtol=tol,
  ftol=64 eps, maxls=50); L2 penalties only.
- ``newton-cholesky``: Newton steps with the exact Hessian, Cholesky solves
  and Armijo backtracking; L2 penalties only.
- ``cd``: proximal Newton (glmnet's IRLS-CD, Friedman, Hastie and Tibshirani
  2010; prox-Newton of celer, Massias et al. 2020, and skglm, Bertrand et al.
  2022).  Each outer step fits the weighted least-squares quadratic model of
  the loss plus the elastic-net penalty with skreg's compiled weighted CD
  kernel (working sets, screening and implicit centering are the kernel's),
  then backtracks on G.  Multinomial problems cycle the classes with a
  per-class quadratic (partial Newton), as glmnet does.
"""

import warnings

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from scipy import optimize
from scipy.special import expit, logsumexp
from sklearn.exceptions import ConvergenceWarning

from skreg.linear_model._logistic_math import (
    data_loss,
    kkt_violation,
    objective,
    penalty_value,
    raw_predict,
    residual,
    smooth_grad,
    split_factors,
)
from skreg.utils import user_stacklevel

__all__ = ["SOLVERS"]

_CONVERGENCE_HINT = (
    "Increase the number of iterations (max_iter) or scale the data as shown "
    "in:\n    https://scikit-learn.org/stable/modules/preprocessing.html"
)


def _unpack(theta, n_rows, n_features, fit_intercept):
    W = theta[: n_rows * n_features].reshape(n_rows, n_features)
    b = theta[n_rows * n_features:] if fit_intercept else np.zeros(n_rows)
    return W, b


def _lbfgs(X, y, sw, W, b, alpha, l1_ratio, pf, binary, fit_intercept, tol,
           max_iter, verbose, callback=None):
    """scipy's L-BFGS-B; ``callback(W, b)`` (if given) after each iteration."""
    n_rows, n_features = W.shape

    def fun(theta):
        Wt, bt = _unpack(theta, n_rows, n_features, fit_intercept)
        eta = raw_predict(X, Wt, bt)
        R = residual(eta, y, sw, binary)
        gW = smooth_grad(X, R, Wt, alpha, 0.0, pf)
        f = data_loss(eta, y, sw, binary) + penalty_value(Wt, alpha, 0.0, pf)
        grad = gW.ravel()
        if fit_intercept:
            grad = np.concatenate([grad, R.sum(axis=0)])
        return f, grad

    theta0 = np.concatenate([W.ravel(), b]) if fit_intercept else W.ravel().copy()
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


def _weighted_gram(Z, d):
    """Z^T diag(d) Z as a dense float64 array."""
    if sp.issparse(Z):
        G = Z.T @ sp.diags(d.astype(Z.dtype)) @ Z
        return np.asarray(G.toarray(), dtype=np.float64)
    return np.asarray(Z.T @ (Z * d.astype(Z.dtype)[:, None]), dtype=np.float64)


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
            H = _weighted_gram(Z, sw * p * (1.0 - p))
        else:
            P = np.exp(eta - eta.max(axis=1, keepdims=True))
            P /= P.sum(axis=1, keepdims=True)
            H = np.empty((n_rows * m, n_rows * m))
            for k in range(n_rows):
                for k2 in range(k, n_rows):
                    d = sw * P[:, k] * ((k == k2) - P[:, k2])
                    blk = _weighted_gram(Z, d)
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


def _wls_enet_cd(X, z, h, X_mean, l1_reg, l2_reg, pf, w_init, tol_abs, max_iter):
    """THE one call into skreg's compiled CD kernel (the coupling point).

    Minimises ``0.5 * sum_i h_i (z_i - (x_i - X_mean) @ w)**2
    + l1_reg * sum_j pf_j |w_j| + 0.5 * l2_reg * ||w||**2`` (z centered with
    the weights h when X_mean is given) to a duality gap <= ``tol_abs``.
    Its own ConvergenceWarnings are silenced: the outer Newton loop judges.

    Zero factors are floored at 1e-8 (the factors average 1): warm-started
    near the optimum with an unpenalised feature off its optimum, the kernel
    (as of this writing) can return a negative duality gap and stop at once.
    """
    from skreg._solvers import solve_enet

    if pf is not None and np.any(pf == 0):
        pf = np.maximum(pf, 1e-8).astype(pf.dtype)

    scale = float(h @ (z * z))
    tol_rel = tol_abs / scale if scale > 0 else 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        out = solve_enet(X, z, l1_reg, l2_reg, w_init=w_init, X_mean=X_mean,
                         sample_weight=h, penalty_factor=pf, max_iter=max_iter,
                         tol=tol_rel)
    return np.asarray(out[0], dtype=np.float64)


def _row_newton_model(eta_k, mu, resid_k, sw):
    """Weights and working response of one row's IRLS model.

    mu is the row's probability (the sigmoid, or the class's softmax column);
    the curvature mu (1 - mu) is floored at 1e-6, as glmnet bounds mu away
    from 0 and 1: the gradient stays exact, only the model's curvature grows.
    """
    h = sw * np.maximum(mu * (1.0 - mu), 1e-6)
    z = eta_k - np.divide(resid_k, h, out=np.zeros_like(h), where=h > 0)
    return h, z


def _working_set(g, w_k, alpha, l1_ratio, pf, size):
    """The support, the unpenalised features and the worst KKT violators.

    At most ``size`` features besides the support and the unpenalised ones,
    ranked by |g_j| - alpha l1_ratio f1_j (g the smooth gradient): celer's
    and skglm's working sets.  Features outside keep w_j = 0.
    """
    f1 = np.broadcast_to(split_factors(pf)[1], w_k.shape)
    score = np.abs(g) - alpha * l1_ratio * f1
    score[(w_k != 0) | (f1 == 0)] = np.inf
    n_keep = min(max(size, int(np.count_nonzero(np.isinf(score)))), w_k.size)
    if n_keep >= w_k.size:
        return np.arange(w_k.size)
    ws = np.argpartition(-score, n_keep - 1)[:n_keep]
    return np.sort(ws[score[ws] > 0] if np.any(score[ws] <= 0) else ws)


def _anderson(hist):
    """Anderson extrapolation from successive iterates (rows of hist)."""
    U = np.diff(hist, axis=0)
    try:
        c = np.linalg.solve(U @ U.T + 1e-12 * np.trace(U @ U.T) * np.eye(len(U)),
                            np.ones(len(U)))
    except np.linalg.LinAlgError:
        return hist[-1]
    c = c / c.sum()
    return c @ hist[1:]


def _shift_for_penalty(W, l1_ratio, pf):
    """Per feature, the c minimising sum_k pen(W_kj - c) (glmnet's multinomial step).

    The softmax is unchanged when one feature's coefficients all shift by the
    same c, so this lowers the objective for free and removes the flat
    direction that slows cycling over the classes.  The penalty of one
    feature is convex piecewise quadratic in c with breakpoints at the W_kj:
    the minimum is at a breakpoint or at a segment's stationary point.
    """
    K = W.shape[0]
    f2, f1 = split_factors(pf)
    q = (1.0 - l1_ratio) * np.broadcast_to(f2, W.shape[1:])  # curvature per class
    r = l1_ratio * np.broadcast_to(f1, W.shape[1:])  # |.| weight
    A = np.sort(W, axis=0)
    S = W.sum(axis=0)
    cands = [A]
    lo = np.vstack([np.full((1, W.shape[1]), -np.inf), A])
    hi = np.vstack([A, np.full((1, W.shape[1]), np.inf)])
    with np.errstate(divide="ignore", invalid="ignore"):
        for m in range(K + 1):  # m coefficients below c
            c = (q * S - r * (2 * m - K)) / (q * K)
            c = np.where(q > 0, c, A[min(m, K - 1)])
            cands.append(np.clip(c, lo[m], hi[m])[None, :])
    C = np.vstack(cands)  # (n_cands, n_features)
    D = W[None, :, :] - C[:, None, :]
    val = (0.5 * q * (D ** 2).sum(axis=1) + r * np.abs(D).sum(axis=1))
    best = C[np.argmin(val, axis=0), np.arange(W.shape[1])]
    return np.where((q > 0) | (r > 0), best, 0.0)


def _cd(X, y, sw, W, b, alpha, l1_ratio, pf, binary, fit_intercept, tol,
        max_iter, verbose):
    n_samples = X.shape[0]
    n_rows, n_features = W.shape
    W, b = W.copy(), b.copy()
    # the kernel's layouts, converted once here rather than at every call
    # (a copy only when the caller's X is not already Fortran / CSC)
    X = X.tocsc() if sp.issparse(X) and X.format != "csc" else (
        X if sp.issparse(X) else np.asfortranarray(X))
    eta = raw_predict(X, W, b)
    G = objective(X, y, sw, W, b, alpha, l1_ratio, pf, binary)
    f1 = split_factors(pf)[1]
    pf_l1 = None if np.isscalar(f1) else np.asarray(f1, dtype=X.dtype)
    last_decrease = np.full(n_rows, np.inf)
    hist = []
    # outer working sets only where the L1 part makes the solution sparse
    use_ws = alpha > 0 and l1_ratio > 0 and n_features > 20
    n_iter = 0
    kkt, grad = kkt_violation(X, y, sw, W, b, alpha, l1_ratio, pf, binary,
                              fit_intercept, eta=eta, return_grad=True)
    # at least one Newton step (n_iter_ >= 1 even from an optimal warm start)
    while (kkt > tol or n_iter == 0) and n_iter < max_iter:
        n_iter += 1
        for k in range(n_rows):
            R = residual(eta, y, sw, binary)
            resid_k = R[:, k]
            if binary:
                mu = expit(eta[:, 0])
            else:
                mu = np.exp(eta[:, k] - logsumexp(eta, axis=1))
            h, z = _row_newton_model(eta[:, k], mu, resid_k, sw)
            hsum = h.sum()
            if use_ws:
                supp = int(np.count_nonzero(W[k]))
                if grad is None:  # W changed since the last KKT evaluation
                    grad = smooth_grad(X, R, W, alpha, l1_ratio, pf)
                ws = _working_set(grad[k], W[k], alpha, l1_ratio, pf, max(10, 2 * supp))
                X_ws = X[:, ws] if ws.size < n_features else X
            else:
                ws, X_ws = slice(None), X
            if fit_intercept:
                X_mean = np.asarray(X_ws.T @ h.astype(X.dtype),
                                    dtype=np.float64).ravel() / hsum
                z_bar = float(h @ z) / hsum
                z_c = z - z_bar
            else:
                X_mean, z_bar, z_c = None, 0.0, z
            # the kernel works on the model scaled by n / sum(h) (weights ~ 1)
            s = n_samples / hsum
            inner_tol = min(1e-3 * G, 0.05 * last_decrease[k], 0.1 * kkt * kkt)
            inner_tol = max(inner_tol, 1e-3 * np.finfo(X.dtype).eps * max(G, 1e-12))
            w_ws = _wls_enet_cd(
                X_ws, (z_c).astype(X.dtype), (h * s).astype(X.dtype),
                None if X_mean is None else X_mean.astype(X.dtype),
                alpha * l1_ratio * s, alpha * (1.0 - l1_ratio) * s,
                None if pf_l1 is None else np.ascontiguousarray(pf_l1[ws]),
                W[k][ws].astype(X.dtype), inner_tol * s, max(1000, 10 * n_features),
            )
            w_new = np.zeros(n_features)
            w_new[ws] = w_ws
            b_new = z_bar - X_mean @ w_ws if fit_intercept else 0.0
            dw, db = w_new - W[k], b_new - b[k]
            nz = np.flatnonzero(dw)
            if nz.size == 0 and db == 0:
                last_decrease[k] = 0.0
                continue
            Xd = np.asarray(X[:, nz] @ dw[nz].astype(X.dtype), dtype=np.float64).ravel()
            Xd = Xd + db
            pen_old = penalty_value(W[k:k + 1], alpha, l1_ratio, pf)
            delta = (float(resid_k @ Xd) - pen_old
                     + penalty_value(w_new[None, :], alpha, l1_ratio, pf))
            t = 1.0
            accepted = False
            for _ in range(30):
                Wt = W.copy()
                Wt[k] = W[k] + t * dw
                eta_t = eta.copy()
                eta_t[:, k] += t * Xd
                bt = b.copy()
                bt[k] += t * db
                G_t = (data_loss(eta_t, y, sw, binary)
                       + penalty_value(Wt, alpha, l1_ratio, pf))
                if G_t <= G + 1e-4 * t * min(delta, 0.0):
                    accepted = True
                    break
                if t == 1.0 and -delta <= 64 * np.finfo(float).eps * abs(G):
                    # the predicted decrease is below G's rounding: near the
                    # optimum, where the full Newton step is right
                    accepted = True
                    break
                t *= 0.5
            if accepted:
                last_decrease[k] = max(G - G_t, 0.0)
                W, b, eta, G = Wt, bt, eta_t, G_t
                grad = None
            else:
                last_decrease[k] = 0.0
        if not binary and alpha > 0:
            c = _shift_for_penalty(W, l1_ratio, pf)
            nz = np.flatnonzero(c)
            if nz.size:
                W_c = W - c
                G_c = objective(X, y, sw, W_c, b, alpha, l1_ratio, pf, binary)
                if G_c <= G:
                    W, G = W_c, G_c
                    eta = raw_predict(X, W, b)
        if not binary:
            hist.append(np.concatenate([W.ravel(), b]))
            if len(hist) > 6:
                hist.pop(0)
            if len(hist) == 6:  # Anderson extrapolation of the cycles (as celer)
                theta = _anderson(np.array(hist))
                W_a = theta[:W.size].reshape(W.shape)
                b_a = theta[W.size:] if fit_intercept else b
                G_a = objective(X, y, sw, W_a, b_a, alpha, l1_ratio, pf, binary)
                if G_a < G:
                    W, b, G = W_a, b_a, G_a
                    eta = raw_predict(X, W, b)
                    hist.clear()
        kkt_new, grad = kkt_violation(X, y, sw, W, b, alpha, l1_ratio, pf, binary,
                                      fit_intercept, eta=eta, return_grad=True)
        if verbose:
            print(f"cd: iteration {n_iter}, objective {G:.10e}, KKT {kkt_new:.3e}")
        if kkt_new >= kkt and np.all(last_decrease == 0):
            kkt = kkt_new
            break  # no progress left at this precision
        kkt = kkt_new
    if kkt > tol:
        warnings.warn(
            f"cd (proximal Newton) did not converge after {n_iter} iteration(s): "
            f"KKT violation {kkt:.3e}, tolerance: {tol:.3e}. {_CONVERGENCE_HINT}",
            ConvergenceWarning, stacklevel=user_stacklevel(),
        )
    return W, b, n_iter


SOLVERS = {"lbfgs": _lbfgs, "newton-cholesky": _newton_cholesky, "cd": _cd}
