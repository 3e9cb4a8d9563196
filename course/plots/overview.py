"""The story at a glance: a map of the article's places and a timeline of its events.

Both take ``article`` (an article id or folder; None is the seed). Which places the map shows is the
article's choice, in the ``[map]`` table of its ``article.toml`` (``places``; ``context`` places are
drawn in blue, the others in vermillion; ``off_map`` places are named in the note with their
distance from another place); without that table the map shows every city of the article.

>>> from course.plots.overview import story_map
>>> fig = story_map()
>>> fig.axes[0].get_title()
'Places in the article'
"""

from __future__ import annotations

import math
import textwrap
from datetime import date, datetime, timedelta
from typing import Any

from course.plots._style import CREDIT_GEONAMES, NOTE_GREY, finish, pyplot
from course.plots.alttext import FigureText, nl
from course.widgets import OKABE_ITO

__all__ = ["map_places", "map_projection_note", "story_map", "timeline_chart"]


def map_places(article: str | None = None) -> dict[str, Any]:
    """The article's map settings: ``places`` (ids, in order), ``context`` (ids drawn in blue) and
    ``off_map`` (``{"place": id, "from": id}`` pairs named in the note), from its ``article.toml``."""
    from course.articles import article_info
    from course.corpus import load_corpus

    info = article_info(article)
    settings = dict(info.map)
    if "places" not in settings:
        settings["places"] = [p["id"] for p in load_corpus(article).records("places") if p["kind"] == "city"]
    settings.setdefault("context", [])
    settings.setdefault("off_map", [])
    return settings


def _points(places: list[str], article: str | None = None) -> list[tuple[str, Any]]:
    from course.corpus import load_corpus
    from course.gazetteer import place_point

    corpus = load_corpus(article)
    return [(corpus.get("places", pid)["name"].replace(" region (oblast)", ""), place_point(pid, article))
            for pid in places]


def map_projection_note(lat0: float, lat_min: float, lat_max: float) -> str:
    """How far the east-west scale drifts across a plate carrée map whose aspect is set for *lat0*."""
    from course.errors import check_number

    lat0 = check_number(lat0, "lat0", low=-89.9, high=89.9, unit="degrees")
    lat_min = check_number(lat_min, "lat_min", low=-89.9, high=89.9, unit="degrees")
    lat_max = check_number(lat_max, "lat_max", low=-89.9, high=89.9, unit="degrees")
    worst = max(abs(math.cos(math.radians(lat)) / math.cos(math.radians(lat0)) - 1) for lat in (lat_min, lat_max))
    return (f"Plate carrée (longitude/latitude) with the aspect set for {lat0:.1f}°N: east-west distances "
            f"are true there and off by at most {100 * worst:.1f}% at the top and bottom of the map.")


def frame_map(ax: Any, lats: list[float], lons: list[float], pad: float, title: str) -> str:
    """Frame a plate carrée map around the points (plus *pad* degrees): aspect, a 25 km scale bar,
    a north arrow, axes and title. Returns the projection note for the figure's caption."""
    from course.geo import destination

    lat_min, lat_max = min(lats) - pad, max(lats) + pad
    lon_min, lon_max = min(lons) - pad, max(lons) + pad
    lat0 = (lat_min + lat_max) / 2
    ax.set_aspect(1 / math.cos(math.radians(lat0)))
    # scale bar: 25 km due east along the geodesic from the lower-left corner
    x0, y0 = lon_min + 0.08, lat_min + 0.06
    end = destination((y0, x0), 90.0, 25)
    ax.plot([x0, end.longitude], [y0, y0], color="black", linewidth=3, solid_capstyle="butt")
    ax.text((x0 + end.longitude) / 2, y0 + 0.035, "25 km", ha="center", fontsize=9)
    ax.annotate("N", xy=(lon_max - 0.1, lat_max - 0.05), xytext=(lon_max - 0.1, lat_max - 0.3), ha="center",
                fontsize=11, fontweight="bold", arrowprops={"arrowstyle": "-|>", "color": "black"})
    ax.set_xlim(lon_min, lon_max)
    ax.set_ylim(lat_min, lat_max)
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.set_title(title)
    ax.grid(True, color="#e5e5e5", linewidth=0.6)
    return map_projection_note(lat0, lat_min, lat_max)


def story_map(article: str | None = None) -> Any:
    """A map of the article's main places, with a legend, a scale bar, a north arrow and an honest projection note."""
    from geographiclib.geodesic import Geodesic
    from matplotlib.lines import Line2D

    from course.corpus import load_corpus

    plt = pyplot()
    settings = map_places(article)
    points = _points(settings["places"], article)
    kinds = {pid: load_corpus(article).get("places", pid)["kind"] for pid in settings["places"]}
    fig, ax = plt.subplots(figsize=(6.4, 7.6))
    shown = set()
    for (label, p), pid in zip(points, settings["places"]):
        role = "context" if pid in settings["context"] else "events"
        shape = "region" if kinds[pid] == "region" else "town"
        shown.add((role, shape))
        colour = _MAP_COLOURS[role]
        if shape == "region":  # a region is an area: drawn at its seat with an open diamond, never as a town
            ax.plot(p.longitude, p.latitude, "D", markerfacecolor="white", markeredgecolor=colour,
                    markeredgewidth=2.2, markersize=10, zorder=3)
            ax.annotate(f"{label} region\n(at its seat, {p.name})", (p.longitude, p.latitude), xytext=(-10, 0),
                        textcoords="offset points", fontsize=10.5, style="italic", va="center", ha="right")
        else:
            ax.plot(p.longitude, p.latitude, "o", color=colour, markeredgecolor="black", markersize=8, zorder=3)
            ax.annotate(label, (p.longitude, p.latitude), xytext=(6, 5), textcoords="offset points", fontsize=11)
    projection = frame_map(ax, [p.latitude for _, p in points], [p.longitude for _, p in points], 0.35,
                           "Places in the article")
    handles = []
    for role, shape in sorted(shown, key=lambda k: (k[0] != "events", k[1])):
        colour = _MAP_COLOURS[role]
        style = {"marker": "D", "markerfacecolor": "white", "markeredgecolor": colour, "markeredgewidth": 2.2} \
            if shape == "region" else {"marker": "o", "color": colour, "markeredgecolor": "black"}
        handles.append(Line2D([], [], linestyle="", markersize=8, label=_MAP_LEGEND[role, shape], **style))
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 0.28), fontsize=9, framealpha=0.95,
              edgecolor="#cccccc")
    off_map = " ".join(_off_map_note(Geodesic.WGS84, o["place"], o["from"], article) for o in settings["off_map"])
    note = f"{projection} {off_map + ' ' if off_map else ''}{CREDIT_GEONAMES}; geodesics: GeographicLib (WGS84)."
    fig.text(0.02, 0.01, textwrap.fill(note, 110), fontsize=7.5, color=NOTE_GREY, va="bottom")
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.17, top=0.95)
    return finish(fig, _story_map_text(settings, points, kinds, projection, off_map))


_MAP_COLOURS = {"events": OKABE_ITO["vermillion"][0], "context": OKABE_ITO["blue"][0]}
_MAP_LEGEND = {
    ("events", "town"): "town or city where\nthe story happens",
    ("context", "town"): "town or city named\nfor context",
    ("events", "region"): "region where the story\nhappens, drawn at its seat\n(no boundary data)",
    ("context", "region"): "region named for context,\ndrawn at its seat\n(no boundary data)",
}


def _story_map_text(settings: dict[str, Any], points: list[tuple[str, Any]], kinds: dict[str, str],
                    projection: str, off_map: str) -> FigureText:
    """Alt text for the story map: where each place lies from the first one, computed like the figure."""
    from course.geo import leg

    places = settings["places"]
    where = dict(zip(places, points))
    hub_label, hub = points[0]

    def name(pid: str) -> str:
        label, p = where[pid]
        return f"{label} region (drawn at its seat, {p.name})" if kinds[pid] == "region" else label

    legs = [(pid, leg(hub, where[pid][1])) for pid in places[1:]]
    said = ", ".join(f"{name(pid)} {line.distance_km:.0f} km {line.compass16}" for pid, line in legs)
    alt = f"Map: the article's places. From {hub_label} in a straight line: {said}." + (f" {off_map}" if off_map else "")
    details = [f"{name(pid)}: {p.latitude:.2f}°N {p.longitude:.2f}°E (GeoNames {p.geonameid}); "
               + ("named for context" if pid in settings["context"] else "where the story happens")
               for pid, (_, p) in zip(places, points)]
    details += ["Towns and cities are filled circles; a region is an open diamond at its seat, because the "
                "course has no boundary data to draw its area. Blue: context; vermillion: where the story happens.",
                projection, "A 25 km scale bar sits in the lower left, a north arrow in the upper right."]
    return FigureText(alt, tuple(details))


def _off_map_note(g: Any, place: str, start: str, article: str | None = None) -> str:
    (name, far), (start_name, near) = _points([place, start], article)
    line = g.Inverse(near.latitude, near.longitude, far.latitude, far.longitude)
    return f"Off the map: {name}, {line['s12'] / 1000:.0f} km from {start_name} in a straight line (geodesic)."


def timeline_chart(article: str | None = None) -> Any:
    """The story's events on a calendar, dated from the article's own time words."""
    from course.timeline import events, reference_day

    plt = pyplot()
    ref = reference_day(article)
    evs = events(article)
    window_start = ref - timedelta(days=6)
    fig, ax = plt.subplots(figsize=(10, 6.4))
    dated = [e for e in evs if e.end is not None and e.end >= window_start]
    y = 0
    labels = []
    for e in sorted(dated, key=lambda e: (e.start or window_start, e.id)):
        colour = OKABE_ITO["blue" if e.precise else "orange"][0]
        if e.start is None:  # only an upper bound: "eerder"
            ax.annotate("", xy=(_at(window_start), y), xytext=(_at(e.end, 12), y),
                        arrowprops={"arrowstyle": "->", "color": colour, "linestyle": "--"})
        elif e.precise:
            ax.plot(_at(e.start, 12), y, "o", color=colour, markersize=8)
        else:  # a span of whole days, drawn from the first midnight to the midnight after the last day
            ax.plot([_at(e.start), _at(e.end, 24)], [y, y], color=colour, linewidth=6, alpha=0.6,
                    solid_capstyle="butt")
        word = f" ('{e.when.text}')" if e.when is not None else ""
        labels.append(textwrap.fill(f"{e.label}{word}", 48))
        y += 1
    ax.set_yticks(range(len(labels)), labels, fontsize=8.5)
    ax.invert_yaxis()
    ax.set_xlim(_at(window_start), _at(ref + timedelta(days=2)))
    days = [window_start + timedelta(days=i) for i in range(8)]
    ax.set_xticks([_at(d, 12) for d in days], [f"{d:%a}\n{d.day} {d:%b}" for d in days])
    for d in days:
        ax.axvline(_at(d), color="#eeeeee", linewidth=0.8, zorder=0)
    ax.axvline(_at(ref, 12), color="#767676", linewidth=0.8, linestyle=":")
    fig.suptitle(f"What happened when: the article's weekday words, counted back from {ref:%A %d %B %Y}",
                 x=0.02, ha="left", fontsize=11)
    older = [e for e in evs if e.end is not None and e.end < window_start]
    undated = [e for e in evs if e.end is None]
    notes = [f"Earlier: {e.label} ('{e.when.text}' → {_span_text(e.start, e.end)})" for e in older]
    notes += [f"Not dated by the text: {e.label}" for e in undated]
    notes.append("Dots: one day. Bars: a span ('deze week'). Dashed arrow: only 'before' is known.")
    fig.text(0.02, 0.01, "\n".join(textwrap.fill(n, 150) for n in notes), fontsize=8, color=NOTE_GREY, va="bottom")
    fig.subplots_adjust(left=0.36, bottom=0.2, right=0.97, top=0.92)
    return finish(fig, _timeline_text(ref, dated, older, undated))


def _timeline_text(ref: date, dated: list[Any], older: list[Any], undated: list[Any]) -> FigureText:
    """Alt text for the timeline: each event with the date the article's words give it."""
    def line(e: Any) -> str:
        word = f" ({nl(e.when.text)})" if e.when is not None else ""
        when = f"before {e.end:%A %d %B}" if e.start is None else _span_text(e.start, e.end)
        return f"{e.label}{word}: {when}"

    ordered = sorted(dated, key=lambda e: (e.start or date.min, e.id))
    days = sorted({e.start for e in dated if e.precise})
    busiest = max(days, key=lambda d: sum(1 for e in dated if e.precise and e.start == d)) if days else None
    alt = (f"Timeline of {len(dated)} events around the article's reference day, {ref:%A %d %B %Y}, dated from its own "
           "time words" + (f"; {sum(1 for e in dated if e.precise and e.start == busiest)} of them fall on "
                           f"{busiest:%A %d %B}" if busiest else "") + f". {len(older)} earlier, {len(undated)} undated.")
    details = [line(e) for e in ordered] + [f"Earlier: {line(e)}" for e in older]
    details += [f"Not dated by the text: {e.label}" for e in undated]
    return FigureText(alt, tuple(details))


def _at(day: date, hours: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day) + timedelta(hours=hours)


def _span_text(start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return "undated"
    if start == end:
        return f"{start:%d %B %Y}"
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        return f"{start:%B %Y}"
    return f"{start:%d %b} to {end:%d %b %Y}"
