"""The grading harness: run the real nbgrader commands on every assignment, in a scratch course.

For one assignment it copies the course's nbgrader config and source into a temporary course root,
runs ``nbgrader generate_assignment``, ``nbgrader validate`` (source must pass, release must fail
with ``--invert``), writes simulated submissions, runs ``nbgrader autograde`` and reads every
cell's score back from the gradebook. Later assignments need no code here: only their notebooks
in ``assignments/source/`` and their wrong answers in ``tests/cases/<assignment>.toml``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.grading import notebooks as nbs

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ROOT / "assignments"
CASES = Path(__file__).resolve().parent / "cases"


def assignment_ids(track: str | None = None) -> list[str]:
    """Every assignment in assignments/source/, in order; with *track*, only those of that track."""
    found = sorted(p.name for p in (ASSIGNMENTS / "source").iterdir() if p.is_dir() and not p.name.startswith("."))
    if track is None:
        return found
    from course.syllabus import track_of

    return [a for a in found if track_of(a, ASSIGNMENTS) == track]


def nbgrader_env(tmp: Path) -> dict[str, str]:
    """Environment for nbgrader subprocesses: this interpreter's tools first, private Jupyter dirs."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["JUPYTER_RUNTIME_DIR"] = str(tmp / ".jupyter-runtime")
    env["JUPYTER_CONFIG_DIR"] = str(tmp / ".jupyter-config")
    env["JUPYTER_DATA_DIR"] = str(tmp / ".jupyter-data")
    env["IPYTHONDIR"] = str(tmp / ".ipython")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.pop("COURSE_DB_URL", None)
    return env


def run_nbgrader(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in *cwd*; returns the completed process (output captured as text)."""
    exe = Path(sys.executable).parent / "nbgrader"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "nbgrader"]
    return subprocess.run(command + args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def wrong_answers(assignment: str) -> dict[str, list[dict[str, str]]]:
    """The typical wrong answers for *assignment*, by answer cell."""
    path = CASES / f"{assignment}.toml"
    if not path.is_file():
        return {}
    out: dict[str, list[dict[str, str]]] = {}
    for case in tomllib.loads(path.read_text(encoding="utf-8")).get("wrong", []):
        out.setdefault(case["cell"], []).append(case)
    return out


@dataclass
class GradedAssignment:
    """One assignment after generate, validate and autograde in a scratch course."""

    assignment: str
    root: Path
    env: dict[str, str]
    notebooks: list[str] = field(default_factory=list)
    validate_source: str = ""
    validate_release: str = ""
    autograde_log: str = ""
    students: dict[str, str] = field(default_factory=dict)  # student id -> what the submission is

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.root / 'gradebook.db'}"

    def source_nb(self, notebook: str) -> Any:
        return nbs.load(self.root / "source" / self.assignment / f"{notebook}.ipynb")

    def release_nb(self, notebook: str) -> Any:
        return nbs.load(self.root / "release" / self.assignment / f"{notebook}.ipynb")

    def scores(self, student: str) -> dict[tuple[str, str], tuple[float | None, float, bool]]:
        """(notebook, grade id) -> (score, max score, needs manual grade) from the gradebook."""
        from nbgrader.api import Gradebook

        out = {}
        with Gradebook(self.db_url) as gb:
            for notebook in self.notebooks:
                sub = gb.find_submission_notebook(notebook, self.assignment, student)
                for grade in sub.grades:
                    out[(notebook, grade.name)] = (grade.score, grade.max_score, grade.needs_manual_grade)
        return out

    def autograded_cells(self) -> list[tuple[str, str]]:
        """(notebook, grade id) of every autograded test cell."""
        return [(nb, gid) for nb in self.notebooks for gid in nbs.test_cells(self.source_nb(nb))]


def prepare(assignment: str, tmp: Path) -> GradedAssignment:
    """Copy the config and source of *assignment* into *tmp*, then generate and validate it."""
    root = tmp / "course"
    (root / "source").mkdir(parents=True)
    shutil.copy(ASSIGNMENTS / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(ASSIGNMENTS / "source" / assignment, root / "source" / assignment)
    env = nbgrader_env(tmp)
    g = GradedAssignment(assignment, root, env)
    g.notebooks = sorted(p.stem for p in (root / "source" / assignment).glob("*.ipynb"))
    done = run_nbgrader(["generate_assignment", assignment, "--force"], root, env)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n{done.stdout}\n{done.stderr}")
    for notebook in g.notebooks:
        src = run_nbgrader(["validate", str(root / "source" / assignment / f"{notebook}.ipynb")], root, env)
        rel = run_nbgrader(["validate", "--invert", str(root / "release" / assignment / f"{notebook}.ipynb")], root, env)
        g.validate_source += src.stdout + src.stderr
        g.validate_release += rel.stdout + rel.stderr
    return g


def submissions(g: GradedAssignment) -> dict[str, dict[str, Any]]:
    """Student id -> {notebook name -> notebook}: reference, stub, wrong answers, gaming, warnings."""
    subs: dict[str, dict[str, Any]] = {}
    wrong = wrong_answers(g.assignment)
    depth = max((len(v) for v in wrong.values()), default=0)
    for notebook in g.notebooks:
        source, release = g.source_nb(notebook), g.release_nb(notebook)
        reference = nbs.reference_answers(source)
        subs.setdefault("reference", {})[notebook] = nbs.fill(release, reference)
        subs.setdefault("stub", {})[notebook] = release
        for k in range(depth):
            answers = {cell: cases[min(k, len(cases) - 1)]["code"] for cell, cases in wrong.items()
                       if cell in nbs.answer_cells(release)}
            subs.setdefault(f"wrong-{k + 1}", {})[notebook] = nbs.fill(release, answers)
        subs.setdefault("gaming-equal", {})[notebook] = nbs.fill(release, nbs.gaming_answers(source), nbs.GAMING_PRELUDE)
        subs.setdefault("gaming-lying", {})[notebook] = nbs.fill(release, nbs.lying_answers(source), nbs.GAMING_PRELUDE)
        subs.setdefault("warning", {})[notebook] = nbs.fill(release, {**reference, **nbs.warning_answers(source)},
                                                            nbs.WARNING_PRELUDE)
    return subs


def autograde(g: GradedAssignment, subs: dict[str, dict[str, Any]]) -> GradedAssignment:
    """Write *subs* to submitted/ and run ``nbgrader autograde`` on all of them."""
    for student, books in subs.items():
        for notebook, nb in books.items():
            nbs.save(nb, g.root / "submitted" / student / g.assignment / f"{notebook}.ipynb")
        g.students[student] = student
    done = run_nbgrader(["autograde", g.assignment], g.root, g.env, timeout=1200)
    g.autograde_log = done.stdout + done.stderr
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader autograde {g.assignment} failed:\n{g.autograde_log[-4000:]}")
    return g
