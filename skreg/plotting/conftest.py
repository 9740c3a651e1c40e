"""pytest: the plotting doctests need matplotlib, an optional dependency."""

try:
    import matplotlib  # noqa: F401
except ImportError:
    collect_ignore = ["_path.py", "_cv_curve.py", "_dropout.py"]
