"""Grade the hostile corpus (course.grading.hostile) with the real `nbgrader autograde`, in a scratch course.

One class per assignment: the reference solution (the classmate whose work must stay private) plus
one student per hostile case, all graded in ONE `nbgrader autograde` run. The run records each
student's scores, the autograde log, what each graded notebook printed, the files of the course
before and after, and any connection made to a listening TCP port. tests/test_hostile.py asserts
on the result and writes SECURITY.md's table from it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from course.grading import hostile
from course.grading import notebooks as nbs
from course.grading.sandbox import available, status

from harness import ASSIGNMENTS, GradedAssignment, nbgrader_env, run_nbgrader

# Runaway cells are interrupted after this many seconds (the course's config says 60; honest set-up
# cells need a few seconds when the machine is busy with the other corpus), and a kernel
# that ignores the interrupt is stopped after IOPUB more seconds.
TIMEOUT = 10
IOPUB = 2


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


def fingerprint(root: Path, skip: tuple[str, ...] = ("autograded", "feedback", "gradebook.db", ".jupyter")) -> dict[str, str]:
    """Relative path -> sha256 of every file under *root* (symlinks by their target), minus *skip*."""
    out: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        rel_folder = os.path.relpath(folder, root)
        dirs[:] = [d for d in dirs if os.path.join(rel_folder, d).lstrip("./") not in skip and d not in skip]
        for name in files + [d for d in os.listdir(folder) if os.path.islink(os.path.join(folder, d)) and d not in files]:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if rel in skip or name in skip:
                continue
            if os.path.islink(path):
                out[rel] = "link:" + os.readlink(path)
            elif os.path.isfile(path):
                out[rel] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
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

    def scores(self, student: str) -> dict[str, float | None]:
        """Test cell grade id -> score (every notebook of the assignment)."""
        raw = self.graded.scores(student)
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


def run_corpus(assignment: str, tmp: Path, scopes: tuple[str, ...], sandboxed: bool, scan: bool = True) -> CorpusRun:
    """Write the cases of *scopes* for *assignment* into a scratch course and autograde them in one run."""
    graded = prepare(assignment, tmp)
    root = graded.root.resolve()
    chosen = [c for c in hostile.CASES if c.scope in scopes and (sandboxed or not c.sandbox_only)]
    listener = Listener()
    contexts = {nb: hostile.Context(assignment, nb, graded.source_nb(nb), graded.release_nb(nb), root,
                                     victim="reference", port=listener.port) for nb in graded.notebooks}
    run = CorpusRun(graded, chosen, contexts)
    try:
        for nb, ctx in contexts.items():
            reference = nbs.fill(ctx.release, nbs.reference_answers(ctx.source))
            hostile.write(hostile.Submission({ctx.filename: reference}), root / "submitted" / "reference" / assignment)
            for case in chosen:
                hostile.write(case.build(ctx), root / "submitted" / case.id / assignment)
        canary = tmp / "outside-the-course.txt"
        canary.write_text("a file next to the course folder\n")
        run.canary_before = fingerprint(tmp, skip=("course", ".jupyter-runtime", ".jupyter-config", ".jupyter-data",
                                                   ".ipython"))
        run.before = fingerprint(root)
        started = time.monotonic()
        env = dict(graded.env, COURSE_SANDBOX="required" if sandboxed else "off")
        done = run_nbgrader(["autograde", assignment, f"--GuardedExecute.timeout={TIMEOUT}",
                             f"--GuardedExecute.iopub_timeout={IOPUB}", f"--GuardedExecute.scan={scan}"],
                           root, env, timeout=900)
        run.seconds = time.monotonic() - started
        run.returncode, run.log = done.returncode, done.stdout + done.stderr
        (tmp / "autograde.log").write_text(run.log, encoding="utf-8")  # for a post-mortem
        graded.autograde_log = run.log
        run.after = fingerprint(root)
        run.canary_after = fingerprint(tmp, skip=("course", ".jupyter-runtime", ".jupyter-config", ".jupyter-data",
                                                  ".ipython", "autograde.log"))
    finally:
        listener.close()
    run.connections = list(listener.connections)
    return run


def outcome_words(scores: dict[str, float | None], points: dict[str, float]) -> str:
    """Observed scores in the corpus's words: '0 on every test', 'full marks' or the split."""
    if all((scores.get(g) or 0) == 0 for g in points):
        return "0 on every test"
    if all(scores.get(g) == p for g, p in points.items()):
        return "full marks"
    lost = [g for g, p in points.items() if scores.get(g) != p]
    return f"full marks except {', '.join(lost)}"
