"""Authoring aid: build notebook cells with the right nbgrader metadata (course authors only).

    from tools.nbbuild import md, code, answer, tests, manual, readonly, notebook, save
    nb = notebook([md("# Title"), readonly("setup", "import course"), ...])
    save(nb, "assignments/source/00-warmup/00-warmup.ipynb")

The committed .ipynb files are the source of truth; this module only saves typing the metadata.
Cells are saved without outputs or execution counts, and with stable cell ids.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _nbgrader(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float | None = None) -> dict:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
                            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def md(text: str, **meta: Any) -> Any:
    """A plain markdown cell."""
    return new_markdown_cell(text.strip("\n"), metadata=meta)


def code(text: str, **meta: Any) -> Any:
    """A plain code cell."""
    return new_code_cell(text.strip("\n"), metadata=meta)


def readonly(grade_id: str, text: str, markdown: bool = False) -> Any:
    """A locked cell (instructions or set-up) that nbgrader restores if a student edits it."""
    maker = new_markdown_cell if markdown else new_code_cell
    return maker(text.strip("\n"), metadata=_nbgrader(grade_id, grade=False, solution=False, locked=True))


def answer(grade_id: str, text: str) -> Any:
    """An autograded answer cell (the solution goes between ### BEGIN/END SOLUTION)."""
    return new_code_cell(text.strip("\n"), metadata=_nbgrader(grade_id, grade=False, solution=True, locked=False))


def tests(grade_id: str, text: str, points: float) -> Any:
    """A locked autograder test cell worth *points*."""
    return new_code_cell(text.strip("\n"), metadata=_nbgrader(grade_id, grade=True, solution=False, locked=True,
                                                               points=points))


def manual(grade_id: str, text: str, points: float) -> Any:
    """A free-text answer (markdown) graded by hand."""
    return new_markdown_cell(text.strip("\n"), metadata=_nbgrader(grade_id, grade=True, solution=True, locked=False,
                                                                  points=points))


def notebook(cells: list[Any], title: str = "") -> Any:
    """A notebook with a Python 3 kernelspec and stable cell ids."""
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    seen: set[str] = set()
    for i, cell in enumerate(nb.cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        base = grade_id or hashlib.sha1(f"{title}:{i}:{cell.source[:80]}".encode()).hexdigest()[:8]
        cell_id = base.replace("_", "-")
        while cell_id in seen:
            cell_id += "x"
        seen.add(cell_id)
        cell["id"] = cell_id
    return nb


def save(nb: Any, path: str | Path) -> None:
    """Validate and write *nb* (no outputs)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.validate(nb)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
