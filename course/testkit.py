"""Trusted checks for nbgrader test cells: type first, then shape, then value, each with its own message.

An assignment's locked setup cell runs before any student code::

    from course.testkit import Checker
    _check = Checker("01")

and its test cells call ``_check``. The checker keeps its own references to ``type``, ``abs``,
``math.isfinite``, ``warnings`` and friends, taken when this module is imported, so a student who
later patches ``builtins``, ``math`` or ``course`` does not change what the tests see. Types are
compared exactly (``type(x) is float``), so objects that claim to equal everything and subclasses
of ``float`` or ``str`` that lie earn nothing. Student functions are called with warnings silenced,
so a harmless warning never costs points (nbgrader scores any stderr output as a failure).

Messages say what is wrong and never what the answer is. Expected values live in the instructor's
hidden tests, never in this package.

Public API: ``Checker`` with ``kind``, ``length``, ``equal``, ``close``, ``between``, ``one_of``,
``call``, ``function``, ``partial``; ``AnswerError``.

>>> Checker("00").kind(3, int, "answer_00_1")
3
"""

from __future__ import annotations

import builtins as _builtins
import math as _math
import warnings as _warnings
from typing import Any, Callable

__all__ = ["AnswerError", "Checker"]

# Trusted references, taken at import time (before any student code runs).
_type = _builtins.type
_isinstance = _builtins.isinstance
_len = _builtins.len
_abs = _builtins.abs
_repr = _builtins.repr
_callable = _builtins.callable
_range = _builtins.range
_zip = _builtins.zip
_isfinite = _math.isfinite
_catch_warnings = _warnings.catch_warnings
_simplefilter = _warnings.simplefilter
_Exception = _builtins.BaseException
_KeyboardInterrupt = _builtins.KeyboardInterrupt
_float, _int, _str, _bool, _list, _tuple, _dict, _NoneType = float, int, str, bool, list, tuple, dict, type(None)
_PLAIN = (_float, _int, _str, _bool, _list, _tuple, _dict, _NoneType)
_TYPE_WORDS = {
    float: "a float (a number with a decimal point, such as 12.5)",
    int: "an int (a whole number, such as 12)",
    str: "a str (text in quotes)",
    bool: "a bool (True or False)",
    list: "a list",
    tuple: "a tuple",
    dict: "a dict",
}


class AnswerError(AssertionError):
    """A test failed; the message tells the student what to fix, not what the answer is."""


def _type_name(value: Any) -> str:
    t = _type(value)
    name = t.__name__ if _type(t.__name__) is _str else "an unknown type"
    for plain in _PLAIN:
        if t is not plain and _isinstance(value, plain) and plain is not _NoneType:
            return f"{name}, a subclass of {plain.__name__}; return a plain {plain.__name__}"
    return name


def _same(a: Any, b: Any) -> bool:
    """Structural equality that only trusts plain built-in types (never a custom __eq__)."""
    ta = _type(a)
    if ta is not _type(b) or ta not in _PLAIN:
        return False
    if ta is _float:
        return a == b or (a != a and b != b)
    if ta in (_int, _str, _bool, _NoneType):
        return a == b
    if ta in (_list, _tuple):
        return _len(a) == _len(b) and all(_same(x, y) for x, y in _zip(a, b))
    if ta is _dict:
        if _len(a) != _len(b):
            return False
        for key in a:
            if _type(key) not in _PLAIN or key not in b or not _same(a[key], b[key]):
                return False
        return True
    return False


class Checker:
    """Checks for one assignment's test cells; *label* (such as ``"01"``) prefixes every message."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label

    def _fail(self, exercise: str, message: str) -> AnswerError:
        return AnswerError(f"Exercise {exercise}: {message}")

    # -- type and shape ------------------------------------------------------------------
    def kind(self, value: Any, expected: type | tuple[type, ...], name: str, exercise: str = "") -> Any:
        """Check that *value* is exactly of type *expected* (no subclasses; bool is not an int)."""
        wanted = expected if _type(expected) is _tuple else (expected,)
        if _type(value) in wanted:
            return value
        words = " or ".join(_TYPE_WORDS.get(t, t.__name__) for t in wanted)
        hint = ""
        if value is None:
            hint = " Did you forget to assign it, or does your function forget to return?"
        elif _type(value) is _str and (_int in wanted or _float in wanted):
            hint = " A number in quotes is text: drop the quotes."
        elif _type(value) is _int and _float in wanted:
            hint = " Write it as a float, e.g. 12.0, or wrap it in float()."
        raise self._fail(exercise or name, f"{name} should be {words}; got {_type_name(value)}.{hint}")

    def length(self, value: Any, expected: int, name: str, exercise: str = "") -> Any:
        """Check that a list, tuple or str has *expected* items."""
        if _len(value) != expected:
            raise self._fail(exercise or name, f"{name} should have {expected} item(s); it has {_len(value)}.")
        return value

    def items(self, value: Any, expected: type | tuple[type, ...], name: str, exercise: str = "") -> Any:
        """Check that every item of a list or tuple is exactly of type *expected*."""
        for i in _range(_len(value)):
            self.kind(value[i], expected, f"{name}[{i}]", exercise or name)
        return value

    # -- value -----------------------------------------------------------------------------
    def equal(self, value: Any, expected: Any, name: str, exercise: str = "", hint: str = "") -> None:
        """Check that *value* equals *expected*, comparing plain built-in types only."""
        self.kind(value, _type(expected), name, exercise)
        if not _same(value, expected):
            raise self._fail(exercise or name, f"{name} is not right yet.{' ' + hint if hint else ''}")

    def one_of(self, value: Any, options: tuple[str, ...], name: str, exercise: str = "") -> str:
        """Check that *value* is one of the allowed *options* (e.g. one uppercase letter)."""
        self.kind(value, _str, name, exercise)
        if not any(_same(value, o) for o in options):
            listed = ", ".join(_repr(o) for o in options)
            raise self._fail(exercise or name, f"{name} should be one of {listed}; got {_repr(value)}.")
        return value

    def close(self, value: Any, expected: float, tolerance: float, name: str, exercise: str = "",
              unit: str = "") -> None:
        """Check that the float *value* lies within ±tolerance of *expected*; says too high or too low."""
        self.kind(value, (_float, _int), name, exercise)
        if not _isfinite(value):
            raise self._fail(exercise or name, f"{name} should be a finite number; got {_repr(value)}.")
        gap = value - expected
        if _abs(gap) > tolerance:
            direction = "too high" if gap > 0 else "too low"
            within = f"±{tolerance:g}{' ' + unit if unit else ''}"
            raise self._fail(exercise or name, f"{name} is {direction} (it must be within {within} of the expected value).")

    def between(self, value: Any, low: float, high: float, name: str, exercise: str = "", unit: str = "") -> None:
        """A visible sanity check: *value* must be a finite number in [low, high]."""
        self.kind(value, (_float, _int), name, exercise)
        if not (_isfinite(value) and low <= value <= high):
            u = f" {unit}" if unit else ""
            raise self._fail(exercise or name, f"{name} should be between {low:g} and {high:g}{u}; "
                                               f"got {_repr(value)}. Check your units.")

    # -- functions -------------------------------------------------------------------------
    def function(self, fn: Any, name: str, exercise: str = "") -> Callable[..., Any]:
        """Check that *fn* is a function the student wrote (callable, not a class or a value)."""
        if not _callable(fn) or _isinstance(fn, _type):
            raise self._fail(exercise or name, f"{name} should be a function (def {name}(...):); got {_type_name(fn)}.")
        return fn

    def call(self, fn: Any, *args: Any, name: str = "the function", exercise: str = "", **kwargs: Any) -> Any:
        """Call the student's *fn* with warnings silenced; an exception becomes a clear failure."""
        self.function(fn, name, exercise)
        with _catch_warnings():
            _simplefilter("ignore")
            try:
                return fn(*args, **kwargs)
            except _KeyboardInterrupt:
                raise
            except NotImplementedError:
                raise self._fail(exercise or name, f"{name} is not written yet (it still raises NotImplementedError).") from None
            except _Exception as err:  # noqa: BLE001 - student code may raise anything, even SystemExit
                shown = ", ".join(_repr(a) for a in args)
                raise self._fail(exercise or name, f"{name}({shown}) raised {_type(err).__name__}: {err}") from None

    def partial(self, fraction: float, points: float) -> float:
        """Partial credit for nbgrader: *fraction* (0 to 1) of the cell's *points*.

        Make it the test cell's last expression; nbgrader reads the number as the score.
        """
        if _type(fraction) not in (_float, _int) or not _isfinite(fraction):
            return 0.0
        return _float(round(max(0.0, min(_float(fraction), 1.0)) * points, 4))
