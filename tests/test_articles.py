"""An article is a parameter, not a global: the registry of article folders, the seed's fallback
copy, and a third, tiny article that every command and figure runs on with the seed out of reach."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import course.article
import course.articles
from course.article import load_article
from course.articles import (ARTICLES_DIR, ENV, SEED, article_info, article_key, articles, register_article)
from course.errors import CourseError, CourseTypeError, CourseValueError, UnknownIdError
from tiny_article import ID as TINY, write_tiny_article

ROOT = Path(__file__).resolve().parents[1]
SEED_FILE = ROOT / "seeds" / "000_f3b4b7109528864c.txt"
SEED_SHA256 = "1750dd07fd216b3d7ef98a515d3c15dd22b92cd4a4b16c270736dad136d3ea71"


# --- the registry ------------------------------------------------------------------------------------

def test_the_seed_is_the_default_and_reads_seeds_byte_for_byte() -> None:
    info = article_info()
    assert info.id == SEED == "izium-2022-09" and info.seed and not info.written_for_course
    assert info.text_path == SEED_FILE.resolve()
    assert load_article().text.encode("utf-8") == SEED_FILE.read_bytes()
    assert hashlib.sha256(load_article(SEED).text.encode("utf-8")).hexdigest() == SEED_SHA256
    assert load_article() is load_article(SEED) is load_article(info.folder)  # one cached text, whichever way
    assert load_article().id == SEED


def test_every_shipped_article_folder_is_listed_and_validates() -> None:
    from course.corpus import validate

    shipped = sorted(p.name for p in ARTICLES_DIR.iterdir() if (p / "article.toml").is_file())
    assert articles()[0] == SEED and sorted(articles()) == shipped
    for aid in shipped:
        info = article_info(aid)
        assert info.folder.name == aid, "an article folder is named after its id"
        assert validate(aid).info.id == aid


def test_an_article_folder_on_the_environment_path_is_found(tmp_path: Path, monkeypatch) -> None:
    write_tiny_article(tmp_path / "more" / "tiny")
    assert TINY not in articles()
    monkeypatch.setenv(ENV, str(tmp_path / "more"))  # a folder of article folders
    assert TINY in articles() and article_info(TINY).folder == (tmp_path / "more" / "tiny").resolve()
    monkeypatch.setenv(ENV, os.pathsep.join(["/no/such/folder", str(tmp_path / "more" / "tiny")]))  # or the folder
    assert article_key(TINY) == str((tmp_path / "more" / "tiny").resolve())


def test_register_article_and_its_errors(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(course.articles, "_registered", {})
    folder = write_tiny_article(tmp_path / "tiny")
    assert register_article(folder) == TINY and TINY in articles()
    assert register_article(str(folder)) == TINY  # the same folder again is fine
    clash = write_tiny_article(tmp_path / "other")
    with pytest.raises(CourseValueError, match="already known"):
        register_article(clash)
    with pytest.raises(CourseValueError, match="article.toml"):
        register_article(tmp_path)
    with pytest.raises(CourseTypeError, match="folder"):
        register_article(3)  # type: ignore[arg-type]


def test_a_folder_path_works_without_registering(tmp_path: Path) -> None:
    folder = write_tiny_article(tmp_path / "tiny")
    assert TINY not in articles()
    assert load_article(folder).id == TINY and load_article(str(folder)).paragraph("p03").role == "subheading"


def test_bad_article_arguments_get_friendly_errors(tmp_path: Path) -> None:
    with pytest.raises(UnknownIdError, match="did you mean 'izium-2022-09'"):
        load_article("izium-2022")
    with pytest.raises(CourseTypeError, match="article must be an article id"):
        article_info(7)  # type: ignore[arg-type]
    with pytest.raises(CourseValueError, match="has none"):
        article_info(tmp_path)
    broken = write_tiny_article(tmp_path / "broken")
    (broken / "article.toml").write_text('id = "Not An Id"\n', encoding="utf-8")
    with pytest.raises(CourseError, match="lower-case"):
        article_info(broken)
    (broken / "article.toml").write_text('id = "broken"\nlanguage = "fr"\n', encoding="utf-8")
    with pytest.raises(CourseError, match="title is missing.*text is missing.*language must be one of"):
        article_info(broken)


def test_a_text_file_still_loads_by_path(tmp_path: Path) -> None:
    f = tmp_path / "bericht.txt"
    f.write_text("Het leger trok zich terug. Dat meldde de krant.\n", encoding="utf-8")
    assert load_article(path=f).id is None and len(load_article(path=f).sentences) == 2
    with pytest.raises(CourseValueError, match="not both"):
        load_article(SEED, path=f)


# --- the seed without seeds/ (an installed or in-browser edition) -------------------------------------

def test_the_seed_falls_back_to_a_byte_identical_copy_in_its_folder(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "izium-2022-09"
    shutil.copytree(article_info().folder, folder)
    (folder / SEED_FILE.name).unlink(missing_ok=True)  # the package's own copy (for the browser edition)
    monkeypatch.setattr(course.articles, "SEEDS_DIR", tmp_path / "no-seeds-here")
    course.articles._info.cache_clear()
    try:
        with pytest.raises(CourseValueError, match="seeds/ folder"):
            article_info(folder)  # neither seeds/ nor a copy: a clear error
        shutil.copy(SEED_FILE, folder / SEED_FILE.name)
        info = article_info(folder)
        assert info.text_path == folder / SEED_FILE.name
        assert load_article(folder).text.encode("utf-8") == SEED_FILE.read_bytes()
    finally:
        course.articles._info.cache_clear()


def _differing_copies(package: Path) -> list[Path]:
    """Files under *package* named like the seed whose bytes are not the seed's."""
    return [p for p in package.rglob(SEED_FILE.name) if p.read_bytes() != SEED_FILE.read_bytes()]


def test_any_copy_of_the_seed_inside_the_package_is_byte_identical(tmp_path: Path) -> None:
    """An edition may ship a copy of the seed as package data; it must be the seed, byte for byte."""
    assert _differing_copies(ROOT / "course") == []
    good, bad = tmp_path / "a" / SEED_FILE.name, tmp_path / "b" / SEED_FILE.name
    seed = SEED_FILE.read_bytes()
    for path, data in ((good, seed), (bad, seed.replace(b"zo'n", "zo’n".encode("utf-8"), 1))):
        path.parent.mkdir()
        path.write_bytes(data)
    assert _differing_copies(tmp_path) == [bad]  # one changed apostrophe is caught


# --- a third article, with the seed out of reach -------------------------------------------------------

@pytest.fixture
def tiny(tmp_path: Path, monkeypatch) -> str:
    """The tiny article, found through COURSE_ARTICLES, while every road to the seed is closed."""
    write_tiny_article(tmp_path / "articles" / "tiny")
    monkeypatch.setenv(ENV, str(tmp_path / "articles"))
    monkeypatch.setattr(course.articles, "SEED", "no-seed-in-this-test")
    monkeypatch.setattr(course.articles, "SEEDS_DIR", tmp_path / "no-seeds")
    monkeypatch.setattr(course.articles, "ARTICLES_DIR", tmp_path / "no-built-in-articles")
    monkeypatch.setattr(course.article, "ARTICLE_PATH", tmp_path / "no-seeds" / "seed.txt")
    with pytest.raises(UnknownIdError):
        load_article()  # the default article is gone: any hidden use of it fails loudly
    assert articles() == [TINY]
    return TINY


def test_every_query_runs_on_the_tiny_article(tiny: str) -> None:
    from course import facts, framing, sources, timeline
    from course.geo import check_direction, distance_km, locate

    assert [f["verdict"] for f in facts.facts(tiny)] == ["does-not-hold", "holds", "not-checkable", "resolved"]
    assert facts.fact("kramatorsk-direction", tiny)["compass16"] == "S"
    assert "tiny-test" in facts.fact_sheet(tiny)
    assert [a.id for a in sources.attributions(tiny)] == ["p02.krant", "p04.mayor", "p05.credit"]
    assert [a.source for a in sources.chain("p04.mayor", tiny)] == ["mayor", "krant"]
    assert sources.who_said("the mayor", tiny)[0].id == "p04.mayor"
    assert sources.source_of("zeker 30", article=tiny)[0].id == "p04.mayor"
    assert {(c.origin, c.to) for c in sources.citations(tiny)} == {("krant", "reporter"), ("mayor", "krant"),
                                                                  ("agency", "reporter")}
    assert sources.by_verification(article=tiny)["unverified"][0].id == "p04.mayor"
    assert sum(v.words for v in sources.voice_share(tiny)) > 20
    assert sources.score_finder(article=tiny).recall == pytest.approx(2 / 3)
    assert [s.id for s in framing.spans(article=tiny)] == ["reporter-quotes", "mayor-guests"]
    assert framing.euphemisms(tiny)[0].plain_en.startswith("People")
    assert framing.tally("speaker", tiny) == {"reporter": {"scare-quotes": 1}, "mayor": {"euphemism": 1}}
    assert framing.compare(["gasten"], "euphemism", "p04", tiny).f1 == 1.0
    assert framing.paragraph_density(article=tiny)[2].loaded == 1
    assert timeline.reference_day(tiny).isoformat() == "2023-02-24"
    assert timeline.event("report", tiny).start.isoformat() == "2023-02-24"
    assert locate("kramatorsk", article=tiny).geonameid == 704508
    assert round(distance_km("sloviansk", "kramatorsk", article=tiny), 1) == 13.4
    assert check_direction("ten zuiden van", "sloviansk", "kramatorsk", article=tiny).holds


def test_a_broken_folder_does_not_hide_the_others(tiny: str, tmp_path: Path, capsys) -> None:
    from course.cli import main

    (write_tiny_article(tmp_path / "articles" / "broken") / "article.toml").write_text(
        'id = "broken"\ntitle = "x"\nlanguage = "nl"\n[text]\nfile = "gone.txt"\n', encoding="utf-8")
    assert main(["articles"]) == 1
    out, err = capsys.readouterr()
    assert out.split()[0] == TINY and "cannot read broken" in err and "gone.txt" in err


def test_every_figure_and_reader_runs_on_the_tiny_article(tiny: str) -> None:
    from course.plots import distances, framing, overview, sources
    from course.widgets import Reader
    from course.widgets_framing import FramingReader

    figures = [overview.story_map(tiny), overview.timeline_chart(tiny), distances.distance_map(tiny),
               distances.claims_chart(tiny), sources.citation_graph(tiny), sources.voice_share_chart(tiny),
               sources.verification_chart(tiny), framing.techniques_by_side(tiny), framing.density_map(article=tiny)]
    for fig in figures:
        assert fig.axes, fig
    texts = " ".join(t.get_text() for fig in figures for ax in fig.axes for t in ax.texts)
    assert "Kramatorsk" in texts and "Kupiansk" not in texts
    notes = " ".join(t.get_text() for fig in figures for t in fig.texts)
    assert "tiny/actors.toml" in notes and "tiny/framing.toml" in notes  # the credits name this article's files
    reader = Reader(article=tiny, start="p04").toggle("actors", True)
    assert "the mayor" in reader.html and "Volgens" in reader.html
    assert "gasten" in FramingReader("euphemism", article=tiny).html


def test_every_command_runs_on_the_tiny_article(tiny: str, capsys) -> None:
    from course.cli import main

    runs = {}
    for argv in (["articles"], ["article", "--article", tiny], ["corpus", "--article", tiny],
                 ["facts", "--article", tiny], ["facts", "--json", "--article", tiny],
                 ["sources", "--article", tiny], ["sources", "--finder", "--article", tiny],
                 ["sources", "--json", "--article", tiny], ["framing", "--article", tiny],
                 ["framing", "--json", "--article", tiny]):
        assert main(argv) == 0, argv
        runs[" ".join(argv[:2])] = capsys.readouterr().out
    assert runs["articles"].split()[0] == TINY and "izium" not in runs["articles"]
    assert "5 paragraphs" in runs["article --article"]
    assert [f["id"] for f in json.loads(runs["facts --json"])][0] == "kramatorsk-distance"
    assert {r["actor"] for r in json.loads(runs["sources --json"])} == {"krant", "mayor", "agency"}
    assert {r["speaker"] for r in json.loads(runs["framing --json"])} == {"mayor", "reporter"}
    assert "recall 0.667" in runs["sources --finder"]


def test_the_command_line_takes_an_article_folder(tmp_path: Path) -> None:
    folder = write_tiny_article(tmp_path / "tiny")
    out = subprocess.run([sys.executable, "-m", "course", "facts", "--json", "--article", str(folder)],
                         capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert json.loads(out)[1]["direction_holds"] is True
    bad = subprocess.run([sys.executable, "-m", "course", "facts", "--article", "no-such-article"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 2 and "unknown article id 'no-such-article'" in bad.stderr


def test_an_article_file_left_in_the_shared_folder_is_named(tmp_path: Path, monkeypatch) -> None:
    """course/data/ holds only shared files; an article's annotation there is an error that says where it goes."""
    import course.corpus
    from course.corpus import DATA_DIR, SHARED, validate

    shared = tmp_path / "data"
    shared.mkdir()
    for kind in SHARED:
        shutil.copy(DATA_DIR / f"{kind}.toml", shared)
    (shared / "wires.toml").write_text('[provenance]\nsource = "x"\n', encoding="utf-8")
    monkeypatch.setattr(course.corpus, "DATA_DIR", shared)
    with pytest.raises(CourseError, match="course/data/wires.toml is not shared.*articles/<id>/wires.toml"):
        validate()
    (shared / "wires.toml").unlink()
    assert validate().info.id == SEED


# --- every shipped article meets the seed's bars -------------------------------------------------------

SHIPPED = sorted(p.name for p in ARTICLES_DIR.iterdir() if (p / "article.toml").is_file())


@pytest.mark.parametrize("aid", SHIPPED)
def test_every_article_meets_the_corpus_bars(aid: str) -> None:
    from course.corpus import load_corpus

    corpus = load_corpus(aid)
    art = corpus.article
    for kind in corpus.kinds:
        prov = corpus.meta(kind)["provenance"]
        assert prov["source"] and prov["licence"] and prov["taken"], (aid, kind)
    assert [r["id"] for r in corpus.records("gloss")] == [p.id for p in art.paragraphs]
    sides = set(corpus.meta("actors")["sides"])
    assert all(a["side"] in sides for a in corpus.records("actors"))
    anchors = 0
    for kind in corpus.kinds:
        stack = list(corpus.records(kind))
        while stack:
            item = stack.pop()
            if hasattr(item, "items"):
                if "quote" in item:
                    assert art.text[item["span"].start:item["span"].end] == item["quote"]
                    anchors += 1
                stack.extend(item.values())
            elif isinstance(item, tuple):
                stack.extend(item)
    assert anchors >= 100, (aid, anchors)


@pytest.mark.parametrize("aid", SHIPPED)
def test_every_article_runs_through_every_query(aid: str) -> None:
    from course import facts, framing, sources, timeline

    assert all(f["verdict"] in facts.VERDICTS for f in facts.facts(aid))
    assert sum(v.share for v in sources.voice_share(aid)) == pytest.approx(1.0)
    assert all(a.status in sources.STATUSES for a in sources.attributions(aid))
    assert all(e.start is None or e.end is None or e.start <= e.end for e in timeline.events(aid))
    assert framing.spans(article=aid) and framing.euphemisms(aid)
    score = sources.score_finder(article=aid)
    assert 0 < score.recall < 1 and score.precision > 0.5
