"""Module 05, the capstone: the triage rule and the report's moves (course.capstone), part 2's article
(set_practice, readiness), the lesson's self-checks, the closing handouts (course.handouts), and the
capstone's commands and figure on a third, tiny article with the seed out of reach."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from course import capstone, facts, framing, numbers, sources
from course.capstone import CHECKABILITY, in_voice, tolerance_km, triage
from course.checks import check, question
from course.errors import CourseValueError, UnknownIdError
from test_articles import tiny  # noqa: F401  (the fixture: a tiny article, the seed out of reach)
from tiny_article import ID as TINY, write_tiny_article

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = ROOT / "assignments" / "source" / "05-capstone" / "05-capstone.ipynb"
LESSON = ROOT / "notebooks" / "05-capstone.ipynb"


# --- the triage rule ------------------------------------------------------------------------------

def test_checkability_follows_the_fact_sheet() -> None:
    for f in facts.facts():
        want = ("none" if f["verdict"] == "not-checkable"
                else "data" if f["kind"] in ("distance", "direction") else "record")
        assert capstone.checkability(f["id"]) == want, f["id"]
    assert {capstone.checkability(f["id"]) for f in facts.facts()} == set(CHECKABILITY)  # all three occur


def test_triage_sorts_by_checkability_then_lead_then_text() -> None:
    rows = triage()
    assert [t.rank for t in rows] == list(range(1, len(rows) + 1))
    assert sorted(t.id for t in rows) == sorted(f["id"] for f in facts.facts())
    starts = {f["id"]: f["span"][0] for f in facts.facts()}
    keys = [(CHECKABILITY.index(t.checkability), not t.lead, starts[t.id]) for t in rows]
    assert keys == sorted(keys)
    # both groups occur, so a rule that ignored the lead, or ranked it after the body, would fail
    assert any(t.lead for t in rows) and any(not t.lead for t in rows)
    data = [t for t in rows if t.checkability == "data"]
    assert any(t.lead for t in data) and any(not t.lead for t in data)
    # a body claim that comes earlier in the text than a lead claim? No: so check the lead by paragraph role
    for t in rows:
        assert t.lead == capstone.in_lead(t.id)


def test_in_lead_stops_at_the_first_subheading() -> None:
    from course.article import load_article

    paragraphs = load_article().paragraphs
    first_sub = next(i for i, p in enumerate(paragraphs) if p.role == "subheading")
    lead = {p.id for p in paragraphs[:first_sub] if p.role == "body"}
    for t in triage():
        assert t.lead == (t.paragraph in lead), t.id
    assert "kupiansk-distance" in {t.id for t in triage() if t.lead}  # p03, the lead's third paragraph


def test_tolerance_is_the_hedge_rule_and_refuses_other_kinds() -> None:
    span = numbers.tolerance(50.0, "zo'n")
    assert tolerance_km("balakliia-distance") == (round(float(span.low), 2), round(float(span.high), 2))
    low, high = tolerance_km("balakliia-distance")
    assert low < 50 < high
    with pytest.raises(CourseValueError, match="claim_id must name a distance claim; 'count-killed' is a count claim"):
        tolerance_km("count-killed")
    with pytest.raises(CourseValueError, match="claim_id"):
        tolerance_km("")


def test_origins_and_statuses_come_from_the_chains() -> None:
    first = capstone.origins()
    for a in sources.attributions():
        if a.via is None:
            assert a.id not in first
        else:
            assert first[a.id] == sources.chain(a.id)[0].source != a.via  # the first speaker, not the messenger
    assert set(capstone.statuses().values()) <= set(sources.STATUSES) - {"none"}
    assert capstone.statuses()["p09.arestovych-isolated"] == sources.attribution("p09.arestovych-isolated").status


def test_in_voice_edges() -> None:
    spans = framing.spans()
    s = next(s for s in spans if len(s.quote) >= 10 and s.side == "reporter")
    assert in_voice(s.quote, "reporter")
    others = {x.side for x in spans if x.start < s.end and s.start < x.end}
    wrong = next(side for side in capstone.voices() if side not in others)
    assert not in_voice(s.quote, wrong)  # the right words in the wrong voice
    assert not in_voice(s.quote[:4], "reporter")  # four characters are too few
    assert not in_voice("x" * 81, "reporter")
    assert not in_voice("Dit staat niet in de tekst", "reporter")
    from course.article import load_article

    text = load_article().text
    marked = [(x.start, x.end) for x in spans if x.side == "reporter"]
    # a reporter span with 6 unmarked characters before it: a 10-character window half inside counts, 4 of 10 not
    t = next(x for x in spans if x.side == "reporter" and x.end - x.start >= 10 and x.start >= 6
             and not any(a < x.start and b > x.start - 6 for a, b in marked))
    assert in_voice(text[t.start - 5:t.start + 5], "reporter")
    assert not in_voice(text[t.start - 6:t.start + 4], "reporter")


def test_voices_cover_every_side_that_frames() -> None:
    assert set(capstone.voices()) == {s.side for s in framing.spans()}
    assert {"reporter", "russian-state", "ukrainian-state"} <= set(capstone.voices())


# --- part 2's article ----------------------------------------------------------------------------------

def test_the_assignment_ships_the_practice_dispatch_and_it_is_ready() -> None:
    assert capstone.practice_article(ASSIGNMENT) == "kherson-2022-11"
    assert capstone.readiness("kherson-2022-11") == []


def _solution(nb: dict, name: str) -> str:
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "ex" + name.removeprefix("answer_"))
    return "".join(cell["source"])


def test_part2_solutions_are_generated_from_the_key_not_typed() -> None:
    nb = json.loads(ASSIGNMENT.read_text(encoding="utf-8"))
    answers = capstone.part2_answers("kherson-2022-11")
    assert sorted(answers) == [f"answer_05_{n}" for n in range(10, 16)] + ["answer_05_9"]
    for name, value in answers.items():
        assert _solution(nb, name) == f"### BEGIN SOLUTION\n{name} = {capstone.format_answer(value)}\n### END SOLUTION"
        assert "facts(" not in _solution(nb, name) and "capstone." not in _solution(nb, name)


def test_set_practice_changes_the_line_and_part2_solutions(tmp_path: Path, tiny: str) -> None:  # noqa: F811
    copy = tmp_path / "05-capstone.ipynb"
    shutil.copy(ASSIGNMENT, copy)
    before = json.loads(copy.read_text(encoding="utf-8"))
    assert capstone.readiness(tiny) == []
    assert capstone.set_practice(copy, tiny) == "kherson-2022-11"
    after = json.loads(copy.read_text(encoding="utf-8"))
    assert capstone.practice_article(copy) == tiny
    changed = {after["cells"][i]["metadata"]["nbgrader"]["grade_id"]
               for i, (a, b) in enumerate(zip(before["cells"], after["cells"])) if a != b}
    answers = capstone.part2_answers(tiny)
    assert "setup" in changed and changed <= {"setup"} | {"ex" + n.removeprefix("answer_") for n in answers}
    assert len(changed) > 3  # the tiny article's answers differ from the practice dispatch's
    for name, value in answers.items():
        assert _solution(after, name).splitlines()[1].startswith(f"{name} = ")
        exec(_solution(after, name), scope := {})  # the literal binds exactly the reference value
        assert scope[name] == value
    setup = [c for c in before["cells"] if c["metadata"]["nbgrader"].get("grade_id") == "setup"][0]
    old = "".join(setup["source"]).splitlines()
    new = "".join([c for c in after["cells"] if c["metadata"]["nbgrader"].get("grade_id") == "setup"][0]["source"]).splitlines()
    assert [(a, b) for a, b in zip(old, new) if a != b] == [
        ('PRACTICE = "kherson-2022-11"  # part 2\'s article (an instructor may set another: course/INSTRUCTORS.md)',
         f'PRACTICE = "{tiny}"  # part 2\'s article (an instructor may set another: course/INSTRUCTORS.md)')]


def test_an_article_that_lacks_something_is_refused_and_named(tmp_path: Path, monkeypatch) -> None:
    import course.articles

    folder = write_tiny_article(tmp_path / "articles" / "tiny")
    for kind in ("framing", "euphemisms"):  # euphemisms point into framing
        (folder / f"{kind}.toml").unlink()
    monkeypatch.setenv(course.articles.ENV, str(tmp_path / "articles"))
    copy = tmp_path / "05-capstone.ipynb"
    shutil.copy(ASSIGNMENT, copy)
    text = copy.read_bytes()
    assert capstone.readiness(TINY) == ["framing spans in fewer than two voices (framing.toml): "
                                        "part 2 audits every voice"]
    with pytest.raises(CourseValueError, match=f"article '{TINY}' is not ready for capstone part 2: framing spans"):
        capstone.set_practice(copy, TINY)
    assert copy.read_bytes() == text  # nothing written
    with pytest.raises(UnknownIdError, match="unknown article id 'no-such'"):
        capstone.readiness("no-such")


@pytest.mark.parametrize("content, message", [
    ("not json", "notebook must be a readable .ipynb file"),
    ('{"cells": []}', "notebook must have a set-up cell (grade id 'setup')"),
])
def test_a_bad_notebook_gets_a_friendly_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "x.ipynb"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CourseValueError, match=re.escape(message)):
        capstone.practice_article(path)


def test_the_command_line_prints_the_triage_and_sets_the_practice(tmp_path: Path, capsys) -> None:
    from course.cli import main

    assert main(["capstone"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(facts.facts()) and lines[0].split()[:2] == ["1.", triage()[0].id]
    copy = tmp_path / "05-capstone.ipynb"
    shutil.copy(ASSIGNMENT, copy)
    assert main(["capstone", "--practice", "izium-2022-09", "--notebook", str(copy)]) == 0
    assert "was 'kherson-2022-11'" in capsys.readouterr().out
    assert capstone.practice_article(copy) == "izium-2022-09"


# --- the lesson's self-checks, recomputed from the library ---------------------------------------------

def _letter(qid: str, option: str) -> str:
    return "ABCD"[question(qid)["options"].index(option)]


def test_self_check_answers_follow_from_the_library() -> None:
    # 05.1: a distance between two gazetteer places is settled by data; a count of villages needs a record
    assert CHECKABILITY.index("data") < CHECKABILITY.index("record")
    assert check("05.1", _letter("05.1", "the 30 km east of the capital")).correct
    assert not check("05.1", _letter("05.1", "the twenty villages")).correct
    # 05.2: 'bijna 40'
    span = numbers.tolerance(40, "bijna")
    assert check("05.2", _letter("05.2", f"{float(span.low):g} to {float(span.high):g} km")).correct
    assert not check("05.2", _letter("05.2", "35 to 45 km")).correct
    # 05.5: the verdict follows from the range the reader states (60 to 88 km for 'zo'n 74')
    assert capstone.defensible("kupiansk-distance", 60, 88) and not capstone.defensible("kupiansk-distance", 59, 88)
    want = capstone.own_verdict("kupiansk-distance", 60, 88)
    assert want != capstone.own_verdict("kupiansk-distance", *capstone.tolerance_km("kupiansk-distance"))
    assert check("05.5", _letter("05.5", next(o for o in question("05.5")["options"] if o.startswith(want + ":")))).correct
    assert not check("05.5", _letter("05.5", next(o for o in question("05.5")["options"] if o.startswith("plausible")))).correct
    # 05.3: who spoke first in the chain of p16.zelensky-account
    first = sources.chain("p16.zelensky-account")[0].source
    names = {"zelensky": "Zelensky", "skabeyeva": "Skabeyeva", "reporter": "the reporter"}
    assert check("05.3", _letter("05.3", names[first])).correct
    assert not check("05.3", _letter("05.3", "Skabeyeva")).correct
    # 05.4: the label is marked in Skabeyeva's voice, so it says how she wants the reports read
    assert any("tegenstrijdige" in s.quote for s in framing.spans(paragraph="p15"))
    assert check("05.4", "B").correct and not check("05.4", "A").correct


# --- the handouts ---------------------------------------------------------------------------------------

def _headings(notebook: Path) -> set[str]:
    nb = nbformat.read(notebook, as_version=4)
    return {m.group(1).strip() for c in nb.cells if c.cell_type == "markdown"
            for m in re.finditer(r"^#{1,6} (.+)$", c.source, re.M)}


def test_the_committed_handouts_are_up_to_date() -> None:
    from course.handouts import stale

    assert stale(ROOT / "handouts") == []


def test_every_move_and_concept_links_to_a_heading_that_exists() -> None:
    from course.handouts import anchor, concepts, lesson_link, moves

    items = moves() + concepts()
    assert len(moves()) >= 10 and len(concepts()) >= 11
    for item in items:
        path = ROOT / "notebooks" / f"{item.lesson}.ipynb"
        assert path.is_file(), item
        assert item.section in _headings(path), (item, "no such heading")
        assert lesson_link(item.lesson, item.section).endswith("#" + anchor(item.section))
    assert {m.lesson[:2] for m in moves()} == {"01", "02", "03", "04", "05"}  # every module's moves


def test_the_glossary_has_the_issue_s_concepts() -> None:
    from course.handouts import concepts

    terms = {c.term.casefold() for c in concepts()}
    for term in ("attribution", "cue", "chain of citation", "verification status", "hedge", "tolerance", "reference point",
                 "detour factor", "scare quote", "provenance", "lateral reading"):
        assert term in terms, term


def test_further_reading_cites_dated_records() -> None:
    from course.handouts import moves, readings

    entries = readings()
    ids = {m.id for m in moves()}
    assert len(entries) >= 5
    for r in entries:
        assert r.outlet and r.title and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", r.date) and r.url.startswith("https://")
        assert r.moves and set(r.moves) <= ids
    text = " ".join(f"{r.title} {r.outlet}" for r in entries)
    for name in ("Verification Handbook", "SIFT", "Civic Online Reasoning", "Bellingcat", "SemEval"):
        assert name in text, name


def test_the_checklist_page_prints_on_its_own() -> None:
    from course.handouts import checklist_html, moves

    page = checklist_html()
    assert "@media print" in page and "@page{size:A4" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # no network loads
    assert page.count("<li>") == len(moves())
    assert all(f'href="../notebooks/{m.lesson}.ipynb#' in page for m in moves())


def test_the_handouts_command_checks_and_writes(tmp_path: Path, capsys) -> None:
    from course.cli import main

    assert main(["handouts", "--out", str(tmp_path), "--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main(["handouts", "--out", str(tmp_path)]) == 0
    assert main(["handouts", "--out", str(tmp_path), "--check"]) == 0


# --- the capstone on a third article ---------------------------------------------------------------------

def test_the_capstone_runs_on_the_tiny_article(tiny: str, tmp_path: Path, capsys) -> None:  # noqa: F811
    from course.cli import main
    from course.plots.capstone import triage_figure

    rows = triage(tiny)
    assert [t.checkability for t in rows] == sorted((t.checkability for t in rows), key=CHECKABILITY.index)
    assert {t.id for t in rows} == {f["id"] for f in facts.facts(tiny)}
    assert capstone.origins(tiny) == {"p04.mayor": "mayor"}
    assert capstone.statuses(tiny) == {"p04.mayor": "unverified"}
    assert set(capstone.voices(tiny)) == {"reporter", "ukrainian-state"}
    assert in_voice("gasten", "ukrainian-state", tiny)
    low, high = tolerance_km("kramatorsk-distance", tiny)
    assert low < 12 < high
    for lead_only in (True, False):
        fig = triage_figure(tiny, lead_only=lead_only)
        texts = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
        assert "kramatorsk-distance" in texts and "kupiansk" not in texts
    for argv in (["capstone", "--article", tiny], ["provenance", "--article", tiny],
                 ["check", str(tmp_path / "t.txt"), "--date", "2023-02-24"],
                 ["check", str(tmp_path / "t.txt"), "--json", "--no-accuracy"]):
        from course.articles import article_info

        shutil.copy(article_info(tiny).text_path, tmp_path / "t.txt")
        assert main(argv) == 0, argv
        runs = capsys.readouterr().out
        assert ("kramatorsk" in runs.casefold()) != (argv[0] == "provenance"), argv  # no wires: nothing traced
        assert "izium" not in runs.casefold(), argv


def test_every_lesson_figure_runs_on_the_tiny_article(tiny: str) -> None:  # noqa: F811
    """Every figure a lesson calls that takes an article draws the tiny one, with its text, and nothing of the seed."""
    import importlib
    import inspect

    from course.plots import LESSON_FIGURES

    drawn = 0
    for name, target in sorted(LESSON_FIGURES.items()):
        module, function = target.split(":")
        draw = getattr(importlib.import_module(module), function)
        if "article" not in inspect.signature(draw).parameters:
            continue  # drawn from numbers the learner passes, not from an article
        fig = draw(article=tiny)
        words = " ".join(t.get_text() for ax in fig.axes for t in ax.texts) + " ".join(ax.get_title(loc="left") for ax in fig.axes)
        words += " " + " ".join(t.get_text() for t in fig.texts) + " " + fig.alt_text
        assert "Kupiansk" not in words and "Izium" not in words, name
        assert len(fig.alt_text) > 20, name
        drawn += 1
    assert drawn >= 10


@pytest.mark.browser
def test_the_checklist_prints_on_one_a4_page(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from browser import VIEWPORT, launch, need_chromium
    from course.handouts import moves

    need_chromium()
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto((ROOT / "handouts" / "checklist.html").as_uri())
            links = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
            page.emulate_media(media="print")
            pdf = page.pdf(format="A4", prefer_css_page_size=True)
        finally:
            browser.close()
    assert len(links) == len(moves())
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_the_check_report_sits_under_a_lesson_heading() -> None:
    """Lesson 05 shows course check's report under its own '## 6 · Transfer': the report's headings start lower."""
    from datetime import date

    from course.check import check_report, markdown

    report = check_report("Kramatorsk ligt zo'n 15 kilometer ten noorden van Slovjansk.", language="nl",
                          reference=date(2023, 2, 25), accuracy=False)
    levels = [len(m.group(1)) for m in re.finditer(r"^(#+) ", markdown(report, level=3), re.M)]
    assert levels[0] == 3 and min(levels) == 3 and max(levels) == 5
    assert [len(m.group(1)) for m in re.finditer(r"^(#+) ", markdown(report), re.M)] == [n - 2 for n in levels]
    for bad in (0, 5):
        with pytest.raises(CourseValueError, match=f"level must be a heading level from 1 to 4; got {bad}"):
            markdown(report, level=bad)


def test_the_assignment_runs_headless_in_under_15_seconds(monkeypatch) -> None:
    """The source notebook (reference answers, visible and hidden tests) runs top to bottom without an error,
    as an instructor runs it (``COURSE_ANSWER_KEY=1``, as the course's nbgrader config sets)."""
    import time

    from nbclient import NotebookClient

    monkeypatch.setenv("COURSE_ANSWER_KEY", "1")
    nb = nbformat.read(ASSIGNMENT, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(ASSIGNMENT.parent)}}).execute()
    seconds = time.perf_counter() - start
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors[0]
    assert seconds < 15, f"the capstone assignment took {seconds:.1f} s"


def test_the_students_notebook_runs_with_the_key_hidden(monkeypatch) -> None:
    """As a student runs it (hidden tests removed, no instructor setting): every cell with the reference
    answers runs, and asking the course's tools for part 2's annotations gets the friendly refusal."""
    from nbclient import NotebookClient

    monkeypatch.delenv("COURSE_ANSWER_KEY", raising=False)
    nb = nbformat.read(ASSIGNMENT, as_version=4)
    for cell in nb.cells:
        cell.source = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", "", cell.source, flags=re.S)
    probe = ("try:\n    facts(PRACTICE)\nexcept Exception as err:\n    print(type(err).__name__, err)\n"
             "print(len(capstone.upstream(PRACTICE)), len(check.check_report(practice.text)['places']))")
    nb.cells.append(nbformat.v4.new_code_cell(probe))
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(ASSIGNMENT.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors[0]
    said = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert said.startswith("AnswerKeyHidden article 'kherson-2022-11' is capstone part 2's transfer text")
    from course.article import load_article
    from course.check import check_report

    places = check_report(load_article("kherson-2022-11").text)["places"]
    assert said.splitlines()[-1].split() == [str(len(capstone.upstream("kherson-2022-11"))), str(len(places))]
