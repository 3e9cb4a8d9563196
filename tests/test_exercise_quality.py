"""Exercise quality, item by item, in every assignment.

- A rubric for a written answer has one criterion per line, each with an anchor answer for every
  score, and its lines add up to the answer's points.
- A visible test says what is really wrong: a count, a length or an id is never checked with
  ``between``, whose message ends "Check your units".
- Options written in Dutch carry an English gloss.
"""

from __future__ import annotations

import json
import re

import pytest

from course import syllabus

ALL = syllabus.assignments()


def _cells(a: syllabus.Assignment) -> dict[str, str]:
    nb = json.loads((a.path / f"{a.id}.ipynb").read_text(encoding="utf-8"))
    return {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in nb["cells"] if "nbgrader" in c["metadata"]}


def _manual(a: syllabus.Assignment) -> list[tuple[str, float]]:
    nb = json.loads((a.path / f"{a.id}.ipynb").read_text(encoding="utf-8"))
    return [(c["metadata"]["nbgrader"]["grade_id"], float(c["metadata"]["nbgrader"]["points"])) for c in nb["cells"]
            if c["metadata"].get("nbgrader", {}).get("grade") and c["metadata"]["nbgrader"].get("solution")]


@pytest.mark.parametrize("a", ALL, ids=lambda a: a.id)
def test_rubrics_have_one_criterion_per_line_and_an_anchor_for_every_score(a: syllabus.Assignment) -> None:
    cells = _cells(a)
    for gid, points in _manual(a):
        prompt = cells[f"{gid}_prompt"]
        assert "**Rubric" in prompt, f"{a.id} {gid}: the prompt holds no rubric"
        rubric = prompt.split("**Rubric", 1)[1]
        header = re.search(r"^\| criterion \| (.+) \|$", rubric, re.M)
        assert header, f"{a.id} {gid}: write the rubric as a table: criterion | one column per score"
        scores = [s.strip() for s in header.group(1).split("|")]
        assert len(scores) >= 2 and all(re.match(r"\d+ points?", s) for s in scores), scores
        rows = [r for r in rubric.splitlines() if r.startswith("| ") and not r.startswith(("| criterion", "| ---"))]
        assert rows, f"{a.id} {gid}: the rubric has no criteria"
        top = max(int(s.split()[0]) for s in scores)
        assert top * len(rows) == points, f"{a.id} {gid}: {len(rows)} line(s) of {top} point(s) are not {points:g} points"
        for row in rows:
            fields = [f.strip() for f in row.strip("|").split(" | ")]
            assert len(fields) == len(scores) + 1, f"{a.id} {gid}: every score needs an anchor answer: {row!r}"
            assert all(fields), f"{a.id} {gid}: an empty anchor in {row!r}"
            assert fields[0].count(";") == 0, f"{a.id} {gid}: one criterion per line, not a list: {fields[0]!r}"


@pytest.mark.parametrize("a", ALL, ids=lambda a: a.id)
def test_counts_lengths_and_ids_are_not_checked_with_between(a: syllabus.Assignment) -> None:
    cells = _cells(a)
    for gid, source in cells.items():
        if not gid.endswith("_test"):
            continue
        prompt = cells.get(gid.replace("_test", "_prompt"), "")
        for call in re.findall(r"_check\.between\(([^\n]+)", source):
            assert not call.startswith("len("), f"{a.id} {gid}: a length checked with between: {call}"
            counts = re.search(r"whole number|how many|GeoNames id", prompt, re.I)
            name = call.split(",")[0].strip()
            assert not (counts and name.startswith("answer_")), (
                f"{a.id} {gid}: {name} is a count or an id; 'Check your units' would mislead. Use equal with a hint.")


DUTCH = re.compile(r"\b(het|een|zijn|heeft|werd|zei|de stad|van de|naar)\b")


@pytest.mark.parametrize("a", ALL, ids=lambda a: a.id)
def test_dutch_options_carry_an_english_gloss(a: syllabus.Assignment) -> None:
    for gid, prompt in _cells(a).items():
        if not gid.endswith("_prompt"):
            continue
        options = re.findall(r"^- \*\*[A-F]\.\*\* (.+(?:\n  .+)*)", prompt, re.M)
        for option in options:
            if DUTCH.search(option.split("(")[0]):
                assert GLOSS.search(option), f"{a.id} {gid}: gloss the Dutch option {option[:60]!r}"


GLOSS = re.compile(r"\((?:[\w'’]+\W+){2,}[^)]*\)")  # words in brackets, not a reference such as (p04.s3)


def test_a_reference_is_not_a_gloss() -> None:
    assert not GLOSS.search("*Oekraïne claimde donderdag de stad heroverd te hebben.* (p14.s2)")
    assert GLOSS.search("*Oekraïne claimde donderdag de stad heroverd te hebben.* (p14.s2)\n  (Ukraine claimed it.)")
