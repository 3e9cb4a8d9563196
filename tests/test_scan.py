"""The scanners behind ``course check``, rule by rule: places, numbers, time words, the lexicon."""

from __future__ import annotations

from datetime import date

import pytest

from course.errors import CourseTypeError, UnknownIdError
from course.scan import (NEAR_KM, find_loaded_words, find_numbers, find_places, find_time_words, lexicon,
                         place_pairs)


# --- places ------------------------------------------------------------------------------------------

def test_spellings_and_dutch_transliterations_find_one_place() -> None:
    places = find_places("De troepen trokken van Izjoem naar Koepjansk en Charkov, en Kiev keek toe.")
    assert [(p.name, p.place) for p in places] == [("Izjoem", "Izyum"), ("Koepjansk", "Kupyansk"),
                                                   ("Charkov", "Kharkiv"), ("Kiev", "Kyiv")]


def test_a_first_name_and_a_river_are_not_places() -> None:
    assert [p.name for p in find_places("Volodimir Zelenski sprak in Kiev.")] == ["Kiev"]
    assert find_places("Troops crossed the Dnipro near the bridge.") == []
    assert [p.name for p in find_places("Troops left Dnipro on Monday.")] == ["Dnipro"]  # a town takes no article
    two = find_places("Nova Kachovka ligt aan de rivier.")  # a name of two words, in Dutch spelling
    assert [(p.name, p.place) for p in two] == [("Nova Kachovka", "Nova Kakhovka")]


def test_an_ambiguous_name_takes_the_candidate_near_the_others() -> None:
    near = find_places("Van Izium naar Donetsk is het ver.")
    donetsk = next(p for p in near if p.name == "Donetsk")
    assert donetsk.country == "UA" and "nearest" in donetsk.how and any("RU" in a for a in donetsk.alternatives)
    alone = find_places("Washington reageerde.")[0]
    assert alone.country == "US" and alone.how.startswith("the most populous")
    far = find_places("Van Izium naar Washington.")  # no Washington within NEAR_KM of Izium: the most populous
    assert next(p for p in far if p.name == "Washington").country == "US" and NEAR_KM == 500


def test_place_pairs_give_geodesic_distance_and_both_languages() -> None:
    rows = place_pairs(find_places("Izium en Kupiansk"))
    assert len(rows) == 1 and rows[0]["km"] == pytest.approx(61.1, abs=0.1)
    assert (rows[0]["compass"], rows[0]["words_en"], rows[0]["words_nl"]) == ("NNE", "north-northeast", "noordnoordoost")
    three = find_places("Izium, Kupiansk en Balakliia")
    assert len(place_pairs(three)) == 3 and len(place_pairs(three, limit=2)) == 1
    with pytest.raises(CourseTypeError, match="places"):
        place_pairs("Izium")  # type: ignore[arg-type]


# --- numbers -----------------------------------------------------------------------------------------

def test_thousands_and_decimals_follow_the_language() -> None:
    nl = {n.text: n.value for n in find_numbers("Er waren 2.500 soldaten en 2,5 tank.", "nl")}
    en = {n.text: n.value for n in find_numbers("There were 2,500 soldiers and 2.5 tanks.", "en")}
    assert nl == {"2.500": 2500, "2,5": 2.5} and en == {"2,500": 2500, "2.5": 2.5}


def test_number_words_with_text2num_agree_with_the_course() -> None:
    """text2num reads the words for course check; course.numbers.dutch_number is the lessons' own reader."""
    from course.numbers import dutch_number

    words = ["dertig", "vierenzeventig", "drieëntwintig", "tweehonderdvijftig", "zevenhonderdachtentachtig",
             "vijftienhonderd", "zesduizend", "tweeduizend vijfhonderd"]
    found = {n.text: n.value for n in find_numbers(". ".join(f"Er waren {w} soldaten" for w in words), "nl")}
    assert found == {w: dutch_number(w) for w in words}
    assert [n.value for n in find_numbers("twenty-five villages and a hundred and five", "en")] == [25, 105]
    assert find_numbers("Een dag, one day.", "nl") == []  # an article is not a count


def test_hedges_set_the_range() -> None:
    nl = {n.text: (n.hedge, n.low, n.high) for n in find_numbers(
        "zo'n 74 kilometer, zeker dertig plaatsen, bijna 50 doden, ruim 30 dorpen, tot 20 tanks", "nl")}
    assert nl["zo'n 74"] == ("zo'n", pytest.approx(66.6), pytest.approx(81.4))
    assert nl["zeker dertig"] == ("zeker", 30, None) and nl["ruim 30"] == ("ruim", 30, None)
    assert nl["bijna 50"] == ("bijna", 45, 50) and nl["tot 20"] == ("tot", None, 20)
    en = {n.text: (n.hedge, n.low, n.high) for n in find_numbers("about 60 km, over 40 villages, nearly 50 dead", "en")}
    assert en["about 60"] == ("about", 54, 66) and en["over 40"][1:] == (40, None) and en["nearly 50"][2] == 50


def test_vague_counts_years_and_skipped_spans() -> None:
    found = {n.text: (n.low, n.high) for n in find_numbers("duizenden soldaten, enkele honderden gevangenen in 2022", "nl")}
    assert found == {"duizenden": (2000, 9999), "enkele honderden": (200, 500)}  # 2022 is a year, not a count
    text = "Op 9 november vielen 3 dorpen."
    assert [n.text for n in find_numbers(text, "nl", skip=[(3, 14)])] == ["3"]
    quoted = find_numbers("Hij zei: ‘we verloren 40 tanks’ en 12 vielen.", "nl")
    assert [(n.text, n.quoted) for n in quoted] == [("40", True), ("12", False)]


# --- time words --------------------------------------------------------------------------------------

FRIDAY = date(2022, 11, 11)


def test_weekdays_follow_the_course_rule_not_dateparsers() -> None:
    import datetime as dt

    import dateparser

    found = {t.text: t.first for t in find_time_words(
        "vrijdag, afgelopen vrijdag, zaterdagavond, donderdag, gisteren", "nl", FRIDAY)}
    assert found == {"vrijdag": FRIDAY, "afgelopen vrijdag": date(2022, 11, 4), "zaterdagavond": date(2022, 11, 5),
                     "donderdag": date(2022, 11, 10), "gisteren": date(2022, 11, 10)}
    # why weekdays are the course's: dateparser counts "vrijdag" said on a Friday from the week before
    base = dt.datetime(2022, 11, 11, 12)
    theirs = dateparser.parse("vrijdag", languages=["nl"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"})
    assert theirs.date() != found["vrijdag"]


def test_calendar_dates_with_dateparser() -> None:
    nl = {t.text: t.first for t in find_time_words("Op 9 november en op 10 november 2021.", "nl", FRIDAY)}
    assert nl == {"9 november": date(2022, 11, 9), "10 november 2021": date(2021, 11, 10)}
    jan = find_time_words("Op 9 november.", "nl", date(2022, 1, 5))[0]
    assert jan.first == date(2021, 11, 9)  # the latest 9 November up to the reference date
    en = {t.text: t.first for t in find_time_words("On November 9 and 10 November, 2022; last Friday.", "en", FRIDAY)}
    assert en == {"November 9": date(2022, 11, 9), "10 November, 2022": date(2022, 11, 10),
                  "last Friday": date(2022, 11, 4)}


def test_without_a_reference_only_dates_with_a_year_resolve() -> None:
    found = {t.text: (t.kind, t.first) for t in find_time_words("Zaterdag, 9 november, 2022-11-11 en in 2014.", "nl")}
    assert found == {"Zaterdag": ("weekday", None), "9 november": ("date", None),
                     "2022-11-11": ("iso", date(2022, 11, 11)), "in 2014": ("year", date(2014, 1, 1))}
    assert find_time_words("2022-13-45", "nl") == []  # not a date
    with pytest.raises(CourseTypeError, match="reference must be a datetime.date"):
        find_time_words("zaterdag", "nl", "2022-11-11")  # type: ignore[arg-type]
    with pytest.raises(UnknownIdError, match="language"):
        find_time_words("zaterdag", "de")


# --- the lexicon -------------------------------------------------------------------------------------

def test_every_form_of_the_lexicon_is_found_in_its_language() -> None:
    for language in ("nl", "en"):
        for entry in lexicon(language):
            for form in entry["forms"]:
                hits = find_loaded_words(f"Men sprak van {form} gisteren.", language)
                assert [h.entry for h in hits if h.entry != "scare-quotes"] == [entry["id"]], (form, hits)


def test_lexicon_examples_name_real_framing_spans() -> None:
    from course.framing import spans

    for entry in lexicon():
        if "taught_in" in entry:
            article, span = entry["taught_in"].split("/")
            quote = next(s.quote for s in spans(article=article) if s.id == span)
            assert any(f.casefold() in quote.casefold().replace("’", "'") or quote.casefold() in f.casefold()
                       for f in entry["forms"]), (entry["id"], quote)


def test_loaded_words_say_whether_they_are_quoted() -> None:
    hits = find_loaded_words("De bezetters trokken zich terug, ‘een hergroepering’ volgens Moskou.", "nl")
    assert [(h.text, h.technique, h.quoted) for h in hits] == [
        ("bezetters", "name-calling", False), ("‘een hergroepering’", "scare-quotes", False),
        ("hergroepering", "euphemism", True)]
    assert find_loaded_words("The occupiers left.", "nl") == []  # Dutch lexicon, English words


def test_the_same_word_gets_the_same_treatment_for_every_side() -> None:
    a = find_loaded_words("Russische media noemen de stad bevrijd.", "nl")
    b = find_loaded_words("Oekraïense media noemen de stad bevrijd.", "nl")
    assert [(h.text, h.technique) for h in a] == [(h.text, h.technique) for h in b] == [("bevrijd", "loaded-language")]
