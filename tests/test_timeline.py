"""Weekday words become dates, counted back from the reference day; the events come out dated."""

from datetime import date

import pytest
from hypothesis import given, strategies as st

from course.errors import CourseTypeError, UnknownIdError
from course.timeline import WEEKDAYS_NL, event, events, reference_day, resolve_month, resolve_weekday, week_of


def test_reference_day_is_a_saturday_in_the_dateline_month() -> None:
    day = reference_day()
    assert day.weekday() == 5 and day.strftime("%Y-%m") == "2022-09"


def test_resolve_weekday() -> None:
    saturday = date(2022, 9, 10)
    assert resolve_weekday("zaterdag", saturday) == saturday
    assert resolve_weekday("donderdag", saturday) == date(2022, 9, 8)
    assert resolve_weekday("Sunday", saturday) == date(2022, 9, 4)
    assert resolve_weekday("op vrijdag", saturday) == date(2022, 9, 9)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)), st.sampled_from(WEEKDAYS_NL))
def test_weekday_is_within_the_last_week(reference: date, word: str) -> None:
    day = resolve_weekday(word, reference)
    assert 0 <= (reference - day).days <= 6
    assert WEEKDAYS_NL[day.weekday()] == word


def test_months_and_weeks() -> None:
    assert resolve_month("maart", date(2022, 9, 10)) == (date(2022, 3, 1), date(2022, 3, 31))
    assert resolve_month("oktober", date(2022, 9, 10)) == (date(2021, 10, 1), date(2021, 10, 31))
    assert week_of(date(2022, 9, 10)) == (date(2022, 9, 5), date(2022, 9, 11))


def test_the_story_dates() -> None:
    assert event("balakliia-claimed").start == date(2022, 9, 8)
    assert event("zelensky-thirty").start == date(2022, 9, 9)
    assert event("kupiansk-entered").start == reference_day()
    assert event("kyiv-defeat").start == date(2022, 3, 1)
    assert event("arestovych-video").start is None
    assert all(e.what.text for e in events())


@pytest.mark.parametrize("call, error", [
    (lambda: resolve_weekday("zatterdag", date(2022, 9, 10)), UnknownIdError),
    (lambda: resolve_weekday("zaterdag", "2022-09-10"), CourseTypeError),
    (lambda: resolve_month("Brumaire", date(2022, 9, 10)), UnknownIdError),
    (lambda: event("nope"), UnknownIdError),
])
def test_bad_input(call, error) -> None:
    with pytest.raises(error):
        call()
