"""The layout holds: the README's map of the tree is true, data flow one way, and no import cycles.

- Every path the README's "What is where" names exists, and every top-level folder, every module and
  sub-package of ``course/`` and every folder of ``course/data/`` is named there.
- No module under ``course/`` imports from ``notebooks/``, ``assignments/`` or ``tests/``.
- No import cycles anywhere in ``course/``, counting imports inside functions too (a lazy import
  still ties two modules together). A known cycle may be listed in KNOWN_CYCLES with the issue that
  removes it; the test fails as soon as the cycle is gone, so the exception cannot outlive it.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"

# Cycles that are being removed elsewhere: frozenset of modules -> who removes them. Remove the entry
# when the cycle is gone (test_known_cycles_still_exist fails then, to say so).
KNOWN_CYCLES: dict[frozenset[str], str] = {}


# --- the README's map ----------------------------------------------------------------------------------

def _readme_block() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## What is where\s*\n+```\n(.*?)\n```", text, re.S | re.M)
    assert match, "README.md has no fenced block under '## What is where'"
    return match.group(1).splitlines()


def readme_paths() -> set[str]:
    """Every path the block names, relative to the repository.

    A line is ``<entries>  <description>``: the entries (space-separated names) come first, and two or
    more spaces end them. An indented entry lives in the folder named alone on the nearest line above
    it that starts further left.
    """
    parents: list[tuple[int, str]] = []
    named: set[str] = set()
    for line in _readme_block():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        parents = [(i, p) for i, p in parents if i < indent]
        base = parents[-1][1] if parents else ""
        entries = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0].split()
        named |= {base + e for e in entries}
        if len(entries) == 1 and entries[0].endswith("/"):
            parents.append((indent, base + entries[0]))
    return named


def _exists(path: str) -> bool:
    if "<" in path:  # a placeholder such as articles/<id>/: at least one folder matches it
        pattern = re.sub(r"<[^>]+>", "*", path.rstrip("/"))
        return any(p.is_dir() for p in ROOT.glob(pattern))
    return (ROOT / path).exists()


def _tracked_top_level() -> set[str]:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return {f.split("/")[0] + "/" for f in files if "/" in f and not f.startswith(".")}


def test_every_path_the_readme_names_exists() -> None:
    named = readme_paths()
    assert len(named) > 20, named
    missing = sorted(p for p in named if not _exists(p))
    assert not missing, f"README 'What is where' names paths that do not exist: {missing}"


def test_the_readme_names_every_folder_and_module() -> None:
    named = readme_paths()
    wanted = _tracked_top_level()
    wanted |= {f"course/{p.name}" for p in COURSE.glob("*.py") if not p.name.startswith("_")}
    wanted |= {f"course/{p.name}/" for p in COURSE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    wanted |= {f"course/data/{p.name}/" for p in (COURSE / "data").iterdir() if p.is_dir()}
    wanted.add("course/INSTRUCTORS.md")
    unnamed = sorted(wanted - named)
    assert not unnamed, f"README 'What is where' does not say where these are: {unnamed}"


def test_the_readme_check_can_fail() -> None:
    """The parser sees a made-up module as missing and a real one as present."""
    assert not _exists("course/no_such_module.py") and _exists("course/article.py")
    assert _exists("course/data/articles/<id>/") and not _exists("course/data/nothing/<id>/")


# --- imports ----------------------------------------------------------------------------------------------

def _modules() -> dict[str, Path]:
    out = {}
    for path in COURSE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every module name an import statement in *path* names (at any depth), with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(f"{node.module}.{a.name}", node.lineno) for a in node.names]
            found.append((node.module, node.lineno))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            found.append((node.args[0].value, node.lineno))
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the course modules it imports (a ``from package import name`` of a module counts as that module)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges = set()
        for imported, _ in _imports(path):
            if imported in modules:
                edges.add(imported)
        # `from course.grading.gradebook import x` adds course.grading.gradebook and, spuriously, course.grading.gradebook.x
        graph[name] = {e for e in edges if e != name}
    # a package's own name only counts when the statement imports the package itself, not a module in it
    for name, path in modules.items():
        named = {i for i, _ in _imports(path)}
        graph[name] = {e for e in graph[name]
                       if not (modules[e].name == "__init__.py" and any(n.startswith(e + ".") and n in modules
                                                                          for n in named))}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_in_course() -> None:
    found = cycles(import_graph())
    unexpected = [sorted(c) for c in found if c not in KNOWN_CYCLES]
    assert not unexpected, f"import cycles in course/: {unexpected}"


def test_known_cycles_still_exist() -> None:
    """An exception for a cycle that is gone must go too."""
    found = set(cycles(import_graph()))
    gone = [f"{sorted(c)} ({why})" for c, why in KNOWN_CYCLES.items() if c not in found]
    assert not gone, f"these cycles are gone: remove them from KNOWN_CYCLES in tests/test_layout.py: {gone}"


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [frozenset({"a", "b", "c"})]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_lazy_imports_count(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from course.grading import workflow\n    import importlib\n"
                 "    importlib.import_module('course.cli')\n", encoding="utf-8")
    names = {n for n, _ in _imports(f)}
    assert {"course.grading.workflow", "course.cli"} <= names


OUTSIDE = ("notebooks", "assignments", "tests")


def _outside_modules() -> set[str]:
    names = set(OUTSIDE)
    for folder in OUTSIDE:
        names |= {p.stem for p in (ROOT / folder).rglob("*.py")}
    return names - {"__init__"}


@pytest.mark.parametrize("module", sorted(_modules()), ids=str)
def test_the_library_imports_nothing_from_notebooks_assignments_or_tests(module: str) -> None:
    outside = _outside_modules()
    bad = [(name, line) for name, line in _imports(_modules()[module]) if name.split(".")[0] in outside]
    assert not bad, f"{module} imports from notebooks/, assignments/ or tests/: {bad}"


def test_the_outside_check_knows_the_test_helpers() -> None:
    assert {"harness", "classroom", "nbgrader_config", "tests"} <= _outside_modules()
