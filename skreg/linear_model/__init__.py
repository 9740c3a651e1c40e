"""Linear models: Lasso/ElasticNet by coordinate descent, Ridge by closed forms."""

from skreg.linear_model._ridge import Ridge
from skreg.linear_model._ridge_cv import RidgeCV

__all__ = ["Ridge", "RidgeCV"]
