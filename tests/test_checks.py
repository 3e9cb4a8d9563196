"""Self-checks: right answers pass, typical slips get their hint, and nothing reveals the answer."""

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
    box = quiz("00.1")
    text, (button, result) = box.children[1], box.children[2].children
    text.value = "vier"
    button.click()
    assert "not a whole number" in result.value
    text.value = "4"
    button.click()
    assert "✔" in result.value
