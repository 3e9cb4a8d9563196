"""``course release``, ``course feedback`` and ``course export``: nbgrader's own steps, with counts and clear errors.

Each function runs the nbgrader step through ``nbgrader.apps.NbGraderAPI`` (the API behind
formgrader), configured by the course's ``nbgrader_config.py``, and turns a failure into a
``GradingError`` that quotes nbgrader's reason. ``course grade`` lives in ``course.grading.parallel``.

Public API
----------
- ``release(root, url, assignment, exchange=False)``: generate the student version (and publish it).
- ``collect(root, url, assignment)``: collect submissions from the exchange; returns how many.
- ``feedback(root, url, assignment, exchange=False)``: HTML feedback for every graded submission.
- ``export(root, url, path, cells=False)``: grades to CSV (nbgrader's CSV, or one row per graded cell), with
  each assignment's track ("reading" or "coding") in a ``track`` column.
- ``with_work(args, root, names, folder)``: without assignment names, those that have work in *folder*
  (an optional coding-track assignment nobody took is skipped with a note).
- ``cmd_release``, ``cmd_feedback``, ``cmd_export`` with their ``add_arguments_*``.

>>> from course.grading.workflow import ReleaseSummary
>>> str(ReleaseSummary("00-warmup", 1, 5, 7.0, 1, 2.0))
'00-warmup: 1 notebook(s), 5 autograded test cell(s) worth 7 points, 1 answer(s) graded by hand worth 2 points'
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from course.errors import check_items, check_path, check_text, check_type
from course.grading.gradebook import (CellScore, GradingError, _check_url, cell_scores, check_gradebook, nbgrader_ok,
                                      open_api, redact, submissions)
from course.grading.options import add_common_arguments, resolve

__all__ = ["ReleaseSummary", "add_arguments_export", "add_arguments_feedback", "add_arguments_release", "cmd_export",
           "cmd_feedback", "cmd_release", "collect", "export", "feedback", "release", "with_work"]


@dataclass(frozen=True)
class ReleaseSummary:
    """What a released assignment holds."""

    assignment: str
    notebooks: int
    auto_cells: int
    auto_points: float
    manual_cells: int
    manual_points: float

    def __str__(self) -> str:
        return (f"{self.assignment}: {self.notebooks} notebook(s), {self.auto_cells} autograded test cell(s) worth "
                f"{self.auto_points:g} points, {self.manual_cells} answer(s) graded by hand worth "
                f"{self.manual_points:g} points")


def _summary(root: Path, assignment: str) -> ReleaseSummary:
    from course.grading import notebooks as nbs

    books = sorted((Path(root) / "source" / assignment).glob("*.ipynb"))
    auto = manual = 0
    auto_points = manual_points = 0.0
    for path in books:
        nb = nbs.load(path)
        tests = nbs.test_cells(nb)
        auto, auto_points = auto + len(tests), auto_points + sum(tests.values())
        for cell in nbs.answer_cells(nb).values():
            meta = cell.metadata["nbgrader"]
            if meta.get("grade"):
                manual, manual_points = manual + 1, manual_points + float(meta.get("points", 0))
    return ReleaseSummary(assignment, len(books), auto, auto_points, manual, manual_points)


def _step_arguments(root: Path, url: str, assignment: str, exchange: bool = False) -> Path:
    """Check the arguments every nbgrader step takes; returns *root* as a Path."""
    folder = check_path(root, "root")
    _check_url(url)
    check_text(assignment, "assignment")
    check_type(exchange, bool, "exchange")
    return folder


def release(root: Path, url: str, assignment: str, exchange: bool = False) -> ReleaseSummary:
    """Generate the student version of *assignment* in release/ (and copy it to the exchange)."""
    _step_arguments(root, url, assignment, exchange)
    if not (Path(root) / "source" / assignment).is_dir():
        from course.grading.gradebook import known_assignment

        known_assignment(root, None, assignment)
    check_gradebook(url, create=True)
    api = open_api(root, url)
    nbgrader_ok(api.generate_assignment(assignment, force=True, create=True),
                f"nbgrader generate_assignment {assignment}")
    if exchange:
        nbgrader_ok(api.release_assignment(assignment), f"nbgrader release_assignment {assignment}")
    return _summary(root, assignment)


def collect(root: Path, url: str, assignment: str) -> int:
    """Collect the submissions of *assignment* from the exchange into submitted/; returns how many there are."""
    _step_arguments(root, url, assignment)
    api = open_api(root, url)
    nbgrader_ok(api.collect(assignment), f"nbgrader collect {assignment}")
    return len(submissions(root, assignment))


def _waiting(scores: list[CellScore]) -> int:
    return len({(s.student, s.assignment) for s in scores if s.needs_manual_grade})


def feedback(root: Path, url: str, assignment: str, exchange: bool = False) -> tuple[int, int]:
    """Write HTML feedback for every autograded submission of *assignment*: (feedback files, waiting for a grader)."""
    _step_arguments(root, url, assignment, exchange)
    check_gradebook(url)
    graded = sorted(p for p in (Path(root) / "autograded").glob(f"*/{assignment}") if p.is_dir())
    if not graded:
        raise GradingError(f"no graded submissions of {assignment!r} in {Path(root) / 'autograded'}: "
                           f"run `course grade {assignment}` first")
    api = open_api(root, url)
    nbgrader_ok(api.generate_feedback(assignment), f"nbgrader generate_feedback {assignment}")
    if exchange:
        nbgrader_ok(api.release_feedback(assignment), f"nbgrader release_feedback {assignment}")
    files = len(list((Path(root) / "feedback").glob(f"*/{assignment}/*.html")))
    return files, _waiting(cell_scores(url, [assignment]))


def export(root: Path, url: str, path: Path, cells: bool = False) -> tuple[int, int]:
    """Write grades to CSV at *path*: nbgrader's table, or one row per graded cell, each with the assignment's
    track. Returns (rows, students)."""
    check_path(root, "root")
    _check_url(url)
    path = check_path(path, "path")
    check_type(cells, bool, "cells")
    check_gradebook(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    if cells:
        scores = cell_scores(url)
        rows = [asdict(s) for s in scores]
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(CellScore.__dataclass_fields__))
            writer.writeheader()
            writer.writerows(rows)
        _add_track(path, rows, root, "assignment")
        return len(scores), len({s.student for s in scores})
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    with Gradebook(url) as gb:
        CsvExportPlugin(to=str(path)).export(gb)
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    _add_track(path, rows, root, "assignment")
    return len(rows), len({r["student_id"] for r in rows})


def _add_track(path: Path, rows: list[dict[str, Any]], root: Path, key: str) -> None:
    """Rewrite the CSV at *path* with a ``track`` column ("reading" or "coding") after the assignment."""
    from course.syllabus import track_of

    if not rows:
        return
    tracks = {name: track_of(name, root) for name in {r[key] for r in rows}}
    fields = list(rows[0])
    fields.insert(fields.index(key) + 1, "track")
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows({**r, "track": tracks[r[key]]} for r in rows)


# --- commands -------------------------------------------------------------------------------------------------

def add_arguments_release(parser: argparse.ArgumentParser) -> None:
    add_common_arguments(parser)
    parser.add_argument("--exchange", action="store_true",
                        help="also publish it to the nbgrader exchange (students fetch it from there)")


def cmd_release(args: argparse.Namespace) -> int:
    """Generate the student version of every assignment, or of those named."""
    root, url, names = resolve(args)
    for name in names:
        print(f"released {release(root, url, name, args.exchange)}")
    where = " and the exchange" if args.exchange else ""
    print(f"{len(names)} assignment(s) in {root / 'release'}{where}; gradebook {redact(url)}")
    return 0


def add_arguments_feedback(parser: argparse.ArgumentParser) -> None:
    add_common_arguments(parser)
    parser.add_argument("--exchange", action="store_true", help="also release the feedback to the nbgrader exchange")


def with_work(args: argparse.Namespace, root: Path, names: list[str], folder: str) -> list[str]:
    """The assignments to work on: those named, or else those with at least one submission in *folder*.

    An optional coding-track assignment that no student took is skipped with a note, rather than stopping
    the command for the whole class. With nothing to work on at all, every name is kept (the command then
    says what is missing).
    """
    check_type(args, argparse.Namespace, "args")
    root = check_path(root, "root")
    names = check_items(names, str, "names", what="assignment names")
    check_text(folder, "folder")
    if getattr(args, "assignments", None):
        return names
    kept = [n for n in names if any(p.is_dir() for p in (Path(root) / folder).glob(f"*/{n}"))]
    skipped = [n for n in names if n not in kept]
    if kept and skipped:
        print(f"note: nobody has work in {folder}/ for {', '.join(skipped)} (an optional assignment?): skipped")
    return kept or names


def cmd_feedback(args: argparse.Namespace) -> int:
    """Generate HTML feedback for every graded submission."""
    root, url, names = resolve(args)
    names = with_work(args, root, names, "autograded")
    for name in names:
        files, waiting = feedback(root, url, name, args.exchange)
        print(f"feedback for {name}: {files} HTML file(s) in {root / 'feedback'}"
              + (", released to the exchange" if args.exchange else ""))
        if waiting:
            print(f"  note: {waiting} submission(s) have answers still waiting for a grader in formgrader; "
                  f"run `course feedback {name}` again after grading them")
    return 0


def add_arguments_export(parser: argparse.ArgumentParser) -> None:
    add_common_arguments(parser, assignments=False)
    parser.add_argument("--to", help="the CSV file to write (default: grades.csv in the course folder)")
    parser.add_argument("--cells", action="store_true", help="one row per graded cell instead of per assignment")


def cmd_export(args: argparse.Namespace) -> int:
    """Write the gradebook's grades to a CSV file."""
    root, url, _ = resolve(args)
    target = Path(args.to) if args.to else root / "grades.csv"
    rows, students = export(root, url, target, args.cells)
    if not rows:
        raise GradingError(f"the gradebook {redact(url)} holds no grades yet: run `course grade` first")
    print(f"wrote {rows} row(s) for {students} student(s) to {target}")
    return 0
