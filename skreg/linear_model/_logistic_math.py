"""The logistic objective in plain NumPy: loss, gradient, penalty, KKT.

Every solver of :mod:`skreg.linear_model._logistic_solvers` minimises the
*normalised* objective

    G(W, b) = sum_i s~_i loss(y_i, x_i W^T + b) + alpha * pen(W),
    pen(W)  = sum_k sum_j ((1 - l1_ratio) / 2 f2_j W_kj**2 + l1_ratio f1_j |W_kj|),

with s~ = s / sum(s) and alpha = 1 / (C * sum(s)).  G is scikit-learn's
objective ``C * sum_i s_i loss_i + pen(W)`` divided by ``C * sum(s)``, the
scale on which scikit-learn's lbfgs compares its gradient with ``tol``; so
``tol`` means the same in both libraries.  ``C = inf`` is ``alpha = 0``.
The penalty factors f2 = f1 = pf are glmnet's; solvers may also be handed a
pair (f2, f1) (the cd solver's rescaled problem, see ``_logistic``).

Binary problems have one row in W (``y`` in {0, 1}, loss = log(1 + e^eta) -
y eta); multinomial ones one row per class (loss = logsumexp(eta) - eta_y,
``y`` the integer class index).  The products ``X @ W.T`` run in X's dtype;
the per-sample vectors and the sums are float64.
"""

import numpy as np
from scipy.special import expit, log_expit

# The penalty's one owner (skreg/_objectives.py); re-exported under the names
# the logistic solvers use.  ``penalty_value(W, alpha, l1_ratio, pf)`` is
# alpha * pen(W) for W of shape (n_rows, n_features), pf as split_factors
# reads it (None, one array, or a pair (f2, f1)).
from skreg._objectives import enet_penalty as penalty_value
from skreg._objectives import split_factors

__all__ = [
    "kkt_violation",
    "objective",
    "penalty_value",
    "raw_predict",
    "smooth_grad",
    "split_factors",
]


def raw_predict(X, W, b):
    """eta = X W^T + b as float64, shape (n_samples, n_rows)."""
    eta = X @ np.asarray(W, dtype=X.dtype).T
    return np.asarray(eta, dtype=np.float64) + b


def binary_loss_terms(eta, y):
    """Per-sample binomial loss log(1 + e^eta) - y eta, stable for any eta."""
    return -log_expit(eta) + (1.0 - y) * eta


def _logsumexp_rows(eta):
    """log sum_k exp(eta_ik) per row, shifted by the row max (finite eta):
    scipy's logsumexp costs ~0.5 ms a call in checks, more than a small
    multinomial lbfgs iteration's BLAS work."""
    m = eta.max(axis=1)
    return m + np.log(np.exp(eta - m[:, None]).sum(axis=1))


def loss_and_residual(eta, y, sw, binary):
    """(:func:`data_loss`, :func:`residual`) from one pass of exponentials."""
    if binary:
        return data_loss(eta, y, sw, True), residual(eta, y, sw, True)
    m = eta.max(axis=1)
    E = np.exp(eta - m[:, None])
    s = E.sum(axis=1)
    rows = np.arange(eta.shape[0])
    loss = float(sw @ (m + np.log(s) - eta[rows, y]))
    E /= s[:, None]
    E[rows, y] -= 1.0
    return loss, E * sw[:, None]


def data_loss(eta, y, sw, binary):
    """sum_i s~_i loss_i."""
    if binary:
        return float(sw @ binary_loss_terms(eta[:, 0], y))
    lse = _logsumexp_rows(eta)
    return float(sw @ (lse - eta[np.arange(eta.shape[0]), y]))


def residual(eta, y, sw, binary):
    """d(sum s~ loss)/d eta: s~ (p - y), shape (n_samples, n_rows)."""
    if binary:
        return (sw * (expit(eta[:, 0]) - y))[:, None]
    p = np.exp(eta - _logsumexp_rows(eta)[:, None])
    p[np.arange(eta.shape[0]), y] -= 1.0
    return p * sw[:, None]


def objective(X, y, sw, W, b, alpha, l1_ratio, pf, binary):
    """G(W, b) of the module docstring."""
    eta = raw_predict(X, W, b)
    return data_loss(eta, y, sw, binary) + penalty_value(W, alpha, l1_ratio, pf)


def smooth_grad(X, R, W, alpha, l1_ratio, pf):
    """Gradient of the smooth part (data loss + L2) given the residual R."""
    G = np.asarray(X.T @ np.asarray(R, dtype=X.dtype), dtype=np.float64).T
    if alpha > 0 and l1_ratio < 1:
        G = G + alpha * (1.0 - l1_ratio) * split_factors(pf)[0] * W
    return G


def kkt_violation(X, y, sw, W, b, alpha, l1_ratio, pf, binary, fit_intercept,
                  eta=None, return_grad=False):
    """Largest distance of 0 to the subdifferential of G, over all coordinates.

    For W_kj != 0 it is |g_kj + alpha l1_ratio pf_j sign(W_kj)|, for W_kj = 0
    it is max(|g_kj| - alpha l1_ratio pf_j, 0) (g the smooth gradient), and
    |dG/db| for the intercepts.  Zero exactly at the minimum.  ``eta`` may be
    passed when known; ``return_grad`` also returns the smooth gradient.
    """
    if eta is None:
        eta = raw_predict(X, W, b)
    R = residual(eta, y, sw, binary)
    g = smooth_grad(X, R, W, alpha, l1_ratio, pf)
    lam = alpha * l1_ratio * split_factors(pf)[1] * np.ones(W.shape[1])
    viol = np.where(W != 0, np.abs(g + lam * np.sign(W)),
                    np.maximum(np.abs(g) - lam, 0.0))
    worst = float(viol.max()) if viol.size else 0.0
    if fit_intercept:
        worst = max(worst, float(np.abs(R.sum(axis=0)).max()))
    return (worst, g) if return_grad else worst
