"""LogisticRegression: L1, L2 and elastic-net logistic regression."""

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from skreg.linear_model._base import _LinearClassifierMixin, _validate_penalty_factor
from skreg.linear_model._logistic_callbacks import _LbfgsCallbackBridge
from skreg.linear_model._logistic_path import _encode_targets, _logistic_path
from skreg.linear_model._logistic_sag import SAG_SOLVERS
from skreg.utils import user_stacklevel
from skreg.utils._sklearn_compat import (
    CachedParamsMixin,
    CallbackSupportMixin,
    Hidden,
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    has_callbacks,
    init_callback_context,
    validate_data,
    validate_dense_xy,
)

__all__ = ["LogisticRegression"]


_ABSENT = {
    "liblinear": "skreg has no 'liblinear' solver: use solver='cd' instead "
                 "(any l1_ratio, binary and multinomial).",
    "newton-cg": "skreg has no 'newton-cg' solver: use solver='newton-cholesky' "
                 "or solver='lbfgs' (l1_ratio=0), or solver='cd' (any l1_ratio).",
}


def _resolve_penalty(penalty, C, l1_ratio):
    """scikit-learn 1.9's reading of (penalty, C, l1_ratio), with its warnings.

    Returns (penalty name or None, C to use, l1_ratio to use).
    """
    if penalty == "deprecated":
        if l1_ratio is None:
            warnings.warn(
                "'l1_ratio=None' was deprecated in version 1.8 and will trigger an "
                "error in 1.10. Use 0<=l1_ratio<=1 instead.", FutureWarning,
                stacklevel=user_stacklevel(),
            )
        ratio = 0.0 if l1_ratio is None else float(l1_ratio)
        name = "l2" if ratio == 0 else ("l1" if ratio == 1 else "elasticnet")
        if C == np.inf:
            name = None
        return name, C, ratio
    warnings.warn(
        "'penalty' was deprecated in version 1.8 and will be removed in 1.10. To "
        "avoid this warning, leave 'penalty' set to its default value and use "
        "'l1_ratio' or 'C' instead. Use l1_ratio=0 instead of penalty='l2', "
        "l1_ratio=1 instead of penalty='l1', l1_ratio set to a float between 0 and "
        "1 instead of penalty='elasticnet', and C=np.inf instead of penalty=None.",
        FutureWarning, stacklevel=user_stacklevel(),
    )
    if penalty != "elasticnet" and l1_ratio is not None and 0 < l1_ratio < 1:
        warnings.warn("l1_ratio parameter is only used when penalty is "
                      f"'elasticnet'. Got (penalty={penalty})", stacklevel=user_stacklevel())
    if (penalty == "l2" and l1_ratio != 0) or (penalty == "l1" and l1_ratio != 1):
        warnings.warn(f"Inconsistent values: penalty={penalty} with "
                      f"l1_ratio={l1_ratio}. penalty is deprecated. Please use "
                      "l1_ratio only.", stacklevel=user_stacklevel())
    if penalty == "elasticnet":
        if l1_ratio is None:
            raise ValueError("l1_ratio must be specified when penalty is elasticnet.")
        return penalty, C, float(l1_ratio)
    if penalty is None:
        if C != 1.0:
            warnings.warn("Setting penalty=None will ignore the C and l1_ratio "
                          "parameters", stacklevel=user_stacklevel())
        return None, np.inf, 0.0
    return penalty, C, 1.0 if penalty == "l1" else 0.0


def _check_solver(solver, penalty, dual):
    """scikit-learn's penalty/solver rules, for the solvers skreg has."""
    if dual and solver != "liblinear":
        raise ValueError(f"Solver {solver} supports only dual=False, got dual={dual}")
    if solver in ("lbfgs", "newton-cholesky", "sag") and penalty not in ("l2", None):
        raise ValueError(
            f"Solver {solver} supports only 'l2' or None penalties, got {penalty} "
            "penalty. Use solver='cd' for l1_ratio > 0."
        )


class LogisticRegression(CachedParamsMixin, CallbackSupportMixin, _LinearClassifierMixin,
                         ClassifierMixin, BaseEstimator):
    r"""Logistic regression with L1, L2 or elastic-net penalties.

    Minimises, over the coefficients ``w`` and the (unpenalised) intercept
    ``b``, scikit-learn 1.9's objective

    .. math::

        C \sum_i s_i \,\mathrm{logloss}(y_i, x_i \cdot w + b)
        + \frac{1 - \rho}{2} \sum_j f_j w_j^2 + \rho \sum_j f_j |w_j|

    with ``rho = l1_ratio``, ``s`` the sample weights times the class weights
    and ``f`` the penalty factors (ones by default).  For three or more
    classes the loss is the multinomial one and the same penalty applies to
    the whole coefficient matrix (one row per class).

    Parameters
    ----------
    penalty : {'l1', 'l2', 'elasticnet', None}, default='deprecated'
        Deprecated as in scikit-learn 1.8: use ``l1_ratio`` and ``C``.
    C : float, default=1.0
        Inverse of the regularization strength, > 0; ``np.inf`` means no penalty.
    l1_ratio : float, default=0.0
        Elastic-net mixing: 0 is L2, 1 is L1.
    dual : bool, default=False
        Only ``False`` (skreg has no dual solver).
    tol : float, default=1e-4
        Stopping tolerance, on scikit-learn's scale: the gradient (lbfgs,
        newton-cholesky) or the KKT violation (cd) of the objective divided
        by ``C * sum(s)`` must fall below it; for 'sag'/'saga', the largest
        change of a coefficient over an epoch relative to the largest
        coefficient.
    fit_intercept : bool, default=True
        Whether to fit an intercept (never penalised).
    intercept_scaling : float, default=1
        Unused (liblinear only in scikit-learn); kept for compatibility.
    class_weight : dict or 'balanced', default=None
        Weights per class, multiplied into the sample weights.
    random_state : int, RandomState instance or None, default=None
        Shuffles the samples drawn by 'sag' and 'saga'; unused by the other
        solvers.
    solver : str, default='lbfgs'
        'lbfgs' and 'newton-cholesky' (L2 or no penalty) as scikit-learn's;
        'cd' is proximal Newton with compiled coordinate descent on working
        sets, for every ``l1_ratio``.  'sag' (L2 or no penalty) and 'saga'
        (every ``l1_ratio``) are scikit-learn's stochastic average gradient
        solvers, compiled (the kernel shared with Ridge), dense or sparse X.
        scikit-learn's 'liblinear' and 'newton-cg' raise a ValueError naming
        the skreg solver to use instead.
    max_iter : int, default=100
        Maximum number of iterations (outer ones for 'cd', epochs for
        'sag'/'saga').
    verbose : int, default=0
        Print progress when positive ('cd').
    warm_start : bool, default=False
        Start from the previous fit's coefficients.
    n_jobs : int, default=None
        Has no effect (deprecated in scikit-learn 1.8).
    penalty_factor : array-like of shape (n_features,), default=None
        glmnet's ``penalty.factor``: non-negative multipliers ``f_j`` of each
        feature's whole penalty, rescaled to sum to n_features; 0 leaves a
        feature unpenalised, ``np.inf`` excludes it.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels seen in ``fit``.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients ``w``: one row for two classes (of ``classes_[1]``),
        one row per class for the multinomial loss.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts ``b`` (zeros when ``fit_intercept=False``).
    n_iter_ : ndarray of shape (1,)
        Iterations run by the solver (outer iterations for 'cd', epochs for
        'sag'/'saga').
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit``.  Defined only when X has
        feature names that are all strings.

    Notes
    -----
    Differences from scikit-learn 1.9, on purpose:

    - 'liblinear' and 'newton-cg' raise a ValueError naming the skreg solver
      to use; ``dual`` and ``intercept_scaling`` therefore have no effect.
    - 'sag'/'saga' rescale the sample weights to mean 1 before choosing the
      step size (scikit-learn's step ignores their scale; the two agree for
      unit or 'balanced' weights), and draw samples with skreg's own
      generator (same algorithm, not the same sequence as scikit-learn's).
      With ``penalty_factor``, their step size uses the largest per-feature
      L2 strength.
    - 'cd' stops when the KKT violation of the objective divided by
      ``C * sum(s)`` is <= ``tol`` (scikit-learn's lbfgs compares its
      gradient, on the same scale, with ``tol``).
    - Multinomial intercepts are centered to sum to zero (the softmax does not
      change), whatever the solver.
    - float32 X is fitted and returned in float32 by every solver.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skreg import LogisticRegression
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = LogisticRegression(C=0.1, l1_ratio=1.0, solver="cd").fit(X, y)
    >>> int((clf.coef_ != 0).sum()) < X.shape[1]
    True
    >>> round(clf.score(X, y), 3)
    0.974
    """

    _parameter_constraints: dict = {
        "penalty": [StrOptions({"l1", "l2", "elasticnet"}), None,
                    Hidden(StrOptions({"deprecated"}))],
        "C": [Interval(Real, 0, None, closed="right")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both"), None],
        "dual": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "intercept_scaling": [Interval(Real, 0, None, closed="neither")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "random_state": ["random_state"],
        "solver": [StrOptions({"lbfgs", "liblinear", "newton-cg", "newton-cholesky",
                               "sag", "saga", "cd"})],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "n_jobs": [None, Integral],
        "penalty_factor": ["array-like", None],
    }

    def __init__(self, penalty="deprecated", *, C=1.0, l1_ratio=0.0, dual=False,
                 tol=1e-4, fit_intercept=True, intercept_scaling=1, class_weight=None,
                 random_state=None, solver="lbfgs", max_iter=100, verbose=0,
                 warm_start=False, n_jobs=None, penalty_factor=None):
        self.penalty = penalty
        self.C = C
        self.l1_ratio = l1_ratio
        self.dual = dual
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.random_state = random_state
        self.solver = solver
        self.max_iter = max_iter
        self.verbose = verbose
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.penalty_factor = penalty_factor

    def _validate_fit_input(self, X, y, sample_weight):
        """Validated X, classes_, encoded y, final weights, penalty factors."""
        cd = self.solver == "cd"
        order = "F" if cd else "C"
        fast = None
        if type(y) is np.ndarray and y.ndim == 1:  # the common case, ~1 ms cheaper
            fast = validate_dense_xy(self, X, y, dtype=(np.float64, np.float32),
                                     order=order)
        if fast is None:
            X, y = validate_data(
                self, X, y, accept_sparse="csc" if cd else "csr",
                dtype=[np.float64, np.float32], order=order,
                accept_large_sparse=self.solver not in SAG_SOLVERS,
            )
        else:
            X, y = fast
        if y.dtype.kind not in "biu":  # integer labels are always class labels
            check_classification_targets(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                "This solver needs samples of at least 2 classes in the data, but "
                f"the data contains only one class: {self.classes_[0]!r}"
            )
        if self.solver == "liblinear" and len(self.classes_) > 2:
            raise ValueError(
                "The 'liblinear' solver does not support multiclass classification "
                "(n_classes >= 3). " + _ABSENT["liblinear"]
            )
        if self.solver in _ABSENT:
            raise ValueError(_ABSENT[self.solver])
        sw = _check_sample_weight(sample_weight, X, dtype=np.float64, copy=True)
        if self.class_weight is not None:
            cw = compute_class_weight(self.class_weight, classes=self.classes_, y=y,
                                      sample_weight=sample_weight)
            sw *= cw[y_idx]
        if sw.sum() <= 0:
            raise ValueError("The sample weights (times the class weights) must "
                             "have a positive sum.")
        y_enc, binary = _encode_targets(y_idx, len(self.classes_))
        pf = _validate_penalty_factor(self.penalty_factor, X.shape[1], np.float64)
        return X, y_enc, binary, sw, pf

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; CSC or Fortran-ordered (solver 'cd') or CSR/C-ordered
            (other solvers) avoid a conversion.
        y : array-like of shape (n_samples,)
            Class labels (two or more classes).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples (``s`` in the objective, times the class
            weights); None gives every sample weight 1.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        penalty, C, l1_ratio = _resolve_penalty(self.penalty, self.C, self.l1_ratio)
        if np.isnan(C):
            raise ValueError("C must be a positive float or np.inf, got nan.")
        if self.solver not in _ABSENT:
            _check_solver(self.solver, penalty, self.dual)
        if self.n_jobs is not None:
            warnings.warn(
                "'n_jobs' has no effect since 1.8 and will be removed in 1.10. "
                f"You provided 'n_jobs={self.n_jobs}', please leave it unspecified.",
                FutureWarning, stacklevel=user_stacklevel(),
            )
        X, y_enc, binary, sw, pf = self._validate_fit_input(X, y, sample_weight)
        # scikit-learn 1.9's callbacks ('lbfgs'): the fit, then one task per iteration
        ctx = init_callback_context(self, max_subtasks=max(self.max_iter, 1) + 1)
        meta = None if sample_weight is None else {"sample_weight": sample_weight}
        ctx.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=meta)
        callback = None
        if has_callbacks(self):
            def callback(to_output, W, b):
                return _LbfgsCallbackBridge(ctx, self, X, y, meta, to_output, W, b)
        coef_init = None
        if self.warm_start and hasattr(self, "coef_"):
            n_rows = 1 if binary else len(self.classes_)
            if self.coef_.shape != (n_rows, X.shape[1]):
                raise ValueError(
                    f"Initialization coef is of shape {self.coef_.shape}, expected "
                    f"shape {(n_rows, X.shape[1])}"
                )
            coef_init = (self.coef_, self.intercept_)
        coefs, intercepts, n_iter = _logistic_path(
            X, y_enc, sw, [C], l1_ratio=l1_ratio, penalty_factor=pf,
            solver=self.solver, fit_intercept=self.fit_intercept, tol=self.tol,
            max_iter=self.max_iter, binary=binary, n_classes=len(self.classes_),
            coef_init=coef_init, verbose=self.verbose, callback=callback,
            random_state=self.random_state,
        )
        self.coef_, self.intercept_, self.n_iter_ = coefs[0], intercepts[0], n_iter
        ctx.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=meta,
                                 reconstruction_attributes={})
        return self

    def set_callbacks(self, *callbacks):
        """Set scikit-learn 1.9 callbacks (run by solver='lbfgs' only, as 1.9's).

        Parameters
        ----------
        *callbacks : callback instances
            The callbacks, following scikit-learn's ``FitCallback`` protocol.

        Returns
        -------
        self : object
            The estimator.
        """
        if self.solver != "lbfgs":
            warnings.warn(
                f"Callbacks are only supported in {type(self).__name__} for "
                f"solver='lbfgs'. This estimator has solver='{self.solver}', callbacks "
                "will be ignored during the solving of the regression.",
                stacklevel=user_stacklevel(),
            )
        return super().set_callbacks(*callbacks)

    def sparsify(self):
        """Store ``coef_`` as a scipy.sparse CSR matrix (as scikit-learn's).

        Returns
        -------
        self : object
            The estimator, with a sparse ``coef_``.
        """
        check_is_fitted(self)
        self.coef_ = sp.csr_matrix(self.coef_)
        return self

    def densify(self):
        """Store ``coef_`` as a dense array again (undoes :meth:`sparsify`).

        Returns
        -------
        self : object
            The estimator, with a dense ``coef_``.
        """
        check_is_fitted(self)
        if sp.issparse(self.coef_):
            self.coef_ = self.coef_.toarray()
        return self

    def predict_proba(self, X):
        """Class probabilities (sigmoid for two classes, softmax otherwise).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to classify.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class of ``classes_`` (rows sum to 1).
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p = expit(scores)
            return np.column_stack([1.0 - p, p])
        return softmax(scores, axis=1)

    def predict_log_proba(self, X):
        """Logarithms of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to classify.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class of ``classes_``.
        """
        return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
