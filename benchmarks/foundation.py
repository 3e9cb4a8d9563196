"""Foundation figures: how long `import course` takes (target < 0.3 s) and how long lesson 00 runs
headless (target < 15 s). Prints the figures; measured side by side with a bare interpreter.

    .venv/bin/python benchmarks/foundation.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _time(args: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    bare = _time([sys.executable, "-c", "pass"], args.runs)
    with_course = _time([sys.executable, "-c", "import course"], args.runs)
    print(f"python -c pass            {bare * 1000:7.1f} ms (median of {args.runs})")
    print(f"python -c 'import course' {with_course * 1000:7.1f} ms")
    print(f"import course costs       {(with_course - bare) * 1000:7.1f} ms   target < 300 ms: "
          f"{'met' if with_course - bare < 0.3 else 'MISSED'}")

    import nbformat
    from nbclient import NotebookClient

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
        took = time.perf_counter() - start
        print(f"lesson {path.name:<24} {took:6.1f} s headless   target < 15 s: {'met' if took < 15 else 'MISSED'}")


if __name__ == "__main__":
    main()
