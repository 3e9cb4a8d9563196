"""nbgrader settings for `make lab` (JupyterLab with nbgrader's Formgrader and Assignments tabs).

`make lab` puts this folder on JUPYTER_CONFIG_PATH, so nbgrader's JupyterLab extensions find the course
wherever they look from: they read the course's own assignments/nbgrader_config.py (the course root,
its id and the grading settings), and use a local exchange inside the repository, so a self-learner's
Assignments tab shows the course without a shared /srv/nbgrader/exchange. Nothing else reads this file:
nbgrader commands run from assignments/ (and the tests) use assignments/nbgrader_config.py alone.
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

_COURSE_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assignments"))
load_subconfig(os.path.join(_COURSE_ROOT, "nbgrader_config.py"))  # noqa: F821 - provided by traitlets

# A classroom sets COURSE_EXCHANGE to its shared exchange; a self-learner gets one in the repository.
c.Exchange.root = os.environ.get("COURSE_EXCHANGE") or os.path.join(_COURSE_ROOT, "exchange")
