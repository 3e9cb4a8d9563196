"""Pre-render the course's figures for the zero-install edition (matplotlib does not run in the browser).

Draws, with the course's own code, every figure the lessons can show: each public figure function of
``course.plots`` called with its defaults, and every call with literal arguments that a lesson makes
(found by reading the lessons' code cells). Each becomes an SVG file plus a record in ``index.json``
with its alt text; ``course.plots._prerendered`` serves them in the browser by the same key.
"""

from __future__ import annotations

import ast
import inspect
import io
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterator


def figure_functions() -> dict[str, Callable]:
    """Every public function of the figure modules, by ``module.name``."""
    from course.plots._prerendered import public_functions

    return {f"{module.__name__}.{name}": fn for module, name, fn in public_functions("course.plots")}


def _needs_no_arguments(fn: Callable) -> bool:
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in inspect.signature(fn).parameters.values())


def lesson_calls(lesson: Path, functions: dict[str, Callable]) -> Iterator[tuple[str, tuple, dict]]:
    """Calls of figure functions with literal arguments in one lesson's code cells."""
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in nb["cells"] if c["cell_type"] == "code")
    code = re.sub(r"^\s*[%!].*$", "", code, flags=re.M)  # magics are not Python
    tree = ast.parse(code)
    imported = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("course.plots."):
            for alias in node.names:
                imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and imported.get(node.func.id) in functions:
            try:
                args = tuple(ast.literal_eval(a) for a in node.args)
                kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
            except ValueError:
                continue  # computed arguments: only the full edition can draw that call
            yield imported[node.func.id], args, kwargs


def alt_text(fig: Any, fn: Callable) -> str:
    """The figure's alt text: the one the course computes for it (``fig.alt_text``, from the data it
    draws), else its titles, else the first line of the function's documentation."""
    if getattr(fig, "alt_text", None):
        return fig.alt_text
    titles = [t for t in [fig._suptitle.get_text() if fig._suptitle else ""] + [ax.get_title() for ax in fig.axes] if t]
    return "; ".join(titles) or (inspect.getdoc(fn) or fn.__name__).splitlines()[0]


def render_figures(dest: Path, lessons: list[Path]) -> int:
    """Draw every figure the lessons can show into *dest* (SVG files and index.json); return how many."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from course.plots._prerendered import figure_key

    functions = figure_functions()
    calls = {(qual, (), ()) for qual, fn in functions.items() if _needs_no_arguments(fn)}
    for lesson in lessons:
        calls |= {(q, a, tuple(sorted(k.items()))) for q, a, k in lesson_calls(lesson, functions)}
    dest.mkdir(parents=True, exist_ok=True)
    index = {}
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "course"}):
        for qual, args, kwargs in sorted(calls, key=repr):
            fn = functions[qual]
            fig = fn(*args, **dict(kwargs))
            if not isinstance(fig, Figure):
                continue
            key = f"{fn.__module__}.{figure_key(fn, args, dict(kwargs))}"
            file = f"{len(index):02d}-{fn.__name__}.svg"
            buf = io.StringIO()
            fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
            (dest / file).write_text(buf.getvalue(), encoding="utf-8")
            index[key] = {"file": file, "alt": alt_text(fig, fn), "details": getattr(fig, "long_description", "")}
            plt.close(fig)
    (dest / "index.json").write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(index)
