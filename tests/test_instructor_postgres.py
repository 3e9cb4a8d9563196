"""The whole grading cycle against a real PostgreSQL gradebook (a throw-away server on 127.0.0.1).

Release, simulate a class, grade it in parallel (two workers writing to PostgreSQL at once), rerun,
feedback, export and report, all with ``--db postgresql://...`` (and once through
``COURSE_DB_URL``). Without PostgreSQL the test is skipped with a message; under CI=true it fails.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from course.grading.parallel import grade

from classroom import CLASS_ASSIGNMENTS, course, make_class, postgres_bin, postgres_server, scores

pytestmark = [pytest.mark.grading, pytest.mark.slow]

STUDENTS = 4


@pytest.fixture(scope="module")
def pg_url() -> str:
    if postgres_bin() is None:
        message = ("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb); `make test` installs it with "
                   "tools/system-deps.sh where it may (root + apt-get)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with postgres_server() as url:
        yield url


def test_full_grading_cycle_on_postgresql(pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_DB_URL", raising=False)
    root = tmp_path / "course"
    sim = make_class(root, STUDENTS, seed=5, db=pg_url)
    assert not (root / "gradebook.db").exists(), "the release must go to PostgreSQL, not SQLite"
    assignments = list(CLASS_ASSIGNMENTS)  # the simulated ones; the others stay unsubmitted and are skipped

    code, out, err = course(capsys, "grade", "--root", str(root), "--db", pg_url, "-j", "2", "--no-progress")
    assert code == 0, out + err
    total = STUDENTS * len(assignments)
    assert f"graded {total} submission(s)" in out and "gradebook postgresql+psycopg://grader@127.0.0.1" in out
    assert not (root / "gradebook.db").exists()
    graded = scores(root, pg_url.replace("postgresql://", "postgresql+psycopg://"))
    for assignment, by_student in sim.outcomes.items():
        for student, cells in by_student.items():
            for answer, kind in cells.items():
                got = [v for k, v in graded.items()
                       if k[:2] == (assignment, student) and k[3].startswith(f"{answer}_test")]
                assert all(v[0] == (v[1] if kind == "right" else 0.0) for v in got), (student, answer, kind, got)

    run = grade(root, pg_url.replace("postgresql://", "postgresql+psycopg://"), assignments, progress=False)
    assert run.graded == [] and len(run.up_to_date) == total and not run.failed

    code, out, _ = course(capsys, "feedback", "--root", str(root), "--db", pg_url)
    assert code == 0 and len(list((root / "feedback").glob("*/*/*.html"))) == total
    monkeypatch.setenv("COURSE_DB_URL", pg_url)  # the environment variable instead of --db
    code, out, _ = course(capsys, "export", "--root", str(root), "--to", str(tmp_path / "grades.csv"))
    assert code == 0, out
    rows = list(csv.DictReader(open(tmp_path / "grades.csv", encoding="utf-8")))
    assert {r["student_id"] for r in rows} == set(sim.students)
    code, out, _ = course(capsys, "report", "--root", str(root), "--out", str(tmp_path / "report"))
    assert code == 0 and (tmp_path / "report" / "index.html").is_file()
    for cells in sim.broken.values():
        assert all(f"FLAGGED {cell}" in out for cell in cells), out
