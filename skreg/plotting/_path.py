"""RegularizationPathDisplay: coefficients against alpha, as glmnet's ``plot``."""

import numpy as np
from sklearn.utils import check_array

from skreg.linear_model._base import _normalize_sample_weight, _preprocess
from skreg.linear_model._paths import enet_path
from skreg.plotting._base import _get_ax

__all__ = ["RegularizationPathDisplay"]


def _path_with_intercept(X, y, *, l1_ratio, alphas, eps, fit_intercept,
                         sample_weight, penalty_factor, positive, **params):
    """(alphas, coefs) of the path, centered implicitly when fitting an intercept."""
    X = check_array(X, accept_sparse="csc", dtype=[np.float64, np.float32], order="F")
    y = check_array(y, ensure_2d=False, dtype=X.dtype.type)
    sw = _normalize_sample_weight(sample_weight, X, X.dtype)
    X_mean, y_c, _, _ = _preprocess(X, y, fit_intercept, sw)
    alphas, coefs, _ = enet_path(
        X, y_c, l1_ratio=l1_ratio, alphas=alphas, eps=eps, X_offset=X_mean,
        sample_weight=sw, penalty_factor=penalty_factor, positive=positive, **params,
    )
    return alphas, coefs


class RegularizationPathDisplay:
    """Coefficients along a regularization path, against alpha on a log axis.

    Build it with :meth:`from_path` (computes the path) or
    :meth:`from_estimator` (the path over a fitted CV estimator's grid, with
    its ``alpha_`` / ``alpha_1se_`` marked); or directly from arrays and call
    :meth:`plot`.

    Parameters
    ----------
    alphas : ndarray of shape (n_alphas,)
        The alphas of the path (the x axis, log scale).
    coefs : ndarray of shape (n_features, n_alphas)
        The coefficients at each alpha, one line per feature.
    feature_names : list of str, default=None
        Legend labels (shown when there are at most 12 features).
    alpha_ : float, default=None
        An alpha to mark with a vertical line (the CV choice).
    alpha_1se_ : float, default=None
        A second alpha to mark (the one-SE choice).
    estimator_name : str, default=None
        Used in the title.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One per feature.
    alpha_line_, alpha_1se_line_ : matplotlib Line2D or None
        The vertical lines at ``alpha_`` and ``alpha_1se_`` (None when not given).
    ax_ : matplotlib Axes
        The axes drawn on.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg.plotting import RegularizationPathDisplay
    >>> X, y = load_diabetes(return_X_y=True)
    >>> disp = RegularizationPathDisplay.from_path(X, y, alphas=30)
    >>> len(disp.lines_)
    10
    """

    def __init__(self, alphas, coefs, *, feature_names=None, alpha_=None,
                 alpha_1se_=None, estimator_name=None):
        self.alphas = alphas
        self.coefs = coefs
        self.feature_names = feature_names
        self.alpha_ = alpha_
        self.alpha_1se_ = alpha_1se_
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, legend="auto", **kwargs):
        """Draw the path.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure if None.
        legend : 'auto' or bool, default='auto'
            Show a legend of the features ('auto': when named, <= 12 of them).
        **kwargs : dict
            Passed to ``ax.plot`` for every coefficient line.

        Returns
        -------
        display : RegularizationPathDisplay
            ``self``, with ``lines_``, ``ax_`` ... set.
        """
        ax, fig = _get_ax(ax)
        alphas = np.asarray(self.alphas)
        coefs = np.atleast_2d(np.asarray(self.coefs))
        names = self.feature_names
        if names is None:
            names = [f"x{j}" for j in range(coefs.shape[0])]
        self.lines_ = [ax.plot(alphas, c, label=str(n), **kwargs)[0]
                       for c, n in zip(coefs, names)]
        ax.set_xscale("log")
        if alphas.size > 1 and alphas[0] > alphas[-1]:
            ax.invert_xaxis()  # strong to weak penalty, left to right, as glmnet
        ax.axhline(0.0, color="0.6", lw=0.8, zorder=0)
        self.alpha_line_ = self.alpha_1se_line_ = None
        if self.alpha_ is not None:
            self.alpha_line_ = ax.axvline(self.alpha_, color="k", ls="--", lw=1,
                                          label=f"alpha_ = {self.alpha_:.3g}")
        if self.alpha_1se_ is not None:
            self.alpha_1se_line_ = ax.axvline(
                self.alpha_1se_, color="k", ls=":", lw=1,
                label=f"alpha_1se_ = {self.alpha_1se_:.3g}")
        ax.set_xlabel("alpha")
        ax.set_ylabel("coefficient")
        title = "Regularization path"
        if self.estimator_name:
            title += f" ({self.estimator_name})"
        ax.set_title(title)
        if legend == "auto":
            legend = self.feature_names is not None and len(self.lines_) <= 12
        if legend:
            ax.legend(fontsize="small", ncol=2)
        self.ax_, self.figure_ = ax, fig
        return self

    @classmethod
    def from_path(cls, X, y, *, l1_ratio=1.0, alphas=100, eps=1e-3,
                  fit_intercept=True, sample_weight=None, penalty_factor=None,
                  positive=False, feature_names=None, ax=None, **kwargs):
        """Compute the path of ``X, y`` with skreg's ``enet_path`` and plot it.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training data.
        y : array-like of shape (n_samples,)
            The target.
        l1_ratio : float, default=1.0
            1.0 is the Lasso path.
        alphas : int or array-like, default=100
            Grid size or the alphas themselves.
        eps : float, default=1e-3
            alpha_min / alpha_max of an automatic grid.
        fit_intercept : bool, default=True
            Center X (implicitly) and y, as the estimators do.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows (rescaled to sum to n_samples).
        penalty_factor : array-like of shape (n_features,), default=None
            glmnet's per-feature penalty factors (see :class:`skreg.ElasticNet`).
        positive : bool, default=False
            Force non-negative coefficients.
        feature_names : list of str, default=None
            Taken from a DataFrame's columns when None.
        ax : matplotlib Axes, default=None
            The axes to draw on; a new figure and axes when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : RegularizationPathDisplay
            The display, already drawn.
        """
        if feature_names is None and hasattr(X, "columns"):
            feature_names = [str(c) for c in X.columns]
        alphas, coefs = _path_with_intercept(
            X, y, l1_ratio=l1_ratio, alphas=alphas, eps=eps,
            fit_intercept=fit_intercept, sample_weight=sample_weight,
            penalty_factor=penalty_factor, positive=positive,
        )
        name = "Lasso" if l1_ratio == 1 else f"ElasticNet, l1_ratio={l1_ratio:g}"
        return cls(alphas, coefs, feature_names=feature_names,
                   estimator_name=name).plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, sample_weight=None, ax=None,
                       **kwargs):
        """The path over a fitted estimator's grid, its chosen alphas marked.

        Parameters
        ----------
        estimator : fitted LassoCV, ElasticNetCV, Lasso or ElasticNet
            CV estimators give their grid (of the chosen ``l1_ratio_``),
            ``alpha_`` and ``alpha_1se_``; a plain estimator a 100-alpha grid
            with its ``alpha`` marked.
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data the estimator was fitted on.
        y : array-like of shape (n_samples,)
            The target it was fitted on.
        sample_weight : array-like of shape (n_samples,), default=None
            The sample weights it was fitted with, if any.
        ax : matplotlib Axes, default=None
            The axes to draw on; a new figure and axes when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : RegularizationPathDisplay
            The display, already drawn.
        """
        params = estimator.get_params()
        if hasattr(estimator, "l1_ratio_"):
            l1_ratio = float(estimator.l1_ratio_)
        else:  # LassoCV, or a plain Lasso / ElasticNet
            l1_ratio = float(params.get("l1_ratio", 1.0))
        if hasattr(estimator, "alphas_"):
            grid = np.asarray(estimator.alphas_)
            if grid.ndim == 2:
                ratios = np.atleast_1d(params["l1_ratio"]).astype(float)
                grid = grid[int(np.flatnonzero(ratios == l1_ratio)[0])]
            marks = dict(alpha_=estimator.alpha_,
                         alpha_1se_=getattr(estimator, "alpha_1se_", None))
        else:
            grid, marks = 100, dict(alpha_=estimator.alpha)
        feature_names = kwargs.pop("feature_names", None)
        if feature_names is None and hasattr(estimator, "feature_names_in_"):
            feature_names = list(estimator.feature_names_in_)
        alphas, coefs = _path_with_intercept(
            X, y, l1_ratio=l1_ratio, alphas=grid, eps=params.get("eps", 1e-3),
            fit_intercept=params.get("fit_intercept", True),
            sample_weight=sample_weight,
            penalty_factor=params.get("penalty_factor"),
            positive=params.get("positive", False),
            tol=params.get("tol", 1e-4), max_iter=params.get("max_iter", 1000),
        )
        return cls(alphas, coefs, feature_names=feature_names,
                   estimator_name=type(estimator).__name__, **marks).plot(ax=ax, **kwargs)
