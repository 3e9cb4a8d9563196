"""The teaching corpus validates, and a broken annotation is an error that names it."""

import shutil
from pathlib import Path

import pytest

from course.article import load_article
from course.articles import article_info
from course.corpus import DATA_DIR, load_corpus, resolve_anchor, validate, word_occurrences
from course.errors import AnnotationError, UnknownIdError


def test_corpus_validates() -> None:
    corpus = validate()
    for kind in ("structure", "places", "actors", "gloss", "glossary", "events"):
        assert kind in corpus.kinds and corpus.records(kind)


def test_every_data_file_has_provenance_and_a_schema() -> None:
    corpus = load_corpus()
    for kind in corpus.kinds:
        prov = corpus.meta(kind)["provenance"]
        assert prov["source"] and prov["licence"] and prov["taken"]
        assert (DATA_DIR / "schema" / f"{kind}.schema.json").is_file()


def test_every_paragraph_has_an_english_gloss() -> None:
    corpus = load_corpus()
    assert [r["id"] for r in corpus.records("gloss")] == [p.id for p in corpus.article.paragraphs]


def test_every_place_spelling_is_covered_and_unambiguous() -> None:
    corpus = load_corpus()
    spellings = [w for p in corpus.records("places") for w in (*p["spellings"], *p.get("misspellings", ()))]
    for word, span in word_occurrences(corpus.article, spellings):
        owners = [p["id"] for p in corpus.records("places")
                  if any(m["span"].start == span.start for m in p.get("mentions", ()))
                  or (not p.get("mentions") and word in (*p["spellings"], *p.get("misspellings", ())))]
        assert len(owners) == 1, (word, span.start, owners)


def test_places_named_in_the_issue_are_there() -> None:
    corpus = load_corpus()
    spelled = {w for p in corpus.records("places") for w in (*p["spellings"], *p.get("misspellings", ()))}
    assert {"Izium", "Kupiansk", "Kopiansk", "Balakliia", "Balaklia", "Charkov", "Kiev", "Donetsk"} <= spelled


def test_actors_have_a_known_side_and_type() -> None:
    corpus = load_corpus()
    sides = set(corpus.meta("actors")["sides"])
    for actor in corpus.records("actors"):
        assert actor["side"] in sides
    by_side = {a["side"] for a in corpus.records("actors")}
    assert {"russian-state", "ukrainian-state", "independent-media", "think-tank", "anonymous", "reporter"} <= by_side


def test_records_are_read_only() -> None:
    record = load_corpus().get("places", "izium")
    with pytest.raises(TypeError):
        record["geonameid"] = 1  # type: ignore[index]


def test_unknown_kind_and_id_get_clear_errors() -> None:
    corpus = load_corpus()
    with pytest.raises(UnknownIdError, match="did you mean 'places'"):
        corpus.records("place")
    with pytest.raises(UnknownIdError, match="kupiansk"):
        corpus.get("places", "kupyansk")


def _copy_data(tmp_path: Path) -> Path:
    """A copy of the seed's article folder (its text still comes from seeds/), to break on purpose."""
    data = tmp_path / "data"
    shutil.copytree(article_info().folder, data)
    return data


def test_a_broken_anchor_names_the_annotation(tmp_path: Path, monkeypatch) -> None:
    data = _copy_data(tmp_path)
    places = data / "places.toml"
    places.write_text(places.read_text(encoding="utf-8").replace(
        'context = "in de richting van Charkov"', 'context = "in de richting van Charkiv"'), encoding="utf-8")
    with pytest.raises(AnnotationError) as info:
        validate(data)
    message = str(info.value)
    assert "places.toml" in message and "'kharkiv'" in message and "Charkiv" in message


def test_a_repeated_quote_needs_an_occurrence(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    actors = data / "actors.toml"
    actors.write_text(actors.read_text(encoding="utf-8").replace(
        '{ quote = "Olga Skabejeva", occurrence = 1 }', '{ quote = "Olga Skabejeva" }'), encoding="utf-8")
    with pytest.raises(AnnotationError, match="'skabeyeva'.*occurs 2 times"):
        validate(data)


def test_schema_errors_and_unknown_references_are_reported(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    events = data / "events.toml"
    events.write_text(events.read_text(encoding="utf-8").replace('actor = "isw"', 'actor = "iswx"')
                      .replace('rule = "week"', 'rule = "fortnight"'), encoding="utf-8")
    with pytest.raises(AnnotationError) as info:
        validate(data)
    assert "'iswx' is not a known id of actors" in str(info.value)
    assert "fortnight" in str(info.value)


def test_uncovered_place_mention_is_reported(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    places = data / "places.toml"
    places.write_text(places.read_text(encoding="utf-8").replace(
        '  { quote = "Charkov", context = "van de regio Charkov, Vitaliy" },\n', ""), encoding="utf-8")
    with pytest.raises(AnnotationError, match="claimed by no place"):
        validate(data)


def test_resolve_anchor_with_context() -> None:
    art = load_article()
    span = resolve_anchor(art, {"quote": "Skabejeva", "context": "Skabejeva eindigde"})
    assert art.paragraph_at(span.start).id == "p19"
