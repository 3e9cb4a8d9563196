"""The exchange workflow end to end, with a local exchange folder and nbgrader's own student commands.

Instructor: ``course release --exchange``. Students fetch the assignment, answer it (alice with the
reference answers, bob with typical wrong ones) and submit it: alice with the ``nbgrader`` commands
a student runs, bob through the same exchange classes in this process (nbgrader's API, quicker).
Instructor: ``course grade --collect`` (nbgrader collect, then grading), ``course feedback --exchange``
(generate and release feedback). Students fetch their feedback, and each reads their own score.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from traitlets.config import Config

from course.grading import notebooks as nbs
from course.grading.gradebook import REPO_COURSE

from classroom import course, scores
from harness import nbgrader_env, run_nbgrader, wrong_answers

pytestmark = [pytest.mark.grading, pytest.mark.slow]

COURSE_ID = "war-reporting"
STEPS = {"fetch_assignment": "FetchAssignment", "submit": "Submit", "fetch_feedback": "FetchFeedback"}


def _student(step: str, assignment: str, student: str, home: Path, exchange: Path, env: dict) -> None:
    """One student step: alice runs the nbgrader command, bob calls nbgrader's exchange class directly."""
    if student == "alice":
        done = run_nbgrader([step, assignment, "--course", COURSE_ID, "--student", student], home, env)
        assert done.returncode == 0, done.stderr[-2000:]
        return
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory

    c = Config()
    c.Exchange.root = str(exchange)
    c.Exchange.assignment_dir = str(home)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.assignment_id = assignment
    c.CourseDirectory.student_id = student
    app = getattr(ExchangeFactory(config=c), STEPS[step])(coursedir=CourseDirectory(config=c),
                                                          authenticator=Authenticator(config=c), config=c)
    app.start()


def test_release_fetch_submit_collect_grade_feedback_fetch_feedback(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_DB_URL", raising=False)
    exchange = tmp_path / "exchange"
    exchange.mkdir(mode=0o777)
    exchange.chmod(0o777)
    root = tmp_path / "instructor"
    root.mkdir()
    assignment = sorted(p.name for p in (REPO_COURSE / "source").iterdir() if p.is_dir())[0]
    shutil.copytree(REPO_COURSE / "source" / assignment, root / "source" / assignment)
    config = (REPO_COURSE / "nbgrader_config.py").read_text(encoding="utf-8")
    (root / "nbgrader_config.py").write_text(config + f"\nc.Exchange.root = {str(exchange)!r}\n", encoding="utf-8")

    code, out, err = course(capsys, "release", assignment, "--root", str(root), "--exchange")
    assert code == 0 and "the exchange" in out, out + err
    assert (exchange / COURSE_ID / "outbound" / assignment).is_dir()

    env = nbgrader_env(tmp_path)
    answers = {"alice": "reference", "bob": "wrong"}
    for student, kind in answers.items():
        home = tmp_path / student
        home.mkdir()
        (home / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n")
        _student("fetch_assignment", assignment, student, home, exchange, env)
        for path in sorted((home / assignment).glob("*.ipynb")):
            source = nbs.load(root / "source" / assignment / path.name)
            if kind == "reference":
                filled = nbs.reference_answers(source)
            else:
                filled = {cell: cases[0]["code"] for cell, cases in wrong_answers(assignment).items()}
            nbs.save(nbs.fill(nbs.load(path), {k: v for k, v in filled.items()
                                               if k in nbs.answer_cells(nbs.load(path))}), path)
        _student("submit", assignment, student, home, exchange, env)

    code, out, err = course(capsys, "grade", assignment, "--root", str(root), "--collect", "--no-progress")
    assert code == 0, out + err
    assert f"collected 2 submission(s) of {assignment}" in out and "graded 2 submission(s)" in out
    got = scores(root)
    auto = {k: v for k, v in got.items() if not v[4]}
    assert auto and all(v[0] == v[1] for k, v in auto.items() if k[1] == "alice")
    assert all(v[0] == 0 for k, v in auto.items() if k[1] == "bob" and k[3].endswith("_test"))

    code, out, err = course(capsys, "feedback", assignment, "--root", str(root), "--exchange")
    assert code == 0 and "released to the exchange" in out, out + err
    for student in answers:
        home = tmp_path / student
        _student("fetch_feedback", assignment, student, home, exchange, env)
        pages = list((home / assignment / "feedback").glob("*/*.html"))
        assert pages, f"{student} fetched no feedback"
        earned = sum(v[0] for k, v in got.items() if k[1] == student)
        text = pages[0].read_text(encoding="utf-8")
        assert f"Score: {earned:g} of " in text, (  # the course's feedback page (course.grading.feedback)
            f"{student}'s feedback does not show the score {earned:g}")
