# The X kernel's entry points (included by _cd_fast.pyx, whose loop they call):
# the penalties' parameters, the options and a path's buffers, checked.

# --- entry points -------------------------------------------------------------------

cdef floating* _buf_ptr(floating[::1] buf, Py_ssize_t size, str name):
    """A caller's state buffer of the given length, or NULL for None."""
    if buf is None:
        return NULL
    if buf.shape[0] != size:
        raise ValueError(f"{name} must have length {size}")
    return &buf[0]


cdef inline const floating* _ptr_or_null(const floating[::1] a) noexcept nogil:
    return &a[0] if a.shape[0] > 0 else NULL


cdef object _solve_enet(Layout* L, const floating* xv, const floating* sw,
                        const floating* xm, const floating[::1] y, floating[::1] w,
                        double alpha, double beta, const double[::1] penalty_factor,
                        Py_ssize_t max_iter, double tol, object rng, dict options):
    """The elastic net's penalty and the options, then :func:`_cd_solve`."""
    cdef EnetPenalty P
    if L.n_samples == 0 or L.n_features == 0:
        return np.asarray(w), 0.0, 0.0, 0
    if penalty_factor.shape[0] != L.n_features:
        raise ValueError(f"penalty_factor must have length {L.n_features}")
    P.alpha = alpha
    P.beta = beta
    P.pf = &penalty_factor[0]
    P.positive = options.get("positive", False)
    return _solve(L, xv, sw, xm, y, w, &P, max_iter, tol, rng, options)


cdef object _solve(Layout* L, const floating* xv, const floating* sw,
                   const floating* xm, const floating[::1] y, floating[::1] w,
                   const penalty_t* P, Py_ssize_t max_iter, double tol, object rng,
                   dict options):
    """The options and a path's buffers (sized by the block T), then :func:`_cd_solve`."""
    cdef Options opt
    cdef Py_ssize_t T = pen_block(P)
    cdef floating[::1] col_stats = options.get("col_stats")
    cdef floating[::1] dual_u = options.get("dual_u")
    cdef floating[::1] dual_corr = options.get("dual_corr")
    cdef floating[::1] w_pred = options.get("w_pred")
    cdef floating[::1] xty = options.get("col_xty")
    if y.shape[0] != L.n_samples * T or w.shape[0] != L.n_features * T:
        raise ValueError(f"y and w must have lengths {L.n_samples * T} and "
                         f"{L.n_features * T}")
    opt.max_iter = max_iter
    opt.tol = tol
    opt.dw_tol = options.get("dw_tol", -1.0)
    opt.random = options.get("random", False)
    opt.screening = options.get("screening", True)
    opt.working_set = options.get("working_set", True)
    opt.anderson = options.get("anderson", True)
    opt.dual_extrapolation = options.get("dual_extrapolation", True)
    opt.verbose = options.get("verbose", False)
    opt.cycling = options.get("cycling", True)
    opt.stats_known = options.get("col_stats_known", False) and col_stats is not None
    opt.dual_known = options.get("dual_known", False) and dual_u is not None
    return _cd_solve(L, xv, sw, xm, &y[0], w, P, &opt, rng,
                     _buf_ptr(col_stats, 2 * L.n_features, "col_stats"),
                     _buf_ptr(dual_u, L.n_samples * T, "dual_u"),
                     _buf_ptr(dual_corr, L.n_features * T, "dual_corr"),
                     _buf_ptr(w_pred, L.n_features * T, "w_pred"),
                     _buf_ptr(xty, L.n_features, "col_xty") if opt.stats_known else NULL,
                     options.get("state_in"), options.get("state_out"))


def dense_col_stats(const floating[::1, :] X, const floating[::1] y,
                    floating[::1] stats, floating[::1] xty):
    """The column pass of a cold start on dense unweighted X, with the means.

    Fills ``stats`` (2 p: column sums, then centred squared norms) and
    ``xty`` (p: x_j^T y) as :func:`enet_cd_dense` would from its first read
    of X, and returns the column means (numpy's pairwise sums, the values of
    ``X.mean(axis=0)``), all from one read of each column.  Handed to the
    kernel as ``col_stats`` (known) and ``col_xty``, they save it the pass
    over X that the means would otherwise cost first.
    """
    if floating is float:
        dtype = np.float32
    else:
        dtype = np.float64
    cdef Py_ssize_t n = X.shape[0], p = X.shape[1]
    if y.shape[0] != n or stats.shape[0] != 2 * p or xty.shape[0] != p:
        raise ValueError(f"y, stats and xty must have lengths {n}, {2 * p} and {p}")
    cdef floating[::1] xm = np.zeros(p, dtype=dtype)
    cdef floating[::1] ones = np.ones(n, dtype=dtype)
    cdef Layout L = _layout(n, p, NULL, NULL, False, True)
    if n > 0 and p > 0:
        with nogil:
            _dense_stats(&L, &X[0, 0], &y[0], &xm[0], &stats[0], &xty[0], &ones[0])
    return np.asarray(xm)


def sparse_col_stats(const floating[::1] data, const int32_t[::1] indices,
                     const int32_t[::1] indptr, Py_ssize_t n_samples,
                     const floating[::1] y, floating[::1] stats, floating[::1] xty):
    """:func:`dense_col_stats` for an unweighted CSC X (``data``, ``indices``,
    ``indptr``): the means (column sums over ``n_samples``), the statistics
    and x_j^T y from one read of the stored values."""
    if floating is float:
        dtype = np.float32
    else:
        dtype = np.float64
    cdef Py_ssize_t p = indptr.shape[0] - 1
    if (y.shape[0] != n_samples or stats.shape[0] != 2 * p or xty.shape[0] != p
            or indices.shape[0] != data.shape[0]):
        raise ValueError(f"y, stats and xty must have lengths {n_samples}, {2 * p} "
                         f"and {p}, indices that of data")
    cdef floating[::1] xm = np.zeros(p, dtype=dtype)
    cdef Layout L = _layout(n_samples, p, &indices[0] if indices.shape[0] else NULL,
                            &indptr[0], False, True)
    if n_samples > 0 and p > 0:
        with nogil:
            _sparse_stats(&L, &data[0] if data.shape[0] else NULL, &y[0], &xm[0],
                          &stats[0], &xty[0])
    return np.asarray(xm)


def enet_cd_dense(floating[::1] w, double alpha, double beta,
                  const floating[::1, :] X, const floating[::1] y,
                  const floating[::1] sample_weight, const floating[::1] X_mean,
                  const double[::1] penalty_factor, Py_ssize_t max_iter,
                  double tol, object rng, **options):
    """Coordinate descent on a dense Fortran-ordered X (see the module docstring).

    ``sample_weight`` and ``X_mean`` may be empty (no weights, no centering);
    ``penalty_factor`` (float64) has one entry per feature.  ``w`` is updated
    in place.  ``options``: the flags ``random``, ``positive``, ``screening``,
    ``working_set``, ``anderson``, ``verbose``, ``cycling``; ``dw_tol``
    (default -1, off): stop only once the last sweep's largest update is
    also <= dw_tol * max|w|, scikit-learn's second test; and a path's
    state: ``col_stats`` (length 2 p) receives the column statistics, or
    provides them when ``col_stats_known``; ``dual_u`` (n) and ``dual_corr``
    (p) carry the best Lasso dual point and its correlations X~^T u from one
    call to the next (read when ``dual_known``, written by every Lasso call);
    ``w_pred`` is an alternative start, used instead of ``w`` if its
    objective is lower (a path's extrapolated prediction).

    Returns
    -------
    w, gap, tol_abs, n_iter : the solution, the final duality gap, the
        absolute tolerance tol * y^T S y and the number of epochs.
    """
    cdef Layout L = _layout(X.shape[0], X.shape[1], NULL, NULL,
                            sample_weight.shape[0] > 0, X_mean.shape[0] > 0)
    return _solve_enet(&L, &X[0, 0] if X.shape[0] * X.shape[1] > 0 else NULL,
                       _ptr_or_null(sample_weight), _ptr_or_null(X_mean), y, w, alpha,
                       beta, penalty_factor, max_iter, tol, rng, options)


def enet_cd_sparse(floating[::1] w, double alpha, double beta,
                   const floating[::1] X_data, const int32_t[::1] X_indices,
                   const int32_t[::1] X_indptr, const floating[::1] y,
                   const floating[::1] sample_weight, const floating[::1] X_mean,
                   const double[::1] penalty_factor, Py_ssize_t max_iter,
                   double tol, object rng, **options):
    """Coordinate descent on a CSC X given by (data, indices, indptr).

    The centered design X - 1 X_mean^T is never formed.  Same arguments and
    returns as :func:`enet_cd_dense`.
    """
    cdef Layout L = _layout(y.shape[0], X_indptr.shape[0] - 1,
                            &X_indices[0] if X_indices.shape[0] > 0 else NULL,
                            &X_indptr[0], sample_weight.shape[0] > 0,
                            X_mean.shape[0] > 0)
    return _solve_enet(&L, _ptr_or_null(X_data), _ptr_or_null(sample_weight),
                       _ptr_or_null(X_mean), y, w, alpha, beta, penalty_factor,
                       max_iter, tol, rng, options)


# --- multi-task (L2,1) entry points ---------------------------------------------

cdef object _solve_l21(Layout* L, const floating* xv, const floating* sw,
                       const floating* xm, const floating[::1] y, floating[::1] w,
                       double alpha, double beta, const double[::1] penalty_factor,
                       Py_ssize_t n_tasks, Py_ssize_t max_iter, double tol, object rng,
                       dict options):
    """The L2,1 penalty (blocks of n_tasks), then the same loop :func:`_cd_solve`."""
    cdef L21Penalty P
    if L.n_samples == 0 or L.n_features == 0 or n_tasks == 0:
        return np.asarray(w), 0.0, 0.0, 0
    if penalty_factor.shape[0] != L.n_features:
        raise ValueError(f"penalty_factor must have length {L.n_features}")
    P.alpha = alpha
    P.beta = beta
    P.pf = &penalty_factor[0]
    P.n_tasks = n_tasks
    return _solve(L, xv, sw, xm, y, w, &P, max_iter, tol, rng, options)


def l21_cd_dense(floating[::1] w, double alpha, double beta,
                 const floating[::1, :] X, const floating[::1] Y, Py_ssize_t n_tasks,
                 const floating[::1] sample_weight, const floating[::1] X_mean,
                 const double[::1] penalty_factor, Py_ssize_t max_iter,
                 double tol, object rng, **options):
    """Block coordinate descent for the multi-task (L2,1) problem on a dense X.

    Minimises 1/2 sum_t sum_i s_i (Y_it - (x_i - m) @ W_t)^2
    + sum_j pf_j (alpha ||W_j||_2 + beta / 2 ||W_j||_2^2).  ``w`` is W
    (p x n_tasks) row-major, flattened, updated in place; ``Y`` the targets
    task-major (n_tasks x n), flattened.  Options, state buffers (sized
    n n_tasks and p n_tasks) and returns as :func:`enet_cd_dense`;
    ``positive`` does not apply.
    """
    cdef Layout L = _layout(X.shape[0], X.shape[1], NULL, NULL,
                            sample_weight.shape[0] > 0, X_mean.shape[0] > 0)
    return _solve_l21(&L, &X[0, 0] if X.shape[0] * X.shape[1] > 0 else NULL,
                      _ptr_or_null(sample_weight), _ptr_or_null(X_mean), Y, w, alpha,
                      beta, penalty_factor, n_tasks, max_iter, tol, rng, options)


def l21_cd_sparse(floating[::1] w, double alpha, double beta,
                  const floating[::1] X_data, const int32_t[::1] X_indices,
                  const int32_t[::1] X_indptr, Py_ssize_t n_samples,
                  const floating[::1] Y, Py_ssize_t n_tasks,
                  const floating[::1] sample_weight, const floating[::1] X_mean,
                  const double[::1] penalty_factor, Py_ssize_t max_iter,
                  double tol, object rng, **options):
    """:func:`l21_cd_dense` on a CSC X given by (data, indices, indptr)."""
    cdef Layout L = _layout(n_samples, X_indptr.shape[0] - 1,
                            &X_indices[0] if X_indices.shape[0] > 0 else NULL,
                            &X_indptr[0], sample_weight.shape[0] > 0,
                            X_mean.shape[0] > 0)
    return _solve_l21(&L, _ptr_or_null(X_data), _ptr_or_null(sample_weight),
                      _ptr_or_null(X_mean), Y, w, alpha, beta, penalty_factor,
                      n_tasks, max_iter, tol, rng, options)


def _select_smallest_py(const int32_t[::1] active, const double[::1] score, Py_ssize_t k):
    """Test hook for the working-set selection (see :func:`_select_smallest`)."""
    cdef Py_ssize_t n = active.shape[0]
    if not 0 < k <= n:
        raise ValueError(f"k must be in [1, {n}], got {k}")
    cdef double[::1] scratch = np.empty(n)
    cdef int32_t[::1] out = np.empty(k, dtype=np.int32)
    _select_smallest(&active[0], n, &score[0], k, &scratch[0], &out[0])
    return np.asarray(out)
