"""The teaching corpus: standoff annotations on an article, loaded, anchored and validated.

An article's corpus is its own annotation files, ``course/data/articles/<id>/<kind>.toml``
(structure, places, actors, attributions, claims, events, framing, euphemisms, gloss, glossary),
together with the shared files that belong to no article, ``course/data/<kind>.toml`` (the cue
lexicon ``cues`` and the framing taxonomy ``techniques``). See ``course.articles`` for where
article folders live. Each file opens with a ``[provenance]`` table and keeps its records in one
array of tables (``[[place]]``, ``[[actor]]`` ...). Its JSON Schema is
``course/data/schema/<kind>.schema.json``; a string property with ``"x-ref": "<kind>"`` must be an
id of that kind (``paragraphs`` and ``sentences`` refer to the article's own ids). A kind with a
schema that an article does not annotate has no records (``records`` returns an empty tuple).

Anchors: any table with a ``quote`` key is an exact quote from the article. ``occurrence`` picks one
where the quote repeats (it is required then); ``context`` is a longer exact quote, unique in the
article, that contains the quote. At load time each anchor gains a ``span`` (a ``course.article.Span``).
A quote that does not resolve is an error that names the file and the annotation.

Public API
----------
- ``load_corpus(article=None) -> Corpus`` (validated and cached; None is the seed);
  ``validate(article=None)`` re-reads the files and raises on any problem.
- ``load_shared(kind) -> Shared``: a shared file (``cues``, ``techniques``) on its own, without any article.
- ``Corpus.records(kind)``, ``Corpus.get(kind, id)``, ``Corpus.ids(kind)``, ``Corpus.meta(kind)``,
  ``Corpus.article`` (the text), ``Corpus.info`` (``course.articles.ArticleInfo``)
- ``resolve_anchor(article, anchor) -> Span``

>>> from course.corpus import load_corpus
>>> load_corpus().get("places", "kupiansk")["geonameid"]
703656
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable

from course.answerkey import guard
from course.article import Article, Span, load_article
from course.errors import AnnotationError, CourseError, check_type, lookup, unknown

__all__ = ["DATA_DIR", "Corpus", "Shared", "article_kinds", "load_corpus", "load_shared", "resolve_anchor",
           "shared_kinds", "validate", "word_occurrences"]

DATA_DIR = Path(__file__).resolve().parent / "data"  # shared data: lexicons, taxonomy, schemas, reference tables
SCHEMA_DIR = DATA_DIR / "schema"
MAX_LISTED = 25
SCHEMA_SKIPPED = ("the JSON Schema check is skipped in the browser: jsonschema needs compiled code that the "
                  "zero-install edition does not ship. The same files pass it in the full edition's tests; "
                  "anchors and cross-checks still run here.")


def resolve_anchor(article: Article, anchor: Mapping[str, Any]) -> Span:
    """Resolve an anchor ``{quote, occurrence?, context?}`` to a span of *article*.

    Raises a CourseError that says what is wrong (missing, repeated without occurrence, ...).
    """
    check_type(article, Article, "article")
    check_type(anchor, Mapping, "anchor")
    if "quote" not in anchor:
        raise AnnotationError(f"anchor must have a 'quote'; got the keys {sorted(anchor)}")
    quote = anchor["quote"]
    occurrence = anchor.get("occurrence")
    context = anchor.get("context")
    if context is not None:
        hits = article.find_all(context)
        if not hits:
            article.find(context)  # raises with a hint
        if len(hits) > 1:
            raise AnnotationError(f"context {context!r} occurs {len(hits)} times; make it longer so it is unique")
        if quote not in context:
            raise AnnotationError(f"quote {quote!r} is not inside its context {context!r}")
        inner = [m.start() for m in re.finditer(re.escape(quote), context)]
        if len(inner) > 1 and occurrence is None:
            raise AnnotationError(f"quote {quote!r} occurs {len(inner)} times in its context; add occurrence = N")
        k = (occurrence or 1) - 1
        if k >= len(inner):
            raise AnnotationError(f"quote {quote!r} occurs only {len(inner)} time(s) in its context")
        start = hits[0].start + inner[k]
        return article.span(start, start + len(quote))
    count = article.count(quote)
    if count > 1 and occurrence is None:
        raise AnnotationError(f"quote {quote!r} occurs {count} times in the article; add occurrence = N "
                              f"(1 to {count}) or a unique context")
    return article.find(quote, occurrence or 1)


def word_occurrences(article: Article, words: list[str]) -> list[tuple[str, Span]]:
    """Every whole-word occurrence of any of *words*, longest match first, without overlaps."""
    check_type(article, Article, "article")
    check_type(words, (list, tuple, set, frozenset), "words")
    for word in words:
        check_type(word, str, "each of words")
    found: list[tuple[str, Span]] = []
    taken: list[Span] = []
    for word in sorted(set(words), key=len, reverse=True):
        for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", article.text):
            span = article.span(m.start(), m.end())
            if not any(span.overlaps(t) for t in taken):
                found.append((word, span))
                taken.append(span)
    return sorted(found, key=lambda ws: ws[1].start)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _anchors(value: Any, path: str = "") -> Iterator[tuple[str, dict]]:
    """Every anchor (a dict with a string 'quote') inside *value*, with its path."""
    if isinstance(value, dict):
        if isinstance(value.get("quote"), str):
            yield path or "(record)", value
        for key, item in value.items():
            yield from _anchors(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _anchors(item, f"{path}[{i}]")


class Corpus:
    """The validated annotations, by kind. Records are read-only mappings; anchors carry ``span``."""

    #: why the JSON Schema check did not run (only in the browser edition), else None
    schema_skipped: str | None = None

    def __init__(self, article: Article, files: dict[str, dict[str, Any]], record_keys: dict[str, str],
                 info: Any = None) -> None:
        check_type(article, Article, "article")
        check_type(files, dict, "files")
        check_type(record_keys, dict, "record_keys")
        self.article = article
        self.info = info  # course.articles.ArticleInfo of the article (None for a corpus built by hand)
        self._record_keys = record_keys
        self._meta = {kind: _freeze({k: v for k, v in data.items() if k != record_keys[kind]})
                      for kind, data in files.items()}
        self._records = {kind: _freeze(data[record_keys[kind]]) for kind, data in files.items()}
        self._by_id = {kind: {r["id"]: r for r in recs if "id" in r} for kind, recs in self._records.items()}

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}: {len(v)}" for k, v in sorted(self._records.items()))
        name = f"{self.article.id} " if self.article.id else ""
        return f"<Corpus {name}{counts}>"

    @property
    def kinds(self) -> list[str]:
        """The kinds of annotation in the corpus, such as ``'places'``."""
        return sorted(self._records)

    def _kind(self, kind: str) -> str | None:
        """*kind* when the corpus has it; None for a kind with a schema that this article does not annotate."""
        check_type(kind, str, "kind")
        guard(self.info, kind)
        if kind in self._records:
            return kind
        known = _schema_kinds()
        if kind in known:
            return None
        raise unknown("annotation kind", kind, sorted(known))

    def records(self, kind: str) -> tuple[Mapping[str, Any], ...]:
        """All records of *kind*, in file order (none when the article has no file of that kind)."""
        known = self._kind(kind)
        return self._records[known] if known else ()

    def records_unguarded(self, kind: str) -> tuple[Mapping[str, Any], ...]:
        """``records`` without the answer key's guard (``course.answerkey``): only for views that show none of
        the key's conclusions, such as ``course.capstone.upstream``."""
        check_type(kind, str, "kind")
        return self._records.get(kind, ()) if kind in self._records or kind in _schema_kinds() else self.records(kind)

    def ids(self, kind: str) -> list[str]:
        """The ids of all records of *kind*."""
        known = self._kind(kind)
        return list(self._by_id[known]) if known else []

    def get(self, kind: str, rid: str) -> Mapping[str, Any]:
        """The record of *kind* with id *rid*."""
        known = self._kind(kind)
        return lookup(self._by_id[known] if known else {}, rid, f"{kind} id")

    def has(self, kind: str) -> bool:
        """True when the article annotates *kind* (its folder has ``<kind>.toml``)."""
        check_type(kind, str, "kind")
        return kind in self._records or (kind not in _schema_kinds() and self._kind(kind) is not None)

    def meta(self, kind: str) -> Mapping[str, Any]:
        """The file's other tables: ``provenance`` and any kind-specific settings."""
        known = self._kind(kind)
        if known is None:
            where = f"article {self.article.id!r}" if self.article.id else "this corpus"
            raise AnnotationError(f"{where} has no {kind} annotation: add {kind}.toml to its folder")
        return self._meta[known]


# ---------------------------------------------------------------------------------------------
# Loading and validation


@lru_cache(maxsize=1)
def _schema_kinds() -> frozenset[str]:
    return frozenset(p.name.removesuffix(".schema.json") for p in SCHEMA_DIR.glob("*.schema.json")) - {"common"}


# The files in course/data/ that belong to no article. Any other course/data/<kind>.toml is an error that
# says to move it into an article folder (an article's annotation left behind, or added before articles).
SHARED = ("cues", "lexicon", "references", "techniques")


def shared_kinds() -> list[str]:
    """The kinds shared by every article (``course/data/<kind>.toml``): the cue lexicon, the loaded-word
    lexicon, the bibliography (course.references) and the framing taxonomy."""
    return sorted(SHARED)


def article_kinds() -> list[str]:
    """The kinds an article folder may annotate: every kind with a schema that is not shared."""
    return sorted(_schema_kinds() - set(shared_kinds()))


def _read(folders: list[Path]) -> tuple[dict[str, dict], dict[str, str], list[str]]:
    from course.articles import METADATA

    files: dict[str, dict] = {}
    keys: dict[str, str] = {}
    problems: list[str] = []
    for path in sorted(p for folder in folders for p in folder.glob("*.toml") if p.name != METADATA):
        kind = path.stem
        if path.parent == DATA_DIR and kind not in SHARED:
            problems.append(f"course/data/{path.name} is not shared by every article ({', '.join(SHARED)} are): "
                            f"if it annotates an article, move it into that article's folder, "
                            f"course/data/articles/<id>/{path.name}")
            continue
        if kind in files:
            problems.append(f"{path.name}: {kind} is shared by every article (course/data/{path.name}); "
                            f"an article folder cannot have its own")
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as err:
            problems.append(f"{path.name}: not valid TOML: {err}")
            continue
        lists = [k for k, v in data.items() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if len(lists) != 1:
            problems.append(f"{path.name}: expected exactly one array of tables ([[...]]) with the records; found {lists}")
            continue
        files[kind], keys[kind] = data, lists[0]
    return files, keys, problems


def _jsonschema() -> Any:
    """jsonschema, imported without its optional IRI format checks.

    When the rfc3987-syntax package is installed (Jupyter's dependencies bring it), jsonschema's import
    compiles its grammars, which takes seconds; the corpus checks no string formats, so the first import
    here skips it (later imports of rfc3987_syntax, by anyone, work as usual).
    """
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import it -> ImportError, handled there
        try:
            import jsonschema
        finally:
            del sys.modules["rfc3987_syntax"]
    import jsonschema

    return jsonschema


def _validator_class(ids: dict[str, set[str]]) -> Any:
    try:
        jsonschema = _jsonschema()
    except ModuleNotFoundError:
        if sys.platform == "emscripten":  # the zero-install edition: see SCHEMA_SKIPPED
            return None, None
        raise
    from referencing import Registry, Resource

    def x_ref(validator: Any, target: str, instance: Any, schema: Any) -> Iterator[Any]:
        if isinstance(instance, str) and instance not in ids.get(target, set()):
            yield jsonschema.ValidationError(f"{instance!r} is not a known id of {target}")

    resources = []
    for file in SCHEMA_DIR.glob("*.schema.json"):
        resources.append((file.name, Resource.from_contents(json.loads(file.read_text(encoding="utf-8")))))
    registry = Registry().with_resources(resources)
    cls = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"x-ref": x_ref})
    return cls, registry


def _schema_errors(validator: tuple[Any, Any], schema: dict, data: dict) -> Iterator[Any]:
    """The schema errors of *data*; none where the check is skipped (see SCHEMA_SKIPPED)."""
    cls, registry = validator
    return cls(schema, registry=registry).iter_errors(data) if cls else iter(())


def _record_label(kind: str, record: Any, index: int) -> str:
    rid = record.get("id") if isinstance(record, dict) else None
    return f"{kind}.toml: annotation {rid!r}" if rid else f"{kind}.toml: record #{index + 1}"


_CHECKS: dict[str, Callable[[Article, dict, dict[str, dict]], Iterator[str]]] = {}


def _check(kind: str) -> Callable:
    def register(fn: Callable) -> Callable:
        _CHECKS[kind] = fn
        return fn
    return register


def validate(article: str | Path | None = None) -> Corpus:
    """Load every annotation file of *article* (an id or an article folder; None is the seed) and the
    shared files, check them against their schemas and the article's text, and return the corpus.

    Raises AnnotationError listing every problem found, each naming the file and the annotation.
    """
    from course.articles import article_info

    info = article_info(article)
    text = load_article(info.folder)
    files, keys, problems = _read([DATA_DIR, info.folder])
    ids = {kind: {r["id"] for r in data[keys[kind]] if isinstance(r.get("id"), str)} for kind, data in files.items()}
    ids["paragraphs"] = {p.id for p in text.paragraphs}
    ids["sentences"] = {s.id for s in text.sentences}
    validator = _validator_class(ids)
    for kind, data in files.items():
        schema_file = SCHEMA_DIR / f"{kind}.schema.json"
        if not schema_file.is_file():
            problems.append(f"{kind}.toml: no schema at schema/{schema_file.name}")
            continue
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        errors = _schema_errors(validator, schema, data)
        for err in sorted(errors, key=lambda e: list(e.absolute_path)):
            path = list(err.absolute_path)
            if len(path) >= 2 and path[0] == keys[kind] and isinstance(path[1], int):
                where = _record_label(kind, data[keys[kind]][path[1]], path[1])
                field = ".".join(str(p) for p in path[2:]) or "(record)"
            else:
                where, field = f"{kind}.toml", ".".join(str(p) for p in path) or "(file)"
            problems.append(f"{where}, field {field}: {err.message}")
        seen: set[str] = set()
        for i, record in enumerate(data[keys[kind]]):
            rid = record.get("id")
            if rid in seen:
                problems.append(f"{_record_label(kind, record, i)}: the id is used twice")
            seen.add(rid)
            for path, anchor in _anchors(record):
                try:
                    anchor["span"] = resolve_anchor(text, anchor)
                except CourseError as err:
                    problems.append(f"{_record_label(kind, record, i)}, anchor {path}: {err}")
        if anchor_meta := {k: v for k, v in data.items() if k != keys[kind]}:
            for path, anchor in _anchors(anchor_meta):
                try:
                    anchor["span"] = resolve_anchor(text, anchor)
                except CourseError as err:
                    problems.append(f"{kind}.toml, anchor {path}: {err}")
    if not problems:
        for kind, check in _CHECKS.items():
            if kind in files:
                problems.extend(f"{kind}.toml: {p}" for p in check(text, files[kind], files))
    if problems:
        listed = problems[:MAX_LISTED]
        more = f"\n  ... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        raise AnnotationError(f"the corpus of article {info.id!r} ({info.folder}) has {len(problems)} problem(s):\n  "
                              + "\n  ".join(listed) + more)
    corpus = Corpus(text, files, keys, info)
    corpus.schema_skipped = None if validator[0] else SCHEMA_SKIPPED
    return corpus


@dataclass(frozen=True)
class Shared:
    """One shared file (``course/data/<kind>.toml``), validated against its schema: its tables and records."""

    kind: str
    meta: Mapping[str, Any]
    records: tuple[Mapping[str, Any], ...]


@lru_cache(maxsize=8)
def load_shared(kind: str) -> Shared:
    """A file shared by every article, such as ``'cues'`` or ``'techniques'``, read without any article."""
    check_type(kind, str, "kind")
    if kind not in shared_kinds():
        raise unknown("shared kind", kind, shared_kinds(), name="kind")
    files, keys, problems = _read([DATA_DIR])
    data = files[kind]
    validator = _validator_class({k: {r["id"] for r in d[keys[k]] if isinstance(r.get("id"), str)}
                                  for k, d in files.items()})
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    problems += [f"{kind}.toml, field {'.'.join(map(str, e.absolute_path)) or '(file)'}: {e.message}"
                 for e in _schema_errors(validator, schema, data)]
    if problems:
        raise AnnotationError(f"course/data/{kind}.toml has {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return Shared(kind, _freeze({k: v for k, v in data.items() if k != keys[kind]}), _freeze(data[keys[kind]]))


@lru_cache(maxsize=8)
def _load(key: str) -> Corpus:
    return validate(Path(key))


def load_corpus(article: str | Path | None = None) -> Corpus:
    """The validated corpus of *article* (an article id or folder; None is the seed); cached."""
    from course.articles import article_key

    return _load(article_key(article))


# ---------------------------------------------------------------------------------------------
# Checks that a schema cannot express


@_check("structure")
def _check_structure(article: Article, data: dict, files: dict) -> Iterator[str]:
    records = data["paragraph"]
    if [r["id"] for r in records] != [p.id for p in article.paragraphs]:
        yield (f"lists paragraphs {[r['id'] for r in records]}, but the article has "
               f"{[p.id for p in article.paragraphs]}")
        return
    for r in records:
        p = article.paragraph(r["id"])
        if p.role != r["role"]:
            yield f"annotation {r['id']!r}: role is {r['role']!r} here but the article loader finds {p.role!r}"
        if r["opening"]["span"].start != p.start:
            yield f"annotation {r['id']!r}: the opening quote does not start the paragraph"
        if len(p.sentences) != r["sentences"]:
            yield f"annotation {r['id']!r}: {r['sentences']} sentences here but the splitter finds {len(p.sentences)}"


@_check("attributions")
def _check_attributions(article: Article, data: dict, files: dict) -> Iterator[str]:
    """A platform is an actor that carries what others post: of kind platform or media."""
    kinds = {a["id"]: a["kind"] for a in files.get("actors", {}).get("actor", [])}
    for r in data["attribution"]:
        if "platform" in r and kinds.get(r["platform"]) not in ("platform", "media"):
            yield (f"annotation {r['id']!r}: platform {r['platform']!r} is an actor of kind "
                   f"{kinds.get(r['platform'])!r}; a platform must be of kind platform or media")


@_check("gloss")
def _check_gloss(article: Article, data: dict, files: dict) -> Iterator[str]:
    glossed = [r["id"] for r in data["paragraph"]]
    missing = [p.id for p in article.paragraphs if p.id not in glossed]
    if missing:
        yield f"no English gloss for paragraph(s) {missing}"


@_check("places")
def _check_places(article: Article, data: dict, files: dict) -> Iterator[str]:
    """Every spelling occurs; every occurrence of every spelling belongs to exactly one place."""
    owner: dict[int, list[str]] = {}
    spelled: list[str] = []
    for place in data["place"]:
        words = place["spellings"] + place.get("misspellings", [])
        spelled += words
        for w in words:
            if not article.count(w):
                yield f"annotation {place['id']!r}: spelling {w!r} does not occur in the article"
        for m in place.get("mentions", []):
            if not any(w == m["span"].text for w in words):
                yield f"annotation {place['id']!r}: mention {m['quote']!r} is not one of its spellings"
            owner.setdefault(m["span"].start, []).append(place["id"])
    explicit = {w for place in data["place"] if place.get("mentions")
                for w in place["spellings"] + place.get("misspellings", [])}
    for word, span in word_occurrences(article, spelled):
        if word in explicit:
            if span.start not in owner:
                yield f"{word!r} at offset {span.start} ({article.sentence_at(span.start).id}) is claimed by no place"
        else:
            owner.setdefault(span.start, []).extend(
                p["id"] for p in data["place"] if word in p["spellings"] + p.get("misspellings", []))
    for start, places in owner.items():
        if len(places) > 1:
            yield f"the mention at offset {start} is claimed by several places: {places}"
