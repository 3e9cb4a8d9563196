"""Figures for the course (matplotlib). Each module here draws one family of figures:

- ``course.plots.overview``: the story at a glance (map of the places, timeline of the events).
- ``course.plots.distances``: lesson 01 (distance rings on a map, claimed against measured, the area).
- ``course.plots.sources``: who cites whom, voice share by side, verification status.

Every function returns a ``matplotlib.figure.Figure`` (a notebook shows it when it is the cell's
last value) and prints nothing. Matplotlib is imported only when a figure is drawn.
Colours come from ``course.widgets.OKABE_ITO``, which is safe for colour-blind readers.
"""

__all__: list[str] = []
