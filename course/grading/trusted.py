"""Run an autograded test cell outside the student's kernel, in a fresh scope that student code cannot reach.

This is how the course's grader (``course.grading.execute``) scores a test cell. The test's code
comes from the gradebook (the instructor's version, hidden tests included) and never enters the
student's kernel, so no hook, frame or shell object there can read it, skip it or rewrite it. For each
test cell the grader builds a new scope in its own process:

1. Python's real builtins, then the names that the locked set-up cells bind, made by running the
   instructor's set-up code again in this scope (so ``_check`` is the grader's own checker);
2. the student's answers: only the names that the instructor's solution cells bind before this
   test *and* that the test reads, fetched from the kernel as plain data (``course.grading.wire``);
   a student's function arrives as ``StudentFunction``, which calls into the kernel with plain-data
   arguments and returns plain data;
3. the test's own names, as it runs.

No other name of the student's namespace is ever looked up: a test that reads ``len``, a loop
variable or a set-up object gets the grader's, whatever the student rebound. Nothing the test binds
is written back into the kernel.

Public API
----------
- ``Item``: one test cell to run (its source, the set-up sources before it, the answer names it may read).
- ``Outcome``: passed, or failed with the error's name and message, plus a partial-credit value.
- ``Kernel``: what the grader must provide: ``fetch(names)`` and ``call(name, args, kwargs, forbid)``.
- ``KernelGone``: the kernel died or stopped answering (the grader stops the notebook).
- ``StudentFunction``: a student's function, called in the kernel.
- ``bindings(source) -> list[str]``: the names a cell binds at its top level (also inside if/for/with/try).
- ``reads(source) -> set[str]``: the names the code reads from the module's scope (its free names).
- ``answer_names(test_source, solution_sources)``: the student's names a test may read.
- ``run_item(item, kernel, budget) -> Outcome``.

>>> bindings("import math as m\\nfor i in range(2):\\n    x = i\\ndef f():\\n    y = 1")
['m', 'i', 'x', 'f']
"""

from __future__ import annotations

import ast
import builtins
import re
import symtable
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from course.errors import check_type
from course.grading import wire
from course.testkit import AnswerError, Delegated, Opaque, RemoteError, RemoteFunction

__all__ = ["Item", "Kernel", "KernelGone", "Outcome", "StudentFunction", "answer_names", "bindings", "reads",
           "run_item"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,59}")


class KernelGone(RuntimeError):
    """The student's kernel died, or did not answer in time; the rest of the notebook is not run."""


class ItemTimeout(RuntimeError):
    """The test (with the student's function calls) ran past its time budget."""


class Kernel(Protocol):
    """The grader's side of the channel to one student's kernel (see ``course.grading.wire``)."""

    def fetch(self, names: list[str]) -> dict:
        """The kernel's reply to a fetch of *names* (parsed, not yet decoded)."""

    def call(self, name: str, args: tuple, kwargs: dict, forbid: tuple[tuple[str, str], ...], timeout: float) -> dict:
        """The kernel's reply to a call of the student's *name* (parsed, not yet decoded)."""


@dataclass(frozen=True)
class Item:
    """One autograded test cell, as the instructor wrote it."""

    grade_id: str
    source: str  # the test's code, hidden tests included
    setup: tuple[str, ...] = ()  # the locked set-up cells before it, in order
    answers: tuple[str, ...] = ()  # the student's names it may read (see answer_names)


@dataclass
class Outcome:
    """What a test cell scored: passed, or failed with *ename* and *message*; *partial* when it gave one."""

    passed: bool
    ename: str = ""
    message: str = ""
    partial: float | None = None
    seconds: float = 0.0
    calls: int = 0
    notes: list[str] = field(default_factory=list)


# -- reading code ------------------------------------------------------------------------------------

def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def bindings(source: str) -> list[str]:
    """The names *source* binds at its top level, including inside if/for/while/with/try blocks."""
    check_type(source, str, "source")
    tree = _parse(source)
    names: list[str] = []

    def add(name: str) -> None:
        if name not in names:
            names.append(name)

    def targets(node: ast.AST) -> None:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
                add(sub.id)

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name != "*":
                        add((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                add(node.name)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    targets(target)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets(node.target)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                targets(node.target)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        targets(item.optional_vars)
            elif isinstance(node, ast.Try):
                for handler in node.handlers:
                    if handler.name:
                        add(handler.name)
            for sub in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                 ast.ClassDef, ast.Lambda)) else ():
                if isinstance(sub, ast.NamedExpr):
                    targets(sub.target)
            for block in ("body", "orelse", "finalbody"):
                inner = getattr(node, block, None)
                if isinstance(inner, list) and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                      ast.ClassDef)):
                    visit(inner)
            for handler in getattr(node, "handlers", []) or []:
                visit(handler.body)

    if tree is not None:
        visit(tree.body)
    return names


def reads(source: str) -> set[str]:
    """The names *source* reads from the module's scope: free at top level, or global inside a function,
    lambda or comprehension, and not bound at top level (Python's own scoping, from ``symtable``)."""
    check_type(source, str, "source")
    try:
        top = symtable.symtable(source, "<cell>", "exec")
    except (SyntaxError, ValueError):
        return set()
    bound = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()
             or s.is_namespace()}
    found: set[str] = set()
    tables = [top]
    while tables:
        table = tables.pop()
        tables.extend(table.get_children())
        for symbol in table.get_symbols():
            if symbol.is_referenced() and (table is top or symbol.is_global()):
                found.add(symbol.get_name())
    return found - bound


def answer_names(test_source: str, solution_sources: list[str]) -> tuple[str, ...]:
    """The student's names a test may read: bound by the instructor's solution cells, and read by the test.

    A name the test binds itself (a loop variable, a helper) is never taken from the student.
    """
    check_type(test_source, str, "test_source")
    check_type(solution_sources, (list, tuple), "solution_sources")
    offered: list[str] = []
    for source in solution_sources:
        for name in bindings(source):
            if name not in offered:
                offered.append(name)
    wanted = reads(test_source)
    return tuple(n for n in offered if n in wanted)


def _is_partial(node: ast.stmt | None) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "partial"
            and isinstance(node.value.func.value, ast.Name) and node.value.func.value.id == "_check")


# -- the student's functions --------------------------------------------------------------------------

def _safe_name(text: Any, default: str) -> str:
    if type(text) is str and _IDENTIFIER.fullmatch(text):
        return text
    return default


class StudentFunction(RemoteFunction):
    """A function the student wrote, called in the student's kernel with plain data (see ``Checker.call``)."""

    def __init__(self, name: str, kernel: Kernel, clock: "_Clock") -> None:
        self.name, self._kernel, self._clock = name, kernel, clock

    def __repr__(self) -> str:
        return f"<the student's function {self.name}>"

    def run(self, args: tuple, kwargs: dict, forbid: tuple[tuple[str, str], ...]) -> Any:
        self._clock.calls += 1
        try:
            reply = self._kernel.call(self.name, tuple(args), dict(kwargs), tuple(forbid), self._clock.left())
        except wire.WireError as err:
            raise RemoteError("GradingError", f"the grader could not call {self.name} ({err})") from None
        kind = next(iter(reply))
        body = reply[kind]
        if kind == "ok":
            try:
                value = wire.decode(body)
            except wire.WireError as err:
                return Opaque(f"value the grader cannot read ({err})")
            return Opaque("function") if isinstance(value, wire.Handle) else value
        if kind == "raised" and type(body) is list and len(body) == 2:
            message = body[1] if type(body[1]) is str else ""
            raise RemoteError(_safe_name(body[0], "Exception"), message[:500])
        if kind == "delegated" and type(body) is str:
            known = {module for _, module in forbid}
            raise Delegated(body if body in known else "a forbidden module")
        raise RemoteError("GradingError", f"the grader could not read what {self.name} returned")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.run(args, kwargs, ())


class _Clock:
    """The time left for one test, shared by its calls into the kernel."""

    def __init__(self, budget: float) -> None:
        self.deadline = time.monotonic() + budget
        self.calls = 0

    def left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise ItemTimeout("the test ran out of time")
        return left


# -- running one test -------------------------------------------------------------------------------

_MISSING = object()


def _fetch(kernel: Kernel, names: tuple[str, ...]) -> dict[str, Any]:
    if not names:
        return {}
    reply = kernel.fetch(list(names))
    found = reply.get("ok")
    if type(found) is not dict:
        raise wire.WireError("the kernel's answer is not a table of names")
    values: dict[str, Any] = {}
    for name in names:
        data = found.get(name, {"$missing": True})
        if type(data) is dict and data.get("$missing") is True and len(data) == 1:
            values[name] = _MISSING
        else:
            values[name] = wire.decode(data)
    return values


def run_item(item: Item, kernel: Kernel, budget: float = 60.0) -> Outcome:
    """Run *item* in a fresh trusted scope; the student's answers come from *kernel* (see the module docstring).

    *budget* is the time in seconds for the whole test, calls into the kernel included. Raises
    ``KernelGone`` when the kernel stops answering.
    """
    check_type(item, Item, "item")
    started = time.monotonic()
    clock = _Clock(budget)
    outcome = Outcome(passed=False)
    scope: dict[str, Any] = {"__builtins__": builtins, "__name__": "__course_test__"}
    tree = _parse(item.source)
    if tree is None:
        outcome.ename, outcome.message = "GradingError", "the test cell is not valid Python (ask your instructor)"
        return outcome
    try:
        for number, source in enumerate(item.setup):
            exec(compile(source, f"<set-up {number + 1}>", "exec"), scope)  # noqa: S102 - the instructor's code
    except Exception as err:  # noqa: BLE001 - a broken set-up cell is the instructor's problem; say so
        outcome.ename = "GradingError"
        outcome.message = f"the grader could not run the set-up cell ({type(err).__name__}: {err})"
        return outcome
    try:
        values = _fetch(kernel, item.answers)
    except wire.WireError as err:
        outcome.ename, outcome.message = "GradingError", f"the grader could not read your answers ({err})"
        return outcome
    missing = []
    for name, value in values.items():
        if value is _MISSING:
            missing.append(name)
        elif isinstance(value, wire.Handle):
            scope[name] = StudentFunction(value.name, kernel, clock)
        else:
            scope[name] = value
    last = tree.body[-1] if tree.body else None
    body = ast.Module(body=tree.body[:-1] if _is_partial(last) else tree.body, type_ignores=[])
    try:
        exec(compile(body, f"<test {item.grade_id}>", "exec"), scope)  # noqa: S102 - the instructor's test
        if _is_partial(last):
            value = eval(compile(ast.Expression(last.value), f"<test {item.grade_id}>", "eval"), scope)  # noqa: S307
            outcome.partial = float(value) if type(value) in (int, float) else 0.0
        outcome.passed = True
    except NameError as err:
        outcome.ename = "NameError"
        name = getattr(err, "name", None)
        if name in missing:
            outcome.message = (f"{name} is not defined: run the cell where you assign it, and keep the name "
                               "the exercise asks for.")
        else:
            outcome.message = str(err)
    except AnswerError as err:
        outcome.ename, outcome.message = "AnswerError", str(err)
    except ItemTimeout:
        outcome.ename = "TimeoutError"
        outcome.message = f"the test, with the calls of your functions, ran longer than {budget:g} s"
    except KernelGone:
        raise
    except Exception as err:  # noqa: BLE001 - any other failure of the test counts against the answer
        outcome.ename, outcome.message = type(err).__name__, str(err)[:500]
    outcome.seconds = time.monotonic() - started
    outcome.calls = clock.calls
    return outcome
