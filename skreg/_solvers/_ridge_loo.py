"""Leave-one-out and K-fold Ridge from one spectral decomposition (RidgeCV)."""

import numpy as np

from skreg._solvers._ridge_direct import _eigh, _spectral_filter, thin_svd


class LooDecomposition:
    """One spectral decomposition of the centered design, reused for every alpha.

    With the hat matrix ``H_a = Xc (Xc^T Xc + a I)^{-1} Xc^T`` and ``q`` the
    square roots of the sample weights, the (rescaled) leave-one-out errors of
    ridge with an unpenalized intercept are (Rifkin & Lippert 2007)

        e = (I - H_a) y / (diag(I - H_a) - [(I - H_a) q] * q / sum(q^2)),

    the last term only when an intercept is fitted.  As the weighted centering
    makes ``Xc^T q = 0``, ``H_a q = 0`` and that term is ``q^2 / sum(q^2)``:
    used as such in 'cov' mode (saves a column in the O(n p) per-alpha
    product); the complete modes compute ``(I - H_a) q`` from the
    decomposition (n^2 per alpha, cheap) so that, in float32, the rounding of
    the numerical null direction cancels between both terms.  Modes:

    - ``'gram'`` (n <= p): eigendecomposition ``Xc Xc^T = Q diag(l) Q^T``;
      the basis is complete, so ``(I - H_a) y = Q (a / (l + a) * Q^T y)`` and
      ``diag(I - H_a) = (Q*Q) @ (a / (l + a))`` without cancellation.
    - ``'cov'`` (n > p): eigendecomposition ``Xc^T Xc = V diag(l) V^T`` and,
      once, ``Z = Xc V``: ``diag(H_a) = (Z*Z) @ (1 / (l + a))`` costs O(n p)
      per alpha (scikit-learn redoes O(n p^2) per alpha here), and
      ``H_a y = Xc V (V^T Xc^T y / (l + a))``.  ``Z`` is formed in the first
      chunk's GEMM ``[V | W]^T Xc^T`` (``W`` that chunk's ``V diag(1 / (l +
      a)) V^T Xc^T y``), so that ``H_a y`` costs no second pass over X;
      only ``Z*Z`` (transposed) is kept, in that GEMM's buffer.
    - ``'svd'`` (dense): thin SVD ``Xc = U diag(s) V^T``, l = s^2; complete
      when n <= p.
    """

    def __init__(self, design, Y, mode, *, fit_intercept, sqrt_sw):
        n, p = design.shape
        self.design = design
        self.n, self.p = n, p
        self.mode = mode
        dtype = design.dtype
        q = np.ones(n, dtype=dtype) if sqrt_sw is None else sqrt_sw
        complete = mode == "gram" or (mode == "svd" and n <= p)
        self.q = q if fit_intercept and complete else None
        # cov / tall svd: intercept correction of diag(I - H_a), alpha-free
        self.q_corr = q * q / (q @ q) if fit_intercept and not complete else None
        Yq = self.Yq = np.column_stack([Y, q]) if self.q is not None else Y
        self.t = Y.shape[1]
        if mode == "gram":
            lam, Q = _eigh(design.gram_dual(), overwrite_a=True,
                                       check_finite=False)
            self.Z, self.complete = Q, True
            self.ZtYq = Q.T @ Yq
        elif mode == "cov":
            lam, V = _eigh(design.gram_primal(), overwrite_a=True,
                                       check_finite=False)
            self.V = V
            self.VtXtYq = V.T @ design.rmatmat(Yq)
            self.Z, self.complete = None, False
            # (Xc V)^2, transposed (p, n): formed by the first
            # loo_residuals call, in the same GEMM as that chunk's H_a y
            self.Z2t = None
        elif mode == "svd":
            U, s, Vt = thin_svd(design.make_explicit().X)
            lam = s * s
            self.Z, self.Vt, self.s = U, Vt, s
            self.complete = n <= p
            self.ZtYq = U.T @ Yq
        else:  # pragma: no cover
            raise ValueError(f"Unknown gcv mode {mode!r}")
        self.lam = np.clip(lam, 0, None).astype(dtype)
        if self.Z is not None:
            self.Z2 = self.Z * self.Z

    def loo_residuals(self, alphas):
        """Leave-one-out errors for a chunk of alphas: shape (n, n_alphas, t)."""
        lam = self.lam[:, None]
        A = np.asarray(alphas, dtype=self.lam.dtype)[None, :]
        n, k = self.n, self.Yq.shape[1]
        na = A.shape[1]
        if self.mode == "cov":
            G = 1.0 / (lam + A)  # (p, na)
            # W^T (na k, p) with H_a y = Xc W; every product transposed, one
            # row per alpha (faster GEMMs, see CenteredDesign.matmat_t)
            Wt = (G[:, :, None] * self.VtXtYq[:, None, :]).reshape(self.p, -1).T @ self.V.T
            if self.Z2t is None:
                # one GEMM [V | W]^T Xc^T for Xc V and this chunk's H_a y
                C = self.design.matmat_t(np.concatenate([self.V.T, Wt]))
                Z2t, HYt = C[:self.p], C[self.p:]
                np.square(Z2t, out=Z2t)
                self.Z2t = Z2t
            else:
                HYt = self.design.matmat_t(Wt)
            one_minus_h = (1.0 - G.T @ self.Z2t).T  # (n, na) view
            R = self.Yq[:, None, :] - HYt.reshape(na, k, n).transpose(2, 0, 1)
        else:
            # products transposed (G^T Z^T): Z from LAPACK is Fortran-ordered
            # and this orientation is the faster GEMM for it
            G = A / (lam + A) if self.complete else lam / (lam + A)
            one_minus_h = (G.T @ self.Z2.T).T  # (n, na) view
            Rt = (G[:, :, None] * self.ZtYq[:, None, :]).reshape(lam.shape[0], -1).T @ self.Z.T
            R = Rt.reshape(na, k, n).transpose(2, 0, 1)  # (n, na, k) view
            if not self.complete:
                one_minus_h = 1.0 - one_minus_h
                R = self.Yq[:, None, :] - R
        if self.q_corr is not None:
            one_minus_h -= self.q_corr[:, None]
        if self.q is not None:
            q = self.q
            one_minus_h -= R[:, :, -1] * (q / (q @ q))[:, None]
            R = R[:, :, :-1]
        R /= one_minus_h[:, :, None]
        return R

    def coef(self, alpha):
        """Coefficients (p, t) for per-target alphas (array of length t)."""
        alpha = np.asarray(alpha, dtype=self.lam.dtype)[None, :]
        t = self.t
        if self.mode == "cov":
            return self.V @ (self.VtXtYq[:, :t] / (self.lam[:, None] + alpha))
        if self.mode == "svd":
            F = _spectral_filter(self.s, alpha[0], 1)
            return self.Vt.T @ (F * self.ZtYq[:, :t])
        c = self.Z @ (self.ZtYq[:, :t] / (self.lam[:, None] + alpha))
        return self.design.rmatmat(c)


def ridge_coefs_eigh(design, Y, alphas):
    """Coefficients for every alpha from one eigendecomposition (K-fold CV).

    Returns an array of shape (p, n_alphas, n_targets).  Primal
    ``Xc^T Xc = V diag(l) V^T`` when n >= p, dual ``Xc Xc^T`` otherwise;
    ``1 / (l + a)`` is zeroed for directions numerically in the null space
    when ``a`` is (numerically) zero, giving the minimum-norm solution.
    """
    n, p = design.shape
    A = np.asarray(alphas, dtype=design.dtype)
    na, t = A.shape[0], Y.shape[1]
    if n >= p:
        lam, V = _eigh(design.gram_primal(), overwrite_a=True,
                                   check_finite=False)
        B = V.T @ design.rmatmat(Y)
    else:
        lam, V = _eigh(design.gram_dual(), overwrite_a=True,
                                   check_finite=False)
        B = V.T @ Y
    lam = np.clip(lam, 0, None)
    cutoff = np.finfo(design.dtype).eps * max(n, p) * (lam.max() if lam.size else 0)
    denom = lam[:, None] + A[None, :]
    G = np.where(denom > cutoff, 1.0 / np.where(denom > cutoff, denom, 1), 0)
    G = G.astype(design.dtype)
    W = V @ (G[:, :, None] * B[:, None, :]).reshape(V.shape[1], -1)
    if n < p:
        W = design.rmatmat(W)
    return W.reshape(p, na, t)
