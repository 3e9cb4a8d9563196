"""An article's checkable claims, checked: one fact record per claim in its ``claims.toml``.

Each record says what the text states, what the course computes from data, and a verdict with an
explanation in plain words. Distances and directions come from ``course.geo`` (GeoNames + WGS84),
ranges from ``course.numbers``, dates from ``course.timeline``.

Verdicts: ``holds``; ``plausible-as-road`` (wrong as a straight line; a road distance within the
published detour factors, measured on other road networks, would explain it); ``does-not-hold``; ``matches-source`` (the figure is the cited source's);
``matches-reporting`` (the date agrees with outside reporting); ``resolved`` (dated by rule, no
outside date to compare); ``not-checkable`` (no data can confirm it; the record says what the words
commit the speaker to).

Public API
----------
- ``facts(article=None) -> list[dict]``: every claim, checked (JSON-ready; the fields are listed in ``FIELDS``).
- ``fact(claim_id, article=None) -> dict`` and ``reference_candidates(claim_id, article=None) -> list[dict]``
- ``fact_sheet(article=None) -> str``: the readable version that ``python -m course facts`` prints.
Every function takes ``article`` (an article id or folder; None is the seed).

>>> fact("balakliia-direction")["direction_holds"]
True
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping

from course.articles import add_article_argument, article_info, per_article
from course.errors import lookup, unknown

__all__ = ["FIELDS", "GEO_FIELDS", "VERDICTS", "cmd_facts", "evidence_record", "fact", "fact_sheet", "facts",
           "reference_candidates"]

FIELDS = ("id", "kind", "quote", "stated", "computed", "unit", "verdict", "explanation", "data")
GEO_FIELDS = ("from", "to", "stated_km", "straight_line_km", "ratio", "bearing_deg", "compass16", "direction_holds")
VERDICTS = ("holds", "plausible-as-road", "does-not-hold", "matches-source", "matches-reporting", "resolved",
            "not-checkable")
GEO_DATA = "GeoNames coordinates (course/data/geonames_extract.json); WGS84 geodesic by GeographicLib"


def _claims(article: str | None = None) -> dict[str, Mapping[str, Any]]:
    from course.corpus import load_corpus

    return {c["id"]: c for c in load_corpus(article).records("claims")}


def _base(claim: Mapping[str, Any], computed: Any, verdict: str, explanation: str, data: str) -> dict[str, Any]:
    span = claim["span"]
    return {"id": claim["id"], "kind": claim["kind"], "quote": span.text, "stated": claim["stated"],
            "computed": computed, "unit": claim.get("unit", "date" if claim["kind"] == "date" else ""),
            "verdict": verdict, "explanation": explanation, "data": data, "span": [span.start, span.end],
            "evidence": [evidence_record(e) for e in claim.get("evidence", ())]}


def evidence_record(entry: Mapping[str, Any]) -> dict[str, Any]:
    """An evidence entry with its source resolved from the bibliography (ref, source, date, url, says); an entry
    that names its source inline (source, url, says) is passed on as it is, with ref None."""
    from course.references import reference

    if "ref" not in entry:
        return {"ref": None, "source": entry["source"], "date": None, "url": entry["url"], "says": entry["says"]}
    ref = reference(entry["ref"])
    return {"ref": ref.id, "source": ref.short(), "date": ref.date, "url": ref.url, "says": entry["says"]}


# -- distance and direction ------------------------------------------------------------------------

def _place(pid: str, article: str | None = None) -> dict[str, Any]:
    from course.geo import locate

    p = locate(pid, article=article)
    return {"id": pid, "name": p.name, "geonameid": p.geonameid}


def _geo_one(claim: Mapping[str, Any], start: str, article: str | None = None) -> dict[str, Any]:
    """The distance and direction checks of *claim* with *start* as the reference point."""
    from course.geo import check_direction, check_distance

    claims = _claims(article)
    distance = claims[claim["pair"]] if claim["kind"] == "direction" else claim
    word = distance["direction_word"]
    dist = check_distance(distance["stated"], start, claim["to"], distance.get("hedge"), article=article)
    direc = check_direction(word, start, claim["to"], article=article)
    return {"from": _place(start, article), "to": _place(claim["to"], article), "stated_km": distance["stated"],
            "straight_line_km": round(dist.straight_line_km, 2), "ratio": round(dist.ratio, 3),
            "road_km": [round(x, 1) for x in dist.road_km], "allowed_km": list(dist.allowed),
            "bearing_deg": round(direc.bearing_deg, 1), "compass16": direc.compass16,
            "direction_word": word, "direction_holds": direc.holds,
            "distance_verdict": dist.verdict, "distance_explanation": dist.explanation,
            "direction_explanation": direc.explanation}


def reference_candidates(claim_id: str, article: str | None = None) -> list[dict[str, Any]]:
    """Every reference point a reader could take for a distance or direction claim, each checked."""
    claim = _claim(claim_id, article)
    if claim["kind"] not in ("distance", "direction"):
        raise unknown("distance or direction claim", claim_id,
                      [c for c, r in _claims(article).items() if r["kind"] in ("distance", "direction")])
    starts = list(claim.get("candidates") or [claim["from"]])
    return [_geo_one(claim, s, article) for s in starts]


def _best(options: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
    """The candidate the evidence of the map supports: direction holds and the distance is not ruled out."""
    fits = [o for o in options if o["direction_holds"] and o["distance_verdict"] != "does-not-hold"]
    if len(options) == 1:
        return options[0], "named in the text"
    if len(fits) == 1:
        return fits[0], (f"inferred: of {', '.join(o['from']['name'] for o in options)}, only "
                         f"{fits[0]['from']['name']} fits both the distance and the direction word")
    return min(options, key=lambda o: abs(o["ratio"] - 1)), "ambiguous: no single candidate fits best"


def _geo_fact(claim: Mapping[str, Any], article: str | None = None) -> dict[str, Any]:
    options = reference_candidates(claim["id"], article)
    best, how = _best(options)
    if claim["kind"] == "distance":
        out = _base(claim, best["straight_line_km"], best["distance_verdict"], best["distance_explanation"], GEO_DATA)
    else:
        verdict = "holds" if best["direction_holds"] else "does-not-hold"
        out = _base(claim, best["bearing_deg"], verdict, best["direction_explanation"], GEO_DATA)
        out["unit"] = "degrees"
    out.update({k: best[k] for k in GEO_FIELDS})
    out["reference"] = how
    if len(options) > 1:
        out["explanation"] += f" Reference point {how}."
        out["candidates"] = [{k: o[k] for k in ("from", "straight_line_km", "ratio", "bearing_deg", "compass16",
                                                 "direction_holds", "distance_verdict")} for o in options]
    return out


# -- area, count, date -----------------------------------------------------------------------------

def _area_fact(claim: Mapping[str, Any], article: str | None = None) -> dict[str, Any]:
    from course.numbers import circle_radius_km, reference_areas, square_side_km, tolerance

    allowed = tolerance(claim["stated"], claim.get("hedge"))
    ok = allowed.contains(claim["source_figure"])
    r, side = circle_radius_km(claim["stated"]), square_side_km(claim["stated"])
    near = sorted(reference_areas(), key=lambda a: abs(a.land_km2 - claim["stated"]))[:3]
    like = ", ".join(f"{a.name} ({a.land_km2:,.0f} km² of land)" for a in near)
    text = (f"The source's figure is {claim['source_figure']:,} km² ({claim['source']}), "
            f"{'inside' if ok else 'outside'} the {allowed} km² that '{claim.get('hedge', '')} {claim['stated']}' allows. "
            f"It is a circle of radius {r:.1f} km or a square of {side:.0f} by {side:.0f} km; "
            f"areas of similar size: {like}.")
    out = _base(claim, claim["source_figure"], "matches-source" if ok else "does-not-hold", text,
                f"{claim['source']}; areas: CBS StatLine 37105 (2015), GeoNames countries")
    out.update({"circle_radius_km": round(r, 2), "square_side_km": round(side, 2),
                "comparisons": [{"name": a.name, "land_km2": a.land_km2, "source": a.source} for a in near]})
    return out


def _count_fact(claim: Mapping[str, Any], article: str | None = None) -> dict[str, Any]:
    from course.numbers import parse_quantity

    stated = claim["stated"]
    q = parse_quantity(f"{claim.get('hedge', '')} {stated}".strip())
    if "source_quantity" in claim:
        src = parse_quantity(claim["source_quantity"])
        lo_ok = q.interval.low is None or (src.interval.low is not None and src.interval.low >= q.interval.low)
        hi_ok = q.interval.high is None or (src.interval.high is not None and src.interval.high <= q.interval.high)
        ok = lo_ok and hi_ok
        text = (f"'{claim['span'].text}' commits to {q.interval} {claim['unit']}; the source said "
                f"'{claim['source_quantity']}' = {src.interval}, {'inside' if ok else 'not inside'} that range "
                f"({claim['source']}).{' ' + claim['note'] if 'note' in claim else ''}")
        return _base(claim, q.interval.as_list(), "matches-source" if ok else "does-not-hold", text,
                     f"{claim['source']}; ranges by course.numbers ({q.rule})")
    text = (f"'{claim['span'].text}' commits the speaker to {q.interval} {claim['unit']} ({q.rule}); "
            f"no published count can confirm or refute it.{' ' + claim['note'] if 'note' in claim else ''}")
    return _base(claim, q.interval.as_list(), "not-checkable", text, f"ranges by course.numbers ({q.rule})")


def _iso(start: date | None, end: date | None) -> str | None:
    if start is None and end is None:
        return None
    if start == end:
        return start.isoformat()
    return f"{start.isoformat() if start else '..'}/{end.isoformat() if end else '..'}"


def _offset(text: str) -> timezone:
    sign = -1 if text.startswith("-") else 1
    hours, minutes = text[1:].split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def _date_fact(claim: Mapping[str, Any], article: str | None = None) -> dict[str, Any]:
    from course.timeline import WEEKDAYS_NL, event, reference_day

    ev = event(claim["event"], article)
    span = _iso(ev.start, ev.end)
    rule = f"rule '{ev.rule}' from the reference day {reference_day(article):%A %d %B %Y}"
    data = f"{article_info(article).where('events.toml')} (event rules) and course.timeline"
    if "published_at" in claim:
        local = datetime.fromisoformat(claim["published_at"]).astimezone(_offset(claim["reader_utc_offset"]))
        ok = ev.start == local.date()
        text = (f"'{claim['stated']}' resolves to {span} ({rule}). The source was published "
                f"{claim['published_at']}, which is {local:%Y-%m-%d %H:%M} ({WEEKDAYS_NL[local.weekday()]}) at UTC"
                f"{claim['reader_utc_offset']}, the Dutch reader's time: {'the same day' if ok else 'a different day'}.")
        return _base(claim, span, "matches-reporting" if ok else "does-not-hold", text, data)
    if "reported" in claim:
        day = date.fromisoformat(claim["reported"])
        ok = (ev.start is not None or ev.end is not None) and (ev.start is None or ev.start <= day) and (
            ev.end is None or day <= ev.end)
        text = (f"'{claim['stated']}' resolves to {span} ({rule}); outside reporting dates it to {day:%A %d %B %Y}: "
                f"{'consistent' if ok else 'inconsistent'}.{' ' + claim['note'] if 'note' in claim else ''}")
        return _base(claim, span, "matches-reporting" if ok else "does-not-hold", text, data)
    text = f"'{claim['stated']}' resolves to {span} ({rule}).{' ' + claim['note'] if 'note' in claim else ''}"
    return _base(claim, span, "resolved", text, data)


# -- public ----------------------------------------------------------------------------------------

_CHECKERS = {"distance": _geo_fact, "direction": _geo_fact, "area": _area_fact, "count": _count_fact,
             "date": _date_fact}


def _claim(claim_id: str, article: str | None = None) -> Mapping[str, Any]:
    return lookup(_claims(article), claim_id, "claim id", type_name="claim_id")


def fact(claim_id: str, article: str | None = None) -> dict[str, Any]:
    """One claim of *article* (None: the seed), checked (see the module docstring for the verdicts)."""
    claim = _claim(claim_id, article)
    return _CHECKERS[claim["kind"]](claim, article)


@per_article(key="claims")
def _all(key: str) -> str:
    return json.dumps([fact(cid, key) for cid in _claims(key)], ensure_ascii=False)


def facts(article: str | None = None) -> list[dict[str, Any]]:
    """Every claim of *article* (None: the seed), checked, in the order of its claims.toml."""
    return json.loads(_all(article))


def _value(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:,.1f}"
    if isinstance(x, list):
        return "[" + ", ".join("…" if v is None else f"{v:,}" for v in x) + "]"
    return str(x)


def fact_sheet(article: str | None = None) -> str:
    """A readable fact sheet of every checkable claim of *article* (None: the seed)."""
    checked = facts(article)
    lines = ["Fact sheet: the article's checkable numbers", ""]
    if article is not None:
        lines[0] += f" ({article_info(article).id})"
    for f in checked:
        lines.append(f"[{f['kind']}] {f['id']}: “{f['quote']}”")
        unit = f" {f['unit']}" if f["unit"] and f["kind"] in ("distance", "area") else ""
        lines.append(f"    stated: {f['stated']}{unit} | computed: {_value(f['computed'])}{unit if f['kind'] != 'area' else ''}"
                     f" | verdict: {f['verdict']}")
        lines.append(f"    {f['explanation']}")
        lines.append(f"    data: {f['data']}")
        lines.append("")
    counts: dict[str, int] = {}
    for f in checked:
        counts[f["verdict"]] = counts.get(f["verdict"], 0) + 1
    lines.append("verdicts: " + (", ".join(f"{v} {n}" for v, n in counts.items()) or "none (no claims annotated)"))
    return "\n".join(lines)


def add_arguments_facts(parser: argparse.ArgumentParser) -> None:
    add_article_argument(parser)
    parser.add_argument("--json", action="store_true", help="print a JSON array, one object per claim")


def cmd_facts(args: argparse.Namespace) -> int:
    """Print the fact sheet (or, with --json, the records)."""
    article = getattr(args, "article", None)
    if args.json:
        json.dump(facts(article), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(fact_sheet(article))
    return 0
