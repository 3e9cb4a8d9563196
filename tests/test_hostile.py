"""The hostile corpus, graded by both engines: every trick earns exactly what it deserves.

For each assignment in assignments/source/ one class is written: the reference solution (the
classmate whose work must stay private) plus one student per hostile case (course.grading.hostile),
and the class is graded in ONE `course grade` run, in the bubblewrap sandbox. The first
assignment's class, with the cases that test the grader itself, is graded by `course grade` and by
the real `nbgrader autograde` with the course's own config, and the run-time defences are graded
once more by both with the integrity scan switched off. Then:
- every case scores exactly what it deserves, and the log names the student, the notebook and what happened;
- the rest of the class is graded (the reference keeps full marks, nbgrader reports no failure);
- the gradebook, the answer key and every other student's files are intact, nothing outside the
  course changed, no connection reached the grader's machine and nothing secret was printed;
- SECURITY.md's table of hostile cases is exactly what this run produced.
Set COURSE_UPDATE_SECURITY=1 to rewrite that table after adding cases or assignments.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from course.grading import hostile
from course.grading import notebooks as nbs
from course.grading.sandbox import available

from harness import ASSIGNMENTS, ROOT, assignment_ids
from hostile_run import IOPUB, TIMEOUT, CorpusRun, outcome_words, require_sandbox, run_corpus

pytestmark = [pytest.mark.grading, pytest.mark.slow, pytest.mark.timeout(3000)]  # the fixture grades every corpus

SECURITY = ROOT / "SECURITY.md"
TABLE_START, TABLE_END = "<!-- hostile-table:start -->", "<!-- hostile-table:end -->"
FIRST = assignment_ids()[0]
CODING = next(a for a in assignment_ids() if a.endswith("-code"))  # the first coding assignment
SANDBOXED = available()




ENGINES = ("nbgrader", "course")
# Students the grader refuses outright (nbgrader logs an error for them alone); everyone else is graded.
REFUSED = {"misnamed-notebook", "deep-folders"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CorpusRun]:
    """'<engine>:<assignment>' for the main runs, '<engine>:depth' for the runs with the scan off.

    `course grade` grades every assignment's corpus; stock `nbgrader autograde` (one notebook after
    the other, so the slower of the two) grades the first assignment's. Both grade every case once
    and the depth cases.
    """
    jobs = {}
    for engine in ENGINES:
        jobs[f"{engine}:{FIRST}"] = (FIRST, ("every", "once"), True, engine, None)
        jobs[f"{engine}:depth"] = (FIRST, ("depth",), False, engine, None)
    jobs.update({f"course:{a}": (a, ("every",), True, "course", None) for a in assignment_ids()[1:]})
    # a coding notebook's kernels come from another zygote (the one that hides the course): attack its reuse too
    jobs[f"course:reuse-{CODING}"] = (CODING, (), False, "course", {c.id for c in hostile.CASES if c.id.startswith("reuse-")})
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(run_corpus, assignment, tmp_path_factory.mktemp(f"hostile-{key.replace(':', '-')}"),
                                    scopes, SANDBOXED, scan, engine, only)
                   for key, (assignment, scopes, scan, engine, only) in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def _runs_of(runs: dict[str, CorpusRun], case: hostile.Case) -> list[CorpusRun]:
    return [run for run in runs.values() if case in run.cases]


def _log_match(run: CorpusRun, case: hostile.Case) -> re.Match | None:
    return re.search(case.log.format(student=re.escape(case.id)), run.log)


@pytest.mark.parametrize("case", hostile.CASES, ids=[c.id for c in hostile.CASES])
def test_each_case_scores_what_it_deserves(runs: dict[str, CorpusRun], case: hostile.Case) -> None:
    if case.sandbox_only:
        require_sandbox()
    graded = _runs_of(runs, case)
    assert graded, f"case {case.id} was not graded"
    for run in graded:
        expected, got = run.expected(case), run.scores(case.id)
        wrong = {gid: (got.get(gid), points) for gid, points in expected.items() if got.get(gid) != points}
        assert not wrong, (f"{case.id} on {run.graded.assignment}: (score, deserved) {wrong}\n"
                           + "\n".join(line for line in run.log.splitlines() if case.id in line)[-3000:])
        assert _log_match(run, case), (f"{case.id} on {run.graded.assignment}: no log line matching {case.log!r}\n"
                                       + "\n".join(line for line in run.log.splitlines() if case.id in line)[-3000:])


def test_the_rest_of_the_class_is_graded(runs: dict[str, CorpusRun]) -> None:
    for key, run in runs.items():
        points = {gid: p for nb in run.graded.notebooks for gid, p in nbs.test_cells(run.graded.source_nb(nb)).items()}
        assert run.scores("reference") == points, f"{key}: the honest classmate lost points"
        # genuine lines only: a student's text is quoted after that student's own name, never first on a line
        failures = set()
        for line in run.log.splitlines():
            error = re.match(r"\[(?:AutogradeApp \| )?ERROR\] There was an error processing assignment '[^']+' "
                             r"for student '([^']+)'", line)
            refused = re.search(r"student '([^']+)', notebook '[^']*': the submission was not graded", line)
            if error:
                failures.add(error.group(1))
            elif refused and refused.start() == line.find("student '"):
                failures.add(refused.group(1))
        # nbgrader refuses a folder without any notebook it knows, the grader one it cannot walk safely
        assert failures <= REFUSED, f"{key}: could not grade {failures - REFUSED}"
        graded = {c.id for c in run.cases} | {"reference"}
        missing = {s for s in graded - failures if not (run.graded.root / "autograded" / s).is_dir()}
        assert not missing, f"{key}: no graded notebook for {missing}"


def test_gradebook_answer_key_and_other_students_are_intact(runs: dict[str, CorpusRun]) -> None:
    for key, run in runs.items():
        changed = sorted(k for k in set(run.before) | set(run.after) if run.before.get(k) != run.after.get(k))
        assert not changed, f"{key}: files in the course changed during grading: {changed}"
        assert run.canary_before == run.canary_after, f"{key}: files outside the course changed"
        assert not (run.graded.root / "PWNED").exists() and not Path("/tmp/course-hostile-PWNED").exists()
        assert not list(run.graded.root.rglob("pwned-by-name*")), "a file name reached a shell"
        assert (run.graded.root / "gradebook.db").stat().st_size > 0
        lost = run.disk_before - run.disk_after
        assert lost < 200 * 1024 * 1024, f"{key}: grading took {lost / 1e6:.0f} MB of the course's disk"


def test_nothing_secret_leaks_and_no_connection_is_made(runs: dict[str, CorpusRun]) -> None:
    require_sandbox()
    run = runs[f"nbgrader:{FIRST}"]
    for student in ("read-secrets", "write-outside", "network", "symlink-planted", "oracle-hooks"):
        printed = run.outputs(student)
        assert printed, f"{student}: the graded notebook shows no output"
        for marker in ("LEAKED", "DAMAGED", "CONNECTED", "SQLite format", "BEGIN SOLUTION", "HIDDEN TESTS",
                       "EXPECTED:"):
            assert marker not in printed, f"{student}: {marker!r} in the graded notebook:\n{printed[:2000]}"
    assert "blocked" in run.outputs("read-secrets")
    assert "gradebook.db" not in run.outputs("read-secrets") and "'source'" not in run.outputs("read-secrets")
    assert "True" not in run.outputs("symlink-planted"), "a planted symlink reached the kernel"
    assert run.connections == [], f"a student reached the grader's machine: {run.connections}"
    copies = [p for p in (run.graded.root / "autograded" / "symlink-planted").rglob("*") if p.name != f"{FIRST}.ipynb"]
    assert not [p for p in copies if p.is_file()], f"nbgrader copied a symlink's target: {copies}"


def test_runaway_code_is_stopped_in_time(runs: dict[str, CorpusRun]) -> None:
    run = runs[f"nbgrader:{FIRST}"]
    ran = {m.group(1): float(m.group(2)) for m in re.finditer(
        r"student '([^']+)', notebook '[^']+': [\d.]+/[\d.]+ autograded points \(ran ([\d.]+) s\)", run.log)}
    for student in ("infinite-loop", "loop-ignores-interrupt", "deep-recursion", "memory-bomb", "fork-bomb"):
        if student in ran:
            assert ran[student] < TIMEOUT + IOPUB + 15, f"{student} held the grader for {ran[student]} s"
    big = run.graded.root / "autograded" / "output-100mb" / FIRST / f"{FIRST}.ipynb"
    assert big.stat().st_size < 5_000_000, f"the 100 MB of output reached the graded notebook ({big.stat().st_size} B)"


def test_every_test_cell_is_self_contained_and_silent() -> None:
    """Across every assignment, each test cell runs in the grader's trusted scope as written: it reads only
    set-up names, its own names, builtins and the answers its solutions bind (so nothing else can come
    from the student); it checks through _check; and it echoes nothing (only _check.partial may end it)."""
    import ast
    import builtins

    from course.grading.trusted import answer_names, bindings, reads

    returns_value = {"call"}
    for source in sorted((ASSIGNMENTS / "source").glob("*/*.ipynb")):
        setup_names: set[str] = set()
        solutions: list[str] = []
        for cell in nbs.load(source).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code":
                continue
            if meta.get("solution"):
                solutions.append(cell.source)
                continue
            if meta.get("locked") and not meta.get("grade"):
                setup_names |= set(bindings(cell.source))
                continue
            if not meta.get("grade"):
                continue
            where = f"{source.name}, {meta['grade_id']}"
            assert "_check." in cell.source, f"{where}: no check through _check"
            free = reads(cell.source) - setup_names - set(dir(builtins))
            unresolved = free - set(answer_names(cell.source, solutions))
            assert not unresolved, f"{where}: reads {sorted(unresolved)}, which neither set-up nor a solution binds"
            code = "\n".join(line.split("#")[0] for line in cell.source.splitlines())
            assert not re.search(r"^\s*assert\b", code, re.M), f"{where}: use _check, not a bare assert"
            assert not re.search(r"\b(math|np|numpy)\.(isclose|allclose|array_equal)\b", code), (
                f"{where}: compare with _check.close/_check.equal")
            last = ast.parse(cell.source).body[-1]
            if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
                func = last.value.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                assert name not in returns_value, f"{where}: its last line shows a value in the notebook"
            else:
                assert not isinstance(last, ast.Expr), f"{where}: its last line shows a value in the notebook"


# One submission of each attack class, graded together on a file system smaller than what they try to fill.
SMALL_DISK_CASES = {"shadow-package", "oracle-hooks", "checker-rewrite", "shadow-builtins", "log-forge", "fill-disk",
                    "memory-outside", "iopub-flood", "fifo-notebook", "sparse-extra", "many-cells", "deep-folders",
                    "tests-ungraded", "answers-worth-100"}
SMALL_DISK_MB = 160


@pytest.fixture(scope="module")
def small_disk(tmp_path_factory: pytest.TempPathFactory) -> tuple[CorpusRun, int]:
    """The class graded by `course grade` in a course folder on a tmpfs of SMALL_DISK_MB (root only)."""
    require_sandbox()
    mount = tmp_path_factory.mktemp("small-disk")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL_DISK_MB}m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        message = f"cannot mount a small tmpfs here ({done.stderr.strip() or 'mount failed'}); needs root"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    try:
        run = run_corpus(FIRST, mount, (), SANDBOXED, engine="course", only=SMALL_DISK_CASES, honest=3)
        free = shutil.disk_usage(mount).free
        yield run, free
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_class_with_every_attack_finishes_on_a_small_disk(small_disk: tuple[CorpusRun, int]) -> None:
    run, free = small_disk
    assert {c.id for c in run.cases} == SMALL_DISK_CASES
    full = {g: p for nb in run.graded.notebooks for g, p in nbs.test_cells(run.graded.source_nb(nb)).items()}
    for student in ("reference", "honest-1", "honest-2", "honest-3"):
        assert run.scores(student) == full, f"{student} lost points next to the attacks"
    for case in run.cases:
        wrong = {g: (run.scores(case.id).get(g), p) for g, p in run.expected(case).items()
                 if run.scores(case.id).get(g) != p}
        assert not wrong, f"{case.id} on a small disk: (score, deserved) {wrong}"
    assert free > SMALL_DISK_MB * 1024 * 1024 // 2, f"the attacks left {free / 1e6:.0f} MB of {SMALL_DISK_MB} MB free"


def _hidden_lines(run: CorpusRun) -> list[str]:
    """The distinctive lines of every hidden test of the run's assignment."""
    lines = []
    for nb in run.graded.notebooks:
        for cell in run.graded.source_nb(nb).cells:
            inside = False
            for line in cell.source.splitlines():
                if "BEGIN HIDDEN TESTS" in line:
                    inside = True
                elif "END HIDDEN TESTS" in line:
                    inside = False
                elif inside and len(line.strip()) > 25:
                    lines.append(line.strip())
    return lines


def test_no_hidden_test_reaches_any_students_notebook(runs: dict[str, CorpusRun]) -> None:
    """Test cells never run in the kernel, so no hook, frame or shell object there can show one."""
    for key, run in runs.items():
        hidden = _hidden_lines(run)
        assert hidden, f"{key}: the assignment has no hidden tests to look for"
        for case in run.cases:
            printed = run.outputs(case.id)
            seen = [line for line in hidden if line in printed]
            assert not seen, f"{key}: {case.id} shows hidden test lines {seen[:3]}"


def test_the_log_names_only_the_student_who_wrote_it(runs: dict[str, CorpusRun]) -> None:
    for key, run in runs.items():
        if not any(c.id == "log-forge" for c in run.cases):
            continue
        forged = [line for line in run.log.splitlines() if ("(forged)" in line or "for student 'reference'" in line)
                  and "student 'log-forge'" not in line.split("(forged)")[0].split("for student 'reference'")[0]]
        assert not forged, f"{key}: a student's text reached the grader's log as a line of its own: {forged[:2]}"
        genuine = re.findall(r"student 'reference', notebook '[^']+': [\d.]+/[\d.]+ autograded points", run.log)
        assert len(genuine) == len(run.graded.notebooks), f"{key}: the reference's summary lines: {genuine}"
        assert any(f["student"] == "log-forge" for f in run.findings) or "log-forge" in run.log


def test_every_finding_is_recorded_and_flagged(runs: dict[str, CorpusRun]) -> None:
    """Findings are JSON lines in the course's findings file, and flag the notebook in the gradebook."""
    from nbgrader.api import Gradebook

    for key, run in runs.items():
        by_student = {f["student"] for f in run.findings}
        assert "reference" not in by_student, f"{key}: the honest classmate was flagged: " + str(
            [f for f in run.findings if f["student"] == "reference"][:3])
        expected = {c.id for c in run.cases if "autograded points" not in c.log and c.id not in REFUSED
                    and c.log != r"Skipping unknown notebook: [^\n]*{student}"}
        missing = expected - by_student
        assert not missing, f"{key}: no finding recorded for {sorted(missing)}"
        with Gradebook(run.graded.db_url) as gb:
            for student in sorted(by_student - REFUSED):
                for nb in run.graded.notebooks:
                    try:
                        flagged = gb.find_submission_notebook(nb, run.graded.assignment, student).flagged
                    except Exception:  # noqa: BLE001 - a submission nbgrader never created
                        continue
                    assert flagged, f"{key}: {student}'s notebook has findings but is not flagged"


def test_the_grader_never_parses_a_flood(runs: dict[str, CorpusRun]) -> None:
    for key, run in runs.items():
        if any(c.id == "iopub-flood" for c in run.cases):
            assert 0 < run.peak_kib < 1_500_000, f"{key}: the grader reached {run.peak_kib / 1024:.0f} MiB"


def test_no_submission_leaves_anything_behind_for_the_next(runs: dict[str, CorpusRun]) -> None:
    """Warm or cold, each kernel starts from nothing and leaves nothing: no planted answer is found,
    no process of a finished submission runs on, nothing is written outside its sandbox."""
    for key, run in runs.items():
        if not any(c.id == "reuse-b-harvester" for c in run.cases):
            continue
        assert "harvested []" in run.outputs("reuse-b-harvester"), run.outputs("reuse-b-harvester")[:500]
        assert "contained []" in run.outputs("reuse-escape"), run.outputs("reuse-escape")[:500]
        marker = hostile.survivor_marker(next(iter(run.contexts.values()))).encode()
        alive = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and marker in (proc / "environ").read_bytes():
                    alive.append(proc.name)
            except OSError:
                continue
        assert not alive, f"{key}: processes of a graded submission still run: {alive}"


def test_runaway_submissions_cost_bounded_time(runs: dict[str, CorpusRun]) -> None:
    run = runs[f"nbgrader:{FIRST}"]
    ran = {m.group(1): float(m.group(2)) for m in re.finditer(
        r"student '([^']+)', notebook '[^']+': [\d.]+/[\d.]+ autograded points \(ran ([\d.]+) s\)", run.log)}
    for student in ("many-cells", "fifo-notebook", "iopub-flood", "memory-outside", "fill-disk"):
        if student in ran:
            assert ran[student] < TIMEOUT * 4 + 30, f"{student} held the grader for {ran[student]} s"



def _table(runs: dict[str, CorpusRun]) -> str:
    scope_words = {"every": "each assignment", "once": "once ({})", "depth": "once, scan off ({})"}
    rows = ["| Case | What the student does | Deserves | Graded | Logged | Runs |", "| --- | --- | --- | --- | --- | --- |"]
    for case in hostile.CASES:
        graded = _runs_of(runs, case)
        if not graded:
            result, logged = "not run (needs the bubblewrap sandbox)", ""
        else:
            words = set()
            for run in graded:
                points = {g: p for c in run.contexts.values() for g, p in case.expect(c).items()}
                full = {g: p for nb in run.graded.notebooks for g, p in nbs.test_cells(run.graded.source_nb(nb)).items()}
                ok = all(run.scores(case.id).get(g) == p for g, p in points.items())
                words.add(("✔ " if ok else "✘ ") + outcome_words(run.scores(case.id), full))
            result = "; ".join(sorted(words))
            logged = _logged(graded[0], case)
        engines = " and ".join(sorted({"`nbgrader autograde`" if r.engine == "nbgrader" else "`course grade`"
                                       for r in graded}))
        names = ", ".join(sorted({c.assignment for r in graded for c in r.contexts.values()})) or FIRST
        scope = scope_words[case.scope].format(names)
        where = f"{scope}: {engines}" if graded else scope
        rows.append(f"| `{case.id}` | {case.does} | {case.expected} | {result} | {logged} | {where} |")
    return "\n".join(rows)


def _logged(run: CorpusRun, case: hostile.Case) -> str:
    """The log line that names the case, from after the notebook to the end of the match (no timings, no paths)."""
    match = _log_match(run, case)
    if not match:
        return "✘ no log line"
    text = re.sub(r"^[^\n]*?notebook '[^']+'[:,] ?", "", match.group(0))
    text = re.sub(r" \(ran [\d.]+ s\)", "", text).replace(str(run.graded.root), "<course>")
    for part in ("errors in the student's cells:", "tests that did not pass:"):
        if part in text:  # the end of a notebook's summary line says what happened
            text = text[text.rindex(part):]
            break
    text = re.sub(r"\s+", " ", text).replace("|", "/")
    return text if len(text) <= 140 else text[:139] + "…"


def test_security_md_lists_the_corpus_as_graded(runs: dict[str, CorpusRun]) -> None:
    if not SANDBOXED and os.environ.get("CI") != "true":
        pytest.skip("the table in SECURITY.md is made with the sandbox")
    text = SECURITY.read_text(encoding="utf-8")
    assert TABLE_START in text and TABLE_END in text, f"SECURITY.md needs {TABLE_START} ... {TABLE_END}"
    head, rest = text.split(TABLE_START, 1)
    table, tail = rest.split(TABLE_END, 1)
    fresh = "\n" + _table(runs) + "\n"
    if os.environ.get("COURSE_UPDATE_SECURITY") == "1":
        SECURITY.write_text(head + TABLE_START + fresh + TABLE_END + tail, encoding="utf-8")
        return
    assert table == fresh, ("SECURITY.md's table of hostile cases differs from this run; rerun with "
                            "COURSE_UPDATE_SECURITY=1 to rewrite it.\n--- in SECURITY.md\n" + table
                            + "\n--- this run\n" + fresh)
