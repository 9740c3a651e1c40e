"""BLAS thread control for the Ridge solvers (no mutable module state).

``single_blas_thread()`` pins BLAS to one thread for loops of small BLAS-1/2
calls.  A threaded OpenBLAS call waits for every one of its threads to get
a core, so a small call costs its thread hand-offs, not its arithmetic, and
stalls whenever another process holds a core.  The iterative solvers make
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
