"""Figures for lesson 01: the claimed distances on a map, claimed against measured, and the area.

Each takes ``article`` (an article id or folder; None is the seed), except ``area_chart``, which draws any area.

- ``distance_map()``: the places, with rings at the claimed distances around each reference point,
  the straight lines with their length and bearing, a scale bar, a north arrow and a projection note.
- ``claims_chart()``: for each distance claim and reference point, the range the hedge allows, the
  straight line, and the road range that published detour factors imply.
- ``area_chart(area_km2=2500)``: the claimed area against Dutch provinces and Luxembourg.

>>> fig = claims_chart()
>>> fig.axes[0].get_xlabel()
'kilometres'
"""

from __future__ import annotations

import textwrap
from typing import Any

from course.plots._style import CREDIT_GEONAMES, NOTE_GREY, finish, pyplot
from course.plots.alttext import FigureText, nl
from course.widgets import OKABE_ITO

__all__ = ["area_chart", "claims_chart", "distance_map"]

_CLAIM_COLOURS = ("vermillion", "blue", "green", "purple")
_REFERENCE_STYLES = ("-", "--", ":")


def _rings(article: str | None = None) -> list[tuple[str, str, float, str]]:
    """(claim id, reference place id, stated km, target place id) for every ring the map draws."""
    from course.corpus import load_corpus

    out = []
    for claim in load_corpus(article).records("claims"):
        if claim["kind"] == "distance":
            for start in claim.get("candidates") or [claim["from"]]:
                out.append((claim["id"], start, float(claim["stated"]), claim["to"]))
    return out


def distance_map(article: str | None = None) -> Any:
    """The article's distance claims on a map: rings at the claimed distance around each reference point."""
    from course.geo import leg, locate, ring
    from course.plots.overview import frame_map

    plt = pyplot()
    rings = _rings(article)
    fig, ax = plt.subplots(figsize=(7.4, 7.4))
    lats: list[float] = []
    lons: list[float] = []
    claim_ids = list(dict.fromkeys(r[0] for r in rings))
    for claim_id, start, km, target in rings:
        pts = ring(start, km, article=article)
        colour = OKABE_ITO[_CLAIM_COLOURS[claim_ids.index(claim_id) % len(_CLAIM_COLOURS)]][0]
        nth = [r[1] for r in rings if r[0] == claim_id].index(start)
        ax.plot([p[1] for p in pts], [p[0] for p in pts], _REFERENCE_STYLES[nth % 3], color=colour, linewidth=1.4,
                label=f"{km:g} km around {locate(start, article=article).name} "
                      f"(claim: {locate(target, article=article).name})")
        lats += [p[0] for p in pts]
        lons += [p[1] for p in pts]
    drawn = set()
    for _, start, _, target in rings:
        line = leg(start, target, article=article)
        ax.plot([line.start.longitude, line.end.longitude], [line.start.latitude, line.end.latitude],
                color="#555555", linewidth=1, zorder=2)
        mid = ((line.start.longitude + line.end.longitude) / 2, (line.start.latitude + line.end.latitude) / 2)
        ax.annotate(f"{line.distance_km:.0f} km, {line.bearing_deg:.0f}° {line.compass16}", mid, fontsize=8,
                    xytext=(4, -10), textcoords="offset points", color="#222222",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
        for p in (line.start, line.end):
            if p.name not in drawn:
                ax.plot(p.longitude, p.latitude, "o", color="black", markersize=6, zorder=4)
                ax.annotate(p.name, (p.longitude, p.latitude), xytext=(6, 5), textcoords="offset points",
                            fontsize=11, fontweight="bold", zorder=5)
                drawn.add(p.name)
    projection = frame_map(ax, lats, lons, 0.15, "Claimed distances as rings: which reference point fits?")
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.09), fontsize=8.5, frameon=False, ncol=1,
              title="rings (line style: the reference point)", title_fontsize=8.5, alignment="left")
    note = (f"Rings are geodesic circles on the WGS84 ellipsoid, drawn point by point. {projection} "
            f"Grey lines: straight lines (geodesics) with length and initial bearing. {CREDIT_GEONAMES}; "
            "geodesics: GeographicLib.")
    fig.text(0.02, 0.01, textwrap.fill(note, 125), fontsize=7.5, color=NOTE_GREY, va="bottom")
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.27, top=0.95)
    return finish(fig, _distance_text(projection, article))


def _claimed_against_measured(article: str | None = None) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each distance claim with its reference candidates as course.facts judges them (what both figures draw)."""
    from course.corpus import load_corpus
    from course.facts import reference_candidates

    return [(claim, reference_candidates(claim["id"], article)) for claim in load_corpus(article).records("claims")
            if claim["kind"] == "distance"]


def _distance_text(projection: str, article: str | None = None) -> FigureText:
    """Alt text for the ring map: each claim, measured from each reference point, against what the article says."""
    sentences, details = [], []
    for claim, options in _claimed_against_measured(article):
        target = options[0]["to"]["name"]
        measured = " and ".join(f"{o['straight_line_km']:.0f} km {o['compass16']} of {o['from']['name']}"
                                for o in options)
        sentences.append(f"{target} lies {measured}; the article says ‘{nl(claim['quote'])}’ "
                         f"({claim['stated']:g} km)")
        for o in options:
            low, high = o["allowed_km"]
            details.append(f"{claim['stated']:g} km ring around {o['from']['name']} (claim: {target}): the straight "
                           f"line is {o['straight_line_km']:.1f} km at {o['bearing_deg']:.0f}° {o['compass16']}; the "
                           f"hedge allows {low:g} to {high:g} km; ‘{nl(claim['direction_word'])}’ "
                           f"{'holds' if o['direction_holds'] else 'does not hold'} for that bearing.")
    details.append(projection)
    return FigureText("Map: " + ". ".join(sentences) + ".", tuple(details))


def claims_chart(article: str | None = None) -> Any:
    """Claimed against measured: hedge range, straight line and road range for every distance claim."""
    plt = pyplot()
    rows = [(claim, option) for claim, options in _claimed_against_measured(article) for option in options]
    fig, ax = plt.subplots(figsize=(8.6, 1.6 + 0.85 * len(rows)))
    for y, (claim, o) in enumerate(rows):
        low, high = o["allowed_km"]
        first = y == 0
        ax.barh(y, high - low, left=low, height=0.45, color=OKABE_ITO["yellow"][1], edgecolor=OKABE_ITO["orange"][0],
                label="range the hedge allows" if first else None)
        ax.plot(o["road_km"], [y + 0.36, y + 0.36], color=OKABE_ITO["blue"][0], linewidth=4, solid_capstyle="butt",
                label="road range (published detour factors)" if first else None)
        ax.plot(o["stated_km"], y, "|", color=OKABE_ITO["vermillion"][0], markersize=18, markeredgewidth=3,
                label="stated" if first else None)
        ax.plot(o["straight_line_km"], y, "o", color="black", label="straight line (WGS84)" if first else None)
        ax.annotate(f"stated = {o['ratio']:.2f} ×", (o["straight_line_km"], y), xytext=(-8, 0),
                    textcoords="offset points", ha="right", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), [f"{o['from']['name']} → {o['to']['name']}\n(claim: {claim['stated']:g} km)"
                                     for claim, o in rows], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("kilometres")
    ax.set_xlim(left=30)
    ax.set_ylim(len(rows) - 0.4, -0.9)
    ax.set_title("Stated distance against the straight line and the road", fontsize=11, loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.45, 1.0), ncol=4, fontsize=7.5, frameon=False)
    fig.text(0.01, 0.01, "Hedge range: course.numbers.tolerance. Detour factors: published studies listed in "
             "course/data/reference/detour_factors.toml.\n" + CREDIT_GEONAMES + "; geodesics: GeographicLib.",
             fontsize=7.5, color=NOTE_GREY)
    fig.subplots_adjust(left=0.2, right=0.97, top=0.9, bottom=0.2)
    details = tuple(
        f"{o['from']['name']} to {o['to']['name']}: stated {o['stated_km']:g} km (‘{nl(claim['quote'])}’); the hedge "
        f"allows {o['allowed_km'][0]:g} to {o['allowed_km'][1]:g} km; straight line {o['straight_line_km']:.1f} km, "
        f"so the stated figure is {o['ratio']:.2f} times it; by road {o['road_km'][0]:.0f} to {o['road_km'][1]:.0f} km."
        for claim, o in rows)
    alt = ("Chart of stated against measured distances: " + "; ".join(
        f"{o['from']['name']} to {o['to']['name']} stated {o['stated_km']:g} km, straight line "
        f"{o['straight_line_km']:.0f} km, road {o['road_km'][0]:.0f} to {o['road_km'][1]:.0f} km" for _, o in rows) + ".")
    return finish(fig, FigureText(alt, details))


def area_chart(area_km2: float = 2500.0, hedge: str | None = "zo'n") -> Any:
    """The claimed area against the land area of Dutch provinces and Luxembourg, with the hedge's range."""
    from course.errors import check_number
    from course.numbers import circle_radius_km, reference_areas, square_side_km, tolerance

    allowed = tolerance(check_number(area_km2, "area_km2", low=0, unit="km²"), hedge)
    plt = pyplot()
    areas = sorted(reference_areas(), key=lambda a: a.land_km2)
    fig, ax = plt.subplots(figsize=(8, 5.4))
    for y, a in enumerate(areas):
        colour = OKABE_ITO["green" if a.kind == "country" else "sky"][0]
        ax.barh(y, a.land_km2, color=colour, height=0.7)
        ax.text(a.land_km2 + 40, y, f"{a.land_km2:,.0f}", va="center", fontsize=8)
    edge = 1.08 * max(area_km2, *(a.land_km2 for a in areas))  # an open side ("zeker", "tot") runs to here
    low = 0.0 if allowed.low is None else allowed.low
    high = edge if allowed.high is None else allowed.high
    said = f"{hedge} {area_km2:g}" if hedge else f"{area_km2:g}"
    ax.axvspan(low, high, color=OKABE_ITO["orange"][1], alpha=0.7, zorder=0, label=f"'{said}' allows {allowed} km²")
    ax.axvline(area_km2, color=OKABE_ITO["vermillion"][0], linewidth=2, label=f"claimed: {area_km2:,.0f} km²")
    ax.set_yticks(range(len(areas)), [f"{a.name}{' (country)' if a.kind == 'country' else ''}" for a in areas])
    ax.set_xlabel("land area (km²)")
    ax.set_title(f"{area_km2:,.0f} km² is a circle of radius {circle_radius_km(area_km2):.0f} km, "
                 f"or a square of {square_side_km(area_km2):.0f} × {square_side_km(area_km2):.0f} km",
                 fontsize=10, loc="left")
    ax.legend(loc="lower right", fontsize=8.5)
    fig.text(0.01, 0.01, "Provinces: land area = total minus inland and outer water, CBS StatLine 37105 (2015), "
             "CC BY 4.0.\nLuxembourg: GeoNames countries (areakm2), CC BY 4.0.", fontsize=7.5, color=NOTE_GREY)
    fig.subplots_adjust(left=0.22, right=0.95, bottom=0.14)
    near = min(areas, key=lambda a: abs(a.land_km2 - area_km2))
    inside = [a.name for a in areas if allowed.contains(a.land_km2)]
    alt = (f"Bar chart: {said} km² (the hedge allows {allowed} km²) is a circle of radius "
           f"{circle_radius_km(area_km2):.0f} km or a square of {square_side_km(area_km2):.0f} km a side; the "
           f"closest of the areas compared is {near.name}, {near.land_km2:,.0f} km² of land"
           + (f"; inside the hedge's range: {', '.join(inside)}" if inside else "") + ".")
    details = tuple(f"{a.name}{' (country)' if a.kind == 'country' else ''}: {a.land_km2:,.0f} km² of land"
                    for a in areas)
    return finish(fig, FigureText(alt, details))
