import importlib.util
import sys
from pathlib import Path

import pytest
from sklearn.datasets import make_regression

# scikit-learn's own test files, run against skreg (tests/_sklearn_suite.py).
# Loaded by path under one name, so the thin tests/test_sklearn_*.py modules
# and the marking hook below share it under --import-mode=importlib.
_SPEC = importlib.util.spec_from_file_location(
    "_skreg_sklearn_suite", Path(__file__).with_name("_sklearn_suite.py"))
sklearn_suite = sys.modules.setdefault("_skreg_sklearn_suite",
                                       importlib.util.module_from_spec(_SPEC))
if not hasattr(sklearn_suite, "load"):
    _SPEC.loader.exec_module(sklearn_suite)


def pytest_collection_modifyitems(config, items):
    sklearn_suite.mark_items(items)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    sklearn_suite.runtime_exclusion(item, call, outcome.get_result())


@pytest.fixture
def regression_data():
    """A small correlated regression problem with a non-zero column mean."""

    def make(n_samples=60, n_features=30, n_targets=1, random_state=0, shift=2.0):
        X, y = make_regression(
            n_samples=n_samples, n_features=n_features, n_informative=8,
            n_targets=n_targets, noise=2.0, effective_rank=10,
            random_state=random_state,
        )
        return X + shift, y

    return make


# --- hypothesis profiles (tests/test_properties.py) -------------------------
# "ci" (the default) keeps the property suite to a few minutes on two cores;
# "dev" explores much further.  Pick one with HYPOTHESIS_PROFILE=dev.
try:
    import os

    from hypothesis import HealthCheck, settings

    _SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large]
    settings.register_profile("ci", max_examples=25, deadline=None,
                              suppress_health_check=_SUPPRESS, derandomize=True,
                              print_blob=True)
    settings.register_profile("dev", max_examples=400, deadline=None,
                              suppress_health_check=_SUPPRESS, print_blob=True)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
except ImportError:  # hypothesis is a test extra; test_properties skips without it
    pass
