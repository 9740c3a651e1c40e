"""Internal utilities of skreg (not public API).

The other packages import from here (``from skreg.utils import
user_stacklevel``), never from the private modules below.  The one exception
is ``skreg.utils._sklearn_compat``, the one module importing scikit-learn's
privates, which is imported directly.
"""

from skreg.utils._validation import check_alphas, check_numeric_target
from skreg.utils._warnings import user_stacklevel

__all__ = ["check_alphas", "check_numeric_target", "user_stacklevel"]
