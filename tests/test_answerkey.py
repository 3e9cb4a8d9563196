"""Capstone part 2's answer key: hidden from the course's tools inside a notebook (course.answerkey), read
as usual elsewhere; and the functions that map a learner's quotes to the key (course.capstone)."""

from __future__ import annotations

import pytest

import course.answerkey as answerkey
from course import capstone, facts, framing, sources, symmetry
from course.answerkey import AnswerKeyHidden
from course.article import load_article
from course.corpus import load_corpus

P = "kherson-2022-11"
READERS = {
    "facts": lambda: facts.facts(P),
    "fact": lambda: facts.fact("snihurivka-direction", P),
    "attributions": lambda: sources.attributions(P),
    "chain": lambda: sources.chain("p12.zaluzhnyi-41", P),
    "spans": lambda: framing.spans(article=P),
    "symmetry": lambda: symmetry.uses(P),
    "voices": lambda: capstone.voices(P),
    "triage": lambda: capstone.triage(P),
    "origins": lambda: capstone.origins(P),
    "records": lambda: load_corpus(P).records("claims"),
    "get": lambda: load_corpus(P).get("attributions", "p04.interfax"),
}


@pytest.fixture
def notebook(monkeypatch):
    """Pretend this process is a learner's notebook kernel."""
    monkeypatch.delenv(answerkey.ENV, raising=False)
    monkeypatch.setattr(answerkey, "in_notebook", lambda: True)


@pytest.mark.parametrize("name", sorted(READERS))
def test_every_reader_refuses_the_key_in_a_notebook_even_when_cached(name: str, monkeypatch) -> None:
    READERS[name]()  # outside a notebook: read, and cached
    monkeypatch.delenv(answerkey.ENV, raising=False)
    monkeypatch.setattr(answerkey, "in_notebook", lambda: True)
    with pytest.raises(AnswerKeyHidden, match=f"article '{P}' is capstone part 2's transfer text: its .* annotations "
                                              "are the answer key"):
        READERS[name]()


def test_what_a_learner_needs_stays_open_in_a_notebook(notebook) -> None:
    assert load_article(P).text.startswith(" date 2022-11")
    assert load_corpus(P).has("claims") and load_corpus(P).records("places")
    assert [u["figure"] for u in capstone.upstream(P)][:2] == ["zo'n 1400 vierkante kilometer", "meer dan 30.000 militairen"]
    assert all(set(u) == {"figure", "source_said", "records"} for u in capstone.upstream(P))  # no verdict, no note
    assert facts.facts()[0]["id"]  # the seed is not a transfer text: its key is open
    from course.check import finder_accuracy
    assert any(r["article"] == P for r in finder_accuracy()["articles"])  # pooled counts, read under lifted()
    with pytest.raises(AnswerKeyHidden):  # ... and lifted() ends with the block
        sources.attributions(P)


def test_the_key_opens_for_instructors_and_outside_notebooks(monkeypatch) -> None:
    monkeypatch.setattr(answerkey, "in_notebook", lambda: True)
    monkeypatch.setenv(answerkey.ENV, "1")
    assert facts.facts(P)
    monkeypatch.setenv(answerkey.ENV, "yes")  # only "1" opens it
    with pytest.raises(AnswerKeyHidden):
        facts.facts(P)
    monkeypatch.setattr(answerkey, "in_notebook", lambda: False)
    assert facts.facts(P)
    with answerkey.lifted():
        monkeypatch.setattr(answerkey, "in_notebook", lambda: True)
        assert facts.facts(P)


def test_in_notebook_is_false_in_a_plain_process() -> None:
    assert answerkey.in_notebook() is False


# --- mapping a learner's quotes to the key ------------------------------------------------------------

@pytest.mark.parametrize("quote, kinds, want", [
    ("zo'n 50 kilometer", ("distance",), "snihurivka-distance"),
    ("zo'n 50 kilometer", ("direction",), None),  # the distance's words do not cover the direction word
    ("50 kilometer ten noordwesten van Cherson", ("direction",), "snihurivka-direction"),
    ("70 kilometer ten noordwesten van Cherson", ("direction",), "mykolaiv-direction"),
    ("ten noordwesten van Cherson", ("direction",), None),  # occurs twice: ambiguous
    ("zo'n 60 kilometer", ("distance",), None),  # not in the text
    ("41 plaatsen", ("count", "area"), "count-settlements"),
    ("de 30.000 militairen", ("count", "area"), "count-withdrawn-again"),
    ("30.000", ("count",), None),  # twice in the text
    (42, ("count",), None),
    ("", ("count",), None),
])
def test_find_claim(quote, kinds, want) -> None:
    assert capstone.find_claim(quote, kinds, P) == want


def test_find_attributions_and_statements() -> None:
    assert capstone.find_attributions("werden op één dag 41 plaatsen", P) == ["p12.zelensky-41", "p12.zaluzhnyi-41"]
    assert capstone.find_attributions("viel niet na te gaan", P, evidence_only=True) == [
        "p04.mod-figures", "p04.interfax", "p04.mod-statement"]
    assert capstone.find_attributions("Oekraïense troepen zijn vrijdag", P) == []
    groups = capstone.verification_groups(P)
    assert [status for status, _ in groups.values()] == ["unverified", "unverified", "not-confirmed"]
    text = load_article(P).text
    for words in ("viel niet na te gaan", "bevestigen noch ontkennen", "ging daar niet op in"):
        span = capstone.statement_at(words, P)
        assert span in groups and words in text[span[0]:span[1]]
    assert capstone.statement_at("een historische dag", P) is None
    assert capstone.statement_at("niet", P) is None  # many times in the text


@pytest.mark.parametrize("name, want", [
    ("zaluzhnyi", "zaluzhnyi"), ("Zaloezjny", "zaluzhnyi"), ("ZALOEZJNY", "zaluzhnyi"), ("Reznikov", "reznikov"),
    ("het ministerie", "ru-mod"), ("Interfax", "interfax"), ("Putin", None), ("", None), (None, None), (3, None),
])
def test_who(name, want) -> None:
    assert capstone.who(name, P) == want


@pytest.mark.parametrize("low, high, ok", [
    (45.0, 55.0, True),    # the hedge rule itself
    (47.5, 52.5, True),    # exactly half as wide on each side
    (47.6, 52.5, False),   # just under half on the low side
    (40.0, 60.0, True),    # exactly twice as wide
    (39.9, 60.0, False),   # just past twice on the low side
    (45.0, 60.1, False),   # just past twice on the high side
    (51.0, 60.0, False),   # does not hold the stated 50
    (45, 55, True),        # whole numbers
    (True, 55.0, False), (float("nan"), 55.0, False), (45.0, float("inf"), False), ("45", 55.0, False),
])
def test_defensible_edges(low, high, ok) -> None:
    assert capstone.defensible("snihurivka-distance", low, high, P) is ok


def test_own_verdict_follows_the_range() -> None:
    straight = facts.fact("mykolaiv-distance", P)["computed"]  # 60.6 km
    assert capstone.own_verdict("mykolaiv-distance", 63.0, 77.0, P) == "plausible-as-road"
    assert capstone.own_verdict("mykolaiv-distance", straight, 80.0, P) == "holds"  # the edge counts
    assert capstone.own_verdict("mykolaiv-distance", straight + 0.01, 80.0, P) == "plausible-as-road"
    assert capstone.own_verdict("snihurivka-distance", 20.0, 30.0, P) == "does-not-hold"
    with pytest.raises(capstone.CourseValueError, match="must name a distance claim"):
        capstone.own_verdict("snihurivka-direction", 1.0, 2.0, P)


def test_changes_and_unique_quotes() -> None:
    assert capstone.changes(P) == {"count-withdrawn-again": ["hedge"], "count-settlements": ["time-frame"]}
    assert capstone.changes() == {}  # the seed's figures reach the text unchanged
    text = load_article(P).text
    f = facts.fact("snihurivka-direction", P)
    quote = capstone.unique_quote(*f["span"], article=P)
    assert quote == "50 kilometer ten noordwesten van Cherson" and text.count(quote) == 1
    assert capstone.format_answer({"a": [1.0, 2]}) == '{\n    "a": [1.0, 2],\n}' and capstone.format_answer({}) == "{}"


def test_part2_triage_answer_names_one_claim_of_each_way() -> None:
    first = capstone.part2_answers(P)["answer_05_9"]
    assert sorted(first) == ["data", "none", "record"]
    for way, words in first.items():
        assert capstone.checkability(capstone.find_claim(words, capstone.CLAIM_KINDS, P), P) == way
    assert capstone.readiness(P) == []
