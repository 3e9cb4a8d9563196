"""What the lessons' source must hold for the page to be accessible: headings in order, figures with text."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from course.plots import INPUT_FIGURES, LESSON_FIGURES

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _headings(nb) -> list[tuple[int, int, str]]:
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        fenced = False
        for line in cell.source.splitlines():
            if line.startswith("```"):
                fenced = not fenced
            m = re.match(r"^(#{1,6})\s+(.*)", line)
            if m and not fenced:
                found.append((i, len(m.group(1)), m.group(2)))
    return found


def test_heading_check_sees_a_skip() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title\n\n### Objectives")])
    levels = [level for _, level, _ in _headings(nb)]
    assert levels == [1, 3] and any(b > a + 1 for a, b in zip(levels, levels[1:]))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_headings_never_skip_a_level(path: Path) -> None:
    """WCAG 1.3.1: a screen-reader user navigates by headings; h1 then h3 hides the structure."""
    heads = _headings(nbformat.read(path, as_version=4))
    assert heads and heads[0][1] == 1 and sum(1 for _, level, _ in heads if level == 1) == 1
    for (_, a, _), (cell, b, text) in zip(heads, heads[1:]):
        assert b <= a + 1, f"{path.name} cell {cell}: '{text}' is h{b} right after an h{a}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lessons_draw_figures_only_with_alt_text(path: Path) -> None:
    """A lesson draws figures through course.plots (which attaches alt text), never with pyplot directly."""
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert not re.search(r"\b(plt|pyplot)\.", code), f"{path.name} draws with pyplot directly: no alt text"
    imported = set(re.findall(r"from course\.plots\.\w+ import ([\w, ]+)", code))
    names = {n.strip() for group in imported for n in group.split(",")}
    known = set(LESSON_FIGURES) | set(INPUT_FIGURES)
    assert names <= known, f"{path.name} uses figures without alt text: {names - known}"
