"""Who says so, in figures: the who-cites-whom graph, voice share by side, and verification status.

>>> from course.plots.sources import citation_graph
>>> fig = citation_graph()
>>> fig.axes[0].get_title(loc="left").startswith("Who cites whom")
True

The graph is laid out by hand, in columns: where a claim starts, who passes it on or speaks to the
article, and the article itself, drawn as one tall bar. Every source has its own row, so an arrow into
the article is a straight horizontal line that never runs through another box, and a chain (the
ministry, then TASS) reads left to right along one row. A force-directed layout (networkx) puts the
same nodes wherever the forces balance, so the direction of citation, the point of the figure, gets lost.
"""

from __future__ import annotations

import textwrap
from typing import Any

from course.plots._style import NOTE_GREY, SIDE_COLOURS, SIDE_HATCHES, SIDE_LABELS, finish, pyplot
from course.plots.alttext import FigureText, nl
from course.widgets import OKABE_ITO

__all__ = ["CREDIT_SOURCES", "SIDE_COLOURS", "citation_graph", "graph_layout", "verification_chart",
           "voice_share_chart"]

CREDIT_SOURCES = "Data: the course's attribution annotations (after PARC) of the article; sides from {actors}"

_SIDE_ORDER = ("russian-state", "ukrainian-state", "independent-media", "think-tank", "anonymous", "platform")
_SIDE_LABEL = SIDE_LABELS
_PLATFORM_LABEL = {"social-media": "social media"}  # shorter than the actor's name; other platforms go by their name


def _credit(article: str | None = None) -> str:
    """The data credit of the figures, naming the article's actors file."""
    from course.articles import article_info

    return CREDIT_SOURCES.format(actors=article_info(article).where("actors.toml"))


def _colour(side: str, light: bool = False) -> str:
    return OKABE_ITO[SIDE_COLOURS[side]][1 if light else 0]


def graph_layout(article: str | None = None) -> dict[str, tuple[int, int]]:
    """Actor id -> (column, row) for the who-cites-whom graph; the article is not in the table.

    Column 0: sources whose words reach the article through someone else; column 1: sources that
    speak to the article directly (including those who pass others on). A source that only reaches
    one other actor shares that actor's row, so the chain reads along one line.
    """
    from course.corpus import load_corpus
    from course.sources import REPORTER, citations

    edges = citations(article)
    side = {a["id"]: a["side"] for a in load_corpus(article).records("actors")}
    order = {}
    for k, e in enumerate(edges):
        order.setdefault(e.origin, k)
    targets: dict[str, list[str]] = {}
    for e in edges:
        targets.setdefault(e.origin, []).append(e.to)
    speakers = [a for a in targets if REPORTER in targets[a]]
    pure = {a: t for a, t in targets.items() if REPORTER not in t}
    mixed = {a for a in speakers if len(targets[a]) > 1}
    layout: dict[str, tuple[int, int]] = {}
    row = 0
    for actor in sorted((a for a in speakers if a not in mixed),
                        key=lambda a: (_SIDE_ORDER.index(side[a]), order[a])):
        feeders = [a for a in targets if actor in targets[a] and a not in layout]
        for f in sorted(feeders, key=lambda a: order[a]):
            if f in mixed or len(pure.get(f, ())) > 1:
                layout[f] = (0, row)
                row += 1
        layout[actor] = (1, row)
        for f in feeders:
            if f in pure and len(pure[f]) == 1:
                layout[f] = (0, row)
        row += 1
    for actor in targets:  # anything left (a loop of relays without a direct speaker)
        if actor not in layout:
            layout[actor] = (0, row)
            row += 1
    return layout


def citation_graph(article: str | None = None) -> Any:
    """Who cites whom: each source, the link its words pass through, and the article, coloured by side."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

    from course.corpus import load_corpus
    from course.sources import REPORTER, citations

    plt = pyplot()
    actors = {a["id"]: a for a in load_corpus(article).records("actors")}
    layout = graph_layout(article)
    rows = max(r for _, r in layout.values()) + 1
    x_of = {0: 0.0, 1: 1.12}
    width, height, bar_x = 0.86, 0.62, 2.3
    fig, ax = plt.subplots(figsize=(11, 0.5 * rows + 2.4))
    ax.set_xlim(-0.48, bar_x + 0.14)
    ax.set_ylim(rows - 0.3, -1.25)
    ax.axis("off")
    for actor, (col, row) in layout.items():
        a = actors[actor]
        ax.add_patch(FancyBboxPatch((x_of[col] - width / 2, row - height / 2), width, height,
                                    boxstyle="round,pad=0,rounding_size=0.12", facecolor=_colour(a["side"], True),
                                    edgecolor=_colour(a["side"]), linewidth=1.6, zorder=3))
        ax.text(x_of[col], row, _short(a["name"]), ha="center", va="center", fontsize=8.6, zorder=4)
    ax.add_patch(FancyBboxPatch((bar_x - 0.09, -0.4), 0.18, rows - 0.2, boxstyle="round,pad=0,rounding_size=0.05",
                                facecolor="#f2f2f2", edgecolor="#333333", linewidth=1.4, zorder=3))
    ax.text(bar_x, (rows - 1) / 2, "THE ARTICLE  (the reporter writes down what reaches it)", rotation=90,
            ha="center", va="center", fontsize=9.5, fontweight="bold", zorder=4)
    for e in citations(article):
        col, row = layout[e.origin]
        x0 = x_of[col] + width / 2
        if e.to == REPORTER:
            x1, row1 = bar_x - 0.09, row
        else:
            tcol, row1 = layout[e.to]
            x1 = x_of[tcol] - width / 2
        only_credits = e.credits == len(e.attributions)
        colour = _colour(actors[e.origin]["side"])
        ax.add_patch(FancyArrowPatch((x0, row), (x1, row1), arrowstyle="-|>", mutation_scale=12,
                                     linewidth=1.1 + 0.55 * (len(e.attributions) - 1),
                                     linestyle="--" if only_credits else "-", color=colour, shrinkA=1, shrinkB=1,
                                     zorder=2))
        label = f"×{len(e.attributions)}"
        shown = [_PLATFORM_LABEL.get(p, actors[p]["name"]) for p in e.platforms if p != e.origin]  # not "social media on social media"
        if shown:
            label += f"  on {', '.join(shown)}"
        if e.credits:
            label += "  (photo credit)" if only_credits else f"  ({e.credits} of them a photo credit)"
        if row1 == row:  # along a row: above the middle of the line (or its start, into the article)
            x_text, y_text, ha, va = (x0 + 0.04, row - 0.14, "left", "bottom") if e.to == REPORTER else \
                ((x0 + x1) / 2, row - 0.14, "center", "bottom")
        else:  # a diagonal: just under its start, clear of the row's own arrow
            x_text, y_text, ha, va = x0 + 0.03, row + 0.12, "left", "top"
        ax.text(x_text, y_text, label, fontsize=9, color="#222222", ha=ha, va=va, zorder=4,
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85})
    for col, text in ((0, "where the words start\n(reach the article through someone else)"),
                      (1, "who speaks to the article\n(or passes others on to it)")):
        ax.text(x_of[col], -0.95, text, ha="center", va="center", fontsize=9.5, color="#222222", style="italic")
    sides = [s for s in _SIDE_ORDER if any(actors[a]["side"] == s for a in layout)]
    handles = [Patch(facecolor=_colour(s, True), edgecolor=_colour(s), label=_SIDE_LABEL[s]) for s in sides]
    handles.append(Line2D([], [], color="#555555", linestyle="--", label="photo credit"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=len(handles), fontsize=8.5,
              frameon=False)
    ax.set_title("Who cites whom: every attribution's path into the article", loc="left", fontsize=12)
    fig.text(0.01, 0.005, textwrap.fill("An arrow runs from a source to the next link its words pass through; ×n counts "
                                        "the attributions on it, and a row with two boxes is a chain. Colour: the side a "
                                        "source speaks for (Okabe & Ito palette). " + _credit(article) + ".", 150),
             fontsize=7.5, color=NOTE_GREY, va="bottom")
    fig.subplots_adjust(left=0.01, right=0.99, top=0.95, bottom=0.11)
    return finish(fig, _citation_text(actors, layout, article))


def _citation_text(actors: dict[str, Any], layout: dict[str, tuple[int, int]], article: str | None = None) -> FigureText:
    """Alt text for the who-cites-whom graph: every edge, with the attributions it carries."""
    from course.sources import REPORTER, citations

    edges = citations(article)

    def name(actor: str) -> str:
        return "the article" if actor == REPORTER else _short(actors[actor]["name"]).replace("\n", " ")

    direct = [e for e in edges if e.to == REPORTER]
    chains = [e for e in edges if e.to != REPORTER]
    total = sum(len(e.attributions) for e in edges)
    top = max(direct, key=lambda e: len(e.attributions))
    alt = (f"Diagram of who cites whom: {len(layout)} sources and {total} attributions. {len(direct)} sources speak "
           f"to the article directly, most often {name(top.origin)} ({len(top.attributions)} times); "
           f"{len(chains)} reach it through someone else: "
           + "; ".join(f"{name(e.origin)} through {name(e.to)}" for e in chains) + ".")
    details = []
    for e in sorted(edges, key=lambda e: (layout[e.origin][1], e.to != REPORTER)):
        side = _SIDE_LABEL[actors[e.origin]["side"]]
        extra = f", on {', '.join(_PLATFORM_LABEL.get(p, actors[p]['name']) for p in e.platforms)}" if e.platforms else ""
        credit = f", {e.credits} of them photo credits" if e.credits else ""
        details.append(f"{name(e.origin)} ({side}) to {name(e.to)}: {len(e.attributions)} attribution(s){extra}{credit}")
    return FigureText(alt, tuple(details))


def _short(name: str) -> str:
    return textwrap.fill(name.replace(" (unspecified)", "").replace(" (unnamed)", ""), 30)


def voice_share_chart(article: str | None = None) -> Any:
    """Words per side, quoted and paraphrased: first the whole article, then the attributed words only."""
    from matplotlib.patches import Patch

    from course.sources import voice_share

    plt = pyplot()
    voices = voice_share(article)
    total = sum(v.words for v in voices)
    reporter = next((v for v in voices if v.side == "reporter"), None)
    others = [v for v in voices if v.side != "reporter"]
    attributed = sum(v.words for v in others)
    fig, (top, ax) = plt.subplots(2, 1, figsize=(9.5, 5.9), height_ratios=[1, 4.2])
    own = reporter.words if reporter else 0
    top.barh([0], [own], color=_colour("reporter", True), edgecolor="#333333")
    top.barh([0], [attributed], left=[own], color="#ffffff", edgecolor="#333333")
    top.text(own / 2, 0, f"the reporter's own words: {own} ({own / total:.0%})", ha="center", va="center", fontsize=9)
    top.text(own + attributed / 2, 0, f"attributed: {attributed} ({attributed / total:.0%})", ha="center",
             va="center", fontsize=9)
    top.set_xlim(0, total)
    top.set_yticks([])
    top.set_title(f"Whose words? All {total} words of the article's text (body, subheadings, captions)",
                  loc="left", fontsize=11)
    names = [_SIDE_LABEL[v.side] for v in others]
    quoted = [v.quoted for v in others]
    para = [v.paraphrased for v in others]
    ys = range(len(others))
    ax.barh(ys, quoted, color=[_colour(v.side) for v in others], edgecolor="#333333")
    ax.barh(ys, para, left=quoted, color=[_colour(v.side, True) for v in others], edgecolor="#333333", hatch="..")
    for y, v in zip(ys, others):
        ax.text(v.words + attributed * 0.01, y, f"{v.words} words, {v.words / attributed:.0%} of attributed "
                f"({v.quoted} in quote marks)", va="center", fontsize=8.6)
    ax.set_yticks(list(ys), names)
    ax.invert_yaxis()
    ax.set_xlim(0, max(v.words for v in others) * 1.95)
    ax.set_xlabel("words")
    ax.set_title("The attributed words, by the side of their source", loc="left", fontsize=11)
    ax.legend(handles=[Patch(facecolor="#777777", edgecolor="#333333", label="in quote marks"),
                       Patch(facecolor="#e4e4e4", edgecolor="#333333", hatch="..", label="paraphrased")],
              loc="lower right", fontsize=8.5, frameon=False)
    fig.text(0.01, 0.005, textwrap.fill("A word counts for the innermost attribution that contains it (the ministry's "
                                        "words inside TASS's report count for the ministry); platforms and photo "
                                        "credits speak for nobody. " + _credit(article) + ".", 135),
             fontsize=7.5, color=NOTE_GREY, va="bottom")
    fig.subplots_adjust(left=0.2, right=0.98, top=0.93, bottom=0.17, hspace=0.6)
    lead = max(others, key=lambda v: v.words)
    alt = (f"Bar charts of whose words fill the article: of its {total} words, {own} ({own / total:.0%}) are the "
           f"reporter's own and {attributed} ({attributed / total:.0%}) are attributed; of the attributed words, "
           f"{_SIDE_LABEL[lead.side]} sources have the most, {lead.words} ({lead.words / attributed:.0%}).")
    details = tuple(f"{_SIDE_LABEL[v.side]}: {v.words} words ({v.words / attributed:.0%} of attributed), "
                    f"{v.quoted} in quote marks and {v.paraphrased} paraphrased" for v in others)
    return finish(fig, FigureText(alt, details))


def verification_chart(article: str | None = None) -> Any:
    """Claims by the verification status the text gives them, stacked by the side of their source."""
    from matplotlib.patches import Patch

    from course.sources import STATUSES, by_verification

    plt = pyplot()
    table = by_verification(article=article)
    fig, ax = plt.subplots(figsize=(10, 4.4))
    sides = [s for s in _SIDE_ORDER if any(a.side == s for rows in table.values() for a in rows)] + ["reporter"]
    for y, status in enumerate(STATUSES):
        left = 0
        for side in sides:
            n = sum(1 for a in table[status] if a.side == side)
            if n:
                ax.barh(y, n, left=left, color=_colour(side), edgecolor="white", hatch=SIDE_HATCHES.get(side, ""))
                left += n
        ax.text(left + 0.2, y, str(left), va="center", fontsize=9)
    labels = []
    for status in STATUSES:
        said = sorted({a.evidence.text for a in table[status] if a.evidence})
        words = "; ".join(f"'{w}'" for w in said) if said else "the text says nothing"
        labels.append(f"{status}\n{textwrap.shorten(words, 44, placeholder='…')}")
    ax.set_yticks(range(len(STATUSES)), labels, fontsize=8.2)
    ax.invert_yaxis()
    ax.set_xlim(0, max(len(rows) for rows in table.values()) + 2)
    ax.set_xlabel("claims (each distinct attributed content counted once)")
    ax.set_title("What has anyone checked? Verification status as the article gives it", loc="left", fontsize=11)
    present = [s for s in sides if any(a.side == s for rows in table.values() for a in rows)]
    ax.legend(handles=[Patch(facecolor=_colour(s), edgecolor="white", hatch=SIDE_HATCHES.get(s, ""), label=_SIDE_LABEL[s])
                       for s in present], fontsize=8, handleheight=1.6, handlelength=2.4,
              loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title="side of the source",
              title_fontsize=8)
    fig.text(0.01, 0.01, _credit(article) + ".", fontsize=7.5, color=NOTE_GREY)
    fig.subplots_adjust(left=0.3, right=0.8, top=0.9, bottom=0.16)
    counts = {status: len(table[status]) for status in STATUSES}
    alt = (f"Bar chart of the {sum(counts.values())} attributed claims by the verification status the article "
           "gives them: " + ", ".join(f"{status} {n}" for status, n in counts.items()) + ".")
    details = []
    for status in STATUSES:
        said = sorted({a.evidence.text for a in table[status] if a.evidence})
        words = "; ".join(f"‘{nl(w)}’" for w in said) if said else "the text says nothing"
        by_side = ", ".join(f"{_SIDE_LABEL[side]} {n}" for side in sides
                            if (n := sum(1 for a in table[status] if a.side == side)))
        details.append(f"{status} ({words}): {counts[status]} claim(s)" + (f": {by_side}" if by_side else ""))
    return finish(fig, FigureText(alt, tuple(details)))
