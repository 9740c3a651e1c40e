"""The folds of LassoCV / ElasticNetCV: one warm-started path per fold, scored.

Per fold, X is only row-selected: the training fold's (weighted) column
means go to the path as ``X_offset`` (implicit centering), never subtracted
from a copy of X; a Gram matrix, when used, is downdated from the full
data's instead of formed again.
"""

import numpy as np
import scipy.sparse as sp
from joblib import cpu_count, effective_n_jobs
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.parallel import Parallel, delayed
from threadpoolctl import threadpool_limits

from skreg._objectives import normalize_weights
from skreg.linear_model._base import _guard_centering, _preprocess
from skreg.linear_model._gram import fold_gram


class _PathPoint(RegressorMixin, BaseEstimator):
    """A fitted linear model at one alpha of a path, for scorers to call.

    Scorers only need ``predict``; building this costs nothing, so a scorer
    can be evaluated at every alpha of a warm-started path without a refit.
    """

    def __init__(self, coef=None, intercept=0.0):
        self.coef = coef
        self.intercept = intercept

    def fit(self, X, y=None):  # pragma: no cover - never fitted, scorers only
        return self

    def predict(self, X):
        if np.ndim(self.coef) == 2:  # multi-task: coef (n_tasks, n_features)
            return np.asarray(X @ self.coef.T) + self.intercept
        return np.asarray(X @ self.coef).ravel() + self.intercept


def _take_rows(X, idx):
    """Rows ``idx`` of X in the layout the kernels read without a copy.

    Dense: one Fortran-ordered copy (``X[idx]`` is C-ordered, and the dense
    kernel would copy it again).  Sparse: CSC row selection.
    """
    if sp.issparse(X):
        return X[idx].tocsc()
    out = np.empty((idx.shape[0], X.shape[1]), dtype=X.dtype, order="F")
    np.take(X, idx, axis=0, out=out, mode="clip")  # idx already bounds-checked
    return out


def _check_indices(idx, n_samples):
    idx = np.asarray(idx)
    if idx.dtype == bool:
        idx = np.flatnonzero(idx)
    idx = idx.astype(np.intp, copy=False).ravel()
    if idx.size and (idx.min() < -n_samples or idx.max() >= n_samples):
        raise ValueError(f"CV split indices out of range for {n_samples} samples.")
    return np.where(idx < 0, idx + n_samples, idx)


def _fold_path(path, X, y, sample_weight, train, test, *, fit_intercept, alphas,
               path_params, scorer, gram=None):
    """One path on the training rows; the held-out error at every alpha.

    Returns (mse, scores) of shape (n_alphas,); ``scores`` is None without a
    scorer.  Training weights are rescaled to sum to the training size, as
    scikit-learn does, so alpha means the same in every fold.  ``gram`` is
    the full data's X^T S X: the fold's centered Gram matrix is downdated from
    it (minus the test rows' part, a fraction of the cost of a new one).
    """
    X_train, y_train = _take_rows(X, train), y[train]
    X_test, y_test = X[test], y[test]
    n_train = train.shape[0]
    if sample_weight is None:
        sw_train = sw_test = None
        c = 1.0
    else:
        sw_test = sample_weight[test]
        sw_train = normalize_weights(sample_weight[train], n_train)
        c = n_train / np.sum(sample_weight[train])  # S' = c S, for the Gram downdate
    X_mean, y_c, X_offset, y_offset = _preprocess(X_train, y_train, fit_intercept,
                                                  sw_train)
    precompute = False
    if gram is None:
        X_train, X_mean, y_c, sw_train, _ = _guard_centering(
            X_train, X_mean, y_c, sw_train, None)
    if gram is not None:
        precompute = fold_gram(gram, X_test, sw_test, c, X_mean, n_train)
    params = dict(path_params)
    params.pop("precompute")
    _, coefs, _ = path(X_train, y_c, alphas=alphas, precompute=precompute,
                       check_input=False, X_offset=X_mean, sample_weight=sw_train,
                       **params)
    del X_train, precompute
    if coefs.ndim == 3:  # multi-task: (n_tasks, n_features, n_alphas)
        intercepts = y_offset[:, None] - X_offset @ coefs    # (n_tasks, n_alphas)
        residues = np.stack([np.asarray(X_test @ c) for c in coefs]) \
            + intercepts[:, None, :] - y_test.T[:, :, None]
        # the mean over tasks of each task's (weighted) mean, as scikit-learn
        mse = np.average(residues**2, axis=1, weights=sw_test).mean(axis=0)
    else:
        intercepts = y_offset - X_offset @ coefs             # (n_alphas,)
        residues = np.asarray(X_test @ coefs) + intercepts - y_test[:, None]
        mse = np.average(residues**2, axis=0, weights=sw_test)
    if scorer is None:
        return mse, None
    kw = {} if sw_test is None else {"sample_weight": sw_test}
    scores = np.array([
        scorer(_PathPoint(coefs[..., k], intercepts[..., k]), X_test, y_test, **kw)
        for k in range(coefs.shape[-1])
    ], dtype=np.float64)
    return mse, scores


def _one_se_index(alphas, err):
    """Index of the largest alpha whose mean error is within one SE of the best.

    ``err`` has shape (n_alphas, n_folds); SE is the standard deviation over
    folds (ddof=1) over sqrt(n_folds), at the best alpha (glmnet's lambda.1se).
    """
    mean = err.mean(axis=1)
    best = int(np.argmin(mean))
    n_folds = err.shape[1]
    se = err[best].std(ddof=1) / np.sqrt(n_folds) if n_folds > 1 else 0.0
    ok = np.flatnonzero(mean <= mean[best] + se)
    return int(ok[np.argmax(alphas[ok])])


def _split_folds(cv, X, y, sw, split_params):
    """The (train, test) row indices of each fold, checked.

    With weights, every fold needs weighted samples on both sides (a fold
    whose weights sum to zero has no error to average).
    """
    n_samples = X.shape[0]
    folds = [(_check_indices(tr, n_samples), _check_indices(te, n_samples))
             for tr, te in cv.split(X, y, **split_params)]
    if sw is not None:
        for k, (train, test) in enumerate(folds):
            for part, rows in (("training", train), ("test", test)):
                if not np.sum(sw[rows]) > 0:
                    raise ValueError(
                        f"sample_weight sums to zero on the {part} rows of CV "
                        f"fold {k}: every fold needs weighted samples on both "
                        "sides; shuffle the data or pass another cv."
                    )
    return folds


def _cv_paths(path, X, y, sw, folds, alphas, params_of, *, fit_intercept, scorer,
              gram, n_jobs, verbose):
    """One path per (l1_ratio, fold), in threads; the errors, (n_l1, n_alphas, n_folds).

    ``alphas[i]`` and ``params_of[i]`` are l1_ratio i's grid and path
    parameters.  Returns the (weighted) MSE and the scorer's scores (None
    without a scorer).
    """
    jobs = (
        delayed(_fold_path)(
            path, X, y, sw, train, test, fit_intercept=fit_intercept,
            alphas=alphas[i], path_params=params_of[i], scorer=scorer, gram=gram,
        )
        for i in range(len(params_of))
        for train, test in folds
    )
    # threads: the kernels run without the GIL, and X is shared, not pickled.
    # Each thread's BLAS calls get cpu_count / n_jobs threads: unlimited,
    # n_jobs full BLAS pools would oversubscribe the cores
    n_threads = effective_n_jobs(n_jobs)
    blas = max(1, cpu_count() // n_threads) if n_threads > 1 else None
    with threadpool_limits(limits=blas, user_api="blas"):
        out = Parallel(n_jobs=n_jobs, verbose=verbose, prefer="threads")(jobs)
    shape = (len(params_of), len(folds), alphas.shape[1])
    mse = np.moveaxis(np.array([m for m, _ in out]).reshape(shape), 2, 1)
    scores = None
    if scorer is not None:
        scores = np.moveaxis(np.array([s for _, s in out]).reshape(shape), 2, 1)
    return mse, scores
