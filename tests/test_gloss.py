"""The English gloss is faithful: every slip of the original is marked, and one Dutch word gets one English word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course.corpus import load_corpus
from course.references import citation_problems

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "seeds" / "README.md").read_text(encoding="utf-8")
CORPUS = load_corpus()
ART = CORPUS.article
GLOSS = {r["id"]: r["en"] for r in CORPUS.records("gloss")}


def _slips() -> list[tuple[str, str]]:
    """(exact text, paragraph) of every row of the slips table in seeds/README.md."""
    rows = re.findall(r"^\s*\| `([^`]+)` \| (p\d\d)\b", README, flags=re.M)
    assert len(rows) >= 6, "the slips table of seeds/README.md is missing or unreadable"
    return rows


@pytest.mark.parametrize("slip, paragraph", _slips())
def test_every_slip_listed_in_the_seed_readme_is_in_the_text_and_marked_in_the_gloss(slip: str, paragraph: str) -> None:
    hits = [h for h in ART.find_all(slip) if ART.paragraph_at(h.start).id == paragraph]
    assert hits, f"{slip!r} does not occur in {paragraph}"
    slips_here = [s for s, p in _slips() if p == paragraph]
    assert GLOSS[paragraph].count("[sic") >= len(slips_here), f"the gloss of {paragraph} marks fewer slips than it has"


def test_the_readme_cites_known_sources() -> None:
    assert citation_problems(README) == []
    assert "Kopiansk" in README and "92ste bataljon" in README and "afgevaardigde" in README


@pytest.mark.parametrize("paragraph, dutch, english", [
    ("p02", "de troepenmacht van de lijn", "the force of the Izium–Balakliia line"),
    ("p05", "Belangrijkste trofee", "Main trophy"),
    ("p06", "de belangrijkste ‘trofee’", "the main ‘trophy’"),
    ("p10", "volgens hem", "according to him"),
    ("p14", "Een Russische afgevaardigde", "A Russian representative"),
    ("p04", "Eer aan de strijdkrachten", "Honour to the armed forces"),
    ("p16", "‘Poetins feeks’", "‘Putin's shrew’"),
    ("p15", "‘tegenstrijdige’", "‘contradictory’"),
    ("p17", "Tegenstrijdige berichten", "Contradictory reports"),
    ("p09", "aanval op Kiev", "attack on Kiev"),
    ("p11", "schat dat Kiev", "estimates that Kiev"),
])
def test_the_gloss_renders_each_phrase_faithfully(paragraph: str, dutch: str, english: str) -> None:
    assert dutch in ART.paragraph(paragraph).text
    assert english in GLOSS[paragraph]


def test_one_dutch_word_one_english_word_across_the_course() -> None:
    glossary = {r["id"]: r["en"] for r in CORPUS.records("glossary")}
    assert glossary["feeks"] == "shrew"
    assert glossary["afgevaardigde"].startswith("representative")
    everything = " ".join(GLOSS.values()) + " ".join(
        str(r) for kind in ("framing", "glossary", "drift") for r in CORPUS.records(kind))  # drift: module 04's glosses
    for wrong in ("harpy", "Glory to the armed forces", "The biggest trophy", "in his words", "A Russian deputy",
                  "Conflicting reports", "from the Izium"):
        assert wrong.casefold() not in everything.casefold(), wrong
    assert "Honour to the armed forces" in " ".join(r["rationale"] for r in CORPUS.records("framing"))
