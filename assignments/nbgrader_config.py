"""nbgrader configuration for the course. This folder (assignments/) is the nbgrader course root.

Run nbgrader from here: cd assignments && nbgrader generate_assignment 00-warmup
release/, submitted/, autograded/, feedback/ and gradebook.db are generated (and git-ignored).
"""

import os

from nbgrader.converters.generate_assignment import GenerateAssignment
from nbgrader.preprocessors import ClearSolutions

from course.grading.gradebook import tool_env
from course.grading.stubs import CODE_STUB, NamedClearSolutions

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

# nbgrader runs `alembic` (and Jupyter's kernels) by name: put the tools of the interpreter that runs
# nbgrader first on PATH, so `../.venv/bin/nbgrader ...` works without activating the environment.
os.environ["PATH"] = tool_env()["PATH"]

# Capstone part 2's answer key is hidden in notebooks (course/answerkey.py). `nbgrader validate` runs the
# source notebook's hidden tests in a kernel, so the course's nbgrader commands may read it.
os.environ.setdefault("COURSE_ANSWER_KEY", "1")

c.CourseDirectory.course_id = "war-reporting"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# A database URL from the environment (for example PostgreSQL) overrides the SQLite default.
if os.environ.get("COURSE_DB_URL"):
    c.CourseDirectory.db_url = os.environ["COURSE_DB_URL"]

# Stubs name their exercise: raise NotImplementedError("Exercise 01.3: replace this line ...")
c.ClearSolutions.code_stub = {"python": CODE_STUB}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.GenerateAssignment.preprocessors = [
    NamedClearSolutions if p is ClearSolutions else p
    for p in GenerateAssignment.class_traits()["preprocessors"].default()
]

# A test cell that runs longer than this fails instead of stalling the class.
c.ExecutePreprocessor.timeout = 60
c.Execute.timeout = 60
# Put back test cells a student deleted, so they still count (as failed).
c.OverwriteCells.add_missing_cells = True

# Safe grading (course/grading/config.py, SECURITY.md): student kernels run in the bubblewrap sandbox
# (COURSE_SANDBOX=auto|required|off), test cells run outside the kernel, submissions are checked by guards.
from course.grading.config import configure as configure_safe_grading  # noqa: E402

configure_safe_grading(c)
