"""skreg: scikit-learn compatible regularized estimators.

Lasso, ElasticNet and their multi-task versions by compiled coordinate
descent stopping on the duality gap, Ridge by closed forms, and multi-layer
perceptrons with dropout, all following scikit-learn's conventions.
"""

__version__ = "0.1.0.dev0"

from skreg.linear_model import (
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    LogisticRegression,
    LogisticRegressionCV,
    MultiTaskElasticNet,
    MultiTaskElasticNetCV,
    MultiTaskLasso,
    MultiTaskLassoCV,
    Ridge,
    RidgeClassifier,
    RidgeClassifierCV,
    RidgeCV,
    enet_path,
    lasso_path,
)
from skreg.neural_network import MLPClassifier, MLPRegressor

__all__ = [
    "ElasticNet",
    "ElasticNetCV",
    "Lasso",
    "LassoCV",
    "LogisticRegression",
    "LogisticRegressionCV",
    "MLPClassifier",
    "MLPRegressor",
    "MultiTaskElasticNet",
    "MultiTaskElasticNetCV",
    "MultiTaskLasso",
    "MultiTaskLassoCV",
    "Ridge",
    "RidgeCV",
    "RidgeClassifier",
    "RidgeClassifierCV",
    "__version__",
    "enet_path",
    "lasso_path",
]
