"""The grading bars of tests/test_grading.py, for the coding-track assignments (NN-<name>-code).

The same tests, in a file of their own so that the suite's workers grade the two tracks in parallel.
"""

from __future__ import annotations

import pytest

from harness import GradedAssignment, assignment_ids, autograde, prepare, submissions
from test_grading import (test_a_harmless_warning_costs_nothing, test_answer_cells_are_named_after_their_exercise,  # noqa: F401
                          test_earns_zero, test_every_autograded_answer_has_a_typical_wrong_answer,
                          test_every_wrong_answer_earns_zero, test_feedback_shows_scores_and_findings_but_never_a_tests_code,
                          test_hand_graded_cells_wait_for_the_instructor,
                          test_partial_credit_cases_are_partial_items, test_reference_earns_full_marks,
                          test_release_fails_every_test, test_release_holds_no_answer, test_source_passes_validation)

pytestmark = [pytest.mark.grading, pytest.mark.slow]


@pytest.fixture(scope="module", params=assignment_ids("coding"))
def graded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> GradedAssignment:
    g = prepare(request.param, tmp_path_factory.mktemp(request.param))
    return autograde(g, submissions(g))


def test_both_tracks_are_graded() -> None:
    assert assignment_ids("coding") and assignment_ids("reading")
    assert set(assignment_ids("coding")) | set(assignment_ids("reading")) == set(assignment_ids())
