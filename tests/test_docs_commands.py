"""Every shell command in README.md and course/INSTRUCTORS.md works as written, from a fresh clone.

The test makes a repository of the course's files as they are now (tracked and new, not ignored), runs
the README's own `git clone` command against it, and gives the clone the `.venv` that `make install`
would make, without the network: an environment that imports the clone's own `course` package (as an
editable install does) and reuses the packages installed here. Then it runs every command of every ```bash block of the two documents, in
order, in the clone, with a PATH that does not hold the environment: nothing is activated.

- A command that starts a server (`make lab`, JupyterLab for formgrader) must come up and say where it
  serves; it is then stopped.
- Where the documents say that students submit, the test puts one learner's untouched release notebook
  in `submitted/`, as a student would hand it in.
- The few commands that cannot run here are listed in SKIPPED, each with the reason and the test that
  covers it instead. Any other command added to the documents runs automatically.
- Inline commands (`` `.venv/bin/course report --root demo-class` `` in prose) name a real sub-command
  and real options.

Environment, not commands: Jupyter's folders point into the scratch area, `BROWSER=true` stands in for a
web browser, and when the suite runs as root a Jupyter config allows a root server.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import site
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "course" / "INSTRUCTORS.md"]
SERVERS = ("make lab", "(cd assignments && ../.venv/bin/jupyter lab)")
SKIPPED = {
    "make test": "it runs this very test suite",
    ".venv/bin/course grade --collect": "needs students who submit through a shared nbgrader exchange "
                                        "(tests/test_instructor_exchange.py runs this cycle)",
    ".venv/bin/course feedback --exchange": "needs an nbgrader exchange with collected submissions "
                                            "(tests/test_instructor_exchange.py)",
    "export COURSE_DB_URL=postgresql://grader:PASSWORD@db.example.org/war_reporting":
        "needs a PostgreSQL server at the reader's own address (tests/test_instructor_postgres.py starts one)",
    ".venv/bin/course release && .venv/bin/course grade && .venv/bin/course report":
        "runs against the PostgreSQL gradebook of the line before it (tests/test_instructor_postgres.py)",
}


def commands(path: Path) -> list[str]:
    """The commands of every ```bash block of *path*, in order, comments and continuations resolved."""
    out = []
    for block in re.findall(r"```bash\n(.*?)```", path.read_text(encoding="utf-8"), re.S):
        text = block.replace("\\\n", " ")
        for line in text.splitlines():
            line = " ".join(re.sub(r"\s+#.*$", "", line).split())
            if line and not line.startswith("#"):
                out.append(line)
    return out


def _origin(tmp: Path) -> Path:
    """A git repository holding the course's files as they are now (tracked and new, not ignored)."""
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    origin = tmp / "origin"
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (origin / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, origin / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "the course as it is now"]):
        subprocess.run(git + args, cwd=origin, check=True, capture_output=True)
    return origin


def _install(clone: Path) -> None:
    """The `.venv` of `make install`, offline: the clone's own `course`, this environment's packages."""
    venv = clone / ".venv"
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(venv)],
                   check=True)
    packages = next((venv / "lib").glob("python*/site-packages"))
    (packages / "course").symlink_to(clone / "course")  # like pip's editable install: the package, not the clone
    paths = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (packages / "_course_clone.pth").write_text("\n".join(paths) + "\n", encoding="utf-8")
    here = Path(sys.executable).parent
    for script in here.iterdir():
        if script.name.startswith(("python", "activate", "Activate", "pip")) or not script.is_file():
            continue
        head = script.read_bytes()[:200]
        if head.startswith(b"#!") and b"python" in head.split(b"\n", 1)[0]:
            body = script.read_text(encoding="utf-8").split("\n", 1)[1]
            target = venv / "bin" / script.name
            target.write_text(f"#!{venv / 'bin' / 'python'}\n{body}", encoding="utf-8")
            target.chmod(0o755)
    for data in ("share", "etc"):  # Jupyter's and nbgrader's templates, extensions and their settings
        if (here.parent / data).is_dir():
            (venv / data).symlink_to(here.parent / data)
    time.sleep(0.01)
    (venv / ".installed").touch()  # newer than pyproject.toml: make sees an installed environment


def _env(tmp: Path) -> dict[str, str]:
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp / "home"), "LANG": "C.UTF-8",
           "BROWSER": "true", "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
           "JUPYTER_DATA_DIR": str(tmp / "jupyter-data"), "JUPYTER_RUNTIME_DIR": str(tmp / "jupyter-runtime"),
           "IPYTHONDIR": str(tmp / "ipython"), "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    for name in ("COURSE_SANDBOX", "COURSE_SELFGRADE_SERVICE", "TMPDIR"):  # the suite grades selfgrade in-process
        if name in os.environ:
            env[name] = os.environ[name]
    config = Path(env["JUPYTER_CONFIG_DIR"])
    config.mkdir(parents=True)
    if os.geteuid() == 0:  # the suite may run as root; a learner's server does not
        (config / "jupyter_server_config.py").write_text("c.ServerApp.allow_root = True\n", encoding="utf-8")
    Path(env["HOME"]).mkdir()
    return env


def _serve(command: str, cwd: Path, env: dict[str, str], log: Path) -> None:
    """Start a server command; it must say where it serves within two minutes; then stop it."""
    with open(log, "w") as out:
        proc = subprocess.Popen(["bash", "-c", command], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None:
                if re.search(r"https?://(127\.0\.0\.1|localhost)[:/]", log.read_text(errors="replace")):
                    break
                time.sleep(0.5)
            text = log.read_text(errors="replace")
            assert proc.poll() is None, f"`{command}` exited ({proc.returncode}):\n{text[-3000:]}"
            assert "Traceback" not in text, f"`{command}` printed a traceback:\n{text[-3000:]}"
            assert re.search(r"https?://(127\.0\.0\.1|localhost)", text), f"`{command}` did not start:\n{text[-3000:]}"
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def _submit_as_a_student(clone: Path) -> None:
    """Students hand in their work before `course grade`: one learner's untouched release notebook."""
    course_dir = clone / "assignments"
    if any((course_dir / "submitted").glob("*/*")):
        return
    release = course_dir / "release" / "00-warmup" / "00-warmup.ipynb"
    assert release.is_file(), "the documents should release 00-warmup before they grade"
    target = course_dir / "submitted" / "learner" / "00-warmup"
    target.mkdir(parents=True)
    shutil.copy(release, target / release.name)


@pytest.mark.timeout(1800)  # about four minutes on a quiet two-core machine; far more on a shared, busy one
def test_every_command_runs_as_written_from_a_fresh_clone(tmp_path: Path) -> None:
    env = _env(tmp_path)
    origin = _origin(tmp_path)
    listed = [(doc, c) for doc in DOCS for c in commands(doc)]
    assert listed[0][1].startswith("git clone <this repository> "), "the README starts with the clone command"
    ran, skipped, served = [], [], []
    clone = None
    for doc, command in listed:
        started = time.monotonic()
        if command.startswith("git clone <this repository> "):
            clone_command = command.replace("<this repository>", shlex.quote(str(origin)))
            done = subprocess.run(["bash", "-c", clone_command + " && pwd"], cwd=tmp_path, env=env,
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
            clone = Path(done.stdout.strip().splitlines()[-1])
            _install(clone)
            ran.append((command, time.monotonic() - started))
            continue
        assert clone is not None
        if command in SKIPPED:
            skipped.append(command)
            continue
        if command in SERVERS:
            _serve(command, clone, env, tmp_path / f"server-{len(served)}.log")
            served.append((command, time.monotonic() - started))
            continue
        if re.match(r"(\.venv/bin/)?course grade\b", command):
            _submit_as_a_student(clone)
        done = subprocess.run(["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, (f"{doc.name}: `{command}` failed ({done.returncode}):\n"
                                      f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
        assert "Traceback (most recent call last)" not in done.stderr, f"`{command}`:\n{done.stderr[-3000:]}"
        ran.append((command, time.monotonic() - started))
    assert set(skipped) == set(SKIPPED), f"SKIPPED lists commands the documents no longer have: {set(SKIPPED) - set(skipped)}"
    assert len(served) == len(SERVERS)
    for command, seconds in sorted(ran + served, key=lambda x: -x[1])[:8]:
        print(f"{seconds:6.1f} s  {command}")


INLINE = re.compile(r"`((?:\.venv/bin/)?course [a-z][^`]*)`")


def test_inline_commands_name_real_sub_commands_and_options() -> None:
    from course.cli import build_parser

    parser = build_parser()
    subs = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices
    seen = 0
    for doc in DOCS:
        for text in INLINE.findall(doc.read_text(encoding="utf-8")):
            for command in re.split(r"\s*&&\s*", text):
                words = shlex.split(command.replace("...", "X"))
                if words[0].endswith("course") and len(words) > 1 and not words[1].startswith("-"):
                    name = words[1]
                    assert name in subs, f"{doc.name}: `{command}` names no course sub-command"
                    options = set(subs[name]._option_string_actions)
                    for word in words[2:]:
                        if word.startswith("-"):
                            assert word.split("=")[0] in options, f"{doc.name}: `{command}`: {word} is not an option"
                    seen += 1
    assert seen >= 10


def test_the_block_parser_resolves_comments_and_continuations(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("text\n```bash\n# a comment\nmake lab     # opens JupyterLab\n.venv/bin/course grade \\\n"
                   "  --no-progress\n```\n```python\nprint(1)\n```\n", encoding="utf-8")
    assert commands(doc) == ["make lab", ".venv/bin/course grade --no-progress"]
