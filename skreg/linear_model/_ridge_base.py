"""Centering and sample-weight preprocessing shared by Ridge and RidgeCV.

Everything the closed-form and iterative ridge solvers need is the *design*

    Xc = diag(q) (X - 1 m^T),     yc = diag(q) (y - y_mean),

where ``q = sqrt(sample_weight)`` (ones when unweighted) and ``m`` the
(weighted) column means (zero when ``fit_intercept=False``).  With these, the
weighted ridge problem with an unpenalized intercept

    min_{w, b}  sum_i s_i (y_i - x_i . w - b)^2 + alpha ||w||^2

becomes the plain problem ``min_w ||yc - Xc w||^2 + alpha ||w||^2`` and
``b = y_mean - m . w``.

A dense ``X`` is centred and rescaled into one working copy (or in place when
the caller allows it with ``copy_X=False``).  A sparse ``X`` is never
densified: :class:`CenteredDesign` keeps the (row-rescaled) sparse matrix and
applies the centring implicitly in every product.
"""

import numpy as np
import scipy.sparse as sp


class CenteredDesign:
    """The matrix ``Xc = diag(q) (X - 1 m^T)`` with the products solvers need.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Dense: the already centred and rescaled matrix (``mean`` is None).
        Sparse: the row-rescaled matrix ``diag(q) X``; centring is implicit.
    mean : ndarray of shape (n_features,) or None
        Column means ``m`` for implicit centring (sparse only).
    sqrt_sw : ndarray of shape (n_samples,) or None
        ``q``; None means all ones.
    """

    def __init__(self, X, mean=None, sqrt_sw=None):
        self.X = X
        self.mean = mean
        self.sqrt_sw = sqrt_sw
        self.shape = X.shape
        self.dtype = X.dtype
        self.is_sparse = sp.issparse(X)
        self.implicit = self.is_sparse and mean is not None

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
            q = self._q()
            out -= np.multiply.outer(q, mW) if np.ndim(W) == 2 else q * mW
        return out

    def rmatmat(self, U):
        """Return ``Xc.T @ U`` (U of shape (n,) or (n, k)), dense."""
        out = self.X.T @ U
        if self.is_sparse:
            out = np.asarray(out)
        if self.implicit:
            qU = self._q() @ U
            out -= np.multiply.outer(self.mean, qU) if np.ndim(U) == 2 else self.mean * qU
        return out

    def gram_primal(self):
        """Return the dense ``Xc.T @ Xc`` (p, p)."""
        X = self.X
        if not self.is_sparse:
            return X.T @ X  # numpy dispatches a.T @ a to BLAS syrk
        G = (X.T @ X).toarray()
        if self.implicit:
            q = self._q()
            G -= (q @ q) * np.multiply.outer(self.mean, self.mean)
        return np.ascontiguousarray(G, dtype=self.dtype)

    def gram_dual(self):
        """Return the dense ``Xc @ Xc.T`` (n, n)."""
        X = self.X
        if not self.is_sparse:
            return X @ X.T
        K = (X @ X.T).toarray()
        if self.implicit:
            q = self._q()
            u = np.asarray(X @ self.mean)
            K -= np.multiply.outer(u, q)
            K -= np.multiply.outer(q, u)
            K += (self.mean @ self.mean) * np.multiply.outer(q, q)
        return np.ascontiguousarray(K, dtype=self.dtype)

    def col_sqnorms(self):
        """Return ``diag(Xc.T @ Xc)``."""
        X = self.X
        if not self.is_sparse:
            return np.einsum("ij,ij->j", X, X)
        d = np.asarray(X.multiply(X).sum(axis=0)).ravel().astype(self.dtype)
        if self.implicit:
            q = self._q()
            d -= (q @ q) * self.mean**2
        return d

    def row_sqnorms(self):
        """Return ``diag(Xc @ Xc.T)``."""
        X = self.X
        if not self.is_sparse:
            return np.einsum("ij,ij->i", X, X)
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
    """Column means of X (dense or sparse), weighted when weights are given."""
    if sample_weight is None:
        m = X.mean(axis=0)
    elif sp.issparse(X):
        m = (X.T @ sample_weight) / sample_weight.sum()
    else:
        m = (sample_weight @ X) / sample_weight.sum()
    return np.asarray(m, dtype=X.dtype).ravel()


def preprocess(X, y, *, fit_intercept, sample_weight=None, copy=True):
    """Centre and rescale ``X`` and ``y`` into the design of the plain problem.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Validated floating input.
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Targets, same dtype as X.
    fit_intercept : bool
        Whether to centre.
    sample_weight : ndarray of shape (n_samples,) or None
        Non-negative weights s_i.
    copy : bool
        If False, a dense X may be centred/rescaled in place.

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
        design = CenteredDesign(Xs, X_offset if fit_intercept else None, sqrt_sw)
        return design, Y, X_offset, y_offset, sqrt_sw

    # dense: one working copy at most (none if the caller allows in-place)
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
    return CenteredDesign(Xc, None, sqrt_sw), Y, X_offset, y_offset, sqrt_sw


class LinearPredictorMixin:
    """``predict`` of a fitted linear model: ``X @ coef_.T + intercept_``."""

    def predict(self, X):
        """Predict using the linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predicted values.
        """
        from sklearn.utils.validation import check_is_fitted

        from skreg.utils._sklearn_compat import validate_data

        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], reset=False,
                          dtype=[np.float64, np.float32])
        coef = self.coef_
        out = X @ coef.T if coef.ndim == 2 else X @ coef
        out = np.asarray(out) + self.intercept_
        return out
