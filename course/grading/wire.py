"""The grader's channel to a student's kernel: plain data only, with every reply size-checked before it is parsed.

During grading, test cells never run in the student's kernel (``course.grading.trusted`` runs them
outside it). The grader asks the kernel for two things only, each through one silent
``execute_request`` whose ``user_expressions`` run a fixed piece of code (``KERNEL_CODE``):

- **fetch** the values bound to some names (a student's answers);
- **call** a function the student wrote, with plain-data arguments.

Values cross as tagged JSON: None, bool, int, str and lists as themselves; float (NaN and the
infinities included), tuple, dict, set, frozenset, ``datetime.date`` and ``datetime.datetime`` as
one-key objects (``{"$tuple": [...]}``); a function as a handle (``{"$function": name}``); anything
else as an opaque type name (``{"$opaque": "MyFloat", "base": "float"}``). The kernel is the
student's, so a reply is untrusted data: ``decode`` checks its size before parsing it, and its depth,
item count and every tag while decoding, and turns it into plain Python values, ``Opaque`` markers
and ``Handle`` names only. No reply can carry code, and nothing in a reply is ever called.

Public API
----------
- ``encode(value) -> JSON-able`` and ``decode(data) -> value``: the codec (``WireError`` on bad data).
- ``Handle``: a function of the student's, by name.
- ``fetch_expression(names)`` / ``call_expression(name, args, kwargs, forbid)``: the ``user_expressions``
  entry that asks the kernel.
- ``parse_reply(reply) -> dict``: the kernel's answer from an ``execute_reply``, size-checked first.
- ``MAX_REPLY_BYTES``, ``MAX_DEPTH``, ``MAX_ITEMS``: the limits.

>>> decode(encode((1, 2.5, {"a": [None, True]})))
(1, 2.5, {'a': [None, True]})
"""

from __future__ import annotations

import ast
import datetime as _dt
import json
import math
from dataclasses import dataclass
from typing import Any

from course.errors import CourseError, check_type
from course.testkit import Opaque

__all__ = ["MAX_DEPTH", "MAX_ITEMS", "MAX_REPLY_BYTES", "Handle", "WireError", "call_expression", "decode",
           "encode", "fetch_expression", "parse_reply"]

MAX_REPLY_BYTES = 4_000_000  # one reply from the kernel, before it is parsed
MAX_DEPTH = 40  # nesting of lists, tuples and dicts
MAX_ITEMS = 200_000  # values in one reply
MAX_TEXT = 1_000_000  # characters of one string


class WireError(CourseError, ValueError):
    """A reply from the kernel that is not well-formed plain data (too big, too deep, unknown tag ...)."""


@dataclass(frozen=True)
class Handle:
    """A function the student defined, known to the grader by its name in the kernel."""

    name: str


_TAGS = ("$tuple", "$dict", "$set", "$frozenset", "$float", "$date", "$datetime", "$function", "$opaque",
         "$missing")


def encode(value: Any) -> Any:
    """A JSON-able form of a plain value (the grader's side: arguments of a call). Raises WireError otherwise."""
    return _encode(value, 0)


def _encode(value: Any, _depth: int) -> Any:
    if _depth > MAX_DEPTH:
        raise WireError("the value is nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value if math.isfinite(value) else {"$float": repr(value)}
    if kind is list:
        return [_encode(v, _depth + 1) for v in value]
    if kind is tuple:
        return {"$tuple": [_encode(v, _depth + 1) for v in value]}
    if kind in (set, frozenset):
        return {"$set" if kind is set else "$frozenset": [_encode(v, _depth + 1) for v in value]}
    if kind is dict:
        return {"$dict": [[_encode(k, _depth + 1), _encode(v, _depth + 1)] for k, v in value.items()]}
    if kind is _dt.datetime:
        return {"$datetime": value.isoformat()}
    if kind is _dt.date:
        return {"$date": value.isoformat()}
    raise WireError(f"value: a {kind.__name__} cannot be sent to the kernel (only plain data)")


class _Decoder:
    def __init__(self) -> None:
        self.items = 0

    def __call__(self, data: Any, depth: int = 0) -> Any:
        self.items += 1
        if self.items > MAX_ITEMS:
            raise WireError(f"the reply holds more than {MAX_ITEMS} values")
        if depth > MAX_DEPTH:
            raise WireError("the reply is nested too deeply")
        kind = type(data)
        if data is None or kind in (bool, int):
            return data
        if kind is float:
            return data
        if kind is str:
            if len(data) > MAX_TEXT:
                raise WireError("a string in the reply is too long")
            return data
        if kind is list:
            return [self(v, depth + 1) for v in data]
        if kind is not dict:
            raise WireError(f"unexpected {kind.__name__} in the reply")
        if "$opaque" in data and set(data) <= {"$opaque", "base"}:
            tag = "$opaque"
        elif len(data) == 1:
            tag = next(iter(data))
        else:
            raise WireError("a tagged value must have one tag")
        body = data[tag]
        if tag not in _TAGS:
            raise WireError("unknown tag in the reply")
        if tag in ("$tuple", "$set", "$frozenset"):
            if type(body) is not list:
                raise WireError(f"{tag} must hold a list")
            items = [self(v, depth + 1) for v in body]
            if tag == "$tuple":
                return tuple(items)
            try:
                return set(items) if tag == "$set" else frozenset(items)
            except TypeError:
                raise WireError("a set in the reply holds an unhashable value") from None
        if tag == "$dict":
            if type(body) is not list:
                raise WireError("$dict must hold a list of pairs")
            out: dict[Any, Any] = {}
            for pair in body:
                if type(pair) is not list or len(pair) != 2:
                    raise WireError("$dict must hold pairs")
                key = self(pair[0], depth + 1)
                try:
                    out[key] = self(pair[1], depth + 1)
                except TypeError:
                    raise WireError("a dict in the reply has an unhashable key") from None
            return out
        if tag == "$float":
            if body not in ("nan", "inf", "-inf"):
                raise WireError("$float must be nan, inf or -inf")
            return float(body)
        if tag in ("$date", "$datetime"):
            if type(body) is not str or len(body) > 40:
                raise WireError(f"{tag} must hold an ISO date")
            try:
                return (_dt.date if tag == "$date" else _dt.datetime).fromisoformat(body)
            except ValueError:
                raise WireError(f"{tag} must hold an ISO date") from None
        if tag == "$function":
            if type(body) is not str or not body.isidentifier():
                raise WireError("$function must hold a name")
            return Handle(body)
        if tag == "$opaque":
            base = data.get("base", "")
            if type(body) is not str or type(base) is not str:
                raise WireError("$opaque must hold a type name")
            return Opaque(body[:80], base[:20])
        raise WireError("a missing name cannot be a value")  # "$missing" only appears at the top of a fetch


def decode(data: Any) -> Any:
    """Python values from the JSON-able *data* of a reply (limits and tags checked; see the module docstring)."""
    try:
        return _Decoder()(data)
    except WireError as err:
        raise WireError(f"data: {err}") from None


# -- what runs in the kernel ------------------------------------------------------------------------
# This code runs in the student's kernel, which the student controls: it may be changed or skipped,
# so nothing it returns is trusted. It only has to serve honest students well: it reads names from
# the user's namespace, calls a function with warnings silenced, and answers in tagged JSON.
KERNEL_CODE = r'''
import json as _json, math as _math, datetime as _dt, sys as _sys, warnings as _warnings

def _enc(x, depth=0):
    if depth > 40:
        raise ValueError("nested too deeply")
    t = type(x)
    if x is None or t is bool or t is int or t is str:
        return x
    if t is float:
        return x if _math.isfinite(x) else {"$float": repr(x)}
    if t is list:
        return [_enc(v, depth + 1) for v in x]
    if t is tuple:
        return {"$tuple": [_enc(v, depth + 1) for v in x]}
    if t is set or t is frozenset:
        return {"$set" if t is set else "$frozenset": [_enc(v, depth + 1) for v in x]}
    if t is dict:
        return {"$dict": [[_enc(k, depth + 1), _enc(v, depth + 1)] for k, v in x.items()]}
    if t is _dt.datetime:
        return {"$datetime": x.isoformat()}
    if t is _dt.date:
        return {"$date": x.isoformat()}
    if callable(x) and type not in t.__mro__:
        return {"$function": "?"}
    base = next((b.__name__ for b in (bool, int, float, str, list, tuple, dict) if b in t.__mro__), "")
    name = getattr(t, "__name__", "object")
    return {"$opaque": name if type(name) is str else "object", "base": base}

def _dec(x):
    if type(x) is list:
        return [_dec(v) for v in x]
    if type(x) is not dict:
        return x
    tag, body = next(iter(x.items()))
    if tag == "$tuple":
        return tuple(_dec(v) for v in body)
    if tag == "$set":
        return set(_dec(v) for v in body)
    if tag == "$frozenset":
        return frozenset(_dec(v) for v in body)
    if tag == "$dict":
        return {_dec(k): _dec(v) for k, v in body}
    if tag == "$float":
        return float(body)
    if tag == "$date":
        return _dt.date.fromisoformat(body)
    if tag == "$datetime":
        return _dt.datetime.fromisoformat(body)
    raise ValueError(tag)

def _fetch(ns, names):
    found = {}
    for name in names:
        if name not in ns:
            found[name] = {"$missing": True}
            continue
        value = ns[name]
        try:
            found[name] = _enc(value)
        except (ValueError, RecursionError):
            found[name] = {"$opaque": "value nested too deeply", "base": ""}
        if type(found[name]) is dict and "$function" in found[name]:
            found[name] = {"$function": name}
    return {"ok": found}

def _call(ns, name, args, kwargs, forbid):
    fn = ns.get(name)
    if fn is None or not callable(fn):
        return {"raised": ["NameError", "name %r is not a function any more" % name]}
    args, kwargs = _dec(args), _dec(kwargs)
    prefixes = tuple(p for p, _ in forbid)
    hits = []
    def watch(frame, event, arg):
        if event == "call" and not hits and frame.f_code.co_filename.startswith(prefixes):
            hits.append(frame.f_code.co_filename)
    before = _sys.getprofile()
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        if prefixes:
            _sys.setprofile(watch)
        try:
            result = fn(*args, **kwargs)
        except KeyboardInterrupt:
            raise
        except BaseException as err:
            return {"raised": [type(err).__name__, str(err)[:500]]}
        finally:
            if prefixes:
                _sys.setprofile(before)
    if hits:
        return {"delegated": next((m for p, m in forbid if hits[0].startswith(p)), "?")}
    try:
        return {"ok": _enc(result)}
    except (ValueError, RecursionError):
        return {"ok": {"$opaque": "value nested too deeply", "base": ""}}

def run(req, ns):
    request = _json.loads(req)
    if request["op"] == "fetch":
        return _json.dumps(_fetch(ns, request["names"]))
    return _json.dumps(_call(ns, request["name"], request["args"], request["kwargs"], request["forbid"]))

import types as _types
_module = _types.ModuleType("_course_wire")
_module.run = run
_sys.modules["_course_wire"] = _module
'''


def _expression(request: dict) -> str:
    """One expression that answers *request* from the user's namespace, as JSON.

    KERNEL_CODE runs once per kernel, in a namespace of its own, and leaves a module
    ``_course_wire`` in ``sys.modules`` (not in the user's namespace); later requests only call it.
    """
    return ("(lambda __m: (__m.get('_course_wire') or __import__('builtins').exec("
            f"{KERNEL_CODE!r}, {{}}) or __m['_course_wire']).run({json.dumps(request)!r}, globals()))"
            "(__import__('sys').modules)")


def fetch_expression(names: list[str]) -> str:
    """The user expression that asks the kernel for the values of *names*."""
    check_type(names, (list, tuple), "names")
    if not all(type(n) is str and n.isidentifier() for n in names):
        raise WireError(f"names must be identifiers; got {list(names)[:5]!r}")
    return _expression({"op": "fetch", "names": list(names)})


def call_expression(name: str, args: tuple, kwargs: dict, forbid: tuple[tuple[str, str], ...] = ()) -> str:
    """The user expression that calls the student's *name* with plain-data *args* and *kwargs*."""
    if type(name) is not str or not name.isidentifier():
        raise WireError(f"name must be an identifier; got {name!r}")
    check_type(args, (tuple, list), "args")
    check_type(kwargs, dict, "kwargs")
    check_type(forbid, (tuple, list), "forbid")
    return _expression({"op": "call", "name": name, "args": encode(list(args)), "kwargs": encode(dict(kwargs)),
                        "forbid": [list(f) for f in forbid]})


def parse_reply(reply: Any, key: str = "r") -> dict:
    """The kernel's answer in an ``execute_reply`` (its user expression *key*), size-checked, then parsed.

    Raises WireError when the reply is missing, failed, too large or not the JSON object expected.
    """
    check_type(reply, dict, "reply")
    check_type(key, str, "key")
    try:
        result = reply["content"]["user_expressions"][key]
    except (KeyError, TypeError):
        raise WireError("reply: the kernel gave no answer") from None
    if type(result) is not dict or result.get("status") != "ok":
        ename = result.get("ename", "an error") if type(result) is dict else "an error"
        raise WireError(f"the kernel could not answer ({str(ename)[:80]})")
    text = result.get("data", {}).get("text/plain") if type(result.get("data")) is dict else None
    if type(text) is not str:
        raise WireError("the kernel's answer is not text")
    if len(text) > MAX_REPLY_BYTES:
        raise WireError(f"the kernel's answer is larger than {MAX_REPLY_BYTES // 1_000_000} MB")
    try:
        body = ast.literal_eval(text)
        if type(body) is not str:
            raise ValueError
        parsed = json.loads(body)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise WireError("the kernel's answer is not well-formed") from None
    if type(parsed) is not dict or len(parsed) != 1:
        raise WireError("the kernel's answer is not well-formed")
    return parsed
