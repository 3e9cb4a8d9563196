"""``course simulate``: a reproducible class of realistic submissions, for demos, the report and benchmarks.

The simulator writes a complete nbgrader course folder (default ``demo-class/``): the course's
``nbgrader_config.py`` and ``source/``, the released student version (``course release``), due dates
in the gradebook, and one submission per student and assignment in ``submitted/``. Every answer is
built from the assignment itself, so it works for any assignment in ``source/``:

- a **right** answer is the source notebook's reference solution;
- a **wrong** answer is one of the typical wrong answers in ``tests/cases/<assignment>.toml``
  (or, where an answer has none, the same names set to ``None``);
- a **blank** answer is the release stub, left as it is.

Each student has an ability and each answer a difficulty (a Rasch model, P(right) = 1 / (1 + e^(b - θ))),
so stronger students get more right and items differ in difficulty, as in a real class. Profiles:
strong, middling (partly correct), weak (mostly wrong) and blank (submitted the untouched
release); about one in ten submissions is late. One answer per assignment is answered wrongly by
everyone (``--broken-item``), the way a test with a wrong expected value behaves: the item
analysis (``course report``) must flag it. The same ``--seed`` writes the same files, byte for byte.

Public API
----------
- ``PROFILES``: profile name -> (share of the class, mean ability); ``class_profiles(seed, students)``.
- ``Simulation``: what was written (students, profiles, late submissions, broken items).
- ``simulate(root, students, seed=..., assignments=None, broken_item="auto", source_root=None)``.
- ``add_arguments_simulate(parser)`` / ``cmd_simulate(args)``: the ``course simulate`` command.

>>> from course.grading.simulate import class_profiles
>>> sorted(p for p, _ in class_profiles(7, ["a", "b", "c", "d", "e"]).values())
['blank', 'middling', 'middling', 'strong', 'weak']
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from course.errors import check_items, check_type
from course.grading.gradebook import (REPO_COURSE, GradingError, course_root, db_url, redact, source_assignments,
                                      submissions)

__all__ = ["PROFILES", "Simulation", "add_arguments_simulate", "cmd_simulate", "class_profiles", "simulate"]

# name -> (share of the class, mean ability θ on the Rasch scale)
PROFILES: dict[str, tuple[float, float]] = {
    "strong": (0.30, 2.5),
    "middling": (0.35, 0.3),
    "weak": (0.25, -2.0),
    "blank": (0.10, 0.0),
}
LATE_SHARE = 0.10
FIRST_DUE = datetime(2022, 9, 19, 23, 59, tzinfo=timezone.utc)  # the week after the article's events
CASES = REPO_COURSE.parent / "tests" / "cases"
MANIFEST = "simulation.json"
TEXT_ATTEMPTS = {
    "middling": "I think this matters for how we read the article, but I am not sure how to explain why.",
    "weak": "I don't know.",
}


@dataclass
class Simulation:
    """What ``simulate`` wrote."""

    root: str
    seed: int
    students: dict[str, str] = field(default_factory=dict)  # student -> profile
    late: list[list[str]] = field(default_factory=list)  # [assignment, student]
    broken: dict[str, list[str]] = field(default_factory=dict)  # assignment -> graded cells broken for everyone
    # assignment -> student -> answer cell -> right, wrong, blank or text
    outcomes: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)


def class_profiles(seed: int, students: list[str]) -> dict[str, tuple[str, float]]:
    """Student -> (profile, ability θ): profiles in the shares of PROFILES (each at least once when the class
    is big enough), assigned in a seeded random order."""
    check_type(seed, int, "seed")
    students = check_items(students, str, "students", what="student ids")
    n = len(students)
    exact = {name: share * n for name, (share, _) in PROFILES.items()}
    counts = {name: int(v) for name, v in exact.items()}
    for name in sorted(exact, key=lambda k: counts[k] - exact[k])[: n - sum(counts.values())]:
        counts[name] += 1
    if n >= len(PROFILES):
        for name in PROFILES:
            while counts[name] == 0:
                donor = max(counts, key=counts.get)
                counts[donor] -= 1
                counts[name] += 1
    order = [name for name, k in counts.items() for _ in range(k)]
    rng = random.Random(f"{seed}:profiles:{n}")
    rng.shuffle(order)
    return {sid: (profile, rng.gauss(PROFILES[profile][1], 0.6)) for sid, profile in zip(students, order)}


def _wrong_answers(assignment: str, cases: Path) -> dict[str, list[str]]:
    path = cases / f"{assignment}.toml"
    if not path.is_file():
        return {}
    out: dict[str, list[str]] = {}
    for case in tomllib.loads(path.read_text(encoding="utf-8")).get("wrong", []):
        if not case.get("earns"):  # a slip that earns partial credit is not a wrong answer here
            out.setdefault(case["cell"], []).append(case["code"])
    return out


def _fallback_wrong(code: str) -> str:
    from course.grading.notebooks import defined_names

    variables, functions = defined_names(code)
    lines = [f"{v} = None" for v in variables] + [f"def {f}(*args, **kwargs):\n    return None" for f in functions]
    return "\n".join(lines) or "pass"


def _graded_cells_of(answer: str, tests: dict[str, float]) -> list[str]:
    return [gid for gid in tests if gid.startswith(f"{answer}_test")]


def _prepare_root(root: Path, source_root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "nbgrader_config.py").is_file():
        shutil.copy(source_root / "nbgrader_config.py", root / "nbgrader_config.py")
    for name in source_assignments(source_root):
        if not (root / "source" / name).is_dir():
            shutil.copytree(source_root / "source" / name, root / "source" / name)


def _check_only_simulated(root: Path, assignments: list[str]) -> None:
    manifest = root / MANIFEST
    ours = set(json.loads(manifest.read_text(encoding="utf-8")).get("students", {})) if manifest.is_file() else set()
    for assignment in assignments:
        others = sorted(set(submissions(root, assignment)) - ours)
        if others:
            raise GradingError(f"{root / 'submitted'} already holds real submissions of {assignment!r} "
                               f"(e.g. {others[0]!r}); the simulator never writes over student work: "
                               f"use an empty --root")


def _choose_broken(broken_item: str, assignment: str, autograded: list[str], rng: random.Random) -> str | None:
    if broken_item == "none" or not autograded:
        return None
    if broken_item == "auto":
        return rng.choice(autograded)
    matching = [a for a in autograded if a == broken_item]
    return matching[0] if matching else None


def simulate(root: Path, students: int, *, seed: int = 2022, assignments: list[str] | None = None,
             broken_item: str = "auto", source_root: Path | None = None, db: str | None = None,
             cases: Path = CASES) -> Simulation:
    """Write a simulated class of *students* into the course folder *root*; returns what was written."""
    from nbgrader.api import Gradebook

    from course.grading import notebooks as nbs
    from course.grading.workflow import release

    if not isinstance(students, int) or isinstance(students, bool) or students < 1:
        raise GradingError(f"--students must be a whole number of at least 1; got {students!r}")
    root = Path(root).resolve()
    source_root = Path(source_root or course_root()).resolve()
    names = assignments or source_assignments(source_root)
    for name in names:
        if not (source_root / "source" / name).is_dir():
            from course.errors import unknown

            raise unknown("assignment", name, source_assignments(source_root))
    _prepare_root(root, source_root)
    _check_only_simulated(root, names)
    url = db_url(root, db)
    sim = Simulation(str(root), seed)
    ids = [f"sim-{i:03d}" for i in range(1, students + 1)]
    profiles = class_profiles(seed, ids)
    sim.students = {sid: profile for sid, (profile, _) in profiles.items()}
    for index, assignment in enumerate(names):
        release(root, url, assignment)
        due = FIRST_DUE + timedelta(days=7 * index)
        with Gradebook(url) as gb:
            gb.update_or_create_assignment(assignment, duedate=due)
        wrong = _wrong_answers(assignment, cases)
        books = sorted((root / "source" / assignment).glob("*.ipynb"))
        rng = random.Random(f"{seed}:{assignment}:items")
        sources = {p.stem: nbs.load(p) for p in books}
        releases = {p.stem: nbs.load(root / "release" / assignment / p.name) for p in books}
        auto_answers = [(nb, gid) for nb, src in sources.items() for gid, c in nbs.answer_cells(src).items()
                        if c.cell_type == "code" and not c.metadata["nbgrader"].get("grade")]
        difficulty = {key: rng.uniform(-1.5, 1.5) for key in auto_answers}
        broken = _choose_broken(broken_item, assignment, [gid for _, gid in auto_answers], rng)
        if broken_item not in ("auto", "none") and broken is None:
            raise GradingError(f"--broken-item {broken_item!r} is not an autograded answer of {assignment!r}; "
                               f"choose one of {', '.join(g for _, g in auto_answers)} (or 'none')")
        if broken:
            sim.broken[assignment] = [g for src in sources.values()
                                      for g in _graded_cells_of(broken, nbs.test_cells(src))]
        sim.outcomes[assignment] = {}
        late_ones = set(rng.sample(ids, round(LATE_SHARE * len(ids)) or (1 if len(ids) > 1 else 0)))
        for sid in ids:
            profile, theta = profiles[sid]
            srng = random.Random(f"{seed}:{sid}:{assignment}")
            kinds: dict[str, str] = {}
            folder = root / "submitted" / sid / assignment
            for nb_name, src in sources.items():
                answers = {}
                for gid, code in nbs.reference_answers(src).items():
                    cell = nbs.answer_cells(src)[gid]
                    if profile == "blank":
                        kinds[gid] = "blank"
                        continue
                    if cell.cell_type != "code":  # a free-text answer, graded by hand
                        answers[gid] = code if profile == "strong" else TEXT_ATTEMPTS[profile]
                        kinds[gid] = "text"
                        continue
                    p_right = 1.0 / (1.0 + math.exp(difficulty[(nb_name, gid)] - theta))
                    if gid != broken and srng.random() < p_right:
                        answers[gid], kinds[gid] = code, "right"
                    elif srng.random() < 0.8 or gid == broken:
                        options = wrong.get(gid) or [_fallback_wrong(code)]
                        answers[gid], kinds[gid] = srng.choice(options), "wrong"
                    else:
                        kinds[gid] = "blank"
                nbs.save(nbs.fill(releases[nb_name], answers), folder / f"{nb_name}.ipynb")
            late = sid in late_ones
            when = due + (timedelta(minutes=srng.randint(10, 48 * 60)) if late
                          else -timedelta(minutes=srng.randint(60, 72 * 60)))
            (folder / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f UTC"), encoding="utf-8")
            if late:
                sim.late.append([assignment, sid])
            sim.outcomes[assignment][sid] = kinds
    (root / MANIFEST).write_text(json.dumps(asdict(sim), indent=1, sort_keys=True), encoding="utf-8")
    return sim


def add_arguments_simulate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="assignments (default: all in source/)")
    parser.add_argument("--students", type=int, default=30, help="class size (default 30)")
    parser.add_argument("--seed", type=int, default=2022, help="random seed: the same seed writes the same class")
    parser.add_argument("--root", default="demo-class",
                        help="the course folder to write (default: demo-class); never one with real submissions")
    parser.add_argument("--db", help="gradebook database URL (default: $COURSE_DB_URL, else SQLite in --root)")
    parser.add_argument("--from", dest="source_root", help="the course whose assignments to use (default: this one)")
    parser.add_argument("--broken-item", default="auto",
                        help="answer cell everyone gets wrong: auto (one per assignment), none, or a grade id")


def cmd_simulate(args: argparse.Namespace) -> int:
    """Write a simulated class and say what it holds."""
    source_root = course_root(args.source_root) if args.source_root else None
    sim = simulate(Path(args.root), args.students, seed=args.seed, assignments=args.assignments or None,
                   broken_item=args.broken_item, source_root=source_root, db=args.db)
    counts: dict[str, int] = {}
    for profile in sim.students.values():
        counts[profile] = counts.get(profile, 0) + 1
    mix = ", ".join(f"{counts.get(p, 0)} {p}" for p in PROFILES)
    print(f"simulated {len(sim.students)} students ({mix}) x {len(sim.outcomes)} assignment(s) "
          f"= {len(sim.students) * len(sim.outcomes)} submissions in {Path(sim.root) / 'submitted'}; "
          f"{len(sim.late)} late; seed {sim.seed}")
    for assignment, cells in sim.broken.items():
        print(f"  {assignment}: deliberately broken item {', '.join(cells)} (everyone answers it wrongly)")
    print(f"gradebook {redact(db_url(Path(sim.root), args.db))}; next: "
          f"course grade --root {args.root} && course report --root {args.root}")
    return 0
