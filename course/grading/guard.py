"""Grading guards for ``nbgrader autograde``: every trick earns zero, every honest answer its points.

nbgrader stays the grading engine; ``course.grading.sandbox.configure`` swaps in these subclasses of
its own parts through nbgrader's configuration, so stock ``nbgrader autograde`` uses them too.

- ``GuardedExporter`` reads each submitted notebook. A notebook that is a symlink, too large, not
  JSON or not a notebook nbformat can read is graded as if unanswered (zero), with a log line, and
  never stops the rest of the class. Symlinks planted in a submission folder are never followed.
- ``SafeDeduplicateIds`` and ``SafeOverwriteCells`` put back what a student changed in the
  instructor's cells (nbgrader's own rules), name the student in every log line, and also restore
  deleted set-up cells, missing cells whose neighbours are gone too (nbgrader would crash), and the
  instructor's order when a locked cell was moved.
- ``GuardedExecute`` runs the notebook, in the sandbox when available
  (``course.grading.sandbox``), and

  * scans the student's cells before they run (``course.grading.integrity``); a notebook that
    tampers with the grading machinery earns no automatic points;
  * seals every test cell: it gives ``course.testkit`` a secret key before any student code runs,
    puts the set-up cell's names back before each test cell, and afterwards checks, outside the
    kernel, a record signed with that key of which lines of the test cell made a check that
    passed (and the partial-credit value), so a skipped, rewritten or faked test earns nothing;
  * caps each cell's output, limits each cell's and the whole notebook's wall-clock time, and
    when the kernel dies or will not stop, marks the remaining cells as not run (zero) and moves
    on to the next notebook.

Every finding is logged as ``[course-guard] student '<id>', notebook '<assignment>/<notebook>': ...``.

Public API: ``GuardedExporter``, ``SafeDeduplicateIds``, ``SafeOverwriteCells``, ``GuardedExecute``,
``LOG_PREFIX``, ``call_sites(source)``.

>>> call_sites("_check.kind(x, int, 'x')\\nfor v in vs:\\n    _check.equal(v, 1, 'v')\\nif x:\\n    _check.kind(x, int, 'x')")
[1, 3]
"""

from __future__ import annotations

import ast
import copy
import glob
import hmac
import json
import os
import secrets
import time
from typing import Any

import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert.exporters import NotebookExporter
from nbformat.notebooknode import NotebookNode
from nbgrader import utils as nbutils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import DeduplicateIds, Execute, OverwriteCells
from traitlets import Bool, Integer, Unicode

from course.errors import check_text
from course.grading import integrity
from course.grading.sandbox import Limits, SandboxKernelManager, kernel_manager_class
from course.testkit import seal_digest

__all__ = ["LOG_PREFIX", "GuardedExecute", "GuardedExporter", "SafeDeduplicateIds", "SafeOverwriteCells",
           "call_sites"]

LOG_PREFIX = "[course-guard]"


def _who(resources: Any) -> str:
    info = (resources or {}).get("nbgrader", {})
    return f"student {info.get('student', '?')!r}, notebook '{info.get('assignment', '?')}/{info.get('notebook', '?')}'"


def _label(cell: Any, index: int) -> str:
    gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"cell {gid}" if gid else f"cell #{index + 1}"


def _error(ename: str, message: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=message,
                                  traceback=[f"\x1b[0;31m{ename}\x1b[0m: {message}"])


def instructor_order(source_cells: list[Any], config: Any, assignment: str, notebook: str) -> list[Any]:
    """The gradebook's source cells in the order of the instructor's notebook.

    The gradebook keeps no cell order (PostgreSQL returns rows in any order), so the order is read
    from ``source/<assignment>/<notebook>.ipynb``; cells it does not list keep the gradebook's order.
    """
    from nbgrader.coursedir import CourseDirectory

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
        for source in record.source_cells:
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


class GuardedExporter(NotebookExporter):
    """Reads submissions for ``nbgrader autograde`` without trusting them (see the module docstring)."""

    max_notebook_mb = Integer(50, help="Larger submitted notebooks are not read (graded as unanswered).").tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        converter = self.parent
        if converter is not None and hasattr(converter, "pre_convert_hook") and hasattr(converter, "coursedir"):
            self._install_symlink_guard(converter)

    def _install_symlink_guard(self, converter: Any) -> None:
        """Keep nbgrader from copying (following) symlinks in a submission folder.

        nbgrader copies a student's extra files with ``shutil.copy``, which follows symlinks (and
        fails on a dangling one). The only hook before that copy is ``pre_convert_hook``; ours adds
        the names of the symlinks to nbgrader's own ignore list for that student.
        """
        original = converter.pre_convert_hook
        base_ignore = list(converter.coursedir.ignore)
        log = self.log

        def hook(assignment: str, student: str, notebooks: list[str]) -> None:
            converter.coursedir.ignore = list(base_ignore)
            folders = {os.path.dirname(n) for n in notebooks}
            names: list[str] = []
            for folder in folders:
                # nbgrader's default layout is submitted/<student>/<assignment>/
                who = f"student {os.path.basename(os.path.dirname(folder))!r}, notebook '{os.path.basename(folder)}/*'"
                for path, dirs, files in os.walk(folder):
                    dirs.sort()
                    for name in sorted(dirs + files):
                        full = os.path.join(path, name)
                        if os.path.islink(full):
                            rel = os.path.relpath(full, folder)
                            log.warning("%s %s: the symlink %r -> %r in the submission was not followed",
                                        LOG_PREFIX, who, rel, os.readlink(full))
                            names.append(glob.escape(name))
            converter.coursedir.ignore = base_ignore + names
            if original:
                original(assignment=assignment, student=student, notebooks=notebooks)

        converter.pre_convert_hook = hook

    def from_filename(self, filename: str, resources: Any = None, **kw: Any) -> tuple[str, dict]:
        reading_submission = getattr(self.parent, "_sanitizing", False) and resources and "nbgrader" in resources
        if not reading_submission:
            return super().from_filename(filename, resources, **kw)
        problem = ""
        if os.path.islink(filename):
            problem = f"the notebook is a symlink (to {os.readlink(filename)!r}); it was not followed"
        elif os.path.getsize(filename) > self.max_notebook_mb * 1024 * 1024:
            problem = f"the notebook is larger than {self.max_notebook_mb} MB"
        else:
            try:
                with open(filename, encoding="utf-8") as handle:
                    nb = nbformat.read(handle, as_version=4)
                if not isinstance(nb.get("cells"), list):
                    raise ValueError("it has no list of cells")
            except Exception as err:  # noqa: BLE001 - any unreadable file is the student's, not the grader's
                first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
                problem = f"the file is not a notebook nbformat can read ({type(err).__name__}: {first[:200]})"
        if not problem:
            return super().from_filename(filename, resources, **kw)
        info = resources["nbgrader"]
        self.log.warning("%s %s: %s; graded as unanswered (0 points)", LOG_PREFIX, _who(resources), problem)
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
    from nbgrader.nbgraderformat import MetadataValidator

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
        MetadataValidator().validate_cell(cell)
    except Exception:  # noqa: BLE001 - nbgrader raises several kinds; any of them would stop the class
        return False
    return True


class SafeDeduplicateIds(DeduplicateIds):
    """nbgrader's DeduplicateIds, which first drops malformed nbgrader metadata and names the student.

    nbgrader stops grading the WHOLE CLASS when one cell's metadata has an old schema version, and
    DeduplicateIds leaves an empty (old-schema) metadata dict on every duplicate; here a duplicate or
    a malformed cell simply becomes the student's own cell, and missing tests are put back later.
    """

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        self._resources = resources
        for index, cell in enumerate(nb.cells):
            if "nbgrader" in cell.metadata and not _valid_metadata(cell):
                cell.metadata.pop("nbgrader")
                self.log.warning("%s %s: cell #%d has malformed nbgrader metadata; it is treated as the student's "
                                 "own cell", LOG_PREFIX, _who(resources), index + 1)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, cell_index: int) -> tuple[NotebookNode, Any]:
        meta = cell.metadata.get("nbgrader", {})
        if not (nbutils.is_grade(cell) or nbutils.is_solution(cell) or nbutils.is_locked(cell)):
            return cell, resources
        if meta.get("grade_id") in self.grade_ids:
            self.log.warning("%s %s: cell %s appears more than once; only the last copy counts",
                             LOG_PREFIX, _who(resources), meta.get("grade_id"))
            cell.metadata.pop("nbgrader")
        else:
            self.grade_ids.add(meta.get("grade_id"))
        return cell, resources


class SafeOverwriteCells(OverwriteCells):
    """nbgrader's OverwriteCells, which also restores deleted set-up cells and moved locked cells."""

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        self._resources = resources
        return super().preprocess(nb, resources)

    def report_change(self, name: str, attr: str, old: Any, new: Any) -> None:
        if attr == "checksum" and not self._edited:
            return  # the released cell differs from the instructor's only by its hidden tests
        what = {"checksum": "was edited", "locked": "was unlocked", "points": "had its points changed",
                "cell_type": "had its cell type changed"}.get(attr, f"had its {attr} changed")
        self.log.warning("%s %s: cell %s %s; the instructor's version is restored",
                         LOG_PREFIX, _who(self._resources), name, what)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, cell_index: int) -> tuple[NotebookNode, Any]:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        self._edited = False
        if grade_id is not None:
            try:
                source = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except MissingEntry:
                self.log.warning("%s %s: cell #%d claims the unknown id %r; it is treated as the student's own cell",
                                 LOG_PREFIX, _who(resources), cell_index + 1, grade_id)
            else:
                self._edited = _released(source.source) != _released(cell.source)
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if "grade_id" not in cell.metadata.get("nbgrader", {"grade_id": None}):
            cell.metadata.pop("nbgrader")  # an unknown id: a plain cell of the student's (nbgrader left a husk)
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
                self.log.warning("%s %s: cell %s was missing; the instructor's version is put back",
                                 LOG_PREFIX, _who(resources), source.name)
            elif out_of_order and restore_cell:
                cell = nb.cells.pop(here)
                nb.cells.insert(after if here < after else after + 1, cell)  # after the predecessor
                self.log.warning("%s %s: locked cell %s was moved; it runs in the instructor's order again",
                                 LOG_PREFIX, _who(resources), source.name)
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


# -- running the notebook --------------------------------------------------------------------------

def call_sites(source: str) -> list[int]:
    """Lines of a test cell whose ``_check.<method>(...)`` call always runs (not in a branch or handler)."""
    check_text(source, "source")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    lines: set[int] = set()
    conditional = (ast.If, ast.While, ast.Try, ast.IfExp, ast.BoolOp, ast.Lambda, ast.FunctionDef,
                   ast.AsyncFunctionDef, ast.ClassDef, ast.With, ast.Match) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())

    def walk(node: ast.AST, certain: bool) -> None:
        if isinstance(node, ast.comprehension):
            walk(node.target, certain)
            walk(node.iter, certain)
            for test in node.ifs:
                walk(test, False)
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "_check" and certain:
            lines.add(node.func.end_lineno or node.lineno)
        inner = certain and not isinstance(node, conditional)
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            for gen in node.generators:
                walk(gen, certain)
            elements = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            for element in elements:
                walk(element, False if any(g.ifs for g in node.generators) else certain)
            return
        for child in ast.iter_child_nodes(node):
            walk(child, inner)

    for statement in tree.body:
        walk(statement, True)
    return sorted(lines)


def _unrestored(source: str) -> str:
    """A cell's code without the comment nbgrader prepends to cells it puts back."""
    lines = source.strip().splitlines()
    if lines and lines[0].startswith("# This cell (id:") and "was missing" in lines[0]:
        lines = lines[1:]
    return "\n".join(lines).strip()


def _uses_checker(source: str) -> bool:
    return "_check" in source


def _last_statement(source: str) -> ast.stmt | None:
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return None
    return body[-1] if body else None


def _is_partial_call(node: ast.AST | None) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "partial"
            and isinstance(node.value.func.value, ast.Name) and node.value.func.value.id == "_check")


def _would_score(cell: NotebookNode) -> bool:
    """Would nbgrader give this test cell any points (no error or stderr before a result)?"""
    for output in cell.get("outputs", []):
        if output.output_type == "error" or (output.output_type == "stream" and output.get("name") == "stderr"):
            return False
        if output.output_type == "execute_result":
            try:
                return float(output.get("data", {}).get("text/plain", "1")) != 0
            except (TypeError, ValueError):
                return True
    return True


def _output_size(msg: dict) -> int:
    content = msg.get("content", {})
    if "text" in content:
        return len(content["text"])
    if "data" in content:
        return sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in content["data"].values())
    return len(json.dumps(content, default=str))


class GuardedExecute(Execute):
    """nbgrader's Execute, in the sandbox, with the integrity scan, sealed test cells and robust limits."""

    sandbox = Unicode("auto", help="auto: sandbox when bubblewrap works, else warn; required; off").tag(config=True)
    scan = Bool(True, help="Flag (and give no automatic points to) code that tampers with grading.").tag(config=True)
    seal = Bool(True, help="Verify each test cell's signed record of passed checks outside the kernel.").tag(config=True)
    max_output_bytes = Integer(2_000_000, help="Output kept per cell; the rest is dropped with a note.").tag(config=True)
    notebook_timeout = Integer(900, help="Wall-clock seconds for a whole notebook.").tag(config=True)
    cpu_seconds = Integer(Limits.cpu_seconds, help="CPU seconds for each sandboxed process.").tag(config=True)
    memory_mb = Integer(Limits.memory_mb, help="Address space (MiB) of each sandboxed process.").tag(config=True)
    processes = Integer(Limits.processes, help="Processes and threads in one sandbox.").tag(config=True)
    file_mb = Integer(Limits.file_mb, help="Largest file (MiB) a sandboxed kernel may write.").tag(config=True)
    tmp_mb = Integer(Limits.tmp_mb, help="Size (MiB) of the sandbox's /tmp and working folder.").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kernel_manager_class = kernel_manager_class(self.sandbox)

    # -- kernel set-up -------------------------------------------------------------------------
    def _coursedir(self) -> Any:
        converter = getattr(self.parent, "parent", None)
        found = getattr(converter, "coursedir", None)
        if found is None:
            from nbgrader.coursedir import CourseDirectory

            found = CourseDirectory(config=self.config)
        return found

    def create_kernel_manager(self) -> Any:
        km = super().create_kernel_manager()
        if isinstance(km, SandboxKernelManager):
            info = self.resources.get("nbgrader", {})
            coursedir = self._coursedir()
            if info.get("student") and info.get("assignment"):
                km.sandbox_submitted = coursedir.format_path(coursedir.submitted_directory, info["student"],
                                                             info["assignment"])
            exchange = self.config["Exchange"].get("root") if "Exchange" in self.config else None
            km.sandbox_forbidden = tuple(os.path.realpath(p) for p in (coursedir.root, exchange) if isinstance(p, str) and p)
            km.sandbox_limits = Limits(cpu_seconds=self.cpu_seconds, memory_mb=self.memory_mb,
                                       processes=self.processes, file_mb=self.file_mb, tmp_mb=self.tmp_mb)
        return km

    # -- the run ---------------------------------------------------------------------------------
    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> tuple[NotebookNode, Any]:
        from nbclient import NotebookClient

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._who = _who(resources)
        self._started = time.monotonic()
        self._stopped = ""
        self._key = secrets.token_hex(32)
        self._armed = False
        self._setup_names: list[str] = []
        findings = self._scan() if self.scan else []
        with self.setup_kernel():
            assert self.kc is not None
            info_msg = self.wait_for_reply(self.kc.kernel_info())
            if info_msg is not None:
                self.nb.metadata["language_info"] = info_msg["content"].get("language_info", {})
            if self.seal:
                self._armed = self._seal_call(f"_seal_arm({self._key!r})") == "armed"
                if not self._armed:
                    self.log.warning("%s %s: test cells cannot be sealed (course.testkit is not importable in the "
                                     "kernel); they are graded the plain nbgrader way", LOG_PREFIX, self._who)
            for index, cell in enumerate(self.nb.cells):
                self.preprocess_cell(cell, resources, index)
        self.set_widgets_metadata()
        if findings:
            self._zero_for(findings)
        self._summarise()
        return self.nb, self.resources

    def _summarise(self) -> None:
        """One log line per notebook: autograded points, failed tests and errors in the student's cells."""
        earned = possible = 0.0
        failed, crashed = [], []
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            errors = [o for o in cell.outputs if o.output_type == "error"]
            first = f"{errors[0].get('ename')}: {str(errors[0].get('evalue', '')).strip()[:120]}" if errors else ""
            if nbutils.is_grade(cell) and not nbutils.is_solution(cell):
                score, points = nbutils.determine_grade(cell, self.log)
                earned, possible = earned + (score or 0), possible + points
                if (score or 0) < points:
                    failed.append(f"{_label(cell, index).removeprefix('cell ')} ({first or 'partial credit'})")
            elif errors and not nbutils.is_locked(cell):
                crashed.append(f"{_label(cell, index).removeprefix('cell ')}: {first}")
        parts = [f"{earned:g}/{possible:g} autograded points (ran {time.monotonic() - self._started:.1f} s)"]
        if failed:
            parts.append("tests that did not pass: " + "; ".join(failed[:4]) + (" ..." if len(failed) > 4 else ""))
        if crashed:
            parts.append("errors in the student's cells: " + "; ".join(crashed[:3]) + (" ..." if len(crashed) > 3 else ""))
        self.log.info("%s %s: %s", LOG_PREFIX, self._who, ". ".join(parts))

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> tuple[NotebookNode, Any]:
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        if not self._stopped and time.monotonic() - self._started > self.notebook_timeout:
            self._kill(f"the notebook ran longer than {self.notebook_timeout} s")
        if self._stopped:
            cell.outputs = [_error("NotRun", f"not run: {self._stopped}")]
            return cell, resources
        test = nbutils.is_grade(cell) and not nbutils.is_solution(cell) and _uses_checker(cell.source)
        sealed = test and self._armed
        nonce = secrets.token_hex(16)
        if sealed:
            self._seal_call(f"_seal_begin({nonce!r}, {cell.source!r})")
        self._cell_bytes = 0
        self._truncated = False
        self._kept_stderr = False
        try:
            cell = self.execute_cell(cell, index, store_history=True)
        except DeadKernelError:
            self._stopped = "the kernel stopped (it crashed, exited, or hit a memory or CPU limit) in an earlier cell"
            cell.outputs.insert(0, _error("KernelDied", "the kernel stopped while running this cell"))
            self.log.warning("%s %s, %s: the kernel died; this and every later cell score 0",
                             LOG_PREFIX, self._who, _label(cell, index))
            return cell, resources
        except CellTimeoutError:
            self._kill("an earlier cell did not stop when interrupted")
            cell.outputs.insert(0, _error("CellTimeoutError", f"did not finish within {self.timeout} s and ignored the "
                                                              "interrupt; the kernel was stopped"))
            self.log.warning("%s %s, %s: the cell ran past %s s and ignored the interrupt; the kernel was stopped "
                             "and every later cell scores 0", LOG_PREFIX, self._who, _label(cell, index), self.timeout)
            return cell, resources
        if any(o.output_type == "error" and o.get("ename") == "CellTimeoutError" for o in cell.outputs):
            self.log.warning("%s %s, %s: the cell ran past %s s and was interrupted (0 points for it)",
                             LOG_PREFIX, self._who, _label(cell, index), self.timeout)
        if nbutils.is_locked(cell) and not nbutils.is_grade(cell) and self._armed:
            names = integrity.bound_names(cell.source)
            self._setup_names += names
            self._seal_call(f"_seal_snapshot({names!r})")
        if sealed:
            self._verify(cell, index, nonce)
        return cell, self.resources

    # -- sealing -----------------------------------------------------------------------------------
    def _seal_call(self, call: str) -> str | None:
        """Evaluate ``course.testkit.<call>`` in the kernel, silently; its string result, or None."""
        assert self.kc is not None
        expression = f"__import__('course.testkit', fromlist=['_']).{call}"
        try:
            msg_id = self.kc.execute("", silent=True, store_history=False, user_expressions={"seal": expression},
                                     allow_stdin=False, stop_on_error=False)
            reply = self.wait_for_reply(msg_id)
        except (DeadKernelError, CellTimeoutError, RuntimeError):
            return None
        try:
            result = reply["content"]["user_expressions"]["seal"]
            if result.get("status") != "ok":
                return None
            value = ast.literal_eval(result["data"]["text/plain"])
        except (KeyError, TypeError, ValueError, SyntaxError):
            return None
        return value if isinstance(value, str) else None

    def _verify(self, cell: NotebookNode, index: int, nonce: str) -> None:
        if not _would_score(cell):
            self._seal_call(f"_seal_end({nonce!r})")  # close the record; the cell earns nothing anyway
            return
        problem = self._seal_problem(cell, nonce)
        if problem:
            cell.outputs.insert(0, _error("GradingIntegrityError",
                                          f"this test's result could not be verified ({problem}); 0 points"))
            self.log.warning("%s %s, %s: %s; the test scores 0", LOG_PREFIX, self._who, _label(cell, index), problem)

    def _seal_problem(self, cell: NotebookNode, nonce: str) -> str:
        raw = self._seal_call(f"_seal_end({nonce!r})")
        try:
            sealed = json.loads(raw or "")
            record, mac = sealed["record"], sealed["mac"]
        except (ValueError, TypeError, KeyError):
            return "the checker gave no signed record: it was replaced or the test did not run as written"
        if not isinstance(mac, str) or not hmac.compare_digest(mac, seal_digest(bytes.fromhex(self._key), nonce, record)):
            return "the record of the checks carries a forged signature"
        if record.get("nonce_seen") is not True:
            return "the record belongs to another cell"
        tree_source = cell.source
        try:
            has_try = any(isinstance(n, ast.Try) for n in ast.walk(ast.parse(tree_source)))
        except SyntaxError:
            has_try = False
        if record.get("failed") and not has_try:
            return "a check failed, yet the cell reported success"
        missing = sorted(set(call_sites(tree_source)) - set(record.get("lines", [])))
        if missing:
            return f"the checks on line(s) {', '.join(map(str, missing))} never passed: the test did not run as written"
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        last = _last_statement(tree_source)
        if len(results) > (1 if isinstance(last, ast.Expr) else 0):
            return "the cell shows a result that its last line did not produce"
        if results and _is_partial_call(last):
            partials = record.get("partial") or []
            try:
                shown = float(results[0].get("data", {}).get("text/plain", "nan"))
            except (TypeError, ValueError):
                shown = float("nan")
            if not partials or shown != partials[-1]:
                return "the partial credit shown is not what the checker computed"
        return ""

    # -- the integrity scan --------------------------------------------------------------------
    def _scan(self) -> list[integrity.Finding]:
        setup: list[str] = []
        instructor: set[str] = set()
        student: list[tuple[str, str]] = []
        for cell in self.nb.cells:
            if cell.cell_type == "code" and nbutils.is_locked(cell):
                instructor.add(_unrestored(cell.source))
                if not nbutils.is_grade(cell):
                    setup += integrity.bound_names(cell.source)
        for index, cell in enumerate(self.nb.cells):
            # a copy of an instructor's cell (e.g. one that lost its metadata) is not the student's code
            if cell.cell_type == "code" and not nbutils.is_locked(cell) and _unrestored(cell.source) not in instructor:
                student.append((_label(cell, index).removeprefix("cell "), cell.source))
        findings = integrity.scan_cells(student, setup)
        for finding in findings:
            self.log.warning("%s %s: tampering with grading: %s", LOG_PREFIX, self._who, finding)
        return findings

    def _zero_for(self, findings: list[integrity.Finding]) -> None:
        summary = "; ".join(str(f) for f in findings[:3]) + (f"; and {len(findings) - 3} more" if len(findings) > 3 else "")
        zeroed = 0
        for cell in self.nb.cells:
            if cell.cell_type == "code" and nbutils.is_grade(cell) and not nbutils.is_solution(cell):
                cell.outputs.insert(0, _error("GradingIntegrityError", "no automatic points: the notebook changes the "
                                                                       f"grading machinery ({summary})"))
                zeroed += 1
        self.log.warning("%s %s: %d autograded test cell(s) score 0 because the code tampers with grading; "
                         "flagged for the instructor's review", LOG_PREFIX, self._who, zeroed)

    # -- limits ------------------------------------------------------------------------------------
    def _get_timeout(self, cell: NotebookNode | None) -> int | None:
        timeout = super()._get_timeout(cell)
        left = int(self.notebook_timeout - (time.monotonic() - self._started)) if hasattr(self, "_started") else None
        if left is None:
            return timeout
        left = max(left, 1)
        return left if timeout is None else min(timeout, left)

    def _kill(self, why: str) -> None:
        self._stopped = why
        if self.km is not None:
            try:
                run_sync(self.km._async_kill_kernel)()
            except Exception as err:  # noqa: BLE001 - the kernel may already be gone
                self.log.debug("killing the kernel: %s", err)

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> Any:
        kind = msg.get("msg_type")
        size = _output_size(msg)
        self._cell_bytes = getattr(self, "_cell_bytes", 0) + size
        stderr = kind == "stream" and msg.get("content", {}).get("name") == "stderr"
        if self._cell_bytes <= self.max_output_bytes or kind in ("error", "execute_result"):
            if kind == "execute_result" and size > self.max_output_bytes:  # keep the value, drop the bulk
                msg = copy.deepcopy(msg)
                text = str(msg["content"].get("data", {}).get("text/plain", ""))
                msg["content"]["data"] = {"text/plain": text[: self.max_output_bytes]}
            self._kept_stderr = getattr(self, "_kept_stderr", False) or stderr
            return super().output(outs, msg, display_id, cell_index)
        if stderr and not getattr(self, "_kept_stderr", False):
            self._kept_stderr = True
            outs.append(nbformat.v4.new_output("stream", name="stderr", text="[more output on stderr, dropped]\n"))
        if not getattr(self, "_truncated", False):
            self._truncated = True
            mb = self.max_output_bytes / 1_000_000
            outs.append(nbformat.v4.new_output("stream", name="stdout",
                                               text=f"\n[output truncated: this cell printed more than {mb:g} MB]\n"))
            self.log.warning("%s %s, cell #%d: printed more than %g MB; the rest of its output was dropped",
                             LOG_PREFIX, self._who, cell_index + 1, mb)
        return None
