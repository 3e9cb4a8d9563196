"""Grading kernels that cannot flood the grader: no shared file descriptors, every message size-checked first.

jupyter_client starts a kernel with the grader's own standard input, output and error, so a
student's code could write into (or truncate) the grader's log. And it parses every message it
receives in full, so one huge output could take the grader's memory before any output limit applies.
These subclasses of jupyter_client's own classes close both routes:

- ``GuardedKernelManager`` starts kernels with stdin, stdout and stderr on ``/dev/null``
  (``COURSE_KERNEL_STDERR=1`` keeps stderr, for debugging a kernel that will not start);
- ``GuardedKernelClient`` refuses, at the socket, any message larger than ``MAX_MESSAGE_BYTES``
  (ZeroMQ's ``MAXMSGSIZE``: the sender is disconnected and the message never reaches Python; the
  notebook's later outputs are lost then, its grades are not, since tests ask through another channel);
- ``GuardedSession`` checks the size of each part of a message *before* parsing it: a message whose
  content is larger than ``MAX_CONTENT_BYTES`` is replaced by an empty one of the same type that
  says how many bytes were dropped (``content["course_dropped"]``), so it still reaches the right cell.

The sandbox (``course.grading.sandbox.SandboxKernelManager``) builds on ``GuardedKernelManager``.

>>> type(GuardedKernelManager().client()).__name__
'GuardedKernelClient'
"""

from __future__ import annotations

import os
import subprocess
from typing import Any

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.session import Session, extract_dates
from traitlets import default

__all__ = ["MAX_CONTENT_BYTES", "MAX_HEADER_BYTES", "MAX_MESSAGE_BYTES", "GuardedKernelClient",
           "GuardedKernelManager", "GuardedSession"]

MAX_MESSAGE_BYTES = 512 * 1024 * 1024  # a message larger than this never leaves ZeroMQ (the kernel's channel closes)
MAX_CONTENT_BYTES = 8 * 1024 * 1024  # a content part larger than this is not parsed
MAX_HEADER_BYTES = 64 * 1024  # header, parent header and metadata parts


def _dropped_content(msg_type: str, size: int) -> dict[str, Any]:
    """An empty message content of *msg_type* that records *size* dropped bytes."""
    if msg_type == "stream":
        return {"name": "stdout", "text": "", "course_dropped": size}
    if msg_type in ("display_data", "execute_result", "update_display_data"):
        return {"data": {"text/plain": ""}, "metadata": {}, "course_dropped": size,
                **({"execution_count": None} if msg_type == "execute_result" else {})}
    if msg_type == "error":
        return {"ename": "OutputTooLarge", "evalue": f"an error of {size} bytes was dropped", "traceback": [],
                "course_dropped": size}
    if msg_type == "execute_reply":
        return {"status": "ok", "execution_count": None, "user_expressions": {}, "payload": [],
                "course_dropped": size}
    return {"course_dropped": size}


class GuardedSession(Session):
    """A jupyter_client Session that checks the size of every part of a message before it parses it."""

    def deserialize(self, msg_list: list, content: bool = True, copy: bool = True) -> dict[str, Any]:
        sizes = [len(part) for part in msg_list]
        small = len(sizes) >= 5 and all(size <= MAX_HEADER_BYTES for size in sizes[1:4])
        if small and sizes[4] <= MAX_CONTENT_BYTES and sum(sizes[5:]) <= MAX_CONTENT_BYTES:
            return super().deserialize(msg_list, content=content, copy=copy)
        dropped = sum(sizes[4:])
        if not small:
            # not even its header can be read safely: a message that no cell or reply will claim
            return {"header": {"msg_id": "", "msg_type": "course_dropped"}, "msg_id": "", "msg_type": "course_dropped",
                    "parent_header": {}, "metadata": {}, "content": {"course_dropped": dropped}, "buffers": []}
        parts = [bytes(part if copy else part.bytes) for part in msg_list[:4]]
        if self.auth is not None:
            signature = parts[0]
            check = self.sign(list(parts[1:4]) + [msg_list[4] if copy else msg_list[4].bytes])
            from hmac import compare_digest

            if not signature or not compare_digest(signature, check):
                raise ValueError("Invalid Signature on an oversized message")
        header = extract_dates(self.unpack(parts[1]))
        msg_type = str(header.get("msg_type", ""))
        return {"header": header, "msg_id": header.get("msg_id", ""), "msg_type": msg_type,
                "parent_header": extract_dates(self.unpack(parts[2])), "metadata": {},
                "content": _dropped_content(msg_type, dropped), "buffers": []}


def _size_limited_context() -> zmq.asyncio.Context:
    """A ZeroMQ context whose sockets drop any message larger than MAX_MESSAGE_BYTES before Python sees it."""
    context = zmq.asyncio.Context()
    context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    return context


class GuardedKernelClient(AsyncKernelClient):
    """An AsyncKernelClient whose sockets refuse messages larger than MAX_MESSAGE_BYTES."""

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        self._created_context = True
        return _size_limited_context()


class GuardedKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernels share no file descriptor with the grader and whose messages are size-checked."""

    client_class = "course.grading.kernels.GuardedKernelClient"

    @default("client_factory")
    def _client_factory_default(self) -> type:
        return GuardedKernelClient

    @default("session")
    def _session_default(self) -> Session:
        return GuardedSession(parent=self)

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        self._created_context = True
        return _size_limited_context()

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        kw["stdin"] = subprocess.DEVNULL
        kw["stdout"] = subprocess.DEVNULL
        if os.environ.get("COURSE_KERNEL_STDERR") != "1":
            kw["stderr"] = subprocess.DEVNULL
        await super()._async_launch_kernel(kernel_cmd, **kw)
