"""Helpers for the instructor tests: a small simulated class, odd submissions, and the course CLI in-process."""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any, Iterator

from course.cli import main
from course.grading import notebooks as nbs
from course.grading.gradebook import cell_scores
from course.grading.simulate import Simulation, simulate

BROKEN_JSON = "zz-broken-json"
HOSTILE = "zz-kernel-killer"


# One assignment of each track: the workflow is the same for all, and each assignment costs grading time.
CLASS_ASSIGNMENTS = ("00-warmup", "00-warmup-code")


def make_class(root: Path, students: int, seed: int = 11, db: str | None = None,
               assignments: tuple[str, ...] = CLASS_ASSIGNMENTS) -> Simulation:
    """A released course folder at *root* with a simulated class that submitted *assignments*."""
    return simulate(root, students, seed=seed, db=db, assignments=list(assignments))


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


def postgres_bin() -> Path | None:
    """The newest Debian PostgreSQL bin folder (with initdb and pg_ctl), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
                   if p.parts[-3].isdigit() else 0)
    return found[-1].parent if found else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL server on 127.0.0.1 (a free port); yields the URL of an empty database.

    PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` system user
    in a folder it owns. The server is stopped and its folder removed afterwards.
    """
    import shutil
    import subprocess
    import tempfile

    bin_dir = postgres_bin()
    assert bin_dir is not None
    base = Path(tempfile.mkdtemp(prefix="course-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", free_port()

    def run(*args: str) -> None:
        done = subprocess.run(as_user + list(args), capture_output=True, text=True, timeout=120, cwd=base)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    started = False
    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "grader", "-E", "UTF8", "--no-sync")
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w", "-t", "60", "-o",
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        started = True
        run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "grader", "gradebook")
        yield f"postgresql://grader@127.0.0.1:{port}/gradebook"
    finally:
        if started:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)
