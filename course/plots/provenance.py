"""Where the copy came from, as a picture: the provenance map of paragraphs against outside versions.

>>> from course.plots.provenance import provenance_map
>>> provenance_map().axes[0].get_title(loc="left").startswith("Which version")
True
"""

from __future__ import annotations

import textwrap
from typing import Any

from course.errors import check_type
from course.plots._style import finish, ink_on, pyplot
from course.plots.alttext import FigureText

__all__ = ["CREDIT_PROVENANCE", "alt_text", "provenance_map"]

CREDIT_PROVENANCE = ("Versions and fingerprints: course/data/articles/izium-2022-09/wires.toml and fingerprints.toml (the course's reading "
                     "of each version; outlets, dates and URLs there). Score: weighted share of a paragraph's features "
                     "that a version carries.")


def _rows(article: str | None) -> list[Any]:
    from course.provenance import provenance_map as matches

    return [m for m in matches(article) if m.features]


def provenance_map(article: str | None = None) -> Any:
    """A grid of paragraphs (rows) against versions (columns): each cell's shade and number is the score;
    a frame marks each paragraph's best version; the last column is the share nobody accounts for."""
    from course.article import load_article
    from course.provenance import scores, wires

    if article is not None:
        check_type(article, str, "article")
    plt = pyplot()
    from matplotlib.colors import to_hex

    rows = _rows(article)
    ws = wires(article)
    table = scores(article)
    art = load_article(article)
    if not rows or not ws:  # an article with no outside versions recorded: say so instead of an empty grid
        return _nothing_to_trace(article, plt)
    grid = [[table[m.passage][w.id] for w in ws] + [m.untraced] for m in rows]
    fig, ax = plt.subplots(figsize=(11.8, 7.4))
    image = ax.imshow(grid, cmap="Blues", vmin=0, vmax=1.25, aspect="auto")
    for i, m in enumerate(rows):
        for j, value in enumerate(grid[i]):
            if value > 0:  # black or white, whichever reads better on the cell's own shade (WCAG 4.5:1)
                shade = to_hex(image.cmap(image.norm(value)))
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8, color=ink_on(shade))
        if m.best:
            j = [w.id for w in ws].index(m.best)
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="#D55E00", linewidth=2.2))
    ax.axvline(len(ws) - 0.5, color="#777777", linewidth=1)
    labels = [textwrap.fill(w.short, 10, break_long_words=False) for w in ws]
    ax.set_xticks(range(len(ws) + 1), labels + ["untraced"], fontsize=7.8, rotation=0)
    ax.tick_params(axis="x", top=True, bottom=False, labeltop=True, labelbottom=False)
    ax.set_yticks(range(len(rows)), [f"{m.passage} ({art.paragraph(m.passage).role})" for m in rows], fontsize=8.5)
    ax.set_title("Which version each paragraph follows", loc="left", fontsize=12, pad=58)
    ax.spines[:].set_visible(False)
    fig.text(0.01, 0.015, "Orange frame: the best-matching version. 'untraced': the share of a paragraph's fingerprint "
             "that no version read carries (what the Dutch added, or a source not found).\n" + CREDIT_PROVENANCE,
             fontsize=7.5, color="#444444", wrap=True)
    fig.subplots_adjust(left=0.14, right=0.99, top=0.84, bottom=0.1)
    details = tuple(f"{m.passage}: " + ", ".join(f"{w} {s:.2f}" for w, s in m.ranking) + f"; untraced {m.untraced:.2f}"
                    for m in rows)
    return finish(fig, FigureText(alt_text(article), details))


def _nothing_to_trace(article: str | None, plt: Any) -> Any:
    from course.articles import article_info

    note = (f"No outside versions of this article are recorded ({article_info(article).where('wires.toml')}), "
            "so no paragraph can be traced to one.")
    fig, ax = plt.subplots(figsize=(11.8, 1.6))
    ax.axis("off")
    ax.set_title("Which version each paragraph follows", loc="left", fontsize=12)
    ax.text(0, 0.5, note, fontsize=10, va="center", transform=ax.transAxes)
    return finish(fig, FigureText(note, ()))


def alt_text(article: str | None = None) -> str:
    """A text description of the provenance map: each paragraph's best version and score."""
    from course.provenance import wire, wires

    parts = []
    for m in _rows(article):
        best = f"{wire(m.best, article).short} {m.score:.2f}" if m.best else "no version found"
        parts.append(f"{m.passage}: {best}")
    return (f"Grid of the article's paragraphs against {len(wires(article))} outside versions, shaded by how much of each paragraph's "
            "fingerprint a version carries. Best match per paragraph: " + "; ".join(parts) + ".")
