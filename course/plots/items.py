"""Figures for the item analysis (``course report``): totals, an item map, and each item's scores.

Each function takes a ``course.grading.items.AssignmentAnalysis`` and returns a Figure.

>>> from course.grading.items import analyse
>>> from course.grading.gradebook import CellScore
>>> rows = [CellScore(s, "00-warmup", "nb", "ex00_1_test", x, 1.0, x, None, False, 0.0)
...         for s, x in [("a", 1.0), ("b", 0.0), ("c", 1.0)]]
>>> total_histogram(analyse(rows)[0]).axes[0].get_xlabel()
'total score (points out of 1)'
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from course.plots._style import LABEL_GREY, NOTE_GREY, finish, pyplot
from course.plots.alttext import FigureText
from course.widgets import OKABE_ITO

__all__ = ["item_distributions", "item_map", "total_histogram"]

CREDIT = "Data: the course gradebook (nbgrader)"


def _done(fig: Any, a: Any, text: FigureText, right: float = 1.0) -> Any:
    """Credit the data, lay the figure out, attach its alt text and detach it from pyplot."""
    fig.text(0.99, 0.005, f"{CREDIT}; {a.students} student(s)", ha="right", va="bottom", fontsize=7.5, color=NOTE_GREY)
    fig.tight_layout(rect=(0, 0.03, right, 1))
    return finish(fig, text)


def _item_line(item: Any) -> str:
    flags = f"; flagged: {', '.join(item.flags)}" if item.broken else ""
    return (f"{_label(item.cell)}: mean {item.mean:.2f} of {item.max_score:g} points, difficulty {item.difficulty:.2f}, "
            f"discrimination {item.discrimination:+.2f}{flags}")


# What a figure reads from an AssignmentAnalysis. The figures check for these rather than import
# course.grading.items, which draws them: the data flow from grading to plots, never back.
_ANALYSIS_FIELDS = ("assignment", "students", "max_total", "totals", "items", "upper", "lower")


def _analysis(a: Any) -> Any:
    """*a* if it is an ``AssignmentAnalysis``; a CourseTypeError naming the parameter otherwise."""
    from course.errors import CourseTypeError, describe

    if isinstance(a, type) or not all(hasattr(a, name) for name in _ANALYSIS_FIELDS):
        raise CourseTypeError(f"a must be an AssignmentAnalysis (one item of course.grading.items.analyse(...)); "
                              f"got {describe(a)}")
    return a


def _label(cell: str) -> str:
    return cell[:-5] if cell.endswith("_test") else cell


def total_histogram(a: Any) -> Any:
    """Histogram of the students' total scores on one assignment, with the class mean."""
    a = _analysis(a)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    totals = list(a.totals.values())
    top = max(a.max_total, max(totals, default=0.0), 1.0)
    width = 1.0 if top <= 30 else math.ceil(top / 30)
    bins = [i * width - width / 2 for i in range(int(top / width) + 2)]
    ax.hist(totals, bins=bins, color=OKABE_ITO["blue"][0], edgecolor="white")
    if totals:
        mean = sum(totals) / len(totals)
        ax.axvline(mean, color=OKABE_ITO["orange"][0], linewidth=2)
        ax.annotate(f"mean {mean:.1f}", (mean, 1), xycoords=("data", "axes fraction"), xytext=(4, -12),
                    textcoords="offset points", color="#333333", fontsize=9)
    ax.set_xlabel(f"total score (points out of {a.max_total:g})")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"{a.assignment}: total scores")
    mean = sum(totals) / len(totals) if totals else 0.0
    alt = (f"Histogram of {a.assignment} total scores for {len(totals)} student(s): mean {mean:.1f} of "
           f"{a.max_total:g} points" + (f", lowest {min(totals):g}, highest {max(totals):g}" if totals else "") + ".")
    counts = Counter(totals)
    return _done(fig, a, FigureText(alt, tuple(f"{n} student(s) scored {t:g}" for t, n in sorted(counts.items()))))


def item_map(a: Any) -> Any:
    """Each item's difficulty (x) against its discrimination (y); items that look broken in vermillion."""
    a = _analysis(a)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for level, word in ((0.40, "very good"), (0.30, "reasonably good"), (0.20, "marginal")):
        ax.axhline(level, color=OKABE_ITO["grey"][1], linewidth=1, zorder=0)
        ax.text(1.02, level, word, fontsize=7.5, color=LABEL_GREY, va="center", transform=ax.get_yaxis_transform())
    ax.axhline(0, color=OKABE_ITO["grey"][0], linewidth=1, zorder=0)
    spots: dict[tuple[float, float, bool], list[Any]] = {}
    for item in a.items:  # items at the same spot share one label
        spots.setdefault((round(item.difficulty, 2), round(item.discrimination, 2), item.broken), []).append(item)
    placed: list[tuple[float, float]] = []
    for (x, y, broken), items in sorted(spots.items(), key=lambda kv: (-kv[0][1], kv[0][0])):
        colour = OKABE_ITO["vermillion" if broken else "blue"][0]
        ax.plot(x, y, "o", color=colour, markersize=7, zorder=3)
        text = ", ".join(_label(i.cell) for i in items)
        if broken:
            text += f" ({', '.join(items[0].flags)})"
        crowd = sum(1 for px, py in placed if abs(px - x) < 0.4 and abs(py - y) < 0.15)  # stagger close labels
        placed.append((x, y))
        right = x > 0.75
        ax.annotate(text, (x, y), xytext=(-6 if right else 6, -4 - 12 * crowd), textcoords="offset points",
                    ha="right" if right else "left", va="top", fontsize=8, color=colour if broken else "#333333")
    ax.set_xlim(-0.05, 1.1)
    ax.set_ylim(-1.05, 1.1)
    ax.set_xlabel("difficulty index p (share of the points earned; right = easier)")
    ax.set_ylabel("discrimination index D")
    ax.set_title(f"{a.assignment}: items (upper vs lower {len(a.upper)} students)")
    alt = (f"Scatter plot of the {len(a.items)} items of {a.assignment}, difficulty against discrimination; "
           f"{len(a.flagged)} flagged as looking broken" + (f": {', '.join(_label(i.cell) for i in a.flagged)}"
                                                            if a.flagged else "") + ".")
    return _done(fig, a, FigureText(alt, tuple(_item_line(i) for i in a.items)), right=0.92)


def item_distributions(a: Any) -> Any:
    """Small multiples: how many students earned each score on each item."""
    a = _analysis(a)
    plt = pyplot()
    n = max(1, len(a.items))
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.2 * cols + 0.4, 1.9 * rows + 0.5), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax, item in zip(axes.flat, a.items):
        counts = Counter(item.scores)
        values = sorted(set(counts) | {0.0, item.max_score})
        colour = OKABE_ITO["vermillion" if item.broken else "sky"][0]
        ax.bar([f"{v:g}" for v in values], [counts.get(v, 0) for v in values], color=colour)
        ax.set_title(_label(item.cell) + (" (flagged)" if item.broken else ""), fontsize=9)
        ax.tick_params(labelsize=8)
        ax.yaxis.get_major_locator().set_params(integer=True)
    fig.supxlabel("score (points)", fontsize=9)
    fig.supylabel("students", fontsize=9)
    fig.suptitle(f"{a.assignment}: scores per item", fontsize=10)
    alt = f"Small bar charts, one per item of {a.assignment}: how many of {a.students} student(s) earned each score."
    details = tuple(f"{_label(item.cell)}: " + ", ".join(f"{n} at {v:g}" for v, n in sorted(Counter(item.scores).items()))
                    for item in a.items)
    return _done(fig, a, FigureText(alt, details))
