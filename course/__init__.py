"""Reading war reports critically: the library behind the course's notebooks.

Modules (each does one thing; heavy libraries load only when a module needs them):

- ``course.articles``  which articles exist: one folder per article (the seed is the default everywhere)
- ``course.article``   an article's text: paragraphs, sentences, spans, quotations
- ``course.corpus``    an article's annotations: standoff, anchored on exact quotes
- ``course.gazetteer`` places from GeoNames data (offline), across spellings
- ``course.timeline``  weekday words resolved to dates; the story's events
- ``course.geo``       distances, bearings and compass words (WGS84); distance and direction checks
- ``course.numbers``   hedges as explicit ranges, Dutch number words, unit chains, areas
- ``course.facts``     every checkable claim of the article, checked (``python -m course facts``)
- ``course.sources``   who says so: attributions, chains of citation, verification, voice share, a finder
- ``course.scan``      scanners for any text: places, numbers, time words, loaded words (no annotation)
- ``course.check``     ``python -m course check FILE``: a first pass over any Dutch or English report
- ``course.checks``    self-checks for lessons (salted hashes; never show the answer)
- ``course.testkit``   trusted checks for nbgrader test cells
- ``course.widgets``   the article reader (ipywidgets)
- ``course.plots``     figures (matplotlib)
- ``course.cli``       ``python -m course ...``

>>> import course
>>> course.load_article().paragraph("p01").role
'dateline'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_article", "load_corpus", "setup_notebook"]

_LAZY = {
    "load_article": ("course.article", "load_article"),
    "load_corpus": ("course.corpus", "load_corpus"),
    "setup_notebook": ("course.notebook", "setup_notebook"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'course' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
