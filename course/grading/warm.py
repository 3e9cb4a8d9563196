"""The kernel manager for warm kernels: one fresh sandbox per submission, the kernel forked into it from a zygote.

``WarmKernelManager`` is a ``course.grading.sandbox.SandboxKernelManager`` that starts the sandbox
with a waiting process instead of a new Python, then asks this process's zygote
(``course.grading.zygote``) to fork a kernel into it. Everything that isolates a cold kernel isolates a
warm one: the same bubblewrap sandbox (built fresh for each submission), cgroup, user id, seccomp
filter and limits. Stopping the kernel kills the sandbox, and with it every process the submission
started. When the zygote cannot be used, or fails, the kernel starts cold, as before.

Public API: ``WarmKernelManager``.

>>> WarmKernelManager.__mro__[1].__name__
'SandboxKernelManager'
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from course.grading import zygote
from course.grading.sandbox import _CONN, _IPC, ALWAYS_HIDDEN, SandboxKernelManager, _Box, _seccomp_program

__all__ = ["WarmKernelManager"]

_LOG = logging.getLogger("course.sandbox")


def _flavour(box: _Box) -> tuple[str, ...]:
    """The packages a notebook's kernels must not have, beyond what no grading kernel has."""
    return tuple(name for name in box.hide_names if name not in ALWAYS_HIDDEN)


class WarmKernelManager(SandboxKernelManager):
    """A sandboxed kernel forked from a zygote (see the module docstring); cold when that is not possible."""

    _kernel_pid: int | None = None
    _warm: bool = False
    _force_cold: bool = False

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cold = super().format_kernel_cmd(extra_arguments)
        self._extra = list(extra_arguments or [])
        assert self._box is not None
        self._warm = (not self._force_cold and self._box.user is not None
                      and zygote.zygote_for(_flavour(self._box)) is not None)
        return self._box.command(["sleep", "infinity"], ready=True) if self._warm else cold

    def _request(self, box: _Box, holder: int) -> dict:
        program = _seccomp_program()
        assert box.user is not None
        return {"holder": holder, "cwd": box.cwd, "connection_file": f"{_CONN}/kernel.json",
                "uid": box.user[0], "gid": box.user[1], "env": box._env(), "cgroup_procs": box.cgroup.procs,
                "seccomp": program.hex() if program else "", "limits": box.limits.rlimits(),
                "args": getattr(self, "_extra", [])}

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        await super()._async_launch_kernel(kernel_cmd, **kw)
        if not self._warm:
            return
        assert self._box is not None
        holder = self._box.child
        ready = f"/proc/{holder}/root{_IPC}/ready"
        deadline = time.monotonic() + 60
        try:
            while not os.path.exists(ready):
                if time.monotonic() > deadline or self.provisioner is None or await self.provisioner.poll() is not None:
                    raise zygote.ZygoteError("the sandbox did not get ready")
                time.sleep(0.01)
            found = zygote.zygote_for(_flavour(self._box))
            if found is None:
                raise zygote.ZygoteError("no zygote")
            self._kernel_pid = found.spawn(self._request(self._box, holder))
        except (zygote.ZygoteError, OSError) as err:
            _LOG.warning("a warm kernel could not start (%s); starting it cold", err)
            await self._cold_restart(kw)

    async def _cold_restart(self, kw: dict) -> None:
        """Throw the waiting sandbox away and start the kernel cold in a new one."""
        if self.provisioner is not None:
            await self.provisioner.kill()
            await self.provisioner.wait()
        if self._box is not None:
            self._box.cleanup()
            self._box = None
        self._warm = False
        self._force_cold = True
        self._kernel_pid = None
        cmd, kw = await self._async_pre_start_kernel(**{k: v for k, v in kw.items() if k != "pass_fds"})
        await SandboxKernelManager._async_launch_kernel(self, cmd, **kw)

    async def _async_is_alive(self) -> bool:
        alive = await super()._async_is_alive()
        if not alive or not self._warm or self._kernel_pid is None:
            return alive
        try:
            with open(f"/proc/{self._kernel_pid}/stat") as handle:
                state = handle.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state not in ("Z", "X")

    is_alive = _async_is_alive
