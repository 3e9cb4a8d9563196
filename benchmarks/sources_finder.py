"""Module 02 figures: the rule-based attribution finder's precision and recall on the article (computed
against the course's gold annotations, never typed), and how long a finder run takes.

    .venv/bin/python benchmarks/sources_finder.py [--runs 5]

The same precision and recall come from the command line: python -m course sources --finder.
How long lesson 02 runs headless is measured with every other lesson by benchmarks/foundation.py.
"""

from __future__ import annotations

import argparse
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="finder runs to time (median)")
    args = parser.parse_args()

    from course import sources
    from course.cli import main as course_main

    sources.attributions()  # load and validate the corpus once, outside the timing
    samples = []
    for _ in range(args.runs):
        start = time.perf_counter()
        sources.score_finder()
        samples.append(time.perf_counter() - start)
    course_main(["sources", "--finder"])
    print(f"\none finder run over the article and its scoring: {statistics.median(samples) * 1000:.0f} ms "
          f"(median of {args.runs})")


if __name__ == "__main__":
    main()
