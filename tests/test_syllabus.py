"""One source of truth for the course's structure: tracks, reading shares, times and points.

- Every lesson and assignment has an entry in ``course/data/syllabus/schedule.toml``, and nothing else does.
- Every assignment notebook and every autograded test cell declares its track in its metadata, and the
  metadata cannot lie: a test cell that asks for a function is "coding", every other one "reading".
- In every reading-track assignment at least 70 % of the autograded points are reading items.
- The times and points that lessons, assignments and the instructor guide state agree with the schedule
  and with the notebooks' nbgrader points.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from course import syllabus
from course.syllabus import ROOT, TRACKS, assignments, lessons, points_line, stated_minutes

READING_SHARE = 0.70
GUIDE = ROOT / "course" / "INSTRUCTORS.md"
ALL = assignments()
READING = [a for a in ALL if a.track == "reading"]


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _book(a: syllabus.Assignment) -> Path:
    return a.path / f"{a.id}.ipynb"


def test_every_lesson_and_assignment_is_scheduled_once() -> None:
    on_disk = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    scheduled = [x.id for x in lessons()]
    assert sorted(scheduled) == on_disk, "notebooks/ and the schedule's [[lesson]] entries must list the same lessons"
    assert len(set(scheduled)) == len(scheduled)
    unscheduled = [a.id for a in ALL if a.minutes is None]
    assert not unscheduled, f"add {unscheduled} to course/data/syllabus/schedule.toml (module, track, minutes)"
    ids = [r["id"] for r in syllabus._schedule()["assignment"]]
    assert sorted(ids) == sorted(a.id for a in ALL), "the schedule lists an assignment that is not in assignments/source"
    assert {x.module for x in lessons()} | {a.module for a in ALL} <= set(syllabus.modules())


@pytest.mark.parametrize("a", ALL, ids=lambda a: a.id)
def test_every_assignment_declares_its_track(a: syllabus.Assignment) -> None:
    entry = next(r for r in syllabus._schedule()["assignment"] if r["id"] == a.id)
    assert a.track in TRACKS, f"{a.id}: set metadata.course.track to one of {TRACKS} in the notebook"
    assert a.track == entry["track"], f"{a.id}: the notebook says {a.track!r}, the schedule {entry['track']!r}"
    assert a.id.endswith("-code") == (a.track == "coding"), "coding assignments are named NN-<name>-code"


@pytest.mark.parametrize("a", ALL, ids=lambda a: a.id)
def test_item_tracks_cannot_lie(a: syllabus.Assignment) -> None:
    """A test cell that asks for a function the student writes is coding; every other test cell is reading."""
    cells = {c["metadata"]["nbgrader"]["grade_id"]: c for c in _nb(_book(a))["cells"] if "nbgrader" in c["metadata"]}
    assert a.items, f"{a.id} has no autograded items"
    for item in a.items:
        source = "".join(cells[item.grade_id]["source"])
        asks_for_code = "_check.function(" in source
        assert item.track in TRACKS, f"{a.id} {item.grade_id}: set metadata.course.track on the test cell"
        assert (item.track == "coding") == asks_for_code, (
            f"{a.id} {item.grade_id} is tagged {item.track!r} but {'asks' if asks_for_code else 'does not ask'} "
            "for a function the student writes")
    if a.track == "coding":
        assert all(i.track == "coding" for i in a.items), f"{a.id}: a coding assignment holds only coding items"


@pytest.mark.parametrize("a", READING, ids=lambda a: a.id)
def test_reading_assignments_reward_reasoning_on_the_text(a: syllabus.Assignment) -> None:
    share = a.reading_share
    print(f"{a.id}: {a.reading_points:g} of {a.auto_points:g} autograded points are reading items ({share:.0%})")
    assert share >= READING_SHARE, f"{a.id}: only {share:.0%} of the autograded points are reading items"


def test_the_reading_share_is_computed_from_the_metadata(tmp_path: Path) -> None:
    """Retagging one item moves the share: the figure comes from the notebook, not from a constant."""
    import shutil

    src = tmp_path / "source" / "00-warmup"
    shutil.copytree(ROOT / "assignments" / "source" / "00-warmup", src)
    book = src / "00-warmup.ipynb"
    nb = _nb(book)
    test = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "ex00_2_test")
    test["metadata"]["course"]["track"] = "coding"
    book.write_text(json.dumps(nb), encoding="utf-8")
    before, after = syllabus.assignment("00-warmup"), syllabus.assignment("00-warmup", root=tmp_path)
    assert after.reading_points == before.reading_points - 2 and after.auto_points == before.auto_points
    assert after.reading_share < before.reading_share


@pytest.mark.parametrize("a", ALL, ids=lambda a: a.id)
def test_assignments_state_their_points_and_time(a: syllabus.Assignment) -> None:
    intro = "".join(_nb(_book(a))["cells"][0]["source"])
    assert points_line(a) in intro, f"{a.id}: the introduction should say {points_line(a)!r}"
    assert stated_minutes(intro) == a.minutes, (
        f"{a.id}: the introduction says {stated_minutes(intro)} minutes, the schedule {a.minutes}")


def _callouts(cells: list[dict]) -> str:
    """The text of a lesson's "For instructors" callouts."""
    out = []
    for cell in cells:
        text = "".join(cell["source"])
        for block in re.findall(r"(?m)((?:^>.*\n?)+)", text):
            if "**For instructors.**" in block:
                out.append(re.sub(r"(?m)^> ?", "", block))
    return "\n".join(out)


@pytest.mark.parametrize("lesson", lessons(), ids=lambda x: x.id)
def test_lessons_state_the_scheduled_time_and_points(lesson: syllabus.Lesson) -> None:
    cells = _nb(lesson.path)["cells"]
    first = "".join(cells[0]["source"])
    assert stated_minutes(first) == lesson.minutes, (
        f"{lesson.id}: the opening says {stated_minutes(first)} minutes, the schedule {lesson.minutes}")
    note = _callouts(cells)
    total = re.search(r"(\d+) minutes", note)
    if total:
        assert int(total.group(1)) == lesson.minutes, f"{lesson.id}: the instructor note plans {total.group(0)}"
    by_id = {a.id: a for a in ALL}
    for aid, points, by_hand in re.findall(r"`(\d\d-[a-z-]+)`\s+\((\d+)\s+points?,\s+(\d+)\s+graded\s+by\s+hand\)", note):
        a = by_id[aid]
        assert (float(points), float(by_hand)) == (a.points, a.manual_points), (
            f"{lesson.id} says `{aid}` has {points} points, {by_hand} by hand; the notebook has "
            f"{a.points:g}, {a.manual_points:g}")
    every = "\n".join("".join(c["source"]) for c in cells)
    assert not re.search(r"\(\d+ points?, (one|two|three) ", every), f"{lesson.id}: write points as numbers"


def test_the_instructor_guide_timing_table_is_generated_from_the_schedule() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    begin, end = "<!-- BEGIN GENERATED: timing table", "<!-- END GENERATED: timing table -->"
    assert begin in text and end in text, "INSTRUCTORS.md needs the generated timing table"
    block = text.split(begin, 1)[1].split("-->", 1)[1].split(end, 1)[0].strip()
    assert block == syllabus.timing_table(), "run: .venv/bin/python tools/instructor_pages.py"


def test_the_instructor_guide_types_no_time_or_points_outside_the_table() -> None:
    """Outside the generated table, the guide gives no minutes or points per lesson or assignment."""
    text = GUIDE.read_text(encoding="utf-8")
    outside = re.sub(r"(?s)<!-- BEGIN GENERATED: timing table.*?<!-- END GENERATED: timing table -->", "", text)
    for line in outside.splitlines():
        assert not re.search(r"\b\d+ points\b", line), f"points typed by hand in INSTRUCTORS.md: {line!r}"
        assert not re.search(r"\d+ min\b|\d+ minutes", line) or "workshop" in line or "lunch" in line, (
            f"a time typed by hand in INSTRUCTORS.md: {line!r}")


def test_stated_minutes_reads_the_time_line() -> None:
    assert stated_minutes("**Time:** about 30 minutes.") == 30
    assert stated_minutes("Time: half an hour") is None
