"""Shared test set-up: make tests/ importable (harness.py), keep matplotlib headless, and grade
``course selfgrade`` in-process unless a test starts the warm service itself (each such test stops
it: tests/test_selfgrade_service.py), so no test leaves a service running."""

import os
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["COURSE_SELFGRADE_SERVICE"] = "off"
sys.path.insert(0, str(Path(__file__).resolve().parent))
