"""``course selfgrade``: a self-learner grades their own copy of an assignment against the real tests.

The learner's notebook is only read. ``selfgrade`` builds a private scratch course (a new folder
only the learner can read, in the system's temporary folder): it copies the course's
``nbgrader_config.py`` and the assignment's source and a gradebook that nbgrader's
``generate_assignment`` made, puts a *copy* of the learner's notebook in ``submitted/``, runs
nbgrader's ``autograde`` (with the same kernel launch as ``course grade``) and ``generate_feedback``,
prints the score of every graded cell and opens the HTML feedback in the browser.

``generate_assignment`` runs once per version of an assignment: its gradebook is kept in the
learner's cache folder (``COURSE_CACHE``, else ``$XDG_CACHE_HOME/course``, else ``~/.cache/course``)
under a digest of the assignment's source, the course's config and nbgrader's version, so a
changed assignment is generated again. Without a writable cache it is generated every time.

Public API
----------
- ``SelfGrade``: the scratch folder, the feedback files and the scores.
- ``match_assignment(root, notebook_path)``: which assignment and notebook a learner's file belongs to.
- ``selfgrade(paths, assignment=None, root=None)``: grade; returns a ``SelfGrade``.
- ``generated_gradebook(root, assignment)``: the cached gradebook of a generated assignment.
- ``add_arguments_selfgrade(parser)`` / ``cmd_selfgrade(args)``: the ``course selfgrade`` command.

>>> from course.grading.selfgrade import LEARNER
>>> LEARNER
'you'
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

from course.errors import check_items, check_path, check_text, unknown
from course.grading.gradebook import CellScore, GradingError, cell_scores, course_root, source_assignments

__all__ = ["LEARNER", "SelfGrade", "add_arguments_selfgrade", "cmd_selfgrade", "generated_gradebook",
           "match_assignment", "selfgrade"]

LEARNER = "you"


@dataclass
class SelfGrade:
    """The result of grading a learner's own copy."""

    assignment: str
    scratch: Path
    feedback: list[Path] = field(default_factory=list)
    scores: list[CellScore] = field(default_factory=list)

    @property
    def auto_points(self) -> tuple[float, float]:
        """(points earned, points possible) on the autograded cells."""
        auto = [s for s in self.scores if not s.needs_manual_grade]
        return sum(s.score for s in auto), sum(s.max_score for s in auto)


@contextlib.contextmanager
def _quiet(log: Path) -> Iterator[None]:
    """Send this process's stderr (and that of the kernels it starts) to *log* for the duration."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(log, "a", encoding="utf-8") as fh, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        os.dup2(fh.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _read_notebook(path: Path) -> dict:
    if not path.is_file():
        raise GradingError(f"there is no notebook at {path}")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise GradingError(f"{path} is not a text file, so it is not a notebook; your file was not changed") from None
    except ValueError as err:
        raise GradingError(f"{path} is not valid JSON ({err}), so nbgrader cannot read it; your file was not "
                           f"changed. Open it in a text editor, or start again from a fresh copy") from None
    if not isinstance(nb, dict) or "cells" not in nb:
        raise GradingError(f"{path} is JSON but not a Jupyter notebook (it has no cells); your file was not changed")
    return nb


def _grade_ids(nb: dict) -> set[str]:
    return {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.get("cells", [])} - {None}


def match_assignment(root: Path, notebook_path: Path, assignment: str | None = None) -> tuple[str, str]:
    """(assignment, notebook name) of a learner's file: by file name, else by the grade ids of its cells."""
    root, notebook_path = check_path(root, "root"), check_path(notebook_path, "notebook_path")
    if assignment is not None:
        check_text(assignment, "assignment")
    names = [assignment] if assignment else source_assignments(root)
    if assignment and assignment not in source_assignments(root):
        raise unknown("assignment", assignment, source_assignments(root), name="assignment")
    books = [(a, p) for a in names for p in sorted((Path(root) / "source" / a).glob("*.ipynb"))]
    for a, p in books:
        if notebook_path.stem == p.stem:
            return a, p.stem
    mine = _grade_ids(_read_notebook(notebook_path))
    best = max(books, key=lambda ap: len(mine & _grade_ids(_read_notebook(ap[1]))), default=None)
    if best is None or not mine & _grade_ids(_read_notebook(best[1])):
        raise GradingError(f"{notebook_path.name} does not look like any assignment of this course "
                           f"({', '.join(names)}): pass --assignment NAME")
    return best[0], best[1].stem


def _cache_root() -> Path:
    if os.environ.get("COURSE_CACHE"):
        return Path(os.environ["COURSE_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "course"


def _assignment_digest(root: Path, name: str) -> str:
    import nbgrader

    digest = hashlib.sha256(f"nbgrader {nbgrader.__version__}\n".encode())
    digest.update((root / "nbgrader_config.py").read_bytes())
    source = root / "source" / name
    for path in sorted(p for p in source.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts):
        digest.update(f"\0{path.relative_to(source).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _generate(into: Path, root: Path, name: str) -> Path:
    """Generate assignment *name* of course *root* in the new course folder *into*; its gradebook."""
    from course.grading.gradebook import db_url, nbgrader_ok, open_api

    shutil.copy(root / "nbgrader_config.py", into / "nbgrader_config.py")
    shutil.copytree(root / "source" / name, into / "source" / name)
    url = db_url(into, f"sqlite:///{into / 'gradebook.db'}")
    log = into / "nbgrader.log"
    with _quiet(log):
        api = open_api(into, url, kernel=True)
        nbgrader_ok(api.generate_assignment(name, force=True, create=True), f"nbgrader generate_assignment {name}", log)
    return into / "gradebook.db"


def generated_gradebook(root: Path, assignment: str) -> Path | None:
    """The gradebook nbgrader's ``generate_assignment`` makes for *assignment*, from the learner's cache.

    Made on first use (into a private folder, then renamed into place, so two runs never see half a
    gradebook); ``None`` when there is no writable cache folder.
    """
    root = check_path(root, "root")
    check_text(assignment, "assignment")
    if not (root / "nbgrader_config.py").is_file() or not (root / "source" / assignment).is_dir():
        raise GradingError(f"{root} is not a course folder with the assignment {assignment!r} "
                           f"(it needs nbgrader_config.py and source/{assignment}/)")
    cache = _cache_root() / "selfgrade"
    kept = cache / f"{assignment}-{_assignment_digest(root, assignment)}"
    if (kept / "gradebook.db").is_file():
        return kept / "gradebook.db"
    try:
        cache.mkdir(parents=True, exist_ok=True, mode=0o700)
        work = Path(tempfile.mkdtemp(prefix=f".{assignment}-", dir=cache))
    except OSError:
        return None
    _generate(work, root, assignment)
    try:
        work.rename(kept)
    except OSError:  # another run put it there first: use theirs
        shutil.rmtree(work, ignore_errors=True)
    return kept / "gradebook.db"


def selfgrade(paths: list[Path], assignment: str | None = None, root: Path | None = None) -> SelfGrade:
    """Grade the learner's notebook(s) in a private scratch course; the learner's files are only read."""
    from course.grading.gradebook import db_url, nbgrader_ok, open_api

    paths = check_items(paths, (str, os.PathLike), "paths", what="notebook paths (or folders holding them)")
    if assignment is not None:
        check_text(assignment, "assignment")
    root = course_root(root)
    files: list[Path] = []
    for path in (Path(p).expanduser() for p in paths):
        files.extend(sorted(path.glob("*.ipynb")) if path.is_dir() else [path])
    if not files:
        raise GradingError(f"no notebook to grade in {', '.join(str(p) for p in paths)}")
    for path in files:
        _read_notebook(path)
    matched = [match_assignment(root, path, assignment) for path in files]
    chosen = {a for a, _ in matched}
    if len(chosen) > 1:
        raise GradingError(f"these notebooks belong to different assignments ({', '.join(sorted(chosen))}); "
                           f"grade one assignment at a time")
    name = chosen.pop()
    scratch = Path(tempfile.mkdtemp(prefix=f"course-selfgrade-{name}-"))  # mode 0700: private to the learner
    kept = generated_gradebook(root, name)
    if kept is None:
        _generate(scratch, root, name)
    else:
        shutil.copy(root / "nbgrader_config.py", scratch / "nbgrader_config.py")
        shutil.copytree(root / "source" / name, scratch / "source" / name)
        shutil.copyfile(kept, scratch / "gradebook.db")
    url = db_url(scratch, f"sqlite:///{scratch / 'gradebook.db'}")
    with _quiet(scratch / "nbgrader.log"):  # nbgrader's and the kernel's chatter go to the log, not the learner
        api = open_api(scratch, url, kernel=True)
        log = scratch / "nbgrader.log"
        folder = scratch / "submitted" / LEARNER / name
        folder.mkdir(parents=True)
        for path, (_, notebook) in zip(files, matched):
            shutil.copyfile(path, folder / f"{notebook}.ipynb")  # a copy: the learner's file is never written
        nbgrader_ok(api.autograde(name, LEARNER, force=True, create=True), f"grading your copy of {name}", log)
        nbgrader_ok(api.generate_feedback(name, LEARNER), f"nbgrader generate_feedback {name}", log)
    result = SelfGrade(name, scratch, sorted((scratch / "feedback" / LEARNER / name).glob("*.html")),
                       cell_scores(url, [name]))
    return result


def add_arguments_selfgrade(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help="your notebook(s), or a folder holding them")
    parser.add_argument("--assignment", help="which assignment it is (default: recognised from the notebook)")
    parser.add_argument("--root", help="the course folder with the assignments (default: this course's)")
    parser.add_argument("--no-open", action="store_true", help="print where the feedback is; do not open a browser")


def to_wire(result: SelfGrade) -> dict:
    """*result* as plain JSON data (what the warm service sends its client)."""
    return {"assignment": result.assignment, "scratch": str(result.scratch),
            "feedback": [str(p) for p in result.feedback], "scores": [asdict(s) for s in result.scores]}


def from_wire(data: dict) -> SelfGrade:
    """The ``SelfGrade`` that ``to_wire`` described."""
    return SelfGrade(data["assignment"], Path(data["scratch"]), [Path(p) for p in data["feedback"]],
                     [CellScore(**s) for s in data["scores"]])


def _warm(args: argparse.Namespace) -> SelfGrade | None:
    """Grade through the learner's warm service (``course.grading.selfgrade_service``); None to grade here.

    A problem with the learner's files comes back as the same ``GradingError`` an in-process run
    raises; a problem with the service itself (it could not start, crashed, did not answer) is one
    line on stderr, and the caller grades in its own process.
    """
    from course.grading import selfgrade_client as client

    try:
        if client.enabled() is not None:
            return None
        cwd = os.getcwd()
    except OSError:  # the current folder is gone: the in-process run gives the error
        return None
    request = {"op": "grade", "cwd": cwd, "notebooks": [str(p) for p in args.notebooks],
               "assignment": args.assignment, "root": args.root}
    try:
        reply = client.ask(request)
    except client.Unavailable:  # said once, when the service found it out
        return None
    except client.ServiceDown as err:
        reply = {"internal": f"it did not answer: {err}"}
    if "error" in reply:
        raise GradingError(str(reply["error"]))
    if "result" not in reply:
        print(f"course selfgrade: the warm grading service could not grade ({client.describe(reply)}); grading "
              f"in this process instead (slower). Its log: {client.service_folder() / client.LOG}", file=sys.stderr)
        return None
    return from_wire(reply["result"])


def cmd_selfgrade(args: argparse.Namespace) -> int:
    """Grade your own copy of an assignment and open the feedback."""
    result = _warm(args)
    if result is None:
        result = selfgrade([Path(p) for p in args.notebooks], args.assignment, Path(args.root) if args.root else None)
    print(f"graded your copy of {result.assignment} against the course's tests:")
    for s in result.scores:
        if s.needs_manual_grade:
            print(f"  {s.cell:<22} graded by an instructor ({s.max_score:g} points): compare with the rubric")
        else:
            print(f"  {s.cell:<22} {s.score:g} of {s.max_score:g}")
    earned, possible = result.auto_points
    print(f"autograded total: {earned:g} of {possible:g} points")
    for page in result.feedback:
        print(f"feedback: {page}")
    if result.feedback and not args.no_open:
        import webbrowser

        webbrowser.open(result.feedback[0].as_uri())
    return 0
