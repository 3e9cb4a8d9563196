"""A bubblewrap sandbox for the kernels that run student notebooks during grading.

Autograding runs code that students wrote. In the sandbox, each notebook's kernel sees a private
copy of its own submission, the read-only Python environment and ``course`` package, and nothing
else: not the source notebooks, not the gradebook, not other students' folders, not the exchange.
It has no network (it talks to the grader over IPC sockets in a private folder), runs as an
unprivileged user, and runs under limits on CPU time, memory, processes, file size and tmp space.
The sandbox is Debian's ``bubblewrap`` (``bwrap``); limits come from util-linux's ``prlimit``.
Without bubblewrap, grading still works and every run says, loudly, that it is NOT ISOLATED.

Public API
----------
- ``available() -> bool`` and ``status() -> str``: can we sandbox here (probed once, then cached)?
- ``NOT_ISOLATED``: the warning logged when a kernel runs without the sandbox.
- ``Limits``: CPU seconds, memory (MiB), processes, file size (MiB), open files, tmp space (MiB).
- ``SandboxKernelManager``: a jupyter_client kernel manager that starts each kernel in the sandbox.
- ``kernel_manager_class(mode) -> type``: the manager to use for a mode: ``"auto"`` (sandbox when
  available, else a warning), ``"required"`` (fail without it) or ``"off"``.
- ``nbgrader_config(mode=None) -> traitlets Config`` and ``configure(c, mode=None)``: everything
  ``nbgrader autograde`` needs (the sandboxed, guarded executor and the submission guards, see
  ``course.grading.guard``). ``assignments/nbgrader_config.py`` calls ``configure``; ``course grade``
  and ``selfgrade`` merge ``nbgrader_config()`` into theirs, so the same sandbox applies whoever
  runs nbgrader. The mode defaults to the ``COURSE_SANDBOX`` environment variable, else ``"auto"``.

For tools that drive nbgrader from Python (``course grade``, ``selfgrade``)::

    from course.grading import sandbox
    print(sandbox.status())                  # "sandboxed: ..." or "NOT ISOLATED: ... (why)"
    config = sandbox.nbgrader_config()       # merge into the nbgrader app's traitlets config
    # or refuse to grade unprotected:        sandbox.nbgrader_config("required")

Running ``nbgrader autograde`` in ``assignments/`` needs nothing more: its config file applies the
same. Sandboxes are independent, so several grading processes may run side by side.

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
import subprocess
import sys
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from course.errors import CourseError, CourseValueError, check_type

__all__ = ["MODES", "NOT_ISOLATED", "Limits", "SandboxError", "SandboxKernelManager", "available", "configure",
           "kernel_config",
           "kernel_manager_class", "mode_from_env", "nbgrader_config", "status"]

MODES = ("auto", "required", "off")
NOT_ISOLATED = ("NOT ISOLATED: student notebooks run WITHOUT the bubblewrap sandbox ({why}). Their code can read "
                "and change every file this account can (the gradebook, the source notebooks, other students' "
                "work) and use the network. Install bubblewrap (tools/system-deps.sh, or apt-get install "
                "bubblewrap) or set COURSE_SANDBOX=required to refuse to grade without it.")
_LOG = logging.getLogger("course.sandbox")
# Inside the sandbox: where the submission copy is staged, and where the matplotlib font cache is.
_STAGE = "/run/course-submission"
_MPL_CACHE = "/run/course-mpl-cache"


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

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            check_type(value, int, f"Limits.{f.name}")
            if value <= 0:
                raise CourseValueError(f"Limits.{f.name} must be a positive whole number; got {value!r}")

    def prlimit_args(self) -> list[str]:
        """The options for ``prlimit`` that apply these limits."""
        mib = 1024 * 1024
        return [f"--cpu={self.cpu_seconds}", f"--as={self.memory_mb * mib}", f"--nproc={self.processes}",
                f"--fsize={self.file_mb * mib}", f"--nofile={self.open_files}", "--core=0"]


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
    from course.article import ARTICLE_PATH

    paths.add(os.path.dirname(os.path.realpath(course.__file__)))
    paths.add(os.path.dirname(os.path.realpath(ARTICLE_PATH)))
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
        box = _Box(Path(tmp), cwd="/run/probe-cwd", submission_files=[], limits=Limits())
        argv = box.command([sys.executable, "-I", "-S", "-c", "import os; print(os.getuid())"])
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=tmp,
                                  env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
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
            f"read-only Python and course package, runs as {who}, limits {Limits()}")


# -- one sandbox ---------------------------------------------------------------------------------

class _Box:
    """The host side of one sandboxed kernel: a private folder with the staged copy and the IPC dir."""

    def __init__(self, root: Path, cwd: str, submission_files: list[tuple[Path, str]], limits: Limits,
                 forbidden: tuple[str, ...] = ()) -> None:
        self.root, self.cwd, self.limits = root, cwd, limits
        self.user = _sandbox_user()
        self.stage = root / "stage"
        self.ipc = root / "ipc"
        self.stage.mkdir(mode=0o755)
        self.ipc.mkdir(mode=0o700)
        budget = limits.tmp_mb * 1024 * 1024 // 2
        for source, relative in submission_files:
            size = os.path.getsize(source)
            if size > limits.file_mb * 1024 * 1024 or size > budget:
                _LOG.warning("the sandbox leaves out %s (%d bytes): larger than its file or folder limit", relative, size)
                continue
            budget -= size
            target = self.stage / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target, follow_symlinks=False)
            os.chmod(target, 0o644)
        user = self.user
        if user:
            os.chmod(root, 0o755)
            os.chown(self.ipc, *user)
        self.binds = _python_paths()
        for path in self.binds:
            for secret in forbidden:
                if secret and (secret == path or secret.startswith(path + os.sep)):
                    raise SandboxError(f"the sandbox would expose {secret} through the read-only folder {path}; "
                                       "move the Python environment or the course folder apart")

    def command(self, kernel_argv: list[str]) -> list[str]:
        """bwrap [options] -- [setpriv ...] sh -c 'copy; exec' prlimit [limits] -- kernel_argv."""
        user = self.user
        mib = 1024 * 1024
        args = [_tool("bwrap") or "bwrap", "--die-with-parent",
                "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        if user is None:
            args.append("--unshare-user")
        args += ["--hostname", "course-sandbox"]
        args += _system_binds()
        args += ["--proc", "/proc", "--dev", "/dev",
                 "--perms", "1777", "--size", str(self.limits.tmp_mb * mib), "--tmpfs", "/tmp"]
        mpl = _mpl_cache()
        mounts = [("--ro-bind", path, path) for path in self.binds] + [
            ("--ro-bind", str(self.stage), _STAGE), ("--bind", str(self.ipc), str(self.ipc))] + (
            [("--ro-bind", mpl, _MPL_CACHE)] if mpl else [])
        # bwrap makes missing parent folders private (0700); the unprivileged user must cross them
        made: set[str] = {"/", "/usr", "/tmp", "/proc", "/dev"}
        for target in [m[2] for m in mounts] + [self.cwd]:
            for parent in reversed(Path(target).parents):
                if str(parent) not in made:
                    made.add(str(parent))
                    args += ["--perms", "0755", "--dir", str(parent)]
        for kind, source, target in mounts:
            args += [kind, source, target]
        args += ["--perms", "1777", "--size", str(self.limits.tmp_mb * mib), "--tmpfs", self.cwd]
        args += ["--remount-ro", "/", "--chdir", self.cwd, "--clearenv"]
        for key, value in self._env().items():
            args += ["--setenv", key, value]
        if user:
            args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                     "--cap-add", "CAP_SETPCAP", "--",
                     _tool("setpriv") or "setpriv", f"--reuid={user[0]}", f"--regid={user[1]}", "--clear-groups",
                     "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
        # Copy the staged submission into the (size-limited) working folder, then start the kernel.
        script = (f"cp -R {_STAGE}/. . ; mkdir -p /tmp/home /tmp/.matplotlib ; "
                  f"cp {_MPL_CACHE}/fontlist-*.json /tmp/.matplotlib/ 2>/dev/null ; exec \"$@\"")
        args += ["--", "/bin/sh", "-c", script, "course-sandbox",
                 _tool("prlimit") or "prlimit", *self.limits.prlimit_args(), "--", *kernel_argv]
        return args

    def _env(self) -> dict[str, str]:
        env = {"PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"]),
               "HOME": "/tmp/home", "USER": "student", "LOGNAME": "student", "TMPDIR": "/tmp", "IPYTHONDIR": "/tmp/.ipython", "MPLCONFIGDIR": "/tmp/.matplotlib",
               "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1", "COURSE_SANDBOXED": "1",
               "JPY_PARENT_PID": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1",
               "LANG": os.environ.get("LANG", "C.UTF-8")}
        for key in ("LC_ALL", "LC_CTYPE", "TZ", "MPLBACKEND", "NBGRADER_EXECUTION", "PYTHONHASHSEED",
                    "PYDEVD_DISABLE_FILE_VALIDATION", "VIRTUAL_ENV"):
            if os.environ.get(key):
                env[key] = os.environ[key]
        return env

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _submission_files(cwd: str, submitted: str | None) -> list[tuple[Path, str]]:
    """The files of the private copy: the non-notebook files nbgrader put in *cwd* (never through a
    symlink) and the student's own submitted notebooks (never the instructor's versions)."""
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
                if path.is_symlink() or not path.is_file() or is_notebook != (pattern == "notebooks"):
                    continue
                files.append((path, os.path.relpath(path, base)))
    return files


# -- the kernel manager ----------------------------------------------------------------------------

def _kernel_manager_base() -> type:
    from jupyter_client.manager import AsyncKernelManager

    return AsyncKernelManager


class SandboxKernelManager(_kernel_manager_base()):  # type: ignore[misc]
    """An AsyncKernelManager whose kernels run in the bubblewrap sandbox and talk over IPC sockets.

    Set ``sandbox_submitted`` (the student's submission folder) and ``sandbox_forbidden`` (folders the
    kernel must never see: the course root, the exchange) before ``start_kernel``.
    """

    sandbox_limits: Limits = Limits()
    sandbox_submitted: str | None = None
    sandbox_forbidden: tuple[str, ...] = ()
    _box: _Box | None = None

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self._box is None:  # a restart reuses the same box
            cwd = os.path.realpath(kw.get("cwd") or os.getcwd())
            root = Path(tempfile.mkdtemp(prefix="course-sandbox-"))
            try:
                self._box = _Box(root, cwd, _submission_files(cwd, self.sandbox_submitted), self.sandbox_limits,
                                 self.sandbox_forbidden)
            except BaseException:
                shutil.rmtree(root, ignore_errors=True)
                raise
            self.transport = "ipc"
            self.ip = str(self._box.ipc / "kernel")
            self.connection_file = str(self._box.ipc / "kernel.json")
            # A SIGINT to bwrap's process group would stop bwrap itself (and so the kernel): interrupt
            # through the control channel instead, which ipykernel turns into a SIGINT to itself.
            if self.kernel_spec is not None:
                self.kernel_spec.interrupt_mode = "message"
        return await super()._async_pre_start_kernel(**kw)

    pre_start_kernel = _async_pre_start_kernel

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        argv = super().format_kernel_cmd(extra_arguments)
        assert self._box is not None, "the sandbox is set up in pre_start_kernel"
        user = self._box.user
        if user and os.path.exists(self.connection_file):  # written (0600) just before this call
            os.chown(self.connection_file, *user)
        return self._box.command(argv)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._box is not None:
            self._box.cleanup()
            self._box = None

    cleanup_resources = _async_cleanup_resources


_WARNED: set[str] = set()


def kernel_manager_class(mode: str | None = None) -> type:
    """The kernel manager for *mode*: the sandbox, or plain jupyter_client with a NOT ISOLATED warning."""
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


# -- configuration for nbgrader --------------------------------------------------------------------

def configure(c: Any, mode: str | None = None) -> Any:
    """Apply the sandbox and the grading guards to an nbgrader config object *c*; returns *c*."""
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import DeduplicateIds, Execute, OverwriteCells

    from course.grading.guard import GuardedExecute, GuardedExporter, SafeDeduplicateIds, SafeOverwriteCells

    from traitlets.config import Config

    check_type(c, Config, "c")
    mode = mode_from_env() if mode is None else mode
    if mode not in MODES:
        raise CourseValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
    c.GuardedExecute.sandbox = mode
    c.Autograde.exporter_class = GuardedExporter
    swap = {OverwriteCells: SafeOverwriteCells, DeduplicateIds: SafeDeduplicateIds}
    c.Autograde.sanitize_preprocessors = [swap.get(p, p) for p in Autograde.class_traits()["sanitize_preprocessors"].default()]
    c.Autograde.autograde_preprocessors = [GuardedExecute if p is Execute else p
                                           for p in Autograde.class_traits()["autograde_preprocessors"].default()]
    return c


def nbgrader_config(mode: str | None = None) -> Any:
    """A traitlets Config with the sandbox and guards, for tools that drive nbgrader from Python."""
    from traitlets.config import Config

    return configure(Config(), mode)


def kernel_config() -> Any:
    """The hook ``course grade`` and ``course selfgrade`` call (``course.grading.worker.kernel_config``):
    the sandbox and the guards, whatever the course folder's own nbgrader_config.py says."""
    return nbgrader_config()
