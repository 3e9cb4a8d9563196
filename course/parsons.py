"""Parsons problems: put the shuffled lines of a short function in the right order.

A problem is a self-check record (``course/data/selfchecks/python-primer.toml``) of kind ``"list"``
with two more fields: ``lines``, the lines as the learner first sees them (shuffled, each with its
indentation), and ``prefix``, the salted digests of the first *k* right lines for every *k*. So the
course can say how many lines from the top are already in place without keeping the order in plain
text; after two wrong tries it offers the reasoning and the answer, because lessons are not graded.

The widget is usable with the keyboard alone: every line has an **Up** and a **Down** button (Tab to
a button, Enter or Space to press it), and the focus follows the line that moved.

Public API
----------
- ``ParsonsProblem(qid)``: ``order`` (the lines now), ``move(index, step)``, ``in_place()``, ``check()``.
- ``parsons(qid)``: the widget.
- ``make_parsons_record(qid, lines, question_text, seed=0, **extra)``: a new record (course authors only).

>>> p = ParsonsProblem("py.4")
>>> p.move(0, 1)
1
"""

from __future__ import annotations

import html
import random
from typing import Any, Mapping

from course.checks import Feedback, canonical, check, digest, make_record, question
from course.errors import CourseValueError, check_text, check_type
from course.primer import TRIES_BEFORE_REASONING, reasoning_html

__all__ = ["ParsonsProblem", "make_parsons_record", "parsons"]


def _prefix_digests(salt: str, lines: list[str], qid: str) -> list[str]:
    return [digest(salt, canonical("list", lines[:k], qid)) for k in range(1, len(lines) + 1)]


class ParsonsProblem:
    """The state of one Parsons problem: the order of its lines, and how many wrong checks so far."""

    def __init__(self, qid: str) -> None:
        check_text(qid, "qid")
        self.record: Mapping[str, Any] = question(qid)
        if "lines" not in self.record or "prefix" not in self.record:
            raise CourseValueError(f"self-check {qid} is not a Parsons problem (it has no lines to order)")
        self.qid = qid
        self.order: list[str] = list(self.record["lines"])
        self.wrong = 0

    def move(self, index: int, step: int) -> int:
        """Move the line at *index* by *step* (-1 up, +1 down, stopping at the ends); its new index."""
        check_type(index, int, "index")
        check_type(step, int, "step")
        if not 0 <= index < len(self.order):
            raise CourseValueError(f"index must be between 0 and {len(self.order) - 1}; got {index}")
        target = min(max(index + step, 0), len(self.order) - 1)
        line = self.order.pop(index)
        self.order.insert(target, line)
        return target

    def in_place(self) -> int:
        """How many lines, counted from the top, are already in the right order."""
        found = 0
        for k, wanted in enumerate(self.record["prefix"], 1):
            if digest(self.record["salt"], canonical("list", self.order[:k], self.qid)) != wanted:
                break
            found = k
        return found

    def check(self) -> Feedback:
        """Check the current order; a wrong order says how many lines from the top are right."""
        result = check(self.qid, self.order)
        if result.correct:
            return result
        self.wrong += 1
        n = self.in_place()
        where = (f"the first {n} line{'s are' if n > 1 else ' is'} in place; look at line {n + 1}."
                 if n else "the first line is not the right one yet: which line must come first?")
        return Feedback(self.qid, False, f"not yet: {where}")

    @property
    def offers_reasoning(self) -> bool:
        return self.wrong >= TRIES_BEFORE_REASONING


def _code(line: str) -> str:
    indent = len(line) - len(line.lstrip(" "))
    return (f"<code style='white-space:pre;font-size:0.95em'>{'&nbsp;' * indent}"
            f"{html.escape(line.lstrip(' '))}</code>")


def parsons(qid: str) -> Any:
    """The widget for Parsons problem *qid*: Up and Down on every line, Check, and help after two tries."""
    import ipywidgets as w

    problem = ParsonsProblem(qid)
    n = len(problem.order)
    prompt = w.HTML(f"<b>Self-check {qid}.</b> {html.escape(problem.record['question'])}")
    texts = [w.HTML() for _ in range(n)]
    ups = [w.Button(description="Up", icon="arrow-up", layout=w.Layout(width="5.5em")) for _ in range(n)]
    downs = [w.Button(description="Down", icon="arrow-down", layout=w.Layout(width="6.5em")) for _ in range(n)]
    result, help_box = w.HTML(), w.HTML()

    def refresh() -> None:
        for i, line in enumerate(problem.order):
            texts[i].value = f"<span style='color:#555'>{i + 1:>2}.</span> {_code(line)}"
            ups[i].tooltip = f"Move line {i + 1} up: {line.strip()}"
            downs[i].tooltip = f"Move line {i + 1} down: {line.strip()}"
            ups[i].disabled, downs[i].disabled = i == 0, i == n - 1
        result.value = ""

    def mover(i: int, step: int, buttons: list[Any]) -> Any:
        def go(_: Any) -> None:
            target = problem.move(i, step)
            refresh()
            if not buttons[target].disabled:
                buttons[target].focus()  # the focus follows the line, for keyboard users
            else:
                (ups if buttons is downs else downs)[target].focus()
        return go

    for i in range(n):
        ups[i].on_click(mover(i, -1, ups))
        downs[i].on_click(mover(i, 1, downs))

    button = w.Button(description="Check", button_style="primary", icon="check")

    def on_check(_: Any) -> None:
        feedback = problem.check()
        result.value = feedback._repr_markdown_().replace("**", "")
        if problem.offers_reasoning and not feedback.correct:
            help_box.value = reasoning_html(problem.record)

    button.on_click(on_check)
    refresh()
    rows = [w.HBox([ups[i], downs[i], texts[i]], layout=w.Layout(align_items="center")) for i in range(n)]
    box = w.VBox([prompt, *rows, w.HBox([button, result], layout=w.Layout(align_items="center")), help_box])
    box.add_class("course-parsons")
    return box


def make_parsons_record(qid: str, lines: list[str], question_text: str, seed: int = 0, **extra: Any) -> dict[str, Any]:
    """A new Parsons record: *lines* in the right order; they are stored shuffled (course authors only)."""
    check_type(lines, list, "lines")
    keys = [canonical("text", line, qid) for line in lines]
    if len(set(keys)) != len(keys):
        raise CourseValueError(f"the lines of {qid} must differ once indentation and case are ignored")
    shown = list(lines)
    rng = random.Random(seed)
    while shown == lines or shown[0] == lines[0]:
        rng.shuffle(shown)
    record = make_record(qid, "list", lines, question_text, **extra)
    record["lines"] = shown
    record["prefix"] = _prefix_digests(record["salt"], lines, qid)
    return record
