"""The article: paragraphs with roles, Dutch-aware sentences, character spans and quotations.

Public API
----------
- ``load_article(article=None) -> Article``: an article's text (None is the seed, read from ``seeds/``;
  cached); ``load_article(path=FILE)`` reads any Dutch text file.
- ``Article.paragraphs`` / ``Article.paragraph(id)`` / ``Article.by_role(role)``
- ``Article.sentences`` / ``Article.sentence(id)``
- ``Article.find(quote, occurrence=1) -> Span`` and ``Article.find_all(quote)``
- ``Article.quotations``: the direct quotations, whatever quote marks open and close them.
- ``Span``: a character range ``[start, end)`` of the article with its text.
- ``split_sentences(text)`` and ``extract_quotations(text)`` work on any Dutch text.

Offsets are Python string indices (Unicode code points) into the verbatim text.

>>> from course.article import load_article
>>> art = load_article()
>>> span = art.find("zo'n 74 kilometer noordelijker")
>>> art.paragraph_at(span.start).id
'p03'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from course.errors import (
    CourseTypeError,
    CourseValueError,
    QuoteNotFoundError,
    check_text,
    check_type,
    describe,
    lookup,
    unknown,
)

__all__ = [
    "ARTICLE_PATH",
    "ROLES",
    "Article",
    "Paragraph",
    "Quotation",
    "Sentence",
    "Span",
    "extract_quotations",
    "load_article",
    "split_sentences",
]

# The seed's verbatim text in the repository (course.articles finds every article's text, the seed's included).
ARTICLE_PATH = Path(__file__).resolve().parent.parent / "seeds" / "000_f3b4b7109528864c.txt"
ROLES = ("dateline", "body", "subheading", "caption")

# Abbreviations after which a full stop does not end a Dutch sentence (lower-cased, without the dot).
DUTCH_ABBREVIATIONS = frozenset(
    """
    a.d aanw afd afk alg art bijv bv blz ca cf d.d d.i d.m.v d.w.z dhr dr drs e.a e.d e.e.a e.v enz
    etc evt fa fig gebr gem i.c i.e i.h.a i.p.v i.s.m ir jhr jl jr m.a.w m.b.t m.i.v mevr mgr mln
    mld mr mw n.a.v n.b n.v.t nl nr o.a o.b.v o.l.v o.m p.a p.m p.p prof resp s.v.p sr st t.a.v t.b.v
    t.g.v t.o.v tel v.chr v.d v.l.n.r vgl vnl vs vz w.o zgn z.g.a.n zg
    jan feb febr mrt apr jun jul aug sep sept okt nov dec
    """.split()
)

_OPEN_SINGLE = {"‘": "‘", "“": "“", "„": "„", "«": "«"}
_CLOSERS = "’”'\"»"
_DATELINE = re.compile(r"\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+")
_CAPTION = re.compile(r"Volledig scherm\s+")
_SENTENCE_END = ".!?…"


@dataclass(frozen=True)
class Span:
    """A character range ``[start, end)`` of the article, with the text it covers."""

    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        check_type(self.start, int, "start")
        check_type(self.end, int, "end")
        check_type(self.text, str, "text")
        if not (0 <= self.start <= self.end):
            raise CourseValueError(f"a span needs 0 <= start <= end; got start={self.start}, end={self.end}")
        if len(self.text) != self.end - self.start:
            raise CourseValueError("a span's text must be exactly end - start characters long")

    def __str__(self) -> str:
        return self.text

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: "Span") -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: "Span") -> bool:
        """True when *other* lies wholly inside this span."""
        return self.start <= other.start and other.end <= self.end


class _Spanned:
    """Text, start and end taken from the object's ``span``."""

    span: Span

    @property
    def text(self) -> str:
        return self.span.text

    @property
    def start(self) -> int:
        return self.span.start

    @property
    def end(self) -> int:
        return self.span.end


@dataclass(frozen=True)
class Sentence(_Spanned):
    """A sentence with a stable id such as ``p03.s2``."""

    id: str
    paragraph: str
    span: Span


@dataclass(frozen=True)
class Quotation:
    """A direct quotation: the marks that open and close it, and the quoted words between them."""

    id: str
    paragraph: str
    outer: Span  # with the quote marks
    inner: Span  # the quoted words only
    open_mark: str
    close_mark: str | None  # None when the quotation is never closed

    @property
    def closed(self) -> bool:
        return self.close_mark is not None

    @property
    def text(self) -> str:
        return self.inner.text


@dataclass(frozen=True)
class Paragraph(_Spanned):
    """A paragraph with a stable id (``p01``...), its role and its sentences.

    ``parts`` names sub-spans: for a caption ``furniture`` (the "Volledig scherm" button label),
    ``caption`` and ``credit``; for the date line ``date``.
    """

    id: str
    role: str
    span: Span
    sentences: tuple[Sentence, ...]
    parts: dict[str, Span] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Quotations and sentences on plain text (offsets relative to the text given)


def _is_letter(ch: str) -> bool:
    return bool(ch) and unicodedata.category(ch)[0] == "L"


def _opener_at(text: str, i: int) -> str | None:
    """The opening quote mark that starts at *i*, if any."""
    ch = text[i]
    if ch in _OPEN_SINGLE:
        return ch
    if text.startswith(",,", i) and (i == 0 or not text[i - 1].isdigit()):
        return ",,"
    if ch in "'\"" and (i == 0 or text[i - 1].isspace() or text[i - 1] in "([") and \
            i + 1 < len(text) and not text[i + 1].isspace():
        return ch
    return None


def _closer_at(text: str, i: int) -> str | None:
    """The closing quote mark that starts at *i*, if any (an apostrophe inside a word is not one)."""
    ch = text[i]
    if ch not in _CLOSERS or i == 0 or text[i - 1].isspace():
        return None
    after = text[i + 1] if i + 1 < len(text) else ""
    if _is_letter(text[i - 1]) and _is_letter(after):
        return None  # zo'n, zo’n, foto's, Zelenski’s
    if ch == "’" and after == "’" or ch == "'" and after == "'":
        return ch * 2
    return ch


def extract_quotations(text: str) -> list[tuple[int, int, int, int, str, str | None]]:
    """Find direct quotations in Dutch *text*.

    Returns tuples ``(outer_start, outer_end, inner_start, inner_end, open_mark, close_mark)``.
    Handles ``‘…’``, ``“…”``, ``,,…’’``, mixed pairs such as ``“…’`` and ``,,…’``, and a quotation
    that is never closed (``close_mark`` is None and it runs to the end of the text).
    """
    check_type(text, str, "text")
    found: list[tuple[int, int, int, int, str, str | None]] = []
    stack: list[tuple[int, str]] = []
    i = 0
    while i < len(text):
        if stack:
            closer = _closer_at(text, i)
            if closer:
                start, mark = stack.pop()
                found.append((start, i + len(closer), start + len(mark), i, mark, closer))
                i += len(closer)
                continue
        opener = _opener_at(text, i)
        if opener:
            stack.append((i, opener))
            i += len(opener)
            continue
        i += 1
    end = len(text.rstrip())
    for start, mark in reversed(stack):
        found.append((start, end, start + len(mark), end, mark, None))
    return sorted(found)


def _inside(pos: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a < pos < b for a, b in ranges)


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([\w.]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1).lower()
    if token in DUTCH_ABBREVIATIONS:
        return True
    return len(token) == 1 and token.isalpha() and text[dot - 1].isupper()  # an initial: "W. Poetin"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split Dutch *text* into sentences; returns ``(start, end)`` pairs without surrounding space.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (plus any closing quote marks) when a capital,
    a digit, an opening quote or ``©`` follows. It does not end after a Dutch abbreviation
    (``bijv.``, ``o.a.``, ``d.w.z.``), after an initial, or inside a quotation: a quote and its
    attribution (",,…’’, lichtte ze toe") stay one sentence.
    """
    check_type(text, str, "text")
    quotes = [(q[2], q[3]) for q in extract_quotations(text)]
    bounds: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        boundary_at = None
        if ch in _SENTENCE_END and not (ch == "." and _ends_with_abbreviation(text, i)):
            j = i + 1
            while j < n and (text[j] in _CLOSERS or text[j] in _SENTENCE_END):
                j += 1
            # inside a quotation only the quotation's own last sentence can end the sentence
            k = j if not any(a < i < b and b > j for a, b in quotes) else n + 1
            while k < n and text[k].isspace():
                k += 1
            if k == n or (j < k < n and (text[k].isupper() or text[k].isdigit() or _opener_at(text, k) or text[k] == "©")):
                boundary_at = j
        elif ch == "©" and i > start and text[start:i].strip() and not _inside(i, quotes):
            boundary_at = i  # a photo credit after a caption without a full stop
        if boundary_at is not None:
            bounds.append((start, boundary_at))
            start = boundary_at
            i = boundary_at
            continue
        i += 1
    bounds.append((start, n))
    out = []
    for a, b in bounds:
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if b - trail > a + lead:
            out.append((a + lead, b - trail))
    return out


# --------------------------------------------------------------------------------------------
# The article


class Article:
    """The article's verbatim text with its structure: paragraphs, sentences and quotations."""

    def __init__(self, text: str, source: str = "<text>", id: str | None = None) -> None:
        check_type(text, str, "text")
        self.text = text
        self.source = source
        self.id = id  # the article id when the text is a course article (None for any other text)
        self.paragraphs: tuple[Paragraph, ...] = tuple(self._paragraphs())
        self._by_id = {p.id: p for p in self.paragraphs}
        self.sentences: tuple[Sentence, ...] = tuple(s for p in self.paragraphs for s in p.sentences)
        self._sentence_by_id = {s.id: s for s in self.sentences}
        self.quotations: tuple[Quotation, ...] = tuple(self._quotations())

    def __repr__(self) -> str:
        return f"<Article {self.source}: {len(self.paragraphs)} paragraphs, {len(self.sentences)} sentences>"

    # -- building --------------------------------------------------------------------------
    def span(self, start: int, end: int) -> Span:
        """The span ``[start, end)`` of the article (offsets are checked)."""
        check_type(start, int, "start")
        check_type(end, int, "end")
        if not (0 <= start <= end <= len(self.text)):
            raise CourseValueError(
                f"start and end must be offsets with 0 <= start <= end <= {len(self.text)} (the article's length); "
                f"got start={start}, end={end}")
        return Span(start, end, self.text[start:end])

    def _blocks(self) -> Iterator[tuple[int, int]]:
        for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", self.text):
            a, b = m.span()
            seg = self.text[a:b]
            a += len(seg) - len(seg.lstrip())
            b -= len(seg) - len(seg.rstrip())
            if b > a:
                yield a, b

    def _paragraphs(self) -> Iterator[Paragraph]:
        number = 0

        def make(role: str, a: int, b: int, parts: dict[str, Span] | None = None,
                 body: tuple[int, int] | None = None) -> Paragraph:
            nonlocal number
            number += 1
            pid = f"p{number:02d}"
            lo, hi = body or (a, b)
            if role in ("subheading", "dateline"):
                pieces = [(lo, hi)]
            else:
                pieces = [(lo + s, lo + e) for s, e in split_sentences(self.text[lo:hi])]
            sentences = tuple(Sentence(f"{pid}.s{k}", pid, self.span(s, e)) for k, (s, e) in enumerate(pieces, 1))
            return Paragraph(pid, role, self.span(a, b), sentences, parts or {})

        for a, b in self._blocks():
            # the leading whitespace is stripped, so the date line starts at the block start
            m = _DATELINE.match(self.text, a) if number == 0 else None
            if m:
                date_start = self.text.index(m.group(1), a)
                line_end = self.text.index(m.group(1), a) + len(m.group(1))
                yield make("dateline", a, line_end, {"date": self.span(date_start, line_end)})
                a = m.end()
            block = self.text[a:b]
            cap = _CAPTION.match(block)
            if cap:
                credit_at = block.rfind("©")
                furniture = self.span(a, a + len(cap.group(0).rstrip()))
                caption_end = a + (credit_at if credit_at > 0 else len(block))
                caption = self.span(a + cap.end(), a + len(block[:caption_end - a].rstrip()))
                parts = {"furniture": furniture, "caption": caption}
                if credit_at > 0:
                    credit_start = a + credit_at + 1
                    credit_start += len(self.text[credit_start:b]) - len(self.text[credit_start:b].lstrip())
                    parts["credit"] = self.span(credit_start, b)
                yield make("caption", a, b, parts, body=(caption.start, b))
            elif "\n" not in block and block[-1] not in ".!?:…’”'\"" and len(block.split()) <= 8:
                yield make("subheading", a, b)
            else:
                yield make("body", a, b)

    def _quotations(self) -> Iterator[Quotation]:
        number = 0
        for p in self.paragraphs:
            if p.role not in ("body", "caption"):
                continue
            for os_, oe, is_, ie, om, cm in extract_quotations(p.text):
                number += 1
                yield Quotation(f"q{number:02d}", p.id, self.span(p.start + os_, p.start + oe),
                                self.span(p.start + is_, p.start + ie), om, cm)

    # -- look-ups --------------------------------------------------------------------------
    def paragraph(self, pid: str) -> Paragraph:
        """The paragraph with id *pid* (``'p01'`` to the last)."""
        return lookup(self._by_id, pid, "paragraph id")

    def sentence(self, sid: str) -> Sentence:
        """The sentence with id *sid*, such as ``'p03.s1'``."""
        return lookup(self._sentence_by_id, sid, "sentence id")

    def by_role(self, role: str) -> list[Paragraph]:
        """The paragraphs with this role: one of ``dateline``, ``body``, ``subheading``, ``caption``."""
        check_type(role, str, "role")
        if role not in ROLES:
            raise unknown("paragraph role", role, ROLES)
        return [p for p in self.paragraphs if p.role == role]

    def paragraph_at(self, offset: int) -> Paragraph:
        """The paragraph that contains character *offset*."""
        check_type(offset, int, "offset")
        for p in self.paragraphs:
            if p.start <= offset < p.end:
                return p
        raise CourseValueError(f"offset {offset} is not inside any paragraph (the text has {len(self.text)} characters)")

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence that contains character *offset*."""
        para = self.paragraph_at(offset)
        for s in para.sentences:
            if s.start <= offset < s.end:
                return s
        raise CourseValueError(f"offset {offset} falls between sentences of {para.id}")

    def find_all(self, quote: str) -> list[Span]:
        """Every occurrence of the exact text *quote* (overlapping occurrences included)."""
        check_text(quote, "quote")
        spans, at = [], self.text.find(quote)
        while at >= 0:
            spans.append(Span(at, at + len(quote), quote))
            at = self.text.find(quote, at + 1)
        return spans

    def count(self, quote: str) -> int:
        """How many times the exact text *quote* occurs."""
        return len(self.find_all(quote))

    def find(self, quote: str, occurrence: int = 1) -> Span:
        """The *occurrence*-th (1-based) place where the exact text *quote* occurs.

        Raises QuoteNotFoundError with a hint (different quote marks? closest sentence?) otherwise.
        """
        check_text(quote, "quote")
        check_type(occurrence, int, "occurrence")
        if occurrence < 1:
            raise CourseValueError(f"occurrence counts from 1; got {occurrence}")
        spans = self.find_all(quote)
        if len(spans) >= occurrence:
            return spans[occurrence - 1]
        if spans:
            raise QuoteNotFoundError(
                f"{quote!r} occurs {len(spans)} time(s) in the article, so there is no occurrence {occurrence}")
        raise QuoteNotFoundError(f"{quote!r} is not in the article; {self._hint(quote)}")

    def _hint(self, quote: str) -> str:
        wanted = _loose(quote)
        loose_text, index = _loose_with_index(self.text)
        at = loose_text.find(wanted)
        if at >= 0:
            a, b = index[at], index[at + len(wanted) - 1] + 1
            return f"the article has it with other quote marks, spacing or capitals: {self.text[a:b]!r}"
        best = max(self.sentences, key=lambda s: difflib.SequenceMatcher(None, wanted, _loose(s.text)).ratio())
        return f"the closest sentence is {best.id}: {best.text[:90]!r}" + ("..." if len(best.text) > 90 else "")


_LOOSE = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "\n": " "})


def _loose(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_LOOSE).replace(",,", '"').casefold()).strip()


def _loose_with_index(text: str) -> tuple[str, list[int]]:
    """A loose copy of *text* with, for each of its characters, the offset it came from."""
    out, index = [], []
    i = 0
    while i < len(text):
        if text.startswith(",,", i):
            out.append('"')
            index.append(i)
            i += 2
            continue
        ch = text[i].translate(_LOOSE).casefold()
        if ch.isspace():
            if out and out[-1] == " ":
                i += 1
                continue
            ch = " "
        out.append(ch)
        index.extend([i] * len(ch))
        i += 1
    return "".join(out), index


@lru_cache(maxsize=16)
def _load(path: str, aid: str | None) -> Article:
    file = Path(path)
    if not file.is_file():
        raise CourseValueError(f"path {str(file)!r} is not a file: cannot find the article there")
    return Article(file.read_text(encoding="utf-8"), source=file.name, id=aid)


def load_article(article: str | Path | None = None, *, path: str | Path | None = None) -> Article:
    """The text of *article* (an article id or folder; None is the seed), or of any Dutch text file *path*; cached.

    The seed is read from ``seeds/`` byte for byte (see ``course.articles`` for where articles live).
    """
    if path is not None:
        if article is not None:
            raise CourseValueError("give either article (an article id) or path (a text file), not both")
        if not isinstance(path, (str, Path)) or not str(path).strip():
            raise CourseTypeError(f"path must be the name of a text file (str or pathlib.Path); got {describe(path)}")
        return _load(str(Path(path).expanduser().resolve()), None)
    if isinstance(article, Path) or isinstance(article, str) and ("/" in article or article.endswith(".txt")):
        if Path(article).expanduser().is_file():  # a text file, as load_article(FILE) read before articles
            return load_article(path=article)
    from course.articles import article_info

    info = article_info(article)
    return _load(str(info.text_path), info.id)
