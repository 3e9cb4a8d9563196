"""The reader widget, the overview figures and the command line."""

import json
import re
import subprocess
import sys

import pytest

from course.errors import CourseTypeError, UnknownIdError
from course.widgets import Layer, Reader


def test_reader_navigates_and_highlights() -> None:
    reader = Reader()
    assert reader.current.id == "p01"
    reader.next().next()
    assert reader.current.id == "p03"
    reader.toggle("places")
    assert "<mark class='places'" in reader.html and "Kupiansk" in reader.html
    reader.previous()
    assert reader.current.id == "p02"
    reader.show("p20")
    reader.next()
    assert reader.current.id == "p20"  # stays on the last paragraph


def test_reader_gloss_and_furniture() -> None:
    reader = Reader().show("p12")
    assert "class='furniture'" in reader.html
    reader.language("en")
    assert "Full screen" in reader.html and "lang='en'" in reader.html


def test_overlapping_layers_render_every_mark() -> None:
    reader = Reader().show("p11").toggle("actors").toggle("places")
    html = reader.html
    assert "Washington" in html and "box-shadow" in html  # Washington is inside an actor mention


def test_widget_buttons_drive_the_reader() -> None:
    reader = Reader()
    box = reader.widget
    buttons = box.children[0].children
    buttons[1].click()  # Next
    assert reader.current.id == "p02"
    label, *toggles = box.children[2].children
    assert "Highlight" in label.value and [t.description for t in toggles][2] == "Quotations"
    toggles[2].value = True  # a checkbox: its state is the browser's own, so a screen reader hears it
    assert "quotations" in box.children[3].value
    gloss = box.children[1].children[0]
    assert gloss.description == "Show the English gloss" and gloss.value is False
    gloss.value = True
    assert "lang='en'" in box.children[3].value
    assert box.children[0].children[2].description == "Paragraph"  # the dropdown has a visible label


def test_every_highlight_is_numbered_and_explained_under_the_paragraph() -> None:
    reader = Reader().show("p02").toggle("places").toggle("actors")
    page = reader.html
    refs = [int(n) for group in re.findall(r"<sup class='mark-ref'[^>]*>([\d,]+)</sup>", page) for n in group.split(",")]
    notes = re.findall(r"<li value='(\d+)'>", page)
    assert refs == list(range(1, len(refs) + 1)) and [int(n) for n in notes] == refs
    assert "Izium (city)" in page.split("Highlights in this paragraph")[1]  # the tooltip, without hovering
    # colour is not the only cue: places and actors differ in underline style too
    assert "underline double" in page and "underline solid" in page


@pytest.mark.parametrize("call, error", [
    (lambda r: r.show("p00"), UnknownIdError),
    (lambda r: r.toggle("place"), UnknownIdError),
    (lambda r: r.toggle("places", on="yes"), CourseTypeError),
    (lambda r: r.language("de"), UnknownIdError),
])
def test_reader_bad_input(call, error) -> None:
    with pytest.raises(error):
        call(Reader())


def test_layer_rejects_unknown_colour() -> None:
    with pytest.raises(UnknownIdError):
        Layer("x", "X", "magenta")


def test_overview_figures() -> None:
    from course.plots.overview import map_projection_note, story_map, timeline_chart

    fig = story_map()
    ax = fig.axes[0]
    labels = {t.get_text() for t in ax.texts}
    assert {"Izium", "Kupiansk", "Balakliia", "Kharkiv", "25 km", "N"} <= labels
    assert "GeoNames" in " ".join(t.get_text() for t in fig.texts)
    assert "2.7%" in map_projection_note(49.0, 47.67, 50.33)
    tl = timeline_chart()
    assert "Saturday 10 September 2022" in tl._suptitle.get_text()


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "course", *args], capture_output=True, text=True, timeout=120)


def test_cli_help_lists_commands() -> None:
    out = _run("--help").stdout
    assert "article" in out and "corpus" in out


def test_cli_article_json() -> None:
    rows = json.loads(_run("article", "--json").stdout)
    assert [r["id"] for r in rows][:3] == ["p01", "p02", "p03"]
    assert {r["role"] for r in rows} == {"dateline", "body", "subheading", "caption"}
    for r in rows:
        for s in r["sentences"]:
            assert set(s) >= {"id", "text", "start", "end"}


def test_cli_unknown_command_fails_clearly() -> None:
    done = _run("nonsense")
    assert done.returncode != 0 and "invalid choice" in done.stderr
