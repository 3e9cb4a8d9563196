"""Translation drift: where the Dutch words say something other than what the source said.

Each record (``course/data/articles/izium-2022-09/drift.toml``) anchors the Dutch words in the article and sets them against
the source's own words, with dated outside evidence, a plain rendering, what the drift does to the
reader, and how sure the course is (established, likely, open).

Public API
----------
- ``drifts()`` / ``drift(did)``: the records, as ``Drift``.
- ``CERTAINTIES``: the three levels, most certain first.

Every function takes ``article`` (an article id; None = the seed).

>>> from course.drift import drift
>>> drift("withdraw-transfer").said[0][0]
'regroup'
"""

from __future__ import annotations

from dataclasses import dataclass

from course.articles import per_article
from course.corpus import load_corpus
from course.article import Span
from course.errors import lookup
from course.outside import Record, record

__all__ = ["CERTAINTIES", "Drift", "drift", "drifts"]

CERTAINTIES = ("established", "likely", "open")


@dataclass(frozen=True)
class Drift:
    """The Dutch words against the source's words, with the evidence and a plain rendering."""

    id: str
    kind: str
    dutch: Span
    paragraph: str
    gloss_en: str
    said_by: str
    said: tuple[tuple[str, str], ...]  # (the source's words, a gloss)
    plain: str
    certainty: str
    settle: str
    effect: str
    evidence: tuple[Record, ...]

    def markdown(self) -> str:
        """The record as Markdown: the Dutch words, what was said, the plain rendering, effect and evidence."""
        said = "; ".join(f"*{w}* ({g})" for w, g in self.said)
        lines = [f"**{self.paragraph} “{self.dutch.text}”** ({self.gloss_en}), certainty: *{self.certainty}*",
                 f"- the source ({self.said_by}) said: {said}", f"- plainly: {self.plain}", f"- effect: {self.effect}"]
        if self.settle:
            lines.append(f"- what would settle it: {self.settle}")
        lines += [f"- evidence: {r.markdown()}" for r in self.evidence]
        return "\n".join(lines)

    def __str__(self) -> str:
        said = "; ".join(f"'{w}'" for w, _ in self.said)
        return f"{self.paragraph} “{self.dutch.text}” ({self.gloss_en}) <- {self.said_by} said {said} [{self.certainty}]"


@per_article
def _load(article: str | None) -> tuple[Drift, ...]:
    corpus = load_corpus(article)
    art = corpus.article
    return tuple(Drift(r["id"], r["kind"], r["dutch"]["span"], art.paragraph_at(r["dutch"]["span"].start).id,
                       r["gloss_en"], r["said_by"], tuple((s["words"], s["gloss"]) for s in r["said"]), r["plain"],
                       r["certainty"], r.get("settle", ""), r["effect"], tuple(record(e) for e in r["evidence"]))
                 for r in corpus.records("drift"))


def drifts(article: str | None = None) -> tuple[Drift, ...]:
    """Every drift record, in file order."""
    return _load(article)


def drift(did: str, article: str | None = None) -> Drift:
    """The drift record with id *did* (such as ``"deputy"``)."""
    return lookup({d.id: d for d in _load(article)}, did, "drift id", type_name="did", name="did")
