"""The claims corpus and the fact sheet: every claim anchored, checked, and printed in full."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from datetime import datetime

import pytest

from course.cli import main
from course.corpus import load_corpus
from course.errors import UnknownIdError
from course.facts import FIELDS, GEO_FIELDS, VERDICTS, fact, fact_sheet, facts, reference_candidates
from course.geo import leg
from course.numbers import hedge as known_hedge
from course.timeline import event

KINDS = {"distance", "direction", "area", "count", "date"}

# The shape of `python -m course facts --json`, for anyone who consumes it.
FACT_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": list(FIELDS),
        "properties": {
            "kind": {"enum": sorted(KINDS)},
            "verdict": {"enum": list(VERDICTS)},
            "quote": {"type": "string", "minLength": 1},
            "explanation": {"type": "string", "minLength": 20},
            "data": {"type": "string", "minLength": 5},
        },
        "allOf": [{"if": {"properties": {"kind": {"enum": ["distance", "direction"]}}},
                   "then": {"required": list(GEO_FIELDS), "properties": {
                       "from": {"type": "object", "required": ["name", "geonameid"]},
                       "to": {"type": "object", "required": ["name", "geonameid"]},
                       "bearing_deg": {"type": "number", "minimum": 0, "exclusiveMaximum": 360},
                       "direction_holds": {"type": ["boolean", "null"]}}}}],
    },
}


@pytest.fixture(scope="module")
def all_facts() -> list[dict]:
    return facts()


def test_claims_cover_every_kind_and_anchor_on_the_text(all_facts: list[dict]) -> None:
    corpus = load_corpus()
    assert {f["kind"] for f in all_facts} == KINDS
    for claim in corpus.records("claims"):
        assert corpus.article.text[claim["span"].start:claim["span"].end] == claim["span"].text
        if claim["kind"] in ("distance", "area"):
            assert str(claim["stated"]) in claim["span"].text
        if claim.get("hedge"):
            known_hedge(claim["hedge"])
            assert re.sub("[’']", "'", claim["hedge"]) in re.sub("[’']", "'", claim["span"].text)


def test_date_claims_quote_the_time_word_of_their_event() -> None:
    for claim in load_corpus().records("claims"):
        if claim["kind"] == "date":
            when = event(claim["event"]).when or event(claim["event"]).what
            assert claim["span"] == when, f"{claim['id']}: quote is not the time word of event {claim['event']}"


def test_fact_json_has_every_field_the_issue_asks_for(all_facts: list[dict]) -> None:
    import jsonschema

    jsonschema.validate(all_facts, FACT_SCHEMA)
    json.dumps(all_facts)


def test_the_74_km_claim(all_facts: list[dict]) -> None:
    f = fact("kupiansk-distance")
    line = leg("izium", "kupiansk")
    assert f["from"]["geonameid"] == 707292 and f["to"]["geonameid"] == 703656
    assert f["straight_line_km"] == pytest.approx(line.distance_km, abs=0.01)
    assert f["ratio"] == pytest.approx(74 / line.distance_km, abs=0.001)
    assert f["compass16"] == "NNE" and f["direction_holds"] is True
    assert f["verdict"] == "plausible-as-road" and f["reference"].startswith("inferred")
    by_start = {c["from"]["geonameid"]: c for c in f["candidates"]}
    assert by_start[712926]["direction_holds"] is False  # from Balakliia, Kupiansk lies ENE
    assert by_start[712926]["straight_line_km"] == pytest.approx(leg("balakliia", "kupiansk").distance_km, abs=0.01)


def test_the_50_km_claim_names_its_reference() -> None:
    f = fact("balakliia-distance")
    assert f["reference"] == "named in the text" and "candidates" not in f
    assert f["direction_holds"] is True and f["compass16"] == "NW"
    assert len(reference_candidates("balakliia-direction")) == 1


def test_area_count_and_date_verdicts() -> None:
    assert fact("area-2500")["verdict"] == "matches-source"
    assert fact("area-2500")["square_side_km"] == 50
    assert fact("count-thirty-places")["verdict"] == "matches-source"
    assert fact("count-killed")["computed"] == [200, 999] and fact("count-killed")["verdict"] == "not-checkable"
    assert fact("date-zelensky")["computed"] == "2022-09-09"
    assert fact("date-this-week")["computed"] == "2022-09-05/2022-09-11"
    assert fact("date-balakliia-claimed")["verdict"] == "matches-reporting"


def test_isw_saturday_is_computed_from_the_publication_time() -> None:
    claim = load_corpus().get("claims", "date-isw")
    published = datetime.fromisoformat(claim["published_at"])
    assert published.strftime("%A") == "Friday"  # in Washington
    f = fact("date-isw")
    assert f["verdict"] == "matches-reporting" and "zaterdag" in f["explanation"]


def test_every_claim_has_evidence_or_says_why_not(all_facts: list[dict]) -> None:
    for f in all_facts:
        assert f["evidence"] or f["verdict"] in ("not-checkable", "holds") or f["kind"] == "direction", f["id"]


def test_cli_prints_the_fact_sheet_and_json(all_facts: list[dict]) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["facts", "--json"]) == 0
    assert [f["id"] for f in json.loads(out.getvalue())] == [f["id"] for f in all_facts]
    text = fact_sheet()
    assert all(f["id"] in text for f in all_facts) and "verdicts:" in text


def test_unknown_claim() -> None:
    with pytest.raises(UnknownIdError, match="claim id"):
        fact("kupiansk-distanse")
    with pytest.raises(UnknownIdError):
        reference_candidates("area-2500")


def test_figures_have_rings_scale_bar_north_arrow_and_projection_note() -> None:
    from course.plots.distances import area_chart, claims_chart, distance_map

    fig = distance_map()
    ax = fig.axes[0]
    labels = ax.get_legend_handles_labels()[1]
    assert any("74 km around Izium" in label for label in labels)
    assert any("74 km around Balakliia" in label for label in labels)
    assert any("50 km around Izium" in label for label in labels)
    texts = [t.get_text() for t in ax.texts] + [t.get_text() for t in fig.texts]
    assert "25 km" in texts and "N" in texts
    assert any("Plate carrée" in t and "GeoNames" in t for t in texts)
    assert len(claims_chart().axes[0].get_yticklabels()) == 3
    assert "2,500 km²" in area_chart().axes[0].get_title(loc="left")
    for word in ("zeker", "tot", None):  # an open-ended hedge shades the range up to the edge of the chart
        labels = area_chart(2500, word).axes[0].get_legend_handles_labels()[1]
        assert any("allows" in label and ("None" not in label) for label in labels), labels


def test_lesson_01_selfcheck_answers_come_from_the_library() -> None:
    from course.checks import check, question
    from course.gazetteer import load_gazetteer, place_point
    from course.geo import compass
    from course.numbers import parse_quantity, reference_areas, tolerance, whole_units_consistent_with

    lymans = load_gazetteer().lookup("Lyman", country="UA")
    assert len(lymans) == 3 and "three" in question("01.1")["question"]
    largest = max(lymans, key=lambda p: p.population)
    assert check("01.1", largest.geonameid).correct
    assert all(not check("01.1", p.geonameid).correct for p in lymans if p is not largest)
    assert not check("01.1", place_point("balakliia").geonameid).correct
    assert check("01.2", round(leg("kharkiv", "izium").distance_km)).correct
    assert not check("01.2", int(leg("kharkiv", "izium").distance_km)).correct
    word = compass(leg("balakliia", "kupiansk").bearing_deg, 16, "nl", words=True)
    assert check("01.3", "ABCD"[question("01.3")["options"].index(word)]).correct
    assert check("01.4", int(tolerance(50, "zo'n").low)).correct
    best = fact("kupiansk-distance")["from"]["name"]
    assert check("01.5", "ABCD"[question("01.5")["options"].index(best)]).correct
    assert check("01.6", whole_units_consistent_with(74)[0]).correct
    land = {a.name: a.land_km2 for a in reference_areas()}
    options = question("01.7")["options"]
    assert check("01.7", "ABCD"[options.index(min(options, key=lambda n: abs(land[n] - 2500)))]).correct
    assert check("01.8", event("balakliia-claimed").start.isoformat()).correct
    widths = {o: parse_quantity(o).interval.high - parse_quantity(o).interval.low for o in question("01.9")["options"][:3]}
    assert check("01.9", "ABCD"[question("01.9")["options"].index(min(widths, key=widths.get))]).correct
    for qid, wrong in [("01.2", 50), ("01.3", "A"), ("01.5", "B"), ("01.6", 45), ("01.7", "B"), ("01.8", "2022-09-15")]:
        feedback = check(qid, wrong)
        assert not feedback.correct and feedback.message
