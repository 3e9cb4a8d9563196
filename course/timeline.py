"""Time words to dates: Dutch weekday words counted back from a reference day, and the story's events.

A Dutch news report says "zaterdag" (Saturday) without "last" or "this": it means the most recent
Saturday on or before the day the report speaks from. The article's date line gives only
"2022-09", so the reference day is an inference kept in the article's ``events.toml`` with its
evidence; ``reference_day()`` checks it against the date line and the weekday word.

Public API
----------
- ``resolve_weekday(word, reference) -> date``: "zaterdag"/"Saturday" on or before *reference*.
- ``resolve_month(word, reference) -> (first, last)``: "maart" -> the most recent March.
- ``week_of(reference) -> (monday, sunday)``
- ``resolve_phrase(phrase, reference) -> (first, last)``: any of the above, plus "deze week",
  "vorige week", "vandaag", "gisteren", "eergisteren" and "een dag nadat" (the other event is a day
  earlier than *reference*); a weekday with a part of the day ("zaterdagavond", "Saturday night")
  and the English words (today, yesterday, this week, last week, on Saturday). "afgelopen",
  "vorige" or "last" before a weekday means strictly before *reference* ("last Friday" said on a
  Friday is a week earlier).
- ``reference_day(article=None) -> date`` and ``events(article=None) -> list[Event]``: the story of an
  article (None: the seed), dated by rule; ``event(id, article=None)``.

>>> from datetime import date
>>> from course.timeline import resolve_weekday
>>> resolve_weekday("donderdag", date(2022, 9, 10))
datetime.date(2022, 9, 8)
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from course.article import Span
from course.articles import per_article
from course.errors import AnnotationError, CourseTypeError, check_text, check_type, unknown

__all__ = ["MONTHS_NL", "WEEKDAYS_NL", "Event", "event", "events", "reference_day", "resolve_month",
           "resolve_phrase", "resolve_weekday", "week_of"]

WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
WEEKDAYS_EN = tuple(calendar.day_name[i].lower() for i in range(7))
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december")
MONTHS_EN = tuple(calendar.month_name[i].lower() for i in range(1, 13))


def _check_date(value: object, name: str) -> date:
    if not isinstance(value, date):
        raise CourseTypeError(f"{name} must be a datetime.date, e.g. date(2022, 9, 10); got {type(value).__name__}")
    return value


def _index(word: str, *tables: tuple[str, ...], kind: str) -> int:
    check_text(word, kind)
    key = word.strip().casefold().removeprefix("op ").removeprefix("in ").strip()
    for table in tables:
        if key in table:
            return table.index(key)
    raise unknown(kind, word, tables[0])


def resolve_weekday(word: str, reference: date) -> date:
    """The most recent day called *word* (Dutch or English weekday) on or before *reference*."""
    target = _index(word, WEEKDAYS_NL, WEEKDAYS_EN, kind="weekday")
    reference = _check_date(reference, "reference")
    return reference - timedelta(days=(reference.weekday() - target) % 7)


def resolve_month(word: str, reference: date) -> tuple[date, date]:
    """First and last day of the most recent month called *word* (Dutch or English) up to *reference*."""
    month = _index(word, MONTHS_NL, MONTHS_EN, kind="month") + 1
    reference = _check_date(reference, "reference")
    year = reference.year if month <= reference.month else reference.year - 1
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def week_of(reference: date) -> tuple[date, date]:
    """Monday and Sunday of the (ISO) week that contains *reference*: what "deze week" covers."""
    reference = _check_date(reference, "reference")
    monday = reference - timedelta(days=reference.weekday())
    return monday, monday + timedelta(days=6)


_RELATIVE_DAYS = {"vandaag": 0, "gisteren": 1, "eergisteren": 2, "today": 0, "yesterday": 1,
                  "the day before yesterday": 2}
# Parts of a day after a weekday ("zaterdagavond", "Saturday night") date the weekday itself.
PARTS_OF_DAY_NL = ("ochtend", "morgen", "middag", "avond", "nacht")
PARTS_OF_DAY_EN = ("morning", "afternoon", "evening", "night")


def _weekday_part(key: str) -> str:
    """*key* without a part of the day: "zaterdagavond" -> "zaterdag", "saturday night" -> "saturday"."""
    for day in WEEKDAYS_NL:
        for part in PARTS_OF_DAY_NL:
            if key == day + part:
                return day
    words = key.split()
    if len(words) == 2 and words[0] in WEEKDAYS_EN and words[1] in PARTS_OF_DAY_EN:
        return words[0]
    return key
_DAYS_AFTER = re.compile(r"^(een|één|twee|drie|vier|vijf|zes|zeven|\d+) dag(?:en)? nadat$")
_COUNT = {"een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7}


def resolve_phrase(phrase: str, reference: date) -> tuple[date, date]:
    """First and last day a Dutch time phrase covers, counted from *reference* (both ends included).

    "een dag nadat X" dates X: the day before *reference* (the day of the event that came after X).
    """
    key = " ".join(check_text(phrase, "phrase").casefold().split())
    reference = _check_date(reference, "reference")
    if key in ("deze week", "this week"):
        return week_of(reference)
    if key in ("vorige week", "last week"):
        return week_of(reference - timedelta(days=7))
    if key in _RELATIVE_DAYS:
        day = reference - timedelta(days=_RELATIVE_DAYS[key])
        return day, day
    if match := _DAYS_AFTER.match(key):
        n = match.group(1)
        day = reference - timedelta(days=int(n) if n.isdigit() else _COUNT[n])
        return day, day
    bare = key
    for prefix in ("op ", "in ", "on "):
        bare = bare.removeprefix(prefix)
    before = bare.startswith(("afgelopen ", "vorige ", "last "))  # "last Friday" said on a Friday: a week ago
    bare = _weekday_part(bare.split(" ", 1)[1] if before else bare.strip())
    if bare in WEEKDAYS_NL or bare in WEEKDAYS_EN:
        day = resolve_weekday(bare, reference - timedelta(days=1) if before else reference)
        return day, day
    if bare in MONTHS_NL or bare in MONTHS_EN:
        return resolve_month(bare, reference)
    raise unknown("time phrase", phrase, ["zaterdag", "op donderdag", "zaterdagavond", "deze week", "vorige week",
                                          "in maart", "vandaag", "gisteren", "eergisteren", "een dag nadat",
                                          "on Saturday", "yesterday", "last week"])


@dataclass(frozen=True)
class Event:
    """A dated event. ``start``/``end`` bound it (equal for one day; None where the text gives no date)."""

    id: str
    label: str
    rule: str
    start: date | None
    end: date | None
    what: Span
    when: Span | None
    actor: str | None

    @property
    def precise(self) -> bool:
        """True when the text pins the event to a single day."""
        return self.start is not None and self.start == self.end


@per_article
def reference_day(key: str) -> date:
    """The day the weekday words of *article* (None: the seed) count from, checked against its date line
    and weekday word."""
    from course.corpus import load_corpus

    ref = load_corpus(key).meta("events")["reference"]
    day = date.fromisoformat(ref["date"])
    dateline = ref["dateline"]["span"].text
    if day.strftime("%Y-%m") != dateline[:7]:
        raise AnnotationError(f"events.toml: reference day {day} is not in the date line's month {dateline}")
    if resolve_weekday(ref["weekday_word"], day) != day:
        raise AnnotationError(f"events.toml: reference day {day} is a {WEEKDAYS_NL[day.weekday()]}, "
                              f"not a {ref['weekday_word']}")
    return day


def _date_one(record: dict, dated: dict[str, Event], ref: date) -> tuple[date | None, date | None]:
    rule = record["rule"]
    when = record.get("when", {}).get("span")
    if rule == "reference-day":
        return ref, ref
    if rule == "weekday":
        day = resolve_weekday(when.text, ref)
        return day, day
    if rule == "week":
        return week_of(ref)
    if rule == "month":
        return resolve_month(when.text, ref)
    if rule == "undated":
        return None, None
    other = dated[record["relative_to"]]
    if rule == "same-day":
        return other.start, other.end
    if rule == "days-after":
        shift = timedelta(days=record["days"])
        return other.start + shift, other.end + shift
    if rule == "before":
        return None, other.start - timedelta(days=0)
    raise AnnotationError(f"events.toml: event {record['id']!r} has unknown rule {rule!r}")


@per_article
def _events(key: str) -> tuple[Event, ...]:
    from course.corpus import load_corpus

    ref = reference_day(key)
    records = {r["id"]: r for r in load_corpus(key).records("events")}
    dated: dict[str, Event] = {}
    pending = list(records)
    while pending:
        progress = False
        for rid in list(pending):
            record = records[rid]
            if record.get("relative_to") and record["relative_to"] not in dated:
                continue
            start, end = _date_one(record, dated, ref)
            when = record.get("when", {}).get("span")
            dated[rid] = Event(rid, record["label"], record["rule"], start, end, record["what"]["span"],
                               when, record.get("actor"))
            pending.remove(rid)
            progress = True
        if not progress:
            raise AnnotationError(f"events.toml: events {pending} refer to each other in a circle")
    return tuple(dated[rid] for rid in records)


def events(article: str | None = None) -> list[Event]:
    """Every event of the story, in the order of the annotation file, with dates from its rule."""
    return list(_events(article))


def event(eid: str, article: str | None = None) -> Event:
    """One event by id."""
    check_type(eid, str, "event id")
    table = {e.id: e for e in events(article)}
    if eid not in table:
        raise unknown("event id", eid, table)
    return table[eid]
