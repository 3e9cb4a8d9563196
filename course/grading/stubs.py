"""Release stubs that say which exercise is missing, for ``nbgrader generate_assignment``.

nbgrader replaces each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region with one fixed code
stub. ``NamedClearSolutions`` fills the stub's ``{exercise}`` from the cell's grade id, so a student
who runs an unfinished cell reads "Exercise 01.3: ..." instead of a bare NotImplementedError.

>>> exercise_label("ex01_3")
'Exercise 01.3'
>>> exercise_label("ex01_c2")
'Exercise 01.C2'
"""

from __future__ import annotations

import re
from typing import Any

from nbgrader.preprocessors import ClearSolutions

from course.errors import check_type

__all__ = ["CODE_STUB", "NamedClearSolutions", "exercise_label"]

CODE_STUB = '# YOUR CODE HERE\nraise NotImplementedError("{exercise}: replace this line with your answer")'
_GRADE_ID = re.compile(r"^ex(\d{2})_(c?)(\d+)")


def exercise_label(grade_id: str) -> str:
    """'ex01_3' -> 'Exercise 01.3', 'ex01_c2' -> 'Exercise 01.C2' (coding track); other grade ids as they are."""
    if grade_id is not None:
        check_type(grade_id, str, "grade_id")
    m = _GRADE_ID.match(grade_id or "")
    return f"Exercise {m.group(1)}.{m.group(2).upper()}{m.group(3)}" if m else (grade_id or "this exercise")


class NamedClearSolutions(ClearSolutions):
    """ClearSolutions whose code stub names the exercise of the cell it replaces."""

    def preprocess_cell(self, cell: Any, resources: Any, cell_index: int) -> Any:
        label = exercise_label(cell.metadata.get("nbgrader", {}).get("grade_id", ""))
        original = dict(self.code_stub)
        self.code_stub = {lang: stub.replace("{exercise}", label) for lang, stub in original.items()}
        try:
            return super().preprocess_cell(cell, resources, cell_index)
        finally:
            self.code_stub = original
