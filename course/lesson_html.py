"""An accessible static HTML page of each lesson, for learners who use a screen reader or cannot run Jupyter.

The lesson is run top to bottom (its figures then carry their alt text and long descriptions) and
written with nbconvert-a11y's accessible template (a table of cells with headings, landmarks, a skip
link and ``lang``), in an offline variant that loads nothing from the network. Dutch quoted in the
prose is marked ``lang="nl"``, so a screen reader reads it in a Dutch voice.

    python -m course.lesson_html notebooks/*.ipynb --out build/lessons     (or: make html)

Public API
----------
- ``export_lesson(path, out_dir, execute=True) -> Path``: write ``<lesson>.html``; returns its path.
- ``remote_loads(page) -> list[str]``: any script, style sheet or image the page would fetch.
- ``mark_dutch_quotes(page, article=None) -> str``: the page with its Dutch quoted fragments marked ``lang="nl"``.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from course.errors import check_path, check_type

__all__ = ["export_lesson", "mark_dutch_quotes", "remote_loads"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
_REMOTE = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//[^\"'\s>]+", re.I)


def remote_loads(page: str) -> list[str]:
    """Every tag in *page* that would load something from the network (links a reader follows do not count)."""
    check_type(page, str, "page")
    return _REMOTE.findall(page)


# Not prose: code, and the template's dialog that shows the notebook's metadata as JSON.
_NOT_PROSE = {"code", "pre", "script", "style", "kbd", "samp", "textarea", "head", "dialog"}


def mark_dutch_quotes(page: str, article: str | None = None) -> str:
    """*page* (HTML) with each Dutch quoted fragment of its prose wrapped in ``<span lang="nl">``, so a
    screen reader reads it in Dutch (WCAG 2.1, 3.1.2); code and text already marked Dutch stay as they are.
    Dutch is what ``course.language.looks_dutch`` finds in words of *article* (None: the seed)."""
    from bs4 import BeautifulSoup, NavigableString

    from course.language import looks_dutch, quoted_spans

    check_type(page, str, "page")
    soup = BeautifulSoup(page, "html.parser")
    for node in list(soup.find_all(string=True)):
        if type(node) is not NavigableString or any(
                parent.name in _NOT_PROSE or str(parent.get("lang", "")).startswith("nl") for parent in node.parents):
            continue
        text = str(node)
        spans = [(start, end) for start, end in quoted_spans(text) if looks_dutch(text[start:end], article)]
        if not spans:
            continue
        parts: list = []
        last = 0
        for start, end in spans:
            span = soup.new_tag("span", attrs={"lang": "nl"})
            span.string = text[start:end]
            parts += [text[last:start], span]
            last = end
        parts.append(text[last:])
        node.replace_with(*[part for part in parts if part != ""])
    return str(soup)


def export_lesson(path: str | Path, out_dir: str | Path, execute: bool = True, timeout: int = 120) -> Path:
    """Run the lesson at *path* (unless *execute* is False) and write its accessible HTML page to *out_dir*."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert_a11y.exporter import A11yExporter

    path = check_path(path, "path")
    if not path.is_file():
        from course.errors import CourseValueError

        raise CourseValueError(f"path must be a lesson notebook that exists; got {str(path)!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(path, as_version=4)
    if execute:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    title = next((line[2:].strip() for line in nb.cells[0].source.splitlines() if line.startswith("# ")), path.stem)
    nb.metadata["title"] = title
    exporter = A11yExporter(template_file="course_a11y/index.html.j2", extra_template_paths=[str(TEMPLATES)],
                            include_sa11y=False, include_settings=False, include_help=False, include_axe=False)
    page, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
    if not re.search(r"<html[^>]*\blang=", page):
        page = re.sub(r"<html\b", '<html lang="en"', page, count=1)
    page = mark_dutch_quotes(page)
    loads = remote_loads(page)
    if loads:
        from course.errors import CourseValueError

        raise CourseValueError(f"the page for {path.name} would fetch from the network: {loads[:3]}")
    target = out / f"{path.stem}.html"
    target.write_text(page, encoding="utf-8")
    return target


def _main(argv: list[str] | None = None) -> int:
    """Command line: write an accessible HTML page for each lesson named."""
    parser = argparse.ArgumentParser(prog="python -m course.lesson_html", description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="+", help="lesson notebooks, e.g. notebooks/*.ipynb")
    parser.add_argument("--out", default="build/lessons", help="folder for the HTML pages (default: build/lessons)")
    parser.add_argument("--no-execute", action="store_true", help="export the notebooks as saved, without running them")
    args = parser.parse_args(argv)
    for lesson in args.lessons:
        print(f"wrote {export_lesson(lesson, args.out, execute=not args.no_execute)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
