"""Module 04 figures: how long lesson 04 runs headless (target < 15 s), how long `import course` takes
(target < 0.3 s, measured against a bare interpreter), and how long the provenance map and one
chronolocation verdict take to compute. Prints the figures.

    .venv/bin/python benchmarks/beyond.py [--runs 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LESSON = ROOT / "notebooks" / "04-beyond-the-text.ipynb"

from benchmarks.foundation import _time  # noqa: E402 - the same median-of-runs timer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bare = _time([sys.executable, "-c", "pass"], args.runs)
    with_course = _time([sys.executable, "-c", "import course"], args.runs)
    cost = with_course - bare
    print(f"import course costs         {cost * 1000:7.1f} ms   target < 300 ms: {'met' if cost < 0.3 else 'MISSED'}")

    code = ("import time; t = time.perf_counter(); from course import provenance; provenance.provenance_map(); "
            "a = time.perf_counter(); from course import sun; lat, lon = sun.coordinates('kupiansk'); "
            "sun.judge_time(lat, lon, '2022-09-10', '06:15', 295, 2.6, 1.8); b = time.perf_counter(); "
            "print(f'{a - t:.3f} {b - a:.3f}')")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT).stdout
    first, second = (float(x) for x in out.split())
    print(f"provenance map (cold)       {first * 1000:7.1f} ms   (loads and validates the corpus)")
    print(f"one chronolocation verdict  {second * 1000:7.1f} ms   (about 200 sun positions: every 10 minutes, then each minute near the best)")

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(LESSON, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(LESSON.parent)}}).execute()
    elapsed = time.perf_counter() - start
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    print(f"lesson 04 headless          {elapsed:7.1f} s    target < 15 s: {'met' if elapsed < 15 else 'MISSED'}"
          f"{'' if not errors else f'  ({len(errors)} errors!)'}")


if __name__ == "__main__":
    main()
