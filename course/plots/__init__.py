"""Figures for the course (matplotlib). Each module here draws one family of figures:

- ``course.plots.overview``: the story at a glance (map of the places, timeline of the events).
- ``course.plots.distances``: lesson 01 (distance rings on a map, claimed against measured, the area).
- ``course.plots.sources``: who cites whom, voice share by side, verification status.

Every function returns a ``matplotlib.figure.Figure`` (a notebook shows it when it is the cell's
last value) and prints nothing. Matplotlib is imported only when a figure is drawn.
Colours come from ``course.widgets.OKABE_ITO``, which is safe for colour-blind readers.

Where matplotlib is not installed (the zero-install edition in the browser), each figure function
returns the figure drawn when the site was built, with its alt text and a short note
(``course.plots._prerendered``).
"""

import sys
from importlib.util import find_spec

__all__: list[str] = []


def _matplotlib_missing() -> bool:
    if "matplotlib" in sys.modules:
        return sys.modules["matplotlib"] is None
    return find_spec("matplotlib") is None


if _matplotlib_missing():
    from course.plots._prerendered import install

    install(__name__)
