"""Notebook set-up: friendly errors and figure defaults, in one call from a lesson's first cell.

``setup_notebook()`` makes a ``CourseError`` (a student's mistake the library caught) or an
``AnswerError`` (a failed test) show as one short red line with the fix, not a wall of traceback.
It still counts as an error for nbgrader, so a failed test earns no points.

>>> from course.notebook import short_traceback
>>> short_traceback(ValueError, ValueError("bad"))
['\\x1b[0;31mValueError\\x1b[0m: bad']
"""

from __future__ import annotations

from typing import Any

__all__ = ["PAGE_STYLE", "setup_notebook", "short_traceback"]

# JupyterLab breaks printed text anywhere (word-break: break-all), so "Izyum" can end a line as "Izyu".
# The course's printed explanations break between words instead; a word too long for the line still wraps.
PAGE_STYLE = ("<style>.jp-RenderedText pre, .output_text pre {word-break: normal; overflow-wrap: anywhere}"
              "</style>")


def short_traceback(etype: type, value: BaseException) -> list[str]:
    """The one-line 'traceback' shown for a student's mistake."""
    return [f"\x1b[0;31m{etype.__name__}\x1b[0m: {value}"]


def setup_notebook(friendly_errors: bool = True, page_style: bool = True) -> None:
    """Prepare a lesson or assignment notebook: short error messages, readable figures and, with
    *page_style*, printed text that wraps between words (``PAGE_STYLE``, shown as an invisible output)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - outside IPython there is nothing to set up
        return
    shell = get_ipython()
    if shell is None:
        return
    if friendly_errors:
        from course.errors import CourseError
        from course.testkit import AnswerError

        def handler(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> list[str]:
            # IPython leaves the display to the handler; _showtraceback sends a proper 'error'
            # output, which nbgrader scores as a failed test.
            stb = short_traceback(etype, value)
            shell._showtraceback(etype, value, stb)
            return stb

        shell.set_custom_exc((CourseError, AnswerError), handler)
    try:
        shell.run_line_magic("matplotlib", "inline")
    except Exception:  # noqa: BLE001 - a missing backend must not stop the lesson
        pass
    if page_style:
        from IPython.display import display

        display({"text/html": PAGE_STYLE, "text/plain": ""}, raw=True)
