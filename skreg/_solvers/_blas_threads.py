"""BLAS thread control for the Ridge solvers (no mutable module state).

``single_blas_thread()`` pins BLAS to one thread for loops of small BLAS-1/2
calls.  On a busy 2-core machine a 2-thread OpenBLAS call waits for a time
slice of the other core: a 20000-long dot product was measured at 13-16 ms
instead of 0.02 ms (ANCHORS.md, surprise 6).  The iterative solvers make
hundreds of such calls, so they run with one BLAS thread.
"""

from functools import lru_cache


@lru_cache(maxsize=1)
def _controller():
    """The process's one ThreadpoolController (inspecting the loaded BLAS
    libraries costs milliseconds, so it is built once, on first use)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def single_blas_thread():
    """Context manager limiting BLAS to one thread."""
    return _controller().limit(limits=1, user_api="blas")
