"""pytest: the plotting doctests need matplotlib, an optional dependency."""

import importlib.util

if importlib.util.find_spec("matplotlib") is None:
    collect_ignore = ["_path.py", "_cv_curve.py", "_dropout.py"]
