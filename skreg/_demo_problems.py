"""The demo's problems and its yardstick.

Data bundled with scikit-learn or generated here (seeded, nothing is
downloaded), and :func:`relative_duality_gap`, the accuracy check that
both libraries' results are judged by: it is computed from the returned
coefficients alone, independently of either library's solver.
"""

from functools import cache

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, make_regression


# --------------------------------------------------------------------------
# data: bundled with scikit-learn, or generated here (seeded)
# --------------------------------------------------------------------------
@cache
def _load(name):
    """(X, y) of a demo problem; dense arrays Fortran-ordered.  Cached."""
    if name == "diabetes":
        X, y = load_diabetes(return_X_y=True)
    elif name == "digits":
        X, y = load_digits(return_X_y=True)
        X = X / 16.0
    elif name == "breast-cancer":
        X, y = load_breast_cancer(return_X_y=True)
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    elif name == "multitask":
        X, y = make_regression(n_samples=200, n_features=30, n_informative=5,
                               n_targets=3, noise=10.0, random_state=0)
    elif name == "leukemia-like":
        X, y = _leukemia_like()
    elif name == "text-like":
        X, y = _text_like()
    else:
        raise ValueError(f"unknown demo dataset {name!r}")
    if not sp.issparse(X):
        X = np.asfortranarray(X)
    return X, y


DATA_SHAPES = {"diabetes": "442x10", "digits": "1797x64", "breast-cancer": "569x30",
               "multitask": "200x30, 3 targets"}


def _leukemia_like(n=72, p=7129, seed=0):
    """A wide, strongly correlated design of the leukemia data's size.

    Three latent factors plus noise give columns correlated as gene
    expressions are; columns standardised; y = +-1 from 10 true genes.
    """
    rng = np.random.default_rng(seed)
    X = (rng.standard_normal((n, 3)) @ rng.standard_normal((3, p))
         + 0.35 * rng.standard_normal((n, p)))
    X -= X.mean(axis=0)
    X /= X.std(axis=0)
    w = np.zeros(p)
    w[rng.choice(p, 10, replace=False)] = rng.choice([-1.0, 1.0], 10)
    score = X @ w + 0.5 * np.std(X @ w) * rng.standard_normal(n)
    return X, np.where(score > np.median(score), 1.0, -1.0)


def _text_like(n=2000, p=20000, density=0.003, seed=1):
    """A sparse (CSC) tf-idf-like design: Zipf document frequencies,
    (1 + log tf) * idf values, rows L2-normalised; 50 true terms, SNR 3."""
    rng = np.random.default_rng(seed)
    zipf = 1.0 / (np.arange(p) + 2.7) ** 1.1
    df = np.clip(np.ceil(zipf * density * n * p / zipf.sum()), 1, n).astype(int)
    df = df[rng.permutation(p)]
    cols = np.repeat(np.arange(p), df)
    rows = rng.integers(0, n, cols.size)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    vals = (1.0 + np.log1p(rng.poisson(0.6, cols.size))) * idf[cols]
    X = sp.csc_matrix((vals, (rows, cols)), shape=(n, p))   # duplicates summed
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    X = sp.csc_matrix(sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ X)
    X.sort_indices()
    w = np.zeros(p)
    terms = rng.choice(np.flatnonzero(df >= 10), 50, replace=False)
    w[terms] = rng.choice([-1.0, 1.0], 50) * rng.uniform(1.0, 3.0, 50)
    Xw = X @ w
    noise = rng.standard_normal(n)
    return X, Xw + noise * np.linalg.norm(Xw) / (3.0 * np.linalg.norm(noise))


# --------------------------------------------------------------------------
# the yardstick: a duality gap computed here, from the returned coefficients
# --------------------------------------------------------------------------
def relative_duality_gap(X, y, w, b=0.0, alpha=1.0, l1_ratio=1.0, fit_intercept=True):
    """Duality gap of the elastic-net objective at (w, b), relative to P(0).

    Primal: P(w, b) = 1/(2n) ||y - Xw - b||^2 + alpha l1_ratio ||w||_1
    + alpha (1 - l1_ratio) ||w||^2 / 2.  Dual (Fenchel, exact conjugate of
    the penalty; sum(u) = 0 with an intercept):
    D(u) = u.y - n/2 ||u||^2 - sum_j max(|x_j.u| - l1, 0)^2 / (2 l2), and for
    the Lasso (l2 = 0) the constraint |x_j.u| <= l1.  u is the centered
    residual / n, rescaled by the best scalar s.  Returns (P - D) / P0,
    P0 = P(0, mean(y)), an upper bound on the relative suboptimality.
    It reads nothing from either library's solver.
    """
    n = X.shape[0]
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float).ravel()
    l1, l2 = alpha * l1_ratio, alpha * (1.0 - l1_ratio)
    r = y - np.asarray(X @ w).ravel() - (float(b) if fit_intercept else 0.0)
    primal = r @ r / (2 * n) + l1 * np.abs(w).sum() + 0.5 * l2 * (w @ w)
    yc = y - y.mean() if fit_intercept else y
    p0 = yc @ yc / (2 * n)
    u = (r - r.mean() if fit_intercept else r) / n
    v = np.abs(np.asarray(X.T @ u).ravel())
    a, q = u @ y, u @ u
    if q == 0.0:
        dual = 0.0
    elif l2 == 0.0:
        s = float(np.clip(a / (n * q), 0.0, l1 / v.max() if v.max() > 0 else np.inf))
        dual = s * a - 0.5 * n * s * s * q
    else:
        def D(s):
            excess = np.maximum(s * v - l1, 0.0)
            return s * a - 0.5 * n * s * s * q - excess @ excess / (2 * l2)
        s = minimize_scalar(lambda s: -D(s), bounds=(0.0, 2.0), method="bounded",
                            options={"xatol": 1e-12}).x
        dual = max(D(1.0), D(s), 0.0)
    return float((primal - dual) / p0)
