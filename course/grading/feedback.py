"""The course's feedback pages: each graded part with its score and what its test found, never a test's code.

nbgrader's own feedback page prints the source of every test cell, hidden tests included (nbgrader
issue #917, open upstream), so a learner who self-grades a blank notebook would read the answer key.
``course.grading.config`` makes ``nbgrader generate_feedback`` (and ``course feedback``,
``course selfgrade``) render with ``FeedbackExporter`` instead: the course's own template
(``course/grading/templates/course_feedback``) shows, for each test, its score, "Passed." or the
checker's friendly message, and never its code; a written answer without a score yet says it is
graded by the instructor, not "0 points". The page declares its language (``<html lang="en">``).

Public API: ``FeedbackExporter``, ``TEMPLATES`` (the folder of the course's templates), ``template_dirs()``.

>>> FeedbackExporter().template_name
'course_feedback'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter
from traitlets import default

__all__ = ["TEMPLATES", "FeedbackExporter", "template_dirs"]

TEMPLATES = Path(__file__).resolve().parent / "templates"


def template_dirs() -> list[str]:
    """Where the course's feedback template and the templates it builds on live."""
    import nbgrader

    return [str(TEMPLATES), os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader",
                                         "templates")]


class FeedbackExporter(HTMLExporter):
    """nbconvert's HTML exporter with the course's feedback template (see the module docstring)."""

    def __init__(self, config: Any = None, **kw: Any) -> None:
        from traitlets.config import Config

        from course.errors import check_type

        if config is not None:
            check_type(config, Config, "config")
        super().__init__(config=config, **kw)

    @default("template_name")
    def _template_name_default(self) -> str:
        return "course_feedback"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return template_dirs()
