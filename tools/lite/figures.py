"""Pre-render the course's figures for the zero-install edition (matplotlib does not run in the browser).

Draws, with the course's own code, every figure the lessons can show: each public figure function of
``course.plots`` called with its defaults, and every call a lesson really makes. For the second, the
lessons' code cells run here, in order, with matplotlib (no kernel; output discarded), while every
figure function records the arguments it was called with and the figure it drew, so a figure drawn
from computed values (lesson 04's chronolocation figure, from a verdict) is drawn too. Each figure
becomes an SVG file plus a record in ``index.json`` with its alt text; ``course.plots._prerendered``
serves them in the browser by the same key.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import io
import json
import os
import re
from pathlib import Path
from typing import Any, Callable


def figure_functions() -> dict[str, Callable]:
    """Every public function of the figure modules, by ``module.name``."""
    from course.plots._prerendered import public_functions

    return {f"{module.__name__}.{name}": fn for module, name, fn in public_functions("course.plots")}


def _needs_no_arguments(fn: Callable) -> bool:
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in inspect.signature(fn).parameters.values())


def code_cells(lesson: Path) -> list[str]:
    """The Python of a lesson's code cells, in order (IPython magics and shell lines blanked)."""
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
             for c in nb["cells"] if c["cell_type"] == "code"]
    return [re.sub(r"^\s*[%!].*$", "", code, flags=re.M) for code in cells]


@contextlib.contextmanager
def _recording(functions: dict[str, Callable], into: list) -> Any:
    """Every call of a figure function made from outside a figure function, appended to *into* as
    (``module.name``, args, kwargs, result), while the block runs; the modules are restored after."""
    import importlib

    depth = [0]
    saved = []
    for qual, fn in functions.items():
        module = importlib.import_module(qual.rsplit(".", 1)[0])

        def recorder(*args: Any, _qual: str = qual, _fn: Callable = fn, **kwargs: Any) -> Any:
            depth[0] += 1
            try:
                result = _fn(*args, **kwargs)
            finally:
                depth[0] -= 1
            if depth[0] == 0:
                into.append((_qual, args, kwargs, result))
            return result

        saved.append((module, fn.__name__, getattr(module, fn.__name__)))
        setattr(module, fn.__name__, functools.wraps(fn)(recorder))
    try:
        yield into
    finally:
        for module, name, original in saved:
            setattr(module, name, original)


def lesson_calls(lesson: Path, functions: dict[str, Callable]) -> list[tuple[str, tuple, dict, Any]]:
    """The figure calls *lesson* really makes, in order: its code cells run top to bottom (in the
    lesson's folder, output discarded), each call of a figure function recorded as (``module.name``,
    args, kwargs, the figure it drew). Only calls that drew a matplotlib figure count.
    A cell that fails raises RuntimeError naming the lesson and the cell."""
    from matplotlib.figure import Figure

    calls: list = []
    namespace: dict[str, Any] = {"__name__": "__main__"}
    here = os.getcwd()
    sink = io.StringIO()
    try:
        os.chdir(lesson.parent)
        with _recording(functions, calls), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            for number, code in enumerate(code_cells(lesson), 1):
                try:
                    exec(compile(ast.parse(code), f"{lesson.name}, code cell {number}", "exec"), namespace)
                except Exception as err:  # noqa: BLE001 - reported with the lesson and the cell
                    raise RuntimeError(f"{lesson.name}, code cell {number} failed while the figures were "
                                       f"pre-rendered: {type(err).__name__}: {err}") from err
    finally:
        os.chdir(here)
    return [(qual, args, kwargs, fig) for qual, args, kwargs, fig in calls if isinstance(fig, Figure)]


def alt_text(fig: Any, fn: Callable) -> str:
    """The figure's alt text: the one the course computes for it (``fig.alt_text``, from the data it
    draws), else its titles, else the first line of the function's documentation."""
    if getattr(fig, "alt_text", None):
        return fig.alt_text
    titles = [t for t in [fig._suptitle.get_text() if fig._suptitle else ""] + [ax.get_title() for ax in fig.axes] if t]
    return "; ".join(titles) or (inspect.getdoc(fn) or fn.__name__).splitlines()[0]


def render_figures(dest: Path, lessons: list[Path]) -> dict[str, list[str]]:
    """Draw every figure the lessons can show into *dest* (SVG files and index.json); return, for each
    lesson, the keys of the figures it shows, in order."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course.plots._prerendered import figure_key

    functions = figure_functions()
    drawn: dict[str, Any] = {}  # key -> (function, figure)
    shown: dict[str, list[str]] = {}

    def keep(qual: str, args: tuple, kwargs: dict, fig: Any) -> str:
        fn = functions[qual]
        key = f"{fn.__module__}.{figure_key(fn, args, dict(kwargs))}"
        if key in drawn:
            plt.close(fig)
        else:
            drawn[key] = (fn, fig)
        return key

    for lesson in lessons:
        shown[lesson.name] = [keep(*call) for call in lesson_calls(lesson, functions)]
    for qual, fn in sorted(functions.items()):
        if _needs_no_arguments(fn):
            fig = fn()
            if hasattr(fig, "savefig"):
                keep(qual, (), {}, fig)
    dest.mkdir(parents=True, exist_ok=True)
    index = {}
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "course"}):
        for key, (fn, fig) in sorted(drawn.items()):
            file = f"{len(index):02d}-{fn.__name__}.svg"
            buf = io.StringIO()
            fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
            (dest / file).write_text(buf.getvalue(), encoding="utf-8")
            index[key] = {"file": file, "alt": alt_text(fig, fn), "details": getattr(fig, "long_description", "")}
            plt.close(fig)
    (dest / "index.json").write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return shown
