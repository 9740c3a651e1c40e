"""DropoutCurveDisplay: training loss (and validation score) per epoch, per model."""

import numpy as np

from skreg.plotting._base import _get_ax

__all__ = ["DropoutCurveDisplay"]


def _default_label(estimator):
    rate = getattr(estimator, "dropout_rate", None)
    mode = getattr(estimator, "dropout_mode", None)
    if rate is None:
        return type(estimator).__name__
    rate = list(rate) if np.ndim(rate) else rate
    return f"dropout_rate={rate}" + (f", {mode}" if mode is not None else "")


class DropoutCurveDisplay:
    """Loss curves of several fitted MLPs, e.g. one per dropout rate or mode.

    Training losses (``loss_curve_``) are solid lines on ``ax_``; validation
    scores (``validation_scores_``, with ``early_stopping=True``) are dashed
    lines of the same colour on a twin axis ``ax_validation_``, since a score
    is not on the loss's scale.

    Parameters
    ----------
    loss_curves : list of array-like
        Training loss per epoch, one per model.
    labels : list of str
        The legend label of each model.
    validation_scores : list of (array-like or None), default=None
        Validation score per epoch, one per model (None where absent).

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        The loss curves, one per model.
    validation_lines_ : list of matplotlib Line2D
        The validation curves drawn (possibly none).
    ax_ : matplotlib Axes
        The axes of the loss curves.
    ax_validation_ : matplotlib Axes or None
        The twin axis of the validation scores.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skreg.plotting import DropoutCurveDisplay
    >>> disp = DropoutCurveDisplay([[1.0, 0.6, 0.5], [1.0, 0.8, 0.7]],
    ...                            ["dropout_rate=0.0", "dropout_rate=0.5"]).plot()
    >>> [line.get_label() for line in disp.lines_]
    ['dropout_rate=0.0', 'dropout_rate=0.5']
    """

    def __init__(self, loss_curves, labels, *, validation_scores=None):
        self.loss_curves = loss_curves
        self.labels = labels
        self.validation_scores = validation_scores

    def plot(self, ax=None, *, show_validation=True, log_y=False, **kwargs):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            The axes to draw on; a new figure and axes when None.
        show_validation : bool, default=True
            Draw the validation scores where the models have them.
        log_y : bool, default=False
            Log scale for the loss.
        **kwargs : dict
            Passed to ``ax.plot`` for every loss curve.

        Returns
        -------
        display : DropoutCurveDisplay
            ``self``, with ``lines_``, ``ax_`` ... set.
        """
        if len(self.labels) != len(self.loss_curves):
            raise ValueError(
                f"got {len(self.loss_curves)} loss curves and {len(self.labels)} labels."
            )
        ax, fig = _get_ax(ax)
        self.lines_ = []
        for k, (curve, label) in enumerate(zip(self.loss_curves, self.labels)):
            curve = np.asarray(curve, dtype=float)
            epochs = np.arange(1, curve.shape[0] + 1)
            line_kw = {"color": f"C{k % 10}", **kwargs}
            self.lines_.append(ax.plot(epochs, curve, label=label, **line_kw)[0])
        ax.set_xlabel("epoch")
        ax.set_ylabel("training loss")
        if log_y:
            ax.set_yscale("log")
        self.validation_lines_ = []
        self.ax_validation_ = None
        scores = self.validation_scores or [None] * len(self.lines_)
        if show_validation and any(s is not None and len(s) for s in scores):
            self.ax_validation_ = axv = ax.twinx()
            for line, s, label in zip(self.lines_, scores, self.labels):
                if s is None or not len(s):
                    continue
                s = np.asarray(s, dtype=float)
                self.validation_lines_.append(axv.plot(
                    np.arange(1, s.shape[0] + 1), s, ls="--",
                    color=line.get_color(), label=f"{label} (validation)")[0])
            axv.set_ylabel("validation score (dashed)")
        handles = self.lines_ + self.validation_lines_
        ax.legend(handles, [h.get_label() for h in handles], fontsize="small",
                  loc="center right")
        ax.set_title("Training curves by dropout setting")
        self.ax_, self.figure_ = ax, fig
        return self

    @classmethod
    def from_estimators(cls, estimators, labels=None, *, ax=None, **kwargs):
        """Plot fitted MLPs' ``loss_curve_`` (and ``validation_scores_``).

        Parameters
        ----------
        estimators : list of fitted MLPClassifier / MLPRegressor
            Fitted with an iterative solver ('sgd' or 'adam'), so that they
            have ``loss_curve_``.
        labels : list of str, default=None
            Default: each model's ``dropout_rate`` and ``dropout_mode``.
        ax : matplotlib Axes, default=None
            The axes to draw on; a new figure and axes when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : DropoutCurveDisplay
            The display, already drawn.
        """
        estimators = list(estimators)
        for est in estimators:
            if getattr(est, "loss_curve_", None) is None:
                raise ValueError(
                    f"{type(est).__name__} has no loss_curve_: fit it first, with "
                    "solver='sgd' or 'adam' (lbfgs records no curve)."
                )
        if labels is None:
            labels = [_default_label(est) for est in estimators]
        return cls(
            [est.loss_curve_ for est in estimators], list(labels),
            validation_scores=[getattr(est, "validation_scores_", None)
                               for est in estimators],
        ).plot(ax=ax, **kwargs)
