"""Example third-party guestfs backend: ``nice`` runs the appliance's qemu
at a lower CPU priority.

It uses only the public plugin surface: the ``guestfs_register_backends``
hook and the documented ``QemuBackend`` base class.
"""

from __future__ import annotations

import shutil

from guestfs.backends.qemu import QemuBackend
from guestfs.hookspecs import hookimpl

#: How much lower than normal the appliance runs.
NICENESS = 10


class NiceBackend(QemuBackend):
    """The direct backend's qemu, started through ``nice -n 10``."""

    name = "nice"

    def command_line(self, appliance, drives):  # type: ignore[no-untyped-def]
        """The direct command line behind ``nice`` (which execs qemu)."""
        nice = shutil.which("nice") or "/usr/bin/nice"
        return [nice, "-n", str(NICENESS), *super().command_line(appliance, drives)]


@hookimpl
def guestfs_register_backends(registry):  # type: ignore[no-untyped-def]
    """Add the ``nice`` backend."""
    registry.add("nice", NiceBackend)
