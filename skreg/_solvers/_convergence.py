"""What every coordinate-descent kernel returns, and its warning."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skreg.utils import user_stacklevel


def kernel_result(w, gap, tol_abs, epoch, converged):
    """(w, gap, tol_abs, n_iter), warning as scikit-learn does if not converged."""
    if not converged:
        warnings.warn(
            "Objective did not converge. You might want to increase the number "
            "of iterations, check the scale of the features or consider "
            f"increasing regularisation. Duality gap: {gap:.3e}, "
            f"tolerance: {tol_abs:.3e}",
            ConvergenceWarning, stacklevel=user_stacklevel(),
        )
    return np.asarray(w), float(gap), float(tol_abs), int(epoch)
