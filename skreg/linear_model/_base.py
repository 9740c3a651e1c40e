"""Shared preprocessing of the linear models: weights, centering, intercept.

X is never centered or rescaled in memory: its (weighted) column means are
handed to the kernels, which center implicitly.  Only y (small) is copied.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from skreg._objectives import normalize_weights
from skreg._solvers import start_stats, weighted_mean
from skreg.utils._sklearn_compat import _check_sample_weight, validate_data


def _normalize_sample_weight(sample_weight, X, dtype):
    """Validated, non-negative weights rescaled to sum to n_samples, or None.

    scikit-learn's Lasso/ElasticNet rescale the weights that way, which keeps
    alpha on the same scale with and without weights.
    """
    if sample_weight is None:
        return None
    sw = _check_sample_weight(sample_weight, X, dtype=dtype, ensure_non_negative=True)
    return normalize_weights(sw, X.shape[0])


def _center_target(y, fit_intercept, sample_weight):
    """A centered copy of y (1-D or 2-D) and its (weighted) mean."""
    if not fit_intercept:
        return np.array(y, copy=True), np.zeros(y.shape[1:], dtype=y.dtype)
    # np.average without weights is y.mean, behind a slower generic wrapper
    y_mean = (y.mean(axis=0) if sample_weight is None
              else np.average(y, axis=0, weights=sample_weight)).astype(y.dtype)
    return y - y_mean, y_mean


def _preprocess(X, y, fit_intercept, sample_weight):
    """Means and centered target for a fit; X untouched.

    Returns (X_mean or None, y_centered, X_offset, y_offset) where X_offset
    is zeros when not fitting an intercept.
    """
    y_c, y_offset = _center_target(y, fit_intercept, sample_weight)
    if fit_intercept:
        X_offset = weighted_mean(X, sample_weight)
        X_mean = X_offset
    else:
        X_offset = np.zeros(X.shape[1], dtype=X.dtype)
        X_mean = None
    return X_mean, y_c, X_offset, y_offset


def _preprocess_start(X, y, fit_intercept, sample_weight):
    """:func:`_preprocess`, plus the CD kernel's start state where one read of X
    gives both (dense Fortran X or CSC X with int32 indices, one target, an
    intercept, no weights).

    Returns (X_mean, y_centered, X_offset, y_offset, col_stats): ``col_stats``
    is the state for ``enet_path``'s ``_col_stats`` (column statistics and
    x_j^T y_c, computed with the means), or None where the means came alone.
    """
    if sp.issparse(X):
        one_read = (X.format == "csc" and X.indices.dtype == np.int32
                    and X.indptr.dtype == np.int32)
    else:
        one_read = isinstance(X, np.ndarray) and X.flags.f_contiguous
    if (one_read and fit_intercept and sample_weight is None and y.ndim == 1
            and X.dtype == y.dtype and X.shape[0] * X.shape[1] > 0):
        y_c, y_offset = _center_target(y, True, None)
        X_mean, col_stats = start_stats(X, y_c)
        return X_mean, y_c, X_mean, y_offset, col_stats
    return (*_preprocess(X, y, fit_intercept, sample_weight), None)


def _centered_xy(X, y, X_mean, sample_weight):
    """X~^T S y for a centered y (1-D or 2-D): sum(S y) = 0 removes the mean term."""
    yw = y if sample_weight is None else (y.T * sample_weight).T
    Xy = X.T @ yw
    if X_mean is not None:
        Xy = Xy - np.multiply.outer(X_mean, yw.sum(axis=0))
    return np.asarray(Xy, dtype=X.dtype)


def _validate_penalty_factor(penalty_factor, n_features, dtype):
    """glmnet's semantics: non-negative, rescaled to sum to n_features, inf excludes.

    Returns None for the plain penalty (all ones), else the rescaled factors.
    """
    if penalty_factor is None:
        return None
    if np.iscomplexobj(penalty_factor):
        raise ValueError("penalty_factor must be real; got complex values.")
    pf = np.asarray(penalty_factor, dtype=np.float64)
    if pf.ndim != 1 or pf.shape[0] != n_features:
        raise ValueError(
            f"penalty_factor must have shape ({n_features},), got {pf.shape}."
        )
    if np.any(np.isnan(pf)) or np.any(pf < 0):
        raise ValueError("penalty_factor must be non-negative (NaN is not allowed).")
    excluded = np.isinf(pf)
    pf = np.where(excluded, 1.0, pf)
    if pf.sum() <= 0:
        raise ValueError("penalty_factor must have at least one positive entry.")
    pf = pf * (n_features / pf.sum())
    pf[excluded] = np.inf
    return pf.astype(dtype)


def _implicit_centering_too_lossy(X, X_mean):
    """True for float32 X whose column offsets dwarf their spread.

    Implicit centering keeps the residual uncentered, so about
    log10(|mean| / spread) of float32's ~7 digits are lost; past a ratio of 2
    the kernel can stall (found by the property tests).  Two passes over X
    (over its stored values if sparse, where the implicit zeros count), no copy.
    """
    if X.dtype != np.float32:
        return False
    if sp.issparse(X):
        spread = (X.max(axis=0).toarray() - X.min(axis=0).toarray()).ravel()
    else:
        spread = X.max(axis=0) - X.min(axis=0)
    return bool(np.any(np.abs(X_mean) > 2.0 * spread))


# past this |mean| / std a float64 column loses 4 of its 16 digits to
# implicit centering: a gap of 1e-8 relative could no longer be certified
_F64_OFFSET_RATIO = 1e4


def _centering_too_lossy_f64(X, X_mean, col_stats):
    """True for dense float64 X with a column whose mean exceeds 1e4 times its std.

    Read off the start statistics (:func:`_preprocess_start`), so without a
    pass over X; False where they were not computed.  Implicit centering keeps
    the residual uncentered: with an offset of 1e6 on a spread of 3 the gap
    stalls near 5e-8 relative (1000 epochs and a ConvergenceWarning at
    tol=1e-8) where scikit-learn, which centers a copy, converges in 6.
    """
    if col_stats is None or X.dtype != np.float64 or sp.issparse(X):
        return False
    norm2 = col_stats["stats"][X.shape[1]:]
    live = norm2 > 0
    return bool(np.any(X.shape[0] * X_mean[live] ** 2
                       > _F64_OFFSET_RATIO ** 2 * norm2[live]))


def _guard_centering(X, X_mean, y_c, sample_weight, penalty_factor, col_stats=None):
    """Make implicit centering safe for X whose offsets dwarf the spread.

    float32 X past a mean / spread of 2 (:func:`_implicit_centering_too_lossy`);
    dense float64 X past a mean / std of 1e4, read off ``col_stats`` when given
    (:func:`_centering_too_lossy_f64`).  Dense X: center a copy, as
    scikit-learn always does (X_mean becomes None).  Sparse X cannot be
    centered without densifying: its values are copied to float64 (indices
    shared) and the fit runs in float64; the caller keeps the float32 output
    dtype.  Anything else is returned as it is.
    """
    if X_mean is None or not (_implicit_centering_too_lossy(X, X_mean)
                              or _centering_too_lossy_f64(X, X_mean, col_stats)):
        return X, X_mean, y_c, sample_weight, penalty_factor
    if not sp.issparse(X):
        return np.asfortranarray(X - X_mean), None, y_c, sample_weight, penalty_factor
    X = sp.csc_matrix((X.data.astype(np.float64), X.indices, X.indptr), shape=X.shape)

    def up(a):
        return None if a is None else np.asarray(a, dtype=np.float64)
    return X, up(X_mean), up(y_c), up(sample_weight), up(penalty_factor)


class _LinearClassifierMixin:
    """Scores and labels of a fitted linear classifier (``coef_``, ``intercept_``).

    Shared by the logistic and Ridge classifiers; ``coef_`` may be sparse
    (after ``sparsify``).
    """

    def decision_function(self, X):
        """Confidence scores: ``X @ coef_.T + intercept_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes, the score of ``classes_[1]`` (positive: that
            class is predicted); otherwise one score per class.
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False,
                          dtype=[np.float64, np.float32])
        coef = self.coef_
        if sp.issparse(coef):  # after sparsify()
            scores = (coef @ X.T).T
            scores = scores.toarray() if sp.issparse(scores) else np.asarray(scores)
        else:
            scores = np.asarray(X @ np.atleast_2d(coef).T)
        scores = scores + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def _labels_from_scores(self, scores):
        idx = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[idx]

    def predict(self, X):
        """Predicted class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to classify.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            The class of ``classes_`` with the largest score.
        """
        return self._labels_from_scores(self.decision_function(X))
