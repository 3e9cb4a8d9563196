"""The zero-install edition (``make lite``): built only from pinned registry packages, whole or not at
all, and every lesson runs in headless Chromium with no network.

Fast tests check the build's parts without building: the site's Pyodide lock, the refusal to build
without a pinned wheel, the site checks, the lessons' staging, the figures without matplotlib, the
corpus without jsonschema in the browser, and the reset widget.

The browser tests build the site once per session into ``dist/lite`` (kept while nothing it is built
from changes; downloads are cached in ``.lite-cache/``), serve it on 127.0.0.1 inside a network
namespace that has only loopback (``unshare -n``), and run every lesson in Chromium
(``tools/lite/run_lessons.py``). They skip where Chromium or the namespace is missing, and fail
instead under CI=true. Timings and screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools" / "lite"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SITE = ROOT / "dist" / "lite"

sys.path.insert(0, str(TOOLS))
import build as lite_build  # noqa: E402  (tools/lite/build.py)


def _wheel(folder: Path, name: str, version: str, requires: tuple[str, ...] = ()) -> Path:
    """A tiny but real wheel: one module and its METADATA."""
    path = folder / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name.replace('-', '_')}/__init__.py", "")
        zf.writestr(f"{name.replace('-', '_')}-{version}.dist-info/METADATA", meta)
    return path


def _runtime_lock() -> dict:
    entry = {"install_dir": "site", "package_type": "package", "unvendored_tests": True, "shared_library": False,
             "imports": [], "sha256": "0" * 64}
    return {"info": {"python": "3.14.2"}, "packages": {
        "ipy": {**entry, "name": "ipy", "version": "9.0", "file_name": "ipy-9.0-py3-none-any.whl", "depends": ["dep_x"]},
        "dep-x": {**entry, "name": "dep-x", "version": "1.0", "file_name": "dep_x-1.0-py3-none-any.whl", "depends": []},
        "numpy": {**entry, "name": "numpy", "version": "2.0", "file_name": "numpy-2.0-cp314.whl", "depends": []},
    }}


def _plan(tmp_path: Path, app_requires: tuple[str, ...], drop: str = "", ipy: str = "9.0") -> dict:
    wheels = {"app": _wheel(tmp_path, "app", "1.0", app_requires), "lib": _wheel(tmp_path, "lib", "2.0"),
              "ipy": _wheel(tmp_path, "ipy", ipy), "dep-x": _wheel(tmp_path, "dep-x", "1.0")}
    wheels.pop(drop, None)
    where = {name: f"../../pypi/{path.name}" for name, path in wheels.items()}
    return lite_build.plan_lock(_runtime_lock(), wheels, where, ("app",))


def test_site_lock_lists_exactly_what_the_kernel_needs_with_our_hashes(tmp_path: Path) -> None:
    lock = _plan(tmp_path, ("lib>=2", "ipy", 'winonly; sys_platform == "win32"'))
    assert sorted(lock["packages"]) == ["app", "dep-x", "ipy", "lib"]  # numpy (no wheel shipped) is gone
    ipy = lock["packages"]["ipy"]
    assert ipy["sha256"] == hashlib.sha256((tmp_path / "ipy-9.0-py3-none-any.whl").read_bytes()).hexdigest()
    assert ipy["file_name"] == "../../pypi/ipy-9.0-py3-none-any.whl" and ipy["depends"] == ["dep-x"]
    assert lock["packages"]["app"]["depends"] == ["lib", "ipy"] and lock["packages"]["app"]["imports"] == ["app"]


def test_site_lock_names_the_missing_wheel(tmp_path: Path) -> None:
    with pytest.raises(lite_build.LiteBuildError, match=r"missing wheel for 'dep-x', needed by ipy 9.0 "
                                                        r"\(the lock of the Pyodide runtime lists dep-x==1.0\)"):
        _plan(tmp_path, ("ipy",), drop="dep-x")


def test_site_lock_refuses_other_versions_than_the_runtime_lock(tmp_path: Path) -> None:
    with pytest.raises(lite_build.LiteBuildError, match=r"lock lists ipy==9.0 but the wheel is ipy-9.1.*pin ipy==9.0"):
        _plan(tmp_path, ("ipy",), ipy="9.1")


def test_site_lock_checks_version_ranges(tmp_path: Path) -> None:
    with pytest.raises(lite_build.LiteBuildError, match=r"app 1.0 needs lib>=3, but the wheel is lib-2.0"):
        _plan(tmp_path, ("lib>=3",))


def test_a_build_without_a_pinned_wheel_fails_naming_it_and_builds_nothing(tmp_path: Path) -> None:
    pins = lite_build.read_pins(TOOLS / "requirements.txt")
    assert {"ipython", "ipywidgets", "geographiclib", "micropip"} <= set(pins)
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for name, version in pins.items():
        if name != "geographiclib":
            (wheels / f"{name.replace('-', '_')}-{version}-py3-none-any.whl").write_bytes(b"")
    out = tmp_path / "site"
    result = subprocess.run([sys.executable, str(TOOLS / "build.py"), "--wheels", str(wheels), "--out", str(out),
                             "--no-zip"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"missing wheel geographiclib=={pins['geographiclib']}" in result.stderr
    assert not out.exists()


def _fake_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    runtime = site / "static" / "pyodide"
    runtime.mkdir(parents=True)
    for name in lite_build.RUNTIME_FILES:
        (runtime / name).write_text("x")
    wheel = _wheel(runtime, "app", "1.0")
    lock = {"info": {}, "packages": {"app": {"name": "app", "version": "1.0", "file_name": wheel.name,
                                            "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest()}}}
    (runtime / "pyodide-lock.json").write_text(json.dumps(lock))
    settings = {"pyodideUrl": "./static/pyodide/pyodide.mjs", "disablePyPIFallback": True}
    config = {"jupyter-config-data": {"litePluginSettings": {lite_build.KERNEL_PLUGIN: settings}}}
    (site / "jupyter-lite.json").write_text(json.dumps(config))
    (site / "files").mkdir()
    (site / "files" / "00-start.ipynb").write_text("{}")
    return site


def test_site_check_passes_a_whole_site_and_zips_it(tmp_path: Path) -> None:
    site = _fake_site(tmp_path)
    facts = lite_build.check_site(site, ["00-start.ipynb"])
    assert facts["packages"] == 1 and facts["bytes"] > 0
    lite_build.zip_site(site, tmp_path / "site.zip")
    with zipfile.ZipFile(tmp_path / "site.zip") as zf:
        assert sorted(zf.namelist()) == sorted(f"site/{p.relative_to(site).as_posix()}" for p in site.rglob("*") if p.is_file())


@pytest.mark.parametrize("damage, message", [
    (lambda s: (s / "static/pyodide/app-1.0-py3-none-any.whl").unlink(), "missing wheel app-1.0-py3-none-any.whl"),
    (lambda s: (s / "static/pyodide/app-1.0-py3-none-any.whl").write_bytes(b"changed"), "does not match its sha256"),
    (lambda s: (s / "static/pyodide/python_stdlib.zip").unlink(), "static/pyodide/python_stdlib.zip is missing"),
    (lambda s: (s / "files/00-start.ipynb").unlink(), "lesson 00-start.ipynb is not in the site"),
    (lambda s: (s / "jupyter-lite.json").write_text((s / "jupyter-lite.json").read_text().replace(
        "./static/pyodide/pyodide.mjs", "https://cdn.example.org/pyodide/pyodide.mjs")), "points off the site"),
    (lambda s: (s / "jupyter-lite.json").write_text((s / "jupyter-lite.json").read_text().replace(
        '"disablePyPIFallback": true', '"disablePyPIFallback": false')), "disablePyPIFallback is not set"),
], ids=["wheel-missing", "wheel-changed", "runtime-missing", "lesson-missing", "cdn-url", "pypi-fallback"])
def test_site_check_refuses_a_half_working_site(tmp_path: Path, damage, message: str) -> None:
    site = _fake_site(tmp_path)
    damage(site)
    with pytest.raises(lite_build.LiteBuildError, match=re.escape(message)):
        lite_build.check_site(site, ["00-start.ipynb"])


def test_a_site_over_budget_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = _fake_site(tmp_path)
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    monkeypatch.setattr(lite_build, "MAX_SITE_BYTES", size - 1)
    with pytest.raises(lite_build.LiteBuildError, match="over its budget"):
        lite_build.check_site(site, ["00-start.ipynb"])


def _notebook(path: Path, *cells: str) -> Path:
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# A lesson"},
        *({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": c} for c in cells)]}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_the_build_records_the_figure_calls_a_lesson_really_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Computed arguments are recorded as the lesson computed them; a figure function called by another
    is not a call of the lesson; a call that draws no figure does not count; a failing cell names itself."""
    import types

    from matplotlib.figure import Figure

    from figures import lesson_calls  # tools/lite/figures.py

    plots = types.ModuleType("fake_plots")
    exec("from matplotlib.figure import Figure\n"
         "def inner(n=1):\n    return Figure()\n"
         "def outer(n):\n    inner(n)\n    return Figure()\n"
         "def words(n=1):\n    return 'no figure'\n", plots.__dict__)
    monkeypatch.setitem(sys.modules, "fake_plots", plots)
    functions = {f"fake_plots.{name}": getattr(plots, name) for name in ("inner", "outer", "words")}
    lesson = _notebook(tmp_path / "99-x.ipynb", "%matplotlib inline\nfrom fake_plots import outer, words\nn = 6 * 7",
                       "print('noise')\nouter(n / 2)\nwords()", "import fake_plots\nfake_plots.inner(n=n)")
    calls = lesson_calls(lesson, functions)
    assert [(q, a, k) for q, a, k, _ in calls] == [("fake_plots.outer", (21.0,), {}), ("fake_plots.inner", (), {"n": 42})]
    assert all(isinstance(fig, Figure) for *_, fig in calls)
    assert plots.outer is functions["fake_plots.outer"]  # the module is restored
    broken = _notebook(tmp_path / "98-y.ipynb", "x = 1", "1 / 0")
    with pytest.raises(RuntimeError, match=r"98-y.ipynb, code cell 2 failed .*ZeroDivisionError"):
        lesson_calls(broken, functions)


def test_every_lesson_is_staged_with_a_reset_cell_after_its_title(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lessons = tmp_path / "notebooks"
    lessons.mkdir()
    for path in LESSONS[:2]:
        shutil.copy2(path, lessons / path.name)
    extra = json.loads(LESSONS[0].read_text(encoding="utf-8"))
    (lessons / "99-new.ipynb").write_text(json.dumps(extra), encoding="utf-8")
    monkeypatch.setattr(lite_build, "LESSONS", lessons)
    staged = lite_build.stage_lessons(tmp_path / "files")
    assert staged == sorted(p.name for p in lessons.glob("*.ipynb"))
    for name in staged:
        before = json.loads((lessons / name).read_text(encoding="utf-8"))["cells"]
        after = json.loads((tmp_path / "files" / name).read_text(encoding="utf-8"))["cells"]
        assert after[0] == before[0] and after[3:] == before[1:]
        assert "Reset this lesson" in after[1]["source"] and after[1]["cell_type"] == "markdown"
        assert after[2]["source"].endswith(f"reset_button({name!r})") and after[2]["metadata"]["tags"] == ["lite-reset"]


# ---------------------------------------------------------------------------------------------
# The course in the browser: figures without matplotlib, corpus without jsonschema, the reset widget


def test_figures_fall_back_to_the_prerendered_picture_without_matplotlib(tmp_path: Path) -> None:
    from course.plots._prerendered import NOTE, figure_key
    from course.plots.overview import story_map

    assert not hasattr(story_map, "__wrapped__"), "the full edition draws figures live, unwrapped"
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    (tmp_path / "00-story_map.svg").write_text(svg)
    key = f"course.plots.overview.{figure_key(story_map, (), {})}"
    (tmp_path / "index.json").write_text(json.dumps({key: {"file": "00-story_map.svg", "alt": "Map of the places",
                                                           "details": "Map of the places\n- Kupiansk: north"}}))
    code = f"""
import json, sys
sys.modules["matplotlib"] = None  # as in the browser: no matplotlib
from pathlib import Path
import course.plots._prerendered as pre
pre.PRERENDERED_DIR = Path({str(tmp_path)!r})
from course.errors import CourseValueError
from course.plots.overview import story_map, timeline_chart, map_projection_note
shown = story_map()._repr_mimebundle_()
try:
    timeline_chart()
    missing = None
except CourseValueError as err:
    missing = str(err)
print(json.dumps({{"shown": shown, "missing": missing, "note": map_projection_note(49.0, 48.5, 49.5)}}))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    html = out["shown"]["text/html"]
    assert 'alt="Map of the places"' in html and "data:image/svg+xml;base64," in html and NOTE in html
    assert "<details><summary>Describe this figure</summary>" in html and "- Kupiansk: north" in html
    assert out["shown"]["text/plain"].startswith("Figure: Map of the places\n- Kupiansk: north")
    assert re.match(r"the figure timeline_chart\(.*\) was not drawn when this site was built", out["missing"])
    assert out["note"].startswith("Plate carrée")  # functions that need no matplotlib still work


def test_corpus_skips_the_schema_check_only_in_the_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    from course import corpus

    assert corpus.load_corpus().schema_skipped is None
    monkeypatch.setitem(sys.modules, "jsonschema", None)
    with pytest.raises(ModuleNotFoundError):  # the full edition needs jsonschema: a missing one is an error
        corpus.validate()
    monkeypatch.setattr(sys, "platform", "emscripten")
    checked = corpus.validate()
    assert checked.schema_skipped == corpus.SCHEMA_SKIPPED and "browser" in checked.schema_skipped
    claim = checked.records("claims")[0]
    assert claim["span"].text == claim["quote"]  # anchors are still resolved and checked


def test_reset_button_in_the_browser_asks_before_it_resets(monkeypatch: pytest.MonkeyPatch) -> None:
    from course.errors import CourseValueError
    from course.lesson_reset import reset_button, reset_script

    on_disk = reset_button("00-start.ipynb")
    assert "git checkout -- notebooks/00-start.ipynb" in on_disk.value
    for bad in ["../00-start.ipynb", "00-start.py", "a b.ipynb", ""]:
        with pytest.raises(CourseValueError):
            reset_button(bad)
    assert 'path = "02-sources.ipynb"' in reset_script("02-sources.ipynb")
    monkeypatch.setattr(sys, "platform", "emscripten")
    box = reset_button("00-start.ipynb")
    start, message, asking, _runner = box.children
    assert start.description == "Reset this lesson" and asking.layout.display == "none"
    start.click()
    assert asking.layout.display == "flex" and "00-start.ipynb" in message.value
    confirm, cancel = asking.children
    assert confirm.description == "Yes, reset"
    cancel.click()
    assert asking.layout.display == "none" and message.value == ""


# ---------------------------------------------------------------------------------------------
# The built site, in Chromium, offline


def _need(condition: bool, why: str) -> None:
    if not condition:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{why} (CI=true: the zero-install edition must be tested)")
        pytest.skip(why)


def _namespace_works() -> bool:
    try:
        return subprocess.run(["unshare", "-n", "--", "true"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _quiz_answers(lesson: Path) -> tuple[str, str, str] | None:
    """A self-check of the lesson whose answer the full edition can find: (id, a wrong answer, the right one)."""
    from course.checks import check, question

    code = "".join("".join(c["source"]) for c in json.loads(lesson.read_text(encoding="utf-8"))["cells"]
                   if c["cell_type"] == "code")
    for qid in re.findall(r"quiz\(\s*[\"'](\d+\.\d+)[\"']\s*\)", code):
        q = question(qid)
        if q["kind"] == "choice":
            letters = [chr(ord("A") + i) for i in range(len(q["options"]))]
            right = [x for x in letters if check(qid, x).correct]
            wrong = [x for x in letters if not check(qid, x).correct]
        elif q["kind"] == "int":
            right = [str(n) for n in range(1000) if check(qid, n).correct][:1]
            wrong = [str(int(right[0]) + 1)] if right else []
        else:
            continue
        if right and wrong:
            return qid, wrong[0], right[0]
    return None


def browser_test(fn):
    """A test of the built site in Chromium; the first one also pays for the build and the browser run."""
    return pytest.mark.browser(pytest.mark.slow(pytest.mark.timeout(2400)(fn)))


@pytest.fixture(scope="module")
def site() -> Path:
    """The site, built once per session (kept in dist/lite while nothing it is built from changes)."""
    _need(bool(shutil.which("npm") and shutil.which("node")), "npm and Node.js are missing: the build takes the Pyodide "
          "runtime from the npm registry and byte-compiles with it (tools/system-deps.sh installs them)")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(TOOLS / "build.py"), "--reuse", "--no-zip"], capture_output=True,
                            text=True, timeout=1200)
    assert result.returncode == 0, f"make lite failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    facts = json.loads((SITE / "lite-build.json").read_text())
    facts["build_s_this_session"] = round(time.perf_counter() - started, 1)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "lite-build.json").write_text(json.dumps(facts, indent=1))
    return SITE


@pytest.fixture(scope="module")
def report(site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every lesson opened, run and checked in Chromium, in a network namespace with loopback only."""
    _need(bool(shutil.which("chromium")), "Chromium is missing (run `make test` as root, or install Debian's chromium)")
    _need(_namespace_works(), "cannot make a network namespace (`unshare -n` needs root): the offline test cannot run")
    out = tmp_path_factory.mktemp("lite") / "report.json"
    cmd = ["unshare", "-n", "--", sys.executable, str(TOOLS / "run_lessons.py"), str(site), "--netns",
           "--report", str(out), "--screenshots", str(ARTIFACTS / "lite"), "--reset", LESSONS[0].name]
    for lesson in LESSONS:
        if answers := _quiz_answers(lesson):
            cmd.append(f"--quiz={lesson.name}={':'.join(answers)}")
    started = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, f"the browser run failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    data = json.loads(out.read_text(encoding="utf-8"))
    shutil.copy2(out, ARTIFACTS / "lite-report.json")
    timings = {k: {"idle_s": v.get("idle_s"), "run_s": v.get("run_s")} for k, v in data["lessons"].items()}
    (ARTIFACTS / "lite-browser.json").write_text(json.dumps(
        {"browser_s": round(time.perf_counter() - started, 1), "lessons": timings}, indent=1))
    return data


@browser_test
def test_the_site_holds_every_lesson_and_the_article_within_budget(site: Path) -> None:
    facts = json.loads((site / "lite-build.json").read_text())
    assert facts["lessons"] == [p.name for p in LESSONS]
    assert facts["bytes"] <= lite_build.MAX_SITE_BYTES
    assert {"course", "ipywidgets", "geographiclib", "ipython"} <= set(facts["preloaded"])
    assert not {"matplotlib", "numpy", "jsonschema"} & set(facts["preloaded"])


@browser_test
@pytest.mark.parametrize("lesson", [p.name for p in LESSONS])
def test_lesson_runs_top_to_bottom_in_the_browser_without_errors(report: dict, lesson: str) -> None:
    record = report["lessons"][lesson]
    assert "failure" not in record, record.get("failure")
    assert record["errors"] == []
    cells = len(json.loads((ROOT / "notebooks" / lesson).read_text(encoding="utf-8"))["cells"])
    assert record["cells"] == cells + 2  # the lesson and its reset cells
    assert record["ran"] == record["code"], f"{record['code'] - record['ran']} code cells did not run"


def _feedback_text(feedback_html: str) -> str:
    """What the self-check's feedback region reads, as text."""
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", feedback_html)).split())


@browser_test
@pytest.mark.parametrize("lesson", [p.name for p in LESSONS])
def test_lesson_quiz_answers_wrong_then_right_in_the_browser(report: dict, lesson: str) -> None:
    from course.checks import quiz as self_check

    answers = _quiz_answers(ROOT / "notebooks" / lesson)
    if answers is None:
        pytest.skip(f"{lesson} has no choice or whole-number self-check whose answer the test can find")
    quiz = report["lessons"][lesson].get("quiz")
    assert quiz, report["lessons"][lesson].get("failure")
    assert quiz["id"] == answers[0]
    expected = self_check(answers[0])  # the same widget in the full edition, answered the same way
    wrong, right = (_feedback_text(expected.submit(a).feedback_html) for a in answers[1:])
    assert wrong.startswith("✘ Not yet (try 1)") and right.startswith("✔ Right")
    assert " ".join(quiz["wrong"].split()) == wrong and " ".join(quiz["right"].split()) == right


@browser_test
def test_no_request_leaves_the_site(report: dict) -> None:
    assert report["interfaces"] == ["lo"]
    for lesson, record in report["lessons"].items():
        hosts = {urlsplit(url).hostname for url in record["requests"] if not url.startswith(("data:", "blob:"))}
        assert hosts == {"127.0.0.1"}, f"{lesson} asked {hosts - {'127.0.0.1'}}"
        # the kernel's own downloads are seen too (so this check can fail): the runtime and the wheels
        assert any(url.endswith("/static/pyodide/pyodide.asm.wasm") for url in record["requests"]), lesson
        assert any(re.search(r"/course-[^/]+\.whl$", url) for url in record["requests"]), lesson


@browser_test
def test_figures_show_prerendered_with_alt_text_and_note(site: Path, report: dict) -> None:
    """Each lesson shows, in order, the figures its own code draws in the full edition (the build ran the
    lessons and recorded every figure call, computed arguments included), each with its alt text and note."""
    from course.plots._prerendered import NOTE

    recorded = json.loads((site / "lite-build.json").read_text())["figures"]
    assert set(recorded) == {p.name for p in LESSONS}
    assert recorded["04-beyond-the-text.ipynb"], "lesson 04 draws figures"
    assert any(f["key"].startswith("course.plots.sun.chronolocation_figure(verdict=Verdict(")
               for f in recorded["04-beyond-the-text.ipynb"]), "a figure drawn from computed values is pre-rendered"
    for lesson in LESSONS:
        shown = report["lessons"][lesson.name]["figures"]
        assert [f["alt"] for f in shown] == [f["alt"] for f in recorded[lesson.name]], lesson.name
        for figure in shown:
            assert len(figure["alt"]) > 10 and figure["note"] == NOTE, figure


@browser_test
def test_saved_work_stays_in_the_browser_and_reset_restores_the_original(report: dict) -> None:
    record = report["lessons"][LESSONS[0].name]
    assert record.get("reset"), record.get("failure")
    assert record["reset"] == {"kept_after_save": True, "restored": True, "stored_is_original": True}, record["reset"]


def test_the_package_ships_the_seed_byte_for_byte() -> None:
    """The browser has no seeds/ folder: the package carries a copy, and seeds/ stays the source of truth."""
    from course.articles import SEED, article_info

    seed = ROOT / "seeds" / article_info().text_path.name
    copy = article_info().folder / seed.name
    assert article_info().folder.name == SEED and copy.is_file()
    assert copy.read_bytes() == seed.read_bytes(), f"{copy} differs from {seed}: copy seeds/ over it"
    patterns = __import__("tomllib").loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["course"]
    assert any(copy.relative_to(ROOT / "course").match(p) for p in patterns), "the copy is not package data"
