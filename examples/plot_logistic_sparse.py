"""
=====================================================
Sparse logistic regression: its path and its CV curve
=====================================================

An elastic-net / L1 classifier of the breast-cancer data (scikit-learn's
bundled copy, standardized): :class:`~skreg.LogisticRegressionCV` with
skreg's ``solver='cd'`` (proximal Newton with coordinate descent on working
sets) chooses C and l1_ratio on warm-started paths, and adds ``C_1se_``,
the smallest C whose mean CV score is within one standard error of the
best (glmnet's lambda.1se for classification): a sparser model at a
statistically indistinguishable score.  The printout puts ``C_``, ``C_1se_``, the
number of non-zero coefficients and the test accuracy beside
scikit-learn's ``LogisticRegression(solver='saga')`` at the same (C,
l1_ratio), for reference.

The figure, written to a PNG (``--out``) when matplotlib is installed,
draws the coefficient path over the CV grid of C
(:class:`skreg.plotting.RegularizationPathDisplay`) and the CV curve with
its one-SE band (:class:`skreg.plotting.CVCurveDisplay`)::

    python examples/plot_logistic_sparse.py --out logistic_sparse.png
"""

import argparse
import time
import warnings

import numpy as np
from sklearn import linear_model as sk
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.preprocessing import StandardScaler

from skreg import LogisticRegression, LogisticRegressionCV


def main(out="logistic_sparse.png"):
    data = load_breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.3, stratify=data.target, random_state=0)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    names = list(data.feature_names)

    t0 = time.perf_counter()
    cv = LogisticRegressionCV(
        Cs=np.logspace(-2.5, 2, 30), l1_ratios=(0.5, 0.9, 1.0), solver="cd",
        cv=StratifiedKFold(5, shuffle=True, random_state=0), scoring="neg_log_loss",
        use_legacy_attributes=False,
    ).fit(X_train, y_train)
    t_cv = time.perf_counter() - t0
    sparse = LogisticRegression(C=cv.C_1se_, l1_ratio=cv.l1_ratio_,
                                solver="cd").fit(X_train, y_train)
    print(f"LogisticRegressionCV(solver='cd'), 3 l1_ratios x 30 Cs x 5 folds: "
          f"{t_cv:.2f} s")
    print(f"chosen: C_={cv.C_:.4g}, l1_ratio_={cv.l1_ratio_:g}, C_1se_={cv.C_1se_:.4g}")

    warnings.simplefilter("ignore", ConvergenceWarning)
    t0 = time.perf_counter()
    ref = sk.LogisticRegression(C=cv.C_, l1_ratio=cv.l1_ratio_, solver="saga",
                                tol=1e-6, max_iter=10000).fit(X_train, y_train)
    t_ref = time.perf_counter() - t0
    rows = [("skreg cd, C_", cv), ("skreg cd, C_1se_", sparse),
            (f"scikit-learn saga, C_ ({t_ref:.2f} s)", ref)]
    for label, model in rows:
        print(f"{label:<34} nnz={np.count_nonzero(model.coef_):2d}/{X_train.shape[1]}"
              f"  test accuracy={accuracy_score(y_test, model.predict(X_test)):.3f}")
    print(f"max |coef_ - saga's coef_| at C_: {np.abs(cv.coef_ - ref.coef_).max():.1e}")
    dropped = [names[j] for j in np.flatnonzero(sparse.coef_[0] == 0)]
    print(f"features dropped at C_1se_: {', '.join(dropped)}")

    try:
        import matplotlib
    except ImportError:
        print("matplotlib is not installed: no figure (pip install 'skreg[plot]').")
        return cv, sparse
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skreg.plotting import CVCurveDisplay, RegularizationPathDisplay

    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    RegularizationPathDisplay.from_estimator(cv, X_train, y_train, ax=axes[0])
    CVCurveDisplay.from_estimator(cv, ax=axes[1], show_folds=True)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    print(f"wrote {out}")
    return cv, sparse


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip("\n=").split("\n")[0])
    parser.add_argument("--out", default="logistic_sparse.png")
    main(parser.parse_args().out)
