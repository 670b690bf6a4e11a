"""The backend registry and the launch/cleanup skeleton every backend shares."""

from __future__ import annotations

import collections
import os
import select
import shutil
import socket
import sys
import threading
import time
from typing import TYPE_CHECKING, ClassVar

from ..errors import GuestFSError
from ..events import EVENT_APPLIANCE

if TYPE_CHECKING:
    from ..appliance import Appliance
    from ..drives import Drive
    from .context import LaunchContext


class BackendRegistry:
    """Backend classes by name; ``LIBGUESTFS_BACKEND`` values are looked up here."""

    def __init__(self) -> None:
        self._by_name: dict[str, type[Backend]] = {}

    def add(self, name: str, cls: type[Backend]) -> None:
        """Register ``cls`` under ``name`` (later registrations of a name win)."""
        if not name or ":" in name:
            raise ValueError(f"invalid backend name {name!r}")
        self._by_name[name] = cls

    def names(self) -> list[str]:
        """Registered backend names, sorted."""
        return sorted(self._by_name)

    def lookup(self, spec: str) -> tuple[type[Backend], str | None]:
        """Split ``name[:arg]`` and find the backend.

        :raises GuestFSError: unknown or malformed backend string.
        """
        if not spec or spec.startswith(":"):
            raise GuestFSError(f"invalid backend '{spec}'", "EINVAL")
        name, sep, arg = spec.partition(":")
        cls = self._by_name.get(name)
        if cls is None:
            raise GuestFSError(f"invalid backend: {spec} (registered backends: "
                               f"{', '.join(self.names())})", "EINVAL")
        if sep and not arg:
            raise GuestFSError(f"invalid backend '{spec}': missing argument after ':'", "EINVAL")
        if cls.needs_arg and not arg:
            raise GuestFSError(f"backend '{name}' needs an argument: '{name}:…'", "EINVAL")
        return cls, (arg if sep else None)


class ConsoleLog:
    """Reads the VM's console: keeps a bounded tail for error messages and
    passes each line to the handle's appliance events, until the console is
    handed to a caller (:meth:`handover`, for virt-rescue's shell)."""

    def __init__(self, ctx: LaunchContext, fd: int, max_lines: int = 400) -> None:
        self.ctx = ctx
        self.tail: collections.deque[str] = collections.deque(maxlen=max_lines)
        self._fd = fd
        self._handed_over = False
        self._stop_r, self._stop_w = os.pipe()
        self._thread = threading.Thread(target=self._run, name="guestfs-console", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        buf = b""
        while True:
            try:
                ready, _, _ = select.select([self._fd, self._stop_r], [], [])
                data = b"" if self._stop_r in ready else os.read(self._fd, 65536)
            except OSError:
                data = b""
            if not data:
                break
            buf += data
            *lines, buf = buf.split(b"\n")
            if len(buf) > 65536:  # a flood with no newline: cut it
                lines.append(buf)
                buf = b""
            for line in lines:
                self._deliver(line)
        if buf:  # the last words of a VM that died mid-line are not lost
            self._deliver(buf)
        if not self._handed_over:
            os.close(self._fd)
        os.close(self._stop_r)

    def _deliver(self, line: bytes) -> None:
        """Keep one console line in the tail and pass it to events or stderr."""
        # Callbacks run on this thread: a slow one stops the reading, so the
        # pipe fills and qemu waits (back-pressure) instead of memory growing.
        line = line.rstrip(b"\r")
        self.tail.append(line.decode("utf-8", "replace"))
        events = self.ctx.events
        if events.wants(EVENT_APPLIANCE):
            events.emit(EVENT_APPLIANCE, line + b"\n")
        elif self.ctx.verbose:  # read per line: set_verbose works at any time
            sys.stderr.write(line.decode("utf-8", "replace") + "\n")

    def handover(self) -> int:
        """Stop reading and return the console's descriptor (still owned
        here: :meth:`close` closes it)."""
        if not self._handed_over:
            self._handed_over = True
            os.write(self._stop_w, b"x")
            self._thread.join()
        return self._fd

    def close(self) -> None:
        """Close a handed-over console (the reader closes it otherwise)."""
        if self._handed_over and self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if self._stop_w >= 0:
            os.close(self._stop_w)
            self._stop_w = -1

    def join(self, timeout: float = 2.0) -> None:
        """Wait for the reader to see the end of the console."""
        self._thread.join(timeout)

    def text(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the console."""
        return "\n".join(list(self.tail)[-lines:])


class Backend:
    """What the handle needs from a backend; subclasses fill in the steps.

    ``launch`` runs ``_pre_launch`` (prepare files), ``_launch`` (start the VM)
    and ``_post_launch`` (return the connected channel socket); whatever
    fails, :meth:`shutdown` cleans up everything made so far.  Everything a
    backend may know of the handle is in :attr:`ctx` (a
    :class:`~guestfs.backends.context.LaunchContext`).
    """

    name: ClassVar[str] = ""
    #: Whether ``LIBGUESTFS_BACKEND`` must give ``name:arg``.
    needs_arg: ClassVar[bool] = False
    #: Whether an appliance must be found before launch.
    needs_appliance: ClassVar[bool] = True
    #: Launching with no drive added is refused (libguestfs's direct and
    #: libvirt backends refuse it; joining a running daemon needs none).
    needs_drives: ClassVar[bool] = True
    #: Seconds to wait for the VM to connect and for the daemon's launch flag.
    launch_timeout: ClassVar[float] = 600.0

    def __init__(self, ctx: LaunchContext) -> None:
        self.ctx = ctx
        self.console: ConsoleLog | None = None

    @property
    def arg(self) -> str | None:
        """What followed ``name:`` in the backend string (``unix:PATH`` …)."""
        return self.ctx.backend_arg

    @property
    def rundir(self) -> str:
        """This launch's private directory (removed by :meth:`shutdown`)."""
        return self.ctx.rundir

    # -- the skeleton ---------------------------------------------------

    def launch(self, appliance: Appliance | None, drives: list[Drive]) -> socket.socket:
        """Start the VM and return the connected channel socket."""
        self._pre_launch(appliance, drives)
        self._launch(appliance, drives)
        return self._post_launch()

    def _pre_launch(self, appliance: Appliance | None, drives: list[Drive]) -> None:
        """Prepare what the VM needs (overlays, sockets)."""

    def _launch(self, appliance: Appliance | None, drives: list[Drive]) -> None:
        """Start the VM."""
        raise NotImplementedError

    def _post_launch(self) -> socket.socket:
        """Return the channel socket once the VM has connected."""
        raise NotImplementedError

    def alive(self) -> bool:
        """False once the VM is known to have stopped."""
        return True

    def pid(self) -> int | None:
        """Process id of the VM's process, if there is one."""
        return None

    def shutdown(self) -> None:
        """Stop the VM (if running) and remove everything the launch made."""
        self.close_console()
        shutil.rmtree(self.rundir, ignore_errors=True)

    def console_tail(self) -> str:
        """The end of the VM's console output, for error messages."""
        return self.console.text() if self.console else ""

    def console_socket(self) -> int:
        """The console's descriptor, read and written by the caller from now
        on (virt-rescue's shell); it stays open until shutdown."""
        if self.console is None:
            raise GuestFSError(f"the {self.name} backend has no console to hand over", "ENOTSUP")
        return self.console.handover()

    def close_console(self) -> None:
        """Close the console if it was handed over (part of shutdown)."""
        if self.console is not None:
            self.console.close()


def accept_with_deadline(lsock: socket.socket, backend: Backend, timeout: float) -> socket.socket:
    """Accept the VM's connection on ``lsock``, giving up if the VM dies or
    ``timeout`` passes (never hangs)."""
    deadline = time.monotonic() + timeout
    lsock.settimeout(0.05)
    while True:
        try:
            conn, _ = lsock.accept()
            conn.setblocking(True)
            return conn
        except TimeoutError:
            pass
        if not backend.alive():
            raise GuestFSError("the VM exited before connecting to the channel")
        if time.monotonic() > deadline:
            raise GuestFSError(f"the VM did not connect to the channel within {timeout:.0f} s")
