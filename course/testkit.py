"""Trusted checks for nbgrader test cells: type first, then shape, then value, each with its own message.

An assignment's locked setup cell runs before any student code::

    from course.testkit import Checker
    _check = Checker("01")

and its test cells call ``_check``. The checker keeps its own references to ``type``, ``abs``,
``math.isfinite``, ``warnings`` and friends, taken when this module is imported, and holds every
helper in a closure, so a student who later patches ``builtins``, ``math``, ``course`` or this
module's globals does not change what the tests see. Types are compared exactly
(``type(x) is float``), so objects that claim to equal everything and subclasses of ``float`` or
``str`` that lie earn nothing. Student functions are called with warnings silenced, so a harmless
warning never costs points (nbgrader scores any stderr output as a failure).

When the course's grader runs the notebook (``course.grading.execute``), test cells do not run in
the student's kernel at all: the grader runs them in a fresh scope of its own, outside the kernel,
where the student's answers arrive as plain data (``Opaque`` stands for anything else) and the
student's functions as ``RemoteFunction`` objects that call into the kernel. The same checks serve
both places, so what Validate says in the lesson is what the grader computes.

Where an exercise asks students to write a function the course already has, the test cell says
so with ``_check.function(f, name, exercise, forbid=("course",))``: later calls of ``f`` for that
exercise fail if it runs any code from those modules (seen by a profile hook, so aliases, partials
and copied code objects are caught too).

Messages say what is wrong and never what the answer is. Expected values live in the instructor's
hidden tests, never in this package.

Public API: ``Checker`` with ``kind``, ``length``, ``items``, ``equal``, ``close``, ``between``,
``one_of``, ``call``, ``function``, ``partial``; ``AnswerError``; and, for the grader,
``Opaque``, ``RemoteFunction``, ``RemoteError`` and ``Delegated``.

>>> Checker("00").kind(3, int, "answer_00_1")   # passes silently (a test cell shows nothing)
>>> Checker("00").partial(0.5, 2)
1.0
"""

from __future__ import annotations

import builtins as _builtins
import importlib.util as _importlib_util
import math as _math
import os as _os
import sys as _sys
import warnings as _warnings
from typing import Any, Callable

__all__ = ["AnswerError", "Checker", "Delegated", "Opaque", "RemoteError", "RemoteFunction"]


class AnswerError(AssertionError):
    """A test failed; the message tells the student what to fix, not what the answer is."""


class Opaque:
    """A value from the student's kernel that is not plain data, known only by the name of its type."""

    __slots__ = ("type_name", "base")

    def __init__(self, type_name: str, base: str = "") -> None:
        self.type_name, self.base = type_name, base

    def __repr__(self) -> str:
        return f"<a {self.type_name}>"


class RemoteFunction:
    """A function that runs elsewhere (in the student's kernel); ``Checker.call`` calls it through ``run``."""

    def run(self, args: tuple, kwargs: dict, forbid: tuple[tuple[str, str], ...]) -> Any:
        """Call it with plain-data *args*; *forbid* lists (path prefix, module) it must not hand work to."""
        raise NotImplementedError


class RemoteError(Exception):
    """The student's function raised *type_name* with *message* (in its own process)."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(f"{type_name}: {message}")
        self.type_name, self.message = type_name, message


class Delegated(Exception):
    """The student's function ran code of *module*, which its exercise forbids."""

    def __init__(self, module: str) -> None:
        super().__init__(module)
        self.module = module


def _build() -> type:
    """Make the Checker class; every helper it uses is a closure variable taken at import time."""
    # Trusted references, taken at import time (before any student code runs).
    _type = _builtins.type
    _isinstance = _builtins.isinstance
    _len = _builtins.len
    _abs = _builtins.abs
    _repr = _builtins.repr
    _callable = _builtins.callable
    _range = _builtins.range
    _zip = _builtins.zip
    _all = _builtins.all
    _any = _builtins.any
    _round = _builtins.round
    _max, _min = _builtins.max, _builtins.min
    _isfinite = _math.isfinite
    _catch_warnings = _warnings.catch_warnings
    _simplefilter = _warnings.simplefilter
    _id = _builtins.id
    _setprofile, _getprofile = _sys.setprofile, _sys.getprofile
    _find_spec = _importlib_util.find_spec
    _startswith = _builtins.str.startswith
    _sep = _os.sep
    _Exception = _builtins.BaseException
    _KeyboardInterrupt = _builtins.KeyboardInterrupt
    _NotImplementedError = _builtins.NotImplementedError
    _setitem = _builtins.dict.__setitem__
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
    _AnswerError = AnswerError
    _Opaque, _Remote, _RemoteError, _Delegated = Opaque, RemoteFunction, RemoteError, Delegated

    # Per checker and exercise, the code the student's function must not hand its work to:
    # (path prefix, module name). Kept here, out of the student's reach, in a plain dict (whose
    # methods no one can patch), keyed by id; the checker is kept with it so its id stays unique.
    forbidden: dict[int, tuple[Any, dict[str, tuple[tuple[str, str], ...]]]] = {}

    def _module_paths(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """Where the modules *names* live on disk: a package's folders, or a module's file."""
        paths = []
        for module in names:
            try:
                spec = _find_spec(module)
            except (ImportError, ValueError):
                spec = None
            if spec is None:
                continue  # not installed (or hidden from this kernel), so nothing can call it
            for folder in spec.submodule_search_locations or ():
                paths.append((folder.rstrip(_sep) + _sep, module))
            if not spec.submodule_search_locations and spec.origin:
                paths.append((spec.origin, module))
        return _tuple(paths)

    def _type_name(value: Any) -> str:
        t = _type(value)
        if t is _Opaque:
            if value.base and value.base != "bool":
                return f"{value.type_name}, a subclass of {value.base}; return a plain {value.base}"
            return value.type_name
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
            return _len(a) == _len(b) and _all(_same(x, y) for x, y in _zip(a, b))
        if ta is _dict:
            if _len(a) != _len(b):
                return False
            for key in a:
                if _type(key) not in _PLAIN or key not in b or not _same(a[key], b[key]):
                    return False
            return True
        return False

    def _run_local(fn: Any, args: tuple, kwargs: dict, rule: tuple[tuple[str, str], ...]) -> tuple[Any, str, str]:
        """Call *fn* here, watching for forbidden code: (result, failure, module it handed work to)."""
        prefixes = _tuple(path for path, _ in rule)
        hits: list[str] = []

        def watch(frame: Any, event: str, arg: Any) -> None:
            # a profile hook sees every Python call, however the student reached the code
            if event == "call" and not hits and _startswith(frame.f_code.co_filename, prefixes):
                hits.append(frame.f_code.co_filename)

        previous = _getprofile()
        result, failure = None, ""
        with _catch_warnings():
            _simplefilter("ignore")
            if prefixes:
                _setprofile(watch)
            try:
                result = fn(*args, **kwargs)
            except _KeyboardInterrupt:
                raise
            except _NotImplementedError:
                failure = "not written"
            except _Exception as err:  # noqa: BLE001 - student code may raise anything, even SystemExit
                failure = f"{_type(err).__name__}: {err}"
            finally:
                watched = not prefixes or _getprofile() is watch
                if prefixes:
                    _setprofile(previous)
        if not watched:
            return None, "switched off", ""
        module = ""
        if hits:
            for path, owner in rule:
                if not module and _startswith(hits[0], path):
                    module = owner
        return result, failure, module

    class Checker:
        """Checks for one assignment's test cells; *label* (such as ``"01"``) prefixes every message."""

        __slots__ = ("label",)

        def __init__(self, label: str) -> None:
            self.label = label

        def _fail(self, exercise: str, message: str) -> AnswerError:
            return _AnswerError(f"Exercise {exercise}: {message}")

        # -- type and shape ------------------------------------------------------------------
        def kind(self, value: Any, expected: type | tuple[type, ...], name: str, exercise: str = "") -> None:
            """Check that *value* is exactly of type *expected* (no subclasses; bool is not an int)."""
            wanted = expected if _type(expected) is _tuple else (expected,)
            if _type(value) in wanted:
                return None
            words = " or ".join(_TYPE_WORDS.get(t, t.__name__) for t in wanted)
            hint = ""
            if value is None:
                hint = " Did you forget to assign it, or does your function forget to return?"
            elif _type(value) is _str and (_int in wanted or _float in wanted):
                hint = " A number in quotes is text: drop the quotes."
            elif _type(value) is _int and _float in wanted:
                hint = " Write it as a float, e.g. 12.0, or wrap it in float()."
            raise self._fail(exercise or name, f"{name} should be {words}; got {_type_name(value)}.{hint}")

        def length(self, value: Any, expected: int, name: str, exercise: str = "") -> None:
            """Check that a list, tuple or str has *expected* items."""
            if _type(value) not in (_list, _tuple, _str, _dict):
                raise self._fail(exercise or name, f"{name} should be a list, tuple or str; got {_type_name(value)}.")
            if _len(value) != expected:
                raise self._fail(exercise or name, f"{name} should have {expected} item(s); it has {_len(value)}.")

        def items(self, value: Any, expected: type | tuple[type, ...], name: str, exercise: str = "") -> None:
            """Check that every item of a list or tuple is exactly of type *expected*."""
            if _type(value) not in (_list, _tuple):
                raise self._fail(exercise or name, f"{name} should be a list or tuple; got {_type_name(value)}.")
            for i in _range(_len(value)):
                self.kind(value[i], expected, f"{name}[{i}]", exercise or name)

        # -- value -----------------------------------------------------------------------------
        def equal(self, value: Any, expected: Any, name: str, exercise: str = "", hint: str = "") -> None:
            """Check that *value* equals *expected*, comparing plain built-in types only."""
            self.kind(value, _type(expected), name, exercise)
            if not _same(value, expected):
                raise self._fail(exercise or name, f"{name} is not right yet.{' ' + hint if hint else ''}")

        def one_of(self, value: Any, options: tuple[str, ...], name: str, exercise: str = "") -> None:
            """Check that *value* is one of the allowed *options* (e.g. one uppercase letter)."""
            self.kind(value, _str, name, exercise)
            if not _any(_same(value, o) for o in options):
                listed = ", ".join(_repr(o) for o in options)
                raise self._fail(exercise or name, f"{name} should be one of {listed}; got {_repr(value)}.")

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
                raise self._fail(exercise or name,
                                 f"{name} is {direction} (it must be within {within} of the expected value).")

        def between(self, value: Any, low: float, high: float, name: str, exercise: str = "", unit: str = "",
                    hint: str = "") -> None:
            """A visible sanity check: *value* must be a finite number in [low, high]; *hint* says what to look at."""
            self.kind(value, (_float, _int), name, exercise)
            if not (_isfinite(value) and low <= value <= high):
                u = f" {unit}" if unit else ""
                raise self._fail(exercise or name, f"{name} should be between {low:g} and {high:g}{u}; "
                                                   f"got {_repr(value)}.{' ' + hint if hint else ''}")

        # -- functions -------------------------------------------------------------------------
        def function(self, fn: Any, name: str, exercise: str = "", forbid: tuple[str, ...] = ()) -> None:
            """Check that *fn* is a function the student wrote (callable, not a class or a value).

            *forbid* names modules (such as ``"course"``) that the function must not hand its work to:
            later ``call``s for this exercise fail when the function runs any of their code.
            """
            if _type(fn) is _Opaque or not _callable(fn) or _isinstance(fn, _type):
                raise self._fail(exercise or name,
                                 f"{name} should be a function (def {name}(...):); got {_type_name(fn)}.")
            if forbid:
                if _id(self) not in forbidden:
                    _setitem(forbidden, _id(self), (self, {}))
                _setitem(forbidden[_id(self)][1], exercise or name, _module_paths(_tuple(forbid)))

        def call(self, fn: Any, *args: Any, name: str = "the function", exercise: str = "", **kwargs: Any) -> Any:
            """Call the student's *fn* with warnings silenced; an exception becomes a clear failure."""
            self.function(fn, name, exercise)
            rule = forbidden[_id(self)][1].get(exercise or name, ()) if _id(self) in forbidden else ()
            module = ""
            if _isinstance(fn, _Remote):
                result, failure = None, ""
                try:
                    result = fn.run(args, kwargs, rule)
                except _RemoteError as err:
                    failure = "not written" if err.type_name == "NotImplementedError" else str(err)
                except _Delegated as err:
                    module = err.module
            else:
                result, failure, module = _run_local(fn, args, kwargs, rule)
            if failure == "switched off":
                raise self._fail(exercise or name, f"{name} switched off the profiler the test uses "
                                                   "(sys.setprofile); leave it alone.")
            if module:
                raise self._fail(exercise or name,
                                 f"{name} hands its work to {module}. This exercise asks you to write the "
                                 f"computation yourself; use {module} afterwards to check your results.")
            if failure == "not written":
                raise self._fail(exercise or name, f"{name} is not written yet (it still raises NotImplementedError).")
            if failure:
                shown = ", ".join(_repr(a) for a in args)
                raise self._fail(exercise or name, f"{name}({shown}) raised {failure}")
            return result

        def partial(self, fraction: float, points: float) -> float:
            """Partial credit for nbgrader: *fraction* (0 to 1) of the cell's *points*.

            Make it the test cell's last expression; nbgrader reads the number as the score.
            """
            if _type(fraction) not in (_float, _int) or not _isfinite(fraction):
                return 0.0
            return _float(_round(_max(0.0, _min(_float(fraction), 1.0)) * points, 4))

    return Checker


Checker = _build()
Checker.__qualname__ = "Checker"
del _build
