"""The course's structure: modules, lessons, assignments, their tracks, times and points.

Times come from one file, ``course/data/syllabus/schedule.toml``; points and tracks come from the assignment
notebooks themselves (nbgrader's ``points`` and the course's ``metadata.course.track``, on the
notebook and on every autograded test cell). Lessons, assignments and the instructor guide state
times that must agree with the schedule (``tests/test_syllabus.py`` checks it), and the reading
share of every main assignment is computed here from the metadata.

Public API
----------
- ``Lesson``, ``Item``, ``Assignment``: one lesson; one autograded test cell; one assignment.
- ``modules()``: module id -> title. ``lessons()``: every lesson. ``lesson(lid)``: one of them.
- ``assignments(root=None)``: every assignment in ``<root>/source`` (default: the course's), with points.
- ``assignment(aid, root=None)``: one of them. ``track_of(aid, root=None)``: "reading" or "coding".
- ``stated_minutes(text)``: the minutes a ``**Time:** about N minutes`` line states (None if none).
- ``points_line(a)``: the ``**Points:**`` line an assignment's introduction must carry.
- ``timing_table()``: the instructor guide's timing table (markdown), from the schedule and the notebooks.

>>> from course.syllabus import assignment
>>> assignment("01-distances").track
'reading'
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from course.errors import CourseValueError, check_path, check_text, check_type, lookup

__all__ = ["Assignment", "Item", "Lesson", "ROOT", "SCHEDULE_PATH", "TRACKS", "assignment", "assignments", "lesson",
           "lessons", "modules", "points_line", "stated_minutes", "timing_table", "track_of"]

ROOT = Path(__file__).resolve().parent.parent
SCHEDULE_PATH = Path(__file__).resolve().parent / "data" / "syllabus" / "schedule.toml"
TRACKS = ("reading", "coding")
_TIME = re.compile(r"\*\*Time:\*\*\s*about\s+(\d+)\s+minutes")


@dataclass(frozen=True)
class Lesson:
    """One lesson notebook and the time the schedule gives it (minutes in class)."""

    id: str
    module: str
    track: str
    minutes: int

    @property
    def path(self) -> Path:
        return ROOT / "notebooks" / f"{self.id}.ipynb"


@dataclass(frozen=True)
class Item:
    """One autograded test cell: its grade id, points and track ("reading" or "coding")."""

    grade_id: str
    points: float
    track: str | None


@dataclass(frozen=True)
class Assignment:
    """One assignment: schedule entry, the track its notebook declares, and its points."""

    id: str
    module: str | None
    track: str | None
    minutes: int | None
    path: Path
    items: tuple[Item, ...] = field(default_factory=tuple)
    manual_points: float = 0.0

    @property
    def auto_points(self) -> float:
        return sum(i.points for i in self.items)

    @property
    def points(self) -> float:
        return self.auto_points + self.manual_points

    @property
    def reading_points(self) -> float:
        return sum(i.points for i in self.items if i.track == "reading")

    @property
    def reading_share(self) -> float:
        """The share of the autograded points that reward reasoning on the text (0 to 1)."""
        return self.reading_points / self.auto_points if self.auto_points else 0.0


@lru_cache(maxsize=1)
def _schedule() -> dict[str, Any]:
    return tomllib.loads(SCHEDULE_PATH.read_text(encoding="utf-8"))


def modules() -> dict[str, str]:
    """Module id -> its short title, in course order."""
    return {m["id"]: m["title"] for m in _schedule()["module"]}


def lessons() -> list[Lesson]:
    """Every lesson in the schedule, in course order."""
    return [Lesson(r["id"], r["module"], r["track"], int(r["minutes"])) for r in _schedule()["lesson"]]


def lesson(lid: str) -> Lesson:
    """The lesson *lid* (for example ``"01-distances"``)."""
    check_text(lid, "lid")
    return lookup({x.id: x for x in lessons()}, lid, "lesson", name="lid")


def _points(cell: dict[str, Any]) -> float:
    return float(cell["metadata"]["nbgrader"].get("points", 0) or 0)


def _read(path: Path, entry: dict[str, Any] | None) -> Assignment:
    books = sorted(path.glob("*.ipynb"))
    items: list[Item] = []
    manual = 0.0
    track = None
    for book in books:
        nb = json.loads(book.read_text(encoding="utf-8"))
        track = track or nb.get("metadata", {}).get("course", {}).get("track")
        for cell in nb["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if not meta.get("grade"):
                continue
            if meta.get("solution"):
                manual += _points(cell)
            else:
                items.append(Item(meta["grade_id"], _points(cell), cell["metadata"].get("course", {}).get("track")))
    entry = entry or {}
    minutes = entry.get("minutes")
    return Assignment(path.name, entry.get("module"), track, int(minutes) if minutes is not None else None, path,
                      tuple(items), manual)


def assignments(root: Path | str | None = None) -> list[Assignment]:
    """Every assignment in ``<root>/source`` (default: the course's ``assignments/``), scheduled ones first."""
    root = ROOT / "assignments" if root is None else check_path(root, "root")
    source = Path(root) / "source"
    if not source.is_dir():
        raise CourseValueError(f"root should be an nbgrader course folder with a source/ folder; got {root}")
    entries = {r["id"]: r for r in _schedule()["assignment"]}
    found = sorted(p for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))
    order = {aid: i for i, aid in enumerate(entries)}
    found.sort(key=lambda p: (order.get(p.name, len(order)), p.name))
    return [_read(p, entries.get(p.name)) for p in found]


def assignment(aid: str, root: Path | str | None = None) -> Assignment:
    """The assignment *aid* (for example ``"01-distances-code"``)."""
    check_text(aid, "aid")
    return lookup({a.id: a for a in assignments(root)}, aid, "assignment", name="aid")


def track_of(aid: str, root: Path | str | None = None) -> str:
    """The track of assignment *aid*: its notebook's declaration, else its schedule entry, else "reading"."""
    check_text(aid, "aid")
    try:
        found = assignment(aid, root)
    except CourseValueError:
        found = None
    if found is not None and found.track:
        return found.track
    entry = {r["id"]: r for r in _schedule()["assignment"]}.get(aid)
    return entry["track"] if entry else "reading"


def stated_minutes(text: str) -> int | None:
    """The minutes stated by a ``**Time:** about N minutes`` line in *text*, or None."""
    check_text(text, "text")
    m = _TIME.search(text)
    return int(m.group(1)) if m else None


def _num(x: float) -> str:
    return f"{x:g}"


def points_line(a: Assignment) -> str:
    """The ``**Points:**`` line for assignment *a*, computed from its notebook."""
    check_type(a, Assignment, "a")
    parts = [f"{_num(a.auto_points)} marked automatically"]
    if a.manual_points:
        parts.append(f"{_num(a.manual_points)} by your instructor")
    return f"**Points:** {_num(a.points)} ({', '.join(parts)})"


def timing_table() -> str:
    """The instructor guide's timing table: one row per module, times from the schedule, points from the notebooks."""
    by_module: dict[str, list[Assignment]] = {}
    for a in assignments():
        if a.module:
            by_module.setdefault(a.module, []).append(a)
    rows = ["| module | lesson (in class) | reading assignment (everyone) | coding assignment (optional) |",
            "| --- | --- | --- | --- |"]
    for mid, title in modules().items():
        taught = [x for x in lessons() if x.module == mid]
        lesson_cell = "; ".join(f"`{x.id}` {x.minutes} min" + (" (coding track)" if x.track == "coding" else "")
                                for x in taught)
        cells = []
        for track in TRACKS:
            done = [a for a in by_module.get(mid, []) if (a.track or track_of(a.id)) == track]
            cells.append("; ".join(
                f"`{a.id}` {a.minutes} min, {_num(a.points)} points"
                + (f" ({_num(a.manual_points)} by hand)" if a.manual_points else "") for a in done) or "-")
        rows.append(f"| {mid} {title} | {lesson_cell} | {cells[0]} | {cells[1]} |")
    return "\n".join(rows)
