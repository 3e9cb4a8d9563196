"""One learner's notebook: ``course selfgrade`` against stock ``nbgrader autograde``, side by side in one run.

Simulates one student's submission of an assignment (default ``01-distances``; the reference answers),
then times, end to end as a learner or an instructor would type them, alternating the two commands:

1. **stock**: ``nbgrader autograde <assignment> --student <id>`` in a course folder whose assignment was
   already generated (plain nbgrader: the course's config without its safe-grading block);
2. **selfgrade**: ``python -m course selfgrade <notebook> --no-open``, which builds its own private
   scratch course, grades with the course's trusted tests and writes the feedback page. Its first
   run generates the assignment into the learner's cache (timed apart, as "selfgrade, first run");
   the rounds after it use that cache, as a learner's second and later tries do.

It prints every run, the medians, their ratio, the machine's load, and whether both gave the same
autograded points. Target (issue 18): selfgrade in well under stock's time; exits 1 if the points
differ.

    .venv/bin/python benchmarks/selfgrade.py [--assignment 01-distances] [--repeat 5] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.grade_class import _load, _stock_config, _timed  # noqa: E402
from course.grading.gradebook import cell_scores, tool_env  # noqa: E402
from course.grading.simulate import simulate  # noqa: E402


def _points(url: str, assignment: str) -> float:
    return sum(s.score for s in cell_scores(url, [assignment]) if not s.needs_manual_grade)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assignment", default="01-distances")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "selfgrade")
    args = parser.parse_args()

    shutil.rmtree(args.out, ignore_errors=True)
    stock = args.out / "stock"
    sim = simulate(stock, 1, seed=2022, assignments=[args.assignment], source_root=ROOT / "assignments")
    _stock_config(stock)
    student = next(iter(sim.students))
    notebook = next((stock / "submitted" / student / args.assignment).glob("*.ipynb"))
    mine = args.out / "learner" / notebook.name  # the learner's own copy, outside any course folder
    mine.parent.mkdir(parents=True)
    shutil.copyfile(notebook, mine)
    env = {k: v for k, v in tool_env().items() if k != "COURSE_DB_URL"}
    env["COURSE_CACHE"] = str(args.out / "cache")
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    commands = {
        "stock": ([nbgrader, "autograde", args.assignment, "--student", student, "--force"], stock,
                  {**env, "COURSE_SANDBOX": "off"}),
        "selfgrade": ([sys.executable, "-m", "course", "selfgrade", str(mine), "--no-open"], ROOT, env),
    }
    print(f"{args.assignment}: one notebook ({notebook.name}, student {student}); "
          f"{os.cpu_count()} cores; {_load()}")
    times: dict[str, list[float]] = {name: [] for name in commands}
    outputs: dict[str, str] = {}
    first, done = _timed(*commands["selfgrade"])
    if done.returncode != 0:
        print(f"selfgrade failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return 1
    print(f"  selfgrade, first run (generates the assignment into the cache): {first:5.2f} s", flush=True)
    for round_ in range(args.repeat):
        for name, (command, cwd, extra) in commands.items():
            took, done = _timed(command, cwd, extra)
            if done.returncode != 0:
                print(f"{name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
                return 1
            times[name].append(took)
            outputs[name] = done.stdout
            print(f"  round {round_ + 1}: {name:<10} {took:5.2f} s", flush=True)
    stock_points = _points(f"sqlite:///{stock / 'gradebook.db'}", args.assignment)
    total = next((line for line in outputs["selfgrade"].splitlines() if line.startswith("autograded total")), "")
    self_points = float(total.split(":")[1].split("of")[0]) if total else float("nan")
    median = {name: statistics.median(t) for name, t in times.items()}
    for name, t in median.items():
        print(f"{name:<10} median {t:5.2f} s  (min {min(times[name]):.2f}, max {max(times[name]):.2f})")
    ratio = median["stock"] / median["selfgrade"]
    print(f"selfgrade over stock nbgrader autograde: {ratio:.2f}x faster ({_load()})")
    print(f"autograded points: stock {stock_points:g}, selfgrade {self_points:g}: "
          f"{'identical' if stock_points == self_points else 'DIFFERENT'}")
    return 0 if stock_points == self_points else 1


if __name__ == "__main__":
    sys.exit(main())
