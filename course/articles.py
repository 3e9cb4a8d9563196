"""The articles the course knows: one folder per article, with its text and its annotations.

An article folder holds ``article.toml`` (id, title, language, where the text is, provenance) and
one file per kind of annotation (``structure.toml``, ``places.toml``, ``claims.toml`` ...; see
``course.corpus``). Data that belong to no article (the framing taxonomy, the cue lexicon, the
schemas, reference tables, the GeoNames extract, self-checks) stay in ``course/data/``.

Where articles come from, in this order:

1. the folders under ``course/data/articles/`` (the seed ``izium-2022-09`` and the practice
   dispatch ``kherson-2022-11`` ship there);
2. the folders named in the environment variable ``COURSE_ARTICLES`` (separated by ``os.pathsep``),
   each an article folder or a folder of article folders;
3. folders registered in this session with ``register_article(folder)``.

Every function of the library that reads an article takes ``article: str | None = None``: an
article id, or the path of an article folder; ``None`` is the seed. The seed's text is read from
the repository's ``seeds/`` folder, byte for byte; where ``seeds/`` is not next to the package (an
installed or in-browser edition) the loader falls back to a byte-identical copy of the file inside
the article folder.

Public API
----------
- ``SEED``: the seed article's id; ``ARTICLES_DIR``, ``SEEDS_DIR``, ``ENV``.
- ``articles() -> list[str]``: the ids of every article the course can load.
- ``article_info(article=None) -> ArticleInfo``: id, title, language, folder and text file.
- ``register_article(folder) -> str``: make an article folder outside the package loadable by id.
- ``article_key(article=None) -> str``: the folder's resolved path (what caches key on).
- ``add_article_argument(parser)``: the ``--article ID`` option every command shares.
- ``per_article(fn)``: cache ``fn(article)`` once per article folder (how the library's loaders cache).

>>> article_info().id
'izium-2022-09'
"""

from __future__ import annotations

import argparse
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

T = TypeVar("T")

from course.answerkey import guard
from course.errors import AnnotationError, CourseTypeError, CourseValueError, describe, unknown

__all__ = ["ARTICLES_DIR", "ENV", "METADATA", "SEED", "SEEDS_DIR", "ArticleInfo", "add_article_argument",
           "article_info", "article_key", "articles", "per_article", "register_article"]

SEED = "izium-2022-09"
PACKAGE_DIR = Path(__file__).resolve().parent
ARTICLES_DIR = PACKAGE_DIR / "data" / "articles"
SEEDS_DIR = PACKAGE_DIR.parent / "seeds"
ENV = "COURSE_ARTICLES"
METADATA = "article.toml"
LANGUAGES = ("nl", "en")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_registered: dict[str, Path] = {}


@dataclass(frozen=True)
class ArticleInfo:
    """What ``article.toml`` says about an article, with the folder and the text file it resolves to."""

    id: str
    title: str
    language: str
    folder: Path
    text_path: Path
    seed: bool  # True when the text is a verbatim seed kept in the repository's seeds/ folder
    written_for_course: bool  # True for a text the project wrote (labelled as such); False for real reporting
    transfer: bool = False  # True for capstone part 2's text: its key is hidden in notebooks (course.answerkey)
    provenance: Mapping[str, Any] = field(default_factory=dict)
    map: Mapping[str, Any] = field(default_factory=dict)  # the story map's places (course.plots.overview)

    def __str__(self) -> str:
        return f"{self.id}: {self.title} ({self.language}, {self.folder})"

    def where(self, name: str) -> str:
        """How to name the file *name* of this article's folder in a citation: ``course/data/articles/<id>/<name>``
        for an article that ships with the course, the full path otherwise."""
        path = self.folder / name
        try:
            return path.relative_to(PACKAGE_DIR.parent).as_posix()
        except ValueError:
            return str(path)


def _folders_in(path: Path) -> list[Path]:
    """*path* if it is an article folder, else the article folders directly inside it."""
    if (path / METADATA).is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.iterdir() if (p / METADATA).is_file())
    return []


@lru_cache(maxsize=8)
def _scan(sources: tuple[Path, ...], stamps: tuple[int, ...]) -> dict[str, Path]:
    """Article id -> folder, from *sources* (*stamps*, their modification times, renew the cache)."""
    table: dict[str, Path] = {}
    for source in sources:
        for folder in _folders_in(source):
            aid = _read_id(folder)
            if aid in table and table[aid] != folder.resolve():
                raise CourseValueError(f"two article folders have the id {aid!r}: {table[aid]} and {folder.resolve()} "
                                       f"(check ${ENV})")
            table[aid] = folder.resolve()
    return table


def _table() -> dict[str, Path]:
    env = os.environ.get(ENV, "")
    sources = (ARTICLES_DIR, *(Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()))
    stamps = tuple(p.stat().st_mtime_ns if p.is_dir() else 0 for p in sources)
    return {**_scan(sources, stamps), **_registered}


def _metadata(folder: Path) -> dict[str, Any]:
    path = folder / METADATA
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise AnnotationError(f"{path}: not valid TOML: {err}") from None


def _read_id(folder: Path) -> str:
    aid = _metadata(folder).get("id")
    if not isinstance(aid, str) or not _ID.match(aid):
        raise AnnotationError(f"{folder / METADATA}: id must be lower-case letters, digits and hyphens; got {aid!r}")
    return aid


def articles() -> list[str]:
    """The ids of every article the course can load: the seed first, then the others by id."""
    ids = sorted(_table())
    return [SEED] + [a for a in ids if a != SEED] if SEED in ids else ids


def register_article(folder: str | Path) -> str:
    """Make the article folder *folder* (with its ``article.toml``) loadable by its id; returns the id."""
    if not isinstance(folder, (str, Path)) or isinstance(folder, str) and not folder.strip():
        raise CourseTypeError(f"folder must be the path of an article folder (str or pathlib.Path); got {describe(folder)}")
    path = Path(folder).expanduser().resolve()
    if not (path / METADATA).is_file():
        raise CourseValueError(f"folder must be an article folder with an {METADATA}; {str(path)!r} has none")
    aid = _read_id(path)
    known = _table().get(aid)
    if known is not None and known != path:
        raise CourseValueError(f"an article with the id {aid!r} is already known ({known}); give the folder "
                               f"{path} another id in its {METADATA}")
    _registered[aid] = path
    return aid


def _folder(article: Any) -> Path:
    """The resolved folder of *article*: None (the seed), an id, or the path of an article folder."""
    if article is None:
        article = SEED
    if isinstance(article, Path) or isinstance(article, str) and (os.sep in article or "/" in article):
        return _resolved(str(article))
    if not isinstance(article, str):
        raise CourseTypeError(f"article must be an article id such as {SEED!r} (or None for the seed); "
                              f"got {describe(article)}")
    table = _table()
    if article not in table:
        raise unknown("article id", article, sorted(table), name="article")
    return table[article]


@lru_cache(maxsize=64)
def _resolved(folder: str) -> Path:
    """The resolved path of an article folder given by path (cached: queries pass it on many times)."""
    path = Path(folder).expanduser().resolve()
    if not (path / METADATA).is_file():
        raise CourseValueError(f"article must be an article id or an article folder with an {METADATA}; "
                               f"{str(path)!r} has none")
    return path


def article_key(article: str | Path | None = None) -> str:
    """The resolved path of *article*'s folder, as a string: the key every per-article cache uses."""
    return str(_folder(article))


def _find_text(folder: Path, name: str, seed: bool) -> Path:
    places = ([SEEDS_DIR / name] if seed else []) + [folder / name]
    for path in places:
        if path.is_file():
            return path
    where = " or ".join(str(p.parent) for p in places)
    raise CourseValueError(f"the text {name!r} of the article in {folder} is in neither {where}"
                           + ("; is the repository's seeds/ folder there?" if seed else ""))


@lru_cache(maxsize=32)
def _info(key: str) -> ArticleInfo:
    folder = Path(key)
    aid = _read_id(folder)
    meta = _metadata(folder)
    problems = [f"{name} is missing" for name in ("title", "language", "text") if name not in meta]
    text = meta.get("text", {})
    if "text" in meta and not (isinstance(text, dict) and isinstance(text.get("file"), str)):
        problems.append("text must be a table with a 'file' (the text file's name)")
    if meta.get("language", "nl") not in LANGUAGES:
        problems.append(f"language must be one of {', '.join(LANGUAGES)}; got {meta.get('language')!r}")
    if problems:
        raise AnnotationError(f"{folder / METADATA}: " + "; ".join(problems))
    seed = bool(text.get("seed", False))
    return ArticleInfo(id=aid, title=meta["title"], language=meta["language"], folder=folder,
                       text_path=_find_text(folder, text["file"], seed), seed=seed,
                       written_for_course=bool(meta.get("written_for_course", False)),
                       transfer=bool(meta.get("transfer", False)),
                       provenance=MappingProxyType(dict(meta.get("provenance", {}))),
                       map=MappingProxyType(dict(meta.get("map", {}))))


def article_info(article: str | Path | None = None) -> ArticleInfo:
    """What the course knows about *article* (an id or an article folder; None is the seed)."""
    return _info(article_key(article))


def add_article_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--article ID`` (an article id or folder; default: the seed) to a command's parser."""
    if not isinstance(parser, argparse.ArgumentParser):
        raise CourseTypeError(f"parser must be an argparse.ArgumentParser; got {describe(parser)}")
    parser.add_argument("--article", metavar="ID", default=None,
                        help=f"the article: an id (see `course articles`) or an article folder (default: the seed, {SEED})")


def per_article(fn: Callable[[str], T] | None = None, *, key: str | None = None) -> Any:
    """Decorate a loader ``fn(key)`` so that ``loader(article=None)`` runs it once per article folder.

    The wrapped function receives ``article_key(article)`` (a folder path, itself a valid *article*), so
    everything it loads for the same article, whether named by id, by folder or as None, is one cache entry.
    ``@per_article(key="claims")`` marks a loader of an answer-key kind: every call, cached or not, passes
    ``course.answerkey.guard`` first.
    """
    if fn is None:
        return lambda f: per_article(f, key=key)
    if not callable(fn):
        raise CourseTypeError(f"fn must be a function fn(key) that loads one article; got {describe(fn)}")
    cached = lru_cache(maxsize=8)(fn)

    def loader(article: str | Path | None = None) -> T:
        folder = article_key(article)
        if key is not None:
            guard(_info(folder), key)
        return cached(folder)

    for name in ("__module__", "__name__", "__qualname__", "__doc__"):  # not __wrapped__: the signature is loader's
        setattr(loader, name, getattr(fn, name))
    loader.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return loader
