"""One time and one points total per module, wherever the course states them (lesson, its instructor note,
the assignment, the instructor guide), and the points match what nbgrader grades."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "course" / "INSTRUCTORS.md").read_text(encoding="utf-8")
MODULES = {"00": ("00-start", "00-warmup"), "01": ("01-distances", "01-distances"),
           "02": ("02-sources", "02-sources"), "03": ("03-framing", "03-framing")}


def _markdown(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def _minutes(pattern: str, text: str, what: str) -> int:
    m = re.search(pattern, text, flags=re.S)
    assert m, f"no {what}"
    return int(m.group(1))


def _guide_row(module: str) -> list[str]:
    row = next(line for line in GUIDE.splitlines() if line.startswith(f"| {module} "))
    return [cell.strip() for cell in row.strip("|").split("|")]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_lesson_states_one_time(module: str) -> None:
    lesson, assignment = MODULES[module]
    text = _markdown(ROOT / "notebooks" / f"{lesson}.ipynb")
    stated = _minutes(r"\*\*Time:\*\* about (\d+) minutes", text, "**Time:** in the lesson")
    note = _minutes(r"(?i)For instructors\.\*\*[^\n]*?(?:about |takes |Plan )(\d+) minutes", text, "time in the instructor note")
    row = _guide_row(module)
    assert stated == note == _minutes(r"(\d+) min", row[1], "lesson time in INSTRUCTORS.md"), (module, stated, note, row)
    work = _markdown(ROOT / "assignments" / "source" / assignment / f"{assignment}.ipynb")
    assert _minutes(r"\*\*Time:\*\* about (\d+) minutes", work, "assignment time") == _minutes(r"(\d+) min", row[2], "assignment time in INSTRUCTORS.md")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_the_points_stated_are_the_points_graded(module: str) -> None:
    lesson, assignment = MODULES[module]
    nb = json.loads((ROOT / "assignments" / "source" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    graded = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    total = sum(c["metadata"]["nbgrader"]["points"] for c in graded)
    by_hand = sum(c["metadata"]["nbgrader"]["points"] for c in graded if c["cell_type"] == "markdown")
    intro = "".join(nb["cells"][0]["source"])
    m = re.search(r"\*\*Points:\*\* (\d+) \((\d+) marked automatically, (\d+) by your instructor\)", intro)
    assert m and (int(m.group(1)), int(m.group(2)), int(m.group(3))) == (total, total - by_hand, by_hand), (module, m and m.groups(), total, by_hand)
    note = _markdown(ROOT / "notebooks" / f"{lesson}.ipynb")
    assert re.search(rf"`{assignment}` \({total} points", note), f"lesson {lesson} states another points total for {assignment}"
