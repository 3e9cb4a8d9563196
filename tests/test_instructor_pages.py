"""The instructor pages are generated from the course's data and are current.

tools/instructor_pages.py writes the self-check answer key, the page of common misconceptions, lesson
02's paragraph handout and the instructor guide's timing table. Each page must equal what the tool
makes now from the self-check records, tests/cases, the article and the schedule.
"""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("instructor_pages", ROOT / "tools" / "instructor_pages.py")
pages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pages)


@pytest.mark.parametrize("path", list(pages.pages()), ids=lambda p: p.name)
def test_every_page_is_current(path: Path) -> None:
    assert path.is_file(), f"{path} is missing: run .venv/bin/python tools/instructor_pages.py"
    assert path.read_text(encoding="utf-8") == pages.pages()[path], (
        f"{path.relative_to(ROOT)} is out of date: run .venv/bin/python tools/instructor_pages.py")


def test_the_key_holds_every_lesson_self_check_with_its_answer() -> None:
    key = pages.selfcheck_key()
    for file in sorted((ROOT / "course" / "data" / "selfchecks").glob("*.toml")):
        for record in tomllib.loads(file.read_text(encoding="utf-8"))["check"]:
            assert f"| {record['id']} |" in key, f"{record['id']} is missing from the answer key"
    assert "(missing)" not in key, "a self-check has no answer_text or explanation"


def test_misconceptions_come_from_every_case_and_hint_without_code() -> None:
    text = pages.misconceptions()
    for file in sorted((ROOT / "tests" / "cases").glob("*.toml")):
        for case in tomllib.loads(file.read_text(encoding="utf-8"))["wrong"]:
            assert pages._cell(case["why"]) in text, f"{file.name}: {case['why']!r} is missing"
            first_line = case["code"].strip().splitlines()[0]
            assert first_line not in text or len(first_line) < 12, "the page must not print a wrong answer's code"
    assert "partial credit" in text and "shortcut" in text


def test_the_handout_is_paragraph_p02_with_its_gloss() -> None:
    from course.article import load_article

    text = pages.handout()
    p02 = load_article().paragraph("p02")
    assert all(s.text in text for s in p02.sentences) and "TASS" in text and "underline" in text
    lesson = (ROOT / "notebooks" / "02-sources.ipynb").read_text(encoding="utf-8")
    assert "hand out paragraph p02" in lesson


def test_check_mode_reports_a_stale_page(tmp_path: Path, monkeypatch, capsys) -> None:
    stale = tmp_path / "misconceptions.md"
    stale.write_text("old", encoding="utf-8")
    monkeypatch.setattr(pages, "pages", lambda: {stale: "new"})
    assert pages.main(["--check"]) == 1 and stale.read_text(encoding="utf-8") == "old"
    assert "misconceptions.md" in capsys.readouterr().out
