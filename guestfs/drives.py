"""The drives a handle has been asked to attach (``add_drive`` and friends)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Drive:
    """One drive to attach to the appliance, as given to ``add_drive``."""

    filename: str
    readonly: bool = False
    format: str | None = None
    iface: str | None = None
    name: str | None = None
    label: str | None = None
    cachemode: str | None = None
    discard: str | None = None
    copyonread: bool = False
    blocksize: int = 0
    #: Created by the library (``add_drive_scratch``): deleted with the handle.
    scratch: bool = False

    @property
    def virtio_blk(self) -> bool:
        """True when attached as virtio-blk (the appliance then sees /dev/vdX)."""
        return self.iface in ("virtio", "virtio-blk")


DEVICE_RE = re.compile(r"^/dev/(?:sd|hd|vd|xvd|ubd)([a-z]+)(\d*)$")


def device_sort_key(name: str) -> tuple[int, str, int, str]:
    """Sort /dev/sda < /dev/sdb < /dev/sdaa, partitions by number; other names last."""
    m = DEVICE_RE.match(name)
    if not m:
        return (1, "", 0, name)
    letters, part = m.groups()
    return (0, letters.rjust(8), int(part or 0), name)
