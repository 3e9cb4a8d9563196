"""Lesson 02: its self-checks answer from the library, its statements hold, and it states no computed number."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from course import sources
from course.checks import check, question

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "notebooks" / "02-sources.ipynb"
ASSIGNMENT = ROOT / "assignments" / "source" / "02-sources" / "02-sources.ipynb"


def _letter(qid: str, option: str) -> str:
    return chr(ord("A") + question(qid)["options"].index(option))


def test_self_check_answers_come_from_the_library() -> None:
    statement = sources.attribution("p02.mod-statement")
    assert check("02.1", _letter("02.1", statement.cue)).correct
    guardian = sources.attribution("p07.guardian")
    assert guardian.relay and guardian.source == "guardian"
    assert check("02.2", _letter("02.2", "a link in the chain: it passed on a resident's words")).correct
    assert check("02.3", len(sources.chain("p09.front-reports"))).correct
    assert check("02.4", len(sources.by_verification()["contested"])).correct
    distancing = [a.cue for a in sources.attributions() if a.paragraph == "p14" and a.stance == "distancing"]
    assert check("02.5", _letter("02.5", distancing[0])).correct
    top = [v for v in sources.voice_share() if v.side != "reporter"][0]
    names = {"ukrainian-state": "the Ukrainian state", "russian-state": "the Russian state"}
    assert check("02.6", _letter("02.6", names[top.side])).correct
    no_cue = [m for m in sources.score_finder().missed if "no cue of its own" in m.reason]
    assert check("02.7", len(no_cue)).correct


@pytest.mark.parametrize("qid, wrong, words", [
    ("02.1", "C", "source"),
    ("02.3", 3, "not an attribution"),
    ("02.4", 2, "speakers"),
    ("02.7", 2, "photo credits"),
])
def test_self_checks_give_hints_without_the_answer(qid, wrong, words) -> None:
    feedback = check(qid, wrong)
    assert not feedback.correct and words in feedback.message


def test_what_the_lesson_says_in_words_holds() -> None:
    """The lesson's prose makes comparative statements; each is checked here against the library."""
    voices = {v.side: v for v in sources.voice_share()}
    attributed = [v for side, v in voices.items() if side != "reporter"]
    # "the Russian side gets the longest direct quotes, while the Ukrainian side is mostly paraphrased"
    assert max(attributed, key=lambda v: v.quoted).side == "russian-state"
    assert voices["ukrainian-state"].paraphrased > voices["ukrainian-state"].quoted
    # "Much of a war report is other people's words"
    assert voices["reporter"].share < 0.5
    table = sources.by_verification()
    # "Most claims carry no status at all"
    assert len(table["none"]) > len(sources.claims()) / 2
    # "Contested is the only place where two sources disagree, and both are on Russian state television"
    assert {a.platform for a in table["contested"]} == {"russia-1"}
    # "Confirmed is the ministry confirming a withdrawal of its own troops"
    assert [a.source for a in table["confirmed"]] == ["ru-mod"] and "terugtrekking" in table["confirmed"][0].content.text
    # "the Ukrainian army about Popova's post, Reuters about the reports on Izium"
    assert {a.verified_by for a in table["not-confirmed"]} == {"ua-army"}
    assert {a.verified_by for a in table["unverified"]} == {"reuters"}
    # "the reporter confirms the Russian ministry's statement and calls Ukraine's statement a claim"
    stances = {a.source: a.stance for a in sources.attributions() if a.stance in ("endorsing", "distancing")}
    assert stances == {"ru-mod": "endorsing", "arestovych": "distancing", "ua-state": "distancing"}


def _markdown(path: Path) -> str:
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")


def test_the_lesson_types_no_computed_number() -> None:
    text = _markdown(LESSON)
    score = sources.score_finder()
    numbers = {f"{score.precision:.2f}", f"{score.recall:.2f}", f"{score.precision:.3f}", f"{score.recall:.3f}",
               f"{score.precision:.0%}", f"{score.recall:.0%}"}
    numbers |= {f"{v.share:.0%}" for v in sources.voice_share()} | {str(v.words) for v in sources.voice_share()}
    found = {n for n in numbers if re.search(rf"(?<![\w.]){re.escape(n)}(?![\w.])", text)}
    assert not found, f"the lesson's prose states computed numbers {found}; print them from a code cell"
    code = "\n".join(c.source for c in nbformat.read(LESSON, as_version=4).cells if c.cell_type == "code")
    assert "sources.score_finder()" in code and "voice_share()" in code


def test_the_assignment_meets_the_issue() -> None:
    nb = nbformat.read(ASSIGNMENT, as_version=4)
    graded = [c.metadata["nbgrader"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    auto = [m for m in graded if not m["solution"]]
    by_hand = [m for m in graded if m["solution"]]
    assert len(auto) >= 8 and len(by_hand) == 1
    sources_text = "\n".join(c.source for c in nb.cells)
    assert "_check.partial(" in sources_text and "overlap_scores" in sources_text
    assert "which single claim" in _markdown(ASSIGNMENT).lower()
    total = sum(m["points"] for m in graded)
    assert f"**Points:** {total:g} ({sum(m['points'] for m in auto):g} marked automatically, " \
           f"{sum(m['points'] for m in by_hand):g} by your instructor)" in nb.cells[0].source
    lesson = re.sub(r"\s*\n>?\s*", " ", _markdown(LESSON))  # callouts wrap over "> " lines
    assert f"({total:g} points, {sum(m['points'] for m in by_hand):g} graded by hand)" in lesson
