"""Ridge solvers on a centred design: closed forms, iterative, and LOO.

Every function here solves, for each target column ``Y[:, k]`` with its own
``alpha[k]``, the plain problem

    min_w ||Y[:, k] - Xc w||^2 + alpha[k] ||w||^2,

where ``Xc`` is a :class:`skreg.linear_model._ridge_base.CenteredDesign`
(dense and already centred/rescaled, or sparse with implicit centring).  The
normal equations are ``(Xc^T Xc + alpha I) w = Xc^T y`` (primal, n >= p) or
``w = Xc^T (Xc Xc^T + alpha I)^{-1} y`` (dual, p > n).  Coefficients are
returned as an array of shape (n_features, n_targets) in the design's dtype.
"""

import contextlib
import warnings

import numpy as np
import scipy.linalg
import scipy.sparse.linalg as spla
from scipy.linalg import LinAlgError, LinAlgWarning
from sklearn.exceptions import ConvergenceWarning

# Reciprocal condition number (LAPACK ?pocon estimate) of the regularized
# Gram matrix below which Cholesky is deemed unreliable: 1000 machine epsilons.
_RCOND_FACTOR = 1e3


_CONTROLLER = None


def single_blas_thread():
    """Context pinning BLAS to one thread, for loops of small BLAS-1/2 calls.

    On a busy 2-core machine a 2-thread OpenBLAS call waits for a time slice
    of the other core: a 20000-long dot product was measured at 13-16 ms
    instead of 0.02 ms (ANCHORS.md, surprise 6).  The iterative solvers make
    hundreds of such calls, so they run with one BLAS thread.
    """
    global _CONTROLLER
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")


class IllConditionedError(LinAlgError):
    """Raised when the Cholesky route is numerically unreliable."""


def _eigh(A, overwrite_a=False, check_finite=False):
    """Symmetric eigendecomposition by LAPACK ?syevd (divide and conquer):
    20-25 % less CPU than scipy's default ?syevr at the sizes met here.

    Runs with one BLAS thread: its tridiagonal reduction is a long chain of
    BLAS-2 calls, and with 2 threads on the shared 2-core machine a
    1000 x 1000 ?syevd took 3.2-5.2 s against 0.30-0.47 s with one.
    """
    with single_blas_thread():
        return scipy.linalg.eigh(A, overwrite_a=overwrite_a,
                                 check_finite=check_finite, driver="evd")


def _alpha_groups(alpha):
    """Map each distinct alpha to the target indices that use it."""
    groups = {}
    for k, a in enumerate(alpha):
        groups.setdefault(float(a), []).append(k)
    return groups


def _cho_solve_spd(A, B, alpha):
    """Solve (A + alpha I) X = B by Cholesky, in place in a copy-free way.

    ``A`` is symmetric (only its upper triangle in Fortran order is read);
    raises IllConditionedError when the factorization fails or the estimated
    reciprocal condition number is below ``_RCOND_FACTOR * eps``.
    """
    A = A.T  # symmetric C-ordered -> Fortran view, so LAPACK works in place
    A.flat[:: A.shape[0] + 1] += alpha
    anorm = np.abs(A).sum(axis=0).max()
    # one BLAS thread up to 4000: on the shared 2-core machine a 2-thread
    # potrf of 500 x 500 took 0.53 s against 0.014 s with one
    limit = single_blas_thread() if A.shape[0] <= 4000 else contextlib.nullcontext()
    try:
        with limit:
            c, lower = scipy.linalg.cho_factor(
                A, lower=False, overwrite_a=True, check_finite=False
            )
    except LinAlgError as exc:
        raise IllConditionedError(str(exc)) from exc
    (pocon,) = scipy.linalg.get_lapack_funcs(("pocon",), (c,))
    # pocon and few-column triangular solves are BLAS-2: one thread (_eigh)
    with single_blas_thread():
        rcond, info = pocon(c, anorm, uplo="U")
        if not np.isfinite(rcond) or rcond < _RCOND_FACTOR * np.finfo(c.dtype).eps:
            raise IllConditionedError(f"reciprocal condition number {rcond:.3e}")
        if B.ndim == 1 or B.shape[1] < 16:
            return scipy.linalg.cho_solve((c, lower), B, overwrite_b=True,
                                          check_finite=False)
    return scipy.linalg.cho_solve((c, lower), B, overwrite_b=True, check_finite=False)


def solve_cholesky(design, Y, alpha):
    """Ridge by Cholesky of the primal (n >= p) or dual (p > n) normal equations.

    One factorization per distinct alpha serves all targets sharing it.
    Raises IllConditionedError (caller falls back to a stable method).
    """
    n, p = design.shape
    groups = _alpha_groups(alpha)
    coef = np.empty((p, Y.shape[1]), dtype=design.dtype)
    if n >= p:
        G = design.gram_primal()
        XtY = design.rmatmat(Y)
        last = len(groups) - 1
        for i, (a, idx) in enumerate(groups.items()):
            A = G if i == last else G.copy()
            coef[:, idx] = _cho_solve_spd(A, XtY[:, idx], a)
    else:
        K = design.gram_dual()
        dual = np.empty_like(Y)
        last = len(groups) - 1
        for i, (a, idx) in enumerate(groups.items()):
            A = K if i == last else K.copy()
            dual[:, idx] = _cho_solve_spd(A, Y[:, idx], a)
        coef[:] = design.rmatmat(dual)
    return coef


def _spectral_filter(s, alpha, power):
    """s**power / (s**2 + alpha), with directions below rank cutoff zeroed."""
    s = s[:, None]
    alpha = np.asarray(alpha, dtype=s.dtype)[None, :]
    cutoff = np.finfo(s.dtype).eps * max(s.shape[0], 1) * (s.max() if s.size else 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = s**power / (s**2 + alpha)
    return np.where(s > cutoff, f, 0).astype(s.dtype)


def thin_svd(A):
    """Thin SVD ``A = U diag(s) Vt`` by gesdd, transposing wide inputs first.

    gesdd on a wide Fortran array is several times slower than on its
    transpose (ANCHORS.md, Ridge), so a wide A is decomposed as A.T.
    """
    n, p = A.shape
    if n >= p:
        U, s, Vt = scipy.linalg.svd(
            A, full_matrices=False, check_finite=False, lapack_driver="gesdd"
        )
        return U, s, Vt
    V, s, Ut = scipy.linalg.svd(
        A.T, full_matrices=False, check_finite=False, lapack_driver="gesdd"
    )
    return Ut.T, s, V.T


def solve_svd(design, Y, alpha):
    """Ridge through the thin SVD of the (dense) centred design; stable."""
    if design.is_sparse:
        return solve_eigh(design, Y, alpha)
    U, s, Vt = thin_svd(design.make_explicit().X)
    F = _spectral_filter(s, alpha, 1)  # (k, n_targets)
    return Vt.T @ (F * (U.T @ Y))


def solve_eigh(design, Y, alpha):
    """Ridge through the eigendecomposition of the Gram matrix (sparse-safe)."""
    n, p = design.shape
    if n >= p:
        lam, V = _eigh(design.gram_primal(), check_finite=False)
        s = np.sqrt(np.clip(lam, 0, None))
        F = _spectral_filter(s, alpha, 0)
        return V @ (F * (V.T @ design.rmatmat(Y)))
    lam, Q = _eigh(design.gram_dual(), check_finite=False)
    s = np.sqrt(np.clip(lam, 0, None))
    F = _spectral_filter(s, alpha, 0)
    return design.rmatmat(Q @ (F * (Q.T @ Y)))


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
                ConvergenceWarning,
            )
        coef[:, k] = x if primal else design.rmatmat(x)
        n_iter[k] = max(it, 1)
    return coef, n_iter


def solve_lbfgs(design, Y, alpha, *, max_iter=None, tol=1e-4, positive=False):
    """Ridge by L-BFGS-B on 0.5||y - Xc w||^2 + 0.5 alpha ||w||^2 (bounds w >= 0
    if positive).  Stops on projected gradient <= tol, like scikit-learn's."""
    from scipy.optimize import minimize

    p = design.shape[1]
    coef = np.empty((p, Y.shape[1]), dtype=design.dtype)
    n_iter = np.empty(Y.shape[1], dtype=np.int32)
    bounds = [(0, np.inf)] * p if positive else None
    for k in range(Y.shape[1]):
        y = Y[:, k].astype(np.float64)
        a = float(alpha[k])

        def fun(w):
            r = design.matmat(w.astype(design.dtype)).astype(np.float64) - y
            f = 0.5 * r @ r + 0.5 * a * w @ w
            g = design.rmatmat(r.astype(design.dtype)).astype(np.float64) + a * w
            return f, g

        res = minimize(fun, np.zeros(p), method="L-BFGS-B", jac=True, bounds=bounds,
                       options={"maxiter": max_iter or 15000, "gtol": tol,
                                "ftol": 64 * np.finfo(float).eps})
        if not res.success:
            warnings.warn(f"lbfgs solver did not converge: {res.message}",
                          ConvergenceWarning)
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
    dense designs on the centred, rescaled matrix; sparse ones on the raw CSC
    matrix with ``X_mean`` and ``sample_weight`` (``raw`` is
    ``(X_csc, X_mean_or_None, sample_weight_or_None, Y_centred_unscaled)``).
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


def warn_fallback(reason, to):
    warnings.warn(
        f"Ill-conditioned ridge system ({reason}); falling back to the stable "
        f"'{to}' solver.",
        LinAlgWarning,
        stacklevel=3,
    )


# ---------------------------------------------------------------------------
# Leave-one-out from one decomposition (RidgeCV, cv=None)
# ---------------------------------------------------------------------------
class LooDecomposition:
    """One spectral decomposition of the centred design, reused for every alpha.

    With the hat matrix ``H_a = Xc (Xc^T Xc + a I)^{-1} Xc^T`` and ``q`` the
    square roots of the sample weights, the (rescaled) leave-one-out errors of
    ridge with an unpenalized intercept are (Rifkin & Lippert 2007)

        e = (I - H_a) y / (diag(I - H_a) - [(I - H_a) q] * q / sum(q^2)),

    the last term only when an intercept is fitted.  As the weighted centring
    makes ``Xc^T q = 0``, ``H_a q = 0`` and that term is ``q^2 / sum(q^2)``:
    used as such in 'cov' mode (saves a column in the O(n p) per-alpha
    product); the complete modes compute ``(I - H_a) q`` from the
    decomposition (n^2 per alpha, cheap) so that, in float32, the rounding of
    the numerical null direction cancels between both terms.  Modes:

    - ``'gram'`` (n <= p): eigendecomposition ``Xc Xc^T = Q diag(l) Q^T``;
      the basis is complete, so ``(I - H_a) y = Q (a / (l + a) * Q^T y)`` and
      ``diag(I - H_a) = (Q*Q) @ (a / (l + a))`` without cancellation.
    - ``'cov'`` (n > p): eigendecomposition ``Xc^T Xc = V diag(l) V^T`` and,
      once, ``Z = Xc V``: ``diag(H_a) = (Z*Z) @ (1 / (l + a))`` costs O(n p)
      per alpha (scikit-learn redoes O(n p^2) per alpha here), and
      ``H_a y = Xc V (V^T Xc^T y / (l + a))``.
    - ``'svd'`` (dense): thin SVD ``Xc = U diag(s) V^T``, l = s^2; complete
      when n <= p.
    """

    def __init__(self, design, Y, mode, *, fit_intercept, sqrt_sw):
        n, p = design.shape
        self.design = design
        self.n, self.p = n, p
        self.mode = mode
        dtype = design.dtype
        q = np.ones(n, dtype=dtype) if sqrt_sw is None else sqrt_sw
        complete = mode == "gram" or (mode == "svd" and n <= p)
        self.q = q if fit_intercept and complete else None
        # cov / tall svd: intercept correction of diag(I - H_a), alpha-free
        self.q_corr = q * q / (q @ q) if fit_intercept and not complete else None
        Yq = self.Yq = np.column_stack([Y, q]) if self.q is not None else Y
        self.t = Y.shape[1]
        if mode == "gram":
            lam, Q = _eigh(design.gram_dual(), overwrite_a=True,
                                       check_finite=False)
            self.Z, self.complete = Q, True
            self.ZtYq = Q.T @ Yq
        elif mode == "cov":
            lam, V = _eigh(design.gram_primal(), overwrite_a=True,
                                       check_finite=False)
            self.V = V
            self.VtXtYq = V.T @ design.rmatmat(Yq)
            self.Z, self.complete = None, False
            Z = design.matmat(V)
            np.square(Z, out=Z)
            self.Z2 = Z
        elif mode == "svd":
            U, s, Vt = thin_svd(design.make_explicit().X)
            lam = s * s
            self.Z, self.Vt, self.s = U, Vt, s
            self.complete = n <= p
            self.ZtYq = U.T @ Yq
        else:  # pragma: no cover
            raise ValueError(f"Unknown gcv mode {mode!r}")
        self.lam = np.clip(lam, 0, None).astype(dtype)
        if self.Z is not None:
            self.Z2 = self.Z * self.Z

    def loo_residuals(self, alphas):
        """Leave-one-out errors for a chunk of alphas: shape (n, n_alphas, t)."""
        lam = self.lam[:, None]
        A = np.asarray(alphas, dtype=self.lam.dtype)[None, :]
        n, k = self.n, self.Yq.shape[1]
        na = A.shape[1]
        if self.mode == "cov":
            G = 1.0 / (lam + A)  # (p, na)
            one_minus_h = 1.0 - self.Z2 @ G
            W = (self.V @ (G[:, :, None] * self.VtXtYq[:, None, :]).reshape(self.p, -1))
            R = self.Yq[:, None, :] - self.design.matmat(W).reshape(n, na, k)
        elif self.complete:
            G = A / (lam + A)
            one_minus_h = self.Z2 @ G
            R = (self.Z @ (G[:, :, None] * self.ZtYq[:, None, :]).reshape(lam.shape[0], -1))
            R = R.reshape(n, na, k)
        else:
            G = lam / (lam + A)
            one_minus_h = 1.0 - self.Z2 @ G
            R = self.Z @ (G[:, :, None] * self.ZtYq[:, None, :]).reshape(lam.shape[0], -1)
            R = self.Yq[:, None, :] - R.reshape(n, na, k)
        if self.q_corr is not None:
            one_minus_h -= self.q_corr[:, None]
        if self.q is not None:
            q = self.q
            one_minus_h -= R[:, :, -1] * (q / (q @ q))[:, None]
            R = R[:, :, :-1]
        R /= one_minus_h[:, :, None]
        return R

    def coef(self, alpha):
        """Coefficients (p, t) for per-target alphas (array of length t)."""
        alpha = np.asarray(alpha, dtype=self.lam.dtype)[None, :]
        t = self.t
        if self.mode == "cov":
            return self.V @ (self.VtXtYq[:, :t] / (self.lam[:, None] + alpha))
        if self.mode == "svd":
            F = _spectral_filter(self.s, alpha[0], 1)
            return self.Vt.T @ (F * self.ZtYq[:, :t])
        c = self.Z @ (self.ZtYq[:, :t] / (self.lam[:, None] + alpha))
        return self.design.rmatmat(c)


def ridge_coefs_eigh(design, Y, alphas):
    """Coefficients for every alpha from one eigendecomposition (K-fold CV).

    Returns an array of shape (p, n_alphas, n_targets).  Primal
    ``Xc^T Xc = V diag(l) V^T`` when n >= p, dual ``Xc Xc^T`` otherwise;
    ``1 / (l + a)`` is zeroed for directions numerically in the null space
    when ``a`` is (numerically) zero, giving the minimum-norm solution.
    """
    n, p = design.shape
    A = np.asarray(alphas, dtype=design.dtype)
    na, t = A.shape[0], Y.shape[1]
    if n >= p:
        lam, V = _eigh(design.gram_primal(), overwrite_a=True,
                                   check_finite=False)
        B = V.T @ design.rmatmat(Y)
    else:
        lam, V = _eigh(design.gram_dual(), overwrite_a=True,
                                   check_finite=False)
        B = V.T @ Y
    lam = np.clip(lam, 0, None)
    cutoff = np.finfo(design.dtype).eps * max(n, p) * (lam.max() if lam.size else 0)
    denom = lam[:, None] + A[None, :]
    G = np.where(denom > cutoff, 1.0 / np.where(denom > cutoff, denom, 1), 0)
    G = G.astype(design.dtype)
    W = V @ (G[:, :, None] * B[:, None, :]).reshape(V.shape[1], -1)
    if n < p:
        W = design.rmatmat(W)
    return W.reshape(p, na, t)
