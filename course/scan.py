"""Scanners for any Dutch or English text, without annotations: places, numbers, time words, loaded words.

``course check`` (``course.check``) runs them over a report a user brings. Each returns plain
records with character offsets into the text, so a caller can show, test or highlight them. They
are first-pass candidates, never verdicts: a place name can be a person's name, a number can be a
unit's name, a loaded word can be a fair quote.

Public API
----------
- ``find_places(text) -> list[PlaceMention]``: names that GeoNames data know (the course's extract),
  across spellings and Dutch transliterations; an ambiguous name takes the candidate nearest to the
  unambiguous places of the same text (else the most populous), and the others are listed.
- ``place_pairs(places, limit=12) -> list[dict]``: distance (WGS84) and direction between each pair.
- ``find_numbers(text, language) -> list[NumberMention]``: figures in digits or words, with the hedge
  before them and the range it allows (``course.numbers.tolerance``); dates and years are left to
  ``find_time_words``. Number words are read with text2num.
- ``find_time_words(text, language, reference=None) -> list[TimeMention]``: weekday, relative and
  month words resolved by the course's rules (``course.timeline.resolve_phrase``) and calendar dates
  ("9 november", "November 9, 2022") read with dateparser, against *reference* (a date).
- ``find_loaded_words(text, language) -> list[LexiconMention]``: forms of the course's lexicon of
  loaded words and euphemisms (``course/data/lexicon.toml``), and short quotations with no speaker
  (candidate scare quotes); each says whether it stands inside quote marks.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from course.article import extract_quotations
from course.errors import CourseTypeError, check_type, unknown

__all__ = ["LANGUAGES", "LexiconMention", "NumberMention", "PlaceMention", "TimeMention", "find_loaded_words",
           "find_numbers", "find_places", "find_time_words", "lexicon", "place_pairs"]

LANGUAGES = ("nl", "en")
NEAR_KM = 500  # an ambiguous name takes the candidate near the text's other places only if one is this near
_WORD = re.compile(r"[^\W\d_][\w]*(?:['’-][\w]+)*")


def _language(language: str) -> str:
    check_type(language, str, "language")
    if language not in LANGUAGES:
        raise unknown("language", language, LANGUAGES, name="language")
    return language


def _quoted_ranges(text: str) -> list[tuple[int, int]]:
    return [(q[2], q[3]) for q in extract_quotations(text)]


def _inside(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in ranges)


# ---------------------------------------------------------------------------------------------
# Places


@dataclass(frozen=True)
class PlaceMention:
    """A name in the text that GeoNames data know, with the place the scan took and the others it could be."""

    name: str  # as the text spells it (first occurrence)
    spans: tuple[tuple[int, int], ...]
    geonameid: int
    place: str  # GeoNames' name
    country: str
    latitude: float
    longitude: float
    population: int
    how: str  # why this place: "the only place of that name", "nearest to ...", "most populous of N"
    alternatives: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record."""
        out = asdict(self)
        out["spans"] = [list(s) for s in self.spans]
        out["alternatives"] = list(self.alternatives)
        return out


# Capitalised words that also name a populated place somewhere in the extract but are far more often
# ordinary words at the start of a sentence or names of people; a text that means the place still
# gets it through another spelling or its context is lost (the scan says so in its notes).
_NOT_PLACES = frozenset({"de", "het", "een", "in", "op", "maar", "the", "a", "and", "but", "volgens", "ook", "nu",
                         "zo", "dat", "die", "dit", "er", "bij", "to", "of", "on", "at", "as"})


_ARTICLE_BEFORE = re.compile(r"(?i)(?<!\w)(?:the|de|het)\s+$")


def _capitalised_runs(text: str) -> list[list[re.Match[str]]]:
    runs: list[list[re.Match[str]]] = []
    for m in _WORD.finditer(text):
        if not m.group()[0].isupper():
            continue
        if runs and text[runs[-1][-1].end():m.start()] == " " and len(runs[-1]) < 3:
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


def find_places(text: str) -> list[PlaceMention]:
    """Every place name in *text* that the course's GeoNames extract knows, in order of first mention."""
    from course.gazetteer import load_gazetteer

    check_type(text, str, "text")
    gaz = load_gazetteer()
    found: dict[str, tuple[str, list[tuple[int, int]], list[Any]]] = {}
    for run in _capitalised_runs(text):
        i = 0
        while i < len(run):
            for size in range(len(run) - i, 0, -1):  # the longest name first: "Nova Kachovka" before "Nova"
                a, b = run[i].start(), run[i + size - 1].end()
                name = text[a:b]
                if size == 1 and name.casefold() in _NOT_PLACES:
                    continue
                if size == 1 and i + 1 < len(run) and not gaz.lookup(run[i + 1].group()):
                    continue  # a first name: a capitalised word before a name that is no place ("Volodimir Zelenski")
                if _ARTICLE_BEFORE.search(text[max(0, a - 8):a]):
                    continue  # "the Dnipro", "de Dnjepr": rivers and regions take an article, towns do not
                hits = gaz.lookup(name)
                if hits:
                    key = ",".join(str(p.geonameid) for p in hits)
                    found.setdefault(key, (name, [], hits))[1].append((a, b))
                    i += size
                    break
            else:
                i += 1
    return _choose(list(found.values()))


def _choose(found: list[tuple[str, list[tuple[int, int]], list[Any]]]) -> list[PlaceMention]:
    from course.geo import distance_km

    anchors = [hits[0] for _, _, hits in found if len(hits) == 1]
    out = []
    for name, spans, hits in found:
        if len(hits) == 1:
            pick, how = hits[0], "the only place of that name in the extract"
        elif anchors and min(distance_km(p, a) for p in hits for a in anchors) <= NEAR_KM:
            pick = min(hits, key=lambda p: min(distance_km(p, a) for a in anchors))
            how = (f"of {len(hits)} places of that name, the nearest to the text's other places "
                   f"({', '.join(a.name for a in anchors[:3])})")
        else:
            pick, how = hits[0], f"the most populous of {len(hits)} places of that name"
        others = tuple(f"{p.name} ({p.country}, GeoNames {p.geonameid})" for p in hits if p is not pick)
        out.append(PlaceMention(name, tuple(spans), pick.geonameid, pick.name, pick.country, pick.latitude,
                                pick.longitude, pick.population, how, others))
    return out


def place_pairs(places: list[PlaceMention], limit: int = 12) -> list[dict[str, Any]]:
    """Distance (km, WGS84 geodesic) and initial bearing between each pair of the first *limit* places."""
    from course.geo import Point, compass, leg

    check_type(places, list, "places")
    check_type(limit, int, "limit")
    points = [(p, Point(p.place, p.latitude, p.longitude, p.geonameid)) for p in places[:max(limit, 0)]]
    rows = []
    for i, (pa, a) in enumerate(points):
        for pb, b in points[i + 1:]:
            line = leg(a, b)
            rows.append({"from": pa.name, "to": pb.name, "km": round(line.distance_km, 1),
                         "bearing_deg": round(line.bearing_deg, 1), "compass": compass(line.bearing_deg, 16),
                         "words_en": compass(line.bearing_deg, 16, words=True),
                         "words_nl": compass(line.bearing_deg, 16, lang="nl", words=True)})
    return rows


# ---------------------------------------------------------------------------------------------
# Time words


@dataclass(frozen=True)
class TimeMention:
    """A time word or a date in the text, with the days it covers when a reference date is given."""

    text: str
    start: int
    end: int
    kind: str  # iso, date, month-year, weekday, relative, week, month, year
    first: date | None
    last: date | None
    rule: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record (dates as ISO strings)."""
        out = asdict(self)
        out["first"] = self.first.isoformat() if self.first else None
        out["last"] = self.last.isoformat() if self.last else None
        return out


_MONTHS = {"nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                  "oktober", "november", "december"),
           "en": ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                  "october", "november", "december")}


_ISO = re.compile(r"\b(?:19|20)\d{2}-[01]\d(?:-[0-3]\d)?\b")


@lru_cache(maxsize=2)
def _time_patterns(language: str) -> list[tuple[str, re.Pattern[str]]]:
    from course.timeline import PARTS_OF_DAY_EN, PARTS_OF_DAY_NL, WEEKDAYS_EN, WEEKDAYS_NL

    months = "|".join(_MONTHS[language])
    if language == "nl":
        days = "|".join(WEEKDAYS_NL)
        parts = "|".join(PARTS_OF_DAY_NL)
        return [
            ("iso", _ISO),
            ("date", re.compile(rf"\b\d{{1,2}} (?:{months})(?: \d{{4}})?\b", re.I)),
            ("month-year", re.compile(rf"\b(?:{months}) (?:19|20)\d{{2}}\b", re.I)),
            ("weekday", re.compile(rf"\b(?:(?:afgelopen|vorige) )?(?:{days})(?:{parts})?\b", re.I)),
            ("relative", re.compile(r"\b(?:eergisteren|gisteren|vandaag)\b", re.I)),
            ("week", re.compile(r"\b(?:deze|vorige) week\b", re.I)),
            ("month", re.compile(rf"\bin (?:{months})\b", re.I)),
            ("year", re.compile(r"\b(?:in|sinds|van) (?:19|20)\d{2}\b", re.I)),
        ]
    days = "|".join(WEEKDAYS_EN)
    parts = "|".join(PARTS_OF_DAY_EN)
    return [
        ("iso", _ISO),
        ("date", re.compile(rf"\b(?:\d{{1,2}} (?:{months})(?:,? \d{{4}})?|(?:{months}) \d{{1,2}}(?:st|nd|rd|th)?"
                            rf"(?:,? \d{{4}})?)\b", re.I)),
        ("month-year", re.compile(rf"\b(?:{months}),? (?:19|20)\d{{2}}\b", re.I)),
        ("weekday", re.compile(rf"\b(?:last )?(?:{days})(?: (?:{parts}))?\b", re.I)),
        ("relative", re.compile(r"\b(?:the day before yesterday|yesterday|today)\b", re.I)),
        ("week", re.compile(r"\b(?:this|last) week\b", re.I)),
        ("month", re.compile(rf"\bin (?:{months})\b", re.I)),
        ("year", re.compile(r"\b(?:in|since|of) (?:19|20)\d{2}\b", re.I)),
    ]


def _parse_date(phrase: str, language: str, reference: date | None) -> date | None:
    """A calendar date with dateparser (loaded only when a text has one); the year from *reference* if absent."""
    import datetime as dt

    import dateparser

    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False,
                                "REQUIRE_PARTS": ["day", "month"]}
    if reference is not None:
        settings["RELATIVE_BASE"] = dt.datetime(reference.year, reference.month, reference.day, 12)
    parsed = dateparser.parse(phrase, languages=[language], settings=settings)
    return parsed.date() if parsed else None


def find_time_words(text: str, language: str, reference: date | None = None) -> list[TimeMention]:
    """Time words and dates in *text*, resolved against *reference* (a date) where a rule needs one."""
    from course.timeline import resolve_phrase

    check_type(text, str, "text")
    language = _language(language)
    if reference is not None and not isinstance(reference, date):
        raise CourseTypeError(f"reference must be a datetime.date or None; got {type(reference).__name__}")
    taken: list[tuple[int, int]] = []
    out = []
    for kind, pattern in _time_patterns(language):
        for m in pattern.finditer(text):
            a, b = m.span()
            if any(a < y and x < b for x, y in taken):
                continue
            taken.append((a, b))
            phrase = m.group()
            first = last = None
            if kind == "iso":
                parts = [int(x) for x in phrase.split("-")]
                try:
                    first = date(*parts) if len(parts) == 3 else date(parts[0], parts[1], 1)
                    last = first if len(parts) == 3 else date(parts[0], parts[1], calendar.monthrange(*parts)[1])
                except ValueError:
                    continue  # 2022-13: not a date
                rule = "an ISO date" if len(parts) == 3 else "an ISO month: every day of it"
            elif kind == "date":
                has_year = bool(re.search(r"\d{4}", phrase))
                day = _parse_date(phrase, language, reference) if (has_year or reference) else None
                first = last = day
                rule = ("dateparser; the year is the latest one up to the reference date" if not has_year
                        else "dateparser") if day else "give a reference date (--date) to place it in a year"
            elif kind == "month-year":
                month = _MONTHS[language].index(phrase.split()[0].rstrip(",").casefold()) + 1
                year = int(phrase[-4:])
                first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
                rule = "the whole month"
            elif kind == "year":
                year = int(phrase[-4:])
                first, last = date(year, 1, 1), date(year, 12, 31)
                rule = "the whole year"
            elif reference is None:
                rule = "give a reference date (--date): the course counts back from the day the report speaks from"
            else:
                first, last = resolve_phrase(phrase, reference)
                before = bool(re.match(r"(?i)(afgelopen|vorige|last) ", phrase))
                rule = "course.timeline: " + ("the latest such day before the reference date" if before else
                                              "the latest such day on or before the reference date"
                                              if kind == "weekday" else f"the {kind} counted from the reference date")
            out.append(TimeMention(phrase, a, b, kind, first, last, rule))
    return sorted(out, key=lambda t: t.start)


# ---------------------------------------------------------------------------------------------
# Numbers


@dataclass(frozen=True)
class NumberMention:
    """A figure in the text: its value (None for a vague count), the hedge before it, what follows, its range."""

    text: str
    start: int
    end: int
    value: float | None
    hedge: str | None
    followed_by: str  # the next two words (what is counted, usually among them)
    low: float | None
    high: float | None
    rule: str
    quoted: bool

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record."""
        return asdict(self)


_DIGITS = {"nl": re.compile(r"(?<![\w.,])\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\w])|(?<![\w.,])\d+(?:,\d+)?(?![\w])"),
           "en": re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.,])\d+(?:\.\d+)?(?![\w])")}
_VAGUE_WORDS = {"nl": ("tientallen", "honderden", "duizenden", "tienduizenden"),
                "en": ("dozens", "hundreds", "thousands", "tens of thousands")}
_NOT_NUMBERS = {"nl": {"een", "één"}, "en": {"one", "a", "an"}}  # articles and pronouns far more often than counts
_HEDGES_EN = ("approximately", "more than", "at least", "roughly", "nearly", "almost", "around", "about", "up to",
              "some", "over")


def _digit_value(token: str, language: str) -> float:
    if language == "nl":
        return float(token.replace(".", "").replace(",", "."))
    return float(token.replace(",", ""))


def _word_value(words: str, language: str) -> int | None:
    from text_to_num import text2num

    try:
        value = text2num(words.casefold(), language)
    except ValueError:
        return None
    return value if isinstance(value, int) else None


def number_words_readable() -> bool:
    """Whether number words can be read here: text2num is a compiled package, missing in the browser edition."""
    try:
        import text_to_num  # noqa: F401
    except ImportError:
        return False
    return True


def _number_words(text: str, language: str) -> list[tuple[int, int, float]]:
    """Runs of number words ("dertig", "tweeduizend vijfhonderd", "twenty-five"), read with text2num
    (none where text2num is missing: figures in digits are still found)."""
    if not number_words_readable():
        return []
    tokens = list(re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)*", text))
    out = []
    i = 0
    while i < len(tokens):
        best = None
        for size in range(min(4, len(tokens) - i), 0, -1):
            a, b = tokens[i].start(), tokens[i + size - 1].end()
            if size > 1 and not re.fullmatch(r"[^\W\d_]+(?:[ -][^\W\d_]+)*", text[a:b]):
                continue
            phrase = text[a:b]
            if size == 1 and phrase.casefold() in _NOT_NUMBERS[language]:
                continue
            value = _word_value(phrase, language)
            if value is not None:
                best = (a, b, float(value), size)
                break
        if best:
            out.append(best[:3])
            i += best[3]
        else:
            i += 1
    return out


def _hedge_before(text: str, start: int, language: str) -> tuple[str | None, int]:
    from course.numbers import HEDGES

    before = text[max(0, start - 20):start].replace("’", "'")
    words = (list(HEDGES) if language == "nl" else list(_HEDGES_EN)) + (["enkele"] if language == "nl" else [])
    for word in sorted(words, key=len, reverse=True):
        m = re.search(rf"(?i)(?<!\w){re.escape(word)}\s+$", before)
        if m:
            return word, start - (len(before) - m.start())
    return None, start


def find_numbers(text: str, language: str, skip: list[tuple[int, int]] | None = None) -> list[NumberMention]:
    """Figures in *text* with their hedge and range; spans in *skip* (dates found elsewhere) are left out."""
    from course.numbers import hedge as lookup_hedge
    from course.numbers import parse_quantity, tolerance

    check_type(text, str, "text")
    language = _language(language)
    skip = list(skip or [])
    quoted = _quoted_ranges(text)
    spots: list[tuple[int, int, float | None, str | None]] = []
    for m in _DIGITS[language].finditer(text):
        spots.append((m.start(), m.end(), _digit_value(m.group(), language), None))
    for a, b, value in _number_words(text, language):
        spots.append((a, b, value, None))
    for word in _VAGUE_WORDS[language]:
        for m in re.finditer(rf"(?i)(?<!\w){re.escape(word)}(?!\w)", text):
            spots.append((m.start(), m.end(), None, m.group().casefold()))
    out = []
    for a, b, value, vague in sorted(spots, key=lambda sp: (sp[0], sp[3] is None, -sp[1])):  # a vague word wins
        if any(x <= a < y for x, y in skip) or any(n.start <= a < n.end for n in out):
            continue
        if value is not None and 1900 <= value <= 2100 and float(value).is_integer() and "," not in text[a:b]:
            continue  # a year: find_time_words reads those
        hedge, begin = _hedge_before(text, a, language)
        after = list(_WORD.finditer(text, b, min(len(text), b + 50)))
        unit = after[0].group() if after and not text[b:after[0].start()].strip(" ") else ""
        followed = " ".join(w.group() for w in after[:2]) if unit else ""
        if vague or hedge == "enkele":
            phrase = text[begin:b] + (f" {unit}" if unit else "")
            try:
                q = parse_quantity(phrase if language == "nl" else f"{vague} {unit}".strip())
                low, high, rule = q.interval.low, q.interval.high, q.rule
            except Exception:  # noqa: BLE001 - an English vague word parse_quantity does not read
                low, high, rule = None, None, "a vague count: an order of magnitude"
        else:
            h = lookup_hedge({"over": "more than"}.get(hedge, hedge)) if hedge else None
            interval = tolerance(value, h)
            low, high = interval.low, interval.high
            rule = h.rule if h else "a bare number: as precise as its last non-zero digit"
        out.append(NumberMention(text[begin:b], begin, b, value, hedge, followed, low, high, rule,
                                 _inside(a, b, quoted)))
    return out


# ---------------------------------------------------------------------------------------------
# Loaded words and euphemisms


@dataclass(frozen=True)
class LexiconMention:
    """A form of a lexicon entry (or a candidate scare quote) in the text."""

    text: str
    start: int
    end: int
    entry: str  # the lexicon entry's id, or "scare-quotes"
    technique: str
    plain: str
    note: str
    quoted: bool  # inside quote marks: the words of someone the text quotes
    taught_in: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record."""
        out = asdict(self)
        out.pop("extra")
        return out


def lexicon(language: str | None = None) -> list[dict[str, Any]]:
    """The entries of the course's lexicon of loaded words and euphemisms (one language, or both)."""
    from course.corpus import load_shared

    if language is not None:
        _language(language)
    return [dict(r) for r in load_shared("lexicon").records if language is None or r["language"] == language]


def find_loaded_words(text: str, language: str) -> list[LexiconMention]:
    """Forms of the lexicon's entries in *text* (longest first, no overlaps) and candidate scare quotes."""
    check_type(text, str, "text")
    language = _language(language)
    quoted = _quoted_ranges(text)
    forms = [(f, e) for e in lexicon(language) for f in e["forms"]]
    taken: list[tuple[int, int]] = []
    out = []
    for form, entry in sorted(forms, key=lambda fe: -len(fe[0])):
        words = r"\s+".join(re.escape(w) for w in form.replace("’", "'").split())
        for m in re.finditer(rf"(?i)(?<!\w){words}(?!\w)", text.replace("’", "'")):
            a, b = m.span()
            if any(a < y and x < b for x, y in taken):
                continue
            taken.append((a, b))
            out.append(LexiconMention(text[a:b], a, b, entry["id"], entry["technique"], entry["plain"], entry["note"],
                                      _inside(a, b, quoted), entry.get("taught_in")))
    for os_, oe, is_, ie, _, close in extract_quotations(text):
        words = text[is_:ie].split()
        if close and 1 <= len(words) <= 3 and not re.search(r"[.!?,:]\s*$", text[is_:ie]):
            out.append(LexiconMention(text[os_:oe], os_, oe, "scare-quotes", "scare-quotes",
                                      "(drop the quote marks, or say whose word it is)",
                                      "Quote marks around a word or two, often with nobody quoted: they hold the word "
                                      "at a distance. Check whether the text names a speaker.", False))
    return sorted(out, key=lambda x: x.start)
