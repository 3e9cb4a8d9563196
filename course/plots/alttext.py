"""Alt text and long descriptions for the course's figures: one mechanism that every figure function uses.

Matplotlib has no alt-text API, so each figure function computes a ``FigureText`` from the same data it
draws and hands it to ``course.plots._style.finish``. The text then travels with the figure:

>>> from course.plots.overview import story_map
>>> fig = story_map()
>>> fig.alt_text.startswith("Map: ")
True
>>> "km" in fig.long_description
True

A notebook shows such a figure as an HTML ``<figure>``: the image with its alt text, and below it a
"Describe this figure in words" disclosure with the long description (``figure_html``). Nothing is
displayed to get the text: ``fig.alt_text``, ``fig.long_description`` and ``figure_text(fig)`` read it,
and ``figure_png(fig)`` renders the image, for an edition that pre-renders figures.

Public API
----------
- ``FigureText(alt, details)``: the short alt text and the lines of the long description.
- ``nl(text)``: mark a Dutch fragment in a description line (rendered with ``lang="nl"`` in HTML).
- ``figure_text(fig) -> FigureText``; ``figure_html(fig) -> str``; ``figure_png(fig, dpi=150) -> bytes``.
- ``attach(fig, text)``: give *fig* its text and its notebook display (``finish`` calls it).
"""

from __future__ import annotations

import base64
import html
import io
import re
import uuid
from dataclasses import dataclass
from typing import Any

from course.errors import CourseTypeError, CourseValueError, describe

__all__ = ["FigureText", "attach", "figure_html", "figure_png", "figure_text", "nl", "plain"]

_NL_OPEN, _NL_CLOSE = "\x02", "\x03"  # control characters never found in the course's text
_NL = re.compile(f"{_NL_OPEN}(.*?){_NL_CLOSE}", re.DOTALL)
DISPLAY_DPI = 100  # the size a figure takes on the page, in CSS pixels per inch (matplotlib's default)


def nl(text: str) -> str:
    """*text* marked as Dutch: quoted in plain text, wrapped in ``<span lang="nl">`` in HTML."""
    return f"{_NL_OPEN}{text}{_NL_CLOSE}"


def plain(text: str) -> str:
    """*text* with its Dutch marks removed (each Dutch fragment keeps the quote marks around it)."""
    if not isinstance(text, str):
        raise CourseTypeError(f"text must be a str; got {describe(text)}")
    return _NL.sub(r"\1", text)


def _html_line(text: str) -> str:
    parts, last = [], 0
    for m in _NL.finditer(text):
        parts.append(html.escape(text[last:m.start()]))
        parts.append(f'<span lang="nl">{html.escape(m.group(1))}</span>')
        last = m.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


@dataclass(frozen=True)
class FigureText:
    """What a figure shows, in words: *alt* (one or two sentences with the key numbers) and *details*,
    the long description, one line per fact. Both are computed from the data the figure draws."""

    alt: str
    details: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.alt, str) or not self.alt.strip():
            raise CourseValueError(f"a figure's alt text must be a non-empty string; got {describe(self.alt)}")
        if isinstance(self.details, str) or not all(isinstance(d, str) for d in self.details):
            raise CourseTypeError(f"a figure's details must be a tuple of strings; got {describe(self.details)}")
        object.__setattr__(self, "details", tuple(self.details))

    @property
    def alt_text(self) -> str:
        """The short alternative text, as plain text."""
        return plain(self.alt)

    @property
    def long_description(self) -> str:
        """The long description as plain text: the alt text, then one line per fact."""
        return "\n".join([self.alt_text, *(f"- {plain(d)}" for d in self.details)])

    def details_html(self) -> str:
        """The long description as an HTML list, Dutch fragments marked ``lang="nl"``."""
        return "<ul>" + "".join(f"<li>{_html_line(d)}</li>" for d in self.details) + "</ul>"


def attach(fig: Any, text: FigureText) -> Any:
    """Give *fig* its text (``alt_text``, ``long_description``, ``figure_text``) and a notebook display
    that shows the image with its alt text and the long description; returns *fig*."""
    if not isinstance(text, FigureText):
        raise CourseTypeError(f"text must be a FigureText; got {describe(text)}")
    fig.figure_text = text
    fig.alt_text = text.alt_text
    fig.long_description = text.long_description

    def _ipython_display_() -> None:  # IPython calls this instead of its own PNG repr
        from IPython.display import display

        display({"text/html": figure_html(fig), "text/plain": text.alt_text}, raw=True)

    fig._ipython_display_ = _ipython_display_
    return fig


def figure_text(fig: Any) -> FigureText:
    """The ``FigureText`` of a course figure; a clear error for a figure drawn without one."""
    text = getattr(fig, "figure_text", None)
    if not isinstance(text, FigureText):
        raise CourseValueError(f"fig has no alt text: draw it with a course.plots function; got {describe(fig)}")
    return text


def figure_png(fig: Any, dpi: int = 150) -> bytes:
    """The figure as PNG bytes (drawn at *dpi*; shown at 100 CSS pixels per inch)."""
    from course.errors import check_number

    if not hasattr(fig, "savefig"):
        raise CourseTypeError(f"fig must be a matplotlib figure; got {describe(fig)}")
    dpi = int(check_number(dpi, "dpi", low=10, high=1200))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def figure_html(fig: Any, dpi: int = 150) -> str:
    """The figure as an HTML ``<figure>``: the PNG with its alt text, and its long description in a
    ``<details>`` disclosure that the image names with ``aria-describedby``."""
    text = figure_text(fig)
    width, height = (round(v * DISPLAY_DPI) for v in fig.get_size_inches())
    data = base64.b64encode(figure_png(fig, dpi)).decode("ascii")
    ident = f"course-fig-{uuid.uuid4().hex[:12]}"
    return (f'<figure class="course-figure" lang="en" style="margin:0 0 0.5em 0;max-width:100%">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(text.alt_text, quote=True)}" '
            f'width="{width}" height="{height}" style="max-width:100%;height:auto" aria-describedby="{ident}">'
            f'<details style="margin-top:0.3em;font-size:0.95em;color:#1f1f1f">'
            f'<summary style="cursor:pointer;color:#1a4e8a">Describe this figure in words</summary>'
            f'<div id="{ident}"><p style="margin:0.4em 0">{_html_line(text.alt)}</p>{text.details_html()}</div>'
            f"</details></figure>")
