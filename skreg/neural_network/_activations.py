"""Activation functions, their derivatives and the output losses of the MLP.

Every activation works in place on the pre-activation ``Z`` and every
derivative multiplies the back-propagated signal ``delta`` in place by
``f'(z)``, written as a function of the activation's *output* ``A = f(Z)``
(``A * (1 - A)`` for the logistic, ``1 - A**2`` for tanh, ``A > 0`` for
ReLU).  The losses return the data term of the objective; their gradient with
respect to the output layer's pre-activation is ``y_pred - y_true`` for each of
the canonical pairs (identity / squared error, exp / Poisson, logistic /
binary log-loss, softmax / log-loss), which is what back-propagation uses.
"""

import numpy as np
from scipy.special import expit, xlogy


def inplace_identity(Z):
    """Leave ``Z`` unchanged: f(z) = z."""


def inplace_exp(Z):
    """Compute f(z) = exp(z) in place (log link of the Poisson loss)."""
    np.exp(Z, out=Z)


def inplace_logistic(Z):
    """Compute f(z) = 1 / (1 + exp(-z)) in place."""
    expit(Z, out=Z)


def inplace_tanh(Z):
    """Compute f(z) = tanh(z) in place."""
    np.tanh(Z, out=Z)


def inplace_relu(Z):
    """Compute f(z) = max(z, 0) in place."""
    np.maximum(Z, 0, out=Z)


def inplace_softmax(Z):
    """Compute the row-wise softmax in place."""
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)


ACTIVATIONS = {
    "identity": inplace_identity,
    "exp": inplace_exp,
    "logistic": inplace_logistic,
    "tanh": inplace_tanh,
    "relu": inplace_relu,
    "softmax": inplace_softmax,
}


def inplace_identity_derivative(A, delta):
    """f'(z) = 1: leave ``delta`` unchanged."""


def inplace_logistic_derivative(A, delta):
    """Multiply ``delta`` by f'(z) = A (1 - A)."""
    delta *= A
    delta *= 1 - A


def inplace_tanh_derivative(A, delta):
    """Multiply ``delta`` by f'(z) = 1 - A**2."""
    delta *= 1 - A**2


def inplace_relu_derivative(A, delta):
    """Multiply ``delta`` by f'(z) = 1[z > 0], i.e. zero it where A == 0.

    With inverted or standard dropout applied in place to a ReLU layer, the
    dropped units are also exactly 0 in ``A``, so the same call zeroes the
    gradient of the dropped units (the mask's backward pass) at no extra cost.
    """
    delta[A == 0] = 0


DERIVATIVES = {
    "identity": inplace_identity_derivative,
    "logistic": inplace_logistic_derivative,
    "tanh": inplace_tanh_derivative,
    "relu": inplace_relu_derivative,
}


def _weighted_mean(values, sample_weight):
    if sample_weight is None:
        return float(np.mean(values))
    return float(np.average(values, weights=sample_weight))


def squared_loss(y_true, y_pred, sample_weight=None):
    """Half squared error, averaged over samples and summed over outputs.

    For one output this is scikit-learn's value; for several outputs
    scikit-learn averages over outputs while its gradient sums over them.
    Here value and gradient agree (sum), so L-BFGS sees a consistent objective.
    """
    r = y_true - y_pred
    return 0.5 * _weighted_mean(np.einsum("ij,ij->i", r, r), sample_weight)


def poisson_loss(y_true, y_pred, sample_weight=None):
    """Half Poisson deviance, averaged over samples, summed over outputs."""
    dev = xlogy(y_true, y_true / y_pred) - y_true + y_pred
    return _weighted_mean(dev.sum(axis=1), sample_weight)


def log_loss(y_true, y_prob, sample_weight=None):
    """Multinomial log-loss of one-hot ``y_true`` (bool) and softmax ``y_prob``."""
    eps = np.finfo(y_prob.dtype).eps
    p = np.clip(y_prob[y_true], eps, 1 - eps)   # one True per row, row order
    if p.shape[0] != y_prob.shape[0]:           # not one-hot: general formula
        p = np.clip(y_prob, eps, 1 - eps)
        return -_weighted_mean(xlogy(y_true, p).sum(axis=1), sample_weight)
    return -_weighted_mean(np.log(p), sample_weight)


def binary_log_loss(y_true, y_prob, sample_weight=None):
    """Binary log-loss summed over outputs (binary and multilabel targets)."""
    eps = np.finfo(y_prob.dtype).eps
    p = np.clip(y_prob, eps, 1 - eps)
    ll = xlogy(y_true, p) + xlogy(1 - y_true, 1 - p)
    return -_weighted_mean(ll.sum(axis=1), sample_weight)


LOSS_FUNCTIONS = {
    "squared_error": squared_loss,
    "poisson": poisson_loss,
    "log_loss": log_loss,
    "binary_log_loss": binary_log_loss,
}
