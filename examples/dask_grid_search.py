"""
===================================================
The same GridSearchCV on a dask.distributed cluster
===================================================

Users move cross-validation onto a cluster without changing the search: the
GridSearchCV of ``grid_search_pipeline.py`` is run once locally and once
inside ``joblib.parallel_backend("dask")``, which ships each (candidate,
fold) fit to the cluster's workers.  Here the cluster is a small
``LocalCluster`` (threads in this process by default, ``--processes`` for
worker processes, which pickle skreg's estimators); on a real cluster, pass
the scheduler's address to ``Client`` instead.  Both runs give the same
``best_params_``.

Needs the optional extra: ``pip install 'skreg[dask]'``.  The documentation
shows this example without running it (it starts a cluster)::

    python examples/dask_grid_search.py [--processes] [--workers 2]
"""

import argparse
import os
import sys
import time
import warnings

import joblib
from sklearn.exceptions import ConvergenceWarning

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grid_search_pipeline import (  # noqa: E402
    dropout_search,
    linear_search,
    load_dropout_data,
    load_linear_data,
)


def main(processes=False, n_workers=2):
    from dask.distributed import Client, LocalCluster

    X, y = load_linear_data()
    t0 = time.perf_counter()
    local = linear_search(n_jobs=1).fit(X, y)
    t_local = time.perf_counter() - t0
    print(f"local: best_params_ = {local.best_params_} ({t_local:.2f} s)")

    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=processes,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        print(f"dask: {client}")
        t0 = time.perf_counter()
        with joblib.parallel_backend("dask"):
            remote = linear_search(n_jobs=-1).fit(X, y)
        t_dask = time.perf_counter() - t0
        print(f"dask:  best_params_ = {remote.best_params_} ({t_dask:.2f} s)")
        assert remote.best_params_ == local.best_params_, "dask and local disagree"

        search = dropout_search(n_jobs=-1)
        if search is not None:  # the MLP dropout search, once skreg has MLPClassifier
            Xd, yd = load_dropout_data()
            with joblib.parallel_backend("dask"), warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                search.fit(Xd, yd)
            print(f"dask:  dropout best_params_ = {search.best_params_}")
    print("same best_params_ locally and on the dask cluster")
    return local, remote


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip("\n=").split("\n")[0])
    parser.add_argument("--processes", action="store_true",
                        help="worker processes instead of threads")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    main(args.processes, args.workers)
