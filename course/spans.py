"""Span-overlap scoring: how well a set of selected character ranges matches a gold set.

Used wherever students select spans (the content of an attribution, the words of a framing
technique). Scores are by character overlap, so a selection that is a little too long or short
still earns partial credit.

Public API
----------
- ``as_ranges(spans)``: (start, end) pairs from ``Span`` objects or pairs, validated.
- ``overlap_scores(predicted, gold) -> Scores``: character precision, recall and F1.

>>> overlap_scores([(0, 10)], [(5, 15)]).f1
0.5
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from course.errors import CourseTypeError, CourseValueError, describe

__all__ = ["Scores", "as_ranges", "overlap_scores"]


@dataclass(frozen=True)
class Scores:
    """Character-overlap precision, recall and F1 (each 0 to 1)."""

    precision: float
    recall: float
    f1: float


def as_ranges(spans: Iterable[Any], name: str = "spans") -> list[tuple[int, int]]:
    """Normalise spans (``Span`` objects or ``(start, end)`` pairs) to sorted, merged pairs."""
    if isinstance(spans, (str, bytes)) or not hasattr(spans, "__iter__"):
        raise CourseTypeError(f"{name} must be a list of spans or (start, end) pairs; got {describe(spans)}")
    pairs = []
    for i, s in enumerate(spans):
        if hasattr(s, "start") and hasattr(s, "end"):
            a, b = s.start, s.end
        elif isinstance(s, (tuple, list)) and len(s) == 2:
            a, b = s
        else:
            raise CourseTypeError(f"{name}[{i}] must be a Span or a (start, end) pair; got {describe(s)}")
        if type(a) is not int or type(b) is not int:
            raise CourseTypeError(f"{name}[{i}] must hold two whole numbers; got {describe(s)}")
        if not 0 <= a <= b:
            raise CourseValueError(f"{name}[{i}] must have 0 <= start <= end; got ({a}, {b})")
        pairs.append((a, b))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(pairs):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        elif b > a:
            merged.append((a, b))
    return merged


def _length(ranges: list[tuple[int, int]]) -> int:
    return sum(b - a for a, b in ranges)


def _intersection(x: list[tuple[int, int]], y: list[tuple[int, int]]) -> int:
    total = 0
    for a, b in x:
        for c, d in y:
            total += max(0, min(b, d) - max(a, c))
    return total


def overlap_scores(predicted: Iterable[Any], gold: Iterable[Any]) -> Scores:
    """Character precision, recall and F1 of *predicted* spans against *gold* spans."""
    p, g = as_ranges(predicted, "predicted"), as_ranges(gold, "gold")
    shared = _intersection(p, g)
    precision = shared / _length(p) if p else (1.0 if not g else 0.0)
    recall = shared / _length(g) if g else (1.0 if not p else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(round(precision, 6), round(recall, 6), round(f1, 6))
