"""The thin client of the warm selfgrade service: ask it to grade, start it when it is not running.

``course selfgrade`` spends most of its time on work that is the same on every try: importing
nbgrader, starting a zygote that has imported ipykernel, the course and matplotlib, loading the
generated gradebook. The service (``course.grading.selfgrade_service``) keeps all of that warm for
one learner. This module is what a ``course selfgrade`` run imports to talk to it: the standard
library and nothing else (no nbgrader, no matplotlib), so a run costs a Python start-up, one
request over a Unix socket and the grading itself.

- The socket lives in a private folder (mode 0700, owned by the learner): ``$COURSE_CACHE/selfgrade-service``
  when ``COURSE_CACHE`` is set, else ``$XDG_RUNTIME_DIR/course-selfgrade``, else
  ``~/.cache/course/selfgrade-service``. The service also checks the peer's user id on every connection.
- Each request carries a **version**: a digest of the course's code and data files, the Python that
  runs it, nbgrader's install and the environment variables that change grading. A service of another
  version closes its socket and exits, and the client starts a new one.
- ``COURSE_SELFGRADE_SERVICE=off`` switches the service off; it is also not used where warm kernels
  are not (not root, no bubblewrap, ``COURSE_ZYGOTE=off`` or ``COURSE_SANDBOX=off``). Then, and
  whenever the service fails (stale socket, crash, no answer), ``course selfgrade`` grades in its
  own process as before; after a failure it says so in one line.
- ``COURSE_SELFGRADE_IDLE`` (seconds, default 600): how long the service waits for a request before
  it exits by itself.

Public API
----------
- ``enabled() -> str | None``: None when the service may be used, else why not.
- ``service_folder() -> Path``: the private folder of the socket, the pid file and the service's log.
- ``service_pid() -> int | None``: the running service's process id (from its pid file), or None.
- ``stop_service() -> bool``: stop the running service (True if one was stopped).

>>> SWITCH, IDLE
('COURSE_SELFGRADE_SERVICE', 'COURSE_SELFGRADE_IDLE')
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

__all__ = ["IDLE", "SWITCH", "enabled", "service_folder", "service_pid", "stop_service"]

SWITCH = "COURSE_SELFGRADE_SERVICE"
IDLE = "COURSE_SELFGRADE_IDLE"
DEFAULT_IDLE = 600.0
MODULE = "course.grading.selfgrade_service"
SOCKET, PID, LOG, LOCK, UNAVAILABLE = "socket", "service.pid", "service.log", "start.lock", "unavailable"
MAX_LINE = 4 * 1024 * 1024  # one request or reply
# Environment variables that change how a notebook is graded: a service started under other values is not reused.
_ENV_PREFIXES = ("COURSE_", "NBGRADER", "JUPYTER", "PYTHON", "MPL", "OMP_", "LANG", "LC_")
_ENV_NAMES = ("PATH", "HOME", "TMPDIR", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME")
_COURSE = Path(__file__).resolve().parents[1]


class ServiceDown(RuntimeError):
    """The service could not be reached or did not answer (the client then grades in its own process)."""


class Unavailable(ServiceDown):
    """A service of this version already found that warm kernels cannot run here (the client says nothing)."""


def enabled() -> str | None:
    """None when the warm service may be used here; otherwise the reason it is not."""
    if os.environ.get(SWITCH, "on").strip().lower() in ("off", "0", "no", "false"):
        return f"{SWITCH}=off"
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return "warm kernels need grading as root on Linux (the zygote joins each sandbox)"
    if os.environ.get("COURSE_ZYGOTE", "on").strip().lower() in ("off", "0", "no"):
        return "COURSE_ZYGOTE=off"
    if os.environ.get("COURSE_SANDBOX", "auto").strip().lower() == "off":
        return "COURSE_SANDBOX=off"
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed"
    return None


def service_folder() -> Path:
    """The service's private folder: ``$COURSE_CACHE/selfgrade-service``, ``$XDG_RUNTIME_DIR/course-selfgrade``
    or ``~/.cache/course/selfgrade-service`` (not created here)."""
    if os.environ.get("COURSE_CACHE"):
        return Path(os.environ["COURSE_CACHE"]).expanduser() / "selfgrade-service"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return Path(runtime) / "course-selfgrade"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "course" / "selfgrade-service"


def private_folder() -> Path:
    """The service folder, made if needed: a real folder, owned by this user, that no one else can open."""
    folder = service_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise ServiceDown(f"{folder} is not a folder of this user's own")
    if info.st_mode & 0o077:
        os.chmod(folder, 0o700)
    return folder


def idle_seconds() -> float:
    """``COURSE_SELFGRADE_IDLE`` as seconds (default 600; at least 0.1)."""
    try:
        return max(0.1, float(os.environ.get(IDLE, DEFAULT_IDLE)))
    except ValueError:
        return DEFAULT_IDLE


def version() -> str:
    """A digest of everything a running service depends on: code, data, interpreter, nbgrader, environment."""
    digest = hashlib.sha256(f"{sys.executable}\n{sys.version}\n".encode())
    for base, dirs, files in sorted(os.walk(_COURSE)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            info = os.stat(os.path.join(base, name))
            digest.update(f"{base}/{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    import importlib.util

    spec = importlib.util.find_spec("nbgrader")
    if spec is not None and spec.origin:
        info = os.stat(os.path.dirname(spec.origin))
        digest.update(f"nbgrader {spec.origin} {info.st_mtime_ns}\n".encode())
    for key in sorted(os.environ):
        if key.startswith(_ENV_PREFIXES) or key in _ENV_NAMES:
            digest.update(f"{key}={os.environ[key]}\0".encode())
    return digest.hexdigest()[:32]


@contextlib.contextmanager
def address(folder: Path) -> Iterator[str]:
    """The socket's address: its path, or (for a path too long for a Unix socket) the path through /proc."""
    path = str(folder / SOCKET)
    if len(path.encode()) < 100:
        yield path
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{fd}/{SOCKET}"
    finally:
        os.close(fd)


def send(sock: socket.socket, message: dict) -> None:
    """Write one JSON message, one line."""
    sock.sendall(json.dumps(message).encode() + b"\n")


def receive(sock: socket.socket) -> dict:
    """Read one JSON message (one line of at most MAX_LINE bytes); ServiceDown when the other side closed."""
    chunks, size = [], 0
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            raise ServiceDown("the service closed the connection before it answered")
        chunks.append(chunk)
        size += len(chunk)
        if chunk.endswith(b"\n"):
            break
        if size > MAX_LINE:
            raise ServiceDown("the message is too long")
    message = json.loads(b"".join(chunks))
    if not isinstance(message, dict):
        raise ServiceDown("the message is not a JSON object")
    return message


def _connect(folder: Path) -> socket.socket | None:
    """A connection to the service, or None when no service listens (a stale socket file is removed)."""
    if not (folder / SOCKET).exists():
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        with address(folder) as where:
            sock.connect(where)
    except (ConnectionRefusedError, FileNotFoundError):
        sock.close()
        return None
    except OSError:
        sock.close()
        raise
    if peer_uid(sock) != os.getuid():  # only a service of this user's own is trusted with the result
        sock.close()
        raise ServiceDown("the socket belongs to another user")
    return sock


def peer_uid(sock: socket.socket) -> int:
    """The user id of the process at the other end of a Unix socket."""
    import struct

    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    import fcntl

    with open(folder / LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _start(folder: Path) -> None:
    """Start the service, detached: its own session, stdio on its log, no inherited descriptors."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(folder / SOCKET)  # stale: nothing answered on it (we hold the start lock)
    log = folder / LOG
    if log.exists() and log.stat().st_size > 1_000_000:
        log.unlink()
    with open(log, "ab") as out:
        done = subprocess.run([sys.executable, "-m", MODULE, "--folder", str(folder)], stdin=subprocess.DEVNULL,
                              stdout=out, stderr=out, close_fds=True, start_new_session=True, cwd="/", timeout=60)
    if done.returncode != 0:
        raise ServiceDown(f"the service did not start (exit status {done.returncode}; see {log})")


def _reach(folder: Path) -> socket.socket:
    sock = _connect(folder)
    if sock is not None:
        return sock
    with _locked(folder):
        sock = _connect(folder)  # another run may have started it meanwhile
        if sock is None:
            _start(folder)
            sock = _connect(folder)
    if sock is None:
        raise ServiceDown("the service started but does not listen")
    return sock


def ask(request: dict, timeout: float = 900.0) -> dict:
    """Send *request* to the service (started if needed) and return its reply; ServiceDown on any failure."""
    try:
        folder = private_folder()
        request = dict(request, version=version())
        with contextlib.suppress(OSError):
            known, _, why = (folder / UNAVAILABLE).read_text().partition("\n")
            if known == request["version"]:
                raise Unavailable(why.strip())
        for _ in range(3):
            sock = _reach(folder)
            with sock:
                sock.settimeout(timeout)
                send(sock, request)
                reply = receive(sock)
            if "restart" not in reply:  # a service of another version has closed its socket and stops
                return reply
        raise ServiceDown("the service keeps restarting")
    except ServiceDown:
        raise
    except (OSError, ValueError, subprocess.SubprocessError) as err:
        raise ServiceDown(f"{type(err).__name__}: {err}") from None


def service_pid() -> int | None:
    """The process id of this user's running service (from its pid file), or None."""
    try:
        pid = int((service_folder() / PID).read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _is_service(pid) else None


def _is_service(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            running = MODULE.encode() in handle.read()
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return running and state not in ("Z", "X")


def stop_service() -> bool:
    """Stop this user's running service, if any (waits up to 10 s for it to exit); True if one was running."""
    pid = service_pid()
    if pid is None:
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while _is_service(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _is_service(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        while _is_service(pid) and time.monotonic() < deadline + 5:
            time.sleep(0.05)
    return True


def describe(reply: dict[str, Any]) -> str:
    """One line about a reply that carries no result (for the learner's fallback message)."""
    return str(reply.get("unavailable") or reply.get("internal") or "the service gave no result")
