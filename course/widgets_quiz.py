"""The self-check widget: a question, its options (or a text box), Check, feedback, and a way out.

Built with anywidget, so the page is the course's own HTML: a ``<fieldset>`` with a ``<legend>`` and
real radio buttons, a labelled text box, a live feedback region, and keyboard behaviour that works
inside JupyterLab:

- Enter in the text box or on an option checks the answer;
- changing the answer clears the old feedback (it no longer applies);
- arrow keys move the radio selection and stay inside the widget (JupyterLab's notebook shortcuts are
  suppressed there, so they do not move or duplicate cells);
- every control has a visible focus ring (3 px, 8.6:1 against white).

After two wrong tries (or a right answer) a "Show the reasoning" button appears; it shows the record's
worked ``explanation`` and its ``answer_text`` (lessons are not graded), or a friendly note when the
record has none yet. The checking is ``course.checks`` (``quiz(qid)`` builds this widget and hands it the
record and the checking functions); this module only draws and listens.

>>> from course.checks import quiz
>>> q = quiz("00.1")
>>> q.submit("3").status, q.tries
('wrong', 1)
>>> q.submit("4").status
'right'
"""

from __future__ import annotations

import html
from typing import Any

from course.errors import CourseTypeError, CourseValueError

__all__ = ["Quiz"]

FOCUS = "#1a4e8a"  # focus ring and links: 8.6:1 on white
RIGHT, WRONG = "#1b6e33", "#b2182b"  # 6.2:1 and 6.4:1 on white

_ESM = """
function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
function render({ model, el: root }) {
  root.classList.add('course-widget', 'course-quiz');
  root.setAttribute('data-lm-suppress-shortcuts', 'true');  // JupyterLab: no notebook shortcuts in here
  const uid = 'q' + Math.random().toString(36).slice(2, 10);
  const form = el('form', { class: 'course-quiz-form', novalidate: '' });
  form.addEventListener('submit', e => { e.preventDefault(); check(); });
  const kind = model.get('kind');
  let read;
  if (kind === 'choice') {
    const set = el('fieldset', { class: 'course-quiz-options' });
    const legend = el('legend');
    legend.innerHTML = model.get('prompt_html');
    set.append(legend);
    model.get('options_html').forEach((label, i) => {
      const id = `${uid}-${i}`;
      const row = el('div', { class: 'course-quiz-option' });
      const input = el('input', { type: 'radio', name: uid, id, value: String.fromCharCode(65 + i) });
      const lab = el('label', { for: id });
      lab.innerHTML = label;
      row.append(input, lab);
      set.append(row);
    });
    form.append(set);
    read = () => { const c = form.querySelector('input[type=radio]:checked'); return c ? c.value : ''; };
  } else {
    const prompt = el('p', { class: 'course-quiz-prompt', id: `${uid}-prompt` });
    prompt.innerHTML = model.get('prompt_html');
    const lab = el('label', { for: `${uid}-text`, class: 'course-quiz-label' }, 'Your answer');
    const help = el('span', { id: `${uid}-help`, class: 'course-quiz-help' }, model.get('input_help'));
    const input = el('input', { type: 'text', id: `${uid}-text`, autocomplete: 'off', spellcheck: 'false',
                                'aria-describedby': `${uid}-prompt ${uid}-help` });
    form.append(prompt, lab, input, help);
    read = () => input.value;
  }
  const row = el('div', { class: 'course-quiz-actions' });
  const button = el('button', { type: 'submit', class: 'course-quiz-check' }, 'Check');
  const reveal = el('button', { type: 'button', class: 'course-quiz-reveal', 'aria-expanded': 'false',
                                'aria-controls': `${uid}-reasoning` }, 'Show the reasoning');
  row.append(button, reveal);
  form.append(row);
  const feedback = el('div', { class: 'course-quiz-feedback', role: 'status', 'aria-live': 'polite' });
  const reasoning = el('div', { class: 'course-quiz-reasoning', id: `${uid}-reasoning`, tabindex: '-1' });
  root.replaceChildren(form, feedback, reasoning);

  function check() { model.send({ event: 'check', value: read() }); }
  form.addEventListener('input', () => {  // a changed answer makes the old feedback stale
    if (feedback.innerHTML) { feedback.innerHTML = ''; model.send({ event: 'edit' }); }
  });
  form.addEventListener('keydown', e => {
    if (e.key === 'Enter' && e.target.matches('input')) { e.preventDefault(); check(); }
    e.stopPropagation();  // arrows, Enter, letters: the widget's, not the notebook's
  });
  reveal.addEventListener('click', () => model.send({ event: 'reveal' }));
  function sync() {
    feedback.innerHTML = model.get('feedback_html');
    feedback.dataset.status = model.get('status');
    reveal.hidden = !model.get('can_reveal');
    reasoning.innerHTML = model.get('reasoning_html');
    reasoning.hidden = !model.get('reasoning_html');
    reveal.setAttribute('aria-expanded', String(!!model.get('reasoning_html')));
  }
  model.on('change:feedback_html', sync);
  model.on('change:can_reveal', sync);
  model.on('change:reasoning_html', () => { sync(); if (model.get('reasoning_html')) reasoning.focus(); });
  sync();
}
export default { render };
"""

_CSS = f"""
.course-quiz {{ font-size: 14px; line-height: 1.45; color: #1f1f1f; max-width: 52em; margin: 0.3em 0; }}
.course-quiz fieldset {{ border: 1px solid #8c8c8c; border-radius: 4px; padding: 0.4em 0.8em 0.6em; margin: 0; }}
.course-quiz legend {{ padding: 0 0.3em; font-weight: normal; }}
.course-quiz-option {{ display: flex; align-items: flex-start; gap: 0.5em; margin: 0.35em 0; }}
.course-quiz-option input {{ flex: none; margin: 0.2em 0 0 0; width: 1.1em; height: 1.1em; }}
.course-quiz-option label {{ flex: 1; cursor: pointer; }}
.course-quiz-prompt {{ margin: 0 0 0.4em; }}
.course-quiz-label {{ display: block; font-weight: bold; margin-bottom: 0.2em; }}
.course-quiz input[type=text] {{ font: inherit; padding: 0.25em 0.4em; border: 1px solid #6e6e6e; border-radius: 3px;
  width: 22em; max-width: 100%; }}
.course-quiz-help {{ display: block; color: #4a4a4a; font-size: 0.92em; margin-top: 0.15em; }}
.course-quiz-actions {{ margin-top: 0.5em; display: flex; gap: 0.6em; flex-wrap: wrap; }}
.course-quiz button {{ font: inherit; padding: 0.3em 1.1em; border-radius: 3px; cursor: pointer; }}
.course-quiz-check {{ background: {FOCUS}; color: #fff; border: 1px solid {FOCUS}; }}
.course-quiz-reveal {{ background: #fff; color: {FOCUS}; border: 1px solid {FOCUS}; }}
.course-widget.course-quiz :focus-visible {{ outline: 3px solid {FOCUS} !important; outline-offset: 2px !important; }}
.course-quiz-feedback {{ margin-top: 0.4em; }}
.course-quiz-feedback[data-status=right] {{ color: {RIGHT}; }}
.course-quiz-feedback[data-status=wrong], .course-quiz-feedback[data-status=error] {{ color: {WRONG}; }}
.course-quiz-feedback .course-quiz-says {{ color: #1f1f1f; }}
.course-quiz-reasoning {{ margin-top: 0.5em; padding: 0.5em 0.8em; border-left: 4px solid {FOCUS};
  background: #f3f6fa; }}
.course-quiz-reasoning p {{ margin: 0.3em 0; }}
"""

_INPUT_HELP = {"int": "A whole number, such as 12.", "float": "A number; use a point or a comma for decimals.",
               "text": "", "set": "Separate the items with commas.", "list": "Separate the items with commas, in order."}


def _quiz_class() -> type:
    import anywidget
    import traitlets as t

    class QuizWidget(anywidget.AnyWidget):  # type: ignore[misc, valid-type]
        _esm = _ESM
        _css = _CSS
        qid = t.Unicode().tag(sync=True)
        kind = t.Unicode().tag(sync=True)
        prompt_html = t.Unicode().tag(sync=True)
        options_html = t.List(t.Unicode()).tag(sync=True)
        input_help = t.Unicode().tag(sync=True)
        feedback_html = t.Unicode().tag(sync=True)
        status = t.Unicode().tag(sync=True)
        can_reveal = t.Bool(False).tag(sync=True)
        reasoning_html = t.Unicode().tag(sync=True)

    return QuizWidget


_WIDGET_CLASS: list[type] = []


class Quiz:
    """A self-check as a widget (``widget``), with the same behaviour callable from Python (``submit(text)``,
    ``reveal()``) so that tests and the zero-install edition can drive it.

    *record* is the self-check's record; *check_text(text)* checks what was typed and returns a
    ``course.checks.Feedback``; *reasoning()* returns what "Show the reasoning" shows (``.html()``).
    """

    TRIES_BEFORE_REASONING = 2

    def __init__(self, record: Any, check_text: Any, reasoning: Any) -> None:
        from course.language import mark_dutch

        if not callable(check_text) or not callable(reasoning):
            raise CourseTypeError("check_text and reasoning must be functions (course.checks.quiz passes them)")
        self.record = record
        self._check_text = check_text
        self._reasoning = reasoning
        self.qid = self.record["id"]
        self.tries = 0
        self.solved = False
        self.status = ""
        self.feedback_html = ""
        self.reasoning_html = ""
        q = self.record
        self.prompt_html = f"<b>Self-check {html.escape(self.qid)}.</b> {mark_dutch(q['question'])}"
        glosses = q.get("options_en", [])
        self.options_html = [
            f"<b>{chr(ord('A') + i)}.</b> {mark_dutch(o)}"
            + (f" <span class='course-quiz-help' lang='en'>({html.escape(glosses[i])})</span>" if i < len(glosses) else "")
            for i, o in enumerate(q.get("options", []))]
        self._widget: Any = None

    @property
    def can_reveal(self) -> bool:
        """True once the learner has tried twice without success, or has the answer right."""
        return self.solved or self.tries >= self.TRIES_BEFORE_REASONING

    def submit(self, text: str) -> "Quiz":
        """Check *text* (what was typed, or the letter picked) and update the feedback."""
        if not isinstance(text, str):
            raise CourseTypeError(f"submit() takes the answer as text, as typed; got {type(text).__name__}")
        try:
            feedback = self._check_text(text)
        except (CourseValueError, CourseTypeError) as err:
            self.status, self.feedback_html = "error", f"✘ {html.escape(str(err))}"
        else:
            self.status = "right" if feedback.correct else "wrong"
            self.solved = self.solved or feedback.correct
            self.tries += 0 if feedback.correct else 1
            mark = "✔ Right" if feedback.correct else f"✘ Not yet (try {self.tries})"
            self.feedback_html = (f"<b>{mark}:</b> <span class='course-quiz-says'>{html.escape(feedback.message)}"
                                  "</span>")
            if self.can_reveal and not feedback.correct and not self.reasoning_html:
                self.feedback_html += " <span class='course-quiz-says'>Stuck? Press Show the reasoning.</span>"
        return self._sync()

    def edit(self) -> "Quiz":
        """The answer changed: the old feedback no longer applies."""
        self.status, self.feedback_html = "", ""
        return self._sync()

    def reveal(self) -> "Quiz":
        """Show the worked explanation and the answer (only once ``can_reveal``)."""
        if not self.can_reveal:
            raise CourseValueError(f"self-check {self.qid}: try twice first; the reasoning opens after two tries")
        self.reasoning_html = self._reasoning().html()
        return self._sync()

    # -- the widget ---------------------------------------------------------------------------
    @property
    def widget(self) -> Any:
        """The anywidget view (built on first use)."""
        if self._widget is None:
            if not _WIDGET_CLASS:
                _WIDGET_CLASS.append(_quiz_class())
            self._widget = _WIDGET_CLASS[0](qid=self.qid, kind="choice" if self.record["kind"] == "choice" else "text",
                                            prompt_html=self.prompt_html, options_html=self.options_html,
                                            input_help=_INPUT_HELP.get(self.record["kind"], ""))
            self._widget.on_msg(self._on_msg)
            self._sync()
        return self._widget

    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        event = content.get("event") if isinstance(content, dict) else None
        if event == "check":
            self.submit(str(content.get("value", "")))
        elif event == "edit":
            self.edit()
        elif event == "reveal" and self.can_reveal:
            self.reveal()

    def _sync(self) -> "Quiz":
        if self._widget is not None:
            self._widget.status = self.status
            self._widget.can_reveal = self.can_reveal
            self._widget.reasoning_html = self.reasoning_html
            self._widget.feedback_html = self.feedback_html
        return self

    def _ipython_display_(self) -> None:
        from course.widgets import display_widget

        display_widget(self.widget)

    def __repr__(self) -> str:
        return f"<Quiz {self.qid}: {self.tries} wrong tries; {'solved' if self.solved else 'open'}>"
