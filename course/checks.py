"""Self-checks for the lessons: instant feedback that never shows the answer.

Each lesson's questions live in ``course/data/selfchecks/<lesson>.toml``. A question stores a
salted SHA-256 of its canonical answer (or, for a measured number, an accepted range), plus
salted hashes of typical wrong answers with a hint for each. ``check`` compares; it says whether
the answer is right, or how close it is, and never what the answer is.

Public API
----------
- ``check(qid, answer) -> Feedback``: compare an answer; the result shows itself in a notebook.
- ``quiz(qid)``: the same as a small widget (options or a text box, and a Check button).
- ``question(qid)``: the question's text and kind.
- ``make_record(qid, kind, answer, question_text, hints={})``: a new record with fresh salt (for course authors).

>>> from course.checks import check
>>> check("00.1", 4).correct
True
"""

from __future__ import annotations

import hashlib
import math
import secrets
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from course.errors import CourseTypeError, CourseValueError, check_type, describe, lookup, unknown

__all__ = ["Feedback", "canonical", "check", "digest", "make_record", "question", "quiz"]

SELFCHECK_DIR = Path(__file__).resolve().parent / "data" / "selfchecks"
KINDS = ("int", "float", "choice", "text", "set", "list")


def canonical(kind: str, answer: Any, qid: str = "?") -> str:
    """The canonical text of *answer* for a question of *kind* (what gets hashed)."""
    label = f"self-check {qid}"
    if kind == "int":
        if isinstance(answer, float) and answer.is_integer():
            answer = int(answer)
        check_type(answer, int, f"{label} expects a whole number: the answer")
        return str(answer)
    if kind == "choice":
        check_type(answer, str, f"{label} expects one letter: the answer")
        letter = answer.strip().upper()
        if len(letter) != 1 or not letter.isalpha():
            raise CourseValueError(f"{label} expects one letter such as 'B'; got {answer!r}")
        return letter
    if kind == "text":
        check_type(answer, str, f"{label} expects text: the answer")
        return " ".join(answer.strip().strip("'\"‘’“”").casefold().split())
    if kind in ("set", "list"):
        if isinstance(answer, str) or not isinstance(answer, (list, tuple, set, frozenset)):
            raise CourseTypeError(f"{label} expects a list of answers, e.g. ['a', 'b']; got {describe(answer)}")
        items = [canonical("text", str(a) if isinstance(a, int) else a, qid) for a in answer]
        return "\x1f".join(sorted(items) if kind == "set" else items)
    raise CourseValueError(f"unknown self-check kind {kind!r}; known: {', '.join(KINDS)}")


def digest(salt: str, text: str) -> str:
    """The salted SHA-256 of a canonical answer."""
    return hashlib.sha256(f"{salt}\x00{text}".encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _questions() -> dict[str, Mapping[str, Any]]:
    table: dict[str, Mapping[str, Any]] = {}
    for file in sorted(SELFCHECK_DIR.glob("*.toml")):
        for record in tomllib.loads(file.read_text(encoding="utf-8")).get("check", []):
            table[record["id"]] = record
    return table


def question(qid: str) -> Mapping[str, Any]:
    """The record of self-check *qid* (its question, kind and options)."""
    return lookup(_questions(), qid, "self-check", type_name="question id")


@dataclass(frozen=True)
class Feedback:
    """The result of a self-check: whether it is right, and a message that does not give the answer away."""

    qid: str
    correct: bool
    message: str

    def __str__(self) -> str:
        return f"{'✔' if self.correct else '✘'} Self-check {self.qid}: {self.message}"

    def _repr_markdown_(self) -> str:
        colour = "#1b7837" if self.correct else "#b2182b"
        return f"<span style='color:{colour}'>**{'✔' if self.correct else '✘'} Self-check {self.qid}:**</span> {self.message}"

    def __repr__(self) -> str:
        return str(self)


def _float_feedback(q: Mapping[str, Any], answer: Any) -> tuple[bool, str]:
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        raise CourseTypeError(f"self-check {q['id']} expects a number; got {describe(answer)}")
    value = float(answer)
    if not math.isfinite(value):
        raise CourseValueError(f"self-check {q['id']} expects a finite number; got {answer!r}")
    low, high = float(q["low"]), float(q["high"])
    unit = f" {q['unit']}" if q.get("unit") else ""
    if low <= value <= high:
        return True, q.get("right", f"right: that is within the accepted range.")
    width = max(high - low, 1e-9)
    gap = (low - value) if value < low else (value - high)
    direction = "low" if value < low else "high"
    if gap <= width:
        return False, f"close, but a little too {direction}. Check your rounding and units{unit and ' (' + unit.strip() + ')'}."
    if gap <= 10 * width:
        return False, f"too {direction}. Re-read what the question asks for."
    return False, f"far too {direction}: check your units and which places you used."


def check(qid: str, answer: Any) -> Feedback:
    """Check *answer* to self-check *qid* and say how it went, without revealing the answer."""
    q = question(qid)
    if q["kind"] == "float":
        ok, message = _float_feedback(q, answer)
        return Feedback(qid, ok, message)
    text = canonical(q["kind"], answer, qid)
    if q["kind"] == "choice" and "options" in q:
        letters = [chr(ord("A") + i) for i in range(len(q["options"]))]
        if text not in letters:
            raise CourseValueError(f"self-check {qid} has options {', '.join(letters)}; got {answer!r}")
    if digest(q["salt"], text) == q["sha256"]:
        return Feedback(qid, True, q.get("right", "right."))
    for hint in q.get("hint", []):
        if digest(q["salt"], text) == hint["sha256"]:
            return Feedback(qid, False, hint["say"])
    if q["kind"] in ("set", "list") and "count" in q:
        n = len(text.split("\x1f")) if text else 0
        if n != q["count"]:
            return Feedback(qid, False, f"not yet: you gave {n} item(s); the question expects {q['count']}.")
    return Feedback(qid, False, q.get("wrong", "not yet. Re-read the passage and try again."))


def quiz(qid: str) -> Any:
    """A small widget for self-check *qid*: choose or type an answer, press Check, read the feedback."""
    import ipywidgets as w

    q = question(qid)
    prompt = w.HTML(f"<b>Self-check {qid}.</b> {q['question']}")
    if q["kind"] == "choice":
        options = [(f"{chr(ord('A') + i)}. {o}", chr(ord("A") + i)) for i, o in enumerate(q["options"])]
        entry: Any = w.RadioButtons(options=options, value=None, layout=w.Layout(width="auto"))
    else:
        entry = w.Text(placeholder="your answer", layout=w.Layout(width="22em"))
    button = w.Button(description="Check", button_style="primary", icon="check")
    result = w.HTML()

    def on_click(_: Any) -> None:
        value = entry.value
        try:
            if value in (None, ""):
                raise CourseValueError("choose or type an answer first")
            if q["kind"] == "int":
                value = int(str(value).strip())
            elif q["kind"] == "float":
                value = float(str(value).strip().replace(",", "."))
            elif q["kind"] in ("set", "list"):
                value = [v for v in (s.strip() for s in str(value).split(",")) if v]
            feedback = check(qid, value)
            result.value = feedback._repr_markdown_().replace("**", "")
        except ValueError as err:
            message = str(err) if isinstance(err, CourseValueError) else (
                f"that is not a {'whole number' if q['kind'] == 'int' else 'number'}: {value!r}")
            result.value = f"<span style='color:#b2182b'>✘ {message}</span>"
        except CourseTypeError as err:
            result.value = f"<span style='color:#b2182b'>✘ {err}</span>"

    button.on_click(on_click)
    box = w.VBox([prompt, entry, w.HBox([button, result])])
    box.add_class("course-quiz")
    return box


def make_record(qid: str, kind: str, answer: Any, question_text: str, hints: Mapping[Any, str] | None = None,
                **extra: Any) -> dict[str, Any]:
    """A new self-check record with fresh salt: paste its TOML into data/selfchecks (course authors only)."""
    salt = secrets.token_hex(8)
    record = {"id": qid, "kind": kind, "question": question_text, "salt": salt,
              "sha256": digest(salt, canonical(kind, answer, qid)), **extra}
    if hints:
        record["hint"] = [{"sha256": digest(salt, canonical(kind, w, qid)), "say": say} for w, say in hints.items()]
    return record
