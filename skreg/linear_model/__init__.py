"""Linear models: Lasso, ElasticNet and their paths."""

from skreg.linear_model._coordinate_descent import ElasticNet, Lasso
from skreg.linear_model._cv import ElasticNetCV, LassoCV
from skreg.linear_model._paths import enet_path, lasso_path

__all__ = ["ElasticNet", "ElasticNetCV", "Lasso", "LassoCV", "enet_path", "lasso_path"]
