"""The validation helpers of course.errors: each returns the value or names the parameter in its error."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.errors import CourseTypeError, CourseValueError, UnknownIdError, check_items, check_path, unknown


def test_check_items_returns_a_list_and_names_the_bad_item() -> None:
    assert check_items((x for x in ["a", "b"]), str, "ids") == ["a", "b"]
    assert check_items([], str, "ids") == []
    with pytest.raises(CourseTypeError, match=r"^ids\[1\] must be str; got int 3"):
        check_items(["a", 3], str, "ids")
    with pytest.raises(CourseTypeError, match=r"^ids must be a list of student ids; got str 'a'.*\[x\]"):
        check_items("a", str, "ids", what="student ids")  # text is not a list of texts
    with pytest.raises(CourseTypeError, match=r"^ids must be a list of str; got dict"):
        check_items({"a": 1}, str, "ids")
    with pytest.raises(CourseTypeError, match=r"^ids must be a list of int; got NoneType"):
        check_items(None, int, "ids")


def test_check_path_takes_text_or_a_path() -> None:
    assert check_path("a/b", "root") == Path("a/b")
    assert check_path(Path("/tmp"), "root") == Path("/tmp")
    with pytest.raises(CourseValueError, match=r"^root must be a path; got an empty string"):
        check_path("  ", "root")
    with pytest.raises(CourseTypeError, match=r"^root must be a path \(a str or pathlib.Path\); got int 3"):
        check_path(3, "root")


def test_unknown_names_the_parameter_when_asked() -> None:
    assert str(unknown("technique id", "slogans", ["slogan", "euphemism"], name="tid")) == (
        "tid: unknown technique id 'slogans'; did you mean 'slogan'?")
    assert str(unknown("assignment", "x", [])) == "unknown assignment 'x'; there are none yet"
    assert isinstance(unknown("side", "x", ["a"]), UnknownIdError)
