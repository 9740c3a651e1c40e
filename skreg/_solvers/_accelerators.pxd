# Accelerators of coordinate descent, independent of the datafit and penalty:
# Anderson extrapolation (of iterates, and of residuals for a dual point),
# quickselect for the working set, and the xorshift generator of
# selection='random'.  Header-only (``cdef inline``), cimported by the kernels.
from cython cimport floating
from libc.stdint cimport int32_t, uint32_t


cdef enum:
    RAND_R_MAX = 0x7FFFFFFF
    ANDERSON_K = 5          # iterates kept for Anderson extrapolation


cdef inline uint32_t _rand_int(uint32_t end, uint32_t* state) noexcept nogil:
    """A random integer in [0, end) (xorshift32)."""
    cdef uint32_t x = state[0]
    x ^= x << 13
    x ^= x >> 17
    x ^= x << 5
    state[0] = x
    return (x & RAND_R_MAX) % end



# --- working-set selection -----------------------------------------------------

cdef inline void _swap(floating* a, Py_ssize_t i, Py_ssize_t j) noexcept nogil:
    cdef floating t = a[i]
    a[i] = a[j]
    a[j] = t


cdef inline floating _kth_smallest(floating* a, Py_ssize_t n, Py_ssize_t k) noexcept nogil:
    """The k-th smallest (0-based) of a[:n], by quickselect; reorders a."""
    cdef Py_ssize_t lo = 0, hi = n - 1, i, j, mid
    cdef floating pivot
    while lo < hi:
        mid = lo + (hi - lo) // 2
        if a[mid] < a[lo]:
            _swap(a, lo, mid)
        if a[hi] < a[lo]:
            _swap(a, lo, hi)
        if a[hi] < a[mid]:
            _swap(a, mid, hi)
        pivot = a[mid]
        i = lo
        j = hi
        while i <= j:
            while a[i] < pivot:
                i += 1
            while a[j] > pivot:
                j -= 1
            if i <= j:
                _swap(a, i, j)
                i += 1
                j -= 1
        if k <= j:
            hi = j
        elif k >= i:
            lo = i
        else:
            return a[k]  # between the two parts: equal to the pivot
    return a[k]


cdef inline void _sift_down(floating* heap, Py_ssize_t k) noexcept nogil:
    """Restore the max-heap heap[:k] after a new value at its root."""
    cdef Py_ssize_t i = 0, c
    cdef floating v = heap[0]
    while True:
        c = 2 * i + 1
        if c >= k:
            break
        if c + 1 < k and heap[c + 1] > heap[c]:
            c += 1
        if heap[c] <= v:
            break
        heap[i] = heap[c]
        i = c
    heap[i] = v


cdef inline floating _kth_smallest_heap(const int32_t* active, Py_ssize_t n,
                                        const floating* score, Py_ssize_t k,
                                        floating* heap) noexcept nogil:
    """The k-th smallest (1-based) of score[active[:n]], for k much below n.

    A max-heap of the k smallest scores seen (``heap``, k values): one pass
    in which almost every score costs one comparison with the heap's root,
    where quickselect's partitions make several passes of unpredictable
    branches (the working set is a few dozen of many thousand features).
    """
    cdef Py_ssize_t i, j, parent
    cdef floating v
    for i in range(k):  # heapify the first k by sifting each one up
        v = score[active[i]]
        j = i
        while j > 0:
            parent = (j - 1) // 2
            if heap[parent] >= v:
                break
            heap[j] = heap[parent]
            j = parent
        heap[j] = v
    for i in range(k, n):
        v = score[active[i]]
        if v < heap[0]:
            heap[0] = v
            _sift_down(heap, k)
    return heap[0]


cdef inline void _select_smallest(const int32_t* active, Py_ssize_t n_active,
                           const floating* score, Py_ssize_t k, floating* scratch,
                           int32_t* out) noexcept nogil:
    """The k features of ``active`` with the smallest scores, in active's order.

    O(n_active) on average (the k-th score by a heap of k when k is small,
    else by quickselect, then one pass); ties at the threshold are taken in
    order until k are chosen.  Either way the threshold is the same value.
    """
    cdef Py_ssize_t i, m = 0, n_less = 0, ties
    cdef floating thr, v
    if 16 * k <= n_active:
        thr = _kth_smallest_heap(active, n_active, score, k, scratch)
    else:
        for i in range(n_active):
            scratch[i] = score[active[i]]
        thr = _kth_smallest(scratch, n_active, k - 1)
    for i in range(n_active):
        if score[active[i]] < thr:
            n_less += 1
    ties = k - n_less
    for i in range(n_active):
        v = score[active[i]]
        if v < thr or (v == thr and ties > 0):
            if v == thr:
                ties -= 1
            out[m] = active[i]
            m += 1


# --- Anderson extrapolation ------------------------------------------------------

cdef inline bint _anderson(floating* hist, Py_ssize_t m, floating* out) noexcept nogil:
    """Extrapolate from the m = ANDERSON_K + 1 last iterates (rows of hist).

    Solves min ||U c|| s.t. sum(c) = 1 with U the K successive differences
    (a K x K system on U^T U, regularised for safety) and writes
    sum_k c_k hist[k + 1] to out.  Returns False if the system is singular.
    """
    cdef double G[ANDERSON_K][ANDERSON_K]
    cdef double z[ANDERSON_K]
    cdef double piv, f, tot, reg = 0.0
    cdef Py_ssize_t a, b, i, K = ANDERSON_K
    cdef floating da, db
    for a in range(K):
        for b in range(a, K):
            tot = 0.0
            for i in range(m):
                da = hist[(a + 1) * m + i] - hist[a * m + i]
                db = hist[(b + 1) * m + i] - hist[b * m + i]
                tot += da * db
            G[a][b] = tot
            G[b][a] = tot
        reg += G[a][a]
    reg = 1e-10 * reg + 1e-300
    for a in range(K):
        G[a][a] += reg
        z[a] = 1.0
    # Gaussian elimination (G is SPD: no pivoting needed)
    for a in range(K):
        piv = G[a][a]
        if piv <= 0.0:
            return False
        for b in range(a + 1, K):
            f = G[b][a] / piv
            for i in range(a, K):
                G[b][i] -= f * G[a][i]
            z[b] -= f * z[a]
    for a in range(K - 1, -1, -1):
        tot = z[a]
        for b in range(a + 1, K):
            tot -= G[a][b] * z[b]
        z[a] = tot / G[a][a]
    tot = 0.0
    for a in range(K):
        tot += z[a]
    if tot == 0.0 or tot != tot:
        return False
    for i in range(m):
        f = 0.0
        for a in range(K):
            f += z[a] / tot * hist[(a + 1) * m + i]
        out[i] = <floating> f
    return True



cdef inline bint _push_extrapolate(floating* rhist, Py_ssize_t* n_rhist, Py_ssize_t n,
                            const floating* r, floating* racc) noexcept nogil:
    """Append r to the residual history; extrapolate once it holds K + 1.

    Dual extrapolation (Massias, Gramfort & Salmon 2018): residuals of a
    converging CD sequence follow a vector autoregression, so an Anderson
    combination of the last ones is a much better dual candidate.
    """
    cdef Py_ssize_t i, m = ANDERSON_K + 1
    if n_rhist[0] == m:
        for i in range((m - 1) * n):
            rhist[i] = rhist[i + n]
        n_rhist[0] -= 1
    for i in range(n):
        rhist[n_rhist[0] * n + i] = r[i]
    n_rhist[0] += 1
    if n_rhist[0] < m:
        return False
    return _anderson(rhist, n, racc)
