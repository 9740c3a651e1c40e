"""The Gram matrix of the coordinate-descent models: whether, and which.

One decision (:func:`gram_decision`) serves ElasticNet/Lasso.fit, the paths
and the CV estimators.  The centered Gram matrix of a fit and the downdate
to a CV fold of the full data's live here, both from the one builder of
X^T S X, ``skreg._solvers.weighted_gram`` (the design's, below the solvers).
"""

import numpy as np
import scipy.sparse as sp

from skreg._solvers import weighted_gram
from skreg.linear_model._base import _implicit_centering_too_lossy


def gram_decision(precompute, X, X_mean=None):
    """``precompute`` ('auto', bool or a matrix) -> True, False or the matrix.

    'auto' takes a Gram matrix when it is no larger than X's stored values:
    for dense X scikit-learn's rule (more rows than columns); for sparse X it
    also keeps a p x p matrix from outgrowing X.  Then an epoch on the Gram
    matrix costs less than one on X, and the Gram solver's plain cyclic
    updates make weighted and repeated rows give the same iterates.  Never
    for float32 X whose column offsets dwarf their spread when centering
    (``X_mean`` given): G - n m m^T would cancel every digit.  A matrix is
    returned as given after a shape check (the caller owns its dtype).
    """
    n, p = X.shape
    if not isinstance(precompute, (str, bool, np.bool_)):
        gram = np.asarray(precompute)
        if gram.shape != (p, p):
            raise ValueError(
                f"precompute should be a Gram matrix of shape ({p}, {p}), "
                f"got {gram.shape}."
            )
        return gram
    if isinstance(precompute, str):  # 'auto'
        precompute = n > p and (not sp.issparse(X) or p * p <= X.nnz)
    if precompute and X_mean is not None and _implicit_centering_too_lossy(X, X_mean):
        return False
    return bool(precompute)


def check_user_gram(X, gram, X_mean, sample_weight):
    """Spot-check a user's Gram matrix against X, as scikit-learn does.

    One element, (p // 2, p // 2 + 1), of X~^T S X~ (X~ = X - 1 m^T, S the
    normalised weights) is computed from X and compared with the matrix
    (rtol 1e-4 in float32, 1e-7 otherwise, atol 1e-5); a mismatch raises
    scikit-learn's ValueError rather than solving another problem silently.
    """
    p = X.shape[1]
    f1 = p // 2
    f2 = min(f1 + 1, p - 1)

    def column(j):
        v = X[:, [j]].toarray().ravel() if sp.issparse(X) else np.asarray(X[:, j])
        v = v.astype(np.float64)
        return v - X_mean[j] if X_mean is not None else v

    v1, v2 = column(f1), column(f2)
    expected = float(v1 @ (v2 if sample_weight is None else sample_weight * v2))
    actual = gram[f1, f2]
    rtol = max(1e-4 if dt == np.float32 else 1e-7 for dt in (gram.dtype, X.dtype))
    if not np.isclose(expected, actual, rtol=rtol, atol=1e-5):
        raise ValueError(
            "Gram matrix passed in via 'precompute' parameter did not pass "
            "validation when a single element was checked - please check that "
            f"it was computed properly. For element ({f1},{f2}) we computed "
            f"{expected} but the user-supplied value was {actual}."
        )


def centered_gram(X, X_mean, sample_weight):
    """X~^T S X~ with X~ = X - 1 m^T, computed without forming X~.

    :func:`weighted_gram` minus the centering term s_total m m^T (dense, C order).
    """
    G = weighted_gram(X, sample_weight)
    if X_mean is not None:
        s_total = X.shape[0] if sample_weight is None else sample_weight.sum()
        G = G - s_total * np.outer(X_mean, X_mean)
    return np.ascontiguousarray(G, dtype=X.dtype)


def fold_gram(gram, X_test, sw_test, c, X_mean, n_train):
    """A CV fold's centered Gram matrix, downdated from the full data's X^T S X.

    X~^T S' X~ on the training rows with S' = c S (summing to n_train): the
    test rows' part is subtracted, a fraction of the cost of a new matrix.
    """
    G = gram - weighted_gram(X_test, sw_test)
    G *= c
    if X_mean is not None:
        G -= n_train * np.outer(X_mean, X_mean)
    return G
