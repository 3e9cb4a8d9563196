"""Self-checks for the lessons: instant feedback, and the reasoning after two tries.

Each lesson's questions live in ``course/data/selfchecks/<lesson>.toml``. A question stores a
salted SHA-256 of its canonical answer (or, for a measured number, an accepted range), plus
salted hashes of typical wrong answers with a hint for each. ``check`` compares; it says whether
the answer is right, or how close it is, and never what the answer is. Lessons are not graded, so
after two wrong tries the quiz widget offers the record's worked ``explanation`` and ``answer_text``
(optional fields; the loader checks that ``answer_text`` starts with the answer the digest holds).

Public API
----------
- ``check(qid, answer) -> Feedback``: compare an answer; the result shows itself in a notebook.
- ``quiz(qid)``: the same as a small widget (options or a text box, and a Check button); after two
  wrong tries it offers "Show the reasoning" (``course.widgets_quiz``).
- ``question(qid)``: the question's text and kind.
- ``check_text(qid, text)``: ``check`` for an answer as typed (``answer_from_text`` reads it).
- ``reasoning(qid) -> Reasoning``: the record's worked ``explanation`` and ``answer_text`` (what
  "Show the reasoning" shows), or a friendly note when the record has none yet.
- ``make_record(qid, kind, answer, question_text, hints={})``: a new record with fresh salt (for course authors).

>>> from course.checks import check
>>> check("00.1", 4).correct
True
"""

from __future__ import annotations

import hashlib
import html
import math
import secrets
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from course.errors import CourseTypeError, CourseValueError, check_type, describe, lookup, unknown

__all__ = ["Feedback", "Reasoning", "answer_from_text", "canonical", "check", "check_text", "digest", "make_record",
           "question", "quiz", "reasoning"]

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


# Optional fields that "Show the reasoning" reads, checked when the records load.
REASONING_FIELDS = ("explanation", "answer_text")


def validate_record(record: Mapping[str, Any], where: str = "") -> None:
    """Check the fields of one self-check record that the widget reads; a clear error names the record."""
    label = f"self-check {record.get('id', '?')}{f' in {where}' if where else ''}"
    for name in REASONING_FIELDS:
        if name in record and (not isinstance(record[name], str) or not record[name].strip()):
            raise CourseValueError(f"{label}: {name} must be non-empty text; got {describe(record[name])}")
    if "options_en" in record:
        glosses, options = record["options_en"], record.get("options")
        if not isinstance(glosses, list) or not all(isinstance(g, str) for g in glosses) or \
                options is None or len(glosses) != len(options):
            raise CourseValueError(f"{label}: options_en must be a list of English glosses, one per option "
                                   f"({len(options or [])}); got {describe(glosses)}")
    if "answer_text" in record and not _answer_text_agrees(record):
        raise CourseValueError(f"{label}: answer_text must start with the answer itself (the option letter, the "
                               f"number or the word that check() accepts); got {record['answer_text']!r}")


def _answer_text_agrees(record: Mapping[str, Any]) -> bool:
    """True when *record*'s answer_text starts with its right answer (proved against the digest or range)."""
    first = record["answer_text"].strip().split()[0].rstrip(".,:;)")
    kind = record["kind"]
    try:
        if kind == "float":
            return float(record["low"]) <= float(first.replace(",", ".")) <= float(record["high"])
        if kind in ("set", "list"):
            return True  # several items: the explanation carries them
        value: Any = int(first) if kind == "int" else first
        return digest(record["salt"], canonical(kind, value, str(record.get("id")))) == record["sha256"]
    except (ValueError, CourseValueError, CourseTypeError):
        return False


@lru_cache(maxsize=1)
def _questions() -> dict[str, Mapping[str, Any]]:
    table: dict[str, Mapping[str, Any]] = {}
    for file in sorted(SELFCHECK_DIR.glob("*.toml")):
        for record in tomllib.loads(file.read_text(encoding="utf-8")).get("check", []):
            validate_record(record, file.name)
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


@dataclass(frozen=True)
class Reasoning:
    """What "Show the reasoning" shows: the worked explanation and the answer, or why they are missing."""

    qid: str
    explanation: str | None
    answer_text: str | None

    @property
    def complete(self) -> bool:
        return bool(self.explanation and self.answer_text)

    def __str__(self) -> str:
        if not self.complete:
            return (f"Self-check {self.qid}: the worked reasoning for this question has not been written yet. "
                    "Re-read the section above it, or ask your instructor.")
        return f"Self-check {self.qid}: {self.explanation}\nAnswer: {self.answer_text}"

    def html(self) -> str:
        """The reasoning as HTML (Dutch fragments marked ``lang="nl"``)."""
        from course.language import mark_dutch

        if not self.complete:
            return f"<p>{html.escape(str(self).split(': ', 1)[1])}</p>"
        return (f"<p><b>The reasoning.</b> {mark_dutch(self.explanation or '', whole=False)}</p>"
                f"<p><b>The answer:</b> {mark_dutch(self.answer_text or '')}</p>")


def reasoning(qid: str) -> Reasoning:
    """The worked explanation and answer of self-check *qid* (lessons are not graded, so a learner may see them)."""
    q = question(qid)
    return Reasoning(q["id"], q.get("explanation"), q.get("answer_text"))


def answer_from_text(kind: str, text: str) -> Any:
    """What a learner typed (or the letter they picked) as the answer ``course.checks.check`` expects."""
    check_type(kind, str, "kind")
    if kind not in KINDS:
        raise unknown("self-check kind", kind, KINDS, name="kind")
    check_type(text, str, "text")
    value = text.strip()
    if not value:
        raise CourseValueError("choose or type an answer first")
    if kind == "int":
        try:
            return int(value)
        except ValueError:
            raise CourseValueError(f"that is not a whole number: {text!r}") from None
    if kind == "float":
        try:
            return float(value.replace(",", "."))
        except ValueError:
            raise CourseValueError(f"that is not a number: {text!r}") from None
    if kind in ("set", "list"):
        return [v for v in (s.strip() for s in value.split(",")) if v]
    return value


def check_text(qid: str, text: str) -> Feedback:
    """Check *text*, an answer as a learner types it (or the letter they pick), against self-check *qid*."""
    return check(qid, answer_from_text(question(qid)["kind"], text))


def quiz(qid: str) -> Any:
    """A widget for self-check *qid*: choose or type an answer, press Check (or Enter), read the feedback;
    after two wrong tries, "Show the reasoning" gives the worked explanation and the answer."""
    from functools import partial

    from course.widgets_quiz import Quiz

    record = question(qid)
    return Quiz(record, partial(check_text, record["id"]), partial(reasoning, record["id"]))


def make_record(qid: str, kind: str, answer: Any, question_text: str, hints: Mapping[Any, str] | None = None,
                **extra: Any) -> dict[str, Any]:
    """A new self-check record with fresh salt: paste its TOML into data/selfchecks (course authors only)."""
    salt = secrets.token_hex(8)
    record = {"id": qid, "kind": kind, "question": question_text, "salt": salt,
              "sha256": digest(salt, canonical(kind, answer, qid)), **extra}
    if hints:
        record["hint"] = [{"sha256": digest(salt, canonical(kind, w, qid)), "say": say} for w, say in hints.items()]
    return record
