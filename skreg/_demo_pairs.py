"""What the demo runs: the rows of its tables, discovered from skreg.__all__.

Every estimator class skreg exports is paired with scikit-learn's class of
the same name (``None`` where scikit-learn has none), built with the
settings both libraries share (:data:`SETTINGS`, :data:`QUICK` for
``--quick``) and given the bundled data set that suits it.  A new family
joins the tables by being exported; nothing here lists them by hand.
"""

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, is_classifier
from sklearn.model_selection import GridSearchCV

import skreg

SKLEARN_MODULES = ("sklearn.linear_model", "sklearn.neural_network")

@dataclass
class Pair:
    """One row: an skreg estimator and its scikit-learn counterpart, unfitted.

    ``theirs`` is None where scikit-learn has no counterpart (dropout): the
    row then shows skreg's columns only.
    """

    name: str
    ours: Callable
    theirs: Callable = None
    data: str = "diabetes"


# settings shared by both libraries (only those a class accepts are used);
# a family without an entry runs with its defaults
SETTINGS = {
    "Lasso": dict(alpha=0.1, tol=1e-8),
    "ElasticNet": dict(alpha=0.01, l1_ratio=0.5, tol=1e-8),
    "Ridge": dict(alpha=1.0),
    "MLPClassifier": dict(hidden_layer_sizes=(64,), max_iter=40, random_state=0),
    "MLPRegressor": dict(hidden_layer_sizes=(32,), max_iter=200, learning_rate_init=0.05,
                         random_state=0),
    "LogisticRegression": dict(C=1.0, max_iter=1000, tol=1e-6),
    "MultiTaskLasso": dict(alpha=1.0, tol=1e-8),
    "MultiTaskElasticNet": dict(alpha=1.0, l1_ratio=0.5, tol=1e-8),
    "LassoCV": dict(cv=5),
    "ElasticNetCV": dict(l1_ratio=[0.1, 0.5, 0.9, 1.0], cv=5),
    "RidgeCV": dict(alphas=np.logspace(-4, 2, 50)),
    "RidgeClassifierCV": dict(alphas=np.logspace(-4, 2, 13)),
    "LogisticRegressionCV": dict(Cs=5, cv=3, max_iter=1000),
    "MultiTaskLassoCV": dict(cv=3),
    "MultiTaskElasticNetCV": dict(l1_ratio=[0.5, 1.0], cv=3),
}
QUICK = {   # --quick: fewer epochs and folds (both libraries alike)
    "MLPClassifier": dict(max_iter=15),
    "MLPRegressor": dict(max_iter=50),
    "LassoCV": dict(cv=3),
    "ElasticNetCV": dict(l1_ratio=[0.5, 1.0], cv=3),
}


def _estimator_classes():
    """{name: class} of the estimators skreg exports, in ``__all__`` order."""
    return {name: getattr(skreg, name) for name in skreg.__all__
            if inspect.isclass(getattr(skreg, name, None))
            and issubclass(getattr(skreg, name), BaseEstimator)}


def _sklearn_counterpart(name):
    """scikit-learn's estimator class called ``name``, or None."""
    for mod in SKLEARN_MODULES:
        cls = getattr(importlib.import_module(mod), name, None)
        if inspect.isclass(cls):
            return cls
    return None


def _factory(cls, name, quick):
    if cls is None:
        return None
    params = dict(SETTINGS.get(name, {}))
    if quick:
        params.update(QUICK.get(name, {}))
    accepted = cls().get_params(deep=False)
    params = {k: v for k, v in params.items() if k in accepted}
    return lambda: cls(**params)


def _data_for(cls):
    """digits for the MLPs, breast cancer (binary, standardised) for linear
    classifiers, 3 targets for multi-output-only estimators, else diabetes."""
    if is_classifier(cls()):
        return "digits" if cls.__name__.startswith("MLP") else "breast-cancer"
    tags = cls().__sklearn_tags__().target_tags
    return "multitask" if not tags.single_output else "diabetes"


def _pairs(quick=False):
    """The fit table: every non-CV estimator of skreg.__all__, plus dropout."""
    pairs = []
    for name, cls in _estimator_classes().items():
        if name.endswith("CV"):
            continue
        pairs.append(Pair(name, _factory(cls, name, quick),
                          _factory(_sklearn_counterpart(name), name, quick),
                          data=_data_for(cls)))
        if name == "MLPClassifier":     # what scikit-learn lacks
            mlp = _factory(cls, name, quick)
            pairs.append(Pair("MLPClassifier(dropout_rate=0.2)",
                              lambda mlp=mlp: mlp().set_params(dropout_rate=0.2), None,
                              data="digits"))
    return pairs


def _cv_pairs(quick=False):
    """The CV table: every ``*CV`` estimator of skreg.__all__, plus a
    GridSearchCV over the dropout rate and mode (skreg only)."""
    pairs = [Pair(name, _factory(cls, name, quick),
                  _factory(_sklearn_counterpart(name), name, quick), data=_data_for(cls))
             for name, cls in _estimator_classes().items() if name.endswith("CV")]
    if "MLPClassifier" in _estimator_classes():
        grid = ({"dropout_rate": [0.0, 0.3]} if quick else
                {"dropout_rate": [0.0, 0.2, 0.5], "dropout_mode": ["inverted", "standard"]})
        epochs = 10 if quick else 30
        pairs.append(Pair(
            "GridSearchCV(MLPClassifier, dropout)",
            lambda: GridSearchCV(skreg.MLPClassifier((64,), max_iter=epochs,
                                                     random_state=0), grid, cv=3),
            None, data="digits"))
    return pairs
