"""Distances and directions between places: WGS84 geodesics, compass words, and claim checks.

Places come from GeoNames data (``course.gazetteer``); no coordinate is typed here. Distances and
bearings are geodesics on the WGS84 ellipsoid, computed with GeographicLib (Karney 2013). For
comparison, ``model="sphere"`` uses a sphere with the IUGG mean radius, which is what a haversine
assumes.

Public API
----------
- ``Point``: a named position (latitude, longitude in degrees; GeoNames id when it has one).
- ``locate(place, country=None, article=None) -> Point``: a place id of the article ("izium"; the
  seed unless *article* names another), a place name in any spelling ("Izjoem"), a GeoNames id, a
  ``GeoPlace`` or a ``(lat, lon)`` pair. Every function that takes places takes ``article`` too.
- ``check_latlon(lat, lon) -> (lat, lon)``: validated degrees, with a hint when they look swapped.
- ``leg(a, b, model="wgs84") -> Leg``: distance (km), initial and final bearing (degrees), and the
  north-south component of the trip.
- ``distance_km(a, b)``, ``bearing_deg(a, b)``, ``destination(a, bearing, km)``, ``ring(a, km)``
- ``compass(bearing, points=16, lang="en", words=False)``: "NNE", "noordnoordoost" ...
- ``direction_sector(word) -> Sector``: the bearings a direction word claims ("ten noordwesten van").
- ``detour_studies()`` and ``road_range_km(straight_km)``: published detour (circuity) factors.
- ``distance_verdict(allowed, straight_km)``: the verdict rule (holds / plausible-as-road / does-not-hold).
- ``check_distance(stated_km, a, b, hedge)`` and ``check_direction(word, a, b)``: structured verdicts
  (``DistanceCheck``, ``DirectionCheck``) with an explanation in plain words.

>>> round(distance_km("izium", "kupiansk"))
61
>>> compass(bearing_deg("izium", "kupiansk"))
'NNE'
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course.articles import per_article
from course.errors import (
    CourseError,
    CourseTypeError,
    CourseValueError,
    check_number,
    check_text,
    check_type,
    describe,
    unknown,
)

__all__ = [
    "COMPASS_EN",
    "COMPASS_NL",
    "EARTH_MEAN_RADIUS_KM",
    "DirectionCheck",
    "DistanceCheck",
    "Leg",
    "Point",
    "Sector",
    "bearing_deg",
    "check_direction",
    "check_distance",
    "check_latlon",
    "compass",
    "destination",
    "detour_studies",
    "direction_sector",
    "distance_km",
    "distance_verdict",
    "leg",
    "locate",
    "ring",
    "road_range_km",
]

if TYPE_CHECKING:
    from course.numbers import Interval

REFERENCE_DIR = Path(__file__).resolve().parent / "data" / "reference"
# IUGG mean radius R1 = (2a + b) / 3 of the GRS80 ellipsoid (Moritz 2000, Geodetic Reference System 1980).
EARTH_MEAN_RADIUS_KM = 6371.0088
MODELS = ("wgs84", "sphere")

COMPASS_EN = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")
COMPASS_NL = ("N", "NNO", "NO", "ONO", "O", "OZO", "ZO", "ZZO", "Z", "ZZW", "ZW", "WZW", "W", "WNW", "NW", "NNW")
_WORD_EN = {"N": "north", "E": "east", "S": "south", "W": "west"}
_WORD_NL = {"N": "noord", "O": "oost", "Z": "zuid", "W": "west"}


# -- points ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Point:
    """A position in degrees (WGS84): latitude north positive, longitude east positive."""

    name: str
    latitude: float
    longitude: float
    geonameid: int | None = None

    def __str__(self) -> str:
        ns = "N" if self.latitude >= 0 else "S"
        ew = "E" if self.longitude >= 0 else "W"
        gid = f", GeoNames {self.geonameid}" if self.geonameid else ""
        return f"{self.name} ({abs(self.latitude):.4f}°{ns} {abs(self.longitude):.4f}°{ew}{gid})"

    def as_dict(self) -> dict[str, Any]:
        """Name and GeoNames id (and coordinates) for JSON."""
        return {"name": self.name, "geonameid": self.geonameid, "lat": self.latitude, "lon": self.longitude}


def check_latlon(lat: Any, lon: Any) -> tuple[float, float]:
    """Validated latitude and longitude in degrees; says so when the two look swapped."""
    for value, name in ((lat, "lat"), (lon, "lon")):
        if value is None or isinstance(value, (str, bytes, bool)) or not isinstance(value, (int, float)):
            hint = ""
            if isinstance(value, str):
                hint = " (a number in quotes is text: drop the quotes)"
            elif value is None:
                hint = " (did a look-up or a function return nothing?)"
            raise CourseTypeError(f"{name} must be a number of degrees; got {describe(value)}{hint}")
        if math.isnan(value) or math.isinf(value):
            raise CourseValueError(f"{name} must be a finite number of degrees; got {value!r}")
    if not -90 <= lat <= 90:
        swap = " — did you swap latitude and longitude?" if -90 <= lon <= 90 else ""
        raise CourseValueError(f"lat must be between -90 and 90 degrees (got {lat!r}){swap}")
    if not -180 <= lon <= 180:
        raise CourseValueError(f"lon must be between -180 and 180 degrees (got {lon!r}); east is positive")
    return float(lat), float(lon)


def locate(place: Any, country: str | None = None, article: str | None = None) -> Point:
    """A Point for *place*: a place id of *article* (None: the seed), a name (any GeoNames or Dutch
    spelling), a GeoNames id, a GeoPlace or Point, or a ``(lat, lon)`` pair. An ambiguous name raises
    an error listing candidates."""
    return _locate(place, country, "place", article)


def _locate(place: Any, country: str | None, name: str, article: str | None = None) -> Point:
    """``locate``, with errors that name the caller's parameter *name* ("a", "b", "place")."""
    from course.gazetteer import GeoPlace, load_gazetteer, place_point

    if isinstance(place, Point):
        return place
    if isinstance(place, GeoPlace):
        return Point(place.name, place.latitude, place.longitude, place.geonameid)
    if isinstance(place, str):
        check_text(place, name)
    elif isinstance(place, bool) or not isinstance(place, (int, tuple, list)):
        raise CourseTypeError(f"{name} must be a place id, a name, a GeoNames id or a (lat, lon) pair; "
                              f"got {describe(place)}")
    elif isinstance(place, (tuple, list)) and len(place) != 2:
        raise CourseValueError(f"{name} must be a (lat, lon) pair in degrees; got {len(place)} value(s)")
    if country is not None:
        load_gazetteer().country(country)  # a clear error for a code that is not a country
    try:  # the look-ups below say what is wrong; the prefix says which argument it is
        if isinstance(place, int):
            return _locate(load_gazetteer().get(place), None, name)
        if isinstance(place, (tuple, list)):
            lat, lon = check_latlon(place[0], place[1])
            return Point(f"({lat:.4f}, {lon:.4f})", lat, lon)
        cities = _corpus_city_ids(article)
        if place in cities:
            found = _locate(place_point(place, article), None, name)
            return Point(cities[place], found.latitude, found.longitude, found.geonameid)
        return _locate(load_gazetteer().resolve(place, country=country), None, name)
    except CourseError as err:
        raise type(err)(f"{name}: {err}") from None


@per_article
def _corpus_city_ids(key: str) -> dict[str, str]:
    """Place id -> English name, for the cities of an article's corpus."""
    from course.corpus import load_corpus

    return {p["id"]: p["name"].split(",")[0] for p in load_corpus(key).records("places") if p["kind"] == "city"}


# -- geodesics -------------------------------------------------------------------------------------

@lru_cache(maxsize=2)
def _geodesic(model: str) -> Any:
    from geographiclib.geodesic import Geodesic

    if model == "wgs84":
        return Geodesic.WGS84
    return Geodesic(EARTH_MEAN_RADIUS_KM * 1000, 0.0)


def _model(model: str) -> str:
    if model not in MODELS:
        raise unknown("earth model", model, MODELS, name="model")
    return model


@dataclass(frozen=True)
class Leg:
    """The shortest path from *start* to *end*: length (km), bearings (degrees clockwise from north)."""

    start: Point
    end: Point
    distance_km: float
    bearing_deg: float
    final_bearing_deg: float
    northward_km: float
    model: str

    @property
    def compass16(self) -> str:
        """The initial bearing as a 16-point English compass abbreviation."""
        return compass(self.bearing_deg, 16)


def leg(a: Any, b: Any, model: str = "wgs84", article: str | None = None) -> Leg:
    """The geodesic from *a* to *b* (see ``locate`` for what a place can be; place ids are *article*'s)."""
    start, end = _locate(a, None, "a", article), _locate(b, None, "b", article)
    g = _geodesic(_model(model))
    line = g.Inverse(start.latitude, start.longitude, end.latitude, end.longitude)
    meridian = g.Inverse(start.latitude, start.longitude, end.latitude, start.longitude)["s12"]
    north = math.copysign(meridian, end.latitude - start.latitude) / 1000
    return Leg(start, end, line["s12"] / 1000, _wrap360(line["azi1"]), _wrap360(line["azi2"]), north, model)


def _wrap360(angle: float) -> float:
    """*angle* in [0, 360): a tiny negative angle modulo 360 rounds to 360.0, which is not a bearing."""
    wrapped = angle % 360.0
    return 0.0 if wrapped == 360.0 else wrapped


def distance_km(a: Any, b: Any, model: str = "wgs84", article: str | None = None) -> float:
    """The shortest distance from *a* to *b* over the earth's surface, in km."""
    return leg(a, b, model, article).distance_km


def bearing_deg(a: Any, b: Any, model: str = "wgs84", article: str | None = None) -> float:
    """The initial bearing from *a* towards *b*, in degrees clockwise from true north, in [0, 360)."""
    return leg(a, b, model, article).bearing_deg


def destination(a: Any, bearing: float, km: float, model: str = "wgs84", article: str | None = None) -> Point:
    """The point *km* kilometres from *a* along the initial bearing *bearing* (degrees)."""
    start = _locate(a, None, "a", article)
    az = check_number(bearing, "bearing", unit="degrees")
    dist = check_number(km, "km", low=0, unit="km")
    out = _geodesic(_model(model)).Direct(start.latitude, start.longitude, az, dist * 1000)
    lon = (out["lon2"] + 180) % 360 - 180
    return Point(f"{dist:g} km at {az:g}° from {start.name}", out["lat2"], lon)


def ring(a: Any, km: float, n: int = 121, article: str | None = None) -> list[tuple[float, float]]:
    """*n* (lat, lon) points at *km* kilometres from *a* in every direction: a geodesic circle."""
    start = _locate(a, None, "a", article)
    check_number(km, "km", low=0, unit="km")
    if check_type(n, int, "n") < 2:
        raise CourseValueError(f"n must be at least 2 (the first point is repeated as the last); got {n!r}")
    return [(p.latitude, p.longitude) for p in (destination(start, 360 * i / (n - 1), km) for i in range(n))]


# -- compass words ---------------------------------------------------------------------------------

def _spell(abbr: str, table: dict[str, str], lang: str) -> str:
    parts = [table[ch] for ch in abbr]
    if lang == "en":
        if len(parts) == 3:
            return f"{parts[0]}-{parts[1]}{parts[2]}"
        return "".join(parts)
    return "".join(parts)


def compass(bearing: float, points: int = 16, lang: str = "en", words: bool = False) -> str:
    """The compass point nearest to *bearing* (degrees) on a 4-, 8- or 16-point compass.

    ``lang="nl"`` gives Dutch (O for oost, Z for zuid); ``words=True`` spells it out.
    """
    b = check_number(bearing, "bearing", unit="degrees") % 360.0
    if points not in (4, 8, 16):
        raise CourseValueError(f"points must be 4, 8 or 16; got {points!r}")
    if lang not in ("en", "nl"):
        raise unknown("language", lang, ["en", "nl"])
    step = 360.0 / points
    index = int(math.floor(b / step + 0.5)) % points
    abbr = (COMPASS_EN if lang == "en" else COMPASS_NL)[index * (16 // points)]
    if not words:
        return abbr
    return _spell(abbr, _WORD_EN if lang == "en" else _WORD_NL, lang)


@dataclass(frozen=True)
class Sector:
    """The bearings a direction word claims: *centre* ± *half_width* degrees (from its compass's size)."""

    word: str
    compass_point: str
    centre: float
    half_width: float
    points: int

    def contains(self, bearing: float) -> bool:
        """True when *bearing* (degrees) lies in the sector (edges included)."""
        b = check_number(bearing, "bearing", unit="degrees")
        return abs((b - self.centre + 180) % 360 - 180) <= self.half_width + 1e-9

    def __str__(self) -> str:
        low, high = (self.centre - self.half_width) % 360, (self.centre + self.half_width) % 360
        return f"{self.word!r} = {self.compass_point} ({self.points}-point compass): {low:g}° to {high:g}°"


_DIRECTION_STEMS = {}
for _i, (_en, _nl) in enumerate(zip(COMPASS_EN, COMPASS_NL)):
    _DIRECTION_STEMS[_spell(_en, _WORD_EN, "en").replace("-", "")] = _i
    _DIRECTION_STEMS[_spell(_nl, _WORD_NL, "nl")] = _i
    _DIRECTION_STEMS[_en.casefold()] = _i
    _DIRECTION_STEMS[_nl.casefold()] = _i
_DIRECTION_STEMS.update({"noorden": 0, "oosten": 4, "zuiden": 8, "westen": 12, "northern": 0, "eastern": 4,
                         "southern": 8, "western": 12})


def _direction_stem(word: str) -> str:
    key = " ".join(word.casefold().replace("-", "").split())
    for prefix in ("ten ", "in het ", "naar het ", "to the ", "in the "):
        key = key.removeprefix(prefix)
    key = key.split(" van")[0].split(" of")[0].strip()
    for suffix in ("elijker", "elijke", "elijk", "waarts", "wards", "erly", "en"):
        if key.endswith(suffix) and key[: -len(suffix)] in _DIRECTION_STEMS:
            return key[: -len(suffix)]
    return key


def direction_sector(word: str) -> Sector:
    """The sector a direction word claims, from the smallest compass that has the word:
    a cardinal word (noord) ±45°, an intercardinal one (noordwest) ±22.5°, a 16-point one ±11.25°."""
    stem = _direction_stem(check_text(word, "word"))
    if stem not in _DIRECTION_STEMS:
        raise unknown("direction word", word, ["noordelijker", "ten noordwesten van", "noordoost", "north-east", "NNE"])
    index = _DIRECTION_STEMS[stem]
    points = 4 if index % 4 == 0 else 8 if index % 2 == 0 else 16
    return Sector(word, COMPASS_EN[index], index * 22.5, 180.0 / points, points)


# -- detour factors --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _detour_file() -> dict[str, Any]:
    return tomllib.loads((REFERENCE_DIR / "detour_factors.toml").read_text(encoding="utf-8"))


def detour_studies() -> list[dict[str, Any]]:
    """Published detour (circuity) factors: road distance divided by straight-line distance."""
    return list(_detour_file()["study"])


def road_range_km(straight_km: float) -> tuple[float, float]:
    """The road distances (km) that the published detour factors imply for a straight line of *straight_km*."""
    km = check_number(straight_km, "straight_km", low=0, unit="km")
    studies = [s for s in detour_studies() if "low" in s]
    return km * min(s["low"] for s in studies), km * max(s["high"] for s in studies)


# -- claim checks ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DistanceCheck:
    """A distance claim against the geodesic: verdict ``holds``, ``plausible-as-road`` or ``does-not-hold``."""

    start: Point
    end: Point
    stated_km: float
    hedge: str | None
    allowed: tuple[float | None, float | None]
    straight_line_km: float
    road_km: tuple[float, float]
    ratio: float
    verdict: str
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record."""
        out = asdict(self)
        out["start"], out["end"] = self.start.as_dict(), self.end.as_dict()
        return out


def distance_verdict(allowed: Interval, straight_km: float) -> str:
    """The verdict rule for a distance: the straight line inside the *allowed* Interval ``holds``; a road trip
    that the published detour factors allow inside it is ``plausible-as-road``; else ``does-not-hold``."""
    from course.numbers import Interval

    check_type(allowed, Interval, "allowed")
    straight_km = check_number(straight_km, "straight_km", low=0, unit="km")
    if allowed.contains(straight_km):
        return "holds"
    return "plausible-as-road" if allowed.overlaps(*road_range_km(straight_km)) else "does-not-hold"


def check_distance(stated_km: float, a: Any, b: Any, hedge: str | None = None,
                   article: str | None = None) -> DistanceCheck:
    """Judge "(hedge) *stated_km* km from *a* to *b*" against the WGS84 straight line and road detours."""
    from course.numbers import tolerance

    stated = check_number(stated_km, "stated_km", low=0, unit="km")
    if hedge is not None:
        check_text(hedge, "hedge")
    line = leg(a, b, article=article)
    allowed = tolerance(stated, hedge)
    straight = line.distance_km
    road = road_range_km(straight)
    ratio = stated / straight if straight else math.inf
    said = f"{hedge + ' ' if hedge else ''}{stated:g} km"
    verdict = distance_verdict(allowed, straight)
    if verdict == "holds":
        why = f"the straight line is {straight:.1f} km, inside the {allowed} km that '{said}' allows"
    elif verdict == "plausible-as-road":
        why = (f"the straight line is only {straight:.1f} km ({said} is {ratio:.2f} times that); a road distance "
               f"would explain it: the published detour factors (measured on other road networks) put a road trip "
               f"at {road[0]:.0f} to {road[1]:.0f} km, which fits {allowed} km")
    else:
        why = (f"the straight line is {straight:.1f} km and a road trip of {road[0]:.0f} to {road[1]:.0f} km; "
               f"neither fits the {allowed} km that '{said}' allows")
    text = f"From {line.start.name} to {line.end.name}: {why}."
    return DistanceCheck(line.start, line.end, stated, hedge, (allowed.low, allowed.high), straight, road, ratio,
                         verdict, text)


@dataclass(frozen=True)
class DirectionCheck:
    """A direction word against the geodesic's initial bearing."""

    start: Point
    end: Point
    word: str
    sector: Sector
    bearing_deg: float
    compass16: str
    holds: bool
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record."""
        return {"start": self.start.as_dict(), "end": self.end.as_dict(), "word": self.word,
                "sector": [self.sector.centre - self.sector.half_width, self.sector.centre + self.sector.half_width],
                "bearing_deg": self.bearing_deg, "compass16": self.compass16, "holds": self.holds,
                "explanation": self.explanation}


def check_direction(word: str, a: Any, b: Any, article: str | None = None) -> DirectionCheck:
    """Judge "*b* lies *word* of *a*" (e.g. "ten noordwesten") against the initial bearing from *a* to *b*."""
    sector = direction_sector(word)
    line = leg(a, b, article=article)
    holds = sector.contains(line.bearing_deg)
    off = abs((line.bearing_deg - sector.centre + 180) % 360 - 180)
    point = compass(line.bearing_deg, 16, words=True)
    text = (f"From {line.start.name}, {line.end.name} lies at {line.bearing_deg:.0f}° ({point}); "
            f"'{word}' claims {sector.compass_point} ±{sector.half_width:g}°, and the bearing is {off:.0f}° off "
            f"that centre, so the word {'holds' if holds else 'does not hold'}.")
    return DirectionCheck(line.start, line.end, word, sector, line.bearing_deg, compass(line.bearing_deg, 16), holds, text)
