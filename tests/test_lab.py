"""`make lab` as a classroom runs it: options through ARGS, root in a container, and nbgrader's UI working.

Runs the real `make lab ARGS="--no-browser --port P ..."` on a scratch copy of the course (so the
gradebook and exchange it creates are not in the repository), then opens nbgrader's Formgrader and its
Assignments and Courses tabs in headless Chromium: Formgrader lists the course's assignments, and the
Assignments tab shows the course with its local exchange.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from browser import ARTIFACTS, ROOT, VIEWPORT, free_port, lab_env, launch, need_chromium, wait_for_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ASSIGNMENTS = sorted(p.name for p in (ROOT / "assignments" / "source").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def make_lab(tmp_path_factory: pytest.TempPathFactory):
    need_chromium()
    if not shutil.which("make"):
        pytest.fail("make is missing")
    tmp = tmp_path_factory.mktemp("make-lab")
    course = tmp / "course"
    course.mkdir()
    for name in ("Makefile", "pyproject.toml", "etc", "notebooks", "tools"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, course / name)
    (course / "assignments").mkdir()
    shutil.copy2(ROOT / "assignments" / "nbgrader_config.py", course / "assignments")
    shutil.copytree(ROOT / "assignments" / "source", course / "assignments" / "source")
    venv = Path(os.environ.get("VIRTUAL_ENV") or ROOT / ".venv")
    settings = tmp / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    env = dict(lab_env(tmp), JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(tmp / "ws"),
               JUPYTER_DATA_DIR=str(tmp / "data"))  # nbgrader's cache of submissions: this test's own
    port, token = free_port(), secrets.token_hex(16)
    args = (f"--no-browser --port {port} --ip=127.0.0.1 --IdentityProvider.token={token} "
            "--LabApp.expose_app_in_browser=True")
    log_path = tmp / "make-lab.log"
    with open(log_path, "w") as log:
        # -o: the course is installed already (the venv's stamp stays as it is); a session of its own, to stop it all
        server = subprocess.Popen(["make", "-o", f"{venv}/.installed", "lab", f"VENV={venv}", f"ARGS={args}"],
                                  cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_server(f"http://127.0.0.1:{port}", token, server, log_path, timeout=480)  # first run releases
            yield f"http://127.0.0.1:{port}", token, course, log_path
        finally:
            os.killpg(server.pid, signal.SIGTERM)  # make and the JupyterLab it started: this test's own group
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)


def test_make_lab_passes_args_and_handles_root(make_lab) -> None:
    base, token, course, log = make_lab
    text = log.read_text()
    assert "--no-browser" in text and "JUPYTER_CONFIG_PATH=" in text
    if os.geteuid() == 0:
        assert "running as root" in text and "--allow-root" in text
    assert "releasing the assignments to the course's local exchange" in text
    outbound = course / "assignments" / "exchange" / "war-reporting" / "outbound"
    assert sorted(p.name for p in outbound.iterdir()) == ASSIGNMENTS


def test_formgrader_and_assignments_tab_work(make_lab) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, token, course, _ = make_lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(120_000)
            expect.set_options(timeout=60_000)
            page.goto(f"{base}/lab/tree/notebooks/00-start.ipynb?reset&token={token}")
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.commands.hasCommand('nbgrader:open-formgrader')")
            page.evaluate("() => window.jupyterapp.commands.execute('nbgrader:open-formgrader')")
            frame = page.frame_locator("iframe").first
            table = frame.locator("table")
            for name in ASSIGNMENTS:
                expect(table.first).to_contain_text(name)
            page.get_by_role("tab", name="Formgrader").click()
            expect(table.first).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "lab-formgrader.png"))
            page.evaluate("() => window.jupyterapp.commands.execute('nbgrader:open-assignment-list')")
            expect(page.get_by_role("button", name="war-reporting")).to_be_visible()  # the course, chosen
            released = page.locator(".lm-Widget", has_text="Released assignments").last
            for name in ASSIGNMENTS:
                expect(released).to_contain_text(name)
            expect(page.get_by_text("Error fetching courses")).to_have_count(0)
            expect(page.get_by_text("exchange directory does not exist")).to_have_count(0)
            page.screenshot(path=str(ARTIFACTS / "lab-assignments-tab.png"))
            page.evaluate("() => window.jupyterapp.commands.execute('nbgrader:open-course-list')")
            expect(page.get_by_text("war-reporting").last).to_be_visible()
            expect(page.get_by_text("Error fetching courses")).to_have_count(0)
            page.screenshot(path=str(ARTIFACTS / "lab-courses-tab.png"))
        finally:
            browser.close()
