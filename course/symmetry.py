"""One standard for every voice: the same words get the same treatment, whoever says them.

For every framing span (``course/data/articles/izium-2022-09/framing.toml``) this module finds every other use in the
article of the same wording: the span's whole quote, or one of its *key words* (its words minus the
neutral ones listed in ``course/data/articles/izium-2022-09/symmetry.toml`` and the names of places and actors), matched
by ``same_word`` or through a group of equivalent words. Each such use must be annotated too, or
carry a written exemption in ``symmetry.toml``.

Public API
----------
- ``same_word(a, b) -> bool``: equal (ignoring case), the same first six letters, or one inside the other
- ``key_words(quote, neutral=...) -> list[str]``: the words of a quote that carry its framing
- ``uses(article=None) -> list[Use]``: every use of framed wording outside its span, with how the course
  treats it (``annotated`` by which span, ``exempt`` with the reason, or ``missing``)
- ``unused_exemptions(article=None) -> list[str]``: exemption ids that no longer match a use (stale entries)

An article without a ``symmetry.toml`` has no neutral words, equivalents or exemptions beyond the
names of its places and actors.

>>> from course.symmetry import same_word
>>> same_word("georganiseerd", "ongeorganiseerde"), same_word("Kiev", "Kyiv")
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.article import Span
from course.articles import per_article
from course.errors import check_text, check_type

__all__ = ["PREFIX", "STOP_WORDS", "Use", "key_words", "same_word", "unused_exemptions", "uses"]

#: Words sharing this many first letters count as the same word ("bezetters", "bezettingsadministratie").
PREFIX = 6
#: Dutch function words, never key words.
STOP_WORDS = frozenset("""
aan al als bij dat de den der die dit door een en er geen had heeft het hebben hem hen hier hij hun in is
je kan met na naar niet noch nog of om ook op over te ter tot uit van veel voor was wat we wel werd
wie wij wordt ze zich zij zijn zo zo'n zo’n
""".split())


@dataclass(frozen=True)
class Use:
    """A use of framed wording outside its span: where, which span's word, and how the course treats it."""

    span_id: str  # the framing span whose wording recurs
    word: str  # the span's word (or its whole quote) that matches
    at: Span  # the other use, in the article
    treatment: str  # "annotated", "exempt" or "missing"
    by: str = ""  # the span id that annotates it, or the exemption id
    reason: str = ""  # why the course does not annotate it (exemptions only)

    paragraph: str = ""  # the paragraph id of *at*


def same_word(a: str, b: str) -> bool:
    """True when *a* and *b* are the same word for this check: equal ignoring case, the same first
    ``PREFIX`` letters, or one (of at least ``PREFIX`` letters) inside the other."""
    check_text(a, "a")
    check_text(b, "b")
    a, b = a.casefold(), b.casefold()
    if a == b:
        return True
    shared = 0
    for x, y in zip(a, b):
        if x != y:
            break
        shared += 1
    return shared >= PREFIX or (len(a) >= PREFIX and a in b) or (len(b) >= PREFIX and b in a)


def key_words(quote: str, neutral: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The words of *quote* that carry its framing: not function words, not *neutral*, three letters or more."""
    from course.framing import words

    check_text(quote, "quote")
    check_type(neutral, (set, frozenset), "neutral")
    folded = {n.casefold() for n in neutral}
    found = [quote[a:b] for a, b in words(quote)]
    return [w for w in found if len(w) >= 3 and w.casefold() not in STOP_WORDS and w.casefold() not in folded]


def _settings(corpus: Any) -> dict[str, Any]:
    """The article's symmetry.toml settings, or empty ones when the article has none."""
    if "symmetry" not in corpus.kinds:
        return {"neutral": {"words": []}, "equivalents": {}, "exemptions": []}
    meta = corpus.meta("symmetry")
    return {"neutral": meta["neutral"], "equivalents": meta["equivalents"], "exemptions": corpus.records("symmetry")}


def _neutral(corpus: Any) -> frozenset[str]:
    """The neutral words of symmetry.toml, plus the words of every place spelling and actor mention."""
    from course.framing import words

    names = [w for p in corpus.records("places") for w in (*p["spellings"], *p.get("misspellings", ()))]
    names += [m["quote"] for a in corpus.records("actors") for m in a.get("mentions", ()) if m["quote"][:1].isupper()]
    found = set(_settings(corpus)["neutral"]["words"])
    for name in names:
        found.update(name[a:b] for a, b in words(name) if name[a:a + 1].isupper())
    return frozenset(found)


def _equivalent(word: str, groups: list[list[str]]) -> list[str]:
    """The other words of every equivalence group that *word* belongs to."""
    return [other for group in groups if any(same_word(word, g) for g in group) for other in group]


@per_article(key="symmetry")
def _uses(key: str) -> tuple[Use, ...]:
    from course.corpus import load_corpus
    from course.framing import spans, words

    corpus = load_corpus(key)
    art = corpus.article
    settings = _settings(corpus)
    neutral = _neutral(corpus)
    groups = [list(v) for v in settings["equivalents"].values()]
    exemptions = [(r["id"], r["span"], r["reason"]) for r in settings["exemptions"]]
    all_spans = spans(article=key)
    every_word = [(a, b, art.text[a:b]) for a, b in words(art.text)]
    found: dict[tuple[str, int, int], Use] = {}

    def treat(span_id: str, word: str, start: int, end: int) -> None:
        if (span_id, start, end) in found:
            return
        at = art.span(start, end)
        para = art.paragraph_at(start).id
        cover = next((o.id for o in all_spans if o.start <= start and end <= o.end), None)
        if cover is not None:
            use = Use(span_id, word, at, "annotated", cover, paragraph=para)
        else:
            exempt = next(((eid, why) for eid, e, why in exemptions if e.start <= start and end <= e.end), None)
            use = (Use(span_id, word, at, "exempt", *exempt, paragraph=para) if exempt
                   else Use(span_id, word, at, "missing", paragraph=para))
        found[(span_id, start, end)] = use

    for s in all_spans:
        for hit in art.find_all(s.quote):  # the same words, verbatim
            if hit.start != s.start:
                treat(s.id, s.quote, hit.start, hit.end)
        for word in key_words(s.quote, neutral):
            targets = [word, *_equivalent(word, groups)]
            for a, b, other in every_word:
                if s.start <= a < s.end or other.casefold() in STOP_WORDS or other in neutral:
                    continue
                if any(same_word(t, other) for t in targets):
                    treat(s.id, word, a, b)
    return tuple(sorted(found.values(), key=lambda u: (u.at.start, u.span_id)))


def uses(article: str | Path | None = None) -> list[Use]:
    """Every use of a framing span's wording elsewhere in the article, with how the course treats it."""
    return list(_uses(article))


def unused_exemptions(article: str | Path | None = None) -> list[str]:
    """Ids of exemptions that cover no use of framed wording (so they would hide nothing; remove or fix them)."""
    from course.corpus import load_corpus

    used = {u.by for u in _uses(article) if u.treatment == "exempt"}
    return [r["id"] for r in _settings(load_corpus(article))["exemptions"] if r["id"] not in used]
