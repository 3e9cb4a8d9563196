#!/usr/bin/env python3
"""Run the lessons of a built zero-install site in headless Chromium, offline, and report what happened.

    unshare -n -- .venv/bin/python tools/lite/run_lessons.py dist/lite --netns --report out.json

Serves the site on 127.0.0.1 and, for each lesson, opens it in a new page (with ``--cold``, in a fresh
browser context: no cache, no storage), waits for the kernel, runs every cell, and records: seconds
to an idle kernel and to the last cell, every error a cell showed, the pre-rendered figures it shows,
and every request the page and its workers made.
With ``--quiz LESSON=QID:WRONG:RIGHT`` it answers that self-check wrongly and then rightly and records
the feedback; with ``--reset LESSON`` it then edits and saves that lesson (a new page must find the
edit in the browser's storage), presses "Reset this lesson" and checks that the original is back, on
the page and in the storage.

With ``--netns`` it expects to run inside a new network namespace (``unshare -n``, as root): it brings
up the loopback interface and refuses to run if any other interface exists, so nothing can leave the
machine. ``tests/test_lite.py`` and ``benchmarks/lite.py`` both drive it.
"""

from __future__ import annotations

import argparse
import fcntl
import functools
import http.server
import json
import shutil
import socket
import struct
import threading
import time
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 900}
# the lesson is open, its notebook loaded, and its kernel idle
IDLE = ("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " if (!w || !w.context || !w.context.isReady || !w.content || !w.content.model) return false;"
        " const k = w.sessionContext.session && w.sessionContext.session.kernel; return !!k && k.status === 'idle'; }")
# "run all" is over: some cell ran, none is running or queued, and the kernel is idle (after an error
# JupyterLab stops the run, so the cells below keep no execution count)
ALL_RAN = ("() => { const w = window.jupyterapp.shell.currentWidget; const k = w.sessionContext.session.kernel;"
           " if (!k || k.status !== 'idle') return false; const cells = [...w.content.model.cells];"
           " return cells.some(c => c.executionCount) && !cells.some(c => c.executionState === 'running'); }")
RAN = ("() => { const cells = [...window.jupyterapp.shell.currentWidget.content.model.cells].filter(c => c.type === 'code');"
       " return {code: cells.length, ran: cells.filter(c => c.executionCount).length}; }")
ERRORS = ("() => [...window.jupyterapp.shell.currentWidget.content.model.cells].flatMap((c, i) => c.type !== 'code' ? [] :"
          " c.toJSON().outputs.filter(o => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr'))"
          ".map(o => `cell ${i}: ` + (o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : [].concat(o.text).join(''))))")


def isolate() -> list[str]:
    """Inside a fresh network namespace: bring up loopback and make sure it is the only interface."""
    names = [name for _, name in socket.if_nameindex()]
    if names != ["lo"]:
        raise SystemExit(f"--netns: this network namespace has interfaces {names}; expected only 'lo' "
                         "(run under `unshare -n`)")
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack("16sH22x", fcntl.ioctl(s, siocgifflags, struct.pack("16sH22x", b"lo", 0)))[1]
        fcntl.ioctl(s, siocsifflags, struct.pack("16sH22x", b"lo", flags | iff_up))
    return names


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, list[str]]:
    """A static server for *site* on 127.0.0.1 (a free port) that remembers every path it was asked for."""
    seen: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                          ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript"}

        def log_message(self, *args: Any) -> None:
            seen.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def open_lesson(context: Any, base: str, lesson: str) -> tuple[Any, float]:
    """Open *lesson* in a new page of *context* and wait for its kernel; returns the page and the seconds taken."""
    page = context.new_page()
    page.set_default_timeout(240_000)
    started = time.perf_counter()
    page.goto(f"{base}/lab/index.html?path={lesson}")
    page.wait_for_function(IDLE, polling=250)
    return page, time.perf_counter() - started


def run_all(page: Any) -> float:
    started = time.perf_counter()
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_RAN, polling=250)
    return time.perf_counter() - started


def answer_quiz(page: Any, qid: str, wrong: str, right: str) -> dict[str, str]:
    """Answer self-check *qid* with *wrong*, then *right* (option letters, or text to type); return the
    text of its feedback region after each."""
    box = page.locator(".course-quiz", has_text=f"Self-check {qid}.")
    box.scroll_into_view_if_needed()
    options = box.locator("input[type=radio]")
    feedback = {}
    for label, answer, mark in (("wrong", wrong, "✘"), ("right", right, "✔")):
        if options.count():
            options.nth(ord(answer) - ord("A")).check()
        else:
            box.locator("input[type=text]").fill(answer)
        box.get_by_role("button", name="Check").click()
        result = box.locator(".course-quiz-feedback", has_text=mark)
        result.wait_for(timeout=60_000)
        feedback[label] = result.inner_text()
    return feedback


def figures(page: Any) -> list[dict[str, str]]:
    """The pre-rendered figures the lesson shows: alt text and note of each."""
    return page.evaluate("() => [...document.querySelectorAll('.course-prerendered')].map(f => "
                         "({alt: (f.querySelector('img') || {}).alt || '', note: ((f.querySelector('figcaption') || {}).textContent || '').trim()}))")


LESSON_CELL = ("() => [...window.jupyterapp.shell.currentWidget.content.model.cells].find(c => c.type === 'code'"
               " && !(c.getMetadata('tags') || []).includes('lite-reset'))")
SOURCE = f"() => ({LESSON_CELL})().sharedModel.getSource()"


STORED = ("async (path) => { const m = await window.jupyterapp.serviceManager.contents.get(path, {content: true});"
          " const c = m.content.cells.find(c => c.cell_type === 'code' && !((c.metadata || {}).tags || []).includes('lite-reset'));"
          " return [].concat(c.source).join(''); }")


def stored_in_a_new_page(context: Any, base: str, lesson: str) -> str:
    """The lesson's first code cell as the browser's storage holds it, read by a new page with no lesson open."""
    page = context.new_page()
    try:
        page.goto(f"{base}/lab/index.html?reset")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.serviceManager.contents", polling=250)
        return page.evaluate(STORED, lesson)
    finally:
        page.close()


def check_reset(context: Any, base: str, page: Any, lesson: str) -> dict[str, Any]:
    """Edit and save *lesson*: a new page must find the edit in the browser's storage. Then press
    "Reset this lesson": the original must be back on the page and in the storage."""
    marker = "# my own note, saved in this browser"
    original = page.evaluate(SOURCE)
    page.evaluate(f"(m) => {{ const c = ({LESSON_CELL})(); c.sharedModel.setSource(m + '\\n' + c.sharedModel.getSource()); }}",
                  marker)
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
    kept = stored_in_a_new_page(context, base, lesson).startswith(marker)
    widget = page.locator(".course-lesson-reset")
    widget.get_by_role("button", name="Reset this lesson").click()
    widget.get_by_role("button", name="Yes, reset").click()
    page.wait_for_function(f"(o) => ({SOURCE})() === o", arg=original, timeout=60_000)
    return {"kept_after_save": kept, "restored": page.evaluate(SOURCE) == original,
            "stored_is_original": stored_in_a_new_page(context, base, lesson) == original}


def run(site: Path, lessons: list[str], quizzes: dict[str, tuple[str, str, str]], reset: list[str],
        shots: Path | None, cold: bool) -> dict[str, Any]:
    """Open, run and check each lesson; a fresh browser context for each when *cold*, else one for all."""
    from playwright.sync_api import sync_playwright

    server, served = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    report: dict[str, Any] = {"base": base, "cold": cold, "lessons": {}}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", headless=True,
                                        args=CHROMIUM_FLAGS)
            shared = None if cold else browser.new_context(viewport=VIEWPORT)
            for lesson in lessons:
                requests: list[str] = []
                record: dict[str, Any] = {"requests": requests}
                report["lessons"][lesson] = record
                context = shared or browser.new_context(viewport=VIEWPORT)
                def listen(request: Any, into: list[str] = requests) -> None:
                    into.append(request.url)

                context.on("request", listen)
                page = None
                try:
                    page, record["idle_s"] = open_lesson(context, base, lesson)
                    record["run_s"] = run_all(page)
                    record["errors"] = page.evaluate(ERRORS)
                    record["cells"] = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.cells.length")
                    record.update(page.evaluate(RAN))
                    record["figures"] = figures(page)
                    if lesson in quizzes:
                        qid, wrong, right = quizzes[lesson]
                        record["quiz"] = {"id": qid, **answer_quiz(page, qid, wrong, right)}
                    if shots:
                        page.screenshot(path=str(shots / f"{lesson.removesuffix('.ipynb')}.png"))
                        shown = page.locator(".course-prerendered")
                        for i in range(shown.count()):  # every figure the lesson shows
                            shown.nth(i).scroll_into_view_if_needed()
                            page.screenshot(path=str(shots / f"{lesson.removesuffix('.ipynb')}-figure-{i + 1}.png"))
                except Exception as err:  # noqa: BLE001 - reported per lesson, the others still run
                    record["failure"] = f"{type(err).__name__}: {err}"[:2000]
                if lesson in reset and "failure" not in record:
                    try:
                        record["reset"] = check_reset(context, base, page, lesson)
                    except Exception as err:  # noqa: BLE001
                        record["reset"] = {"failure": f"{type(err).__name__}: {err}"[:2000]}
                        if shots:
                            page.screenshot(path=str(shots / f"reset-failed-{lesson.removesuffix('.ipynb')}.png"))
                if page:
                    page.close()  # ends the lesson's kernel (a worker of the page)
                context.remove_listener("request", listen)
                if not shared:
                    context.close()
            browser.close()
    finally:
        server.shutdown()
    report["served"] = len(served)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--lessons", default="", help="comma-separated lesson files (default: every lesson in the site)")
    parser.add_argument("--quiz", action="append", default=[], help="LESSON=QID:WRONG:RIGHT (option letters)")
    parser.add_argument("--reset", action="append", default=[], help="a lesson to edit, save and reset")
    parser.add_argument("--cold", action="store_true", help="a fresh browser context (no cache) for each lesson")
    parser.add_argument("--screenshots", type=Path, default=None)
    parser.add_argument("--netns", action="store_true", help="inside `unshare -n`: loopback only")
    parser.add_argument("--report", type=Path, required=True)
    args = parser.parse_args()
    interfaces = isolate() if args.netns else None
    lessons = [s for s in args.lessons.split(",") if s] or sorted(p.name for p in (args.site / "files").glob("*.ipynb"))
    quizzes = {}
    for spec in args.quiz:
        lesson, rest = spec.split("=", 1)
        quizzes[lesson] = tuple(rest.split(":"))
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    report = run(args.site.resolve(), lessons, quizzes, args.reset, args.screenshots, args.cold)
    report["interfaces"] = interfaces
    args.report.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
