"""The warm selfgrade service: one learner's ``course selfgrade`` runs, graded by a process that stays ready.

Started by the first ``course selfgrade`` (``course.grading.selfgrade_client``) as
``python -m course.grading.selfgrade_service --folder DIR``: it binds the Unix socket ``DIR/socket``
(``DIR`` is private to the learner, the socket mode 0600), writes its pid to ``DIR/service.pid``,
detaches (a second fork, in its own session, standard input, output and error on ``DIR/service.log``,
no inherited descriptors) and then, once:

- imports nbgrader, the course's grader and the trusted test side, and
- starts the zygote of warm kernels (``course.grading.zygote``), which imports ipykernel, the course
  and matplotlib.

Each request (one JSON line: the notebooks, ``--assignment``, ``--root`` and the client's folder)
is graded by exactly the code an in-process run uses (``course.grading.selfgrade.selfgrade``), so
the scores, the printed lines and the feedback page are the same: a new private scratch course per
request, the submission's kernel forked into a fresh bubblewrap sandbox, test cells in a fresh
trusted scope. **The service never runs a learner's code itself**: student cells run only in the
sandboxed kernel, which is stopped (with everything it started) after its notebook.

The service answers only its own user (``SO_PEERCRED``) and only a client of its own version (a
digest of the course's files, the interpreter, nbgrader and the grading environment; see the
client): on another version it closes its socket and exits, and the client starts a new one. It
exits by itself after ``COURSE_SELFGRADE_IDLE`` seconds without a request (default 600), on SIGTERM,
or when its socket is removed or replaced.

Public API: none beyond the command (``python -m course.grading.selfgrade_service --folder DIR``).

>>> MODULE
'course.grading.selfgrade_service'
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path

from course.grading.selfgrade_client import (LOG, MODULE, PID, SOCKET, UNAVAILABLE, ServiceDown, address, idle_seconds,
                                             peer_uid, receive, send, version)

__all__: list[str] = []


def _bind(folder: Path) -> socket.socket:
    """The listening socket at ``folder/socket``, readable and writable by this user only."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    before = os.umask(0o177)
    try:
        with address(folder) as where:
            listener.bind(where)
    finally:
        os.umask(before)
    listener.listen(16)
    return listener


def _detach(folder: Path, listener: socket.socket) -> None:
    """Fork: the parent writes the child's pid and exits (the client's wait ends), the child serves."""
    child = os.fork()
    if child:
        tmp = folder / f".{PID}.{os.getpid()}"
        tmp.write_text(f"{child}\n")
        os.replace(tmp, folder / PID)
        os._exit(0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)


def _warm_up() -> None:
    """Import what every grading needs and start the zygote of warm kernels (it imports in parallel)."""
    from course.grading import zygote

    zygote.zygote_for(())
    import nbgrader.apps  # noqa: F401  - the engine
    from course.grading import config, execute, selfgrade, trusted  # noqa: F401
    from course.grading.sandbox import available

    available()  # probe the sandbox once
    for module in zygote.FLAVOURS["full"]:
        if module.startswith("course"):  # what a set-up cell re-run in the trusted scope imports
            __import__(module)


def _grade(request: dict) -> dict:
    """Grade one request with the in-process code, in the client's folder; a reply."""
    from course.errors import CourseError
    from course.grading.selfgrade import selfgrade, to_wire

    notebooks, assignment, root = request.get("notebooks"), request.get("assignment"), request.get("root")
    if not isinstance(notebooks, list) or not all(isinstance(n, str) for n in notebooks):
        return {"internal": "the request names no notebooks"}
    os.chdir(str(request.get("cwd") or "/"))
    try:
        result = selfgrade([Path(n) for n in notebooks], assignment, Path(root) if root else None)
    except CourseError as err:
        return {"error": str(err)}
    finally:
        os.chdir("/")
    return {"result": to_wire(result)}


def _owns_socket(folder: Path, inode: int) -> bool:
    try:
        return os.lstat(folder / SOCKET).st_ino == inode
    except OSError:
        return False


def serve(folder: Path, listener: socket.socket) -> None:
    """Answer requests until idle for COURSE_SELFGRADE_IDLE seconds, a version change, or the socket is gone."""
    mine, idle = version(), idle_seconds()
    inode = os.lstat(folder / SOCKET).st_ino
    listener.settimeout(idle)
    print(f"selfgrade service {os.getpid()}: ready (version {mine}, idle exit after {idle:g} s)", flush=True)
    try:
        _loop(folder, listener, inode, mine, idle)
    finally:
        _close(folder, inode, listener)


def _loop(folder: Path, listener: socket.socket, inode: int, mine: str, idle: float) -> None:
    import gc

    while _owns_socket(folder, inode):
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            print(f"selfgrade service {os.getpid()}: idle for {idle:g} s, exiting", flush=True)
            # new clients start a new service from now on; one that connected meanwhile is still answered
            if _owns_socket(folder, inode):
                os.unlink(folder / SOCKET)
            listener.setblocking(False)
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:  # nobody waits (BlockingIOError), or the listener is closed
                    return
                if not _handle(conn, folder, inode, listener, mine):
                    return
        if not _handle(conn, folder, inode, listener, mine):
            return
        gc.collect()


def _handle(conn: socket.socket, folder: Path, inode: int, listener: socket.socket, mine: str) -> bool:
    """Answer one connection; False when the service must stop (a client of another version)."""
    import traceback

    with conn:
        conn.setblocking(True)
        conn.settimeout(30)  # a request is one short line
        try:
            if peer_uid(conn) != os.getuid():
                return True
            request = receive(conn)
            conn.settimeout(None)
            if request.get("version") != mine:
                _close(folder, inode, listener)
                send(conn, {"restart": "another version of the course", "pid": os.getpid()})
                print(f"selfgrade service {os.getpid()}: a client of another version; exiting", flush=True)
                return False
            if request.get("op") == "ping":
                send(conn, {"pid": os.getpid()})
                return True
            try:
                reply = _grade(request)
            except Exception as err:  # noqa: BLE001 - the client falls back; the log keeps the traceback
                traceback.print_exc()
                reply = {"internal": f"{type(err).__name__}: {err}"}
            send(conn, dict(reply, pid=os.getpid()))
        except (OSError, ValueError, ServiceDown) as err:
            print(f"selfgrade service {os.getpid()}: a request failed: {err}", flush=True)
    return True


def _close(folder: Path, inode: int, listener: socket.socket) -> None:
    """Stop listening, and remove the socket and pid file if they are still this service's."""
    if _owns_socket(folder, inode):
        os.unlink(folder / SOCKET)
    try:
        if int((folder / PID).read_text().strip()) == os.getpid():
            (folder / PID).unlink()
    except (OSError, ValueError):
        pass
    listener.close()


def _unavailable(folder: Path, listener: socket.socket, why: str) -> None:
    """Tell the clients that are already waiting that warm grading is not possible here, note it for the
    next clients of this version (they then grade in their own process without asking), and stop."""
    inode = os.lstat(folder / SOCKET).st_ino
    (folder / UNAVAILABLE).write_text(f"{version()}\n{why}\n")
    listener.settimeout(1.0)
    try:
        while True:
            conn, _ = listener.accept()
            with conn:
                receive(conn)
                send(conn, {"unavailable": why, "pid": os.getpid()})
    except (OSError, ValueError, ServiceDown):  # socket.timeout is an OSError: nobody else waits
        pass
    finally:
        _close(folder, inode, listener)


def _stop(folder: Path, listener: socket.socket) -> None:
    """On SIGTERM: stop the zygotes, remove the socket and pid file if they are ours, exit at once."""
    from course.grading import zygote

    zygote._close_all()
    try:
        _close(folder, _INODE[0], listener)
    finally:
        print(f"selfgrade service {os.getpid()}: stopped by SIGTERM", flush=True)
        os._exit(0)


_INODE = [0]  # the inode of this service's socket file (set once bound)


def main(argv: list[str] | None = None) -> int:
    """Bind, detach, warm up, serve (see the module docstring)."""
    import argparse

    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}")
    parser.add_argument("--folder", required=True, help="the service's private folder (socket, pid file, log)")
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    listener = _bind(folder)
    _INODE[0] = os.lstat(folder / SOCKET).st_ino
    _detach(folder, listener)
    signal.signal(signal.SIGTERM, lambda *_: _stop(folder, listener))
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        _warm_up()
        from course.grading import sandbox, zygote

        if not (sandbox.available() and zygote.available()):
            _unavailable(folder, listener, "no warm kernels here: " + (sandbox.status() if not sandbox.available()
                                                                        else "zygote unavailable"))
            return 0
        serve(folder, listener)
    finally:
        print(f"selfgrade service {os.getpid()}: stopped (log: {folder / LOG})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
