"""CVCurveDisplay: the mean CV error against alpha, its one-SE band, the choices."""

import numpy as np

from skreg.plotting._base import _get_ax

__all__ = ["CVCurveDisplay"]


def _cv_criterion(estimator, l1_ratio=None):
    """(alphas, per-fold values, label, lower_is_better) of a fitted CV estimator.

    The values are the MSE, or with a scorer the error ``-score`` for
    scikit-learn's ``neg_*`` scorers and the score itself otherwise.
    """
    scoring = getattr(estimator, "scoring", None)
    if scoring is None:
        values, label, lower = np.asarray(estimator.mse_path_), "mean squared error", True
    else:
        values = np.asarray(estimator.score_path_)
        name = scoring if isinstance(scoring, str) else getattr(
            getattr(scoring, "_score_func", None), "__name__", "score")
        if isinstance(scoring, str) and scoring.startswith("neg_"):
            values, label, lower = -values, scoring[4:].replace("_", " "), True
        else:
            label, lower = name.replace("_", " "), False
    ratios = np.atleast_1d(estimator.get_params().get("l1_ratio", 1.0)).astype(float)
    grid = np.asarray(estimator.alphas_)
    n_alphas = grid.shape[-1]
    values = values.reshape(len(ratios), n_alphas, -1)
    if l1_ratio is None:
        l1_ratio = getattr(estimator, "l1_ratio_", ratios[0])
    i = int(np.flatnonzero(ratios == float(l1_ratio))[0])
    alphas = grid[i] if grid.ndim == 2 else grid
    return alphas, values[i], label, lower


def _scorer_label(scoring, default):
    """(label, sign): scikit-learn's ``neg_*`` scorers are drawn as errors."""
    if scoring is None:
        return default, 1.0
    name = scoring if isinstance(scoring, str) else getattr(
        getattr(scoring, "_score_func", None), "__name__", "score")
    if isinstance(scoring, str) and scoring.startswith("neg_"):
        return scoring[4:].replace("_", " "), -1.0
    return name.replace("_", " "), 1.0


def _logistic_cv_criterion(estimator, l1_ratio=None):
    """(Cs, per-fold values (n_Cs, n_folds), label, l1_ratio) of a LogisticRegressionCV.

    ``scores_`` in either layout: scikit-learn 1.9's new array (n_folds,
    n_l1_ratios, n_Cs), or the legacy dict of one class's (n_folds, n_Cs
    [, n_l1_ratios]).  ``neg_*`` scores are drawn as errors (their negation);
    no ``scoring`` is accuracy.
    """
    scoring = getattr(estimator, "scoring", None)
    label, sign = _scorer_label(None if scoring == "warn" else scoring, "accuracy")
    scores = estimator.scores_
    if isinstance(scores, dict):
        scores = np.asarray(next(iter(scores.values())), dtype=float)
        scores = scores[:, None, :] if scores.ndim == 2 else np.swapaxes(scores, 1, 2)
    scores = sign * np.asarray(scores, dtype=float)
    ratios = np.asarray(estimator.l1_ratios_, dtype=object).ravel()
    chosen = np.asarray(estimator.l1_ratio_, dtype=object).ravel()[0]
    if l1_ratio is None:
        i = int(np.flatnonzero(ratios == chosen)[0]) if chosen in list(ratios) else 0
    else:
        hits = [k for k, r in enumerate(ratios)
                if r is not None and float(r) == float(l1_ratio)]
        if not hits:
            raise ValueError(f"l1_ratio={l1_ratio!r} is not one of the estimator's "
                             f"l1_ratios_ {list(ratios)}.")
        i = hits[0]
    return np.asarray(estimator.Cs_, dtype=float), scores[:, i].T, label, ratios[i]


class CVCurveDisplay:
    """Mean cross-validated error against alpha (or C) with a band of one standard error.

    The standard error is the standard deviation over folds (ddof=1) divided
    by sqrt(n_folds), as glmnet's ``cvsd``.  Vertical lines mark ``alpha_``
    and ``alpha_1se_`` (``C_`` and ``C_1se_`` for a
    :class:`~skreg.LogisticRegressionCV`, whose curve is its mean CV score
    per C).

    Parameters
    ----------
    alphas : ndarray of shape (n_alphas,)
        The grid (the x axis, log scale): alphas, or the Cs of a logistic
        model (then pass ``xlabel="C"``).
    cv_values : ndarray of shape (n_alphas, n_folds)
        The per-fold error (or score) at each alpha.
    alpha_ : float, default=None
        The alpha chosen by cross-validation, marked by a dashed line.
    alpha_1se_ : float, default=None
        The one-standard-error choice, marked by a dotted line.
    ylabel : str, default='mean squared error'
        What ``cv_values`` measures (the y label and the curve's legend).
    estimator_name : str, default=None
        Prefixed to the title.
    xlabel : str, default='alpha'
        What the grid is: the x label, and the marks' legend names
        (``f"{xlabel}_"`` and ``f"{xlabel}_1se_"``).

    Attributes
    ----------
    line_ : matplotlib Line2D
        The mean over folds.
    band_ : matplotlib PolyCollection
        Mean +- one standard error.
    fold_lines_ : list of matplotlib Line2D
        One per fold (empty unless ``show_folds=True``).
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
    >>> from skreg import LassoCV
    >>> from skreg.plotting import CVCurveDisplay
    >>> X, y = load_diabetes(return_X_y=True)
    >>> disp = CVCurveDisplay.from_estimator(LassoCV(cv=5).fit(X, y))
    >>> disp.line_.get_label()
    'mean squared error'
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skreg import LogisticRegressionCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = LogisticRegressionCV(Cs=6, l1_ratios=(1.0,), solver="cd", cv=3,
    ...                            scoring="neg_log_loss",
    ...                            use_legacy_attributes=False).fit(X, y)
    >>> disp = CVCurveDisplay.from_estimator(clf)
    >>> disp.line_.get_label(), disp.ax_.get_xlabel()
    ('log loss', 'C')
    """

    def __init__(self, alphas, cv_values, *, alpha_=None, alpha_1se_=None,
                 ylabel="mean squared error", estimator_name=None, xlabel="alpha"):
        self.alphas = alphas
        self.cv_values = cv_values
        self.alpha_ = alpha_
        self.alpha_1se_ = alpha_1se_
        self.ylabel = ylabel
        self.estimator_name = estimator_name
        self.xlabel = xlabel

    def plot(self, ax=None, *, show_folds=False, **kwargs):
        """Draw the curve.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            The axes to draw on; a new figure and axes when None.
        show_folds : bool, default=False
            Also draw each fold's curve, thin and faint.
        **kwargs : dict
            Passed to ``ax.plot`` for the mean curve.

        Returns
        -------
        display : CVCurveDisplay
            ``self``, with ``line_``, ``band_``, ``ax_`` ... set.
        """
        ax, fig = _get_ax(ax)
        alphas = np.asarray(self.alphas)
        vals = np.asarray(self.cv_values, dtype=float).reshape(alphas.shape[0], -1)
        mean = vals.mean(axis=1)
        k = vals.shape[1]
        se = vals.std(axis=1, ddof=1) / np.sqrt(k) if k > 1 else np.zeros_like(mean)
        self.fold_lines_ = []
        if show_folds:
            self.fold_lines_ = [ax.plot(alphas, vals[:, f], color="0.7", lw=0.7)[0]
                                for f in range(k)]
        kwargs.setdefault("color", "C0")
        self.line_ = ax.plot(alphas, mean, label=self.ylabel, **kwargs)[0]
        self.band_ = ax.fill_between(alphas, mean - se, mean + se,
                                     color=self.line_.get_color(), alpha=0.2,
                                     label="+- 1 SE")
        self.alpha_line_ = self.alpha_1se_line_ = None
        if self.alpha_ is not None:
            self.alpha_line_ = ax.axvline(self.alpha_, color="k", ls="--", lw=1,
                                          label=f"{self.xlabel}_ = {self.alpha_:.3g}")
        if self.alpha_1se_ is not None:
            self.alpha_1se_line_ = ax.axvline(
                self.alpha_1se_, color="k", ls=":", lw=1,
                label=f"{self.xlabel}_1se_ = {self.alpha_1se_:.3g}")
        ax.set_xscale("log")
        if alphas.size > 1 and alphas[0] > alphas[-1]:
            ax.invert_xaxis()
        ax.set_xlabel(self.xlabel)
        ax.set_ylabel(f"CV {self.ylabel}")
        title = f"Cross-validation, {k} folds"
        if self.estimator_name:
            title = f"{self.estimator_name}: {title}"
        ax.set_title(title)
        ax.legend(fontsize="small")
        self.ax_, self.figure_ = ax, fig
        return self

    @classmethod
    def from_estimator(cls, estimator, *, l1_ratio=None, ax=None, **kwargs):
        """Plot a fitted CV estimator's cross-validation curve.

        Parameters
        ----------
        estimator : fitted LassoCV, ElasticNetCV or LogisticRegressionCV
            LassoCV / ElasticNetCV: its ``mse_path_`` (or ``score_path_``
            with ``scoring``), ``alphas_``, ``alpha_`` and ``alpha_1se_``.
            LogisticRegressionCV (either ``use_legacy_attributes`` layout):
            its ``scores_`` per C (accuracy without ``scoring``; a ``neg_*``
            scorer drawn as an error), ``Cs_``, ``C_`` and ``C_1se_``.
        l1_ratio : float, default=None
            Which l1_ratio's curve (when there are several); default the
            chosen ``l1_ratio_``.  The marks are drawn only for it.
        ax : matplotlib Axes, default=None
            The axes to draw on; a new figure and axes when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : CVCurveDisplay
            The display, already drawn.
        """
        if hasattr(estimator, "Cs_") and hasattr(estimator, "scores_"):
            return cls._from_logistic(estimator, l1_ratio=l1_ratio, ax=ax, **kwargs)
        alphas, values, label, _ = _cv_criterion(estimator, l1_ratio)
        chosen = l1_ratio is None or float(l1_ratio) == float(
            getattr(estimator, "l1_ratio_", l1_ratio))
        name = type(estimator).__name__
        if hasattr(estimator, "l1_ratio_"):
            shown = estimator.l1_ratio_ if l1_ratio is None else l1_ratio
            name += f" (l1_ratio={float(shown):g})"
        return cls(
            alphas, values,
            alpha_=estimator.alpha_ if chosen else None,
            alpha_1se_=getattr(estimator, "alpha_1se_", None) if chosen else None,
            ylabel=label, estimator_name=name,
        ).plot(ax=ax, **kwargs)

    @classmethod
    def _from_logistic(cls, estimator, *, l1_ratio, ax, **kwargs):
        """:meth:`from_estimator` for a fitted LogisticRegressionCV."""
        Cs, values, label, shown = _logistic_cv_criterion(estimator, l1_ratio)
        chosen_ratio = np.asarray(estimator.l1_ratio_, dtype=object).ravel()[0]
        chosen = l1_ratio is None or (chosen_ratio is not None
                                      and float(l1_ratio) == float(chosen_ratio))
        name = type(estimator).__name__
        if shown is not None:
            name += f" (l1_ratio={float(shown):g})"
        return cls(
            Cs, values,
            alpha_=float(np.ravel(estimator.C_)[0]) if chosen else None,
            alpha_1se_=estimator.C_1se_ if chosen else None,
            ylabel=label, estimator_name=name, xlabel="C",
        ).plot(ax=ax, **kwargs)
