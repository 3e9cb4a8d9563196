"""course.geo: distances, bearings and compass words from GeoNames data, and friendly errors."""

from __future__ import annotations

import math

import pytest
from geographiclib.geodesic import Geodesic
from hypothesis import given, settings, strategies as st

from course.errors import CourseTypeError, CourseValueError, UnknownIdError
from course.gazetteer import load_gazetteer
from course.geo import (
    COMPASS_EN,
    COMPASS_NL,
    EARTH_MEAN_RADIUS_KM,
    bearing_deg,
    check_direction,
    check_distance,
    check_latlon,
    compass,
    destination,
    detour_studies,
    direction_sector,
    distance_km,
    distance_verdict,
    leg,
    locate,
    ring,
    road_range_km,
)

lats = st.floats(min_value=-90, max_value=90, allow_nan=False)
lons = st.floats(min_value=-180, max_value=180, allow_nan=False)
points = st.tuples(lats, lons)


def _raw(gid: int) -> tuple[float, float]:
    """Coordinates straight from the shipped extract, without course.geo."""
    place = load_gazetteer().get(gid)
    return place.latitude, place.longitude


# -- the article's places, computed two ways -----------------------------------------------------

@pytest.mark.parametrize("a, b, gid_a, gid_b", [
    ("izium", "kupiansk", 707292, 703656),
    ("balakliia", "kupiansk", 712926, 703656),
    ("izium", "balakliia", 707292, 712926),
])
def test_legs_equal_an_independent_geographiclib_call(a: str, b: str, gid_a: int, gid_b: int) -> None:
    expected = Geodesic.WGS84.Inverse(*_raw(gid_a), *_raw(gid_b))
    line = leg(a, b)
    assert (line.start.geonameid, line.end.geonameid) == (gid_a, gid_b)
    assert line.distance_km == pytest.approx(expected["s12"] / 1000, abs=1e-9)
    assert line.bearing_deg == pytest.approx(expected["azi1"] % 360, abs=1e-9)


def test_the_article_geometry_is_what_the_lesson_says() -> None:
    ik, bk, ib = leg("izium", "kupiansk"), leg("balakliia", "kupiansk"), leg("izium", "balakliia")
    assert 60 < ik.distance_km < 62 and ik.compass16 == "NNE"
    assert 62 < bk.distance_km < 63.5 and bk.compass16 == "ENE"
    assert 41 < ib.distance_km < 43 and ib.compass16 == "NW"
    assert 0 < ik.northward_km < ik.distance_km  # Kupiansk lies north, but not due north
    assert ik.northward_km == pytest.approx(Geodesic.WGS84.Inverse(*_raw(707292), _raw(703656)[0], _raw(707292)[1])["s12"] / 1000)


def test_a_tiny_negative_azimuth_is_still_a_bearing() -> None:
    # found by hypothesis (in a reference solution): an azimuth of -6e-15 degrees % 360 == 360.0
    for model in ("wgs84", "sphere"):
        assert 0 <= bearing_deg((10.0, 1e-16), (11.0, 0.0), model) < 360
        assert 0 <= leg((10.0, 1e-16), (11.0, 0.0), model).final_bearing_deg < 360


def test_sphere_and_ellipsoid_differ_by_a_fraction_of_a_percent() -> None:
    for a, b in (("izium", "kupiansk"), ("izium", "balakliia")):
        ell, sph = distance_km(a, b), distance_km(a, b, model="sphere")
        assert ell != sph and abs(ell - sph) / ell < 0.005
    # a sphere's quarter meridian is exactly pi/2 R
    assert distance_km((0.0, 0.0), (90.0, 0.0), model="sphere") == pytest.approx(math.pi / 2 * EARTH_MEAN_RADIUS_KM)


# -- properties ----------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(points, points)
def test_distance_is_symmetric_and_bearings_stay_in_range(p: tuple, q: tuple) -> None:
    for model in ("wgs84", "sphere"):
        d1, d2 = distance_km(p, q, model), distance_km(q, p, model)
        assert d1 == pytest.approx(d2, abs=1e-6)
        assert 0 <= d1 <= 20_040
        assert 0 <= bearing_deg(p, q, model) < 360


@settings(max_examples=150, deadline=None)
@given(points, points, points)
def test_triangle_inequality(p: tuple, q: tuple, r: tuple) -> None:
    for model in ("wgs84", "sphere"):
        assert distance_km(p, r, model) <= distance_km(p, q, model) + distance_km(q, r, model) + 1e-6


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=-80, max_value=80), lons, st.floats(min_value=0, max_value=359.99),
       st.floats(min_value=0.1, max_value=5000))
def test_destination_inverts_leg(lat: float, lon: float, bearing: float, km: float) -> None:
    end = destination((lat, lon), bearing, km)
    assert -180 <= end.longitude <= 180
    assert distance_km((lat, lon), end) == pytest.approx(km, rel=1e-9, abs=1e-6)


@given(st.floats(min_value=-720, max_value=720, allow_nan=False), st.sampled_from([4, 8, 16]))
def test_compass_always_names_a_point_whose_sector_holds_the_bearing(bearing: float, points: int) -> None:
    word = compass(bearing, points)
    assert word in COMPASS_EN and compass(bearing, points, lang="nl") in COMPASS_NL
    sector = direction_sector(word)
    assert abs((bearing - sector.centre + 180) % 360 - 180) <= 180 / points + 1e-9


# -- compass words and direction words -------------------------------------------------------------

@pytest.mark.parametrize("bearing, en, nl, words_en, words_nl", [
    (0, "N", "N", "north", "noord"),
    (359.9, "N", "N", "north", "noord"),
    (23.6, "NNE", "NNO", "north-northeast", "noordnoordoost"),
    (90, "E", "O", "east", "oost"),
    (202.5, "SSW", "ZZW", "south-southwest", "zuidzuidwest"),
    (311.5, "NW", "NW", "northwest", "noordwest"),
])
def test_compass_words(bearing: float, en: str, nl: str, words_en: str, words_nl: str) -> None:
    assert compass(bearing) == en and compass(bearing, lang="nl") == nl
    assert compass(bearing, words=True) == words_en and compass(bearing, lang="nl", words=True) == words_nl


def test_coarser_compasses() -> None:
    assert compass(23.6, 8) == "NE" and compass(23.6, 4) == "N"  # the same bearing, three precisions
    assert compass(22.4, 8) == "N"


@pytest.mark.parametrize("word, point, half", [
    ("noordelijker", "N", 45), ("ten noorden van", "N", 45), ("noord", "N", 45), ("north", "N", 45),
    ("ten noordwesten van", "NW", 22.5), ("noordwestelijk", "NW", 22.5), ("north-east", "NE", 22.5),
    ("in het noordoosten", "NE", 22.5), ("NNE", "NNE", 11.25), ("noordnoordoost", "NNE", 11.25),
    ("zuidelijker", "S", 45), ("oostwaarts", "E", 45),
])
def test_direction_words(word: str, point: str, half: float) -> None:
    sector = direction_sector(word)
    assert (sector.compass_point, sector.half_width) == (point, half)
    assert sector.contains(sector.centre + half) and not sector.contains(sector.centre + half + 0.5)


def test_direction_checks_of_the_article() -> None:
    assert check_direction("noordelijker", "izium", "kupiansk").holds
    assert not check_direction("noordelijker", "balakliia", "kupiansk").holds
    assert check_direction("ten noordwesten van", "izium", "balakliia").holds
    assert not check_direction("ten noordoosten van", "izium", "balakliia").holds  # what Delfi wrote
    assert "does not hold" in check_direction("noordelijker", "balakliia", "kupiansk").explanation


# -- detour factors and distance verdicts --------------------------------------------------------

def test_detour_studies_are_cited_and_the_range_comes_from_them() -> None:
    studies = detour_studies()
    assert len(studies) >= 3
    for s in studies:
        assert s["citation"] and s["via"].startswith("http")
        if "low" in s:
            assert 1 <= s["low"] <= s["high"] < 2
    low = min(s["low"] for s in studies if "low" in s)
    high = max(s["high"] for s in studies if "high" in s)
    assert road_range_km(100) == pytest.approx((100 * low, 100 * high))


def test_distance_verdicts() -> None:
    straight = distance_km("izium", "kupiansk")
    assert check_distance(round(straight), "izium", "kupiansk").verdict == "holds"
    assert check_distance(74, "izium", "kupiansk", "zo'n").verdict == "plausible-as-road"
    assert check_distance(74, "izium", "kupiansk").verdict == "plausible-as-road"
    assert check_distance(200, "izium", "kupiansk", "zo'n").verdict == "does-not-hold"
    assert check_distance(30, "izium", "kupiansk", "zo'n").verdict == "does-not-hold"
    result = check_distance(50, "izium", "balakliia", "zo’n")
    assert result.verdict == "plausible-as-road" and result.ratio == pytest.approx(50 / distance_km("izium", "balakliia"))
    assert "Izium" in result.explanation and "Balakliia" in result.explanation


def test_the_distance_verdict_rule_at_its_edges() -> None:
    from course.numbers import Interval

    low, high = road_range_km(60)  # road trips for a 60 km straight line
    assert distance_verdict(Interval(60, 60), 60) == "holds"  # both ends are inside
    assert distance_verdict(Interval(60.001, 90), 60) == "plausible-as-road"  # just past the line: the road fits
    assert distance_verdict(Interval(high, high + 10), 60) == "plausible-as-road"  # touches the longest road
    assert distance_verdict(Interval(high + 0.001, high + 10), 60) == "does-not-hold"  # just past it
    assert distance_verdict(Interval(10, 59.999), 60) == "does-not-hold"  # short of the line: no road is shorter
    assert low >= 60  # why the last one holds: a road is never shorter than the straight line


def test_ring_is_a_geodesic_circle() -> None:
    pts = ring("izium", 74, n=37)
    assert len(pts) == 37 and pts[0] == pytest.approx(pts[-1])
    assert all(distance_km("izium", p) == pytest.approx(74) for p in pts)


# -- places across spellings --------------------------------------------------------------------------

@pytest.mark.parametrize("name, gid", [
    ("Izium", 707292), ("Izyum", 707292), ("Izjoem", 707292), ("Izjum", 707292),
    ("Kupiansk", 703656), ("Kupyansk", 703656), ("Koepjansk", 703656),
    ("Charkov", 706483), ("Kharkiv", 706483), ("Kupiansk-Vuzlovyi", 703652),
])
def test_spellings_resolve_to_one_geonames_place(name: str, gid: int) -> None:
    assert locate(name, country="UA").geonameid == gid


def test_course_ids_numbers_and_pairs() -> None:
    assert locate("balakliia").geonameid == 712926 and locate("balakliia").name == "Balakliia"
    assert locate(703656).name == "Kupyansk"
    assert locate([49.5, 37.0]).latitude == 49.5


# -- bad input gets a clear error ----------------------------------------------------------------------

def test_latitude_out_of_range_suggests_a_swap() -> None:
    with pytest.raises(CourseValueError, match=r"lat must be between -90 and 90 degrees \(got 137.3\).*swap"):
        check_latlon(137.3, 49.2)
    with pytest.raises(CourseValueError, match="lat must be between") as info:
        check_latlon(137.3, 120.0)
    assert "swap" not in str(info.value)
    with pytest.raises(CourseValueError, match="lon must be between -180 and 180"):
        distance_km((49.2, 370.0), "izium")


@pytest.mark.parametrize("bad, error, message", [
    (("49.2", 37.3), CourseTypeError, "drop the quotes"),
    ((None, 37.3), CourseTypeError, "lat must be a number"),
    ((49.2, float("nan")), CourseValueError, "lon must be a finite number"),
    ((49.2, True), CourseTypeError, "lon must be a number"),
    ((49.2, 37.3, 0.0), CourseValueError, "pair"),
    (None, CourseTypeError, "a must be a place id"),
    (3.5, CourseTypeError, "a must be a place id"),
])
def test_bad_positions(bad: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        distance_km(bad, "izium")


def test_unknown_and_ambiguous_places() -> None:
    with pytest.raises(UnknownIdError, match="Kupiansk"):  # the caption's misspelling gets a suggestion
        locate("Kopiansk")
    with pytest.raises(CourseValueError) as info:
        locate("Balakliia")  # two places in Ukraine: the town and a village in Poltava region
    assert "712926" in str(info.value) and "712925" in str(info.value)
    with pytest.raises(CourseValueError, match="pass country"):
        locate("Donetsk")
    assert locate("Donetsk", country="RU").geonameid == 565348
    with pytest.raises(UnknownIdError, match="earth model"):
        distance_km("izium", "kupiansk", model="flat")
    with pytest.raises(UnknownIdError, match="direction word"):
        direction_sector("linksaf")
    with pytest.raises(CourseValueError, match="points must be"):
        compass(10, points=32)


@pytest.mark.parametrize("call, error, message", [
    (lambda: distance_km("izium", "Kopiansk"), UnknownIdError, r"^b: unknown place name 'Kopiansk'"),
    (lambda: bearing_deg(99999999, "izium"), UnknownIdError, r"^a: GeoNames id 99999999"),
    (lambda: leg("izium", (95.0, 30.0)), CourseValueError, r"^b: lat must be between -90 and 90"),
    (lambda: destination("", 90, 10), CourseValueError, r"^a must not be empty"),
    (lambda: locate("Donetsk", country="XX"), UnknownIdError, r"country code 'XX'"),
    (lambda: ring("izium", 10, 1), CourseValueError, r"^n must be at least 2"),
    (lambda: ring("izium", 10, 2.5), CourseTypeError, r"^n must be int"),
    (lambda: check_distance(74, "izium", "kupiansk", 5), CourseTypeError, r"^hedge must be str"),
    (lambda: check_distance(74, "izium", "kupiansk", "zon"), UnknownIdError, r"unknown hedge word 'zon'.*zo'n"),
])
def test_errors_name_the_argument_that_is_wrong(call, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()
