"""RidgeCV: the ridge penalty chosen by exact leave-one-out or K-fold CV."""

import warnings
from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.metrics import get_scorer, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import check_scalar

from skreg._solvers import _closed_form as cf
from skreg.linear_model._ridge import _coef_attributes, _validate_fit_data, ridge_fit
from skreg.linear_model._ridge_base import LinearPredictorMixin, preprocess
from skreg.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    scorer_accepts_sample_weight,
)

# Largest number of entries of one chunk of LOO errors (n x alphas x targets).
_CHUNK_ENTRIES = 2**24


class _IdentityRegressor(RegressorMixin, BaseEstimator):
    """Fake estimator whose predictions are its input (to reuse scorers)."""

    def fit(self, X, y=None):  # pragma: no cover - never fitted
        return self

    def predict(self, y_predict):
        return y_predict

    def __sklearn_is_fitted__(self):
        return True


def _gcv_mode(X, gcv_mode):
    """Resolve gcv_mode to 'gram' (n <= p), 'cov' (n > p) or 'svd' (dense)."""
    if gcv_mode == "svd":
        if not sp.issparse(X):
            return "svd"
        warnings.warn("gcv_mode='svd' is not available for sparse X; using the "
                      "eigendecomposition ('eigen') instead.", UserWarning)
    n, p = X.shape
    return "gram" if n <= p else "cov"


class RidgeCV(MultiOutputMixin, RegressorMixin, LinearPredictorMixin, BaseEstimator):
    r"""Ridge regression with the penalty chosen by cross-validation.

    For each candidate ``alpha`` the model is :class:`Ridge`'s,

    .. math::

        \sum_i s_i (y_i - x_i^\top w - b)^2 + \alpha \|w\|_2^2 .

    With ``cv=None`` (default), the leave-one-out errors of every alpha are
    computed exactly from ONE decomposition of the centred design: the
    eigendecomposition of :math:`X X^\top` when n <= p, of :math:`X^\top X`
    when n > p (with :math:`X V` formed once, so each further alpha costs
    O(n p)), or the thin SVD (``gcv_mode='svd'``).  With ``cv`` given, each
    fold is decomposed once and reused for all alphas.  float32 input is
    computed and returned in float32.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,), default=(0.1, 1.0, 10.0)
        Candidate penalties; strictly positive for leave-one-out.
    fit_intercept : bool, default=True
        Whether to fit an (unpenalized) intercept.
    scoring : str, callable or None, default=None
        Scorer.  None: negative mean squared error in leave-one-out mode
        (weighted by ``sample_weight``), R^2 with ``cv`` given.
    cv : int, cross-validation generator, iterable or None, default=None
        None: efficient leave-one-out; otherwise any scikit-learn ``cv``.
    gcv_mode : {'auto', 'svd', 'eigen'} or None, default=None
        Leave-one-out decomposition: 'auto'/'eigen'/None pick the
        eigendecomposition of the smaller Gram matrix; 'svd' the thin SVD
        (dense X; sparse X falls back to 'eigen' with a warning).
    store_cv_results : bool, default=False
        Keep the per-sample leave-one-out values in ``cv_results_``
        (``cv=None`` only).
    alpha_per_target : bool, default=False
        Choose alpha separately for each target (``cv=None`` only).

    Attributes
    ----------
    cv_results_ : ndarray of shape (n_samples, n_alphas) or \
            (n_samples, n_targets, n_alphas)
        Leave-one-out squared errors (rescaled by the sample weights) when
        ``scoring`` is None, else the leave-one-out predictions.  Only with
        ``store_cv_results=True``.
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Weight vector(s) at the chosen alpha.
    intercept_ : float or ndarray of shape (n_targets,)
        Independent term.
    alpha_ : float or ndarray of shape (n_targets,)
        Chosen penalty (one per target if ``alpha_per_target``).
    best_score_ : float or ndarray of shape (n_targets,)
        Score at the chosen alpha.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when X has string feature names.

    See Also
    --------
    Ridge : Ridge regression with a fixed penalty.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import RidgeCV
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(50, 5)
    >>> y = X @ np.arange(5.0) + 3 * rng.randn(50)
    >>> reg = RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(X, y)
    >>> round(float(reg.alpha_), 3)
    3.162
    >>> round(reg.score(X, y), 3)
    0.772
    """

    _parameter_constraints: dict = {
        "alphas": ["array-like", Interval(Real, 0, None, closed="neither")],
        "fit_intercept": ["boolean"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "cv": ["cv_object"],
        "gcv_mode": [StrOptions({"auto", "svd", "eigen"}), None],
        "store_cv_results": ["boolean"],
        "alpha_per_target": ["boolean"],
    }

    def __init__(self, alphas=(0.1, 1.0, 10.0), *, fit_intercept=True, scoring=None,
                 cv=None, gcv_mode=None, store_cv_results=False,
                 alpha_per_target=False):
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.scoring = scoring
        self.cv = cv
        self.gcv_mode = gcv_mode
        self.store_cv_results = store_cv_results
        self.alpha_per_target = alpha_per_target

    def _checked_alphas(self):
        alphas = np.atleast_1d(np.asarray(self.alphas, dtype=np.float64)).ravel()
        loo = self.cv is None
        for i, a in enumerate(alphas):
            check_scalar(float(a), f"alphas[{i}]" if alphas.size > 1 else "alphas",
                         target_type=Real, min_val=0.0,
                         include_boundaries="neither" if loo else "left")
        return alphas

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Fit ridge with the penalty chosen by cross-validation.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Training data (float64 or float32; kept in that dtype).
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : float or ndarray of shape (n_samples,), default=None
            Non-negative sample weights.
        **params : dict
            Extra keyword arguments passed to the scorer.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        alphas = self._checked_alphas()
        # dense leave-one-out by eigendecomposition: skip the O(np) NaN/inf
        # scan, the Gram matrix's diagonal reveals any
        defer = self.cv is None and self.gcv_mode != "svd" and not sp.issparse(X)
        X, y, sample_weight = _validate_fit_data(self, X, y, sample_weight, defer)
        if self.cv is None:
            self._fit_loo(X, y, alphas, sample_weight, params, finite_checked=not defer)
        else:
            if self.store_cv_results:
                raise ValueError("cv!=None and store_cv_results=True are incompatible")
            if self.alpha_per_target:
                raise ValueError("cv!=None and alpha_per_target=True are incompatible")
            self._fit_kfold(X, y, alphas, sample_weight, params)
        return self

    def _scorer(self, default):
        if self.scoring is None:
            return None if default is None else get_scorer(default)
        if callable(self.scoring):
            return self.scoring
        return get_scorer(self.scoring)

    def _fit_loo(self, X, y, alphas, sample_weight, params, finite_checked=True):
        n, p = X.shape
        dtype = X.dtype
        n_y = 1 if y.ndim == 1 else y.shape[1]
        per_target = self.alpha_per_target and n_y > 1
        scorer = self._scorer(None)
        score_params = dict(params)
        if scorer is not None and sample_weight is not None:
            score_params.setdefault("sample_weight", sample_weight)
        mode = _gcv_mode(X, self.gcv_mode)
        design, Yc, X_offset, y_offset, sqrt_sw = preprocess(
            X, y, fit_intercept=self.fit_intercept, sample_weight=sample_weight,
            copy=True, implicit_dense=mode != "svd", check_finite_gram=not finite_checked,
        )
        dec = cf.LooDecomposition(design, Yc, mode, fit_intercept=self.fit_intercept,
                                  sqrt_sw=sqrt_sw)
        n_alphas = alphas.shape[0]
        scores = np.empty((n_alphas, n_y) if per_target else n_alphas, dtype=np.float64)
        if self.store_cv_results:
            cv_results = np.empty((n, n_y, n_alphas), dtype=dtype)
        chunk = max(1, _CHUNK_ENTRIES // (n * (n_y + 1)))
        ident = _IdentityRegressor()
        for start in range(0, n_alphas, chunk):
            stop = min(start + chunk, n_alphas)
            E = dec.loo_residuals(alphas[start:stop])  # (n, a, n_y)
            if scorer is None:
                E **= 2
                if per_target:
                    scores[start:stop] = -E.mean(axis=0)
                else:
                    scores[start:stop] = -E.mean(axis=(0, 2))
                if self.store_cv_results:
                    cv_results[:, :, start:stop] = E.transpose(0, 2, 1)
                continue
            pred = Yc[:, None, :] - E
            if sqrt_sw is not None:
                with np.errstate(divide="ignore", invalid="ignore"):
                    pred /= sqrt_sw[:, None, None]
            pred += y_offset
            if self.store_cv_results:
                cv_results[:, :, start:stop] = pred.transpose(0, 2, 1)
            for j in range(stop - start):
                P = pred[:, j, :]
                if per_target:
                    scores[start + j] = [scorer(ident, P[:, k], y[:, k], **score_params)
                                         for k in range(n_y)]
                else:
                    Pj = P[:, 0] if y.ndim == 1 else P
                    scores[start + j] = scorer(ident, Pj, y, **score_params)
        # first alpha reaching the best score (ties: the earliest), as sklearn
        best = np.argmax(scores, axis=0)
        if per_target:
            alpha_t = alphas[best]
            self.alpha_ = alpha_t.astype(np.float64)
            self.best_score_ = scores[best, np.arange(n_y)]
        else:
            alpha_t = np.full(n_y, alphas[best])
            self.alpha_ = float(alphas[best])
            self.best_score_ = scores[best]
        coef = np.ascontiguousarray(dec.coef(alpha_t).T, dtype=dtype)  # (n_y, p)
        self._set_coef(coef, X_offset, y_offset, y.ndim)
        if self.store_cv_results:
            self.cv_results_ = cv_results[:, 0, :] if y.ndim == 1 else cv_results

    def _set_coef(self, coef, X_offset, y_offset, y_ndim):
        if self.fit_intercept:
            intercept = (y_offset - coef @ X_offset).astype(coef.dtype)
        else:
            intercept = np.zeros(coef.shape[0], dtype=coef.dtype)
        self.coef_, self.intercept_ = _coef_attributes(coef, intercept, y_ndim,
                                                       self.fit_intercept)

    def _fit_kfold(self, X, y, alphas, sample_weight, params):
        cv = check_cv(self.cv, y, classifier=False)
        scorer = self._scorer("r2")
        ident = _IdentityRegressor()
        n_alphas = alphas.shape[0]
        fold_scores = []
        Y2 = y.reshape(y.shape[0], -1)
        # as GridSearchCV (scikit-learn 1.9): weights go to the fold fits and,
        # when the scorer accepts them, to the scorer on the test fold
        weigh_scores = sample_weight is not None and scorer_accepts_sample_weight(scorer)
        for train, test in cv.split(X, y):
            sw = None if sample_weight is None else sample_weight[train]
            design, Yc, X_off, y_off, _ = preprocess(
                X[train], Y2[train], fit_intercept=self.fit_intercept,
                sample_weight=sw, copy=False,
            )
            W = cf.ridge_coefs_eigh(design, Yc, alphas)  # (p, a, t)
            p, _, t = W.shape
            b = y_off[None, :] - np.einsum("p,pat->at", X_off, W) if \
                self.fit_intercept else np.zeros((n_alphas, t), dtype=X.dtype)
            P = np.asarray(X[test] @ W.reshape(p, -1)).reshape(len(test), n_alphas, t)
            P += b[None]
            yt = y[test]
            kw = dict(params)
            if weigh_scores:
                kw["sample_weight"] = sample_weight[test]
            s = []
            for j in range(n_alphas):
                Pj = P[:, j, 0] if y.ndim == 1 else P[:, j, :]
                s.append(scorer(ident, Pj, yt, **kw))
            fold_scores.append(s)
        mean_scores = np.mean(np.asarray(fold_scores, dtype=np.float64), axis=0)
        best = int(np.nanargmax(mean_scores))
        self.alpha_ = float(alphas[best])
        self.best_score_ = mean_scores[best]
        coef, intercept, _, _ = ridge_fit(
            X, y, self.alpha_, sample_weight=sample_weight,
            fit_intercept=self.fit_intercept,
        )
        self.coef_, self.intercept_ = _coef_attributes(coef, intercept, y.ndim,
                                                       self.fit_intercept)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
