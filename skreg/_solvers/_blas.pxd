# Tiny fused wrappers over scipy's Cython BLAS: one name per operation, the
# float32 / float64 routine picked at compile time from the fused type.
#
# The kernels' calls never run threaded BLAS: a coordinate update or a gap is
# far too small for threads to pay, and a threaded call stalls whenever
# another process holds a core.  OpenBLAS
# threads dot/axpy above 10000 elements and gemv above m * n = 9216 (its
# GEMM_MULTITHREAD_THRESHOLD rule), so _dot and _axpy work in chunks of
# _CHUNK and _gemv_t_1t in column blocks below that size.  (MKL-type
# libraries thread by the same kind of size rule.)
from cython cimport floating
from scipy.linalg.cython_blas cimport (
    dasum, daxpy, ddot, dgemv, dnrm2, sasum, saxpy, sdot, sgemv, snrm2,
)


cdef enum:
    _CHUNK = 8192           # elements per single-threaded level-1 call
    _GEMV_1T = 9216         # gemv with m * n below this runs on one thread


cdef inline floating _dot(int n, const floating* x, const floating* y) noexcept nogil:
    """x @ y for contiguous vectors (single-threaded: chunks of _CHUNK)."""
    cdef int inc = 1, k = 0, c
    cdef floating acc = 0.0
    while k < n:
        c = min(<int> _CHUNK, n - k)
        if floating is float:
            acc += sdot(&c, <float*> x + k, &inc, <float*> y + k, &inc)
        else:
            acc += ddot(&c, <double*> x + k, &inc, <double*> y + k, &inc)
        k += c
    return acc


cdef inline void _axpy(int n, floating a, const floating* x, floating* y) noexcept nogil:
    """y += a * x for contiguous vectors (single-threaded: chunks of _CHUNK)."""
    cdef int inc = 1, k = 0, c
    while k < n:
        c = min(<int> _CHUNK, n - k)
        if floating is float:
            saxpy(&c, &a, <float*> x + k, &inc, y + k, &inc)
        else:
            daxpy(&c, &a, <double*> x + k, &inc, y + k, &inc)
        k += c


cdef inline floating _asum(int n, const floating* x) noexcept nogil:
    """sum(|x|) for a contiguous vector."""
    cdef int inc = 1
    if floating is float:
        return sasum(&n, <float*> x, &inc)
    else:
        return dasum(&n, <double*> x, &inc)


cdef inline floating _nrm2(int n, const floating* x) noexcept nogil:
    """||x||_2 for a contiguous vector."""
    cdef int inc = 1
    if floating is float:
        return snrm2(&n, <float*> x, &inc)
    else:
        return dnrm2(&n, <double*> x, &inc)


cdef inline void _gemv_t(int m, int n, floating alpha, const floating* A, int lda,
                         const floating* x, floating beta, floating* y) noexcept nogil:
    """y = alpha * A.T @ x + beta * y, A column-major (m, n) with leading dim lda."""
    cdef int inc = 1
    cdef char trans = b"T"
    if floating is float:
        sgemv(&trans, &m, &n, &alpha, <float*> A, &lda, <float*> x, &inc, &beta, y, &inc)
    else:
        dgemv(&trans, &m, &n, &alpha, <double*> A, &lda, <double*> x, &inc, &beta, y, &inc)


cdef inline void _gemv_n(int m, int n, floating alpha, const floating* A, int lda,
                         const floating* x, floating beta, floating* y) noexcept nogil:
    """y = alpha * A @ x + beta * y, A column-major (m, n) with leading dim lda."""
    cdef int inc = 1
    cdef char trans = b"N"
    if floating is float:
        sgemv(&trans, &m, &n, &alpha, <float*> A, &lda, <float*> x, &inc, &beta, y, &inc)
    else:
        dgemv(&trans, &m, &n, &alpha, <double*> A, &lda, <double*> x, &inc, &beta, y, &inc)


cdef inline void _gemv_t_1t(int m, int n, const floating* A, int lda, const floating* x,
                            floating* y) noexcept nogil:
    """y = A.T @ x, A column-major (m, n), on one thread.

    Column blocks small enough for OpenBLAS to run each gemv single-threaded
    (m * nb < _GEMV_1T); columns longer than that by chunked dots.
    """
    cdef int j = 0, nb
    if m >= _GEMV_1T:
        for j in range(n):
            y[j] = _dot(m, A + <Py_ssize_t> j * lda, x)
        return
    nb = max(1, (<int> _GEMV_1T - 1) // max(m, 1))
    while j < n:
        _gemv_t(m, min(nb, n - j), <floating> 1.0, A + <Py_ssize_t> j * lda, lda, x,
                <floating> 0.0, y + j)
        j += nb


cdef inline void _gemv2_t_1t(int m, int n, const floating* A, int lda, const floating* x1,
                             floating* y1, const floating* x2,
                             floating* y2) noexcept nogil:
    """y1 = A.T @ x1 and y2 = A.T @ x2 on one thread, streaming A once.

    The column blocks (or columns) of :func:`_gemv_t_1t`, so each product is
    computed exactly as there; the second reads the block back from cache.
    """
    cdef int j = 0, nb
    if m >= _GEMV_1T:
        for j in range(n):
            y1[j] = _dot(m, A + <Py_ssize_t> j * lda, x1)
            y2[j] = _dot(m, A + <Py_ssize_t> j * lda, x2)
        return
    nb = max(1, (<int> _GEMV_1T - 1) // max(m, 1))
    while j < n:
        _gemv_t(m, min(nb, n - j), <floating> 1.0, A + <Py_ssize_t> j * lda, lda, x1,
                <floating> 0.0, y1 + j)
        _gemv_t(m, min(nb, n - j), <floating> 1.0, A + <Py_ssize_t> j * lda, lda, x2,
                <floating> 0.0, y2 + j)
        j += nb
