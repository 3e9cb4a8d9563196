"""The reference solutions of assignment 01's coding track are property-tested, and agree with the library."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given, settings, strategies as st

from course.geo import COMPASS_NL, bearing_deg, compass, distance_km
from course.grading import notebooks as nbs
from course.timeline import WEEKDAYS_NL, resolve_weekday

SOURCE = Path(__file__).resolve().parents[1] / "assignments" / "source" / "01-distances-code" / "01-distances-code.ipynb"
lats = st.floats(min_value=-90, max_value=90, allow_nan=False)
lons = st.floats(min_value=-180, max_value=180, allow_nan=False)


@pytest.fixture(scope="module")
def ref() -> dict:
    """The instructor's solutions, run as a student's cells would be."""
    namespace: dict = {"math": math, "date": date, "timedelta": timedelta}
    answers = nbs.reference_answers(nbs.load(SOURCE))
    for gid in ("ex01_c1", "ex01_c2", "ex01_c3", "ex01_c4", "ex01_c5"):
        exec(compile(answers[gid], f"<{gid}>", "exec"), namespace)
    return namespace


@settings(max_examples=200, deadline=None)
@given(lats, lons, lats, lons)
def test_haversine_is_symmetric_nonnegative_and_matches_the_sphere(ref: dict, a: float, b: float, c: float, d: float) -> None:
    h = ref["haversine_km"]
    assert h(a, b, c, d) == pytest.approx(h(c, d, a, b), abs=1e-6)
    assert 0 <= h(a, b, c, d) <= math.pi * 6371.0088 + 1e-3
    assert h(a, b, c, d) == pytest.approx(distance_km((a, b), (c, d), model="sphere"), rel=1e-6, abs=1e-3)


@settings(max_examples=200, deadline=None)
@given(lats, lons, lats, lons, lats, lons)
def test_haversine_triangle_inequality(ref: dict, a: float, b: float, c: float, d: float, e: float, f: float) -> None:
    h = ref["haversine_km"]
    # the haversine's asin loses precision near antipodal points (about 0.2 m), hence a 1 m slack
    assert h(a, b, e, f) <= h(a, b, c, d) + h(c, d, e, f) + 1e-3


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-89, max_value=89), lons, lats, lons)
def test_bearing_stays_in_range_and_matches_the_sphere(ref: dict, a: float, b: float, c: float, d: float) -> None:
    assume(distance_km((a, b), (c, d), model="sphere") > 1)  # a bearing to a point almost on top of you is noise
    assume(distance_km((a, b), (-c, d + 180 if d <= 0 else d - 180), model="sphere") > 1)  # nor to the antipode
    got = ref["initial_bearing"](a, b, c, d)
    assert 0 <= got < 360
    want = bearing_deg((a, b), (c, d), model="sphere")
    assert abs((got - want + 180) % 360 - 180) < 1e-6


@given(st.floats(min_value=0, max_value=359.999999, allow_nan=False))
def test_compass_matches_the_library(ref: dict, bearing: float) -> None:
    word = ref["compass_nl"](bearing)
    assert word in COMPASS_NL and word == compass(bearing, 16, "nl")


@given(st.floats(min_value=0.1, max_value=1e5), st.floats(min_value=0, max_value=2e5), st.floats(min_value=0, max_value=1))
def test_hedge_holds_is_a_symmetric_band(ref: dict, stated: float, measured: float, share: float) -> None:
    holds = ref["hedge_holds"](stated, measured, share)
    assert isinstance(holds, bool)
    assert holds == (abs(measured - stated) <= share * stated)
    assert ref["hedge_holds"](stated, stated, share)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(WEEKDAYS_NL))
def test_weekday_date_counts_back_at_most_six_days(ref: dict, reference: date, word: str) -> None:
    got = date.fromisoformat(ref["weekday_date"](word, reference))
    assert 0 <= (reference - got).days <= 6 and WEEKDAYS_NL[got.weekday()] == word
    assert got == resolve_weekday(word, reference)
