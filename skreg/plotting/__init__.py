"""Plots in scikit-learn's Display style; matplotlib is optional (``skreg[plot]``).

Importing this module never needs matplotlib; drawing does, and says so.

- :class:`RegularizationPathDisplay`: coefficients against alpha (glmnet's plot).
- :class:`CVCurveDisplay`: the mean CV error with its one-SE band, alpha_ and alpha_1se_.
- :class:`DropoutCurveDisplay`: MLP loss curves for several dropout rates / modes.
"""

from skreg.plotting._cv_curve import CVCurveDisplay
from skreg.plotting._dropout import DropoutCurveDisplay
from skreg.plotting._path import RegularizationPathDisplay

__all__ = ["CVCurveDisplay", "DropoutCurveDisplay", "RegularizationPathDisplay"]
