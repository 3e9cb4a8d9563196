"""Span-overlap scoring by characters."""

import pytest
from hypothesis import given, strategies as st

from course.article import load_article
from course.errors import CourseTypeError, CourseValueError
from course.spans import as_ranges, overlap_scores


def test_exact_partial_and_disjoint() -> None:
    assert overlap_scores([(0, 10)], [(0, 10)]).f1 == 1.0
    s = overlap_scores([(0, 10)], [(5, 15)])
    assert (s.precision, s.recall, s.f1) == (0.5, 0.5, 0.5)
    assert overlap_scores([(0, 5)], [(10, 15)]).f1 == 0.0
    assert overlap_scores([], []).f1 == 1.0


def test_spans_and_pairs_mix() -> None:
    art = load_article()
    gold = [art.find("Poetins feeks")]
    assert overlap_scores([(gold[0].start, gold[0].end)], gold).f1 == 1.0


def test_overlapping_selections_are_merged() -> None:
    assert as_ranges([(0, 5), (3, 8), (10, 10)]) == [(0, 8)]


pairs = st.lists(st.tuples(st.integers(0, 200), st.integers(0, 50)).map(lambda t: (t[0], t[0] + t[1])), max_size=5)


@given(pairs, pairs)
def test_scores_are_bounded_and_symmetric(p, g) -> None:
    a, b = overlap_scores(p, g), overlap_scores(g, p)
    assert 0 <= a.f1 <= 1 and a.f1 == b.f1 and a.precision == b.recall


@pytest.mark.parametrize("bad, error", [("0-5", CourseTypeError), ([(5, 2)], CourseValueError),
                                        ([(0.0, 2)], CourseTypeError), ([(1, 2, 3)], CourseTypeError)])
def test_bad_input(bad, error) -> None:
    with pytest.raises(error):
        overlap_scores(bad, [(0, 1)])
