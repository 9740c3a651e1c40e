"""MultiTaskElasticNet and MultiTaskLasso: rows of W penalised by the L2,1 norm.

The fit is the single-task estimators' (implicit centering, weights rescaled
to sum to n, one call of the path at ``alphas=[alpha]``); the path's 2-D
branch solves the problem by block coordinate descent in the same compiled
loop as the Lasso (a coordinate being the row of coefficients of one
feature across the tasks), with Gap Safe screening, working sets and
Anderson extrapolation.
"""

import numbers

import numpy as np
from sklearn.utils import check_array, check_consistent_length

from skreg.linear_model._base import (
    _guard_centering,
    _normalize_sample_weight,
    _preprocess,
)
from skreg.linear_model._coordinate_descent import ElasticNet
from skreg.linear_model._paths import enet_path
from skreg.utils import check_numeric_target
from skreg.utils._sklearn_compat import _fit_context, validate_data, validate_dense_xy

__all__ = ["MultiTaskElasticNet", "MultiTaskLasso"]


class MultiTaskElasticNet(ElasticNet):
    """Multi-task ElasticNet: the L2,1 mixed norm (plus ridge) as regulariser.

    Minimises, exactly as scikit-learn's ``MultiTaskElasticNet``::

        1 / (2 n) * sum_i s_i ||y_i - W x_i - b||^2
        + alpha * l1_ratio * sum_j ||W[:, j]||_2
        + 0.5 * alpha * (1 - l1_ratio) * ||W||_Fro^2

    W of shape (n_tasks, n_features), sample weights s rescaled to sum to n.
    A feature is selected or dropped for all tasks together.  Iterations
    stop when the duality gap is below ``tol * ||Y - mean(Y)||_Fro^2 / n``
    (weighted), as in scikit-learn.

    Solved by block coordinate descent over the features (block
    soft-thresholding), in the compiled loop of :class:`~skreg.Lasso`: Gap
    Safe screening, working sets and Anderson extrapolation; dense or
    sparse X, centered implicitly (X is never copied for centering or
    weighting).

    Parameters
    ----------
    alpha : float, default=1.0
        Constant multiplying the penalty.
    l1_ratio : float, default=0.5
        The mixing parameter: 1 is the L2,1 penalty alone (MultiTaskLasso),
        0 the ridge penalty.
    fit_intercept : bool, default=True
        Whether to fit an intercept (one per task).
    copy_X : bool, default=True
        Kept for compatibility: X is never modified, whatever its value.
    max_iter : int, default=1000
        Maximum number of epochs.
    tol : float, default=1e-4
        Tolerance on the scaled duality gap.
    warm_start : bool, default=False
        Start from the previous solution.
    random_state : int, RandomState instance or None, default=None
        Seed of the random coordinate order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Coordinate order within an epoch.

    Attributes
    ----------
    coef_ : ndarray of shape (n_tasks, n_features)
        W; column j is feature j's coefficients across the tasks.
    intercept_ : ndarray of shape (n_tasks,)
        Independent term (0.0 when ``fit_intercept=False``).
    n_iter_ : int
        Epochs run by the solver.
    dual_gap_ : float
        Duality gap at the end of the optimisation, on the objective's scale.
    eps_ : float
        The tolerance the (n-scaled) gap was compared with:
        ``tol * sum_i s_i ||y_i - mean(Y)||^2``.
    sparse_coef_ : sparse matrix of shape (n_tasks, n_features)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Defined only when X has feature names that are all strings.

    See Also
    --------
    MultiTaskLasso : the same with ``l1_ratio=1``.
    MultiTaskElasticNetCV : alpha and l1_ratio chosen by cross-validation.
    enet_path : with a 2-D y, the multi-task path.

    Examples
    --------
    >>> from skreg import MultiTaskElasticNet
    >>> reg = MultiTaskElasticNet(alpha=0.1)
    >>> reg.fit([[0, 0], [1, 1], [2, 2]], [[0, 0], [1, 1], [2, 2]]).coef_.round(3)
    array([[0.456, 0.456],
           [0.456, 0.456]])
    """

    _parameter_constraints = {
        k: v for k, v in ElasticNet._parameter_constraints.items()
        if k not in ("precompute", "positive", "penalty_factor")
    }

    path = staticmethod(enet_path)

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, copy_X=True,
                 max_iter=1000, tol=1e-4, warm_start=False, random_state=None,
                 selection="cyclic"):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.selection = selection

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model by block coordinate descent.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Training data.  Fortran-ordered dense or CSC avoid a conversion.
        y : ndarray of shape (n_samples, n_tasks)
            Targets, cast to X's dtype.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights, rescaled to sum to n_samples.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        fast = None
        if type(y) is np.ndarray and y.ndim == 2:  # the common case, no generic checks
            fast = validate_dense_xy(self, X, y, dtype=(np.float64, np.float32), order="F")
        if fast is not None:
            X, y = fast[0], np.asarray(fast[1], dtype=fast[0].dtype)
        else:
            X, y = validate_data(
                self, X, check_numeric_target(y),
                validate_separately=(
                    dict(accept_sparse="csc", dtype=[np.float64, np.float32], order="F",
                         copy=False, accept_large_sparse=False),
                    dict(copy=False, dtype=[np.float64, np.float32], ensure_2d=False),
                ),
            )
            check_consistent_length(X, y)
            if y.ndim == 1:
                model = "Lasso" if self._l1_ratio() == 1.0 and isinstance(
                    self, MultiTaskLasso) else "ElasticNet"
                raise ValueError(f"For mono-task outputs, use {model}")
            y = check_array(y, dtype=X.dtype.type, copy=False)
        n_samples, n_features = X.shape
        n_tasks = y.shape[1]
        dtype = X.dtype
        if isinstance(sample_weight, numbers.Number):
            sample_weight = None
        sw = _normalize_sample_weight(sample_weight, X, dtype)
        X_mean, Y_c, X_offset, y_offset = _preprocess(X, y, self.fit_intercept, sw)
        X, X_mean, Y_c, sw, _ = _guard_centering(X, X_mean, Y_c, sw, None)

        if self.warm_start and hasattr(self, "coef_"):
            W = np.array(self.coef_, dtype=dtype)
            if W.shape != (n_tasks, n_features):
                raise ValueError(
                    f"warm_start=True: the previous coef_ has shape {W.shape}, "
                    f"which does not fit {n_tasks} task(s) x {n_features} "
                    "feature(s); fit with warm_start=False to start afresh."
                )
        else:
            W = np.zeros((n_tasks, n_features), dtype=dtype)
        resume = dict(self._cd_resume) if self.warm_start and hasattr(
            self, "_cd_resume") else {}
        _, coefs, gaps, n_iters = self.path(
            X, Y_c, l1_ratio=self._l1_ratio(), alphas=[self.alpha], coef_init=W,
            return_n_iter=True, check_input=False, X_offset=X_mean,
            sample_weight=sw, tol=self.tol, max_iter=self.max_iter,
            random_state=self.random_state, selection=self.selection, _resume=resume,
            # the X loop, unless a CV estimator's refit asks for its Gram loop
            precompute=getattr(self, "_precompute", False),
        )
        # a fit that ran out of max_iter leaves its solver's state, from which a
        # warm-started fit goes on as this one would have (empty otherwise)
        self._cd_resume = resume
        self.coef_ = np.asarray(coefs[..., 0], dtype=dtype)
        self.dual_gap_ = float(gaps[0])
        self.n_iter_ = int(n_iters[0])
        Yw = Y_c if sw is None else Y_c * sw[:, None]
        self.eps_ = float(self.tol * np.sum(Yw.astype(np.float64) * Y_c))
        if self.fit_intercept:
            self.intercept_ = (y_offset - X_offset @ self.coef_.T).astype(dtype)
        else:
            self.intercept_ = 0.0
        return self

    def _l1_ratio(self):
        return self.l1_ratio

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags


class MultiTaskLasso(MultiTaskElasticNet):
    """Multi-task Lasso: the L2,1 mixed norm as regulariser.

    Minimises, exactly as scikit-learn's ``MultiTaskLasso``::

        1 / (2 n) * sum_i s_i ||y_i - W x_i - b||^2 + alpha * sum_j ||W[:, j]||_2

    (:class:`MultiTaskElasticNet` with ``l1_ratio=1``; the same solver, and
    sample weights and sparse X as there).

    Parameters
    ----------
    alpha : float, default=1.0
        Constant multiplying the L2,1 term.
    fit_intercept : bool, default=True
        Whether to fit the intercepts b (never penalised).
    copy_X : bool, default=True
        Kept for compatibility: X is never modified.
    max_iter : int, default=1000
        Maximum number of epochs of block coordinate descent.
    tol : float, default=1e-4
        Stop once the duality gap is <= ``tol * ||Y||_F^2 / n`` (scikit-learn's
        scaling; the solver certifies a tenth of it, see the user guide).
    warm_start : bool, default=False
        Start from the previous ``coef_``.
    random_state : int, RandomState instance or None, default=None
        Seed of the coordinate order when ``selection='random'``.
    selection : {'cyclic', 'random'}, default='cyclic'
        Row order within an epoch.

    Attributes
    ----------
    coef_ : ndarray of shape (n_tasks, n_features)
        The coefficients W^T (row t: task t).
    intercept_ : ndarray of shape (n_tasks,)
        The intercepts.
    n_iter_ : int
        Epochs of block coordinate descent.
    dual_gap_ : float
        The duality gap at the end.
    eps_ : float
        As :class:`MultiTaskElasticNet`: the tolerance the gap was compared with.
    sparse_coef_ : scipy.sparse matrix of shape (n_tasks, n_features)
        ``coef_`` as a sparse matrix.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during fit, when X has string column names.

    Examples
    --------
    >>> from skreg import MultiTaskLasso
    >>> reg = MultiTaskLasso(alpha=0.1)
    >>> reg.fit([[0, 1], [1, 2], [2, 4]], [[0, 0], [1, 1], [2, 3]]).coef_.round(3)
    array([[0.   , 0.608],
           [0.   , 0.946]])
    """

    _parameter_constraints = {
        k: v for k, v in MultiTaskElasticNet._parameter_constraints.items()
        if k != "l1_ratio"
    }

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True, max_iter=1000,
                 tol=1e-4, warm_start=False, random_state=None, selection="cyclic"):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.l1_ratio = 1.0
        self.random_state = random_state
        self.selection = selection

    def _l1_ratio(self):
        return 1.0
