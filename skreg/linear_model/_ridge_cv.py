"""RidgeCV: the ridge penalty chosen by exact leave-one-out or K-fold CV."""

import warnings
from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.metrics import check_scoring, get_scorer, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import check_scalar
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing

from skreg import _solvers as solvers
from skreg._solvers import preprocess
from skreg.linear_model._ridge_base import (
    LinearPredictorMixin,
    coef_attributes,
    ridge_fit,
    validate_fit_data,
)
from skreg.utils import user_stacklevel
from skreg.utils._sklearn_compat import (
    CachedParamsMixin,
    Interval,
    StrOptions,
    _fit_context,
    _raise_for_params,
    _routing_enabled,
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
    """Resolve gcv_mode to 'gram' (n <= p), 'cov' (n > p) or 'svd' (dense).

    'svd' on sparse X falls back to the eigendecomposition with scikit-learn
    1.9's FutureWarning (it will raise from scikit-learn 1.11).
    """
    if gcv_mode == "svd":
        if not sp.issparse(X):
            return "svd"
        warnings.warn(
            "The 'svd' mode is not supported for sparse X, we fallback to "
            "`gcv_mode='eigen'`. Passing `gcv_mode='svd'` on sparse X will raise "
            "an error in 1.11, use the default or pass `gcv_mode='eigen'` to "
            "suppress this warning.", FutureWarning, stacklevel=user_stacklevel())
    n, p = X.shape
    return "gram" if n <= p else "cov"


def _first_best(scores):
    """Index of the chosen alpha along axis 0, as scikit-learn's leave-one-out
    scan picks it: an alpha replaces the incumbent only if its score is
    strictly greater (ties keep the earliest; a NaN never wins, and a NaN
    first score is never replaced)."""
    best = np.zeros(scores.shape[1:], dtype=np.intp)
    best_score = scores[0].copy()
    for i in range(1, scores.shape[0]):
        better = scores[i] > best_score
        best = np.where(better, i, best)
        best_score = np.where(better, scores[i], best_score)
    return best if best.ndim else int(best)


class RidgeCV(CachedParamsMixin, MultiOutputMixin, RegressorMixin, LinearPredictorMixin,
              BaseEstimator):
    r"""Ridge regression with the penalty chosen by cross-validation.

    For each candidate ``alpha`` the model is :class:`Ridge`'s,

    .. math::

        \sum_i s_i (y_i - x_i^\top w - b)^2 + \alpha \|w\|_2^2 .

    With ``cv=None`` (default), the leave-one-out errors of every alpha are
    computed exactly from ONE decomposition of the centered design: the
    eigendecomposition of :math:`X X^\top` when n <= p, of :math:`X^\top X`
    when n > p (with :math:`X V` formed once, so each further alpha costs
    O(n p)), or the thin SVD (``gcv_mode='svd'``).  With ``cv`` given, each
    fold is decomposed once and reused for all alphas.

    float32 input gives float32 ``coef_``, ``intercept_`` and
    ``cv_results_``.  The leave-one-out decomposition is computed in float64
    nevertheless (as scikit-learn does), because the Gram matrix squares X's
    condition number and float32 would lose about 4 digits of the
    coefficients.  The cost: one float64 copy of X (8 n p bytes) and float64
    BLAS/LAPACK speed, about twice the time of a float32 decomposition.

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
    cv_results_ : ndarray of shape (n_samples, [n_targets,] n_alphas)
        The target axis only for a 2-D y.  Leave-one-out squared errors
        (rescaled by the sample weights) when ``scoring`` is None, else the
        leave-one-out predictions.  Only with ``store_cv_results=True``.
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
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit``.  Defined only when X has
        feature names that are all strings.

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
        """The candidate alphas as float64, each element validated.

        As scikit-learn 1.9: every element of a list/tuple/array must be a
        real number (TypeError ``alphas[i] must be an instance of float, not
        str.``), > 0 for leave-one-out and >= 0 for K-fold (ValueError
        ``alphas[i] == -1, must be > 0.0.``).  Beyond scikit-learn, which lets
        them through to NaN scores or a failed fit, NaN is rejected by the
        same bound check and infinity as ``must be finite``.
        """
        raw = self.alphas
        if isinstance(raw, (np.ndarray, list, tuple)) and np.ndim(raw) > 0:
            elements = list(raw) if np.ndim(raw) == 1 else list(np.ravel(raw))
        else:
            elements = [raw]
        single = len(elements) == 1
        closed = "neither" if self.cv is None else "left"
        bound = "> 0.0" if closed == "neither" else ">= 0.0"
        for i, a in enumerate(elements):
            name = "alphas" if single else f"alphas[{i}]"
            check_scalar(a, name, target_type=Real, min_val=0.0,
                         include_boundaries=closed)
            if np.isnan(a):
                raise ValueError(f"{name} == {a}, must be {bound}.")
            if not np.isfinite(a):
                raise ValueError(f"{name} == {a}, must be finite.")
        return np.asarray(elements, dtype=np.float64)

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
            Metadata routed to the scorer (and to the ``cv`` splitter), only
            with ``sklearn.set_config(enable_metadata_routing=True)``, as
            scikit-learn's RidgeCV; otherwise passing any raises ValueError.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        _raise_for_params(params, self, "fit")
        alphas = self._checked_alphas()
        split_params = {}
        if _routing_enabled():
            if sample_weight is not None:
                params["sample_weight"] = sample_weight
            routed = process_routing(self, "fit", **params)
            params = dict(routed.scorer.score)
            split_params = dict(routed.splitter.split)
        # dense leave-one-out by eigendecomposition: skip the O(np) NaN/inf
        # scan, the Gram matrix's diagonal reveals any
        defer = self.cv is None and self.gcv_mode != "svd" and not sp.issparse(X)
        X, y, sample_weight = validate_fit_data(self, X, y, sample_weight, defer)
        if self.cv is None:
            self._fit_loo(X, y, alphas, sample_weight, params, finite_checked=not defer)
        else:
            if self.store_cv_results:
                raise ValueError("cv!=None and store_cv_results=True are incompatible")
            if self.alpha_per_target:
                raise ValueError("cv!=None and alpha_per_target=True are incompatible")
            self._fit_kfold(X, y, alphas, sample_weight, params, split_params)
        return self

    def get_metadata_routing(self):
        """Get the metadata routing of this object (scorer and splitter).

        Returns
        -------
        routing : MetadataRouter
            Routing of ``fit``'s metadata: ``score`` of the scorer, ``split``
            of the cv splitter, as scikit-learn's RidgeCV routes them.
        """
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(scorer=self._routing_scorer(),
                 method_mapping=MethodMapping().add(caller="fit", callee="score"))
            .add(splitter=self.cv,
                 method_mapping=MethodMapping().add(caller="fit", callee="split"))
        )

    def _routing_scorer(self):
        # the default (weighted) score always requests sample_weight
        if _routing_enabled() and self.scoring is None:
            return get_scorer("r2").set_score_request(sample_weight=True)
        return check_scoring(estimator=self, scoring=self.scoring, allow_none=True)

    def _scorer(self, default):
        if self.scoring is None:
            return None if default is None else get_scorer(default)
        if callable(self.scoring):
            return self.scoring
        return get_scorer(self.scoring)

    def _fit_loo(self, X, y, alphas, sample_weight, params, finite_checked=True):
        n, p = X.shape
        dtype = X.dtype  # of the results
        if dtype == np.float32:
            # the Gram matrix squares X's condition number: in float32 the
            # leave-one-out errors and coefficients lose ~4 digits.  Decompose
            # in float64 (one float64 copy of X), return float32.
            X = X.astype(np.float64)
            y = y.astype(np.float64)
            if sample_weight is not None:
                sample_weight = sample_weight.astype(np.float64)
        n_y = 1 if y.ndim == 1 else y.shape[1]
        per_target = self.alpha_per_target and n_y > 1
        scorer = self._scorer(None)
        score_params = dict(params)
        if scorer is not None and sample_weight is not None and not _routing_enabled():
            score_params.setdefault("sample_weight", sample_weight)
        mode = _gcv_mode(X, self.gcv_mode)
        design, Yc, X_offset, y_offset, sqrt_sw = preprocess(
            X, y, fit_intercept=self.fit_intercept, sample_weight=sample_weight,
            copy=True, implicit_dense=mode != "svd", check_finite_gram=not finite_checked,
        )
        dec = solvers.LooDecomposition(design, Yc, mode, fit_intercept=self.fit_intercept,
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
        best = _first_best(scores)
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
        self.coef_, self.intercept_ = coef_attributes(coef, intercept, y_ndim,
                                                       self.fit_intercept)

    def _fit_kfold(self, X, y, alphas, sample_weight, params, split_params):
        cv = check_cv(self.cv, y, classifier=False)
        scorer = self._scorer("r2")
        ident = _IdentityRegressor()
        n_alphas = alphas.shape[0]
        fold_scores = []
        Y2 = y.reshape(y.shape[0], -1)
        # as GridSearchCV (scikit-learn 1.9): weights go to the fold fits and,
        # when the scorer accepts them, to the scorer on the test fold
        routing = _routing_enabled()
        weigh_scores = (not routing and sample_weight is not None
                        and scorer_accepts_sample_weight(scorer))
        n = X.shape[0]
        for train, test in cv.split(X, y, **split_params):
            sw = None if sample_weight is None else sample_weight[train]
            design, Yc, X_off, y_off, _ = preprocess(
                X[train], Y2[train], fit_intercept=self.fit_intercept,
                sample_weight=sw, copy=False,
            )
            W = solvers.ridge_coefs_eigh(design, Yc, alphas)  # (p, a, t)
            p, _, t = W.shape
            b = y_off[None, :] - np.einsum("p,pat->at", X_off, W) if \
                self.fit_intercept else np.zeros((n_alphas, t), dtype=X.dtype)
            P = np.asarray(X[test] @ W.reshape(p, -1)).reshape(len(test), n_alphas, t)
            P += b[None]
            yt = y[test]
            # sample-aligned metadata follow the test fold (as GridSearchCV)
            kw = {k: (v[test] if hasattr(v, "__len__") and len(v) == n else v)
                  for k, v in params.items()}
            if weigh_scores:
                kw["sample_weight"] = sample_weight[test]
            s = []
            for j in range(n_alphas):
                Pj = P[:, j, 0] if y.ndim == 1 else P[:, j, :]
                s.append(scorer(ident, Pj, yt, **kw))
            fold_scores.append(s)
        mean_scores = np.mean(np.asarray(fold_scores, dtype=np.float64), axis=0)
        if not np.isfinite(mean_scores).all():
            # GridSearchCV's warning (scikit-learn 1.9 runs a grid search here)
            warnings.warn("One or more of the test scores are non-finite: "
                          f"{mean_scores}", stacklevel=user_stacklevel(), category=UserWarning)
        # nan ranks last; all nan (e.g. R^2 on one-sample folds): the first
        # alpha with best_score_ nan, as scikit-learn's grid search picks
        finite = ~np.isnan(mean_scores)
        best = int(np.nanargmax(mean_scores)) if finite.any() else 0
        self.alpha_ = float(alphas[best])
        self.best_score_ = mean_scores[best]
        coef, intercept, _, _ = ridge_fit(
            X, y, self.alpha_, sample_weight=sample_weight,
            fit_intercept=self.fit_intercept,
        )
        self.coef_, self.intercept_ = coef_attributes(coef, intercept, y.ndim,
                                                       self.fit_intercept)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
