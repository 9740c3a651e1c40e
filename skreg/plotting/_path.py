"""RegularizationPathDisplay: coefficients against alpha, as glmnet's ``plot``."""

import numpy as np
from sklearn.utils import check_array

from skreg.linear_model import enet_path_with_intercept
from skreg.plotting._base import _get_ax, _pyplot

__all__ = ["RegularizationPathDisplay"]


def _is_logistic(estimator):
    """Whether ``estimator`` is skreg's LogisticRegression or LogisticRegressionCV."""
    from skreg.linear_model import LogisticRegression

    return isinstance(estimator, LogisticRegression)


def _logistic_l1_ratio(estimator):
    """The l1_ratio a fitted LogisticRegression(CV)'s path is drawn at.

    A CV estimator's chosen ``l1_ratio_`` (legacy attributes repeat it per
    class; ``None`` stands for the deprecated ``penalty`` alone), a plain
    estimator's ``l1_ratio`` (or its deprecated ``penalty``).
    """
    penalty = getattr(estimator, "penalty", "deprecated")
    if hasattr(estimator, "l1_ratio_"):
        r = np.asarray(estimator.l1_ratio_, dtype=object).ravel()[0]
    elif penalty in ("l1", "l2"):
        r = None
    else:
        r = estimator.l1_ratio
    if r is None:
        r = 1.0 if penalty == "l1" else 0.0
    return float(r)


def _logistic_l1_min_c(estimator, X, y, sample_weight, l1_ratio):
    """The smallest C at which the L1 part lets a coefficient leave zero.

    At w = 0 the intercept alone fits the (weighted) class frequencies p, and
    w = 0 stays optimal while ``C * |X_j^T s (Y - p)| <= l1_ratio`` for every
    feature j (the subgradient condition); penalty factors are ignored here.
    """
    from sklearn.utils.class_weight import compute_sample_weight

    X = check_array(X, accept_sparse=["csr", "csc"], dtype=np.float64)
    classes, idx = np.unique(np.asarray(y), return_inverse=True)
    s = (np.ones(len(idx)) if sample_weight is None
         else np.asarray(sample_weight, dtype=float).copy())
    if estimator.class_weight is not None:
        s *= compute_sample_weight(estimator.class_weight, y)
    Y = np.eye(len(classes))[idx]
    if len(classes) == 2:
        Y = Y[:, 1:]
    if estimator.fit_intercept:
        p = s @ Y / s.sum()
    else:
        p = np.full(Y.shape[1], 0.5 if len(classes) == 2 else 1.0 / len(classes))
    G = np.asarray(X.T @ (s[:, None] * (Y - p)))
    g = float(np.abs(G).max())
    return 1.0 / (l1_ratio * g) if g > 0 else 1.0


def _logistic_grid(estimator, X, y, sample_weight, l1_ratio):
    """A plain LogisticRegression's grid of 50 Cs, its own C inside.

    With an L1 part the grid starts at the smallest C with a non-zero
    coefficient and spans four decades; an L2 path spans 1e-4 .. 1e4.
    """
    C = float(estimator.C)
    if l1_ratio > 0:
        lo = _logistic_l1_min_c(estimator, X, y, sample_weight, l1_ratio)
        hi = lo * 1e4
    else:
        lo, hi = 1e-4, 1e4
    if np.isfinite(C):
        lo, hi = min(lo, C / 10), max(hi, C * 10)
    return np.geomspace(lo, hi, 50)


def _logistic_path_coefs(estimator, X, y, Cs, l1_ratio, sample_weight):
    """Coefficients of a warm-started LogisticRegression path over ``Cs``.

    The model is a LogisticRegression with the estimator's solver, tol,
    max_iter, fit_intercept, class_weight and penalty_factor, refitted at
    each C (in the order given) from the previous C's solution, as
    LogisticRegressionCV's folds are.  Returns (coefs, classes): coefs of
    shape (n_features, n_Cs) for two classes, (n_classes, n_features, n_Cs)
    for more.
    """
    from skreg.linear_model import LogisticRegression

    params = estimator.get_params()
    model = LogisticRegression(
        C=1.0, l1_ratio=l1_ratio, solver=params["solver"], tol=params["tol"],
        max_iter=params["max_iter"], fit_intercept=params["fit_intercept"],
        class_weight=params["class_weight"], penalty_factor=params["penalty_factor"],
        warm_start=True,
    )
    coefs = []
    for C in Cs:
        model.set_params(C=float(C)).fit(X, y, sample_weight=sample_weight)
        coefs.append(np.asarray(model.coef_, dtype=float))
    coefs = np.moveaxis(np.array(coefs), 0, -1)  # (n_rows, n_features, n_Cs)
    return (coefs[0] if coefs.shape[0] == 1 else coefs), model.classes_


class RegularizationPathDisplay:
    """Coefficients along a regularization path, against alpha (or C) on a log axis.

    Build it with :meth:`from_path` (computes a regression path) or
    :meth:`from_estimator` (the path over a fitted estimator's grid, with
    its chosen penalty marked: ``alpha_`` / ``alpha_1se_`` of a regression
    CV estimator, ``C_`` / ``C_1se_`` of a :class:`~skreg.LogisticRegressionCV`);
    or directly from arrays and call :meth:`plot`.  Multinomial coefficients
    (three or more classes) are drawn on one axes per class.

    Parameters
    ----------
    alphas : ndarray of shape (n_alphas,)
        The penalty grid of the path (the x axis, log scale): alphas, or the
        Cs of a logistic path (then pass ``xlabel="C"``).
    coefs : ndarray of shape (n_features, n_alphas) or (n_classes, n_features, n_alphas)
        The coefficients at each grid point, one line per feature; a 3-D
        array (multinomial) gets one axes per class.
    feature_names : list of str, default=None
        Legend labels (shown when there are at most 12 features).
    alpha_ : float, default=None
        A grid value to mark with a dashed vertical line (the CV choice).
    alpha_1se_ : float, default=None
        A second value to mark, dotted (the one-SE choice).
    estimator_name : str, default=None
        Used in the title.
    xlabel : str, default='alpha'
        What the grid is: the x label, and the marks' legend names
        (``f"{xlabel}_"`` and ``f"{xlabel}_1se_"``).
    class_names : list of str, default=None
        Titles of the per-class axes of a 3-D ``coefs``.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One per feature; for a 3-D ``coefs``, one such list per class.
    alpha_line_, alpha_1se_line_ : matplotlib Line2D or None
        The vertical lines at ``alpha_`` and ``alpha_1se_`` (None when not
        given); for a 3-D ``coefs``, a list with one per class axes.
    ax_ : matplotlib Axes
        The axes drawn on; for a 3-D ``coefs``, an ndarray of them, one per
        class.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_breast_cancer, load_diabetes
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skreg import LogisticRegressionCV
    >>> from skreg.plotting import RegularizationPathDisplay
    >>> X, y = load_diabetes(return_X_y=True)
    >>> disp = RegularizationPathDisplay.from_path(X, y, alphas=30)
    >>> len(disp.lines_)
    10
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)[:, :5]
    >>> clf = LogisticRegressionCV(Cs=6, l1_ratios=(1.0,), solver="cd", cv=3,
    ...                            scoring="accuracy",
    ...                            use_legacy_attributes=False).fit(X, y)
    >>> disp = RegularizationPathDisplay.from_estimator(clf, X, y)
    >>> disp.ax_.get_xlabel(), disp.coefs.shape
    ('C', (5, 6))
    """

    def __init__(self, alphas, coefs, *, feature_names=None, alpha_=None,
                 alpha_1se_=None, estimator_name=None, xlabel="alpha",
                 class_names=None):
        self.alphas = alphas
        self.coefs = coefs
        self.feature_names = feature_names
        self.alpha_ = alpha_
        self.alpha_1se_ = alpha_1se_
        self.estimator_name = estimator_name
        self.xlabel = xlabel
        self.class_names = class_names

    def plot(self, ax=None, *, legend="auto", **kwargs):
        """Draw the path.

        Parameters
        ----------
        ax : matplotlib Axes or array-like of Axes, default=None
            Where to draw; a new figure if None.  For a 3-D ``coefs``, one
            Axes per class (a new row of them if None).
        legend : 'auto' or bool, default='auto'
            Show a legend of the features ('auto': when named, <= 12 of them).
        **kwargs : dict
            Passed to ``ax.plot`` for every coefficient line.

        Returns
        -------
        display : RegularizationPathDisplay
            ``self``, with ``lines_``, ``ax_`` ... set.
        """
        coefs = np.asarray(self.coefs)
        if coefs.ndim == 3:
            return self._plot_per_class(coefs, ax, legend, kwargs)
        ax, fig = _get_ax(ax)
        self.lines_, self.alpha_line_, self.alpha_1se_line_ = self._draw(
            ax, np.atleast_2d(coefs), legend, kwargs, title_suffix="")
        self.ax_, self.figure_ = ax, fig
        return self

    def _plot_per_class(self, coefs, ax, legend, kwargs):
        """One axes per class of a (n_classes, n_features, n_alphas) ``coefs``."""
        n_classes = coefs.shape[0]
        if ax is None:
            plt = _pyplot()
            fig, ax = plt.subplots(1, n_classes, figsize=(4 * n_classes, 4),
                                   sharey=True, squeeze=False)
            ax = ax[0]
        ax = np.asarray(ax, dtype=object).ravel()
        if ax.size != n_classes:
            raise ValueError(f"coefs has {n_classes} classes: ax must hold as many "
                             f"Axes, got {ax.size}.")
        names = (self.class_names if self.class_names is not None
                 else [str(k) for k in range(n_classes)])
        self.lines_, self.alpha_line_, self.alpha_1se_line_ = [], [], []
        for k in range(n_classes):
            lines, a, a1 = self._draw(ax[k], coefs[k], legend if k == 0 else False, kwargs,
                                      title_suffix=f", class {names[k]}")
            self.lines_.append(lines)
            self.alpha_line_.append(a)
            self.alpha_1se_line_.append(a1)
        self.ax_, self.figure_ = ax, ax[0].figure
        return self

    def _draw(self, ax, coefs, legend, kwargs, title_suffix):
        """Draw one (n_features, n_alphas) path on ``ax``; (lines, mark, mark_1se)."""
        alphas = np.asarray(self.alphas)
        names = self.feature_names
        if names is None:
            names = [f"x{j}" for j in range(coefs.shape[0])]
        lines = [ax.plot(alphas, c, label=str(n), **kwargs)[0]
                 for c, n in zip(coefs, names)]
        ax.set_xscale("log")
        if alphas.size > 1 and alphas[0] > alphas[-1]:
            ax.invert_xaxis()  # strong to weak penalty, left to right, as glmnet
        ax.axhline(0.0, color="0.6", lw=0.8, zorder=0)
        name = self.xlabel
        mark = mark_1se = None
        if self.alpha_ is not None:
            mark = ax.axvline(self.alpha_, color="k", ls="--", lw=1,
                              label=f"{name}_ = {self.alpha_:.3g}")
        if self.alpha_1se_ is not None:
            mark_1se = ax.axvline(self.alpha_1se_, color="k", ls=":", lw=1,
                                  label=f"{name}_1se_ = {self.alpha_1se_:.3g}")
        ax.set_xlabel(name)
        ax.set_ylabel("coefficient")
        title = "Regularization path"
        if self.estimator_name:
            title += f" ({self.estimator_name})"
        ax.set_title(title + title_suffix)
        if legend == "auto":
            legend = self.feature_names is not None and len(lines) <= 12
        if legend:
            ax.legend(fontsize="small", ncol=2)
        return lines, mark, mark_1se

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
        alphas, coefs = enet_path_with_intercept(
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
        """The path over a fitted estimator's grid, its chosen penalty marked.

        Parameters
        ----------
        estimator : fitted skreg linear estimator
            A fitted LassoCV, ElasticNetCV, Lasso, ElasticNet,
            LogisticRegressionCV or LogisticRegression.
            Regression CV estimators give their grid (of the chosen
            ``l1_ratio_``), ``alpha_`` and ``alpha_1se_``; a plain one a
            100-alpha grid with its ``alpha`` marked.  A
            :class:`~skreg.LogisticRegressionCV` gives its ``Cs_`` (x axis
            C, at the chosen ``l1_ratio_``), ``C_`` and ``C_1se_``; a plain
            :class:`~skreg.LogisticRegression` 50 Cs over four decades (from
            the smallest C with a non-zero coefficient when it has an L1
            part, penalty factors aside; 1e-4 .. 1e4 otherwise), its ``C``
            marked.  The logistic path is refitted on
            ``X, y`` with the estimator's solver, tol and weights,
            warm-started along increasing C; it has one row of coefficients
            for two classes, one axes per class for more.
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
        if _is_logistic(estimator):
            return cls._from_logistic(estimator, X, y, sample_weight=sample_weight,
                                      ax=ax, **kwargs)
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
        alphas, coefs = enet_path_with_intercept(
            X, y, l1_ratio=l1_ratio, alphas=grid, eps=params.get("eps", 1e-3),
            fit_intercept=params.get("fit_intercept", True),
            sample_weight=sample_weight,
            penalty_factor=params.get("penalty_factor"),
            positive=params.get("positive", False),
            tol=params.get("tol", 1e-4), max_iter=params.get("max_iter", 1000),
        )
        return cls(alphas, coefs, feature_names=feature_names,
                   estimator_name=type(estimator).__name__, **marks).plot(ax=ax, **kwargs)

    @classmethod
    def _from_logistic(cls, estimator, X, y, *, sample_weight, ax, **kwargs):
        """:meth:`from_estimator` for LogisticRegression / LogisticRegressionCV."""
        l1_ratio = _logistic_l1_ratio(estimator)
        if hasattr(estimator, "Cs_"):
            Cs = np.sort(np.asarray(estimator.Cs_, dtype=float))
            marks = dict(alpha_=float(np.ravel(estimator.C_)[0]),
                         alpha_1se_=estimator.C_1se_)
        else:
            Cs = _logistic_grid(estimator, X, y, sample_weight, l1_ratio)
            marks = dict(alpha_=float(estimator.C))
        feature_names = kwargs.pop("feature_names", None)
        if feature_names is None and hasattr(estimator, "feature_names_in_"):
            feature_names = list(estimator.feature_names_in_)
        coefs, classes = _logistic_path_coefs(estimator, X, y, Cs, l1_ratio,
                                              sample_weight)
        name = f"{type(estimator).__name__}, l1_ratio={l1_ratio:g}"
        return cls(Cs, coefs, feature_names=feature_names, estimator_name=name,
                   xlabel="C", class_names=[str(c) for c in classes],
                   **marks).plot(ax=ax, **kwargs)
