"""Friendly errors: every mistake a student can make names the problem and, where it can, the fix.

Public API
----------
- ``CourseError``: base class; its message is meant to be read by a student.
- ``UnknownIdError``: an id, name or key that the course does not know (lists the valid ones).
- ``QuoteNotFoundError``: a quote that is not in the article (suggests the closest text).
- ``CourseTypeError`` / ``CourseValueError``: a wrong type or an out-of-range value.
- ``AnnotationError``: a corpus annotation that does not validate (names the file and annotation).
- ``check_type(value, types, name)``, ``check_number(value, name, low=, high=)``, ``check_text(value, name)``,
  ``check_items(value, types, name)`` (a list of values of a type), ``check_path(value, name)``:
  validation helpers that return the value or raise an error naming the parameter *name*.
- ``unknown(kind, value, options, name=None)``: an ``UnknownIdError`` with "did you mean" hints.

>>> from course.errors import check_type
>>> check_type(3, int, "count")
3
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = [
    "AnnotationError",
    "CourseError",
    "CourseTypeError",
    "CourseValueError",
    "QuoteNotFoundError",
    "UnknownIdError",
    "check_items",
    "check_number",
    "check_path",
    "check_text",
    "check_type",
    "closest",
    "describe",
]


class CourseError(Exception):
    """An error whose message is written for the student who caused it."""

    def __str__(self) -> str:  # KeyError would otherwise wrap the message in quotes
        return str(self.args[0]) if self.args else self.__class__.__name__


class CourseTypeError(CourseError, TypeError):
    """A value of the wrong type."""


class CourseValueError(CourseError, ValueError):
    """A value of the right type that is out of range or malformed."""


class UnknownIdError(CourseError, KeyError):
    """An id, name or key that the course does not know."""


class QuoteNotFoundError(CourseError, LookupError):
    """A quote that does not occur in the article (or not that many times)."""


class AnnotationError(CourseError, ValueError):
    """A corpus annotation that does not validate."""


def describe(value: Any) -> str:
    """A short description of *value* for error messages: its type and a clipped repr."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def closest(word: str, options: Iterable[str], n: int = 3) -> list[str]:
    """The options most like *word*, for "did you mean" hints."""
    options = [str(o) for o in options]
    by_case = {o.casefold(): o for o in options}
    hits = difflib.get_close_matches(str(word).casefold(), list(by_case), n=n, cutoff=0.5)
    return [by_case[h] for h in hits]


def unknown(kind: str, value: Any, options: Iterable[str], name: str | None = None) -> UnknownIdError:
    """Build an UnknownIdError that lists close matches, or all options when there are few.

    With *name* (the parameter that held *value*) the message starts with it: "tid: unknown technique id ...".
    """
    options = list(options)
    hint = closest(str(value), options)
    if hint:
        tail = "did you mean " + " or ".join(repr(h) for h in hint) + "?"
    elif not options:
        tail = "there are none yet"
    elif len(options) <= 12:
        tail = "known: " + ", ".join(repr(o) for o in options)
    else:
        tail = f"there are {len(options)} known ids, e.g. " + ", ".join(repr(o) for o in options[:5])
    head = f"{name}: " if name else ""
    return UnknownIdError(f"{head}unknown {kind} {value!r}; {tail}")


def lookup(table: Mapping[str, T], key: Any, kind: str, type_name: str | None = None, name: str | None = None) -> T:
    """``table[key]`` for a str *key*; otherwise a friendly error naming the *kind* of id and close matches.

    *type_name* names *key* in the wrong-type message (default: *kind*); *name* prefixes the unknown-id one.
    """
    check_type(table, Mapping, "table")
    check_type(key, str, type_name or kind)
    if key not in table:
        raise unknown(kind, key, table, name=name)
    return table[key]


def check_type(value: Any, types: type | tuple[type, ...], name: str) -> Any:
    """Return *value* if it is an instance of *types*; otherwise raise a CourseTypeError naming *name*.

    ``bool`` is never accepted where a number is expected.
    """
    wanted = types if isinstance(types, tuple) else (types,)
    numeric = any(t in (int, float) for t in wanted)
    if isinstance(value, wanted) and not (numeric and isinstance(value, bool) and bool not in wanted):
        return value
    names = " or ".join(t.__name__ for t in wanted)
    hint = ""
    if isinstance(value, str) and numeric:
        hint = " (a number in quotes is text: drop the quotes)"
    elif value is None:
        hint = " (did a function forget to return its result?)"
    raise CourseTypeError(f"{name} must be {names}; got {describe(value)}{hint}")


def check_number(value: Any, name: str, *, low: float | None = None, high: float | None = None,
                 unit: str = "") -> float:
    """Return *value* as a float after checking it is a finite number within [low, high]."""
    check_type(value, (int, float), name)
    number = float(value)
    unit_text = f" {unit}" if unit else ""
    if math.isnan(number) or math.isinf(number):
        of_unit = f" of {unit}" if unit else ""
        raise CourseValueError(f"{name} must be a finite number{of_unit}; got {value!r}")
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = f"between {low:g} and {high:g}" if low is not None and high is not None else (
            f"at least {low:g}" if low is not None else f"at most {high:g}")
        raise CourseValueError(f"{name} must be {bounds}{unit_text}; got {value!r}")
    return number


def check_text(value: Any, name: str) -> str:
    """Return *value* if it is a non-empty string; otherwise raise a friendly error."""
    check_type(value, str, name)
    if not value.strip():
        raise CourseValueError(f"{name} must not be empty")
    return value


def check_items(value: Any, types: type | tuple[type, ...], name: str, *, what: str | None = None) -> list[Any]:
    """Return *value* as a list after checking it is a list, tuple or other collection (not text, not a
    dict) whose every item is an instance of *types*; *what* describes the items in the message."""
    wanted = types if isinstance(types, tuple) else (types,)
    what = what or " or ".join(t.__name__ for t in wanted)
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        hint = " (wrap a single one in a list: [x])" if isinstance(value, (str, bytes)) or isinstance(
            value, wanted) else ""
        raise CourseTypeError(f"{name} must be a list of {what}; got {describe(value)}{hint}")
    items = list(value)
    for i, item in enumerate(items):
        check_type(item, types, f"{name}[{i}]")
    return items


def check_path(value: Any, name: str) -> Path:
    """Return *value* as a Path if it is a non-empty string or a path object; otherwise raise naming *name*."""
    if isinstance(value, os.PathLike):
        return Path(value)
    if not isinstance(value, str):
        raise CourseTypeError(f"{name} must be a path (a str or pathlib.Path); got {describe(value)}")
    if not value.strip():
        raise CourseValueError(f"{name} must be a path; got an empty string")
    return Path(value)
