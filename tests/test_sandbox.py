"""The grading sandbox and the grading guards: isolation, limits, the integrity scan, and honest grades unchanged.

- The sandbox's command and its refusals (unit tests, fast).
- A live sandboxed kernel: it runs as an unprivileged user, sees only its own files, has no network,
  no secrets in its environment, and hits its memory and file-size limits.
- The integrity scan never flags honest code of any assignment (the reference, every typical wrong
  answer, warnings) and flags each kind of tampering.
- Honest submissions of every assignment get identical scores from stock nbgrader and from the
  course's config with the sandbox (the real `nbgrader autograde`, both runs side by side).
"""

from __future__ import annotations

import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from course.errors import CourseValueError
from course.grading import integrity, sandbox
from course.grading import notebooks as nbs

from harness import ASSIGNMENTS, ROOT, assignment_ids, run_nbgrader, submissions, wrong_answers
from hostile_run import prepare, require_sandbox

SANDBOXED = sandbox.available()




# -- the command -------------------------------------------------------------------------------------

def test_limits_are_checked_and_become_prlimit_options() -> None:
    assert "--nproc=64" in sandbox.Limits().prlimit_args()
    assert f"--as={512 * 1024 * 1024}" in sandbox.Limits(memory_mb=512).prlimit_args()
    with pytest.raises(CourseValueError, match="memory_mb"):
        sandbox.Limits(memory_mb=0)


def test_mode_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_SANDBOX", "required")
    assert sandbox.mode_from_env() == "required"
    monkeypatch.setenv("COURSE_SANDBOX", "sometimes")
    with pytest.raises(CourseValueError, match="COURSE_SANDBOX"):
        sandbox.mode_from_env()


def test_the_command_isolates_and_exposes_nothing_of_the_course(tmp_path: Path) -> None:
    box = sandbox._Box(tmp_path, cwd="/srv/course/autograded/ann/00-warmup", submission_files=[],
                       limits=sandbox.Limits())
    try:
        argv = box.command(["python", "-m", "ipykernel_launcher"])
        for flag in ("--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent", "--clearenv", "--info-fd"):
            assert flag in argv
        sources = [argv[i + 1] for i, a in enumerate(argv) if a in ("--bind", "--ro-bind")]
        assert all(not s.startswith(str(ASSIGNMENTS)) for s in sources), sources
        assert str(ROOT) not in sources, "the whole repository would be visible"
        assert "--bind" not in argv, "nothing of the host may be writable from inside"
        tmpfs = [argv[i + 1] for i, a in enumerate(argv) if a == "--tmpfs"]
        assert {"/tmp", "/dev/shm", sandbox._IPC, "/srv/course/autograded/ann/00-warmup"} <= set(tmpfs)
        sizes = [argv[i + 1] for i, a in enumerate(argv) if a == "--size"]
        assert len(sizes) == len(tmpfs), "every writable folder has a size"
        env = {argv[i + 1]: argv[i + 2] for i, a in enumerate(argv) if a == "--setenv"}
        assert env["PYTHONSAFEPATH"] == "1", "the working folder must not be on sys.path"
        assert "COURSE_DB_URL" not in argv and argv[-3:] == ["python", "-m", "ipykernel_launcher"]
        if sandbox._seccomp_program() is not None:
            assert "--seccomp" in argv
    finally:
        box.cleanup()


def test_hidden_packages_leave_only_what_the_checks_need(tmp_path: Path) -> None:
    import course

    box = sandbox._Box(tmp_path, cwd="/w", submission_files=[], limits=sandbox.Limits(), hide=("course", "geographiclib"))
    try:
        argv = box.command(["python"])
        package = os.path.dirname(os.path.realpath(course.__file__))
        assert package in [argv[i + 1] for i, a in enumerate(argv) if a == "--tmpfs"]
        kept = [argv[i + 2] for i, a in enumerate(argv) if a == "--ro-bind" and argv[i + 2].startswith(package + os.sep)]
        assert sorted(os.path.basename(k) for k in kept) == ["__init__.py", "errors.py", "testkit.py"]
        assert any(p.endswith("geographiclib") for p, _ in sandbox.hidden_packages(("geographiclib",)))
        assert sandbox.hidden_packages(("not_installed_anywhere",)) == []
    finally:
        box.cleanup()


def test_the_seccomp_filter_refuses_memfd_create_only() -> None:
    import platform
    import struct

    program = sandbox._seccomp_program()
    if platform.machine() not in ("x86_64", "aarch64"):
        assert program is None
        return
    rows = [struct.unpack("<HBBI", program[i:i + 8]) for i in range(0, len(program), 8)]
    numbers = {k for code, _, _, k in rows if code == 0x15}
    assert {319 if platform.machine() == "x86_64" else 279} <= numbers
    assert rows[-2][3] == 0x00050001 and rows[-1][3] == 0x7FFF0000  # EPERM for it, allow for the rest


def test_a_python_inside_the_course_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(sandbox.SandboxError, match="would expose"):
        sandbox._Box(tmp_path, cwd="/x", submission_files=[], limits=sandbox.Limits(),
                     forbidden=(os.path.realpath(sys.prefix) + "/course-root",))


def test_without_bubblewrap_grading_says_it_is_not_isolated(monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(sandbox, "_probe_cached", lambda: (False, "bwrap not found"))
    monkeypatch.setattr(sandbox, "_WARNED", set())
    with caplog.at_level(logging.WARNING, logger="course.sandbox"):
        manager = sandbox.kernel_manager_class("auto")
    assert manager is not sandbox.SandboxKernelManager
    assert "NOT ISOLATED" in caplog.text and "bwrap not found" in caplog.text
    assert sandbox.status().startswith("NOT ISOLATED")
    with pytest.raises(sandbox.SandboxError, match="required"):
        sandbox.kernel_manager_class("required")


def test_the_config_hook_swaps_in_the_guards() -> None:
    from course.grading.config import nbgrader_config

    config = nbgrader_config("off")
    names = [p.__name__ for p in config.Autograde.autograde_preprocessors]
    assert "GuardedExecute" in names and "Execute" not in names
    assert "SafeOverwriteCells" in [p.__name__ for p in config.Autograde.sanitize_preprocessors]
    assert config.GuardedExecute.sandbox == "off" and config.Autograde.exporter_class.__name__ == "GuardedExporter"
    assert names.index("FlagFindings") == names.index("SaveAutoGrades") + 1, "findings flag after the scores are saved"


# -- a live sandboxed kernel -------------------------------------------------------------------------

PROBE = r'''
import os, socket, json
report = {"uid": os.getuid(), "cwd": sorted(os.listdir(".")), "root": sorted(os.listdir("/")),
          "env": sorted(k for k in os.environ if "SECRET" in k or "DB_URL" in k)}
for name, path in [("course", COURSE), ("shadow", "/etc/shadow"), ("home", os.path.expanduser("~root"))]:
    try:
        report[name] = sorted(os.listdir(path)) if os.path.isdir(path) else open(path).read(20)
    except OSError as err:
        report[name] = type(err).__name__
try:
    socket.create_connection(("127.0.0.1", 22), timeout=2)
    report["net"] = "connected"
except OSError as err:
    report["net"] = type(err).__name__
try:
    hog = bytearray(8 * 1024**3)
    report["memory"] = "allowed 8 GiB"
except MemoryError:
    report["memory"] = "MemoryError"
try:
    with open("big.bin", "wb") as f:
        f.write(b"x" * (100 * 1024**2))
    report["file"] = "wrote 100 MiB"
except OSError as err:
    report["file"] = type(err).__name__
open("note.txt", "w").write("written inside")
import sys
report["safe_path"] = bool(sys.flags.safe_path) and "" not in sys.path and os.getcwd() not in sys.path
try:
    os.memfd_create("hog")
    report["memfd"] = "allowed"
except OSError as err:
    report["memfd"] = type(err).__name__
writable = []
for folder in ("/", "/usr", "/etc", "/run", "/run/course-ipc", "/tmp", "/dev/shm", "/dev", ".", COURSE):
    try:
        with open(os.path.join(folder, "probe-write"), "w") as f:
            f.write("x")
        writable.append(folder)
    except OSError:
        pass
report["writable"] = writable
limits = {}
for folder in ("/tmp", "/dev/shm", "/run/course-ipc", "."):
    st = os.statvfs(folder)
    limits[folder] = st.f_blocks * st.f_frsize
report["sizes"] = limits
report["fds"] = sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
import importlib.util
report["course_geo"] = importlib.util.find_spec("course.geo") is not None
print(json.dumps(report))
'''


def test_a_sandboxed_kernel_sees_only_its_own_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_sandbox()
    from nbclient import NotebookClient

    course_root = tmp_path / "course"
    work = course_root / "autograded" / "ann" / "00-warmup"
    work.mkdir(parents=True)
    (work / "data.csv").write_text("a,b\n")
    (course_root / "gradebook.db").write_text("secret grades")
    monkeypatch.setenv("COURSE_DB_URL", "postgresql://grader:SECRET@db/course")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"COURSE = {str(course_root)!r}\n" + PROBE)]
    client = NotebookClient(nb, kernel_manager_class=sandbox.SandboxKernelManager, timeout=120,
                            resources={"metadata": {"path": str(work)}})
    client.execute()
    import json

    report = json.loads(nb.cells[0].outputs[0]["text"])
    assert report["cwd"] == ["data.csv"], report
    assert report["course"] in (["autograded"], "FileNotFoundError"), f"the course folder is visible: {report['course']}"
    assert report["shadow"] in ("FileNotFoundError", "PermissionError")
    assert report["net"] in ("ConnectionRefusedError", "OSError") and report["env"] == []
    assert report["memory"] == "MemoryError" and report["file"] == "OSError"
    if os.geteuid() == 0:
        assert report["uid"] != 0, "the kernel runs as root"
    assert sorted(os.listdir(work)) == ["data.csv"], "the kernel wrote into the grader's folder"
    assert "gradebook.db" not in report["root"]
    assert report["safe_path"], "the working folder is importable"
    assert report["memfd"] == "PermissionError", "memfd_create escapes every memory limit"
    assert set(report["writable"]) == {"/run/course-ipc", "/tmp", "/dev/shm", "."}, report["writable"]
    assert all(0 < size <= 300 * 1024 * 1024 for size in report["sizes"].values()), report["sizes"]
    assert report["course_geo"], "without hide the kernel has the whole course"


def test_a_sandbox_with_hidden_packages_cannot_reach_them(tmp_path: Path) -> None:
    """The own-work rule for coding notebooks: the forbidden packages are not on the kernel's disk."""
    require_sandbox()
    import subprocess

    box = sandbox._Box(tmp_path / "box", cwd="/w", submission_files=[], limits=sandbox.Limits(),
                       hide=("course", "geographiclib")) if (tmp_path / "box").mkdir() is None else None
    code = ("import importlib.util as u, os, subprocess, sys, course, course.testkit\n"
            "print(u.find_spec('course.geo'), u.find_spec('geographiclib.geodesic'))\n"
            "print(sorted(os.listdir(os.path.dirname(course.__file__))))\n"
            "child = subprocess.run([sys.executable, '-c', 'import geographiclib.geodesic'], capture_output=True)\n"
            "print(child.returncode)")
    try:
        argv = box.command([sys.executable, "-c", code])
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, pass_fds=box.pass_fds())
    finally:
        box.cleanup()
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and lines[0] == "None None", done.stdout + done.stderr
    assert lines[1] == "['__init__.py', 'errors.py', 'testkit.py']"
    assert lines[2] != "0", "a child process reached geographiclib"


# -- the integrity scan ------------------------------------------------------------------------------

def _setup_names(source_nb: object) -> list[str]:
    names: list[str] = []
    for cell in source_nb.cells:  # type: ignore[attr-defined]
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("locked") and not meta.get("grade"):
            names += integrity.bound_names(cell.source)
    return names


@pytest.mark.parametrize("assignment", assignment_ids())
def test_the_scan_never_flags_honest_code(assignment: str) -> None:
    for path in sorted((ASSIGNMENTS / "source" / assignment).glob("*.ipynb")):
        source = nbs.load(path)
        setup = _setup_names(source)
        reference = nbs.reference_answers(source)
        assert integrity.scan_cells(list(reference.items()), setup) == []
        for cell, cases in wrong_answers(assignment).items():
            for case in cases:
                found = integrity.scan_cells([(cell, case["code"])], setup)
                assert found == [], f"{assignment} {cell} ({case['why']}): {found}"
        warned = [("prelude", nbs.WARNING_PRELUDE)] + list(nbs.warning_answers(source).items())
        assert integrity.scan_cells(warned, setup) == []


@pytest.mark.parametrize("code, rule", [
    ("get_ipython().showtraceback = None", "kernel"),
    ("%config InlineBackend.figure_format = 'svg'", "kernel"),
    ("%%capture\nimport gc", "introspection"),
    ("import ctypes", "introspection"),
    ("f = lambda: 0\nf.__code__ = None", "introspection"),
    ("import sys\nsys.modules['math'].pi = 3", "introspection"),
    ("print(open('/proc/self/mem', 'rb'))", "introspection"),
    ("exec('x = 1')", "dynamic-code"),
    ("import helper_written_at_run_time", "dynamic-code"),
    ("import math\nmath.isclose = lambda *a, **k: True", "patching"),
    ("import numpy as np\nalias = np\nalias.allclose = all", "patching"),
    ("from course.testkit import Checker\nChecker.equal = print", "patching"),
    ("import course.testkit as t\nt.Checker = print", "patching"),
    ("_check = None", "patching"),
    ("def f():\n    global _check\n    _check = None", "patching"),
    ("article.paragraph('p12').parts['caption'] = 'x'", "patching"),
    ("article._by_id.clear()", "patching"),
])
def test_the_scan_flags_tampering(code: str, rule: str) -> None:
    found = integrity.scan_cells([("ex00_1", code)], ["article", "_check", "Checker", "load_article", "course"])
    assert rule in {f.rule for f in found}, found


@pytest.mark.parametrize("code", [
    "import os\nos.remove('mine.txt')",
    "bodies = article.by_role('body')\nbodies.sort(key=len)",
    "article = load_article()",
    "import math\nx = math.sqrt(2)\nd = {}\nd['k'] = 1",
    "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.rcParams['figure.dpi'] = 100",
    "class P:\n    def __init__(self):\n        super().__init__()\n        self.x = 1",
])
def test_the_scan_lets_honest_code_pass(code: str) -> None:
    assert integrity.scan_cells([("ex00_1", code)], ["article", "_check", "load_article"]) == []


# -- honest grades are the same with and without the sandbox ----------------------------------------

def _grade(assignment: str, tmp: Path, safe: bool) -> dict:
    graded = prepare(assignment, tmp)
    if not safe:  # stock nbgrader: the course's config without its safe-grading block
        config = graded.root / "nbgrader_config.py"
        config.write_text(config.read_text(encoding="utf-8").split("# Safe grading")[0], encoding="utf-8")
    honest = {k: v for k, v in submissions(graded).items() if not k.startswith("gaming")}
    for student, books in honest.items():
        for notebook, nb in books.items():
            nbs.save(nb, graded.root / "submitted" / student / assignment / f"{notebook}.ipynb")
    env = dict(graded.env, COURSE_SANDBOX="required" if safe else "off")
    done = run_nbgrader(["autograde", assignment], graded.root, env, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    if safe:
        assert "NOT ISOLATED" not in done.stdout + done.stderr
    return {student: graded.scores(student) for student in honest}


@pytest.mark.grading
@pytest.mark.slow
@pytest.mark.parametrize("assignment", assignment_ids())
def test_honest_submissions_score_the_same_with_and_without_the_sandbox(assignment: str,
                                                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    require_sandbox()
    with ThreadPoolExecutor(max_workers=2) as pool:
        stock = pool.submit(_grade, assignment, tmp_path_factory.mktemp(f"stock-{assignment}"), False)
        safe = pool.submit(_grade, assignment, tmp_path_factory.mktemp(f"safe-{assignment}"), True)
        stock_scores, safe_scores = stock.result(), safe.result()
    assert set(stock_scores) >= {"reference", "stub", "warning"}
    assert safe_scores == stock_scores
    assert any(score for (score, _, _) in safe_scores["reference"].values()), "the reference earned nothing"


def test_course_grade_launches_kernels_through_the_sandbox_hook() -> None:
    """`course grade` and `selfgrade` get the sandbox and the guards through config.kernel_config()."""
    from course.grading.config import kernel_config
    from course.grading.execute import GuardedExecute

    config = kernel_config()
    assert GuardedExecute in config.Autograde.autograde_preprocessors
    assert config.GuardedExecute.sandbox in ("auto", "required", "off")


def test_restored_cells_follow_the_instructors_notebook_not_the_gradebook(tmp_path) -> None:
    """PostgreSQL returns source cells in any order; the guard reads the order from the source notebook."""
    import shutil
    from types import SimpleNamespace

    from traitlets.config import Config

    from course.grading.guard import instructor_order
    from course.grading.notebooks import load

    src = tmp_path / "source" / "00-warmup"
    shutil.copytree(Path(__file__).resolve().parents[1] / "assignments" / "source" / "00-warmup", src)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in load(src / "00-warmup.ipynb").cells if "nbgrader" in c.metadata]
    shuffled = [SimpleNamespace(name=n) for n in reversed(ids)]
    config = Config()
    config.CourseDirectory.root = str(tmp_path)
    assert [c.name for c in instructor_order(shuffled, config, "00-warmup", "00-warmup")] == ids
    assert [c.name for c in instructor_order(shuffled, config, "00-warmup", "missing")] == list(reversed(ids))


# -- warm kernels (a zygote forks each one into its own fresh sandbox) ---------------------------------------

def _run_probe(manager: type, tmp_path: Path) -> dict:
    from nbclient import NotebookClient
    import json

    course_root = tmp_path / "course"
    work = course_root / "autograded" / "ann" / "00-warmup"
    work.mkdir(parents=True)
    (work / "data.csv").write_text("a,b\n")
    nb = nbformat.v4.new_notebook()
    extra = ("\nimport threading\nreport['threads'] = threading.active_count()\n"
             "report['pid'] = os.getpid()\nreport['open_fds'] = len(os.listdir('/proc/self/fd'))\n"
             "print(json.dumps(report))")
    nb.cells = [nbformat.v4.new_code_cell(f"COURSE = {str(course_root)!r}\n" + PROBE + extra)]
    NotebookClient(nb, kernel_manager_class=manager, timeout=120, shutdown_kernel="immediate",
                   extra_arguments=["--HistoryManager.enabled=False"],
                   resources={"metadata": {"path": str(work)}}).execute()
    lines = [o["text"] for o in nb.cells[0].outputs if o.get("name") == "stdout"]
    return json.loads(lines[0].splitlines()[-1])


def require_zygote() -> None:
    """Skip visibly (fail under CI=true) where warm kernels cannot run."""
    from course.grading import zygote

    if not zygote.available():
        message = "warm kernels need grading as root on Linux"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def test_a_warm_kernel_is_as_isolated_as_a_cold_one(tmp_path: Path) -> None:
    """The zygote's kernel: its own user id, no capability, the sandbox's folders, limits, filter and PID
    namespace, none of the zygote's descriptors, and only ipykernel's own threads."""
    require_sandbox()
    from course.grading.warm import WarmKernelManager

    require_zygote()
    cold = _run_probe(sandbox.SandboxKernelManager, tmp_path / "cold")
    warm = _run_probe(WarmKernelManager, tmp_path / "warm")
    for key in ("cwd", "course", "shadow", "net", "env", "memory", "file", "safe_path", "memfd", "writable", "sizes"):
        assert warm[key] == cold[key], f"{key}: warm {warm[key]!r}, cold {cold[key]!r}"
    assert warm["uid"] not in (0, cold["uid"]), "each sandbox gets its own unprivileged user"
    assert warm["pid"] < 100, "the warm kernel is not inside the sandbox's PID namespace"
    assert warm["open_fds"] <= cold["open_fds"] + 2, f"inherited descriptors: warm {warm['open_fds']}, cold {cold['open_fds']}"
    assert warm["threads"] <= cold["threads"], f"threads: warm {warm['threads']}, cold {cold['threads']}"


def test_a_warm_kernel_that_hides_the_course_is_forked_warm_and_has_none_of_it(tmp_path: Path) -> None:
    """A coding notebook's kernel comes from the zygote for its hidden packages (not cold after a failed
    zygote), and holds nothing of the hidden course: not the grader's modules the zygote ran from, not the
    library's, and nothing on its disk but the test kit."""
    require_sandbox()
    from nbclient import NotebookClient

    from course.grading.warm import WarmKernelManager

    require_zygote()

    class Hiding(WarmKernelManager):
        sandbox_hide = ("course", "geographiclib")

    code = ("import importlib, sys, course, course.testkit\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('course', 'geographiclib')))\n"
            "tries = {}\n"
            "for name in ('course.grading', 'course.grading.zygote', 'course.geo', 'geographiclib.geodesic'):\n"
            "    try:\n"
            "        importlib.import_module(name)\n"
            "        tries[name] = 'imported'\n"
            "    except ImportError as err:\n"
            "        tries[name] = type(err).__name__\n"
            "print(hasattr(course, 'grading'), sorted(tries.items()))")
    managers = []

    class Recording(Hiding):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            managers.append(self)

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    work = tmp_path / "work"
    work.mkdir()
    NotebookClient(nb, kernel_manager_class=Recording, timeout=120, shutdown_kernel="immediate",
                   resources={"metadata": {"path": str(work)}}).execute()
    lines = "".join(o.get("text", "") for o in nb.cells[0].outputs).splitlines()
    assert managers and managers[0]._warm and not managers[0]._force_cold, "the kernel started cold"
    assert set(eval(lines[0])) <= {"course", "course.errors", "course.testkit"}, lines  # noqa: S307 (our own output)
    assert lines[1] == ("False [('course.geo', 'ModuleNotFoundError'), ('course.grading', 'ModuleNotFoundError'), "
                        "('course.grading.zygote', 'ModuleNotFoundError'), ('geographiclib.geodesic', "
                        "'ModuleNotFoundError')]"), lines


def test_a_failing_zygote_falls_back_to_a_cold_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_sandbox()
    from course.grading import zygote
    from course.grading.warm import WarmKernelManager

    class Broken:
        def spawn(self, request: dict, timeout: float = 0) -> int:
            raise zygote.ZygoteError("a broken zygote")

    monkeypatch.setattr(zygote, "zygote_for", lambda hide: Broken())
    report = _run_probe(WarmKernelManager, tmp_path)
    assert report["cwd"] == ["data.csv"] and report["memfd"] == "PermissionError"
