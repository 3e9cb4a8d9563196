"""Shared figure set-up: a headless-safe matplotlib import and the course's look."""

from __future__ import annotations

from typing import Any

CREDIT_GEONAMES = "Places: GeoNames (geonames.org), CC BY 4.0"

# One colour per side in every figure (Okabe & Ito names from course.widgets.OKABE_ITO).
SIDE_COLOURS = {
    "russian-state": "vermillion",
    "ukrainian-state": "blue",
    "independent-media": "green",
    "think-tank": "orange",
    "anonymous": "grey",
    "platform": "sky",
    "reporter": "purple",
}
SIDE_LABELS = {
    "russian-state": "Russian state",
    "ukrainian-state": "Ukrainian state",
    "independent-media": "independent media",
    "think-tank": "think tank",
    "anonymous": "anonymous / unnamed",
    "platform": "platform",
    "reporter": "the reporter",
}


def pyplot() -> Any:
    """matplotlib.pyplot, with a non-interactive backend when no display is attached."""
    import matplotlib

    if matplotlib.get_backend().lower() in ("", "agg") or not _in_notebook():
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.dpi": 100, "font.size": 10, "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None


def finish(fig: Any) -> Any:
    """Detach *fig* from pyplot's state so a notebook shows it once, as the cell's value."""
    import matplotlib.pyplot as plt

    plt.close(fig)
    return fig
