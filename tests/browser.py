"""Helpers for the browser tests: JupyterLab on loopback, lessons run in headless Chromium, and what a
person sees measured (layout checks, screenshots, axe-core).

Used by tests/test_browser.py and tests/test_lab.py. Everything runs on 127.0.0.1; nothing is fetched:
axe-core comes from the ``axe-playwright-python`` package, which ships ``axe.min.js``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1366, "height": 900}
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))

# The DOM the course owns: everything a course cell prints or displays. JupyterLab's own chrome (menus,
# toolbars, side panels, the cell prompts and editors) is JupyterLab's, listed in ACCESSIBILITY.md.
COURSE_DOM = [".jp-Notebook .jp-MarkdownOutput", ".jp-Notebook .jp-OutputArea-output"]
# Rules left out, each for a documented reason (ACCESSIBILITY.md, "How the course is checked"):
AXE_EXCLUDED_RULES = {
    # The lesson is one region of JupyterLab's page; landmarks are JupyterLab's (its chrome has its own gaps).
    "region": "JupyterLab's page structure: the course's output lives inside JupyterLab's main area",
    # JupyterLab marks every rendered Markdown cell and every output as its own document fragment, so a
    # lesson's h1 is not the page's; heading order *within* a lesson is checked by the course itself.
    "page-has-heading-one": "the page is JupyterLab's; the lesson's own h1 is checked in test_notebooks",
    "landmark-one-main": "JupyterLab's page structure",
}


def need_chromium() -> None:
    """Skip (or, under CI=true, fail) when Chromium is missing."""
    if CHROMIUM:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium (tools/system-deps.sh)")
    pytest.skip("Chromium is not installed (run `make test` as root, or install Debian's chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_env(tmp: Path) -> dict[str, str]:
    """An environment whose Jupyter config, runtime and IPython folders are scratch folders under *tmp*."""
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
               IPYTHONDIR=str(tmp / "ipython"), PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    env.pop("JUPYTER_DATA_DIR", None)
    return env


def wait_for_server(base: str, token: str, server: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    """Wait until the Jupyter server at *base* answers; fail with its log if it exits or never answers."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            return
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"the Jupyter server exited:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
    stop(server)
    pytest.fail(f"the Jupyter server did not start within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def stop(server: subprocess.Popen) -> None:
    """Stop a server this test started (and only that one)."""
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


@contextlib.contextmanager
def lab_server(tmp: Path) -> Iterator[tuple[str, str, Path]]:
    """JupyterLab on loopback over a scratch copy of the lessons; yields (base url, token, work folder)."""
    work = tmp / "work"
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    port, token = free_port(), secrets.token_hex(16)
    # render every cell (no virtual scrolling), so a widget far down a lesson is in the page to check and shoot
    settings = tmp / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}', encoding="utf-8")
    quiet = tmp / "settings" / "@jupyterlab" / "apputils-extension"  # no "get notified about news?" toast
    quiet.mkdir(parents=True)
    (quiet / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}',
                                                             encoding="utf-8")
    log_path = tmp / "jupyterlab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
             f"--LabApp.user_settings_dir={tmp / 'settings'}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
             "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--ServerApp.allow_root=True"],
            cwd=work, env=lab_env(tmp), stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for_server(base, token, server, log_path)
            yield base, token, work
        finally:
            stop(server)


def launch(p: Any) -> Any:
    """Debian's Chromium, headless."""
    return p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)


def open_lesson(browser: Any, base: str, token: str, notebook: str, run: bool = True) -> Any:
    """A 1366x900 page with *notebook* open in its own workspace; with *run*, every cell run to the end."""
    from playwright.sync_api import expect

    expect.set_options(timeout=60_000)  # a busy machine may take more than the default 5 s to answer a click
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(120_000)
    workspace = notebook.split(".")[0]  # so JupyterLab does not restore (and run) a lesson another test opened
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/notebooks/{notebook}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook")
    page.wait_for_function("(name) => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget; "
                           "return w && w.context && w.context.path.endsWith(name) "
                           "&& w.sessionContext && w.sessionContext.session; }", arg=notebook)
    if run:
        run_all(page)
    return page


def run_all(page: Any, timeout_ms: int = 240_000) -> None:
    """Run every cell and wait until each code cell has an execution count and the kernel is idle."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget; const k = w.sessionContext.session.kernel;"
        " const cells = w.content.widgets.filter(c => c.model.type === 'code');"
        " return k && k.status === 'idle' && cells.every(c => c.model.executionCount !== null); }",
        timeout=timeout_ms)
    page.wait_for_timeout(1500)  # widgets render after their cell has finished
    page.evaluate("() => document.fonts.ready")


def stderr_outputs(page: Any) -> list[str]:
    """The text of every stderr or error output on the page."""
    return page.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], .jp-OutputArea-output.jp-mod-error",
        "els => els.map(e => e.innerText.slice(0, 500))")


# One script measures what a machine can check about what a person sees in the course's outputs.
_LAYOUT_JS = """
() => {
  const problems = [];
  const name = el => (el.className && el.className.baseVal === undefined ? String(el.className) : el.tagName)
                     .split(' ').filter(c => c.startsWith('course') || c.startsWith('widget')).join('.') || el.tagName;
  const cellOf = el => { const c = el.closest('.jp-Cell'); return c ? [...c.parentNode.children].indexOf(c) : -1; };
  const outputs = [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')];
  for (const out of outputs) {
    const cell = cellOf(out);
    // 1. no horizontal overflow: nothing is wider than the output area that holds it
    if (out.scrollWidth > out.clientWidth + 1)
      problems.push(`cell ${cell}: output overflows sideways (${out.scrollWidth} px in ${out.clientWidth} px)`);
    // 2. no widget box narrower than 300 px
    for (const box of out.querySelectorAll('.course-widget, .course-widget .widget-box, .course-widget .widget-html')) {
      const r = box.getBoundingClientRect();
      if (r.width > 0 && r.width < 300 && box.innerText.trim().length > 80)
        problems.push(`cell ${cell}: ${name(box)} is ${Math.round(r.width)} px wide (less than 300 px) for ${box.innerText.trim().length} characters`);
    }
    // 3. no clipped text: an element whose text is cut off by its own box
    for (const el of out.querySelectorAll('*')) {
      const s = getComputedStyle(el);
      if (!el.childNodes.length || s.display === 'none' || s.visibility === 'hidden') continue;
      const hasText = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
      if (!hasText) continue;
      const clipsX = ['hidden', 'clip'].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1;
      const clipsY = ['hidden', 'clip'].includes(s.overflowY) && el.scrollHeight > el.clientHeight + 1;
      if (clipsX || clipsY)
        problems.push(`cell ${cell}: text clipped in ${name(el)}: "${el.innerText.trim().slice(0, 60)}"`);
    }
    // 4. every radio option has its input, and options do not overprint each other
    for (const group of out.querySelectorAll('[role=radiogroup], .widget-radio-box, fieldset')) {
      const labels = [...group.querySelectorAll('label')];
      for (const l of labels) {
        const input = l.querySelector('input') || (l.htmlFor && document.getElementById(l.htmlFor));
        if (!input) problems.push(`cell ${cell}: option "${l.innerText.trim().slice(0, 40)}" has no input`);
        else { const r = input.getBoundingClientRect();
               if (r.width === 0 || r.height === 0) problems.push(`cell ${cell}: option "${l.innerText.trim().slice(0, 40)}" has a hidden input`); }
      }
      const boxes = labels.map(l => l.getBoundingClientRect());
      for (let i = 1; i < boxes.length; i++)
        if (boxes[i].top < boxes[i - 1].bottom - 1)
          problems.push(`cell ${cell}: option ${i + 1} overlaps option ${i}`);
    }
  }
  return problems;
}
"""


def layout_problems(page: Any) -> list[str]:
    """What a machine can see is wrong with the course's outputs: overflow, narrow boxes, clipping, radios."""
    return page.evaluate(_LAYOUT_JS)


def shoot_outputs(page: Any, stem: str) -> list[Path]:
    """A PNG of every figure and every course widget on the page: ``<stem>-cellNN-<kind>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    shots = []
    targets = page.locator(".jp-Notebook .jp-OutputArea-output:has(img), "
                           ".jp-Notebook .jp-OutputArea-output:has(.course-widget)")
    for i in range(targets.count()):
        out = targets.nth(i)
        cell = out.evaluate("el => { const c = el.closest('.jp-Cell'); return [...c.parentNode.children].indexOf(c); }")
        kind = "widget" if out.locator(".course-widget").count() else "figure"
        path = ARTIFACTS / f"{stem}-cell{cell:02d}-{kind}.png"
        shoot(page, out, path)
        shots.append(path)
    return shots


def shoot(page: Any, element: Any, path: Path) -> None:
    """A PNG of *element*; one taller than the window is shot in a window grown to fit it (same width)."""
    element.scroll_into_view_if_needed()
    height = element.evaluate("e => e.getBoundingClientRect().height")
    if height > VIEWPORT["height"] - 150:
        page.set_viewport_size({"width": VIEWPORT["width"], "height": int(height) + 250})
        element.scroll_into_view_if_needed()
    try:
        element.screenshot(path=str(path))
    finally:
        page.set_viewport_size(VIEWPORT)


def axe_scan(page: Any, include: list[str] | None = None) -> dict[str, Any]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the course's DOM; return axe's raw results."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    context = {"include": [[s] for s in (include or COURSE_DOM)]}
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
               "rules": {rule: {"enabled": False} for rule in AXE_EXCLUDED_RULES}, "resultTypes": ["violations"]}
    return page.evaluate("([c, o]) => axe.run(c, o)", [context, options])


def serious(results: dict[str, Any]) -> list[str]:
    """One line per serious or critical violation, with the elements it names."""
    lines = []
    for v in results["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = "; ".join(" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                                for n in v["nodes"][:4])
            lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} element(s)): {v['help']} -> {targets}")
    return lines


def save_json(name: str, data: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
