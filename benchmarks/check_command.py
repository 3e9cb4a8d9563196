"""`course check` figures: that `import course` stays light (target < 0.3 s, and none of lingua,
dateparser or text2num loaded), how long the first pass over the seed's text takes, where the time
goes (language detection, the finder's measured accuracy, the scans), and the finder's precision and
recall on each annotated article, as the command states them.

    .venv/bin/python benchmarks/check_command.py [--runs 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from foundation import ROOT, _time as _median  # noqa: E402  (the same median-of-runs timer)

SEED = ROOT / "seeds" / "000_f3b4b7109528864c.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bare = _median([sys.executable, "-c", "pass"], args.runs)
    light = _median([sys.executable, "-c", "import course"], args.runs)
    loaded = subprocess.run([sys.executable, "-c", "import sys, course; print(sorted(m for m in ('lingua', "
                             "'dateparser', 'text_to_num') if m in sys.modules))"],
                            capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    print(f"import course costs            {(light - bare) * 1000:7.1f} ms (median of {args.runs})   "
          f"target < 300 ms: {'met' if light - bare < 0.3 else 'MISSED'}; heavy modules loaded: {loaded}")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.txt"
        report.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
        base = [sys.executable, "-m", "course", "check", str(report), "--date", "2022-09-10", "--json"]
        full = _median(base, args.runs)
        quick = _median(base + ["--no-accuracy"], args.runs)
        given = _median(base + ["--no-accuracy", "--language", "nl"], args.runs)
    print(f"course check on the seed        {full:7.2f} s  (everything, median of {args.runs})")
    print(f"  without the finder's accuracy {quick:7.2f} s  (so measuring it on the annotated articles costs "
          f"{full - quick:.2f} s)")
    print(f"  ... and with --language nl    {given:7.2f} s  (so lingua's detection costs {quick - given:.2f} s)")

    from course.check import finder_accuracy

    acc = finder_accuracy()
    print("\nthe attribution finder, as course check states it (course.sources.score_finder):")
    for row in acc["articles"]:
        print(f"  {row['article']:<18} precision {row['precision']:.3f}  recall {row['recall']:.3f}  "
              f"({row['correct']} of {row['proposals']} proposals right, {row['found']} of {row['gold']} found)")
    print(f"  {'pooled':<18} precision {acc['precision']:.3f}  recall {acc['recall']:.3f}")


if __name__ == "__main__":
    main()
