"""The network: parameter layout, inference forward pass, training forward/backward.

Layers are numbered 0 (input) to L - 1 (output).  ``coefs[k]`` of shape
(units[k], units[k + 1]) and ``intercepts[k]`` map layer k to layer k + 1:

    z_{k+1} = (d_k(h_k)) @ coefs[k] + intercepts[k],   h_{k+1} = f(z_{k+1}),

with ``h_0 = X``, ``f`` the hidden activation (the output activation for the
last layer) and ``d_k`` the dropout of layer k's output (layer 0: the input
features; layers 1 .. L - 2: the hidden units; never the output layer).  All
weights and biases are views into one flat vector (coefficients first, then
intercepts), and so are their gradients, so the optimizers and L-BFGS work on
whole vectors without packing.
"""

import numpy as np
import scipy.sparse as sp

from skreg.neural_network import _dropout
from skreg.neural_network._activations import ACTIVATIONS, DERIVATIVES


def _dot(a, b):
    """``a @ b`` for a dense or scipy.sparse ``a``, as a dense array."""
    r = a @ b
    return r.toarray() if sp.issparse(r) else np.asarray(r)


class ParameterLayout:
    """Where each layer's weights and biases sit in the flat parameter vector.

    Parameters
    ----------
    layer_units : list of int
        Units of every layer, input and output included.
    """

    def __init__(self, layer_units):
        self.layer_units = list(layer_units)
        self.coef_slices, self.intercept_slices = [], []
        start = 0
        for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:]):
            self.coef_slices.append((start, start + fan_in * fan_out, (fan_in, fan_out)))
            start += fan_in * fan_out
        self.n_coef = start
        for fan_out in layer_units[1:]:
            self.intercept_slices.append((start, start + fan_out))
            start += fan_out
        self.n_params = start

    def views(self, flat):
        """Return (coefs, intercepts): lists of views into ``flat``."""
        coefs = [flat[a:b].reshape(shape) for a, b, shape in self.coef_slices]
        intercepts = [flat[a:b] for a, b in self.intercept_slices]
        return coefs, intercepts

    def pack(self, coefs, intercepts, dtype):
        """Copy ``coefs`` and ``intercepts`` into a new flat vector of ``dtype``."""
        flat = np.empty(self.n_params, dtype=dtype)
        c, i = self.views(flat)
        for dst, src in zip(c + i, list(coefs) + list(intercepts)):
            dst[...] = src
        return flat


def forward(X, coefs, intercepts, activation, out_activation, rates, mode, rng=None):
    """Forward pass for prediction; allocates its outputs and never changes ``X``.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_rows, n_features)
    coefs, intercepts : lists of ndarray
    activation, out_activation : str
    rates : list of float
        Dropout rate of each layer's output feeding ``coefs[k]`` (len L - 1).
    mode : {'inverted', 'standard'}
    rng : numpy.random.Generator or None
        None: deterministic inference (standard mode scales dropped layers by
        keep).  A Generator: draw training-time masks (Monte Carlo dropout).

    Returns
    -------
    out : ndarray of shape (n_rows, n_outputs)
        The output layer's activation.
    """
    hidden, output = ACTIVATIONS[activation], ACTIVATIONS[out_activation]
    n_layers = len(coefs) + 1
    h = X
    for k, (W, b) in enumerate(zip(coefs, intercepts)):
        threshold, keep = _dropout.keep_threshold(rates[k])
        if rng is not None and rates[k] > 0:
            dropped = _dropout.draw_mask(rng, h.shape, threshold)
            scale = _dropout.train_scale(keep, mode)
            if sp.issparse(h):
                h = sp.csr_matrix(h.multiply(np.where(dropped, 0.0, scale)))
            else:
                h = _dropout.apply(h, dropped, scale, out=None if k else np.empty_like(h))
        z = _dot(h, W)
        if rng is None and rates[k] > 0:
            s = _dropout.inference_scale(keep, mode)
            if s != 1.0:
                z *= s     # (s h) @ W == s (h @ W), on the smaller array
        z += b
        (hidden if k + 1 < n_layers - 1 else output)(z)
        h = z
    return h


class Workspace:
    """Preallocated buffers and the training forward/backward pass.

    Parameters
    ----------
    layer_units : list of int
    n_rows : int
        The largest batch the buffers must hold.
    dtype : numpy dtype
    activation, out_activation : str
    rates : list of float
        Dropout rate of each layer's output feeding ``coefs[k]`` (len L - 1).
    mode : {'inverted', 'standard'}
    """

    def __init__(self, layer_units, n_rows, dtype, activation, out_activation,
                 rates, mode):
        self.n_layers = len(layer_units)
        self.activation, self.out_activation = activation, out_activation
        self.mode = mode
        tk = [_dropout.keep_threshold(r) for r in rates]
        self.thresholds = [t for t, _ in tk]
        self.scales = [_dropout.train_scale(keep, mode) for _, keep in tk]
        self.dropping = [r > 0 for r in rates]
        shape = [(n_rows, u) for u in layer_units]
        # A[k]: activation of layer k (k >= 1); delta[k]: dloss/dz_k.
        self.A = [None] + [np.empty(s, dtype) for s in shape[1:]]
        self.delta = [None] + [np.empty(s, dtype) for s in shape[1:]]
        # dropped-unit masks, and post-dropout copies where the derivative needs
        # the pre-dropout activation (ReLU's is read from the dropped output).
        self.drop = [np.empty(shape[k], bool) if self.dropping[k] else None
                     for k in range(self.n_layers - 1)]
        self.H = [None] * (self.n_layers - 1)
        for k in range(self.n_layers - 1):
            if self.dropping[k] and (k == 0 or activation != "relu"):
                self.H[k] = np.empty(shape[k], dtype)
        self.inputs = [None] * (self.n_layers - 1)

    def _drop(self, k, h, rng):
        n = h.shape[0]
        dropped = _dropout.draw_mask(rng, h.shape, self.thresholds[k], out=self.drop[k][:n])
        if sp.issparse(h):
            return sp.csr_matrix(h.multiply(np.where(dropped, 0.0, self.scales[k])))
        out = None if self.H[k] is None else self.H[k][:n]
        return _dropout.apply(h, dropped, self.scales[k], out=out)

    def forward(self, X, coefs, intercepts, rng):
        """Training forward pass (masks drawn from ``rng``); returns the output."""
        n = X.shape[0]
        hidden = ACTIVATIONS[self.activation]
        h = self._drop(0, X, rng) if self.dropping[0] else X
        last = self.n_layers - 2
        for k in range(last + 1):
            self.inputs[k] = h
            z = self.A[k + 1][:n]
            if sp.issparse(h):
                z[...] = _dot(h, coefs[k])
            else:
                np.matmul(h, coefs[k], out=z)
            z += intercepts[k]
            if k < last:
                hidden(z)
                h = self._drop(k + 1, z, rng) if self.dropping[k + 1] else z
            else:
                ACTIVATIONS[self.out_activation](z)
        return self.A[-1][:n]

    def backward(self, y, sample_weight, coefs, coef_grads, intercept_grads):
        """Gradients of the mean (weighted) data loss; call after :meth:`forward`.

        ``delta`` of the output layer is ``(y_pred - y) * s_i / sum(s)`` (the
        canonical link of each loss), so every gradient below is already that
        of the weighted mean over the batch.
        """
        out = self.A[-1]
        n = y.shape[0]
        delta = self.delta[-1][:n]
        np.subtract(out[:n], y, out=delta)
        if sample_weight is None:
            delta *= 1.0 / n
        else:
            delta *= (sample_weight / sample_weight.sum())[:, None].astype(delta.dtype)
        derivative = DERIVATIVES[self.activation]
        for k in range(self.n_layers - 2, -1, -1):
            h = self.inputs[k]
            if sp.issparse(h):
                coef_grads[k][...] = _dot(h.T, delta)
            else:
                np.matmul(h.T, delta, out=coef_grads[k])
            np.sum(delta, axis=0, out=intercept_grads[k])
            if k == 0:
                break
            g = self.delta[k][:n]
            np.matmul(delta, coefs[k].T, out=g)      # dloss / d(input of layer k)
            A = self.A[k][:n]
            if self.dropping[k]:
                if self.H[k] is None:                # ReLU, dropout applied in A
                    derivative(A, g)                 # zeroes dropped units too
                    if self.scales[k] != 1.0:
                        g *= self.scales[k]
                else:
                    _dropout.backward(g, self.drop[k][:n], self.scales[k])
                    derivative(A, g)
            else:
                derivative(A, g)
            delta = g


def max_norm_(coefs, max_norm):
    """Rescale, in place, each hidden unit's incoming weight column to norm <= max_norm."""
    for W in coefs[:-1]:
        norms = np.sqrt(np.einsum("ij,ij->j", W, W))
        too_big = norms > max_norm
        if too_big.any():
            W[:, too_big] *= (max_norm / norms[too_big]).astype(W.dtype)
