"""Grading a class: stock sequential ``nbgrader autograde`` against ``course grade`` (parallel workers).

Simulates a class (``course simulate``; default 60 students x every assignment in
assignments/source), copies it, grades one copy with stock ``nbgrader autograde <assignment>`` (one
run per assignment, one after the other, as an instructor would) and the other with
``python -m course grade`` (and a third copy with ``course grade`` and the sandbox switched off),
then prints the wall-clock times (start-up included), the speed-up,
the machine's load, and whether every cell score in the two gradebooks is identical. Exits 1 if
any score differs. Targets: a speed-up of at least 1.7x on 2 cores; the sandbox within 1.3x.

    .venv/bin/python benchmarks/grade_class.py [--students 60] [--workers N] [--seed 2022] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course.grading.gradebook import cell_scores, source_assignments, tool_env  # noqa: E402
from course.grading.parallel import default_workers  # noqa: E402
from course.grading.simulate import simulate  # noqa: E402


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def _timed(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--workers", type=int, default=None,
                        help="course grade workers (default: one per core, plus one)")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "grade_class")
    args = parser.parse_args()

    shutil.rmtree(args.out, ignore_errors=True)
    ours, stock, bare = args.out / "course-grade", args.out / "stock", args.out / "course-grade-no-sandbox"
    env = tool_env()
    env.pop("COURSE_DB_URL", None)
    start = time.perf_counter()
    sim = simulate(ours, args.students, seed=args.seed, source_root=ROOT / "assignments")
    shutil.copytree(ours, stock)
    shutil.copytree(ours, bare)
    assignments = source_assignments(ours)
    print(f"simulated {len(sim.students)} students x {len(assignments)} assignment(s) "
          f"({', '.join(assignments)}) = {len(sim.students) * len(assignments)} submissions "
          f"in {time.perf_counter() - start:.1f} s")
    print(f"machine: {os.cpu_count()} cores; course grade workers: {args.workers or default_workers()}")

    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    print(f"stock nbgrader autograde, sequential ... ({_load()})", flush=True)
    stock_seconds = 0.0
    for assignment in assignments:
        seconds, done = _timed([nbgrader, "autograde", assignment], stock, env)
        stock_seconds += seconds
        if done.returncode != 0:
            print(f"stock nbgrader autograde {assignment} failed:\n{done.stderr[-3000:]}")
            return 1

    print(f"course grade, parallel ... ({_load()})", flush=True)
    command = [sys.executable, "-m", "course", "grade", "--root", str(ours), "--no-progress"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    ours_seconds, done = _timed(command, ROOT, env)
    if done.returncode != 0:
        print(f"course grade failed:\n{done.stdout}\n{done.stderr[-3000:]}")
        return 1
    rerun_seconds, _ = _timed(command, ROOT, env)

    from course.grading import sandbox

    print(f"course grade, parallel, sandbox off (COURSE_SANDBOX=off) ... ({_load()})", flush=True)
    bare_command = [c if c != str(ours) else str(bare) for c in command]
    bare_seconds, done = _timed(bare_command, ROOT, {**env, "COURSE_SANDBOX": "off"})
    if done.returncode != 0:
        print(f"course grade without the sandbox failed:\n{done.stdout}\n{done.stderr[-3000:]}")
        return 1
    print(f"done ({_load()})")

    a = cell_scores(f"sqlite:///{stock / 'gradebook.db'}")
    b = cell_scores(f"sqlite:///{ours / 'gradebook.db'}")
    same = a == b
    differ = sum(1 for x, y in zip(a, b) if x != y) + abs(len(a) - len(b))
    print(f"\nstock nbgrader autograde (sequential): {stock_seconds:7.1f} s")
    print(f"course grade (parallel):               {ours_seconds:7.1f} s")
    print(f"speed-up:                              {stock_seconds / ours_seconds:7.2f}x   target >= 1.7x: "
          f"{'met' if stock_seconds / ours_seconds >= 1.7 else 'MISSED'}")
    print(f"rerun of course grade (all up to date): {rerun_seconds:6.1f} s")
    print(f"cell scores compared: {len(a)}; identical: {'yes' if same else f'NO ({differ} differ)'}")
    c = cell_scores(f"sqlite:///{bare / 'gradebook.db'}")
    ratio = ours_seconds / bare_seconds
    print(f"\nsandbox: {sandbox.status()}")
    print(f"course grade with the sandbox:          {ours_seconds:7.1f} s")
    print(f"course grade without it:                {bare_seconds:7.1f} s")
    print(f"with / without:                         {ratio:7.2f}x   target <= 1.3x: {'met' if ratio <= 1.3 else 'MISSED'}")
    print(f"scores with and without the sandbox identical: {'yes' if b == c else 'NO'}")
    return 0 if same and b == c else 1


if __name__ == "__main__":
    sys.exit(main())
