"""Submission guards for ``nbgrader autograde``: read what a student submits without trusting any of it.

nbgrader stays the grading engine; ``course.grading.config`` swaps these subclasses of its own parts
into its configuration, so stock ``nbgrader autograde`` uses them too.

- ``GuardedExporter`` reads each submitted notebook. A notebook that is a symlink, not a regular file
  (a FIFO would hang the grader), too large, with too many cells, not JSON or not a notebook
  nbformat can read is graded as if unanswered (zero), with a finding, and never stops the rest of
  the class. Before nbgrader copies a submission's other files next to the notebook, it
  **quarantines** what a notebook never needs and what could harm the grader: symlinks, anything
  that is not a regular file (FIFOs, sockets, devices), Python code and packages (``.py``, ``.pyc``,
  ``.so``, ``.pth``, folders with ``__init__.py``: nothing a student submits is ever imported),
  files over ``max_extra_mb`` or sparse, and everything past ``max_extra_files`` files. A
  submission whose folders nest deeper than ``max_depth`` is refused with a finding (nbgrader's own
  folder walk would fail on it).
- ``SafeDeduplicateIds`` and ``SafeOverwriteCells`` put back what a student changed in the
  instructor's cells (nbgrader's own rules), and more: a cell with a known id gets **all** of its
  nbgrader metadata from the gradebook (grade, solution, locked, points, type), so a test marked
  ``grade: false`` or an answer marked ``points: 100`` scores what the instructor's cell would; a
  cell with an unknown id or malformed metadata becomes the student's own cell; deleted set-up
  cells, missing cells and moved locked cells are put back in the instructor's order. The gradebook
  is read once per notebook, so a notebook with thousands of odd cells costs no more than a few.

Every finding is logged as one escaped line ``[course-guard] student '<id>', notebook '<a>/<nb>': ...``
and kept in the course's findings file (``course.grading.findings``).

Public API: ``GuardedExporter``, ``SafeDeduplicateIds``, ``SafeOverwriteCells``, ``LOG_PREFIX``,
``who(resources)``, ``started(assignment, student)``, ``instructor_order(...)``, ``quarantine(folder, ...)``.

>>> who({"nbgrader": {"student": "ann", "assignment": "01", "notebook": "01"}})
"student 'ann', notebook '01/01'"
"""

from __future__ import annotations

import functools
import glob
import json
import os
import stat
import time
from typing import Any

import nbformat
from nbconvert.exporters import NotebookExporter
from nbformat.notebooknode import NotebookNode
from nbgrader import utils as nbutils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import CheckCellMetadata, DeduplicateIds, OverwriteCells
from traitlets import Integer

from course.errors import CourseValueError, check_items, check_text, check_type
from course.grading import files, findings

__all__ = ["CODE_SUFFIXES", "LOG_PREFIX", "CachedCheckCellMetadata", "GuardedExporter", "SafeDeduplicateIds", "SafeOverwriteCells",
           "instructor_order", "quarantine", "started", "who"]

LOG_PREFIX = "[course-guard]"
# Files a notebook never needs and Python could import or load: never copied next to a graded notebook.
CODE_SUFFIXES = (".py", ".pyc", ".pyo", ".pyd", ".pyw", ".so", ".pth", ".egg", ".whl", ".dylib", ".dll")
# When each (assignment, student) started grading in this process: FlagFindings reads findings since then.
_STARTED: dict[tuple[str, str], float] = {}


def who(resources: Any) -> str:
    """'student <id>, notebook <assignment>/<notebook>' for log lines (ids shown escaped)."""
    if resources is not None:
        check_type(resources, dict, "resources")
    info = (resources or {}).get("nbgrader", {})
    info = info if isinstance(info, dict) else {}
    student, assignment, notebook = (findings.one_line(info.get(k, "?"), 80)
                                     for k in ("student", "assignment", "notebook"))
    return f"student '{student}', notebook '{assignment}/{notebook}'"


def started(assignment: str, student: str) -> float:
    """When grading of *student*'s *assignment* started in this process (0 when unknown)."""
    return _STARTED.get((assignment, student), 0.0)


def _record(root: str, assignment: str, student: str, notebook: str, kind: str, message: str, log: Any) -> None:
    shown = f"student '{findings.one_line(student, 80)}', notebook '{findings.one_line(assignment, 80)}/{notebook}'"
    log.warning("%s %s: %s", LOG_PREFIX, shown, findings.one_line(message, 600))
    try:
        findings.record(root, assignment, student, notebook, kind, message)
    except OSError as err:
        log.error("%s could not record a finding: %s", LOG_PREFIX, err)


def instructor_order(source_cells: list[Any], config: Any, assignment: str, notebook: str) -> list[Any]:
    """The gradebook's source cells in the order of the instructor's notebook.

    The gradebook keeps no cell order (PostgreSQL returns rows in any order), so the order is read
    from ``source/<assignment>/<notebook>.ipynb``; cells it does not list keep the gradebook's order.
    """
    from nbgrader.coursedir import CourseDirectory

    check_type(source_cells, (list, tuple), "source_cells")
    check_text(assignment, "assignment")
    check_text(notebook, "notebook")
    try:
        coursedir = CourseDirectory(config=config)
        path = os.path.join(coursedir.format_path(coursedir.source_directory, ".", assignment), f"{notebook}.ipynb")
        ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nbformat.read(path, as_version=4).cells]
    except Exception:  # noqa: BLE001 - no readable source notebook: keep the gradebook's order
        return list(source_cells)
    rank = {gid: i for i, gid in enumerate(ids) if gid}
    return sorted(source_cells, key=lambda c: rank.get(c.name, len(rank)))


# -- reading submissions ---------------------------------------------------------------------------

def _blank_submission(db_url: str, assignment: str, notebook: str) -> NotebookNode:
    """The released notebook, unanswered, rebuilt from the gradebook: it scores zero."""
    nb = nbformat.v4.new_notebook()
    with Gradebook(db_url) as gb:
        record = gb.find_notebook(notebook, assignment)
        grades = {c.name: c.max_score for c in record.grade_cells}
        solutions = {c.name for c in record.solution_cells}
        tasks = {c.name for c in record.task_cells}
        for source in instructor_order(record.source_cells, None, assignment, notebook):
            make = nbformat.v4.new_code_cell if source.cell_type == "code" else nbformat.v4.new_markdown_cell
            cell = make(source.source)
            meta = {"grade": source.name in grades, "solution": source.name in solutions, "locked": source.locked,
                    "task": source.name in tasks, "grade_id": source.name, "schema_version": 3}
            if source.name in grades:
                meta["points"] = grades[source.name]
            cell.metadata["nbgrader"] = meta
            nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def quarantine(folder: str, notebooks: list[str], max_extra_mb: int = 20, max_extra_files: int = 200,
               max_depth: int = 20) -> tuple[list[str], list[str], str]:
    """What of a submission *folder* nbgrader must not copy: (ignore globs, reasons, refusal or '').

    Walks the folder with ``course.grading.files.walk`` (no recursion, no symlink followed), so no
    tree can exhaust it; *notebooks* (the ones nbgrader grades) are left alone.
    """
    check_text(folder, "folder")
    check_items(notebooks, str, "notebooks", what="notebook paths")
    if not os.path.isdir(folder):
        raise CourseValueError(f"folder {folder!r} is not a folder")
    ignore: list[str] = []
    reasons: list[str] = []
    keep = {os.path.abspath(n) for n in notebooks}
    skipped: list[str] = []  # folders whose contents nbgrader will not copy
    count = 0
    size_left = max_extra_mb * 1024 * 1024

    def drop(entry: files.Entry, why: str) -> None:
        reasons.append(f"{entry.relative!r} {why}")
        ignore.append(glob.escape(entry.name))
        if entry.is_dir:
            skipped.append(entry.path + os.sep)

    try:
        for entry in files.walk(folder, max_depth=max_depth, max_entries=10 * max_extra_files):
            if any(entry.path.startswith(s) for s in skipped):
                continue
            if entry.is_link:
                drop(entry, f"is a symlink (to {os.readlink(entry.path)!r}); it was not followed")
            elif entry.is_dir:
                if entry.name in ("__pycache__", ".ipynb_checkpoints") or \
                        os.path.lexists(os.path.join(entry.path, "__init__.py")):
                    drop(entry, "is a Python package or cache; it was not copied (nothing a student submits is "
                                "imported)")
            elif not entry.is_file:
                drop(entry, "is not a regular file (a FIFO, socket or device); it was not copied")
            elif os.path.abspath(entry.path) in keep or entry.name.endswith(".ipynb"):
                continue
            elif entry.name.lower().endswith(CODE_SUFFIXES):
                drop(entry, "is Python code; it was not copied (nothing a student submits is imported)")
            else:
                count += 1
                if count > max_extra_files:
                    drop(entry, f"was not copied: the submission has more than {max_extra_files} other files")
                elif files.is_sparse(entry.info):
                    drop(entry, f"({entry.info.st_size} bytes) is a sparse file; it was not copied")
                elif entry.info.st_size > size_left:
                    drop(entry, f"({entry.info.st_size} bytes) was not copied: over the {max_extra_mb} MB "
                                "allowed for other files")
                else:
                    size_left -= entry.info.st_size
    except files.FolderTooDeep:
        return ignore, reasons, f"its folders nest more than {max_depth} deep"
    except files.FolderTooLarge:
        return ignore, reasons, f"it holds more than {10 * max_extra_files} files and folders"
    if len(ignore) > 100:  # nbgrader checks every file against every pattern: keep the list short
        return ["*"], reasons[:20] + [f"... and {len(reasons) - 20} more; no other file was copied"], ""
    return ignore, reasons, ""


def _whose(converter: Any, folder: str, assignment: str, student: str) -> tuple[str, str]:
    """(assignment, student) of a submission folder, by nbgrader's own path pattern."""
    import re

    try:
        pattern = converter._format_source("(?P<assignment_id>.*)", "(?P<student_id>.*)", escape=True)
        found = re.match(pattern, folder)
    except Exception:  # noqa: BLE001 - an nbgrader without that helper: keep what it passed
        found = None
    if found:
        return found.group("assignment_id"), found.group("student_id")
    return assignment, student


class SubmissionRefused(RuntimeError):
    """A submission the grader will not touch (nbgrader logs it as an error for that student only)."""


class GuardedExporter(NotebookExporter):
    """Reads submissions for ``nbgrader autograde`` without trusting them (see the module docstring)."""

    max_notebook_mb = Integer(50, help="Larger submitted notebooks are not read (graded as unanswered).").tag(config=True)
    max_cells = Integer(2000, help="Submitted notebooks with more cells are graded as unanswered.").tag(config=True)
    max_extra_mb = Integer(20, help="Other files of a submission copied next to the notebook, in MB.").tag(config=True)
    max_extra_files = Integer(200, help="Other files of a submission copied next to the notebook.").tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        converter = self.parent
        if converter is not None and hasattr(converter, "pre_convert_hook") and hasattr(converter, "coursedir"):
            self._install_quarantine(converter)

    def _install_quarantine(self, converter: Any) -> None:
        """Keep nbgrader from copying (or following) what a submission folder must not bring along.

        nbgrader copies a student's other files with ``shutil.copy``, which follows symlinks and
        blocks on a FIFO. The only hook before that copy is ``pre_convert_hook``; ours adds what
        ``quarantine`` finds to nbgrader's own ignore list for that student.
        """
        original = converter.pre_convert_hook
        base_ignore = list(converter.coursedir.ignore)
        exporter = self

        def hook(assignment: str, student: str, notebooks: list[str]) -> None:
            # nbgrader passes the command line's globs ('*'); the folder says whose submission it is
            converter.coursedir.ignore = list(base_ignore)
            root = converter.coursedir.root
            folders = {os.path.dirname(n) for n in notebooks}
            names: list[str] = []
            for folder in sorted(folders):
                assignment, student = _whose(converter, folder, assignment, student)
                _STARTED[(assignment, student)] = time.time()
                ignore, reasons, refusal = quarantine(folder, notebooks, exporter.max_extra_mb,
                                                      exporter.max_extra_files)
                for reason in reasons:
                    _record(root, assignment, student, "*", "file", reason, exporter.log)
                if refusal:
                    message = f"the submission was not graded: {refusal}; remove that folder and grade it again"
                    _record(root, assignment, student, "*", "file", message, exporter.log)
                    raise SubmissionRefused(message)
                names += ignore
            converter.coursedir.ignore = base_ignore + names
            if original:
                original(assignment=assignment, student=student, notebooks=notebooks)

        converter.pre_convert_hook = hook

    def _read_problem(self, filename: str) -> str:
        """Why a submitted notebook cannot be read safely, or ''."""
        try:
            info = os.lstat(filename)
        except OSError as err:
            return f"the notebook cannot be read ({err.strerror})"
        if stat.S_ISLNK(info.st_mode):
            return f"the notebook is a symlink (to {os.readlink(filename)!r}); it was not followed"
        if not stat.S_ISREG(info.st_mode):
            return "the notebook is not a regular file (a FIFO, socket or device); it was not opened"
        if info.st_size > self.max_notebook_mb * 1024 * 1024:
            return f"the notebook is larger than {self.max_notebook_mb} MB"
        try:
            fd = os.open(filename, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            with os.fdopen(fd, encoding="utf-8") as handle:
                nb = nbformat.read(handle, as_version=4)
            if not isinstance(nb.get("cells"), list):
                raise ValueError("it has no list of cells")
        except Exception as err:  # noqa: BLE001 - any unreadable file is the student's, not the grader's
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            return f"the file is not a notebook nbformat can read ({type(err).__name__}: {first[:200]})"
        if len(nb.cells) > self.max_cells:
            return f"the notebook has {len(nb.cells)} cells, more than the {self.max_cells} allowed"
        return ""

    def from_filename(self, filename: str, resources: Any = None, **kw: Any) -> tuple[str, dict]:
        reading_submission = getattr(self.parent, "_sanitizing", False) and resources and "nbgrader" in resources
        if not reading_submission:
            return super().from_filename(filename, resources, **kw)
        problem = self._read_problem(filename)
        if not problem:
            return super().from_filename(filename, resources, **kw)
        info = resources["nbgrader"]
        root = getattr(getattr(self.parent, "coursedir", None), "root", ".")
        _record(root, info["assignment"], info["student"], info["notebook"], "file",
                f"{problem}; graded as unanswered (0 points)", self.log)
        blank = _blank_submission(info["db_url"], info["assignment"], info["notebook"])
        resources.setdefault("metadata", {})["path"] = os.path.dirname(os.path.abspath(filename))
        return self.from_notebook_node(blank, resources, **kw)


# -- restoring the instructor's cells -----------------------------------------------------------

def _released(source: str) -> str:
    """A cell's source as students get it: without the hidden tests, trailing blanks ignored."""
    kept, hidden = [], False
    for line in source.splitlines():
        if "BEGIN HIDDEN TESTS" in line:
            hidden = True
        elif "END HIDDEN TESTS" in line:
            hidden = False
        elif not hidden:
            kept.append(line.rstrip())
    return "\n".join(kept).strip()


def _valid_metadata(cell: NotebookNode) -> bool:
    """Is the cell's nbgrader metadata well formed (so that nbgrader will not stop on it)?"""
    meta = cell.metadata.get("nbgrader")
    if not isinstance(meta, dict) or meta.get("schema_version") != 3:
        return False
    flags = ("grade", "solution", "locked", "task")
    if any(not isinstance(meta.get(f, False), bool) for f in flags):
        return False
    if "grade_id" in meta and not (isinstance(meta["grade_id"], str) and meta["grade_id"].strip()):
        return False
    points = meta.get("points", 0)
    if isinstance(points, bool) or not isinstance(points, (int, float)) or not 0 <= points < 1e6:
        return False
    try:
        key = json.dumps([cell.get("cell_type"), meta], sort_keys=True)
    except (TypeError, ValueError):
        return False
    return _valid_by_nbgrader(key)


_SEEN_VALID: dict[str, bool] = {}  # (cell type, metadata) pairs nbgrader's validator accepted in this process


class CachedCheckCellMetadata(CheckCellMetadata):
    """nbgrader's CheckCellMetadata, which skips a cell whose (type, metadata) it already accepted.

    nbgrader checks its JSON Schema itself before every cell it validates, which was a third of
    the grader's time per notebook; the cells of a class repeat the same few metadata.
    """

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        from nbgrader.nbgraderformat import MetadataValidator, ValidationError

        validator = None
        for cell in nb.cells:
            if "nbgrader" not in cell.metadata:
                continue
            try:
                key = json.dumps([cell.get("cell_type"), cell.metadata["nbgrader"]], sort_keys=True)
            except (TypeError, ValueError):
                key = None
            if key is not None and key in _SEEN_VALID:
                continue
            validator = validator or MetadataValidator()
            try:
                validator.validate_cell(cell)
            except ValidationError:
                msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
                self.log.error(msg)
                raise ValidationError(msg) from None
            if key is not None:
                if len(_SEEN_VALID) > 8192:
                    _SEEN_VALID.clear()
                _SEEN_VALID[key] = True
        return nb, resources


@functools.lru_cache(maxsize=4096)
def _valid_by_nbgrader(key: str) -> bool:
    """nbgrader's own check of one (cell type, metadata); cached, since a class's cells repeat the same few."""
    from nbgrader.nbgraderformat import MetadataValidator

    cell_type, meta = json.loads(key)
    cell = nbformat.from_dict({"cell_type": cell_type, "metadata": {"nbgrader": meta}, "source": ""})
    try:
        MetadataValidator().validate_cell(cell)
    except Exception:  # noqa: BLE001 - nbgrader raises several kinds; any of them would stop the class
        return False
    return True


def _root(preprocessor: Any) -> str:
    """The course root of the nbgrader run a preprocessor belongs to ('.' when unknown)."""
    converter = getattr(getattr(preprocessor, "parent", None), "parent", None)
    return getattr(getattr(converter, "coursedir", None), "root", ".")


def _finding(preprocessor: Any, resources: Any, kind: str, message: str) -> None:
    info = (resources or {}).get("nbgrader", {})
    _record(_root(preprocessor), str(info.get("assignment", "?")), str(info.get("student", "?")),
            str(info.get("notebook", "?")), kind, message, preprocessor.log)


class SafeDeduplicateIds(DeduplicateIds):
    """nbgrader's DeduplicateIds, which first drops malformed nbgrader metadata and names the student.

    nbgrader stops grading the WHOLE CLASS when one cell's metadata has an old schema version, and
    DeduplicateIds leaves an empty (old-schema) metadata dict on every duplicate; here a duplicate or
    a malformed cell simply becomes the student's own cell, and missing tests are put back later.
    """

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        self._resources = resources
        malformed = []
        for index, cell in enumerate(nb.cells):
            if "nbgrader" in cell.metadata and not _valid_metadata(cell):
                cell.metadata.pop("nbgrader")
                malformed.append(index + 1)
        if malformed:
            shown = ", ".join(f"#{i}" for i in malformed[:10]) + (" ..." if len(malformed) > 10 else "")
            _finding(self, resources, "structure", f"{len(malformed)} cell(s) ({shown}) have malformed nbgrader "
                                                   "metadata; they are treated as the student's own cells")
        self._duplicates: list[str] = []
        nb, resources = super().preprocess(nb, resources)
        if self._duplicates:
            shown = ", ".join(findings.one_line(d, 60) for d in self._duplicates[:10])
            _finding(self, resources, "structure", f"cell(s) {shown} appear more than once; only the first copy counts")
        return nb, resources

    def preprocess_cell(self, cell: NotebookNode, resources: Any, cell_index: int) -> tuple[NotebookNode, Any]:
        meta = cell.metadata.get("nbgrader", {})
        if not (nbutils.is_grade(cell) or nbutils.is_solution(cell) or nbutils.is_locked(cell)):
            return cell, resources
        if meta.get("grade_id") in self.grade_ids:
            self._duplicates.append(str(meta.get("grade_id")))
            cell.metadata.pop("nbgrader")
        else:
            self.grade_ids.add(meta.get("grade_id"))
        return cell, resources


class SafeOverwriteCells(OverwriteCells):
    """nbgrader's OverwriteCells, restoring ALL the instructor's metadata, deleted set-up cells and moved locked cells.

    The gradebook is read once per notebook (nbgrader asks it once per cell).
    """

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        self._resources = resources
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.db_url = resources["nbgrader"]["db_url"]
        self.gradebook = Gradebook(self.db_url)
        with self.gradebook:
            record = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
            self._sources = {c.name: c for c in record.source_cells}
            self._grades = {c.name: float(c.max_score) for c in record.grade_cells}
            self._solutions = {c.name for c in record.solution_cells}
            self._tasks = {c.name for c in record.task_cells}
            self._unknown: list[str] = []
            self._changed: list[str] = []
            for index, cell in enumerate(nb.cells):
                nb.cells[index], resources = self.preprocess_cell(cell, resources, index)
            if self._unknown:
                shown = ", ".join(self._unknown[:10]) + (" ..." if len(self._unknown) > 10 else "")
                _finding(self, resources, "structure", f"{len(self._unknown)} cell(s) claim ids the gradebook does not "
                                                       f"know ({shown}); they are treated as the student's own cells")
            for change in self._changed:
                _finding(self, resources, "structure", change)
            if self.add_missing_cells:
                nb, resources = self.add_missing_grade_cells(nb, resources)
                nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources

    def _instructor_meta(self, name: str) -> dict:
        source = self._sources[name]
        meta = {"grade": name in self._grades, "grade_id": name, "locked": bool(source.locked),
                "schema_version": 3, "solution": name in self._solutions, "task": name in self._tasks,
                "checksum": source.checksum}
        if name in self._grades:
            meta["points"] = self._grades[name]
        return meta

    def preprocess_cell(self, cell: NotebookNode, resources: Any, cell_index: int) -> tuple[NotebookNode, Any]:
        meta = cell.metadata.get("nbgrader")
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if grade_id is None:
            if isinstance(meta, dict):
                cell.metadata.pop("nbgrader")
            return cell, resources
        source = self._sources.get(grade_id)
        if source is None:
            self._unknown.append(f"#{cell_index + 1} {findings.one_line(grade_id, 60)!r}")
            cell.metadata.pop("nbgrader")  # an unknown id: a plain cell of the student's
            return cell, resources
        changes = []
        if cell.cell_type != source.cell_type:
            changes.append("its cell type")
            self.update_cell_type(cell, source.cell_type)
        wanted = self._instructor_meta(grade_id)
        for key in ("grade", "solution", "locked", "task", "points"):
            have = meta.get(key)
            if key == "points" and have is not None and not isinstance(have, bool):
                try:
                    have = float(have)
                except (TypeError, ValueError):
                    pass
            if have != wanted.get(key) and not (key == "task" and have is None and not wanted["task"]):
                changes.append(f"its {key} flag" if key != "points" else "its points")
        cell.metadata["nbgrader"] = wanted
        if source.locked and nbutils.compute_checksum(cell) != source.checksum:
            if _released(source.source) != _released(cell.source):
                changes.append("its code" if cell.cell_type == "code" else "its text")
            cell.source = source.source
        if changes:
            self._changed.append(f"cell {findings.one_line(grade_id, 60)}: {', '.join(changes)} changed; the "
                                 "instructor's version is restored")
        return cell, resources

    def add_missing_grade_cells(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        """Put back every missing graded or locked cell after its nearest surviving predecessor."""
        record = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = instructor_order(record.source_cells, self.config, self.assignment_id, self.notebook_id)
        grades = {c.name: c.max_score for c in record.grade_cells}
        solutions = {c.name for c in record.solution_cells}

        def position(name: str) -> int | None:
            for i, cell in enumerate(nb.cells):
                if cell.metadata.get("nbgrader", {}).get("grade_id") == name:
                    return i
            return None

        for i, source in enumerate(source_cells):
            here = position(source.name)
            previous = source_cells[i - 1] if i else None
            answer_gone = previous is not None and previous.name in solutions and position(previous.name) is None
            restore_cell = source.name in grades or (source.locked and source.name not in solutions)
            after = next((p for p in (position(prev.name) for prev in reversed(source_cells[:i])) if p is not None), -1)
            before = next((p for p in (position(nxt.name) for nxt in source_cells[i + 1:]) if p is not None), None)
            out_of_order = here is not None and (here < after or (before is not None and here > before))
            if here is None and restore_cell:
                if source.name in grades:
                    cell = self.missing_cell_transform(source, grades[source.name],
                                                       is_solution=source.name in solutions)
                else:
                    cell = self._missing_locked_cell(source)
                if answer_gone and source.name in grades:
                    # its answer cell is gone too (deleted, or unmarked): test whatever the notebook
                    # defines by its end, so an answer kept in an unmarked cell still counts
                    nb.cells.append(cell)
                else:
                    nb.cells.insert(after + 1, cell)
                _finding(self, resources, "structure", f"cell {source.name} was missing; the instructor's version is put back")
            elif out_of_order and restore_cell:
                cell = nb.cells.pop(here)
                nb.cells.insert(after if here < after else after + 1, cell)  # after the predecessor
                _finding(self, resources, "structure", f"locked cell {source.name} was moved; it runs in the instructor's "
                                                       "order again")
        return nb, resources

    def add_missing_task_cells(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        """nbgrader's version, for notebooks in which a cell lost its grade id (nbgrader would crash)."""
        record = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        present = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        for task in record.task_cells:
            if task.name not in present:
                source = next(s for s in record.source_cells if s.name == task.name)
                nb.cells.append(self.missing_cell_transform(source, task.max_score, is_task=True))
        return nb, resources

    def _missing_locked_cell(self, source: Any) -> NotebookNode:
        note = self.missing_cell_notification.format(cell_id=source.name)
        if source.cell_type == "code":
            cell = nbformat.v4.new_code_cell("# " + note + source.source)
        else:
            cell = nbformat.v4.new_markdown_cell(note + source.source)
        cell.metadata.update({"deletable": False, "editable": False, "nbgrader": {
            "grade": False, "solution": False, "locked": True, "task": False, "grade_id": source.name,
            "checksum": source.checksum, "schema_version": 3}})
        return cell
