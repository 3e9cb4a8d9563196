"""``course check FILE``: a first pass over any Dutch or English report, with no annotation needed.

It lists what a fact-checker looks at first, each as a candidate with its place in the text:

- place names that GeoNames data know, with the distance (WGS84) and direction between each pair;
- numbers with their hedges and the range each hedge allows;
- time words and dates, resolved against a date the user gives (``--date``, the day the report
  speaks from);
- candidate attributions from the course's rule-based finder (Dutch), with the finder's precision
  and recall measured on every annotated article of the course, so the user knows what it misses;
- candidate loaded words and euphemisms from the course's lexicon, and candidate scare quotes.

Public API
----------
- ``read_report(path) -> str``: the file's text, or a friendly error (empty, binary, over 1 MB, not UTF-8).
- ``detect_language(text) -> (code, confidence)``: Dutch or English, with lingua; an error for any other.
- ``parse_date(day) -> date``: 2022-11-11, 11-11-2022, "11 november 2022" or "November 11, 2022".
- ``finder_accuracy() -> dict``: the finder's precision and recall on each annotated article, pooled.
- ``check_report(text, language=None, reference=None) -> dict`` and ``check_file(path, ...) -> dict``:
  the whole first pass as JSON-ready data; ``markdown(report) -> str`` renders it.

    python -m course check report.txt --date 2022-11-11
    python -m course check report.txt --json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

from course.errors import CourseTypeError, CourseValueError, check_path, check_type, describe

__all__ = ["MAX_BYTES", "check_file", "check_report", "detect_language", "finder_accuracy", "markdown", "parse_date",
           "read_report"]

FAR_KM = 1500  # pairs of places farther apart are left out of the distance table (Kyiv to Washington says little)
MAX_BYTES = 1_000_000  # 1 MB: a long news report is some 50 kB; anything larger is not one report
MIN_CONFIDENCE = 0.5  # lingua's relative confidence below which the language counts as unknown
# Languages lingua weighs against Dutch and English, so that a German or Russian text is named as such.
_OTHER_LANGUAGES = ("GERMAN", "FRENCH", "SPANISH", "ITALIAN", "PORTUGUESE", "AFRIKAANS", "DANISH", "SWEDISH",
                    "BOKMAL", "POLISH", "RUSSIAN", "UKRAINIAN")
_CODES = {"DUTCH": "nl", "ENGLISH": "en"}


# ---------------------------------------------------------------------------------------------
# Input


def read_report(path: str | Path) -> str:
    """The text of the file at *path*; a friendly error for a missing, empty, binary or too large file."""
    file = check_path(path, "path")
    if not file.is_file():
        raise CourseValueError(f"path must be a text file; {str(file)!r} " +
                               ("is a folder" if file.is_dir() else "does not exist"))
    size = file.stat().st_size
    if size > MAX_BYTES:
        raise CourseValueError(f"the file {file.name!r} is {size / 1e6:.1f} MB; course check reads one report of at "
                               f"most {MAX_BYTES / 1e6:.0f} MB. Save the article's text on its own and check that.")
    data = file.read_bytes()
    if not data.strip():
        raise CourseValueError(f"the file {file.name!r} is empty: paste the report's text into it and save it")
    if b"\x00" in data:
        raise CourseValueError(f"the file {file.name!r} is not text (it holds binary data, such as a PDF, Word or "
                               "image file): copy the report's text into a plain .txt file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise CourseValueError(f"the file {file.name!r} is not UTF-8 text (byte {err.start} cannot be read): "
                               "save it again as UTF-8, or copy its text into a new .txt file") from None
    return text.replace("\r\n", "\n")


def detect_language(text: str) -> tuple[str, float]:
    """``("nl" or "en", confidence)`` for *text*, with lingua; an error naming any other language."""
    check_type(text, str, "text")
    if not re.search(r"[^\W\d_]{2}", text):
        raise CourseValueError("the text has no words, so its language cannot be told: is it the report's text?")
    from lingua import Language, LanguageDetectorBuilder

    languages = [Language.DUTCH, Language.ENGLISH] + [getattr(Language, name) for name in _OTHER_LANGUAGES]
    detector = LanguageDetectorBuilder.from_languages(*languages).build()
    best = detector.compute_language_confidence_values(text[:20_000])[0]
    name = best.language.name
    if name not in _CODES:
        raise CourseValueError(f"the text looks {name.title()}, a language course check does not read: it reads "
                               "Dutch (nl) or English (en). If the text is Dutch or English, say so with --language.")
    if best.value < MIN_CONFIDENCE:
        raise CourseValueError(f"the language of the text is unclear (at best {name.title()}, confidence "
                               f"{best.value:.2f}): give it with --language nl or --language en")
    return _CODES[name], round(float(best.value), 3)


_FORMATS = (r"(\d{4})-(\d{1,2})-(\d{1,2})", r"(\d{1,2})-(\d{1,2})-(\d{4})")


def parse_date(day: str) -> date:
    """The date in *day*: ISO 2022-11-11, Dutch 11-11-2022, or words ("11 november 2022", "November 11, 2022")."""
    if not isinstance(day, str):
        raise CourseTypeError(f"the date (the day the report speaks from) must be text such as 2022-11-11; "
                              f"got {describe(day)}")
    raw = day.strip()
    for n, pattern in enumerate(_FORMATS):
        m = re.fullmatch(pattern, raw)
        if m:
            y, mo, d = (int(m.group(i)) for i in ((1, 2, 3) if n == 0 else (3, 2, 1)))
            try:
                return date(y, mo, d)
            except ValueError:
                raise CourseValueError(f"the date {day!r} is not a date of the calendar (month {mo}, day {d}): "
                                       "give the day the report speaks from, such as 2022-11-11") from None
    if re.search(r"[^\W\d_]", raw) and re.search(r"\d{4}", raw):
        import dateparser

        parsed = dateparser.parse(raw, languages=["nl", "en"],
                                  settings={"REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True})
        if parsed is not None:
            return parsed.date()
    raise CourseValueError(f"the date {day!r} is not a date: give the day the report speaks from, such as "
                           "2022-11-11, 11-11-2022 or '11 november 2022'")


# ---------------------------------------------------------------------------------------------
# The finder's measured accuracy


def finder_accuracy() -> dict[str, Any]:
    """The rule-based finder's precision and recall on every article of the course that has attributions.

    Measured by ``course.sources.score_finder`` (the cue of a proposal must overlap a gold cue); pooled
    over the articles by counting proposals and gold attributions, not by averaging the rates.
    """
    from course.answerkey import lifted
    from course.articles import article_info, articles
    from course.corpus import load_corpus
    from course.sources import score_finder

    rows = []
    for aid in articles():
        with lifted():  # pooled counts only: they reveal no annotation of a transfer article
            if not load_corpus(aid).records("attributions"):
                continue
            score = score_finder(article=aid)
        gold = len(score.matched) + len(score.missed)
        rows.append({"article": aid, "language": article_info(aid).language, "proposals": len(score.found),
                     "correct": len(score.found) - len(score.spurious), "gold": gold, "found": len(score.matched),
                     "precision": round(score.precision, 3), "recall": round(score.recall, 3)})
    proposals, correct = sum(r["proposals"] for r in rows), sum(r["correct"] for r in rows)
    gold, found = sum(r["gold"] for r in rows), sum(r["found"] for r in rows)
    return {"articles": rows, "precision": round(correct / proposals, 3) if proposals else None,
            "recall": round(found / gold, 3) if gold else None, "proposals": proposals, "gold": gold,
            "measured_by": "course.sources.score_finder against the course's attribution annotations"}


# ---------------------------------------------------------------------------------------------
# The check


def check_report(text: str, language: str | None = None, reference: date | None = None,
               accuracy: bool = True) -> dict[str, Any]:
    """The first pass over *text* as JSON-ready data (see the module docstring for what it lists).

    *language* is ``"nl"`` or ``"en"`` (None: detected with lingua); *reference* is the day the report
    speaks from (None: time words stay unresolved); *accuracy* measures the finder on the course's articles.
    """
    from course.scan import LANGUAGES, find_loaded_words, find_numbers, find_places, find_time_words, place_pairs

    check_type(text, str, "text")
    if not text.strip():
        raise CourseValueError("the text is empty: there is nothing to check")
    if reference is not None and not isinstance(reference, date):
        raise CourseTypeError(f"reference must be a datetime.date (the day the report speaks from) or None; "
                              f"got {describe(reference)}")
    check_type(accuracy, bool, "accuracy")
    if language is None:
        language, confidence = detect_language(text)
        detected: dict[str, Any] = {"language": language, "how": "detected with lingua", "confidence": confidence}
    else:
        check_type(language, str, "language")
        if language not in LANGUAGES:
            raise CourseValueError(f"language must be nl (Dutch) or en (English); got {language!r}: course check "
                                   "reads no other language")
        detected = {"language": language, "how": "given", "confidence": None}
    places = find_places(text)
    times = find_time_words(text, language, reference)
    numbers = find_numbers(text, language, skip=[(t.start, t.end) for t in times])
    words = find_loaded_words(text, language)
    report: dict[str, Any] = {
        "language": detected,
        "reference_date": reference.isoformat() if reference else None,
        "characters": len(text),
        "places": [p.as_dict() for p in places],
        "distances": [d for d in place_pairs(places) if d["km"] <= FAR_KM],
        "numbers": [n.as_dict() for n in numbers],
        "time_words": [t.as_dict() for t in times],
        "attributions": _attributions(text, language, accuracy),
        "loaded_words": [w.as_dict() for w in words],
        "notes": _notes(language, reference, places),
    }
    return report


def _attributions(text: str, language: str, accuracy: bool) -> dict[str, Any]:
    from course.article import Article
    from course.sources import find_attributions

    out: dict[str, Any] = {"finder": "course.sources.find_attributions (rule-based, Dutch cue lexicon)",
                           "accuracy": finder_accuracy() if accuracy else None, "candidates": []}
    if language != "nl":
        out["note"] = ("The finder's rules and cue lexicon are Dutch: it proposes nothing in English text. Look for "
                       "'said', 'according to', 'told', 'claimed' and a colon before a quote yourself.")
        return out
    found = []
    for p in Article(text).paragraphs:  # running text and captions, as the finder was measured on
        if p.role in ("body", "caption"):
            found += [f.shifted(p.start) for f in find_attributions(p.text)]
    out["candidates"] = [{"cue": f.cue_text, "source": f.source_text or None, "content": f.content_text,
                          "rule": f.rule, "cue_span": list(f.cue), "content_span": list(f.content)} for f in found]
    return out


def _notes(language: str, reference: date | None, places: list[Any]) -> list[str]:
    notes = ["Everything here is a candidate for a human to check, not a verdict.",
             f"Distances: the first 12 places, pairs up to {FAR_KM:,} km apart.",
             "Places: GeoNames data as shipped with the course (populated places of 500+ people in Ukraine, the "
             "names the course teaches, and their namesakes elsewhere); places outside it are not found. A "
             "capitalised word before another that is no place is read as a first name, and a name after 'the', 'de' or "
             "'het' as a river or region; both are skipped.",
             "Distances are straight lines on the WGS84 ellipsoid between GeoNames points; a road is longer.",
             "Numbers: a hedge's range follows the course's rules (course.numbers); a bare number is as precise "
             "as its last non-zero digit."]
    if reference is None:
        notes.append("No reference date was given (--date), so weekday and relative time words are not resolved.")
    if any(p.alternatives for p in places):
        notes.append("Some names fit several places: the one taken is explained, the others are listed.")
    if language == "en":
        notes.append("The attribution finder reads Dutch only; English text gets no attribution candidates.")
    from course.scan import number_words_readable

    if not number_words_readable():
        notes.append("Numbers written as words are not read in this edition (it lacks text2num); "
                     "figures in digits are.")
    return notes


def check_file(path: str | Path, language: str | None = None, reference: date | str | None = None,
               accuracy: bool = True) -> dict[str, Any]:
    """``check_report`` on the report in the file at *path*; *reference* may be a date or text such as 2022-11-11."""
    text = read_report(path)
    day = parse_date(reference) if isinstance(reference, str) else reference
    report = check_report(text, language, day, accuracy)
    return {"file": Path(path).name, **report}


# ---------------------------------------------------------------------------------------------
# Markdown


def _cell(text: Any) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    if not rows:
        return ["(none found)", ""]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _range(low: Any, high: Any) -> str:
    if low is None and high is None:
        return ""
    fmt = lambda x: "…" if x is None else f"{x:,.4g}"  # noqa: E731
    return f"{fmt(low)} to {fmt(high)}"


def markdown(report: dict[str, Any], level: int = 1) -> str:
    """The report of ``check_report``/``check_file`` as Markdown; its title is a heading of *level* (1 to 4),
    so that it can sit under a lesson's own headings."""
    check_type(report, dict, "report")
    check_type(level, int, "level")
    if not 1 <= level <= 4:
        raise CourseValueError(f"level must be a heading level from 1 to 4; got {level}")
    h = "#" * (level - 1)
    missing = [k for k in ("language", "places", "numbers", "time_words", "attributions", "loaded_words")
               if k not in report]
    if missing:
        raise CourseValueError(f"report must be what check_report returns; it lacks {', '.join(missing)}")
    lang = report["language"]
    how = f"{lang['how']}" + (f", confidence {lang['confidence']:.2f}" if lang.get("confidence") else "")
    out = [f"{h}# First pass: {report.get('file', 'the text')}", "",
           f"Language: **{lang['language']}** ({how}). Reference date: "
           f"{report['reference_date'] or 'none given (--date)'}. {report['characters']:,} characters.", ""]
    out += [f"{h}## Places", ""]
    out += _table(["in the text", "GeoNames place", "country", "mentions", "why this one"],
                  [[p["name"], f"{p['place']} ({p['geonameid']})", p["country"], len(p["spans"]),
                    p["how"] + (f"; also: {', '.join(p['alternatives'][:3])}" if p["alternatives"] else "")]
                   for p in report["places"]])
    out += [f"{h}### Distances and directions (straight lines, WGS84)", ""]
    out += _table(["from", "to", "km", "bearing", "direction (en / nl)"],
                  [[d["from"], d["to"], f"{d['km']:,.1f}", f"{d['bearing_deg']:.0f}°",
                    f"{d['words_en']} / {d['words_nl']}"] for d in report["distances"]])
    out += [f"{h}## Numbers and their hedges", ""]
    out += _table(["as written", "followed by", "hedge", "range it allows", "rule", "quoted"],
                  [[n["text"], n["followed_by"], n["hedge"] or "", _range(n["low"], n["high"]), n["rule"],
                    "yes" if n["quoted"] else ""] for n in report["numbers"]])
    out += [f"{h}## Time words", ""]
    out += _table(["as written", "kind", "days", "rule"],
                  [[t["text"], t["kind"], (t["first"] if t["first"] == t["last"] else f"{t['first']} to {t['last']}")
                    if t["first"] else "unresolved", t["rule"]] for t in report["time_words"]])
    att = report["attributions"]
    out += [f"{h}## Who says so: candidate attributions", ""]
    acc = att.get("accuracy")
    if acc and acc["precision"] is not None:
        per = "; ".join(f"{r['article']}: precision {r['precision']:.2f}, recall {r['recall']:.2f} "
                        f"({r['found']} of {r['gold']} found)" for r in acc["articles"])
        out += [f"The finder is rule-based. Measured on the course's annotated articles it has precision "
                f"**{acc['precision']:.2f}** (share of its proposals that are real attributions) and recall "
                f"**{acc['recall']:.2f}** (share of the real attributions it finds): it misses about "
                f"{1 - acc['recall']:.0%} of them. Per article: {per}.", ""]
    if att.get("note"):
        out += [att["note"], ""]
    out += _table(["cue", "source", "content", "rule"],
                  [[c["cue"], c["source"] or "(not found)", c["content"][:100] + ("…" if len(c["content"]) > 100 else ""),
                    c["rule"]] for c in att["candidates"]]) if not att.get("note") else []
    out += [f"{h}## How it is phrased: candidate loaded words, euphemisms and scare quotes", ""]
    out += _table(["as written", "technique", "in quote marks", "plainer", "what it does"],
                  [[w["text"], w["technique"], "yes" if w["quoted"] else "", w["plain"], w["note"]]
                   for w in report["loaded_words"]])
    out += [f"{h}## What this pass cannot tell you", ""] + [f"- {n}" for n in report["notes"]] + [""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Command line


def add_arguments_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a Dutch or English report saved as a UTF-8 text file (at most 1 MB)")
    parser.add_argument("--date", help="the day the report speaks from, e.g. 2022-11-11: resolves 'zaterdag', "
                                       "'gisteren', 'last week'")
    parser.add_argument("--language", help="nl or en (default: detected)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--no-accuracy", action="store_true",
                        help="skip measuring the attribution finder on the course's articles (faster)")


def cmd_check(args: argparse.Namespace) -> int:
    """Run the first pass over FILE and print Markdown (or JSON)."""
    report = check_file(args.file, args.language, args.date, accuracy=not args.no_accuracy)
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(markdown(report))
    return 0
