import numpy as np
import pytest
from sklearn.datasets import make_regression


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
