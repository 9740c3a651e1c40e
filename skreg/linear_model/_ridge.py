"""Ridge regression: closed forms first, iterative solvers for sparse/huge X."""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin

from skreg.linear_model._ridge_base import (
    SOLVERS,
    LinearPredictorMixin,
    coef_attributes,
    ridge_fit,
    validate_fit_data,
)
from skreg.utils._sklearn_compat import (
    CachedParamsMixin,
    Interval,
    StrOptions,
    _fit_context,
)


class Ridge(CachedParamsMixin, MultiOutputMixin, RegressorMixin, LinearPredictorMixin,
            BaseEstimator):
    r"""Linear least squares with L2 regularization.

    Minimizes, for each target,

    .. math::

        \sum_i s_i (y_i - x_i^\top w - b)^2 + \alpha \|w\|_2^2,

    with sample weights :math:`s_i` (ones by default) and an unpenalized
    intercept :math:`b`; the same objective as scikit-learn's ``Ridge``.

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,), default=1.0
        Strength of the L2 penalty, non-negative; one value per target
        allowed.
    fit_intercept : bool, default=True
        Whether to fit an (unpenalized) intercept.
    copy_X : bool, default=True
        If False, a dense X may be centered and rescaled in place.
    max_iter : int, default=None
        Iteration cap of the iterative solvers ('lsqr', 'sparse_cg', 'cd',
        'lbfgs', epochs of 'sag'/'saga'); None means each solver's default.
    tol : float, default=1e-4
        Tolerance of the iterative solvers: relative residual of the normal
        equations ('sparse_cg'), LSQR's atol/btol ('lsqr'), duality gap
        relative to ``sum_i s_i y_i^2`` ('cd'), relative decrease of the
        objective ('lbfgs', scikit-learn's ``ftol``), relative change of the
        weights over an epoch ('sag', 'saga').
        No effect on the direct solvers.
    solver : str, default='auto'
        One of:

        - 'auto': 'cholesky' for dense X or sparse X with min(n, p) <= 2000,
          'sparse_cg' otherwise, 'cd' when ``positive=True``.
        - 'cholesky': Cholesky of ``X^T X + alpha I`` (n >= p) or of
          ``X X^T + alpha I`` (p > n), one factorization for all targets
          sharing an alpha.  Sparse X is centered implicitly.  If the system is
          ill-conditioned (estimated reciprocal condition < 1000 eps), it
          falls back to 'svd' (dense) or an eigendecomposition of the Gram
          matrix (sparse, ``solver_ == 'eigh'``) with a ``LinAlgWarning``.
        - 'svd': thin SVD of the centered X (dense only); the stable choice.
        - 'lsqr', 'sparse_cg': iterative (``scipy.sparse.linalg``), with
          implicit centering of sparse X (never densified); 'sparse_cg' is
          Jacobi-preconditioned.
        - 'cd': compiled coordinate descent stopping on the duality gap;
          supports ``positive=True``.
        - 'lbfgs': L-BFGS-B, supports ``positive=True``.
        - 'sag', 'saga': stochastic average gradient (SAGA: its unbiased
          variant), a compiled kernel with scikit-learn's step size
          ``1 / (max_i ||x_i||^2 + fit_intercept + alpha / n)`` (SAGA:
          ``1 / (2 L + min(2 alpha, L))``), stopping once an epoch changes the
          weights by at most ``tol`` times their largest magnitude
          (default ``max_iter`` 1000 epochs).  Dense X is centered; sparse X
          with an intercept: 'saga' raises and 'sag' learns the intercept
          with damped steps (and a warning) at ``max_iter=None`` and
          ``tol > 1e-4``, otherwise runs 'sparse_cg', both as scikit-learn.
    positive : bool, default=False
        Constrain the coefficients to be non-negative ('auto', 'cd', 'lbfgs').
    random_state : int, RandomState instance or None, default=None
        Seeds the sample draws of 'sag'/'saga' and 'cd''s random coordinate
        selection; otherwise unused.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Weight vector(s).
    intercept_ : float or ndarray of shape (n_targets,)
        Independent term; 0.0 when ``fit_intercept=False``.
    n_iter_ : ndarray of shape (n_targets,)
        Iterations per target; 1 for a direct solve.
    solver_ : str
        The solver actually used ('auto' resolved, fallbacks included).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit``.  Defined only when X has
        feature names that are all strings.

    See Also
    --------
    RidgeCV : Ridge with the penalty chosen by (leave-one-out) cross-validation.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import Ridge
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.randn(10, 5), rng.randn(10)
    >>> reg = Ridge(alpha=1.0).fit(X, y)
    >>> reg.solver_
    'cholesky'
    >>> reg.coef_.shape
    (5,)
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left"), "array-like"],
        "fit_intercept": ["boolean"],
        "copy_X": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "solver": [StrOptions(SOLVERS)],
        "positive": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, alpha=1.0, *, fit_intercept=True, copy_X=True, max_iter=None,
                 tol=1e-4, solver="auto", positive=False, random_state=None):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the ridge model.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Training data (float64 or float32; kept in that dtype).
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Target values.
        sample_weight : float or ndarray of shape (n_samples,), default=None
            Non-negative weights of the squared errors.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        # dense X headed for Cholesky: skip the O(np) NaN/inf scan, the Gram
        # matrix's diagonal reveals any (see CenteredDesign.check_finite_gram)
        defer = (not sp.issparse(X) and not self.positive
                 and self.solver in ("auto", "cholesky"))
        X, y, sample_weight = validate_fit_data(self, X, y, sample_weight, defer)
        alpha = self.alpha
        if not np.isscalar(alpha):
            alpha = np.asarray(alpha, dtype=np.float64).ravel()
            if np.any(alpha < 0) or not np.all(np.isfinite(alpha)):
                raise ValueError("alpha values must be non-negative and finite; "
                                 f"got {alpha}.")
        coef, intercept, n_iter, used = ridge_fit(
            X, y, alpha, sample_weight=sample_weight, fit_intercept=self.fit_intercept,
            solver=self.solver, max_iter=self.max_iter, tol=self.tol,
            positive=self.positive, random_state=self.random_state, copy_X=self.copy_X,
            finite_checked=not defer,
        )
        self.coef_, self.intercept_ = coef_attributes(coef, intercept, y.ndim,
                                                       self.fit_intercept)
        self.n_iter_ = n_iter
        self.solver_ = used
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self.solver != "svd"
        return tags
