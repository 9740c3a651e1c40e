"""skreg: scikit-learn compatible regularized estimators.

Lasso and ElasticNet by compiled coordinate descent stopping on the duality
gap, Ridge by closed forms, and multi-layer perceptrons with dropout, all
following scikit-learn's conventions.
"""

__version__ = "0.1.0.dev0"

from skreg.linear_model import Ridge, RidgeCV  # noqa: E402

__all__ = ["Ridge", "RidgeCV", "__version__"]
