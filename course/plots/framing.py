"""Framing at a glance: who uses which technique, and where along the article the loaded words are.

>>> from course.plots.framing import techniques_by_side
>>> techniques_by_side().axes[0].get_title()
'Who uses which technique'
"""

from __future__ import annotations

import textwrap
from typing import Any

from course.plots._style import NOTE_GREY, SIDE_COLOURS, SIDE_HATCHES, SIDE_LABELS, finish, ink_on, pyplot
from course.plots.alttext import FigureText
from course.widgets import OKABE_ITO

__all__ = ["CREDIT_FRAMING", "SIDE_COLOURS", "SIDE_LABELS", "density_map", "techniques_by_side"]

CREDIT_FRAMING = ("Spans: the course's annotation of the article ({framing}, CC BY 4.0); taxonomy after "
                  "SemEval-2020 Task 11 (Da San Martino et al. 2020) and SemEval-2023 Task 3 (Piskorski et al. 2023).")


def _credit(article: str | None = None) -> str:
    """The data credit of the figures, naming the article's framing file."""
    from course.articles import article_info

    return CREDIT_FRAMING.format(framing=article_info(article).where("framing.toml"))


# Colour-blind-safe colours for the sides that have framing spans, in the order they are stacked.


def _side_order(sides: set[str]) -> list[str]:
    known = [s for s in SIDE_COLOURS if s in sides]
    return known + sorted(sides - set(known))


def _colour(side: str) -> str:
    return OKABE_ITO[SIDE_COLOURS.get(side, "grey")][0]


def techniques_by_side(article: str | None = None) -> Any:
    """Horizontal bars: for each technique (grouped by family), how many spans each side has."""
    from course.framing import spans, techniques, tally

    plt = pyplot()
    counts = tally("side", article)
    used = [t for t in techniques() if spans(technique=t.id, article=article)]
    sides = _side_order(set(counts))
    fig, ax = plt.subplots(figsize=(9.4, 5.8))
    y = list(range(len(used)))
    left = [0] * len(used)
    for side in sides:
        values = [counts.get(side, {}).get(t.id, 0) for t in used]
        ax.barh(y, values, left=left, color=_colour(side), edgecolor="white", hatch=SIDE_HATCHES.get(side, ""),
                label=SIDE_LABELS.get(side, side))
        for i, v in enumerate(values):
            if v:
                ax.text(left[i] + v / 2, i, str(v), ha="center", va="center", fontsize=9,
                        color=ink_on(_colour(side)), fontweight="bold",
                        bbox={"boxstyle": "round,pad=0.15", "fc": _colour(side), "ec": "none"})
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(y, [f"{t.name.split(' (')[0]}  ·  {t.family}" for t in used], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("number of annotated spans")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title("Who uses which technique")
    ax.legend(title="speaker's side", frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8.5, handleheight=1.6, handlelength=2.4,
              title_fontsize=9)
    total = sum(left)
    note = (f"{total} spans. A span counts for the side of whoever chose the words; the reporter's own words count "
            f"for 'the reporter'. {_credit(article)}")
    fig.text(0.02, 0.01, textwrap.fill(note, 130), fontsize=7.5, color=NOTE_GREY, va="bottom")
    fig.subplots_adjust(left=0.33, right=0.78, top=0.93, bottom=0.17)
    rows = [(t, {side: counts.get(side, {}).get(t.id, 0) for side in sides}) for t in used]
    most = max(rows, key=lambda r: sum(r[1].values()))
    per_side = {side: sum(counts.get(side, {}).values()) for side in sides}
    alt = (f"Bar chart of {total} framing spans by technique and by the speaker's side: "
           + ", ".join(f"{SIDE_LABELS.get(s, s)} {n}" for s, n in per_side.items())
           + f". The most used technique is {most[0].name} ({sum(most[1].values())}).")
    details = tuple(f"{t.name} ({t.family}): " + ", ".join(f"{SIDE_LABELS.get(s, s)} {n}" for s, n in by.items() if n)
                    for t, by in rows)
    return finish(fig, FigureText(alt, details))


def density_map(include_contested: bool = True, article: str | None = None) -> Any:
    """A map of the article: one row per paragraph, one cell per word, loaded words coloured by side."""
    from course.framing import paragraph_density, techniques

    plt = pyplot()
    from matplotlib.patches import Patch

    rows = paragraph_density(include_contested, article)
    longest = max(d.words for d in rows)
    fig, ax = plt.subplots(figsize=(10, 6.6))
    seen: set[str] = set()
    for y, d in enumerate(rows):
        ax.barh(y, d.words, height=0.62, color="#e4e4e4", zorder=1)
        for index, side in d.marks:
            seen.add(side)
            ax.barh(y, 1, left=index, height=0.62, color=_colour(side), zorder=2)
        rate = f"{d.loaded}/{d.words} words = {d.per_100:.0f} per 100" if d.loaded else f"0/{d.words}"
        if d.loaded:  # who: in words too, not only in colour
            rate += ": " + ", ".join(f"{SIDE_LABELS.get(s, s)} {n}" for s, n in d.by_side.items())
        ax.text(longest + 2, y, rate, va="center", fontsize=8.5, color="#222222")
    ax.set_yticks(range(len(rows)), [f"{d.paragraph} {'' if d.role == 'body' else d.role}" for d in rows], fontsize=8.5)
    ax.invert_yaxis()
    ax.set_xlim(0, longest * 1.9)
    ax.set_xticks(range(0, longest + 1, 20))
    ax.set_xlabel("word position in the paragraph (each grey bar is one paragraph, as long as its word count)")
    ax.set_title("Where the loaded words are: the article paragraph by paragraph", pad=24)
    handles = [Patch(color=_colour(side), label=SIDE_LABELS.get(side, side)) for side in _side_order(seen)]
    ax.legend(handles=handles, title=None, frameon=False, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=len(handles),
              fontsize=8.5, handlelength=1.2)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.spines["bottom"].set_bounds(0, longest)
    which = "all annotated spans" if include_contested else "spans that annotators agree on (contested ones left out)"
    lexical = ", ".join(t.name.split(" (")[0].lower() for t in techniques() if t.lexical)
    note = (f"Loaded words: words inside spans of word-level techniques ({lexical}), from {which}. "
            "Claims, pictures and slogans are not counted. " + _credit(article))
    fig.text(0.02, 0.01, textwrap.fill(note, 150), fontsize=7.5, color=NOTE_GREY, va="bottom")
    fig.subplots_adjust(left=0.12, right=0.98, top=0.88, bottom=0.16)
    densest = max(rows, key=lambda d: d.per_100)
    alt = (f"Chart of the article's {len(rows)} paragraphs, one bar each, with the loaded words marked by the "
           f"speaker's side; {sum(d.loaded for d in rows)} loaded words in all. The densest is {densest.paragraph} "
           f"({densest.role}): {densest.loaded} of {densest.words} words, {densest.per_100:.0f} per 100.")
    details = tuple(f"{d.paragraph} ({d.role}): {d.loaded} of {d.words} words loaded ({d.per_100:.0f} per 100)"
                    + (": " + ", ".join(f"{SIDE_LABELS.get(s, s)} {n}" for s, n in d.by_side.items()) if d.loaded else "")
                    for d in rows)
    return finish(fig, FigureText(alt, details))
