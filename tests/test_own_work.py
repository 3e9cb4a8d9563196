"""Exercises that ask students to write a function give nothing for handing the work to a library.

Each test cell of such an exercise names the modules its function must not call
(``_check.function(..., forbid=("course",))``). For every shortcut listed in ``tests/cases`` with
``delegates = true``, this runs the instructor's full test cell in-process twice: as written, where
the shortcut must fail with a message that names the module, and with the ``forbid`` rule taken
out, where the same answer must pass with full marks. So the rule, and nothing else, is what stops
it. (The grading harness also puts every case through real nbgrader and requires a zero.)
"""

from __future__ import annotations

import ast
import re
import sys
from functools import lru_cache

import pytest

from course.grading import notebooks as nbs
from course.testkit import AnswerError

from harness import ASSIGNMENTS, assignment_ids, wrong_answers

FORBID = re.compile(r", forbid=\([^)]*\)")


def _run(source: str, namespace: dict) -> object:
    """Execute a cell's *source*; return the value of its last line when that is an expression."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)


def _cases() -> list[tuple[str, str, dict]]:
    return [(a, cell, case) for a in assignment_ids() for cell, cases in wrong_answers(a).items()
            for case in cases if case.get("delegates")]


@lru_cache(maxsize=None)
def _source(assignment: str):
    return nbs.load(ASSIGNMENTS / "source" / assignment / f"{assignment}.ipynb")


def _cells(assignment: str, cell: str) -> tuple[str, str, float]:
    """The set-up cell, the test cell for answer *cell*, and that test cell's points."""
    nb = _source(assignment)
    setup = next(c.source for c in nb.cells if c.cell_type == "code")
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"{cell}_test")
    return setup, test.source, float(test.metadata["nbgrader"]["points"])


@pytest.mark.parametrize(("assignment", "cell", "case"), _cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_a_shortcut_fails_only_because_of_the_forbid_rule(assignment: str, cell: str, case: dict) -> None:
    setup, test, points = _cells(assignment, cell)
    assert FORBID.search(test), f"{cell}_test has no forbid=(...) rule, so nothing stops {case['why']!r}"

    ns: dict = {}
    _run(setup, ns)
    _run(case["code"], ns)
    with pytest.raises(AnswerError, match="hands its work to"):
        _run(test, ns)
    assert sys.getprofile() is None, "the check must put the previous profiler back"

    ns = {}
    _run(setup, ns)
    _run(case["code"], ns)
    score = _run(FORBID.sub("", test), ns)
    assert score is None or score == points, f"without the rule, {case['why']!r} should earn full marks, got {score}"


def test_every_function_exercise_that_has_a_library_twin_forbids_it() -> None:
    covered = {(a, cell) for a, cell, _ in _cases()}
    assert {("00-warmup-code", "ex00_c1"), ("00-warmup-code", "ex00_c2"), ("01-distances-code", "ex01_c1"),
            ("01-distances-code", "ex01_c2"), ("01-distances-code", "ex01_c3"), ("01-distances-code", "ex01_c4"),
            ("01-distances-code", "ex01_c5"), ("03-framing-code", "ex03_c1"), ("03-framing-code", "ex03_c2")} <= covered


def test_the_reference_solution_passes_with_the_rule() -> None:
    for assignment, cell, _ in _cases():
        setup, test, points = _cells(assignment, cell)
        ns: dict = {}
        _run(setup, ns)
        _run(nbs.reference_answers(_source(assignment))[cell], ns)
        score = _run(test, ns)
        assert score is None or score == points, f"{cell}: the reference earns {score} of {points}"
