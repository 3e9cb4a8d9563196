"""``course report``: item analysis of a class's scores, to see which questions the class found hard.

An *item* is one graded cell of an assignment (an autograded test cell, or an answer graded by
hand once a grader has scored it). For each item, over the students who submitted:

- **mean score** in points, and the **difficulty index** p = mean score / maximum points (the
  proportion of the points the class earned; for a right-or-wrong item, the share who got it
  right). High p means an easy item.
- **discrimination index** D after Kelley (1939): rank the students by their total score on the
  assignment, take the upper and the lower 27 % (at least one student each; ties broken by student
  id), and compute D = (mean item score of the upper group - that of the lower group) / maximum
  points, which for a right-or-wrong item is p(upper) - p(lower). D runs from -1 to 1. Ebel and
  Frisbie's rule of thumb: D >= 0.40 very good, 0.30-0.39 reasonably good, 0.20-0.29 marginal,
  below 0.20 poor; a negative D means the weaker students did better, which usually means the item
  or its test is wrong.
- **share at zero** and **share at full marks**; an item on which *everyone* is at zero, or
  everyone at full marks, is **flagged as looking broken**: it tells the instructor nothing about
  the class, and an item nobody passes often has a test with a wrong expected value.

Sources: T. L. Kelley (1939), "The selection of upper and lower groups for the validation of test
items", Journal of Educational Psychology 30(1), 17-24, doi:10.1037/h0057123; R. L. Ebel and
D. A. Frisbie (1991), Essentials of Educational Measurement, 5th ed., Prentice Hall. The
partial-credit form of D (difference of mean item scores over the maximum) follows
J. Metsämuuronen (2020), "Generalized discrimination index", International Journal of
Educational Methodology 6(2). With fewer than about 20 students D is a rough guide only.

Public API
----------
- ``ItemStats``, ``AssignmentAnalysis``: the figures for one item and one assignment.
- ``upper_lower(totals, share=0.27)``: the upper and lower groups (student ids).
- ``analyse(scores)``: ``CellScore`` rows (``course.grading.gradebook.cell_scores``) -> analyses.
- ``ebel_band(d)``: Ebel and Frisbie's words for a discrimination index.
- ``write_report(analyses, folder, tracks=None)``: ``index.html`` with PNG figures; ``summary(analyses, tracks=None)``:
  text. *tracks* maps an assignment to its track ("reading" or "coding"), shown next to its name.
- ``add_arguments_report(parser)`` / ``cmd_report(args)``: the ``course report`` command.

>>> upper_lower({"a": 9, "b": 7, "c": 5, "d": 1})
(['a'], ['d'])
>>> ebel_band(0.35)
'reasonably good'
"""

from __future__ import annotations

import argparse
import html
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from course.errors import CourseValueError, check_items, check_number, check_path, check_type
from course.grading.gradebook import CellScore

__all__ = ["AssignmentAnalysis", "ItemStats", "add_arguments_report", "analyse", "cmd_report", "ebel_band",
           "summary", "upper_lower", "write_report"]

GROUP_SHARE = 0.27  # Kelley (1939)
EVERYONE_ZERO = "everyone at zero"
EVERYONE_FULL = "everyone at full marks"


@dataclass(frozen=True)
class ItemStats:
    """Item analysis of one graded cell (scores in points)."""

    assignment: str
    notebook: str
    cell: str
    max_score: float
    scores: tuple[float, ...]  # one per student, in order of student id
    mean: float
    difficulty: float
    discrimination: float
    share_zero: float
    share_full: float
    flags: tuple[str, ...]

    @property
    def broken(self) -> bool:
        return bool(self.flags)


@dataclass
class AssignmentAnalysis:
    """Item analysis of one assignment."""

    assignment: str
    students: int
    max_total: float
    totals: dict[str, float] = field(default_factory=dict)
    items: list[ItemStats] = field(default_factory=list)
    pending: list[tuple[str, str, int]] = field(default_factory=list)  # (notebook, cell, answers waiting for a grader)
    late: int = 0
    ungraded: int = 0  # submissions without any score (grading failed or has not run)
    upper: list[str] = field(default_factory=list)
    lower: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> list[ItemStats]:
        return [item for item in self.items if item.broken]


def ebel_band(d: float) -> str:
    """Ebel and Frisbie's description of a discrimination index *d* (-1 to 1)."""
    d = check_number(d, "the discrimination index d", low=-1.0, high=1.0)
    if d < 0:
        return "negative"
    return "very good" if d >= 0.40 else "reasonably good" if d >= 0.30 else "marginal" if d >= 0.20 else "poor"


def upper_lower(totals: dict[str, float], share: float = GROUP_SHARE) -> tuple[list[str], list[str]]:
    """The upper and lower *share* of students by total score (at least one each; ties broken by id)."""
    check_type(totals, dict, "totals")
    for student, total in totals.items():
        check_type(student, str, f"totals key {student!r} (a student id)")
        check_number(total, f"totals[{student!r}]", unit="points")
    if not 0 < check_number(share, "share") <= 0.5:
        raise CourseValueError(f"share must be above 0 and at most 0.5; got {share!r}")
    ranked = sorted(totals, key=lambda s: (-totals[s], s))
    size = max(1, round(share * len(ranked))) if len(ranked) >= 2 else 0
    return ranked[:size], ranked[len(ranked) - size:] if size else []


def _item(assignment: str, notebook: str, cell: str, max_score: float, by_student: dict[str, float],
          upper: list[str], lower: list[str]) -> ItemStats:
    scores = tuple(by_student[s] for s in sorted(by_student))
    n = len(scores)
    mean = sum(scores) / n
    top = max_score or 1.0
    hi = [by_student[s] for s in upper if s in by_student]
    lo = [by_student[s] for s in lower if s in by_student]
    d = (sum(hi) / len(hi) - sum(lo) / len(lo)) / top if hi and lo else 0.0
    zero = sum(1 for x in scores if x <= 0) / n
    full = sum(1 for x in scores if x >= max_score) / n
    flags = tuple(f for f, on in ((EVERYONE_ZERO, zero == 1.0), (EVERYONE_FULL, full == 1.0 and max_score > 0)) if on)
    return ItemStats(assignment, notebook, cell, max_score, scores, mean, mean / top, d, zero, full, flags)


def analyse(scores: Iterable[CellScore]) -> list[AssignmentAnalysis]:
    """Item analysis of every assignment in *scores* (rows from ``cell_scores``)."""
    rows = check_items(scores, CellScore, "scores", what="CellScore rows (from cell_scores)")
    by_assignment: dict[str, list[CellScore]] = defaultdict(list)
    for row in rows:
        by_assignment[row.assignment].append(row)
    out = []
    for assignment, every_row in sorted(by_assignment.items()):
        # A submission nbgrader never finished (it failed, or is still to be graded) has no score at all.
        scored = {r.student for r in every_row if r.auto_score is not None or r.manual_score is not None}
        rows = [r for r in every_row if r.student in scored]
        students = sorted(scored)
        cells: dict[tuple[str, str], list[CellScore]] = defaultdict(list)
        for r in rows:
            cells[(r.notebook, r.cell)].append(r)
        final = {key: {r.student: r.score for r in rs if not r.needs_manual_grade} for key, rs in cells.items()}
        complete = [key for key in cells if len(final[key]) == len(students)]
        totals = {s: sum(final[key][s] for key in complete) for s in students}
        upper, lower = upper_lower(totals)
        late = len({r.student for r in rows if r.late_seconds > 0})
        a = AssignmentAnalysis(assignment, len(students), sum(cells[k][0].max_score for k in complete), totals,
                               upper=upper, lower=lower, late=late,
                               ungraded=len({r.student for r in every_row}) - len(students))
        for (notebook, cell), rs in sorted(cells.items()):
            waiting = len(students) - len(final[(notebook, cell)])
            if waiting:  # analysed once every answer has its final score
                a.pending.append((notebook, cell, waiting))
            else:
                a.items.append(_item(assignment, notebook, cell, rs[0].max_score, final[(notebook, cell)], upper,
                                     lower))
        out.append(a)
    return out


def _track(tracks: dict[str, str] | None, assignment: str) -> str:
    """' (reading track)' or ' (coding track)' when the track of *assignment* is known."""
    return f" ({tracks[assignment]} track)" if tracks and assignment in tracks else ""


def summary(analyses: list[AssignmentAnalysis], tracks: dict[str, str] | None = None) -> str:
    """A short text summary for the terminal: one block per assignment (with its track), flagged items first."""
    lines = []
    for a in _analyses(analyses):
        mean = sum(a.totals.values()) / a.students if a.students else 0.0
        share = f" ({100 * mean / a.max_total:.0f} %)" if a.max_total else ""
        lines.append(f"{a.assignment}{_track(tracks, a.assignment)}: {a.students} student(s), mean {mean:.2f} of {a.max_total:g} points{share}, "
                     f"{len(a.items)} item(s), {a.late} late submission(s)"
                     + (f", {a.ungraded} submission(s) without scores (not graded)" if a.ungraded else ""))
        for item in a.flagged:
            lines.append(f"  FLAGGED {item.cell}: {', '.join(item.flags)} (mean {item.mean:.2f} of {item.max_score:g})")
        lines.append(f"  {'item':<22} {'mean':>6} {'p':>5} {'D':>6} {'at 0':>5}  discrimination")
        for item in a.items:
            lines.append(f"  {item.cell:<22} {item.mean:>6.2f} {item.difficulty:>5.2f} {item.discrimination:>+6.2f} "
                         f"{100 * item.share_zero:>4.0f}%  {ebel_band(item.discrimination)}")
        for notebook, cell, waiting in a.pending:
            lines.append(f"  {cell:<22} not analysed yet: {waiting} answer(s) wait for a grader in formgrader")
    return "\n".join(lines)


def _analyses(analyses: list[AssignmentAnalysis]) -> list[AssignmentAnalysis]:
    return check_items(analyses, AssignmentAnalysis, "analyses", what="AssignmentAnalysis objects (from analyse)")


def _cell(text: object) -> str:
    return f"<td>{html.escape(str(text))}</td>"


def write_report(analyses: list[AssignmentAnalysis], folder: Path, tracks: dict[str, str] | None = None) -> Path:
    """Write ``index.html`` and its PNG figures into *folder* (each assignment with its track); the HTML file."""
    from course.plots.items import item_distributions, item_map, total_histogram

    analyses = _analyses(analyses)
    folder = check_path(folder, "folder")
    folder.mkdir(parents=True, exist_ok=True)
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Item analysis</title>",
             "<style>body{font-family:sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222}"
             "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
             "text-align:right}td:first-child,th:first-child{text-align:left}tr.flag{background:#f5c9a8}"
             "img{max-width:100%;border:1px solid #eee;margin:.5rem 0}.note{color:#555;font-size:.9rem}</style>",
             "</head><body><h1>Item analysis</h1>"]
    for a in analyses:
        slug = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in a.assignment)
        mean = sum(a.totals.values()) / a.students if a.students else 0.0
        parts.append(f"<h2>{html.escape(a.assignment + _track(tracks, a.assignment))}</h2><p>{a.students} student(s); mean total {mean:.2f} of "
                     f"{a.max_total:g} points; {a.late} late submission(s); {a.ungraded} submission(s) without scores "
                     f"(not graded); upper and lower groups of {len(a.upper)} student(s) each.</p>")
        if a.flagged:
            parts.append("<p><strong>Flagged as looking broken:</strong> " + "; ".join(
                f"{html.escape(i.cell)} ({html.escape(', '.join(i.flags))})" for i in a.flagged) + "</p>")
        parts.append("<table><tr><th>item</th><th>notebook</th><th>max</th><th>mean</th><th>difficulty p</th>"
                     "<th>discrimination D</th><th>D in words</th><th>at zero</th><th>at full</th><th>flag</th></tr>")
        for i in a.items:
            row = "".join([_cell(i.cell), _cell(i.notebook), _cell(f"{i.max_score:g}"), _cell(f"{i.mean:.2f}"),
                           _cell(f"{i.difficulty:.2f}"), _cell(f"{i.discrimination:+.2f}"),
                           _cell(ebel_band(i.discrimination)), _cell(f"{100 * i.share_zero:.0f} %"),
                           _cell(f"{100 * i.share_full:.0f} %"), _cell(", ".join(i.flags))])
            parts.append(f"<tr class='{'flag' if i.broken else ''}'>{row}</tr>")
        parts.append("</table>")
        if a.pending:
            parts.append("<p class='note'>Waiting for a grader in formgrader: " + ", ".join(
                f"{html.escape(c)} ({w})" for _, c, w in a.pending) + ".</p>")
        for name, draw in (("totals", total_histogram), ("items", item_map), ("distributions", item_distributions)):
            fig = draw(a)
            path = folder / f"{slug}-{name}.png"
            fig.savefig(path, dpi=110, bbox_inches="tight")
            parts.append(f"<img src='{path.name}' alt='{html.escape(a.assignment)}: {name}'>")
    parts.append("<h2>How to read this</h2><p class='note'>" + html.escape(
        "Difficulty p = mean score / maximum points (high = easy). Discrimination D (Kelley 1939) = mean item "
        "score of the upper 27 % of the class by total score minus that of the lower 27 %, over the maximum "
        "points. Ebel and Frisbie (1991): D >= 0.40 very good, 0.30-0.39 reasonably good, 0.20-0.29 marginal, "
        "below 0.20 poor; negative D usually means the item or its test is wrong. An item on which everyone "
        "is at zero or everyone at full marks is flagged: it says nothing about the class and often has a "
        "broken test. With fewer than about 20 students, D is a rough guide only.") + "</p>"
        "<p class='note'>Sources: T. L. Kelley (1939), J. Educ. Psychol. 30, 17-24, doi:10.1037/h0057123; "
        "R. L. Ebel &amp; D. A. Frisbie (1991), Essentials of Educational Measurement; J. Metsämuuronen (2020), "
        "Generalized discrimination index, Int. J. Educ. Methodology 6(2). Data: the course gradebook (nbgrader)."
        "</p></body></html>")
    index = folder / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    return index


def add_arguments_report(parser: argparse.ArgumentParser) -> None:
    from course.grading.options import add_common_arguments

    add_common_arguments(parser)
    parser.add_argument("--out", help="folder for index.html and its figures (default: <course folder>/report)")


def cmd_report(args: argparse.Namespace) -> int:
    """Item analysis of the gradebook: HTML with figures, and a summary on the terminal."""
    from course.grading.gradebook import GradingError, cell_scores, check_gradebook, redact
    from course.grading.options import resolve

    root, url, names = resolve(args)
    check_gradebook(url)
    analyses = analyse(cell_scores(url, names))
    if not analyses:
        raise GradingError(f"the gradebook {redact(url)} holds no graded submissions of {', '.join(names)}: "
                           f"run `course grade` first")
    from course.syllabus import track_of

    tracks = {a.assignment: track_of(a.assignment, root) for a in analyses}
    index = write_report(analyses, Path(args.out) if args.out else root / "report", tracks)
    print(summary(analyses, tracks))
    flagged = sum(len(a.flagged) for a in analyses)
    print(f"\nreport: {index} ({len(analyses)} assignment(s), {sum(len(a.items) for a in analyses)} item(s), "
          f"{flagged} flagged)")
    return 0
