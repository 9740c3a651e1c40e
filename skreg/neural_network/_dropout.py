"""Dropout as four small pure functions: draw a mask, apply it, back-propagate
through it, and the inference-time scale.

Notation: a layer output ``h`` of shape (n_rows, n_units), a drop rate ``r``,
the keep probability ``keep = 1 - r`` and a Bernoulli(keep) mask ``m``.

- ``'inverted'`` dropout trains on ``h * m / keep`` and uses ``h`` at inference;
- ``'standard'`` dropout trains on ``h * m`` and uses ``keep * h`` at inference.

Both give the next layer the same expected input, since E[m] = keep.

Masks come from 16 random bits per unit: a unit is kept when its bits, read as
an integer u in [0, 65536), satisfy ``u < threshold`` with
``threshold = round(keep * 65536)``.  The keep probability actually used is
therefore ``threshold / 65536`` (the requested one rounded to a multiple of
2**-16, an error below 8e-6), and that exact value is used for the training
and inference scales, so the expectations above hold exactly.  Drawing the
bits with ``Generator.bit_generator.random_raw`` (four units per 64-bit draw)
costs about a quarter of ``Generator.random(dtype=float32)``.
"""

import numpy as np

_BITS = 16
_LEVELS = 1 << _BITS


def keep_threshold(rate):
    """Return ``(threshold, keep)``: the integer threshold and exact keep probability.

    Parameters
    ----------
    rate : float in [0, 1)
        Probability of dropping a unit.

    Returns
    -------
    threshold : int
        A unit is kept when its 16 random bits are below ``threshold``.
    keep : float
        The keep probability ``threshold / 2**16`` (1.0 when ``rate == 0``).
    """
    if rate <= 0:
        return _LEVELS, 1.0
    threshold = int(round((1.0 - rate) * _LEVELS))
    threshold = min(max(threshold, 1), _LEVELS)   # rate < 2**-17 rounds to no dropout
    return threshold, threshold / _LEVELS


def draw_mask(rng, shape, threshold, out=None):
    """Draw a boolean mask of the units to *drop* (True = dropped).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the random bits.
    shape : tuple of int
        Shape of the layer output.
    threshold : int
        From :func:`keep_threshold`; P(kept) = threshold / 2**16.
    out : ndarray of bool, optional
        Contiguous buffer of ``shape`` to write the mask into.

    Returns
    -------
    dropped : ndarray of bool of ``shape``
    """
    n = int(np.prod(shape))
    bits = rng.bit_generator.random_raw((n + 3) // 4).view(np.uint16)[:n]
    return np.greater_equal(bits.reshape(shape), threshold, out=out)


def apply(h, dropped, scale, out=None):
    """Forward pass of dropout: ``h * scale`` with dropped units set to 0.

    ``scale`` is ``1 / keep`` in inverted mode and 1 in standard mode.  With
    ``out=None`` ``h`` is modified in place (and returned).
    """
    if out is None:
        out = h
        if scale != 1.0:
            out *= scale
    elif scale != 1.0:
        np.multiply(h, scale, out=out)
    else:
        np.copyto(out, h)
    out[dropped] = 0
    return out


def backward(grad, dropped, scale):
    """Backward pass of dropout, in place: ``grad * scale`` with dropped units 0.

    The Jacobian of :func:`apply` is diagonal with entries ``scale * m``.
    """
    grad[dropped] = 0
    if scale != 1.0:
        grad *= scale
    return grad


def train_scale(keep, mode):
    """Scale of the surviving units during training: 1 / keep (inverted) or 1."""
    return 1.0 / keep if mode == "inverted" else 1.0


def inference_scale(keep, mode):
    """Scale of a dropped layer's output at inference: keep (standard) or 1."""
    return keep if mode == "standard" else 1.0
