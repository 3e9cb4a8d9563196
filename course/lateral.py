"""Lateral reading: who is behind each source, from an offline evidence pack, and the online extension.

Fact-checkers judge a source by leaving it: they open new tabs and read what others say about it
(S. Wineburg and S. McGrew, "Lateral Reading and the Nature of Expertise", 2019). Offline, the course's
evidence pack (``course/data/reference/sources.toml``) stands in for those tabs: dated, cited facts
about each source the article uses and each source the course cites. The online extension
(``course/data/reference/lateral_tasks.toml``) gives timed tasks, an evidence log and a rubric with
levels beginning, emerging and mastery.

Public API
----------
- ``profiles()`` / ``profile(sid)``: the sources in the pack, as ``Profile``.
- ``facts(sid, topic=None)``: a source's facts (``Fact``), optionally of one topic.
- ``who_is_behind(sid)``: one line: kind, owner, and the facts on who runs and owns it.
- ``search(word)``: the facts that mention *word*, across all sources (the offline "new tab").
- ``QUESTIONS``: the three questions; ``TOPICS``, ``OWNERS``.
- ``tasks()`` / ``task(tid)``: the online tasks; ``rubric()``: the rubric rows; ``LOG_FIELDS``.
- ``check_log(entries)``: what is missing or malformed in an evidence log (a list of dicts).

>>> from course.lateral import profile
>>> profile("tass").owner
'state'
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from course.errors import check_items, check_text, lookup, unknown
from course.outside import Record, record

__all__ = ["LOG_FIELDS", "OWNERS", "QUESTIONS", "TOPICS", "Fact", "LogReport", "Profile", "Task", "check_log",
           "facts", "profile", "profiles", "rubric", "search", "task", "tasks", "who_is_behind"]

REFERENCE = Path(__file__).resolve().parent / "data" / "reference"
TOPICS = ("who", "owner", "funding", "record", "stance", "role", "republishes")
OWNERS = ("state", "government-office", "cooperative", "trust", "public", "company", "nonprofit", "person", "unknown")


@dataclass(frozen=True)
class Fact:
    """A dated, cited fact about a source, with its topic."""

    topic: str
    record: Record
    undated: bool

    def markdown(self) -> str:
        """One Markdown line: the topic, what the fact says, and where it comes from, with a link."""
        when = f"{self.record.date}, undated page" if self.undated else self.record.date
        return f"*{self.topic}*: {self.record.says} ({self.record.outlet}, {when}, [link]({self.record.url}))"

    def __str__(self) -> str:
        when = f"{self.record.date}, undated page" if self.undated else self.record.date
        return f"[{self.topic}] {self.record.says} ({self.record.outlet}, {when}) <{self.record.url}>"


@dataclass(frozen=True)
class Profile:
    """One source in the evidence pack."""

    id: str
    name: str
    used_by: str  # "article" or "course"
    kind: str
    owner: str
    side: str
    actor: str | None
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class Task:
    """A timed lateral-reading task for the online extension."""

    id: str
    minutes: int
    prompt: str


@dataclass(frozen=True)
class LogReport:
    """What an evidence log lacks: one list of problems per entry (empty lists mean the entry is complete)."""

    problems: tuple[tuple[str, ...], ...]

    @property
    def complete(self) -> bool:
        """True when no entry has a problem."""
        return not any(self.problems)

    def __str__(self) -> str:
        lines = [f"entry {i + 1}: " + ("complete" if not p else "; ".join(p)) for i, p in enumerate(self.problems)]
        return "\n".join(lines) or "the log is empty"


@lru_cache(maxsize=1)
def _pack() -> dict[str, Any]:
    return tomllib.loads((REFERENCE / "sources.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _tasks_file() -> dict[str, Any]:
    return tomllib.loads((REFERENCE / "lateral_tasks.toml").read_text(encoding="utf-8"))


QUESTIONS: tuple[str, ...] = tuple(_tasks_file()["method"]["questions"])  # who is behind it, evidence, others
LOG_FIELDS: tuple[str, ...] = tuple(_tasks_file()["log"]["fields"])


@lru_cache(maxsize=1)
def profiles() -> tuple[Profile, ...]:
    """Every source in the evidence pack, in file order."""
    out = []
    for r in _pack()["source"]:
        fs = tuple(Fact(f["topic"], record(f), bool(f.get("undated", False))) for f in r["facts"])
        out.append(Profile(r["id"], r["name"], r["used_by"], r["kind"], r["owner"], r.get("side", ""),
                           r.get("actor"), fs))
    return tuple(out)


def profile(sid: str) -> Profile:
    """The source with id *sid* in the evidence pack (such as ``"isw"``)."""
    return lookup({p.id: p for p in profiles()}, sid, "source id", type_name="sid", name="sid")


def facts(sid: str, topic: str | None = None) -> list[Fact]:
    """The facts about source *sid*, or only those of *topic* (one of TOPICS)."""
    found = profile(sid).facts
    if topic is None:
        return list(found)
    check_text(topic, "topic")
    if topic not in TOPICS:
        raise unknown("topic", topic, TOPICS, name="topic")
    return [f for f in found if f.topic == topic]


def who_is_behind(sid: str) -> str:
    """One line on who runs and owns source *sid*, from its facts on 'who' and 'owner'."""
    p = profile(sid)
    said = " ".join(f.record.says for f in p.facts if f.topic in ("who", "owner", "role"))
    return f"{p.name} ({p.kind}; owner: {p.owner}). {said}".strip()


def search(word: str) -> list[tuple[str, Fact]]:
    """Every (source id, fact) whose text mentions *word* (case-insensitive)."""
    check_text(word, "word")
    needle = word.casefold()
    return [(p.id, f) for p in profiles() for f in p.facts
            if needle in f.record.says.casefold() or needle in f.record.outlet.casefold()]


def tasks() -> tuple[Task, ...]:
    """The timed tasks of the online extension."""
    return tuple(Task(t["id"], int(t["minutes"]), t["prompt"]) for t in _tasks_file()["task"])


def task(tid: str) -> Task:
    """The task with id *tid* (such as ``"t1-isw"``)."""
    return lookup({t.id: t for t in tasks()}, tid, "task id", type_name="tid", name="tid")


def rubric() -> list[dict[str, str]]:
    """The rubric rows: criterion, and an anchor description for beginning, emerging and mastery."""
    return [dict(r) for r in _tasks_file()["rubric"]]


_URL = re.compile(r"^https?://\S+\.\S+")
_ARCHIVES = ("web.archive.org", "archive.org", "archive.ph", "archive.today", "archive.is", "perma.cc", "ghostarchive.org")


def check_log(entries: Any) -> LogReport:
    """The problems of each entry of an evidence log: missing fields, URLs, dates, confidence levels."""
    items = check_items(entries, Mapping, "entries", what="dicts (one per log entry)")
    levels = tuple(_tasks_file()["log"]["confidence"])
    out = []
    for entry in items:
        problems = [f"no {k}" for k in LOG_FIELDS if not str(entry.get(k, "")).strip()]
        url = str(entry.get("original_url", "")).strip()
        if url and not _URL.match(url):
            problems.append("original_url is not a web address (http:// or https://)")
        archive = str(entry.get("archive_url", "")).strip()
        if archive and not any(host in archive for host in _ARCHIVES):
            problems.append("archive_url is not on an archive service (for example web.archive.org or archive.ph)")
        when = str(entry.get("date", "")).strip()
        if when:
            try:
                date.fromisoformat(when)
            except ValueError:
                problems.append(f"date should be YYYY-MM-DD; got {when!r}")
        confidence = str(entry.get("confidence", "")).strip().lower()
        if confidence and confidence.split()[0].strip(":,;") not in levels:
            problems.append(f"confidence should start with one of {', '.join(levels)}")
        out.append(tuple(problems))
    return LogReport(tuple(out))

