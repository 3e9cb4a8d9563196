"""Warm grading kernels: a zygote that has imported everything forks one fresh kernel into each new sandbox.

Starting a kernel costs a new Python, ipykernel and IPython, and then the notebook's set-up cell
imports the course and matplotlib again: about a second of CPU per notebook that is the same every
time. A zygote does that work once. For each submission:

1. the grader builds a **fresh bubblewrap sandbox** exactly as for a cold kernel
   (``course.grading.sandbox``: private copy, no network, size-limited in-memory folders, hidden
   packages, its own cgroup and unprivileged user id), whose only process waits (``sleep``);
2. the zygote forks; the child joins the sandbox's cgroup and namespaces (IPC, UTS, network, PID,
   mount, cgroup) with ``setns``, forks once more so that the kernel is inside the sandbox's PID
   namespace, and that grandchild drops to the sandbox's user id and groups, sets
   ``no_new_privs``, installs the same seccomp filter and resource limits, closes every inherited
   descriptor, takes the sandbox's environment and reseeds its random generators, and only then
   starts ipykernel, on the sandbox's connection file;
3. the kernel is used for exactly one submission; stopping it kills the whole sandbox.

The zygote itself never runs student code and holds nothing of the grader's (no gradebook, no
notebook, no secret): it is a separate process that imports libraries and forks. A zygote for a
notebook whose forbidden packages are hidden (``hide``) imports none of them, so they are neither on
the kernel's disk nor in its memory. Where the zygote cannot be used (not root, no bubblewrap, an
unknown architecture), kernels start cold as before.

Public API
----------
- ``Zygote``: one zygote process (``spawn(request) -> kernel pid``, ``close()``).
- ``zygote_for(hide) -> Zygote | None``: the process's zygote for a set of hidden packages (started once).
- ``available() -> bool``: can warm kernels be used here?
- ``python -m course.grading.zygote [--hide course,geographiclib]``: the zygote's own main loop.

>>> sorted(FLAVOURS)
['bare', 'full']
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from typing import Any

__all__ = ["FLAVOURS", "Zygote", "ZygoteError", "available", "zygote_for"]

# What a zygote imports before it forks: everything a grading kernel always needs, and for a
# notebook without hidden packages, the course and the figures its set-up cell imports.
FLAVOURS = {
    "bare": ("ipykernel.kernelapp", "ipykernel.ipkernel", "IPython", "matplotlib_inline.backend_inline",
             "course.testkit"),
    "full": ("ipykernel.kernelapp", "ipykernel.ipkernel", "IPython", "matplotlib_inline.backend_inline",
             "matplotlib.pyplot", "numpy", "course", "course.article", "course.corpus", "course.gazetteer",
             "course.geo", "course.numbers", "course.timeline", "course.sources", "course.framing",
             "course.facts", "course.notebook", "course.testkit", "course.checks"),
}
# A kernel that hides the course keeps these of it (the test kit and its errors), and the zygote runs from
# its own modules: they are forgotten in each kernel before it starts (_forget_own_modules).
_KEPT = ("course", "course.testkit", "course.errors")
_OWN = ("course.grading.zygote", "course.grading")
_HIDE: tuple[str, ...] = ()  # this zygote's hidden packages (set by main)
# Namespaces the kernel joins, in this order (mount last: after it, /proc paths of the host are gone).
_NAMESPACES = (("cgroup", 0x02000000), ("ipc", 0x08000000), ("uts", 0x04000000), ("net", 0x40000000),
               ("pid", 0x20000000), ("mnt", 0x00020000))
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2


class ZygoteError(RuntimeError):
    """The zygote could not start a kernel (the grader then starts one cold)."""


# -- the grader's side ----------------------------------------------------------------------------------

class Zygote:
    """One zygote process, started with ``python -m course.grading.zygote``; thread-safe."""

    def __init__(self, hide: tuple[str, ...] = ()) -> None:
        from course.errors import check_items

        self.hide = tuple(check_items(hide, str, "hide", what="package names"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COURSE_DB", "JPY_"))}
        env.update({"PYTHONSAFEPATH": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                    "MKL_NUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline"})
        argv = [sys.executable, "-P", "-m", "course.grading.zygote"] + (["--hide", ",".join(self.hide)] if self.hide else [])
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=env, cwd="/", text=True, start_new_session=True)
        self._lock = threading.Lock()
        self._count = 0
        self._ready = False

    def _read(self, timeout: float) -> dict:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise ZygoteError(f"the zygote did not answer within {timeout:g} s")
        line = self.proc.stdout.readline()
        if not line:
            raise ZygoteError("the zygote stopped")
        return json.loads(line)

    def spawn(self, request: dict, timeout: float = 120.0) -> int:
        """Fork a kernel into the sandbox described by *request*; its pid on the host."""
        with self._lock:
            if self.proc.poll() is not None:
                raise ZygoteError("the zygote is not running")
            if not self._ready:
                hello = self._read(timeout)
                if "ready" not in hello:
                    raise ZygoteError(f"the zygote did not start: {hello.get('error', hello)}")
                self._ready = True
            self._count += 1
            request = dict(request, id=self._count)
            assert self.proc.stdin is not None
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            reply = self._read(timeout)
        if reply.get("id") != request["id"] or "kernel" not in reply:
            raise ZygoteError(f"the zygote could not start a kernel: {reply.get('error', reply)}")
        return int(reply["kernel"])

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
        self.proc.wait()


_ZYGOTES: dict[tuple[str, ...], Zygote] = {}
_ZYGOTES_LOCK = threading.Lock()


def available() -> bool:
    """True when warm kernels can be used here: grading as root on Linux, and not switched off."""
    return (sys.platform.startswith("linux") and os.geteuid() == 0
            and os.environ.get("COURSE_ZYGOTE", "on").strip().lower() not in ("off", "0", "no"))


def zygote_for(hide: tuple[str, ...]) -> Zygote | None:
    """This process's zygote for notebooks that hide *hide* (started on first use), or None."""
    from course.errors import check_items

    check_items(hide, str, "hide", what="package names")
    if not available():
        return None
    key = tuple(hide)
    with _ZYGOTES_LOCK:
        found = _ZYGOTES.get(key)
        if found is None or found.proc.poll() is not None:
            found = _ZYGOTES[key] = Zygote(key)
        return found


@atexit.register
def _close_all() -> None:
    for zygote in list(_ZYGOTES.values()):
        zygote.close()
    _ZYGOTES.clear()


# -- the zygote's side --------------------------------------------------------------------------------------

def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _install_seccomp(libc: Any, program: bytes) -> None:
    import struct

    rows = [struct.unpack("<HBBI", program[i:i + 8]) for i in range(0, len(program), 8)]
    filters = (_SockFilter * len(rows))(*[_SockFilter(*row) for row in rows])
    prog = _SockFprog(len(rows), filters)
    _check(libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0), "seccomp")


def _forget_own_modules(hide: tuple[str, ...]) -> None:
    """In a kernel whose hidden packages include this one's, forget the zygote's own modules, so that the
    kernel reaches them (like every hidden module) only through its file system, where they are gone."""
    for name in _OWN:
        if name.split(".")[0] in hide:
            sys.modules.pop(name, None)
            parent, _, child = name.rpartition(".")
            if parent in sys.modules and getattr(sys.modules[parent], child, None) is not None:
                delattr(sys.modules[parent], child)


def _become_kernel(request: dict, libc: Any) -> None:
    """In the grandchild, inside the sandbox's namespaces: drop everything, then run ipykernel (never returns)."""
    import random
    import resource

    _forget_own_modules(_HIDE)

    uid, gid = request["uid"], request["gid"]
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)  # from root to another user: every capability is gone
    _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    if request.get("seccomp"):
        _install_seccomp(libc, bytes.fromhex(request["seccomp"]))
    for name, value in request["limits"].items():
        resource.setrlimit(getattr(resource, name), (value, value))
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, 65536)
    os.umask(0o022)
    # signal handlers stay those of a fresh Python (the zygote never changes them): SIGPIPE and
    # SIGXFSZ ignored, so a write past the file-size limit is an OSError, not a dead kernel
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(["-f", request["connection_file"]] + [str(a) for a in request.get("args", [])])
    app.start()
    os._exit(0)


def _fork_kernel(request: dict, reply: Any) -> None:
    """In the zygote's child: join the sandbox, fork the kernel into it, report its host pid."""
    libc = _libc()
    holder = int(request["holder"])
    try:
        before = open(f"/proc/{holder}/stat").read().split()[21]  # start time: the holder is who we think
        fds = [(os.open(f"/proc/{holder}/ns/{name}", os.O_RDONLY), name, flag) for name, flag in _NAMESPACES
               if os.path.exists(f"/proc/{holder}/ns/{name}")]
        if open(f"/proc/{holder}/stat").read().split()[21] != before:
            raise ZygoteError("the sandbox's process changed")
        if request.get("cgroup_procs"):
            with open(request["cgroup_procs"], "w") as handle:
                handle.write(str(os.getpid()))
        for fd, name, flag in fds:
            _check(libc.setns(fd, flag), f"setns {name}")
            os.close(fd)
        pid = os.fork()
    except BaseException as err:  # noqa: BLE001 - report, never run on half-joined
        reply({"id": request.get("id"), "error": f"{type(err).__name__}: {err}"})
        os._exit(1)
    if pid == 0:
        try:
            _become_kernel(request, libc)
        finally:
            os._exit(1)
    reply({"id": request.get("id"), "kernel": pid})
    os._exit(0)


def _prewarm() -> None:
    """Load the course's public data once (the seed article, its annotations, the gazetteer), so that
    each kernel's set-up cell finds it in memory; every kernel gets its own copy when it forks."""
    import course
    from course.gazetteer import load_gazetteer

    course.load_article()
    course.load_corpus()
    load_gazetteer()


def main(argv: list[str] | None = None) -> int:
    """Import, say ready, then fork one kernel per request line on stdin (never run student code here)."""
    import argparse
    import importlib

    parser = argparse.ArgumentParser(prog="python -m course.grading.zygote")
    parser.add_argument("--hide", default="", help="packages the kernels must not have (comma-separated)")
    args = parser.parse_args(argv)
    hide = tuple(h for h in args.hide.split(",") if h)
    global _HIDE
    _HIDE = hide
    out = os.fdopen(os.dup(1), "w", buffering=1)

    def reply(message: dict) -> None:
        out.write(json.dumps(message) + "\n")
        out.flush()

    try:
        for module in FLAVOURS["bare" if hide else "full"]:
            importlib.import_module(module)
        if not hide:
            _prewarm()
        leaked = [m for m in sys.modules if m.split(".")[0] in hide + ("debugpy",)
                  and m not in _KEPT + _OWN]
        if leaked:
            raise ZygoteError(f"the zygote imported what kernels must not have: {', '.join(sorted(leaked)[:5])}")
        if threading.active_count() != 1:
            raise ZygoteError("the zygote runs threads, so it cannot fork safely")
    except BaseException as err:  # noqa: BLE001 - tell the grader, which then starts kernels cold
        reply({"error": f"{type(err).__name__}: {err}"})
        return 1
    reply({"ready": os.getpid()})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        child = os.fork()
        if child == 0:
            _fork_kernel(request, reply)
        os.waitpid(child, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
