"""Zero-install edition figures: the site's size (budget 60 MB unpacked), the cold time to an idle kernel,
and the time to run each lesson, in headless Chromium on this machine (target: every lesson
interactive, kernel idle and every cell run, within 30 s of a cold start, on 2 cores).

    .venv/bin/python benchmarks/lite.py [--runs 1]

Builds the site if it is missing or stale (``make lite``), then runs each lesson in a fresh browser
context (no cache, no storage) with ``tools/lite/run_lessons.py``: inside a network namespace with
loopback only where one can be made (as root), else on loopback as it is. Prints the machine's load
average too, since other work on the two cores slows the browser down.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools" / "lite"
SITE = ROOT / "dist" / "lite"
TARGET_S = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="cold runs of every lesson (the median is printed)")
    args = parser.parse_args()
    subprocess.run([sys.executable, str(TOOLS / "build.py"), "--reuse"], check=True, capture_output=True)
    facts = json.loads((SITE / "lite-build.json").read_text())
    zipped = ROOT / "dist" / "lite.zip"
    print(f"site dist/lite            {facts['bytes'] / 2**20:6.1f} MB unpacked, {facts['files']} files   "
          f"budget 60 MB: {'met' if facts['bytes'] <= 60 * 2**20 else 'MISSED'}")
    if zipped.is_file():
        print(f"zip  dist/lite.zip        {zipped.stat().st_size / 2**20:6.1f} MB")
    runtime = sum(p.stat().st_size for p in (SITE / "static" / "pyodide").iterdir() if not p.name.endswith(".whl"))
    wheels = sum(p.stat().st_size for p in SITE.rglob("*.whl"))
    print(f"  Pyodide runtime {runtime / 2**20:5.1f} MB, wheels {wheels / 2**20:5.1f} MB, "
          f"{len(facts['preloaded'])} packages preloaded")

    netns = subprocess.run(["unshare", "-n", "--", "true"], capture_output=True).returncode == 0 if os.geteuid() == 0 else False
    samples: dict[str, list[tuple[float, float]]] = {}
    loads = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "report.json"
            cmd = [sys.executable, str(TOOLS / "run_lessons.py"), str(SITE), "--cold", "--report", str(out)]
            if netns:
                cmd = ["unshare", "-n", "--", *cmd, "--netns"]
            loads.append(os.getloadavg()[0])
            subprocess.run(cmd, check=True, capture_output=True)
            report = json.loads(out.read_text())
        for lesson, record in report["lessons"].items():
            if "failure" in record:
                raise SystemExit(f"{lesson}: {record['failure']}")
            samples.setdefault(lesson, []).append((record["idle_s"], record["run_s"]))
    print(f"headless Chromium, {'network namespace (loopback only)' if netns else 'loopback'}, "
          f"{os.cpu_count()} cores, load average {statistics.mean(loads):.1f} at the start of each run, "
          f"median of {args.runs} cold run(s)")
    width = max(map(len, samples))
    for lesson, runs in samples.items():
        idle = statistics.median(r[0] for r in runs)
        run = statistics.median(r[1] for r in runs)
        total = idle + run
        print(f"lesson {lesson:<{width}} kernel idle {idle:5.1f} s  + run all cells {run:5.1f} s  = {total:5.1f} s   "
              f"target < {TARGET_S:.0f} s: {'met' if total < TARGET_S else 'MISSED'}")
    first = statistics.median(r[0] for r in next(iter(samples.values())))
    print(f"cold time to an idle kernel (first lesson): {first:.1f} s")


if __name__ == "__main__":
    main()
