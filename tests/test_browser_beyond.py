"""Lesson 04 in a real browser: JupyterLab on loopback, headless Chromium at 1366x900.

Runs every cell of lesson 04 on a scratch copy, then checks and screenshots what a learner sees: the
provenance map, the five-pillar table, the rubric of the online extension, the chronolocation
figure, and a self-check answered wrong and then right. Screenshots go to tests/artifacts/.
Skips when Chromium is missing, except under CI=true (see tests/test_browser.py).
"""

from __future__ import annotations

import pytest

from browser import ARTIFACTS, launch, open_lesson, stderr_outputs
from test_browser import lab  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "04-beyond-the-text.ipynb"


def _shoot(page, locator, name: str) -> None:
    locator.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(ARTIFACTS / name))
    assert (ARTIFACTS / name).stat().st_size > 10_000


def test_lesson_04_in_the_browser(lab) -> None:  # noqa: F811 - the fixture
    from playwright.sync_api import expect, sync_playwright

    from course.checks import check, question

    base, token, work = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        page = open_lesson(browser, base, token, NOTEBOOK)  # every cell run to the end
        expect.set_options(timeout=120_000)
        images = page.locator(".course-figure img")  # the course's figures, each with its alt text
        expect(images).to_have_count(2)  # the provenance map and the chronolocation figure
        for i in range(2):
            assert len(images.nth(i).get_attribute("alt") or "") > 20
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

        quiz = quizzes.filter(has_text="Self-check 04.1.")
        options = question("04.1")["options"]
        right = next(i for i in range(len(options)) if check("04.1", chr(ord("A") + i)).correct)
        quiz.get_by_role("radio").nth((right + 1) % len(options)).check()
        quiz.get_by_role("button", name="Check").click()
        expect(quiz).to_contain_text("✘")
        quiz.get_by_role("radio").nth(right).check()
        quiz.get_by_role("button", name="Check").click()
        expect(quiz).to_contain_text("✔")
        _shoot(page, quiz, "lesson04-selfcheck.png")

        number = quizzes.filter(has_text="Self-check 04.6.")
        number.get_by_role("textbox").fill(str(next(n for n in range(1000) if check("04.6", n).correct)))
        number.get_by_role("button", name="Check").click()
        expect(number).to_contain_text("✔")
        assert not stderr_outputs(page), stderr_outputs(page)
        browser.close()
