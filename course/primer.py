"""The Python primer's fill-in-the-blank checks and its error-message reader.

A fill-in-the-blank exercise is a function with a blank (``...`` for an expression, ``___`` for a
name). ``try_it(qid, fn)`` calls the learner's function on the inputs stored with self-check *qid*
(``args`` in ``course/data/selfchecks/python-primer.toml``) and checks what comes back with
``course.checks.check``: it never shows the expected value. A blank left in, or any other error,
becomes a short message that quotes Python's own error line and says in plain words what it means,
so the learner practises reading error messages. After two wrong tries it offers the worked
reasoning (``explanation``) and the answer (``answer_text``), because lessons are not graded.

Public API
----------
- ``try_it(qid, fn) -> Attempt``: call *fn* on the stored inputs and check the results.
- ``Attempt``: the outcome (``correct``, ``message``, ``calls``); shows itself in a notebook.
- ``explain_error(err) -> str``: Python's error line, then what it means in plain words.
- ``show_error(code)``: run a few lines that fail, and print the traceback with a reading guide.
- ``has_blank(fn) -> bool``: whether a function still holds a blank (``...`` or ``___``).
- ``reasoning_html(record) -> str``: the collapsed "Show the reasoning" block of a self-check record.

>>> explain_error(NameError("name 'maths' is not defined")).splitlines()[0]
"Python says: NameError: name 'maths' is not defined"
"""

from __future__ import annotations

import html
import re
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from course.checks import check, question
from course.errors import CourseError, check_text, check_type

__all__ = ["Attempt", "explain_error", "has_blank", "reasoning_html", "show_error", "try_it"]

TRIES_BEFORE_REASONING = 2
_wrong: dict[str, int] = {}

_MEANINGS: dict[str, str] = {
    "NameError": "a name is used that Python does not know: a typo, a missing import, or a cell above "
                 "that has not been run yet.",
    "TypeError": "a value of the wrong type: for example text where a number is needed, or a function "
                 "called with the wrong number of arguments.",
    "AttributeError": "the value has no method or attribute with that name: check the spelling, and "
                      "what type the value is.",
    "IndexError": "a position past the end of a list or a string: the first item is at 0, the last at -1.",
    "KeyError": "a dict has no such key: check the spelling, or test with `key in d` first.",
    "ValueError": "the type is right but the value is not: for example int('vier') or a list's "
                  ".index() of something that is not in it.",
    "ZeroDivisionError": "a division by zero: check the number you divide by before dividing.",
    "NotImplementedError": "the exercise still has its placeholder: replace the `raise "
                           "NotImplementedError(...)` line with your code.",
    "RecursionError": "the function calls itself without end.",
}


def explain_error(err: BaseException) -> str:
    """Python's own error line for *err*, then what it means in plain words."""
    check_type(err, BaseException, "err")
    kind, said = type(err).__name__, str(err)
    line = f"Python says: {kind}: {said}" if said else f"Python says: {kind}"
    if "ellipsis" in said or "'___'" in said or "name '___'" in said:
        meaning = "a blank (`...` or `___`) is still in your code: replace it with your own code."
    elif isinstance(err, CourseError):
        meaning = "the course's library caught a mistake; its message above names what to fix."
    else:
        meaning = _MEANINGS.get(kind, "read the last line of the error: its type, then its message.")
    return f"{line}\nIn plain words: {meaning}"


def show_error(code: str) -> None:
    """Run *code* (a few lines that fail) and print its traceback with a guide to reading it."""
    check_text(code, "code")
    namespace: dict[str, Any] = {}
    try:
        exec(compile(code, "<example>", "exec"), namespace)  # noqa: S102 - the lesson's own example code
    except Exception as err:  # noqa: BLE001 - showing the error is the point
        frames = traceback.format_exception(type(err), err, err.__traceback__)
        shown = "".join(f for f in frames if "course/primer.py" not in f)
        guide = ("\nHow to read it: start at the LAST line (the error's type and message), then look one "
                 "line up for the line of code that failed.\n" + explain_error(err))
        print(shown.rstrip() + "\n" + guide)
        return
    print("This code ran without an error.")


def reasoning_html(record: Mapping[str, Any]) -> str:
    """The collapsed "Show the reasoning" block (an HTML <details>, opened with Enter or a click)."""
    check_type(record, Mapping, "record")
    explanation = html.escape(record.get("explanation", "")).replace("\n", "<br>")
    answer = html.escape(record.get("answer_text", ""))
    answer_block = f"<pre style='margin:0.3em 0'>{answer}</pre>" if "\n" in answer else f"<b>{answer}</b>"
    return ("<details class='course-reasoning'><summary>Show the reasoning</summary>"
            f"<div style='margin:0.4em 0 0 1em'>{explanation}<br>Answer: {answer_block}</div></details>")


@dataclass(frozen=True)
class Attempt:
    """The outcome of one ``try_it``: right or not, a message that never states the expected value."""

    qid: str
    correct: bool
    message: str
    calls: tuple[str, ...] = field(default_factory=tuple)  # e.g. "sign_word(-3) -> 'negative'"
    reasoning: str = ""  # the HTML block, offered after two wrong tries

    def __str__(self) -> str:
        lines = [f"{'✔' if self.correct else '✘'} Self-check {self.qid}: {self.message}", *self.calls]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = "#1b7837" if self.correct else "#b2182b"
        calls = "".join(f"<br><code>{html.escape(c)}</code>" for c in self.calls)
        message = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(self.message)).replace("\n", "<br>")
        return (f"<div class='course-tryit'><span style='color:{colour}'><b>{'✔' if self.correct else '✘'} "
                f"Self-check {self.qid}:</b></span> {message}{calls}{self.reasoning}</div>")

    def __repr__(self) -> str:
        return str(self)


def has_blank(fn: Callable[..., Any]) -> bool:
    """True when the body of *fn* still holds a blank: the constant ``...`` or the name ``___``."""
    stack = [getattr(fn, "__code__", None)]
    while stack:
        code = stack.pop()
        if code is None:
            continue
        if "___" in code.co_names or "___" in code.co_varnames or any(c is Ellipsis for c in code.co_consts):
            return True
        stack.extend(c for c in code.co_consts if hasattr(c, "co_consts"))
    return False


def _show(fn: Callable[..., Any], args: list[Any], result: Any) -> str:
    name = getattr(fn, "__name__", "your function")
    return f"{name}({', '.join(repr(a) for a in args)}) -> {result!r}"


def try_it(qid: str, fn: Callable[..., Any]) -> Attempt:
    """Call *fn* on the inputs stored with self-check *qid*, then check what it returns."""
    check_text(qid, "qid")
    record = question(qid)
    if not callable(fn):
        raise CourseError(f"try_it expects your function as fn (its name, without brackets); got {fn!r}")
    calls = [list(a) for a in record.get("args", [])]
    if not calls:
        raise CourseError(f"self-check {qid} is not a fill-in-the-blank exercise: use quiz({qid!r})")
    if has_blank(fn):
        return Attempt(qid, False, "a blank (`...` or `___`) is still in your function: replace it with your "
                                   "own code and run the cell again (this does not count as a try).")
    results, shown = [], []
    for args in calls:
        try:
            result = fn(*args)
        except Exception as err:  # noqa: BLE001 - the learner's code may raise anything
            return _wrong_try(qid, record, explain_error(err), tuple(shown))
        results.append(result)
        shown.append(_show(fn, args, result))
    try:
        if len(results) == 1:
            feedback = check(qid, results[0])
        else:
            feedback = check(qid, [repr(r) for r in results])
    except CourseError as err:
        return _wrong_try(qid, record, f"not yet: {err}", tuple(shown))
    if feedback.correct:
        _wrong.pop(qid, None)
        return Attempt(qid, True, feedback.message, tuple(shown))
    return _wrong_try(qid, record, feedback.message, tuple(shown))


def _wrong_try(qid: str, record: Mapping[str, Any], message: str, shown: tuple[str, ...]) -> Attempt:
    _wrong[qid] = _wrong.get(qid, 0) + 1
    offer = reasoning_html(record) if _wrong[qid] >= TRIES_BEFORE_REASONING else ""
    return Attempt(qid, False, message, shown, offer)
