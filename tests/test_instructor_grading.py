"""The instructor's grading cycle at class scale, with the real nbgrader, on a small simulated class.

One class (every assignment in assignments/source) is simulated, plus a submission that is not
valid JSON and one that kills its kernel. It is copied twice before anything is graded:
- "stock" is graded with stock, sequential ``nbgrader autograde``;
- "ours" with ``course grade`` (parallel workers);
- "killed" with ``course grade`` killed half-way (SIGKILL to the whole process group), then run again.
Every cell score must be identical across all three, reruns must change nothing, a changed
submission must be regraded to the same score stock nbgrader gives it, and the feedback, export,
report and selfgrade commands must work on the result.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from course.cli import main
from course.grading import notebooks as nbs
from course.grading.gradebook import source_assignments, tool_env
from course.grading.parallel import STATE_DIR, grade
from course.grading.simulate import Simulation

from classroom import BROKEN_JSON, HOSTILE, add_odd_submissions, course, digest, make_class, scores
from harness import nbgrader_env, run_nbgrader

pytestmark = [pytest.mark.grading, pytest.mark.slow]

STUDENTS = 5


class Class:
    """The simulated class and its three graded copies."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.ours = tmp / "ours"
        self.sim: Simulation = make_class(self.ours, STUDENTS)
        self.assignments = source_assignments(self.ours)
        self.killed = tmp / "killed"
        shutil.copytree(self.ours, self.killed)  # before the odd submissions: the kill test needs none
        self.odd = {a: add_odd_submissions(self.ours, a) for a in self.assignments}
        self.odd_before = {a: {s: digest(p) for s, p in files.items()} for a, files in self.odd.items()}
        self.stock = tmp / "stock"
        shutil.copytree(self.ours, self.stock)
        self.env = nbgrader_env(tmp)
        self.stock_logs = {a: run_nbgrader(["autograde", a], self.stock, self.env, timeout=1200)
                           for a in self.assignments}


@pytest.fixture(scope="module")
def klass(tmp_path_factory: pytest.TempPathFactory) -> Class:
    return Class(tmp_path_factory.mktemp("classroom"))


@pytest.fixture(scope="module")
def graded(klass: Class) -> dict[str, Any]:
    """``course grade`` on "ours", through the CLI in this process (capsys is per test, so capture here)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["grade", "--root", str(klass.ours), "-j", "2", "--no-progress"])
    return {"code": code, "out": out.getvalue(), "err": err.getvalue()}


def _without(d: dict, student: str) -> dict:
    return {k: v for k, v in d.items() if k[1] != student}


def test_parallel_grades_equal_stock_nbgrader_for_every_cell(klass: Class, graded: dict[str, Any]) -> None:
    ours, stock = scores(klass.ours), scores(klass.stock)
    students = {k[1] for k in ours}
    assert len(students) >= STUDENTS + 1, f"students missing from the gradebook: {sorted(students)}"
    # the file that is not JSON is graded as unanswered by both (the course's guards), never with points
    assert all(not v[2] for k, v in stock.items() if k[1] == BROKEN_JSON)
    assert any(k[1] == BROKEN_JSON for k in ours), "course grade left the broken file out of the gradebook"
    # the submission that kills its kernel is graded, at zero, by both
    killer = [v for k, v in ours.items() if k[1] == HOSTILE and not v[4]]
    assert killer and all(v[0] == 0 for v in killer)
    assert ours == stock
    autograded = [v for k, v in ours.items() if k[1] not in (BROKEN_JSON, HOSTILE) and not v[4]]
    assert autograded and {v[0] for v in autograded} >= {0.0}, "expected scored cells"
    assert any(v[0] > 0 for v in autograded) and any(v[0] == 0 for v in autograded), "a class has right and wrong"


def test_simulated_answers_earn_what_they_should(klass: Class, graded: dict[str, Any]) -> None:
    ours = scores(klass.ours)
    kinds = set()
    for assignment, by_student in klass.sim.outcomes.items():
        for student, cells in by_student.items():
            for answer, kind in cells.items():
                kinds.add(kind)
                for (a, s, _, cell), v in ours.items():
                    if a == assignment and s == student and cell.startswith(f"{answer}_test"):
                        want = v[1] if kind == "right" else 0.0
                        assert v[0] == want, f"{student} {cell}: a {kind} answer scored {v[0]} of {v[1]}"
    assert {"right", "wrong", "blank"} <= kinds
    assert set(klass.sim.students.values()) == {"strong", "middling", "weak", "blank"}
    late = {tuple(pair) for pair in klass.sim.late}  # (assignment, student) pairs
    assert late and all(v[5] > 0 for k, v in ours.items() if (k[0], k[1]) in late)


def test_broken_and_hostile_submissions_are_logged_and_the_class_is_graded(klass: Class, graded: dict) -> None:
    """A file that is not a notebook is left untouched and graded as unanswered (as stock nbgrader with
    the course's guards does), with a note and a flag; the kernel killer is graded at zero."""
    assert graded["code"] == 0, graded["out"] + graded["err"]
    for assignment in klass.assignments:
        notebook = klass.odd[assignment][BROKEN_JSON].stem
        assert (f"note: {assignment}: student '{BROKEN_JSON}', notebook '{notebook}': not valid JSON"
                in graded["out"]), graded["out"][-3000:]
        for student, path in klass.odd[assignment].items():
            assert digest(path) == klass.odd_before[assignment][student], f"{student}'s file was changed"
    n = (STUDENTS + 2) * len(klass.assignments)  # the broken file and the kernel killer are graded (at zero) too
    assert f"graded {n} submission(s)" in graded["out"] and "0 could not be graded" in graded["out"]
    assert "flagged for review" in graded["out"] and f"student '{BROKEN_JSON}'" in graded["out"]


def test_a_rerun_changes_nothing(klass: Class, graded: dict[str, Any]) -> None:
    before = scores(klass.ours)
    files = {p: p.stat().st_mtime_ns for p in (klass.ours / "autograded").rglob("*.ipynb")}
    run = grade(klass.ours, f"sqlite:///{klass.ours / 'gradebook.db'}", klass.assignments, progress=False,
                say=lambda *_: None)
    assert run.graded == [] and len(run.up_to_date) == (STUDENTS + 2) * len(klass.assignments)
    # the file that is not JSON is noted again, and up to date like everything else
    assert scores(klass.ours) == before
    assert {p: p.stat().st_mtime_ns for p in files} == files


def test_killed_half_way_then_rerun_completes_the_gradebook(klass: Class, graded: dict[str, Any]) -> None:
    env = tool_env()
    env.pop("COURSE_DB_URL", None)
    assignment = klass.assignments[0]
    # a slow submission keeps the run busy, so the kill surely lands half-way even on a loaded machine
    book = sorted((klass.killed / "release" / assignment).glob("*.ipynb"))[0]
    release = nbs.load(book)
    slow = klass.killed / "submitted" / "zz-slow" / assignment
    nbs.save(nbs.fill(release, {next(iter(nbs.answer_cells(release))): "import time\ntime.sleep(15)"}),
             slow / book.name)
    log = klass.tmp / "killed-run.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "course", "grade", "--root", str(klass.killed), "-j", "2",
                                 "--no-progress"], env=env, start_new_session=True, stdout=out, stderr=out)
        state = klass.killed / STATE_DIR
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None and not list(state.glob("*/*.json")):
            time.sleep(0.05)
        assert proc.poll() is None, f"the grading run ended before it could be killed:\n{log.read_text()[-3000:]}"
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers: one process group, started by this test
        proc.wait()
    recorded = len([p for p in state.glob("*/*.json") if p.stem != "zz-slow"])
    total = STUDENTS * len(klass.assignments)
    assert 0 < recorded < total, f"expected a half-done run, found {recorded} of {total} recorded"
    shutil.rmtree(slow.parent)  # test data only: the class to compare has no slow student
    (state / assignment / "zz-slow.json").unlink(missing_ok=True)
    run = grade(klass.killed, f"sqlite:///{klass.killed / 'gradebook.db'}", klass.assignments, progress=False)
    assert not run.failed, [str(f) for f in run.failed]
    assert len(run.graded) == total - recorded and len(run.up_to_date) == recorded
    killed = {k: v for k, v in scores(klass.killed).items() if k[1] != "zz-slow"}
    ours = {k: v for k, v in scores(klass.ours).items() if k[1] not in (BROKEN_JSON, HOSTILE)}
    assert killed == ours


def test_a_changed_submission_is_regraded_like_stock_nbgrader(klass: Class, graded: dict[str, Any]) -> None:
    assignment = klass.assignments[0]
    student, answer = next((s, cell) for s, cells in klass.sim.outcomes[assignment].items()
                           for cell, kind in cells.items() if kind == "wrong")
    for root in (klass.ours, klass.stock):
        path = sorted((root / "submitted" / student / assignment).glob("*.ipynb"))[0]
        source = nbs.load(root / "source" / assignment / path.name)
        nb = nbs.load(path)
        nbs.answer_cells(nb)[answer].source = nbs.reference_answers(source)[answer]
        nbs.save(nb, path)  # timestamp.txt stays as it was
    run = grade(klass.ours, f"sqlite:///{klass.ours / 'gradebook.db'}", [assignment], progress=False)
    assert [(t.student, t.reason) for t in run.graded] == [(student, "changed")]
    done = run_nbgrader(["autograde", assignment, "--student", student, "--force"], klass.stock, klass.env)
    assert done.returncode == 0, done.stderr[-2000:]
    ours, stock = scores(klass.ours), scores(klass.stock)
    assert _without(ours, BROKEN_JSON) == _without(stock, BROKEN_JSON)
    fixed = [v for k, v in ours.items() if k[1] == student and k[3].startswith(f"{answer}_test")]
    assert fixed and all(v[0] == v[1] for v in fixed), f"{student}'s corrected {answer} should now earn full marks"


def test_feedback_export_and_report(klass: Class, graded: dict[str, Any], capsys: pytest.CaptureFixture,
                                    tmp_path: Path) -> None:
    root = str(klass.ours)
    code, out, _ = course(capsys, "feedback", "--root", root)
    assert code == 0, out
    n = STUDENTS + 2  # the kernel killer and the broken file are graded too (at zero, as unanswered)
    for assignment in klass.assignments:
        pages = list((klass.ours / "feedback").glob(f"*/{assignment}/*.html"))
        assert len({p.parts[-3] for p in pages}) == n and f"feedback for {assignment}: {len(pages)} HTML" in out
    assert "waiting for a grader" in out  # the free-text answers

    code, out, _ = course(capsys, "export", "--root", root, "--to", str(tmp_path / "grades.csv"))
    assert code == 0 and "wrote" in out
    rows = list(csv.DictReader(open(tmp_path / "grades.csv", encoding="utf-8")))
    totals = {}
    for (a, s, _, _), v in scores(klass.ours).items():
        totals[(a, s)] = totals.get((a, s), 0.0) + v[0]
    exported = {(r["assignment"], r["student_id"]): float(r["raw_score"]) for r in rows}
    assert {k: v for k, v in exported.items() if k[1] in klass.sim.students} == {
        k: v for k, v in totals.items() if k[1] in klass.sim.students}
    code, out, _ = course(capsys, "export", "--root", root, "--cells", "--to", str(tmp_path / "cells.csv"))
    assert code == 0 and len(list(csv.DictReader(open(tmp_path / "cells.csv")))) == len(scores(klass.ours))

    code, out, _ = course(capsys, "report", "--root", root, "--out", str(tmp_path / "report"))
    assert code == 0, out
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    for assignment, cells in klass.sim.broken.items():
        for cell in cells:
            assert f"FLAGGED {cell}: everyone at zero" in out, out
            assert f"{cell} (everyone at zero)" in page
    figures = sorted((tmp_path / "report").glob("*.png"))
    assert len(figures) == 3 * len(klass.assignments)
    assert all(f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and f.name in page for f in figures)
    # the kernel killer is graded at zero now (the guards keep its gradebook rows complete), so no
    # submission lacks scores; the file that is not JSON never reached the gradebook
    assert "Kelley (1939)" in page and "without scores" not in out


def test_selfgrade_grades_a_copy_and_never_touches_the_learners_file(klass: Class, graded: dict[str, Any],
                                                                      capsys: pytest.CaptureFixture,
                                                                      tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path / "cache"))
    assignment = klass.assignments[0]
    student = next(s for s, p in klass.sim.students.items() if p == "strong")
    original = sorted((klass.ours / "submitted" / student / assignment).glob("*.ipynb"))[0]
    mine = tmp_path / "my work on the assignment.ipynb"
    shutil.copy(original, mine)
    os.chmod(mine, 0o444)  # even a read-only file can be graded: it is only read
    before = digest(mine)
    code, out, _ = course(capsys, "selfgrade", str(mine), "--assignment", assignment, "--root", str(klass.ours),
                          "--no-open")
    assert code == 0, out
    assert digest(mine) == before
    want = {k[3]: v[0] for k, v in scores(klass.ours).items() if k[0] == assignment and k[1] == student and not v[4]}
    for cell, score in want.items():
        assert f"{cell:<22} {score:g} of" in out
    page = Path(out.split("feedback: ")[1].split()[0])
    assert page.is_file() and student not in str(page)
    kept = sorted((tmp_path / "cache" / "selfgrade").iterdir())
    assert [k.name.rsplit("-", 1)[0] for k in kept] == [assignment]  # generated once, kept for the next run
    code, again, _ = course(capsys, "selfgrade", str(mine), "--assignment", assignment, "--root", str(klass.ours),
                            "--no-open")
    assert code == 0 and sorted((tmp_path / "cache" / "selfgrade").iterdir()) == kept
    assert [line for line in again.splitlines() if " of " in line] == [line for line in out.splitlines() if " of " in line]
    code, _, err = course(capsys, "selfgrade", str(klass.odd[assignment][BROKEN_JSON]), "--root", str(klass.ours))
    assert code == 2 and "is not valid JSON" in err and "your file was not changed" in err


def test_bad_input_gets_a_clear_error_and_grades_nothing(klass: Class, graded: dict[str, Any],
                                                         capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    root = str(klass.ours)
    assignment = klass.assignments[0]
    before = scores(klass.ours)
    code, _, err = course(capsys, "grade", "no-such-assignment", "--root", root)
    assert code == 2 and "unknown assignment name 'no-such-assignment'" in err
    code, _, err = course(capsys, "grade", assignment, "--root", root, "--student", "nobody-at-all")
    assert code == 2 and "unknown student 'nobody-at-all'" in err
    (klass.ours / "submitted" / "only-enrolled").mkdir()
    code, _, err = course(capsys, "grade", assignment, "--root", root, "--student", "only-enrolled")
    assert code == 2 and f"student 'only-enrolled' has no submission for '{assignment}'" in err
    code, _, err = course(capsys, "grade", "--root", root, "--db", "postgresql://grader@127.0.0.1:9/gradebook")
    assert code == 2 and "cannot reach the gradebook" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    shutil.copy(klass.ours / "nbgrader_config.py", empty)
    shutil.copytree(klass.ours / "source", empty / "source")
    code, _, err = course(capsys, "grade", "--root", str(empty))
    assert code == 2 and "no gradebook" in err and "course release" in err
    code, _, err = course(capsys, "report", "--root", str(empty))
    assert code == 2 and "no gradebook" in err
    assert course(capsys, "release", assignment, "--root", str(empty))[0] == 0
    code, _, err = course(capsys, "grade", assignment, "--root", str(empty))
    assert code == 2 and f"no submissions for '{assignment}'" in err
    code, _, err = course(capsys, "feedback", "--root", str(empty))
    assert code == 2 and "run `course grade" in err
    assert scores(klass.ours) == before
    assert json.loads((klass.ours / "simulation.json").read_text())["seed"] == klass.sim.seed
