"""Module 02 (who says so): the attribution corpus covers the article, and course.sources answers from it."""

from __future__ import annotations

import json
import re

import pytest

from course.article import load_article
from course.corpus import load_corpus
from course.errors import CourseTypeError, CourseValueError, QuoteNotFoundError, UnknownIdError
from course import sources

ART = load_article()
TEXT_ROLES = ("body", "caption")


def _text_paragraphs():
    return [p for p in ART.paragraphs if p.role in TEXT_ROLES]


# ---------------------------------------------------------------------------------------------
# Coverage: every cue word, quote mark, colon-before-quote and credit is accounted for


def _unaccounted(atts, unattributed) -> list[str]:
    """Cue words, quotations, colons before quotes and © credits that no annotation accounts for."""
    cues = [c for a in atts for c in a.cues]
    contents = [a.content for a in atts]
    excused = [u["span"] for u in unattributed.values()]
    problems = []
    for p in _text_paragraphs():
        for cue, s, e in sources.cue_occurrences(p.text):
            if cue.kind == "punctuation":
                continue
            at = (p.start + s, p.start + e)
            if not any(c.start <= at[0] and at[1] <= c.end for c in cues + excused):
                problems.append(f"cue word {p.text[s:e]!r} in {ART.sentence_at(at[0]).id}")
        for m in re.finditer(r":(?=\s*(?:,,|[‘“'\"]))", p.text):
            if not any(c.start <= p.start + m.start() < c.end for c in cues):
                problems.append(f"colon before a quote in {ART.sentence_at(p.start + m.start()).id}")
        for m in re.finditer("©", p.text):
            if not any(c.start == p.start + m.start() for a in atts if a.form == "credit" for c in a.cues):
                problems.append(f"photo credit in {p.id}")
    for q in ART.quotations:
        if not any(c.contains(q.inner) for c in contents):
            problems.append(f"quotation {q.id} ({q.text[:30]!r})")
    return problems


def test_every_cue_word_quotation_colon_and_credit_is_accounted_for() -> None:
    problems = _unaccounted(sources.attributions(), load_corpus().meta("attributions")["unattributed"])
    assert not problems, "no annotation accounts for: " + "; ".join(problems)


@pytest.mark.parametrize("drop, expected", [
    ("p02.mod-statement", "cue word 'aldus' in p02.s3"),
    ("p10.ganchev", "cue word 'volgens' in p10.s2"),
    ("p19.skabeyeva-summary", "colon before a quote in p19.s1"),
    ("p20.credit", "photo credit in p20"),
    ("p16.nickname", "quotation q13"),
    ("p06.trofee", "quotation q05"),
])
def test_the_coverage_check_fails_when_an_annotation_is_missing(drop: str, expected: str) -> None:
    atts = [a for a in sources.attributions() if a.id != drop]
    problems = _unaccounted(atts, load_corpus().meta("attributions")["unattributed"])
    assert any(p.startswith(expected) for p in problems), problems


def test_the_quotations_are_the_only_quote_marks() -> None:
    """Every quote mark in the text (apostrophes inside words aside) belongs to a quotation the course knows."""
    outer = [q.outer for q in ART.quotations]
    assert len(outer) == 19
    for p in _text_paragraphs():
        for m in re.finditer(r",,|’’|[‘’“”„«»'\"]", p.text):
            pos = p.start + m.start()
            word_inside = m.group() in "'’" and p.text[m.start() - 1:m.start()].isalpha() and \
                p.text[m.end():m.end() + 1].isalpha()
            if not word_inside:
                assert any(o.start <= pos < o.end for o in outer), f"a stray {m.group()!r} in {ART.sentence_at(pos).id}"


def test_unattributed_words_are_lexicon_words_outside_every_cue() -> None:
    forms = {f.casefold() for c in sources.cue_lexicon() for f in c.forms}
    for key, anchor in load_corpus().meta("attributions")["unattributed"].items():
        assert anchor["span"].text.casefold() in forms, key
        assert anchor.get("note"), f"say why {key!r} is not an attribution"
        assert not any(c.overlaps(anchor["span"]) for a in sources.attributions() for c in a.cues)


# ---------------------------------------------------------------------------------------------
# The annotations hang together


def test_sides_and_types_come_from_the_actor_records() -> None:
    corpus = load_corpus()
    for a in sources.attributions():
        actor = corpus.get("actors", a.source)
        assert (a.side, a.source_type, a.source_name) == (actor["side"], actor["type"], actor["name"])
        if a.platform:
            assert corpus.get("actors", a.platform)["kind"] in ("platform", "media")


def test_chains_stay_in_their_paragraph_and_relays_hold_what_they_pass_on() -> None:
    atts = sources.attributions()
    for a in atts:
        hops = sources.chain(a.id)
        assert hops[0] is a and all(h.paragraph == a.paragraph for h in hops), a.id
        if a.via:
            via = sources.attribution(a.via)
            if via.relay:
                assert via.content.contains(a.content), f"{a.via} should contain the content of {a.id}"
    relays = {a.id for a in atts if a.relay}
    assert relays == {a.via for a in atts if a.via and sources.attribution(a.via).relay}
    assert relays, "the article has relays (TASS, The Guardian, ISW citing footage)"


def test_every_part_is_exact_text_and_statuses_name_their_evidence() -> None:
    for a in sources.attributions():
        for span in (*a.cues, a.content, *(s for s in (a.source_text, a.evidence) if s)):
            assert ART.text[span.start:span.end] == span.text
        assert a.content.text.strip() and a.content.text not in {c.text for c in a.cues}
        assert (a.status == "none") == (a.evidence is None) == (a.verified_by is None), a.id
        assert a.form in sources.FORMS and a.status in sources.STATUSES


def test_the_article_has_every_hidden_form_the_course_teaches() -> None:
    cues = {a.cue for a in sources.attributions()}
    assert {"aldus", "volgens", "©", "luidde", "genoemd", ",,", "‘"} <= {c for cue in cues for c in cue.split(" … ")}
    assert any(a.cue.endswith(":") for a in sources.attributions())
    forms = {a.form for a in sources.attributions()}
    assert set(sources.FORMS) <= forms


# ---------------------------------------------------------------------------------------------
# Queries


def test_who_said_takes_an_id_or_a_name() -> None:
    isw = sources.who_said("isw")
    assert [a.id for a in isw] == [a.id for a in sources.who_said("Institute for the Study of War")]
    assert len(isw) == 4 and all(a.paragraph == "p11" for a in isw)
    assert sources.who_said("kremlin") == []  # named, but never quoted


@pytest.mark.parametrize("bad, error, words", [
    ("arestovich", UnknownIdError, "did you mean 'arestovych'"),
    ("Poetin", UnknownIdError, "unknown source"),
    ("   ", CourseValueError, "must not be empty"),
    (7, CourseTypeError, "must be str"),
])
def test_an_unknown_source_gets_a_clear_error(bad, error, words) -> None:
    with pytest.raises(error, match=re.escape(words)):
        sources.who_said(bad)


def test_source_of_a_quote_is_innermost_first() -> None:
    hits = sources.source_of("honderden Russen zijn gesneuveld")
    assert [a.source for a in hits] == ["front-reports", "arestovych"]
    assert [a.id for a in sources.source_of("Balakliia", occurrence=2)] == ["p02.mod-statement", "p02.tass"]
    assert sources.source_of("Oekraïne heroverde de afgelopen dagen") == []  # the reporter's own words


def test_a_span_that_is_not_in_the_text_gets_a_clear_error() -> None:
    with pytest.raises(QuoteNotFoundError, match="not in the article"):
        sources.source_of("honderden Russen sneuvelden")
    with pytest.raises(QuoteNotFoundError, match="other quote marks"):
        sources.source_of("'geen idee'")
    with pytest.raises(UnknownIdError, match="did you mean 'p02.tass'"):
        sources.attribution("p02.tas")


def test_chains_name_each_link_from_the_origin_outward() -> None:
    assert [a.source for a in sources.chain("p02.mod-statement")] == ["ru-mod", "tass"]
    assert [a.source for a in sources.chain("p07.resident-occupiers")] == ["izium-resident", "guardian"]
    assert [a.source for a in sources.chain("p11.footage")] == ["social-media", "isw"]
    assert [a.source for a in sources.chain("p04.popova-caption")] == ["popova", "popova"]
    assert sources.links()["p09.front-reports"] == ("front-reports", "p09.arestovych-front")


def test_claims_count_each_content_once_and_leave_out_relays_credits_and_scare_quotes() -> None:
    claims = sources.claims()
    ids = {a.id for a in claims}
    assert not ids & {"p02.tass", "p07.guardian", "p11.isw-footage", "p12.credit", "p20.credit", "p06.trofee"}
    assert len({(a.content.start, a.content.end) for a in claims}) == len(claims)
    assert ("p09.arestovych-front" in ids) != ("p09.front-reports" in ids)  # same words, one claim


def test_by_verification_follows_the_text() -> None:
    table = sources.by_verification()
    assert list(table) == list(sources.STATUSES)
    assert sum(len(v) for v in table.values()) == len(sources.claims())
    assert [a.id for a in table["confirmed"]] == ["p02.mod-balakliia"]
    assert {a.source for a in table["not-confirmed"]} == {"popova"}
    assert {a.verified_by for a in table["unverified"]} == {"reuters"}
    assert {a.source for a in table["contested"]} == {"alaudinov", "khodaryonok"}
    assert [a.cue for a in table["claimed"]] == ["claimde"]
    everything = sources.by_verification(claims_only=False)
    assert sum(len(v) for v in everything.values()) == len(sources.attributions())
    with pytest.raises(CourseTypeError):
        sources.by_verification("yes")


def test_citations_link_sources_to_the_next_link_or_the_article() -> None:
    edges = {(c.origin, c.to): c for c in sources.citations()}
    assert len(edges["ru-mod", "tass"].attributions) == 4
    assert edges["zelensky", "skabeyeva"].platforms == ("social-media",)
    assert edges["youtube", "reporter"].credits == 1
    assert ("popova", "popova") not in edges and ("reporter", "reporter") not in edges
    reached = {c.origin for c in edges.values()}
    assert reached == {a.source for a in sources.attributions() if a.form != "scare-quote"}


# ---------------------------------------------------------------------------------------------
# Voice share


def test_every_counted_word_has_exactly_one_voice() -> None:
    voices = sources.voice_share()
    counted = sum(len(re.findall(r"\w+(?:['’]\w+)*", ART.text[p.start:p.end])) for p in ART.paragraphs
                  if p.role in ("body", "subheading"))
    counted += sum(len(re.findall(r"\w+(?:['’]\w+)*", p.parts["caption"].text)) for p in ART.by_role("caption"))
    assert sum(v.words for v in voices) == counted
    assert abs(sum(v.share for v in voices) - 1) < 1e-4
    assert "platform" not in {v.side for v in voices}
    assert voices == sorted(voices, key=lambda v: -v.words)


def test_a_word_belongs_to_the_innermost_voice() -> None:
    def side_at(quote: str, context: str | None = None) -> str:
        at = ART.find(context or quote).start + (context.index(quote) if context else 0)
        speaker = sources.speaker_at(at)
        return speaker.source if speaker else "reporter"

    assert side_at("troepen had bevolen") == "ru-mod"  # inside TASS's report
    assert side_at("TASS") == "reporter"  # the source's own name
    assert side_at("het ministerie van Defensie") == "tass"  # TASS's words: "the ministry said"
    assert side_at("honderden Russen") == "front-reports"
    assert side_at("heroverde de afgelopen dagen") == "reporter"
    assert side_at("schijnbare Russische") == "isw"  # footage speaks through ISW, not the platform
    assert side_at("Een vrouw met een baby") == "reporter"  # a credit gives the photo, not the words


# ---------------------------------------------------------------------------------------------
# The cue lexicon


def test_the_lexicon_gives_stance_and_gloss() -> None:
    assert sources.stance_of("claimde") == "distancing"
    assert sources.stance_of("Bevestigde") == "endorsing"
    assert sources.stance_of("naar  eigen zeggen") == "distancing"
    assert sources.stance_of("zei") == "neutral"
    with pytest.raises(UnknownIdError, match="did you mean 'zei'"):
        sources.stance_of("zie")
    forms = [f.casefold() for c in sources.cue_lexicon() for f in c.forms]
    assert len(forms) == len(set(forms)), "a form belongs to one cue only"
    assert all(c.en and c.stance in ("neutral", "distancing", "endorsing") for c in sources.cue_lexicon())


def test_cue_occurrences_prefer_the_longest_form() -> None:
    found = [(c.id, t) for c, s, e in sources.cue_occurrences("Ze sprak van ‘nieuws’ en sprak daarna.")
             for t in ["Ze sprak van ‘nieuws’ en sprak daarna."[s:e]]]
    assert found == [("spreken", "sprak van"), ("spreken", "sprak")]
    assert sources.cue_occurrences("zeiden de soldaten, maar de zeis lag er") == \
        [(sources.cue_lexicon()[0], 0, 6)]


# ---------------------------------------------------------------------------------------------
# The finder


@pytest.mark.parametrize("sentence, rule, source, cue, content", [
    ("De minister zei dat de troepen zich hadden teruggetrokken.", "cue-verb", "De minister", "zei",
     "de troepen zich hadden teruggetrokken"),
    ("‘We trekken ons terug’, zei de generaal.", "cue-verb", "de generaal", "zei", "We trekken ons terug"),
    ("Volgens de gouverneur zijn er tien doden gevallen.", "volgens", "de gouverneur", "Volgens",
     "zijn er tien doden gevallen"),
    ("Er vielen volgens hem tien doden.", "volgens", "hem", "volgens", "tien doden"),
    ("Hij eindigde met: ,,We gaan door.’’", "colon", "Hij eindigde met", ":", "We gaan door."),
    ("De woordvoerder sprak van ‘een tijdelijke terugtrekking’.", "cue-verb", "De woordvoerder", "sprak van",
     "‘een tijdelijke terugtrekking’"),
])
def test_the_finder_on_single_sentences(sentence, rule, source, cue, content) -> None:
    (found,) = sources.find_attributions(sentence)
    assert (found.rule, found.source_text, found.cue_text, found.content_text) == (rule, source, cue, content)
    assert sentence[found.content[0]:found.content[1]] == content


def test_the_finder_splits_sentences_and_stops_content_at_the_next_cue() -> None:
    text = "Het was koud in Charkov. Het leger claimde de stad te hebben heroverd, maar volgens Oekraïne is dat onwaar."
    found = sources.find_attributions(text)
    assert [f.cue_text for f in found] == ["claimde", "volgens"]
    assert found[0].content_text == "de stad te hebben heroverd"
    assert text[found[1].cue[0]:found[1].cue[1]] == "volgens"
    assert sources.find_attributions("Het was koud in Charkov.") == []


def test_extra_rules_are_located_and_deduplicated() -> None:
    def aldus(sentence: str):
        return [("de verklaring", "aldus", "Er is een operatie uitgevoerd")] if "aldus de verklaring" in sentence else []

    text = "‘Er is een operatie uitgevoerd’, aldus de verklaring. Hij zei dat het klopte."
    found = sources.find_attributions(text, rules=[aldus])
    assert [(f.rule, f.cue_text) for f in found] == [("aldus", "aldus"), ("cue-verb", "zei")]
    twice = sources.find_attributions(text, rules=[aldus, aldus])
    assert len(twice) == 2
    assert [f.rule for f in sources.find_attributions(text, rules=[aldus], base=False)] == ["aldus"]


@pytest.mark.parametrize("rule, error, words", [
    (lambda s: None, CourseTypeError, "returned None"),
    (lambda s: "zei", CourseTypeError, "must return a list"),
    (lambda s: [("a", "b")], CourseTypeError, "three strings"),
    (lambda s: [("", "zei", "niet in de zin")], CourseValueError, "not in the sentence"),
    (lambda s: [("", "", "Hij")], CourseValueError, "cue ''"),
])
def test_a_broken_rule_gets_a_clear_error(rule, error, words) -> None:
    with pytest.raises(error, match=re.escape(words)):
        sources.find_attributions("Hij zei dat het klopte.", rules=[rule])
    with pytest.raises(CourseTypeError, match="list of functions"):
        sources.find_attributions("Hij zei het.", rules="zei")


def test_the_finder_is_scored_against_the_gold() -> None:
    score = sources.score_finder()
    gold = sources.attributions()
    assert len(score.matched) + len(score.missed) == len(gold)
    assert score.recall == pytest.approx(len(score.matched) / len(gold), abs=1e-6)
    real = [f for f in score.found if f not in score.spurious]
    assert score.precision == pytest.approx(len(real) / len(score.found), abs=1e-6)
    assert 0.5 < score.recall < 1 and 0.5 < score.precision <= 1 and 0 < score.content_f1 <= 1
    assert [f.cue_text for f in score.spurious] == ["vroeg"]
    reasons = {m.attribution.id: m.reason for m in score.missed}
    assert "credit" in reasons["p12.credit"] and "no cue of its own" in reasons["p18.alaudinov-quote"]
    assert "does not use it" in reasons["p02.mod-statement"]
    assert sum(t for _, t in score.by_form.values()) == len(gold)
    for f in score.found:
        assert ART.text[f.cue[0]:f.cue[1]] == f.cue_text


def test_a_new_rule_raises_recall_by_what_it_finds() -> None:
    def aldus(sentence: str):
        m = re.search(r"‘(.+)’, (aldus) (.+)\.$", sentence)
        return [(m.group(3), m.group(2), m.group(1))] if m else []

    before, after = sources.score_finder(), sources.score_finder(rules=[aldus])
    assert after.recall == pytest.approx(before.recall + 1 / len(sources.attributions()), abs=1e-6)
    assert after.precision > before.precision
    assert "p02.mod-statement" in after.matched
    nothing = sources.score_finder(base=False)
    assert (nothing.precision, nothing.recall, nothing.found) == (0.0, 0.0, ())


# ---------------------------------------------------------------------------------------------
# Command line, reader layers, figures


def test_cli_json_has_the_fields_the_issue_names(capsys) -> None:
    from course.cli import main

    assert main(["sources", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(sources.attributions())
    for row in rows:
        assert {"id", "source", "source_type", "side", "cue", "content", "via", "platform", "verification"} <= set(row)
        assert ART.text[row["content_start"]:row["content_end"]] == row["content"]
        assert row["source"] is None or row["source"] in ART.text
    assert main(["sources", "--json", "--source", "Reuters", "--status", "none"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["p10.reuters-unverified", "p12.credit"]


def test_cli_prints_the_finder_scores_the_library_computes(capsys) -> None:
    from course.cli import main

    score = sources.score_finder()
    assert main(["sources", "--finder"]) == 0
    out = capsys.readouterr().out
    assert f"precision {score.precision:.3f}" in out and f"recall {score.recall:.3f}" in out
    assert "p12.credit" in out


@pytest.mark.parametrize("args, words", [
    (["sources", "--source", "Reuter"], "did you mean 'reuters'"),
    (["sources", "--status", "verified"], "unknown verification status"),
])
def test_cli_bad_input_is_one_clear_line(capsys, args, words) -> None:
    from course.cli import main

    assert main(args) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_reader_layers_highlight_cues_and_contents() -> None:
    from course.widgets import Reader

    layers = sources.attribution_layers()
    assert [layer.name for layer in layers] == ["cues", "contents"]
    reader = Reader(layers=layers).show("p02").toggle("cues").toggle("contents")
    assert reader.html.count("<mark") >= 5


def test_the_figures_draw_with_okabe_ito_colours() -> None:
    import matplotlib.colors as mcolors

    from course.plots.sources import SIDE_COLOURS, citation_graph, graph_layout, verification_chart, voice_share_chart
    from course.widgets import OKABE_ITO

    layout = graph_layout()
    assert len(set(layout.values())) == len(layout), "two boxes in one place"
    assert layout["ru-mod"][1] == layout["tass"][1] and layout["ru-mod"][0] < layout["tass"][0]
    assert {c.origin for c in sources.citations()} <= set(layout)
    allowed = {mcolors.to_hex(c).lower() for pair in OKABE_ITO.values() for c in pair}
    fig = citation_graph()
    edges = {mcolors.to_hex(p.get_edgecolor()).lower() for p in fig.axes[0].patches}
    assert edges - {"#333333"} <= allowed
    names = {t.get_text().replace("\n", " ") for t in fig.axes[0].texts}
    assert {"TASS", "Russian Ministry of Defence", "Olga Skabeyeva"} <= names
    assert set(SIDE_COLOURS.values()) <= set(OKABE_ITO)
    for fig in (voice_share_chart(), verification_chart()):
        assert fig.axes and any("Data:" in t.get_text() for t in fig.texts)


def test_the_module_examples_run() -> None:
    import doctest

    import course.plots.sources

    for module in (sources, course.plots.sources):
        result = doctest.testmod(module)
        assert result.attempted and not result.failed, module.__name__
