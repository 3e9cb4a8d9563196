"""A "Reset this lesson" button for the zero-install edition (the lessons in the browser).

In the browser, a lesson that you change and save is kept in the browser's own storage, in front of
the original that the site serves; nothing leaves the browser. Deleting that stored copy brings the
original back. ``reset_button(name)`` shows a button that does this after asking once, and reloads
the lesson in place. The zero-install build puts it at the top of every lesson. In the full edition
a lesson is a file on disk: the widget says how to restore it instead, and deletes nothing.

>>> "contents.delete" in reset_script("00-start.ipynb")
True
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from course.errors import CourseValueError, check_text

__all__ = ["in_browser", "reset_button", "reset_script"]


def in_browser() -> bool:
    """True inside the browser edition (Python compiled to WebAssembly by Pyodide)."""
    return sys.platform == "emscripten"


def reset_script(path: str) -> str:
    """JavaScript that deletes the browser's stored copy of lesson *path* and reloads the original."""
    check_text(path, "path")
    return f"""(async () => {{
  const app = window.jupyterapp, path = {json.dumps(path)};
  if (!app) {{ element.innerText = "Could not reach the page: reload it to see the original lesson."; return; }}
  try {{ await app.serviceManager.contents.delete(path); }} catch (e) {{ /* never saved: nothing stored */ }}
  for (const w of app.shell.widgets("main")) {{
    if (w.context && w.context.path === path) {{ await w.context.revert(); }}
  }}
}})();"""


def reset_button(path: str) -> Any:
    """A button that restores lesson *path* (a file name such as ``'00-start.ipynb'``) to the original."""
    check_text(path, "path")
    if not re.fullmatch(r"[\w.-]+\.ipynb", path):
        raise CourseValueError(f"path must name a lesson notebook such as '00-start.ipynb'; got {path!r}")
    import ipywidgets as w

    if not in_browser():
        return w.HTML(f"<i>Reset this lesson</i> works in the browser edition. Here the lesson is a file on disk: "
                      f"<code>git checkout -- notebooks/{path}</code> restores the original.")
    start = w.Button(description="Reset this lesson", icon="undo", tooltip="Go back to the original lesson")
    confirm = w.Button(description="Yes, reset", button_style="danger", icon="undo")
    cancel = w.Button(description="Keep my work")
    message = w.HTML()
    runner = w.Output(layout=w.Layout(display="none"))
    asking = w.HBox([confirm, cancel], layout=w.Layout(display="none"))

    def ask(_: Any) -> None:
        message.value = (f"This deletes your saved changes to <b>{path}</b> in this browser and reloads the "
                         "original lesson. Your other lessons are not touched.")
        asking.layout.display = "flex"

    def keep(_: Any) -> None:
        message.value, asking.layout.display = "", "none"

    def reset(_: Any) -> None:
        from IPython.display import Javascript, display

        message.value, asking.layout.display = "Restoring the original lesson…", "none"
        with runner:
            display(Javascript(reset_script(path)))

    start.on_click(ask)
    cancel.on_click(keep)
    confirm.on_click(reset)
    box = w.VBox([start, message, asking, runner])
    box.add_class("course-lesson-reset")
    return box
