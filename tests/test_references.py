"""The bibliography (course/data/references.toml) and the citation keys that point into it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from course.errors import AnnotationError, CourseTypeError, UnknownIdError
from course.references import (
    MAX_PHRASE_WORDS,
    bibliography,
    citation_keys,
    citation_problems,
    cited_in_data,
    load_references,
    reference,
    render,
    validate_references,
)

GOOD = '''
[provenance]
source = "test"
licence = "CC BY 4.0"
taken = "2026-01-01"

[[reference]]
id = "reuters-2022-09-10-wrapup"
kind = "wire"
outlet = "Reuters"
title = "A wrap-up"
date = "2022-09-10"
url = "https://example.org/a"
supports = ["what it supports"]
'''


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "references.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_course_bibliography_validates_and_every_key_cited_in_data_exists() -> None:
    refs = load_references()
    assert len(refs) >= 30
    cited = cited_in_data()
    unknown = {k: where for k, where in cited.items() if k not in refs}
    assert not unknown, f"keys cited in course/data that are not in references.toml: {unknown}"
    # the migrated evidence of claims.toml is cited by key, not by free text
    assert "ap-2022-09-10-kupiansk" in cited and any("claims.toml" in w for w in cited["ap-2022-09-10-kupiansk"])


def test_a_good_file_loads_and_a_record_reads_for_humans(tmp_path: Path) -> None:
    refs = validate_references(_write(tmp_path, GOOD))
    r = refs["reuters-2022-09-10-wrapup"]
    assert r.supports == ("what it supports",)
    assert r.short() == "Reuters, 10 September 2022"
    assert r.when == "10 September 2022"
    assert "“A wrap-up”" in r.long() and "https://example.org/a" in r.long()


@pytest.mark.parametrize("change, message", [
    (('id = "reuters-2022-09-10-wrapup"', 'id = "Reuters 2022"'), "lower-case words joined by hyphens"),
    (('date = "2022-09-10"', 'date = "2022-02-30"'), "is not a calendar date"),
    (('date = "2022-09-10"', 'date = "10-09-2022"'), "YYYY-MM-DD"),
    (('date = "2022-09-10"', 'date = "2031-01-01"'), "lies in the future"),
    (('url = "https://example.org/a"', 'url = "example.org/a"'), "web address"),
    (('kind = "wire"', 'kind = "blog"'), "is not one of"),
    (('supports = ["what it supports"]', 'supports = []'), "supports must be a non-empty list"),
    (('outlet = "Reuters"\n', ''), "the field 'outlet' is missing"),
    (('supports = ', 'publisher = "x"\nsupports = '), "unknown field 'publisher'"),
    (('supports = ', f'phrases = ["{" ".join(["word"] * (MAX_PHRASE_WORDS + 1))}"]\nsupports = '), "never whole sentences"),
    (('title = "A wrap-up"', 'title = ""'), "title must be a non-empty string"),
])
def test_each_rule_of_the_validator_names_the_record_and_the_problem(tmp_path: Path, change, message) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(AnnotationError, match="reference") as err:
        validate_references(_write(tmp_path, GOOD.replace(old, new, 1)), today=dt.date(2030, 1, 1))
    assert message in str(err.value)


def test_a_phrase_of_exactly_the_limit_passes(tmp_path: Path) -> None:
    text = GOOD.replace("supports = ", f'phrases = ["{" ".join(["word"] * MAX_PHRASE_WORDS)}"]\nsupports = ')
    assert validate_references(_write(tmp_path, text))["reuters-2022-09-10-wrapup"].phrases


def test_a_duplicate_key_and_a_missing_file_are_errors(tmp_path: Path) -> None:
    record = GOOD[GOOD.index("[[reference]]"):]
    with pytest.raises(AnnotationError, match="used twice"):
        validate_references(_write(tmp_path, GOOD + record))
    with pytest.raises(AnnotationError, match="no bibliography"):
        validate_references(tmp_path / "nothing.toml")
    with pytest.raises(AnnotationError, match="not valid TOML"):
        validate_references(_write(tmp_path, "[[reference]\n"))


def test_citation_keys_are_found_with_locators_and_several_in_one_bracket() -> None:
    text = ("One [@ap-2022-09-10-kupiansk, para 9]; two [@meduza-2022-09-10-kupiansk; @reuters-2022-09-10-wrapup]"
            " and again [@ap-2022-09-10-kupiansk]. A link [text](url) and an email [me] are not citations.")
    assert citation_keys(text) == ["ap-2022-09-10-kupiansk", "meduza-2022-09-10-kupiansk", "reuters-2022-09-10-wrapup"]
    assert citation_keys("no citation here") == []
    with pytest.raises(CourseTypeError, match="text must be str"):
        citation_keys(None)


def test_citation_problems_name_malformed_citations_and_unknown_keys_with_a_hint() -> None:
    assert citation_problems("fine [@reuters-2022-09-10-wrapup]") == []
    problems = citation_problems("[@reuters-2022-09-10-wrapup; meduza] and [@reuters-2022-09-10-wrapp]")
    assert any("malformed citation" in p for p in problems)
    assert any("unknown reference key 'reuters-2022-09-10-wrapp'" in p and "did you mean" in p for p in problems)
    assert citation_problems("[@Reuters 2022]")  # not a key: malformed


def test_render_gives_the_readers_form_and_leaves_unknown_keys_visible() -> None:
    assert render("See [@reuters-2022-09-10-wrapup].") == "See (Reuters, 10 September 2022)."
    assert render("[@williams-power-2013, p. 200]") == "(Sandra Williams & Richard Power, 2013, p. 200)"
    assert render("[@no-such-key]") == "[@no-such-key]"


def test_reference_lookup_and_bibliography() -> None:
    assert reference("cbs-37105").kind == "data"
    with pytest.raises(UnknownIdError, match="did you mean 'cbs-37105'"):
        reference("cbs-37150")
    text = bibliography(["cbs-37105", "geonames", "cbs-37105"])
    assert text.count("\n") == 1 and text.startswith("- `[@cbs-37105]`")


def test_cited_in_data_reads_ref_fields_cite_lists_and_inline_keys(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.toml").write_text('[[x]]\nref = "k-one"\nnote = "as [@k-two] says"\n', encoding="utf-8")
    (tmp_path / "sub" / "b.toml").write_text('[[y]]\ncite = ["k-three", "k-one"]\n', encoding="utf-8")
    found = cited_in_data(tmp_path)
    assert sorted(found) == ["k-one", "k-three", "k-two"]
    assert found["k-one"] == ["a.toml: x[0].ref", "sub/b.toml: y[0].cite[1]"]
