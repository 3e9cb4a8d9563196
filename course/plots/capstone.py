"""The capstone's triage, as a picture: an article's claims in a grid of checkability by place in the story.

>>> from course.plots.capstone import triage_figure
>>> triage_figure().axes[0].get_title(loc="left")
'Triage: what to check first'
"""

from __future__ import annotations

from typing import Any

from course.errors import check_type
from course.plots._style import LABEL_GREY, finish, ink_on, pyplot
from course.plots.alttext import FigureText, nl

__all__ = ["triage_figure"]

_COLUMNS = {"data": ("data settle it", "#d6e9f8"), "record": ("compare with a record", "#fdf0c4"),
            "none": ("nothing can confirm it", "#e6e6e6")}


def triage_figure(article: str | None = None, lead_only: bool = True) -> Any:
    """The article's claims (only the lead's, unless *lead_only* is False) by checkability, numbered in triage order."""
    from course.capstone import CHECKABILITY, triage

    check_type(lead_only, bool, "lead_only")
    rows = [t for t in triage(article) if t.lead or not lead_only]
    order = {t.id: i for i, t in enumerate(rows, 1)}  # the order among the claims shown
    places = ["lead"] if lead_only else ["lead", "body"]
    plt = pyplot()
    height = max(2, max((sum(1 for t in rows if t.checkability == c and (t.lead == (p == "lead")))
                         for c in CHECKABILITY for p in places), default=1))
    fig, ax = plt.subplots(figsize=(11.4, 1.3 + 0.42 * height * len(places)))
    ax.set_xlim(0, 3)
    ax.set_ylim(0, len(places))
    ax.invert_yaxis()
    ax.axis("off")
    for ci, c in enumerate(CHECKABILITY):
        label, colour = _COLUMNS[c]
        ax.text(ci + 0.5, -0.06, f"{c}: {label}", ha="center", va="bottom", fontsize=10, fontweight="bold")
        for pi, place in enumerate(places):
            ax.add_patch(plt.Rectangle((ci + 0.02, pi + 0.03), 0.96, 0.94, color=colour, linewidth=0))
            cell = [t for t in rows if t.checkability == c and t.lead == (place == "lead")]
            for k, t in enumerate(cell):
                ax.text(ci + 0.06, pi + 0.1 + k * 0.85 / height, f"{order[t.id]}. {t.id} ({t.paragraph})", va="top",
                        fontsize=9, color=ink_on(colour))
            if not cell:
                ax.text(ci + 0.5, pi + 0.5, "(none)", ha="center", va="center", fontsize=9, color=LABEL_GREY)
    for pi, place in enumerate(places):
        ax.text(-0.02, pi + 0.5, "in the lead" if place == "lead" else "below the lead", ha="right", va="center",
                fontsize=9.5, rotation=90)
    ax.set_title("Triage: what to check first", loc="left", pad=30)
    scope = "the claims of the lead" if lead_only else "every claim"
    fig.text(0.01, 0.01, f"Numbers give the order of the course's triage rule over {scope}: data before records, "
             "the lead before the rest, then the order of the text. Claims and checks: course.facts.", fontsize=8,
             color=LABEL_GREY)
    fig.subplots_adjust(left=0.04, right=0.99, top=1 - 0.75 / fig.get_size_inches()[1], bottom=0.35 / fig.get_size_inches()[1])
    counts = {c: sum(1 for t in rows if t.checkability == c) for c in CHECKABILITY}
    alt = (f"A grid of {scope} ({len(rows)}) by how they can be checked: {counts['data']} that data settle, "
           f"{counts['record']} to compare with a record, {counts['none']} that nothing can confirm. "
           + (f"First to check: {rows[0].id}." if rows else "No claims."))
    details = tuple(f"{order[t.id]}. {t.id}: {t.checkability}, {'lead' if t.lead else 'body'}, {t.paragraph}, "
                    f"{nl(t.quote)}" for t in rows)
    return finish(fig, FigureText(alt, details))
