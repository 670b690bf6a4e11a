"""The ``direct`` backend: runs qemu itself (libguestfs's default backend)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..hookspecs import hookimpl
from .qemu import QemuBackend

if TYPE_CHECKING:
    from .base import BackendRegistry


class DirectBackend(QemuBackend):
    """qemu started directly by the library, with the ``hv`` binary."""

    name = "direct"


@hookimpl
def guestfs_register_backends(registry: BackendRegistry) -> None:
    """Register ``direct`` (and ``appliance``, its old name in libguestfs)."""
    registry.add("direct", DirectBackend)
    registry.add("appliance", DirectBackend)
