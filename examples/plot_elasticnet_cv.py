"""
===============================================
Choosing alpha and l1_ratio by cross-validation
===============================================

Fits skreg's :class:`~skreg.ElasticNetCV` and scikit-learn's on the same 5
splits, shows that they choose the same (alpha, l1_ratio), and adds what
scikit-learn lacks: ``alpha_1se_`` (the sparser model within one standard
error of the best, glmnet's lambda.1se) and ``scoring`` (here the mean
absolute error, still along the warm-started paths).  Draws the CV curves
with :class:`skreg.plotting.CVCurveDisplay` into a PNG (``--out``) when
matplotlib is installed::

    python examples/plot_elasticnet_cv.py --out elasticnet_cv.png
"""

import argparse
import time
import warnings

import numpy as np
from sklearn import linear_model as sk
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold

from skreg import ElasticNet, ElasticNetCV


def main(out="elasticnet_cv.png"):
    X, y = load_diabetes(return_X_y=True)
    cv = KFold(5, shuffle=True, random_state=0)
    l1_ratio = [0.1, 0.5, 0.7, 0.9, 0.95, 1.0]
    warnings.simplefilter("ignore", ConvergenceWarning)

    t0 = time.perf_counter()
    ours = ElasticNetCV(l1_ratio=l1_ratio, cv=cv).fit(X, y)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = sk.ElasticNetCV(l1_ratio=l1_ratio, cv=cv).fit(X, y)
    t_sk = time.perf_counter() - t0
    print(f"skreg        alpha_={ours.alpha_:.5g} l1_ratio_={ours.l1_ratio_:g} "
          f"({t_ours:.2f} s)")
    print(f"scikit-learn alpha_={ref.alpha_:.5g} l1_ratio_={ref.l1_ratio_:g} "
          f"({t_sk:.2f} s)")
    assert np.isclose(ours.alpha_, ref.alpha_) and ours.l1_ratio_ == ref.l1_ratio_

    sparse = ElasticNet(alpha=ours.alpha_1se_, l1_ratio=ours.l1_ratio_).fit(X, y)
    print(f"alpha_1se_={ours.alpha_1se_:.4g}: {np.sum(sparse.coef_ != 0)} non-zeros "
          f"instead of {np.sum(ours.coef_ != 0)}")
    mae = ElasticNetCV(l1_ratio=l1_ratio, cv=cv,
                       scoring="neg_mean_absolute_error").fit(X, y)
    print(f"choosing by mean absolute error: alpha_={mae.alpha_:.4g}, "
          f"l1_ratio_={mae.l1_ratio_:g}")

    try:
        import matplotlib
    except ImportError:
        print("matplotlib is not installed: no figure (pip install 'skreg[plot]').")
        return ours
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skreg.plotting import CVCurveDisplay

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    CVCurveDisplay.from_estimator(ours, ax=axes[0], show_folds=True)
    CVCurveDisplay.from_estimator(mae, ax=axes[1])
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    print(f"wrote {out}")
    return ours


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip("\n=").split("\n")[0])
    parser.add_argument("--out", default="elasticnet_cv.png")
    main(parser.parse_args().out)
