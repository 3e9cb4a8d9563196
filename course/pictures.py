"""Pictures and footage: the article's visual items checked with First Draft's five pillars.

The pillars (after S. Urbani, *First Draft's Essential Guide to Verifying Online Information*, 2019):
provenance (is this the original?), source (who made it?), date (when?), location (where?) and
motivation (why was it made or posted?). For each of the article's four visual items
(``course/data/articles/izium-2022-09/visuals.toml``) the course records what the text itself gives for each pillar, whether
that settles the question, what a verifier would need, and outside evidence where it found some. The
Kupiansk photos also carry a unit identification ("92ste bataljon").

Public API
----------
- ``PILLARS`` and ``PILLAR_QUESTIONS``: the five pillars and the question each asks.
- ``visuals()`` / ``visual(vid)``: the items, as ``Visual``; ``Visual.pillar(name)`` gives a ``Pillar``.
- ``pillar_table(vid)``: a Markdown table of one item's pillars, for a notebook.
- ``unit(vid)``: the unit identification of an item, as ``Unit`` (None when it has none).
- ``guide()``: the citation of First Draft's guide, as a dict.

Every function takes ``article`` (an article id; None = the seed).

>>> from course.pictures import visual
>>> visual("popova-photos").pillar("location").settles
'no'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from course.articles import per_article
from course.corpus import load_corpus
from course.article import Span
from course.errors import lookup
from course.outside import Record, record

__all__ = ["PILLARS", "PILLAR_QUESTIONS", "Pillar", "Unit", "Visual", "guide", "pillar_table", "unit", "visual",
           "visuals"]

PILLARS = ("provenance", "source", "date", "location", "motivation")
PILLAR_QUESTIONS = {
    "provenance": "Is this the original, or a copy, a share or a screenshot of it?",
    "source": "Who made it: who took the picture or filmed the footage, or first posted it?",
    "date": "When was it made (day and time), as opposed to when it was shared?",
    "location": "Where was it made?",
    "motivation": "Why was it made or posted, and who gains from it?",
}


@dataclass(frozen=True)
class Pillar:
    """One pillar of one item: what the text gives, whether that settles it, what a verifier needs."""

    name: str
    text: str
    settles: str  # "yes", "partly" or "no"
    needs: str
    evidence: tuple[Record, ...]


@dataclass(frozen=True)
class Unit:
    """A unit as the text names it, what it is according to the evidence, and the evidence."""

    stated: str
    identified: str
    note: str
    evidence: tuple[Record, ...]


@dataclass(frozen=True)
class Visual:
    """A picture or piece of footage in the article, with its five pillars."""

    id: str
    kind: str
    title: str
    anchor: Span
    credit: Span | None
    pillars: tuple[Pillar, ...]
    unit: Unit | None

    def pillar(self, name: str) -> Pillar:
        """The pillar called *name* (one of PILLARS)."""
        return lookup({p.name: p for p in self.pillars}, name, "pillar", type_name="name", name="name")


def _pillar(name: str, table: Any) -> Pillar:
    return Pillar(name, table["text"], table["settles"], table["needs"],
                  tuple(record(e) for e in table.get("evidence", ())))


@per_article
def _load(article: str | None) -> tuple[tuple[Visual, ...], dict[str, str]]:
    corpus = load_corpus(article)
    items = []
    for r in corpus.records("visuals"):
        u = r.get("unit")
        items.append(Visual(r["id"], r["kind"], r["title"], r["anchor"]["span"],
                            r["credit"]["span"] if "credit" in r else None,
                            tuple(_pillar(p, r[p]) for p in PILLARS),
                            Unit(u["stated"], u["identified"], u.get("note", ""),
                                 tuple(record(e) for e in u["evidence"])) if u else None))
    return tuple(items), dict(corpus.meta("visuals")["guide"]) if corpus.has("visuals") else {}


def visuals(article: str | None = None) -> tuple[Visual, ...]:
    """The article's visual items, in the order of the data file."""
    return _load(article)[0]


def visual(vid: str, article: str | None = None) -> Visual:
    """The visual item with id *vid* (such as ``"popova-photos"``)."""
    return lookup({v.id: v for v in visuals(article)}, vid, "visual id", type_name="vid", name="vid")


def unit(vid: str, article: str | None = None) -> Unit | None:
    """The unit identification of item *vid*, or None when the item names no unit."""
    return visual(vid, article).unit


def guide(article: str | None = None) -> dict[str, str]:
    """The citation of the guide the pillars follow: outlet, title, date, url."""
    return dict(_load(article)[1])


def pillar_table(vid: str, article: str | None = None) -> str:
    """A Markdown table of item *vid*: per pillar, what the text gives, whether it settles it, what is needed."""
    item = visual(vid, article)
    rows = ["| pillar | what the text gives | settled by the text? | what a verifier needs |",
            "|---|---|---|---|"]
    for p in item.pillars:
        cells = [p.name, p.text, p.settles, p.needs]
        rows.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(rows)
