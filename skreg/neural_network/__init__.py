"""Multi-layer perceptrons with dropout, elastic-net weight penalty and max-norm."""

from skreg.neural_network._mlp import MLPClassifier, MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
