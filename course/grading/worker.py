"""A grading worker: one long-lived process that autogrades submissions, one at a time, with nbgrader.

``course grade`` starts one worker per core (``python -m course.grading.worker --root R --db URL``),
writes one task per line to its standard input (``{"assignment": ..., "student": ...}``) and reads
one JSON result per line from its standard output. Each task is exactly
``nbgrader autograde <assignment> --student <student> --force``, run through nbgrader's own API
(``NbGraderAPI.autograde``) with the course's ``nbgrader_config.py``, so a worker gives the grades
of stock ``nbgrader autograde``; it only saves the start-up of a new nbgrader per submission.

Public API
----------
- ``kernel_config()``: how grading kernels are launched (the one place to swap the launch).
- ``sqlite_busy_url(url, seconds)``: a SQLite URL that waits for a busy gradebook instead of failing.
- ``main(argv=None)``: the worker loop.

>>> sqlite_busy_url("sqlite:////tmp/gradebook.db", 60)
'sqlite:////tmp/gradebook.db?timeout=60'
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from course.errors import check_number, check_text

__all__ = ["kernel_config", "main", "sqlite_busy_url"]


def kernel_config() -> Any:
    """The traitlets Config that launches grading kernels; empty means nbgrader's default launch.

    SANDBOX HOOK: this is the one call site through which ``course grade`` and ``course selfgrade``
    launch kernels. When ``course/grading/sandbox.py`` exists and defines ``kernel_config()`` (a
    traitlets ``Config`` or a dict, e.g. setting ``Execute.kernel_manager_class``), its settings are
    applied to every grading kernel; otherwise kernels start as stock nbgrader starts them.
    """
    from traitlets.config import Config

    if importlib.util.find_spec("course.grading.sandbox") is None:
        return Config()
    from course.grading import sandbox  # type: ignore[attr-defined]

    hook = getattr(sandbox, "kernel_config", None)
    if hook is None:
        return Config()
    config = hook()
    return config if isinstance(config, Config) else Config(config or {})


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
