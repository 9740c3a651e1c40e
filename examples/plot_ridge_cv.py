"""
==================================================
Choosing the ridge penalty by leave-one-out (LOO)
==================================================

:class:`skreg.RidgeCV` computes the exact leave-one-out error of every
candidate ``alpha`` from ONE eigendecomposition of the centered design, so a
fine grid of 100 alphas costs about as much as a few plain fits.  This script
checks the LOO curve against brute-force refits on a few alphas, compares
the chosen alpha with 5-fold CV, and plots the curve (headless; the figure
is written to the temporary directory when matplotlib is installed).
"""

import os
import tempfile
import time

import numpy as np
from sklearn.datasets import load_diabetes

from skreg import Ridge, RidgeCV

X, y = load_diabetes(return_X_y=True)
alphas = np.logspace(-4, 2, 100)

t0 = time.perf_counter()
loo = RidgeCV(alphas=alphas, store_cv_results=True).fit(X, y)
t_loo = time.perf_counter() - t0
mse = loo.cv_results_.mean(axis=0)  # per-alpha LOO mean squared error
print(f"LOO over {alphas.size} alphas: {t_loo * 1e3:.1f} ms, "
      f"alpha_={loo.alpha_:.4g}, LOO MSE={-loo.best_score_:.2f}")

# brute force on three alphas: n refits, each leaving one sample out
for k in [0, 50, 99]:
    err = np.empty(len(y))
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        m = Ridge(alpha=alphas[k]).fit(X[keep], y[keep])
        err[i] = (y[i] - m.predict(X[i:i + 1])[0]) ** 2
    print(f"  alpha={alphas[k]:.3g}: closed-form LOO MSE {mse[k]:.4f}, "
          f"brute force {err.mean():.4f}")

kfold = RidgeCV(alphas=alphas, cv=5, scoring="neg_mean_squared_error").fit(X, y)
print(f"5-fold CV: alpha_={kfold.alpha_:.4g}, MSE={-kfold.best_score_:.2f}")

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:  # pragma: no cover
    plt = None
if plt is not None:
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.semilogx(alphas, mse, label="leave-one-out MSE")
    ax.axvline(loo.alpha_, ls="--", c="k", label=f"alpha_ = {loo.alpha_:.3g}")
    ax.set_xlabel("alpha")
    ax.set_ylabel("mean squared error")
    ax.legend()
    fig.tight_layout()
    out = os.path.join(tempfile.gettempdir(), "skreg_ridge_cv_loo.png")
    fig.savefig(out, dpi=80)
    print(f"figure written to {out}")
