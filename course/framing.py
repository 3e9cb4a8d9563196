"""How it is phrased: the course's taxonomy of framing techniques and the article's framing spans.

The taxonomy lives in ``course/data/techniques.toml`` (shared by every article, with SemEval label
mappings); each article folder has ``framing.toml`` (its labelled spans) and ``euphemisms.toml``
(plain meanings). A span's side is never stored: it comes from the speaker's record in the article's
``actors.toml``. Every function that reads spans takes ``article`` (an id; None is the seed).

Public API
----------
Taxonomy and spans
- ``techniques()`` / ``technique(id) -> Technique``; ``families() -> {family: description}``
- ``spans(technique=None, speaker=None, side=None, paragraph=None, article=None, *, counted=None)``;
  a span with ``apart`` set (an accurate legal term, or house style for a name) is shown but kept
  out of every count: ``counted=True`` leaves such spans out, ``counted=False`` gives only them
- ``euphemisms() -> list[Euphemism]``: softened phrases with their plain meaning and evidence, each
  piece of evidence with the verification status the text gives it (``evidence_status``)
- ``tally(by="side", article=None, *, include_apart=False) -> {side or speaker: {technique: count}}``
- ``taxonomy_table() -> str``: the taxonomy as a Markdown table

Loaded words (a word is a run of letters or digits, joined by an apostrophe as in ``zo'n``)
- ``words(text) -> list[(start, end)]`` and ``count_words(text) -> int``
- ``loaded_density(text, phrases) -> float``: loaded words per 100 words
- ``paragraph_density(include_contested=True) -> list[Density]``: the same for every paragraph,
  from the counted spans of *lexical* techniques, with the loaded words split by side and the
  words of contested spans marked

Scoring and agreement
- ``quote_ranges(text, quotes) -> list[(start, end)]``: where quotes occur (clear error if not)
- ``score_quotes(text, predicted, gold) -> Scores``: character-overlap precision, recall, F1
- ``compare(quotes, technique, paragraph) -> Scores``: a student's selection against the course's spans
- ``label_credit(given, expected) -> float``: 1 per exact label, half for one of the same family;
  ``label_report(given, expected) -> str`` says how many were right without saying which
- ``agreement(a, b, level="technique") -> Agreement`` and ``cohen_kappa(a, b) -> float``
- ``contested_agreement(level="technique") -> Agreement``: the course's labels against a second
  annotator who always takes the documented alternative

Command line: ``python -m course framing [--technique ID] [--side SIDE] [--json]``.

>>> from course.framing import spans, technique
>>> first = spans(technique="euphemism")[0]
>>> first.quote, first.speaker, first.side
('ter versterking van operaties elders', 'ru-mod', 'russian-state')
>>> technique("loaded-language").semeval2023.label
'Loaded_Language'
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from course.article import Span, _Spanned, split_sentences
from course.articles import add_article_argument, per_article
from course.errors import (
    CourseTypeError,
    CourseValueError,
    QuoteNotFoundError,
    check_number,
    check_text,
    check_type,
    describe,
    lookup,
    unknown,
)
from course.spans import Scores, overlap_scores

__all__ = [
    "Agreement",
    "Density",
    "Euphemism",
    "FramingSpan",
    "LabelMapping",
    "Technique",
    "add_arguments_framing",
    "agreement",
    "cmd_framing",
    "cohen_kappa",
    "compare",
    "contested_agreement",
    "count_words",
    "euphemisms",
    "evidence_status",
    "families",
    "label_credit",
    "label_report",
    "loaded_density",
    "paragraph_density",
    "quote_ranges",
    "score_quotes",
    "spans",
    "tally",
    "taxonomy_table",
    "technique",
    "techniques",
    "words",
]

WORD = re.compile(r"\w+(?:['’]\w+)*")
FAMILY_CREDIT = 0.5


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class LabelMapping:
    """The nearest label of a research data set: ``label`` (None when there is none) and how it fits."""

    label: str | None
    fit: str
    note: str = ""
    category: str | None = None  # SemEval-2023's coarse category of the label


@dataclass(frozen=True)
class Technique:
    """A technique of the course's taxonomy."""

    id: str
    name: str
    family: str
    lexical: bool
    definition: str
    example: str
    look_for: str
    semeval2020: LabelMapping
    semeval2023: LabelMapping


@dataclass(frozen=True)
class FramingSpan(_Spanned):
    """A span of the article labelled with a technique; ``side`` comes from the speaker's actor record."""

    id: str
    technique: str
    speaker: str
    side: str
    rationale: str
    span: Span
    paragraph: str
    contested: str | None = None
    alternative: str | None = None
    apart: str | None = None  # "accurate-term" or "house-style": shown, but outside every count

    @property
    def quote(self) -> str:
        """The exact text of the span (the same as ``text``)."""
        return self.span.text

    @property
    def counted(self) -> bool:
        """True when the span counts as framing (False for an accurate term or house style, shown apart)."""
        return self.apart is None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record: the span with its technique's SemEval labels and its side."""
        t = technique(self.technique)
        return {"id": self.id, "quote": self.quote, "start": self.start, "end": self.end,
                "paragraph": self.paragraph, "technique": self.technique, "technique_name": t.name,
                "family": t.family, "semeval2020": t.semeval2020.label, "semeval2023": t.semeval2023.label,
                "speaker": self.speaker, "side": self.side, "rationale": self.rationale,
                "contested": self.contested, "alternative": self.alternative, "apart": self.apart}


@dataclass(frozen=True)
class Euphemism:
    """A softened phrase (a framing span) with its plain meaning and the article's evidence for it."""

    id: str
    framing: FramingSpan
    plain_en: str
    plain_nl: str
    evidence: tuple[tuple[Span, str], ...]
    article: str | None = None  # the article the euphemism belongs to (None: the seed)

    def evidence_statuses(self) -> list[tuple[Span, str, str]]:
        """Each piece of evidence with who says it and the verification status the text gives (see evidence_status)."""
        return [(span, *evidence_status(span, self.article)) for span, _note in self.evidence]

    @property
    def quote(self) -> str:
        return self.framing.quote


@dataclass(frozen=True)
class Density:
    """Loaded words in one paragraph: counts, the rate per 100 words, and the loaded words by side."""

    paragraph: str
    role: str
    words: int
    loaded: int
    by_side: dict[str, int] = field(default_factory=dict)
    marks: tuple[tuple[int, str], ...] = ()  # (word index in the paragraph, side) of each loaded word
    contested: tuple[int, ...] = ()  # word indexes of the loaded words that come from contested spans

    @property
    def per_100(self) -> float:
        """Loaded words per 100 words of the paragraph."""
        return 100.0 * self.loaded / self.words if self.words else 0.0


@dataclass(frozen=True)
class Agreement:
    """Agreement of two annotators on the same items: observed, expected by chance, and Cohen's kappa."""

    n: int
    observed: float
    expected: float
    kappa: float
    disagreements: tuple[tuple[int, str, str], ...] = ()  # (item index, label a, label b)


# ---------------------------------------------------------------------------------------------
# Loading


def _mapping(record: Any, categories: Any = None) -> LabelMapping:
    label = record.get("label")
    category = categories.get(label) if categories is not None and label else None
    return LabelMapping(label, record["fit"], record.get("note", ""), category)


@lru_cache(maxsize=1)
def _taxonomy() -> tuple[dict[str, Technique], dict[str, str]]:
    """The techniques and their families (course/data/techniques.toml, shared by every article)."""
    from course.corpus import load_shared

    shared = load_shared("techniques")
    cats = shared.meta["semeval2023_categories"]
    table = {r["id"]: Technique(r["id"], r["name"], r["family"], r["lexical"], r["definition"], r["example"],
                                r["look_for"], _mapping(r["semeval2020"]), _mapping(r["semeval2023"], cats))
             for r in shared.records}
    return table, dict(shared.meta["families"])


@per_article(key="framing")
def _data(key: str) -> tuple[tuple[FramingSpan, ...], tuple[Euphemism, ...]]:
    """The framing spans and euphemisms of an article."""
    from course.corpus import load_corpus

    corpus = load_corpus(key)
    art = corpus.article
    found = tuple(FramingSpan(r["id"], r["technique"], r["speaker"], corpus.get("actors", r["speaker"])["side"],
                              r["rationale"], r["span"], art.paragraph_at(r["span"].start).id,
                              r.get("contested"), r.get("alternative"), r.get("apart"))
                  for r in corpus.records("framing"))
    by_id = {s.id: s for s in found}
    eus = tuple(Euphemism(r["id"], by_id[r["framing"]], r["plain_en"], r["plain_nl"],
                          tuple((e["span"], e.get("note", "")) for e in r["evidence"]), key)
                for r in corpus.records("euphemisms"))
    return found, eus


def techniques() -> list[Technique]:
    """The course's taxonomy, in the order of techniques.toml (grouped by family)."""
    return list(_taxonomy()[0].values())


def technique(tid: str) -> Technique:
    """The technique with id *tid*, such as ``'euphemism'``."""
    return _technique(tid, "tid")


def _technique(tid: str, name: str) -> Technique:
    """``technique``, with errors that name the caller's parameter *name*."""
    return lookup(_taxonomy()[0], tid, "technique id", type_name=name, name=name)


def families() -> dict[str, str]:
    """The families of techniques: id -> what the techniques of that family do."""
    return dict(_taxonomy()[1])


def _sides(article: str | None = None) -> set[str]:
    from course.corpus import load_corpus

    return set(load_corpus(article).meta("actors")["sides"])


def spans(technique: str | None = None, speaker: str | None = None, side: str | None = None,
          paragraph: str | None = None, article: str | None = None, *,
          counted: bool | None = None) -> list[FramingSpan]:
    """The article's framing spans in text order, optionally only one technique, speaker, side or paragraph.

    ``counted=True`` keeps only the spans that count as framing; ``counted=False`` only those shown apart.
    """
    from course.corpus import load_corpus

    found = list(_data(article)[0])
    if counted is not None:
        check_type(counted, bool, "counted")
        found = [s for s in found if s.counted == counted]
    if technique is not None:
        tid = _technique(technique, "technique").id
        found = [s for s in found if s.technique == tid]
    if speaker is not None:
        found = [s for s in found if s.speaker == load_corpus(article).get("actors", speaker)["id"]]
    if side is not None:
        check_type(side, str, "side")
        if side not in _sides(article):
            raise unknown("side", side, sorted(_sides(article)), name="side")
        found = [s for s in found if s.side == side]
    if paragraph is not None:
        pid = load_corpus(article).article.paragraph(paragraph).id
        found = [s for s in found if s.paragraph == pid]
    return sorted(found, key=lambda s: (s.start, s.end))


def euphemisms(article: str | None = None) -> list[Euphemism]:
    """The article's euphemisms with their plain meaning, in text order."""
    return sorted(_data(article)[1], key=lambda e: e.framing.start)


def evidence_status(span: Span, article: str | None = None) -> tuple[str, str]:
    """Who the text says *span* comes from and the verification status it gives.

    The attribution whose content shares the most characters with *span* (the innermost one on a tie)
    gives (source name, status); words that no attribution covers give ('the reporter', 'own voice').
    """
    from course.sources import attributions

    check_type(span, Span, "span")

    def shared(a: Any) -> int:
        return min(a.content.end, span.end) - max(a.content.start, span.start)

    found = [a for a in attributions(article) if shared(a) > 0 and a.form != "scare-quote"]
    if not found:
        return "the reporter", "own voice"
    a = max(found, key=lambda a: (shared(a), -(a.content.end - a.content.start)))
    return a.source_name, a.status


def tally(by: str = "side", article: str | None = None, *, include_apart: bool = False) -> dict[str, dict[str, int]]:
    """How many spans of each technique each side (``by="side"``) or speaker (``by="speaker"``) has.

    Spans shown apart (accurate terms, house style) are left out unless *include_apart* is True.
    """
    check_type(by, str, "by")
    check_type(include_apart, bool, "include_apart")
    if by not in ("side", "speaker"):
        raise unknown("tally key", by, ["side", "speaker"], name="by")
    out: dict[str, Counter[str]] = {}
    for s in spans(counted=None if include_apart else True, article=article):
        out.setdefault(getattr(s, by), Counter())[s.technique] += 1
    return {key: dict(counts) for key, counts in out.items()}


def taxonomy_table() -> str:
    """The taxonomy as a Markdown table: family, technique, definition and the two SemEval labels."""
    rows = ["| Family | Technique | What it does | SemEval-2020 | SemEval-2023 |", "|---|---|---|---|---|"]
    for t in techniques():
        labels = [f"`{m.label}`" + ("" if m.fit == "same" else f" ({m.fit})") if m.label else "none"
                  for m in (t.semeval2020, t.semeval2023)]
        first = t.definition.split(". ")[0].rstrip(".") + "."
        rows.append(f"| {t.family} | **{t.name}** (`{t.id}`) | {first} | {labels[0]} | {labels[1]} |")
    return "\n".join(rows)


# ---------------------------------------------------------------------------------------------
# Words and loaded-word density


def words(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` offsets of every word in *text*: letters or digits, joined by an apostrophe."""
    check_type(text, str, "text")
    return [m.span() for m in WORD.finditer(text)]


def count_words(text: str) -> int:
    """How many words *text* has (``zo'n`` is one word, ``Izium-Balakliia`` two)."""
    return len(words(text))


def _normal(text: str) -> str:
    table = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "„": '"'})
    return " ".join(text.translate(table).replace(",,", '"').casefold().split())


def _not_found(quote: str, text: str, where: str) -> QuoteNotFoundError:
    if _normal(quote) in _normal(text):
        return QuoteNotFoundError(f"{quote!r} is not in {where} exactly as written; it is there with other quote "
                                  "marks, spacing or capitals: copy the text exactly")
    pieces = [text[a:b] for a, b in split_sentences(text)] or [text]
    best = max(pieces, key=lambda s: difflib.SequenceMatcher(None, _normal(quote), _normal(s)).ratio())
    shown = best if len(best) <= 90 else best[:87] + "..."
    return QuoteNotFoundError(f"{quote!r} is not in {where}; the closest sentence is {shown!r}")


def quote_ranges(text: str, quotes: Iterable[str], where: str = "the text") -> list[tuple[int, int]]:
    """The ``(start, end)`` of every occurrence of each quote in *text* (like a find-all highlighter).

    Raises QuoteNotFoundError, with the closest sentence as a hint, for a quote that is not in the text.
    """
    return _quote_ranges(text, quotes, check_text(where, "where"), "quotes")


def _quote_ranges(text: str, quotes: Iterable[str], where: str, name: str) -> list[tuple[int, int]]:
    """``quote_ranges``, with errors that name the caller's parameter *name* for the quotes."""
    check_type(text, str, "text")
    if isinstance(quotes, str) or not hasattr(quotes, "__iter__"):
        raise CourseTypeError(f"{name} must be a list of strings, e.g. ['eerste', 'tweede']; got {describe(quotes)}")
    found: list[tuple[int, int]] = []
    for i, quote in enumerate(quotes):
        check_text(quote, f"{name}[{i}]")
        hits = [m.start() for m in re.finditer(re.escape(quote), text)]
        if not hits:
            raise _not_found(quote, text, where)
        found += [(a, a + len(quote)) for a in hits]
    return sorted(found)


def _covered(word_ranges: Sequence[tuple[int, int]], marked: Sequence[tuple[int, int]]) -> list[int]:
    """Indexes of the words that share at least one character with a marked range."""
    return [i for i, (a, b) in enumerate(word_ranges) if any(a < d and c < b for c, d in marked)]


def loaded_density(text: str, phrases: Iterable[str]) -> float:
    """Loaded words per 100 words of *text*: words inside any occurrence of the loaded *phrases*.

    A word counts once even when two phrases cover it. Every phrase must occur in the text.
    """
    check_text(text, "text")
    ranges = _quote_ranges(text, phrases, "the text", "phrases")
    found = words(text)
    if not found:
        raise CourseValueError("text has no words, so a density per 100 words is undefined")
    return 100.0 * len(_covered(found, ranges)) / len(found)


def paragraph_density(include_contested: bool = True, article: str | None = None) -> list[Density]:
    """Loaded words per paragraph (not the date line), from the spans of lexical techniques.

    A word covered by spans of two speakers counts once, for the speaker of the shorter span. Spans shown
    apart (accurate terms, house style) never count; words of contested spans are listed in ``contested``.
    """
    from course.corpus import load_corpus

    check_type(include_contested, bool, "include_contested")
    art = load_corpus(article).article
    lexical = [s for s in spans(counted=True, article=article)
               if technique(s.technique).lexical and (include_contested or not s.contested)]
    out = []
    for p in art.paragraphs:
        if p.role == "dateline":
            continue
        inside = sorted((s for s in lexical if s.paragraph == p.id), key=lambda s: s.end - s.start)
        word_ranges = [(p.start + a, p.start + b) for a, b in words(p.text)]
        marks, contested = [], []
        for i, (a, b) in enumerate(word_ranges):
            owner = next((s for s in inside if a < s.end and s.start < b), None)
            if owner is not None:
                marks.append((i, owner.side))
                if owner.contested:
                    contested.append(i)
        by_side = dict(Counter(side for _, side in marks))
        out.append(Density(p.id, p.role, len(word_ranges), len(marks), by_side, tuple(marks), tuple(contested)))
    return out


# ---------------------------------------------------------------------------------------------
# Scoring a selection of spans


def score_quotes(text: str, predicted: Iterable[str], gold: Iterable[str]) -> Scores:
    """Character-overlap precision, recall and F1 of the quotes *predicted* against the *gold* quotes in *text*."""
    return overlap_scores(_quote_ranges(text, predicted, "the text", "predicted"),
                          _quote_ranges(text, gold, "the text", "gold"))


def compare(quotes: Iterable[str], technique_id: str, paragraph: str, article: str | None = None) -> Scores:
    """Score quotes selected in *paragraph* against the course's spans of *technique_id* there."""
    from course.corpus import load_corpus

    tid = _technique(technique_id, "technique_id").id
    p = load_corpus(article).article.paragraph(paragraph)
    predicted = [(p.start + a, p.start + b) for a, b in quote_ranges(p.text, quotes, f"paragraph {p.id}")]
    return overlap_scores(predicted, [s.span for s in spans(technique=tid, paragraph=p.id, article=article)])


def _labels(values: Any, name: str) -> list[str]:
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)):
        raise CourseTypeError(f"{name} must be a list of technique ids, e.g. ['euphemism', 'slogan']; "
                              f"got {describe(values)}")
    for i, v in enumerate(values):
        _technique(v, f"{name}[{i}]")
    return list(values)


def label_credit(given: Sequence[str], expected: Sequence[str], family_credit: float = FAMILY_CREDIT) -> float:
    """Mean credit for *given* labels against *expected* ones: 1 if equal, *family_credit* if same family, else 0."""
    got, want = _labels(given, "given"), _labels(expected, "expected")
    family_credit = check_number(family_credit, "family_credit", low=0.0, high=1.0)
    if len(got) != len(want):
        raise CourseValueError(f"given has {len(got)} labels but expected has {len(want)}; label every item once")
    if not want:
        raise CourseValueError("there are no labels to compare")
    total = 0.0
    for g, w in zip(got, want):
        if g == w:
            total += 1.0
        elif technique(g).family == technique(w).family:
            total += family_credit
    return total / len(want)


def label_report(given: Sequence[str], expected: Sequence[str]) -> str:
    """How many labels are exactly right and how many are in the right family, without saying which."""
    got, want = _labels(given, "given"), _labels(expected, "expected")
    if len(got) != len(want):
        raise CourseValueError(f"given has {len(got)} labels but expected has {len(want)}; label every item once")
    exact = sum(g == w for g, w in zip(got, want))
    family = sum(g != w and technique(g).family == technique(w).family for g, w in zip(got, want))
    return (f"{exact} of {len(want)} labels exactly right; {family} more in the right family "
            f"(half credit each); {len(want) - exact - family} in another family.")


# ---------------------------------------------------------------------------------------------
# Agreement between annotators


def agreement(a: Sequence[str], b: Sequence[str], level: str = "technique") -> Agreement:
    """Observed agreement, chance agreement and Cohen's kappa of two label lists for the same items.

    ``level="technique"`` compares any string labels as they are; ``level="family"`` first maps
    technique ids to their family, so two techniques of one family count as agreeing.
    """
    check_type(level, str, "level")
    if level not in ("technique", "family"):
        raise unknown("agreement level", level, ["technique", "family"], name="level")
    for name, labels in (("a", a), ("b", b)):
        if isinstance(labels, (str, bytes)) or not isinstance(labels, (list, tuple)):
            raise CourseTypeError(f"{name} must be a list of labels, one per item; got {describe(labels)}")
        for i, v in enumerate(labels):
            check_type(v, str, f"{name}[{i}]")
    if len(a) != len(b):
        raise CourseValueError(f"a has {len(a)} labels but b has {len(b)}; both annotators must label the same items")
    if not a:
        raise CourseValueError("agreement needs at least one labelled item")
    if level == "family":
        a = [_technique(x, f"a[{i}]").family for i, x in enumerate(a)]
        b = [_technique(x, f"b[{i}]").family for i, x in enumerate(b)]
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if expected >= 1.0:
        raise CourseValueError("kappa is undefined when both annotators give every item one and the same label: "
                               "there is no room for agreement beyond chance")
    kappa = (observed - expected) / (1.0 - expected)
    differ = tuple((i, x, y) for i, (x, y) in enumerate(zip(a, b)) if x != y)
    return Agreement(n, observed, expected, kappa, differ)


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa: agreement beyond chance, from -1 to 1 (1 = perfect, 0 = what chance would give)."""
    return agreement(a, b).kappa


def contested_agreement(level: str = "technique", article: str | None = None) -> Agreement:
    """The course's labels against a second annotator who takes the documented alternative wherever there is one."""
    found = spans(article=article)
    return agreement([s.technique for s in found], [s.alternative or s.technique for s in found], level)


# ---------------------------------------------------------------------------------------------
# Command line


def add_arguments_framing(parser: argparse.ArgumentParser) -> None:
    add_article_argument(parser)
    parser.add_argument("--technique", help="only this technique (an id such as euphemism)")
    parser.add_argument("--side", help="only this side (such as reporter or russian-state)")
    parser.add_argument("--json", action="store_true", help="print a JSON array of spans")


def cmd_framing(args: argparse.Namespace) -> int:
    """List the framing spans: paragraph, technique, speaker and side, the quote and the rationale."""
    found = spans(technique=args.technique, side=args.side, article=getattr(args, "article", None))
    if args.json:
        json.dump([s.as_dict() for s in found], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for s in found:
        flag = ("  [contested]" if s.contested else "") + (f"  [shown apart: {s.apart}]" if s.apart else "")
        print(f"{s.paragraph}  {s.technique:<26} {s.speaker} ({s.side}){flag}\n"
              f"     “{s.quote}”\n     {s.rationale}")
    sides = Counter(s.side for s in found if s.counted)
    summary = ", ".join(f"{side}: {n}" for side, n in sides.most_common())
    apart = sum(1 for s in found if not s.counted)
    print(f"\n{len(found)} span(s), {sum(1 for s in found if s.contested)} contested, {apart} shown apart "
          f"(accurate terms, house style). Counted, by side: {summary or 'none'}")
    return 0
