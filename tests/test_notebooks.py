"""Notebooks are teaching documents: valid, committed clean, well shaped, and they run headless."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.nbgraderformat import MetadataValidator

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOURCES = sorted((ROOT / "assignments" / "source").glob("*/*.ipynb"))
ALL = LESSONS + SOURCES


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_there_are_notebooks() -> None:
    assert LESSONS and SOURCES
    assert (ROOT / "notebooks" / "00-start.ipynb") in LESSONS


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_valid_and_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{_id(path)}: cells {dirty} have outputs or execution counts; clear them before committing"


def test_no_checkpoints_are_tracked() -> None:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert not [f for f in files if ".ipynb_checkpoints" in f]


@pytest.mark.parametrize("path", SOURCES, ids=_id)
def test_nbgrader_metadata_is_valid(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    MetadataValidator().validate_nb(nb)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)), "grade ids must be unique"


@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_lessons_open_and_close_the_same_way(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    first, last = nb.cells[0].source, nb.cells[-1].source
    assert first.startswith("# ") and "### Learning objectives" in first and "### Questions" in first
    assert "Time:" in first
    objectives = first.split("### Learning objectives")[1].split("###")[0]
    bullets = [line for line in objectives.splitlines() if line.startswith("- ")]
    assert 3 <= len(bullets) <= 5
    assert "## Key points" in last


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_code_cells_stay_short(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "grade" in cell.metadata.get("nbgrader", {}) and \
                cell.metadata["nbgrader"]["grade"]:
            continue  # test cells hold the checks; they are locked and not for reading
        logic = [line for line in cell.source.splitlines()
                 if line.strip() and not line.strip().startswith(("#", "import ", "from "))]
        assert len(logic) <= 15, f"{_id(path)} cell {i} has {len(logic)} lines of logic: move it into course/"
        ast.parse(cell.source)


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_lesson_runs_headless(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    given = _graded_choices_shown(nb, path.name[:2])
    assert not given, f"{path.name} shows the right option of a graded item (prose or output): {given}"


def _shown_text(nb: nbformat.NotebookNode) -> str:
    """What a learner reads in an executed lesson: its prose and every text output, case-folded, one space apart."""
    parts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts += [v if isinstance(v, str) else "".join(v) for k, v in out.get("data", {}).items()
                      if k in ("text/plain", "text/markdown", "text/html")]
    return " ".join(re.sub(r"[*`]", "", " ".join(parts)).split()).casefold()


def _graded_choices_shown(nb: nbformat.NotebookNode, module: str) -> list[str]:
    """The graded items of *module* whose right option (a phrase of 12 characters or more) the lesson shows."""
    from test_selfcheck_content import graded

    page = _shown_text(nb)
    shown = []
    for item in graded():
        if item["module"] != module or not item["option"]:
            continue
        option = re.sub(r"\s*\([^)]*\)$", "", " ".join(re.sub(r"[*`]", "", item["option"]).split())).casefold()
        if len(option) >= 12 and option in page:
            shown.append(f"{item['assignment']} {item['cell']}: {option!r}")
    return shown


def test_the_lesson_check_sees_a_graded_option_in_an_output() -> None:
    """The check above can fail: an output that prints a graded item's right option is caught."""
    from test_selfcheck_content import graded

    item = next(i for i in graded() if i["module"] == "04" and i["option"] and len(i["option"]) >= 12)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
    nb.cells[0].outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": f"Note: **{item['option']}**."})]
    assert _graded_choices_shown(nb, "04") and not _graded_choices_shown(nb, "03")


FIGURE = re.compile(r"(?<![\w.])(\d[\d.,]*)\s?(km²|km2|km|kilomet(?:re|er)s?|miles?|mi\b|%|°|degrees?|square kilomet)",
                    re.IGNORECASE)


def _traceable_numbers() -> set[str]:
    """Numbers prose may state: the article's, those quoted in the course's data files (with their
    sources), and the conventions the library defines (compass sectors, the hedge tolerance, radii)."""
    from course import capstone, geo, numbers
    from course.article import load_article
    from course.articles import articles
    from course.corpus import DATA_DIR

    texts = [load_article(a).text for a in articles()] + [f.read_text(encoding="utf-8") for f in DATA_DIR.rglob("*.toml")]
    found = {re.sub(r"(?<=\d),(?=\d{3}\b)", "", m.group(1).rstrip(".,")) for t in texts for m in FIGURE.finditer(t)}
    found |= {n for t in texts for n in re.findall(r"(?m)^\w*km2?\w* = (\d+(?:\.\d+)?)", t)}  # e.g. area_km2 = 2632
    conventions = [360 / k * i for k in (4, 8, 16, 32) for i in range(k + 1)]
    conventions += [geo.EARTH_MEAN_RADIUS_KM, numbers.APPROX_SHARE * 100, numbers.MILE_KM, capstone.STRAIGHT_LINE_SLACK_KM]
    found |= {f"{c:g}" for c in conventions} | {f"{c:.4f}".rstrip("0").rstrip(".") for c in conventions}
    return found


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_markdown_states_no_hand_typed_figures(path: Path) -> None:
    """A distance, area, bearing or percentage in prose must be traceable: a quote of the article or of
    a source in the course's data, or a convention the library defines. Anything the course computes
    is printed by a code cell instead, where a test checks it."""
    allowed = _traceable_numbers()
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for m in FIGURE.finditer(cell.source):
            number = re.sub(r"(?<=\d),(?=\d{3}\b)", "", m.group(1).rstrip(".,"))  # 2,500 -> 2500
            assert number in allowed, (
                f"{_id(path)} cell {i} states {m.group(0)!r} in prose; print computed figures from a code cell "
                "(prose may quote the article, a source recorded in course/data, or a library convention)")
