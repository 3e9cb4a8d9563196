"""Who says so: attributions after PARC (source, cue, content), chains of citation, verification,
voice share, the cue lexicon, and a rule-based attribution finder for Dutch.

The gold annotations are each article's ``attributions.toml``; sides and types come from its actor
records (``actors.toml``); the cue lexicon is ``course/data/cues.toml``, shared by every article.
Every function that reads attributions takes ``article`` (an article id or folder; None is the seed).

Public API
----------
Attributions
- ``attributions()`` / ``attribution(aid)``: every attribution in the article, as ``Attribution``.
- ``who_said(source)``: the attributions of one source (an actor id or name).
- ``source_of(quote)``: the attributions whose content holds an exact quote, innermost first.
- ``chain(aid)``: the attribution and every one it travels through (TASS for the ministry).
- ``links()``: attribution id -> (source actor, via id or None), the raw material of chains.
- ``claims()``: one attribution per distinct content that carries a claim.
- ``by_verification(claims_only=True)``: status -> attributions, in the order of ``STATUSES``.
- ``citations()``: who cites whom, as ``Citation`` edges (the article is ``"reporter"``).
- ``speaker_at(offset)`` and ``voice_share()``: whose voice each word is, and words per side.
- ``attribution_layers()``: cue and content highlights for ``course.widgets.Reader``.
- ``as_records()``: plain dicts, as printed by ``python -m course sources --json``.
Cues
- ``cue_lexicon()``, ``stance_of(word)``, ``cue_occurrences(text)``.
Finder
- ``find_attributions(text, rules=(), base=True)``: rule-based; a rule is a function
  ``rule(sentence) -> [(source, cue, content), ...]`` of exact pieces of the sentence.
- ``score_finder(rules=(), base=True)``: precision and recall against the gold annotations.

>>> from course.sources import chain
>>> [a.source for a in chain("p02.mod-izium")]
['ru-mod', 'tass']
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from course.article import Span, extract_quotations, split_sentences
from course.articles import add_article_argument, per_article
from course.errors import CourseTypeError, CourseValueError, check_text, check_type, describe, unknown

__all__ = [
    "FORMS",
    "STATUSES",
    "Attribution",
    "Citation",
    "Cue",
    "FinderScore",
    "Found",
    "Miss",
    "Voice",
    "add_arguments_sources",
    "as_records",
    "attribution",
    "attribution_layers",
    "attributions",
    "by_verification",
    "chain",
    "citations",
    "claims",
    "cmd_sources",
    "cue_lexicon",
    "cue_occurrences",
    "find_attributions",
    "links",
    "score_finder",
    "source_of",
    "speaker_at",
    "stance_of",
    "voice_share",
    "who_said",
]

STATUSES = ("confirmed", "not-confirmed", "unverified", "contested", "claimed", "none")
FORMS = ("direct", "mixed", "indirect", "reported", "credit", "scare-quote")
NOT_CLAIMS = ("credit", "scare-quote")  # forms that attribute no claim
REPORTER = "reporter"


# ---------------------------------------------------------------------------------------------
# Attributions


@dataclass(frozen=True)
class Attribution:
    """One attribution: who (source), the words that introduce it (cues) and what is attributed."""

    id: str
    source: str  # actor id
    source_name: str
    source_type: str
    side: str
    source_text: Span | None  # where the text names the source; None when it leaves it out
    cues: tuple[Span, ...]
    content: Span
    form: str
    via: str | None
    relay: bool
    platform: str | None
    status: str
    verified_by: str | None
    evidence: Span | None
    note: str
    paragraph: str
    sentence: str

    @property
    def cue(self) -> str:
        """The cue's words; the pieces of a split cue ("kon … niet onmiddellijk verifiëren") joined by ' … '."""
        return " … ".join(c.text for c in self.cues)

    @property
    def stance(self) -> str | None:
        """The stance of the cue words (distancing or endorsing wins over neutral); None when no lexicon word is a cue.

        A negated cue ("heeft nog niet bevestigd") reports a verification status, not a stance: neutral.
        """
        found = [c.stance for piece in self.cues for c, _, _ in cue_occurrences(piece.text)]
        if found and any(re.search(r"(?i)(?<!\w)(niet|geen|nooit)(?!\w)", piece.text) for piece in self.cues):
            return "neutral"
        return next((s for s in found if s != "neutral"), found[0] if found else None)

    @property
    def named_as(self) -> str:
        """The source as the text names it, or the actor's name in brackets when the text leaves it out."""
        return self.source_text.text if self.source_text else f"[{self.source_name}]"

    def __str__(self) -> str:
        return f"{self.id}: {self.named_as} —{self.cue}→ {self.content.text[:60]}"


@per_article(key="attributions")
def _load(key: str) -> tuple[Attribution, ...]:
    from course.corpus import load_corpus

    corpus = load_corpus(key)
    art = corpus.article
    out = []
    for r in corpus.records("attributions"):
        actor = corpus.get("actors", r["source"])
        ver = r["verification"]
        cues = tuple(c["span"] for c in r["cue"])
        out.append(Attribution(
            id=r["id"], source=r["source"], source_name=actor["name"], source_type=actor["type"],
            side=actor["side"], source_text=r["source_text"]["span"] if "source_text" in r else None,
            cues=cues, content=r["content"]["span"], form=r["form"], via=r.get("via"),
            relay=bool(r.get("relay", False)), platform=r.get("platform"), status=ver["status"],
            verified_by=ver.get("by"), evidence=ver["evidence"]["span"] if "evidence" in ver else None,
            note=r.get("note", ""), paragraph=art.paragraph_at(cues[0].start).id,
            sentence=art.sentence_at(cues[0].start).id,
        ))
    return tuple(sorted(out, key=lambda a: (a.cues[0].start, a.content.start)))


def attributions(article: str | None = None) -> tuple[Attribution, ...]:
    """Every attribution in the article (None: the seed), in the order of the text."""
    return _load(article)


def _by_id(article: str | None = None) -> dict[str, Attribution]:
    return {a.id: a for a in _load(article)}


def attribution(aid: str, article: str | None = None) -> Attribution:
    """The attribution with id *aid*, such as ``'p02.tass'``."""
    check_type(aid, str, "aid")
    table = _by_id(article)
    if aid not in table:
        raise unknown("attribution id", aid, table, name="aid")
    return table[aid]


def _actor_id(source: str, article: str | None = None) -> str:
    """An actor id from an id or a name (any case); raises UnknownIdError with suggestions."""
    from course.corpus import load_corpus

    check_text(source, "source")
    actors = load_corpus(article).records("actors")
    ids = [a["id"] for a in actors]
    if source in ids:
        return source
    names = {a["name"].casefold(): a["id"] for a in actors}
    if source.strip().casefold() in names:
        return names[source.strip().casefold()]
    raise unknown("source (an actor id or name)", source, ids)


def who_said(source: str, article: str | None = None) -> list[Attribution]:
    """The attributions of *source* (an actor id such as ``'isw'`` or a name such as ``'Reuters'``)."""
    actor = _actor_id(source, article)
    return [a for a in _load(article) if a.source == actor]


def source_of(quote: str, occurrence: int | None = None, article: str | None = None) -> list[Attribution]:
    """The attributions whose content holds the exact *quote*, innermost first.

    An empty list means the words are the reporter's own. A quote that repeats is looked up at every
    place unless *occurrence* (1-based) picks one. A quote not in the article raises QuoteNotFoundError.
    """
    from course.article import load_article

    art = load_article(article)
    spans = [art.find(quote, occurrence)] if occurrence is not None else art.find_all(quote)
    if not spans:
        art.find(quote)  # raises with a hint
    hits = [a for a in _load(article) if any(a.content.contains(s) for s in spans)]
    return sorted(hits, key=lambda a: (len(a.content), -_depth(a, article)))


def links(article: str | None = None) -> dict[str, tuple[str, str | None]]:
    """Attribution id -> (source actor id, id of the attribution it relies on, or None)."""
    return {a.id: (a.source, a.via) for a in _load(article)}


def chain(aid: str, article: str | None = None) -> list[Attribution]:
    """The attribution *aid* and, outward, every attribution it reaches the article through."""
    seen: list[Attribution] = [attribution(aid, article)]
    while seen[-1].via is not None:
        nxt = attribution(seen[-1].via, article)
        if nxt in seen:  # the corpus test forbids loops; stop rather than spin
            raise CourseValueError(f"the chain of {aid!r} loops back to {nxt.id!r}")
        seen.append(nxt)
    return seen


def _depth(a: Attribution, article: str | None = None) -> int:
    return len(chain(a.id, article)) - 1


def claims(article: str | None = None) -> list[Attribution]:
    """One attribution per distinct content that carries a claim.

    Left out: photo credits and scare quotes (no claim), relays (TASS passing on the ministry), and a
    second attribution of the same words (Arestovych and the front reports he cites).
    """
    out: list[Attribution] = []
    seen: set[tuple[int, int]] = set()
    for a in _load(article):
        key = (a.content.start, a.content.end)
        if a.form in NOT_CLAIMS or a.relay or key in seen:
            continue
        seen.add(key)
        out.append(a)
    return out


def by_verification(claims_only: bool = True, article: str | None = None) -> dict[str, list[Attribution]]:
    """Status -> attributions with that status as the text gives it (every status is a key)."""
    check_type(claims_only, bool, "claims_only")
    table: dict[str, list[Attribution]] = {s: [] for s in STATUSES}
    for a in (claims(article) if claims_only else _load(article)):
        table[a.status].append(a)
    return table


@dataclass(frozen=True)
class Citation:
    """An edge of the who-cites-whom graph: *origin*'s words reach *to* (an actor, or ``'reporter'``)."""

    origin: str
    to: str
    attributions: tuple[str, ...]
    platforms: tuple[str, ...]
    credits: int  # how many of the attributions are photo credits


def citations(article: str | None = None) -> list[Citation]:
    """Who cites whom: one edge per (source, next link), the article's own voice being ``'reporter'``.

    Scare quotes (the reporter quoting nobody) and links from a source to itself (Popova's caption
    through her own post) are left out.
    """
    edges: dict[tuple[str, str], list[Attribution]] = {}
    for a in _load(article):
        if a.form == "scare-quote":
            continue
        to = attribution(a.via, article).source if a.via else REPORTER
        if to != a.source:
            edges.setdefault((a.source, to), []).append(a)
    return [Citation(o, t, tuple(a.id for a in group),
                     tuple(sorted({a.platform for a in group if a.platform})),
                     sum(1 for a in group if a.form == "credit"))
            for (o, t), group in edges.items()]


# ---------------------------------------------------------------------------------------------
# Voice share

_WORD = re.compile(r"\w+(?:['’]\w+)*")


@per_article(key="attributions")
def _voiced(key: str) -> tuple[Attribution, ...]:
    """Attributions that give their source a voice, innermost first (credits and platforms do not)."""
    eligible = [a for a in _load(key) if a.form != "credit" and a.side != "platform"]
    return tuple(sorted(eligible, key=lambda a: (len(a.content), -_depth(a, key))))


def speaker_at(offset: int, article: str | None = None) -> Attribution | None:
    """The innermost attribution whose content holds character *offset*; None for the reporter's own words."""
    check_type(offset, int, "offset")
    return _speaker_in(_voiced(article), offset)


def _speaker_in(voiced: tuple[Attribution, ...], offset: int) -> Attribution | None:
    for a in voiced:
        if a.content.start <= offset < a.content.end:
            return a
    return None


@dataclass(frozen=True)
class Voice:
    """Words of one side: inside quote marks, paraphrased, and the share of all counted words (0 to 1)."""

    side: str
    quoted: int
    paraphrased: int
    share: float

    @property
    def words(self) -> int:
        return self.quoted + self.paraphrased


def _counted_ranges(article: str | None = None) -> list[tuple[int, int]]:
    """The text whose words count: body paragraphs, subheadings and caption text (not credits or buttons)."""
    from course.article import load_article

    out = []
    for p in load_article(article).paragraphs:
        if p.role in ("body", "subheading"):
            out.append((p.start, p.end))
        elif p.role == "caption":
            out.append((p.parts["caption"].start, p.parts["caption"].end))
    return out


def voice_share(article: str | None = None) -> list[Voice]:
    """Words per side, split into quoted and paraphrased, largest first; the reporter's own words included."""
    from course.article import load_article
    from course.articles import article_key

    key = article_key(article)
    art = load_article(key)
    quoted_ranges = [(q.inner.start, q.inner.end) for q in art.quotations]
    counts: dict[str, list[int]] = {}
    total = 0
    voiced = _voiced(key)
    for lo, hi in _counted_ranges(key):
        for m in _WORD.finditer(art.text, lo, hi):
            speaker = _speaker_in(voiced, m.start())
            side = speaker.side if speaker else REPORTER
            quoted = any(a <= m.start() < b for a, b in quoted_ranges)
            counts.setdefault(side, [0, 0])[0 if quoted else 1] += 1
            total += 1
    rows = [Voice(side, q, p, round((q + p) / total, 6)) for side, (q, p) in counts.items()]
    return sorted(rows, key=lambda v: (-v.words, v.side))


# ---------------------------------------------------------------------------------------------
# The cue lexicon


@dataclass(frozen=True)
class Cue:
    """A lexicon entry: the Dutch forms of one cue, its English gloss and its stance."""

    id: str
    forms: tuple[str, ...]
    en: str
    stance: str
    kind: str
    finder: bool
    note: str


@lru_cache(maxsize=1)
def cue_lexicon() -> tuple[Cue, ...]:
    """Every cue of the lexicon (course/data/cues.toml, shared by every article)."""
    from course.corpus import load_shared

    return tuple(Cue(r["id"], tuple(r["forms"]), r["en"], r["stance"], r["kind"], r["finder"], r.get("note", ""))
                 for r in load_shared("cues").records)


def _pattern(form: str) -> re.Pattern[str]:
    if not any(ch.isalnum() for ch in form):
        return re.compile(re.escape(form))
    words = r"\s+".join(re.escape(w) for w in form.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def stance_of(word: str) -> str:
    """The stance (``neutral``, ``distancing`` or ``endorsing``) of a cue word or phrase of the lexicon."""
    check_text(word, "word")
    wanted = " ".join(word.split()).casefold()
    for cue in cue_lexicon():
        if wanted in (f.casefold() for f in cue.forms):
            return cue.stance
    raise unknown("cue word", word, sorted({f for c in cue_lexicon() for f in c.forms}))


def cue_occurrences(text: str, kinds: Iterable[str] | None = None,
                    finder_only: bool = False) -> list[tuple[Cue, int, int]]:
    """Every whole-word occurrence in *text* of a lexicon form, longest first, without overlaps.

    Returns ``(cue, start, end)`` sorted by start. *kinds* limits the cue kinds (``verb``, ``phrase`` ...);
    *finder_only* keeps the cues the finder uses.
    """
    check_type(text, str, "text")
    allowed = set(kinds) if kinds is not None else None
    forms = [(f, c) for c in cue_lexicon() for f in c.forms
             if (allowed is None or c.kind in allowed) and (c.finder or not finder_only)]
    taken: list[tuple[Cue, int, int]] = []
    for form, cue in sorted(forms, key=lambda fc: -len(fc[0])):
        for m in _pattern(form).finditer(text):
            if not any(m.start() < e and s < m.end() for _, s, e in taken):
                taken.append((cue, m.start(), m.end()))
    return sorted(taken, key=lambda t: t[1])


# ---------------------------------------------------------------------------------------------
# The finder

_CLOSE = "’”'\""
_STOP_AFTER_SOURCE = {"toe", "bij", "op", "in", "tegen", "met", "aan", "over", "daarna", "zaterdag"}
_SUBORDINATORS = re.compile(r"(?i)(?:^|[\s,])(?:nadat|dat|waar|terwijl|omdat)\s")


@dataclass(frozen=True)
class Found:
    """An attribution the finder proposes: (start, end) offsets into the text it was given."""

    cue: tuple[int, int]
    content: tuple[int, int]
    source: tuple[int, int] | None
    rule: str
    cue_text: str
    content_text: str
    source_text: str

    def shifted(self, by: int) -> "Found":
        """The same find with every offset moved by *by* characters."""
        move = lambda r: (r[0] + by, r[1] + by) if r else None  # noqa: E731
        return Found(move(self.cue), move(self.content), move(self.source), self.rule,
                     self.cue_text, self.content_text, self.source_text)


_TRAILING_JOIN = re.compile(r"(?:[\s,]+(?:maar|en|want|terwijl|of))+[\s,]*$", re.IGNORECASE)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """Shrink [a, b) past surrounding spaces and commas, a dangling 'maar'/'en', and a final full stop."""
    while a < b and text[a] in " ,;\n":
        a += 1
    join = _TRAILING_JOIN.search(text, a, b)
    if join:
        b = join.start()
    while b > a and text[b - 1] in " ,;\n":
        b -= 1
    if b > a and text[b - 1] == "." and (b == len(text.rstrip()) or text[b:].strip(_CLOSE + " ") == ""):
        b -= 1
    return a, b


def _quotes(sentence: str) -> list[tuple[int, int, int, int]]:
    return [(q[0], q[1], q[2], q[3]) for q in extract_quotations(sentence)]


def _inside_quote(sentence: str, pos: int) -> tuple[int, int] | None:
    for _, _, a, b in _quotes(sentence):
        if a <= pos < b:
            return a, b
    return None


def _source_before(sentence: str, start: int) -> tuple[int, int] | None:
    """The words before a cue back to the sentence start or the last subordinating word."""
    lo = 0
    for m in _SUBORDINATORS.finditer(sentence, 0, start):
        lo = m.end()
    inside = _inside_quote(sentence, start)
    if inside:
        lo = max(lo, inside[0])
        for m in re.finditer(r"[.!?]\s+", sentence[:start]):
            if m.end() > lo:
                lo = m.end()
    a, b = _trim(sentence, lo, start)
    return (a, b) if b > a else None


def _source_after(sentence: str, end: int) -> tuple[int, int] | None:
    """The words right after a cue (inverted order: "lichtte ze toe", "luidde het bijschrift")."""
    words = list(re.finditer(r"[^\s,.;:]+", sentence[end:]))
    keep = []
    for w in words[:5]:
        if w.group().casefold() in _STOP_AFTER_SOURCE:
            break
        keep.append(w)
    if not keep:
        return None
    return end + keep[0].start(), end + keep[-1].end()


def _cue_verb_rule(sentence: str) -> list[Found]:
    """Cue verbs and phrases of the lexicon: content after 'dat', an adjacent quote, or the rest of the clause."""
    cues = cue_occurrences(sentence, kinds=("verb", "phrase", "verification"), finder_only=True)
    starts = sorted(s for _, s, _ in cue_occurrences(sentence, finder_only=True))
    found = []
    for cue, s, e in cues:
        stop = next((t for t in starts if t > s), len(sentence))
        inside = _inside_quote(sentence, s)
        if inside:
            stop = min(stop, inside[1])
            end_of_sentence = re.search(r"[.!?](?=\s+[A-Z])", sentence[e:stop])
            if end_of_sentence:
                stop = e + end_of_sentence.start()
        before = sentence[:s].rstrip()
        quote_before = [q for q in _quotes(sentence) if q[1] <= s]
        source: tuple[int, int] | None
        if before.endswith(",") and before[:-1].rstrip()[-1:] in _CLOSE and quote_before:
            content = quote_before[-1][2:4]  # ‘…’, luidde het bijschrift
            source = _source_after(sentence, e)
        else:
            source = _source_before(sentence, s)
            dat = re.search(r"(?<!\w)dat\s", sentence[e:stop])
            opener = re.search(r"[‘“\"']|,,", sentence[e:stop])
            if dat and len(sentence[e:e + dat.start()].split()) <= 6:
                content = _trim(sentence, e + dat.end(), stop)
            elif opener and len(sentence[e:e + opener.start()].split()) <= 2:
                content = _trim(sentence, e + opener.start(), stop)
            else:
                content = _trim(sentence, e, stop)
            if content[1] <= content[0] and quote_before and len(sentence[quote_before[-1][1]:s].split()) <= 1:
                content = quote_before[-1][2:4]  # ‘Poetins feeks’ genoemd
        if content[1] > content[0]:
            found.append(_found("cue-verb", sentence, (s, e), content, source))
    return found


_PRONOUNS = {"hem", "haar", "hen", "hun", "mij", "ons", "jou", "u", "henzelf", "zichzelf"}
_FINITE = {"is", "zijn", "was", "waren", "heeft", "hebben", "had", "hadden", "wordt", "worden", "werd", "werden",
           "zal", "zullen", "zou", "zouden", "kan", "kunnen", "kon", "konden", "moet", "moeten", "gaat", "gaan",
           "ligt", "liggen", "staat", "staan", "vielen", "viel", "zit", "zitten"}


def _volgens_rule(sentence: str) -> list[Found]:
    """'Volgens X, Y', 'Volgens X is Y' and '... volgens hem Y': the source follows 'volgens'; the content is the rest."""
    found = []
    for cue, s, e in cue_occurrences(sentence, kinds=("preposition",), finder_only=True):
        words = list(re.finditer(r"[^\s,.;:]+|,", sentence[e:]))
        keep = []
        for w in words[:7]:
            token = w.group()
            if token == "," or (keep and token.casefold() in _FINITE):
                break
            keep.append(w)
            if token.casefold() in _PRONOUNS:
                break
        if not keep:
            continue
        source = (e + keep[0].start(), e + keep[-1].end())
        content = _trim(sentence, source[1], len(sentence))
        if content[1] > content[0]:
            found.append(_found("volgens", sentence, (s, e), content, source))
    return found


def _colon_rule(sentence: str) -> list[Found]:
    """A colon followed by a quote: the quote is the content, the words before the colon name the source."""
    found = []
    for q in _quotes(sentence):
        head = sentence[:q[0]].rstrip()
        if head.endswith(":"):
            colon = len(head) - 1
            source = _source_before(sentence, colon)
            found.append(_found("colon", sentence, (colon, colon + 1), (q[2], q[3]), source))
    return found


BASE_RULES: tuple[Callable[[str], list[Found]], ...] = (_cue_verb_rule, _volgens_rule, _colon_rule)


def _found(rule: str, sentence: str, cue: tuple[int, int], content: tuple[int, int],
           source: tuple[int, int] | None) -> Found:
    return Found(cue, content, source, rule, sentence[cue[0]:cue[1]], sentence[content[0]:content[1]],
                 sentence[source[0]:source[1]] if source else "")


def _rule_name(rule: Any) -> str:
    return getattr(rule, "__name__", type(rule).__name__)


def _from_rule(rule: Callable[..., Any], sentence: str) -> list[Found]:
    """Run a rule written as ``rule(sentence) -> [(source, cue, content), ...]`` and locate its pieces."""
    name = _rule_name(rule)
    result = rule(sentence)
    if result is None:
        raise CourseTypeError(f"rule {name} returned None; it must return a list of (source, cue, content) "
                              "tuples (an empty list when it finds nothing)")
    if isinstance(result, (str, bytes)) or not isinstance(result, (list, tuple)):
        raise CourseTypeError(f"rule {name} must return a list of (source, cue, content) tuples; got {describe(result)}")
    out = []
    for item in result:
        if not (isinstance(item, tuple) and len(item) == 3 and all(type(x) is str for x in item)):
            raise CourseTypeError(f"rule {name} must return (source, cue, content) tuples of three strings; "
                                  f"got {describe(item)}")
        source, cue, content = item
        spans = []
        for part, label in ((cue, "cue"), (content, "content")):
            at = sentence.find(part) if part.strip() else -1
            if at < 0:
                raise CourseValueError(f"rule {name} returned a {label} {part!r} that is not in the sentence "
                                       f"{sentence[:70]!r}")
            spans.append((at, at + len(part)))
        src_at = sentence.find(source) if source.strip() else -1
        src = (src_at, src_at + len(source)) if src_at >= 0 else None
        out.append(_found(name, sentence, spans[0], spans[1], src))
    return out


def _rules(rules: Any) -> list[Callable[..., Any]]:
    if callable(rules):
        rules = [rules]
    if isinstance(rules, (str, bytes)) or not isinstance(rules, (list, tuple)):
        raise CourseTypeError(f"rules must be a list of functions; got {describe(rules)}")
    for r in rules:
        if not callable(r) or isinstance(r, type):
            raise CourseTypeError(f"each rule must be a function rule(sentence); got {describe(r)}")
    return list(rules)


def find_attributions(text: str, rules: Sequence[Callable[[str], Any]] = (), base: bool = True) -> list[Found]:
    """Propose attributions in Dutch *text*, sentence by sentence; offsets are into *text*.

    The base rules (``base=True``) are cue verbs and phrases from the lexicon, 'volgens', and a colon
    before a quote. Each of *rules* is called as ``rule(sentence)`` and returns ``(source, cue, content)``
    tuples of exact pieces of the sentence (source may be ``""``). A cue found twice is kept once.
    """
    check_type(text, str, "text")
    check_type(base, bool, "base")
    extra = _rules(rules)
    found: list[Found] = []
    seen: set[tuple[int, int]] = set()
    for lo, hi in split_sentences(text):
        sentence = text[lo:hi]
        batch = [f for r in (BASE_RULES if base else ()) for f in r(sentence)]
        batch += [f for r in extra for f in _from_rule(r, sentence)]
        for f in sorted(batch, key=lambda f: f.cue):
            moved = f.shifted(lo)
            if moved.cue not in seen:
                seen.add(moved.cue)
                found.append(moved)
    return found


@dataclass(frozen=True)
class Miss:
    """A gold attribution the finder did not find, and why a rule-based finder misses it."""

    attribution: Attribution
    reason: str


@dataclass(frozen=True)
class FinderScore:
    """How the finder does on the article: precision and recall by cue, and content overlap (0 to 1)."""

    precision: float
    recall: float
    f1: float
    content_f1: float  # mean character F1 of content, over the gold attributions found
    found: tuple[Found, ...]  # offsets into the article
    matched: tuple[str, ...]  # ids of gold attributions found
    missed: tuple[Miss, ...]
    spurious: tuple[Found, ...]  # proposals that match no gold cue
    by_form: dict[str, tuple[int, int]]  # form -> (found, total)

    def __str__(self) -> str:
        return (f"precision {self.precision:.2f} ({len(self.found) - len(self.spurious)} of {len(self.found)} "
                f"proposals are real attributions), recall {self.recall:.2f} ({len(self.matched)} of "
                f"{len(self.matched) + len(self.missed)} found), F1 {self.f1:.2f}, content overlap F1 "
                f"{self.content_f1:.2f}")


def _why_missed(a: Attribution) -> str:
    if a.form == "credit":
        return "a photo credit (©): the finder reads running text, not credits"
    if a.form == "scare-quote":
        return "quote marks with nobody quoted: there is no cue to find"
    if all(not any(ch.isalnum() for ch in c.text) for c in a.cues):
        return "a quote with no cue of its own: it continues the speaker of the sentence before"
    for cue, _, _ in (o for c in a.cues for o in cue_occurrences(c.text)):
        if not cue.finder:
            return f"the lexicon has '{cue.forms[0]}', but the finder does not use it (course/data/cues.toml says why)"
    if not any(cue_occurrences(c.text) for c in a.cues):
        return f"the cue '{a.cue}' is not in the lexicon"
    return "the cue is in the lexicon, but the rule found no content next to it"


def score_finder(rules: Sequence[Callable[[str], Any]] = (), base: bool = True,
                 article: str | None = None) -> FinderScore:
    """Run the finder (base rules plus *rules*) on the article's body and captions; score it against the gold.

    A proposal is right when its cue overlaps the cue of a gold attribution; a gold attribution is found
    when a proposal's cue overlaps one of its cues. Content is scored by character overlap
    (``course.spans.overlap_scores``) between each found attribution and its best proposal.
    """
    from course.article import load_article
    from course.spans import overlap_scores

    art = load_article(article)
    found: list[Found] = []
    for p in art.paragraphs:
        if p.role in ("body", "caption"):
            for f in find_attributions(p.text, rules, base):
                found.append(f.shifted(p.start))
    gold = _load(article)

    def hits(cue: tuple[int, int], a: Attribution) -> bool:
        return any(cue[0] < c.end and c.start < cue[1] for c in a.cues)

    spurious = tuple(f for f in found if not any(hits(f.cue, a) for a in gold))
    matched, missed, overlaps = [], [], []
    for a in gold:
        mine = [f for f in found if hits(f.cue, a)]
        if mine:
            matched.append(a.id)
            overlaps.append(max(overlap_scores([f.content], [a.content]).f1 for f in mine))
        else:
            missed.append(Miss(a, _why_missed(a)))
    precision = (len(found) - len(spurious)) / len(found) if found else 0.0
    recall = len(matched) / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    by_form = {form: (sum(1 for a in gold if a.form == form and a.id in matched),
                      sum(1 for a in gold if a.form == form)) for form in FORMS}
    return FinderScore(round(precision, 6), round(recall, 6), round(f1, 6),
                       round(sum(overlaps) / len(overlaps), 6) if overlaps else 0.0,
                       tuple(found), tuple(matched), tuple(missed), spurious, by_form)


# ---------------------------------------------------------------------------------------------
# Reader layers and plain records


def attribution_layers(article: str | None = None) -> list[Any]:
    """Two highlight layers for ``course.widgets.Reader``: the cues, and the content with its source."""
    from course.widgets import Layer

    atts = _load(article)
    cue_marks = sorted(((c, f"cue of {a.id}: {a.named_as} ({a.side})") for a in atts for c in a.cues),
                       key=lambda m: m[0].start)
    content_marks = sorted(((a.content, f"{a.source_name} [{a.side}, {a.source_type}] via {a.via or 'nobody'}; "
                             f"verification: {a.status}") for a in atts), key=lambda m: (m[0].start, -len(m[0])))
    return [
        Layer("cues", "Cues", "vermillion", tuple(cue_marks), "the words and signs that introduce an attribution"),
        Layer("contents", "Attributed content", "blue", tuple(content_marks), "what is attributed, and to whom"),
    ]


def as_records(article: str | None = None) -> list[dict[str, Any]]:
    """Every attribution as a plain dict (the ``--json`` output): exact text from the article, offsets."""
    return [{
        "id": a.id, "source": a.source_text.text if a.source_text else None, "actor": a.source,
        "actor_name": a.source_name, "source_type": a.source_type, "side": a.side, "cue": a.cue,
        "content": a.content.text, "content_start": a.content.start, "content_end": a.content.end,
        "form": a.form, "via": a.via, "relay": a.relay, "platform": a.platform, "verification": a.status,
        "verified_by": a.verified_by, "evidence": a.evidence.text if a.evidence else None,
        "paragraph": a.paragraph, "sentence": a.sentence, "note": a.note,
    } for a in _load(article)]


# ---------------------------------------------------------------------------------------------
# Command line: python -m course sources


def add_arguments_sources(parser: argparse.ArgumentParser) -> None:
    add_article_argument(parser)
    parser.add_argument("--json", action="store_true", help="print a JSON array of attributions")
    parser.add_argument("--source", metavar="ACTOR", help="only the attributions of this actor (id or name)")
    parser.add_argument("--status", metavar="STATUS", help=f"only this verification status ({', '.join(STATUSES)})")
    parser.add_argument("--finder", action="store_true",
                        help="run the rule-based finder on the article and print its precision and recall")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _print_finder(article: str | None = None) -> None:
    score = score_finder(article=article)
    print(f"Rule-based attribution finder on the article ({len(score.matched) + len(score.missed)} gold attributions)")
    print(f"  precision {score.precision:.3f}   recall {score.recall:.3f}   F1 {score.f1:.3f}   "
          f"content overlap F1 {score.content_f1:.3f}")
    print("\nrecall by form:")
    for form, (hit, total) in score.by_form.items():
        if total:
            print(f"  {form:<12} {hit:>2} of {total:>2}")
    print("\nmissed:")
    for m in score.missed:
        print(f"  {m.attribution.id:<24} {m.reason}")
    print("\nfound, but not an attribution:")
    for f in score.spurious:
        print(f"  '{f.cue_text}' ({f.rule}) -> {_clip(f.content_text, 60)}")


def cmd_sources(args: argparse.Namespace) -> int:
    """Print the article's attributions as a table (or JSON), or the finder's scores."""
    article = getattr(args, "article", None)
    if getattr(args, "finder", False):
        _print_finder(article)
        return 0
    rows = list(_load(article))
    if args.source:
        actor = _actor_id(args.source, article)
        rows = [a for a in rows if a.source == actor]
    if args.status:
        if args.status not in STATUSES:
            raise unknown("verification status", args.status, STATUSES)
        rows = [a for a in rows if a.status == args.status]
    if args.json:
        keep = {a.id for a in rows}
        json.dump([r for r in as_records(article) if r["id"] in keep], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{'id':<24} {'side':<17} {'source (as named)':<26} {'cue':<22} {'form':<11} {'verification':<13} via")
    for a in rows:
        print(f"{a.id:<24} {a.side:<17} {_clip(a.named_as, 26):<26} {_clip(a.cue, 22):<22} {a.form:<11} "
              f"{a.status:<13} {a.via or ''}")
    print(f"\n{len(rows)} attribution(s); sides and types from the article's actors.toml; "
          "--json for every field, --finder for the rule-based finder")
    return 0
