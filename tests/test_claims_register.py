"""The claims register: every fact in the course's own voice is computed, quoted from the article, or cited."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from course.errors import CourseTypeError
from course.references import citation_problems, cited_in_data, load_references
from course.register import outside_markers, register, scan_data, scan_text, sentences

ROOT = Path(__file__).resolve().parents[1]
ALLOW = tomllib.loads((ROOT / "tests" / "claims_allowlist.toml").read_text(encoding="utf-8"))["allow"]
DOCS = ["course/INSTRUCTORS.md", "course/AUDIT.md", "README.md", "seeds/README.md"]
NOTEBOOKS = sorted(ROOT.glob("notebooks/*.ipynb")) + sorted(ROOT.glob("assignments/source/*/*.ipynb"))


def _allowed(entry) -> bool:
    return any(re.search(a["pattern"], entry.text) and any(entry.where.startswith(w) for w in a["where"])
               for a in ALLOW)


def test_every_statement_of_outside_fact_carries_a_citation_key() -> None:
    entries = register()
    assert len(entries) > 50, "the register should find the course's many cited statements"
    uncited = [(e.where, e.markers, e.text[:120]) for e in entries if not e.backed and not _allowed(e)]
    assert not uncited, "statements of outside fact without a citation key [@key]:\n" + "\n".join(map(str, uncited))


def test_the_allow_list_is_small_reviewed_and_used() -> None:
    assert len(ALLOW) <= 8
    entries = [e for e in register() if not e.backed]
    for a in ALLOW:
        if a["where"] == ["timeline_chart"]:  # a figure: checked by the caption test below
            continue
        assert len(a["reason"]) > 40, a
        assert any(re.search(a["pattern"], e.text) and any(e.where.startswith(w) for w in a["where"]) for e in entries), (
            f"allow-list entry {a['pattern']!r} matches nothing any more: remove it")


def _texts() -> list[tuple[str, str]]:
    out = [(doc, (ROOT / doc).read_text(encoding="utf-8")) for doc in DOCS]
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        out += [(f"{path.relative_to(ROOT)} cell {i}", "".join(c["source"])) for i, c in enumerate(nb["cells"])
                if c["cell_type"] == "markdown"]
    return out


def test_every_citation_key_in_the_course_resolves() -> None:
    problems = [(where, p) for where, text in _texts() for p in citation_problems(text)]
    assert not problems, problems
    refs = load_references()
    unknown = {k: w for k, w in cited_in_data().items() if k not in refs}
    assert not unknown, unknown


def test_every_reference_is_cited_somewhere() -> None:
    from course.references import citation_keys

    cited = set(cited_in_data())
    for _, text in _texts():
        cited.update(citation_keys(text))
    orphans = sorted(set(load_references()) - cited)
    assert not orphans, f"references.toml records that nothing cites (cite them or remove them): {orphans}"


@pytest.mark.parametrize("sentence, marker", [
    ("Reporters often give the distance by road.", "general claim: often"),
    ("Casualty figures are the most consequential numbers in war reporting.", "general claim: the most consequential"),
    ("Many observers describe her role exactly so.", "general claim: many observers"),
    ("AP is owned by newspapers.", "outside source: AP"),
    ("Flevoland is mostly water, CBS says.", "outside source: CBS"),
    ("Katzir & Ariel (2023) found that round numbers are read loosely.", "outside source: Katzir"),
    ("Russia claimed to annex it in late September 2022.", "year: 2022"),
    ("Ganchev spoke on 9 September.", "date: 9 September"),
])
def test_outside_markers_find_the_kinds_of_claim_the_audit_found(sentence: str, marker: str) -> None:
    assert marker in outside_markers(sentence, "")


@pytest.mark.parametrize("sentence", [
    "The article says *zaterdag* (Saturday) three times.",
    "The date line says only \"2022-09\".",
    "Run `leg('izium', 'kupiansk')` to see the distance.",
    "The haversine uses $R = 6371$ km.",
    "The course reads *zo'n* as ±10 %.",
    "The labels map to the nearest SemEval-2023 label.",
])
def test_quotes_code_formulas_and_course_conventions_are_not_outside_facts(sentence: str) -> None:
    from course.article import load_article

    assert outside_markers(sentence, load_article().text) == []


def test_words_quoted_from_the_article_are_left_out_but_other_quotes_are_not() -> None:
    from course.article import load_article

    art = load_article().text
    assert outside_markers("The reporter writes “Persbureau Reuters” and AP writes nothing.", art) == ["outside source: AP"]
    assert outside_markers("The headline said “AP confirms it”.", art) == ["outside source: AP"]  # not article text


def test_sentences_split_markdown_but_keep_initials_and_drop_code_and_choice_options() -> None:
    text = ("Sources: T. L. Kelley (1939) and R. L. Ebel and D. A. Frisbie (1991). Second sentence.\n\n"
            "```python\nprint('AP often')\n```\n"
            "- **A.** Kappa punishes annotators who use one label too often.\n"
            "- a list item\n> A quote that runs\n> over two lines.")
    found = sentences(text)
    assert found[0].startswith("Sources: T. L. Kelley") and found[0].endswith("(1991).")
    assert "Second sentence." in found and "- a list item" in found
    assert "A quote that runs over two lines." in found
    assert sentences("It follows (Reuters, AP, ...\n[@ap-2022-09-10-kupiansk]), and more.") == [
        "It follows (Reuters, AP, ... [@ap-2022-09-10-kupiansk]), and more."]
    assert not any("Kappa" in s or "print" in s for s in found)
    with pytest.raises(CourseTypeError, match="text must be str"):
        sentences(None)


def test_a_key_backs_only_its_own_sentence_in_prose_and_the_whole_record_in_data(tmp_path: Path) -> None:
    entries = scan_text("AP placed it 73 km away [@ap-2022-09-10-kupiansk]. AP also said more.", "t")
    assert [e.backed for e in entries] == [True, False]
    (tmp_path / "claims.toml").write_text(
        '[[claim]]\nid = "x"\nnote = "AP named Izium."\nevidence = [{ ref = "ap-2022-09-10-kupiansk", says = "AP: 73 km." }]\n'
        '[[claim]]\nid = "y"\nnote = "Meduza dated it."\n', encoding="utf-8")
    found = {(e.where.split(": ")[1], e.backed) for e in scan_data(tmp_path)}
    assert found == {("claim[0].note", True), ("claim[0].evidence[0].says", True), ("claim[1].note", False)}


def test_the_captions_of_every_lesson_figure_cite_their_outside_sources() -> None:
    from course.plots.distances import area_chart, claims_chart, distance_map
    from course.plots.framing import density_map, techniques_by_side
    from course.plots.overview import story_map, timeline_chart
    from course.plots.sources import citation_graph, verification_chart, voice_share_chart

    checked = 0
    for draw in (area_chart, claims_chart, distance_map, density_map, techniques_by_side, story_map, timeline_chart,
                 citation_graph, verification_chart, voice_share_chart):
        fig = draw()
        texts = [t.get_text() for t in fig.texts]
        for ax in fig.axes:
            texts += [ax.get_title(), ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()]
        text = " ".join(" ".join(texts).split())
        uncited = [e.text for e in scan_text(text, draw.__name__) if not e.backed and not _allowed(e)]
        assert not uncited, (draw.__name__, uncited)
        checked += 1
    assert checked == 10
