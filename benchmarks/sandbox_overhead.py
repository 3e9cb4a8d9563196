"""How much the sandbox and the grading guards cost: seconds per notebook, three ways.

    .venv/bin/python benchmarks/sandbox_overhead.py [--students 12] [--rounds 2] [--assignment 00-warmup]

Writes a class of honest submissions (the reference solution) into a scratch course and grades it
with `nbgrader autograde` under
  1. stock nbgrader (the course's config without its safe-grading block),
  2. the course's guards without the sandbox (COURSE_SANDBOX=off),
  3. the guards and the bubblewrap sandbox (COURSE_SANDBOX=required),
alternating the order each round, and prints seconds per notebook and the ratios to stock.
Every run must give every student the same scores; the script fails if they differ.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from course.grading import notebooks as nbs  # noqa: E402
from harness import ASSIGNMENTS, nbgrader_env, run_nbgrader  # noqa: E402

SAFE_BLOCK_START = "# Safe grading"


def stock_config(text: str) -> str:
    """The course's nbgrader config without the safe-grading block (plain nbgrader Execute)."""
    return text.split(SAFE_BLOCK_START)[0]


def scores(db: Path, assignment: str) -> dict[tuple[str, str, str], float | None]:
    """(student, notebook, cell) -> score, from the gradebook."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        for submission in gb.assignment_submissions(assignment):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    out[(submission.student.id, notebook.name, grade.name)] = grade.score
    return out


def run(mode: str, assignment: str, students: int, work: Path) -> tuple[float, dict]:
    course = work / f"course-{mode}"
    shutil.rmtree(course, ignore_errors=True)
    (course / "source").mkdir(parents=True)
    config = (ASSIGNMENTS / "nbgrader_config.py").read_text(encoding="utf-8")
    (course / "nbgrader_config.py").write_text(stock_config(config) if mode == "stock" else config, encoding="utf-8")
    shutil.copytree(ASSIGNMENTS / "source" / assignment, course / "source" / assignment)
    env = nbgrader_env(work)
    env["COURSE_SANDBOX"] = {"stock": "off", "guards": "off", "sandbox": "required"}[mode]
    done = run_nbgrader(["generate_assignment", assignment, "--force"], course, env)
    if done.returncode:
        raise SystemExit(done.stdout + done.stderr)
    for notebook in (course / "source" / assignment).glob("*.ipynb"):
        source = nbs.load(notebook)
        release = nbs.load(course / "release" / assignment / notebook.name)
        filled = nbs.fill(release, nbs.reference_answers(source))
        for k in range(students):
            nbs.save(filled, course / "submitted" / f"student-{k:03d}" / assignment / notebook.name)
    started = time.perf_counter()
    done = run_nbgrader(["autograde", assignment], course, env, timeout=3600)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"autograde failed in mode {mode}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return seconds, scores(course / "gradebook.db", assignment)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--assignment", default="00-warmup")
    args = parser.parse_args()
    modes = ["stock", "guards", "sandbox"]
    totals = {m: 0.0 for m in modes}
    reference = None
    with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp:
        for r in range(args.rounds):
            for mode in modes if r % 2 == 0 else list(reversed(modes)):
                seconds, graded = run(mode, args.assignment, args.students, Path(tmp))
                totals[mode] += seconds
                reference = reference or graded
                if graded != reference:
                    print(f"scores differ in mode {mode}", file=sys.stderr)
                    return 1
                print(f"round {r + 1} {mode:<8} {seconds:6.1f} s  {seconds / args.students:5.2f} s/notebook")
    n = args.rounds * args.students
    stock = totals["stock"] / n
    print(f"\n{args.students} notebooks x {args.rounds} rounds of {args.assignment}; identical scores in every mode")
    for mode in modes:
        per = totals[mode] / n
        print(f"{mode:<8} {per:5.2f} s/notebook  {per / stock:4.2f}x stock  ({per - stock:+.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
