"""Self-checks: right answers pass, typical slips get their hint, and nothing reveals the answer."""

import re
import tomllib
from pathlib import Path

import pytest

from course.article import load_article
from course.checks import SELFCHECK_DIR, check, question, quiz
from course.errors import CourseTypeError, CourseValueError, UnknownIdError


def test_lesson_00_answers_come_from_the_library() -> None:
    art = load_article()
    assert check("00.1", len(art.by_role("subheading"))).correct
    assert check("00.2", "C").correct and question("00.2")["options"][2] == "photo caption"
    assert art.paragraph("p20").role == "caption"
    last_body = art.by_role("body")[-1]
    assert last_body.text.startswith("Skabejeva eindigde")
    assert check("00.3", "b").correct and "Skabejeva" in question("00.3")["options"][1]
    places = {w for w in ("Balakliia", "Balaklia") if art.count(w)}
    assert check("00.4", sorted(places)).correct


def test_wrong_answers_get_a_hint_or_a_plain_no() -> None:
    assert not check("00.1", 6).correct and "captions" in check("00.1", 6).message
    assert not check("00.1", 3).correct
    assert not check("00.4", ["Balakliia"]).correct


def test_feedback_never_contains_the_answer() -> None:
    for qid, wrong in [("00.1", 2), ("00.2", "A"), ("00.3", "D"), ("00.4", ["Kiev"])]:
        message = str(check(qid, wrong))
        assert "4" not in message.replace("00.4", "") if qid == "00.1" else True
        assert "Olga" not in message and "photo caption" not in message


def test_data_files_hold_no_plain_answers() -> None:
    for file in SELFCHECK_DIR.glob("*.toml"):
        for record in tomllib.loads(file.read_text(encoding="utf-8"))["check"]:
            assert "answer" not in record
            if record["kind"] == "float":  # a measured number is checked against an accepted range
                assert record["low"] < record["high"] and "sha256" not in record
                continue
            assert len(record["salt"]) >= 16 and len(record["sha256"]) == 64


@pytest.mark.parametrize("qid, answer, error", [
    ("00.1", "4", CourseTypeError),
    ("00.1", None, CourseTypeError),
    ("00.2", "CC", CourseValueError),
    ("00.2", "E", CourseValueError),
    ("00.4", "Balakliia", CourseTypeError),
    ("09.9", 1, UnknownIdError),
])
def test_bad_input(qid, answer, error) -> None:
    with pytest.raises(error):
        check(qid, answer)


def test_quiz_widget_reports_errors_in_the_widget() -> None:
    quiz_ = quiz("00.1")
    widget = quiz_.widget
    quiz_._on_msg(widget, {"event": "check", "value": "vier"}, [])
    assert "not a whole number" in widget.feedback_html and widget.status == "error"
    assert quiz_.tries == 0, "a typing slip is not a wrong try"
    quiz_._on_msg(widget, {"event": "check", "value": "4"}, [])
    assert "✔" in widget.feedback_html and widget.status == "right"


def test_reasoning_opens_after_two_wrong_tries_and_shows_answer() -> None:
    q = quiz("00.2")
    assert not q.can_reveal
    with pytest.raises(CourseValueError, match="try twice"):
        q.reveal()
    q.submit("A")
    assert not q.can_reveal and "Show the reasoning" not in q.feedback_html
    q.submit("B")
    assert q.can_reveal and q.widget.can_reveal and "Show the reasoning" in q.feedback_html
    q.reveal()
    assert "The answer:</b> C. photo caption" in q.widget.reasoning_html
    assert "button on the web page" in q.widget.reasoning_html


def test_reasoning_without_an_explanation_says_so_kindly() -> None:
    # every shipped record has its reasoning now; a new one may not have it yet
    from course.checks import Reasoning, check_text
    from course.widgets_quiz import Quiz

    record = {k: v for k, v in question("00.4").items() if k not in ("explanation", "answer_text")}
    q = Quiz(record, lambda text: check_text("00.4", text), lambda: Reasoning("00.4", None, None))
    q.submit("x, y").submit("x, z")
    q.reveal()
    assert "not been written yet" in q.reasoning_html and "ask your instructor" in q.reasoning_html


def test_a_right_answer_also_opens_the_reasoning() -> None:
    assert quiz("00.2").submit("C").can_reveal


def test_changing_the_answer_clears_stale_feedback() -> None:
    q = quiz("00.2")
    q._on_msg(q.widget, {"event": "check", "value": "A"}, [])
    assert q.widget.feedback_html
    q._on_msg(q.widget, {"event": "edit"}, [])
    assert q.widget.feedback_html == "" and q.widget.status == ""


def test_quiz_marks_dutch_options_and_quotes() -> None:
    q = quiz("01.3")
    assert all('lang="nl"' in o for o in q.options_html)  # noordnoordoost, noordoost, ...
    assert 'lang="nl"' not in "".join(quiz("00.3").options_html)  # the reporter's own, ...
    assert '<span lang="nl">propagandisten</span>' in quiz("03.3").prompt_html


@pytest.mark.parametrize("change, message", [
    ({"explanation": ["a list"]}, "explanation must be non-empty text"),
    ({"answer_text": "  "}, "answer_text must be non-empty text"),
    ({"answer_text": "B. subheading"}, "must start with the answer itself"),
    ({"options_en": ["one"]}, "options_en must be a list of English glosses, one per option (4)"),
])
def test_loader_names_a_bad_reasoning_field(change, message) -> None:
    from course.checks import validate_record

    record = {**question("00.2"), **change}
    with pytest.raises(CourseValueError, match=re.escape(message)) as info:
        validate_record(record, "00.toml")
    assert "self-check 00.2 in 00.toml" in str(info.value)


def test_answer_texts_start_with_the_right_answer() -> None:
    """Every record that has an answer_text passes the loader's proof against its digest."""
    from course.checks import _questions, validate_record

    with_text = [r for r in _questions().values() if "answer_text" in r]
    assert with_text
    for record in with_text:
        validate_record(record)
