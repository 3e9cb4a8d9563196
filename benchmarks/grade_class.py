"""Grading a class: stock nbgrader against the course's grading, measured side by side in one run.

Simulates a class (``course simulate``; default 60 students x every assignment in
assignments/source), copies it, and grades each copy one way:

1. **stock**: plain nbgrader (the course's config without its safe-grading block: nbgrader's own
   Execute, no sandbox), ``nbgrader autograde <assignment>`` one assignment after the other;
2. **nbgrader + guards**: the same sequential ``nbgrader autograde`` with the course's config
   (sandbox, trusted tests, warm kernels);
3. **course grade**: ``python -m course grade`` (parallel workers, sandbox, warm kernels);
4. **course grade, cold**: the same with warm kernels off (``COURSE_ZYGOTE=off``);
5. **course grade, no sandbox**: ``COURSE_SANDBOX=off``.

It prints each wall-clock time (start-up included), seconds per notebook, the speed-ups over stock,
the machine's load, and whether every cell score is identical across all five gradebooks (exits 1
if not). Targets (issue 18): course grade at least 4x stock on 2 cores with the sandbox.

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


def _stock_config(root: Path) -> None:
    """The course's nbgrader config without its safe-grading block: plain nbgrader."""
    config = root / "nbgrader_config.py"
    config.write_text(config.read_text(encoding="utf-8").split("# Safe grading")[0], encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--workers", type=int, default=None,
                        help="course grade workers (default: one per core, plus one)")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "grade_class")
    args = parser.parse_args()

    shutil.rmtree(args.out, ignore_errors=True)
    names = ["stock", "nbgrader-guards", "course-grade", "course-grade-cold", "course-grade-no-sandbox"]
    folders = {name: args.out / name for name in names}
    env = tool_env()
    env.pop("COURSE_DB_URL", None)
    start = time.perf_counter()
    sim = simulate(folders["course-grade"], args.students, seed=args.seed, source_root=ROOT / "assignments")
    for name in names:
        if name != "course-grade":
            shutil.copytree(folders["course-grade"], folders[name])
    _stock_config(folders["stock"])
    assignments = source_assignments(folders["course-grade"])
    notebooks = len(sim.students) * len(assignments)
    print(f"simulated {len(sim.students)} students x {len(assignments)} assignment(s) "
          f"({', '.join(assignments)}) = {notebooks} submissions in {time.perf_counter() - start:.1f} s")
    print(f"machine: {os.cpu_count()} cores; course grade workers: {args.workers or default_workers()}")

    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    seconds: dict[str, float] = {}
    for name, extra in (("stock", {"COURSE_SANDBOX": "off"}), ("nbgrader-guards", {})):
        print(f"{name}: nbgrader autograde, sequential ... ({_load()})", flush=True)
        seconds[name] = 0.0
        for assignment in assignments:
            took, done = _timed([nbgrader, "autograde", assignment], folders[name], {**env, **extra})
            seconds[name] += took
            if done.returncode != 0:
                print(f"{name}: nbgrader autograde {assignment} failed:\n{done.stderr[-3000:]}")
                return 1
    runs = {"course-grade": {}, "course-grade-cold": {"COURSE_ZYGOTE": "off"},
            "course-grade-no-sandbox": {"COURSE_SANDBOX": "off"}}
    for name, extra in runs.items():
        print(f"{name}: course grade, parallel ... ({_load()})", flush=True)
        command = [sys.executable, "-m", "course", "grade", "--root", str(folders[name]), "--no-progress"]
        if args.workers:
            command += ["--workers", str(args.workers)]
        seconds[name], done = _timed(command, ROOT, {**env, **extra})
        if done.returncode != 0:
            print(f"{name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
            return 1
    print(f"done ({_load()})\n")

    scores = {name: cell_scores(f"sqlite:///{folders[name] / 'gradebook.db'}") for name in names}
    stock = seconds["stock"]
    for name in names:
        same = scores[name] == scores["stock"]
        print(f"{name:<26} {seconds[name]:7.1f} s  {seconds[name] / notebooks:5.2f} s/notebook  "
              f"{stock / seconds[name]:5.2f}x stock  scores identical to stock: {'yes' if same else 'NO'}")
    speedup = stock / seconds["course-grade"]
    print(f"\ncourse grade (sandbox, warm kernels) over stock: {speedup:.2f}x   target >= 4x: "
          f"{'met' if speedup >= 4 else 'MISSED'}")
    print(f"warm kernels over cold, in course grade:        {seconds['course-grade-cold'] / seconds['course-grade']:.2f}x")
    print(f"sandbox cost in course grade (with / without):  "
          f"{seconds['course-grade'] / seconds['course-grade-no-sandbox']:.2f}x")
    print(f"cell scores compared: {len(scores['stock'])} per gradebook")
    return 0 if all(scores[name] == scores["stock"] for name in names) else 1


if __name__ == "__main__":
    sys.exit(main())
