"""Unit tests of the instructor tools that need no grading run: item analysis, the simulator's mix,
gradebook URLs and errors, submission digests and checks, the kernel-launch hook, the CLI wiring."""

from __future__ import annotations

import importlib.machinery
import json
import sys
import types
from pathlib import Path

import pytest

import course.grading
from course.errors import CourseValueError
from course.grading.gradebook import CellScore, GradingError, check_gradebook, course_root, db_url, redact
from course.grading.items import EVERYONE_FULL, EVERYONE_ZERO, analyse, ebel_band, summary, upper_lower
from course.grading.parallel import _notebook_problem, submission_digest
from course.grading.simulate import PROFILES, class_profiles
from course.grading.config import kernel_config
from course.grading.worker import sqlite_busy_url


def _rows(table: dict[str, dict[str, float]], max_scores: dict[str, float],
          assignment: str = "01-x") -> list[CellScore]:
    return [CellScore(student, assignment, "nb", cell, score, max_scores[cell], score, None, False, 0.0)
            for student, cells in table.items() for cell, score in cells.items()]


# --- item analysis -----------------------------------------------------------------------------------------

def test_difficulty_and_discrimination_by_hand() -> None:
    # 10 students; item q1 (1 point) right for the 5 best, q2 (2 points) half credit for everyone but the last
    table = {f"s{i}": {"q1": 1.0 if i < 5 else 0.0, "q2": 1.0 if i < 9 else 0.0, "q3": 3.0 - i / 3}
             for i in range(10)}
    a = analyse(_rows(table, {"q1": 1.0, "q2": 2.0, "q3": 3.0}))[0]
    assert a.students == 10 and a.max_total == 6.0
    assert (a.upper, a.lower) == (["s0", "s1", "s2"], ["s7", "s8", "s9"])  # 27 % of 10 = 3 each
    q1, q2, q3 = a.items
    assert q1.mean == 0.5 and q1.difficulty == 0.5 and q1.discrimination == 1.0 and q1.share_zero == 0.5
    assert q2.mean == 0.9 and q2.difficulty == pytest.approx(0.45)
    assert q2.discrimination == pytest.approx((1.0 - 2 / 3) / 2)  # upper mean 1, lower mean 2/3, over 2 points
    assert q3.share_full == 0.1 and not q3.flags
    assert ebel_band(q1.discrimination) == "very good" and ebel_band(q2.discrimination) == "poor"


def test_items_everyone_gets_wrong_or_right_are_flagged() -> None:
    table = {f"s{i}": {"dead": 0.0, "free": 2.0, "fine": float(i % 2)} for i in range(6)}
    a = analyse(_rows(table, {"dead": 1.0, "free": 2.0, "fine": 1.0}))[0]
    flags = {i.cell: i.flags for i in a.items}
    assert flags == {"dead": (EVERYONE_ZERO,), "fine": (), "free": (EVERYONE_FULL,)}
    text = summary([a])
    assert "FLAGGED dead: everyone at zero" in text and "FLAGGED free: everyone at full marks" in text
    assert "FLAGGED fine" not in text


def test_answers_waiting_for_a_grader_and_ungraded_submissions_are_left_out() -> None:
    rows = _rows({"a": {"t": 1.0}, "b": {"t": 0.0}}, {"t": 1.0})
    rows += [CellScore("a", "01-x", "nb", "essay", 0.0, 2.0, None, None, True, 0.0),
             CellScore("b", "01-x", "nb", "essay", 2.0, 2.0, None, 2.0, False, 0.0),
             CellScore("c", "01-x", "nb", "t", 0.0, 1.0, None, None, True, 0.0)]  # grading failed: no score at all
    a = analyse(rows)[0]
    assert [i.cell for i in a.items] == ["t"] and a.pending == [("nb", "essay", 1)]
    assert a.students == 2 and a.ungraded == 1
    assert "not analysed yet: 1 answer(s) wait for a grader" in summary([a])


def test_upper_and_lower_groups() -> None:
    assert upper_lower({}) == ([], [])
    assert upper_lower({"only": 3.0}) == ([], [])
    assert upper_lower({"b": 1.0, "a": 1.0, "c": 0.0}) == (["a"], ["c"])  # ties broken by id
    assert [len(g) for g in upper_lower({f"s{i:02d}": float(i) for i in range(100)})] == [27, 27]
    with pytest.raises(CourseValueError, match="share"):
        upper_lower({"a": 1.0}, share=0.7)


@pytest.mark.parametrize("d, words", [(0.4, "very good"), (0.39, "reasonably good"), (0.3, "reasonably good"),
                                      (0.2, "marginal"), (0.19, "poor"), (0.0, "poor"), (-0.1, "negative")])
def test_ebel_bands(d: float, words: str) -> None:
    assert ebel_band(d) == words


def test_ebel_band_rejects_impossible_values() -> None:
    with pytest.raises(CourseValueError, match="between -1 and 1"):
        ebel_band(1.5)


# --- the simulator's class ----------------------------------------------------------------------------------

def test_class_profiles_follow_the_shares_and_the_seed() -> None:
    ids = [f"sim-{i:03d}" for i in range(1, 61)]
    profiles = class_profiles(2022, ids)
    counts = {p: sum(1 for q, _ in profiles.values() if q == p) for p in PROFILES}
    assert counts == {p: round(share * 60) for p, (share, _) in PROFILES.items()}
    assert class_profiles(2022, ids) == profiles and class_profiles(2023, ids) != profiles
    assert {p for p, _ in class_profiles(1, ids[:4]).values()} == set(PROFILES)  # a small class still has each
    strong = [t for p, t in profiles.values() if p == "strong"]
    weak = [t for p, t in profiles.values() if p == "weak"]
    assert min(strong) > max(weak), "strong students should be abler than weak ones"


# --- gradebook URLs and errors ------------------------------------------------------------------------------

def test_db_url_precedence_and_redaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURSE_DB_URL", raising=False)
    assert db_url(tmp_path) == f"sqlite:///{tmp_path / 'gradebook.db'}"
    monkeypatch.setenv("COURSE_DB_URL", "postgresql://env@h/db")
    assert db_url(tmp_path) == "postgresql+psycopg://env@h/db"
    assert db_url(tmp_path, "sqlite:////x/y.db") == "sqlite:////x/y.db"
    assert redact("postgresql+psycopg://u:p%40ss@h:5432/db") == "postgresql+psycopg://u:***@h:5432/db"
    assert redact("sqlite:////x/y.db") == "sqlite:////x/y.db"
    with pytest.raises(GradingError, match="--db must be a database URL"):
        db_url(tmp_path, "gradebook.db")


def test_unreachable_and_missing_gradebooks(tmp_path: Path) -> None:
    with pytest.raises(GradingError, match="no gradebook .* run `course release` first"):
        check_gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}")
    assert not (tmp_path / "gradebook.db").exists(), "checking must not create an empty gradebook"
    with pytest.raises(GradingError, match="cannot reach the gradebook .* does not exist"):
        check_gradebook(f"sqlite:///{tmp_path / 'nowhere' / 'gradebook.db'}")
    with pytest.raises(GradingError, match=r"cannot reach the gradebook postgresql\+psycopg://g:\*\*\*@127.0.0.1:9/"):
        check_gradebook("postgresql+psycopg://g:secret@127.0.0.1:9/db")


def test_instructor_functions_name_the_argument_that_is_wrong(tmp_path: Path) -> None:
    from course.errors import CourseTypeError, UnknownIdError
    from course.grading.parallel import grade, plan
    from course.grading.workflow import release

    with pytest.raises(GradingError, match=r"^folder must be a submission folder"):
        submission_digest(tmp_path / "missing")
    with pytest.raises(CourseTypeError, match=r"^scores must be a list of CellScore rows.*\[x\]"):
        analyse(CellScore("a", "00-warmup", "nb", "t", 1.0, 1.0, 1.0, None, False, 0.0))
    with pytest.raises(CourseTypeError, match=r"^totals\['a'\] must be int or float"):
        upper_lower({"a": "3"})
    with pytest.raises(GradingError, match=r"^url must be a database URL"):
        plan(tmp_path, "gradebook.db", ["00-warmup"])
    with pytest.raises(CourseTypeError, match=r"^students must be a list of student ids; got str 'alice'"):
        plan(tmp_path, "sqlite:///x.db", ["00-warmup"], "alice")
    with pytest.raises(CourseValueError, match=r"^workers must be at least 1"):
        grade(tmp_path, "sqlite:///x.db", ["00-warmup"], workers=0)
    with pytest.raises(CourseTypeError, match=r"^root must be a path"):
        release(None, "sqlite:///x.db", "00-warmup")
    with pytest.raises(UnknownIdError, match=r"unknown assignment name '99-nope'"):
        release(tmp_path, f"sqlite:///{tmp_path / 'gradebook.db'}", "99-nope")
    assert not (tmp_path / "gradebook.db").exists(), "a rejected call must not create a gradebook"


def test_course_root_needs_a_config(tmp_path: Path) -> None:
    with pytest.raises(GradingError, match="nbgrader_config.py"):
        course_root(tmp_path)
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    assert course_root(tmp_path) == tmp_path.resolve()


# --- submissions --------------------------------------------------------------------------------------------

def test_submission_digest_sees_every_change(tmp_path: Path) -> None:
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / "timestamp.txt").write_text("2022-09-19 10:00:00.000000 UTC")
    first = submission_digest(tmp_path)
    assert submission_digest(tmp_path) == first
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}")
    assert submission_digest(tmp_path) == first, "checkpoints are not part of a submission"
    (tmp_path / "a.ipynb").write_text('{"cells": []}')
    assert submission_digest(tmp_path) != first
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / "b.ipynb").write_text("{}")
    assert submission_digest(tmp_path) != first


def test_notebooks_that_cannot_be_graded_are_named(tmp_path: Path) -> None:
    path = tmp_path / "x.ipynb"
    path.write_text('{"cells": [')
    assert "not valid JSON" in _notebook_problem(path)
    path.write_bytes(b"\xff\xfe\x00 binary")
    assert "not UTF-8" in _notebook_problem(path)
    path.write_text("[1, 2, 3]")
    assert "not a Jupyter notebook" in _notebook_problem(path)
    path.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert _notebook_problem(path) is None


# --- the kernel-launch hook and the worker ------------------------------------------------------------------

def test_kernel_config_is_the_safe_grading_config() -> None:
    """What `course grade` and `selfgrade` merge into nbgrader: the course's executor, guards and sandbox."""
    from course.grading.execute import FlagFindings, GuardedExecute

    config = kernel_config()
    assert GuardedExecute in config.Autograde.autograde_preprocessors
    assert FlagFindings in config.Autograde.autograde_preprocessors
    assert config.Autograde.exporter_class.__name__ == "GuardedExporter"


def test_sqlite_writers_wait_their_turn() -> None:
    assert sqlite_busy_url("sqlite:////g.db", 120) == "sqlite:////g.db?timeout=120"
    assert sqlite_busy_url("sqlite:////g.db?mode=rw", 5) == "sqlite:////g.db?mode=rw&timeout=5"
    assert sqlite_busy_url("postgresql+psycopg://h/db", 5) == "postgresql+psycopg://h/db"


# --- the command line ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["release", "grade", "feedback", "export", "report", "selfgrade", "simulate"])
def test_every_instructor_command_is_wired(command: str, capsys: pytest.CaptureFixture) -> None:
    from course.cli import main

    with pytest.raises(SystemExit) as stop:
        main([command, "--help"])
    assert stop.value.code == 0 and command in capsys.readouterr().out


def test_a_folder_that_is_no_course_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from course.cli import main

    assert main(["grade", "--root", str(tmp_path)]) == 2
    assert "--root must be an nbgrader course folder" in capsys.readouterr().err
    assert main(["simulate", "--students", "0", "--root", str(tmp_path / "demo")]) == 2
    assert "--students must be a whole number of at least 1" in capsys.readouterr().err


def test_links_and_pipes_in_a_submission_are_not_followed(tmp_path: Path) -> None:
    import os

    secret = tmp_path / "answer-key.ipynb"
    secret.write_text("{}")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "a.ipynb").write_text("{}")
    first = submission_digest(sub)
    (sub / "key.ipynb").symlink_to(secret)
    os.mkfifo(sub / "pipe")  # reading it would block forever
    linked = submission_digest(sub)
    secret.write_text('{"changed": true}')
    assert submission_digest(sub) == linked != first, "the digest must hash the link, not the file it points to"
    assert "not a plain file" in _notebook_problem(sub / "key.ipynb")


def test_the_instructor_guide_covers_every_module_and_command() -> None:
    from course.cli import COMMANDS

    root = Path(__file__).resolve().parents[1]
    guide = (root / "course" / "INSTRUCTORS.md").read_text(encoding="utf-8")
    for lesson in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        assert f"notebooks/{lesson.name}" in guide, f"the instructor guide does not cover {lesson.name}"
        assert f"### Module {lesson.name[:2]} " in guide
    for assignment in sorted(p.name for p in (root / "assignments" / "source").iterdir() if p.is_dir()):
        assert f"`{assignment}`" in guide, f"the instructor guide does not name assignment {assignment}"
    for command, (target, _) in COMMANDS.items():
        if target.startswith("course.grading."):
            assert f"`course {command}" in guide, f"the instructor guide does not explain `course {command}`"
    for topic in ("JupyterHub", "formgrader", "rubric", "Suggested timing", "Answer keys", "PostgreSQL"):
        assert topic in guide


def test_a_submission_loses_its_record_while_it_is_being_graded(tmp_path: Path) -> None:
    from course.grading.parallel import Task, _dispatch, _Pool, _state_path, _write_state

    graded, waiting = Task("01-x", "ann", "0" * 64, "forced"), Task("01-x", "bob", "1" * 64, "new")
    for task in (graded, waiting):
        _write_state(tmp_path, task, "sqlite:////g.db")
    pool = _Pool(tmp_path, "sqlite:////g.db", None, 1.0)
    _dispatch(pool, [graded])
    assert not _state_path(tmp_path, "01-x", "ann").exists(), "a run killed now must regrade ann"
    assert _state_path(tmp_path, "01-x", "bob").exists()
    assert pool.todo.get_nowait() == graded


def test_a_failed_nbgrader_step_says_why_and_keeps_the_log(tmp_path) -> None:
    """A bare 'Traceback (most recent call last):' is not a reason: the exception itself is."""
    from course.grading.gradebook import nbgrader_ok

    log = tmp_path / "nbgrader.log"
    result = {"success": False, "log": "[ERROR] Traceback (most recent call last):\n  File \"x.py\", line 1\n"
                                       "ValueError: the notebook has no cells\n"}
    with pytest.raises(GradingError, match=r"grading your copy failed: ValueError: the notebook has no cells") as err:
        nbgrader_ok(result, "grading your copy", log)
    assert "Traceback (most recent" not in str(err.value) and str(log) in str(err.value)
    assert "ValueError: the notebook has no cells" in log.read_text()
    assert nbgrader_ok({"success": True, "log": "fine"}, "x") == "fine"


def test_new_gradebooks_get_nbgraders_schema_version_without_running_alembic(tmp_path: Path) -> None:
    import subprocess

    from nbgrader.api import Gradebook
    from sqlalchemy import create_engine, text

    from course.grading.config import _alembic_head, inprocess_alembic
    from course.grading.gradebook import tool_env

    ini = tmp_path / "alembic.ini"
    from nbgrader.dbutil import write_alembic_ini

    write_alembic_ini(str(ini), "sqlite:////nonexistent.db")
    printed = subprocess.run(["alembic", "-c", str(ini), "heads"], env=tool_env(), capture_output=True,
                             text=True, check=True).stdout.split()[0]
    assert _alembic_head() == printed  # the same head nbgrader's own way finds
    inprocess_alembic()
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url):
        pass
    with create_engine(url).connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == printed


def test_the_command_line_never_builds_jsonschemas_iri_grammar() -> None:
    import subprocess

    probe = ("import sys, course.cli; course.cli.skip_iri_grammar(); import jsonschema, nbformat; "
             "print(sys.modules.get('rfc3987_syntax') is None, 'iri' in jsonschema.FormatChecker.checkers)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False"]
    plain = subprocess.run([sys.executable, "-c", "import jsonschema; print('iri' in jsonschema.FormatChecker.checkers)"],
                           capture_output=True, text=True, check=True).stdout.strip()
    if plain != "True":
        pytest.skip("rfc3987_syntax is not installed here, so there is no grammar to skip")


def test_selfgrades_cached_gradebook_follows_the_assignment_and_the_config(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from course.grading import selfgrade

    made: list[Path] = []

    def fake_generate(into: Path, root: Path, name: str) -> Path:
        made.append(into)
        (into / "gradebook.db").write_bytes(b"generated")
        return into / "gradebook.db"

    monkeypatch.setattr(selfgrade, "_generate", fake_generate)
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "course"
    shutil.copytree(course_root() / "source" / "00-warmup", root / "source" / "00-warmup")
    shutil.copy(course_root() / "nbgrader_config.py", root)
    first = selfgrade.generated_gradebook(root, "00-warmup")
    assert first is not None and first.read_bytes() == b"generated" and len(made) == 1
    assert selfgrade.generated_gradebook(root, "00-warmup") == first and len(made) == 1  # kept
    notebook = next((root / "source" / "00-warmup").glob("*.ipynb"))
    notebook.write_bytes(notebook.read_bytes() + b" ")
    second = selfgrade.generated_gradebook(root, "00-warmup")
    assert second != first and len(made) == 2  # a changed assignment is generated again
    (root / "nbgrader_config.py").write_text("# changed\n", encoding="utf-8")
    assert selfgrade.generated_gradebook(root, "00-warmup") not in (first, second) and len(made) == 3
    monkeypatch.setenv("COURSE_CACHE", str(notebook))  # a file, not a folder: no cache, no crash
    assert selfgrade.generated_gradebook(root, "00-warmup") is None
