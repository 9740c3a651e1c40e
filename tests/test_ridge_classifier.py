"""RidgeClassifier(CV) against scikit-learn and a brute-force leave-one-out."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.metrics import accuracy_score

from skreg import RidgeClassifier, RidgeClassifierCV


def _data(n_classes):
    return make_classification(n_samples=90, n_features=8, n_informative=4,
                               n_classes=n_classes, n_clusters_per_class=1,
                               random_state=0)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("class_weight", [None, "balanced", {0: 2.0, 1: 0.5}])
def test_ridge_classifier_matches_sklearn(n_classes, class_weight):
    """Check coef_, intercept_ and predictions against scikit-learn's."""
    X, y = _data(n_classes)
    sw = np.random.RandomState(0).rand(len(y)) + 0.5
    ours = RidgeClassifier(alpha=0.7, class_weight=class_weight).fit(X, y, sample_weight=sw)
    ref = sk.RidgeClassifier(alpha=0.7, class_weight=class_weight).fit(X, y, sample_weight=sw)
    assert ours.coef_.shape == ref.coef_.shape
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-8, atol=1e-10)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X),
                               atol=1e-9)


def test_ridge_classifier_sparse_and_multilabel():
    """Check that sparse X equals dense, and multilabel targets predict indicators."""
    X, y = _data(3)
    dense = RidgeClassifier(alpha=1.0, solver="sparse_cg", tol=1e-10).fit(X, y)
    sparse = RidgeClassifier(alpha=1.0, solver="sparse_cg", tol=1e-10).fit(
        sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-7)
    Xm, Y = make_multilabel_classification(n_samples=60, n_features=6, random_state=0)
    ours = RidgeClassifier().fit(Xm, Y)
    ref = sk.RidgeClassifier().fit(Xm, Y)
    np.testing.assert_array_equal(ours.predict(Xm), ref.predict(Xm))
    assert ours.predict(Xm).shape == Y.shape


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("kw", [{}, {"cv": 3}, {"store_cv_results": True},
                                {"class_weight": "balanced"}])
def test_ridge_classifier_cv_matches_sklearn(n_classes, kw):
    """Check alpha_, best_score_, coef_ and cv_results_ against scikit-learn's."""
    X, y = _data(n_classes)
    alphas = [1e-2, 0.1, 1.0, 10.0]
    ours = RidgeClassifierCV(alphas=alphas, **kw).fit(X, y)
    ref = sk.RidgeClassifierCV(alphas=alphas, **kw).fit(X, y)
    assert ours.alpha_ == ref.alpha_
    np.testing.assert_allclose(ours.best_score_, ref.best_score_, rtol=1e-8)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8, atol=1e-10)
    if kw.get("store_cv_results"):
        assert ours.cv_results_.shape == ref.cv_results_.shape
        np.testing.assert_allclose(ours.cv_results_, ref.cv_results_, rtol=1e-7)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_ridge_classifier_cv_loo_scoring_brute_force(n_classes):
    """Check that a scoring's leave-one-out score is the refit-n-times score.

    Deliberate difference: for two classes scikit-learn 1.9 scores the argmax
    of a single column (always class 0); skreg scores the real predictions.
    """
    X, y = _data(n_classes)
    alphas = [0.1, 3.0]
    est = RidgeClassifierCV(alphas=alphas, scoring="accuracy").fit(X, y)
    best = -np.inf
    for a in alphas:
        pred = []
        for i in range(len(y)):
            keep = np.arange(len(y)) != i
            m = RidgeClassifier(alpha=a).fit(X[keep], y[keep])
            pred.append(m.predict(X[i:i + 1])[0])
        best = max(best, accuracy_score(y, pred))
    np.testing.assert_allclose(est.best_score_, best)


def test_ridge_classifier_cv_errors():
    """Check that store_cv_results with cv raises as scikit-learn's."""
    X, y = _data(2)
    with pytest.raises(ValueError, match="store_cv_results"):
        RidgeClassifierCV(cv=3, store_cv_results=True).fit(X, y)
