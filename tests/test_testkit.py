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
    assert check.one_of("B", ("A", "B"), "answer") is None, "a check echoes nothing in a test cell"
    with pytest.raises(AnswerError, match="one of"):
        check.one_of("b", ("A", "B"), "answer")
    assert check.partial(0.5, 2) == 1.0
    assert check.partial(7, 2) == 2.0
    assert check.partial(float("nan"), 2) == 0.0
    assert check.partial(AlwaysEqual(), 2) == 0.0


def test_forbid_catches_every_route_into_the_library_and_restores_the_profiler() -> None:
    import functools
    import sys
    import types

    import course.geo as geo

    copied = types.FunctionType(geo.distance_km.__code__, geo.distance_km.__globals__, None,
                                geo.distance_km.__defaults__)
    shortcuts = {
        "direct": lambda a, b: geo.distance_km(a, b, model="sphere"),
        "partial": functools.partial(geo.distance_km, model="sphere"),
        "copied code object": lambda a, b: copied(a, b, "sphere"),
        "through another library function": lambda a, b: geo.leg(a, b).distance_km,
    }
    mine = Checker("01")
    seen: list[str] = []

    def outer_profiler(frame, event, arg) -> None:
        seen.append(event)

    for how, fn in shortcuts.items():
        mine.function(fn, "dist", "01.9", forbid=("course", "geographiclib"))
        sys.setprofile(outer_profiler)
        try:
            with pytest.raises(AnswerError, match="dist hands its work to course"):
                mine.call(fn, (50.0, 36.0), (49.0, 37.0), name="dist", exercise="01.9")
            assert sys.getprofile() is outer_profiler, f"{how}: the previous profiler must come back"
        finally:
            sys.setprofile(None)


def test_forbid_passes_own_work_and_refuses_a_switched_off_profiler() -> None:
    import sys

    mine = Checker("01")

    def own(a: float, b: float) -> float:
        return math.hypot(a, b)

    def switch_off(a: float, b: float) -> float:
        sys.setprofile(None)
        return math.hypot(a, b)

    mine.function(own, "own", "01.8", forbid=("course", "a_module_that_is_not_installed"))
    assert mine.call(own, 3.0, 4.0, name="own", exercise="01.8") == 5.0
    mine.function(switch_off, "off", "01.7", forbid=("course",))
    with pytest.raises(AnswerError, match="switched off the profiler"):
        mine.call(switch_off, 3.0, 4.0, name="off", exercise="01.7")
    # the rule belongs to its exercise and its checker: other exercises and checkers are not watched
    assert mine.call(lambda: math.floor(2.5), name="other", exercise="01.1") == 2
    import course.geo as geo
    assert Checker("01").call(geo.compass, 90.0, name="compass", exercise="01.8") == "E"
