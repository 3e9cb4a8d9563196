"""Figures for the course (matplotlib). Each module here draws one family of figures:

- ``course.plots.overview``: the story at a glance (map of the places, timeline of the events).
- ``course.plots.distances``: lesson 01 (distance rings on a map, claimed against measured, the area).
- ``course.plots.sources``: who cites whom, voice share by side, verification status.
- ``course.plots.framing``: who uses which technique, where the loaded words are.
- ``course.plots.items``: the item analysis of ``course report``.

Every function returns a ``matplotlib.figure.Figure`` (a notebook shows it when it is the cell's
last value) and prints nothing. Each figure carries its alt text and long description, computed from
the data it draws (``course.plots.alttext``): ``fig.alt_text``, ``fig.long_description``, and in a
notebook the image shows with both. Matplotlib is imported only when a figure is drawn.
Colours come from ``course.widgets.OKABE_ITO``, which is safe for colour-blind readers.

``LESSON_FIGURES`` names every figure the lessons draw, as ``"module:function"``, for an edition that
pre-renders them (``figure(name)`` draws one); ``INPUT_FIGURES`` names those a lesson draws from
its own values (``figure(name, **arguments)``).

Where matplotlib is not installed (the zero-install edition in the browser), each figure function
returns the figure drawn when the site was built, with its alt text and a short note
(``course.plots._prerendered``).
"""

from __future__ import annotations

import sys
from importlib import import_module
from importlib.util import find_spec
from typing import Any

__all__ = ["INPUT_FIGURES", "LESSON_FIGURES", "figure"]

LESSON_FIGURES = {
    "story_map": "course.plots.overview:story_map",
    "timeline_chart": "course.plots.overview:timeline_chart",
    "claims_chart": "course.plots.distances:claims_chart",
    "distance_map": "course.plots.distances:distance_map",
    "area_chart": "course.plots.distances:area_chart",
    "citation_graph": "course.plots.sources:citation_graph",
    "verification_chart": "course.plots.sources:verification_chart",
    "voice_share_chart": "course.plots.sources:voice_share_chart",
    "techniques_by_side": "course.plots.framing:techniques_by_side",
    "density_map": "course.plots.framing:density_map",
    "provenance_map": "course.plots.provenance:provenance_map",
    "triage_figure": "course.plots.capstone:triage_figure",
}
# Figures drawn from the learner's own input (a lesson cell passes it); their text follows that input.
INPUT_FIGURES = {
    "chronolocation_figure": "course.plots.sun:chronolocation_figure",
}


def figure(name: str, **kwargs: Any) -> Any:
    """Draw the lesson figure called *name* (a key of ``LESSON_FIGURES``) with its alt text attached."""
    from course.errors import lookup

    module, function = lookup({**LESSON_FIGURES, **INPUT_FIGURES}, name, "lesson figure", type_name="name",
                              name="name").split(":")
    return getattr(import_module(module), function)(**kwargs)


def _matplotlib_missing() -> bool:
    if "matplotlib" in sys.modules:
        return sys.modules["matplotlib"] is None
    return find_spec("matplotlib") is None


if _matplotlib_missing():
    from course.plots._prerendered import install

    install(__name__)
