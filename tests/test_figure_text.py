"""Every figure states its point in words: alt text and a long description computed from the figure's data.

Each test recomputes a figure's key numbers from the library (not from the figure) and looks for them in
the text, so a figure whose text drifts from its data, or is typed by hand, fails.
"""

from __future__ import annotations

import html
import re
from importlib import import_module

import pytest

from course.errors import CourseTypeError, CourseValueError, UnknownIdError
from course.plots import LESSON_FIGURES, figure
from course.plots._style import NOTE_GREY, LABEL_GREY, contrast_ratio, ink_on
from course.plots.alttext import FigureText, figure_html, figure_text, nl, plain
from course.widgets import OKABE_ITO


@pytest.fixture(scope="module")
def drawn():
    return {}


def _fig(drawn, name):
    if name not in drawn:
        drawn[name] = figure(name)
    return drawn[name]


def test_every_public_figure_function_is_listed() -> None:
    """A figure function a lesson can call is in LESSON_FIGURES (so the zero-install edition renders it)."""
    from course.plots import INPUT_FIGURES

    listed = set(LESSON_FIGURES.values()) | set(INPUT_FIGURES.values())
    for module in ("overview", "distances", "sources", "framing", "provenance", "sun"):
        mod = import_module(f"course.plots.{module}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if callable(obj) and name.endswith(("_map", "_chart", "_graph", "_side", "_figure")):
                assert f"course.plots.{module}:{name}" in listed, f"{module}.{name} is missing from LESSON_FIGURES"


@pytest.mark.parametrize("name", sorted(LESSON_FIGURES))
def test_every_lesson_figure_carries_its_text(drawn, name) -> None:
    fig = _fig(drawn, name)
    text = figure_text(fig)
    assert fig.alt_text == text.alt_text and 40 <= len(fig.alt_text) <= 700
    assert len(text.details) >= 2, "the long description lists the figure's data, one line per fact"
    assert fig.long_description.startswith(fig.alt_text)
    assert re.search(r"\d", fig.alt_text), "the alt text states the figure's key numbers"
    page = figure_html(fig)
    alt = re.search(r'<img [^>]*alt="([^"]*)"', page).group(1)
    assert html.unescape(alt) == fig.alt_text
    described = re.search(r'aria-describedby="([^"]+)"', page).group(1)
    assert f'id="{described}"' in page and "<details" in page and "<summary" in page


def test_ring_map_says_where_kupiansk_lies_and_what_the_article_says(drawn) -> None:
    from course.geo import leg

    alt = _fig(drawn, "distance_map").alt_text
    ik, bk, ib = leg("izium", "kupiansk"), leg("balakliia", "kupiansk"), leg("izium", "balakliia")
    assert alt.startswith("Map: ")
    assert f"Kupiansk lies {ik.distance_km:.0f} km {ik.compass16} of Izium" in alt
    assert f"{bk.distance_km:.0f} km {bk.compass16} of Balakliia" in alt
    assert f"Balakliia lies {ib.distance_km:.0f} km {ib.compass16} of Izium" in alt
    assert "zo'n 74 kilometer noordelijker" in alt and "(74 km)" in alt


def test_story_map_gives_distances_from_kharkiv_and_calls_the_region_a_region(drawn) -> None:
    from course.geo import leg

    fig = _fig(drawn, "story_map")
    izium = leg("kharkiv", "izium")
    assert f"Izium {izium.distance_km:.0f} km {izium.compass16}" in fig.alt_text
    assert "Donetsk region" in fig.alt_text and "seat" in fig.alt_text
    legend = fig.axes[0].get_legend()
    assert legend is not None and any("region" in t.get_text() for t in legend.get_texts())


def test_claims_chart_states_each_ratio(drawn) -> None:
    from course.facts import reference_candidates

    text = _fig(drawn, "claims_chart").long_description
    for option in reference_candidates("kupiansk-distance") + reference_candidates("balakliia-distance"):
        assert f"{option['ratio']:.2f} times" in text
        assert f"straight line {option['straight_line_km']:.1f} km" in text


def test_area_chart_states_radius_and_the_closest_area(drawn) -> None:
    from course.numbers import circle_radius_km, reference_areas

    alt = _fig(drawn, "area_chart").alt_text
    assert f"radius {circle_radius_km(2500):.0f} km" in alt
    closest = min(reference_areas(), key=lambda a: abs(a.land_km2 - 2500))
    assert f"{closest.name}, {closest.land_km2:,.0f} km²" in alt


def test_citation_graph_counts_sources_and_attributions(drawn) -> None:
    from course.sources import citations

    edges = citations()
    alt = _fig(drawn, "citation_graph").alt_text
    assert f"{sum(len(e.attributions) for e in edges)} attributions" in alt
    assert "Russian Ministry of Defence through TASS" in alt
    assert len(figure_text(_fig(drawn, "citation_graph")).details) == len(edges)


def test_voice_share_and_verification_state_their_counts(drawn) -> None:
    from course.sources import by_verification, voice_share

    voices = voice_share()
    total = sum(v.words for v in voices)
    own = next(v.words for v in voices if v.side == "reporter")
    assert f"of its {total} words, {own} ({own / total:.0%})" in _fig(drawn, "voice_share_chart").alt_text
    verification = _fig(drawn, "verification_chart")
    for status, rows in by_verification().items():
        assert f"{status} {len(rows)}" in verification.alt_text
    assert '<span lang="nl">bevestigde</span>' in figure_text(verification).details_html()


def test_framing_figures_state_their_totals(drawn) -> None:
    from course.framing import paragraph_density, spans

    assert f"{len(spans())} framing spans" in _fig(drawn, "techniques_by_side").alt_text
    densest = max(paragraph_density(), key=lambda d: d.per_100)
    alt = _fig(drawn, "density_map").alt_text
    assert f"densest is {densest.paragraph}" in alt and f"{densest.loaded} of {densest.words} words" in alt


def test_timeline_lists_every_event(drawn) -> None:
    from course.timeline import events

    text = _fig(drawn, "timeline_chart").long_description
    for e in events():
        assert e.label in text


def test_chronolocation_figure_states_the_verdict() -> None:
    from course.sun import coordinates, judge_time

    lat, lon = coordinates("kupiansk")
    verdict = judge_time(lat, lon, "2022-09-10", "06:15", direction=295, length=2.6, height=1.8)
    fig = figure("chronolocation_figure", verdict=verdict, lat=lat, lon=lon)
    assert f"towards {(verdict.measured.azimuth + 180) % 360:.0f} degrees" in fig.alt_text
    assert ("does not fit" in fig.alt_text) is (not verdict.fits)
    assert 'alt="' in figure_html(fig)


def test_item_analysis_figures_have_text() -> None:
    from course.grading.gradebook import CellScore
    from course.grading.items import analyse
    from course.plots.items import item_distributions, item_map, total_histogram

    rows = [CellScore(s, "00-warmup", "nb", "ex00_1_test", x, 1.0, x, None, False, 0.0)
            for s, x in [("a", 1.0), ("b", 0.0), ("c", 1.0)]]
    a = analyse(rows)[0]
    assert "mean 0.7 of 1 points" in total_histogram(a).alt_text
    assert "ex00_1" in item_map(a).long_description
    assert "1 at 0, 2 at 1" in item_distributions(a).long_description


def test_dutch_fragments_are_marked_in_html_and_plain_elsewhere() -> None:
    text = FigureText(f"The article says ‘{nl('zo’n 74 kilometer')}’.", (f"{nl('noordelijker')} holds",))
    assert text.alt_text == "The article says ‘zo’n 74 kilometer’."
    assert '<span lang="nl">noordelijker</span>' in text.details_html()
    assert plain(nl("<b>")) == "<b>" and "&lt;b&gt;" in FigureText("x", (nl("<b>"),)).details_html()


@pytest.mark.parametrize("make, error", [
    (lambda: FigureText(""), CourseValueError),
    (lambda: FigureText("ok", "one string"), CourseTypeError),
    (lambda: figure_text(object()), CourseValueError),
    (lambda: figure("no_such_figure"), UnknownIdError),
])
def test_bad_input(make, error) -> None:
    with pytest.raises(error):
        make()


def test_figure_text_colours_meet_aa() -> None:
    """Grey text in figures reads at 4.5:1 or more; numbers on coloured bars use the better ink."""
    assert contrast_ratio(NOTE_GREY, "#ffffff") >= 4.5 and contrast_ratio(LABEL_GREY, "#ffffff") >= 4.5
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48  # the old grey: just under the bar
    for strong, _ in OKABE_ITO.values():
        assert contrast_ratio(ink_on(strong), strong) >= 4.5, strong


def test_accessibility_statement_states_measured_contrast() -> None:
    """Each ratio in ACCESSIBILITY.md's contrast table is recomputed from its colours."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "ACCESSIBILITY.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\|[^|]*\| (?:white on )?`(#[0-9a-f]{6})`(?: / `(#[0-9a-f]{6})`)?(?: on white)? \| "
                      r"([\d.]+):1(?: / ([\d.]+):1)? \|$", text, re.M)
    assert len(rows) >= 5
    for first, second, ratio, ratio2 in rows:
        assert f"{contrast_ratio(first, '#ffffff'):.1f}" == ratio, first
        if second:
            assert f"{contrast_ratio(second, '#ffffff'):.1f}" == ratio2, second
