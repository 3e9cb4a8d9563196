"""``course check FILE``: a first pass over any Dutch or English report, with no annotation needed.

The JSON is tested on the seed's text (read as a plain file, with every road to its annotations
closed) and on an English report written here; bad input gets a friendly error.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import course.article
import course.articles
from course.check import MAX_BYTES, check_file, check_report, detect_language, finder_accuracy, markdown, \
    parse_date, read_report
from course.errors import CourseError, CourseTypeError, CourseValueError

ROOT = Path(__file__).resolve().parents[1]
SEED_TEXT = (ROOT / "seeds" / "000_f3b4b7109528864c.txt").read_text(encoding="utf-8")

# An English report written for this test (its facts are made up; it exercises the English rules).
ENGLISH = """Ukrainian troops entered Kherson on Friday, November 11, a day after Moscow ordered its forces
to regroup on the left bank of the Dnipro. Mykolaiv, about 55 km to the north-west, had been shelled for
months. Officials said more than 40 settlements were liberated this week, and that thousands of residents
had left. A spokesman called the retreat a "goodwill gesture", a phrase critics mocked as a
"humiliation".
"""
GERMAN = "Die ukrainische Armee ist am Freitag in die Stadt eingezogen, nachdem sich die russischen Truppen zurückgezogen hatten."


@pytest.fixture
def no_annotations(tmp_path: Path, monkeypatch) -> None:
    """Close every road to the course's articles: the check must not need them (the finder's accuracy aside)."""
    monkeypatch.setattr(course.articles, "SEED", "no-seed-in-this-test")
    monkeypatch.setattr(course.articles, "ARTICLES_DIR", tmp_path / "no-articles")
    monkeypatch.setattr(course.articles, "SEEDS_DIR", tmp_path / "no-seeds")
    monkeypatch.setattr(course.article, "ARTICLE_PATH", tmp_path / "no-seeds" / "seed.txt")
    monkeypatch.delenv(course.articles.ENV, raising=False)


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("check") / "bericht.txt"
    path.write_text(SEED_TEXT, encoding="utf-8")
    return json.loads(json.dumps(check_file(path, reference="2022-09-10")))  # JSON-ready, round trip


# --- the seed's text as a plain file -------------------------------------------------------------------

def test_seed_places_distances_and_directions(seed_report: dict) -> None:
    places = {p["name"]: p for p in seed_report["places"]}
    assert {"Izium", "Charkov", "Kupiansk", "Balakliia", "Donetsk", "Kiev"} <= set(places)
    assert places["Charkov"]["place"] == "Kharkiv" and places["Kiev"]["place"] == "Kyiv"
    assert places["Donetsk"]["country"] == "UA" and places["Donetsk"]["alternatives"]  # Donetsk in Russia, listed
    assert "Volodimir" not in places and "Zelenski" not in places  # a person's name is not a place
    pair = next(d for d in seed_report["distances"] if {d["from"], d["to"]} == {"Izium", "Kupiansk"})
    assert pair["from"] == "Izium" and pair["km"] == pytest.approx(61.1, abs=0.1) and pair["compass"] == "NNE"
    assert all(d["km"] <= 1500 for d in seed_report["distances"])


def test_seed_numbers_and_hedges(seed_report: dict) -> None:
    numbers = {n["text"]: n for n in seed_report["numbers"]}
    assert numbers["zo'n 74"]["low"] == pytest.approx(66.6) and numbers["zo'n 74"]["high"] == pytest.approx(81.4)
    assert numbers["zeker dertig"]["value"] == 30 and numbers["zeker dertig"]["high"] is None
    assert (numbers["enkele honderden"]["low"], numbers["enkele honderden"]["high"]) == (200, 500)
    assert numbers["zo’n 2500"]["followed_by"] == "vierkante kilometer"
    assert "09" not in numbers and "2022" not in numbers  # the date line is a date, not a count


def test_seed_time_words_resolve_against_the_given_date(seed_report: dict) -> None:
    times = [(t["text"], t["first"], t["last"]) for t in seed_report["time_words"]]
    assert ("donderdag", "2022-09-08", "2022-09-08") in times
    assert ("zaterdag", "2022-09-10", "2022-09-10") in times  # on or before the reference day: the day itself
    assert ("deze week", "2022-09-05", "2022-09-11") in times
    assert ("2022-09", "2022-09-01", "2022-09-30") in times


def test_seed_attributions_are_the_measured_finders(seed_report: dict) -> None:
    from course.sources import score_finder

    att = seed_report["attributions"]
    measured = score_finder()
    assert len(att["candidates"]) == len(measured.found)  # the same finder, on the same paragraphs
    assert {c["cue"] for c in att["candidates"]} >= {"citeerde", "bekendmaakte", "claimde"}
    row = next(r for r in att["accuracy"]["articles"] if r["article"] == "izium-2022-09")
    assert row["precision"] == round(measured.precision, 3) and row["recall"] == round(measured.recall, 3)


def test_seed_loaded_words_and_scare_quotes(seed_report: dict) -> None:
    words = [(w["text"], w["technique"], w["quoted"]) for w in seed_report["loaded_words"]]
    assert ("operaties elders", "euphemism", True) in words  # inside the ministry's quotation
    assert ("verbluffende", "loaded-language", False) in words  # the reporter's own word
    assert ("‘trofee’", "scare-quotes", False) in words


def test_the_check_needs_no_annotation(no_annotations, tmp_path: Path) -> None:
    from course.articles import articles

    assert articles() == []
    report = check_report(SEED_TEXT, reference=date(2022, 9, 10), accuracy=False)
    assert report["language"]["language"] == "nl" and report["attributions"]["accuracy"] is None
    assert len(report["places"]) >= 6 and report["attributions"]["candidates"]


def test_the_finder_accuracy_pools_every_annotated_article() -> None:
    acc = finder_accuracy()
    assert {r["article"] for r in acc["articles"]} == {"izium-2022-09", "kherson-2022-11"}
    assert acc["precision"] == round(sum(r["correct"] for r in acc["articles"]) / acc["proposals"], 3)
    assert acc["recall"] == round(sum(r["found"] for r in acc["articles"]) / acc["gold"], 3)
    assert 0 < acc["recall"] < 1  # it misses some: the report must say so


# --- the practice dispatch, as a plain file ------------------------------------------------------------

@pytest.fixture(scope="module")
def practice_report(tmp_path_factory) -> dict:
    from course.article import load_article

    path = tmp_path_factory.mktemp("check") / "oefenbericht.txt"
    path.write_text(load_article("kherson-2022-11").text, encoding="utf-8")
    return json.loads(json.dumps(check_file(path, reference="2022-11-11", accuracy=False)))


def test_practice_dispatch_places_show_the_wrong_direction(practice_report: dict) -> None:
    assert [p["place"] for p in practice_report["places"]] == ["Kherson", "Snihurivka", "Kyiv", "Mykolayiv"]
    pairs = {(d["from"], d["to"]): d for d in practice_report["distances"]}
    snihurivka, mykolaiv = pairs["Cherson", "Snihurivka"], pairs["Cherson", "Mykolaiv"]
    assert snihurivka["compass"] == "NNE" and snihurivka["words_nl"] == "noordnoordoost"  # the text says noordwest
    assert mykolaiv["km"] == pytest.approx(60.6, abs=0.1)  # the text says zo'n 70


def test_practice_dispatch_numbers_times_and_words(practice_report: dict) -> None:
    numbers = {n["text"]: n for n in practice_report["numbers"]}
    assert numbers["meer dan 30.000"]["low"] == 30000 and numbers["meer dan 30.000"]["high"] is None
    assert (numbers["30.000"]["low"], numbers["30.000"]["high"]) == (25000, 35000)  # the same figure, hedge dropped
    assert (numbers["zo'n 70"]["low"], numbers["zo'n 70"]["high"]) == (63, 77)
    times = {(t["text"], t["first"]) for t in practice_report["time_words"]}
    assert {("woensdag", "2022-11-09"), ("Donderdag", "2022-11-10"), ("vrijdag", "2022-11-11"),
            ("november 2022", "2022-11-01"), ("in februari", "2022-02-01")} <= times
    words = {(w["text"], w["technique"], w["quoted"]) for w in practice_report["loaded_words"]}
    assert {("bevrijd", "loaded-language", False), ("bevrijde", "loaded-language", False),
            ("zogenaamde", "doubt", True), ("vernederende", "loaded-language", False),
            ("‘overbrengen’", "scare-quotes", False)} <= words
    assert {c["cue"] for c in practice_report["attributions"]["candidates"]} >= {"meldde", "geciteerd", "gezegd"}


# --- English -----------------------------------------------------------------------------------------

def test_an_english_report(tmp_path: Path) -> None:
    report = check_report(ENGLISH, reference=date(2022, 11, 12), accuracy=False)
    assert report["language"]["language"] == "en"
    assert [p["place"] for p in report["places"]][:2] == ["Kherson", "Mykolayiv"]
    pair = report["distances"][0]
    assert pair["words_en"] in ("north-northwest", "northwest") and 50 < pair["km"] < 70
    numbers = {n["text"]: n for n in report["numbers"]}
    assert numbers["about 55"]["low"] == pytest.approx(49.5) and numbers["more than 40"]["high"] is None
    assert numbers["thousands"]["low"] == 2000 and "11" not in numbers
    times = {t["text"]: (t["first"], t["last"]) for t in report["time_words"]}
    assert times["Friday"] == ("2022-11-11", "2022-11-11") and times["November 11"] == ("2022-11-11", "2022-11-11")
    assert times["this week"] == ("2022-11-07", "2022-11-13")
    words = {(w["text"], w["technique"]) for w in report["loaded_words"]}
    assert {("regroup", "euphemism"), ("liberated", "loaded-language"), ("goodwill gesture", "euphemism"),
            ("humiliation", "loaded-language")} <= words
    assert report["attributions"]["candidates"] == [] and "Dutch" in report["attributions"]["note"]


def test_markdown_states_the_finders_precision_and_recall(seed_report: dict) -> None:
    text = markdown(seed_report)
    acc = seed_report["attributions"]["accuracy"]
    for heading in ("## Places", "### Distances", "## Numbers", "## Time words", "## Who says so", "## How it is"):
        assert heading in text
    assert f"precision **{acc['precision']:.2f}**" in text and f"recall **{acc['recall']:.2f}**" in text
    assert "| zo'n 74 | kilometer noordelijker | zo'n | 66.6 to 81.4 |" in text
    with pytest.raises(CourseValueError, match="lacks"):
        markdown({"language": {}})


# --- bad input ---------------------------------------------------------------------------------------

def test_read_report_errors(tmp_path: Path) -> None:
    f = tmp_path / "r.txt"
    for content, message in ((b"", "is empty"), (b"  \n\t\n", "is empty"), (b"%PDF-1.4\x00\x01", "not text"),
                             ("Één verslag".encode("latin-1"), "not UTF-8")):
        f.write_bytes(content)
        with pytest.raises(CourseValueError, match=message):
            read_report(f)
    f.write_bytes(b"a" * MAX_BYTES)  # exactly 1 MB is still one report
    assert len(read_report(f)) == MAX_BYTES
    f.write_bytes(b"a" * (MAX_BYTES + 1))
    with pytest.raises(CourseValueError, match="1.0 MB.*at most 1 MB"):
        read_report(f)
    with pytest.raises(CourseValueError, match="does not exist"):
        read_report(tmp_path / "missing.txt")
    with pytest.raises(CourseValueError, match="is a folder"):
        read_report(tmp_path)
    f.write_bytes("\ufeffHet leger.\r\nDe stad.".encode("utf-8"))  # a byte-order mark and Windows line ends
    assert read_report(f) == "Het leger.\nDe stad."


def test_language_errors() -> None:
    assert detect_language(SEED_TEXT)[0] == "nl" and detect_language(ENGLISH)[0] == "en"
    with pytest.raises(CourseValueError, match="looks German.*Dutch \\(nl\\) or English \\(en\\)"):
        detect_language(GERMAN)
    with pytest.raises(CourseValueError, match="no words"):
        detect_language("12 34 56 -- 78")
    with pytest.raises(CourseValueError, match="language must be nl \\(Dutch\\) or en"):
        check_report(SEED_TEXT, language="de", accuracy=False)
    assert check_report(GERMAN, language="nl", accuracy=False)["language"]["how"] == "given"


def test_dates() -> None:
    assert parse_date("2022-11-11") == parse_date("11-11-2022") == parse_date(" 11 november 2022 ") == \
        parse_date("November 11, 2022") == date(2022, 11, 11)
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    for bad, message in (("2022-02-29", "not a date of the calendar"), ("2022-13-01", "not a date of the calendar"),
                         ("gisteren", "is not a date"), ("", "is not a date"), ("11 november", "is not a date"),
                         ("31 februari 2022", "is not a date")):
        with pytest.raises(CourseValueError, match=message):
            parse_date(bad)
    with pytest.raises(CourseTypeError, match="must be text such as"):
        parse_date(20221111)  # type: ignore[arg-type]
    with pytest.raises(CourseTypeError, match="reference must be a datetime.date"):
        check_report(SEED_TEXT, reference="2022-11-11", accuracy=False)  # type: ignore[arg-type]


@pytest.mark.parametrize("content, args, message", [
    (b"", [], "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", [], "not text"),
    (b"x" * (MAX_BYTES + 1), [], "at most 1 MB"),
    (GERMAN.encode(), [], "looks German"),
    (ENGLISH.encode(), ["--date", "yesterday"], "is not a date"),
    (ENGLISH.encode(), ["--language", "fr"], "language must be nl"),
])
def test_the_command_line_gives_friendly_errors(tmp_path: Path, content: bytes, args: list, message: str) -> None:
    f = tmp_path / "report.txt"
    f.write_bytes(content)
    run = subprocess.run([sys.executable, "-m", "course", "check", str(f), "--no-accuracy", *args],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr
    assert run.stderr.startswith("course check: ")


def test_the_command_line_prints_json_and_markdown(tmp_path: Path) -> None:
    f = tmp_path / "report.txt"
    f.write_text(ENGLISH, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "course", "check", str(f), "--json", "--no-accuracy",
                          "--date", "2022-11-12"], capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    report = json.loads(out)
    assert report["file"] == "report.txt" and report["reference_date"] == "2022-11-12"
    assert set(report) >= {"places", "distances", "numbers", "time_words", "attributions", "loaded_words", "notes"}
    md = subprocess.run([sys.executable, "-m", "course", "check", str(f), "--no-accuracy"], capture_output=True,
                        text=True, check=True, cwd=tmp_path).stdout
    assert md.startswith("# First pass: report.txt") and "No reference date was given" in md


def test_errors_are_course_errors() -> None:
    with pytest.raises(CourseError):
        check_report("   ", accuracy=False)


def test_without_text2num_numbers_in_digits_are_still_found_and_the_report_says_so(monkeypatch) -> None:
    import sys

    from course import scan
    from course.check import check_report

    text = "Het leger rukte zo'n dertig kilometer op; 74 soldaten werden gevangen genomen bij Izium."
    assert [m.value for m in scan.find_numbers(text, "nl")] == [30.0, 74.0]
    monkeypatch.setitem(sys.modules, "text_to_num", None)  # as in the browser edition
    assert not scan.number_words_readable()
    assert [m.value for m in scan.find_numbers(text, "nl")] == [74.0]
    assert any("not read in this edition" in n for n in check_report(text, accuracy=False)["notes"])
