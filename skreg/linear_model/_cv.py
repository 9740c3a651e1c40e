"""LassoCV and ElasticNetCV: the penalty chosen by cross-validation.

For every (l1_ratio, fold) pair one warm-started path is computed on the
training rows over a common alpha grid (the grid of the full data, as
scikit-learn's), and the held-out rows are scored at every alpha from the
path's coefficients (no refit per alpha).  The pairs run in parallel with
joblib threads: the compiled kernels release the GIL for their loops, and
BLAS is held to cpu_count / n_jobs threads meanwhile (measured: threads then
scale like processes, without pickling X).

The folds themselves (splitting, row selection, implicit centering, Gram
downdates, the parallel paths) are in ``_cv_folds``.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import get_scorer, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import check_consistent_length, check_scalar, column_or_1d
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.validation import check_is_fitted

from skreg._solvers import weighted_mean
from skreg.linear_model._base import (
    _normalize_sample_weight,
    _preprocess,
    _validate_penalty_factor,
)
from skreg.linear_model._coordinate_descent import ElasticNet, Lasso
from skreg.linear_model._cv_folds import _cv_paths, _one_se_index, _split_folds
from skreg.linear_model._gram import gram_decision, weighted_gram
from skreg.linear_model._paths import (
    _alpha_grid,
    _grid_correlation,
    enet_path,
    lasso_path,
)
from skreg.utils import check_numeric_target
from skreg.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _fit_context,
    _raise_for_params,
    validate_data,
)

__all__ = ["ElasticNetCV", "LassoCV"]


class _LinearModelCV(RegressorMixin, BaseEstimator):
    """Shared fit of LassoCV / ElasticNetCV (not public)."""

    _parameter_constraints = {
        "eps": [Interval(Real, 0, None, closed="neither")],
        "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "fit_intercept": ["boolean"],
        "precompute": [StrOptions({"auto"}), "array-like", "boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "copy_X": ["boolean"],
        "cv": ["cv_object"],
        "verbose": ["verbose"],
        "n_jobs": [Integral, None],
        "positive": ["boolean"],
        "random_state": ["random_state"],
        "selection": [StrOptions({"cyclic", "random"})],
        "penalty_factor": ["array-like", None],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
    }

    def _l1_ratios(self):
        return np.array([1.0])

    def _get_estimator(self, l1_ratio):
        raise NotImplementedError

    def _path_kwargs(self, l1_ratio):
        return {}

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Fit the model on a grid of alphas, choosing alpha by cross-validation.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.  Never centered or copied as a whole: each fold is
            one row selection.
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Weights used for fitting and for the weighted error of each test
            fold; the cross-validated error is the unweighted mean over folds
            of those weighted errors (as scikit-learn).
        **params : dict
            Parameters routed to the CV splitter (``groups``), only with
            ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        routing = get_config().get("enable_metadata_routing", False)
        _raise_for_params(params, self, "fit")  # scikit-learn's error without routing
        X, y = validate_data(
            self, X, check_numeric_target(y),
            validate_separately=(
                dict(accept_sparse="csc", dtype=[np.float64, np.float32],
                     copy=False, accept_large_sparse=False),
                dict(copy=False, dtype=[np.float64, np.float32], ensure_2d=False),
            ),
        )
        y = self._check_target(y).astype(X.dtype, copy=False)
        check_consistent_length(X, y)  # validate_separately does not
        n_samples, n_features = X.shape
        if isinstance(sample_weight, Real):
            sample_weight = None
        sw = _normalize_sample_weight(sample_weight, X, X.dtype)
        pf = _validate_penalty_factor(self.penalty_factor, n_features, X.dtype)
        scorer = None if self.scoring is None else get_scorer(self.scoring)

        l1_ratios = self._l1_ratios()
        if isinstance(self.alphas, Integral):
            X_mean, y_c, _, _ = _preprocess(X, y, self.fit_intercept, sw)
            Xy = _grid_correlation(X, y_c, X_mean, sw, pf, self.positive)
            if np.linalg.norm(y_c) <= np.finfo(np.float64).resolution * np.linalg.norm(y):
                Xy = np.zeros_like(Xy)  # a constant y: its centered values are rounding
            alphas = np.array([
                _alpha_grid(Xy, n_samples, l1_ratio=r, eps=self.eps,
                            n_alphas=self.alphas, penalty_factor=pf,
                            positive=self.positive)
                for r in l1_ratios
            ])
        else:
            # each element as scikit-learn checks it (its types and messages),
            # then the whole grid
            for index, alpha in enumerate(np.ravel(np.asarray(self.alphas, dtype=object))):
                check_scalar(alpha, f"alphas[{index}]", target_type=Real, min_val=0.0,
                             include_boundaries="left")
            grid = np.asarray(self.alphas, dtype=np.float64)
            if grid.ndim != 1 or grid.size == 0 or not np.all(np.isfinite(grid)):
                raise ValueError(
                    "alphas must be an int or a non-empty 1-D array of finite, "
                    f"non-negative floats; got {self.alphas!r}."
                )
            alphas = np.tile(np.sort(grid)[::-1], (len(l1_ratios), 1))

        if routing:
            split_params = process_routing(self, "fit", sample_weight=sample_weight,
                                           **params).splitter.split
        else:
            split_params = {}
        folds = _split_folds(check_cv(self.cv), X, y, sw, split_params)
        if sp.issparse(X) and X.format != "csc":
            X = X.tocsc()

        # a user's Gram matrix is of the full data: the folds get their own,
        # downdated from X^T S X
        use_gram = gram_decision(self.precompute, X,
                                 weighted_mean(X, sw) if self.fit_intercept else None)
        use_gram = use_gram is not False
        gram = weighted_gram(X, sw) if use_gram else None
        base = dict(eps=self.eps, max_iter=self.max_iter, tol=self.tol,
                    positive=self.positive, random_state=self.random_state,
                    selection=self.selection, penalty_factor=pf,
                    precompute=self.precompute)
        params_of = [{**base, **self._path_kwargs(r)} for r in l1_ratios]
        mse, scores = _cv_paths(self.path, X, y, sw, folds, alphas, params_of,
                                fit_intercept=self.fit_intercept, scorer=scorer,
                                gram=gram, n_jobs=self.n_jobs, verbose=self.verbose)
        n_l1 = len(l1_ratios)
        self.mse_path_ = np.squeeze(mse)
        if scorer is not None:
            self.score_path_ = np.squeeze(scores)
            err = -scores               # the criterion: larger scores are better
        else:
            err = mse

        mean_err = err.mean(axis=2)                           # (n_l1, n_alphas)
        # first minimum over l1_ratios then alphas (largest alpha first), as
        # scikit-learn and GridSearchCV break ties
        i_l1, i_alpha = np.unravel_index(np.argmin(mean_err), mean_err.shape)
        best_alpha = float(alphas[i_l1, i_alpha])
        best_l1_ratio = float(l1_ratios[i_l1])
        self.alpha_ = best_alpha
        self.alpha_1se_ = float(alphas[i_l1, _one_se_index(alphas[i_l1], err[i_l1])])
        if self._has_l1_ratio():
            self.l1_ratio_ = best_l1_ratio
        if isinstance(self.alphas, Integral):
            self.alphas_ = alphas if n_l1 > 1 else alphas[0]
        else:
            self.alphas_ = alphas[0]

        del gram
        precompute = self.precompute
        if isinstance(precompute, str):
            precompute = bool(use_gram)
        model = self._get_estimator(best_l1_ratio).set_params(
            alpha=best_alpha, **self._refit_params(precompute))
        self._fit_refit(model, X, y, sample_weight, precompute)
        self.coef_ = model.coef_
        self.intercept_ = model.intercept_
        self.dual_gap_ = model.dual_gap_
        self.n_iter_ = model.n_iter_
        return self

    def _has_l1_ratio(self):
        return False

    def _fit_refit(self, model, X, y, sample_weight, precompute):
        """Refit at the chosen alpha (``precompute`` is in ``model``'s parameters)."""
        model.fit(X, y, sample_weight=sample_weight)

    def _check_target(self, y):
        """The validated target: 1-D here, 2-D for the multi-task models."""
        if y.ndim > 1 and y.shape[1] > 1:
            raise ValueError(
                f"For multi-task outputs, use MultiTask{self.__class__.__name__}"
            )
        return column_or_1d(y, warn=True)

    def _refit_params(self, precompute):
        """The refit model's parameters besides alpha (what it has of ours)."""
        return dict(fit_intercept=self.fit_intercept, precompute=precompute,
                    max_iter=self.max_iter, tol=self.tol, copy_X=self.copy_X,
                    positive=self.positive, random_state=self.random_state,
                    selection=self.selection, penalty_factor=self.penalty_factor)

    def predict(self, X):
        """Predict with the refitted linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to predict.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted values, ``X @ coef_ + intercept_``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], reset=False,
                          dtype=[np.float64, np.float32])
        return np.asarray(X @ self.coef_).ravel() + self.intercept_

    @property
    def sparse_coef_(self):
        """Sparse representation of the fitted ``coef_``."""
        return sp.csr_matrix(self.coef_)

    def get_metadata_routing(self):
        """Metadata routing: ``fit`` parameters go to the CV splitter's ``split``.

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter` routing
            ``fit``'s metadata (e.g. ``groups``) to the splitter's ``split``.
        """
        return MetadataRouter(owner=self).add_self_request(self).add(
            splitter=check_cv(self.cv),
            method_mapping=MethodMapping().add(caller="fit", callee="split"),
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = False
        return tags


_CV_PARAMS_DOC = """
    eps : float, default=1e-3
        Length of the path: ``alpha_min / alpha_max``.
    alphas : int or array-like, default=100
        Number of alphas on the automatic grid (computed on the full data,
        as scikit-learn's), or the alphas themselves.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    precompute : 'auto', bool or array-like, default='auto'
        Use a Gram matrix ('auto': when it is no larger than X, i.e. more
        rows than columns for dense X).  It is computed once and downdated
        for each fold; a user's array is of the full data, so the folds and
        the refit compute their own.
    max_iter : int, default=1000
        Maximum number of coordinate-descent epochs per alpha.
    tol : float, default=1e-4
        Tolerance on the duality gap, scaled as scikit-learn's.
    copy_X : bool, default=True
        Kept for compatibility: X is never modified.
    cv : int, cross-validation generator or iterable, default=None
        As scikit-learn's (None: 5-fold ``KFold``).
    verbose : bool or int, default=False
        joblib's verbosity.
    n_jobs : int, default=None
        Parallel (l1_ratio, fold) paths, on threads.
    positive : bool, default=False
        Force non-negative coefficients.
    random_state : int, RandomState instance or None, default=None
        Seed of ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Coordinate order.
    penalty_factor : array-like of shape (n_features,), default=None
        glmnet's per-feature penalty weights (see :class:`~skreg.ElasticNet`);
        the alpha grid follows glmnet's rule (alpha_max from the residual
        after fitting the unpenalised features).
    scoring : str, callable or None, default=None
        None: the held-out mean squared error, as scikit-learn.  Otherwise any
        scikit-learn scorer (larger is better), evaluated on each fold's
        held-out rows at every alpha from the warm-started path.
"""

_CV_ATTRS_DOC = """
    alpha_ : float
        The alpha chosen: smallest mean CV error (largest mean score).
    alpha_1se_ : float
        The largest alpha whose mean CV error is within one standard error
        (std over folds / sqrt(n_folds)) of the best (glmnet's lambda.1se);
        with a scorer the error is the negative score.
    mse_path_ : ndarray of shape (n_alphas, n_folds) (n_l1_ratio first for several)
        Mean squared error of each held-out fold along the path.
    score_path_ : ndarray, same shape as ``mse_path_``
        The scorer's values; only when ``scoring`` is not None.
    coef_ : ndarray of shape (n_features,)
        Coefficients of the final refit on the whole data at ``alpha_``.
    sparse_coef_ : sparse matrix of shape (1, n_features)
        Sparse representation of ``coef_``.
    intercept_ : float
        Independent term of the final refit (0.0 without intercept).
    dual_gap_ : float
        Duality gap of the final refit.
    n_iter_ : int
        Epochs of the final refit.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit``.  Defined only when X has
        feature names that are all strings.
"""


class LassoCV(_LinearModelCV):
    __doc__ = """Lasso with alpha chosen by cross-validation along warm-started paths.

    The objective, as scikit-learn's ``LassoCV``::

        1 / (2 n) * sum_i s_i (y_i - x_i @ w - b)^2 + alpha * sum_j pf_j |w_j|

    Parameters
    ----------""" + _CV_PARAMS_DOC + """
    Attributes
    ----------""" + _CV_ATTRS_DOC + """    alphas_ : ndarray of shape (n_alphas,)
        The grid of alphas.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skreg import LassoCV
    >>> X, y = make_regression(n_samples=60, n_features=5, noise=4, random_state=0)
    >>> reg = LassoCV(cv=5).fit(X, y)
    >>> bool(reg.alpha_1se_ >= reg.alpha_)
    True
    >>> round(reg.score(X, y), 3)
    0.999
    """

    path = staticmethod(lasso_path)

    def __init__(self, *, eps=1e-3, alphas=100, fit_intercept=True,
                 precompute="auto", max_iter=1000, tol=1e-4, copy_X=True, cv=None,
                 verbose=False, n_jobs=None, positive=False, random_state=None,
                 selection="cyclic", penalty_factor=None, scoring=None):
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.copy_X = copy_X
        self.cv = cv
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.scoring = scoring

    def _get_estimator(self, l1_ratio):
        return Lasso()


class ElasticNetCV(_LinearModelCV):
    __doc__ = """ElasticNet with alpha (and l1_ratio) chosen by cross-validation.

    The objective, as scikit-learn's ``ElasticNetCV``::

        1 / (2 n) * sum_i s_i (y_i - x_i @ w - b)^2
        + alpha * sum_j pf_j (l1_ratio |w_j| + 0.5 * (1 - l1_ratio) w_j^2)

    Parameters
    ----------
    l1_ratio : float or array-like of float, default=0.5
        The L1/L2 mix, or several to cross-validate (e.g.
        ``[.1, .5, .7, .9, .95, .99, 1]``); 0 needs an explicit ``alphas``.""" \
        + _CV_PARAMS_DOC + """
    Attributes
    ----------""" + _CV_ATTRS_DOC + """    l1_ratio_ : float
        The l1_ratio chosen.
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratio, n_alphas)
        The grid(s) of alphas, one per l1_ratio for an automatic grid.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skreg import ElasticNetCV
    >>> X, y = make_regression(n_samples=60, n_features=5, noise=4, random_state=0)
    >>> reg = ElasticNetCV(l1_ratio=[0.5, 0.9, 1.0], cv=5).fit(X, y)
    >>> float(reg.l1_ratio_) in (0.5, 0.9, 1.0)
    True
    """

    _parameter_constraints = {
        **_LinearModelCV._parameter_constraints,
        "l1_ratio": [Interval(Real, 0, 1, closed="both"), "array-like"],
    }

    path = staticmethod(enet_path)

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, alphas=100, fit_intercept=True,
                 precompute="auto", max_iter=1000, tol=1e-4, cv=None, copy_X=True,
                 verbose=0, n_jobs=None, positive=False, random_state=None,
                 selection="cyclic", penalty_factor=None, scoring=None):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.scoring = scoring

    def _l1_ratios(self):
        r = np.atleast_1d(np.asarray(self.l1_ratio, dtype=np.float64))
        if r.ndim != 1 or r.size == 0 or np.any((r < 0) | (r > 1)) \
                or not np.all(np.isfinite(r)):
            raise ValueError(
                f"l1_ratio must be a float or 1-D array of floats in [0, 1]; got "
                f"{self.l1_ratio!r}."
            )
        return r

    def _has_l1_ratio(self):
        return True

    def _path_kwargs(self, l1_ratio):
        return {"l1_ratio": float(l1_ratio)}

    def _get_estimator(self, l1_ratio):
        return ElasticNet(l1_ratio=l1_ratio)
