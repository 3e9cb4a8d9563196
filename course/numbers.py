"""Numbers in words: hedges ("zo'n", "zeker", "bijna"), vague counts ("honderden"), units and areas.

A hedged number is not one value but a range. This module makes the range explicit, with a rule
you can read and argue with, instead of a feeling. The rules are the course's conventions, written
down so that every verdict can be checked; they are not facts about Dutch.

- A bare number is as precise as its last non-zero digit suggests: "74" covers 73.5 to 74.5, "50"
  covers 45 to 55 (``granularity``).
- An approximator ("zo'n", "ongeveer", "circa") widens that to at least ±10 % (``APPROX_SHARE``).
- "zeker", "minstens" set a floor; "bijna" a ceiling just above the true value; "meer dan", "ruim"
  an open floor; "tot" a ceiling.
- A vague count ("honderden") commits the speaker to an order of magnitude; "enkele" (a few) to 2 to 5.

Public API
----------
- ``Interval``: a range with ``low``/``high`` (``None`` for open) and ``contains(x)``.
- ``hedge(word) -> Hedge`` and ``HEDGES``: the hedges the course knows, in Dutch and English.
- ``granularity(value)`` and ``tolerance(value, hedge=None) -> Interval``
- ``dutch_number(words) -> int``: "dertig" -> 30, "vierenzeventig" -> 74.
- ``parse_quantity(text) -> Quantity``: "zo'n 74 kilometer", "zeker dertig plaatsen", "enkele honderden".
- ``MILE_KM``, ``convert(value, unit_from, unit_to)``, ``unit_chain(value, steps)``,
  ``whole_units_consistent_with(value_km, unit)``: how a figure drifts through newsrooms.
- ``circle_radius_km(area_km2)``, ``square_side_km(area_km2)``: an area made tangible.
- ``reference_areas() -> list[Area]``: Dutch provinces (CBS) and countries (GeoNames) to compare with.
- ``resolve_time(phrase, reference)``: "zaterdag", "deze week", "in maart" -> (first day, last day).

>>> tolerance(74, "zo'n").contains(61.1)
False
>>> parse_quantity("zeker dertig plaatsen").interval
Interval(low=30, high=None)
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from course.errors import (
    CourseTypeError,
    CourseValueError,
    check_items,
    check_number,
    check_text,
    check_type,
    describe,
    unknown,
)

__all__ = [
    "APPROX_SHARE",
    "HEDGES",
    "MILE_KM",
    "Hedge",
    "Interval",
    "Area",
    "Quantity",
    "circle_radius_km",
    "convert",
    "dutch_number",
    "granularity",
    "hedge",
    "parse_quantity",
    "reference_areas",
    "resolve_time",
    "square_side_km",
    "tolerance",
    "unit_chain",
    "whole_units_consistent_with",
]

AREAS_PATH = Path(__file__).resolve().parent / "data" / "reference" / "areas.toml"
COMPARISON_COUNTRIES = ("LU",)  # countries (ISO codes) whose GeoNames area the lesson compares with
APPROX_SHARE = 0.10  # "zo'n X" allows at least ±10 % of X: the course's convention, stated in the lesson
FEW = (2, 5)  # "enkele" (a few): 2 to 5 of the unit that follows
MILE_KM = 1.609344  # the international mile, exactly (by definition since 1959)
UNITS_KM = {"km": 1.0, "mi": MILE_KM, "m": 0.001}


@dataclass(frozen=True)
class Interval:
    """A closed range ``[low, high]``; ``None`` leaves that side open. ``open_low`` excludes *low* itself."""

    low: float | None
    high: float | None
    open_low: bool = False
    open_high: bool = False

    def contains(self, value: float) -> bool:
        """True when *value* lies in the range."""
        x = check_number(value, "value")
        if self.low is not None and (x < self.low or (self.open_low and x == self.low)):
            return False
        return not (self.high is not None and (x > self.high or (self.open_high and x == self.high)))

    def overlaps(self, low: float, high: float) -> bool:
        """True when the range shares at least one point with ``[low, high]``."""
        return (self.high is None or low <= self.high) and (self.low is None or high >= self.low)

    def __repr__(self) -> str:
        extra = "".join(f", {k}=True" for k in ("open_low", "open_high") if getattr(self, k))
        return f"Interval(low={_num(self.low)}, high={_num(self.high)}{extra})"

    def __str__(self) -> str:
        left = "(" if self.open_low or self.low is None else "["
        right = ")" if self.open_high or self.high is None else "]"
        low = "-∞" if self.low is None else f"{self.low:,.4g}"
        high = "∞" if self.high is None else f"{self.high:,.4g}"
        return f"{left}{low}, {high}{right}"

    def as_list(self) -> list[float | None]:
        """``[low, high]`` for JSON (``None`` for an open side)."""
        return [_num(self.low), _num(self.high)]


def _num(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else round(float(x), 6)


@dataclass(frozen=True)
class Hedge:
    """A word that loosens or bounds a number: its *kind* says how (see ``tolerance``)."""

    word: str
    english: str
    kind: str  # exact | approx | at-least | more-than | almost | up-to
    rule: str


HEDGES: dict[str, Hedge] = {h.word: h for h in (
    Hedge("zo'n", "some, about", "approx", "at least ±10 % of the number, never less than its rounding"),
    Hedge("ongeveer", "about", "approx", "at least ±10 % of the number, never less than its rounding"),
    Hedge("circa", "circa", "approx", "at least ±10 % of the number, never less than its rounding"),
    Hedge("rond de", "around", "approx", "at least ±10 % of the number, never less than its rounding"),
    Hedge("zeker", "at least", "at-least", "the number or more"),
    Hedge("minstens", "at least", "at-least", "the number or more"),
    Hedge("ten minste", "at least", "at-least", "the number or more"),
    Hedge("meer dan", "more than", "more-than", "more than the number"),
    Hedge("ruim", "well over", "more-than", "more than the number"),
    Hedge("bijna", "almost", "almost", "up to 10 % below the number, not above it"),
    Hedge("tot", "up to", "up-to", "the number or less"),
)}
_ENGLISH = {"about": "ongeveer", "some": "zo'n", "around": "rond de", "at least": "zeker", "more than": "meer dan",
            "almost": "bijna", "nearly": "bijna", "up to": "tot", "approximately": "ongeveer", "roughly": "ongeveer"}


def _fold_apostrophe(text: str) -> str:
    return re.sub(r"[’‘ʼ`]", "'", text)


def hedge(word: str) -> Hedge:
    """The hedge called *word* (Dutch or English; curly or straight apostrophe)."""
    key = " ".join(_fold_apostrophe(check_text(word, "hedge word")).casefold().split())
    key = _ENGLISH.get(key, key)
    if key not in HEDGES:
        raise unknown("hedge word", word, list(HEDGES) + list(_ENGLISH))
    return HEDGES[key]


def granularity(value: float) -> float:
    """The rounding step a number suggests: 74 -> 1, 50 -> 10, 2500 -> 100, 0.5 -> 0.1."""
    x = abs(check_number(value, "value"))
    if x == 0:
        return 1.0
    step = 1.0
    if float(x).is_integer():
        n = int(x)
        while n % 10 == 0:
            n //= 10
            step *= 10
        return step
    text = f"{x:.10f}".rstrip("0")
    return 10.0 ** -(len(text.split(".")[1]))


def tolerance(value: float, word: str | Hedge | None = None) -> Interval:
    """The range a (hedged) number allows, by the rules in this module's docstring."""
    v = check_number(value, "value")
    half = granularity(v) / 2
    if word is not None and not isinstance(word, (str, Hedge)):
        raise CourseTypeError(f"word must be a hedge word such as \"zo'n\", a Hedge or None; got {describe(word)}")
    h = word if isinstance(word, Hedge) else (hedge(word) if word is not None else None)
    kind = h.kind if h else "exact"
    wide = max(half, APPROX_SHARE * abs(v))
    if kind == "exact":
        return Interval(v - half, v + half)
    if kind == "approx":
        return Interval(v - wide, v + wide)
    if kind == "at-least":
        return Interval(v, None)
    if kind == "more-than":
        return Interval(v, None, open_low=True)
    if kind == "almost":
        return Interval(v - wide, v)
    if kind == "up-to":
        return Interval(None, v)
    raise CourseValueError(f"hedge {h.word!r} has an unknown kind {kind!r}")  # pragma: no cover


# -- Dutch number words --------------------------------------------------------------------------

_UNITS_NL = {"nul": 0, "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
             "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
             "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19}
_TENS_NL = {"twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70,
            "tachtig": 80, "negentig": 90}
_VAGUE = {"tientallen": (20, 99), "honderden": (200, 999), "duizenden": (2000, 9999),
          "tienduizenden": (20_000, 99_999), "dozens": (24, 143), "hundreds": (200, 999), "thousands": (2000, 9999)}
_SCALE = {"tientallen": 10, "honderden": 100, "duizenden": 1000, "tienduizenden": 10_000}


def _below_hundred(word: str) -> int | None:
    if word in _UNITS_NL:
        return _UNITS_NL[word]
    if word in _TENS_NL:
        return _TENS_NL[word]
    for tens, n in _TENS_NL.items():
        if word.endswith(tens):
            head = word[: -len(tens)]
            for joint in ("ën", "en"):
                if head.endswith(joint) and head[: -len(joint)] in _UNITS_NL and 0 < _UNITS_NL[head[: -len(joint)]] < 10:
                    return _UNITS_NL[head[: -len(joint)]] + n
    return None


def dutch_number(words: str) -> int:
    """The value of a Dutch number word up to the thousands: "dertig" -> 30, "vierenzeventig" -> 74."""
    value = _dutch_number(check_text(words, "words").strip().casefold().replace(" ", ""))
    if value is None:
        raise CourseValueError(f"words must be a Dutch number word the course can read (e.g. 'dertig', "
                               f"'vierenzeventig', 'tweehonderd'); got {words!r}")
    return value


def _dutch_number(word: str) -> int | None:
    """The value of a folded Dutch number word, or None when it is not one."""
    if word.isdigit():
        return int(word)
    total = 0
    for scale, factor in (("duizend", 1000), ("honderd", 100)):
        if scale in word:
            head, _, word = word.partition(scale)
            times = _dutch_number(head) if head else 1
            if times is None:
                return None
            total += times * factor
    if word:
        rest = _below_hundred(word)
        if rest is None:
            return None
        total += rest
    return total


@dataclass(frozen=True)
class Quantity:
    """A number as the text states it: its value (None for a vague count), hedge, unit and range."""

    text: str
    value: float | None
    hedge: str | None
    unit: str
    interval: Interval
    rule: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {"text": self.text, "value": _num(self.value), "hedge": self.hedge, "unit": self.unit,
                "range": self.interval.as_list(), "rule": self.rule}


_NUMBER = re.compile(r"^\d{1,3}(?:[.\s]\d{3})+(?:,\d+)?$|^\d+(?:,\d+)?$")


def _value(token: str) -> float | None:
    if _NUMBER.match(token):
        return float(token.replace(".", "").replace(" ", "").replace(",", "."))
    try:
        return float(dutch_number(token))
    except CourseValueError:
        return None


def parse_quantity(text: str) -> Quantity:
    """Read a hedged Dutch quantity: "zo'n 74 kilometer", "zeker dertig plaatsen", "enkele honderden"."""
    raw = check_text(text, "text")
    words = _fold_apostrophe(raw).replace("\u00a0", " ").split()
    lower = [w.casefold() for w in words]
    found_hedge = None
    for size in (2, 1):
        head = " ".join(lower[:size])
        if len(lower) > size and head in HEDGES:
            found_hedge, lower, words = head, lower[size:], words[size:]
            break
    if lower and lower[0] == "enkele" and len(lower) > 1 and lower[1] in _SCALE:
        scale = _SCALE[lower[1]]
        return Quantity(raw, None, "enkele", " ".join(words[2:]), Interval(FEW[0] * scale, FEW[1] * scale),
                        f"'enkele' (a few) = {FEW[0]} to {FEW[1]}, times {scale:,}")
    if lower and lower[0] in _VAGUE:
        low, high = _VAGUE[lower[0]]
        return Quantity(raw, None, found_hedge, " ".join(words[1:]), Interval(low, high),
                        f"'{lower[0]}' = at least two of that order of magnitude, below the next one")
    if not lower or (value := _value(lower[0])) is None:
        raise CourseValueError(f"text must start with a number, after any hedge such as 'zo'n' (e.g. \"zo'n 74 "
                               f"kilometer\"); no number found at the start of {text!r}")
    h = HEDGES.get(found_hedge) if found_hedge else None
    rule = h.rule if h else "a bare number: as precise as its last non-zero digit"
    return Quantity(raw, value, found_hedge, " ".join(words[1:]), tolerance(value, h), rule)


# -- units ---------------------------------------------------------------------------------------

def convert(value: float, unit_from: str, unit_to: str) -> float:
    """Convert a length between ``km``, ``mi`` (international mile) and ``m``."""
    x = check_number(value, "value")
    return x * UNITS_KM[_unit(unit_from, "unit_from")] / UNITS_KM[_unit(unit_to, "unit_to")]


def _unit(unit: str, name: str) -> str:
    """*unit* if it is a length unit this module converts; an error naming the parameter *name* otherwise."""
    if not isinstance(unit, str) or unit not in UNITS_KM:
        raise unknown("length unit", unit, UNITS_KM, name=name)
    return unit


def unit_chain(value: float, unit: str, steps: list[tuple[str, int]]) -> list[tuple[float, str]]:
    """Pass *value* through conversions, rounding to *digits* at each step: [(value, unit), ...]."""
    out = [(check_number(value, "value"), _unit(unit, "unit"))]
    if isinstance(steps, tuple) and steps and isinstance(steps[0], str):
        raise CourseTypeError(f"steps must be a list of (unit, digits) pairs; got the single pair {steps!r}: "
                              f"wrap it in a list, [{steps!r}]")
    pairs = check_items(steps, (tuple, list), "steps", what="(unit, digits) pairs such as ('mi', 0)")
    for i, step in enumerate(pairs):
        if len(step) != 2:
            raise CourseValueError(f"steps[{i}] must be a (unit, digits) pair such as ('mi', 0); got {step!r}")
        _unit(step[0], f"steps[{i}] unit")
        check_type(step[1], int, f"steps[{i}] digits")
    for target, digits in pairs:
        current, current_unit = out[-1]
        out.append((round(convert(current, current_unit, target), digits), target))
    return out


def whole_units_consistent_with(value_km: float, unit: str = "mi") -> list[int]:
    """The whole numbers of *unit* that convert to *value_km* once rounded to the kilometre."""
    km = check_number(value_km, "value_km", low=0)
    _unit(unit, "unit")
    lo, hi = convert(km - 0.5, "km", unit), convert(km + 0.5, "km", unit)
    return [n for n in range(max(0, math.floor(lo)), math.ceil(hi) + 1) if round(convert(n, unit, "km")) == round(km)]


# -- areas ---------------------------------------------------------------------------------------

def circle_radius_km(area_km2: float) -> float:
    """The radius (km) of a circle with this area (km²)."""
    return math.sqrt(check_number(area_km2, "area_km2", low=0) / math.pi)


def square_side_km(area_km2: float) -> float:
    """The side (km) of a square with this area (km²)."""
    return math.sqrt(check_number(area_km2, "area_km2", low=0))


@dataclass(frozen=True)
class Area:
    """A region to compare an area with: its land area (km²), total area and where the figures come from."""

    name: str
    kind: str
    land_km2: float
    total_km2: float
    source: str


@lru_cache(maxsize=1)
def reference_areas() -> tuple[Area, ...]:
    """Dutch provinces (CBS, land = total minus inland and outer water) and comparison countries (GeoNames)."""
    from course.gazetteer import load_gazetteer

    data = tomllib.loads(AREAS_PATH.read_text(encoding="utf-8"))
    cbs = "CBS StatLine 37105 (2015)"
    out = [Area(p["name"], "province", p["total_km2"] - p["inland_water_km2"] - p["outer_water_km2"],
                p["total_km2"], cbs) for p in data["province"]]
    gaz = load_gazetteer()
    for iso in COMPARISON_COUNTRIES:
        country = gaz.country(iso)
        out.append(Area(country["name"], "country", float(country["areakm2"]), float(country["areakm2"]),
                        "GeoNames countries (areakm2)"))
    return tuple(out)


# -- time words ----------------------------------------------------------------------------------

def resolve_time(phrase: str, reference: date) -> tuple[date, date]:
    """First and last day that a Dutch time phrase covers, counted from *reference* (see course.timeline)."""
    from course.timeline import resolve_phrase

    return resolve_phrase(phrase, reference)
