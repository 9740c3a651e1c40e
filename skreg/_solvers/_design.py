"""The centered, weighted design every Ridge solver works on (below the solvers).

Everything the closed-form and iterative ridge solvers need is the *design*

    Xc = diag(q) (X - 1 m^T),     yc = diag(q) (y - y_mean),

where ``q = sqrt(sample_weight)`` (ones when unweighted) and ``m`` the
(weighted) column means (zero when ``fit_intercept=False``).  With these, the
weighted ridge problem with an unpenalized intercept

    min_{w, b}  sum_i s_i (y_i - x_i . w - b)^2 + alpha ||w||^2

becomes the plain problem ``min_w ||yc - Xc w||^2 + alpha ||w||^2`` and
``b = y_mean - m . w``.

A weighted dense ``X`` is centered and rescaled into one working copy (in
place when the caller allows it with ``copy_X=False``).  An unweighted
float64 ``X`` headed for a Gram-based solver (Cholesky, leave-one-out) is not
copied at all: its Gram matrix is corrected by a rank-one term, unless the
column means are so large against the spread that the cancellation would
cost digits, in which case the explicit copy is made after all.  A sparse
``X`` is never densified: :class:`CenteredDesign` keeps the (row-rescaled)
sparse matrix and applies the centering implicitly in every product.
"""

import numpy as np
import scipy.sparse as sp

# Implicit centering of a dense X (Gram of the raw X minus a rank-one term)
# loses about log10(1 + m^2 / var) digits to cancellation; above this ratio
# the design is centered explicitly instead.
_MAX_MEAN2_OVER_VAR = 100.0


class NonFiniteError(ValueError):
    """X (or its Gram matrix) holds NaN or infinity."""


class CenteredDesign:
    """The matrix ``Xc = diag(q) (X - 1 m^T)`` with the products solvers need.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Dense explicit (``mean`` None): the centered and rescaled matrix.
        Dense implicit (unweighted only): the raw X, centered in products;
        the Gram matrices fall back to an explicit copy when the means are
        large against the spread (cancellation), see ``_MAX_MEAN2_OVER_VAR``.
        Sparse: the row-rescaled ``diag(q) X``; centering always implicit.
    mean : ndarray of shape (n_features,) or None
        Column means ``m`` for implicit centering.
    sqrt_sw : ndarray of shape (n_samples,) or None
        ``q``; None means all ones.
    check_finite_gram : bool
        Raise NonFiniteError if a Gram matrix is not finite (the caller
        skipped the O(np) finiteness scan of X: NaN/inf in X always reach the
        Gram's diagonal).
    """

    def __init__(self, X, mean=None, sqrt_sw=None, check_finite_gram=False):
        self.X = X
        self.mean = mean
        self.sqrt_sw = sqrt_sw
        self.shape = X.shape
        self.dtype = X.dtype
        self.is_sparse = sp.issparse(X)
        self.implicit = mean is not None
        self.check_finite_gram = check_finite_gram
        self._XT = None
        if self.is_sparse:
            # row-major copy for X @ v and column-major for X.T @ u: both
            # products then run as (faster, gather) CSR kernels
            self.X = X.tocsr()
            self._XT = X.tocsc().T

    def make_explicit(self):
        """Materialize the centered dense matrix (stable path); no-op otherwise."""
        if self.implicit and not self.is_sparse:
            self.X = self.X - self.mean
            self.mean = None
            self.implicit = False
        return self

    def _q(self):
        if self.sqrt_sw is None:
            return np.ones(self.shape[0], dtype=self.dtype)
        return self.sqrt_sw

    def matmat(self, W):
        """Return ``Xc @ W`` (W of shape (p,) or (p, k)), dense."""
        out = self.X @ W
        if self.is_sparse:
            out = np.asarray(out)
        if self.implicit:
            mW = self.mean @ W
            if self.sqrt_sw is None:
                out -= mW  # broadcasts over rows for 1-D and 2-D W alike
            elif np.ndim(W) == 2:
                out -= np.multiply.outer(self.sqrt_sw, mW)
            else:
                out -= self.sqrt_sw * mW
        return out

    def matmat_t(self, Wt):
        """Return ``(Xc @ Wt.T).T``, shape (k, n), for Wt of shape (k, p).

        The transposed product: for dense X the GEMM ``Wt @ X.T`` writes
        each output row contiguously and runs faster with OpenBLAS than
        ``X @ W`` when k is a few dozen (leave-one-out, one row per alpha).
        """
        if self.is_sparse:
            out = np.asarray(self.X @ Wt.T).T
        else:
            out = Wt @ self.X.T
        if self.implicit:
            mW = Wt @ self.mean
            if self.sqrt_sw is None:
                out -= mW[:, None]
            else:
                out -= np.multiply.outer(mW, self.sqrt_sw)
        return out

    def rmatmat(self, U):
        """Return ``Xc.T @ U`` (U of shape (n,) or (n, k)), dense."""
        out = (self._XT if self._XT is not None else self.X.T) @ U
        if self.is_sparse:
            out = np.asarray(out)
        if self.implicit:
            qU = U.sum(axis=0) if self.sqrt_sw is None else self.sqrt_sw @ U
            out -= np.multiply.outer(self.mean, qU) if np.ndim(U) == 2 else self.mean * qU
        return out

    def _finite(self, G):
        if self.check_finite_gram and not np.isfinite(np.diagonal(G)).all():
            raise NonFiniteError(
                "Input X contains NaN or infinity (or its Gram matrix overflows).")
        return G

    def gram_primal(self):
        """Return the dense ``Xc.T @ Xc`` (p, p)."""
        X = self.X
        if not self.is_sparse:
            G = self._finite(weighted_gram(X, None))  # BLAS syrk
            if not self.implicit:
                return G
            n, m = self.shape[0], self.mean
            var = np.diagonal(G) / n - m * m
            if np.all(m * m <= _MAX_MEAN2_OVER_VAR * np.maximum(var, 0)):
                G -= n * np.multiply.outer(m, m)
                return G
            return self.make_explicit().gram_primal()
        G = (self._XT @ X).toarray()
        if self.implicit:
            q = self._q()
            G -= (q @ q) * np.multiply.outer(self.mean, self.mean)
        return self._finite(np.ascontiguousarray(G, dtype=self.dtype))

    def gram_dual(self):
        """Return the dense ``Xc @ Xc.T`` (n, n)."""
        X = self.X
        if not self.is_sparse:
            K = self._finite(X @ X.T)
            if not self.implicit:
                return K
            m = self.mean
            n = self.shape[0]
            mm = m @ m
            total_var = np.trace(K) / n - mm
            if mm <= _MAX_MEAN2_OVER_VAR * max(total_var, 0):
                u = X @ m
                K -= u[:, None]
                K -= u[None, :]
                K += mm
                return K
            return self.make_explicit().gram_dual()
        K = (X @ self._XT).toarray()
        if self.implicit:
            q = self._q()
            u = np.asarray(X @ self.mean)
            K -= np.multiply.outer(u, q)
            K -= np.multiply.outer(q, u)
            K += (self.mean @ self.mean) * np.multiply.outer(q, q)
        return self._finite(np.ascontiguousarray(K, dtype=self.dtype))

    def col_sqnorms(self):
        """Return ``diag(Xc.T @ Xc)``."""
        X = self.X
        if not self.is_sparse:
            d = np.einsum("ij,ij->j", X, X)
        else:
            d = np.asarray(X.multiply(X).sum(axis=0)).ravel().astype(self.dtype)
        if self.implicit:
            q = self._q()
            d -= (q @ q) * self.mean**2
        return d

    def row_sqnorms(self):
        """Return ``diag(Xc @ Xc.T)``."""
        X = self.X
        if not self.is_sparse:
            d = np.einsum("ij,ij->i", X, X)
        else:
            d = np.asarray(X.multiply(X).sum(axis=1)).ravel().astype(self.dtype)
        if self.implicit:
            q = self._q()
            d += q**2 * (self.mean @ self.mean) - 2 * q * np.asarray(X @ self.mean)
        return d

    def aslinearoperator(self):
        """``scipy.sparse.linalg.LinearOperator`` applying ``Xc`` implicitly."""
        from scipy.sparse.linalg import LinearOperator

        return LinearOperator(
            self.shape,
            matvec=self.matmat,
            rmatvec=self.rmatmat,
            matmat=self.matmat,
            rmatmat=self.rmatmat,
            dtype=self.dtype,
        )


def weighted_mean(X, sample_weight):
    """Column means of X (dense or sparse), weighted when weights are given:
    skreg's one builder of them, without a copy of X.  Unweighted dense means
    use numpy's pairwise summation: a BLAS pass (X^T 1 / n) is ~3x faster but
    loses digits when the means dwarf the spread (offsets of 1e6 moved
    RidgeCV's leave-one-out errors by 2e-6 relative).  Sparse means are
    column sums over n: scipy's ``X.mean`` scales a copy of the stored values
    first (as large as X's data)."""
    if sample_weight is None:
        m = X.sum(axis=0) / X.shape[0] if sp.issparse(X) else X.mean(axis=0)
    else:
        m = (X.T @ sample_weight) / sample_weight.sum()
    return np.asarray(m, dtype=X.dtype).ravel()


def weighted_gram(X, sample_weight, block=2048):
    """X^T S X, uncentered, as a dense (p, p) array: skreg's one builder of it.

    Formed as (S^1/2 X)^T (S^1/2 X), so that the product is symmetric (BLAS
    syrk for dense X); a dense X is weighted ``block`` rows at a time, which
    bounds the weighted temporary to a block instead of a copy of X.  Signed
    weights (a Hessian's off-diagonal block) are applied to one factor.
    """
    dtype = X.dtype
    if sample_weight is None:
        G = X.T @ X
        return np.asarray(G.toarray() if sp.issparse(G) else G, dtype=dtype)
    if np.any(sample_weight < 0):  # signed weights (a Hessian's off-diagonal block)
        d = np.asarray(sample_weight, dtype=dtype)
        if sp.issparse(X):
            return np.asarray((X.T @ sp.diags(d) @ X).toarray(), dtype=dtype)
        G = np.zeros((X.shape[1], X.shape[1]), dtype=dtype)
        for start in range(0, X.shape[0], block):
            Xb = X[start:start + block]
            G += Xb.T @ (Xb * d[start:start + block, None])
        return G
    sq = np.sqrt(sample_weight).astype(dtype)
    if sp.issparse(X):
        Xs = X.multiply(sq[:, None]).tocsc()
        return np.asarray((Xs.T @ Xs).toarray(), dtype=dtype)
    p = X.shape[1]
    G = np.zeros((p, p), dtype=dtype)
    for start in range(0, X.shape[0], block):
        Xs = X[start:start + block] * sq[start:start + block, None]
        G += Xs.T @ Xs
    return G


def preprocess(X, y, *, fit_intercept, sample_weight=None, copy=True,
               implicit_dense=False, check_finite_gram=False):
    """Center and rescale ``X`` and ``y`` into the design of the plain problem.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Validated floating input.
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Targets, same dtype as X.
    fit_intercept : bool
        Whether to center.
    sample_weight : ndarray of shape (n_samples,) or None
        Non-negative weights s_i.
    copy : bool
        If False, a dense X may be centered/rescaled in place.
    implicit_dense : bool
        Center an unweighted dense X implicitly (no copy) for Gram-based
        solvers; they fall back to an explicit copy under cancellation.
    check_finite_gram : bool
        Passed to :class:`CenteredDesign` (X was not scanned for NaN/inf).

    Returns
    -------
    design : CenteredDesign
    Y : ndarray of shape (n_samples, n_targets)
        ``diag(q) (y - y_offset)``, always 2-D and a new array.
    X_offset : ndarray of shape (n_features,)
    y_offset : ndarray of shape (n_targets,)
    sqrt_sw : ndarray of shape (n_samples,) or None
    """
    dtype = X.dtype
    n, p = X.shape
    Y = y.reshape(n, -1) if y.ndim == 1 else y
    sqrt_sw = None if sample_weight is None else np.sqrt(sample_weight).astype(dtype)
    if fit_intercept:
        X_offset = weighted_mean(X, sample_weight)
        if sample_weight is None:
            y_offset = Y.mean(axis=0)
        else:
            y_offset = (sample_weight @ Y) / sample_weight.sum()
        y_offset = np.asarray(y_offset, dtype=dtype)
    else:
        X_offset = np.zeros(p, dtype=dtype)
        y_offset = np.zeros(Y.shape[1], dtype=dtype)
    Y = Y - y_offset
    if sqrt_sw is not None:
        Y *= sqrt_sw[:, None]

    if sp.issparse(X):
        Xs = X if sqrt_sw is None else sp.csr_matrix(sp.diags(sqrt_sw) @ X)
        design = CenteredDesign(Xs, X_offset if fit_intercept else None, sqrt_sw,
                                check_finite_gram)
        return design, Y, X_offset, y_offset, sqrt_sw

    # dense: one working copy at most (none if the caller allows in-place)
    # float32 keeps ~7 digits: no room for the cancellation, center explicitly
    if fit_intercept and implicit_dense and sqrt_sw is None and X.dtype == np.float64:
        design = CenteredDesign(X, X_offset, None, check_finite_gram)
        return design, Y, X_offset, y_offset, sqrt_sw
    if fit_intercept:
        if copy or not X.flags.writeable:
            Xc = X - X_offset
        else:
            Xc = X
            Xc -= X_offset
        if sqrt_sw is not None:
            Xc *= sqrt_sw[:, None]
    elif sqrt_sw is not None:
        if copy or not X.flags.writeable:
            Xc = X * sqrt_sw[:, None]
        else:
            Xc = X
            Xc *= sqrt_sw[:, None]
    else:
        Xc = X
    design = CenteredDesign(Xc, None, sqrt_sw, check_finite_gram)
    return design, Y, X_offset, y_offset, sqrt_sw
