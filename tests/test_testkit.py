"""The trusted checks used by test cells: exact types, no answer in the messages, warnings silenced."""

import math
import warnings

import pytest

from course.testkit import AnswerError, Checker

check = Checker("00")


class AlwaysEqual:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __class__ = property(lambda self: float)  # type: ignore[assignment]


class LyingFloat(float):
    def __eq__(self, other): return True
    __hash__ = float.__hash__


def test_exact_types_defeat_gaming_objects() -> None:
    for value in (AlwaysEqual(), LyingFloat(61.1)):
        with pytest.raises(AnswerError, match="should be a float"):
            check.close(value, 61.1, 0.5, "d", "01.1")
    with pytest.raises(AnswerError, match="subclass of float"):
        check.kind(LyingFloat(1.0), float, "x")
    with pytest.raises(AnswerError):
        check.equal(True, 1, "x")  # bool is not an int


def test_patched_math_does_not_fool_the_checker(monkeypatch) -> None:
    monkeypatch.setattr(math, "isclose", lambda *a, **k: True)
    monkeypatch.setattr(math, "isfinite", lambda *a, **k: True)
    with pytest.raises(AnswerError, match="too high"):
        check.close(70.0, 61.1, 0.5, "d", "01.1")
    with pytest.raises(AnswerError, match="finite"):
        check.close(float("nan"), 61.1, 0.5, "d")


def test_messages_do_not_reveal_the_expected_value() -> None:
    with pytest.raises(AnswerError) as info:
        check.close(70.0, 61.11, 0.5, "d", "01.1", unit="km")
    assert "61.11" not in str(info.value) and "too high" in str(info.value)
    with pytest.raises(AnswerError) as info:
        check.equal("A", "C", "answer", "00.3")
    assert "'C'" not in str(info.value)


def test_structures_compare_exactly() -> None:
    check.equal(("a", "b"), ("a", "b"), "t")
    check.equal({"x": [1, 2.5]}, {"x": [1, 2.5]}, "d")
    with pytest.raises(AnswerError):
        check.equal(["a", "b"], ("a", "b"), "t")
    with pytest.raises(AnswerError):
        check.equal({"x": [1, 2.0]}, {"x": [1, 2.5]}, "d")


def test_calls_silence_warnings_and_explain_exceptions() -> None:
    def noisy(x):
        warnings.warn("just a note")
        return x + 1

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check.call(noisy, 1, name="noisy") == 2

    def broken(x):
        raise ZeroDivisionError("division by zero")

    with pytest.raises(AnswerError, match=r"broken\(1\) raised ZeroDivisionError"):
        check.call(broken, 1, name="broken")

    def unfinished(x):
        raise NotImplementedError

    with pytest.raises(AnswerError, match="not written yet"):
        check.call(unfinished, 1, name="unfinished")

    def exits(x):
        raise SystemExit(3)

    with pytest.raises(AnswerError, match="SystemExit"):
        check.call(exits, 1, name="exits")
    with pytest.raises(AnswerError, match="should be a function"):
        check.call(42, name="f")


def test_one_of_and_partial() -> None:
    assert check.one_of("B", ("A", "B"), "answer") == "B"
    with pytest.raises(AnswerError, match="one of"):
        check.one_of("b", ("A", "B"), "answer")
    assert check.partial(0.5, 2) == 1.0
    assert check.partial(7, 2) == 2.0
    assert check.partial(float("nan"), 2) == 0.0
    assert check.partial(AlwaysEqual(), 2) == 0.0
