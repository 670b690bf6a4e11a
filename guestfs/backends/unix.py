"""The ``unix:PATH`` backend: connect to a daemon already listening on a unix
socket.  No VM is started, so there is nothing to find or to stop."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from ..errors import GuestFSError
from ..hookspecs import hookimpl
from .base import Backend

if TYPE_CHECKING:
    from ..appliance import Appliance
    from ..drives import Drive
    from .base import BackendRegistry


class UnixBackend(Backend):
    """Talks to the daemon at the socket ``unix:PATH`` names."""

    name = "unix"
    needs_arg = True
    needs_appliance = False
    needs_drives = False
    launch_timeout = 60.0

    def _launch(self, appliance: Appliance | None, drives: list[Drive]) -> None:
        if drives:
            raise GuestFSError("the unix backend cannot attach drives: the daemon already runs")
        assert self.arg is not None
        if not self.arg.startswith("/"):
            raise GuestFSError(f"unix backend: socket path must be absolute: {self.arg}", "EINVAL")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(self.arg)
        except OSError as e:
            s.close()
            raise GuestFSError(f"unix backend: cannot connect to {self.arg}: {e.strerror}") from None
        self.sock = s

    def _post_launch(self) -> socket.socket:
        return self.sock


@hookimpl
def guestfs_register_backends(registry: BackendRegistry) -> None:
    """Register ``unix``."""
    registry.add("unix", UnixBackend)
