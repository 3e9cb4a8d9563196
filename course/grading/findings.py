"""What the grader found in a submission, kept where no student can touch it: one JSON record per line.

Every guard of the grader (``course.grading.guard``, ``course.grading.execute``) records what it
finds in a submission (a cell that was edited, a file that was quarantined, code that tampers with
grading, a kernel that died, output that was cut) in ``<course root>/.course-grade/findings.jsonl``.
Each line is one JSON object, so a student's text (a file name, an error message with newlines)
can never forge a line or blame another student. The kernel cannot reach the file: the sandbox
never shows it the course root, and the kernel shares no file descriptor with the grader.

``course grade`` prints each student's findings in its summary, and the gradebook's *flagged* state
is set for every notebook with a finding (``course.grading.execute.FlagFindings``), even when it
graded without error, so formgrader shows it to the instructor.

Public API
----------
- ``record(root, assignment, student, notebook, kind, message)``: append one finding (returns it).
- ``read(root, assignment=None, student=None, since=None)``: the findings, oldest first.
- ``one_line(text, limit=300)``: *text* made safe for a log line (escaped, no newlines, cut to *limit*).
- ``path(root)``: where the findings are kept.

>>> one_line("a\\nforged line")
'a\\\\nforged line'
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path
from typing import Any

from course.errors import CourseValueError, check_text, check_type

__all__ = ["KINDS", "one_line", "path", "read", "record"]

KINDS = ("structure", "file", "tampering", "runaway", "output", "kernel", "grading")
_NAME = "findings.jsonl"
_FOLDER = ".course-grade"


def one_line(text: Any, limit: int = 300) -> str:
    """*text* as one escaped line (JSON string escapes, no newlines or control characters), at most *limit* chars."""
    check_type(limit, int, "limit")
    shown = json.dumps(str(text)[:limit], ensure_ascii=False)[1:-1]
    return shown + ("..." if len(str(text)) > limit else "")


def path(root: str | Path) -> Path:
    """The findings file of the course at *root*."""
    check_type(root, (str, Path), "root")
    return Path(root) / _FOLDER / _NAME


def record(root: str | Path, assignment: str, student: str, notebook: str, kind: str, message: str) -> dict:
    """Append one finding about *student*'s *notebook* of *assignment* (``"*"`` for the whole submission)."""
    check_type(root, (str, Path), "root")
    for value, name in ((assignment, "assignment"), (student, "student"), (notebook, "notebook"),
                        (message, "message")):
        check_type(value, str, name)
    check_text(kind, "kind")
    if kind not in KINDS:
        raise CourseValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    entry = {"time": round(time.time(), 3), "assignment": assignment, "student": student, "notebook": notebook,
             "kind": kind, "message": message[:2000]}  # read() allows for the rounding of the time
    target = path(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
    finally:
        os.close(fd)
    return entry


def read(root: str | Path, assignment: str | None = None, student: str | None = None,
         since: float | None = None) -> list[dict]:
    """The findings of the course at *root*, oldest first, optionally of one assignment, student, or since a time."""
    check_type(root, (str, Path), "root")
    target = path(root)
    if not target.is_file():
        return []
    out = []
    with open(target, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if not isinstance(entry, dict):
                continue
            if assignment is not None and entry.get("assignment") != assignment:
                continue
            if student is not None and entry.get("student") != student:
                continue
            if since is not None and float(entry.get("time", 0)) < since - 0.001:
                continue
            out.append(entry)
    return out

