"""Shared test set-up: make tests/ importable (harness.py) and keep matplotlib headless."""

import os
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parent))
