"""Helpers for the instructor tests: a small simulated class, odd submissions, and the course CLI in-process."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from course.cli import main
from course.grading import notebooks as nbs
from course.grading.gradebook import cell_scores
from course.grading.simulate import Simulation, simulate

BROKEN_JSON = "zz-broken-json"
HOSTILE = "zz-kernel-killer"


def make_class(root: Path, students: int, seed: int = 11, db: str | None = None) -> Simulation:
    """A released course folder at *root* with a simulated class (every assignment in the course)."""
    return simulate(root, students, seed=seed, db=db)


def add_odd_submissions(root: Path, assignment: str) -> dict[str, Path]:
    """A submission that is not valid JSON and one that kills its kernel; returns notebook paths by student."""
    source = sorted((root / "source" / assignment).glob("*.ipynb"))[0]
    release = nbs.load(root / "release" / assignment / source.name)
    first = next(iter(nbs.answer_cells(release)))
    broken = root / "submitted" / BROKEN_JSON / assignment / source.name
    broken.parent.mkdir(parents=True)
    broken.write_text('{"cells": [{"cell_type": "code", "source": "answer = 1"', encoding="utf-8")
    hostile = root / "submitted" / HOSTILE / assignment / source.name
    nbs.save(nbs.fill(release, {first: "import os\nos._exit(1)"}), hostile)
    return {BROKEN_JSON: broken, HOSTILE: hostile}


def digest(path: Path) -> tuple[str, int]:
    """(SHA-256, mtime in ns) of a file: to prove it was not touched."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


def course(capsys: Any, *args: str) -> tuple[int, str, str]:
    """Run ``course ARGS`` in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def scores(root: Path, db: str | None = None) -> dict[tuple[str, str, str, str], tuple]:
    """(assignment, student, notebook, cell) -> every field nbgrader keeps for that grade, from the gradebook."""
    url = db or f"sqlite:///{root / 'gradebook.db'}"
    return {(c.assignment, c.student, c.notebook, c.cell): (c.score, c.max_score, c.auto_score, c.manual_score,
                                                            c.needs_manual_grade, c.late_seconds)
            for c in cell_scores(url)}
