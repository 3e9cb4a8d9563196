"""Outside records: dated, cited facts from outside the article (outlet, date, URL and what it says).

Module 04 keeps every outside fact it teaches as such a record, in the course's own words, so that a
lesson can print the fact together with where it comes from.

- ``Record``: outlet, date (``YYYY-MM-DD`` or ``YYYY-MM``), url, says; ``str()`` gives a one-line citation.
- ``record(mapping)``: a Record from a data-file table, checked.
- ``markdown(records)``: a Markdown list of records with their links (wraps at word boundaries in a notebook).

>>> from course.outside import record
>>> str(record({"outlet": "BBC News", "date": "2022-09-10", "url": "https://www.bbc.com/pidgin/world-62853023",
...             "says": "The ministry spoke of an organised transfer."}))
'BBC News, 2022-09-10: The ministry spoke of an organised transfer. <https://www.bbc.com/pidgin/world-62853023>'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from course.errors import CourseValueError, check_type

__all__ = ["Record", "markdown", "record"]

_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


@dataclass(frozen=True)
class Record:
    """A dated, cited outside fact: who published it, when, where, and what it says (paraphrased)."""

    outlet: str
    date: str
    url: str
    says: str
    note: str = ""

    def __str__(self) -> str:
        return f"{self.outlet}, {self.date}: {self.says} <{self.url}>"

    def markdown(self) -> str:
        """One Markdown line: outlet and date in bold, what it says, and a link to the page."""
        return f"**{self.outlet}**, {self.date}: {self.says} [link]({self.url})"

    def as_dict(self) -> dict[str, str]:
        """The record as plain data (for ``--json``)."""
        out = {"outlet": self.outlet, "date": self.date, "url": self.url, "says": self.says}
        if self.note:
            out["note"] = self.note
        return out


def record(mapping: Mapping[str, Any]) -> Record:
    """A Record from a table with outlet, date, url and says (and an optional note)."""
    check_type(mapping, Mapping, "mapping")
    missing = [k for k in ("outlet", "date", "url", "says") if not isinstance(mapping.get(k), str)]
    if missing:
        raise CourseValueError(f"mapping must give outlet, date, url and says as text; missing {missing}")
    if not _DATE.match(mapping["date"]):
        raise CourseValueError(f"mapping: date must look like 2022-09-10 or 2022-09; got {mapping['date']!r}")
    if not mapping["url"].startswith(("http://", "https://")):
        raise CourseValueError(f"mapping: url must start with http:// or https://; got {mapping['url']!r}")
    return Record(mapping["outlet"], mapping["date"], mapping["url"], mapping["says"], str(mapping.get("note", "")))


def markdown(records: Any) -> str:
    """A Markdown bullet list of *records* (Record objects), one line each, with links."""
    from course.errors import check_items

    items = check_items(records, Record, "records", what="outside records (course.outside.Record)")
    return "\n".join(f"- {r.markdown()}" for r in items)
