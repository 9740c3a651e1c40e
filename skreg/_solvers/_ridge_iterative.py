"""Iterative Ridge solvers on a centered design: LSQR, CG, L-BFGS, CD, SAG.

Same problem and conventions as :mod:`skreg._solvers._ridge_direct`: for
each target ``Y[:, k]``, ``min_w ||Y[:, k] - Xc w||^2 + alpha[k] ||w||^2``
with ``Xc`` a :class:`skreg._solvers._design.CenteredDesign`; each returns
``(coef of shape (p, n_targets), n_iter of shape (n_targets,))``.
"""

import warnings

import numpy as np
import scipy.linalg
import scipy.sparse.linalg as spla
from sklearn.exceptions import ConvergenceWarning

from skreg.utils import user_stacklevel

# L-BFGS-B's objective at w = 0 (see solve_lbfgs).
_LBFGS_F0 = 1e10

def solve_lsqr(design, Y, alpha, *, max_iter=None, tol=1e-4):
    """Ridge by scipy's LSQR (damp = sqrt(alpha)), one target at a time."""
    A = design.aslinearoperator() if design.implicit else design.X
    p = design.shape[1]
    coef = np.empty((p, Y.shape[1]), dtype=design.dtype)
    n_iter = np.empty(Y.shape[1], dtype=np.int32)
    # LSQR's test ||A^T r|| / (||A|| ||r|| + eps) has an absolute eps: with a
    # tiny X or y (1e-20 and below) it stopped after one iteration with a wrong
    # answer.  Solve the equivalent problem with ||A|| ~ ||b|| ~ 1 instead:
    # A' = A / s, b' = b / beta, damp' = damp / s, then x = x' * beta / s.
    op = spla.aslinearoperator(A)
    # random signs (fixed seed): no column pattern cancels them systematically
    v = np.random.RandomState(0).choice([-1.0, 1.0], size=p).astype(design.dtype)
    s = float(np.linalg.norm(op.matvec(v))) / np.sqrt(p)
    s = s if np.isfinite(s) and s > 0 else 1.0
    op = op * (1.0 / s)
    for k in range(Y.shape[1]):
        beta = float(np.linalg.norm(Y[:, k]))
        beta = beta if np.isfinite(beta) and beta > 0 else 1.0
        res = spla.lsqr(
            op, Y[:, k] / beta, damp=np.sqrt(alpha[k]) / s, atol=tol, btol=tol,
            iter_lim=max_iter,
        )
        coef[:, k] = res[0] * (beta / s)
        n_iter[k] = res[2]
    return coef, n_iter


def _pcg(mv, b, inv_d, tol, maxiter):
    """Preconditioned conjugate gradient for an SPD operator ``mv``.

    Stops when ||b - A x|| (recursive residual) <= tol ||b||, the criterion
    of scipy's ``cg(rtol=tol, atol=0)``.  Returns (x, n_iter, converged).
    Vector updates run in place (BLAS axpy), no temporaries per iteration.
    """
    axpy, dot, nrm2 = scipy.linalg.get_blas_funcs(("axpy", "dot", "nrm2"), (b,))
    x = np.zeros_like(b)
    bnorm = nrm2(b)
    if bnorm == 0:
        return x, 0, True
    thresh = tol * bnorm
    r = b.copy()
    z = inv_d * r
    p = z.copy()
    rz = dot(r, z)
    for it in range(1, maxiter + 1):
        Ap = mv(p)
        pAp = dot(p, Ap)
        if not pAp > 0:  # breakdown (exact solution or loss of definiteness)
            return x, it, nrm2(r) <= thresh
        step = rz / pAp
        x = axpy(p, x, a=step)
        r = axpy(Ap, r, a=-step)
        if nrm2(r) <= thresh:
            return x, it, True
        np.multiply(inv_d, r, out=z)
        rz_new = dot(r, z)
        p *= rz_new / rz
        p += z
        rz = rz_new
    return x, maxiter, False


def solve_sparse_cg(design, Y, alpha, *, max_iter=None, tol=1e-4):
    """Ridge by Jacobi-preconditioned conjugate gradient on the normal equations.

    Primal system ``(Xc^T Xc + alpha I) w = Xc^T y`` when n >= p, dual
    ``(Xc Xc^T + alpha I) c = y, w = Xc^T c`` otherwise; Xc is applied
    implicitly (never densified).  Stops when ||residual|| <= tol ||rhs||, as
    scikit-learn's 'sparse_cg' (default cap: 10 x the system size, as scipy).
    """
    n, p = design.shape
    dtype = design.dtype
    primal = n >= p
    m = p if primal else n
    maxiter = max_iter or 10 * m
    diag = design.col_sqnorms() if primal else design.row_sqnorms()
    (axpy,) = scipy.linalg.get_blas_funcs(("axpy",), (np.empty(0, dtype),))
    coef = np.empty((p, Y.shape[1]), dtype=dtype)
    n_iter = np.empty(Y.shape[1], dtype=np.int32)
    for k in range(Y.shape[1]):
        a = float(alpha[k])
        if primal:
            def mv(v, a=a):
                return axpy(v, design.rmatmat(design.matmat(v)), a=a)
            b = design.rmatmat(Y[:, k])
        else:
            def mv(v, a=a):
                return axpy(v, design.matmat(design.rmatmat(v)), a=a)
            b = np.array(Y[:, k])
        d = diag + a
        inv_d = np.where(d > 0, 1.0 / np.where(d > 0, d, 1), 1.0).astype(dtype)
        x, it, ok = _pcg(mv, b.astype(dtype, copy=False), inv_d, tol, maxiter)
        if not ok:
            warnings.warn(
                f"sparse_cg did not converge after {it} iterations (tol={tol:.1e}).",
                ConvergenceWarning, stacklevel=user_stacklevel(),
            )
        coef[:, k] = x if primal else design.rmatmat(x)
        n_iter[k] = max(it, 1)
    return coef, n_iter


def solve_lbfgs(design, Y, alpha, *, max_iter=None, tol=1e-4, positive=False):
    """Ridge by L-BFGS-B on 0.5||y - Xc w||^2 + 0.5 alpha ||w||^2 (bounds w >= 0
    if positive).

    scikit-learn's tol semantics: ``tol`` is L-BFGS-B's ``ftol`` and
    ``gtol`` (scipy's ``minimize(tol=tol)``), default ``maxiter`` 15000; in
    practice the stop is the relative decrease of the objective,
    ``(f_k - f_k+1) / max(|f_k|, |f_k+1|, 1) <= tol``.  The objective is
    scaled to ``_LBFGS_F0`` at w = 0, so that this test stays relative (for
    scikit-learn it turns absolute once f < 1, so its stop depends on the
    scale of y and of the sample weights) and the absolute ``gtol`` never
    stops it early: scaling the weights and alpha by the same c (the same
    problem) gives the same iterates.  Computed in float64.
    """
    from scipy.optimize import minimize

    p = design.shape[1]
    coef = np.empty((p, Y.shape[1]), dtype=design.dtype)
    n_iter = np.empty(Y.shape[1], dtype=np.int32)
    bounds = [(0, np.inf)] * p if positive else None
    for k in range(Y.shape[1]):
        y = Y[:, k].astype(np.float64)
        a = float(alpha[k])
        f0 = 0.5 * float(y @ y)
        scale = _LBFGS_F0 / f0 if f0 > 0 and np.isfinite(f0) else 1.0

        def fun(w, y=y, a=a, scale=scale):
            r = design.matmat(w.astype(design.dtype)).astype(np.float64) - y
            f = 0.5 * r @ r + 0.5 * a * w @ w
            g = design.rmatmat(r.astype(design.dtype)).astype(np.float64) + a * w
            return f * scale, g * scale

        res = minimize(fun, np.zeros(p), method="L-BFGS-B", jac=True, bounds=bounds,
                       tol=tol, options={"maxiter": max_iter or 15000})
        if not res.success:
            warnings.warn(
                "The lbfgs solver did not converge. Try increasing max_iter or tol. "
                f"Currently: max_iter={max_iter} and tol={tol}", ConvergenceWarning,
                stacklevel=user_stacklevel())
        coef[:, k] = res.x
        n_iter[k] = max(res.nit, 1)
    return coef, n_iter


def solve_cd(design, Y, alpha, *, raw=None, max_iter=None, tol=1e-4,
             positive=False, random_state=None):
    """Ridge by coordinate descent (no L1 part), stopping on the duality gap.

    The kernel minimizes 0.5 sum_i s_i (y_i - (x_i - m) w)^2 + 0.5 l2 ||w||^2,
    half of Ridge's objective, so ``l2_reg = alpha`` gives the same minimizer,
    and stops once the gap is <= tol * sum_i s_i y_i^2.  Dense designs with
    n >= p run on the Gram matrix (one product, then O(p^2) epochs); wide
    dense designs on the centered, rescaled matrix; sparse ones on the raw CSC
    matrix with ``X_mean`` and ``sample_weight`` (``raw`` is
    ``(X_csc, X_mean_or_None, sample_weight_or_None, Y_centered_unscaled)``).
    """
    from skreg._solvers._cd import solve_enet, solve_enet_gram

    n, p = design.shape
    coef = np.empty((p, Y.shape[1]), dtype=design.dtype)
    n_iter = np.empty(Y.shape[1], dtype=np.int32)
    use_gram = not design.is_sparse and n >= p
    if use_gram:
        G = design.gram_primal()
        XtY = design.rmatmat(Y)
        ynorm2 = np.einsum("ij,ij->j", Y, Y)
    elif design.is_sparse:
        X, X_mean, sw, Ycd = raw
    else:
        X, X_mean, sw, Ycd = np.asfortranarray(design.make_explicit().X), None, None, Y
    max_iter = max_iter or 1000

    def run(k, w_init, n_epochs):
        kw = dict(w_init=w_init, max_iter=n_epochs, tol=tol, positive=positive,
                  random_state=random_state)
        if use_gram:
            return solve_enet_gram(G, XtY[:, k], ynorm2[k], 0.0, float(alpha[k]), **kw)
        return solve_enet(X, np.ascontiguousarray(Ycd[:, k]), 0.0, float(alpha[k]),
                          X_mean=X_mean, sample_weight=sw, **kw)

    for k in range(Y.shape[1]):
        # the kernel's ridge gap uses the constrained conjugate when positive
        w, gap, tol_abs, it = run(k, None, max_iter)  # the kernel warns
        coef[:, k] = w
        n_iter[k] = max(int(it), 1)
    return coef, n_iter


def solve_sag(X, y, alpha, *, sample_weight=None, X_offset=None, max_iter=None,
              tol=1e-4, random_state=None, is_saga=False):
    """Ridge by SAG/SAGA (:mod:`skreg._solvers._sag`), one target at a time.

    ``X`` is the data SAG samples from: dense X already centered (``X_offset``
    None, no intercept), or sparse X, raw, with ``X_offset`` given when an
    intercept is fitted; the kernel then learns the intercept itself, with
    scikit-learn's damped intercept steps.  ``y`` (n, n_targets) is centered.
    Each target minimizes ``(1/n) [sum_i s_i (y_i - x_i w - b)^2 / 2 +
    alpha ||w||^2 / 2]`` (Ridge's objective over 2n), so ``alpha_scaled =
    alpha / n`` as in scikit-learn.  Returns ``(coef (p, t), intercept (t,),
    n_iter (t,))``.
    """
    from skreg._solvers._sag import max_row_sqnorm, sag_solve

    n, p = X.shape
    t = y.shape[1]
    fit_intercept = X_offset is not None
    coef = np.empty((p, t), dtype=X.dtype)
    intercept = np.zeros(t, dtype=X.dtype)
    n_iter = np.empty(t, dtype=np.int32)
    max_sq = max_row_sqnorm(X)
    for k in range(t):
        w, b, it = sag_solve(
            X, y[:, k], sample_weight, loss="squared", alpha_scaled=float(alpha[k]) / n,
            max_iter=max_iter, tol=tol, random_state=random_state, is_saga=is_saga,
            fit_intercept=fit_intercept, max_squared_sum=max_sq,
        )
        coef[:, k] = w[:, 0]
        intercept[k] = b[0]
        n_iter[k] = it
    return coef, intercept, n_iter
