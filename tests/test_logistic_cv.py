"""LogisticRegressionCV: scikit-learn 1.9's attributes and choices, C_1se_, cd paths."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegressionCV as SkLogisticRegressionCV
from sklearn.metrics import make_scorer, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from skreg import LogisticRegression, LogisticRegressionCV


def _data(n_classes=2, n_samples=150):
    X, y = make_classification(n_samples=n_samples, n_features=10, n_informative=5,
                               n_classes=n_classes, n_clusters_per_class=1,
                               flip_y=0.15, random_state=0)
    return StandardScaler().fit_transform(X), y


def _pair(**kw):
    common = dict(Cs=5, tol=1e-10, max_iter=2000, l1_ratios=(0.0,),
                  scoring="neg_log_loss", cv=StratifiedKFold(4))
    common.update(kw)
    return LogisticRegressionCV(**common), SkLogisticRegressionCV(**common)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("legacy", [True, False])
@pytest.mark.parametrize("refit", [True, False])
def test_logistic_cv_matches_sklearn(n_classes, legacy, refit):
    """Check C_, l1_ratio_, coef_, paths, scores and n_iter_ layouts against 1.9's."""
    X, y = _data(n_classes)
    ours, ref = _pair(use_legacy_attributes=legacy, refit=refit)
    ours.fit(X, y)
    ref.fit(X, y)
    np.testing.assert_allclose(ours.Cs_, ref.Cs_)
    np.testing.assert_allclose(ours.C_, ref.C_)
    np.testing.assert_allclose(ours.l1_ratio_, ref.l1_ratio_)
    assert np.shape(ours.C_) == np.shape(ref.C_)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-5, atol=1e-6)
    assert ours.n_iter_.shape == ref.n_iter_.shape
    if legacy:
        assert ours.coefs_paths_.keys() == ref.coefs_paths_.keys()
        for k in ref.coefs_paths_:
            np.testing.assert_allclose(ours.coefs_paths_[k], ref.coefs_paths_[k],
                                       rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(ours.scores_[k], ref.scores_[k], atol=1e-7)
    else:
        np.testing.assert_allclose(ours.coefs_paths_, ref.coefs_paths_,
                                   rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ours.scores_, ref.scores_, atol=1e-7)


def test_logistic_cv_default_warnings():
    """Check scikit-learn 1.9's FutureWarnings for the transitional defaults."""
    X, y = _data()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        LogisticRegressionCV(Cs=2).fit(X, y)
    msgs = " ".join(str(w.message) for w in rec if w.category is FutureWarning)
    assert "default value for l1_ratios will change" in msgs
    assert "parameter 'scoring' will change" in msgs
    assert "use_legacy_attributes" in msgs


def test_logistic_cv_one_standard_error():
    """Check that C_1se_ is the smallest C within one standard error of the best."""
    X, y = _data()
    est = LogisticRegressionCV(Cs=8, l1_ratios=(1.0,), solver="cd",
                               scoring="neg_log_loss", use_legacy_attributes=False,
                               cv=5).fit(X, y)
    s = est.scores_[:, 0, :]  # (n_folds, n_cs)
    mean, se = s.mean(axis=0), s.std(axis=0, ddof=1) / np.sqrt(s.shape[0])
    best = np.argmax(mean)
    assert est.C_ == est.Cs_[best]
    expected = est.Cs_[mean >= mean[best] - se[best]].min()
    assert est.C_1se_ == expected
    assert est.C_1se_ <= est.C_


@pytest.mark.parametrize("n_classes", [2, 3])
def test_logistic_cv_cd_enet_refit_is_optimal(n_classes):
    """Check that the cd refit at (C_, l1_ratio_) equals a direct fit there."""
    X, y = _data(n_classes)
    est = LogisticRegressionCV(Cs=4, l1_ratios=(0.3, 1.0), solver="cd", tol=1e-10,
                               max_iter=3000, scoring="accuracy",
                               use_legacy_attributes=False).fit(X, y)
    assert est.coefs_paths_.shape == (5, 2, 4, 1 if n_classes == 2 else 3, 11)
    direct = LogisticRegression(C=est.C_, l1_ratio=est.l1_ratio_, solver="cd",
                                tol=1e-10, max_iter=3000).fit(X, y)
    np.testing.assert_allclose(est.coef_, direct.coef_, atol=1e-6)


def test_logistic_cv_sparse_and_parallel():
    """Check that sparse X and n_jobs=2 give the dense, sequential result."""
    X, y = _data()
    X[np.abs(X) < 0.5] = 0
    kw = dict(Cs=4, l1_ratios=(0.5,), solver="cd", tol=1e-10, scoring="neg_log_loss",
              use_legacy_attributes=False)
    a = LogisticRegressionCV(**kw).fit(X, y)
    b = LogisticRegressionCV(n_jobs=2, **kw).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(a.scores_, b.scores_, atol=1e-8)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-7)


def test_logistic_cv_any_scoring_and_weights():
    """Check a callable scorer and that sample weights reach fit and scorer."""
    X, y = _data()
    auc = make_scorer(roc_auc_score, response_method="decision_function")
    est = LogisticRegressionCV(Cs=3, l1_ratios=(0.0,), scoring=auc,
                               use_legacy_attributes=False).fit(X, y)
    assert np.all((est.scores_ > 0.5) & (est.scores_ <= 1.0))
    sw = np.random.RandomState(0).randint(1, 3, X.shape[0]).astype(float)
    ours, ref = _pair(use_legacy_attributes=False)
    ours.fit(X, y, sample_weight=sw)
    ref.fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.scores_, ref.scores_, atol=1e-7)


def test_logistic_cv_errors():
    """Check the l1_ratios range and the solver/penalty rule."""
    X, y = _data()
    with pytest.raises(ValueError, match="l1_ratios must be an array-like"):
        LogisticRegressionCV(l1_ratios=(0.5, 2.0), solver="cd", scoring="accuracy",
                             use_legacy_attributes=False).fit(X, y)
    with pytest.raises(ValueError, match="Solver lbfgs supports only 'l2'"):
        LogisticRegressionCV(l1_ratios=(1.0,), scoring="accuracy",
                             use_legacy_attributes=False).fit(X, y)
    with pytest.raises(ValueError, match="only one class"):
        LogisticRegressionCV(l1_ratios=(0.0,), scoring="accuracy",
                             use_legacy_attributes=False).fit(X, np.ones(len(y)))
