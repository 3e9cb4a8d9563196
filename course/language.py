"""Which words on a page are Dutch: so that HTML the course writes marks them ``lang="nl"``.

The course is taught in English and quotes the Dutch original. A screen reader reads a fragment in the
right voice only when the page says its language (WCAG 2.1, 3.1.2 Language of Parts). Questions and
options are plain strings in the course's data, so this module finds the Dutch in them: a quoted
fragment, or a whole option, whose words are Dutch words of the article or of the course's Dutch
vocabulary (compass words, cue verbs, glossary terms).

>>> from course.language import looks_dutch, mark_dutch
>>> looks_dutch("ter versterking van operaties elders"), looks_dutch("the reporter's own")
(True, False)
>>> mark_dutch("Whose words are ‘propagandisten’?")
'Whose words are ‘<span lang="nl">propagandisten</span>’?'
>>> quoted_spans('"Terugtrekken" (withdraw) and zo’n "lijn"')
[(1, 13), (36, 40)]
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from course.errors import check_type

__all__ = ["dutch_words", "looks_dutch", "mark_dutch", "quoted_spans"]

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# English words that are also Dutch words or that tell English apart; they never count as Dutch.
_ENGLISH = frozenset("""a an and are as at be both by do does for from has have he her his how in is it its of on
one or own she so such that the their them these they this those to two was we were what which who whose with""".split())


@lru_cache(maxsize=8)
def dutch_words(article: str | None = None) -> frozenset[str]:
    """Dutch words the course knows (case-folded): every word the article writes in lower case that the
    course's English gloss never uses, compass words, cue verbs and glossary terms."""
    from course.article import load_article
    from course.corpus import load_corpus
    from course.geo import COMPASS_NL, compass

    words = {w for w in _TOKEN.findall(load_article(article).text) if w[0].islower()}
    words |= {compass(i * 22.5, 16, "nl", words=True) for i in range(len(COMPASS_NL))}
    corpus = load_corpus(article)
    english = {w.casefold() for record in corpus.records("gloss") for w in _TOKEN.findall(record["en"])}
    words = {w for w in words if w.casefold() not in english}  # 'media', 'date', 'week': English too
    for record in corpus.records("glossary"):
        words |= set(_TOKEN.findall(record["nl"]))
    for record in corpus.records("cues"):
        for form in record.get("forms", ()):
            words |= set(_TOKEN.findall(form))
    return frozenset(w.casefold() for w in words) - _ENGLISH


def looks_dutch(text: str, article: str | None = None) -> bool:
    """True when most words of *text* are Dutch words the course knows (from *article*) and English words are few."""
    check_type(text, str, "text")
    known = dutch_words(article)
    tokens = [t.casefold() for t in _TOKEN.findall(text) if t[0].islower() or t.casefold() in known]  # not names
    if not tokens:
        return False
    dutch = sum(1 for t in tokens if t in known)
    english = sum(1 for t in tokens if t in _ENGLISH)
    return dutch >= 1 and dutch >= english and dutch / len(tokens) >= 0.5


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost quoted fragment in *text*, quote marks excluded: ‘…’, “…”, '…' and
    "…" (a quote mark between two letters is an apostrophe, as in zo'n or zo’n)."""
    check_type(text, str, "text")
    pairs = {"‘": "’", "“": "”", "'": "'", '"': '"'}
    spans, stack = [], []
    for i, ch in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if before.isalpha() and after.isalpha():
            continue  # an apostrophe
        if stack and ch == pairs[stack[-1][0]] and not after.isalpha():
            opener, start = stack.pop()
            if not stack:
                spans.append((start, i))
        elif ch in pairs and not before.isalnum() and after.strip():
            stack.append((ch, i + 1))
    return spans


def mark_dutch(text: str, whole: bool = True, article: str | None = None) -> str:
    """*text* as HTML: escaped, with Dutch quoted fragments (or, with *whole*, an entirely Dutch text)
    wrapped in ``<span lang="nl">``."""
    check_type(text, str, "text")
    if whole and looks_dutch(text, article) and not quoted_spans(text):
        return f'<span lang="nl">{html.escape(text)}</span>'
    out, last = [], 0
    for start, end in quoted_spans(text):
        fragment = text[start:end]
        if looks_dutch(fragment, article):
            out.append(html.escape(text[last:start]))
            out.append(f'<span lang="nl">{html.escape(fragment)}</span>')
            last = end
    out.append(html.escape(text[last:]))
    return "".join(out)
