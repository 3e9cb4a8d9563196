"""The command-line options every instructor command shares: ``--root``, ``--db`` and the assignments.

``course release``, ``grade``, ``feedback``, ``export`` and ``report`` declare them with
``add_common_arguments(parser)`` and read them with ``resolve(args)``, so that they all agree on
which course folder, which gradebook and which assignments they work on (the rules are in
``course.grading.gradebook``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from course.grading.gradebook import GradingError, course_root, db_url, source_assignments

# The argparse halves of the instructor commands (like their add_arguments_*/cmd_*): not walked as public API.
__all__: list[str] = []


def add_common_arguments(parser: argparse.ArgumentParser, assignments: bool = True) -> None:
    """--root and --db, and the assignments to work on: shared by the instructor commands."""
    if assignments:
        parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                            help="assignments to work on (default: every assignment in source/)")
    parser.add_argument("--root", help="the nbgrader course folder (default: ./, ./assignments or the repository's)")
    parser.add_argument("--db", help="gradebook database URL, e.g. postgresql://grader@db.example.org/course "
                                     "(default: $COURSE_DB_URL, else SQLite gradebook.db in the course folder)")


def resolve(args: argparse.Namespace) -> tuple[Path, str, list[str]]:
    """(course root, gradebook URL, assignments) from the common arguments."""
    root = course_root(args.root)
    url = db_url(root, args.db)
    names = list(getattr(args, "assignments", None) or source_assignments(root))
    if not names:
        raise GradingError(f"no assignments in {root / 'source'}")
    return root, url, names
