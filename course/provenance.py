"""Where the copy came from: every paragraph of the article scored against dated outside versions.

The article is stitched together from wire copy. ``course/data/articles/izium-2022-09/wires.toml`` lists the outside
versions the course read (wire stories, reports, a statement, an assessment), each with its outlet,
date and URL and a *fingerprint*: the features it carries, in order. ``course/data/articles/izium-2022-09/fingerprints.toml``
defines the features (figures, names, short phrases, facts, hedges, and what the Dutch added) and
anchors each in the article wherever the Dutch text carries it.

Scoring. A feature's weight is ``ln(1 + S / df)``, where S is the number of versions and df the
number that carry it (a feature no version carries weighs as much as one only a single version
carries): rare features identify a version, common ones do not. A paragraph's score against a
version is the weighted share of the paragraph's features that the version carries (0 to 1).

Public API
----------
- ``wires()`` / ``wire(wid)``: the versions, as ``Wire``; ``features()`` / ``feature(fid)``: as ``Feature``.
- ``weight(fid)``: a feature's weight.
- ``paragraph_features(pid)``: the features a paragraph carries.
- ``score(pid, wid)``: one paragraph against one version; ``scores()``: every paragraph against every version.
- ``match(pid)`` and ``match_quote(quote)``: the best version, the ranking, the versions that together
  cover the passage, and the share nobody accounts for, as a ``Match``.
- ``provenance_map()``: one ``Match`` per paragraph.
- ``added()``: features the Dutch version carries that no version does; ``dropped(wid)``: features a
  version carries that the Dutch version does not.
- ``order_agreement(wid)``: the share of pairs of shared features that the article and the version
  give in the same order.
- ``as_records()``: plain dicts, as printed by ``python -m course provenance --json``.

Every function takes ``article`` (an article id; None = the seed).

>>> from course.provenance import match
>>> match("p11").best
'ap-surprise'
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from typing import Any

from course.articles import per_article
from course.corpus import load_corpus
from course.article import Span
from course.errors import check_text, check_type, lookup

__all__ = [
    "FEATURE_KINDS",
    "Feature",
    "Match",
    "Wire",
    "added",
    "as_records",
    "dropped",
    "feature",
    "features",
    "match",
    "match_quote",
    "order_agreement",
    "paragraph_features",
    "provenance_map",
    "score",
    "scores",
    "weight",
    "wire",
    "wires",
]

FEATURE_KINDS = ("fact", "name", "figure", "phrase", "hedge", "added")
COVER_MIN_GAIN = 0.05  # a version joins a passage's cover only if it adds at least this share


@dataclass(frozen=True)
class Wire:
    """One dated outside version of the story and its fingerprint (feature ids in its own order)."""

    id: str
    ref: str  # the citation key, [@ref] in lesson prose
    short: str
    outlet: str
    type: str
    title: str
    date: str
    url: str
    via: str
    note: str
    actor: str | None
    features: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.outlet}, {self.date}: {self.title} <{self.url}>"


@dataclass(frozen=True)
class Feature:
    """A fingerprint feature and where the article carries it (empty when the Dutch dropped it)."""

    id: str
    kind: str
    en: str
    words: str
    nl: tuple[Span, ...]
    note: str
    paragraphs: tuple[str, ...]  # the ids of the paragraphs that carry it


@dataclass(frozen=True)
class Match:
    """A passage against every version: the best one, the ranking, the cover and what stays untraced."""

    passage: str  # a paragraph id, or the quote for match_quote
    features: tuple[str, ...]
    ranking: tuple[tuple[str, float], ...]  # (wire id, score), best first; only scores above 0
    cover: tuple[tuple[str, float], ...]  # versions picked one by one, each with the share it adds
    untraced: float  # weighted share of the features that no version carries
    added: tuple[str, ...]  # features of kind "added" in the passage

    @property
    def best(self) -> str | None:
        """The best-matching version's id, or None when no version shares a feature."""
        return self.ranking[0][0] if self.ranking else None

    @property
    def score(self) -> float:
        """The best version's score (0 when there is none)."""
        return self.ranking[0][1] if self.ranking else 0.0

    @property
    def composite(self) -> bool:
        """True when more than one version is needed to account for the passage."""
        return len(self.cover) > 1

    def __str__(self) -> str:
        if not self.features:
            return f"{self.passage}: no fingerprint features"
        if self.best is None:
            return f"{self.passage}: not traced to any version read ({len(self.features)} features)"
        cover = " + ".join(f"{w} (+{g:.2f})" for w, g in self.cover)
        return f"{self.passage}: best {self.best} {self.score:.2f}; cover {cover}; untraced {self.untraced:.2f}"


# ---------------------------------------------------------------------------------------------
# Loading


@per_article
def _load(article: str | None) -> tuple[tuple[Wire, ...], tuple[Feature, ...], Any]:
    corpus = load_corpus(article)
    wires_ = tuple(Wire(r["id"], r["ref"], r["short"], r["outlet"], r["type"], r["title"], r["date"], r["url"],
                        r.get("via", ""), r.get("note", ""), r.get("actor"), tuple(r["features"]))
                   for r in corpus.records("wires"))
    art = corpus.article
    features_ = tuple(Feature(r["id"], r["kind"], r["en"], r.get("words", ""), tuple(a["span"] for a in r["nl"]),
                              r.get("note", ""),
                              tuple(dict.fromkeys(art.paragraph_at(a["span"].start).id for a in r["nl"])))
                      for r in corpus.records("fingerprints"))
    return wires_, features_, corpus.article


def wires(article: str | None = None) -> tuple[Wire, ...]:
    """Every outside version the course compares with the article, in file order."""
    return _load(article)[0]


def features(article: str | None = None) -> tuple[Feature, ...]:
    """Every fingerprint feature, in file order."""
    return _load(article)[1]


def _wire_table(article: str | None) -> dict[str, Wire]:
    return {w.id: w for w in wires(article)}


def _feature_table(article: str | None) -> dict[str, Feature]:
    return {f.id: f for f in features(article)}


def wire(wid: str, article: str | None = None) -> Wire:
    """The version with id *wid* (such as ``"ap-surprise"``)."""
    return lookup(_wire_table(article), wid, "wire id", type_name="wid", name="wid")


def feature(fid: str, article: str | None = None) -> Feature:
    """The feature with id *fid* (such as ``"battalion-92"``)."""
    return lookup(_feature_table(article), fid, "feature id", type_name="fid", name="fid")


@per_article
def _weights(article: str | None) -> dict[str, float]:
    ws = wires(article)
    count = len(ws)
    df = {f.id: sum(f.id in w.features for w in ws) for f in features(article)}
    return {fid: math.log(1 + count / max(n, 1)) for fid, n in df.items()}


def weight(fid: str, article: str | None = None) -> float:
    """The weight of feature *fid*: ln(1 + S/df), S versions of which df carry it (df at least 1)."""
    feature(fid, article)
    return _weights(article)[fid]


def _paragraph(pid: str, article: str | None) -> Any:
    check_type(pid, str, "paragraph id")
    return _load(article)[2].paragraph(pid)


def paragraph_features(pid: str, article: str | None = None) -> list[Feature]:
    """The features that paragraph *pid* carries, in the order they appear in it."""
    p = _paragraph(pid, article)
    return _in_range(p.start, p.end, article)


def _in_range(start: int, end: int, article: str | None) -> list[Feature]:
    found = []
    for f in features(article):
        inside = [s.start for s in f.nl if start <= s.start and s.end <= end]
        if inside:
            found.append((min(inside), f))
    return [f for _, f in sorted(found, key=lambda pair: pair[0])]


# ---------------------------------------------------------------------------------------------
# Scoring


def _coverage(fids: list[str], carried: set[str], article: str | None) -> float:
    w = _weights(article)
    total = sum(w[f] for f in fids)
    return sum(w[f] for f in fids if f in carried) / total if total else 0.0


def score(pid: str, wid: str, article: str | None = None) -> float:
    """Paragraph *pid* against version *wid*: the weighted share of its features the version carries (0 to 1)."""
    fids = [f.id for f in paragraph_features(pid, article)]
    return _coverage(fids, set(wire(wid, article).features), article)


def scores(article: str | None = None) -> dict[str, dict[str, float]]:
    """Paragraph id -> version id -> score, for every paragraph and every version."""
    return {pid: dict(row) for pid, row in _scores(article).items()}


@per_article
def _scores(article: str | None) -> dict[str, dict[str, float]]:
    art = _load(article)[2]
    out = {}
    for p in art.paragraphs:
        fids = [f.id for f in paragraph_features(p.id, article)]
        out[p.id] = {w.id: _coverage(fids, set(w.features), article) for w in wires(article)}
    return out


def _match(passage: str, found: list[Feature], article: str | None) -> Match:
    fids = [f.id for f in found]
    ws = wires(article)
    ranking = sorted(((w.id, _coverage(fids, set(w.features), article)) for w in ws), key=lambda ws_: -ws_[1])
    ranking = [(wid, s) for wid, s in ranking if s > 0]
    cover: list[tuple[str, float]] = []
    covered: set[str] = set()
    while True:
        gains = [(w.id, _coverage(fids, covered | set(w.features), article) - _coverage(fids, covered, article))
                 for w in ws if w.id not in dict(cover)]
        if not gains:
            break
        wid, gain = max(gains, key=lambda g: g[1])
        if gain < COVER_MIN_GAIN:
            break
        cover.append((wid, gain))
        covered |= set(_wire_table(article)[wid].features)
    traced = set().union(*(set(w.features) for w in ws)) if ws else set()
    untraced = _coverage(fids, set(fids) - traced, article)
    added_ = tuple(f.id for f in found if f.kind == "added")
    return Match(passage, tuple(fids), tuple(ranking), tuple(cover), untraced, added_)


def match(pid: str, article: str | None = None) -> Match:
    """Paragraph *pid* against every version: best version, ranking, cover and untraced share."""
    return _match(pid, paragraph_features(pid, article), article)


def match_quote(quote: str, occurrence: int = 1, article: str | None = None) -> Match:
    """A passage (an exact quote of the article) against every version, from the features inside it."""
    check_text(quote, "quote")
    span = _load(article)[2].find(quote, occurrence)
    return _match(quote, _in_range(span.start, span.end, article), article)


def provenance_map(article: str | None = None) -> list[Match]:
    """One Match per paragraph of the article, in order."""
    return list(_map(article))


@per_article
def _map(article: str | None) -> tuple[Match, ...]:
    return tuple(match(p.id, article) for p in _load(article)[2].paragraphs)


def added(article: str | None = None) -> list[Feature]:
    """Features the Dutch version carries that no version read carries (additions and untraced items)."""
    carried = set().union(*(set(w.features) for w in wires(article)))
    return [f for f in features(article) if f.nl and f.id not in carried]


def dropped(wid: str, article: str | None = None) -> list[Feature]:
    """Features version *wid* carries that the Dutch version does not (nothing anchors them in the article)."""
    table = _feature_table(article)
    return [table[fid] for fid in wire(wid, article).features if not table[fid].nl]


def order_agreement(wid: str, article: str | None = None) -> float | None:
    """Share of pairs of shared features that the article gives in the version's order (None if < 2 shared)."""
    table = _feature_table(article)
    shared = [table[fid] for fid in wire(wid, article).features if table[fid].nl]
    pos = [min(s.start for s in f.nl) for f in shared]
    pairs = [(i, j) for i in range(len(pos)) for j in range(i + 1, len(pos))]
    if not pairs:
        return None
    return sum(pos[i] < pos[j] for i, j in pairs) / len(pairs)


# ---------------------------------------------------------------------------------------------
# Records and the command line


def as_records(article: str | None = None) -> dict[str, Any]:
    """Every field as plain data: the versions, the features and one match per paragraph with all scores."""
    all_scores = scores(article)
    art = _load(article)[2]
    return {
        "scoring": {"weight": "ln(1 + S/df)", "versions": len(wires(article)), "cover_min_gain": COVER_MIN_GAIN},
        "wires": [{"id": w.id, "ref": w.ref, "short": w.short, "outlet": w.outlet, "type": w.type, "title": w.title, "date": w.date,
                   "url": w.url, "via": w.via, "note": w.note, "actor": w.actor, "features": list(w.features),
                   "dropped": [f.id for f in dropped(w.id, article)],
                   "order_agreement": order_agreement(w.id, article)} for w in wires(article)],
        "features": [{"id": f.id, "kind": f.kind, "en": f.en, "words": f.words, "weight": round(weight(f.id, article), 4),
                      "paragraphs": list(f.paragraphs), "quotes": [s.text for s in f.nl], "note": f.note,
                      "carried_by": [w.id for w in wires(article) if f.id in w.features]} for f in features(article)],
        "paragraphs": [{"id": m.passage, "role": art.paragraph(m.passage).role, "features": list(m.features),
                        "best": m.best, "score": round(m.score, 4), "composite": m.composite,
                        "cover": [{"wire": w, "gain": round(g, 4)} for w, g in m.cover],
                        "untraced": round(m.untraced, 4), "added": list(m.added),
                        "scores": {w: round(s, 4) for w, s in all_scores[m.passage].items()}}
                       for m in provenance_map(article)],
        "added": [f.id for f in added(article)],
    }


def add_arguments_provenance(parser: argparse.ArgumentParser) -> None:
    from course.articles import add_article_argument

    parser.add_argument("--json", action="store_true", help="print every field as JSON")
    add_article_argument(parser)


def cmd_provenance(args: argparse.Namespace) -> int:
    """Print the map of paragraphs to versions with their scores (or every field as JSON)."""
    if args.json:
        json.dump(as_records(args.article), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    art = _load(args.article)[2]
    short = {w.id: w.short for w in wires(args.article)}
    print(f"{'para':<5} {'role':<10} {'best version':<26} {'score':>5}  {'untraced':>8}  also needed")
    for m in provenance_map(args.article):
        role = art.paragraph(m.passage).role
        if not m.features:
            print(f"{m.passage:<5} {role:<10} {'(no features)':<26}")
            continue
        best = short[m.best] if m.best else "(not traced)"
        also = ", ".join(f"{short[w]} +{g:.2f}" for w, g in m.cover[1:])
        print(f"{m.passage:<5} {role:<10} {best:<26} {m.score:5.2f}  {m.untraced:8.2f}  {also}")
    print(f"\n{len(wires(args.article))} versions; scores are weighted shares of each paragraph's fingerprint.")
    for w in wires(args.article):
        print(f"  {w.short:<26} {w.outlet}, {w.date} <{w.url}>")
    return 0

