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
# Colour is never the only cue: stacked bars of different sides also differ by hatching.
SIDE_HATCHES = {
    "russian-state": "",
    "ukrainian-state": "//",
    "independent-media": "..",
    "think-tank": "\\\\",
    "anonymous": "xx",
    "platform": "--",
    "reporter": "oo",
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


# Text colours on white, each at least 4.5:1 (WCAG 2.1 AA): notes and credits, and secondary labels.
NOTE_GREY = "#444444"  # 9.7:1
LABEL_GREY = "#595959"  # 7.0:1


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    def luminance(colour: str) -> float:
        rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def ink_on(background: str) -> str:
    """Black or white, whichever reads better on *background* (a ``#rrggbb`` colour)."""
    return max(("#000000", "#ffffff"), key=lambda ink: contrast_ratio(ink, background))


def finish(fig: Any, text: Any) -> Any:
    """Detach *fig* from pyplot's state so a notebook shows it once, as the cell's value, and attach its
    alt text and long description (a ``course.plots.alttext.FigureText`` computed from the figure's data)."""
    import matplotlib.pyplot as plt

    from course.plots.alttext import attach

    plt.close(fig)
    return attach(fig, text)
