"""The mathematics of the linear models, in plain NumPy.

One owner for the least-squares datafit, the elastic-net penalty, alpha_max
and the duality gap, on scikit-learn's scale:

    P(w, b) = 1/(2 n) sum_i s_i (y_i - x_i @ w - b)^2
              + alpha * sum_j pf_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)

with sample weights s (scaled to sum to n, as scikit-learn does) and
glmnet's penalty factors pf, which multiply feature j's whole penalty
(pf_j = 0: unpenalised; pf_j = inf: excluded, w_j = 0).

This module is the one owner of each formula the packages share: the
estimators and paths take :func:`normalize_weights` and
:func:`alpha_max_from_correlation` from here, the networks
:func:`enet_penalty`, and so does the logistic objective
(``linear_model/_logistic_math.py`` imports :func:`enet_penalty` and
:func:`split_factors`); ``tests/test_layout.py`` checks that the names are
defined here only.
The rest is the oracle the compiled kernels and the tests are held against.
The compiled kernels keep their ``nogil`` inline versions of the same
formulas (``skreg/_solvers/*.pxd``): those are the core's.  Only the
network's penalty is written for speed here; the rest is not fast.
"""

import numpy as np
import scipy.sparse as sp
from scipy.optimize import nnls

__all__ = [
    "soft_threshold",
    "normalize_weights",
    "split_factors",
    "enet_penalty",
    "enet_objective",
    "alpha_max",
    "alpha_max_from_correlation",
    "unpenalised_fit",
    "unpenalised_correlation",
    "enet_duality_gap",
    "enet_kkt_violation",
]


def soft_threshold(z, t):
    """Proximal operator of t * |.|: sign(z) * max(|z| - t, 0)."""
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def normalize_weights(sample_weight, n_samples):
    """Sample weights rescaled to sum to n_samples (scikit-learn's convention).

    This keeps alpha on the same scale with and without weights.  The dtype
    of ``sample_weight`` is kept; None stays None.
    """
    if sample_weight is None:
        return None
    total = sample_weight.sum()
    if not total > 0:
        raise ValueError("sample_weight must have a positive sum.")
    return sample_weight * (n_samples / total)


def _weights(sample_weight, n):
    if sample_weight is None:
        return np.ones(n)
    return normalize_weights(np.asarray(sample_weight, dtype=np.float64), n)


def _pf(penalty_factor, p):
    return np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, float)


def _pf_times(pf, v):
    """pf * v with an excluded feature (pf = inf) contributing 0 where v = 0."""
    return np.where(v == 0, 0.0, pf * v)


def split_factors(penalty_factor):
    """(L2 factors, L1 factors) of a penalty factor.

    ``None`` (all ones), one array pf (glmnet's: it multiplies both parts),
    or a pair (f2, f1), each None or an array (the logistic cd solver's
    rescaled problem penalizes the two parts differently).
    """
    if penalty_factor is None:
        return 1.0, 1.0
    if isinstance(penalty_factor, tuple):
        return tuple(1.0 if f is None else f for f in penalty_factor)
    return penalty_factor, penalty_factor


def enet_penalty(w, alpha, l1_ratio=1.0, penalty_factor=None, *, grad=None, work=None):
    """alpha * sum_j (l1_ratio f1_j |w_j| + (1 - l1_ratio) / 2 f2_j w_j^2).

    The one elastic-net penalty value of skreg: the linear models' (w of
    shape (n_features,), or (n_rows, n_features) with a row per class, the
    sum running over the rows too), the logistic objective's and the
    network's (its flat weight vector, with ``alpha / sum(s)``).

    ``penalty_factor`` is read by :func:`split_factors`; a factor inf with
    w_j = 0 (an excluded feature) contributes 0.  ``grad`` (same shape and
    dtype as a flat ``w``, no factors): alpha times the subgradient, with
    sign(0) = 0, is added to it in place, using ``work`` (like ``w``) as
    scratch space when given.

    Two summations, one formula: a flat ``w`` without factors is summed in
    its own dtype by einsum (float32 weights stay float32, no temporary the
    size of ``w`` but ``work``; einsum rather than a BLAS dot, see
    ``neural_network._optimizers`` on threaded level-1 BLAS); otherwise in
    float64, over the rows per feature and then weighted by the factors.
    The compiled kernels keep their own ``nogil`` inline copy of the value
    (``_solvers/_penalty_enet.pxd``, ``_penalty_l21.pxd``): the core's,
    held against this one by the tests.
    """
    if alpha == 0.0:
        return 0.0
    w = np.asarray(w)
    if penalty_factor is not None or w.ndim != 1:
        if grad is not None:
            raise ValueError("grad is computed for a flat w without penalty factors only.")
        f2, f1 = split_factors(penalty_factor)
        W = np.asarray(w, dtype=np.float64)
        W = W.reshape(-1, W.shape[-1])
        sq = _pf_times(f2, (W**2).sum(axis=0)).sum()
        ab = _pf_times(f1, np.abs(W).sum(axis=0)).sum()
        return float(alpha * (0.5 * (1.0 - l1_ratio) * sq + l1_ratio * ab))
    value = 0.0
    if grad is not None and work is None:
        work = np.empty_like(w)
    if l1_ratio < 1.0:
        value += 0.5 * (1.0 - l1_ratio) * float(np.einsum("i,i->", w, w))
        if grad is not None:
            grad += np.multiply(w, alpha * (1.0 - l1_ratio), out=work)
    if l1_ratio > 0.0:
        if grad is not None:
            np.sign(w, out=work)
            value += l1_ratio * float(np.einsum("i,i->", work, w))   # |w|_1
            grad += np.multiply(work, alpha * l1_ratio, out=work)
        else:
            value += l1_ratio * float(np.abs(w).sum())
    return alpha * value


def _residual(X, y, w, b):
    return np.asarray(y, dtype=np.float64) - (X @ np.asarray(w, np.float64)) - b


def enet_objective(X, y, w, b, alpha, l1_ratio=1.0, sample_weight=None,
                   penalty_factor=None):
    """The primal objective P(w, b) on scikit-learn's scale."""
    n = X.shape[0]
    s = _weights(sample_weight, n)
    r = _residual(X, y, w, b)
    w = np.asarray(w, dtype=np.float64)
    return (s @ r**2) / (2 * n) + enet_penalty(w, alpha, l1_ratio, penalty_factor)


def _correlation(X, v, X_mean, s):
    """x~_j^T S v for every feature, x~ = x - X_mean (None: no centering)."""
    sv = v if s is None else s * v
    c = np.asarray(X.T @ sv, dtype=np.float64).ravel()
    if X_mean is not None:
        c = c - np.asarray(X_mean, dtype=np.float64) * np.sum(sv)
    return c


def unpenalised_fit(X, y, X_mean, sample_weight, penalty_factor, positive=False):
    """The solution above alpha_max: w_j = 0 where pf_j > 0, least squares elsewhere.

    glmnet's rule: the features with pf_j = 0 are in the model at every
    alpha, so the solution at alpha_max (and above) is their (weighted,
    centered; non-negative if ``positive``) least-squares fit.  ``y`` must be
    centered like X (``X_mean``).  Only those columns are densified, never X.
    Returns (w of shape (n_features,), the residual r0 = y~ - X~ w).
    """
    y = np.asarray(y, dtype=np.float64)
    w = np.zeros(X.shape[1])
    pf = None if penalty_factor is None else np.asarray(penalty_factor, np.float64)
    idx = np.array([], dtype=int) if pf is None else np.flatnonzero(pf == 0)
    if not idx.size:
        return w, y
    Z = X[:, idx]
    Z = np.asarray(Z.toarray() if sp.issparse(Z) else Z, dtype=np.float64)
    if X_mean is not None:
        Z = Z - np.asarray(X_mean, dtype=np.float64)[idx]
    sq = (np.ones_like(y) if sample_weight is None
          else np.sqrt(np.asarray(sample_weight, dtype=np.float64)))
    A, t = Z * sq[:, None], y * sq
    w[idx] = nnls(A, t)[0] if positive else np.linalg.lstsq(A, t, rcond=None)[0]
    return w, y - Z @ w[idx]


def unpenalised_correlation(X, y, X_mean, sample_weight, penalty_factor,
                            positive=False):
    """x~_j^T S r0, r0 the residual of :func:`unpenalised_fit` (y~ if none)."""
    _, r0 = unpenalised_fit(X, y, X_mean, sample_weight, penalty_factor, positive)
    s = None if sample_weight is None else np.asarray(sample_weight, np.float64)
    return _correlation(X, r0, X_mean, s)


def alpha_max_from_correlation(Xy, n_samples, l1_ratio=1.0, penalty_factor=None,
                               positive=False):
    """max_j ||Xy_j|| / (n * l1_ratio * pf_j) over penalised features.

    ``Xy`` (n_features,) or (n_features, n_targets) holds x~_j^T S r0
    (:func:`unpenalised_correlation`); signed (the largest) for ``positive``.
    Unpenalised features (pf_j = 0) are left out, excluded ones (inf) give 0.
    """
    Xy = np.asarray(Xy, dtype=np.float64)
    if Xy.ndim == 1:
        Xy = Xy[:, None]
    c = np.max(Xy, axis=1) if positive else np.sqrt(np.sum(Xy**2, axis=1))
    if penalty_factor is not None:
        pf = np.asarray(penalty_factor, dtype=np.float64)
        c = np.where(pf > 0, c / np.where(pf > 0, pf, 1.0), 0.0)
    if not c.size:
        return 0.0
    return max(0.0, float(np.max(c))) / (n_samples * l1_ratio)


def alpha_max(X, y, l1_ratio=1.0, fit_intercept=True, sample_weight=None,
              penalty_factor=None, positive=False):
    """The smallest alpha for which every penalised coefficient is 0.

    glmnet's rule: max_j |x~_j^T S r0| / (n * l1_ratio * pf_j) over penalised
    features, r0 the residual of the least-squares fit of the unpenalised
    features (y~ itself if there are none); x~, y~ centered when fitting an
    intercept.
    """
    n = X.shape[0]
    s = _weights(sample_weight, n)
    y = np.asarray(y, dtype=np.float64)
    X_mean = None
    if fit_intercept:
        y = y - np.average(y, weights=s)
        X_mean = np.asarray(X.T @ s).ravel() / s.sum()
    Xy = unpenalised_correlation(X, y, X_mean, s, penalty_factor, positive)
    return alpha_max_from_correlation(Xy, n, l1_ratio, penalty_factor, positive)


def enet_duality_gap(X, y, w, b, alpha, l1_ratio=1.0, sample_weight=None,
                     penalty_factor=None, positive=False):
    """Duality gap at (w, b) from the rescaled residual dual point.

    The dual point is theta = scale * S R / n with the scale that makes
    theta feasible (|x_j^T theta - l2 pf_j w_j| <= alpha l1_ratio pf_j), the
    L2 part folded into an augmented design [X; sqrt(l2 pf) I].  Returns the
    gap on scikit-learn's scale (its ``dual_gap_``), for problems whose
    features are all penalised.  Intercept: the residual is centered (its
    weighted sum is zero at the optimal b).
    """
    n = X.shape[0]
    s = _weights(sample_weight, n)
    w = np.asarray(w, dtype=np.float64)
    pf = _pf(penalty_factor, w.shape[0])
    l1_reg, l2_reg = alpha * l1_ratio * n, alpha * (1 - l1_ratio) * n
    r = _residual(X, y, w, b)
    R_norm2 = s @ r**2
    Ry = (s * r) @ (np.asarray(y, np.float64) - b)
    XtA = np.asarray(X.T @ (s * r)).ravel() - l2_reg * _pf_times(pf, w)
    v = XtA if positive else np.abs(XtA)
    mask = pf > 0
    dual_norm = np.max(v[mask] / pf[mask]) if np.any(mask) else 0.0
    scale = l1_reg / dual_norm if dual_norm > l1_reg else 1.0
    l2 = np.sum(_pf_times(pf, w**2))
    l1 = np.sum(_pf_times(pf, np.abs(w)))
    primal = 0.5 * (R_norm2 + l2_reg * l2) + l1_reg * l1
    dual = -0.5 * scale**2 * (R_norm2 + l2_reg * l2) + scale * Ry
    return (primal - dual) / n


def enet_kkt_violation(X, y, w, b, alpha, l1_ratio=1.0, sample_weight=None,
                       penalty_factor=None, positive=False):
    """Largest violation of the optimality (KKT) conditions, scikit-learn scale.

    With g_j = x_j^T S (y - X w - b) / n - alpha (1 - l1_ratio) pf_j w_j and
    lam_j = alpha l1_ratio pf_j: g_j = lam_j sign(w_j) where w_j != 0 and
    |g_j| <= lam_j where w_j = 0 (g_j <= lam_j when positive).  Excluded
    features (pf_j = inf) must be 0 and have no condition otherwise.
    """
    n = X.shape[0]
    s = _weights(sample_weight, n)
    w = np.asarray(w, dtype=np.float64)
    pf = _pf(penalty_factor, w.shape[0])
    r = _residual(X, y, w, b)
    g = np.asarray(X.T @ (s * r)).ravel() / n - alpha * (1 - l1_ratio) * _pf_times(pf, w)
    lam = alpha * l1_ratio * pf
    nz = w != 0
    viol = np.zeros_like(g)
    viol[nz] = np.abs(g[nz] - lam[nz] * np.sign(w[nz]))
    excluded = np.isinf(pf)
    viol[nz & excluded] = np.inf
    free = ~nz & ~excluded
    if positive:
        viol[free] = np.maximum(g[free] - lam[free], 0.0)
    else:
        viol[free] = np.maximum(np.abs(g[free]) - lam[free], 0.0)
    return float(np.max(viol)) if viol.size else 0.0
