"""The course's bibliography: every outside source the course relies on, and the keys that cite it.

Every fact the course states in its own voice that is neither computed nor quoted from the article
rests on a record in ``course/data/references.toml``: one ``[[reference]]`` per source, with its
outlet, title, date, URL and what the course uses it for. Prose cites a record by its key in
square brackets, Pandoc style, visible to the reader: ``[@reuters-2022-09-10-wrapup]``, or several
at once, ``[@ap-2022-09-10-kupiansk; @meduza-2022-09-10-kupiansk]``. A locator may follow a comma:
``[@kim-2015, table 3]``. Data files cite the same way inside any text, or with a ``ref = "key"``
field (one source for the whole entry) or ``cite = ["key", ...]``.

Public API
----------
- ``load_references(path=None) -> dict[str, Reference]``: the validated bibliography (cached)
- ``reference(key) -> Reference``: one record, with a "did you mean" error for a typo
- ``citation_keys(text) -> list[str]``: the keys cited in a text, in order
- ``citation_problems(text, keys=None) -> list[str]``: malformed citations and unknown keys
- ``cited_in_data(data_dir=None) -> dict[str, list[str]]``: every key the data files cite, and where
- ``render(text) -> str``: citations replaced by a short reader's form, "(Reuters, 10 September 2022)"
- ``bibliography(keys) -> str``: a Markdown list of the records, for the end of a lesson or a report

>>> from course.references import citation_keys
>>> citation_keys("Kupiansk lies 73 km north of Izyum [@ap-2022-09-10-kupiansk, para 9].")
['ap-2022-09-10-kupiansk']
"""

from __future__ import annotations

import datetime as _dt
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from course.errors import AnnotationError, check_items, check_path, check_text, check_type, lookup

__all__ = [
    "KEY_PATTERN",
    "KINDS",
    "MAX_PHRASE_WORDS",
    "REFERENCES_FILE",
    "Reference",
    "bibliography",
    "citation_keys",
    "citation_problems",
    "cited_in_data",
    "load_references",
    "reference",
    "render",
    "validate_references",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
REFERENCES_FILE = DATA_DIR / "references.toml"

KEY_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
#: A citation: "[@key]", "[@key, locator]", "[@a; @b]". The bracket must open with "@".
CITATION = re.compile(r"\[@([^\]]*)\]")
_PART = re.compile(rf"^\s*@?({KEY_PATTERN})\s*(?:,\s*([^;]*?)\s*)?$")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")

KINDS = {
    "wire": "copy of a news agency (Reuters, AP, AFP, TASS), read where it was published or republished",
    "news": "a newspaper, broadcaster or online news site reporting in its own name",
    "official": "a statement of a government, army or official body, or the channel it published on",
    "analysis": "an assessment published by a think tank or research institute",
    "paper": "a scholarly article, chapter or conference paper",
    "book": "a book",
    "data": "a data set or statistical table",
    "reference": "a dictionary, style guide, gazetteer, treaty or other work of reference",
}
#: The longest verbatim phrase a record may keep from its source: facts and short phrases, never sentences.
MAX_PHRASE_WORDS = 12
_FIELDS = {"id", "kind", "outlet", "author", "title", "date", "url", "published_in", "doi", "supports",
           "phrases", "note"}
_REQUIRED = ("id", "kind", "outlet", "title", "date", "url", "supports")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


@dataclass(frozen=True)
class Reference:
    """One source of the bibliography (see the module docstring for the fields)."""

    id: str
    kind: str
    outlet: str
    title: str
    date: str
    url: str
    supports: tuple[str, ...]
    author: str = ""
    published_in: str = ""
    doi: str = ""
    phrases: tuple[str, ...] = ()
    note: str = ""

    @property
    def when(self) -> str:
        """The date for a reader: '10 September 2022', 'September 2022' or '1980'."""
        parts = [int(p) for p in self.date.split("-")]
        if len(parts) == 3:
            return f"{parts[2]} {_MONTHS[parts[1] - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{_MONTHS[parts[1] - 1]} {parts[0]}"
        return str(parts[0])

    def short(self) -> str:
        """The short form used in running text: 'Reuters, 10 September 2022' or 'Katzir & Ariel, 2025'."""
        who = self.author if self.kind in ("paper", "book") and self.author else self.outlet
        return f"{who}, {self.when}"

    def long(self) -> str:
        """One line for a bibliography: who, when, title, where it was read."""
        who = f"{self.author} ({self.outlet})" if self.author else self.outlet
        seen = f", as published by {self.published_in}" if self.published_in else ""
        doi = f", doi:{self.doi}" if self.doi else ""
        return f"{who}, {self.when}: “{self.title}”{seen}{doi}. <{self.url}>"


def _problems(data: Mapping[str, Any], today: _dt.date) -> Iterator[str]:
    if not isinstance(data.get("provenance"), Mapping):
        yield "references.toml: the file must open with a [provenance] table"
    records = data.get("reference")
    if not isinstance(records, list) or not records:
        yield "references.toml: no [[reference]] records"
        return
    seen: set[str] = set()
    for i, r in enumerate(records):
        where = f"reference {r.get('id')!r}" if isinstance(r, Mapping) and r.get("id") else f"reference #{i + 1}"
        if not isinstance(r, Mapping):
            yield f"{where}: must be a table"
            continue
        for field in _REQUIRED:
            if field not in r:
                yield f"{where}: the field {field!r} is missing"
        for field in sorted(set(r) - _FIELDS):
            yield f"{where}: unknown field {field!r} (known: {', '.join(sorted(_FIELDS))})"
        for field in _FIELDS - {"supports", "phrases"}:
            if field in r and (not isinstance(r[field], str) or not r[field].strip()):
                yield f"{where}: {field} must be a non-empty string"
        rid = r.get("id")
        if isinstance(rid, str):
            if not re.fullmatch(KEY_PATTERN, rid):
                yield f"{where}: the id must be lower-case words joined by hyphens, such as 'reuters-2022-09-10-wrapup'"
            if rid in seen:
                yield f"{where}: the id is used twice"
            seen.add(rid)
        if isinstance(r.get("kind"), str) and r["kind"] not in KINDS:
            yield f"{where}: kind {r['kind']!r} is not one of {', '.join(KINDS)}"
        date = r.get("date")
        if isinstance(date, str):
            if not _DATE.match(date):
                yield f"{where}: date must be YYYY-MM-DD, YYYY-MM or YYYY; got {date!r}"
            else:
                parts = [int(p) for p in date.split("-")] + [1, 1]
                try:
                    day = _dt.date(parts[0], parts[1], parts[2])
                except ValueError:
                    yield f"{where}: date {date!r} is not a calendar date"
                else:
                    if day > today:
                        yield f"{where}: date {date!r} lies in the future"
        if isinstance(r.get("url"), str) and not _URL.match(r["url"]):
            yield f"{where}: url must be a web address starting with http:// or https://; got {r['url']!r}"
        supports = r.get("supports")
        if "supports" in r and (not isinstance(supports, list) or not supports
                                or not all(isinstance(s, str) and s.strip() for s in supports)):
            yield f"{where}: supports must be a non-empty list of what the course uses the source for"
        phrases = r.get("phrases", [])
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
            yield f"{where}: phrases must be a list of short phrases quoted from the source"
        else:
            for p in phrases:
                if len(p.split()) > MAX_PHRASE_WORDS:
                    yield (f"{where}: the phrase {p[:40]!r}... has {len(p.split())} words; keep at most "
                           f"{MAX_PHRASE_WORDS} (figures and short phrases, never whole sentences)")


def validate_references(path: str | Path | None = None, *, today: _dt.date | None = None) -> dict[str, Reference]:
    """Read and check a bibliography file; return its records by key or raise listing every problem."""
    path = check_path(path, "path") if path is not None else REFERENCES_FILE
    if today is not None:
        check_type(today, _dt.date, "today")
    if not path.is_file():
        raise AnnotationError(f"path: no bibliography at {str(path)!r}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise AnnotationError(f"{path.name}: not valid TOML: {err}") from None
    problems = list(_problems(data, today or _dt.date.today()))
    if problems:
        raise AnnotationError(f"the bibliography has {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return {r["id"]: Reference(**{k: tuple(v) if isinstance(v, list) else v for k, v in r.items()})
            for r in data["reference"]}


@lru_cache(maxsize=2)
def _load(path: str) -> dict[str, Reference]:
    return validate_references(path)


def load_references(path: str | Path | None = None) -> dict[str, Reference]:
    """The validated bibliography, by key (cached)."""
    path = check_path(path, "path") if path is not None else REFERENCES_FILE
    return dict(_load(str(path)))


def reference(key: str) -> Reference:
    """The record cited as ``[@key]``."""
    return lookup(load_references(), key, "reference key", name="key")


def _parts(body: str) -> list[tuple[str | None, str]]:
    """(key or None, the raw part) for each ';'-separated part of a citation's body."""
    out = []
    for raw in body.split(";"):
        m = _PART.match(raw)
        out.append((m.group(1) if m and raw.strip().startswith("@") else None, raw))
    return out


_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def _prose(text: str) -> str:
    """*text* without Markdown code (a key shown as syntax, `[@key]`, is not a citation)."""
    return _CODE.sub(" ", text)


def citation_keys(text: str) -> list[str]:
    """The keys cited in *text* (outside Markdown code), in order of first appearance."""
    check_type(text, str, "text")
    keys: list[str] = []
    for m in CITATION.finditer(_prose(text)):
        for key, _raw in _parts("@" + m.group(1)):
            if key and key not in keys:
                keys.append(key)
    return keys


def citation_problems(text: str, keys: Mapping[str, Any] | None = None) -> list[str]:
    """Malformed citations in *text*, and keys that are not in the bibliography (*keys*, default: the course's)."""
    check_type(text, str, "text")
    known = load_references() if keys is None else keys
    problems = []
    for m in CITATION.finditer(_prose(text)):
        for key, raw in _parts("@" + m.group(1)):
            if key is None:
                problems.append(f"malformed citation {m.group(0)!r}: write [@key] or [@key1; @key2]")
            elif key not in known:
                from course.errors import closest
                hint = closest(key, known)
                problems.append(f"unknown reference key {key!r}" + (f"; did you mean {hint[0]!r}?" if hint else ""))
    return problems


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")


def _record_keys(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(where, key) for every ``ref = "key"`` and ``cite = [...]`` field inside *value*."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            here = f"{path}.{k}" if path else k
            if k == "ref" and isinstance(v, str):
                yield here, v
            elif k == "cite" and isinstance(v, list):
                yield from ((f"{here}[{i}]", s) for i, s in enumerate(v) if isinstance(s, str))
            else:
                yield from _record_keys(v, here)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _record_keys(v, f"{path}[{i}]")


def cited_in_data(data_dir: str | Path | None = None) -> dict[str, list[str]]:
    """Every key cited anywhere in the data files under *data_dir* (recursively), with where.

    Looks at ``ref``/``cite`` fields and at ``[@key]`` in every string; the bibliography itself is skipped.
    """
    root = check_path(data_dir, "data_dir") if data_dir is not None else DATA_DIR
    found: dict[str, list[str]] = {}
    for file in sorted(root.rglob("*.toml")):
        if file.resolve() == REFERENCES_FILE.resolve() or file.name == "references.toml":
            continue
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        name = file.relative_to(root).as_posix()
        for where, key in _record_keys(data, ""):
            found.setdefault(key, []).append(f"{name}: {where}")
        for where, text in _strings(data, ""):
            for key in citation_keys(text):
                found.setdefault(key, []).append(f"{name}: {where}")
    return found


def render(text: str) -> str:
    """*text* with each citation replaced by its short reader's form: '(Reuters, 10 September 2022)'."""
    check_type(text, str, "text")
    refs = load_references()

    def one(m: re.Match) -> str:
        shown = []
        for key, raw in _parts("@" + m.group(1)):
            if key is None or key not in refs:
                return m.group(0)
            locator = raw.split(",", 1)[1].strip() if "," in raw else ""
            shown.append(refs[key].short() + (f", {locator}" if locator else ""))
        return "(" + "; ".join(shown) + ")"

    return CITATION.sub(one, text)


def bibliography(keys: list[str] | tuple[str, ...]) -> str:
    """A Markdown list of the records cited as *keys* (each once, in the order given)."""
    keys = check_items(keys, str, "keys")
    for i, key in enumerate(keys):
        check_text(key, f"keys[{i}]")
    lines = []
    for key in dict.fromkeys(keys):
        lines.append(f"- `[@{key}]` {reference(key).long()}")
    return "\n".join(lines)
