"""``course grade``: autograde a whole class in parallel, with exactly the grades of ``nbgrader autograde``.

How it works
------------
1. **Plan.** For every submission ``submitted/<student>/<assignment>/`` the planner notes each
   notebook that cannot be read (not a plain file, not JSON, not a notebook: nbgrader grades it as
   unanswered, as stock ``nbgrader autograde`` with the course's guards does), and decides whether
   it needs grading: it does when it was never graded, when its files changed since (a digest of
   every file, read safely by ``course.grading.files``, so an edit is seen even when
   ``timestamp.txt`` stays the same), when the gradebook or the ``autograded/`` copy lacks it (a run
   killed half-way, or a new gradebook), or with ``--force``. A submission whose folders nest too
   deep is not graded, and says so.
2. **Grade.** One worker process per core, plus one (``course.grading.worker``), runs nbgrader's own
   ``autograde`` for one (assignment, student) at a time against the shared gradebook; SQLite
   writes wait their turn (busy timeout) and PostgreSQL takes them concurrently. A worker that
   dies or runs past ``--timeout`` is replaced and that submission is logged as failed; the rest of
   the class is still graded. A tqdm bar shows counts, rate and time left.
3. **Record.** A submission's record is removed before it is graded, and its digest written to
   ``<root>/.course-grade/<assignment>/<student>.json`` only after nbgrader finished it; a killed
   run therefore leaves no record for what it did not finish, and the next run grades exactly those.

Student files in ``submitted/`` are only ever read.

Public API
----------
- ``Task``, ``Failure``, ``GradeRun``: what was planned, what failed, what a run did.
- ``submission_digest(folder)``: SHA-256 of every file of a submission.
- ``plan(root, url, assignments, students=None, force=False)``: (tasks, up to date, failures, notes).
- ``grade(root, url, assignments, ...)``: plan and run; returns a ``GradeRun``.
- ``add_arguments_grade(parser)`` / ``cmd_grade(args)``: the ``course grade`` command.

>>> Task("00-warmup", "alice", "0" * 64, "new").key
('00-warmup', 'alice')
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import queue
import re
import select
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from course.errors import CourseValueError, check_items, check_number, check_path, check_type, unknown
from course.grading import files, findings
from course.grading.gradebook import (GradingError, _check_url, check_gradebook, known_assignment, redact, submissions,
                                      submitted_students, tool_env)
from course.grading.options import add_common_arguments, resolve

__all__ = ["Failure", "GradeRun", "Task", "add_arguments_grade", "cmd_grade", "grade", "plan", "submission_digest"]

STATE_DIR = ".course-grade"


@dataclass(frozen=True)
class Task:
    """One submission to autograde, and why."""

    assignment: str
    student: str
    digest: str
    reason: str  # new, changed, incomplete, forced

    @property
    def key(self) -> tuple[str, str]:
        return (self.assignment, self.student)


@dataclass(frozen=True)
class Failure:
    """A submission that could not be graded: by student and notebook, with the reason."""

    assignment: str
    student: str
    notebook: str
    reason: str

    def __str__(self) -> str:
        return f"{self.assignment}: student {self.student!r}, notebook {self.notebook!r}: {self.reason}"


@dataclass
class GradeRun:
    """What one ``grade`` run did."""

    graded: list[Task] = field(default_factory=list)
    up_to_date: list[tuple[str, str]] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 0
    interrupted: bool = False
    log: Path | None = None
    findings: list[dict] = field(default_factory=list)  # what the guards found in this run (course.grading.findings)


def submission_digest(folder: Path) -> str:
    """SHA-256 over the relative path and content of every file in *folder* (checkpoints excluded).

    The folder is read with ``course.grading.files`` (no recursion, no symlink followed, large or
    sparse files by their size, inode and time), so no submission can hang, flood or exhaust the
    planner; a folder nested too deep or too full raises ``GradingError`` for that submission.
    """
    folder = check_path(folder, "folder")
    if not folder.is_dir():
        raise GradingError(f"folder must be a submission folder; {folder} is not a folder")
    h = hashlib.sha256()
    try:
        for entry in files.walk(folder, skip=(".ipynb_checkpoints",)):
            if entry.is_dir or ".ipynb_checkpoints" in Path(entry.relative).parts:
                continue
            h.update(entry.relative.encode("utf-8", "surrogateescape") + b"\0")
            if entry.is_link:
                h.update(b"link:" + os.readlink(entry.path).encode("utf-8", "surrogateescape"))
            else:
                h.update(files.file_digest(entry.path).encode())
    except (files.FolderTooDeep, files.FolderTooLarge) as err:
        raise GradingError(f"the submission was not graded: {err}; remove that folder and grade it again") from None
    return h.hexdigest()


def _state_path(root: Path, assignment: str, student: str) -> Path:
    return Path(root) / STATE_DIR / assignment / f"{student}.json"


def _read_state(root: Path, assignment: str, student: str) -> dict[str, Any]:
    try:
        return json.loads(_state_path(root, assignment, student).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_state(root: Path, task: Task, url: str) -> None:
    path = _state_path(root, task.assignment, task.student)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"digest": task.digest, "gradebook": redact(url), "graded_at": time.time()}),
                   encoding="utf-8")
    os.replace(tmp, path)


def _clear_state(root: Path, assignment: str, student: str) -> None:
    _state_path(root, assignment, student).unlink(missing_ok=True)


def _notebook_problem(path: Path) -> str | None:
    """Why *path* will be graded as unanswered (not a plain file, too large, not UTF-8, not JSON, not a
    notebook), or None when it can be read. The file is left untouched either way; stock nbgrader with
    the course's guards (``course.grading.guard.GuardedExporter``) grades it the same way."""
    import nbformat

    if path.is_symlink() or not path.is_file():
        return "not a plain file (a link or a special file); left untouched and graded as unanswered"
    if path.stat().st_size > 50 * 1024 * 1024:
        return "larger than 50 MB; left untouched and graded as unanswered"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        return f"not UTF-8 text ({err.reason} at byte {err.start}); left untouched and graded as unanswered"
    try:
        json.loads(text)
    except ValueError as err:
        return f"not valid JSON ({err}); left untouched and graded as unanswered"
    try:
        nbformat.reads(text, as_version=4)
    except Exception as err:  # nbformat raises several kinds for JSON that is not a notebook
        return f"not a Jupyter notebook ({type(err).__name__}: {str(err)[:120]}); graded as unanswered"
    return None


def _gradebook_view(url: str, assignments: list[str]) -> dict[str, tuple[list[str], set[str]]]:
    """Assignment -> (its notebooks, students with a submission) as the gradebook knows them."""
    from nbgrader.api import Gradebook, MissingEntry

    out = {}
    with Gradebook(url) as gb:
        for name in assignments:
            try:
                a = gb.find_assignment(name)
            except MissingEntry:
                raise GradingError(f"assignment {name!r} is not in the gradebook {redact(url)} yet: "
                                   f"run `course release {name}` first") from None
            out[name] = ([nb.name for nb in a.notebooks], {s.student.id for s in a.submissions})
    return out


def _check_students(root: Path, url: str, assignments: list[str], students: list[str]) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(url) as gb:
        known = set(submitted_students(root)) | {s.id for s in gb.students}
    for student in students:
        if student not in known:
            raise unknown("student", student, sorted(known))
        for assignment in assignments:
            if student not in submissions(root, assignment):
                raise GradingError(f"student {student!r} has no submission for {assignment!r}: "
                                   f"expected the folder {Path(root) / 'submitted' / student / assignment}")


def _run_arguments(root: Path, url: str, assignments: Iterable[str],
                   students: list[str] | None) -> tuple[Path, str, list[str], list[str] | None]:
    """The arguments shared by ``plan`` and ``grade``, checked: (root, url, assignments, students)."""
    return (check_path(root, "root"), _check_url(url),
            check_items(assignments, str, "assignments", what="assignment names"),
            None if students is None else check_items(students, str, "students", what="student ids"))


def plan(root: Path, url: str, assignments: list[str], students: list[str] | None = None,
         force: bool = False) -> tuple[list[Task], list[tuple[str, str]], list[Failure], list[str]]:
    """Decide what to grade: (tasks, submissions already up to date, unreadable submissions, notes)."""
    root, url, assignments, students = _run_arguments(root, url, assignments, students)
    check_type(force, bool, "force")
    for name in assignments:
        known_assignment(root, url, name)
    view = _gradebook_view(url, assignments)
    if students:
        _check_students(root, url, assignments, students)
    tasks: list[Task] = []
    fresh: list[tuple[str, str]] = []
    failed: list[Failure] = []
    notes: list[str] = []
    for assignment in assignments:
        subs = submissions(root, assignment)
        if students:
            subs = {s: p for s, p in subs.items() if s in students}
        if not subs:
            raise GradingError(f"no submissions for {assignment!r} in {root / 'submitted'} "
                               f"(expected submitted/<student>/{assignment}/*.ipynb): collect them first "
                               f"(`course grade {assignment} --collect` or `nbgrader collect {assignment}`)")
        notebooks, in_gradebook = view[assignment]
        for student, folder in subs.items():
            for path in sorted(folder.glob("*.ipynb")):
                if why := _notebook_problem(path):
                    notes.append(f"{assignment}: student '{findings.one_line(student, 80)}', notebook "
                                 f"'{findings.one_line(path.stem, 80)}': {why}")
            missing = [nb for nb in notebooks if not (folder / f"{nb}.ipynb").is_file()]
            if missing:
                notes.append(f"{assignment}: student {student!r} submitted no {', '.join(missing)}.ipynb "
                             f"(nbgrader scores a missing notebook 0)")
            try:
                digest = submission_digest(folder)
            except GradingError as err:
                failed.append(Failure(assignment, student, "*", str(err)))
                continue
            state = _read_state(root, assignment, student)
            graded_copy = root / "autograded" / student / assignment
            complete = (student in in_gradebook and state.get("gradebook") == redact(url)
                        and all((graded_copy / f"{nb}.ipynb").is_file() for nb in notebooks if nb not in missing))
            if force:
                reason = "forced"
            elif not state:
                reason = "new"
            elif state.get("digest") != digest:
                reason = "changed"
            elif not complete:
                reason = "incomplete"
            else:
                fresh.append((assignment, student))
                continue
            tasks.append(Task(assignment, student, digest, reason))
    return tasks, fresh, failed, notes


# --- the worker pool -------------------------------------------------------------------------------------------

_NOTEBOOK_IN_LOG = re.compile(r"(?:Sanitizing|Autograding|Converting notebook) (\S+?\.ipynb)")
_EXCEPTION_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit)\b.*)$", re.M)
_BORING = ("There was an error processing", "Traceback", "Please see", "NbGraderException")


def _explain(task: Task, result: dict[str, Any]) -> Failure:
    """The failure of *task*: the notebook nbgrader was working on, and its own words for what went wrong."""
    log = result.get("log", "")
    books = _NOTEBOOK_IN_LOG.findall(log)
    notebook = Path(books[-1]).stem if books else "?"
    said = [line[len("[ERROR] "):].strip() for line in log.splitlines()
            if line.startswith("[ERROR]") and not any(b in line for b in _BORING)]
    raised = [m.strip() for m in _EXCEPTION_LINE.findall(log) if "NbGraderException" not in m]
    if said and raised:
        reason = f"{said[0].rstrip('.')} ({raised[0]})"
    else:
        reason = (said + raised)[0] if said or raised else (result.get("error") or "nbgrader could not grade it")
    return Failure(task.assignment, task.student, notebook, reason[:300])


class _Worker:
    """One ``course.grading.worker`` process (started at once; ready after nbgrader loads); stderr to the log."""

    def __init__(self, root: Path, url: str, log: Any) -> None:
        self.log_name = getattr(log, "name", "the log")
        self.proc = subprocess.Popen([sys.executable, "-m", "course.grading.worker", "--root", str(root), "--db", url],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
                                     env=tool_env(), cwd=root)
        self.ready = False

    def _read(self, timeout: float) -> dict[str, Any] | None:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], max(timeout, 0.0))
        if not ready:
            return None
        line = self.proc.stdout.readline()
        return json.loads(line) if line.strip() else None

    def wait_ready(self, timeout: float = 180.0) -> None:
        if not self.ready:
            hello = self._read(timeout)
            if not hello or "ready" not in hello:
                self.kill()
                raise GradingError(f"a grading worker did not start (see {self.log_name})")
            self.ready = True

    def run(self, task: Task, timeout: float) -> dict[str, Any] | None:
        """The worker's result for *task*, or None when it died or overran *timeout* seconds."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps({"assignment": task.assignment, "student": task.student}) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        return self._read(timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def stop(self) -> None:
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (subprocess.TimeoutExpired, OSError):
            self.kill()


@dataclass
class _Pool:
    """Shared state of the grading threads; each thread drives one worker process at a time."""

    root: Path
    url: str
    log: Any
    timeout: float
    todo: queue.Queue = field(default_factory=queue.Queue)
    done: queue.Queue = field(default_factory=queue.Queue)
    stop: threading.Event = field(default_factory=threading.Event)
    live: list[_Worker] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def spawn(self) -> _Worker:
        worker = _Worker(self.root, self.url, self.log)
        with self.lock:
            self.live.append(worker)
        return worker

    def drop(self, worker: _Worker, kill: bool) -> None:
        worker.kill() if kill else worker.stop()
        with self.lock:
            if worker in self.live:
                self.live.remove(worker)

    def kill_all(self) -> None:
        with self.lock:
            workers = list(self.live)
        for worker in workers:
            worker.kill()

    def serve(self, worker: _Worker | None) -> None:
        """Take tasks until none are left, replacing the worker when it dies or overruns."""
        try:
            while not self.stop.is_set():
                try:
                    task = self.todo.get_nowait()
                except queue.Empty:
                    break
                try:
                    worker = worker or self.spawn()
                    worker.wait_ready()
                except GradingError as err:
                    worker = None
                    self.done.put((task, {"ok": False, "error": str(err), "log": ""}))
                    continue
                result = worker.run(task, self.timeout)
                if result is None:
                    code = worker.proc.poll()
                    why = (f"grading took longer than {self.timeout:g} s and was stopped" if code is None
                           else f"the grading process stopped (exit code {code})")
                    self.drop(worker, kill=True)
                    worker = None
                    result = {"ok": False, "error": why, "log": ""}
                self.done.put((task, result))
        finally:
            if worker is not None:
                self.drop(worker, kill=False)


def _progress(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="submission", desc="grading", disable=not enabled, dynamic_ncols=True,
                bar_format="{desc}: {n}/{total} |{bar}| {percentage:3.0f}% [{elapsed}<{remaining}, {rate_fmt}]")


def default_workers() -> int:
    """One worker per core this process may use, plus one.

    A worker waits for its kernel part of the time (start-up, messages), so one extra worker keeps
    the cores busy: on 2 cores, 60 submissions took 54.7 s with 2 workers, 48.7 s with 3 and 47.3 s
    with 4 (benchmarks/grade_class.py, quiet machine).
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores) + 1


def grade(root: Path, url: str, assignments: Iterable[str], students: list[str] | None = None, *,
          force: bool = False, workers: int | None = None, timeout: float = 900.0, progress: bool = True,
          say: Any = print) -> GradeRun:
    """Autograde every submission of *assignments* that needs it, in parallel; returns what was done."""
    root, url, assignments, students = _run_arguments(root, url, assignments, students)
    check_type(force, bool, "force")
    if workers is not None and check_type(workers, int, "workers") < 1:
        raise CourseValueError(f"workers must be at least 1; got {workers!r}")
    check_number(timeout, "timeout", low=1, unit="seconds")
    check_type(progress, bool, "progress")
    check_gradebook(url)
    for name in assignments:
        known_assignment(root, url, name)
    run = GradeRun(log=root / STATE_DIR / "grade.log")
    run.log.parent.mkdir(parents=True, exist_ok=True)
    likely = sum(1 for a in assignments for s, folder in submissions(root, a).items()
                 if force or _probably_stale(root, a, s, folder))
    wanted = max(1, workers or default_workers())
    with open(run.log, "a", encoding="utf-8") as log:
        log.write(f"\n=== course grade {' '.join(assignments)} at {time.ctime()}\n")
        log.flush()
        pool = _Pool(root, url, log, timeout)
        # Workers load nbgrader (a few seconds) while this process plans.
        spare = [pool.spawn() for _ in range(min(wanted, likely))]
        try:
            tasks, run.up_to_date, run.failed, run.notes = plan(root, url, assignments, students, force)
        except BaseException:
            pool.kill_all()
            raise
        for failure in run.failed:
            say(f"NOT GRADED  {failure}")
        run.workers = min(wanted, len(tasks))
        for worker in spare[run.workers:]:
            pool.drop(worker, kill=True)
        if tasks:  # threads without a spare worker start their own
            began = time.time()
            _run_tasks(pool, tasks, spare[:run.workers] + [None] * (run.workers - len(spare)), run, progress)
            keys = {task.key for task in tasks}
            run.findings = [f for f in findings.read(root, since=began)
                            if (f.get("assignment"), f.get("student")) in keys]
    return run


def _probably_stale(root: Path, assignment: str, student: str, folder: Path) -> bool:
    """A cheap guess (file times only) whether a submission will need grading; ``plan`` decides for sure."""
    try:
        recorded = _state_path(root, assignment, student).stat().st_mtime
    except OSError:
        return True
    return any(p.lstat().st_mtime > recorded for p in folder.iterdir())


def _dispatch(pool: _Pool, tasks: list[Task]) -> None:
    """Queue *tasks*; each loses its record first (nbgrader --force removes the old graded copy, so
    until the task finishes the submission is not graded, and a killed run must leave it unrecorded)."""
    for task in tasks:
        _clear_state(pool.root, task.assignment, task.student)
        pool.todo.put(task)


def _run_tasks(pool: _Pool, tasks: list[Task], workers: list[_Worker | None], run: GradeRun, progress: bool) -> None:
    _dispatch(pool, tasks)
    start = time.monotonic()
    bar = _progress(len(tasks), progress)
    threads = [threading.Thread(target=pool.serve, args=(w,), daemon=True) for w in workers]
    for t in threads:
        t.start()
    try:
        for _ in range(len(tasks)):
            task, result = pool.done.get()
            guard_lines = [line for line in result.get("log", "").splitlines() if "[course-guard]" in line]
            if result.get("ok"):
                _write_state(pool.root, task, pool.url)
                run.graded.append(task)
                if guard_lines:
                    pool.log.write("\n".join(guard_lines) + "\n")
                    pool.log.flush()
            else:
                _clear_state(pool.root, task.assignment, task.student)
                failure = _explain(task, result)
                run.failed.append(failure)
                bar.write(f"FAILED  {failure}")
                pool.log.write(f"--- FAILED {failure}\n{result.get('log', '')}\n")
                pool.log.flush()
            bar.update(1)
    except KeyboardInterrupt:
        run.interrupted = True
        pool.stop.set()
        pool.kill_all()
    finally:
        pool.stop.set()
        for t in threads:
            t.join(timeout=60)
        bar.close()
        run.seconds = time.monotonic() - start


# --- the command ---------------------------------------------------------------------------------------------

def add_arguments_grade(parser: argparse.ArgumentParser) -> None:
    add_common_arguments(parser)
    parser.add_argument("--student", action="append", dest="students", metavar="ID",
                        help="grade only this student (repeatable)")
    parser.add_argument("--force", action="store_true", help="regrade submissions that are already up to date")
    parser.add_argument("-j", "--workers", type=int, help="parallel workers (default: one per core, plus one)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds one submission may take (default 900)")
    parser.add_argument("--collect", action="store_true", help="first collect submissions from the nbgrader exchange")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _print_findings(run: GradeRun, per_student: int = 3) -> None:
    """Each student with findings, and the first few of them (all are in the findings file)."""
    by_student: dict[tuple[str, str], list[dict]] = {}
    for finding in run.findings:
        by_student.setdefault((finding["assignment"], finding["student"]), []).append(finding)
    if not by_student:
        return
    print(f"flagged for review: {len(by_student)} submission(s) (every finding: {findings.path(run.log.parent.parent)})"
          if run.log else f"flagged for review: {len(by_student)} submission(s)")
    for (assignment, student), found in sorted(by_student.items()):
        print(f"  {assignment}: student '{findings.one_line(student, 80)}' ({len(found)} finding(s))")
        for finding in found[:per_student]:
            where = "" if finding.get("notebook") in ("*", None) else f"{findings.one_line(finding['notebook'], 80)}: "
            print(f"    - {where}{findings.one_line(finding.get('message', ''), 200)}")
        if len(found) > per_student:
            print(f"    - ... and {len(found) - per_student} more")


def cmd_grade(args: argparse.Namespace) -> int:
    """Autograde every submission that needs it, in parallel, and say what happened."""
    root, url, names = resolve(args)
    if args.workers is not None and args.workers < 1:
        raise GradingError(f"--workers must be at least 1; got {args.workers}")
    if args.collect:
        from course.grading.workflow import collect

        for name in names:
            print(f"collected {collect(root, url, name)} submission(s) of {name} from the exchange")
    run = grade(root, url, names, args.students, force=args.force, workers=args.workers, timeout=args.timeout,
                progress=not args.no_progress)
    for note in run.notes:
        print(f"note: {note}")
    rate = len(run.graded) / run.seconds if run.seconds else 0.0
    print(f"graded {len(run.graded)} submission(s) of {', '.join(names)} with {run.workers} worker(s) "
          f"in {run.seconds:.1f} s ({rate:.2f}/s); {len(run.up_to_date)} already up to date; "
          f"{len(run.failed)} could not be graded; gradebook {redact(url)}")
    _print_findings(run)
    if run.interrupted:
        print(f"interrupted: run `course grade {' '.join(names)}` again to grade the rest", file=sys.stderr)
        return 130
    if run.failed:
        print(f"{len(run.failed)} submission(s) could not be graded (details in {run.log}):", file=sys.stderr)
        for failure in run.failed:
            print(f"  {failure}", file=sys.stderr)
        return 1
    return 0
