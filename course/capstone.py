"""Module 05, the capstone: triage an article's claims, and the moves of a verification report on any article.

Everything here reads an article's annotations through the course's other tools (``course.facts``,
``course.sources``, ``course.framing``), so it works on the seed, on the practice dispatch and on an
article an instructor adds for capstone part 2.

Triage (the course's rule; lesson 05, section 1)
- ``CHECKABILITY``: ``"data"`` (the course's data settle it whoever says it: a distance or a direction),
  ``"record"`` (it can be compared with a record: the cited source's own words, outside reporting of a
  date), ``"none"`` (no published figure can confirm it; report what it commits the speaker to).
- ``checkability(claim_id, article=None) -> str`` and ``in_lead(claim_id, article=None) -> bool``
  (the claim sits in the lead: the body paragraphs before the first subheading).
- ``triage(article=None) -> list[Triage]``: every claim, in the order to check them: data before record
  before none; within each, the lead before the rest; then the order of the text.

A verification report's other moves, on any article
- ``tolerance_km(claim_id, article=None) -> (low, high)``: the range a distance claim's hedge allows.
- ``origins(article=None) -> {attribution id: actor id}``: who said it first, for every attribution that
  reaches the reporter through another source.
- ``statuses(article=None) -> {attribution id: status}``: every verification statement the text makes.
- ``voices(article=None) -> {side: [quote, ...]}``: the framing spans in each side's voice.
- ``in_voice(quote, side, article=None) -> bool``: the words (5 to 80 characters, exactly as written)
  lie, at one of their places in the text, at least half inside a framing span in *side*'s voice.

Capstone part 2's article (capstone part 2 may be any annotated article; ``course/INSTRUCTORS.md``)
- ``PART2_NAME``: the name the assignment's set-up cell binds to part 2's article id.
- ``practice_article(notebook) -> str`` and ``set_practice(notebook, article) -> str``: read and set it.
- ``readiness(article) -> list[str]``: what part 2 needs from the article and does not find (empty: ready).
Command line: ``python -m course capstone [--article ID]`` prints the triage;
``python -m course capstone --practice ID [--notebook PATH]`` makes ID part 2's article.

>>> [t.id for t in triage()][:3]
['kupiansk-distance', 'kupiansk-direction', 'balakliia-distance']
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.articles import add_article_argument
from course.errors import CourseValueError, check_path, check_text, check_type

__all__ = ["CHECKABILITY", "PART2_NAME", "Triage", "checkability", "in_lead", "in_voice", "origins", "practice_article",
           "readiness", "set_practice", "statuses", "tolerance_km", "triage", "voices"]

CHECKABILITY = ("data", "record", "none")
PART2_NAME = "PRACTICE"
_SETTING = re.compile(rf"^{PART2_NAME} = (\"[^\"\n]*\"|'[^'\n]*')(.*)$", re.M)


@dataclass(frozen=True)
class Triage:
    """One claim's place in the triage: its checkability, whether it sits in the lead, and its rank (1 = first)."""

    id: str
    kind: str
    quote: str
    paragraph: str
    checkability: str
    lead: bool
    rank: int

    def __str__(self) -> str:
        where = "lead" if self.lead else "body"
        return f"{self.rank:>2}. {self.id:<24} {self.checkability:<7} {where}  {self.paragraph}  “{self.quote}”"


def _fact(claim_id: str, article: str | None) -> dict[str, Any]:
    from course.facts import fact

    check_text(claim_id, "claim_id")
    return fact(claim_id, article)


def _checkability(f: dict[str, Any]) -> str:
    if f["verdict"] == "not-checkable":
        return "none"
    return "data" if f["kind"] in ("distance", "direction") else "record"


def checkability(claim_id: str, article: str | None = None) -> str:
    """How a claim can be checked: 'data', 'record' or 'none' (see ``CHECKABILITY``)."""
    return _checkability(_fact(claim_id, article))


def _lead_paragraphs(article: str | None) -> set[str]:
    from course.article import load_article

    lead: set[str] = set()
    for p in load_article(article).paragraphs:
        if p.role == "subheading":
            break
        if p.role == "body":
            lead.add(p.id)
    return lead


def _paragraph(f: dict[str, Any], article: str | None) -> str:
    from course.article import load_article

    return load_article(article).paragraph_at(f["span"][0]).id


def in_lead(claim_id: str, article: str | None = None) -> bool:
    """True when the claim sits in the lead: a body paragraph before the article's first subheading."""
    return _paragraph(_fact(claim_id, article), article) in _lead_paragraphs(article)


def triage(article: str | None = None) -> list[Triage]:
    """Every claim of the article, in the order the course's triage rule checks them (rank 1 first)."""
    from course.facts import facts

    lead = _lead_paragraphs(article)
    rows = []
    for order, f in enumerate(facts(article)):
        para = _paragraph(f, article)
        rows.append((CHECKABILITY.index(_checkability(f)), para not in lead, f["span"][0], order, f, para))
    rows.sort(key=lambda r: r[:4])
    return [Triage(f["id"], f["kind"], f["quote"], para, CHECKABILITY[c], not body, rank)
            for rank, (c, body, _, _, f, para) in enumerate(rows, 1)]


def tolerance_km(claim_id: str, article: str | None = None) -> tuple[float, float]:
    """The range in km that a distance claim's stated value and hedge allow (``course.numbers.tolerance``)."""
    from course.corpus import load_corpus
    from course.numbers import tolerance

    f = _fact(claim_id, article)
    if f["kind"] != "distance":
        raise CourseValueError(f"claim_id must name a distance claim; {claim_id!r} is a {f['kind']} claim")
    claim = next(c for c in load_corpus(article).records("claims") if c["id"] == claim_id)
    span = tolerance(float(claim["stated"]), claim.get("hedge"))
    return (round(float(span.low), 2), round(float(span.high), 2))


def origins(article: str | None = None) -> dict[str, str]:
    """Attribution id -> the actor who said it first, for every attribution that comes through another source."""
    from course.sources import attributions, chain

    return {a.id: chain(a.id, article)[0].source for a in attributions(article) if a.via is not None}


def statuses(article: str | None = None) -> dict[str, str]:
    """Attribution id -> verification status, for every attribution the text says something about."""
    from course.sources import attributions

    return {a.id: a.status for a in attributions(article) if a.status != "none"}


def voices(article: str | None = None) -> dict[str, list[str]]:
    """Side -> the quotes of the framing spans in that side's voice (the reporter's own voice is a side)."""
    from course.framing import spans

    out: dict[str, list[str]] = {}
    for s in spans(article=article):
        out.setdefault(s.side, []).append(s.quote)
    return out


def in_voice(quote: str, side: str, article: str | None = None) -> bool:
    """True when *quote* (5 to 80 characters of the text) lies mostly inside a framing span in *side*'s voice."""
    from course.article import load_article
    from course.framing import spans

    check_type(quote, str, "quote")
    check_text(side, "side")
    text = load_article(article).text
    if not 5 <= len(quote.strip()) <= 80:
        return False
    marked = [(s.start, s.end) for s in spans(article=article) if s.side == side]
    start = text.find(quote)
    while start >= 0:
        end = start + len(quote)
        if any(min(end, b) - max(start, a) >= len(quote) / 2 for a, b in marked):
            return True
        start = text.find(quote, start + 1)
    return False


# -- capstone part 2's article ---------------------------------------------------------------------

def _setup_cell(notebook: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CourseValueError(f"notebook must be a readable .ipynb file; reading {str(notebook)!r} failed: {err}") from err
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "setup":
            return nb, cell
    raise CourseValueError(f"notebook must have a set-up cell (grade id 'setup'); {str(notebook)!r} has none")


def practice_article(notebook: str | Path) -> str:
    """The article id that the assignment *notebook*'s set-up cell gives capstone part 2 (``PRACTICE = ...``)."""
    path = check_path(notebook, "notebook")
    _, cell = _setup_cell(path)
    match = _SETTING.search("".join(cell["source"]))
    if not match:
        raise CourseValueError(f"notebook's set-up cell must bind {PART2_NAME} = \"<article id>\"; {str(path)!r} does not")
    return match.group(1)[1:-1]


def readiness(article: str) -> list[str]:
    """What capstone part 2 needs from *article* and does not find; an empty list means it is ready."""
    from course.articles import article_info

    check_type(article, str, "article")
    article_info(article)  # an unknown article raises, naming the known ones
    problems = []
    kinds = [t.kind for t in triage(article)]
    if kinds.count("distance") < 1:
        problems.append("no distance claim (claims.toml): part 2 checks distances with a stated tolerance")
    if kinds.count("direction") < 1:
        problems.append("no direction claim (claims.toml): part 2 checks direction words")
    if len(kinds) < 4:
        problems.append(f"only {len(kinds)} claim(s) (claims.toml): triage needs at least 4 to choose three from")
    if not origins(article):
        problems.append("no attribution with 'via' (attributions.toml): part 2 traces a chain of sources")
    if not statuses(article):
        problems.append("no verification statement (attributions.toml): part 2 asks what the text says was verified")
    if len(voices(article)) < 2:
        problems.append("framing spans in fewer than two voices (framing.toml): part 2 audits every voice")
    return problems


def set_practice(notebook: str | Path, article: str) -> str:
    """Make *article* capstone part 2's article in the assignment *notebook*; returns the id it replaced.

    Only the ``PRACTICE = "..."`` line of the set-up cell changes. The article must pass ``readiness``.
    """
    path = check_path(notebook, "notebook")
    check_type(article, str, "article")
    problems = readiness(article)
    if problems:
        raise CourseValueError(f"article {article!r} is not ready for capstone part 2: " + "; ".join(problems))
    nb, cell = _setup_cell(path)
    source = "".join(cell["source"])
    match = _SETTING.search(source)
    if not match:
        raise CourseValueError(f"notebook's set-up cell must bind {PART2_NAME} = \"<article id>\"; {str(path)!r} does not")
    cell["source"] = source[:match.start(1)] + json.dumps(article) + source[match.end(1):]
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return match.group(1)[1:-1]


NOTEBOOK = Path(__file__).resolve().parents[1] / "assignments" / "source" / "05-capstone" / "05-capstone.ipynb"


def add_arguments_capstone(parser: argparse.ArgumentParser) -> None:
    add_article_argument(parser)
    parser.add_argument("--practice", metavar="ID", help="make article ID capstone part 2's article (checks it first)")
    parser.add_argument("--notebook", default=str(NOTEBOOK), help="the capstone's source notebook (default: the course's)")


def cmd_capstone(args: argparse.Namespace) -> int:
    if args.practice:
        old = set_practice(args.notebook, args.practice)
        print(f"capstone part 2 now uses {args.practice!r} (was {old!r}) in {args.notebook}")
        print("Regenerate the student version (course release 05-capstone) and write new wrong answers for it.")
        return 0
    for row in triage(args.article):
        print(row)
    return 0
