"""RidgeClassifier and RidgeClassifierCV on skreg's Ridge and RidgeCV.

The targets become {-1, 1} (one column per class, or one for two classes)
and the problem is Ridge's multi-output regression; class weights multiply
the sample weights.  Prediction takes the largest decision value (its sign
for two classes), as in scikit-learn.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import get_scorer, get_scorer_names
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted, column_or_1d

from skreg.linear_model._base import _LinearClassifierMixin
from skreg.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    validate_data,
)

__all__ = ["RidgeClassifier", "RidgeClassifierCV"]

_RIDGE_SOLVERS = {"auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga",
                  "lbfgs", "cd"}


class _RidgeClassifierBase(_LinearClassifierMixin, ClassifierMixin, BaseEstimator):
    """Target binarisation, decision function and prediction."""

    def _prepare(self, X, y, sample_weight):
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc", "coo"],
                             dtype=[np.float64, np.float32], multi_output=True,
                             y_numeric=False)
        self._label_binarizer = LabelBinarizer(pos_label=1, neg_label=-1)
        Y = self._label_binarizer.fit_transform(y)
        self.classes_ = self._label_binarizer.classes_
        if not self._label_binarizer.y_type_.startswith("multilabel"):
            y = column_or_1d(y, warn=True)
        sw = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        if self.class_weight:
            sw = sw * compute_sample_weight(self.class_weight, y)
        return X, y, np.asarray(Y, dtype=X.dtype), sw

    def _copy_fit(self, reg):
        self.coef_, self.intercept_ = reg.coef_, reg.intercept_
        for name in ("n_iter_", "solver_"):
            if hasattr(reg, name):
                setattr(self, name, getattr(reg, name))

    def predict(self, X):
        """Class labels (a label-indicator matrix for multilabel targets).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to classify.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The class with the largest score, or for multilabel targets the
            label-indicator matrix of the positive scores.
        """
        check_is_fitted(self, attributes=["_label_binarizer"])
        scores = self.decision_function(X)
        if self._label_binarizer.y_type_.startswith("multilabel"):
            return self._label_binarizer.inverse_transform(2.0 * (scores > 0) - 1.0)
        return self._labels_from_scores(scores)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.input_tags.sparse = True
        return tags


class RidgeClassifier(_RidgeClassifierBase):
    """Classifier by Ridge regression on {-1, 1} targets (skreg's :class:`Ridge`).

    Minimises ``||Y - X W^T - b||^2_S + alpha ||W||^2`` for Y the {-1, 1}
    coding of the classes (one column per class, one for two classes) and S
    the sample weights times the class weights.

    Parameters
    ----------
    alpha : float, default=1.0
        Strength of the L2 penalty, non-negative.
    fit_intercept : bool, default=True
        Whether to fit an (unpenalized) intercept.
    copy_X : bool, default=True
        As :class:`Ridge`'s.
    max_iter : int, default=None
        Iteration cap of the iterative solvers (None: each solver's default).
    tol : float, default=1e-4
        Tolerance of the iterative solvers, as :class:`Ridge`'s.
    class_weight : dict or 'balanced', default=None
        Weights per class, multiplied into the sample weights ('balanced':
        inversely proportional to the class frequencies).
    solver : str, default='auto'
        Any solver of skreg's :class:`Ridge`.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seed of the randomized solvers, as :class:`Ridge`'s.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_classes, n_features)
        Coefficients: one vector for two classes (the score of
        ``classes_[1]``), one row per class otherwise.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts (zeros when ``fit_intercept=False``).
    n_iter_ : ndarray of shape (n_targets,)
        Iterations of the solver per {-1, 1} target column; 1 for a direct
        solve.
    solver_ : str
        The :class:`Ridge` solver actually used.
    classes_ : ndarray of shape (n_classes,)
        The class labels seen in ``fit``.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit``.  Defined only when X has
        feature names that are all strings.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skreg import RidgeClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = RidgeClassifier().fit(X, y)
    >>> round(clf.score(X, y), 4)
    0.9596
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left"), "array-like"],
        "fit_intercept": ["boolean"],
        "copy_X": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "solver": [StrOptions(_RIDGE_SOLVERS)],
        "positive": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True, max_iter=None,
                 tol=1e-4, class_weight=None, solver="auto", positive=False,
                 random_state=None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.class_weight = class_weight
        self.solver = solver
        self.positive = positive
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the Ridge regressions on the {-1, 1} targets.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a label-indicator matrix for multilabel targets.
        sample_weight : float or ndarray of shape (n_samples,), default=None
            Non-negative weights of the squared errors (times the class
            weights).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        from skreg.linear_model import Ridge

        X, y, Y, sw = self._prepare(X, y, sample_weight)
        reg = Ridge(alpha=self.alpha, fit_intercept=self.fit_intercept,
                    copy_X=self.copy_X, max_iter=self.max_iter, tol=self.tol,
                    solver=self.solver, positive=self.positive,
                    random_state=self.random_state)
        self._copy_fit(reg.fit(X, Y, sample_weight=sw))
        return self


class _IdentityClassifier(ClassifierMixin, BaseEstimator):
    """Scores leave-one-out decision values as a classifier would be scored."""

    def __init__(self, classes):
        self.classes = classes

    def __sklearn_is_fitted__(self):
        return True

    @property
    def classes_(self):
        return self.classes

    def decision_function(self, D):
        return D[:, 0] if D.ndim == 2 and D.shape[1] == 1 else D

    def predict(self, D):
        D = self.decision_function(D)
        return self.classes[(D > 0).astype(int) if D.ndim == 1 else D.argmax(axis=1)]


class RidgeClassifierCV(_RidgeClassifierBase):
    """Ridge classifier with alpha chosen by (leave-one-out) cross-validation.

    With ``cv=None`` skreg's :class:`RidgeCV` gives the exact leave-one-out
    errors of every alpha on the {-1, 1} targets (its closed form); with a
    ``scoring`` those leave-one-out decision values are scored as a
    classifier's.  Otherwise a grid search over ``alphas`` with ``cv``.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,), default=(0.1, 1.0, 10.0)
        Candidate penalties, strictly positive.
    fit_intercept : bool, default=True
        Whether to fit an (unpenalized) intercept.
    scoring : str or callable, default=None
        A classifier scorer; None: the leave-one-out squared error of the
        {-1, 1} targets (``cv=None``) or accuracy (``cv`` given).
    cv : int, cross-validation generator or iterable, default=None
        None: efficient leave-one-out; otherwise a grid search over
        ``alphas`` with any scikit-learn ``cv``.
    class_weight : dict or 'balanced', default=None
        Weights per class, multiplied into the sample weights ('balanced':
        inversely proportional to the class frequencies).
    store_cv_results : bool, default=False
        Keep the leave-one-out values in ``cv_results_`` (``cv=None`` only).

    Attributes
    ----------
    cv_results_ : ndarray of shape (n_samples, n_targets, n_alphas)
        Leave-one-out squared errors (``scoring=None``) or decision values,
        per {-1, 1} target column.  Only with ``cv=None`` and
        ``store_cv_results=True``.
    coef_ : ndarray of shape (n_features,) or (n_classes, n_features)
        Coefficients at the chosen alpha, laid out as
        :class:`RidgeClassifier`'s.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts at the chosen alpha.
    alpha_ : float
        The chosen alpha.
    best_score_ : float
        The cross-validated score at ``alpha_``.
    classes_ : ndarray of shape (n_classes,)
        The class labels seen in ``fit``.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit``.  Defined only when X has
        feature names that are all strings.

    Notes
    -----
    Deliberate difference from scikit-learn 1.9: with ``cv=None``, a
    ``scoring`` and two classes, scikit-learn scores the argmax of the single
    decision column (always the first class); skreg scores the real
    leave-one-out predictions (the sign of the decision).

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skreg import RidgeClassifierCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = RidgeClassifierCV(alphas=[1e-3, 1e-2, 1e-1, 1]).fit(X, y)
    >>> round(clf.score(X, y), 4)
    0.9631
    """

    _parameter_constraints: dict = {
        "alphas": ["array-like", Interval(Real, 0, None, closed="neither")],
        "fit_intercept": ["boolean"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "cv": ["cv_object"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "store_cv_results": ["boolean"],
    }

    def __init__(self, alphas=(0.1, 1.0, 10.0), *, fit_intercept=True, scoring=None,
                 cv=None, class_weight=None, store_cv_results=False):
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.scoring = scoring
        self.cv = cv
        self.class_weight = class_weight
        self.store_cv_results = store_cv_results

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Fit with the alpha of the best cross-validated score.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a label-indicator matrix for multilabel targets.
        sample_weight : float or ndarray of shape (n_samples,), default=None
            Non-negative weights of the squared errors (times the class
            weights).
        **params : dict
            Passed to the scorer.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        from skreg.linear_model import RidgeCV

        X, y, Y, sw = self._prepare(X, y, sample_weight)
        if self.cv is None:
            scoring = self.scoring
            if scoring is not None:
                user = get_scorer(scoring) if isinstance(scoring, str) else scoring
                ident = _IdentityClassifier(self.classes_)
                multilabel = self._label_binarizer.y_type_.startswith("multilabel")

                def scoring(_, D, Y_true, **kw):  # D: the leave-one-out decisions
                    # multilabel targets are scored as scikit-learn scores them:
                    # the column of the largest decision against y's argmax
                    y_true = (self._label_binarizer.inverse_transform(Y_true)
                              if not multilabel else
                              self.classes_[np.asarray(Y_true).argmax(axis=1)])
                    return user(ident, np.asarray(D), y_true, **kw)
            reg = RidgeCV(alphas=self.alphas, fit_intercept=self.fit_intercept,
                          scoring=scoring, cv=None,
                          store_cv_results=self.store_cv_results)
            reg.fit(X, Y, sample_weight=sw, **params)
            self._copy_fit(reg)
            self.alpha_, self.best_score_ = reg.alpha_, reg.best_score_
            if self.store_cv_results:
                self.cv_results_ = reg.cv_results_
            return self
        if self.store_cv_results:
            raise ValueError("cv!=None and store_cv_results=True are incompatible")
        base = RidgeClassifier(fit_intercept=self.fit_intercept)
        search = GridSearchCV(clone(base), {"alpha": list(np.atleast_1d(self.alphas))},
                              cv=self.cv, scoring=self.scoring)
        search.fit(X, y, sample_weight=sw, **params)
        best = search.best_estimator_
        self._copy_fit(best)
        self.alpha_, self.best_score_ = float(best.alpha), search.best_score_
        return self
