"""The story at a glance: a map of the article's places and a timeline of its events.

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

__all__ = ["MAP_PLACES", "map_projection_note", "story_map", "timeline_chart"]

MAP_PLACES = ("kharkiv", "balakliia", "izium", "kupiansk", "donetsk-oblast")
OFF_MAP = ("kyiv",)


def _points() -> list[tuple[str, Any]]:
    from course.corpus import load_corpus
    from course.gazetteer import place_point

    corpus = load_corpus()
    return [(corpus.get("places", pid)["name"].replace(" region (oblast)", ""), place_point(pid)) for pid in MAP_PLACES]


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


def story_map() -> Any:
    """A map of the article's main places, with a legend, a scale bar, a north arrow and an honest projection note."""
    from geographiclib.geodesic import Geodesic
    from matplotlib.lines import Line2D

    from course.corpus import load_corpus

    plt = pyplot()
    points = _points()
    kinds = {pid: load_corpus().get("places", pid)["kind"] for pid in MAP_PLACES}
    fig, ax = plt.subplots(figsize=(6.4, 7.6))
    city, seat = OKABE_ITO["blue"][0], OKABE_ITO["vermillion"][0]
    for (label, p), pid in zip(points, MAP_PLACES):
        if kinds[pid] == "region":  # a region is an area: drawn at its seat with an open diamond, never as a town
            ax.plot(p.longitude, p.latitude, "D", markerfacecolor="white", markeredgecolor=seat, markeredgewidth=2,
                    markersize=10, zorder=3)
            ax.annotate(f"{label} region\n(at its seat, {p.name})", (p.longitude, p.latitude), xytext=(-10, 0),
                        textcoords="offset points", fontsize=10.5, style="italic", va="center", ha="right")
        else:
            ax.plot(p.longitude, p.latitude, "o", color=city, markeredgecolor="black", markersize=8, zorder=3)
            ax.annotate(label, (p.longitude, p.latitude), xytext=(6, 5), textcoords="offset points", fontsize=11)
    projection = frame_map(ax, [p.latitude for _, p in points], [p.longitude for _, p in points], 0.35,
                           "Places in the article")
    ax.legend(handles=[
        Line2D([], [], marker="o", linestyle="", color=city, markeredgecolor="black", markersize=8,
               label="town or city named\nin the article"),
        Line2D([], [], marker="D", linestyle="", markerfacecolor="white", markeredgecolor=seat, markeredgewidth=2,
               markersize=9, label="region named in the article,\ndrawn at its seat (GeoNames\ngives no boundary)")],
        loc="lower left", bbox_to_anchor=(0.0, 0.28), fontsize=9, framealpha=0.95, edgecolor="#cccccc")
    kyiv = _kyiv_note(Geodesic.WGS84, points)
    note = f"{projection} {kyiv} {CREDIT_GEONAMES}; geodesics: GeographicLib (WGS84)."
    fig.text(0.02, 0.01, textwrap.fill(note, 110), fontsize=7.5, color=NOTE_GREY, va="bottom")
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.17, top=0.95)
    return finish(fig, _story_map_text(points, kinds, projection, kyiv))


def _story_map_text(points: list[tuple[str, Any]], kinds: dict[str, str], projection: str, kyiv: str) -> FigureText:
    """Alt text for the story map: where each place lies from Kharkiv, computed like the figure."""
    from course.geo import leg

    where = dict(zip(MAP_PLACES, points))
    hub = where["kharkiv"][1]

    def name(pid: str) -> str:
        label, p = where[pid]
        return f"{label} region (drawn at its seat, {p.name})" if kinds[pid] == "region" else label

    legs = [(pid, leg(hub, where[pid][1])) for pid in MAP_PLACES if pid != "kharkiv"]
    said = ", ".join(f"{name(pid)} {line.distance_km:.0f} km {line.compass16}" for pid, line in legs)
    alt = f"Map: the article's places. From Kharkiv in a straight line: {said}. {kyiv}"
    details = [f"{name(pid)}: {p.latitude:.2f}°N {p.longitude:.2f}°E (GeoNames {p.geonameid})"
               for pid, (_, p) in zip(MAP_PLACES, points)]
    izium, kupiansk = where["izium"][1], where["kupiansk"][1]
    ik = leg(izium, kupiansk)
    details.append(f"Izium to Kupiansk: {ik.distance_km:.0f} km {ik.compass16} in a straight line.")
    details += ["Towns and cities are filled circles; the region is an open diamond at its seat, because "
                "the course has no boundary data to draw its area.", projection,
                "A 25 km scale bar sits in the lower left, a north arrow in the upper right."]
    return FigureText(alt, tuple(details))


def _kyiv_note(g: Any, points: list[tuple[str, Any]]) -> str:
    from course.gazetteer import place_point

    kyiv = place_point("kyiv")
    kharkiv = dict(points)["Kharkiv"]
    line = g.Inverse(kharkiv.latitude, kharkiv.longitude, kyiv.latitude, kyiv.longitude)
    return f"Off the map: Kyiv, {line['s12'] / 1000:.0f} km from Kharkiv in a straight line (geodesic)."


def timeline_chart() -> Any:
    """The story's events on a calendar, dated from the article's own time words."""
    from course.timeline import events, reference_day

    plt = pyplot()
    ref = reference_day()
    evs = events()
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
