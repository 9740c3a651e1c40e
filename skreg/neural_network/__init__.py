"""Multi-layer perceptrons with dropout, elastic-net weight penalty and max-norm."""

from skreg.neural_network._mlp_classifier import MLPClassifier
from skreg.neural_network._mlp_regressor import MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
