"""The accessible static page of each lesson: run, written offline, and clean under axe-core in Chromium."""

from __future__ import annotations

import re

import pytest

from browser import ARTIFACTS, LESSONS, ROOT, VIEWPORT, launch, need_chromium, save_json, serious
from course.errors import CourseTypeError, CourseValueError
from course.lesson_html import export_lesson, mark_dutch_quotes, remote_loads

pytestmark = [pytest.mark.slow]


def test_remote_loads_finds_what_would_be_fetched() -> None:
    page = ('<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//cdn.example/y.css">'
            '<a href="https://www.geonames.org">GeoNames</a><img src="data:image/png;base64,AAAA" alt="x">')
    assert len(remote_loads(page)) == 2  # the script and the style sheet; a link and a data image load nothing
    with pytest.raises(CourseValueError, match="path must be a lesson notebook"):
        export_lesson(ROOT / "notebooks" / "no-such-lesson.ipynb", ARTIFACTS)


def test_dutch_quoted_in_the_prose_is_marked_and_nothing_else() -> None:
    page = ('<html lang="en"><body><p>The ministry spoke of "georganiseerd terugtrekken" and a "regroup"; '
            'zo\'n is a hedge.</p><pre>"georganiseerd terugtrekken"</pre><code>"lijn"</code>'
            '<p>Already: <span lang="nl">"de lijn"</span></p><dialog>{"x": "de lijn"}</dialog></body></html>')
    out = mark_dutch_quotes(page)
    assert out.count('lang="nl"') == 2  # the prose's Dutch quote, and the one already marked (not wrapped twice)
    assert '"<span lang="nl">georganiseerd terugtrekken</span>" and a "regroup"' in out
    assert '<pre>"georganiseerd terugtrekken"</pre><code>"lijn"</code>' in out and "zo'n is a hedge" in out
    with pytest.raises(CourseTypeError):
        mark_dutch_quotes(None)


@pytest.mark.browser
@pytest.mark.parametrize("notebook", LESSONS)
def test_static_lesson_page_is_accessible(notebook, tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    need_chromium()
    page_path = export_lesson(ROOT / "notebooks" / notebook, tmp_path)
    text = page_path.read_text(encoding="utf-8")
    assert re.search(r"<html[^>]*lang=\"en\"", text) and "<title>" in text
    assert not remote_loads(text)
    images = re.findall(r"<img\b[^>]*>", text)
    assert all(re.search(r'\balt="[^"]{20,}"', img) for img in images), "every figure has its alt text"
    assert 'lang="nl"' in text or notebook.startswith("00"), "Dutch quotations are marked"
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(page_path.as_uri())
            from axe_playwright_python.base import AXE_SCRIPT

            page.evaluate(AXE_SCRIPT)
            results = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: "
                                    "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})")
            stem = "static-" + notebook.split("-")[0]
            save_json(f"{stem}-axe.json", [{k: v[k] for k in ("id", "impact", "help")} | {"nodes": len(v["nodes"])}
                                           for v in results["violations"]])
            page.screenshot(path=str(ARTIFACTS / f"{stem}.png"))
        finally:
            browser.close()
    assert not serious(results), "\n".join(serious(results))
