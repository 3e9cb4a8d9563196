"""Grade the hostile corpus (course.grading.hostile) with the real `nbgrader autograde`, in a scratch course.

One class per assignment: the reference solution (the classmate whose work must stay private) plus
one student per hostile case, all graded in ONE `nbgrader autograde` run. The run records each
student's scores, the autograde log, what each graded notebook printed, the files of the course
before and after, and any connection made to a listening TCP port. tests/test_hostile.py asserts
on the result and writes SECURITY.md's table from it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nbgrader.api import MissingEntry

from course.grading import files, findings, hostile
from course.grading import notebooks as nbs
from course.grading.sandbox import available, status

from harness import ASSIGNMENTS, GradedAssignment, nbgrader_env, run_nbgrader

# Runaway cells are interrupted after this many seconds (the course's config says 60; honest set-up
# cells need a few seconds when the machine is busy with the other corpus), and a kernel
# that ignores the interrupt is stopped after IOPUB more seconds.
TIMEOUT = int(os.environ.get("COURSE_HOSTILE_TIMEOUT", "10"))  # raise it on a machine that is busy with other work
IOPUB = int(os.environ.get("COURSE_HOSTILE_IOPUB", "2"))


def prepare(assignment: str, tmp: Path) -> GradedAssignment:
    """A scratch course with the course's config and *assignment*, generated (validation is test_grading's job)."""
    root = tmp / "course"
    (root / "source").mkdir(parents=True)
    shutil.copy(ASSIGNMENTS / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(ASSIGNMENTS / "source" / assignment, root / "source" / assignment)
    graded = GradedAssignment(assignment, root, nbgrader_env(tmp))
    graded.notebooks = sorted(p.stem for p in (root / "source" / assignment).glob("*.ipynb"))
    done = run_nbgrader(["generate_assignment", assignment, "--force"], root, graded.env)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n{done.stdout}\n{done.stderr}")
    return graded


def require_sandbox() -> None:
    """Skip a test that needs the bubblewrap sandbox when it is missing (fail under CI=true)."""
    if not available():
        message = f"the sandbox is not available here: {status()}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


class Listener:
    """A TCP server on 127.0.0.1 that records every connection (a student must never reach it)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.connections.append(conn.recv(1024))
                except OSError:
                    self.connections.append(b"")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


def fingerprint(root: Path, skip: tuple[str, ...] = ("autograded", "feedback", "gradebook.db", ".jupyter",
                                                  ".course-grade")) -> dict[str, str]:
    """Relative path -> digest of every file under *root* (symlinks by their target), minus *skip*.

    Read with course.grading.files (no recursion, FIFOs and sparse files never opened), so the
    corpus's own FIFOs, sparse files and deep folders cannot hang or exhaust the test.
    """
    out: dict[str, str] = {}
    try:
        for entry in files.walk(root, max_depth=40, max_entries=200_000, skip=skip + ("deep",)):
            parts = Path(entry.relative).parts
            if any(part in skip for part in parts) or entry.is_dir:
                continue
            out[entry.relative] = ("link:" + os.readlink(entry.path)) if entry.is_link else files.file_digest(entry.path)
    except files.FolderTooDeep:
        out["<too deep>"] = "?"
    return out


@dataclass
class CorpusRun:
    """The outcome of grading one assignment's hostile class."""

    graded: GradedAssignment
    cases: list[hostile.Case]
    contexts: dict[str, hostile.Context]  # notebook -> context
    returncode: int = 0
    log: str = ""
    seconds: float = 0.0
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    connections: list[bytes] = field(default_factory=list)
    canary_before: dict[str, str] = field(default_factory=dict)
    canary_after: dict[str, str] = field(default_factory=dict)
    engine: str = "nbgrader"
    disk_before: int = 0
    disk_after: int = 0
    peak_kib: int = 0  # the largest resident set of any process the run started (the grader, not the sandboxed kernels' limits)
    findings: list[dict] = field(default_factory=list)

    def scores(self, student: str) -> dict[str, float | None]:
        """Test cell grade id -> score (every notebook of the assignment)."""
        try:
            raw = self.graded.scores(student)
        except MissingEntry:  # a submission the grader refused: no score at all
            return {}
        tests = {gid for nb in self.graded.notebooks for gid in nbs.test_cells(self.graded.source_nb(nb))}
        return {gid: score for (nb, gid), (score, _, _) in raw.items() if gid in tests}

    def expected(self, case: hostile.Case) -> dict[str, float]:
        out: dict[str, float] = {}
        for ctx in self.contexts.values():
            out.update(case.expect(ctx))
        return out

    def outputs(self, student: str) -> str:
        """Everything the student's graded notebooks printed (outputs only, not the cells' code)."""
        folder = self.graded.root / "autograded" / student / self.graded.assignment
        texts = []
        for path in folder.glob("*.ipynb") if folder.is_dir() else []:
            for cell in nbs.load(path).cells:
                for out in cell.get("outputs", []):
                    texts.append(str(out.get("text", "")) + str(out.get("data", "")) + str(out.get("evalue", "")))
        return "\n".join(texts)


def _config_overrides(root: Path, scan: bool) -> None:
    """The corpus's short timeouts (and the scan switch), in the scratch course's own config, for every engine."""
    with open(root / "nbgrader_config.py", "a", encoding="utf-8") as handle:
        handle.write(f"\nc.GuardedExecute.timeout = {TIMEOUT}\nc.GuardedExecute.iopub_timeout = {IOPUB}\n"
                     f"c.GuardedExecute.scan = {scan}\n")


def _grader_peak(pid: int, stop: threading.Event, peak: list[int]) -> None:
    """Sample, until *stop*, the peak resident memory (VmHWM, KiB) of the grading processes under *pid*:
    nbgrader itself or course grade's workers, never the sandboxed kernels."""
    while not stop.wait(0.2):
        todo, seen = [pid], set()
        while todo:
            here = todo.pop()
            if here in seen:
                continue
            seen.add(here)
            try:
                cmdline = Path(f"/proc/{here}/cmdline").read_bytes().replace(b"\0", b" ")
                status = Path(f"/proc/{here}/status").read_text()
                children = Path(f"/proc/{here}/task/{here}/children").read_text().split()
            except OSError:
                continue
            todo += [int(c) for c in children]
            if b"ipykernel" in cmdline or b"bwrap" in cmdline:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peak[0] = max(peak[0], int(line.split()[1]))


def _grade(engine: str, assignment: str, root: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess, int]:
    """Grade the class with stock `nbgrader autograde` or with `course grade`; (process, grader's peak KiB)."""
    if engine == "nbgrader":
        exe = Path(sys.executable).parent / "nbgrader"
        command = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "nbgrader"]),
                   "autograde", assignment]
    else:
        command = [sys.executable, "-m", "course", "grade", assignment, "--root", str(root), "--no-progress",
                   "--timeout", "300"]
    proc = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop, peak = threading.Event(), [0]
    sampler = threading.Thread(target=_grader_peak, args=(proc.pid, stop, peak), daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=3600)
    finally:
        stop.set()
        sampler.join(timeout=5)
    if engine == "course":
        log = root / ".course-grade" / "grade.log"
        out += "\n" + (log.read_text(encoding="utf-8", errors="replace") if log.is_file() else "")
    return subprocess.CompletedProcess(command, proc.returncode, out, err), peak[0]


def run_corpus(assignment: str, tmp: Path, scopes: tuple[str, ...], sandboxed: bool, scan: bool = True,
               engine: str = "nbgrader", only: set[str] | None = None, honest: int = 0) -> CorpusRun:
    """Write the cases of *scopes* (or the cases *only*) for *assignment* into a scratch course, with the
    reference and *honest* more right submissions, and grade them in one run of *engine*."""
    graded = prepare(assignment, tmp)
    root = graded.root.resolve()
    _config_overrides(root, scan)
    chosen = [c for c in hostile.CASES if (c.id in only if only is not None else c.scope in scopes)
              and (sandboxed or not c.sandbox_only)]
    listener = Listener()
    contexts = {nb: hostile.Context(assignment, nb, graded.source_nb(nb), graded.release_nb(nb), root,
                                     victim="reference", port=listener.port) for nb in graded.notebooks}
    run = CorpusRun(graded, chosen, contexts, engine=engine)
    try:
        for nb, ctx in contexts.items():
            reference = nbs.fill(ctx.release, nbs.reference_answers(ctx.source))
            for student in ["reference"] + [f"honest-{n}" for n in range(1, honest + 1)]:
                hostile.write(hostile.Submission({ctx.filename: reference}), root / "submitted" / student / assignment)
            for case in chosen:
                hostile.write(case.build(ctx), root / "submitted" / case.id / assignment)
        canary = tmp / "outside-the-course.txt"
        canary.write_text("a file next to the course folder\n")
        run.canary_before = fingerprint(tmp, skip=("course", ".jupyter-runtime", ".jupyter-config", ".jupyter-data",
                                                   ".ipython"))
        run.before = fingerprint(root)
        run.disk_before = shutil.disk_usage(root).free
        started = time.monotonic()
        env = dict(graded.env, COURSE_SANDBOX="required" if sandboxed else "off")
        done, run.peak_kib = _grade(engine, assignment, root, env)
        run.seconds = time.monotonic() - started
        run.returncode, run.log = done.returncode, done.stdout + done.stderr
        (tmp / "autograde.log").write_text(run.log, encoding="utf-8")  # for a post-mortem
        graded.autograde_log = run.log
        run.after = fingerprint(root)
        run.disk_after = shutil.disk_usage(root).free
        run.canary_after = fingerprint(tmp, skip=("course", ".jupyter-runtime", ".jupyter-config", ".jupyter-data",
                                                  ".ipython", "autograde.log"))
        run.findings = findings.read(root)
    finally:
        listener.close()
        for deep in (root / "submitted").glob("*/*/deep"):
            files.remove_tree(deep)  # pytest's own clean-up recurses, and fails on a 3,000-deep chain
    run.connections = list(listener.connections)
    return run


def outcome_words(scores: dict[str, float | None], points: dict[str, float]) -> str:
    """Observed scores in the corpus's words: 'not graded', '0 on every test', 'full marks' or the split."""
    if all(scores.get(g) is None for g in points):
        return "not graded"
    if all((scores.get(g) or 0) == 0 for g in points):
        return "0 on every test"
    if all(scores.get(g) == p for g, p in points.items()):
        return "full marks"
    lost = [g for g, p in points.items() if scores.get(g) != p]
    return f"full marks except {', '.join(lost)}"
