"""The ``stacklevel`` that makes a warning point at the user's line."""

import os
import sys

import sklearn

import skreg

# Frames in these folders are skreg's own or scikit-learn's (``_fit_context``
# wraps every ``fit``; ``cross_validate`` and the search estimators call it):
# a warning is reported at the first frame outside them, the user's call,
# whatever the depth of the chain (fit -> path -> solver -> kernel) it was
# raised in.
_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.abspath(mod.__file__)) + os.sep for mod in (skreg, sklearn)
)


def user_stacklevel():
    """``stacklevel`` for ``warnings.warn`` called by this function's caller.

    Counts the frames from the caller outwards up to the first one whose file
    lies outside skreg and scikit-learn (compiled Cython functions make no
    Python frame and count for neither).

    Returns
    -------
    stacklevel : int
        At least 1 (the caller itself, if the whole stack is library code).
    """
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and os.path.abspath(frame.f_code.co_filename).startswith(
        _LIBRARY_DIRS
    ):
        frame = frame.f_back
        level += 1
    return level
