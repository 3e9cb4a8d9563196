"""Pre-rendered figures for the zero-install edition, where matplotlib does not run.

``make lite`` draws every figure the lessons show with the course's own code and stores it in the
package, in ``course/plots/prerendered/`` (an SVG file per figure and ``index.json`` with its alt
text). Without matplotlib, ``course.plots`` answers a figure call with the stored figure and a short
note (see ``install``); with matplotlib, nothing here is used.

>>> def story_map(article=None): ...
>>> figure_key(story_map, (), {})
'story_map(article=None)'
>>> figure_key(story_map, (0.1 + 0.2,), {})  # floats to 9 significant digits, as both Pythons agree on them
'story_map(article=0.3)'
"""

from __future__ import annotations

import base64
import functools
import html
import importlib
import inspect
import json
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from course.errors import CourseTypeError, CourseValueError, check_path, check_text, check_type, describe

__all__ = ["NOTE", "PRERENDERED_DIR", "PrerenderedFigure", "figure_key", "install", "prerendered", "public_functions"]

PRERENDERED_DIR = Path(__file__).resolve().parent / "prerendered"
NOTE = ("Drawn when this site was built: matplotlib does not run in the browser, so this figure is a "
        "picture and cannot change here. The full edition draws it live.")


def figure_key(fn: Callable, args: tuple, kwargs: dict) -> str:
    """The name of one call of figure function *fn*, with every argument (defaults included)."""
    if not inspect.isfunction(fn):
        raise CourseTypeError(f"fn must be a figure function; got {describe(fn)}")
    check_type(args, tuple, "args")
    check_type(kwargs, dict, "kwargs")
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except TypeError as err:
        raise CourseTypeError(f"args and kwargs do not fit {fn.__name__}{inspect.signature(fn)}: {err}") from None
    bound.apply_defaults()
    return f"{fn.__name__}({', '.join(f'{k}={_stable_repr(v)}' for k, v in bound.arguments.items())})"


_FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d+(?:e[+-]?\d+)?")


def _stable_repr(value: Any) -> str:
    """``repr(value)`` with every float in it rounded to 9 significant digits: the browser's Python and
    the build's may differ in the last bit of a computed angle, and must still find the same figure."""
    return _FLOAT.sub(lambda m: format(float(m.group()), ".9g"), repr(value))


@dataclass(frozen=True)
class PrerenderedFigure:
    """A figure drawn at build time: SVG, alt text, long description, and the note that says why it is a picture."""

    key: str
    svg: str
    alt: str
    details: str = ""
    note: str = NOTE

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        data = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        details = (f'<details><summary>Describe this figure</summary><p style="white-space:pre-line">'
                   f'{html.escape(self.details)}</p></details>') if self.details else ""
        page = (f'<figure class="course-prerendered" style="margin:0">'
                f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(self.alt)}" '
                f'style="max-width:100%;height:auto">'
                f'<figcaption style="font-size:0.9em;color:#444">{html.escape(self.note)}</figcaption>{details}</figure>')
        return {"text/html": page, "text/plain": f"Figure: {self.details or self.alt}\n({self.note})"}

    def __repr__(self) -> str:
        return f"<PrerenderedFigure {self.key}>"


@functools.lru_cache(maxsize=4)
def _index(directory: str) -> dict[str, dict[str, str]]:
    path = Path(directory) / "index.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def prerendered(fn: Callable, args: tuple, kwargs: dict, directory: Path | None = None) -> PrerenderedFigure:
    """The stored figure for this call of *fn*; a CourseValueError names the call when it was not drawn."""
    folder = check_path(directory, "directory") if directory is not None else PRERENDERED_DIR
    call = figure_key(fn, args, kwargs)  # checks fn, args and kwargs
    key = f"{fn.__module__}.{call}"
    index = _index(str(folder))
    if key not in index:
        drawn = sorted(k.rsplit(".", 1)[-1] for k in index if k.startswith(f"{fn.__module__}.{fn.__name__}("))
        raise CourseValueError(
            f"the figure {key.rsplit('.', 1)[-1]} was not drawn when this site was built, and matplotlib does "
            f"not run in the browser; drawn here: {', '.join(drawn) or 'none'}. The full edition draws any call.")
    record = index[key]
    return PrerenderedFigure(key, (folder / record["file"]).read_text(encoding="utf-8"), record["alt"],
                             record.get("details", ""))


def _drawn_or_prerendered(fn: Callable) -> Callable:
    @functools.wraps(fn)
    def figure(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ModuleNotFoundError as err:
            if (err.name or "").split(".")[0] != "matplotlib":
                raise
        return prerendered(fn, args, kwargs)

    return figure


def public_functions(package: str) -> list[tuple[ModuleType, str, Callable]]:
    """Every public function (in ``__all__``) defined by the public modules of *package* (a package name)."""
    check_text(package, "package")
    try:
        path = importlib.import_module(package).__path__
    except (ImportError, AttributeError):
        raise CourseValueError(f"package must name an installed package such as 'course.plots'; got {package!r}") from None
    found = []
    for info in pkgutil.iter_modules(path):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        for name in getattr(module, "__all__", []):
            fn = getattr(module, name)
            if inspect.isfunction(fn) and fn.__module__ == module.__name__:
                found.append((module, name, fn))
    return found


def install(package: str) -> None:
    """Make every public function of the figure modules in *package* fall back to its stored figure."""
    for module, name, fn in public_functions(package):
        setattr(module, name, _drawn_or_prerendered(fn))
