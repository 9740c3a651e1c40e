"""Shared pieces of the Displays: the lazy matplotlib import and the axes."""


def _pyplot():
    """matplotlib.pyplot, or an ImportError that says how to get it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised with matplotlib hidden
        raise ImportError(
            "skreg.plotting needs matplotlib, an optional dependency: "
            "pip install 'skreg[plot]' (or pip install matplotlib)."
        ) from exc
    return plt


def _get_ax(ax):
    """``ax`` or a new figure's axes; returns (ax, figure)."""
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots()
    return ax, ax.figure
