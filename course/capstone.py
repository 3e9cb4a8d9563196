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

Capstone part 2: the learner quotes the text, and these map the words to the answer key (``course.answerkey``
hides the key in notebooks; the grader's trusted scope reads it)
- ``find_claim(quote, kinds, article)``, ``find_attributions(quote, article)``, ``statement_at(quote, article)``:
  the claim, attributions or verification statement that words found once in the text stand for.
- ``who(name, article)``: the actor a name stands for (an id, a name, or a mention as the text writes it).
- ``bearing_points``, ``defensible`` and ``own_verdict``, ``changes`` (``CHANGES``), ``verification_groups``:
  what each move should find; ``upstream(article)``: the learner's records of each figure's source.
- ``part2_answers(article)`` and ``format_answer(value)``: the reference answers, as solution cells bind them.

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
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.articles import add_article_argument
from course.errors import CourseTypeError, CourseValueError, check_path, check_text, check_type, describe

__all__ = ["CHANGES", "CHECKABILITY", "CLAIM_KINDS", "PART2_NAME", "STRAIGHT_LINE_SLACK_KM", "Triage", "bearing_points", "changes", "checkability", "defensible",
           "find_attributions", "find_claim", "format_answer", "in_lead", "in_voice", "origins", "own_verdict",
           "part2_answers", "practice_article", "readiness", "set_practice", "statement_at", "statuses", "tolerance_km",
           "triage", "unique_quote", "upstream", "verification_groups", "voices", "who"]

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


# -- capstone part 2: the moves on a text the learner works from without its annotations -------------
# The learner answers with the article's own words (quotes) and the general tools; these functions map
# those words to the annotations and compute what each move should find. They read the answer key, so
# they run outside a notebook (the grader's trusted scope, the command line) or for an instructor.

CHANGES = ("hedge", "number", "time-frame", "place")
CLAIM_KINDS = ("distance", "direction", "area", "count", "date")
STRAIGHT_LINE_SLACK_KM = 1.0  # how far a learner's straight line may be from the geodesic (rounding, another model)


def _once(quote: Any, text: str) -> tuple[int, int] | None:
    """Where *quote* stands in *text* when it stands there exactly once; else None."""
    if not isinstance(quote, str) or not quote.strip() or text.count(quote) != 1:
        return None
    start = text.index(quote)
    return start, start + len(quote)


def _covers(at: tuple[int, int], start: int, end: int) -> int:
    """How much of ``[start, end)`` the quote at *at* covers, when that is at least half of either; else 0."""
    overlap = min(at[1], end) - max(at[0], start)
    if overlap <= 0:
        return 0
    return overlap if overlap * 2 >= min(end - start, at[1] - at[0]) else 0


def unique_quote(start: int, end: int, article: str | None = None) -> str:
    """The words at ``[start, end)``, widened word by word to the left (then right) until they occur once."""
    from course.article import load_article

    text = load_article(article).text
    while text.count(text[start:end]) > 1:
        if start > 0:
            start = text.rfind(" ", 0, start - 1) + 1
        elif end < len(text):
            end = (text.find(" ", end + 1) + 1 or len(text) + 1) - 1
        else:
            break
    return text[start:end]


def find_claim(quote: Any, kinds: tuple[str, ...], article: str | None = None) -> str | None:
    """The id of the claim of one of *kinds* that *quote* (words found once in the text) covers most; else None."""
    from course.article import load_article
    from course.facts import facts

    at = _once(quote, load_article(article).text)
    if at is None:
        return None
    best = max(((_covers(at, *f["span"]), -n, f["id"]) for n, f in enumerate(facts(article)) if f["kind"] in kinds),
               default=(0, 0, None))
    return best[2] if best[0] else None


def find_attributions(quote: Any, article: str | None = None, evidence_only: bool = False) -> list[str]:
    """The ids of the attributions whose words (content, cue, source, or the verification words) *quote* covers."""
    from course.article import load_article
    from course.sources import attributions

    at = _once(quote, load_article(article).text)
    if at is None:
        return []
    out = []
    for a in attributions(article):
        spans = [a.evidence] if evidence_only else [a.content, a.source_text, *a.cues, a.evidence]
        if any(s is not None and _covers(at, s.start, s.end) for s in spans):
            out.append(a.id)
    return out


def who(name: Any, article: str | None = None) -> str | None:
    """The actor id that *name* stands for: an actor id, the actor's name, a mention as written, or its last word."""
    from course.corpus import load_corpus

    if not isinstance(name, str) or not name.strip():
        return None
    wanted = name.strip().casefold()
    for actor in load_corpus(article).records("actors"):
        written = [m["quote"] for m in actor.get("mentions", ())]
        names = {actor["id"], actor["name"], *written, *(w.split()[-1] for w in written if w.split())}
        if wanted in {n.casefold() for n in names}:
            return str(actor["id"])
    return None


def bearing_points(article: str | None = None) -> dict[str, str]:
    """Direction claim id -> the 16-point compass point of the bearing from the place the text measures from."""
    from course.facts import facts

    return {f["id"]: f["compass16"] for f in facts(article) if f["kind"] == "direction"}


def defensible(claim_id: str, low: Any, high: Any, article: str | None = None) -> bool:
    """True when ``[low, high]`` km is a tolerance one can defend for the distance claim: it holds the stated
    figure, and on each side it is between half and twice as wide as the course's hedge rule."""
    from course.corpus import load_corpus

    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in (low, high)):
        return False
    rule_low, rule_high = tolerance_km(claim_id, article)
    stated = float(next(c for c in load_corpus(article).records("claims") if c["id"] == claim_id)["stated"])
    below, above = stated - low, high - stated
    return (0.5 * (stated - rule_low) <= below <= 2 * (stated - rule_low)
            and 0.5 * (rule_high - stated) <= above <= 2 * (rule_high - stated))


def own_verdict(claim_id: str, low: float, high: float, article: str | None = None) -> str:
    """The verdict a distance claim gets under the tolerance ``[low, high]`` km: the straight line inside it
    ``holds``; a road trip that the published detour factors allow inside it is ``plausible-as-road``."""
    from course.facts import fact
    from course.geo import distance_verdict
    from course.numbers import Interval

    f = fact(claim_id, article)
    if f["kind"] != "distance":
        raise CourseValueError(f"claim_id must name a distance claim; {claim_id!r} is a {f['kind']} claim")
    return distance_verdict(Interval(float(low), float(high)), f["computed"])


def changes(article: str | None = None) -> dict[str, list[str]]:
    """Claim id -> what the chain changed on the way to the text (``CHANGES``), for every claim it changed."""
    from course.corpus import load_corpus

    return {c["id"]: list(c["changed"]) for c in load_corpus(article).records("claims") if c.get("changed")}


def upstream(article: str | None = None) -> list[dict[str, Any]]:
    """The records a reader would find for each count and area of the text: what its source said, and where.

    The learner's view for capstone part 2: the figure as the text gives it (words found once in the text),
    the source's own figure, and the outside reporting, without the course's verdicts or notes. It reads the
    claims with the answer key's guard lifted, and shows none of the key's conclusions.
    """
    from course.corpus import load_corpus
    from course.facts import evidence_record

    records = load_corpus(article).records_unguarded("claims")  # figures and sources only, no verdicts
    out = []
    for c in records:
        said = c.get("source_quantity", c.get("source_figure"))
        if c["kind"] not in ("count", "area") or said is None:
            continue
        out.append({"figure": unique_quote(c["span"].start, c["span"].end, article=article), "source_said": str(said),
                    "records": [{k: v for k, v in evidence_record(e).items() if k != "ref" and v}
                                for e in c.get("evidence", ())]})
    return out


def verification_groups(article: str | None = None) -> dict[tuple[int, int], tuple[str, list[str]]]:
    """Each verification statement of the text (its words' span) -> (its status, the attributions it covers)."""
    from course.sources import attributions

    out: dict[tuple[int, int], tuple[str, list[str]]] = {}
    for a in attributions(article):
        if a.status == "none":
            continue
        span = a.evidence if a.evidence is not None else a.content
        key = (span.start, span.end)
        out.setdefault(key, (a.status, []))[1].append(a.id)
    return out


def format_answer(value: Any) -> str:
    """*value* as the Python literal a solution cell binds: a dict one entry per line, anything else in one line."""
    try:
        if isinstance(value, dict) and value:
            rows = "".join(f"    {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)},\n"
                           for k, v in value.items())
            return "{\n" + rows + "}"
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError) as err:
        raise CourseTypeError(f"value must be plain data (None, bool, int, float, str, list, dict with str keys); "
                              f"got {describe(value)}: {err}") from err


def statement_at(quote: Any, article: str | None = None) -> tuple[int, int] | None:
    """The verification statement (a key of ``verification_groups``) whose words *quote* covers; else None."""
    from course.article import load_article

    at = _once(quote, load_article(article).text)
    if at is None:
        return None
    best = max(((_covers(at, *span), span) for span in verification_groups(article)), default=(0, None))
    return best[1] if best[0] else None


def part2_answers(article: str) -> dict[str, Any]:
    """The reference answers of capstone part 2 on *article*, as the assignment's solution cells bind them."""
    from course.article import load_article
    from course.facts import facts
    from course.sources import attribution

    by_id = {f["id"]: f for f in facts(article)}

    def quote(span: Any) -> str:  # the first words of the span (at most six), widened until they occur once
        start, end = span
        words = re.finditer(r"\S+", text[start:end])
        cut = [m.end() for _, m in zip(range(6), words)]
        return unique_quote(start, start + cut[-1] if cut else end, article=article)

    text = load_article(article).text
    first = {}
    for t in triage(article):  # the first claim of each way of checking whose words name it alone
        words = quote(by_id[t.id]["span"])
        if t.checkability not in first and (hit := find_claim(words, CLAIM_KINDS, article)) and \
                checkability(hit, article) == t.checkability:
            first[t.checkability] = words
    return {
        "answer_05_9": first,
        "answer_05_10": {quote(by_id[c]["span"]): p for c, p in bearing_points(article).items()},
        "answer_05_11": {quote(f["span"]): {"range": list(tolerance_km(f["id"], article)),
                                            "straight_km": round(float(f["computed"]), 1), "verdict": f["verdict"]}
                         for f in by_id.values() if f["kind"] == "distance"},
        "answer_05_12": {quote(by_id[c]["span"]): sorted(lost) for c, lost in changes(article).items()},
        "answer_05_13": {quote((attribution(a, article).content.start, attribution(a, article).content.end)): first
                         for a, first in origins(article).items()},
        "answer_05_14": {quote(span): status for span, (status, _) in verification_groups(article).items()},
        "answer_05_15": {side: quotes[0] for side, quotes in voices(article).items()},
    }


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
    missing = [c for c in CHECKABILITY if c not in {t.checkability for t in triage(article)}]
    if missing:
        problems.append(f"no claim that is checked by {' or '.join(missing)} (claims.toml): part 2's triage asks for one of each")
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

    The ``PRACTICE = "..."`` line of the set-up cell changes, and part 2's solution cells get the reference
    answers on *article* (``part2_answers``). The article must pass ``readiness``.
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
    by_id = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): c for c in nb.get("cells", [])}
    for name, value in part2_answers(article).items():
        answer_cell = by_id.get("ex" + name.removeprefix("answer_"))
        if answer_cell is None:
            raise CourseValueError(f"notebook must have the answer cell of {name}; {str(path)!r} has none")
        answer_cell["source"] = f"### BEGIN SOLUTION\n{name} = {format_answer(value)}\n### END SOLUTION"
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
