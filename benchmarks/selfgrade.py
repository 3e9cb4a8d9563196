"""One learner's notebook: ``course selfgrade`` against stock ``nbgrader autograde``, side by side in one run.

Simulates one student's submission of an assignment (default ``01-distances``), then times, end to end
as a learner or an instructor would type them:

1. **stock**: ``nbgrader autograde <assignment> --student <id>`` in a course folder whose assignment was
   already generated (plain nbgrader: the course's config without its safe-grading block);
2. **selfgrade, first run**: ``python -m course selfgrade <notebook> --no-open`` with an empty cache: it
   starts the learner's warm service (``course.grading.selfgrade_service``), which generates the
   assignment into the cache and grades;
3. **selfgrade, warm**: the same command while the service runs (a learner's second and later tries);
4. **selfgrade, in-process**: the same command with ``COURSE_SELFGRADE_SERVICE=off`` (today's path
   without the service; it still uses the cached gradebook).

The rounds alternate 1, 3 and 4. It prints every run, the medians, the ratios over stock, the machine's
load, and whether every cell score of the three selfgrade paths equals stock nbgrader's. Target
(issue 18): selfgrade at least 3x faster than stock; exits 1 if a score differs. The service is
stopped at the end.

    .venv/bin/python benchmarks/selfgrade.py [--assignment 01-distances] [--repeat 5] [--out DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import sys
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.grade_class import _load, _stock_config, _timed  # noqa: E402
from course.grading import selfgrade_client  # noqa: E402
from course.grading.gradebook import cell_scores, tool_env  # noqa: E402
from course.grading.simulate import simulate  # noqa: E402


def _stock_scores(url: str, assignment: str) -> dict[str, float]:
    return {s.cell: s.score for s in cell_scores(url, [assignment]) if not s.needs_manual_grade}


def _printed_scores(output: str) -> dict[str, float]:
    """Cell -> points from the lines ``course selfgrade`` prints ("  ex01_1_test   1 of 1")."""
    return {m[0]: float(m[1]) for m in re.findall(r"^  (\S+)\s+(\d+(?:\.\d+)?) of \d", output, re.M)}


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
    env.update({"COURSE_CACHE": str(args.out / "cache"), "COURSE_SELFGRADE_SERVICE": "on"})
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    selfgrade = [sys.executable, "-m", "course", "selfgrade", str(mine), "--no-open"]
    commands = {
        "stock": ([nbgrader, "autograde", args.assignment, "--student", student, "--force"], stock,
                  {**env, "COURSE_SANDBOX": "off"}),
        "warm": (selfgrade, ROOT, env),
        "in-process": (selfgrade, ROOT, {**env, "COURSE_SELFGRADE_SERVICE": "off"}),
    }
    print(f"{args.assignment}: one notebook ({notebook.name}, student {student}); "
          f"{os.cpu_count()} cores; {_load()}")
    why_not = _service_unavailable(env)
    if why_not:
        print(f"the warm service cannot run here ({why_not}): 'warm' is the in-process path")
    times: dict[str, list[float]] = {name: [] for name in commands}
    outputs: dict[str, list[str]] = {name: [] for name in commands}
    try:
        first, done = _timed(*commands["warm"])
        if done.returncode != 0:
            print(f"selfgrade failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
            return 1
        outputs["first"] = [done.stdout]
        print(f"  selfgrade, first run (starts the service, generates the assignment into the cache): {first:5.2f} s",
              flush=True)
        for round_ in range(args.repeat):
            for name, (command, cwd, extra) in commands.items():
                took, done = _timed(command, cwd, extra)
                if done.returncode != 0:
                    print(f"{name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
                    return 1
                times[name].append(took)
                outputs[name].append(done.stdout)
                print(f"  round {round_ + 1}: {name:<10} {took:5.2f} s", flush=True)
    finally:
        _stop_service(env)
    want = _stock_scores(f"sqlite:///{stock / 'gradebook.db'}", args.assignment)
    median = {name: statistics.median(t) for name, t in times.items()}
    print(f"{'stock':<22} median {median['stock']:5.2f} s  (min {min(times['stock']):.2f}, max {max(times['stock']):.2f})")
    print(f"{'selfgrade, first run':<22}        {first:5.2f} s  ({median['stock'] / first:.2f}x stock)")
    for name, label in (("warm", "selfgrade, warm"), ("in-process", "selfgrade, in-process")):
        print(f"{label:<22} median {median[name]:5.2f} s  (min {min(times[name]):.2f}, max {max(times[name]):.2f}): "
              f"{median['stock'] / median[name]:.2f}x faster than stock")
    print(f"selfgrade (warm service) over stock nbgrader autograde: {median['stock'] / median['warm']:.2f}x faster "
          f"({_load()})")
    runs = [("first", out) for out in outputs["first"]] + [(n, o) for n in ("warm", "in-process") for o in outputs[n]]
    differ = [(name, _printed_scores(out)) for name, out in runs if _printed_scores(out) != want]
    print(f"cell scores ({len(want)} autograded cells, {sum(want.values()):g} points): stock and every selfgrade run "
          f"{'identical' if not differ else 'DIFFERENT'}")
    for name, got in differ[:3]:
        print(f"  {name}: {got} != stock {want}")
    return 0 if not differ else 1


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    """This process's environment set to *env* for the duration (the service's folder depends on it)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _service_unavailable(env: dict[str, str]) -> str | None:
    with _environment(env):
        return selfgrade_client.enabled()


def _stop_service(env: dict[str, str]) -> None:
    with _environment(env):
        selfgrade_client.stop_service()


if __name__ == "__main__":
    sys.exit(main())
