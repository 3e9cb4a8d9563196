"""The nbgrader configuration that makes grading safe: the course's executor, guards and sandbox.

nbgrader stays the grading engine; this module swaps the course's own subclasses of nbgrader's parts
into its configuration, so stock ``nbgrader autograde`` (through ``assignments/nbgrader_config.py``)
and the course's tools (``course grade``, ``course selfgrade``) grade the same way:

- ``course.grading.guard``: submissions are read without trusting them (``GuardedExporter``), and the
  instructor's cells are put back (``SafeDeduplicateIds``, ``SafeOverwriteCells``);
- ``course.grading.execute``: student cells run in the sandboxed kernel, test cells run outside it
  (``GuardedExecute``), and every finding is flagged in the gradebook (``FlagFindings``);
- ``course.grading.feedback``: feedback pages show scores and what each test found, never its code.

Public API
----------
- ``configure(c, mode=None) -> c``: apply all of it to an nbgrader config object.
- ``nbgrader_config(mode=None) -> Config``: the same, as a new traitlets Config.
- ``kernel_config() -> Config``: what ``course grade`` and ``selfgrade`` merge into their nbgrader app.
- ``inprocess_alembic()``: nbgrader stamps new gradebooks without running the ``alembic`` program.

The sandbox *mode* (``auto``, ``required``, ``off``) defaults to the ``COURSE_SANDBOX`` variable.

>>> nbgrader_config("off").GuardedExecute.sandbox
'off'
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from course.errors import CourseValueError, check_type

__all__ = ["configure", "inprocess_alembic", "kernel_config", "nbgrader_config"]


@functools.lru_cache(maxsize=None)
def _alembic_head() -> str:
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    import nbgrader

    config = AlembicConfig()
    config.set_main_option("script_location", str(Path(nbgrader.__file__).parent / "alembic"))
    return ScriptDirectory.from_config(config).get_current_head()


def inprocess_alembic() -> None:
    """Make nbgrader read its gradebook schema version in this process, not from an ``alembic`` found on PATH.

    nbgrader stamps every new gradebook with the head of its migrations by running the ``alembic``
    command: a second Python start-up (about 1 s, far more on a busy machine) and whatever program of
    that name comes first on PATH. The same head, read with alembic's own API, is cached per process.
    """
    import nbgrader.api

    nbgrader.api.get_alembic_version = _alembic_head


def configure(c: Any, mode: str | None = None) -> Any:
    """Apply the sandbox, the executor and the grading guards to an nbgrader config object *c*; returns *c*."""
    inprocess_alembic()
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import CheckCellMetadata, DeduplicateIds, Execute, OverwriteCells, SaveAutoGrades
    from traitlets.config import Config

    from course.grading.execute import FlagFindings, GuardedExecute
    from course.grading.feedback import FeedbackExporter, template_dirs
    from course.grading.guard import (CachedCheckCellMetadata, GuardedExporter, SafeDeduplicateIds,
                                      SafeOverwriteCells)
    from course.grading.sandbox import MODES, mode_from_env

    check_type(c, Config, "c")
    mode = mode_from_env() if mode is None else mode
    if mode not in MODES:
        raise CourseValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
    c.GuardedExecute.sandbox = mode
    c.Autograde.exporter_class = GuardedExporter
    swap = {OverwriteCells: SafeOverwriteCells, DeduplicateIds: SafeDeduplicateIds,
            CheckCellMetadata: CachedCheckCellMetadata, Execute: GuardedExecute}
    c.Autograde.sanitize_preprocessors = [swap.get(p, p) for p in Autograde.class_traits()["sanitize_preprocessors"].default()]
    autograde: list[Any] = []
    for p in Autograde.class_traits()["autograde_preprocessors"].default():
        autograde.append(swap.get(p, p))
        if p is SaveAutoGrades:
            autograde.append(FlagFindings)
    c.Autograde.autograde_preprocessors = autograde
    # Feedback shows scores and what the tests found, never their code (course.grading.feedback).
    c.GenerateFeedback.exporter_class = FeedbackExporter
    c.FeedbackExporter.template_name = "course_feedback"
    c.FeedbackExporter.extra_template_basedirs = template_dirs()
    return c


def nbgrader_config(mode: str | None = None) -> Any:
    """A traitlets Config with the sandbox, executor and guards, for tools that drive nbgrader from Python."""
    from traitlets.config import Config

    return configure(Config(), mode)


def kernel_config() -> Any:
    """The configuration ``course grade`` and ``course selfgrade`` apply, whatever the course folder's own
    nbgrader_config.py says: the sandbox, the executor and the guards."""
    return nbgrader_config()
