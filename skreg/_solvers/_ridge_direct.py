"""Direct Ridge solvers on a centered design: Cholesky, SVD, eigendecomposition.

Every function here solves, for each target column ``Y[:, k]`` with its own
``alpha[k]``, the plain problem

    min_w ||Y[:, k] - Xc w||^2 + alpha[k] ||w||^2,

where ``Xc`` is a :class:`skreg._solvers._design.CenteredDesign` (dense and
already centered/rescaled, or sparse with implicit centering).  The normal
equations are ``(Xc^T Xc + alpha I) w = Xc^T y`` (primal, n >= p) or
``w = Xc^T (Xc Xc^T + alpha I)^{-1} y`` (dual, p > n).  Coefficients are
returned as an array of shape (n_features, n_targets) in the design's dtype.
"""

import contextlib
import warnings

import numpy as np
import scipy.linalg
from scipy.linalg import LinAlgError, LinAlgWarning

from skreg._solvers._blas_threads import single_blas_thread
from skreg.utils import user_stacklevel

# Reciprocal condition number (LAPACK ?pocon estimate) of the regularized
# Gram matrix below which Cholesky is deemed unreliable: 1000 machine epsilons.
_RCOND_FACTOR = 1e3


class IllConditionedError(LinAlgError):
    """Raised when the Cholesky route is numerically unreliable."""


def _eigh(A, overwrite_a=False, check_finite=False):
    """Symmetric eigendecomposition by LAPACK ?syevd (divide and conquer):
    20-25 % less CPU than scipy's default ?syevr at the sizes met here.

    Runs with one BLAS thread: its tridiagonal reduction is a long chain of
    BLAS-2 calls, each too small for threads to pay for their hand-offs.
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
    # 1-norm for pocon by LAPACK ?lange on the Fortran view: no n x n
    # temporary (np.abs(A) doubled a wide fit's memory beyond X)
    (lange,) = scipy.linalg.get_lapack_funcs(("lange",), (A,))
    anorm = lange("1", A)
    # one BLAS thread up to 4000: below that a threaded potrf spends more in
    # thread hand-offs than in arithmetic
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
    """Ridge through the thin SVD of the (dense) centered design; stable."""
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


def warn_fallback(reason, to):
    warnings.warn(
        f"Ill-conditioned ridge system ({reason}); falling back to the stable "
        f"'{to}' solver.",
        LinAlgWarning,
        stacklevel=user_stacklevel(),
    )
