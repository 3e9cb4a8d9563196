"""Module 04, beyond the text: provenance scores, translation drift, the five pillars, the lateral-reading
evidence pack, chronolocation from the sun (checked against a second implementation), and the lesson's
self-checks and claims register."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import tomllib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest

from course import drift, lateral, pictures, provenance, sun
from course.article import load_article
from course.checks import check, question
from course.articles import article_info
from course.corpus import DATA_DIR
from course.errors import CourseError, CourseTypeError, CourseValueError, QuoteNotFoundError, UnknownIdError

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "notebooks" / "04-beyond-the-text.ipynb"
KUPIANSK = sun.coordinates("kupiansk")
SEED_DIR = article_info().folder


# ---------------------------------------------------------------------------------------------
# Provenance


def test_every_score_is_a_share() -> None:
    table = provenance.scores()
    assert set(table) == {p.id for p in load_article().paragraphs}
    for pid, row in table.items():
        assert set(row) == {w.id for w in provenance.wires()}
        assert all(0.0 <= s <= 1.0 for s in row.values()), (pid, row)


def test_weights_favour_rare_features() -> None:
    # the 'supply hub' is carried by four versions, the '92nd battalion' by one
    assert provenance.weight("battalion-92") > provenance.weight("kupiansk-supply-hub")
    s = len(provenance.wires())
    assert provenance.weight("battalion-92") == pytest.approx(math.log(1 + s))
    carriers = sum("kupiansk-supply-hub" in w.features for w in provenance.wires())
    assert provenance.weight("kupiansk-supply-hub") == pytest.approx(math.log(1 + s / carriers))


def test_score_is_the_weighted_share_of_the_paragraph() -> None:
    feats = provenance.paragraph_features("p04")
    carried = set(provenance.wire("ap-surprise").features)
    expected = sum(provenance.weight(f.id) for f in feats if f.id in carried) / sum(provenance.weight(f.id) for f in feats)
    assert provenance.score("p04", "ap-surprise") == pytest.approx(expected)
    assert provenance.score("p04", "ap-surprise") != pytest.approx(provenance.score("p04", "reuters-rout"))


@pytest.mark.parametrize("pid, best", [("p02", "bbc"), ("p04", "reuters-rout"), ("p07", "guardian"),
                                       ("p11", "ap-surprise"), ("p14", "afp-0909")])
def test_best_version_per_paragraph(pid: str, best: str) -> None:
    assert provenance.match(pid).best == best


def test_p04_is_stitched_from_reuters_and_ap() -> None:
    m = provenance.match("p04")
    assert m.composite
    assert [w for w, _ in m.cover][:2] == ["reuters-rout", "ap-surprise"]
    assert 0 < m.untraced < 1  # 'verfrommelde' and 'trots' are in no version


def test_subheadings_trace_to_nothing() -> None:
    for p in load_article().by_role("subheading"):
        m = provenance.match(p.id)
        assert m.best is None and m.untraced == pytest.approx(1.0) and m.added, p.id


@pytest.mark.parametrize("quote, best", [
    ("Het Oekraïense leger heeft officieel nog niet bevestigd dat Kupiansk is ingenomen.", "ap-surprise"),
    ("Een Russische afgevaardigde meldde eerder nog dat er hevig werd gevochten rond de stad Balaklia", "afp-0909"),
    ("Natalia Popova, adviseur van het hoofd van de regionale raad van Charkov, deelde zaterdag op Facebook foto's",
     "reuters-rout"),
])
def test_match_quote(quote: str, best: str) -> None:
    assert provenance.match_quote(quote).best == best


def test_added_and_dropped() -> None:
    added = {f.id for f in provenance.added()}
    assert {"added-sub-trophy", "added-crumpled", "km-74"} <= added
    assert not added & {fid for w in provenance.wires() for fid in w.features}
    assert [f.id for f in provenance.dropped("guardian")] == ["guardian-not-verified"]
    assert "regroup" in {f.id for f in provenance.dropped("mod-statement")}


def test_order_agreement() -> None:
    for w in provenance.wires():
        value = provenance.order_agreement(w.id)
        assert value is None or 0.0 <= value <= 1.0
    assert provenance.order_agreement("tass-ganchev") is None  # one shared feature: no pair to compare
    assert provenance.order_agreement("ap-surprise") == pytest.approx(1.0)


def test_every_feature_is_used() -> None:
    carried = {fid for w in provenance.wires() for fid in w.features}
    for f in provenance.features():
        assert f.nl or f.id in carried, f"{f.id} is neither in the article nor in any version"
        if f.kind == "added":
            assert f.id not in carried, f"{f.id} is marked added but a version carries it"


def test_versions_are_dated_cited_records() -> None:
    for w in provenance.wires():
        assert re.match(r"^\d{4}-\d{2}(-\d{2})?$", w.date) and w.url.startswith(("http://", "https://")) and w.outlet
        assert w.date.startswith("2022-09"), w.id


def test_fingerprints_quote_only_short_fragments() -> None:
    data = tomllib.loads((SEED_DIR / "fingerprints.toml").read_text(encoding="utf-8"))
    for f in data["feature"]:
        assert len(f.get("words", "").split()) <= 6, f["id"]


@pytest.mark.parametrize("call, error", [
    (lambda: provenance.match("p99"), UnknownIdError),
    (lambda: provenance.score("p04", "reuter"), UnknownIdError),
    (lambda: provenance.feature("battalion-93"), UnknownIdError),
    (lambda: provenance.match_quote("Kupiansk is the capital"), QuoteNotFoundError),
    (lambda: provenance.match("p04", article="kherson"), UnknownIdError),
    (lambda: provenance.match(4), CourseTypeError),
])
def test_provenance_bad_input(call, error) -> None:
    with pytest.raises(error):
        call()


def test_unknown_paragraph_names_it() -> None:
    with pytest.raises(UnknownIdError, match="paragraph"):
        provenance.match("p99")
    with pytest.raises(UnknownIdError, match="wid"):
        provenance.wire("reuters")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "course", "provenance", *args], capture_output=True, text=True,
                          timeout=120)


def test_cli_prints_the_map() -> None:
    out = _cli().stdout
    assert re.search(r"p11\s+body\s+AP 10 Sep\s+1\.00", out), out
    assert "not traced" in out and "https://" in out


def test_cli_json_gives_every_field() -> None:
    data = json.loads(_cli("--json").stdout)
    assert {"scoring", "wires", "features", "paragraphs", "added"} <= set(data)
    w = data["wires"][0]
    assert {"id", "ref", "outlet", "date", "url", "title", "features", "dropped", "order_agreement"} <= set(w)
    p = {r["id"]: r for r in data["paragraphs"]}["p04"]
    assert set(p["scores"]) == {w["id"] for w in data["wires"]}
    assert {"best", "score", "cover", "untraced", "composite", "features", "added"} <= set(p)
    f = {r["id"]: r for r in data["features"]}["battalion-92"]
    assert f["carried_by"] == ["ap-surprise"] and f["paragraphs"] == ["p04"]


def test_cli_unknown_article_fails_clearly() -> None:
    done = _cli("--article", "no-such-article")
    assert done.returncode == 2 and "article" in done.stderr


# ---------------------------------------------------------------------------------------------
# Drift, pictures, lateral reading


def test_drift_records_carry_evidence() -> None:
    ids = {d.id for d in drift.drifts()}
    assert {"withdraw-transfer", "grouping-line", "deputy", "kharkiv-direction"} <= ids
    for d in drift.drifts():
        assert d.certainty in drift.CERTAINTIES and d.evidence and d.dutch.text
        assert all(r.url.startswith("http") and r.date and r.outlet for r in d.evidence)
        if d.certainty == "open":
            assert d.settle
    said = [w for w, _ in drift.drift("withdraw-transfer").said]
    assert said == ["regroup", "organised transfer"]
    assert drift.drift("deputy").dutch.text == "Een Russische afgevaardigde"
    assert drift.drift("kharkiv-direction").paragraph == "p16"


def test_four_visuals_with_five_pillars() -> None:
    items = pictures.visuals()
    assert [v.id for v in items] == ["popova-photos", "reuters-photo", "isw-footage", "skabeyeva-still"]
    for v in items:
        assert tuple(p.name for p in v.pillars) == pictures.PILLARS
        assert all(p.settles in ("yes", "partly", "no") and p.needs for p in v.pillars)
    table = pictures.pillar_table("isw-footage")
    assert table.count("\n") == 6 and "| location |" in table


def test_unit_identification() -> None:
    u = pictures.unit("popova-photos")
    assert u.stated == "92ste bataljon" and "92nd Separate Mechanised Brigade" in u.identified
    assert any("Associated Press" in r.outlet for r in u.evidence)
    assert pictures.unit("reuters-photo") is None
    with pytest.raises(UnknownIdError, match="name"):
        pictures.visual("popova-photos").pillar("time")


def test_evidence_pack_covers_the_articles_sources() -> None:
    used = {p.id for p in lateral.profiles() if p.used_by == "article"}
    assert {"isw", "arestovych", "tass", "russia-1"} <= used
    assert {p.id for p in lateral.profiles() if p.used_by == "course"} >= {"ap", "bbc", "devdiscourse", "first-draft"}
    for p in lateral.profiles():
        assert p.facts and p.owner in lateral.OWNERS, p.id
        for f in p.facts:
            assert f.topic in lateral.TOPICS and f.record.url.startswith("http"), (p.id, f)
    assert lateral.profile("tass").owner == "state"


def test_every_outlet_the_course_cites_has_a_profile() -> None:
    names = " ".join(p.name for p in lateral.profiles()).lower()
    for outlet in ("reuters", "associated press", "bbc", "guardian", "afp", "tass", "institute for the study of war",
                   "newsweek", "euromaidan", "censor"):
        assert outlet in names, outlet


def test_lateral_queries_and_errors() -> None:
    assert [f.topic for f in lateral.facts("isw", "funding")] == ["funding"]
    assert any(sid == "isw" for sid, _ in lateral.search("kagan"))
    with pytest.raises(UnknownIdError, match="topic"):
        lateral.facts("isw", "money")
    with pytest.raises(UnknownIdError, match="sid"):
        lateral.profile("iswx")


def test_evidence_log_check() -> None:
    good = {"claim": "ISW's funders", "source": "Wikipedia", "original_url": "https://en.wikipedia.org/wiki/ISW",
            "archive_url": "https://web.archive.org/web/2022/https://en.wikipedia.org/wiki/ISW", "date": "2022-03-23",
            "what_it_says": "defence contractors among the funders", "confidence": "medium: one summary page"}
    assert lateral.check_log([good]).complete
    bad = dict(good, archive_url="https://example.com/copy", date="23/03/2022", confidence="sure")
    problems = lateral.check_log([good, bad]).problems
    assert problems[0] == () and len(problems[1]) == 3
    assert "no claim" in lateral.check_log([{k: v for k, v in good.items() if k != "claim"}]).problems[0]
    with pytest.raises(CourseTypeError, match="entries"):
        lateral.check_log(good)


def test_rubric_has_three_levels_with_anchors() -> None:
    rows = lateral.rubric()
    assert len(rows) >= 3
    for r in rows:
        assert all(len(r[level]) > 20 for level in ("beginning", "emerging", "mastery")), r["criterion"]


# ---------------------------------------------------------------------------------------------
# The sun, against a second implementation


def _noaa(lat: float, lon: float, moment: datetime) -> tuple[float, float]:
    """Azimuth and refracted elevation from NOAA's solar-calculation spreadsheet (after Meeus), written
    here independently of astral."""
    t = moment.astimezone(timezone.utc)
    jd = (t - datetime(2000, 1, 1, 12, tzinfo=timezone.utc)).total_seconds() / 86400 + 2451545.0
    jc = (jd - 2451545) / 36525
    l0 = (280.46646 + jc * (36000.76983 + jc * 0.0003032)) % 360
    m = 357.52911 + jc * (35999.05029 - 0.0001537 * jc)
    e = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc)
    rm = math.radians(m)
    c = (math.sin(rm) * (1.914602 - jc * (0.004817 + 0.000014 * jc)) + math.sin(2 * rm) * (0.019993 - 0.000101 * jc)
         + math.sin(3 * rm) * 0.000289)
    true_long = l0 + c
    omega = 125.04 - 1934.136 * jc
    app_long = true_long - 0.00569 - 0.00478 * math.sin(math.radians(omega))
    obliq0 = 23 + (26 + ((21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813)))) / 60) / 60
    obliq = obliq0 + 0.00256 * math.cos(math.radians(omega))
    decl = math.degrees(math.asin(math.sin(math.radians(obliq)) * math.sin(math.radians(app_long))))
    y = math.tan(math.radians(obliq / 2)) ** 2
    rl0 = math.radians(l0)
    eot = 4 * math.degrees(y * math.sin(2 * rl0) - 2 * e * math.sin(rm) + 4 * e * y * math.sin(rm) * math.cos(2 * rl0)
                           - 0.5 * y * y * math.sin(4 * rl0) - 1.25 * e * e * math.sin(2 * rm))
    minutes = t.hour * 60 + t.minute + t.second / 60
    true_solar = (minutes + eot + 4 * lon) % 1440
    hour_angle = true_solar / 4 + 180 if true_solar / 4 < 0 else true_solar / 4 - 180
    rlat, rdecl, rha = math.radians(lat), math.radians(decl), math.radians(hour_angle)
    zenith = math.degrees(math.acos(math.sin(rlat) * math.sin(rdecl) + math.cos(rlat) * math.cos(rdecl) * math.cos(rha)))
    elev = 90 - zenith
    if elev > 85:
        refr = 0.0
    elif elev > 5:
        te = math.tan(math.radians(elev))
        refr = 58.1 / te - 0.07 / te ** 3 + 0.000086 / te ** 5
    elif elev > -0.575:
        refr = 1735 + elev * (-518.2 + elev * (103.4 + elev * (-12.79 + elev * 0.711)))
    else:
        refr = -20.772 / math.tan(math.radians(elev))
    elev += refr / 3600
    az_raw = math.degrees(math.acos(((math.sin(rlat) * math.cos(math.radians(zenith))) - math.sin(rdecl))
                                    / (math.cos(rlat) * math.sin(math.radians(zenith)))))
    azimuth = (az_raw + 180) % 360 if hour_angle > 0 else (540 - az_raw) % 360
    return azimuth, elev


@pytest.mark.parametrize("lat, lon, day, clock", [
    (*KUPIANSK, "2022-09-10", "06:15"), (*KUPIANSK, "2022-09-10", "09:08"), (*KUPIANSK, "2022-09-10", "15:34"),
    (52.37, 4.90, "2022-06-21", "13:40"), (-33.9, 18.4, "2022-12-21", "18:00"),
])
def test_sun_position_matches_a_second_implementation(lat: float, lon: float, day: str, clock: str) -> None:
    mine = sun.sun_position(lat, lon, day, clock)
    moment = datetime.combine(date.fromisoformat(day), datetime.strptime(clock, "%H:%M").time(),
                              timezone(timedelta(hours=3)))
    azimuth, elevation = _noaa(lat, lon, moment)
    assert abs((mine.azimuth - azimuth + 180) % 360 - 180) < 0.1
    assert mine.elevation == pytest.approx(elevation, abs=0.1)


def test_shadow_geometry() -> None:
    s = sun.sun_from_shadow(270.0, 1.0, 1.0)
    assert (s.azimuth, s.elevation) == (pytest.approx(90.0), pytest.approx(45.0))
    pos = sun.sun_position(*KUPIANSK, "2022-09-10", "11:00")
    sh = sun.shadow(*KUPIANSK, "2022-09-10", "11:00", height=2.0)
    assert sh.direction == pytest.approx((pos.azimuth + 180) % 360)
    assert sh.length == pytest.approx(2.0 / math.tan(math.radians(pos.elevation)))
    assert sun.shadow(*KUPIANSK, "2022-09-10", "03:00").length is None  # before sunrise


def test_best_time_recovers_the_time_that_made_the_shadow() -> None:
    sh = sun.shadow(*KUPIANSK, "2022-09-10", "10:17", height=1.8)
    fit = sun.best_time(*KUPIANSK, "2022-09-10", sh.direction, sh.length, 1.8)
    assert fit.time in ("10:16", "10:17", "10:18") and fit.error < 0.5


def test_judge_time_at_the_edge_of_the_tolerance() -> None:
    sh = sun.shadow(*KUPIANSK, "2022-09-10", "14:00", height=2.0)
    assert sun.judge_time(*KUPIANSK, "2022-09-10", "14:00", sh.direction, sh.length, 2.0).fits
    gap = sun.judge_time(*KUPIANSK, "2022-09-10", "14:20", sh.direction, sh.length, 2.0, tolerance=90).error
    assert sun.judge_time(*KUPIANSK, "2022-09-10", "14:20", sh.direction, sh.length, 2.0, tolerance=gap + 0.01).fits
    assert not sun.judge_time(*KUPIANSK, "2022-09-10", "14:20", sh.direction, sh.length, 2.0, tolerance=gap - 0.01).fits
    v = sun.judge_time(*KUPIANSK, "2022-09-10", "08:00", direction=60, length=3.0, height=2.0)
    assert not v.fits and v.best.time[:2] == "15"


def test_day_events_in_local_time() -> None:
    events = sun.day_events(*KUPIANSK, "2022-09-10")
    assert events["sunrise"] < events["noon"] < events["sunset"]
    assert events["noon"].startswith("12:")


@pytest.mark.parametrize("call, error, words", [
    (lambda: sun.sun_position(137.3, 37.6, "2022-09-10", "10:00"), CourseValueError, "lat must be between -90 and 90"),
    (lambda: sun.sun_position(49.7, 237.6, "2022-09-10", "10:00"), CourseValueError, "lon must be between"),
    (lambda: sun.sun_position(49.7, 37.6, "2022-09-10", "25:10"), CourseValueError, "time must be a time on 2022-09-10"),
    (lambda: sun.sun_position(49.7, 37.6, "2022-09-10", "10.30"), CourseValueError, "time must be a local time"),
    (lambda: sun.judge_time(49.7, 37.6, "2022-09-10", "2022-09-11 06:00", 60, 3, 2), CourseValueError,
     "claimed must be a time on 2022-09-10"),
    (lambda: sun.judge_time(49.7, 37.6, "2022-09-10", datetime(2022, 9, 9, 6), 60, 3, 2), CourseValueError, "another day"),
    (lambda: sun.sun_position(49.7, 37.6, "10-09-2022", "10:00"), CourseValueError, "day must be a date"),
    (lambda: sun.sun_from_shadow(60, 0, 2), CourseValueError, "length must be more than 0"),
    (lambda: sun.sun_from_shadow(60, 3, 0), CourseValueError, "height must be more than 0"),
    (lambda: sun.sun_position(49.7, 37.6, "2022-09-10", "10:00", utc_offset=30), CourseValueError, "utc_offset"),
    (lambda: sun.sun_position("49.7", 37.6, "2022-09-10", "10:00"), CourseTypeError, "lat must be a number"),
])
def test_sun_friendly_errors(call, error, words) -> None:
    with pytest.raises(error, match=re.escape(words)):
        call()


# ---------------------------------------------------------------------------------------------
# The lesson: self-checks, claims register


def test_self_check_answers_follow_the_library() -> None:
    letters = {"reuters-wrapup": "A", "ap-surprise": "B", "bbc": "C", "guardian": "D"}
    assert check("04.1", letters[provenance.match("p11").best]).correct
    options = question("04.2")["options"]
    assert check("04.2", "ABCD"[options.index(f"{provenance.score('p03', 'reuters-wrapup'):.2f}")]).correct
    assert not check("04.2", "ABCD"[options.index(f"{provenance.score('p03', 'reuters-rout'):.2f}")]).correct
    assert check("04.3", "B").correct and drift.drift("kharkiv-direction").certainty in ("likely", "established")
    assert check("04.4", {"state": "A", "trust": "B", "cooperative": "C"}[lateral.profile("guardian").owner]).correct
    assert check("04.5", "ABCDE"[pictures.PILLARS.index("location")]).correct
    noon = sun.day_events(*KUPIANSK, "2022-09-10")["noon"]
    assert noon.startswith("12:") and check("04.6", int(noon[3:])).correct


def _module04_refs() -> set[str]:
    refs: set[str] = set()
    for path in (SEED_DIR / "wires.toml", SEED_DIR / "visuals.toml", DATA_DIR / "reference" / "lateral_tasks.toml",
                 DATA_DIR / "reference" / "timezones.toml"):
        refs |= set(re.findall(r'\bref = "([a-z0-9-]+)"', path.read_text(encoding="utf-8")))
    return refs


def test_an_outside_record_may_name_its_source_by_bibliography_key() -> None:
    from course.errors import CourseValueError
    from course.outside import record
    from course.references import reference

    r = record({"ref": "bbc-2022-09-10-retreat", "says": "The ministry spoke of an organised transfer."})
    bbc = reference("bbc-2022-09-10-retreat")
    assert (r.outlet, r.date, r.url) == (bbc.outlet, bbc.date, bbc.url)
    assert record({"ref": "wineburg-mcgrew-2019", "says": "x"}).date == "2019"  # a year alone is a date too
    with pytest.raises(CourseValueError, match="either ref or outlet"):
        record({"ref": "bbc-2022-09-10-retreat", "url": "https://example.org/", "says": "x"})
    with pytest.raises(CourseValueError, match="says"):
        record({"ref": "bbc-2022-09-10-retreat"})
    with pytest.raises(Exception, match="bbc-2022-09-10-retreat"):  # a typo names the key it meant
        record({"ref": "bbc-2022-09-10-retreet", "says": "x"})
    # the converted data: evidence that names a bibliography record cites it by key, never twice
    inline_urls = set()
    for path in (SEED_DIR / "drift.toml", SEED_DIR / "visuals.toml", DATA_DIR / "reference" / "sources.toml"):
        tables = re.findall(r'\{[^{}]*\burl = "[^"]+"[^{}]*\}', path.read_text(encoding="utf-8"))
        inline_urls |= {re.search(r'\burl = "([^"]+)"', tab).group(1) for tab in tables if "ref = " not in tab}
    from course.references import load_references

    doubled = sorted(inline_urls & {ref.url for ref in load_references().values()})
    assert not doubled, f"sources written inline that the bibliography holds (cite them with ref): {doubled}"


def test_module04_refs_are_bibliography_records() -> None:
    from course.references import load_references

    refs = _module04_refs()
    assert len(refs) >= 10, f"module 04's data cite too few records to be read: {sorted(refs)}"
    missing = sorted(refs - set(load_references()))
    assert not missing, f"ref keys with no record in course/data/references.toml: {missing}"
    assert not list((DATA_DIR / "reference").glob("bibliography*.toml")), "one bibliography: references.toml"


def _prose() -> list[tuple[int, str]]:
    nb = nbformat.read(LESSON, as_version=4)
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            text = re.sub(r"`[^`]*`", "", cell.source)  # code spans name ids and calls, not facts
            out += [(i, block) for block in re.split(r"\n\s*\n", text) if block.strip()]
    return out


def test_lesson_citations_resolve() -> None:
    from course.references import load_references

    keys = set(load_references())
    cited = [k.strip().lstrip("@").split(",")[0] for _, b in _prose() for group in re.findall(r"\[@([^\]]+)\]", b)
             for k in group.split(";")]
    assert cited, "the lesson cites nothing"
    unknown = sorted(set(cited) - keys)
    assert not unknown, f"citation keys with no record: {unknown}"


# Outside organisations and people whose facts the lesson's prose may state only with a citation.
_OUTSIDE = re.compile(r"\b(Reuters|AP|AFP|BBC|Guardian|Newsweek|TASS|ISW|Institute for the Study of War|ministry|"
                      r"Ganchev|Popova|Arestovych|Skabeyeva|First Draft|Civic Online Reasoning|fact-checkers|UTC\+3)\b")
# Blocks that state no outside fact although they name an outside party: objectives, questions, key points,
# callouts that pose a task, and sentences that point at the records printed by the next cell.
_EXEMPT = re.compile(r"^(###|## Key points|- |\*\*Worked example|> \*\*(Discuss|Online extension|For instructors|Content note)|"
                     r"\*\*Next|Notice what each fact rests on)|"
                     r"(below|the cell below|printed|Each version is a dated record|the course read|the course's scorer|"
                     r"Outside records help|Before you run the scorer|pillar by pillar)")


def test_lesson_prose_cites_every_outside_fact() -> None:
    problems = []
    for i, block in _prose():
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z*\"'“(])", block):
            if _OUTSIDE.search(sentence) and "[@" not in block and not _EXEMPT.search(block.strip()):
                problems.append(f"cell {i}: {sentence.strip()[:120]}")
    assert not problems, "outside facts without a citation key [@key]:\n" + "\n".join(problems)


def test_lesson_prose_states_no_bare_figure() -> None:
    """A number in the lesson's prose must be one the article or the course's data states (with its source)."""
    known = load_article().text + "".join(p.read_text(encoding="utf-8") for p in DATA_DIR.rglob("*.toml"))
    allowed = set(re.findall(r"\d+(?:[.,]\d+)?", known)) | {"0", "1", "2", "3", "5", "75"}
    problems = []
    for i, block in _prose():
        block = re.sub(r"\b(p\d{2}|0\d\.\d|\d{2}:\d{2}|0\d-[a-z-]+)\b", "", block)  # ids, self-checks, clock times
        for number in re.findall(r"(?<![\w@-])\d+(?:[.,]\d+)?(?![\w-])", block):
            if number not in allowed:
                problems.append(f"cell {i}: {number!r} in {block.strip()[:80]!r}")
    assert not problems, "figures in prose that neither the article nor the data states:\n" + "\n".join(problems)


def test_the_claims_checks_can_fail() -> None:
    assert _OUTSIDE.search("Reuters said the city had fallen.") and not _EXEMPT.search("Reuters said the city had fallen.")
    assert "99" not in load_article().text


def test_lesson_figures_have_alt_text() -> None:
    from course.plots.provenance import provenance_map
    from course.plots.sun import chronolocation_figure

    fig = provenance_map()
    assert "p11: AP 10 Sep 1.00" in fig.alt_text
    v = sun.judge_time(*KUPIANSK, "2022-09-10", "06:15", direction=295, length=2.6, height=1.8)
    assert "does not fit" in chronolocation_figure(v, *KUPIANSK).alt_text
    with pytest.raises(CourseError):
        chronolocation_figure("06:15", *KUPIANSK)


@pytest.mark.parametrize("day, clock, direction, length", [("2022-09-10", "06:15", 295, 2.6),
                                                            ("2022-06-21", "12:15", 10, 0.2)])
def test_sun_figure_keeps_its_lines_inside_the_plot(day: str, clock: str, direction: float, length: float) -> None:
    """The time markers end level with the top of the y axis, which carries a label; the legend sits
    outside the plot, so no line runs through it (the second case: a shadow that implies a sun higher
    than the day's peak)."""
    from course.plots.sun import chronolocation_figure

    v = sun.judge_time(*KUPIANSK, day, clock, direction=direction, length=length, height=1.8)
    fig = chronolocation_figure(v, *KUPIANSK)
    ax = fig.axes[0]
    low, high = ax.get_ylim()
    assert high in list(ax.get_yticks()) and high >= max(v.measured.elevation, max(ax.lines[0].get_ydata())) + 5
    fig.canvas.draw()
    legend, plot = ax.get_legend().get_window_extent(), ax.get_window_extent()
    assert legend.y1 < plot.y0, "the legend overlaps the plot"
    for line in ax.lines:  # on the page: no line ends above the plot's top
        assert line.get_transform().transform(line.get_xydata())[:, 1].max() <= plot.y1 + 0.5, line.get_label()


@pytest.mark.parametrize("direction, length", [(60, 3.0), (295, 2.6), (350, 1.2), (200, 9.0)])
def test_best_time_agrees_with_a_scan_of_every_minute(direction: float, length: float) -> None:
    from course.sun import _separation

    target = sun.sun_from_shadow(direction, length, 2.0)
    scan = []
    for minute in range(24 * 60):
        clock = f"{minute // 60:02d}:{minute % 60:02d}"
        pos = sun.sun_position(*KUPIANSK, "2022-09-10", clock)
        if pos.elevation > 0:
            scan.append((_separation(pos, target), clock))
    assert sun.best_time(*KUPIANSK, "2022-09-10", direction, length, 2.0).time == min(scan)[1]
