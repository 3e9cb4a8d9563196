"""The course's nbgrader executor: student cells run in the sandboxed kernel, test cells run outside it.

``course.grading.config`` puts ``GuardedExecute`` in place of nbgrader's ``Execute`` (and adds
``FlagFindings`` after ``SaveAutoGrades``), so stock ``nbgrader autograde`` and ``course grade``
grade the same way. For each submitted notebook, ``GuardedExecute``:

- reads the instructor's version of the notebook from the gradebook (set-up cells, solution cells,
  test cells with their hidden tests) and never the submission's copy of a locked cell;
- scans the student's own cells before they run (``course.grading.integrity``); a notebook that
  tampers with the grading machinery earns no automatic points and is flagged;
- runs the locked set-up cells and the student's cells, in order, in the kernel (in the bubblewrap
  sandbox when available, ``course.grading.sandbox``); for a notebook whose tests forbid handing
  work to some packages (``_check.function(..., forbid=...)``), those packages are not in the
  kernel's sandbox at all;
- runs every test cell **outside the kernel**, in a fresh trusted scope (``course.grading.trusted``):
  the test's code never enters the kernel, its expected values are computed in the grader's own
  process, and the student's answers come in as plain data; the cell's outputs are then exactly
  what nbgrader scores: nothing (full marks), an error (zero) or a number (partial credit);
- caps each cell's output, limits each cell's and the whole notebook's wall-clock time, and when
  the kernel dies or will not stop, marks the remaining cells as not run (zero) and moves on.

Every finding goes to the log as one escaped line naming the student and notebook, and to the
course's findings file (``course.grading.findings``); ``FlagFindings`` then flags the notebook in
the gradebook.

Public API: ``GuardedExecute``, ``FlagFindings``, ``instructor_plan(db_url, config, assignment, notebook)``,
``Plan``, ``forbidden_modules(sources)``, ``LOG_PREFIX``.

>>> forbidden_modules(["_check.function(f, 'f', '01.2', forbid=('course', 'geographiclib'))"])
('course', 'geographiclib')
"""

from __future__ import annotations

import ast
import copy
import json
import re
import os
import time
from dataclasses import dataclass, field
from queue import Empty
from typing import Any

import nbformat
from jupyter_core.utils import ensure_async, run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils as nbutils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Integer, Unicode

from course.errors import check_text, check_type
from course.grading import findings, integrity, trusted, wire, zygote
from course.grading.guard import LOG_PREFIX, instructor_order, started, who
from course.grading.sandbox import Limits, SandboxKernelManager, kernel_manager_class

__all__ = ["LOG_PREFIX", "FlagFindings", "GuardedExecute", "Plan", "forbidden_modules", "instructor_plan"]


def _error(ename: str, message: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=message,
                                  traceback=[f"\x1b[0;31m{ename}\x1b[0m: {message}"])


def _label(cell: Any, index: int) -> str:
    gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"cell {gid}" if gid else f"cell #{index + 1}"


# -- the instructor's notebook ------------------------------------------------------------------------

def forbidden_modules(sources: list[str]) -> tuple[str, ...]:
    """Modules that the tests in *sources* forbid students' functions to use (``forbid=`` literals)."""
    check_type(sources, (list, tuple), "sources")
    found: list[str] = []
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "function":
                for keyword in node.keywords:
                    if keyword.arg == "forbid":
                        try:
                            value = ast.literal_eval(keyword.value)
                        except ValueError:
                            continue
                        for name in (value,) if isinstance(value, str) else value:
                            if isinstance(name, str) and name not in found:
                                found.append(name)
    return tuple(found)


@dataclass
class Plan:
    """The instructor's version of one notebook: its test items, and the packages its kernel must not have."""

    items: dict[str, trusted.Item] = field(default_factory=dict)
    hide: tuple[str, ...] = ()
    setup_names: list[str] = field(default_factory=list)
    forbid: tuple[str, ...] = ()  # what the tests forbid, hidden or not
    unhidden: str = ""  # why the forbidden packages stay in the kernel (the set-up cell needs them)
    missing_source: bool = False  # the instructor's notebook could not be read


def _needs(setup: list[str], modules: tuple[str, ...]) -> str:
    """The first import in the set-up cells that hiding *modules* would break, or ''."""
    from course.grading.sandbox import KERNEL_KEEPS

    def kept(name: str) -> bool:
        top, _, rest = name.partition(".")
        if top not in modules:
            return True
        if not rest:
            return top in KERNEL_KEEPS
        return rest.split(".")[0] + ".py" in KERNEL_KEEPS.get(top, ())

    for source in setup:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names
                                         if node.module in KERNEL_KEEPS]
            else:
                continue
            for name in names:
                if not kept(name):
                    return name
    return ""


def _solution_sources(config: Any, assignment: str, notebook: str) -> dict[str, str]:
    """Grade id -> source of each solution cell in the instructor's notebook (the gradebook keeps only stubs)."""
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    path = os.path.join(coursedir.format_path(coursedir.source_directory, ".", assignment), f"{notebook}.ipynb")
    try:
        cells = nbformat.read(path, as_version=4).cells
    except Exception:  # noqa: BLE001 - the instructor's notebook is missing or broken: no answer can be read
        return {}
    return {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}


def instructor_plan(db_url: str, config: Any, assignment: str, notebook: str) -> Plan:
    """Read the instructor's cells of *notebook* (gradebook and source notebook), in the instructor's order.

    A test may read only the student's names that the instructor's solution cells before it bind;
    without the instructor's notebook no answer is read at all (and every test fails, loudly).
    """
    check_text(db_url, "db_url")
    check_text(assignment, "assignment")
    check_text(notebook, "notebook")
    from traitlets.config import Config

    if config is not None:
        check_type(config, Config, "config")
    plan = Plan()
    solved = _solution_sources(config, assignment, notebook)
    with Gradebook(db_url) as gb:
        record = gb.find_notebook(notebook, assignment)
        cells = instructor_order(record.source_cells, config, assignment, notebook)
        grades = {c.name for c in record.grade_cells}
        solutions = {c.name for c in record.solution_cells}
        setup: list[str] = []
        answers: list[str] = []
        tests: list[str] = []
        for cell in cells:
            if cell.cell_type != "code":
                continue
            if cell.name in grades and cell.name not in solutions:
                plan.items[cell.name] = trusted.Item(cell.name, cell.source, tuple(setup),
                                                     trusted.answer_names(cell.source, answers))
                tests.append(cell.source)
            elif cell.name in solutions:
                answers.append(solved.get(cell.name, ""))
            elif cell.locked:
                setup.append(cell.source)
                plan.setup_names += integrity.bound_names(cell.source)
    plan.forbid = forbidden_modules(tests)
    plan.unhidden = _needs(setup, plan.forbid)
    plan.hide = () if plan.unhidden else plan.forbid
    plan.missing_source = not solved and bool(solutions)
    return plan


# -- the channel to the kernel ----------------------------------------------------------------------------

class _Port:
    """``trusted.Kernel`` for one running notebook: silent requests to its kernel, replies size-checked."""

    def __init__(self, executor: "GuardedExecute") -> None:
        self.ex = executor

    def fetch(self, names: list[str]) -> dict:
        return self._ask(wire.fetch_expression(names), self.ex.call_timeout(), "reading your answers")

    def call(self, name: str, args: tuple, kwargs: dict, forbid: tuple[tuple[str, str], ...], timeout: float) -> dict:
        try:
            return self._ask(wire.call_expression(name, args, kwargs, forbid), min(timeout, self.ex.call_timeout()),
                             f"{name}(...)")
        except TimeoutError as err:
            return {"raised": ["TimeoutError", str(err)]}

    def _ask(self, expression: str, timeout: float, what: str) -> dict:
        return run_sync(self._async_ask)(expression, timeout, what)

    async def _async_ask(self, expression: str, timeout: float, what: str) -> dict:
        ex = self.ex
        if ex.kc is None or ex.stopped:
            raise trusted.KernelGone(ex.stopped or "no kernel")
        msg_id = ex.kc.execute("", silent=True, store_history=False, user_expressions={"r": expression},
                               allow_stdin=False, stop_on_error=False)
        deadline = time.monotonic() + timeout
        interrupted = False
        while True:
            left = deadline - time.monotonic()
            try:
                msg = await ensure_async(ex.kc.shell_channel.get_msg(timeout=max(0.05, min(1.0, left))))
            except Empty:
                if not await ensure_async(ex.kc.is_alive()):
                    ex.stop("the kernel stopped (it crashed, exited, or hit a memory or CPU limit)")
                    raise trusted.KernelGone(ex.stopped) from None
                if time.monotonic() < deadline:
                    continue
                if not interrupted:
                    interrupted = True
                    await ensure_async(ex.km.interrupt_kernel())
                    deadline = time.monotonic() + ex.iopub_timeout + 2
                    continue
                ex.stop(f"{what} did not stop when interrupted")
                raise trusted.KernelGone(ex.stopped) from None
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if interrupted:
                raise TimeoutError(f"{what} did not finish within {timeout:g} s")
            if msg.get("content", {}).get("course_dropped"):
                raise wire.WireError("the kernel's answer was too large")
            return wire.parse_reply(msg)


# -- the executor --------------------------------------------------------------------------------------------

class GuardedExecute(Execute):
    """nbgrader's Execute: student cells in the sandboxed kernel, test cells in a trusted scope outside it."""

    sandbox = Unicode("auto", help="auto: sandbox when bubblewrap works, else warn; required; off").tag(config=True)
    scan = Bool(True, help="Flag (and give no automatic points to) code that tampers with grading.").tag(config=True)
    max_output_bytes = Integer(2_000_000, help="Output kept per cell; the rest is dropped with a note.").tag(config=True)
    notebook_timeout = Integer(900, help="Wall-clock seconds for a whole notebook.").tag(config=True)
    cpu_seconds = Integer(Limits.cpu_seconds, help="CPU seconds for each sandboxed process.").tag(config=True)
    memory_mb = Integer(Limits.memory_mb, help="Memory (MiB) of each sandbox (cgroup) and each process.").tag(config=True)
    processes = Integer(Limits.processes, help="Processes and threads in one sandbox.").tag(config=True)
    file_mb = Integer(Limits.file_mb, help="Largest file (MiB) a sandboxed kernel may write.").tag(config=True)
    tmp_mb = Integer(Limits.tmp_mb, help="Size (MiB) of the sandbox's /tmp and working folder.").tag(config=True)
    warm = Bool(True, help="Fork kernels from a warm zygote into each fresh sandbox (course.grading.zygote); "
                           "the environment variable COURSE_ZYGOTE=off does the same as False.").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        manager = kernel_manager_class(self.sandbox)
        if self.warm and manager is SandboxKernelManager and zygote.available():
            from course.grading.warm import WarmKernelManager

            manager = WarmKernelManager
        self.kernel_manager_class = manager
        if "shutdown_kernel" not in self.config.get("GuardedExecute", {}):
            self.shutdown_kernel = "immediate"  # the kernel (and its sandbox) serves one notebook only
        if "--HistoryManager.enabled=False" not in self.extra_arguments:  # no input history in grading
            self.extra_arguments = list(self.extra_arguments) + ["--HistoryManager.enabled=False"]
        self.stopped = ""

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
            km.sandbox_forbidden = tuple(os.path.realpath(p) for p in (coursedir.root, exchange)
                                         if isinstance(p, str) and p)
            km.sandbox_limits = Limits(cpu_seconds=self.cpu_seconds, memory_mb=self.memory_mb,
                                       processes=self.processes, file_mb=self.file_mb, tmp_mb=self.tmp_mb)
            km.sandbox_hide = self._plan.hide
        return km

    # -- findings ---------------------------------------------------------------------------------
    def _find(self, kind: str, message: str, level: str = "warning") -> None:
        """Log one finding (escaped, one line) and keep it in the course's findings file."""
        info = self.resources.get("nbgrader", {}) if self.resources else {}
        getattr(self.log, level)("%s %s: %s", LOG_PREFIX, self._who, findings.one_line(message, 600))
        try:
            findings.record(self._coursedir().root, str(info.get("assignment", "?")), str(info.get("student", "?")),
                            str(info.get("notebook", "?")), kind, message)
        except OSError as err:
            self.log.error("%s could not record a finding: %s", LOG_PREFIX, err)

    def stop(self, why: str) -> None:
        """Stop the kernel; every later cell scores 0 with *why*."""
        if self.stopped:
            return
        self.stopped = why
        if self.km is not None:
            try:
                run_sync(self.km._async_kill_kernel)()
            except Exception as err:  # noqa: BLE001 - the kernel may already be gone
                self.log.debug("killing the kernel: %s", err)

    def call_timeout(self) -> float:
        """Seconds one request to the kernel may take now (the cell timeout, within the notebook's time)."""
        left = self.notebook_timeout - (time.monotonic() - self._started)
        return max(1.0, min(float(self.timeout or 60), left))

    # -- the run ---------------------------------------------------------------------------------
    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> tuple[NotebookNode, Any]:
        from nbclient import NotebookClient

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._who = who(resources)
        self._started = time.monotonic()
        self.stopped = ""
        info = resources.get("nbgrader", {})
        self._plan = instructor_plan(info["db_url"], self.config, info["assignment"], info["notebook"])
        self._port = _Port(self)
        if self._plan.missing_source:
            self._find("grading", "the instructor's notebook (source/) could not be read, so no answer can be read; "
                                  "every test scores 0", level="error")
        if self._plan.unhidden:
            self.log.info("%s %s: the own-work rule is checked inside the kernel only (the set-up cell imports %s, "
                          "so %s cannot be hidden from it)", LOG_PREFIX, self._who, self._plan.unhidden,
                          ", ".join(self._plan.forbid))
        found = self._scan() if self.scan else []
        with self.setup_kernel():
            assert self.kc is not None
            info_msg = self.wait_for_reply(self.kc.kernel_info())
            if info_msg is not None:
                self.nb.metadata["language_info"] = info_msg["content"].get("language_info", {})
            for index, cell in enumerate(self.nb.cells):
                self.preprocess_cell(cell, resources, index)
        self.set_widgets_metadata()
        if found:
            self._zero_for(found)
        self._summarise()
        return self.nb, self.resources

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> tuple[NotebookNode, Any]:
        if cell.cell_type != "code":
            return cell, resources
        test = nbutils.is_grade(cell) and not nbutils.is_solution(cell)
        if not test and not cell.source.strip():
            return cell, resources
        if not self.stopped and time.monotonic() - self._started > self.notebook_timeout:
            self.stop(f"the notebook ran longer than {self.notebook_timeout} s")
            self._find("runaway", f"the notebook ran longer than {self.notebook_timeout} s; the rest scores 0")
        if self.stopped:
            cell.outputs = [_error("NotRun", f"not run: {self.stopped}")]
            return cell, resources
        if test:
            self._grade(cell, index)
            return cell, self.resources
        self._cell_bytes = 0
        self._truncated = False
        self._kept_stderr = False
        try:
            cell = self.execute_cell(cell, index, store_history=True)
        except DeadKernelError:
            self.stopped = "the kernel stopped (it crashed, exited, or hit a memory or CPU limit) in an earlier cell"
            cell.outputs.insert(0, _error("KernelDied", "the kernel stopped while running this cell"))
            self._find("kernel", f"{_label(cell, index)}: the kernel died; this and every later cell score 0")
            return cell, resources
        except CellTimeoutError:
            self.stop("an earlier cell did not stop when interrupted")
            cell.outputs.insert(0, _error("CellTimeoutError", f"did not finish within {self.timeout} s and ignored the "
                                                              "interrupt; the kernel was stopped"))
            self._find("runaway", f"{_label(cell, index)}: the cell ran past {self.timeout} s and ignored the "
                                  "interrupt; the kernel was stopped and every later cell scores 0")
            return cell, resources
        if any(o.output_type == "error" and o.get("ename") == "CellTimeoutError" for o in cell.outputs):
            self._find("runaway", f"{_label(cell, index)}: the cell ran past {self.timeout} s and was interrupted "
                                  "(0 points for it)")
        return cell, self.resources

    def _grade(self, cell: NotebookNode, index: int) -> None:
        """Score a test cell outside the kernel: its outputs become what nbgrader reads."""
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        item = self._plan.items.get(gid)
        cell.execution_count = None
        if item is None:  # cannot happen after SafeOverwriteCells; never give points for an unknown test
            cell.outputs = [_error("GradingError", "this test is not in the gradebook; 0 points")]
            self._find("grading", f"{_label(cell, index)}: a test cell the gradebook does not know; 0 points")
            return
        try:
            outcome = trusted.run_item(item, self._port, budget=self.call_timeout())
        except trusted.KernelGone as err:
            cell.outputs = [_error("KernelDied", f"the kernel stopped while this test ran ({err})")]
            self._find("kernel", f"{_label(cell, index)}: {err}; this and every later cell score 0")
            return
        if outcome.passed:
            cell.outputs = [] if outcome.partial is None else [nbformat.v4.new_output(
                "execute_result", data={"text/plain": repr(outcome.partial)}, execution_count=None)]
        else:
            cell.outputs = [_error(outcome.ename, outcome.message)]
            if outcome.ename in ("TimeoutError", "GradingError"):
                self._find("runaway" if outcome.ename == "TimeoutError" else "grading",
                           f"{_label(cell, index)}: {outcome.message}")

    def _summarise(self) -> None:
        """One log line per notebook: autograded points, failed tests and errors in the student's cells."""
        earned = possible = 0.0
        failed, crashed = [], []
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            errors = [o for o in cell.outputs if o.output_type == "error"]
            first = f"{errors[0].get('ename')}: {str(errors[0].get('evalue', '')).strip()}" if errors else ""
            first = findings.one_line(first, 120) if first else ""
            if nbutils.is_grade(cell) and not nbutils.is_solution(cell):
                score, points = nbutils.determine_grade(cell, self.log)
                earned, possible = earned + (score or 0), possible + points
                if (score or 0) < points:
                    failed.append(f"{_label(cell, index).removeprefix('cell ')} ({first or 'partial credit'})")
            elif errors and not nbutils.is_locked(cell):  # the student's own message stays in the notebook
                ename = _NOT_NAME.sub("", str(errors[0].get("ename")))[:40] or "error"
                crashed.append(f"{_label(cell, index).removeprefix('cell ')}: {ename}")
        parts = [f"{earned:g}/{possible:g} autograded points (ran {time.monotonic() - self._started:.1f} s)"]
        if failed:
            parts.append("tests that did not pass: " + "; ".join(failed[:4]) + (" ..." if len(failed) > 4 else ""))
        if crashed:
            parts.append("errors in the student's cells: " + "; ".join(crashed[:3]) + (" ..." if len(crashed) > 3 else ""))
        self.log.info("%s %s: %s", LOG_PREFIX, self._who, ". ".join(parts))

    # -- the integrity scan --------------------------------------------------------------------
    def _scan(self) -> list[integrity.Finding]:
        instructor = {source for item in self._plan.items.values() for source in (item.source, *item.setup)}
        student: list[tuple[str, str]] = []
        for index, cell in enumerate(self.nb.cells):
            # a copy of an instructor's cell (e.g. one that lost its metadata) is not the student's code
            if cell.cell_type == "code" and not nbutils.is_locked(cell) and _unrestored(cell.source) not in instructor:
                student.append((_label(cell, index).removeprefix("cell "), cell.source))
        found = integrity.scan_cells(student, self._plan.setup_names)
        for finding in found:
            self._find("tampering", f"tampering with grading: {finding}")
        return found

    def _zero_for(self, found: list[integrity.Finding]) -> None:
        summary = "; ".join(str(f) for f in found[:3]) + (f"; and {len(found) - 3} more" if len(found) > 3 else "")
        zeroed = 0
        for cell in self.nb.cells:
            if cell.cell_type == "code" and nbutils.is_grade(cell) and not nbutils.is_solution(cell):
                cell.outputs.insert(0, _error("GradingIntegrityError", "no automatic points: the notebook changes the "
                                                                       f"grading machinery ({summary})"))
                zeroed += 1
        self._find("tampering", f"{zeroed} autograded test cell(s) score 0 because the code tampers with grading; "
                                "flagged for the instructor's review")

    # -- limits ------------------------------------------------------------------------------------
    def _get_timeout(self, cell: NotebookNode | None) -> int | None:
        timeout = super()._get_timeout(cell)
        left = int(self.notebook_timeout - (time.monotonic() - self._started)) if hasattr(self, "_started") else None
        if left is None:
            return timeout
        left = max(left, 1)
        return left if timeout is None else min(timeout, left)

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> Any:
        kind = msg.get("msg_type")
        content = msg.get("content", {})
        dropped = content.get("course_dropped", 0) if isinstance(content, dict) else 0
        size = dropped or _output_size(msg)
        self._cell_bytes = getattr(self, "_cell_bytes", 0) + size
        stderr = kind == "stream" and content.get("name") == "stderr"
        if not dropped and (self._cell_bytes <= self.max_output_bytes or kind in ("error", "execute_result")):
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
            self._find("output", f"cell #{cell_index + 1}: printed more than {mb:g} MB; the rest of its output was "
                                 "dropped" + (f" (one message of {dropped} bytes was never read)" if dropped else ""))
        return None


def _unrestored(source: str) -> str:
    """A cell's code without the comment nbgrader prepends to cells it puts back."""
    lines = source.strip().splitlines()
    if lines and lines[0].startswith("# This cell (id:") and "was missing" in lines[0]:
        lines = lines[1:]
    return "\n".join(lines).strip()


def _output_size(msg: dict) -> int:
    content = msg.get("content", {})
    if "text" in content:
        return len(content["text"])
    if "data" in content:
        return sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in content["data"].values())
    return len(json.dumps(content, default=str))


_NOT_NAME = re.compile(r"[^\w.]")  # what may not appear in an exception's name in the log


class FlagFindings(NbGraderPreprocessor):
    """After nbgrader saved the scores: flag, in the gradebook, every notebook with a finding of this run."""

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        info = resources.get("nbgrader", {})
        converter = getattr(self.parent, "parent", None)
        coursedir = getattr(converter, "coursedir", None)
        if coursedir is None or not info:
            return nb, resources
        since = started(info["assignment"], info["student"])
        mine = [f for f in findings.read(coursedir.root, info["assignment"], info["student"], since=since)
                if f.get("notebook") in (info["notebook"], "*")]
        if not mine:
            return nb, resources
        try:
            with Gradebook(info["db_url"]) as gb:
                submitted = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
                submitted.flagged = True
                gb.db.commit()
        except MissingEntry:
            return nb, resources
        self.log.warning("%s %s: flagged for review (%d finding(s))", LOG_PREFIX, who(resources), len(mine))
        return nb, resources
