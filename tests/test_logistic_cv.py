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


@pytest.mark.parametrize("n_classes", [2, 3])
def test_logistic_cv_scores_folds_missing_classes_with_all_labels(n_classes):
    """Held-out folds with one class: a labels-taking scorer still sees every class.

    Each KFold test fold holds a single class (as scikit-learn's
    test_logistic_cv_folds_with_classes_missing); neg_brier_score is computed
    with labels=classes_, so the scores equal brier_score_loss(..., labels=classes_)
    of each fold's path model, and match scikit-learn's.
    """
    from sklearn.metrics import brier_score_loss
    from sklearn.model_selection import KFold

    y = np.array(["a", "a", "b", "b", "c", "c"])[: 2 * n_classes]
    X = np.arange(2 * n_classes, dtype=float)[:, None]
    # tol tight enough that both lbfgs runs converge (the comparison is of the
    # scoring, not of two unconverged iterates on separable data at C=1e6)
    kw = dict(cv=KFold(n_splits=n_classes), scoring="neg_brier_score", tol=1e-10,
              max_iter=10_000, Cs=np.logspace(-6, 6, 5), l1_ratios=(0,),
              use_legacy_attributes=False)
    ours = LogisticRegressionCV(**kw).fit(X, y)
    ref = SkLogisticRegressionCV(**kw).fit(X, y)
    np.testing.assert_allclose(ours.scores_, ref.scores_, rtol=1e-5)
    assert ours.C_ == ref.C_ == 1e-6
    for i, (_, test) in enumerate(KFold(n_splits=n_classes).split(X, y)):
        est = LogisticRegression().fit(X, y)
        est.coef_ = ours.coefs_paths_[i, 0, 2, :, :-1]
        est.intercept_ = ours.coefs_paths_[i, 0, 2, :, -1]
        extra = {"pos_label": "b"} if n_classes == 2 else {}
        expected = -brier_score_loss(y[test], est.predict_proba(X[test]),
                                     labels=ours.classes_, **extra)
        np.testing.assert_allclose(ours.scores_[i, 0, 2], expected, rtol=1e-12)


def test_logistic_cv_metadata_routing():
    """With routing: sample_weight reaches only a scorer that requests it; score refuses
    unrequested metadata (TypeError); without routing, extra params get 1.9's ValueError."""
    import sklearn
    from sklearn.metrics import get_scorer

    X, y = make_classification(n_samples=300, random_state=0)
    sw = np.ones(len(y))
    sw[: len(y) // 2] = 3.0
    with sklearn.config_context(enable_metadata_routing=True):
        fits = {}
        for requested in (False, True):
            scorer = get_scorer("accuracy").set_score_request(sample_weight=requested)
            fits[requested] = LogisticRegressionCV(
                Cs=4, scoring=scorer, l1_ratios=(0,), use_legacy_attributes=False,
                cv=StratifiedKFold(3)).fit(X, y, sample_weight=sw)
        # same fits (sample_weight is used for fitting either way), other scores
        np.testing.assert_allclose(fits[False].coefs_paths_, fits[True].coefs_paths_)
        assert not np.allclose(fits[False].scores_, fits[True].scores_)
        folds = list(StratifiedKFold(3).split(X, y))
        est = LogisticRegression(C=fits[True].Cs_[0])
        est.classes_ = fits[True].classes_
        W = fits[True].coefs_paths_[0, 0, 0]
        est.coef_, est.intercept_ = W[:, :-1], W[:, -1]
        test = folds[0][1]
        np.testing.assert_allclose(
            fits[True].scores_[0, 0, 0],
            est.score(X[test], y[test], sample_weight=sw[test]), rtol=1e-12)
        with pytest.raises(TypeError, match="not routed to any object"):
            fits[False].score(X, y, sample_weight=sw)
        assert fits[True].score(X, y, sample_weight=sw) == pytest.approx(
            np.average(fits[True].predict(X) == y, weights=sw))
    with pytest.raises(ValueError, match="is only supported if enable_metadata_routing"):
        LogisticRegressionCV(use_legacy_attributes=False, l1_ratios=(0,),
                             scoring="accuracy").fit(X, y, extra_param=1.0)


def test_logistic_cv_liblinear_multiclass_message():
    """liblinear on 3 classes: scikit-learn's multiclass message (plus skreg's hint)."""
    X, y = _data(3)
    with pytest.raises(ValueError, match="The 'liblinear' solver does not support "
                                         "multiclass classification.*solver='cd'"):
        LogisticRegressionCV(solver="liblinear", l1_ratios=(0,), scoring="accuracy",
                             use_legacy_attributes=False).fit(X, y)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("metric", ["accuracy", "neg_log_loss"])
def test_direct_fold_scores_equal_the_scorers(n_classes, sparse, metric):
    """The folds' accuracy / neg_log_loss computed directly (the fast path for
    those names) equal what scikit-learn's scorer objects return."""
    from sklearn.metrics import get_scorer

    X, y = make_classification(n_samples=120, n_features=6, n_informative=4,
                               n_classes=n_classes, random_state=0)
    X = sp.csr_matrix(X) if sparse else X
    kw = dict(Cs=[0.01, 0.3, 10.0], cv=StratifiedKFold(3, shuffle=True, random_state=0),
              solver="cd", l1_ratios=(0.5,), tol=1e-6, use_legacy_attributes=False)
    direct = LogisticRegressionCV(scoring=metric, **kw).fit(X, y)
    scorer = get_scorer(metric)  # a callable: the scorer is called per C and fold
    called = LogisticRegressionCV(scoring=lambda est, X, y: scorer(est, X, y), **kw).fit(X, y)
    np.testing.assert_allclose(direct.scores_, called.scores_, rtol=1e-12, atol=1e-15)
    assert direct.C_ == called.C_
