# Tiny fused wrappers over scipy's Cython BLAS: one name per operation, the
# float32 / float64 routine picked at compile time from the fused type.
from cython cimport floating
from scipy.linalg.cython_blas cimport (
    dasum, daxpy, ddot, dgemv, dnrm2, sasum, saxpy, sdot, sgemv, snrm2,
)


cdef inline floating _dot(int n, const floating* x, const floating* y) noexcept nogil:
    """x @ y for contiguous vectors."""
    cdef int inc = 1
    if floating is float:
        return sdot(&n, <float*> x, &inc, <float*> y, &inc)
    else:
        return ddot(&n, <double*> x, &inc, <double*> y, &inc)


cdef inline void _axpy(int n, floating a, const floating* x, floating* y) noexcept nogil:
    """y += a * x for contiguous vectors."""
    cdef int inc = 1
    if floating is float:
        saxpy(&n, &a, <float*> x, &inc, y, &inc)
    else:
        daxpy(&n, &a, <double*> x, &inc, y, &inc)


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
