"""
=================================================
skreg estimators in a Pipeline under GridSearchCV
=================================================

skreg's estimators are scikit-learn estimators: they go into a ``Pipeline``
and a ``GridSearchCV`` unchanged.  Part 1 searches ElasticNet's alpha and
l1_ratio behind a StandardScaler on the diabetes data, and checks that
scikit-learn's own ElasticNet in the same search picks the same parameters.
Part 2 searches an MLP's dropout_rate and dropout_mode on the digits data;
it runs once ``skreg.MLPClassifier`` exists and is skipped with a message
before.

``linear_search`` and ``dropout_search`` build the searches; the dask example
runs the very same ones on a cluster::

    python examples/grid_search_pipeline.py [--n-jobs 2]
"""

import argparse
import time
import warnings

import numpy as np
from sklearn import linear_model as sk
from sklearn.datasets import load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import skreg

ALPHAS = [float(a) for a in np.logspace(-2, 1, 7)]
L1_RATIOS = [0.1, 0.5, 0.9, 1.0]


def linear_search(n_jobs=None, estimator=None):
    """GridSearchCV over ElasticNet's alpha and l1_ratio, behind a scaler."""
    estimator = skreg.ElasticNet(max_iter=10_000) if estimator is None else estimator
    pipe = Pipeline([("scale", StandardScaler()), ("enet", estimator)])
    grid = {"enet__alpha": ALPHAS, "enet__l1_ratio": L1_RATIOS}
    return GridSearchCV(pipe, grid, cv=KFold(5, shuffle=True, random_state=0),
                        scoring="neg_mean_squared_error", n_jobs=n_jobs)


def dropout_search(n_jobs=None):
    """GridSearchCV over the MLP's dropout_rate and dropout_mode, or None.

    # --- DROPOUT SEARCH: runs only where skreg.MLPClassifier exists ---
    """
    if not hasattr(skreg, "MLPClassifier"):
        return None
    mlp = skreg.MLPClassifier(hidden_layer_sizes=(32,), solver="adam", max_iter=30,
                              random_state=0)
    pipe = Pipeline([("scale", StandardScaler()), ("mlp", mlp)])
    grid = {"mlp__dropout_rate": [0.1, 0.4],
            "mlp__dropout_mode": ["inverted", "standard"]}
    return GridSearchCV(pipe, grid, cv=StratifiedKFold(3, shuffle=True, random_state=0),
                        n_jobs=n_jobs)


def load_linear_data():
    return load_diabetes(return_X_y=True)


def load_dropout_data():
    return load_digits(return_X_y=True)


def _report(search, seconds):
    res = search.cv_results_
    best = np.argsort(res["rank_test_score"])[:3]
    print(f"  {len(res['params'])} candidates x {search.n_splits_} folds "
          f"in {seconds:.2f} s; best_params_ = {search.best_params_}")
    for i in best:
        print(f"    rank {res['rank_test_score'][i]}: {res['mean_test_score'][i]:.4f} "
              f"+- {res['std_test_score'][i]:.4f}  {res['params'][i]}")


def main(n_jobs=None):
    X, y = load_linear_data()
    print("Part 1: Pipeline(StandardScaler, skreg.ElasticNet), alpha x l1_ratio")
    t0 = time.perf_counter()
    ours = linear_search(n_jobs).fit(X, y)
    _report(ours, time.perf_counter() - t0)
    t0 = time.perf_counter()
    ref = linear_search(n_jobs, sk.ElasticNet(max_iter=10_000)).fit(X, y)
    print(f"  scikit-learn's ElasticNet in the same search: {ref.best_params_} "
          f"({time.perf_counter() - t0:.2f} s)")
    assert ours.best_params_ == ref.best_params_

    print("Part 2: Pipeline(StandardScaler, skreg.MLPClassifier), dropout_rate x mode")
    search = dropout_search(n_jobs)
    if search is None:
        print("  skreg.MLPClassifier is not available yet: skipped.")
        return ours, None
    Xd, yd = load_dropout_data()
    t0 = time.perf_counter()
    with warnings.catch_warnings():  # 30 epochs: short on purpose
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(Xd, yd)
    _report(search, time.perf_counter() - t0)
    return ours, search


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip("\n=").split("\n")[0])
    parser.add_argument("--n-jobs", type=int, default=None)
    main(parser.parse_args().n_jobs)
