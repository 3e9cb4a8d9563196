"""Chronolocation from the sun: where the sun stands at a place and time, the shadow it casts, and
whether a claimed time fits a measured shadow.

The sun's position comes from the ``astral`` package (azimuth in degrees clockwise from true north,
elevation in degrees above the horizon, corrected for atmospheric refraction). A vertical object of
height h casts a shadow of length h / tan(elevation) that points away from the sun (azimuth + 180°).
Reading a shadow the other way round gives the sun's position, and scanning the day minute by minute
gives the local time at which the sun stood there.

Times are local clock times on one day, with the place's offset from UTC in hours (``utc_offset``):
Ukraine kept Eastern European Summer Time, UTC+3, until 30 October 2022 (see
``course/data/reference/timezones.toml``).

Public API
----------
- ``coordinates(place_id, article=None)``: (latitude, longitude) of a place of an article, from GeoNames.
- ``sun_position(lat, lon, day, time, utc_offset=3)`` -> ``SunPosition`` (azimuth, elevation).
- ``shadow(lat, lon, day, time, height=1.0, utc_offset=3)`` -> ``Shadow`` (direction, length).
- ``sun_from_shadow(direction, length, height=1.0)`` -> ``SunPosition``: geometry only.
- ``day_events(lat, lon, day, utc_offset=3)``: local times of dawn, sunrise, noon, sunset and dusk.
- ``best_time(lat, lon, day, direction, length, height=1.0, utc_offset=3)`` -> ``TimeFit``.
- ``judge_time(lat, lon, day, claimed, direction, length, height=1.0, utc_offset=3, tolerance=5.0)``
  -> ``Verdict``: does the claimed time fit the shadow, within *tolerance* degrees?

>>> from course.sun import sun_from_shadow
>>> round(sun_from_shadow(270.0, 1.0, 1.0).elevation, 6)
45.0
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any

from course.errors import CourseTypeError, CourseValueError, check_number, check_type, describe

__all__ = ["Shadow", "SunPosition", "TimeFit", "Verdict", "best_time", "coordinates", "day_events", "judge_time",
           "shadow", "sun_from_shadow", "sun_position"]

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class SunPosition:
    """The sun's azimuth (degrees clockwise from true north) and elevation (degrees above the horizon)."""

    azimuth: float
    elevation: float

    def __str__(self) -> str:
        return f"sun at azimuth {self.azimuth:.1f}°, elevation {self.elevation:.1f}°"


@dataclass(frozen=True)
class Shadow:
    """The shadow of a vertical object: the direction it points (azimuth, degrees) and its length
    (same unit as the height); length is None when the sun is below the horizon."""

    direction: float
    length: float | None
    height: float

    @property
    def ratio(self) -> float | None:
        """Length divided by height (None when there is no shadow)."""
        return None if self.length is None else self.length / self.height

    def __str__(self) -> str:
        if self.length is None:
            return "no shadow: the sun is below the horizon"
        return f"shadow towards {self.direction:.0f}°, {self.length:.2f} long for a height of {self.height:g}"


@dataclass(frozen=True)
class TimeFit:
    """The local time on a day at which the sun best matches a measured shadow, and how well."""

    day: date
    time: str  # HH:MM, local
    sun: SunPosition
    error: float  # angle in degrees between the sun then and the sun the shadow implies

    def __str__(self) -> str:
        return f"best fit {self.day} {self.time} local ({self.sun}; {self.error:.1f}° off)"


@dataclass(frozen=True)
class Verdict:
    """A claimed time against a measured shadow: the sun then, the sun the shadow implies, and the gap."""

    day: date
    claimed: str
    predicted: SunPosition  # the sun at the claimed time
    measured: SunPosition  # the sun the shadow implies
    error: float  # angle in degrees between the two
    tolerance: float
    best: TimeFit

    @property
    def fits(self) -> bool:
        """True when the claimed time's sun lies within the tolerance of the measured one."""
        return self.error <= self.tolerance

    def __str__(self) -> str:
        word = "fits" if self.fits else "does not fit"
        return (f"{self.claimed} on {self.day} {word} the shadow.\n"
                f"  the sun at {self.claimed}: azimuth {self.predicted.azimuth:.0f}°, elevation {self.predicted.elevation:.0f}°\n"
                f"  the sun the shadow implies: azimuth {self.measured.azimuth:.0f}°, elevation {self.measured.elevation:.0f}°\n"
                f"  {self.error:.1f}° of sky apart (tolerance {self.tolerance:g}°); best fit: {self.best.time}")


# ---------------------------------------------------------------------------------------------
# Validation


def _latlon(lat: Any, lon: Any) -> tuple[float, float]:
    from course.geo import check_latlon

    return check_latlon(lat, lon)


def _day(day: Any) -> date:
    if isinstance(day, datetime):
        return day.date()
    if isinstance(day, date):
        return day
    check_type(day, (str, date), "day")
    try:
        return date.fromisoformat(day.strip())
    except ValueError:
        raise CourseValueError(f"day must be a date such as '2022-09-10'; got {day!r}") from None


def _clock(value: Any, day: date, name: str) -> time:
    """A local clock time on *day*: 'HH:MM', 'YYYY-MM-DD HH:MM' (that day only), or a datetime.time."""
    if isinstance(value, datetime):
        if value.date() != day:
            raise CourseValueError(f"{name} must be a time on {day.isoformat()}; got {value.isoformat(' ')}, "
                                   "another day")
        return value.time().replace(tzinfo=None)
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    if not isinstance(value, str):
        raise CourseTypeError(f"{name} must be a local time such as '06:15'; got {describe(value)}")
    text = value.strip()
    if " " in text or "T" in text:
        stamp = text.replace("T", " ")
        when, _, clock = stamp.partition(" ")
        try:
            other = date.fromisoformat(when)
        except ValueError:
            raise CourseValueError(f"{name} must be a local time such as '06:15'; got {value!r}") from None
        if other != day:
            raise CourseValueError(f"{name} must be a time on {day.isoformat()}; got {value!r}, another day")
        text = clock
    m = _HHMM.match(text)
    if not m:
        raise CourseValueError(f"{name} must be a local time such as '06:15' (hours:minutes); got {value!r}")
    hours, minutes = int(m.group(1)), int(m.group(2))
    if hours > 23 or minutes > 59:
        raise CourseValueError(f"{name} must be a time on {day.isoformat()}, from 00:00 to 23:59; got {value!r}")
    return time(hours, minutes)


def _offset(utc_offset: Any) -> timezone:
    hours = check_number(utc_offset, "utc_offset", low=-12, high=14, unit="hours")
    return timezone(timedelta(hours=hours))


def _height(height: Any) -> float:
    value = check_number(height, "height", low=0)
    if value == 0:
        raise CourseValueError("height must be more than 0 (the height of the object that casts the shadow)")
    return value


def _angle(value: Any, name: str) -> float:
    return check_number(value, name, low=0, high=360, unit="degrees") % 360


# ---------------------------------------------------------------------------------------------
# The sun


@lru_cache(maxsize=64)
def _observer(lat: float, lon: float) -> Any:
    from astral import Observer

    return Observer(latitude=lat, longitude=lon)


def _position(lat: float, lon: float, moment: datetime) -> SunPosition:
    from astral import sun as _sun

    obs = _observer(lat, lon)
    return SunPosition(_sun.azimuth(obs, moment), _sun.elevation(obs, moment))


def coordinates(place_id: str, article: str | None = None) -> tuple[float, float]:
    """Latitude and longitude (degrees) of a place of an article (such as ``"kupiansk"``), from GeoNames."""
    from course.gazetteer import place_point

    p = place_point(place_id, article)
    return p.latitude, p.longitude


def sun_position(lat: float, lon: float, day: Any, time: Any, utc_offset: float = 3.0) -> SunPosition:
    """Where the sun stands at *lat*, *lon* at local *time* ('HH:MM') on *day* ('YYYY-MM-DD')."""
    lat, lon = _latlon(lat, lon)
    d = _day(day)
    moment = datetime.combine(d, _clock(time, d, "time"), _offset(utc_offset))
    return _position(lat, lon, moment)


def shadow(lat: float, lon: float, day: Any, time: Any, height: float = 1.0, utc_offset: float = 3.0) -> Shadow:
    """The shadow a vertical object of *height* casts at local *time* on *day* at *lat*, *lon*."""
    h = _height(height)
    sun = sun_position(lat, lon, day, time, utc_offset)
    direction = (sun.azimuth + 180) % 360
    if sun.elevation <= 0:
        return Shadow(direction, None, h)
    return Shadow(direction, h / math.tan(math.radians(sun.elevation)), h)


def sun_from_shadow(direction: float, length: float, height: float = 1.0) -> SunPosition:
    """The sun's position implied by a shadow pointing to *direction* (degrees) of *length* for *height*."""
    d = _angle(direction, "direction")
    h = _height(height)
    n = check_number(length, "length", low=0)
    if n == 0:
        raise CourseValueError("length must be more than 0: a shadow of length 0 means the sun is straight overhead")
    return SunPosition((d + 180) % 360, math.degrees(math.atan2(h, n)))


def _separation(a: SunPosition, b: SunPosition) -> float:
    """The angle between two directions on the sky, in degrees."""
    alt1, alt2 = math.radians(a.elevation), math.radians(b.elevation)
    daz = math.radians(a.azimuth - b.azimuth)
    c = math.sin(alt1) * math.sin(alt2) + math.cos(alt1) * math.cos(alt2) * math.cos(daz)
    return math.degrees(math.acos(max(-1.0, min(1.0, c))))


def day_events(lat: float, lon: float, day: Any, utc_offset: float = 3.0) -> dict[str, str]:
    """Local times (HH:MM) of dawn, sunrise, noon, sunset and dusk at *lat*, *lon* on *day*."""
    from astral import sun as _sun

    lat, lon = _latlon(lat, lon)
    d = _day(day)
    tz = _offset(utc_offset)
    events = _sun.sun(_observer(lat, lon), date=d, tzinfo=tz)
    return {k: events[k].astimezone(tz).strftime("%H:%M") for k in ("dawn", "sunrise", "noon", "sunset", "dusk")}


def best_time(lat: float, lon: float, day: Any, direction: float, length: float, height: float = 1.0,
              utc_offset: float = 3.0) -> TimeFit:
    """The local time on *day* when the sun best matches a shadow (*direction*, *length* for *height*)."""
    lat, lon = _latlon(lat, lon)
    d = _day(day)
    tz = _offset(utc_offset)
    target = sun_from_shadow(direction, length, height)
    start = datetime.combine(d, time(0, 0), tz)

    def gap(minute: int) -> tuple[float, int, SunPosition] | None:
        sun = _position(lat, lon, start + timedelta(minutes=minute))
        return None if sun.elevation <= 0 else (_separation(sun, target), minute, sun)

    # every 10 minutes first, then each minute around the three closest coarse times
    coarse = sorted(g for g in (gap(m) for m in range(0, 24 * 60, 10)) if g is not None)
    if not coarse:
        raise CourseValueError(f"day: the sun does not rise at lat {lat:g}, lon {lon:g} on {d.isoformat()}")
    fine = [g for _, m, _ in coarse[:3] for g in (gap(k) for k in range(max(0, m - 10), min(24 * 60, m + 11)))
            if g is not None]
    error, minute, sun = min(fine)
    best = (error, start + timedelta(minutes=minute), sun)
    return TimeFit(d, best[1].strftime("%H:%M"), best[2], best[0])


def judge_time(lat: float, lon: float, day: Any, claimed: Any, direction: float, length: float,
               height: float = 1.0, utc_offset: float = 3.0, tolerance: float = 5.0) -> Verdict:
    """Does the *claimed* local time fit a shadow towards *direction* of *length* for *height*, within
    *tolerance* degrees of sky? Also gives the time that fits best."""
    tol = check_number(tolerance, "tolerance", low=0, high=90, unit="degrees")
    lat, lon = _latlon(lat, lon)
    d = _day(day)
    clock = _clock(claimed, d, "claimed")
    predicted = sun_position(lat, lon, d, clock.strftime("%H:%M"), utc_offset)
    measured = sun_from_shadow(direction, length, height)
    fit = best_time(lat, lon, d, direction, length, height, utc_offset)
    return Verdict(d, clock.strftime("%H:%M"), predicted, measured, _separation(predicted, measured), tol, fit)
