"""Linear models: Lasso, ElasticNet, their multi-task versions and their paths.

Also Ridge by closed forms.
"""

from skreg.linear_model._coordinate_descent import ElasticNet, Lasso
from skreg.linear_model._cv import ElasticNetCV, LassoCV
from skreg.linear_model._logistic import LogisticRegression
from skreg.linear_model._logistic_cv import LogisticRegressionCV
from skreg.linear_model._multitask import MultiTaskElasticNet, MultiTaskLasso
from skreg.linear_model._multitask_cv import MultiTaskElasticNetCV, MultiTaskLassoCV

# for skreg's own packages (the plots draw this path); not in __all__, not the API
from skreg.linear_model._path_intercept import (
    enet_path_with_intercept as enet_path_with_intercept,
)
from skreg.linear_model._paths import enet_path, lasso_path
from skreg.linear_model._ridge import Ridge
from skreg.linear_model._ridge_classifier import RidgeClassifier, RidgeClassifierCV
from skreg.linear_model._ridge_cv import RidgeCV

__all__ = [
    "ElasticNet",
    "ElasticNetCV",
    "Lasso",
    "LassoCV",
    "LogisticRegression",
    "LogisticRegressionCV",
    "MultiTaskElasticNet",
    "MultiTaskElasticNetCV",
    "MultiTaskLasso",
    "MultiTaskLassoCV",
    "Ridge",
    "RidgeCV",
    "RidgeClassifier",
    "RidgeClassifierCV",
    "enet_path",
    "lasso_path",
]
