"""The article reader: paragraph by paragraph, Dutch or English, with annotations highlighted on demand.

>>> from course.widgets import Reader
>>> reader = Reader()
>>> reader.show("p03").toggle("places").html.count("<mark") > 0
True

In a notebook, ``Reader()`` as the last line of a cell displays the widget. Other modules add
layers (claims, attributions, framing techniques) by passing ``Layer`` objects.

Public API
----------
- ``Reader(layers=None, start="p01")``: ``show(pid)``, ``next()``, ``previous()``,
  ``language(code)``, ``toggle(layer, on=None)``, ``html``, ``widget``
- ``Layer(name, label, colour, marks)``: a highlight layer; ``marks`` are ``(Span, tooltip)`` pairs.
- ``builtin_layers()``: places, actors, quotations and glossary terms from the corpus.
- ``render_paragraph(article, paragraph, layers, notes=None)``: the HTML for one paragraph.
- ``display_widget(widget)``: show a course widget, with a note that tells a learner who reopened a saved
  lesson to run its cells again (shown only while the widget cannot be drawn).

Accessibility: the controls are labelled checkboxes and a labelled dropdown (their state is the
browser's own), every highlight has an underline style of its own as well as a colour, and every
highlight is numbered, with its details listed under the paragraph (no hover needed).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Iterable

from course.article import Article, Paragraph, Span, load_article
from course.errors import CourseError, CourseTypeError, check_type, unknown

__all__ = ["OKABE_ITO", "UNDERLINES", "Layer", "Reader", "builtin_layers", "display_widget", "render_paragraph"]

# Okabe & Ito's palette, safe for the common forms of colour blindness, with light tints for backgrounds.
OKABE_ITO = {
    "orange": ("#E69F00", "#fbe3b0"),
    "sky": ("#56B4E9", "#cfe8f8"),
    "green": ("#009E73", "#b7e6d9"),
    "yellow": ("#F0E442", "#faf6c2"),
    "blue": ("#0072B2", "#b8d5ea"),
    "vermillion": ("#D55E00", "#f5c9a8"),
    "purple": ("#CC79A7", "#f0d4e4"),
    "grey": ("#777777", "#e4e4e4"),
}


# Colour is never the only cue: each layer colour also has its own underline style.
UNDERLINES = {"orange": "solid", "sky": "double", "green": "dashed", "yellow": "wavy", "blue": "solid",
              "vermillion": "dotted", "purple": "wavy", "grey": "dashed"}
TEXT_GREY = "#4a4a4a"  # secondary text on white: 8.9:1

_STALE_NOTE = (
    "<style>.jp-OutputArea-child:has(+ .jp-OutputArea-child .course-widget) .course-stale-note {display: none}"
    "</style><div class='course-stale-note' lang='en' style='border-left:4px solid #8a5a00;padding:2px 8px;"
    "color:#1f1f1f;background:#fff6e0'><b>This interactive part runs in Python.</b> If the next line says "
    "<i>Error displaying widget: model not found</i>, the lesson was saved and opened again: run the cells "
    "again (menu <b>Run ▸ Run All Cells</b>, or select this cell and press Shift+Enter).</div>")


def display_widget(widget: Any) -> None:
    """Display a course widget after a note that shows only while the widget cannot be drawn (a saved
    lesson opened again, before its cells run): the note tells the learner what to do."""
    from IPython.display import display

    display({"text/html": _STALE_NOTE, "text/plain": "(an interactive widget: run the cell to use it)"}, raw=True)
    display(widget)


def _mark_style(colour: str) -> str:
    strong, tint = OKABE_ITO[colour]
    return (f"background:{tint};text-decoration:underline {UNDERLINES[colour]} {strong};"
            "text-decoration-thickness:2px;text-underline-offset:3px;text-decoration-skip-ink:none")


@dataclass(frozen=True)
class Layer:
    """A set of highlighted spans: *marks* are ``(Span, tooltip)`` pairs; *colour* is an OKABE_ITO key."""

    name: str
    label: str
    colour: str
    marks: tuple[tuple[Span, str], ...] = field(default=())
    description: str = ""

    def __post_init__(self) -> None:
        if self.colour not in OKABE_ITO:
            raise unknown("layer colour", self.colour, OKABE_ITO)


def builtin_layers(article: str | None = None) -> list[Layer]:
    """The foundation's layers of *article* (None: the seed): place and actor mentions, quotations, glossary terms."""
    from course.corpus import load_corpus, word_occurrences

    corpus = load_corpus(article)
    art = corpus.article
    place_marks: list[tuple[Span, str]] = []
    explicit = {}
    for place in corpus.records("places"):
        for m in place.get("mentions", ()):
            explicit[m["span"].start] = (m["span"], f"{place['name']} ({place['kind']})" + (f" — {m['note']}" if m.get("note") else ""))
    spelled = {w: p for p in corpus.records("places") if not p.get("mentions")
               for w in (*p["spellings"], *p.get("misspellings", ()))}
    for word, span in word_occurrences(art, list(spelled)):
        p = spelled[word]
        slip = " — misspelt in the article" if word in p.get("misspellings", ()) else ""
        explicit.setdefault(span.start, (span, f"{p['name']} ({p['kind']}){slip}"))
    place_marks = sorted(explicit.values(), key=lambda m: m[0].start)
    actor_marks = sorted(((m["span"], f"{a['name']}: {a['role']} [{a['side']}]")
                          for a in corpus.records("actors") for m in a.get("mentions", ())),
                         key=lambda m: m[0].start)
    quote_marks = [(q.outer, f"quotation {q.id}: opened with {q.open_mark} and "
                    + (f"closed with {q.close_mark}" if q.closed else "never closed")) for q in art.quotations]
    term_marks = sorted(((u["span"], f"{t['nl']} = {t['en']}" + (f". {t['note']}" if t.get("note") else ""))
                         for t in corpus.records("glossary") for u in t["uses"]), key=lambda m: m[0].start)
    return [
        Layer("places", "Places", "sky", tuple(place_marks), "places, with their GeoNames records"),
        Layer("actors", "People & organisations", "orange", tuple(actor_marks), "who is named, and for which side"),
        Layer("quotations", "Quotations", "green", tuple(quote_marks), "direct quotations, whatever their quote marks"),
        Layer("glossary", "Key Dutch terms", "purple", tuple(term_marks), "terms explained in the glossary"),
    ]


def render_paragraph(article: Article, paragraph: Paragraph, layers: Iterable[Layer],
                     notes: list[tuple[int, Layer, str]] | None = None) -> str:
    """HTML for *paragraph* with every mark of *layers* highlighted (overlaps shown as extra underlines).

    With a *notes* list, each mark also gets a number after it, and ``(number, layer, details)`` is
    appended to *notes* for a list under the paragraph: details reachable without a mouse.
    """
    check_type(article, Article, "article")
    check_type(paragraph, Paragraph, "paragraph")
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise CourseTypeError(f"layers must be a list of Layer objects; got {type(layers).__name__}")
    layers = list(layers)
    for layer in layers:
        check_type(layer, Layer, "each of layers")
    lo, hi = paragraph.start, paragraph.end
    cuts = {lo, hi}
    furniture = paragraph.parts.get("furniture")
    if furniture:
        cuts |= {furniture.start, furniture.end}
    here = sorted(((span, layer, tip) for layer in layers for span, tip in layer.marks
                   if span.end > lo and span.start < hi), key=lambda m: (m[0].start, -m[0].end))
    for span, _, _ in here:
        cuts |= {max(lo, span.start), min(hi, span.end)}
    refs: dict[int, list[int]] = {}  # end offset -> note numbers of the marks that end there
    if notes is not None:
        for span, layer, tip in here:
            number = len(notes) + 1
            notes.append((number, layer, tip))
            refs.setdefault(min(hi, span.end), []).append(number)
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:]):
        text = html.escape(article.text[a:b])
        if furniture and furniture.start <= a < furniture.end:
            out.append(f"<span class='furniture' title='page furniture: a button label, not article text' "
                       f"style='color:{TEXT_GREY};font-size:85%'>[{text}]</span>")
            continue
        active = [(layer, tip) for span, layer, tip in here if span.start <= a and b <= span.end]
        if active:
            first = active[0][0]
            lines = [OKABE_ITO[layer.colour][0] for layer, _ in active[1:]]
            shadow = ", ".join(f"inset 0 -{2 * (i + 1)}px 0 {c}" for i, c in enumerate(lines))
            style = _mark_style(first.colour) + (f";box-shadow:{shadow}" if shadow else "")
            tip = html.escape(" | ".join(dict.fromkeys(t for _, t in active)), quote=True)
            names = " ".join(dict.fromkeys(layer.name for layer, _ in active))
            out.append(f"<mark class='{names}' title='{tip}' style='{style};color:inherit;padding:0 1px'>{text}</mark>")
        else:
            out.append(text)
        if b in refs:
            out.append("<sup class='mark-ref' style='font-size:75%'>" + ",".join(map(str, refs[b])) + "</sup>")
    return "".join(out)


class Reader:
    """An ipywidgets reader for the article (also usable without a browser: see ``html``)."""

    LANGUAGES = {"nl": "Nederlands", "en": "English"}

    def __init__(self, layers: Iterable[Layer] | None = None, start: str = "p01", article: str | None = None) -> None:
        from course.corpus import load_corpus

        if layers is not None and (isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__")):
            raise CourseTypeError(f"layers must be a list of Layer objects; got {type(layers).__name__}")
        corpus = load_corpus(article)
        self.article = corpus.article
        self.layers = {layer.name: layer for layer in (builtin_layers(article) if layers is None else layers)}
        for layer in self.layers.values():
            check_type(layer, Layer, "layer")
        self.gloss = {r["id"]: r["en"] for r in corpus.records("gloss")}
        self._ids = [p.id for p in self.article.paragraphs]
        self._current = self.article.paragraph(start).id
        self._language = "nl"
        self._on: set[str] = set()
        self._widget: Any = None

    # -- state ------------------------------------------------------------------------------
    @property
    def current(self) -> Paragraph:
        """The paragraph on show."""
        return self.article.paragraph(self._current)

    def show(self, pid: str) -> "Reader":
        """Show paragraph *pid*."""
        self._current = self.article.paragraph(pid).id
        return self._refresh()

    def next(self) -> "Reader":
        """Show the next paragraph (stays on the last one)."""
        i = self._ids.index(self._current)
        return self.show(self._ids[min(i + 1, len(self._ids) - 1)])

    def previous(self) -> "Reader":
        """Show the previous paragraph (stays on the first one)."""
        i = self._ids.index(self._current)
        return self.show(self._ids[max(i - 1, 0)])

    def language(self, code: str) -> "Reader":
        """Show the Dutch original (``'nl'``) or the course's English gloss (``'en'``)."""
        check_type(code, str, "language")
        if code not in self.LANGUAGES:
            raise unknown("language", code, self.LANGUAGES)
        self._language = code
        return self._refresh()

    def toggle(self, layer: str, on: bool | None = None) -> "Reader":
        """Switch highlighting of *layer* on or off (flip it when *on* is None)."""
        check_type(layer, str, "layer")
        if layer not in self.layers:
            raise unknown("layer", layer, self.layers)
        if on is not None:
            check_type(on, bool, "on")
        want = (layer not in self._on) if on is None else on
        (self._on.add if want else self._on.discard)(layer)
        return self._refresh()

    # -- rendering --------------------------------------------------------------------------
    @property
    def html(self) -> str:
        """The HTML of the paragraph on show, as the widget displays it."""
        p = self.current
        i = self._ids.index(p.id) + 1
        head = (f"<div class='reader-head' style='color:{TEXT_GREY};font-size:90%'>Paragraph {i} of {len(self._ids)} · "
                f"<code>{p.id}</code> · <i>{p.role}</i></div>")
        if self._language == "en":
            body = html.escape(self.gloss.get(p.id, "(no gloss)"))
            note = (f"<div style='color:{TEXT_GREY};font-size:85%'>English gloss by the course team. "
                    "Highlights are anchored in the Dutch original: switch back to see them.</div>") if self._on else ""
        else:
            notes: list[tuple[int, Layer, str]] = []
            body = render_paragraph(self.article, p, [self.layers[n] for n in self.layers if n in self._on], notes)
            note = self._notes_html(notes)
        size = "1.15em" if p.role == "subheading" else "1em"
        weight = "bold" if p.role == "subheading" else "normal"
        style = f"font-size:{size};font-weight:{weight};line-height:1.6;max-width:46em"
        lang = "nl" if self._language == "nl" else "en"
        return f"{head}<div class='reader-text' lang='{lang}' style='{style}'>{body}</div>{note}"

    @staticmethod
    def _notes_html(notes: list[tuple[int, Layer, str]]) -> str:
        """The numbered details of every highlight in the paragraph, as a list under it."""
        if not notes:
            return ""
        def detail(layer: Layer, tip: str) -> str:  # a framing tip starts with the technique's name: say it once
            return tip[len(layer.label):].lstrip(" ·:") if tip.startswith(layer.label) else tip

        items = "".join(f"<li value='{n}'><span style='{_mark_style(layer.colour)};padding:0 3px'>"
                        f"{html.escape(layer.label)}</span> {html.escape(detail(layer, tip))}</li>"
                        for n, layer, tip in notes)
        return (f"<div class='reader-notes' lang='en' style='font-size:92%;line-height:1.45;margin-top:0.4em'>"
                f"<b>Highlights in this paragraph</b><ol style='margin:0.2em 0;padding-left:2em'>{items}</ol></div>")

    def legend(self) -> str:
        """HTML legend of the layers that are switched on: colour and underline style, name, what it marks."""
        items = [f"<span style='{_mark_style(layer.colour)};padding:0 4px'>{html.escape(layer.label)}</span> "
                 f"<span style='color:{TEXT_GREY}'>{html.escape(layer.description)}</span>"
                 for name, layer in self.layers.items() if name in self._on]
        return "<div style='line-height:1.6'>" + "<br>".join(items) + "</div>" if items else (
            f"<span style='color:{TEXT_GREY}'>Switch on a layer to highlight it. Each "
                                      "highlight is numbered; its details are listed under the paragraph.</span>")

    def _refresh(self) -> "Reader":
        if self._widget is not None:
            self._sync_widget()
        return self

    # -- the widget -------------------------------------------------------------------------
    @property
    def widget(self) -> Any:
        """The ipywidgets box (built on first use)."""
        if self._widget is None:
            self._widget = self._build()
        return self._widget

    def _build(self) -> Any:
        import ipywidgets as w

        self._w_prev = w.Button(description="◀ Previous", tooltip="previous paragraph", layout=w.Layout(width="9em"))
        self._w_next = w.Button(description="Next ▶", tooltip="next paragraph", layout=w.Layout(width="9em"))
        self._w_pick = w.Dropdown(options=[(f"{p.id} · {p.role} · {p.text[:40]}…" if len(p.text) > 40 else
                                            f"{p.id} · {p.role} · {p.text}", p.id) for p in self.article.paragraphs],
                                  value=self._current, description="Paragraph",
                                  style={"description_width": "initial"}, layout=w.Layout(width="32em"))
        self._w_lang = w.Checkbox(value=self._language == "en", description="Show the English gloss", indent=False,
                                  layout=w.Layout(width="auto"))
        self._w_layers = {name: w.Checkbox(description=layer.label, value=name in self._on, indent=False,
                                           tooltip=layer.description, layout=w.Layout(width="auto", margin="0 1em 0 0"))
                          for name, layer in self.layers.items()}
        self._w_text = w.HTML(layout=w.Layout(width="100%"))
        self._w_legend = w.HTML(layout=w.Layout(width="100%"))
        self._w_message = w.HTML()

        def guarded(action: Any) -> Any:
            def run(*_: Any) -> None:
                try:
                    action()
                    self._w_message.value = ""
                except CourseError as err:  # shown in the widget, not lost in the log console
                    self._w_message.value = f"<span style='color:#b2182b'>✘ {html.escape(str(err))}</span>"
            return run

        self._w_prev.on_click(guarded(self.previous))
        self._w_next.on_click(guarded(self.next))
        self._w_pick.observe(lambda ch: guarded(lambda: self.show(ch["new"]))(), names="value")
        self._w_lang.observe(lambda ch: guarded(lambda: self.language("en" if ch["new"] else "nl"))(), names="value")
        for name, button in self._w_layers.items():
            button.observe(lambda ch, n=name: guarded(lambda: self.toggle(n, bool(ch["new"])))(), names="value")
        wrap = w.Layout(flex_flow="row wrap", align_items="center")
        layers_label = w.HTML("<b>Highlight:</b>", layout=w.Layout(margin="0 0.6em 0 0"))
        box = w.VBox([
            w.HBox([self._w_prev, self._w_next, self._w_pick], layout=wrap),
            w.HBox([self._w_lang], layout=wrap),
            w.HBox([layers_label, *self._w_layers.values()], layout=wrap),
            self._w_text, self._w_legend, self._w_message,
        ], layout=w.Layout(width="100%", max_width="60em"))
        box.add_class("course-widget")
        box.add_class("course-reader")
        self._widget = box
        self._sync_widget()
        return box

    def _sync_widget(self) -> None:
        self._w_pick.value = self._current
        self._w_lang.value = self._language == "en"
        for name, button in self._w_layers.items():
            button.value = name in self._on
        self._w_text.value = self.html
        self._w_legend.value = self.legend()

    def _ipython_display_(self) -> None:
        display_widget(self.widget)

    def __repr__(self) -> str:
        return f"<Reader on {self._current} ({self.LANGUAGES[self._language]}); layers on: {sorted(self._on) or 'none'}>"


def _check_marks(marks: Any) -> None:  # used by modules that build layers from their own data
    for m in marks:
        if not (isinstance(m, tuple) and len(m) == 2 and isinstance(m[0], Span) and isinstance(m[1], str)):
            raise CourseTypeError(f"a layer's marks must be (Span, tooltip) pairs; got {m!r}")
