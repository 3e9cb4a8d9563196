"""Capstone part 2's answer key stays out of the learner's notebook.

An article whose ``article.toml`` says ``transfer = true`` is a transfer text: capstone part 2 asks the
learner to make the course's moves on it with nothing but its text and the course's general tools
(``geo``, ``numbers``, ``course check``). Its claims, attributions and framing annotations are then the
answer key, so inside a running notebook kernel the course's readers refuse them with a friendly error
(``AnswerKeyHidden``). Outside a kernel (the command line, the grader's trusted scope, tests) and with
``COURSE_ANSWER_KEY=1`` (instructors; the course's nbgrader config sets it for its own commands) they read
them as usual.

This is a speed bump for learning, not a secret: the annotations ship with the open-source course and
anyone can read the files. A class that needs an unpublished key uses an article of its own
(``course/INSTRUCTORS.md``, "Capstone part 2 on an unseen article").

- ``KEY_KINDS``: the annotation kinds that are the key.
- ``in_notebook() -> bool``: True inside an IPython kernel or shell.
- ``shown() -> bool``: True when the key may be read here.
- ``lifted()``: a context in which the course's own code reads the key for a figure that reveals none of it
  (the finder's pooled precision and recall, ``course.check.finder_accuracy``).
- ``guard(info, kind)``: raise ``AnswerKeyHidden`` when *kind* of the article *info* is hidden here.

>>> sorted(KEY_KINDS)[:2]
['attributions', 'claims']
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any, Iterator

from course.errors import CourseValueError

__all__ = ["ENV", "KEY_KINDS", "AnswerKeyHidden", "guard", "in_notebook", "lifted", "shown"]

ENV = "COURSE_ANSWER_KEY"
KEY_KINDS = frozenset({"claims", "attributions", "framing", "euphemisms", "symmetry"})


class AnswerKeyHidden(CourseValueError):
    """A transfer article's answer key was asked for inside a notebook."""


def in_notebook() -> bool:
    """True when this process runs an IPython kernel or shell (a learner's notebook)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        return ipython.get_ipython() is not None
    except Exception:  # an IPython too broken to answer is not a notebook the course set up
        return False


_LIFTED = [0]


@contextlib.contextmanager
def lifted() -> Iterator[None]:
    """Let the course's own code read the key inside the block (for a figure that reveals none of it)."""
    _LIFTED[0] += 1
    try:
        yield
    finally:
        _LIFTED[0] -= 1


def shown() -> bool:
    """True when the answer key may be read here: outside a notebook, in ``lifted()``, or with ``COURSE_ANSWER_KEY=1``."""
    return _LIFTED[0] > 0 or os.environ.get(ENV) == "1" or not in_notebook()


def guard(info: Any, kind: str) -> None:
    """Raise ``AnswerKeyHidden`` when *kind* is part of the answer key of the transfer article *info*, here."""
    if kind not in KEY_KINDS or info is None or not getattr(info, "transfer", False) or shown():
        return
    raise AnswerKeyHidden(
        f"article {info.id!r} is capstone part 2's transfer text: its {kind} annotations are the answer key, so "
        f"the course's tools (facts, sources, framing, capstone) do not show them in a notebook. Work from the "
        f"text as a reader would: practice.text, course.check.check_report(practice.text), geo and numbers "
        f"(instructors: start Jupyter with {ENV}=1; course/INSTRUCTORS.md)")
