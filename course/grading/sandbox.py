"""A bubblewrap sandbox for the kernels that run student notebooks during grading.

Autograding runs code that students wrote. In the sandbox, each notebook's kernel sees a private
copy of its own submission, the read-only Python environment and ``course`` package, and nothing
else: not the source notebooks, not the gradebook, not other students' folders, not the exchange.
It has no network (it talks to the grader over IPC sockets that live inside the sandbox, reached by
the grader through ``/proc/<pid>/root``), runs as an unprivileged user, and runs under limits on CPU
time, memory, processes, file size and the space of every folder it can write (each one a
size-limited in-memory file system; nothing of the host is writable). Memory is counted by a cgroup
where the machine allows one, and by the address-space and data limits otherwise; ``memfd_create``
is refused (seccomp), and ``/dev/shm`` is small. Kernels start with ``PYTHONSAFEPATH``, so nothing in
the submission's folder can be imported in place of a module. For an assignment where students
write a function the course already has (``forbid=`` in its tests), the forbidden packages are not on
the kernel's file system at all (``hide``). The sandbox is Debian's ``bubblewrap`` (``bwrap``); limits
come from util-linux's ``prlimit``. Without bubblewrap, grading still works and every run says,
loudly, that it is NOT ISOLATED.

Public API
----------
- ``available() -> bool`` and ``status() -> str``: can we sandbox here (probed once, then cached)?
- ``NOT_ISOLATED``: the warning logged when a kernel runs without the sandbox.
- ``Limits``: CPU seconds, memory (MiB), processes, file size (MiB), open files, tmp space (MiB).
- ``SandboxKernelManager``: a jupyter_client kernel manager that starts each kernel in the sandbox.
- ``kernel_manager_class(mode) -> type``: the manager to use for a mode: ``"auto"`` (sandbox when
  available, else a warning), ``"required"`` (fail without it) or ``"off"``.
- ``hidden_packages(names)``: what ``hide`` takes away from the kernel for the modules *names*.
- ``memory_accounting() -> str``: how a kernel's memory is counted here (cgroup v1, v2, or limits).

How nbgrader is told to use it is ``course.grading.config``. The mode defaults to the
``COURSE_SANDBOX`` environment variable, else ``"auto"``. Sandboxes are independent, so several
grading processes may run side by side.

>>> Limits().memory_mb >= 512
True
"""

from __future__ import annotations

import functools
import glob
import json
import logging
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from course.errors import CourseError, CourseValueError, check_items, check_type

__all__ = ["ALWAYS_HIDDEN", "KERNEL_KEEPS", "MODES", "NOT_ISOLATED", "Limits", "SandboxError", "SandboxKernelManager", "available",
           "hidden_packages", "kernel_manager_class", "memory_accounting", "mode_from_env", "status"]

MODES = ("auto", "required", "off")
NOT_ISOLATED = ("NOT ISOLATED: student notebooks run WITHOUT the bubblewrap sandbox ({why}). Their code can read "
                "and change every file this account can (the gradebook, the source notebooks, other students' "
                "work) and use the network. Install bubblewrap (tools/system-deps.sh, or apt-get install "
                "bubblewrap) or set COURSE_SANDBOX=required to refuse to grade without it.")
_LOG = logging.getLogger("course.sandbox")
# Inside the sandbox: where the submission copy is staged, the matplotlib font cache, the
# connection file, and the in-memory folder holding the kernel's IPC sockets.
_STAGE = "/run/course-submission"
_MPL_CACHE = "/run/course-mpl-cache"
_CONN = "/run/course-conn"
_IPC = "/run/course-ipc"
# What a kernel keeps of a package it must not use (``hide``): just enough to run the checks.
KERNEL_KEEPS = {"course": ("__init__.py", "testkit.py", "errors.py")}
# Never in a grading kernel: the debugger (ipykernel imports it at start-up when it can, which costs
# about a second per kernel, and no grading kernel is ever debugged).
ALWAYS_HIDDEN = ("debugpy",)


class SandboxError(CourseError, RuntimeError):
    """The sandbox is required but cannot run here, or its set-up would expose the course folder."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed kernel (and every process it starts)."""

    cpu_seconds: int = 600  # CPU time of each process (the wall-clock limits live in the executor)
    memory_mb: int = 2048  # address space of each process
    processes: int = 64  # processes and threads of the sandbox's user, inside the sandbox
    file_mb: int = 64  # largest file the kernel may write
    open_files: int = 1024
    tmp_mb: int = 256  # size of the in-memory /tmp and of the working folder (each)
    shm_mb: int = 64  # size of /dev/shm

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            check_type(value, int, f"Limits.{f.name}")
            if value <= 0:
                raise CourseValueError(f"Limits.{f.name} must be a positive whole number; got {value!r}")

    def rlimits(self) -> dict[str, int]:
        """The same limits as ``resource`` names and values (for a kernel that sets its own, see zygote)."""
        mib = 1024 * 1024
        return {"RLIMIT_CPU": self.cpu_seconds, "RLIMIT_AS": self.memory_mb * mib, "RLIMIT_DATA": self.memory_mb * mib,
                "RLIMIT_NPROC": self.processes, "RLIMIT_FSIZE": self.file_mb * mib, "RLIMIT_NOFILE": self.open_files,
                "RLIMIT_CORE": 0}

    def prlimit_args(self) -> list[str]:
        """The options for ``prlimit`` that apply these limits."""
        mib = 1024 * 1024
        return [f"--cpu={self.cpu_seconds}", f"--as={self.memory_mb * mib}", f"--data={self.memory_mb * mib}",
                f"--nproc={self.processes}", f"--fsize={self.file_mb * mib}", f"--nofile={self.open_files}",
                "--core=0"]


def mode_from_env() -> str:
    """The sandbox mode from ``COURSE_SANDBOX`` (``auto`` when unset)."""
    mode = os.environ.get("COURSE_SANDBOX", "auto").strip().lower() or "auto"
    if mode not in MODES:
        raise CourseValueError(f"COURSE_SANDBOX must be one of {', '.join(MODES)}; got {mode!r}")
    return mode


# -- what the sandbox needs from this machine ---------------------------------------------------

def _tool(name: str) -> str | None:
    found = shutil.which(name) or next((p for p in (f"/usr/bin/{name}", f"/bin/{name}") if os.access(p, os.X_OK)), None)
    return os.path.realpath(found) if found else None


def _mapped(path: str) -> list[tuple[int, int]]:
    """The (first, last) id ranges usable in this user namespace, from /proc/self/uid_map or gid_map."""
    try:
        rows = [line.split() for line in Path(path).read_text().splitlines()]
        return [(int(r[0]), int(r[0]) + int(r[2]) - 1) for r in rows if len(r) == 3]
    except (OSError, ValueError):
        return []


def _sandbox_user() -> tuple[int, int] | None:
    """(uid, gid) for one sandbox when grading as root; None when not root (a user namespace is used).

    Each sandbox gets its own unused high uid, so that the per-user process limit of one sandbox
    (a fork bomb) cannot starve another. COURSE_SANDBOX_USER=<name> uses that account instead.
    """
    if os.geteuid() != 0:
        return None
    named = os.environ.get("COURSE_SANDBOX_USER")
    if named:
        try:
            entry = pwd.getpwnam(named)
            return entry.pw_uid, entry.pw_gid
        except KeyError:
            raise SandboxError(f"COURSE_SANDBOX_USER names the unknown user {named!r}") from None
    low, high = 200_000, 2**31 - 2
    uids = [(max(a, low), min(b, high)) for a, b in _mapped("/proc/self/uid_map") if b >= low and a <= high]
    gids = [(max(a, low), min(b, high)) for a, b in _mapped("/proc/self/gid_map") if b >= low and a <= high]
    if not uids or not gids:
        return 65534, 65534  # nobody: still unprivileged, but sandboxes share one process limit
    first, last = max(uids, key=lambda r: r[1] - r[0])
    uid = first + secrets.randbelow(last - first + 1)
    gfirst, glast = max(gids, key=lambda r: r[1] - r[0])
    return uid, gfirst + (uid - first) % (glast - gfirst + 1)


@functools.lru_cache(maxsize=1)
def _python_paths() -> tuple[str, ...]:
    """Folders the kernel's Python needs: prefixes, sys.path of a fresh interpreter, the course package."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))}
    try:
        done = subprocess.run([sys.executable, "-I", "-c", "import sys, json; print(json.dumps(sys.path))"],
                              capture_output=True, text=True, timeout=60, cwd="/")
        paths.update(json.loads(done.stdout or "[]"))
    except (OSError, ValueError, subprocess.SubprocessError):
        paths.update(sys.path)
    import course

    package = os.path.dirname(os.path.realpath(course.__file__))
    paths.add(package)
    seeds = os.path.join(os.path.dirname(package), "seeds")  # the article, in a checkout of the course
    if os.path.isdir(seeds):
        paths.add(seeds)
    real = {os.path.realpath(p) for p in paths if p and os.path.isabs(p)}
    dirs = sorted(p for p in real if os.path.isdir(p) and p != "/")
    # keep only the outermost folders (a bind of /a already shows /a/b)
    return tuple(p for p in dirs if not any(p.startswith(q + os.sep) for q in dirs if q != p))


def _system_binds() -> list[str]:
    """Read-only system folders (or the usr-merge symlinks that stand for them) and a few /etc files."""
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in ("passwd", "group", "nsswitch.conf", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime",
                 "timezone", "mime.types", "alternatives", "fonts"):
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args


def _mpl_cache() -> str | None:
    """The folder holding matplotlib's font list, so that sandboxed kernels need not rebuild it."""
    base = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    return base if glob.glob(os.path.join(base, "fontlist-*.json")) else None


def _probe() -> tuple[bool, str]:
    """Run a tiny command in the exact sandbox that kernels get; (works?, why not)."""
    missing = [t for t in ("bwrap", "prlimit") if not _tool(t)]
    if _sandbox_user() is not None and not _tool("setpriv"):
        missing.append("setpriv")
    if missing:
        return False, f"{' and '.join(missing)} not found"
    with tempfile.TemporaryDirectory(prefix="course-sandbox-probe-") as tmp:
        box = _Box(Path(tmp), cwd="/run/probe-cwd", submission_files=[], limits=Limits(), hide=("course",))
        code = ("import os, importlib.util as u; assert u.find_spec('course.geo') is None; "
                "assert u.find_spec('course.testkit') is not None; print(os.getuid())")
        argv = box.command([sys.executable, "-I", "-c", code])
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=tmp,
                                  env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, pass_fds=box.pass_fds())
        except (OSError, subprocess.SubprocessError) as err:
            return False, f"bwrap could not start: {err}"
        finally:
            box.cleanup()
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return False, "bwrap failed: " + (lines[-1] if lines else f"exit status {done.returncode}")
    return True, ""


@functools.lru_cache(maxsize=1)
def _probe_cached() -> tuple[bool, str]:
    return _probe()


def available() -> bool:
    """True when kernels can run in the bubblewrap sandbox on this machine (probed once)."""
    return _probe_cached()[0]


def status() -> str:
    """One line for logs and reports: how kernels are isolated, or why they are not."""
    works, why = _probe_cached()
    if not works:
        return NOT_ISOLATED.format(why=why)
    who = ("an unprivileged uid of its own" if os.geteuid() == 0 else "this user, in a user namespace")
    return (f"sandboxed: bubblewrap ({_tool('bwrap')}), no network, private copy of the submission, "
            f"read-only Python and course package, runs as {who}, memory counted by {memory_accounting()}, "
            f"limits {Limits()}")


# -- memory: a cgroup per sandbox where the machine allows one --------------------------------------

_CGROUP_V1 = "/sys/fs/cgroup/memory"
_CGROUP_V2 = "/sys/fs/cgroup"
_CGROUP_NAME = "course-grading"


def _cgroup_parent() -> tuple[str, str] | None:
    """(version, folder) under which this process may make memory cgroups, or None."""
    if os.environ.get("COURSE_SANDBOX_CGROUP", "auto") == "off":
        return None
    candidates = []
    if os.path.isfile(os.path.join(_CGROUP_V1, "memory.limit_in_bytes")):
        candidates.append(("v1", os.path.join(_CGROUP_V1, _CGROUP_NAME)))
    if os.path.isfile(os.path.join(_CGROUP_V2, "cgroup.controllers")):
        try:
            own = Path("/proc/self/cgroup").read_text().strip().splitlines()[0].split("::", 1)[1]
        except (OSError, IndexError):
            own = "/"
        candidates.append(("v2", os.path.join(_CGROUP_V2, own.lstrip("/"), _CGROUP_NAME)))
    for version, folder in candidates:
        try:
            os.makedirs(folder, exist_ok=True)
            if version == "v2":
                Path(folder, "cgroup.subtree_control").write_text("+memory")
            probe = tempfile.mkdtemp(prefix="probe-", dir=folder)
            limit = "memory.limit_in_bytes" if version == "v1" else "memory.max"
            Path(probe, limit).write_text(str(64 * 1024 * 1024))
            os.rmdir(probe)
            return version, folder
        except OSError:
            continue
    return None


@functools.lru_cache(maxsize=1)
def _cgroup_parent_cached() -> tuple[str, str] | None:
    return _cgroup_parent()


def memory_accounting() -> str:
    """How a sandboxed kernel's memory is counted here: a cgroup (v1 or v2), or only process limits."""
    found = _cgroup_parent_cached()
    if found:
        return f"a cgroup {found[0]} memory limit per sandbox (all memory: heap, tmpfs, memfd, shared)"
    return "address-space and data limits per process, size-limited tmpfs folders, memfd_create refused"


class _Cgroup:
    """One sandbox's memory cgroup: made with its limit, joined by the sandbox's first process, removed after."""

    def __init__(self, limit_mb: int) -> None:
        found = _cgroup_parent_cached()
        self.path: str | None = None
        if not found:
            return
        version, parent = found
        try:
            self.path = tempfile.mkdtemp(prefix="box-", dir=parent)
            limit = str(limit_mb * 1024 * 1024)
            if version == "v1":
                Path(self.path, "memory.limit_in_bytes").write_text(limit)
                swap = Path(self.path, "memory.memsw.limit_in_bytes")
                if swap.exists():
                    swap.write_text(limit)
            else:
                Path(self.path, "memory.max").write_text(limit)
                swap = Path(self.path, "memory.swap.max")
                if swap.exists():
                    swap.write_text("0")
        except OSError as err:
            _LOG.warning("could not make a memory cgroup for a sandbox (%s); process limits apply", err)
            self.remove()
            self.path = None

    @property
    def procs(self) -> str | None:
        return os.path.join(self.path, "cgroup.procs") if self.path else None

    def remove(self) -> None:
        if self.path:
            for _ in range(50):  # the cgroup empties once the sandbox's processes are gone
                try:
                    os.rmdir(self.path)
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    import time

                    time.sleep(0.1)


# -- seccomp: refuse memfd_create (memory outside every folder's size limit) ----------------------------

_ARCH = {"x86_64": (0xC000003E, 319, 0x40000000), "aarch64": (0xC00000B7, 279, None)}


def _seccomp_program() -> bytes | None:
    """A classic BPF seccomp filter that makes memfd_create fail with EPERM, for this machine's arch."""
    import platform
    import struct

    arch = _ARCH.get(platform.machine())
    if arch is None:
        return None
    audit, number, x32 = arch
    ld, jeq, ret = 0x20, 0x15, 0x06
    allow, deny = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    rows = [(ld, 0, 0, 4),  # arch
            (jeq, 0, 5, audit),  # another arch: allow
            (ld, 0, 0, 0),  # syscall number
            (jeq, 2, 0, number),
            (jeq, 1, 0, (x32 | number) if x32 else number),
            (ret, 0, 0, allow),
            (ret, 0, 0, deny),
            (ret, 0, 0, allow)]
    return b"".join(struct.pack("<HBBI", *row) for row in rows)


# -- what a kernel must not see ------------------------------------------------------------------------

def hidden_packages(names: tuple[str, ...] | list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """For each module in *names*: (its folder or file on disk, the files of it the kernel keeps).

    A module that is not installed is left out (there is nothing to hide).
    """
    import importlib.util

    check_items(names, str, "names", what="module names")
    found: list[tuple[str, tuple[str, ...]]] = []
    for name in names:
        check_type(name, str, "names[]")
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            continue
        keeps = KERNEL_KEEPS.get(name, ())
        for folder in spec.submodule_search_locations or ():
            found.append((os.path.realpath(folder), keeps))
        if not spec.submodule_search_locations and spec.origin and os.path.isfile(spec.origin):
            found.append((os.path.realpath(spec.origin), ()))
    return found


# -- one sandbox ---------------------------------------------------------------------------------

class _Box:
    """The host side of one sandboxed kernel: a private folder with the staged copy and the connection file.

    Nothing of the host is writable from inside: the kernel's working folder, /tmp, /dev/shm and the
    folder of its IPC sockets are in-memory file systems of fixed size inside the sandbox.
    """

    def __init__(self, root: Path, cwd: str, submission_files: list[tuple[Path, str]], limits: Limits,
                 forbidden: tuple[str, ...] = (), hide: tuple[str, ...] = ()) -> None:
        self.root, self.cwd, self.limits = root, cwd, limits
        self.user = _sandbox_user()
        self.stage = root / "stage"
        self.conn = root / "conn"
        self.stage.mkdir(mode=0o755)
        self.conn.mkdir(mode=0o755)
        self.hide_names = tuple(hide)
        self.hidden = hidden_packages(hide)
        self.child: int | None = None  # the sandbox's first process, on the host (see child_pid)
        self.cgroup = _Cgroup(limits.memory_mb)
        self._fds: list[int] = []
        self.info_read: int | None = None
        budget = limits.tmp_mb * 1024 * 1024 // 2
        left_out: list[str] = []
        for source, relative in submission_files:
            size = os.lstat(source).st_size
            if size > limits.file_mb * 1024 * 1024 or size > budget:
                left_out.append(relative)
                continue
            budget -= size
            target = self.stage / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target, follow_symlinks=False)
            os.chmod(target, 0o644)
        if left_out:
            _LOG.warning("the sandbox leaves out %d file(s) larger than its file or folder limit: %s", len(left_out),
                         ", ".join(repr(r) for r in left_out[:5]) + (" ..." if len(left_out) > 5 else ""))
        if self.user:
            os.chmod(root, 0o755)
        self.binds = _python_paths()
        for path in self.binds:
            for secret in forbidden:
                if secret and (secret == path or secret.startswith(path + os.sep)):
                    raise SandboxError(f"the sandbox would expose {secret} through the read-only folder {path}; "
                                       "move the Python environment or the course folder apart")

    def pass_fds(self) -> tuple[int, ...]:
        """The file descriptors bwrap reads (its seccomp filter) and writes (the child's pid), made once."""
        if not self._fds:
            program = _seccomp_program()
            if program is not None:
                path = self.root / "seccomp.bpf"
                path.write_bytes(program)
                self._fds.append(os.open(path, os.O_RDONLY))
            read, write = os.pipe()
            self.info_read = read
            self._fds.append(write)
        return tuple(self._fds)

    def connection_file(self) -> str:
        """Where the grader writes the kernel's connection file (read-only inside, at _CONN)."""
        return str(self.conn / "kernel.json")

    def command(self, kernel_argv: list[str], ready: bool = False) -> list[str]:
        """[sh -c join-cgroup] bwrap [options] -- [setpriv ...] sh -c 'copy; exec' prlimit [limits] -- kernel_argv.

        With *ready*, the sandbox marks ``<ipc>/ready`` once its working folder is filled.
        """
        fds = self.pass_fds()
        user = self.user
        mib = 1024 * 1024
        args = [_tool("bwrap") or "bwrap", "--die-with-parent",
                "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        if user is None:
            args.append("--unshare-user")
        args += ["--hostname", "course-sandbox"]
        args += _system_binds()
        args += ["--proc", "/proc", "--dev", "/dev",
                 "--perms", "1777", "--size", str(self.limits.tmp_mb * mib), "--tmpfs", "/tmp",
                 "--perms", "1777", "--size", str(self.limits.shm_mb * mib), "--tmpfs", "/dev/shm"]
        mpl = _mpl_cache()
        mounts = [("--ro-bind", path, path) for path in self.binds] + [
            ("--ro-bind", str(self.stage), _STAGE), ("--ro-bind", str(self.conn), _CONN)] + (
            [("--ro-bind", mpl, _MPL_CACHE)] if mpl else [])
        # bwrap makes missing parent folders private (0700); the unprivileged user must cross them
        made: set[str] = {"/", "/usr", "/tmp", "/proc", "/dev"}
        for target in [m[2] for m in mounts] + [self.cwd, _IPC]:
            for parent in reversed(Path(target).parents):
                if str(parent) not in made:
                    made.add(str(parent))
                    args += ["--perms", "0755", "--dir", str(parent)]
        for kind, source, target in mounts:
            args += [kind, source, target]
        for path, keeps in self.hidden:  # packages the kernel must not use: gone, but for what it keeps
            if os.path.isdir(path):
                args += ["--perms", "0755", "--size", str(mib), "--tmpfs", path]
                for name in keeps:
                    if os.path.isfile(os.path.join(path, name)):
                        args += ["--ro-bind", os.path.join(path, name), os.path.join(path, name)]
            else:
                args += ["--ro-bind", "/dev/null", path]
        args += ["--perms", "1777", "--size", str(mib), "--tmpfs", _IPC]
        args += ["--perms", "1777", "--size", str(self.limits.tmp_mb * mib), "--tmpfs", self.cwd]
        args += ["--remount-ro", "/", "--chdir", self.cwd, "--clearenv"]
        for key, value in self._env().items():
            args += ["--setenv", key, value]
        if len(fds) == 2:
            args += ["--seccomp", str(fds[0])]
        args += ["--info-fd", str(fds[-1])]
        if user:
            args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                     "--cap-add", "CAP_SETPCAP", "--",
                     _tool("setpriv") or "setpriv", f"--reuid={user[0]}", f"--regid={user[1]}", "--clear-groups",
                     "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
        # Copy the staged submission into the (size-limited) working folder, then start the kernel.
        script = (f"cp -R {_STAGE}/. . ; mkdir -p /tmp/home /tmp/.matplotlib ; "
                  f"cp {_MPL_CACHE}/fontlist-*.json /tmp/.matplotlib/ 2>/dev/null ; "
                  + (f": > {_IPC}/ready ; " if ready else "") + "exec \"$@\"")
        args += ["--", "/bin/sh", "-c", script, "course-sandbox",
                 _tool("prlimit") or "prlimit", *self.limits.prlimit_args(), "--", *kernel_argv]
        if self.cgroup.procs:  # the whole sandbox starts inside its memory cgroup
            args = ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', self.cgroup.procs, *args]
        return args

    def child_pid(self, timeout: float = 30.0) -> int:
        """The pid (on the host) of the sandbox's first process, from bwrap's --info-fd."""
        import select

        if self.info_read is None:
            raise SandboxError("the sandbox was not started")
        for fd in self._fds[-1:]:  # the parent's copy of the write end
            try:
                os.close(fd)
            except OSError:
                pass
        buffer = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.info_read], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(self.info_read, 4096)
            buffer += chunk
            try:
                self.child = int(json.loads(buffer.decode())["child-pid"])
                return self.child
            except (ValueError, KeyError, TypeError):
                if not chunk:
                    break
        raise SandboxError("bubblewrap did not start the sandbox (no child pid reported)")

    def _env(self) -> dict[str, str]:
        env = {"PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"]),
               "HOME": "/tmp/home", "USER": "student", "LOGNAME": "student", "TMPDIR": "/tmp", "IPYTHONDIR": "/tmp/.ipython", "MPLCONFIGDIR": "/tmp/.matplotlib",
               "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1", "PYTHONSAFEPATH": "1", "COURSE_SANDBOXED": "1",
               "JPY_PARENT_PID": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1",
               "LANG": os.environ.get("LANG", "C.UTF-8")}
        for key in ("LC_ALL", "LC_CTYPE", "TZ", "MPLBACKEND", "NBGRADER_EXECUTION", "PYTHONHASHSEED",
                    "PYDEVD_DISABLE_FILE_VALIDATION", "VIRTUAL_ENV"):
            if os.environ.get(key):
                env[key] = os.environ[key]
        return env

    def cleanup(self) -> None:
        for fd in self._fds[:-1] + ([self.info_read] if self.info_read is not None else []):
            try:
                os.close(fd)
            except OSError:
                pass
        self._fds, self.info_read = [], None
        self.cgroup.remove()
        from course.grading.files import remove_tree

        try:
            remove_tree(self.root)
        except OSError as err:
            _LOG.warning("could not remove the sandbox folder %s: %s", self.root, err)


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _submission_files(cwd: str, submitted: str | None) -> list[tuple[Path, str]]:
    """The files of the private copy: the regular, non-notebook files nbgrader put in *cwd* (never through
    a symlink) and the student's own submitted notebooks (never the instructor's versions).

    What ``course.grading.guard`` quarantines (code, special files, oversized or sparse files) never
    reaches *cwd*; anything that is not a regular file is skipped here too.
    """
    files: list[tuple[Path, str]] = []
    skip_dirs = {".ipynb_checkpoints", "__pycache__"}
    for base, pattern in ((cwd, "other"), (submitted, "notebooks")):
        if not base or not os.path.isdir(base):
            continue
        for folder, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if d not in skip_dirs and not os.path.islink(os.path.join(folder, d))]
            for name in filenames:
                path = Path(folder) / name
                is_notebook = name.endswith(".ipynb")
                if not _regular(str(path)) or is_notebook != (pattern == "notebooks"):
                    continue
                files.append((path, os.path.relpath(path, base)))
    return files


# -- the kernel manager ----------------------------------------------------------------------------

def _kernel_manager_base() -> type:
    from course.grading.kernels import GuardedKernelManager

    return GuardedKernelManager


class SandboxKernelManager(_kernel_manager_base()):  # type: ignore[misc]
    """A GuardedKernelManager whose kernels run in the bubblewrap sandbox and talk over in-sandbox IPC sockets.

    Set ``sandbox_submitted`` (the student's submission folder), ``sandbox_forbidden`` (folders the
    kernel must never see: the course root, the exchange) and ``sandbox_hide`` (modules the kernel
    must not have) before ``start_kernel``.
    """

    sandbox_limits: Limits = Limits()
    sandbox_submitted: str | None = None
    sandbox_forbidden: tuple[str, ...] = ()
    sandbox_hide: tuple[str, ...] = ()
    _box: _Box | None = None

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self._box is None:  # a restart reuses the same box
            cwd = os.path.realpath(kw.get("cwd") or os.getcwd())
            root = Path(tempfile.mkdtemp(prefix="course-sandbox-"))
            try:
                hide = tuple(dict.fromkeys(ALWAYS_HIDDEN + tuple(self.sandbox_hide)))
                self._box = _Box(root, cwd, _submission_files(cwd, self.sandbox_submitted), self.sandbox_limits,
                                 self.sandbox_forbidden, hide)
            except BaseException:
                shutil.rmtree(root, ignore_errors=True)
                raise
        self.transport = "ipc"
        self.ip = f"{_IPC}/kernel"  # as the kernel sees it; the grader connects through /proc after launch
        self.connection_file = self._box.connection_file()
        # A SIGINT to bwrap's process group would stop bwrap itself (and so the kernel): interrupt
        # through the control channel instead, which ipykernel turns into a SIGINT to itself.
        if self.kernel_spec is not None:
            self.kernel_spec.interrupt_mode = "message"
        return await super()._async_pre_start_kernel(**kw)

    pre_start_kernel = _async_pre_start_kernel

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        argv = super().format_kernel_cmd(extra_arguments)
        assert self._box is not None, "the sandbox is set up in pre_start_kernel"
        inside = f"{_CONN}/kernel.json"
        argv = [inside if arg == self.connection_file else arg for arg in argv]
        if os.path.exists(self.connection_file):  # written (0600) just before this call
            os.chmod(self.connection_file, 0o644)  # the folder is private to this sandbox
        return self._box.command(argv)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        assert self._box is not None
        kw["pass_fds"] = self._box.pass_fds()
        await super()._async_launch_kernel(kernel_cmd, **kw)
        child = self._box.child_pid()
        self.ip = f"/proc/{child}/root{_IPC}/kernel"  # the kernel's sockets, inside its sandbox

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._box is not None:
            self._box.cleanup()
            self._box = None

    cleanup_resources = _async_cleanup_resources


_WARNED: set[str] = set()


def kernel_manager_class(mode: str | None = None) -> type:
    """The kernel manager for *mode*: the sandbox, or the guarded manager with a NOT ISOLATED warning."""
    mode = mode_from_env() if mode is None else mode
    if mode not in MODES:
        raise CourseValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
    if mode != "off" and available():
        return SandboxKernelManager
    if mode == "required":
        raise SandboxError(status() + " (COURSE_SANDBOX=required)")
    why = "COURSE_SANDBOX=off" if mode == "off" else _probe_cached()[1]
    if why not in _WARNED:
        _WARNED.add(why)
        _LOG.warning(NOT_ISOLATED.format(why=why))
    return _kernel_manager_base()
