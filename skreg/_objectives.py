"""The mathematics of the linear models, in plain NumPy.

One owner for the least-squares datafit, the L1 / L2 / elastic-net penalties
and the duality gap, on scikit-learn's scale:

    P(w, b) = 1/(2 n) sum_i s_i (y_i - x_i @ w - b)^2
              + alpha * l1_ratio * sum_j pf_j |w_j|
              + alpha * (1 - l1_ratio) / 2 * ||w||_2^2

with sample weights s (scaled to sum to n, as scikit-learn does) and penalty
factors pf.  Nothing here is fast; it is the oracle the compiled kernels and
the tests are held against.
"""

import numpy as np

__all__ = [
    "soft_threshold",
    "enet_penalty",
    "enet_objective",
    "alpha_max",
    "enet_duality_gap",
    "enet_kkt_violation",
]


def soft_threshold(z, t):
    """Proximal operator of t * |.|: sign(z) * max(|z| - t, 0)."""
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def _weights(sample_weight, n):
    if sample_weight is None:
        return np.ones(n)
    s = np.asarray(sample_weight, dtype=np.float64)
    return s * (n / s.sum())


def _pf(penalty_factor, p):
    return np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, float)


def enet_penalty(w, alpha, l1_ratio=1.0, penalty_factor=None):
    """alpha * (l1_ratio * sum pf |w| + (1 - l1_ratio) / 2 * ||w||^2)."""
    w = np.asarray(w, dtype=np.float64)
    pf = _pf(penalty_factor, w.shape[0])
    l1 = np.sum(pf[w != 0] * np.abs(w[w != 0]))
    return alpha * (l1_ratio * l1 + 0.5 * (1.0 - l1_ratio) * (w @ w))


def _residual(X, y, w, b):
    return np.asarray(y, dtype=np.float64) - (X @ np.asarray(w, np.float64)) - b


def enet_objective(X, y, w, b, alpha, l1_ratio=1.0, sample_weight=None,
                   penalty_factor=None):
    """The primal objective P(w, b) on scikit-learn's scale."""
    n = X.shape[0]
    s = _weights(sample_weight, n)
    r = _residual(X, y, w, b)
    return (s @ r**2) / (2 * n) + enet_penalty(w, alpha, l1_ratio, penalty_factor)


def _centred_correlation(X, y, fit_intercept, sample_weight):
    """|x~_j^T S y~| for every feature (no copy of X)."""
    n = X.shape[0]
    s = _weights(sample_weight, n)
    y = np.asarray(y, dtype=np.float64)
    if fit_intercept:
        y = y - np.average(y, weights=s)
        x_mean = np.asarray(X.T @ s).ravel() / s.sum()
        return X.T @ (s * y) - x_mean * np.sum(s * y)
    return X.T @ (s * y)


def alpha_max(X, y, l1_ratio=1.0, fit_intercept=True, sample_weight=None,
              penalty_factor=None, positive=False):
    """The smallest alpha for which the solution is w = 0.

    max_j |x~_j^T S y~| / (n * l1_ratio * pf_j) over penalised features
    (signed for ``positive``); x~, y~ centred when fitting an intercept.
    Features with pf_j = 0 are ignored: they enter the model at every alpha.
    """
    n, p = X.shape
    pf = _pf(penalty_factor, p)
    c = np.asarray(_centred_correlation(X, y, fit_intercept, sample_weight)).ravel()
    if not positive:
        c = np.abs(c)
    mask = pf > 0
    if not np.any(mask):
        return 0.0
    return max(0.0, np.max(c[mask] / pf[mask])) / (n * l1_ratio)


def enet_duality_gap(X, y, w, b, alpha, l1_ratio=1.0, sample_weight=None,
                     penalty_factor=None, positive=False):
    """Duality gap at (w, b) from the rescaled residual dual point.

    The dual point is theta = scale * S R / n with the scale that makes
    theta feasible (|x_j^T theta| <= alpha l1_ratio pf_j), the L2 part of the
    ElasticNet folded into an augmented design.  Returns the gap on
    scikit-learn's scale (its ``dual_gap_``).  Intercept: the residual is
    centred (its weighted sum is zero at the optimal b).
    """
    n = X.shape[0]
    s = _weights(sample_weight, n)
    w = np.asarray(w, dtype=np.float64)
    pf = _pf(penalty_factor, w.shape[0])
    l1_reg, l2_reg = alpha * l1_ratio * n, alpha * (1 - l1_ratio) * n
    r = _residual(X, y, w, b)
    R_norm2 = s @ r**2
    Ry = (s * r) @ (np.asarray(y, np.float64) - b)
    XtA = np.asarray(X.T @ (s * r)).ravel() - l2_reg * w
    v = XtA if positive else np.abs(XtA)
    mask = pf > 0
    dual_norm = np.max(v[mask] / pf[mask]) if np.any(mask) else 0.0
    scale = l1_reg / dual_norm if dual_norm > l1_reg else 1.0
    l2 = w @ w
    l1 = np.sum(pf[w != 0] * np.abs(w[w != 0]))
    primal = 0.5 * (R_norm2 + l2_reg * l2) + l1_reg * l1
    dual = -0.5 * scale**2 * (R_norm2 + l2_reg * l2) + scale * Ry
    return (primal - dual) / n


def enet_kkt_violation(X, y, w, b, alpha, l1_ratio=1.0, sample_weight=None,
                       penalty_factor=None, positive=False):
    """Largest violation of the optimality (KKT) conditions, scikit-learn scale.

    With g = X^T S (y - X w - b) / n - alpha (1 - l1_ratio) w:
    g_j = alpha l1_ratio pf_j sign(w_j) where w_j != 0 and
    |g_j| <= alpha l1_ratio pf_j where w_j = 0 (g_j <= ... when positive).
    """
    n = X.shape[0]
    s = _weights(sample_weight, n)
    w = np.asarray(w, dtype=np.float64)
    pf = _pf(penalty_factor, w.shape[0])
    r = _residual(X, y, w, b)
    g = np.asarray(X.T @ (s * r)).ravel() / n - alpha * (1 - l1_ratio) * w
    lam = alpha * l1_ratio * pf
    nz = w != 0
    viol = np.zeros_like(g)
    viol[nz] = np.abs(g[nz] - lam[nz] * np.sign(w[nz]))
    if positive:
        viol[~nz] = np.maximum(g[~nz] - lam[~nz], 0.0)
    else:
        viol[~nz] = np.maximum(np.abs(g[~nz]) - lam[~nz], 0.0)
    return float(np.max(viol)) if viol.size else 0.0
