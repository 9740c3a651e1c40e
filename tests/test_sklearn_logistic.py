"""scikit-learn's own test_logistic.py, run against skreg (see tests/_sklearn_suite.py)."""

from _skreg_sklearn_suite import load  # registered by tests/conftest.py

globals().update(load("test_logistic.py"))
