"""The claims register: every statement the course makes in its own voice, and what backs it.

A statement of fact about the outside world (a date, a figure from elsewhere, a named outlet,
study or institution that the article itself does not name, or a general claim such as "reporters
often ..." or "most observers ...") must carry a citation key ``[@key]`` that resolves in
``course/data/references.toml``. Words quoted from the article, code and formulas are left out
before a sentence is judged, so "the article says *zaterdag*" is never a claim about the world.

The register covers the course's own voice: the markdown of the lessons (``notebooks/``) and of
the assignments (prompts, hints, rubrics, model answers), ``course/INSTRUCTORS.md``, the READMEs,
and the notes of the teaching corpus (``course/data``: rationales, contested notes, roles, evidence,
self-check feedback, the gloss's bracketed notes). ``tests/test_claims_register.py`` fails on an
uncited statement unless a small, reviewed allow-list (``tests/claims_allowlist.toml``) names it.

Public API
----------
- ``outside_markers(sentence, article_text=None) -> list[str]``: why a sentence states an outside
  fact (empty: it does not), after article quotes, code and formulas are taken out
- ``sentences(text) -> list[str]``: the sentences of a Markdown text, with code blocks dropped
- ``Entry``: one statement (where, text, markers, keys); ``entry.backed`` is True when it is cited
- ``scan_text(text, where) -> list[Entry]`` and ``scan_data(data_dir=None) -> list[Entry]``
- ``register(root=None) -> list[Entry]``: every statement of the course's voice that has markers

>>> outside_markers("Reporters often give the distance by road.")
['general claim: often']
>>> outside_markers("AP put Kupiansk 73 km north of Izyum [@ap-2022-09-10-kupiansk].")
['outside source: AP']
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from course.errors import check_path, check_text, check_type
from course.references import citation_keys

__all__ = ["DATA_FIELDS", "Entry", "outside_markers", "register", "scan_data", "scan_text", "sentences"]

ROOT = Path(__file__).resolve().parents[1]

#: Outlets, institutions, studies and data sets the article does NOT name: stating what they say is an outside fact.
OUTSIDE_NAMES = (
    "AP", "Associated Press", "AFP", "BBC", "dpa", "Meduza", "Kyiv Independent", "Euromaidan", "Novaya Gazeta",
    "Al Jazeera", "Interfax", "Censor", "NDTV", "Delfi", "Agentstvo", "Solovyov", "Konashenkov", "Jamestown",
    "Forces News", "Interflex", "Brussels Times", "CBS", "Taalunie", "Onze Taal", "Trouw", "NU.nl", "Volkskrant",
    "RTL", "EU", "European Union", "Hague", "Geneva", "Okabe", "SemEval", "PARC", "Pareti", "Kelley",
    "Ebel", "Metsämuuronen", "Landis", "Katzir", "Williams & Power", "Égré", "Newell", "O'Sullivan",
    "Giacomin", "Levinson", "Wikipedia", "UK", "Britain's", "British Defence",
)
#: Words that make a sentence a general claim about the world (or an appeal to unnamed authority).
GENERALISERS = (
    "often", "usually", "typically", "commonly", "rarely", "widely", "well known", "everyone knows",
    "most observers", "many observers", "most experts", "many experts", "experts agree", "linguists agree",
    "most annotators", "many annotators", "several newsrooms", "many newsrooms", "most newsrooms",
    "studies show", "studies find", "research shows", "researchers", "the most consequential",
    "the most often",
)
#: Names used as the name of a method or a label set, not as a source of a claim.
NAME_AS_TERM = re.compile(r"SemEval(?:-20\d\d)?(?: Task \d+)?(?:'s)? labels?\b|SemEval-20\d\d and SemEval-20\d\d labels?")
_YEAR = re.compile(r"(?<![\w/.-])(1[89]\d\d|20\d\d)(?![\w/]|-\d)")
_DATE = re.compile(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December)\b")
_CODE_BLOCK = re.compile(r"```.*?```", re.S)
_INLINE = re.compile(r"`[^`]*`|\$\$.*?\$\$|\$[^$\n]*\$|<[^>\n]+>", re.S)
_LINK = re.compile(r"\]\([^)]*\)")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|‘[^’\n]*’|,,[^’”]*(?:’’|”)|\*[^*\n]+\*")

#: The fields of course/data that hold the course's own words (the rest are anchors, ids and settings).
DATA_FIELDS = frozenset({"note", "contested", "rationale", "says", "role", "reason", "label", "finding", "scope",
                         "right", "wrong", "say", "question", "en", "plain_en", "definition", "example",
                         # module 04: drift records, picture pillars, lateral-reading tasks and rubric anchors
                         "gloss", "gloss_en", "plain", "effect", "settle", "identified", "text", "needs", "prompt",
                         "beginning", "emerging", "mastery", "explanation", "look_for"})
#: Data files that are not the course's own voice (sources, or quoted text).
DATA_SKIP = frozenset({"references.toml"})


@dataclass(frozen=True)
class Entry:
    """One statement: where it stands, its text, why it states an outside fact, and the keys it cites."""

    where: str
    text: str
    markers: tuple[str, ...]
    keys: tuple[str, ...]

    @property
    def backed(self) -> bool:
        """True when the statement cites at least one source."""
        return bool(self.keys)


def _article_text() -> str:
    from course.article import load_article

    return load_article().text


def _folder_text(folder: Path) -> str:
    """The text of the article whose folder is *folder* (its notes quote that article, not the seed)."""
    from course.article import load_article

    return load_article(folder).text


def _strip(sentence: str, article_text: str) -> str:
    """The sentence without code, formulas, link targets, citations and words quoted from the article."""
    text = _INLINE.sub(" ", sentence)
    text = _LINK.sub("]", text)
    text = re.sub(r"\[@[^\]]*\]", " ", text)
    text = NAME_AS_TERM.sub(" ", text)

    def quoted(m: re.Match) -> str:
        inner = m.group(0).strip("“”\"‘’,*")
        return " " if inner and inner.strip(" .,;:") in article_text else m.group(0)

    return _QUOTED.sub(quoted, text)


def outside_markers(sentence: str, article_text: str | None = None) -> list[str]:
    """Why *sentence* states a fact about the outside world; empty when it does not."""
    check_type(sentence, str, "sentence")
    art = article_text if article_text is not None else _article_text()
    text = _strip(sentence, art)
    found = []
    for name in OUTSIDE_NAMES:
        inside = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", art)  # the article names it: not outside
        if not inside and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            found.append(f"outside source: {name}")
    folded = text.casefold()
    for word in GENERALISERS:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", folded):
            found.append(f"general claim: {word}")
    if _YEAR.search(text):
        found.append(f"year: {_YEAR.search(text).group(0)}")
    if _DATE.search(text):
        found.append(f"date: {_DATE.search(text).group(0)}")
    return found


_OPTION = re.compile(r"^\s*[-*]\s+\*\*[A-F]\.\*\*")  # "- **B.** ...": an option of a choice question, not a claim
_SPLIT = re.compile(r"(?<=[.!?])(?<![\s(][A-Z]\.)(?<!e\.g\.)(?<!i\.e\.)(?<! al\.)\s+(?=[A-Z“\"‘(*]|\[(?!@))")


def sentences(text: str) -> list[str]:
    """The sentences of a Markdown text (list items and table rows count as sentences; code blocks and the
    options of choice questions are dropped)."""
    check_type(text, str, "text")
    text = _CODE_BLOCK.sub("\n", text)
    lines, quoted = [], False
    for line in text.splitlines():  # a blockquote becomes a paragraph of its own
        is_quote = bool(re.match(r"^\s*>", line))
        if is_quote != quoted:
            lines.append("")
        lines.append(re.sub(r"^\s*>\s?", "", line))
        quoted = is_quote
    text = "\n".join(lines)
    out = []
    for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.|\||#)\s)", text):
        if _OPTION.match(block):
            continue
        block = " ".join(line.strip() for line in block.splitlines()).strip()
        if block:
            out += [s.strip() for s in _SPLIT.split(block) if s.strip()]
    return out


def scan_text(text: str, where: str, article_text: str | None = None) -> list[Entry]:
    """Every sentence of *text* that states an outside fact, as register entries labelled *where*."""
    check_type(text, str, "text")
    check_text(where, "where")
    art = article_text if article_text is not None else _article_text()
    out = []
    for s in sentences(text):
        markers = outside_markers(s, art)
        if markers:
            out.append(Entry(where, s, tuple(markers), tuple(citation_keys(s))))
    return out


def _source_of(value: dict) -> str | None:
    """The citation a table carries itself: its ``ref`` key, or its own outlet and URL (an outside record)."""
    if isinstance(value.get("ref"), str):
        return value["ref"]
    if isinstance(value.get("url"), str) and isinstance(value.get("outlet") or value.get("source"), str):
        return value["url"]
    return None


def _record_refs(value: dict) -> tuple[str, ...]:
    """The structured citations of a record: its own (``ref``, ``cite``, or outlet and URL) and its evidence's."""
    keys = [k for k in [_source_of(value)] if k]
    keys += [k for k in value.get("cite", ()) if isinstance(k, str)] if isinstance(value.get("cite"), list) else []
    evidence = value.get("evidence")
    if isinstance(evidence, list):
        keys += [k for k in (_source_of(e) for e in evidence if isinstance(e, dict)) if k]
    return tuple(keys)


def _fields(value: object, path: str, refs: tuple[str, ...] = ()) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(where, text, the record's structured citations) for every field of the course's own words."""
    if isinstance(value, dict):
        refs = _record_refs(value) or refs
        for k, v in value.items():
            here = f"{path}.{k}" if path else k
            if isinstance(v, str) and k in DATA_FIELDS:
                yield here, v, refs
            else:
                yield from _fields(v, here, refs)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _fields(v, f"{path}[{i}]", refs)


def scan_data(data_dir: str | Path | None = None) -> list[Entry]:
    """The statements of outside fact in the notes of the teaching corpus (every TOML file under *data_dir*)."""
    root = check_path(data_dir, "data_dir") if data_dir is not None else ROOT / "course" / "data"
    seed = _article_text()
    out = []
    for file in sorted(root.rglob("*.toml")):
        if file.name in DATA_SKIP:
            continue
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        name = file.relative_to(root).as_posix()
        art = _folder_text(file.parent) if (file.parent / "article.toml").is_file() else seed
        for where, text, refs in _fields(data, ""):
            # a field is one statement: its keys, and the ref/cite fields of its record, back every sentence in it
            keys = tuple(dict.fromkeys((*citation_keys(text), *refs)))
            for s in sentences(text):
                markers = outside_markers(s, art)
                if markers:
                    out.append(Entry(f"course/data/{name}: {where}", s, tuple(markers), keys))
    return out


def _notebook_markdown(path: Path) -> Iterator[tuple[str, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            yield f"cell {i}{' ' + grade_id if grade_id else ''}", source


def register(root: str | Path | None = None) -> list[Entry]:
    """Every statement of outside fact in the course's own voice: lessons, assignments, guides, READMEs, data notes."""
    base = check_path(root, "root") if root is not None else ROOT
    art = _article_text()
    out: list[Entry] = []
    notebooks = sorted((base / "notebooks").glob("*.ipynb")) + sorted((base / "assignments" / "source").glob("*/*.ipynb"))
    for path in notebooks:
        for where, text in _notebook_markdown(path):
            out += scan_text(text, f"{path.relative_to(base).as_posix()}: {where}", art)
    for doc in ("course/INSTRUCTORS.md", "course/AUDIT.md", "README.md", "seeds/README.md"):
        if (base / doc).is_file():
            out += scan_text((base / doc).read_text(encoding="utf-8"), doc, art)
    out += scan_data(base / "course" / "data")
    return out
