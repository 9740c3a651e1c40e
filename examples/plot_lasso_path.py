"""
==========================================
Lasso and elastic-net regularization paths
==========================================

Computes the Lasso path of the diabetes data with skreg's warm-started
coordinate descent, checks it against scikit-learn's ``lasso_path`` on the
same grid, and draws it with :class:`skreg.plotting.RegularizationPathDisplay`
(glmnet's coefficient plot) next to an elastic-net path.  Headless: the
figure is written to a PNG (``--out``), and skipped with a message when
matplotlib is not installed::

    python examples/plot_lasso_path.py --out lasso_path.png
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import lasso_path as sk_lasso_path
from sklearn.preprocessing import StandardScaler

from skreg import lasso_path


def main(out="lasso_path.png"):
    data = load_diabetes()
    X = StandardScaler().fit_transform(data.data)
    y = data.target - data.target.mean()

    t0 = time.perf_counter()
    alphas, coefs, _ = lasso_path(X, y, alphas=200, tol=1e-8)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    _, coefs_sk, _ = sk_lasso_path(X, y, alphas=alphas, tol=1e-8)
    t_sk = time.perf_counter() - t0
    print(f"lasso_path, {len(alphas)} alphas: skreg {t_ours * 1e3:.1f} ms, "
          f"scikit-learn {t_sk * 1e3:.1f} ms, max |coef difference| "
          f"{np.abs(coefs - coefs_sk).max():.2e}")
    order = np.argmax(coefs != 0, axis=1)  # index of the alpha where each enters
    entry = sorted(zip(alphas[order], data.feature_names), reverse=True)
    print("features in order of entry:", ", ".join(n for _, n in entry))

    try:
        import matplotlib
    except ImportError:
        print("matplotlib is not installed: no figure (pip install 'skreg[plot]').")
        return alphas, coefs
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skreg.plotting import RegularizationPathDisplay

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    RegularizationPathDisplay(alphas, coefs, feature_names=data.feature_names,
                              estimator_name="Lasso").plot(ax=axes[0])
    RegularizationPathDisplay.from_path(X, y, l1_ratio=0.5, alphas=200,
                                        feature_names=data.feature_names,
                                        ax=axes[1], legend=False)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    print(f"wrote {out}")
    return alphas, coefs


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip("\n=").split("\n")[0])
    parser.add_argument("--out", default="lasso_path.png")
    main(parser.parse_args().out)
