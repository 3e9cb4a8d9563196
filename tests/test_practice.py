"""Teach before you assess: every piece of Python a coding item needs is practised in a lesson first.

For each coding-track item, the Python its reference solution uses (the functions and methods it
calls, its statements, operators and comprehensions) must appear in the code the learner has run
before: the Python primer (its worked examples and its Parsons answers) or the module's own lesson.
A feature that no lesson shows fails the test and is named, with the item.
"""

from __future__ import annotations

import ast
import tomllib
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

from course import syllabus
from course.checks import SELFCHECK_DIR
from course.grading import notebooks as nbs

ROOT = Path(__file__).resolve().parents[1]
# Names that are the exercise's own (its parameters and locals) or given by the assignment's set-up and prompt.
GIVEN = {"extract_quotations"}


def features(code: str) -> set[str]:
    """The Python features *code* uses: called names and methods, statements, operators, comprehensions."""
    tree = ast.parse(code)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = node.func
            if isinstance(fn, ast.Attribute):
                found.add(f"call .{fn.attr}")
            elif isinstance(fn, ast.Name):
                found.add(f"call {fn.id}")
        elif isinstance(node, (ast.If, ast.For, ast.While, ast.Continue, ast.Break, ast.Return, ast.IfExp,
                               ast.ListComp, ast.GeneratorExp, ast.DictComp, ast.SetComp, ast.Lambda, ast.Try)):
            found.add(type(node).__name__)
        elif isinstance(node, ast.BinOp):
            found.add(f"op {type(node.op).__name__}")
        elif isinstance(node, ast.UnaryOp):
            found.add(f"op {type(node.op).__name__}")
        elif isinstance(node, ast.BoolOp):
            found.add(f"op {type(node.op).__name__}")
        elif isinstance(node, ast.Compare):
            found |= {f"op {type(op).__name__}" for op in node.ops}
        elif isinstance(node, ast.Slice):
            found.add("slice")
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.UnaryOp):
            found.add("negative index")
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Tuple) for t in node.targets):
            found.add("unpacking")
        elif isinstance(node, ast.FunctionDef):
            found.add("def")
            if node.args.defaults:
                found.add("default value")
    return found


def _defined(code: str) -> set[str]:
    """Functions defined in *code* (the exercise's own function is not a feature to practise)."""
    return {f"call {n.name}" for n in ast.walk(ast.parse(code)) if isinstance(n, ast.FunctionDef)}


def _lesson_code(lesson_id: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / f"{lesson_id}.ipynb", as_version=4)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "code")


@lru_cache(maxsize=None)
def practised(module: str) -> frozenset[str]:
    """What the primer and the module's lessons show: their code cells and the primer's Parsons answers."""
    shown = features(_lesson_code("python-primer"))
    records = tomllib.loads((SELFCHECK_DIR / "python-primer.toml").read_text(encoding="utf-8"))["check"]
    for record in records:
        if "lines" in record:
            shown |= features(record["answer_text"])
    for lesson in syllabus.lessons():
        if lesson.module == module and lesson.id != "python-primer":
            shown |= features(_lesson_code(lesson.id))
    return frozenset(shown)


def _coding_items() -> list[tuple[str, str, str]]:
    out = []
    for a in syllabus.assignments():
        if a.track != "coding":
            continue
        source = nbs.load(a.path / f"{a.id}.ipynb")
        for gid, code in nbs.reference_answers(source).items():
            if f"{gid}_test" in {i.grade_id for i in a.items}:
                out.append((a.id, gid, code))
    return out


ITEMS = _coding_items()


def test_there_are_coding_items_to_check() -> None:
    assert len(ITEMS) >= 9, [i[:2] for i in ITEMS]


@pytest.mark.parametrize("aid, gid, code", ITEMS, ids=[f"{a}:{g}" for a, g, _ in ITEMS])
def test_every_feature_a_coding_item_needs_is_practised_first(aid: str, gid: str, code: str) -> None:
    module = syllabus.assignment(aid).module
    needed = features(code) - _defined(code) - {f"call {n}" for n in GIVEN}
    missing = sorted(needed - practised(module))
    assert not missing, (f"{aid} {gid} uses {missing}, which neither the Python primer nor lesson {module} shows: "
                         "add a worked example or an exercise before it is graded")


def test_the_primer_comes_before_every_coding_assignment_in_the_schedule() -> None:
    order = [x["id"] for x in syllabus._schedule()["lesson"]]
    assert order.index("python-primer") == 1, "the primer follows lesson 00 and precedes the coding assignments"


def test_features_sees_what_the_check_relies_on() -> None:
    """The feature finder itself: a method call, an operator and a statement are each seen."""
    found = features("def f(x, n=2):\n    while x:\n        x = x[1:].rstrip() % 3\n    return [y for y in x if y]\n")
    assert {"call .rstrip", "op Mod", "While", "ListComp", "slice", "default value", "Return"} <= found
    assert "op Pow" not in found
