"""Lesson 04 in a real browser: JupyterLab on loopback, headless Chromium at 1366x900.

Runs every cell of lesson 04 on a scratch copy, then checks and screenshots what a learner sees: the
provenance map, the five-pillar table, the rubric of the online extension, the chronolocation
figure, and a self-check answered wrong and then right. Screenshots go to tests/artifacts/.
Skips when Chromium is missing, except under CI=true (see tests/test_browser.py).
"""

from __future__ import annotations

import pytest

from test_browser import ARTIFACTS, _no_errors_shown, lab  # noqa: F401 - lab is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "04-beyond-the-text.ipynb"


def _shoot(page, locator, name: str) -> None:
    locator.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(ARTIFACTS / name))
    assert (ARTIFACTS / name).stat().st_size > 10_000


def test_lesson_04_in_the_browser(lab) -> None:  # noqa: F811 - the fixture
    from playwright.sync_api import expect, sync_playwright

    base, token, work = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        expect.set_options(timeout=120_000)
        browser = p.chromium.launch(executable_path=__import__("test_browser").CHROMIUM, headless=True,
                                    args=__import__("test_browser").CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.set_default_timeout(180_000)
        page.goto(f"{base}/lab/workspaces/lesson04/tree/notebooks/{NOTEBOOK}?reset&token={token}")
        page.wait_for_selector(".jp-Notebook")
        page.wait_for_function("(name) => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget; "
                               "return w && w.context && w.context.path.endsWith(name) "
                               "&& w.sessionContext && w.sessionContext.session; }", arg=NOTEBOOK)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        images = page.locator(".jp-RenderedImage img")
        expect(images).to_have_count(2)  # the provenance map and the chronolocation figure
        quizzes = page.locator(".course-quiz")
        expect(quizzes).to_have_count(6)

        news = page.locator(".jp-toast-button").filter(has_text="No")  # JupyterLab's own "news?" toast
        if news.count():
            news.first.click()
        _shoot(page, images.nth(0), "lesson04-provenance-map.png")
        box = images.nth(0).bounding_box()
        assert box["width"] <= 1366 and box["width"] > 800, box

        table = page.locator(".jp-RenderedMarkdown table").filter(has_text="what a verifier needs")
        expect(table).to_be_visible()
        _shoot(page, table, "lesson04-pillars.png")
        rubric = page.locator(".jp-RenderedMarkdown table").filter(has_text="mastery")
        _shoot(page, rubric, "lesson04-rubric.png")

        drift_out = page.locator(".jp-RenderedMarkdown").filter(has_text="certainty: established").first
        _shoot(page, drift_out, "lesson04-drift.png")
        isw = page.locator(".jp-RenderedMarkdown").filter(has_text="Kimberly Kagan").first
        _shoot(page, isw, "lesson04-lateral.png")
        _shoot(page, images.nth(1), "lesson04-chronolocation.png")

        quiz = quizzes.nth(0)
        quiz.get_by_role("radio").nth(0).check()
        quiz.get_by_role("button", name="Check").click()
        expect(quiz).to_contain_text("✘")
        quiz.get_by_role("radio").nth(1).check()
        quiz.get_by_role("button", name="Check").click()
        expect(quiz).to_contain_text("✔")
        _shoot(page, quiz, "lesson04-selfcheck.png")

        number = quizzes.nth(5)
        number.get_by_role("textbox").fill("26")
        number.get_by_role("button", name="Check").click()
        expect(number).to_contain_text("✔")
        _no_errors_shown(page)
        browser.close()
