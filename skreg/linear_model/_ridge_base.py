"""What Ridge and RidgeCV share: solver choice, input validation, the one fit.

The solvers and the centered design live in :mod:`skreg._solvers` (imported
through its ``__init__`` only); this module resolves the solver with
scikit-learn's checks, validates inputs, runs the fit and shapes the
attributes, so that ``_ridge.py`` and ``_ridge_cv.py`` share code through
here only.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.utils import assert_all_finite

from skreg import _solvers as solvers
from skreg.utils import check_numeric_target, user_stacklevel
from skreg.utils._sklearn_compat import (
    _check_sample_weight,
    validate_data,
    validate_dense_x,
    validate_dense_xy,
)

SOLVERS = {"auto", "cholesky", "svd", "lsqr", "sparse_cg", "cd", "sag", "saga", "lbfgs"}
# Dense Gram of at most this side is formed for sparse X under solver='auto'.
_SPARSE_GRAM_MAX = 2000


class SparseSvdError(ValueError, TypeError):
    """'svd' on sparse X.  scikit-learn 1.9 raises TypeError without an
    intercept and ValueError with one; this is both, so code catching either
    keeps working."""


def resolve_solver(solver, *, positive, is_sparse, shape, fit_intercept=False,
                   max_iter=None, tol=1e-4):
    """The solver that ``solver`` means for this input ('auto' resolved).

    'auto': 'cd' for positive=True (the compiled kernel), 'cholesky' for
    dense X or sparse X with a small side (min(n, p) <= 2000, dense Gram of
    that side), else 'sparse_cg'.  Raises scikit-learn's errors: positive=True
    with a solver other than 'auto', 'cd', 'lbfgs'; 'svd' on sparse X; 'saga'
    on sparse X with an intercept.  'sag' on sparse X with an intercept is
    scikit-learn's too: SAG with its warning at ``max_iter=None`` and
    ``tol > 1e-4``, else 'sparse_cg'.
    """
    if positive:
        if solver not in ("auto", "cd", "lbfgs"):
            raise ValueError(
                f"solver='{solver}' does not support positive fitting. Please set "
                "the solver to 'auto' or 'lbfgs', or set `positive=False`")
        return "cd" if solver == "auto" else solver
    if is_sparse and fit_intercept and solver in ("svd", "saga"):
        exc = SparseSvdError if solver == "svd" else ValueError
        raise exc(
            f"solver='{solver}' does not support fitting the intercept on sparse "
            "data. Please set the solver to 'auto' or 'lsqr', 'sparse_cg', 'sag', "
            "'lbfgs' or set `fit_intercept=False`")
    if is_sparse and solver == "svd":
        raise SparseSvdError("SVD solver does not support sparse inputs currently")
    if is_sparse and fit_intercept and solver == "sag":
        # scikit-learn 1.9: SAG learns the intercept itself (damped steps,
        # slow) only at a loose tol and default max_iter, with a warning;
        # otherwise it runs 'sparse_cg' (and says so in solver_)
        if max_iter is None and tol > 1e-4:
            warnings.warn(
                '"sag" solver requires many iterations to fit an intercept with '
                'sparse inputs. Either set the solver to "auto" or "sparse_cg", or '
                'set a low "tol" and a high "max_iter" (especially if inputs are not '
                "standardized).", UserWarning, stacklevel=user_stacklevel())
        else:
            return "sparse_cg"
    if solver != "auto":
        return solver
    if not is_sparse or min(shape) <= _SPARSE_GRAM_MAX:
        return "cholesky"
    return "sparse_cg"


def ridge_fit(X, y, alpha, *, sample_weight=None, fit_intercept=True, solver="auto",
              max_iter=None, tol=1e-4, positive=False, random_state=None, copy_X=True,
              finite_checked=True):
    """Fit ridge on validated X, y; the one code path behind Ridge and RidgeCV.

    Minimizes ``sum_i s_i (y_i - x_i w - b)^2 + alpha_k ||w_k||^2`` for each
    target k.  Returns ``coef`` (n_targets, p), ``intercept`` (n_targets,),
    ``n_iter`` (n_targets,) and the solver used.  ``finite_checked=False``
    means X was not scanned for NaN/inf: the Cholesky route then checks its
    Gram matrix (free), the others scan X.
    """
    n, p = X.shape
    is_sparse = sp.issparse(X)
    Y2 = y.reshape(n, -1) if y.ndim == 1 else y
    n_targets = Y2.shape[1]
    alpha = np.asarray(alpha, dtype=X.dtype).ravel()
    if alpha.shape[0] not in (1, n_targets):
        raise ValueError(
            "Number of targets and number of penalties do not correspond: "
            f"{alpha.shape[0]} != {n_targets}"
        )
    if alpha.shape[0] == 1:
        alpha = np.full(n_targets, alpha[0], dtype=X.dtype)
    solver = resolve_solver(solver, positive=positive, is_sparse=is_sparse, shape=(n, p),
                            fit_intercept=fit_intercept, max_iter=max_iter, tol=tol)
    if not finite_checked and solver != "cholesky":
        assert_all_finite(X, input_name="X")
    if solver in ("sag", "saga"):
        return _sag_fit(X, Y2, alpha, sample_weight, fit_intercept, solver, max_iter,
                        tol, random_state, copy_X)
    if is_sparse and solver == "cd":
        X = sp.csc_matrix(X)
    design, Yc, X_offset, y_offset, sqrt_sw = solvers.preprocess(
        X, y, fit_intercept=fit_intercept, sample_weight=sample_weight, copy=copy_X,
        implicit_dense=solver == "cholesky", check_finite_gram=not finite_checked,
    )
    n_iter = np.ones(n_targets, dtype=np.int32)
    used = solver
    if solver == "cholesky":
        try:
            coef = solvers.solve_cholesky(design, Yc, alpha)
        except solvers.IllConditionedError as exc:
            used = "eigh" if is_sparse else "svd"
            solvers.warn_fallback(str(exc), used)
            coef = solvers.solve_svd(design, Yc, alpha)
    elif solver == "svd":
        coef = solvers.solve_svd(design, Yc, alpha)
    elif solver in ("lsqr", "sparse_cg", "lbfgs", "cd"):
        # loops of BLAS-1/2 calls: one BLAS thread (see solvers.single_blas_thread)
        with solvers.single_blas_thread():
            coef, n_iter = _iterative(solver, design, Yc, alpha, X, X_offset, y_offset,
                                      Y2, sample_weight, fit_intercept, max_iter, tol,
                                      positive, random_state)
    else:  # pragma: no cover - guarded by parameter validation
        raise ValueError(f"Unknown solver {solver!r}")
    coef = np.ascontiguousarray(coef.T, dtype=X.dtype)
    intercept = (y_offset - coef @ X_offset).astype(X.dtype) if fit_intercept else \
        np.zeros(n_targets, dtype=X.dtype)
    return coef, intercept, n_iter, used


def _sag_fit(X, Y, alpha, sample_weight, fit_intercept, solver, max_iter, tol,
             random_state, copy_X):
    """SAG/SAGA as scikit-learn runs them for Ridge: a dense X is centered
    (weighted means) and sampled without intercept; a sparse X is sampled
    raw, the kernel learning the intercept; sample weights stay weights of
    the sampled losses (X is not rescaled)."""
    dtype = X.dtype
    n_targets = Y.shape[1]
    if fit_intercept:
        X_offset = solvers.weighted_mean(X, sample_weight)
        y_offset = (Y.mean(axis=0) if sample_weight is None else
                    (sample_weight @ Y) / sample_weight.sum()).astype(dtype)
        Yc = Y - y_offset
    else:
        X_offset, y_offset, Yc = None, np.zeros(n_targets, dtype), Y
    if sp.issparse(X):
        Xs, offset = sp.csr_matrix(X), X_offset
    elif fit_intercept:
        if copy_X or not X.flags.writeable or not X.flags.c_contiguous:
            Xs = np.subtract(X, X_offset, order="C")
        else:
            Xs = X
            Xs -= X_offset
        offset = None
    else:
        Xs, offset = np.ascontiguousarray(X), None
    with solvers.single_blas_thread():
        coef, b, n_iter = solvers.solve_sag(
            Xs, Yc, alpha, sample_weight=sample_weight, X_offset=offset,
            max_iter=max_iter, tol=tol, random_state=random_state,
            is_saga=solver == "saga")
    coef = np.ascontiguousarray(coef.T, dtype=dtype)
    if not fit_intercept:
        intercept = np.zeros(n_targets, dtype=dtype)
    elif offset is not None:  # sparse: the kernel fitted the intercept
        intercept = (y_offset + b).astype(dtype)
    else:
        intercept = (y_offset - coef @ X_offset).astype(dtype)
    return coef, intercept, n_iter, solver


def _iterative(solver, design, Yc, alpha, X, X_offset, y_offset, Y2, sample_weight,
               fit_intercept, max_iter, tol, positive, random_state):
    if solver == "lsqr":
        return solvers.solve_lsqr(design, Yc, alpha, max_iter=max_iter, tol=tol)
    if solver == "sparse_cg":
        return solvers.solve_sparse_cg(design, Yc, alpha, max_iter=max_iter, tol=tol)
    if solver == "lbfgs":
        return solvers.solve_lbfgs(design, Yc, alpha, max_iter=max_iter, tol=tol,
                                   positive=positive)
    raw = None
    if sp.issparse(X):
        raw = (X, X_offset if fit_intercept else None, sample_weight, Y2 - y_offset)
    return solvers.solve_cd(design, Yc, alpha, raw=raw, max_iter=max_iter, tol=tol,
                            positive=positive, random_state=random_state)


def coef_attributes(coef, intercept, y_ndim, fit_intercept):
    """coef_ / intercept_ shaped as scikit-learn's Ridge shapes them: a single
    target gives a 1-D coef_ (even for y of shape (n, 1), whose intercept_
    then keeps shape (1,)); no intercept gives intercept_ = 0.0."""
    if not fit_intercept:
        intercept = 0.0
    elif coef.shape[0] == 1 and y_ndim == 1:
        intercept = intercept[0]
    return (coef[0] if coef.shape[0] == 1 else coef), intercept


def validate_fit_data(est, X, y, sample_weight, defer_finite_check):
    """Validated (X, y, sample_weight) for Ridge and RidgeCV.

    COO becomes CSR; y takes X's dtype; the NaN/inf scan of dense X may be
    deferred to the Gram matrix's diagonal (``defer_finite_check``).
    """
    Xy = validate_dense_xy(est, X, y, dtype=(np.float64, np.float32),
                           finite_x=not defer_finite_check)
    if Xy is None:
        Xy = validate_data(
            est, X, check_numeric_target(y), accept_sparse=["csr", "csc", "coo"],
            dtype=[np.float64, np.float32], multi_output=True, y_numeric=True,
            ensure_all_finite=not defer_finite_check,
        )
    X, y = Xy
    if sp.issparse(X) and X.format == "coo":
        X = X.tocsr()
    y = np.asarray(y, dtype=X.dtype)
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype,
                                             ensure_non_negative=True)
    return X, y, sample_weight


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

        check_is_fitted(self)
        Xv = validate_dense_x(self, X, dtype=(np.float64, np.float32))
        X = Xv if Xv is not None else validate_data(
            self, X, accept_sparse=["csr", "csc", "coo"], reset=False,
            dtype=[np.float64, np.float32])
        coef = self.coef_
        out = X @ coef.T if coef.ndim == 2 else X @ coef
        out = np.asarray(out) + self.intercept_
        return out
