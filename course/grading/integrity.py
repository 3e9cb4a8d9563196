"""Read a submission's code before it runs and flag code that tampers with the grading machinery.

A test cell can only be trusted if the student's code left the checker, the course package and
Python itself alone. The grader (``course.grading.guard``) seals every test cell at run time; this
module adds a static check, done outside the kernel before any student code runs, of the
student's own cells (every code cell that is not locked). It flags what honest answers to this
course never need: reaching into the kernel (``get_ipython``, IPython and nbgrader internals),
introspection (``gc``, ``ctypes``, ``inspect``, ``sys._getframe``, ``__globals__`` ...), running
code built at run time (``exec``, ``eval``, ``compile``, ``__import__``, imports of modules that
are not installed), and patching: assigning to attributes of imported modules (``math.isclose =
...``), of the set-up cell's objects (``article``, ``_check``) or to their private parts. A
flagged notebook earns no automatic points, and the log names the cell, the line and the rule.

It is a heuristic that closes the known routes, not a proof; SECURITY.md says what it does not
catch. Plain mistakes, loops, large outputs and crashes are not its business (the sandbox and the
executor handle those), so honest code, however clumsy, is not flagged.

Public API
----------
- ``Finding``: cell, line, rule and a sentence saying what was found.
- ``scan_cells(cells, setup_names=()) -> list[Finding]``: *cells* is a list of (label, source).
- ``bound_names(source) -> list[str]``: the names a (set-up) cell binds at top level.
- ``RULES``: rule id -> what it is about.

>>> [f.rule for f in scan_cells([("ex01_1", "import math\\nmath.isclose = lambda *a, **k: True")])]
['patching']
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
import sys
from dataclasses import dataclass
from typing import Iterable

from course.errors import check_type

__all__ = ["RULES", "Finding", "bound_names", "scan_cells"]

RULES = {
    "kernel": "reaches into the kernel or the grading tools (get_ipython, IPython, nbgrader, magics)",
    "introspection": "inspects or rewrites running code (gc, ctypes, inspect, frames, __globals__ ...)",
    "dynamic-code": "runs code built at run time (exec, eval, compile, __import__, unknown modules)",
    "patching": "changes a module, the set-up cell's objects or their private parts",
}

# Modules whose import alone is a finding (top-level name).
_FORBIDDEN_MODULES = {
    "kernel": {"IPython", "ipykernel", "jupyter_client", "jupyter_core", "zmq", "traitlets", "nbgrader", "nbclient",
               "nbconvert", "nbformat", "tornado"},
    "introspection": {"gc", "ctypes", "_ctypes", "cffi", "inspect", "types", "builtins", "__builtin__", "dis",
                      "tracemalloc", "faulthandler", "_thread", "weakref", "copyreg"},
    "dynamic-code": {"importlib", "imp", "runpy", "code", "codeop", "marshal", "pickle", "_pickle", "shelve",
                     "dill", "cloudpickle", "pkgutil", "zipimport"},
}
_FORBIDDEN_CALLS = {"exec": "dynamic-code", "eval": "dynamic-code", "compile": "dynamic-code",
                    "__import__": "dynamic-code", "globals": "introspection", "locals": "introspection",
                    "vars": "introspection", "breakpoint": "introspection", "get_ipython": "kernel"}
_FORBIDDEN_NAMES = {"__builtins__": "introspection", "__import__": "dynamic-code", "__loader__": "introspection",
                    "__spec__": "introspection", "get_ipython": "kernel", "__IPYTHON__": "kernel"}
_FORBIDDEN_ATTRS = {
    "__dict__", "__globals__", "__code__", "__closure__", "__defaults__", "__kwdefaults__", "__subclasses__",
    "__bases__", "__base__", "__mro__", "__builtins__", "__import__", "__loader__", "__spec__", "__func__",
    "__self__", "__wrapped__", "__getattribute__", "__setattr__", "__delattr__", "__reduce__", "__reduce_ex__",
    "__set_name__", "__init_subclass__", "__class_getitem__", "__objclass__",
    "f_globals", "f_locals", "f_back", "f_code", "f_builtins", "f_trace", "gi_frame", "gi_code", "cr_frame",
    "cr_code", "ag_frame", "ag_code", "tb_frame", "tb_next", "co_code", "co_consts", "co_names", "cell_contents",
}
_SYS_ATTRS = {"modules", "_getframe", "settrace", "setprofile", "meta_path", "path_hooks", "path_importer_cache",
              "path", "displayhook", "excepthook", "addaudithook", "audit", "__stdout__", "__stderr__",
              "__displayhook__", "__excepthook__", "_current_frames", "breakpointhook",
              "set_asyncgen_hooks"}
_MUTATORS = {"update", "clear", "pop", "popitem", "setdefault", "append", "extend", "insert", "remove", "sort",
             "reverse", "add", "discard", "__setitem__", "__delitem__"}
_SAFE_ARG_CALLS = {"print", "help", "dir", "type", "repr", "str", "id", "len", "isinstance", "issubclass", "callable"}
# IPython magics a student may use; the bodies of %%time, %%timeit and %%capture are scanned too.
_LINE_MAGICS = {"matplotlib", "time", "timeit", "who", "whos", "pprint", "precision", "history", "pinfo", "pinfo2",
                "psearch", "pwd", "ls", "pip", "conda", "system", "sx", "lsmagic", "magic", "page"}
_CELL_MAGICS = {"time": True, "timeit": True, "capture": True, "html": False, "markdown": False, "latex": False,
                "svg": False, "javascript": False, "js": False, "writefile": False, "bash": False, "sh": False,
                "script": False, "text": False}
_GENERATED = {"run_line_magic", "run_cell_magic", "system", "getoutput"}
_PROC = re.compile(r"/proc/(self|thread-self|\d+|\$)")


@dataclass(frozen=True)
class Finding:
    """Something in a student's code that tampers with grading."""

    cell: str
    line: int
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.cell}, line {self.line}: {self.detail} [{self.rule}]"


def _ipython_to_python(source: str) -> str:
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # pragma: no cover - IPython is installed wherever notebooks are graded
        return source
    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - a cell IPython cannot read will fail at run time anyway
        return source


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(_ipython_to_python(source))
    except (SyntaxError, ValueError):
        return None


def bound_names(source: str) -> list[str]:
    """The names that *source* binds at top level (assignments, imports, functions, classes)."""
    check_type(source, str, "source")
    tree = _parse(source)
    if tree is None:
        return []
    names: list[str] = []

    def add(name: str) -> None:
        if name not in names:
            names.append(name)

    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        add(sub.id)
    return names


@functools.lru_cache(maxsize=512)
def _installed(module: str) -> bool:
    if module in sys.builtin_module_names or module in getattr(sys, "stdlib_module_names", ()):
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _root(node: ast.AST) -> ast.Name | None:
    """The name an attribute, subscript or call chain starts from (``a`` in ``a.b[1]().c``)."""
    while True:
        if isinstance(node, ast.Name):
            return node
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return None


def _chain_passes_call(node: ast.AST) -> bool:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        if isinstance(node, ast.Call):
            return True
        node = node.value
    return False


def _has_private(node: ast.AST) -> str | None:
    """The first private attribute (``_x``, not a dunder) in an attribute chain, if any."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            return node.attr
        node = node.func if isinstance(node, ast.Call) else node.value
    return None


class _Scope:
    """What the student's cells import and alias, gathered over the whole notebook first."""

    def __init__(self, trees: list[ast.Module], setup_names: Iterable[str]) -> None:
        self.setup = set(setup_names)
        self.modules: set[str] = set()  # names bound by `import x` / `import x as y`
        self.imported: set[str] = set()  # names bound by `from x import y`
        self.course: set[str] = set()  # names that come from the course package
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        name = (alias.asname or alias.name).split(".")[0]
                        self.modules.add(name)
                        if alias.name.split(".")[0] == "course":
                            self.course.add(name)
                elif isinstance(node, ast.ImportFrom):
                    for alias in node.names:
                        if alias.name != "*":
                            self.imported.add(alias.asname or alias.name)
                            if (node.module or "").split(".")[0] == "course":
                                self.course.add(alias.asname or alias.name)
        self.course |= self.setup
        # names assigned from a protected name or attribute chain ("direct": the same object) or
        # from a call on one ("call": possibly a fresh object, such as the list by_role returns)
        self.aliases: dict[str, str] = {}
        changed = True
        while changed:
            changed = False
            for tree in trees:
                for node in ast.walk(tree):
                    if isinstance(node, ast.Assign) and node.value is not None:
                        root = _root(node.value)
                        if root is None or not self.protected(root.id):
                            continue
                        how = "call" if _chain_passes_call(node.value) or self.aliases.get(root.id) == "call" else "direct"
                        for target in node.targets:
                            for sub in ast.walk(target):
                                if isinstance(sub, ast.Name) and self.aliases.get(sub.id) not in (how, "direct"):
                                    self.aliases[sub.id] = how
                                    if root.id in self.course:
                                        self.course.add(sub.id)
                                    changed = True

    def protected(self, name: str, through_calls: bool = True) -> bool:
        if name in self.setup or name in self.modules or name in self.imported or \
                name in ("sys", "builtins", "__builtins__"):
            return True
        how = self.aliases.get(name)
        return how == "direct" or (how == "call" and through_calls)


class _Visitor(ast.NodeVisitor):
    def __init__(self, label: str, scope: _Scope, findings: list[Finding]) -> None:
        self.label, self.scope, self.findings = label, scope, findings
        self.generated: set[int] = set()  # get_ipython() calls that IPython wrote for a magic
        self.in_function = 0

    def flag(self, node: ast.AST, rule: str, detail: str) -> None:
        self.findings.append(Finding(self.label, getattr(node, "lineno", 0), rule, detail))

    # -- magics ---------------------------------------------------------------------------------
    def _magic(self, node: ast.Call) -> bool:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in _GENERATED and isinstance(func.value, ast.Call)
                and isinstance(func.value.func, ast.Name) and func.value.func.id == "get_ipython"
                and not func.value.args and all(isinstance(a, ast.Constant) for a in node.args)):
            return False
        self.generated.add(id(func.value.func))
        args = [a.value for a in node.args]
        if func.attr == "run_line_magic" and args and args[0] not in _LINE_MAGICS:
            self.flag(node, "kernel", f"uses the magic %{args[0]}")
        elif func.attr == "run_cell_magic" and args:
            name = args[0]
            if name not in _CELL_MAGICS:
                self.flag(node, "kernel", f"uses the cell magic %%{name}")
            elif _CELL_MAGICS[name] and len(args) > 2 and isinstance(args[2], str):
                tree = _parse(args[2])
                if tree is not None:
                    self.visit(tree)
        return True

    # -- visitors -------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check_module(node, alias.name)
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            self.flag(node, "dynamic-code", "imports from a module written next to the notebook (relative import)")
        elif node.module:
            self._check_module(node, node.module)
            if node.module == "sys":
                for alias in node.names:
                    if alias.name in _SYS_ATTRS or alias.name == "*":
                        self.flag(node, "introspection", f"imports sys.{alias.name}")
        self.generic_visit(node)

    def _check_module(self, node: ast.AST, module: str) -> None:
        top = module.split(".")[0]
        for rule, names in _FORBIDDEN_MODULES.items():
            if top in names:
                self.flag(node, rule, f"imports {module}")
                return
        if top == "course" and module.split(".")[-1].startswith("_"):
            self.flag(node, "patching", f"imports the private module {module}")
        elif not _installed(top):
            self.flag(node, "dynamic-code", f"imports {top}, which is not part of the course's Python environment "
                                            "(code written at run time is not checked)")

    def visit_Call(self, node: ast.Call) -> None:
        if self._magic(node):
            self.generic_visit(node)
            return
        func = node.func
        if isinstance(func, ast.Name):
            if func.id in _FORBIDDEN_CALLS and func.id != "get_ipython":
                self.flag(node, _FORBIDDEN_CALLS[func.id], f"calls {func.id}()")
            if func.id in ("getattr", "setattr", "delattr", "hasattr") and len(node.args) >= 2:
                name = node.args[1]
                if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                    self.flag(node, "introspection", f"calls {func.id}() with an attribute name computed at run time")
                elif name.value in _FORBIDDEN_ATTRS or (name.value.startswith("_") and not name.value.startswith("__")
                                                        and self._rooted(node.args[0], course_only=True)):
                    self.flag(node, "introspection", f"calls {func.id}() for the attribute {name.value}")
                elif func.id in ("setattr", "delattr") and self._rooted(node.args[0]):
                    self.flag(node, "patching", f"calls {func.id}() on {ast.unparse(node.args[0])}")
            if func.id not in _SAFE_ARG_CALLS:
                for arg in list(node.args) + [k.value for k in node.keywords]:
                    if isinstance(arg, ast.Name) and arg.id in self.scope.modules:
                        self.flag(arg, "patching", f"passes the module {arg.id} itself to {func.id}()")
        elif isinstance(func, ast.Attribute) and func.attr in _MUTATORS \
                and self._rooted(func.value, through_calls=False) \
                and (not _chain_passes_call(func.value) or isinstance(func.value, ast.Attribute)):
            root = _root(func.value)
            module_function = isinstance(func.value, ast.Name) and func.value.id in self.scope.modules  # os.remove
            if root is not None and not module_function and (root.id in self.scope.course or root.id in self.scope.modules):
                self.flag(node, "patching", f"changes {ast.unparse(func.value)} in place (.{func.attr})")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in _FORBIDDEN_NAMES and id(node) not in self.generated:
            self.flag(node, _FORBIDDEN_NAMES[node.id], f"uses {node.id}")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in _FORBIDDEN_ATTRS:
            self.flag(node, "introspection", f"uses the attribute {node.attr}")
        elif isinstance(node.value, ast.Name) and node.value.id == "sys" and node.attr in _SYS_ATTRS:
            self.flag(node, "introspection", f"uses sys.{node.attr}")
        elif node.attr.startswith("_") and not node.attr.startswith("__") and self._rooted(node.value, course_only=True):
            self.flag(node, "patching", f"uses the private attribute {ast.unparse(node)}")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and _PROC.search(node.value):
            self.flag(node, "introspection", "reads the kernel's own process files under /proc")

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            if name in self.scope.setup:
                self.flag(node, "patching", f"rebinds the set-up name {name} from inside a function")
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.in_function += 1
        self.generic_visit(node)
        self.in_function -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def _targets(self, node: ast.AST, targets: list[ast.AST], verb: str) -> None:
        def assigned(target: ast.AST) -> list[ast.AST]:  # the nodes bound, through tuples and starred names
            if isinstance(target, (ast.Tuple, ast.List)):
                return [n for elt in target.elts for n in assigned(elt)]
            return assigned(target.value) if isinstance(target, ast.Starred) else [target]

        for target in targets:
            for sub in assigned(target):
                if isinstance(sub, ast.Attribute) and sub.attr.startswith("__") and sub.attr.endswith("__"):
                    self.flag(node, "introspection", f"{verb} the attribute {sub.attr}")
                elif isinstance(sub, ast.Attribute) and self._rooted(sub.value):
                    self.flag(node, "patching", f"{verb} {ast.unparse(sub)}")
                elif isinstance(sub, ast.Subscript) and self._rooted(sub.value, course_only=True, through_calls=False) \
                        and (not _chain_passes_call(sub.value) or isinstance(sub.value, ast.Attribute)):
                    self.flag(node, "patching", f"{verb} {ast.unparse(sub)}")
                elif isinstance(sub, ast.Name) and sub.id == "_check":
                    self.flag(node, "patching", f"{verb} the checker _check")

    def visit_Assign(self, node: ast.Assign) -> None:
        self._targets(node, node.targets, "assigns to")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._targets(node, [node.target], "changes")
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._targets(node, [node.target], "assigns to")
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        self._targets(node, node.targets, "deletes")
        self.generic_visit(node)

    def _rooted(self, node: ast.AST, course_only: bool = False, through_calls: bool = True) -> bool:
        root = _root(node)
        if root is None or not self.scope.protected(root.id, through_calls):
            return False
        return not course_only or root.id in self.scope.course or root.id in ("sys", "builtins", "__builtins__")


def scan_cells(cells: list[tuple[str, str]], setup_names: Iterable[str] = ()) -> list[Finding]:
    """Findings in the student's code *cells* ((label, source) pairs), given the set-up cells' names."""
    check_type(cells, list, "cells")
    trees: list[tuple[str, ast.Module]] = []
    for item in cells:
        check_type(item, tuple, "each cell")
        label, source = item
        check_type(source, str, f"the source of cell {label}")
        tree = _parse(source)
        if tree is not None:
            trees.append((str(label), tree))
    scope = _Scope([t for _, t in trees], setup_names)
    findings: list[Finding] = []
    for label, tree in trees:
        _Visitor(label, scope, findings).visit(tree)
    return findings
