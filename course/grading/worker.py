"""A grading worker: one long-lived process that autogrades submissions, one at a time, with nbgrader.

``course grade`` starts one worker per core (``python -m course.grading.worker --root R --db URL``),
writes one task per line to its standard input (``{"assignment": ..., "student": ...}``) and reads
one JSON result per line from its standard output. Each task is exactly
``nbgrader autograde <assignment> --student <student> --force``, run through nbgrader's own API
(``NbGraderAPI.autograde``) with the course's ``nbgrader_config.py``, so a worker gives the grades
of stock ``nbgrader autograde``; it only saves the start-up of a new nbgrader per submission.

Public API
----------
- ``sqlite_busy_url(url, seconds)``: a SQLite URL that waits for a busy gradebook instead of failing.
- ``main(argv=None)``: the worker loop.

>>> sqlite_busy_url("sqlite:////tmp/gradebook.db", 60)
'sqlite:////tmp/gradebook.db?timeout=60'
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from course.errors import check_number, check_text

__all__ = ["main", "sqlite_busy_url"]


def sqlite_busy_url(url: str, seconds: float) -> str:
    """*url* with a busy timeout when it is SQLite: a writer then waits its turn instead of failing."""
    check_text(url, "url")
    check_number(seconds, "seconds", low=0, unit="seconds")
    if not url.startswith("sqlite:") or "timeout=" in url:
        return url
    return f"{url}{'&' if '?' in url else '?'}timeout={seconds:g}"


def _tail_error(result: dict[str, Any]) -> str:
    text = (result.get("error") or "").strip().splitlines()
    return text[-1] if text else ""


def main(argv: list[str] | None = None) -> int:
    """Serve grading tasks from stdin until it closes; one JSON result per line on the original stdout."""
    parser = argparse.ArgumentParser(prog="python -m course.grading.worker")
    parser.add_argument("--root", required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    # Ctrl-C goes to the whole process group: the parent decides what to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Keep the protocol channel clean: anything printed by nbgrader, kernels or student code goes to stderr.
    channel = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    from course.grading.gradebook import open_api

    root = Path(args.root)
    os.chdir(root)
    api = open_api(root, sqlite_busy_url(args.db, 120), log_level="INFO", kernel=True)
    channel.write(json.dumps({"ready": os.getpid()}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        task = json.loads(line)
        start = time.monotonic()
        result = api.autograde(task["assignment"], task["student"], force=True, create=True)
        out = {"assignment": task["assignment"], "student": task["student"], "ok": bool(result.get("success")),
               "seconds": round(time.monotonic() - start, 3), "log": result.get("log", ""),
               "error": _tail_error(result)}
        channel.write(json.dumps(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
