# cython: language_level=3
"""Stochastic average gradient (SAG) and SAGA, compiled and GIL-free.

Minimizes, over weights ``W`` of shape (n_features, n_classes) and an
optional intercept ``b`` (n_classes,),

    (1/n) sum_i s_i loss(x_i W + b, y_i) + alpha/2 ||W||_F^2 + beta ||W||_1,

by drawing samples uniformly with replacement.  Per sample, the gradient of
the loss with respect to its prediction (``n_classes`` scalars, times
``s_i``) is stored; their running sum times ``x_i`` is the average gradient
(SAG: Schmidt, Le Roux & Bach 2013; SAGA: Defazio, Bach & Lacoste-Julien
2014, unbiased, with the L1 proximal step when ``beta > 0``).

How a loss plugs in
-------------------
The kernel sees the loss only through ``_loss_gradient`` (below): given the
``n_classes`` predictions of one sample, its target and weight, write the
``n_classes`` derivatives ``s_i * d loss / d prediction``.  A loss is an
integer code (``LOSS_*``) dispatched inside that one inline function; the
Python entry (``skreg._solvers._sag``) also needs its curvature bound for the
step size (``_LOSSES``).  Losses: squared (Ridge), log (binary logistic, y in
{0, 1}) and multinomial (softmax, y the class index).  The penalty is
``alpha`` (L2, by rescaling the weights) and ``beta`` (L1, soft-thresholding,
SAGA only).

Per-feature penalty factors
---------------------------
With ``l2_fac``/``l1_fac`` given (glmnet's penalty factors), feature j's
penalty is ``alpha l2_fac[j] / 2 ||W_j||^2 + beta l1_fac[j] ||W_j||_1``.  The
common scale ``wscale`` then stays 1: each weight decays by its own
``1 - step alpha l2_fac[j]`` per step, applied step by step in the just-in-time
catch-up (one step per sample for dense data; a loop over the missed steps
for sparse data, whose cost grows with the lag).  SAGA's correction is
divided by that decay so that the step is the same as with ``wscale``.

Precision
---------
The weights, the intercept, the gradient memory and all running sums are
float64 whatever X's dtype (float32 X is read as it is, never copied).

Sparse updates
--------------
The average-gradient step touches every weight, but a sample only changes
the running sums of its non-zero features.  So every weight is updated "just
in time", when a sample touches it (or at the end of an epoch): the steps it
missed are the partial sums of ``step / (wscale * n_seen)`` since its last
update (``cum``), and of ``step * beta / wscale`` for the L1 part
(``cum_prox``).  The L2 shrinkage is a common scalar ``wscale`` (the stored
``v`` is ``W / wscale``), folded back into the weights at the end of every
epoch or when it underflows.  Dense X without penalty factors touches every
feature at every sample, so all weights share one lag of one step: that
catch-up (``_catch_up_shared``) and the sum updates run as flat loops, with
the same arithmetic as the general ones (the results are bit-identical).

Stopping
--------
After each epoch: ``max |W - W_prev| <= tol * max |W|`` (scikit-learn's
rule), or all weights zero and unchanged.
"""

from libc.math cimport exp, fabs, isfinite
from libc.stdint cimport uint64_t
from cython cimport floating

import numpy as np


# Loss codes.  Adding a loss = a code here, a branch in _loss_gradient and
# its curvature bound in skreg._solvers._sag._LOSSES.
LOSS_SQUARED = 0
LOSS_LOG = 1
LOSS_MULTINOMIAL = 2
cdef enum:
    _SQUARED = 0
    _LOG = 1
    _MULTINOMIAL = 2


cdef inline void _loss_gradient(int loss, const double* pred, double y,
                                double sw, double* out, int n_classes) noexcept nogil:
    """``out[k] = sw * d loss(pred, y) / d pred[k]`` for one sample.

    Squared loss 0.5 (pred - y)^2: ``sw * (pred - y)``.  Log loss
    log(1 + e^pred) - y pred: ``sw * (sigmoid(pred) - y)``.  Multinomial
    logsumexp(pred) - pred[y]: ``sw * (softmax(pred)[k] - [k == y])``.
    """
    cdef int k, c
    cdef double m, s, e
    if loss == _SQUARED:
        out[0] = sw * (pred[0] - y)
    elif loss == _LOG:
        if pred[0] >= 0:
            e = exp(-pred[0])
            out[0] = sw * (1.0 / (1.0 + e) - y)
        else:
            e = exp(pred[0])
            out[0] = sw * (e / (1.0 + e) - y)
    else:
        c = <int>y
        m = pred[0]
        for k in range(1, n_classes):
            if pred[k] > m:
                m = pred[k]
        s = 0
        for k in range(n_classes):
            out[k] = exp(pred[k] - m)
            s += out[k]
        for k in range(n_classes):
            out[k] = sw * (out[k] / s - (1.0 if k == c else 0.0))


cdef inline double _soft(double x, double t) noexcept nogil:
    if x > t:
        return x - t
    if x < -t:
        return x + t
    return 0


cdef inline uint64_t _next(uint64_t* state) noexcept nogil:
    """xorshift64* pseudo-random numbers (Vigna 2016)."""
    cdef uint64_t x = state[0]
    x ^= x >> 12
    x ^= x << 25
    x ^= x >> 27
    state[0] = x
    return x * <uint64_t>2685821657736338717


cdef inline int _draw(uint64_t* state, int n) noexcept nogil:
    """Uniform integer in [0, n) (53 random bits; bias below 2^-30)."""
    return <int>((_next(state) >> 11) * (1.0 / 9007199254740992.0) * n)


cdef inline double _lagged(double w, double g, int h, int upto, const double* cum,
                           const double* cum_prox, bint prox, double f1) noexcept nogil:
    """One weight, without its own decay, brought from step ``h`` to ``upto``."""
    cdef double c, cp, ck, cpk
    cdef int t
    c = cum[upto - 1]
    if h > 0:
        c = c - cum[h - 1]
    if not prox or f1 == 0:
        return w - c * g
    cp = cum_prox[upto - 1]
    if h > 0:
        cp = cp - cum_prox[h - 1]
    cp = cp * f1
    if fabs(g * c) < cp:
        # drift smaller than the shrinkage: steps and thresholds
        # commute (exact while n_seen is constant over the lag)
        return _soft(w - c * g, cp)
    for t in range(h, upto):
        if t > 0:
            ck = cum[t] - cum[t - 1]
            cpk = cum_prox[t] - cum_prox[t - 1]
        else:
            ck = cum[0]
            cpk = cum_prox[0]
        w = _soft(w - ck * g, cpk * f1)
    return w


cdef int _catch_up(double* v, int n_classes, const int* feats, int n_feats,
                   bint all_feats, int upto, const double* cum,
                   const double* cum_prox, int* hist, bint prox,
                   const double* sum_grad, bint factors, const double* dec,
                   const double* l1f) noexcept nogil:
    """Apply to the listed features the steps ``hist[j] .. upto - 1`` they
    missed, and set ``hist[j] = upto``.  With ``factors``, feature j decays
    by ``dec[j]`` per step and its L1 threshold is scaled by ``l1f[j]``.
    Returns -1 on a non-finite weight."""
    cdef int jj, j, k, idx, t
    cdef double d, f1, w, g, ck, cpk
    for jj in range(n_feats):
        j = jj if all_feats else feats[jj]
        if hist[j] >= upto:
            continue
        d = dec[j] if factors else 1.0
        f1 = l1f[j] if factors else 1.0
        for k in range(n_classes):
            idx = j * n_classes + k
            g = sum_grad[idx]
            if d == 1.0:
                v[idx] = _lagged(v[idx], g, hist[j], upto, cum, cum_prox, prox, f1)
            else:
                w = v[idx]
                for t in range(hist[j], upto):
                    if t > 0:
                        ck = cum[t] - cum[t - 1]
                        cpk = cum_prox[t] - cum_prox[t - 1]
                    else:
                        ck = cum[0]
                        cpk = cum_prox[0]
                    w = d * w - ck * g
                    if prox:
                        w = _soft(w, cpk * f1)
                v[idx] = w
            if not isfinite(v[idx]):
                return -1
        hist[j] = upto
    return 0


cdef int _catch_up_shared(double* v, int n_weights, int h, int upto,
                          const double* cum, const double* cum_prox, bint prox,
                          const double* sum_grad) noexcept nogil:
    """:func:`_catch_up` when every weight was last updated at step ``h =
    upto - 1`` and has no factors (dense X): the one missed step is the same
    for all, ``_lagged``'s arithmetic with ``c`` and the threshold computed
    once (for a lag of one step both of ``_lagged``'s prox branches are
    ``_soft(w - c g, cp)``).  Returns -1 on a non-finite weight."""
    cdef int idx
    cdef double c, cp
    cdef bint bad = False
    c = cum[upto - 1]
    if h > 0:
        c = c - cum[h - 1]
    if prox:
        cp = cum_prox[upto - 1]
        if h > 0:
            cp = cp - cum_prox[h - 1]
        for idx in range(n_weights):
            v[idx] = _soft(v[idx] - c * sum_grad[idx], cp)
            bad = bad | (not isfinite(v[idx]))
    else:
        for idx in range(n_weights):
            v[idx] = v[idx] - c * sum_grad[idx]
            bad = bad | (not isfinite(v[idx]))
    return -1 if bad else 0


cdef int _fold_scale(double* v, double* wscale, int n_features,
                     int n_classes) noexcept nogil:
    """W = wscale * v into v; wscale = 1."""
    cdef int idx
    for idx in range(n_features * n_classes):
        v[idx] *= wscale[0]
        if not isfinite(v[idx]):
            return -1
    wscale[0] = 1
    return 0


def sag_kernel(const floating[::1] data, const int[::1] indices,
               const int[::1] indptr, bint dense, int n_samples, int n_features,
               const double[::1] y, const double[::1] sample_weight,
               double[:, ::1] coef, double[::1] intercept,
               int loss, double step, double alpha, double beta,
               double tol, int max_iter, uint64_t seed, bint saga,
               bint fit_intercept, double intercept_decay,
               const double[::1] l2_fac, const double[::1] l1_fac,
               double[::1] grad_mem, double[::1] sum_grad, double[::1] isum_grad,
               signed char[::1] seen, int n_seen):
    """Run SAG/SAGA epochs from ``coef``/``intercept`` (updated in place).

    ``dense``: ``data`` is the C-ordered (n_samples, n_features) matrix,
    raveled; else CSR arrays.  ``y`` has one target per sample (a class
    index for a multi-class loss).  ``l2_fac``/``l1_fac`` are per-feature
    penalty factors (both empty: none).  The SAG memory (``grad_mem``
    (n_samples * n_classes), ``sum_grad`` (n_features * n_classes),
    ``isum_grad`` (n_classes), ``seen`` (n_samples) and ``n_seen``) is read
    and updated in place: zeros for a fresh start, a previous call's for a
    warm one.  Returns ``(n_epochs, status, n_seen)``; status -1 means a
    weight or the intercept became non-finite.
    """
    cdef int n_classes = coef.shape[1]
    cdef double[::1] prev = np.array(np.asarray(coef).ravel())
    cdef double[::1] cum = np.zeros(n_samples)
    cdef double[::1] cum_prox = np.zeros(n_samples)
    cdef double[::1] pred = np.zeros(n_classes)
    cdef double[::1] grad = np.zeros(n_classes)
    cdef double[::1] dg_mem = np.zeros(n_classes)
    cdef double* dg = &dg_mem[0]
    cdef int[::1] hist = np.zeros(n_features, dtype=np.int32)
    cdef bint factors = l2_fac.shape[0] > 0
    cdef double[::1] dec = np.ones(n_features)
    cdef double[::1] l1f = np.ones(n_features)

    cdef double* v = &coef[0, 0]
    cdef double wscale = 1
    cdef double decay = 1 - step * alpha
    cdef bint prox = saga and beta > 0
    # dense X without factors: one lag for every feature, branch-free loops
    cdef bint shared = dense and l2_fac.shape[0] == 0
    cdef uint64_t state = seed * <uint64_t>0x9E3779B97F4A7C15 + 1
    cdef int epoch = 0, it, i, jj, j, k, idx, nnz, start, status = 0
    cdef const floating* xrow
    cdef const int* xind
    cdef double acc, corr, x, w_max, change, c_step, saga_f, unbias
    cdef int n_epochs = 0

    if factors:
        for j in range(n_features):
            dec[j] = 1 - step * alpha * l2_fac[j]
            l1f[j] = l1_fac[j]
        decay = 1  # no common shrinkage: each feature decays on its own

    with nogil:
        for epoch in range(max_iter):
            for it in range(n_samples):
                i = _draw(&state, n_samples)
                if dense:
                    xrow = &data[0] + <Py_ssize_t>i * n_features
                    xind = NULL
                    nnz = n_features
                else:
                    start = indptr[i]
                    nnz = indptr[i + 1] - start
                    xrow = &data[0] + start if nnz > 0 else NULL
                    xind = &indices[0] + start if nnz > 0 else NULL
                if seen[i] == 0:
                    seen[i] = 1
                    n_seen += 1
                # just-in-time: the steps this sample's features missed
                if it > 0 and nnz > 0:
                    if shared and hist[0] == it - 1:
                        status = _catch_up_shared(v, n_features * n_classes, it - 1,
                                                  it, &cum[0], &cum_prox[0], prox,
                                                  &sum_grad[0])
                        for j in range(n_features):
                            hist[j] = it
                    else:
                        status = _catch_up(v, n_classes, xind, nnz, dense, it,
                                           &cum[0], &cum_prox[0], &hist[0], prox,
                                           &sum_grad[0], factors, &dec[0], &l1f[0])
                    if status < 0:
                        break
                for k in range(n_classes):
                    acc = 0
                    if dense:
                        for jj in range(nnz):
                            acc = acc + xrow[jj] * v[jj * n_classes + k]
                    else:
                        for jj in range(nnz):
                            acc = acc + xrow[jj] * v[xind[jj] * n_classes + k]
                    pred[k] = wscale * acc + intercept[k]
                _loss_gradient(loss, &pred[0], y[i], sample_weight[i], &grad[0],
                               n_classes)
                wscale *= decay  # the L2 part of this step
                for k in range(n_classes):
                    dg[k] = grad[k] - grad_mem[i * n_classes + k]
                if shared:
                    # dense, no factors: the loop below without its branches
                    unbias = 1 - 1.0 / n_seen
                    if saga:
                        for jj in range(nnz):
                            x = xrow[jj]
                            for k in range(n_classes):
                                idx = jj * n_classes + k
                                corr = x * dg[k]
                                v[idx] -= corr * step * unbias / wscale
                                sum_grad[idx] += corr
                    else:
                        for jj in range(nnz):
                            x = xrow[jj]
                            for k in range(n_classes):
                                sum_grad[jj * n_classes + k] += x * dg[k]
                else:
                    for jj in range(nnz):
                        j = jj if dense else xind[jj]
                        x = xrow[jj]
                        saga_f = dec[j] if factors else 1.0
                        for k in range(n_classes):
                            idx = j * n_classes + k
                            corr = x * dg[k]
                            if saga:
                                # SAGA's unbiasing term (the average-gradient part
                                # is applied just in time)
                                if factors:
                                    v[idx] -= corr * step * (1 - 1.0 / n_seen) / saga_f
                                else:
                                    v[idx] -= corr * step * (1 - 1.0 / n_seen) / wscale
                            sum_grad[idx] += corr
                if fit_intercept:
                    for k in range(n_classes):
                        corr = grad[k] - grad_mem[i * n_classes + k]
                        isum_grad[k] += corr
                        intercept[k] -= step * isum_grad[k] / n_seen * intercept_decay
                        if saga:
                            intercept[k] -= corr * step * (1 - 1.0 / n_seen)
                        if not isfinite(intercept[k]):
                            status = -1
                    if status < 0:
                        break
                for k in range(n_classes):
                    grad_mem[i * n_classes + k] = grad[k]
                c_step = step / (wscale * n_seen)
                cum[it] = c_step if it == 0 else cum[it - 1] + c_step
                if prox:
                    c_step = step * beta / wscale
                    cum_prox[it] = c_step if it == 0 else cum_prox[it - 1] + c_step
                if wscale < 1e-9:
                    # fold the shrinkage back in before it underflows
                    status = _catch_up(v, n_classes, NULL, n_features, True, it + 1,
                                       &cum[0], &cum_prox[0], &hist[0], prox,
                                       &sum_grad[0], factors, &dec[0], &l1f[0])
                    if status < 0:
                        break
                    status = _fold_scale(v, &wscale, n_features, n_classes)
                    if status < 0:
                        break
            if status < 0:
                break
            # end of epoch: every weight up to date, shrinkage folded in
            status = _catch_up(v, n_classes, NULL, n_features, True, n_samples,
                               &cum[0], &cum_prox[0], &hist[0], prox, &sum_grad[0],
                               factors, &dec[0], &l1f[0])
            if status < 0:
                break
            status = _fold_scale(v, &wscale, n_features, n_classes)
            if status < 0:
                break
            for j in range(n_features):
                hist[j] = 0
            n_epochs = epoch + 1
            w_max = 0
            change = 0
            for idx in range(n_features * n_classes):
                w_max = max(w_max, fabs(v[idx]))
                change = max(change, fabs(v[idx] - prev[idx]))
                prev[idx] = v[idx]
            if (w_max != 0 and change / w_max <= tol) or (w_max == 0 and change == 0):
                break
    if status < 0:
        n_epochs = epoch + 1
    return n_epochs, status, n_seen
