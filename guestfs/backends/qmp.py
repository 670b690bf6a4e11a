"""A small synchronous QMP client (qemu's JSON machine protocol).

The direct backend talks QMP only for saved-appliance launches
(``saved.py``): to save a booted VM with ``migrate``, and after a restore
to hot-plug the caller's drives and resume the VM.  The monitor runs on one
end of a socket pair whose other end qemu inherits (``-chardev
socket,fd=N``), so there is no path to race for and nothing to remove.
"""

from __future__ import annotations

import json
import select
import socket
import time
from typing import Any

from .saved import SavedError


class QMPError(SavedError):
    """qemu refused a command, closed the monitor, or did not answer in time
    (a saved-appliance launch then boots cold)."""


class QMP:
    """One QMP session over a connected socket.

    :param sock: our end of the monitor's socket pair.
    :param deadline: ``time.monotonic()`` value after which every wait gives up.
    """

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.deadline = deadline
        self._buf = b""
        self._id = 0
        #: Events seen while waiting for replies, oldest first.
        self.events: list[dict[str, Any]] = []
        greeting = self._read()
        if "QMP" not in greeting:
            raise QMPError(f"qmp: unexpected greeting {greeting!r:.200}")
        self.command("qmp_capabilities")

    def _read(self) -> dict[str, Any]:
        """The next JSON object qemu sent."""
        while b"\n" not in self._buf:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise QMPError("qmp: qemu did not answer in time")
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                continue
            try:
                data = self.sock.recv(65536)
            except OSError as e:
                raise QMPError(f"qmp: {e.strerror or e}") from None
            if not data:
                raise QMPError("qmp: qemu closed its monitor")
            self._buf += data
        line, _, self._buf = self._buf.partition(b"\n")
        try:
            obj = json.loads(line)
        except ValueError:
            raise QMPError(f"qmp: undecodable line {line[:200]!r}") from None
        if not isinstance(obj, dict):
            raise QMPError(f"qmp: unexpected message {obj!r:.200}")
        return obj

    def command(self, name: str, **args: Any) -> Any:
        """Run one command and return its ``return`` value.

        :raises QMPError: qemu answered with an error, or not at all.
        """
        self._id += 1
        msg: dict[str, Any] = {"execute": name, "id": self._id}
        if args:
            msg["arguments"] = args
        try:
            self.sock.sendall(json.dumps(msg).encode() + b"\n")
        except OSError as e:
            raise QMPError(f"qmp: {name}: {e.strerror or e}") from None
        while True:
            reply = self._read()
            if "event" in reply:
                self.events.append(reply)
                continue
            if reply.get("id") != self._id:
                continue
            if "error" in reply:
                err = reply["error"]
                raise QMPError(f"qmp: {name}: {err.get('desc', err) if isinstance(err, dict) else err}")
            return reply.get("return")

    def hmp(self, line: str) -> str:
        """Run a human-monitor command; its text output (qemu reports HMP
        failures only as text)."""
        out = self.command("human-monitor-command", **{"command-line": line})
        return str(out or "")

    def wait_status(self, wanted: tuple[str, ...], poll: float = 0.005) -> str:
        """Poll ``query-status`` until the run state is one of ``wanted``.

        :raises QMPError: a state no wait can leave (``shutdown``,
            ``internal-error``, ``guest-panicked``), or the deadline.
        """
        while True:
            status = str(self.command("query-status").get("status", ""))
            if status in wanted:
                return status
            if status in ("shutdown", "internal-error", "guest-panicked", "io-error"):
                raise QMPError(f"qmp: the VM is in state {status}")
            if time.monotonic() > self.deadline:
                raise QMPError(f"qmp: the VM is still in state {status}")
            time.sleep(poll)

    def close(self) -> None:
        self.sock.close()
