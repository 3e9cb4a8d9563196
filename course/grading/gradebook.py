"""The instructor's course folder and its gradebook: find them, check them, read every score.

Every instructor command (``course release``, ``grade``, ``feedback``, ``export``, ``report``)
starts here, so that they all agree on which course folder and which gradebook they use.

Public API
----------
- ``GradingError``: something about the course folder, gradebook or submissions is wrong (clear message).
- ``course_root(root=None)``: the nbgrader course folder (``--root``, else the current folder if it
  holds ``nbgrader_config.py``, else the repository's ``assignments/``).
- ``db_url(root, db=None)``: the gradebook URL: ``--db``, else ``COURSE_DB_URL``, else SQLite in the root.
- ``redact(url)``: the URL with any password hidden, for messages and logs.
- ``check_gradebook(url, create=False)``: raise ``GradingError`` unless the gradebook can be reached.
- ``source_assignments(root)``, ``submissions(root, assignment)``, ``submitted_students(root)``.
- ``known_assignment(root, url, name)``: the name, or an ``UnknownIdError`` that lists the known ones.
- ``CellScore`` and ``cell_scores(url, assignments=None)``: every graded cell of every submission.
- ``tool_env()``: the environment for nbgrader subprocesses (this interpreter's tools first on PATH).
- ``open_api(root, url)``: an ``NbGraderAPI`` configured exactly as ``nbgrader`` run in *root*;
  ``nbgrader_ok(result, what)``: the log of a successful API call, else a ``GradingError`` with nbgrader's reason.

>>> redact("postgresql://grader:s3cret@127.0.0.1:5432/gradebook")
'postgresql://grader:***@127.0.0.1:5432/gradebook'
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from course.errors import CourseError, check_items, check_path, check_text, check_type, unknown

__all__ = ["CellScore", "GradingError", "cell_scores", "check_gradebook", "course_root", "db_url",
           "known_assignment", "nbgrader_ok", "open_api", "redact", "source_assignments", "submissions",
           "submitted_students",
           "tool_env"]

REPO_COURSE = Path(__file__).resolve().parents[2] / "assignments"
CONFIG = "nbgrader_config.py"
_URL = re.compile(r"^[a-z][a-z0-9+]*://")


class GradingError(CourseError):
    """The course folder, the gradebook or a submission is not as a command needs it."""


def course_root(root: str | Path | None = None) -> Path:
    """The nbgrader course folder: *root*, else the current folder, else the repository's assignments/."""
    if root is not None:
        path = check_path(root, "root").expanduser().resolve()
        if not (path / CONFIG).is_file():
            raise GradingError(f"--root must be an nbgrader course folder with {CONFIG}; {path} has none")
        return path
    here = Path.cwd()
    for path in (here, here / "assignments", REPO_COURSE):
        if (path / CONFIG).is_file():
            return path.resolve()
    raise GradingError(f"no nbgrader course folder here: run from the course folder or pass --root DIR "
                       f"(a folder with {CONFIG})")


def db_url(root: Path, db: str | None = None) -> str:
    """The gradebook's database URL: *db*, else $COURSE_DB_URL, else ``sqlite:///<root>/gradebook.db``."""
    root = check_path(root, "root")
    if db is not None:
        check_type(db, str, "db")
    url = db or os.environ.get("COURSE_DB_URL") or f"sqlite:///{root / 'gradebook.db'}"
    if not _URL.match(url):
        raise GradingError(f"--db must be a database URL such as sqlite:///gradebook.db or "
                           f"postgresql://user@host/db; got {url!r}")
    if url.startswith(("postgresql://", "postgres://")):
        # SQLAlchemy before 2.1 picks psycopg2 for a bare postgresql:// URL; the course ships psycopg (3).
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def redact(url: str) -> str:
    """*url* with the password replaced by ``***``."""
    check_type(url, str, "url")
    return re.sub(r"^([a-z0-9+]+://[^:/@]+):[^@]*@", r"\1:***@", url)


def _check_url(url: str, name: str = "url") -> str:
    """*url* if it looks like a database URL (scheme://...); a GradingError naming *name* otherwise."""
    check_type(url, str, name)
    if not _URL.match(url):
        raise GradingError(f"{name} must be a database URL such as sqlite:///gradebook.db or "
                           f"postgresql://user@host/db; got {url!r}")
    return url


def _folder(root: Path, name: str = "root") -> Path:
    """*root* as a Path if it is an existing folder; a GradingError naming *name* otherwise."""
    path = check_path(root, name)
    if not path.is_dir():
        raise GradingError(f"{name} must be an existing folder; {path} is not one")
    return path


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///"):
        return None
    return Path(url[len("sqlite:///"):].split("?", 1)[0])


def check_gradebook(url: str, create: bool = False) -> None:
    """Raise ``GradingError`` unless the gradebook at *url* exists (or may be created) and answers."""
    _check_url(url)
    check_type(create, bool, "create")
    path = _sqlite_path(url)
    if path is not None:
        if not path.parent.is_dir():
            raise GradingError(f"cannot reach the gradebook {redact(url)}: folder {path.parent} does not exist")
        if not path.exists():
            if create:
                return
            raise GradingError(f"there is no gradebook at {path} yet: run `course release` first")
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except (SQLAlchemyError, ImportError) as err:
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        raise GradingError(f"cannot reach the gradebook {redact(url)}: {reason}") from None


def source_assignments(root: Path) -> list[str]:
    """The assignments in ``<root>/source/``, in order."""
    folder = check_path(root, "root") / "source"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def submissions(root: Path, assignment: str) -> dict[str, Path]:
    """Student id -> folder, for every ``<root>/submitted/<student>/<assignment>/``."""
    base = check_path(root, "root") / "submitted"
    check_text(assignment, "assignment")
    if not base.is_dir():
        return {}
    return {p.name: p / assignment for p in sorted(base.iterdir())
            if p.is_dir() and not p.name.startswith(".") and (p / assignment).is_dir()}


def submitted_students(root: Path) -> list[str]:
    """Every student with a folder in ``<root>/submitted/``."""
    base = check_path(root, "root") / "submitted"
    return sorted(p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")) if base.is_dir() else []


def _gradebook_assignments(url: str) -> list[str]:
    path = _sqlite_path(url)
    if path is not None and not path.exists():
        return []
    from nbgrader.api import Gradebook

    with Gradebook(url) as gb:
        return sorted(a.name for a in gb.assignments)


def known_assignment(root: Path, url: str | None, name: str) -> str:
    """*name* if it is in ``source/`` or in the gradebook; otherwise an UnknownIdError listing both."""
    check_path(root, "root")
    if url is not None:
        _check_url(url)
    check_text(name, "name")
    known = set(source_assignments(root))
    if name in known:
        return name
    if url:
        known |= set(_gradebook_assignments(url))
    if name not in known:
        raise unknown("assignment name", name, sorted(known))
    return name


@dataclass(frozen=True)
class CellScore:
    """The score of one graded cell of one student's submission (points)."""

    student: str
    assignment: str
    notebook: str
    cell: str
    score: float
    max_score: float
    auto_score: float | None
    manual_score: float | None
    needs_manual_grade: bool
    late_seconds: float


def cell_scores(url: str, assignments: list[str] | None = None) -> list[CellScore]:
    """Every graded cell of every submission in the gradebook, sorted by assignment, student, notebook, cell."""
    _check_url(url)
    if assignments is not None:
        assignments = check_items(assignments, str, "assignments", what="assignment names")
    from nbgrader.api import Gradebook

    out: list[CellScore] = []
    with Gradebook(url) as gb:
        for assignment in gb.assignments:
            if assignments is not None and assignment.name not in assignments:
                continue
            for sub in assignment.submissions:
                late = float(sub.total_seconds_late or 0)
                for nb in sub.notebooks:
                    for g in nb.grades:
                        out.append(CellScore(sub.student.id, assignment.name, nb.name, g.name, float(g.score),
                                             float(g.max_score), g.auto_score, g.manual_score,
                                             bool(g.needs_manual_grade), late))
    return sorted(out, key=lambda c: (c.assignment, c.student, c.notebook, c.cell))


def tool_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """os.environ with this interpreter's bin folder first on PATH (nbgrader runs ``alembic`` from there)."""
    if extra is not None:
        check_type(extra, dict, "extra")
        check_items(extra.keys(), str, "extra's keys", what="names of environment variables")
        check_items(extra.values(), str, "extra's values", what="strings")
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    if env.get("PATH", "").split(os.pathsep)[0] != bin_dir:
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.update(extra or {})
    return env


_EXCEPTION = re.compile(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit)\b:?.*)$", re.M)


def nbgrader_ok(result: dict[str, Any], what: str, log_path: Path | None = None) -> str:
    """The log of a successful nbgrader step; a GradingError quoting nbgrader's reason otherwise.

    The reason is nbgrader's own error lines (without the bare "Traceback" headers) and the last
    exception the log shows; with *log_path*, the whole log is kept there and the message says so.
    """
    check_type(result, dict, "result")
    check_text(what, "what")
    log = result.get("log", "") or ""
    if result.get("success"):
        return log
    errors = [line[len("[ERROR] "):].strip() for line in log.splitlines() if line.startswith("[ERROR]")]
    errors = [e for e in errors if e and "Please see" not in e and not e.startswith("Traceback")]
    raised = [m.strip() for m in _EXCEPTION.findall(log + "\n" + (result.get("error") or ""))
              if "NbGraderException" not in m]
    parts = errors[:3] + [r for r in raised[-1:] if not any(r in e for e in errors)]
    reason = "; ".join(parts)[:600] or "nbgrader gave no reason"
    where = ""
    if log_path is not None:
        with open(log_path, "a", encoding="utf-8") as handle:
            handle.write(f"\n=== {what} ===\n{log}\n{result.get('error') or ''}\n")
        where = f" (the whole log: {log_path})"
    raise GradingError(f"{what} failed: {reason}{where}")


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def open_api(root: Path, url: str, *, log_level: str = "WARN", kernel: bool = False) -> Any:
    """An ``nbgrader.apps.NbGraderAPI`` for *root* and gradebook *url*, configured as ``nbgrader`` run there.

    With *kernel* the course's safe grading (``course.grading.config.kernel_config``) is applied.
    """
    root, url = _folder(root), _check_url(url)
    check_text(log_level, "log_level")
    check_type(kernel, bool, "kernel")
    from nbgrader.apps import NbGraderAPI
    from nbgrader.apps.autogradeapp import AutogradeApp

    from course.grading.config import inprocess_alembic

    inprocess_alembic()
    argv = [f"--CourseDirectory.root={root}", f"--CourseDirectory.db_url={url}", f"--log-level={log_level}"]
    with _cwd(Path(root)):
        host = AutogradeApp()
        host.initialize(argv)
    if kernel:
        from course.grading.config import kernel_config

        host.update_config(kernel_config())
    api = NbGraderAPI(coursedir=host.coursedir, parent=host)
    api.log_level = log_level
    return api
