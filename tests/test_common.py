"""scikit-learn's estimator checks over every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skreg import ElasticNet, Lasso

ESTIMATORS = [Lasso(), ElasticNet()]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    """Check scikit-learn's API contract, with no expected failures."""
    check(estimator)
