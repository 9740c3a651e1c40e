"""LogisticRegressionCV's folds: each fold's path and scores, and their reading.

:func:`_fold_path` fits one training fold's warm-started path over Cs and
scores it on the held-out fold; :func:`_one_se_C` is the one-standard-error
choice (glmnet's ``lambda.1se``); :func:`_legacy_layout` lays the folds'
results out as scikit-learn 1.9's legacy fitted attributes.
"""

import numpy as np
from scipy.special import expit, softmax

from skreg.linear_model._logistic import LogisticRegression
from skreg.linear_model._logistic_path import _logistic_path
from skreg.utils._sklearn_compat import _check_method_params

__all__ = ["_effective_l1_ratio", "_fold_path", "_legacy_layout", "_one_se_C"]


def _effective_l1_ratio(l1_ratio, penalty):
    """The l1_ratio a path uses: None stands for the penalty's own."""
    if l1_ratio is None:
        return 1.0 if penalty == "l1" else 0.0
    return float(l1_ratio)


def _fold_path(X, y_enc, sw, train, test, *, classes, Cs, l1_ratio, scorer,
               score_params, path_kw, fast_metric=None):
    """Warm-started path over Cs on one training fold, scored on its test fold.

    ``score_params`` (whole-sample metadata for the scorer, e.g. its
    sample_weight) are indexed by the test fold.  ``fast_metric`` ('accuracy'
    or 'neg_log_loss', for float64 X without score metadata) scores every C
    with :func:`_fast_scores` instead of a scorer call each.  Returns
    (coefs (n_Cs, n_rows, n_dof), scores (n_Cs,), n_iter (n_Cs,)).
    """
    coefs, intercepts, n_iter = _logistic_path(
        X[train], y_enc[train], sw[train], Cs, l1_ratio=l1_ratio, **path_kw)
    X_test = X[test]
    out = [np.concatenate([W, b[:, None]], axis=1) if path_kw["fit_intercept"] else W
           for W, b in zip(coefs, intercepts)]
    if fast_metric is not None:
        scores = _fast_scores(X_test, y_enc[test].astype(np.intp), coefs, intercepts,
                              fast_metric)
        return np.array(out), scores, n_iter
    est = LogisticRegression()
    est.classes_ = classes
    est.n_features_in_ = X.shape[1]
    y_test = classes[y_enc[test].astype(int)]
    kw = _check_method_params(X, params=score_params, indices=test)
    scores = []
    for W, b in zip(coefs, intercepts):
        est.coef_, est.intercept_ = W, b
        scores.append(scorer(est, X_test, y_test, **kw))
    return np.array(out), np.array(scores), n_iter


def _fast_scores(X_test, y_idx, coefs, intercepts, metric):
    """Held-out accuracy or neg_log_loss of each (W, b), as scikit-learn's scorers
    compute them from ``predict`` / ``predict_proba`` (ties: the first class;
    probabilities clipped to [eps, 1 - eps]), without their per-call validation,
    which costs ~20x a small fold's fit."""
    scores = np.empty(len(coefs))
    rows = np.arange(len(y_idx))
    eps = np.finfo(np.float64).eps
    for k, (W, b) in enumerate(zip(coefs, intercepts)):
        eta = np.asarray(X_test @ W.T) + b
        binary = eta.shape[1] == 1
        if metric == "accuracy":
            pred = (eta[:, 0] > 0).astype(np.intp) if binary else np.argmax(eta, axis=1)
            scores[k] = np.mean(pred == y_idx)
            continue
        if binary:
            p1 = expit(eta[:, 0])
            p_true = np.where(y_idx == 1, p1, 1.0 - p1)
        else:
            p_true = softmax(eta, axis=1)[rows, y_idx]
        scores[k] = np.mean(np.log(np.clip(p_true, eps, 1 - eps)))
    return scores


def _one_se_C(scores, Cs, best_c):
    """The smallest C whose mean score is within one standard error of the best's.

    ``scores`` (n_folds, n_cs) at the chosen l1_ratio ("greater is better"),
    ``best_c`` the index of the best mean score (glmnet's lambda.1se rule).
    """
    n_folds = scores.shape[0]
    m, s = scores.mean(axis=0), scores.std(axis=0, ddof=1) / np.sqrt(n_folds)
    ok = m >= m[best_c] - s[best_c]
    return float(np.min(Cs[ok]))


def _legacy_layout(paths, scores, n_iter, keys, *, squeeze_l1):
    """scikit-learn 1.9's legacy ``coefs_paths_``, ``scores_`` and ``n_iter_``.

    From ``paths`` (n_folds, n_l1, n_cs, n_rows, n_dof), ``scores`` and
    ``n_iter`` (n_folds, n_l1, n_cs): dicts from class ``keys`` to arrays
    (n_folds, n_cs, n_l1, n_dof) and (n_folds, n_cs, n_l1), and n_iter of
    shape (1, n_folds, n_cs, n_l1); the l1 axis dropped when ``squeeze_l1``
    (``l1_ratios=None``).
    """
    cp = np.moveaxis(paths, (0, 1, 3), (1, 3, 0))
    sc = np.swapaxes(scores, 1, 2)
    it = np.swapaxes(n_iter, 1, 2)[None]
    if squeeze_l1:
        cp, sc, it = cp[:, :, :, 0], sc[:, :, 0], it[..., 0]
    return dict(zip(keys, cp)), {k: sc.copy() for k in keys}, it
