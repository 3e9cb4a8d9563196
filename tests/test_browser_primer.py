"""The Python primer in a real browser at 1366x900: a Parsons problem solved with the keyboard alone.

Runs the primer in JupyterLab (the `lab` and `chromium` fixtures of tests/test_browser.py: a scratch copy
of the lessons, headless Chromium; the page helpers of tests/browser.py), then, with key presses only: Tab-focus a line's Down button, press Enter, and check
that the line moved and the focus went with it; press Check twice on a wrong order and open
"Show the reasoning" with Enter. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import pytest

from browser import ARTIFACTS, VIEWPORT, open_lesson, stderr_outputs
from test_browser import chromium, lab  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_parsons_problem_works_with_the_keyboard(lab, chromium) -> None:  # noqa: F811 - the fixtures
    from playwright.sync_api import expect

    base, token, _ = lab
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_lesson(chromium, base, token, "python-primer.ipynb")
    try:
        assert page.viewport_size == VIEWPORT
        problem = page.locator(".course-parsons").first
        expect(problem).to_be_visible(timeout=120_000)
        expect(problem).to_contain_text("Self-check py.5")
        codes = problem.locator("code")
        first, second = codes.nth(0).inner_text(), codes.nth(1).inner_text()
        downs = problem.get_by_role("button", name="Down")
        downs.first.focus()
        page.keyboard.press("Enter")
        expect(codes.nth(0)).to_have_text(second)
        expect(codes.nth(1)).to_have_text(first)
        focused = page.evaluate("() => document.activeElement && document.activeElement.title")
        assert focused.startswith("Move line 2 down"), f"the focus should follow the moved line; it is on {focused!r}"
        check = problem.get_by_role("button", name="Check")
        check.focus()
        page.keyboard.press("Enter")
        expect(problem).to_contain_text("not yet")
        page.keyboard.press("Enter")
        summary = problem.locator("summary")
        expect(summary).to_have_text("Show the reasoning")
        summary.focus()
        page.keyboard.press("Enter")
        expect(problem.locator("details")).to_have_attribute("open", "")
        expect(problem).to_contain_text("def is_question(line):")
        problem.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.screenshot(path=str(ARTIFACTS / "primer-parsons.png"))
        blank = page.locator(".course-tryit").first
        expect(blank).to_contain_text("a blank")
        blank.evaluate("e => e.scrollIntoView({block: 'center'})")
        page.screenshot(path=str(ARTIFACTS / "primer-fill-in.png"))
        assert not stderr_outputs(page), stderr_outputs(page)
    finally:
        page.close()
    assert (ARTIFACTS / "primer-parsons.png").stat().st_size > 10_000
