"""scikit-learn's own test_sparse_coordinate_descent.py, run against skreg.

See tests/_sklearn_suite.py.
"""

from _skreg_sklearn_suite import load  # registered by tests/conftest.py

globals().update(load("test_sparse_coordinate_descent.py"))
