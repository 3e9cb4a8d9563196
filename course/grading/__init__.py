"""The course's additions to nbgrader (nbgrader stays the grading engine).

- ``course.grading.stubs``: release stubs that name their exercise
  (``raise NotImplementedError("Exercise 01.3: ...")``), used by ``assignments/nbgrader_config.py``.
"""

__all__: list[str] = []
