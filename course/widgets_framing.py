"""The framing reader: the article reader with one highlight layer per technique, and its definition beside it.

Built on ``course.widgets.Reader`` (not a copy of it): this module only makes the layers and a
side panel that explains the technique you pick.

Public API
----------
- ``framing_layers() -> list[Layer]``: one layer per technique that the article uses, coloured by family.
- ``FramingReader(technique=None, start="p02")``: ``select(technique)``, ``show(pid)``, ``html``,
  ``panel_html()``, ``widget``; ``reader`` is the underlying ``Reader``.

>>> from course.widgets_framing import FramingReader
>>> view = FramingReader().select("euphemism")
>>> view.reader.current.id, "ter versterking" in view.html
('p02', True)
"""

from __future__ import annotations

import html
from collections import Counter
from typing import Any

from course.errors import CourseError
from course.widgets import OKABE_ITO, TEXT_GREY, Layer, Reader, display_widget

__all__ = ["FAMILY_COLOURS", "FramingReader", "framing_layers"]

FAMILY_COLOURS = {"softening": "sky", "amplifying": "vermillion", "labelling": "orange",
                  "distancing": "purple", "rallying": "blue", "arguing": "green"}


def framing_layers(article: str | None = None) -> list[Layer]:
    """One highlight layer per technique used in the article; the tooltip names speaker, side and rationale."""
    from course.corpus import load_corpus
    from course.framing import spans, techniques

    corpus = load_corpus(article)
    layers = []
    for t in techniques():
        marks = []
        for s in spans(technique=t.id, article=article):
            who = corpus.get("actors", s.speaker)["name"]
            tip = f"{t.name} · {who} [{s.side}]: {s.rationale}"
            if s.contested:
                tip += f" Contested: {s.contested}"
            marks.append((s.span, tip))
        if marks:
            short = t.definition.split(". ")[0].rstrip(".")
            layers.append(Layer(t.id, t.name, FAMILY_COLOURS[t.family], tuple(marks), short))
    return layers


class FramingReader:
    """The article reader with framing layers, plus a panel with the selected technique's definition."""

    def __init__(self, technique: str | None = None, start: str = "p02", article: str | None = None) -> None:
        self._article = article
        self.reader = Reader(layers=framing_layers(article), start=start, article=article)
        self.selected: str | None = None
        self._widget: Any = None
        if technique is not None:
            self.select(technique)

    def select(self, technique: str) -> "FramingReader":
        """Highlight only *technique*, jump to its first paragraph and explain it in the panel."""
        from course.framing import spans
        from course.framing import technique as lookup

        t = lookup(technique)
        if t.id not in self.reader.layers:
            raise CourseError(f"the article has no span labelled {t.id!r}, so there is nothing to highlight")
        for name in self.reader.layers:
            self.reader.toggle(name, name == t.id)
        self.selected = t.id
        self.reader.show(spans(technique=t.id, article=self._article)[0].paragraph)
        return self._refresh()

    def show(self, pid: str) -> "FramingReader":
        """Show paragraph *pid* (highlights stay as they are)."""
        self.reader.show(pid)
        return self._refresh()

    def panel_html(self) -> str:
        """HTML for the side panel: definition, cues, SemEval labels and where the technique occurs."""
        from course.framing import spans, technique
        from course.language import mark_dutch

        if self.selected is None:
            return (f"<div style='color:{TEXT_GREY}'>Pick a technique to see its definition, its research labels "
                    "and every place the article uses it.</div>")
        t = technique(self.selected)
        colour = OKABE_ITO[FAMILY_COLOURS[t.family]]
        found = spans(technique=t.id, article=self._article)
        here = [s for s in found if s.paragraph == self.reader.current.id]
        labels = "".join(
            f"<li>{name}: <code>{html.escape(m.label)}</code>{'' if m.fit == 'same' else f' ({m.fit})'}"
            + (f" <span style='color:{TEXT_GREY}'>{html.escape(m.note)}</span>" if m.note else "") + "</li>"
            if m.label else f"<li>{name}: no label. <span style='color:{TEXT_GREY}'>{html.escape(m.note)}</span></li>"
            for name, m in (("SemEval-2020", t.semeval2020), ("SemEval-2023", t.semeval2023)))
        places = Counter((s.paragraph, s.speaker) for s in found)
        where = ", ".join(f"{pid} ({html.escape(who)}{f' ×{n}' if n > 1 else ''})" for (pid, who), n in places.items())
        current = "".join(f"<li>“<span lang='nl'>{html.escape(s.quote)}</span>”: {mark_dutch(s.rationale, whole=False, article=self._article)}"
                          + (f" <i>Contested: {mark_dutch(s.contested, whole=False, article=self._article)}</i>" if s.contested else "") + "</li>"
                          for s in here)
        return (f"<div class='framing-panel' lang='en' style='border-left:4px solid {colour[0]};padding-left:8px;"
                f"line-height:1.45'>"
                f"<b>{html.escape(t.name)}</b> <span style='color:{TEXT_GREY}'>({t.family})</span>"
                f"<p>{html.escape(t.definition)}</p>"
                f"<p><b>Look for:</b> {mark_dutch(t.look_for, whole=False, article=self._article)}</p>"
                f"<p><b>An example from elsewhere:</b> {mark_dutch(t.example, whole=False, article=self._article)}</p>"
                f"<ul style='padding-left:1.2em'>{labels}</ul>"
                f"<p><b>In the article:</b> {where}</p>"
                + (f"<p><b>In this paragraph:</b></p><ul style='padding-left:1.2em'>{current}</ul>" if current else "")
                + "</div>")

    @property
    def html(self) -> str:
        """The paragraph on show (with highlights) followed by the panel, as HTML."""
        return self.reader.html + self.panel_html()

    @property
    def widget(self) -> Any:
        """The ipywidgets box: a technique picker, the reader, and the definition panel beside it."""
        if self._widget is None:
            self._widget = self._build()
        return self._widget

    def _build(self) -> Any:
        import ipywidgets as w

        from course.framing import technique

        options = [("(choose a technique)", None)] + [(technique(n).name, n) for n in self.reader.layers]
        self._w_pick = w.Dropdown(options=options, value=self.selected, description="Technique",
                                  style={"description_width": "initial"}, layout=w.Layout(width="28em"))
        # the definition beside the reader on a wide screen, under it on a narrow one; never a thin column
        self._w_panel = w.HTML(self.panel_html(), layout=w.Layout(flex="1 1 20em", min_width="300px"))
        self._w_message = w.HTML()
        inner = self.reader.widget
        inner.layout.flex = "2 1 34em"
        inner.layout.min_width = "300px"

        def pick(change: Any) -> None:
            if change["new"] is None:
                return
            try:
                self.select(change["new"])
                self._w_message.value = ""
            except CourseError as err:
                self._w_message.value = f"<span style='color:#b2182b'>✘ {html.escape(str(err))}</span>"

        def follow(_: Any) -> None:  # the reader's own buttons move the paragraph: keep the panel in step
            self._w_panel.value = self.panel_html()

        self._w_pick.observe(pick, names="value")
        for row in inner.children:
            for child in getattr(row, "children", ()):
                if isinstance(child, w.Button):
                    child.on_click(follow)
                elif isinstance(child, w.Dropdown):
                    child.observe(follow, names="value")
        box = w.VBox([self._w_pick, self._w_message,
                      w.HBox([inner, self._w_panel], layout=w.Layout(flex_flow="row wrap", align_items="flex-start",
                                                                     grid_gap="1em", width="100%"))],
                     layout=w.Layout(width="100%"))
        box.add_class("course-widget")
        box.add_class("course-framing-reader")
        return box

    def _refresh(self) -> "FramingReader":
        if self._widget is not None:
            if self._w_pick.value != self.selected:
                self._w_pick.value = self.selected
            self._w_panel.value = self.panel_html()
        return self

    def _ipython_display_(self) -> None:
        display_widget(self.widget)

    def __repr__(self) -> str:
        return f"<FramingReader on {self.reader.current.id}; technique: {self.selected or 'none'}>"
