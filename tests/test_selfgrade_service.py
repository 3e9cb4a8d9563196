"""The warm selfgrade service: same scores as an in-process run, reused, isolated, and it never lingers.

Each test gets its own ``COURSE_CACHE`` (so its own service folder and socket), its own ``TMPDIR``
(the scratch courses) and the gradebook that nbgrader generated once for the module; the
``learner`` fixture stops the service the test started and checks that none is left. The service
needs warm kernels (root, bubblewrap); without them these tests skip visibly, and fail under CI=true.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from classroom import course
from course.grading import hostile
from course.grading import notebooks as nbs
from course.grading import selfgrade_client as client
from course.grading import selfgrade
from course.grading.selfgrade import generated_gradebook

ROOT = Path(__file__).resolve().parents[1] / "assignments"
ASSIGNMENT = "00-warmup"
SCORE = re.compile(r"^  (\S+)\s+(\d+(?:\.\d+)?) of (\d+(?:\.\d+)?)$", re.M)


def _why_not() -> str | None:
    os.environ["COURSE_SELFGRADE_SERVICE"] = "on"
    try:
        return client.enabled()
    finally:
        os.environ["COURSE_SELFGRADE_SERVICE"] = "off"


if _why_not():
    if os.environ.get("CI") == "true":
        pytest.fail(f"the selfgrade service cannot run here: {_why_not()}", pytrace=False)
    pytest.skip(f"the selfgrade service cannot run here: {_why_not()}", allow_module_level=True)


@dataclass
class Learner:
    tmp: Path
    cache: Path
    source: Any  # the instructor's notebook
    release: Any  # the student version nbgrader generated

    def write(self, nb: Any, name: str = f"{ASSIGNMENT}.ipynb") -> Path:
        path = self.tmp / "work" / name
        path.parent.mkdir(exist_ok=True)
        nbs.save(nb, path)
        return path

    @property
    def reference(self) -> Any:
        return nbs.fill(self.release, nbs.reference_answers(self.source))

    def context(self) -> hostile.Context:
        return hostile.Context(ASSIGNMENT, ASSIGNMENT, self.source, self.release, ROOT)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache that holds nbgrader's generated gradebook (and release) of the assignment, made once."""
    cache = tmp_path_factory.mktemp("generated")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COURSE_CACHE", str(cache))
        assert generated_gradebook(ROOT, ASSIGNMENT) is not None
    return cache


@pytest.fixture
def learner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, generated: Path) -> Iterator[Learner]:
    cache = tmp_path / "cache"
    shutil.copytree(generated / "selfgrade", cache / "selfgrade")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("COURSE_CACHE", str(cache))
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("COURSE_SELFGRADE_SERVICE", "on")
    monkeypatch.setenv("COURSE_SELFGRADE_IDLE", "120")
    release = nbs.load(next(cache.glob(f"selfgrade/{ASSIGNMENT}-*/release/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")))
    source = nbs.load(ROOT / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    try:
        yield Learner(tmp_path, cache, source, release)
    finally:
        client.stop_service()
        assert client.service_pid() is None, "a selfgrade service is still running"


def _grade(capsys: pytest.CaptureFixture, path: Path, *more: str) -> tuple[dict[str, tuple[float, float]], str, str]:
    code, out, err = course(capsys, "selfgrade", str(path), "--no-open", *more)
    assert code == 0, out + err
    assert "Traceback" not in out + err
    return {m[0]: (float(m[1]), float(m[2])) for m in SCORE.findall(out)}, out, err


def _page(out: str) -> str:
    return Path(out.split("feedback: ")[1].split()[0]).read_text(encoding="utf-8")


def test_the_service_grades_like_the_in_process_run_and_is_reused(learner: Learner, capsys: pytest.CaptureFixture,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = learner.context()
    half = nbs.fill(learner.release, {hostile.answer_ids(ctx)[0]: nbs.reference_answers(learner.source)[
        hostile.answer_ids(ctx)[0]]})  # one answer right, the rest stubs: unequal scores per cell
    mine = learner.write(half)
    in_process = selfgrade.selfgrade

    def not_here(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("graded in the test's process, not by the service")

    monkeypatch.setattr(selfgrade, "selfgrade", not_here)
    warm, out, err = _grade(capsys, mine)
    first = client.service_pid()
    assert first is not None and not err, err
    again, out2, _ = _grade(capsys, mine)
    assert client.service_pid() == first  # the same service answered both
    monkeypatch.setattr(selfgrade, "selfgrade", in_process)
    monkeypatch.setenv("COURSE_SELFGRADE_SERVICE", "off")
    cold, out3, _ = _grade(capsys, mine)
    assert warm == again == cold, (warm, cold)
    assert set(nbs.test_cells(learner.source)) <= set(warm) and 0 < sum(s for s, _ in warm.values()) < sum(
        m for _, m in warm.values())
    lines = [[line for line in o.splitlines() if not line.startswith("feedback:")] for o in (out, out2, out3)]
    assert lines[0] == lines[1] == lines[2]
    pages = [Path(o.split("feedback: ")[1].split()[0]) for o in (out, out2, out3)]
    assert len(set(pages)) == 3 and all(p.is_file() and learner.tmp in p.parents for p in pages)  # a scratch each


def test_a_stale_socket_is_replaced_and_a_killed_service_restarts(learner: Learner,
                                                                  capsys: pytest.CaptureFixture) -> None:
    folder = client.private_folder()
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with client.address(folder) as where:
        stale.bind(where)  # a socket file that nothing listens on any more
    stale.close()
    mine = learner.write(learner.reference)
    full, _, err = _grade(capsys, mine)
    assert not err and all(s == m for s, m in full.values())
    pid = client.service_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert _wait_gone(pid, 10)
    assert (learner.cache / "selfgrade-service" / client.SOCKET).exists()  # left behind,
    assert _refused(folder, 10)  # and stale: nothing listens on it any more
    assert client.ask({"op": "ping"})["pid"] not in (None, pid)  # a new service in place of the killed one
    assert client.service_pid() not in (None, pid)


def test_a_service_that_fails_gives_one_friendly_line_and_the_same_grades(learner: Learner,
                                                                          capsys: pytest.CaptureFixture,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    mine = learner.write(nbs.fill(learner.release, {}))
    # 1. a service that accepts the request and dies before it answers
    folder = client.private_folder()
    fake = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with client.address(folder) as where:
        fake.bind(where)
    fake.listen(1)
    fake.settimeout(60)

    def vanish() -> None:  # the "service": read the request, then close without an answer
        conn, _ = fake.accept()
        with conn:
            conn.recv(65536)

    thread = threading.Thread(target=vanish)
    thread.start()
    zero, out, err = _grade(capsys, mine)
    thread.join()
    fake.close()
    assert "warm grading service could not grade (it did not answer" in err and "grading in this process instead" in err
    assert f"Its log: {folder / client.LOG}" in err
    assert len(err.strip().splitlines()) == 1, err
    assert zero and all(s == 0 for s, _ in zero.values())
    (folder / client.SOCKET).unlink()
    # 2. a service that cannot start at all: the same line, and the caller grades in its own process
    real = client.MODULE
    monkeypatch.setattr(client, "MODULE", "course.no_such_service_module")
    args = argparse.Namespace(notebooks=[str(mine)], assignment=None, root=None)
    assert selfgrade._warm(args) is None
    err = capsys.readouterr().err
    assert "did not answer" in err and "did not start" in err and len(err.strip().splitlines()) == 1, err
    assert client.service_pid() is None
    # 3. a service of this version found that warm kernels cannot run here: later runs do not ask again
    monkeypatch.setattr(client, "MODULE", real)
    (folder / client.UNAVAILABLE).write_text(f"{client.version()}\nbwrap failed: no user namespaces\n")
    assert selfgrade._warm(args) is None and not capsys.readouterr().err and client.service_pid() is None
    (folder / client.UNAVAILABLE).write_text("another version\nbwrap failed\n")  # a new version asks again
    assert selfgrade._warm(args) is not None and client.service_pid() is not None


def test_the_service_restarts_when_the_course_changes_and_exits_when_idle(learner: Learner,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    first = client.ask({"op": "ping"})["pid"]
    assert client.service_pid() == first
    monkeypatch.setenv("COURSE_SELFGRADE_IDLE", "0.5")  # the grading environment changed: a new service
    second = client.ask({"op": "ping"})["pid"]
    assert second != first
    assert _wait_gone(first, 10), "the service of the old version still runs"
    assert _wait_gone(second, 30) and client.service_pid() is None, "the service did not exit when idle"
    assert not (client.service_folder() / client.SOCKET).exists()
    log = (client.service_folder() / client.LOG).read_text()
    assert "a client of another version; exiting" in log and "idle for 0.5 s, exiting" in log


def test_the_service_is_private_detached_and_its_client_light(learner: Learner) -> None:
    pid = client.ask({"op": "ping"})["pid"]
    folder = client.service_folder()
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(folder / client.SOCKET).st_mode) == 0o600
    fds = {int(fd.name): os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
    assert fds[0] == os.devnull and fds[1] == fds[2] == str(folder / client.LOG), fds
    ours = {os.readlink(f"/proc/self/fd/{i}") for i in (0, 1, 2) if os.path.exists(f"/proc/self/fd/{i}")}
    assert not {link for link in fds.values() if link.startswith(("pipe:", "socket:"))} & ours, fds
    assert os.getsid(pid) != os.getsid(0)  # its own session: a terminal's hang-up does not reach it
    parent = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
    assert parent != str(os.getpid())  # detached: not a child of the process that started it
    mine = learner.write(learner.reference)
    code = ("import sys\nfrom course.cli import main\ncode = main(['selfgrade', sys.argv[1], '--no-open'])\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('nbgrader', 'matplotlib', 'nbconvert'))\n"
            "print('HEAVY', heavy)\nsys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", code, str(mine)], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ), cwd=learner.tmp)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "HEAVY []" in done.stdout and "autograded total" in done.stdout and not done.stderr
    assert client.service_pid() == pid  # the command in a new process used the running service


def test_nothing_of_one_grading_reaches_the_next(learner: Learner, capsys: pytest.CaptureFixture) -> None:
    """The hostile corpus's reuse cases, graded one after another by one warm service (with the integrity
    scan off, as the corpus grades its depth cases: isolation alone must hold)."""
    root = learner.tmp / "course"
    shutil.copytree(ROOT / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    config = (ROOT / "nbgrader_config.py").read_text(encoding="utf-8")
    (root / "nbgrader_config.py").write_text(config + "\nc.GuardedExecute.scan = False\n", encoding="utf-8")
    ctx = learner.context()
    graded = {}
    for case_id in ("reuse-a-planter", "reuse-b-harvester", "reuse-survivor", "reuse-escape"):
        case = next(c for c in hostile.CASES if c.id == case_id)
        path = learner.write(case.build(ctx).files[ctx.filename], f"{case_id}.ipynb")
        scores, out, _ = _grade(capsys, path, "--root", str(root))
        expected = case.expect(ctx)
        assert {cell: scores[cell][0] for cell in expected if cell in scores} == expected, case_id
        graded[case_id] = (out, client.service_pid())
    assert len({pid for _, pid in graded.values()}) == 1  # one service graded all four
    assert "harvested []" in _page(graded["reuse-b-harvester"][0])
    assert "contained []" in _page(graded["reuse-escape"][0])
    for where in ("/tmp", "/var/tmp", "/dev/shm", str(learner.tmp / "tmp"), str(client.service_folder()), "/"):
        assert not Path(where, "course-planted.json").exists() and not Path(where, "course-hostile-escape").exists()
    marker = hostile.survivor_marker(ctx).encode()
    alive = [p.name for p in Path("/proc").iterdir() if p.name.isdigit() and _environ_has(p, marker)]
    assert not alive, f"processes of a graded submission still run: {alive}"


def _gone(pid: int) -> bool:
    """True once *pid* has exited and every one of its threads has closed its files (a zombie counts as gone).

    A killed process's leader can be a zombie with no files while its other threads still hold the
    shared table of descriptors, listening socket included: so every thread is looked at."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return True
    for task in tasks:
        try:
            if os.listdir(f"/proc/{pid}/task/{task}/fd"):
                return False
        except OSError:
            continue
    return True


def _refused(folder: Path, seconds: float) -> bool:
    """True once nothing accepts connections on the socket file in *folder* (it may stay behind, stale)."""
    deadline = time.monotonic() + seconds
    while True:
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with client.address(folder) as where:
                probe.connect(where)
        except (ConnectionRefusedError, FileNotFoundError):
            return True
        finally:
            probe.close()
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _gone(pid)


def _environ_has(proc: Path, marker: bytes) -> bool:
    try:
        return marker in (proc / "environ").read_bytes()
    except OSError:
        return False


def test_a_service_that_cannot_warm_kernels_tells_its_clients_once(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from course.grading import selfgrade_service as service

    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    folder = client.private_folder()
    listener = service._bind(folder)
    replies: list[dict] = []

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with client.address(folder) as where:
        sock.connect(where)  # a client already waiting when the service finds out

    def ask() -> None:
        with sock:
            client.send(sock, {"op": "grade", "version": client.version()})
            replies.append(client.receive(sock))

    thread = threading.Thread(target=ask)
    thread.start()
    service._unavailable(folder, listener, "bwrap failed: no user namespaces")
    thread.join()
    assert replies and replies[0]["unavailable"] == "bwrap failed: no user namespaces"
    assert not (folder / client.SOCKET).exists()
    assert (folder / client.UNAVAILABLE).read_text().splitlines() == [client.version(), "bwrap failed: no user namespaces"]
    with pytest.raises(client.Unavailable, match="no user namespaces"):
        client.ask({"op": "ping"})
