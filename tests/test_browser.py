"""End to end in a real browser: JupyterLab on loopback, lessons 00 and 03 in headless Chromium.

Starts JupyterLab on 127.0.0.1 over a scratch copy of the lessons (so nothing in the repository is
written), opens lessons 00 and 03 in Debian's Chromium driven by Playwright, runs every cell, checks that
the reader widgets render and react to clicks, and saves screenshots to tests/artifacts/.
Skips when Chromium is missing, except under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    if not CHROMIUM:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing: `make test` installs Debian's chromium (tools/system-deps.sh)")
        pytest.skip("Chromium is not installed (run `make test` as root, or install Debian's chromium)")
    tmp = tmp_path_factory.mktemp("lab")
    work = tmp / "work"
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
               IPYTHONDIR=str(tmp / "ipython"), PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    env.pop("JUPYTER_DATA_DIR", None)
    # render every cell (no virtual scrolling), so a widget far down a lesson is in the page to check and shoot
    settings = tmp / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}', encoding="utf-8")
    log = open(tmp / "jupyterlab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
         f"--LabApp.user_settings_dir={tmp / 'settings'}",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--ServerApp.allow_root=True"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited:\n{(tmp / 'jupyterlab.log').read_text()[-3000:]}")
            time.sleep(0.5)
    else:
        server.terminate()
        pytest.fail("JupyterLab did not start within 120 s")
    yield base, token, work
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


def _run_lesson(p, base: str, token: str, notebook: str):
    """Open *notebook* in headless Chromium and run all its cells; return the browser and the page."""
    from playwright.sync_api import expect

    expect.set_options(timeout=60_000)  # a busy machine may take more than the default 5 s to answer a click
    browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(120_000)
    # a workspace of its own, so JupyterLab does not restore (and run) a lesson another test opened
    workspace = notebook.split(".")[0]
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/notebooks/{notebook}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook")
    page.wait_for_function("(name) => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget; "
                           "return w && w.context && w.context.path.endsWith(name) "
                           "&& w.sessionContext && w.sessionContext.session; }", arg=notebook)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    return browser, page


def _no_errors_shown(page) -> None:
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.first.inner_text()


def test_lesson_00_reader_works_in_the_browser(lab) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, token, work = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser, page = _run_lesson(p, base, token, "00-start.ipynb")
        reader = page.locator(".course-reader").first
        expect(reader).to_be_visible(timeout=120_000)  # the kernel may still be starting
        head = reader.locator(".reader-head")
        expect(head).to_contain_text("Paragraph 1 of 20")
        reader.get_by_role("button", name="Next ▶").click()
        expect(head).to_contain_text("Paragraph 2 of 20")
        expect(reader.locator(".reader-text")).to_contain_text("staatspersbureau TASS")
        reader.get_by_role("button", name="Quotations").click()
        expect(reader.locator("mark.quotations").first).to_be_visible()
        reader.get_by_role("button", name="English").click()
        expect(reader.locator(".reader-text")).to_contain_text("state news agency")
        reader.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "lesson00-reader.png"))
        _no_errors_shown(page)
        browser.close()
    assert (ARTIFACTS / "lesson00-reader.png").stat().st_size > 10_000
    # the repository's lesson stays untouched: the browser worked on a scratch copy
    assert '"outputs": []' in (ROOT / "notebooks" / "00-start.ipynb").read_text(encoding="utf-8")


def test_lesson_03_framing_reader_switches_technique_in_the_browser(lab) -> None:
    from playwright.sync_api import expect, sync_playwright

    from course.framing import spans, technique

    base, token, work = lab
    first_name_calling = spans(technique="name-calling")[0].paragraph
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser, page = _run_lesson(p, base, token, "03-framing.ipynb")
        view = page.locator(".course-framing-reader").first
        expect(view).to_be_visible(timeout=120_000)
        expect(view).to_contain_text(technique("euphemism").definition[:40])
        expect(view.locator("mark.euphemism").first).to_be_visible()
        view.locator("select").first.select_option(label=technique("name-calling").name)
        expect(view.locator("mark.name-calling").first).to_be_visible()
        expect(view.locator("mark.euphemism")).to_have_count(0)
        expect(view).to_contain_text(technique("name-calling").definition[:40])
        expect(view.locator(".reader-head")).to_contain_text(f"Paragraph {int(first_name_calling[1:])} of 20")
        view.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.screenshot(path=str(ARTIFACTS / "lesson03-framing-reader.png"))
        _no_errors_shown(page)
        browser.close()
    assert (ARTIFACTS / "lesson03-framing-reader.png").stat().st_size > 10_000
