"""Ridge regression: closed forms first, iterative solvers for sparse/huge X."""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.utils import assert_all_finite

from skreg._solvers import _closed_form as cf
from skreg.linear_model._ridge_base import LinearPredictorMixin, preprocess
from skreg.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    validate_data,
)
from skreg.utils._validation import check_numeric_target

_SOLVERS = {"auto", "cholesky", "svd", "lsqr", "sparse_cg", "cd", "sag", "saga", "lbfgs"}
# Dense Gram of at most this side is formed for sparse X under solver='auto'.
_SPARSE_GRAM_MAX = 2000


def resolve_solver(solver, *, positive, is_sparse, shape):
    """The solver that ``solver`` means for this input ('auto' resolved).

    'auto': 'cd' for positive=True (the compiled kernel; 'lbfgs' until it is
    available), 'cholesky' for dense X or sparse X with a small side
    (min(n, p) <= 2000, dense Gram of that side), else 'sparse_cg'.
    'sag' and 'saga' are accepted for scikit-learn compatibility and mapped to
    what 'auto' picks: they minimize the same objective, which the exact
    solvers reach faster here.
    """
    if solver in ("sag", "saga"):
        solver = "auto"
    if positive:
        if solver not in ("auto", "cd", "lbfgs"):
            raise ValueError(
                f"solver={solver!r} does not support positive=True; use 'auto', "
                "'cd' or 'lbfgs', or set positive=False."
            )
        if solver == "auto":
            solver = "cd"
        return solver
    if solver != "auto":
        return solver
    if not is_sparse or min(shape) <= _SPARSE_GRAM_MAX:
        return "cholesky"
    return "sparse_cg"


def ridge_fit(X, y, alpha, *, sample_weight=None, fit_intercept=True, solver="auto",
              max_iter=None, tol=1e-4, positive=False, random_state=None, copy_X=True,
              finite_checked=True):
    """Fit ridge on validated X, y; the one code path behind Ridge and RidgeCV.

    Minimizes ``sum_i s_i (y_i - x_i w - b)^2 + alpha_k ||w_k||^2`` for each
    target k.  Returns ``coef`` (n_targets, p), ``intercept`` (n_targets,),
    ``n_iter`` (n_targets,) and the solver used.  ``finite_checked=False``
    means X was not scanned for NaN/inf: the Cholesky route then checks its
    Gram matrix (free), the others scan X.
    """
    n, p = X.shape
    is_sparse = sp.issparse(X)
    Y2 = y.reshape(n, -1) if y.ndim == 1 else y
    n_targets = Y2.shape[1]
    alpha = np.asarray(alpha, dtype=X.dtype).ravel()
    if alpha.shape[0] not in (1, n_targets):
        raise ValueError(
            "Number of targets and number of penalties do not correspond: "
            f"{alpha.shape[0]} != {n_targets}"
        )
    if alpha.shape[0] == 1:
        alpha = np.full(n_targets, alpha[0], dtype=X.dtype)
    solver = resolve_solver(solver, positive=positive, is_sparse=is_sparse, shape=(n, p))
    if solver == "svd" and is_sparse:
        raise TypeError("SVD solver does not support sparse inputs; use 'cholesky', "
                        "'lsqr' or 'sparse_cg'.")
    if is_sparse and solver == "cd":
        X = sp.csc_matrix(X)
    if not finite_checked and solver != "cholesky":
        assert_all_finite(X, input_name="X")
    design, Yc, X_offset, y_offset, sqrt_sw = preprocess(
        X, y, fit_intercept=fit_intercept, sample_weight=sample_weight, copy=copy_X,
        implicit_dense=solver == "cholesky", check_finite_gram=not finite_checked,
    )
    n_iter = np.ones(n_targets, dtype=np.int32)
    used = solver
    if solver == "cholesky":
        try:
            coef = cf.solve_cholesky(design, Yc, alpha)
        except cf.IllConditionedError as exc:
            used = "eigh" if is_sparse else "svd"
            cf.warn_fallback(str(exc), used)
            coef = cf.solve_svd(design, Yc, alpha)
    elif solver == "svd":
        coef = cf.solve_svd(design, Yc, alpha)
    elif solver in ("lsqr", "sparse_cg", "lbfgs", "cd"):
        # loops of BLAS-1/2 calls: one BLAS thread (see cf.single_blas_thread)
        with cf.single_blas_thread():
            coef, n_iter = _iterative(solver, design, Yc, alpha, X, X_offset, y_offset,
                                      Y2, sample_weight, fit_intercept, max_iter, tol,
                                      positive, random_state)
    else:  # pragma: no cover - guarded by parameter validation
        raise ValueError(f"Unknown solver {solver!r}")
    coef = np.ascontiguousarray(coef.T, dtype=X.dtype)
    intercept = (y_offset - coef @ X_offset).astype(X.dtype) if fit_intercept else \
        np.zeros(n_targets, dtype=X.dtype)
    return coef, intercept, n_iter, used


def _coef_attributes(coef, intercept, y_ndim, fit_intercept):
    """coef_ / intercept_ shaped as scikit-learn's Ridge shapes them: a single
    target gives a 1-D coef_ (even for y of shape (n, 1), whose intercept_
    then keeps shape (1,)); no intercept gives intercept_ = 0.0."""
    if not fit_intercept:
        intercept = 0.0
    elif coef.shape[0] == 1 and y_ndim == 1:
        intercept = intercept[0]
    return (coef[0] if coef.shape[0] == 1 else coef), intercept


def _iterative(solver, design, Yc, alpha, X, X_offset, y_offset, Y2, sample_weight,
               fit_intercept, max_iter, tol, positive, random_state):
    if solver == "lsqr":
        return cf.solve_lsqr(design, Yc, alpha, max_iter=max_iter, tol=tol)
    if solver == "sparse_cg":
        return cf.solve_sparse_cg(design, Yc, alpha, max_iter=max_iter, tol=tol)
    if solver == "lbfgs":
        return cf.solve_lbfgs(design, Yc, alpha, max_iter=max_iter, tol=tol,
                              positive=positive)
    raw = None
    if sp.issparse(X):
        raw = (X, X_offset if fit_intercept else None, sample_weight, Y2 - y_offset)
    return cf.solve_cd(design, Yc, alpha, raw=raw, max_iter=max_iter, tol=tol,
                       positive=positive, random_state=random_state)



def _validate_fit_data(est, X, y, sample_weight, defer_finite_check):
    """Validated (X, y, sample_weight) for Ridge and RidgeCV.

    COO becomes CSR; y takes X's dtype; the NaN/inf scan of dense X may be
    deferred to the Gram matrix's diagonal (``defer_finite_check``).
    """
    X, y = validate_data(
        est, X, check_numeric_target(y), accept_sparse=["csr", "csc", "coo"],
        dtype=[np.float64, np.float32], multi_output=True, y_numeric=True,
        ensure_all_finite=not defer_finite_check,
    )
    if sp.issparse(X) and X.format == "coo":
        X = X.tocsr()
    y = np.asarray(y, dtype=X.dtype)
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype,
                                             ensure_non_negative=True)
    return X, y, sample_weight

class Ridge(MultiOutputMixin, RegressorMixin, LinearPredictorMixin, BaseEstimator):
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
        If False, a dense X may be centred and rescaled in place.
    max_iter : int, default=None
        Iteration cap of the iterative solvers ('lsqr', 'sparse_cg', 'cd',
        'lbfgs'); None means each solver's default.
    tol : float, default=1e-4
        Tolerance of the iterative solvers: relative residual of the normal
        equations ('sparse_cg'), LSQR's atol/btol ('lsqr'), duality gap
        relative to ``sum_i s_i y_i^2`` ('cd'), projected gradient ('lbfgs').
        No effect on the direct solvers.
    solver : {'auto', 'cholesky', 'svd', 'lsqr', 'sparse_cg', 'cd', 'lbfgs', \
            'sag', 'saga'}, default='auto'
        - 'auto': 'cholesky' for dense X or sparse X with min(n, p) <= 2000,
          'sparse_cg' otherwise, 'cd' when ``positive=True``.
        - 'cholesky': Cholesky of ``X^T X + alpha I`` (n >= p) or of
          ``X X^T + alpha I`` (p > n), one factorization for all targets
          sharing an alpha.  Sparse X is centred implicitly.  If the system is
          ill-conditioned (estimated reciprocal condition < 1000 eps), it
          falls back to 'svd' (dense) or an eigendecomposition of the Gram
          matrix (sparse, ``solver_ == 'eigh'``) with a ``LinAlgWarning``.
        - 'svd': thin SVD of the centred X (dense only); the stable choice.
        - 'lsqr', 'sparse_cg': iterative (``scipy.sparse.linalg``), with
          implicit centring of sparse X (never densified); 'sparse_cg' is
          Jacobi-preconditioned.
        - 'cd': compiled coordinate descent stopping on the duality gap;
          supports ``positive=True``.
        - 'lbfgs': L-BFGS-B, supports ``positive=True``.
        - 'sag', 'saga': accepted for compatibility, mapped to 'auto' (same
          objective, exact solution).
    positive : bool, default=False
        Constrain the coefficients to be non-negative ('auto', 'cd', 'lbfgs').
    random_state : int, RandomState instance or None, default=None
        Used by 'cd' with random coordinate selection; otherwise unused.

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
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when X has string feature names.

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
        "solver": [StrOptions(_SOLVERS)],
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
                 and self.solver in ("auto", "cholesky", "sag", "saga"))
        X, y, sample_weight = _validate_fit_data(self, X, y, sample_weight, defer)
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
        self.coef_, self.intercept_ = _coef_attributes(coef, intercept, y.ndim,
                                                       self.fit_intercept)
        self.n_iter_ = n_iter
        self.solver_ = used
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self.solver != "svd"
        return tags
