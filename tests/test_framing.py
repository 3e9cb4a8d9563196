"""Lesson 03's library: the taxonomy, the framing spans, loaded-word density, scoring, agreement,
the framing reader, its figures, its command line and its self-checks."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course import framing
from course.article import load_article
from course.checks import check, question
from course.cli import main
from course.articles import article_info
from course.corpus import SCHEMA_DIR, load_corpus, validate
from course.errors import AnnotationError, CourseTypeError, CourseValueError, QuoteNotFoundError, UnknownIdError

ART = load_article()


# --- the corpus bars ----------------------------------------------------------------------------

def test_every_span_resolves_inside_one_paragraph() -> None:
    found = framing.spans()
    assert len(found) >= 30
    for s in found:
        assert ART.text[s.start:s.end] == s.quote
        p = ART.paragraph(s.paragraph)
        assert p.start <= s.start and s.end <= p.end, s.id


def test_techniques_sides_and_alternatives_come_from_the_records() -> None:
    corpus = load_corpus()
    ids = {t.id for t in framing.techniques()}
    for s in framing.spans():
        assert s.technique in ids
        assert s.side == corpus.get("actors", s.speaker)["side"]
        if s.alternative is not None:
            assert s.alternative in ids and s.alternative != s.technique and s.contested
    raw = tomllib.loads((article_info().folder / "framing.toml").read_text(encoding="utf-8"))["span"]
    assert not any("side" in r for r in raw), "the side must come from actors.toml, never be typed twice"


def test_both_sides_and_the_reporter_have_at_least_three_spans() -> None:
    for side in ("russian-state", "ukrainian-state", "reporter"):
        assert len(framing.spans(side=side)) >= 3, side


@pytest.mark.parametrize("quote, technique_id, speaker", [
    ("ter versterking van operaties elders", "euphemism", "ru-mod"),
    ("georganiseerd terug te trekken", "euphemism", "ru-mod"),
    ("driedaagse operatie", "euphemism", "ru-mod"),
    ("Volksrepubliek Donetsk", "naming", "ru-mod"),
    ("op georganiseerde wijze vertrokken", "minimisation", "skabeyeva"),
    ("eenheden die in Groot-Brittannië zijn opgeleid", "causal-oversimplification", "skabeyeva"),
    ("Er is niets bijzonders gebeurd", "minimisation", "alaudinov"),
    ("Kupiansk is Oekraïne", "slogan", "popova"),
    ("Eer aan de strijdkrachten van Oekraïne", "flag-waving", "popova"),
    ("met een verfrommelde Russische vlag voor hun voeten", "flag-waving", "popova"),
    ("Russische bezetters", "name-calling", "izium-resident"),
    ("verbluffende", "loaded-language", "reporter"),
    ("‘trofee’", "scare-quotes", "reporter"),
    ("“operaties’", "scare-quotes", "reporter"),
    ("propagandisten", "name-calling", "reporter"),
    ("‘Poetins feeks’", "name-calling", "reporter"),
    ("In de val", "exaggeration", "reporter"),
    ("Kiev", "naming", "reporter"),
    ("Charkov", "naming", "reporter"),
])
def test_the_spans_the_lesson_relies_on(quote: str, technique_id: str, speaker: str) -> None:
    hits = [s for s in framing.spans() if s.quote == quote]
    assert hits and hits[0].technique == technique_id and hits[0].speaker == speaker


def test_the_caption_is_an_appeal_to_emotion_in_the_reporters_voice() -> None:
    (caption,) = framing.spans(technique="appeal-to-emotion")
    assert caption.paragraph == "p12" and ART.paragraph("p12").role == "caption" and caption.side == "reporter"


def test_taxonomy_covers_the_required_techniques_and_maps_to_semeval() -> None:
    ids = {t.id for t in framing.techniques()}
    assert {"loaded-language", "name-calling", "exaggeration", "minimisation", "euphemism", "doubt",
            "appeal-to-authority", "slogan", "flag-waving", "appeal-to-emotion", "scare-quotes", "naming"} <= ids
    meta = load_corpus().meta("techniques")
    cats = meta["semeval2023_categories"]
    assert len(cats) == 23 and sorted(__import__("collections").Counter(cats.values()).values()) == [3, 3, 3, 4, 5, 5]
    schema = json.loads((SCHEMA_DIR / "techniques.schema.json").read_text(encoding="utf-8"))
    tech = schema["properties"]["technique"]["items"]["properties"]
    assert set(tech["semeval2023"]["allOf"][1]["properties"]["label"]["enum"]) == set(cats)
    assert len(tech["semeval2020"]["allOf"][1]["properties"]["label"]["enum"]) == 14
    assert set(tech["family"]["enum"]) == set(framing.families()) == {t.family for t in framing.techniques()}
    for t in framing.techniques():
        for m in (t.semeval2020, t.semeval2023):
            assert (m.label is None) == (m.fit == "none")
        assert t.semeval2023.category == (cats[t.semeval2023.label] if t.semeval2023.label else None)
    assert framing.technique("flag-waving").semeval2020.label == "Flag-Waving"
    assert framing.technique("euphemism").semeval2023.category == "Manipulative Wording"


def test_taxonomy_table_has_a_row_per_technique() -> None:
    table = framing.taxonomy_table()
    assert table.count("\n| ") == len(framing.techniques())
    assert "`Name_Calling-Labeling`" in table


def test_euphemisms_point_at_softening_spans_with_evidence() -> None:
    eus = framing.euphemisms()
    assert len(eus) >= 5
    for e in eus:
        assert "euphemism" in (e.framing.technique, e.framing.alternative)
        assert e.plain_en and e.plain_nl and e.evidence
        for span, _ in e.evidence:
            assert ART.text[span.start:span.end] == span.text
    assert eus[0].quote == "ter versterking van operaties elders"


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(article_info().folder, data)
    path = data / "framing.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return data


@pytest.mark.parametrize("old, new, message", [
    ('technique = "exaggeration"', 'technique = "exageration"', "'exageration' is not a known id of techniques"),
    ('quote = "In de val"', 'quote = "In de valkuil"', "reporter-trapped"),
    ('speaker = "alaudinov"', 'speaker = "kadyrov"', "'kadyrov' is not a known id of actors"),
    ('speaker = "reporter"', 'speaker = "reporter"\nside = "reporter"', "Additional properties"),
])
def test_a_broken_span_is_an_error_that_names_it(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(AnnotationError, match=re.escape(message)):
        validate(_broken_copy(tmp_path, old, new))


# --- look-ups and bad input ---------------------------------------------------------------------

def test_filters() -> None:
    assert {s.speaker for s in framing.spans(side="ukrainian-state")} == {"popova", "zelensky", "arestovych"}
    assert [s.id for s in framing.spans(paragraph="p08")] == ["reporter-trapped"]
    assert all(s.technique == "minimisation" for s in framing.spans(technique="minimisation", speaker="alaudinov"))
    starts = [s.start for s in framing.spans()]
    assert starts == sorted(starts)


@pytest.mark.parametrize("call, error, text", [
    (lambda: framing.technique("slogans"), UnknownIdError, "did you mean 'slogan'"),
    (lambda: framing.spans(technique="propaganda"), UnknownIdError, "unknown technique id"),
    (lambda: framing.spans(side="russia"), UnknownIdError, "unknown side"),
    (lambda: framing.spans(speaker="putin-tv"), UnknownIdError, "actors id"),
    (lambda: framing.spans(paragraph="p99"), UnknownIdError, "paragraph id"),
    (lambda: framing.tally("technique"), UnknownIdError, "tally key"),
    (lambda: framing.technique(3), CourseTypeError, "tid must be str"),
])
def test_bad_input_gets_a_clear_error(call, error, text) -> None:
    with pytest.raises(error, match=re.escape(text)):
        call()


def test_tally_counts_every_span_once() -> None:
    for by in ("side", "speaker"):
        table = framing.tally(by)
        assert sum(sum(row.values()) for row in table.values()) == len(framing.spans())
    assert framing.tally("speaker")["alaudinov"] == {"minimisation": 3}


# --- words and density --------------------------------------------------------------------------

@pytest.mark.parametrize("text, n", [
    ("zo'n 74 kilometer", 3), ("Zelenski’s media-account", 3), ("‘trofee’", 1), ("lijn Izium-Balakliia", 3),
    (",,De situatie is erg lastig’’", 5), ("", 0), ("— … ©", 0),
])
def test_count_words(text: str, n: int) -> None:
    assert framing.count_words(text) == n


def test_loaded_density_by_hand() -> None:
    assert framing.loaded_density("Een verbluffende en snelle opmars", ["verbluffende"]) == pytest.approx(20.0)
    assert framing.loaded_density("trofee na trofee", ["trofee"]) == pytest.approx(200 / 3)  # every occurrence
    assert framing.loaded_density("de zoveelste pijnlijke vernedering",
                                  ["pijnlijke vernedering", "zoveelste pijnlijke"]) == pytest.approx(75.0)  # once
    assert framing.loaded_density("zo'n 74 kilometer, zei de ‘bezetter’", ["‘bezetter’"]) == pytest.approx(100 / 6)
    assert framing.loaded_density("Een rustige dag", []) == 0.0


@pytest.mark.parametrize("args, error, text", [
    (("Een snelle opmars", ["verbluffend"]), QuoteNotFoundError, "closest sentence"),
    (("Een ‘snelle’ opmars", ["'snelle'"]), QuoteNotFoundError, "other quote marks"),
    (("Een snelle opmars", "snelle"), CourseTypeError, "list of strings"),
    (("  ", ["a"]), CourseValueError, "must not be empty"),
    (("— …", []), CourseValueError, "no words"),
])
def test_loaded_density_bad_input(args, error, text) -> None:
    with pytest.raises(error, match=re.escape(text)):
        framing.loaded_density(*args)


def test_paragraph_density() -> None:
    rows = {d.paragraph: d for d in framing.paragraph_density()}
    assert "p01" not in rows and len(rows) == len(ART.paragraphs) - 1
    assert rows["p08"].words == 3 and rows["p08"].per_100 == 100.0  # "In de val"
    assert rows["p03"].loaded == 0
    # p02: the ministry's words and the reporter's marks around "operaties": that word counts once, for the reporter
    assert rows["p02"].by_side["reporter"] == 2  # "Charkov" and "operaties"
    for d in rows.values():
        assert sum(d.by_side.values()) == d.loaded == len(d.marks)
    assert rows["p07"].words == len(ART.paragraph("p07").text.split())  # no hyphens, dashes or ,, there


def test_paragraph_density_agrees_with_loaded_density() -> None:
    for d in framing.paragraph_density():
        p = ART.paragraph(d.paragraph)
        quotes = [s.quote for s in framing.spans(paragraph=p.id) if framing.technique(s.technique).lexical]
        assert all(p.text.count(q) == 1 for q in quotes)
        assert framing.loaded_density(p.text, quotes) == pytest.approx(d.per_100)


def test_leaving_out_contested_spans_lowers_the_count() -> None:
    every = sum(d.loaded for d in framing.paragraph_density())
    agreed = sum(d.loaded for d in framing.paragraph_density(include_contested=False))
    assert 0 < agreed < every


# --- scoring ------------------------------------------------------------------------------------

TEXT = "De troepen zijn hergroepeerd naar betere posities, aldus het ministerie."


def test_score_quotes() -> None:
    exact = framing.score_quotes(TEXT, ["zijn hergroepeerd naar betere posities"], ["zijn hergroepeerd naar betere posities"])
    assert (exact.precision, exact.recall, exact.f1) == (1.0, 1.0, 1.0)
    part = framing.score_quotes(TEXT, ["hergroepeerd"], ["zijn hergroepeerd naar betere posities"])
    assert part.precision == 1.0 and part.recall == pytest.approx(12 / 38, abs=1e-6)
    assert framing.score_quotes(TEXT, ["het ministerie"], ["hergroepeerd"]).f1 == 0.0
    with pytest.raises(QuoteNotFoundError, match="not in the text"):
        framing.score_quotes(TEXT, ["teruggetrokken"], ["hergroepeerd"])


def test_compare_against_the_course_spans() -> None:
    gold = [s.quote for s in framing.spans(technique="minimisation", paragraph="p18")]
    assert framing.compare(gold, "minimisation", "p18").f1 == 1.0
    one = framing.compare(["Er is niets bijzonders gebeurd"], "minimisation", "p18")
    assert one.precision == 1.0 and 0 < one.recall < 1
    with pytest.raises(QuoteNotFoundError, match="paragraph p18"):
        framing.compare(["Kupiansk is Oekraïne"], "slogan", "p18")


def test_label_credit_and_report() -> None:
    want = ["euphemism", "slogan", "doubt", "naming"]
    assert framing.label_credit(want, want) == 1.0
    assert framing.label_credit(["minimisation", "flag-waving", "scare-quotes", "name-calling"], want) == 0.5
    assert framing.label_credit(["slogan", "doubt", "naming", "euphemism"], want) == 0.0
    assert framing.label_credit(["euphemism", "euphemism", "euphemism", "euphemism"], want) == 0.25
    report = framing.label_report(["euphemism", "flag-waving", "naming", "naming"], want)
    assert report.startswith("2 of 4") and "1 more in the right family" in report
    with pytest.raises(UnknownIdError):
        framing.label_credit(["Loaded_Language"], ["loaded-language"])
    with pytest.raises(CourseValueError, match="label every item once"):
        framing.label_credit(["slogan"], want)
    with pytest.raises(CourseTypeError):
        framing.label_credit("slogan", ["slogan"])


# --- agreement ----------------------------------------------------------------------------------

def test_kappa_textbook_example() -> None:
    # Two reviewers, 50 proposals: 20 both yes, 15 both no, 5 yes/no, 10 no/yes -> p_o 0.7, p_e 0.5, kappa 0.4
    a = ["yes"] * 20 + ["no"] * 15 + ["yes"] * 5 + ["no"] * 10
    b = ["yes"] * 20 + ["no"] * 15 + ["no"] * 5 + ["yes"] * 10
    result = framing.agreement(a, b)
    assert (result.n, result.observed, result.expected) == (50, 0.7, 0.5)
    assert result.kappa == pytest.approx(0.4)
    assert len(result.disagreements) == 15


def test_kappa_edge_cases() -> None:
    assert framing.cohen_kappa(["a", "b"], ["a", "b"]) == 1.0
    assert framing.cohen_kappa(["a", "b"], ["b", "a"]) == -1.0
    with pytest.raises(CourseValueError, match="undefined"):
        framing.cohen_kappa(["a", "a"], ["a", "a"])
    with pytest.raises(CourseValueError, match="same items"):
        framing.cohen_kappa(["a"], ["a", "b"])
    with pytest.raises(CourseValueError, match="at least one"):
        framing.cohen_kappa([], [])
    with pytest.raises(CourseTypeError):
        framing.cohen_kappa("ab", "ab")
    with pytest.raises(UnknownIdError):
        framing.agreement(["a"], ["b"], level="family")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from("abcd")), min_size=2, max_size=30))
def test_kappa_properties(pairs) -> None:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    try:
        k = framing.cohen_kappa(a, b)
    except CourseValueError:
        assert len(set(a)) == len(set(b)) == 1 and a[0] == b[0]
        return
    assert -1.0 - 1e-9 <= k <= 1.0 + 1e-9
    assert k == pytest.approx(framing.cohen_kappa(b, a))
    assert (k == pytest.approx(1.0)) == (a == b)


def test_contested_agreement() -> None:
    found = framing.spans()
    with_alternative = [s for s in found if s.alternative]
    result = framing.contested_agreement()
    assert result.n == len(found)
    assert result.observed == pytest.approx(1 - len(with_alternative) / len(found))
    assert [found[i].id for i, _, _ in result.disagreements] == [s.id for s in with_alternative]
    family = framing.contested_agreement("family")
    assert family.kappa > result.kappa  # some alternatives stay within their family
    assert 0.5 < result.kappa < 1.0


# --- reader, figures, command line ---------------------------------------------------------------

def test_framing_layers_and_reader() -> None:
    from course.widgets_framing import FramingReader, framing_layers

    layers = framing_layers()
    assert {layer.name for layer in layers} == {s.technique for s in framing.spans()}
    assert sum(len(layer.marks) for layer in layers) == len(framing.spans())
    view = FramingReader("naming")
    assert view.reader.current.id == "p02"  # the first naming span: "Charkov"
    assert "<mark class='naming'" in view.html and "Naming as framing" in view.panel_html()
    assert "<mark class='euphemism'" not in view.html
    view.show("p09")
    assert "Kiev" in view.panel_html() and "In this paragraph" in view.panel_html()
    with pytest.raises(UnknownIdError):
        view.select("propaganda")


def test_framing_reader_widget_drives_the_reader() -> None:
    from course.widgets_framing import FramingReader

    view = FramingReader()
    box = view.widget
    picker, panel = box.children[0], box.children[2].children[1]
    assert "Pick a technique" in panel.value
    picker.value = "minimisation"
    assert view.selected == "minimisation" and view.reader.current.id == "p15"
    assert "Minimisation" in panel.value
    next_button = view.reader.widget.children[0].children[1]
    next_button.click()
    assert view.reader.current.id == "p16" and "In this paragraph" not in panel.value


def test_figures() -> None:
    from course.plots.framing import density_map, techniques_by_side

    fig = techniques_by_side()
    ax = fig.axes[0]
    assert ax.get_title() == "Who uses which technique"
    assert sum(p.get_width() for p in ax.patches) == len(framing.spans())
    assert "SemEval" in " ".join(t.get_text() for t in fig.texts)
    fig = density_map()
    ax = fig.axes[0]
    coloured = [p for p in ax.patches if p.get_width() == 1 and p.get_facecolor()[:3] != (0.894, 0.894, 0.894)]
    assert len(coloured) == sum(d.loaded for d in framing.paragraph_density())
    assert "word-level techniques" in " ".join(t.get_text() for t in fig.texts)


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["framing", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(framing.spans())
    for r in rows:
        assert {"id", "quote", "technique", "semeval2020", "semeval2023", "speaker", "side", "rationale"} <= set(r)
        assert ART.text[r["start"]:r["end"]] == r["quote"]
        assert r["semeval2023"] == framing.technique(r["technique"]).semeval2023.label
    assert any(r["semeval2020"] is None for r in rows) and any(r["semeval2020"] for r in rows)


def test_cli_listing_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["framing", "--side", "reporter"]) == 0
    out = capsys.readouterr().out
    assert "“verbluffende”" in out and "ru-mod" not in out
    assert main(["framing", "--technique", "slogans"]) == 2
    assert "did you mean 'slogan'" in capsys.readouterr().err


# --- self-checks of lesson 03: the answers come from the library ------------------------------------

def _letter(qid: str, option: str) -> str:
    return chr(ord("A") + list(question(qid)["options"]).index(option))


def test_selfcheck_answers_come_from_the_library() -> None:
    plain = framing.euphemisms()[0].plain_en
    assert check("03.1", _letter("03.1", plain)).correct
    nothing = next(s for s in framing.spans() if s.quote == "Er is niets bijzonders gebeurd")
    assert check("03.2", _letter("03.2", framing.technique(nothing.technique).name)).correct
    labelled = next(s for s in framing.spans() if s.quote == "propagandisten")
    assert labelled.speaker == "reporter" and check("03.3", _letter("03.3", "the reporter's own")).correct
    body = [d for d in framing.paragraph_density() if d.role == "body"]
    assert check("03.4", max(body, key=lambda d: d.per_100).paragraph).correct
    kappa = framing.contested_agreement("family").kappa
    band = next(o for o in question("03.5")["options"] if _in_band(kappa, o))
    assert check("03.5", _letter("03.5", band)).correct


def _in_band(value: float, option: str) -> bool:
    low, high = (float(x) for x in re.findall(r"-?\d+\.\d+", option))
    return low <= value < high


def test_selfcheck_neutral_rewrite_keeps_facts_and_drops_the_loaded_words() -> None:
    options = question("03.6")["options"]
    right = next(o for o in options if check("03.6", _letter("03.6", o)).correct)
    assert "verbluffend" not in right and "trofee" not in right.lower()
    assert "Izium" in right and "opmars" in right
    for wrong in options:
        if wrong != right:
            assert not check("03.6", _letter("03.6", wrong)).correct


# --- the assignment's partial credit, run in-process (the grading harness runs the real nbgrader) -----

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "assignments" / "source" / "03-framing" / "03-framing.ipynb"


def _value(code: str, ns: dict) -> object:
    """Run a cell; return the value of its last line when that is an expression (as nbgrader sees it)."""
    import ast

    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), ns)
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), ns) if last else None


@pytest.fixture(scope="module")
def assignment() -> tuple[dict, dict]:
    import nbformat

    nb = nbformat.read(SOURCE, as_version=4)
    cells = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells if "nbgrader" in c.metadata}
    ns: dict = {}
    _value(cells["setup"], ns)
    return cells, ns


@pytest.mark.parametrize("cell, answer, points", [
    # 5 exact, 3 in the right family (half credit), 2 wrong: (5 + 1.5) / 10 of 3 points
    ("ex03_1", 'answer_03_1 = ["naming", "exaggeration", "slogan", "slogan", "appeal-to-authority", "naming", '
               '"euphemism", "scare-quotes", "doubt", "appeal-to-emotion"]', 1.95),
    # 3 of 5 matches: 3/5 of 2 points
    ("ex03_3", 'answer_03_3 = ["C", "A", "D", "F", "F"]', 1.2),
    # 5 right, 1 wrong, corrected for guessing: (5 - 1) / 6 of 2 points
    ("ex03_4", 'answer_03_4 = ["quoted", "quoted", "reporter", "reporter", "reporter", "reporter"]', 4 / 3),
])
def test_assignment_partial_credit(assignment, cell: str, answer: str, points: float) -> None:
    cells, ns = assignment
    _value(answer, ns)
    assert _value(cells[f"{cell}_test"], ns) == pytest.approx(points, abs=1e-3)


def test_assignment_span_selection_earns_its_f1(assignment) -> None:
    cells, ns = assignment
    _value('answer_03_2 = ["zijn hergroepeerd naar beter verdedigbare posities", "Volksprovincie Zuidmark"]', ns)
    earned = _value(cells["ex03_2_test"], ns)
    assert 0.5 < earned < 1.5  # partly right: one euphemism shortened, one missed, one wrong span


def test_the_practice_report_is_not_in_the_course_package() -> None:
    package = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "course").rglob("*") if p.suffix in
                        (".py", ".toml", ".json"))
    for word in ("Noordrijk", "Wesland", "Ravensk", "Zuidmark", "hergroepeerd", "knuffelbeer"):
        assert word not in package


def test_the_lessons_summary_of_who_does_what_holds() -> None:
    """Lesson 03 says: the Russian side softens, the Ukrainian side rallies, the reporter amplifies and labels."""
    from collections import Counter

    def families_of(side: str) -> list[str]:
        counts = Counter(framing.technique(s.technique).family for s in framing.spans(side=side))
        return [family for family, _ in counts.most_common()]

    assert families_of("russian-state")[0] == "softening"
    assert families_of("ukrainian-state")[0] == "rallying"
    assert set(families_of("reporter")[:2]) == {"amplifying", "labelling"}


def test_the_points_the_lesson_and_assignment_state_add_up(assignment) -> None:
    import nbformat

    nb = nbformat.read(SOURCE, as_version=4)
    graded = [c.metadata["nbgrader"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    auto = sum(m["points"] for m in graded if not m["solution"])
    by_hand = sum(m["points"] for m in graded if m["solution"])
    assert len([m for m in graded if not m["solution"]]) >= 8 and by_hand > 0
    assert f"**Points:** {auto + by_hand:g} ({auto:g} marked automatically, {by_hand:g} by your instructor)" in nb.cells[0].source
    lesson = nbformat.read(ROOT / "notebooks" / "03-framing.ipynb", as_version=4)
    assert f"({auto + by_hand:g} points, {by_hand:g} graded by hand)" in lesson.cells[-1].source
