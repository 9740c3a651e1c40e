"""Lasso and ElasticNet estimators (coordinate descent, duality-gap stopping)."""

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted

from skreg.linear_model._base import (
    _guard_centering,
    _normalize_sample_weight,
    _preprocess_start,
    _validate_penalty_factor,
)
from skreg.linear_model._gram import centered_gram, check_user_gram, gram_decision
from skreg.linear_model._paths import enet_path
from skreg.utils import check_numeric_target, user_stacklevel
from skreg.utils._sklearn_compat import (
    CachedParamsMixin,
    Interval,
    StrOptions,
    _fit_context,
    validate_data,
    validate_dense_x,
    validate_dense_xy,
)

__all__ = ["ElasticNet", "Lasso"]


class ElasticNet(CachedParamsMixin, MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Linear regression with combined L1 and L2 priors, by coordinate descent.

    Minimises, exactly as scikit-learn's ``ElasticNet``::

        1 / (2 n) * sum_i s_i (y_i - x_i @ w - b)^2
        + alpha * sum_j pf_j (l1_ratio |w_j| + 0.5 * (1 - l1_ratio) w_j^2)

    with sample weights s rescaled to sum to n and penalty factors pf (all
    ones by default).  The intercept b is not penalised.  Iterations stop
    when the duality gap is below ``tol * ||y - mean(y)||^2 / n`` (weighted),
    as in scikit-learn, so ``tol`` means the same in both libraries.

    The compiled solver adds Gap Safe screening, working sets and Anderson
    extrapolation to cyclic coordinate descent, and centers dense and sparse
    X implicitly (X is never copied for centering or weighting).

    Parameters
    ----------
    alpha : float, default=1.0
        Constant multiplying the penalty terms.  ``alpha=0`` is least squares
        (use LinearRegression instead).
    l1_ratio : float, default=0.5
        Mixing parameter: 1 is the Lasso, 0 the ridge penalty.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    precompute : 'auto', bool or array-like of shape (n_features, n_features), \
            default=False
        Use a precomputed (or computed here) Gram matrix to speed up
        calculations when n_samples >> n_features ('auto': decide from the
        shape of X).
    max_iter : int, default=1000
        Maximum number of coordinate-descent epochs.
    copy_X : bool, default=True
        Kept for compatibility: X is never modified, whatever its value.
    tol : float, default=1e-4
        Tolerance on the scaled duality gap.
    warm_start : bool, default=False
        Start from the previous solution.
    positive : bool, default=False
        Force the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seed of the random coordinate order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Coordinate order within an epoch.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty weights with glmnet's semantics: pf_j multiplies
        feature j's whole penalty (L1 and L2); non-negative, rescaled
        internally to sum to n_features; 0 leaves a feature unpenalised and
        ``np.inf`` keeps it out of the model.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Parameter vector (w in the objective), one row per target.
    sparse_coef_ : sparse matrix of shape (1, n_features) or (n_targets, n_features)
        Sparse representation of ``coef_``.
    intercept_ : float or ndarray of shape (n_targets,)
        Independent term b (0.0 when ``fit_intercept=False``).
    n_iter_ : int or list of int
        Epochs run by the solver (one per target).
    dual_gap_ : float or ndarray of shape (n_targets,)
        Duality gaps at the end of the optimisation, on the objective's scale.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit``.  Defined only when X has
        feature names that are all strings.

    See Also
    --------
    Lasso : the same with ``l1_ratio=1``.
    enet_path : the whole regularisation path.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import ElasticNet
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    >>> y = np.array([0.0, 1.0, 2.0])
    >>> reg = ElasticNet(alpha=0.1, l1_ratio=0.7).fit(X, y)
    >>> reg.predict([[3.0, 3.0]]).round(3)
    array([2.751])
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "precompute": ["boolean", "array-like", StrOptions({"auto"})],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "copy_X": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "positive": ["boolean"],
        "random_state": ["random_state"],
        "selection": [StrOptions({"cyclic", "random"})],
        "penalty_factor": ["array-like", None],
    }

    path = staticmethod(enet_path)

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True,
                 precompute=False, max_iter=1000, copy_X=True, tol=1e-4,
                 warm_start=False, positive=False, random_state=None,
                 selection="cyclic", penalty_factor=None):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor

    def _l1_ratio(self):
        return self.l1_ratio

    def _validate_data_full(self, X, y, ensure_all_finite=True):
        return validate_data(
            self, X, check_numeric_target(y), accept_sparse="csc", order="F",
            dtype=[np.float64, np.float32], copy=False, multi_output=True,
            y_numeric=True, ensure_all_finite=ensure_all_finite,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, check_input=True):
        """Fit the model by coordinate descent.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Training data.  Fortran-ordered dense or CSC avoid a conversion.
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Target; each column of a 2-D y is fitted independently.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, rescaled to sum to n_samples.
        check_input : bool, default=True
            Validate the input; skip only with float32/64 Fortran X.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        l1_ratio = self._l1_ratio()
        if self.alpha == 0:
            warnings.warn(
                "With alpha=0, this algorithm does not converge well. You are "
                "advised to use the LinearRegression estimator", stacklevel=user_stacklevel(),
            )
        X_in, y_in = X, y
        # with an intercept and no weights, X's finiteness is read off its
        # column means (NaN and inf propagate through the sums): one pass
        # over X (over a sparse X's values) less than a separate scan
        scan_later = check_input and self.fit_intercept and sample_weight is None
        if check_input:
            Xy = validate_dense_xy(self, X, y, dtype=(np.float64, np.float32), order="F",
                                   finite_x=not scan_later)
            if Xy is None and scan_later and sp.issparse(X):
                # sparse X too: its stored values' NaN / inf reach the column
                # sums (y is still scanned by validate_data)
                Xy = self._validate_data_full(X, y, ensure_all_finite=False)
            elif Xy is None:
                scan_later = False
                Xy = self._validate_data_full(X, y)
            X, y = Xy
            y = np.asarray(y, dtype=X.dtype)  # validated above: only X's dtype
        elif sp.issparse(X) and X.format != "csc":
            X = X.tocsc()
        n_samples, n_features = X.shape
        dtype = X.dtype
        sw = _normalize_sample_weight(sample_weight, X, dtype)
        pf = _validate_penalty_factor(self.penalty_factor, n_features, dtype)
        # the column means, and where the same read of X gives it (dense
        # Fortran or CSC X, one target) the kernel's column statistics with them
        X_mean, y_c, X_offset, y_offset, col_stats = _preprocess_start(
            X, y, self.fit_intercept, sw)
        if scan_later and not get_config()["assume_finite"] and not np.isfinite(
                X_mean).all():
            self._validate_data_full(X_in, y_in)  # raises scikit-learn's error
        X_unguarded = X
        # offsets that dwarf a column's spread: a centred copy (X_offset keeps
        # the means), and the statistics of the uncentered X are dropped
        X, X_mean, y_c, sw, pf = _guard_centering(X, X_mean, y_c, sw, pf, col_stats)
        extra = {} if col_stats is None or X is not X_unguarded else {
            "_col_stats": col_stats}

        precompute = gram_decision(self.precompute, X, X_mean)
        if not isinstance(precompute, bool):
            precompute = check_array(precompute, dtype=dtype, copy=False)
            if self.fit_intercept and not np.allclose(X_offset, 0.0):
                warnings.warn(
                    "Gram matrix was provided but X was centered to fit "
                    "intercept: recomputing Gram matrix.", UserWarning,
                    stacklevel=user_stacklevel(),
                )
                precompute = True
            else:
                check_user_gram(X, precompute, X_mean, sw)
        if precompute is True:
            precompute = centered_gram(X, X_mean, sw)

        y2 = y_c[:, None] if y_c.ndim == 1 else y_c
        n_targets = y2.shape[1]
        if self.warm_start and hasattr(self, "coef_"):
            coef = np.array(self.coef_, dtype=dtype)
            if coef.size != n_targets * n_features:
                raise ValueError(
                    f"warm_start=True: the previous coef_ has shape {coef.shape}, "
                    f"which does not fit {n_targets} target(s) x {n_features} "
                    "feature(s); fit with warm_start=False to start afresh."
                )
            coef = coef.reshape(n_targets, n_features)
        else:
            coef = np.zeros((n_targets, n_features), dtype=dtype)
        dual_gaps = np.zeros(n_targets)
        n_iters = []
        # per target, the solver's state where a fit ran out of max_iter: a
        # warm-started fit goes on from it as that fit would have
        saved = getattr(self, "_cd_resume", None) if self.warm_start else None
        resume = [dict(saved[k]) if saved and len(saved) == n_targets else {}
                  for k in range(n_targets)]
        for k in range(n_targets):
            _, coef_k, gap_k, it_k = self.path(
                X, np.ascontiguousarray(y2[:, k]), l1_ratio=l1_ratio,
                alphas=[self.alpha], precompute=precompute, coef_init=coef[k],
                return_n_iter=True, positive=self.positive, check_input=False,
                penalty_factor=pf, X_offset=X_mean, sample_weight=sw, tol=self.tol,
                max_iter=self.max_iter, random_state=self.random_state,
                selection=self.selection, _resume=resume[k], **extra,
            )
            coef[k] = coef_k[:, 0]
            dual_gaps[k] = gap_k[0]
            n_iters.append(it_k[0])

        self._cd_resume = resume
        if n_targets == 1:
            self.coef_, self.dual_gap_, self.n_iter_ = coef[0], dual_gaps[0], n_iters[0]
        else:
            self.coef_, self.dual_gap_, self.n_iter_ = coef, dual_gaps, n_iters
        if self.fit_intercept:
            # einsum, not a BLAS dot (threaded above 10000 features, see _paths)
            self.intercept_ = y_offset - np.einsum("j,...j->...", X_offset,
                                                   self.coef_)
        else:
            self.intercept_ = 0.0
        if not (np.isfinite(self.coef_).all() and np.isfinite(self.intercept_).all()):
            raise ValueError(
                "Coordinate descent iterations resulted in non-finite parameter"
                " values. The input data may contain large values and need to"
                " be preprocessed."
            )
        return self

    @property
    def sparse_coef_(self):
        """Sparse representation of the fitted ``coef_``."""
        return sp.csr_matrix(self.coef_)

    def predict(self, X):
        """Predict with the linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to predict.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predicted values, ``X @ coef_.T + intercept_``.
        """
        check_is_fitted(self)
        Xv = validate_dense_x(self, X, dtype=(np.float64, np.float32))
        if Xv is None:
            Xv = validate_data(self, X, accept_sparse=["csr", "csc", "coo"], reset=False,
                               dtype=[np.float64, np.float32])
        pred = Xv @ np.asarray(self.coef_).T
        return np.asarray(pred) + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class Lasso(ElasticNet):
    """Linear model trained with an L1 prior (the Lasso), by coordinate descent.

    Minimises, exactly as scikit-learn's ``Lasso``::

        1 / (2 n) * sum_i s_i (y_i - x_i @ w - b)^2 + alpha * sum_j pf_j |w_j|

    with sample weights s rescaled to sum to n and penalty factors pf (all
    ones by default).  The intercept b is not penalised.  Iterations stop
    when the duality gap is below ``tol * ||y - mean(y)||^2 / n``.

    Parameters
    ----------
    alpha : float, default=1.0
        Constant multiplying the L1 term.  ``alpha=0`` is least squares (use
        LinearRegression instead).
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    precompute : 'auto', bool or array-like of shape (n_features, n_features), \
            default=False
        Use a precomputed (or computed here) Gram matrix to speed up
        calculations when n_samples >> n_features ('auto': decide from the
        shape of X).
    copy_X : bool, default=True
        Kept for compatibility: X is never modified, whatever its value.
    max_iter : int, default=1000
        Maximum number of coordinate-descent epochs.
    tol : float, default=1e-4
        Tolerance on the scaled duality gap.
    warm_start : bool, default=False
        Start from the previous solution.
    positive : bool, default=False
        Force the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seed of the random coordinate order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Coordinate order within an epoch.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature penalty weights with glmnet's semantics: pf_j multiplies
        ``|w_j|``; non-negative, rescaled internally to sum to n_features; 0
        leaves a feature unpenalised and ``np.inf`` keeps it out of the model.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Parameter vector (w in the objective), one row per target.
    sparse_coef_ : sparse matrix of shape (1, n_features) or (n_targets, n_features)
        Sparse representation of ``coef_``.
    intercept_ : float or ndarray of shape (n_targets,)
        Independent term b (0.0 when ``fit_intercept=False``).
    n_iter_ : int or list of int
        Epochs run by the solver (one per target).
    dual_gap_ : float or ndarray of shape (n_targets,)
        Duality gaps at the end of the optimisation, on the objective's scale.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit``.  Defined only when X has
        feature names that are all strings.

    See Also
    --------
    ElasticNet : the L1 and L2 penalties combined.
    lasso_path : the whole regularisation path.

    Examples
    --------
    >>> from skreg import Lasso
    >>> reg = Lasso(alpha=0.1).fit([[0, 1], [1, 0], [2, 2]], [0, 1, 2])
    >>> reg.coef_.round(3)
    array([0.85, 0.  ])
    >>> round(float(reg.intercept_), 3)
    0.15
    """

    _parameter_constraints = {
        k: v for k, v in ElasticNet._parameter_constraints.items() if k != "l1_ratio"
    }

    path = staticmethod(enet_path)

    def __init__(self, alpha=1.0, *, fit_intercept=True, precompute=False,
                 copy_X=True, max_iter=1000, tol=1e-4, warm_start=False,
                 positive=False, random_state=None, selection="cyclic",
                 penalty_factor=None):
        super().__init__(
            alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept,
            precompute=precompute, max_iter=max_iter, copy_X=copy_X, tol=tol,
            warm_start=warm_start, positive=positive, random_state=random_state,
            selection=selection, penalty_factor=penalty_factor,
        )

    def _l1_ratio(self):
        return 1.0
