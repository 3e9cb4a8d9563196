"""The Python primer: its blanks, its Parsons problems and its error reader work, and agree with the data.

Every fill-in-the-blank cell of notebooks/python-primer.ipynb, with its blank replaced by the record's
``answer_text``, passes its self-check; left blank, it says so and costs no try; a typical slip gets its
hint. Every Parsons problem's answer is right, its shuffled start is not, and the widget moves lines
with keyboard-reachable buttons, says how many lines are in place, and offers the reasoning after two
wrong checks.
"""

from __future__ import annotations

import io
import re
import tomllib
from contextlib import redirect_stdout
from pathlib import Path

import nbformat
import pytest

from course import primer
from course.checks import SELFCHECK_DIR, check
from course.errors import CourseError, CourseValueError
from course.parsons import ParsonsProblem, make_parsons_record, parsons

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "notebooks" / "python-primer.ipynb"
RECORDS = {r["id"]: r for r in tomllib.loads((SELFCHECK_DIR / "python-primer.toml").read_text(encoding="utf-8"))["check"]}
FILL_INS = sorted((q for q, r in RECORDS.items() if "args" in r), key=lambda q: int(q.split(".")[1]))
PARSONS = sorted((q for q, r in RECORDS.items() if "lines" in r), key=lambda q: int(q.split(".")[1]))


def _cells() -> list[str]:
    return [c.source for c in nbformat.read(LESSON, as_version=4).cells if c.cell_type == "code"]


def _setup() -> dict:
    ns: dict = {}
    exec(_cells()[0], ns)
    return ns


def _exercise_cell(qid: str) -> str:
    found = [c for c in _cells() if f'try_it("{qid}"' in c]
    assert len(found) == 1, f"{qid}: the lesson should have exactly one try_it cell for it"
    return found[0]


def _filled(cell: str, answer: str) -> str:
    """The exercise cell with its blank line replaced by the answer line (same indentation)."""
    lines = cell.splitlines()
    blank = [i for i, line in enumerate(lines) if re.search(r"\.\.\.(?!\w)|\b___\b", line)]
    assert len(blank) == 1, f"one blank per exercise cell, found {len(blank)}"
    indent = re.match(r"\s*", lines[blank[0]]).group(0)
    lines[blank[0]] = indent + answer.strip()
    return "\n".join(lines)


def _run(cell: str) -> primer.Attempt:
    ns = _setup()
    body, call = cell.rsplit("\n", 1)
    exec(body, ns)
    return eval(call, ns)


def test_every_self_check_of_the_primer_is_used_once_in_the_lesson() -> None:
    text = "\n".join(_cells())
    used = re.findall(r'(?:try_it|quiz|parsons)\("(py\.\d+)"', text)
    assert sorted(used) == sorted(RECORDS), "the lesson and python-primer.toml should use the same self-checks"
    assert len(used) == len(set(used))
    assert {"py.1", "py.3"} <= set(FILL_INS) and len(PARSONS) >= 4


@pytest.mark.parametrize("qid", FILL_INS)
def test_the_answer_fills_the_blank(qid: str) -> None:
    primer._wrong.clear()
    cell = _exercise_cell(qid)
    left_blank = _run(cell)
    assert not left_blank.correct and "blank" in left_blank.message and qid not in primer._wrong
    assert "<code>...</code>" in left_blank._repr_html_(), "code in a message shows as code"
    done = _run(_filled(cell, RECORDS[qid]["solution"]))
    assert done.correct, f"{qid}: the record's solution does not fill the blank: {done}"
    assert done.calls and all("->" in c for c in done.calls)


def test_a_typical_slip_gets_its_hint_and_two_wrong_tries_offer_the_reasoning() -> None:
    primer._wrong.clear()
    cell = _exercise_cell("py.3")
    first = _run(_filled(cell, "elif x <= 0:"))
    assert not first.correct and "<=" in first.message and not first.reasoning
    second = _run(_filled(cell, "elif x <= 0:"))
    assert "Show the reasoning" in second.reasoning and "x &lt; 0" in second.reasoning
    assert "Show the reasoning" in second._repr_html_()
    assert _run(_filled(cell, "elif x < 0:")).correct and "py.3" not in primer._wrong


def test_feedback_names_what_the_function_gave_never_the_expected_value() -> None:
    attempt = _run(_filled(_exercise_cell("py.1"), "return miles / 1.609344"))
    assert not attempt.correct and "too low" in attempt.message
    assert "74" not in attempt.message and "28.58" in attempt.calls[0]


@pytest.mark.parametrize("error, words", [
    (NameError("name 'maths' is not defined"), "a name is used that Python does not know"),
    (TypeError("unsupported operand type(s) for *: 'int' and 'ellipsis'"), "a blank"),
    (AttributeError("'str' object has no attribute '___'"), "a blank"),
    (IndexError("list index out of range"), "the last at -1"),
    (KeyError("isw"), "test with `key in d`"),
    (CourseValueError("lat must be between -90 and 90 degrees (got 137.3)"), "the course's library caught"),
    (OSError("disk"), "read the last line"),
])
def test_explain_error_quotes_python_then_says_it_plainly(error: BaseException, words: str) -> None:
    text = primer.explain_error(error)
    assert text.startswith(f"Python says: {type(error).__name__}") and words in text


def test_an_error_inside_the_learners_function_is_explained_not_raised() -> None:
    attempt = _run(_filled(_exercise_cell("py.9"), "return DAYS.find(word.lower())"))
    assert not attempt.correct and "AttributeError" in attempt.message and "In plain words" in attempt.message


def test_show_error_prints_the_traceback_and_the_reading_guide() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        primer.show_error('words = "Izium Balakliia".split()\nthird = words[2]\n')
    text = out.getvalue()
    assert "IndexError: list index out of range" in text and "LAST line" in text and "primer.py" not in text
    with redirect_stdout(io.StringIO()) as quiet:
        primer.show_error("x = 1")
    assert "without an error" in quiet.getvalue()


def test_try_it_refuses_what_is_not_a_function_or_not_a_fill_in() -> None:
    with pytest.raises(CourseError, match="your function"):
        primer.try_it("py.1", 46)
    with pytest.raises(CourseError, match="not a fill-in"):
        primer.try_it("py.2", len)


@pytest.mark.parametrize("qid", PARSONS)
def test_parsons_answer_is_right_and_the_start_is_not(qid: str) -> None:
    record = RECORDS[qid]
    answer = record["answer_text"].split("\n")
    assert sorted(answer) == sorted(record["lines"]), f"{qid}: answer_text and lines hold different lines"
    assert check(qid, answer).correct
    problem = ParsonsProblem(qid)
    assert problem.order != answer and problem.in_place() == 0, "the first line shown should not be the first line"
    for line in answer:  # move each line into place from the top, as a learner would
        target = answer.index(line)
        while problem.order.index(line) != target:
            problem.move(problem.order.index(line), -1 if problem.order.index(line) > target else 1)
    assert problem.order == answer and problem.in_place() == len(answer) and problem.check().correct
    code = "\n".join(answer)
    compile(code, qid, "exec")  # the answer is valid Python


def test_parsons_feedback_counts_the_lines_in_place_from_the_top() -> None:
    problem = ParsonsProblem("py.5")
    answer = RECORDS["py.5"]["answer_text"].split("\n")
    problem.order = answer[:2] + answer[3:] + answer[2:3]
    assert problem.in_place() == 2
    feedback = problem.check()
    assert not feedback.correct and "first 2 lines" in feedback.message and "line 3" in feedback.message
    assert not problem.offers_reasoning
    problem.check()
    assert problem.offers_reasoning


def test_parsons_move_stops_at_the_ends_and_names_a_bad_index() -> None:
    problem = ParsonsProblem("py.5")
    first, last = problem.order[0], problem.order[-1]
    assert problem.move(0, -1) == 0 and problem.order[0] == first
    end = len(problem.order) - 1
    assert problem.move(end, 1) == end and problem.order[-1] == last
    with pytest.raises(CourseValueError, match="index"):
        problem.move(9, 1)
    with pytest.raises(CourseValueError, match="not a Parsons problem"):
        ParsonsProblem("py.1")


def test_make_parsons_record_shuffles_and_refuses_lines_that_look_alike() -> None:
    lines = ["def f(x):", "    y = x + 1", "    return y"]
    record = make_parsons_record("demo.1", lines, "Order f.", seed=3)
    assert record["lines"] != lines and sorted(record["lines"]) == sorted(lines) and len(record["prefix"]) == 3
    with pytest.raises(CourseValueError, match="differ"):
        make_parsons_record("demo.2", ["x = 1", "    X = 1"], "Order.")


def test_the_parsons_widget_is_driven_by_buttons_and_keeps_the_focus_on_the_moved_line(monkeypatch) -> None:
    box = parsons("py.5")
    rows = [c for c in box.children if c.__class__.__name__ == "HBox"][:-1]
    ups = [r.children[0] for r in rows]
    downs = [r.children[1] for r in rows]
    texts = [r.children[2] for r in rows]
    assert [b.description for b in ups] == ["Up"] * len(rows) and downs[0].description == "Down"
    assert ups[0].disabled and downs[-1].disabled and not ups[1].disabled
    assert all(b.tooltip.startswith("Move line") for b in ups + downs)
    focused = []
    monkeypatch.setattr(type(downs[0]), "focus", lambda self: focused.append(self))
    line = texts[0].value
    downs[0].click()
    assert texts[1].value.split("</span>", 1)[1] == line.split("</span>", 1)[1] and focused == [downs[1]]
    check_button = box.children[-2].children[0]
    check_button.click()
    check_button.click()
    assert "✘" in box.children[-2].children[1].value and "Show the reasoning" in box.children[-1].value
