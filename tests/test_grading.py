"""Every graded cell of every assignment meets the course's grading bars, with the real nbgrader.

For each assignment in assignments/source/: the source validates, the release fails validation,
and after `nbgrader autograde`:
- the reference solution earns full marks on every autograded cell;
- the released stub earns 0;
- every typical wrong answer (tests/cases/<assignment>.toml) earns 0;
- objects that claim to equal everything, and lying subclasses of float/int/str, earn 0;
- the right answer that also emits warnings still earns full marks;
- cells graded by hand are left for the instructor (the stub's unchanged answer gets 0).
"""

from __future__ import annotations

import re

import pytest

from course.grading import notebooks as nbs

from harness import GradedAssignment, assignment_ids, autograde, prepare, run_nbgrader, submissions, wrong_answers

pytestmark = [pytest.mark.grading, pytest.mark.slow]


@pytest.fixture(scope="module", params=assignment_ids())
def graded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> GradedAssignment:
    g = prepare(request.param, tmp_path_factory.mktemp(request.param))
    return autograde(g, submissions(g))


def _auto(g: GradedAssignment, student: str) -> dict[tuple[str, str], tuple[float | None, float]]:
    scores = g.scores(student)
    return {key: scores[key][:2] for key in g.autograded_cells()}


def test_source_passes_validation(graded: GradedAssignment) -> None:
    assert "Success! Your notebook passes all the tests." in graded.validate_source, graded.validate_source[-3000:]
    assert "VALIDATION FAILED" not in graded.validate_source


def test_release_fails_every_test(graded: GradedAssignment) -> None:
    assert "Success! The notebook does not pass any tests." in graded.validate_release, graded.validate_release[-3000:]


def test_reference_earns_full_marks(graded: GradedAssignment) -> None:
    scores = _auto(graded, "reference")
    assert scores, "the assignment has no autograded cells"
    lost = {k: v for k, v in scores.items() if v[0] != v[1]}
    assert not lost, f"the reference solution loses points on {lost}\n{graded.autograde_log[-3000:]}"


@pytest.mark.parametrize("student", ["stub", "gaming-equal", "gaming-lying"])
def test_earns_zero(graded: GradedAssignment, student: str) -> None:
    scores = _auto(graded, student)
    earned = {k: v for k, v in scores.items() if v[0] != 0}
    assert not earned, f"submission {student!r} earns points on {earned}"


def test_every_wrong_answer_earns_zero(graded: GradedAssignment) -> None:
    wrong_students = [s for s in graded.students if s.startswith("wrong-")]
    assert wrong_students, f"tests/cases/{graded.assignment}.toml lists no wrong answers"
    for student in wrong_students:
        earned = {k: v for k, v in _auto(graded, student).items() if v[0] != 0}
        assert not earned, f"wrong answers in {student!r} earn points on {earned}"


def test_a_harmless_warning_costs_nothing(graded: GradedAssignment) -> None:
    lost = {k: v for k, v in _auto(graded, "warning").items() if v[0] != v[1]}
    assert not lost, f"a correct answer that warns loses points on {lost}"


def test_every_autograded_answer_has_a_typical_wrong_answer(graded: GradedAssignment) -> None:
    wrong = wrong_answers(graded.assignment)
    for notebook in graded.notebooks:
        source = graded.source_nb(notebook)
        autograded = [gid for gid, cell in nbs.answer_cells(source).items()
                      if not cell.metadata["nbgrader"].get("grade")]
        missing = [gid for gid in autograded if gid not in wrong]
        assert not missing, f"no typical wrong answer for {missing} in tests/cases/{graded.assignment}.toml"


def test_hand_graded_cells_wait_for_the_instructor(graded: GradedAssignment) -> None:
    manual = [(nb, gid) for nb in graded.notebooks for gid, cell in nbs.answer_cells(graded.source_nb(nb)).items()
              if cell.metadata["nbgrader"].get("grade")]
    assert manual, "each assignment needs at least one answer graded by hand"
    ref, stub = graded.scores("reference"), graded.scores("stub")
    for key in manual:
        assert ref[key][2] is True, f"{key}: a written answer should need manual grading"
        assert stub[key][0] == 0, f"{key}: an unanswered written answer should score 0"


def test_release_holds_no_answer(graded: GradedAssignment) -> None:
    for notebook in graded.notebooks:
        text = (graded.root / "release" / graded.assignment / f"{notebook}.ipynb").read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
        for gid, code in nbs.reference_answers(graded.source_nb(notebook)).items():
            for line in code.splitlines():
                line = line.strip()
                if len(line) > 12 and not re.match(r"^(def |#|\"\"\"|return$)", line):
                    assert line not in text or line in graded.release_nb(notebook).cells[0].source, (
                        f"{gid}: the release holds the solution line {line!r}")


def test_answer_cells_are_named_after_their_exercise(graded: GradedAssignment) -> None:
    for notebook in graded.notebooks:
        for gid in nbs.answer_cells(graded.source_nb(notebook)):
            assert re.fullmatch(r"ex\d{2}_\d+", gid), f"answer cell {gid!r} should be named exNN_K"
        for gid in nbs.test_cells(graded.source_nb(notebook)):
            assert re.fullmatch(r"ex\d{2}_\d+_test[a-z0-9_]*", gid), f"test cell {gid!r} should be named exNN_K_test"


def _test_code_lines(g: GradedAssignment) -> list[str]:
    """Every line of every test cell (visible and hidden) that is long enough to be recognised in a page."""
    lines = []
    for notebook in g.notebooks:
        for cell in g.source_nb(notebook).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
                lines += [line.strip() for line in cell.source.splitlines()
                          if len(line.strip()) > 20 and not line.strip().startswith("#")]
    return lines


def test_feedback_shows_scores_and_findings_but_never_a_tests_code(graded: GradedAssignment) -> None:
    """nbgrader's own feedback prints every test's source (hidden tests too); the course's never does."""
    done = run_nbgrader(["generate_feedback", graded.assignment], graded.root, graded.env, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    code = _test_code_lines(graded)
    assert code, "the assignment has no test code to look for"
    for student in ("reference", "stub", "wrong-1"):
        for notebook in graded.notebooks:
            page = (graded.root / "feedback" / student / graded.assignment / f"{notebook}.html").read_text()
            import html

            text = html.unescape(page)
            shown = [line for line in code if line in text]
            assert not shown, f"{student}'s feedback shows test code: {shown[:3]}"
            assert '<html lang="en">' in page
            assert 'src="http' not in page, "the feedback page loads scripts from the network"
            if student == "stub":
                assert "not written yet" in text or "not right yet" in text or "not defined" in text, \
                    "the stub's feedback says nothing about why the tests failed"
                if any(s[2] for s in graded.scores(student).values()):
                    assert "graded by your instructor" in text, "a written answer looks like 0 points"
            if student == "reference":
                assert "Passed." in text
