"""Build submissions from an assignment's notebooks: the reference, the stub, wrong or hostile answers.

The grading tests and the class simulator use these to write notebooks that nbgrader then grades
for real. Answers are keyed by the grade id of the answer (solution) cell.

Public API
----------
- ``load(path)`` / ``save(nb, path)``: read and write notebooks (nbformat 4).
- ``answer_cells(nb)``: grade id -> cell, for every cell a student answers in.
- ``test_cells(nb)``: grade id -> points, for every autograded test cell.
- ``reference_answers(source_nb)``: the solutions, without the ``### BEGIN/END SOLUTION`` lines.
- ``fill(release_nb, answers, prelude=None)``: a copy of the release with the given answers.
- ``defined_names(code)``: the public variables and functions a piece of answer code defines.
- ``gaming_answers(source_nb)``, ``lying_answers(source_nb)``, ``warning_answers(source_nb)``,
  with ``GAMING_PRELUDE`` (``ALWAYS_PRELUDE`` + ``LYING_PRELUDE`` + a patched ``math.isclose``) and
  ``WARNING_PRELUDE``: submissions that must earn zero (or, for warnings, full marks).

>>> defined_names("answer_01_3 = 4\\ndef bearing(a, b):\\n    return 0")
(['answer_01_3'], ['bearing'])
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path
from typing import Any, Iterator, Mapping

import nbformat

from course.errors import CourseTypeError, CourseValueError, check_type, unknown

__all__ = ["ALWAYS_PRELUDE", "GAMING_PRELUDE", "LYING_PRELUDE", "WARNING_PRELUDE", "answer_cells", "defined_names", "fill", "gaming_answers", "load",
           "lying_answers", "reference_answers", "save", "test_cells", "warning_answers"]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def load(path: str | Path) -> Any:
    """Read a notebook (nbformat 4)."""
    check_type(path, (str, Path), "path")
    if not Path(path).is_file():
        raise CourseValueError(f"path {str(path)!r} is not a file")
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as err:  # noqa: BLE001 - nbformat raises many kinds for a file that is not a notebook
        raise CourseValueError(f"path {str(path)!r} is not a notebook nbformat can read ({type(err).__name__})") from None


def save(nb: Any, path: str | Path) -> None:
    """Write a notebook, creating the folder if needed."""
    _check_nb(nb, "nb")
    check_type(path, (str, Path), "path")
    if not str(path).strip():
        raise CourseValueError("path must not be empty")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def _check_nb(nb: Any, name: str) -> Any:
    """*nb* must be a notebook (a dict with a list of cells), as ``load`` returns."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise CourseTypeError(f"{name} must be a notebook (as load() returns); got {type(nb).__name__}")
    return nb


def _meta(cell: Any) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def answer_cells(nb: Any) -> dict[str, Any]:
    """Grade id -> cell for every solution cell (autograded answers and answers graded by hand)."""
    _check_nb(nb, "nb")
    return {_meta(c)["grade_id"]: c for c in nb.cells if _meta(c).get("solution")}


def test_cells(nb: Any) -> dict[str, float]:
    """Grade id -> points for every autograded test cell (graded, not a solution)."""
    _check_nb(nb, "nb")
    return {_meta(c)["grade_id"]: float(_meta(c)["points"]) for c in nb.cells
            if _meta(c).get("grade") and not _meta(c).get("solution")}


def _strip_solution_markers(source: str) -> str:
    lines = [line for line in source.split("\n") if BEGIN not in line and END not in line]
    return "\n".join(lines)


def reference_answers(source_nb: Any) -> dict[str, str]:
    """The instructor's answers, as a student would type them (solution markers removed)."""
    _check_nb(source_nb, "source_nb")
    return {gid: _strip_solution_markers(cell.source) for gid, cell in answer_cells(source_nb).items()}


def fill(release_nb: Any, answers: Mapping[str, str], prelude: str | None = None) -> Any:
    """A copy of *release_nb* with *answers* (grade id -> source) in its answer cells.

    *prelude* becomes a plain code cell after the first cell that is not an answer or test
    (the set-up cell), as a student's extra cell would be.
    """
    _check_nb(release_nb, "release_nb")
    check_type(answers, Mapping, "answers")
    if prelude is not None:
        check_type(prelude, str, "prelude")
    nb = copy.deepcopy(release_nb)
    cells = answer_cells(nb)
    for gid, source in answers.items():
        if gid not in cells:
            raise unknown("answer cell", gid, cells)
        cells[gid].source = source
    if prelude:
        at = next((i + 1 for i, c in enumerate(nb.cells) if c.cell_type == "code"), 0)
        nb.cells.insert(at, nbformat.v4.new_code_cell(prelude))
        nb.cells[at]["id"] = "student-extra-cell"
    return nb


def defined_names(code: str) -> tuple[list[str], list[str]]:
    """The public variable names and function names that *code* defines at top level."""
    check_type(code, str, "code")
    try:
        tree = ast.parse(code)
    except SyntaxError as err:
        raise CourseValueError(f"answer code does not parse: {err}") from None
    variables: list[str] = []
    functions: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            functions.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name) and not name.id.startswith("_") and name.id not in variables:
                        variables.append(name.id)
    return variables, functions


# Objects that try to pass any test: they equal everything, are close to everything, have any
# length, and a subclass of float/int/str that lies in the same way.
ALWAYS_PRELUDE = '''
class _Always:
    __class__ = property(lambda self: float)   # isinstance(x, float) is True
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
    def __hash__(self): return 0
    def __bool__(self): return True
    def __len__(self): return 2
    def __float__(self): return 0.0
    def __int__(self): return 0
    def __index__(self): return 0
    def __abs__(self): return 0.0
    def __round__(self, n=None): return self
    def __sub__(self, other): return 0.0
    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __sub__
    def __contains__(self, item): return True
    def __getitem__(self, key): return self
    def __iter__(self): return iter([self, self])
    def __str__(self): return "C"
    def __repr__(self): return "C"
    def upper(self): return self
    def strip(self): return self

def _always_function(*args, **kwargs):
    return _Always()
'''

# A float/int/str subclass that says it equals everything, wrapping the right values.
LYING_PRELUDE = '''
def _liar(base):
    class Liar(base):
        def __eq__(self, other): return True
        def __ne__(self, other): return False
        def __hash__(self): return 0
        def __lt__(self, other): return False
        def __gt__(self, other): return False
        def __le__(self, other): return True
        def __ge__(self, other): return True
    return Liar

def _lie(value):
    if isinstance(value, bool):
        return _liar(int)(int(value))
    if isinstance(value, (float, int, str)):
        return _liar(type(value))(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_lie(v) for v in value)
    if isinstance(value, dict):
        return {k: _lie(v) for k, v in value.items()}
    return value

def _lying_function(fn):
    def wrapper(*args, **kwargs):
        return _lie(fn(*args, **kwargs))
    return wrapper
'''

GAMING_PRELUDE = ALWAYS_PRELUDE + LYING_PRELUDE + '''
import math as _math
_math.isclose = lambda *a, **k: True   # and patch the obvious helper too
'''


def _code_answers(source_nb: Any) -> Iterator[tuple[str, str, list[str], list[str]]]:
    """(grade id, reference code, variables, functions) for every autograded code answer."""
    _check_nb(source_nb, "source_nb")
    cells = answer_cells(source_nb)
    for gid, code in reference_answers(source_nb).items():
        if cells[gid].cell_type == "code":
            yield (gid, code, *defined_names(code))


def gaming_answers(source_nb: Any) -> dict[str, str]:
    """Every answer replaced by objects that claim to equal everything (needs GAMING_PRELUDE)."""
    return {gid: "\n".join([f"{v} = _Always()" for v in variables] + [f"{f} = _always_function" for f in functions])
            or "pass" for gid, _, variables, functions in _code_answers(source_nb)}


def lying_answers(source_nb: Any) -> dict[str, str]:
    """The right values, wrapped in lying subclasses of float/int/str (needs GAMING_PRELUDE)."""
    return {gid: code + "\n" + "\n".join([f"{v} = _lie({v})" for v in variables]
                                          + [f"{f} = _lying_function({f})" for f in functions])
            for gid, code, variables, functions in _code_answers(source_nb)}


WARNING_PRELUDE = '''
import functools as _functools
import warnings as _warnings

def _noisy(fn):
    @_functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _warnings.warn("a harmless note from the student's function", UserWarning)
        return fn(*args, **kwargs)
    return wrapper
'''


def warning_answers(source_nb: Any) -> dict[str, str]:
    """The right answers, but every cell and every function also emits a warning (needs WARNING_PRELUDE)."""
    out = {}
    for gid, code, _, functions in _code_answers(source_nb):
        noisy = "\n".join(f"{f} = _noisy({f})" for f in functions)
        out[gid] = ('_warnings.warn("a harmless note from an answer cell", UserWarning)\n' + code
                    + ("\n" + noisy if noisy else ""))
    return out
