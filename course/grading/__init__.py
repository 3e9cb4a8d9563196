"""The course's additions to nbgrader (nbgrader stays the grading engine).

- ``course.grading.stubs``: release stubs that name their exercise
  (``raise NotImplementedError("Exercise 01.3: ...")``), used by ``assignments/nbgrader_config.py``.
- ``course.grading.notebooks``: build submissions (reference, stub, wrong and gaming answers).
- ``course.grading.sandbox``: the bubblewrap sandbox for student kernels and ``configure(c)``, the one
  call that applies the sandbox and the guards to an nbgrader config (see SECURITY.md).
- ``course.grading.guard``: the guarded parts of nbgrader's autograde pipeline.
- ``course.grading.integrity``: the static scan for code that tampers with grading.
- ``course.grading.hostile``: the corpus of hostile submissions and the scores they deserve.
"""

__all__: list[str] = []
