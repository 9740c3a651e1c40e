"""MultiTaskLassoCV and MultiTaskElasticNetCV: the L2,1 penalty chosen by CV.

The cross-validation of LassoCV / ElasticNetCV (``_cv``: one warm-started
path per fold on the full data's alpha grid, held-out error at every alpha,
threads), with a 2-D target: the paths are multi-task paths and the error
of a fold is the mean over tasks of the (weighted) mean squared error, as
scikit-learn's.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from skreg.linear_model._cv import ElasticNetCV, LassoCV, _LinearModelCV
from skreg.linear_model._multitask import MultiTaskElasticNet, MultiTaskLasso
from skreg.utils._sklearn_compat import validate_data

__all__ = ["MultiTaskElasticNetCV", "MultiTaskLassoCV"]

_DROPPED = ("precompute", "positive", "penalty_factor", "scoring")


class _MultiTaskCVMixin:
    """What the multi-task CV estimators change in ``_LinearModelCV``."""

    # not parameters of the multi-task models (as in scikit-learn): fixed.
    # precompute 'auto' as in LassoCV: for n > p the folds and the refit run
    # the Gram loop, whose plain cyclic sweeps give weighted and repeated rows
    # the same iterates (check_sample_weight_equivalence, at the default tol)
    precompute = "auto"
    positive = False
    penalty_factor = None
    scoring = None

    def _check_target(self, y):
        if y.ndim == 1:
            raise ValueError(
                f"For mono-task outputs, use {self.__class__.__name__[9:]}"
            )
        return y

    def _fit_refit(self, model, X, y, sample_weight, precompute):
        # MultiTaskLasso/ElasticNet have no precompute (scikit-learn's
        # signature): the refit gets the folds' kernel privately
        model._precompute = precompute
        model.fit(X, y, sample_weight=sample_weight)

    def _refit_params(self, precompute):
        return dict(fit_intercept=self.fit_intercept, max_iter=self.max_iter,
                    tol=self.tol, copy_X=self.copy_X, random_state=self.random_state,
                    selection=self.selection)

    def predict(self, X):
        """Predict with the refitted model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples, n_tasks)
            The refitted model's predictions.
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], reset=False,
                          dtype=[np.float64, np.float32])
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.single_output = False
        tags.target_tags.multi_output = True
        return tags


_MT_PARAMS_DOC = """
    eps : float, default=1e-3
        Length of the path: ``alpha_min / alpha_max``.
    alphas : int or array-like, default=100
        Number of alphas on the automatic grid (of the full data), or the
        alphas themselves.
    fit_intercept : bool, default=True
        Whether to fit an intercept (one per task).
    max_iter : int, default=1000
        Maximum number of epochs per alpha.
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
    random_state : int, RandomState instance or None, default=None
        Seed of ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Coordinate order.
"""

_MT_ATTRS_DOC = """
    alpha_ : float
        The alpha chosen (smallest mean CV error).
    alpha_1se_ : float
        The largest alpha within one standard error of the best (glmnet's
        lambda.1se), beyond scikit-learn.
    mse_path_ : ndarray of shape (n_alphas, n_folds) (n_l1_ratio first for several)
        Held-out mean squared error (mean over tasks) of each fold.
    coef_ : ndarray of shape (n_tasks, n_features)
    intercept_ : ndarray of shape (n_tasks,)
    dual_gap_ : float
        Duality gap of the final refit.
    n_iter_ : int
        Epochs of the final refit.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Defined only when X has feature names that are all strings.
"""


class MultiTaskLassoCV(_MultiTaskCVMixin, LassoCV):
    __doc__ = """Multi-task Lasso with alpha chosen by cross-validation.

    The objective, as scikit-learn's ``MultiTaskLassoCV``::

        1 / (2 n) * sum_i s_i ||y_i - W x_i - b||^2 + alpha * sum_j ||W[:, j]||_2

    ``fit`` takes ``sample_weight`` and sparse X (as
    :class:`~skreg.MultiTaskLasso`).

    Parameters
    ----------""" + _MT_PARAMS_DOC + """
    Attributes
    ----------""" + _MT_ATTRS_DOC + """    alphas_ : ndarray of shape (n_alphas,)
        The grid of alphas.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import MultiTaskLassoCV
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(40, 6)
    >>> Y = X[:, :2] @ rng.randn(2, 3) + 0.1 * rng.randn(40, 3)
    >>> reg = MultiTaskLassoCV(cv=4).fit(X, Y)
    >>> reg.coef_.shape
    (3, 6)
    >>> round(reg.score(X, Y), 2)
    0.98
    """

    _parameter_constraints = {
        k: v for k, v in _LinearModelCV._parameter_constraints.items()
        if k not in _DROPPED
    }

    def __init__(self, *, eps=1e-3, alphas=100, fit_intercept=True, max_iter=1000,
                 tol=1e-4, copy_X=True, cv=None, verbose=False, n_jobs=None,
                 random_state=None, selection="cyclic"):
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.copy_X = copy_X
        self.cv = cv
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.selection = selection

    def _get_estimator(self, l1_ratio):
        return MultiTaskLasso()


class MultiTaskElasticNetCV(_MultiTaskCVMixin, ElasticNetCV):
    __doc__ = """Multi-task ElasticNet with alpha and l1_ratio chosen by cross-validation.

    The objective, as scikit-learn's ``MultiTaskElasticNetCV``::

        1 / (2 n) * sum_i s_i ||y_i - W x_i - b||^2
        + alpha * l1_ratio * sum_j ||W[:, j]||_2
        + 0.5 * alpha * (1 - l1_ratio) * ||W||_Fro^2

    ``fit`` takes ``sample_weight`` and sparse X (as
    :class:`~skreg.MultiTaskElasticNet`).

    Parameters
    ----------
    l1_ratio : float or array-like of float, default=0.5
        The L2,1 / ridge mix, or several to cross-validate; 0 needs an
        explicit ``alphas``.""" + _MT_PARAMS_DOC + """
    Attributes
    ----------""" + _MT_ATTRS_DOC + """    l1_ratio_ : float
        The l1_ratio chosen.
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratio, n_alphas)
        The grid(s) of alphas.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import MultiTaskElasticNetCV
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(40, 6)
    >>> Y = X[:, :2] @ rng.randn(2, 3) + 0.1 * rng.randn(40, 3)
    >>> reg = MultiTaskElasticNetCV(l1_ratio=[0.5, 1.0], cv=4).fit(X, Y)
    >>> float(reg.l1_ratio_) in (0.5, 1.0)
    True
    """

    _parameter_constraints = {
        k: v for k, v in ElasticNetCV._parameter_constraints.items()
        if k not in _DROPPED
    }

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, alphas=100, fit_intercept=True,
                 max_iter=1000, tol=1e-4, cv=None, copy_X=True, verbose=0,
                 n_jobs=None, random_state=None, selection="cyclic"):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.selection = selection

    def _get_estimator(self, l1_ratio):
        return MultiTaskElasticNet(l1_ratio=l1_ratio)
