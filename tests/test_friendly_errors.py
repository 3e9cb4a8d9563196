"""Every public function of every course module answers bad input with a friendly CourseError.

The test walks the package: every module under ``course`` and every name in its ``__all__`` that is
a function or a class, plus the public methods of the objects that the ``load_*`` functions return.
Each is called with bad input of each kind (None, a wrong type, NaN, an out-of-range number, an
empty string, an unknown id), in every parameter at once. It must either accept the input or raise
a ``course.errors.CourseError`` whose message names a parameter, never a raw TypeError, KeyError,
AttributeError or the like. Modules added later are covered automatically.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
import re
from typing import Any, Callable

import pytest

import course
from course.errors import CourseError


class _Opaque:
    """An object of a type no course function expects."""

    def __repr__(self) -> str:
        return "<opaque>"


BAD_INPUTS: dict[str, Any] = {
    "None": None,
    "wrong type": _Opaque(),
    "NaN": math.nan,
    "out of range": -10**9,
    "empty string": "",
    "unknown id": "no-such-id-xyz",
}

# Parameters whose error message names them in words a student reads rather than by their Python name.
ALIASES = {
    "pid": ("paragraph id",),
    "sid": ("sentence id",),
    "eid": ("event id",),
    "qid": ("question", "self-check"),
    "rid": ("id",),
    "geonameid": ("GeoNames id", "geonameid"),
    "iso": ("country",),
    "code": ("language",),
    "place_id": ("places id", "place id"),
    "word": ("weekday", "month"),
    "start": ("paragraph id",),
}

# Functions exempt from the walk, each with its reason.
_ARGPARSE = "a command-line half (add_arguments_*/cmd_*): only course.cli.main calls it, with argparse's objects"
EXEMPT = {
    "course.cli.main": "the command line: argparse reports bad arguments itself and exits with status 2",
    "course.grading.worker.main": "the grading worker's command line (a subprocess of course grade): argparse "
                                  "reports bad arguments itself and exits with status 2",
    "course.facts.cmd_facts": _ARGPARSE,
    "course.framing.add_arguments_framing": _ARGPARSE,
    "course.framing.cmd_framing": _ARGPARSE,
    "course.grading.items.add_arguments_report": _ARGPARSE,
    "course.grading.items.cmd_report": _ARGPARSE,
    "course.grading.parallel.add_arguments_grade": _ARGPARSE,
    "course.grading.parallel.cmd_grade": _ARGPARSE,
    "course.grading.selfgrade.add_arguments_selfgrade": _ARGPARSE,
    "course.grading.selfgrade.cmd_selfgrade": _ARGPARSE,
    "course.grading.simulate.add_arguments_simulate": _ARGPARSE,
    "course.grading.simulate.cmd_simulate": _ARGPARSE,
    "course.grading.workflow.add_arguments_export": _ARGPARSE,
    "course.grading.workflow.add_arguments_feedback": _ARGPARSE,
    "course.grading.workflow.add_arguments_release": _ARGPARSE,
    "course.grading.workflow.cmd_export": _ARGPARSE,
    "course.grading.workflow.cmd_feedback": _ARGPARSE,
    "course.grading.workflow.cmd_release": _ARGPARSE,
    "course.sources.add_arguments_sources": _ARGPARSE,
    "course.sources.cmd_sources": _ARGPARSE,
    "course.errors.describe": "accepts any value by design (it describes it for an error message)",
    "course.errors.check_type": "the validator itself: its job is to raise for a bad value",
    "course.errors.check_number": "the validator itself: its job is to raise for a bad value",
    "course.errors.check_text": "the validator itself: its job is to raise for a bad value",
    "course.errors.check_items": "the validator itself: its job is to raise for a bad value",
    "course.errors.check_path": "the validator itself: its job is to raise for a bad value",
    "course.errors.closest": "a helper for error messages that accepts any value (it compares str() forms)",
    "course.notebook.short_traceback": "formats an exception that IPython hands over; never called by students",
    "course.grading.execute.GuardedExecute": "an nbgrader preprocessor: traitlets validates its configuration",
    "course.grading.execute.FlagFindings": "an nbgrader preprocessor: traitlets validates its configuration",
    "course.grading.kernels.GuardedKernelManager": "a jupyter_client kernel manager: traitlets validates it",
    "course.grading.kernels.GuardedKernelClient": "a jupyter_client kernel client: traitlets validates it",
    "course.grading.kernels.GuardedSession": "a jupyter_client session: it parses kernel messages, never student input",
    "course.grading.trusted.StudentFunction": "built by the grader from a kernel's reply; never called by students",
    "course.grading.trusted.run_item": "the grader's own call; its input comes from the gradebook",
    "course.testkit.Opaque": "built by the grader from a kernel's reply",

    "course.grading.guard.GuardedExporter": "an nbconvert exporter: traitlets validates its configuration",
    "course.grading.guard.SafeOverwriteCells": "an nbgrader preprocessor: traitlets validates its configuration",
    "course.grading.guard.SafeDeduplicateIds": "an nbgrader preprocessor: traitlets validates its configuration",
    "course.grading.stubs.NamedClearSolutions": "an nbgrader preprocessor: traitlets validates its configuration",
    "course.grading.sandbox.SandboxKernelManager": "a jupyter_client kernel manager: traitlets validates it",
    "course.testkit.Checker": "the grader's checker: a bad value must fail the student's test (AnswerError), "
                              "which tests/test_testkit.py covers",
}


def _modules() -> list[Any]:
    names = ["course"] + [m.name for m in pkgutil.walk_packages(course.__path__, "course.")]
    return [importlib.import_module(n) for n in sorted(names) if not n.endswith("__main__")]


def _callables() -> list[tuple[str, Callable[..., Any]]]:
    found: dict[str, Callable[..., Any]] = {}
    for module in _modules():
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name, None)
            if not callable(obj) or name.startswith("_"):
                continue
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                continue
            home = getattr(obj, "__module__", module.__name__) or module.__name__
            qualified = f"{module.__name__}.{name}" if not home.startswith("course") else f"{home}.{name}"
            found.setdefault(qualified, obj)
            if name.startswith("load_") and inspect.isfunction(obj) and all(
                    p.default is not p.empty for p in inspect.signature(obj).parameters.values()):
                instance = obj()
                for attr in dir(instance):
                    method = getattr(instance, attr)
                    if not attr.startswith("_") and inspect.ismethod(method):
                        found.setdefault(f"{type(instance).__module__}.{type(instance).__name__}.{attr}", method)
    return sorted(found.items())


def _required(fn: Callable[..., Any]) -> list[str] | None:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    return [p.name for p in sig.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "self"]


# Functions without parameters cannot be given bad input; they are left out of the walk.
CALLABLES = [(name, fn) for name, fn in _callables() if name not in EXEMPT and _required(fn)]


def test_the_walk_finds_the_public_api() -> None:
    names = {name for name, _ in CALLABLES}
    assert len(names) >= 30, names
    for expected in ("course.article.load_article", "course.article.Article.paragraph",
                     "course.grading.hostile.tests_after", "course.grading.integrity.scan_cells"):
        assert expected in names, f"{expected} is not walked"


def test_every_exemption_names_a_real_function() -> None:
    everything = {name for name, _ in _callables()}
    stale = sorted(set(EXEMPT) - everything)
    assert not stale, f"exemptions for functions that no longer exist: {stale}"


def _names_a_parameter(message: str, params: list[str]) -> bool:
    text = message.lower()
    for param in params:
        words = (param, param.replace("_", " "), *ALIASES.get(param, ()))
        if any(re.search(rf"\b{re.escape(w.lower())}\b", text) for w in words):
            return True
    return False


@pytest.mark.parametrize("name, fn", CALLABLES, ids=[n for n, _ in CALLABLES])
def test_bad_input_gets_a_friendly_error(name: str, fn: Callable[..., Any]) -> None:
    params = _required(fn) or []
    for kind, bad in BAD_INPUTS.items():
        try:
            fn(*[bad] * len(params))
        except CourseError as err:
            assert str(err).strip(), f"{name}({kind}): an empty message"
            assert _names_a_parameter(str(err), params), (
                f"{name}({kind}): the message {str(err)!r} names none of the parameters {params}")
        except Exception as err:  # noqa: BLE001 - this is what the test is looking for
            pytest.fail(f"{name}({kind} for {', '.join(params)}) raised a raw {type(err).__name__}: {err}")
