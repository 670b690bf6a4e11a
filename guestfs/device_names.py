"""The built-in device-name policy (a plugin like any other).

Callers name drives ``/dev/sdX`` whatever their interface.  A drive attached
as virtio-blk is ``/dev/vdX`` in the appliance, so its names are translated
on the way in; names coming back are put in ``/dev/sd*`` form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .drives import DEVICE_RE
from .hookspecs import hookimpl
from .protocol.devnames import index_to_letters, letters_to_index

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .drives import Drive
    from .handle import GuestFS

_BACK_RE = re.compile(r"^/dev/(?:hd|vd|xvd|ubd)([a-z]+\d*)$")


@hookimpl(trylast=True)
def guestfs_device_to_appliance(name: str, handle: GuestFS, drives: Sequence[Drive]) -> str | None:
    """``/dev/sdX[N]`` → ``/dev/vdX[N]`` when drive X is attached as virtio-blk.

    Only virtio-blk drives change name; the others keep their /dev/sd name,
    counted among the SCSI drives.
    """
    m = DEVICE_RE.match(name)
    if not m:
        return name
    i = letters_to_index(m.group(1))
    if i >= len(drives):
        return name
    kind_index = sum(1 for d in drives[:i] if d.virtio_blk == drives[i].virtio_blk)
    prefix = "vd" if drives[i].virtio_blk else "sd"
    return f"/dev/{prefix}{index_to_letters(kind_index)}{m.group(2)}"


@hookimpl(trylast=True)
def guestfs_device_from_appliance(name: str, handle: GuestFS, drives: Sequence[Drive]) -> str | None:
    """``/dev/vdX[N]`` (the Nth virtio-blk drive) → the caller's ``/dev/sdY[N]``."""
    m = DEVICE_RE.match(name)
    if not m:
        return name
    virtio = name.startswith("/dev/vd")
    i = letters_to_index(m.group(1))
    seen = -1
    for j, d in enumerate(drives):
        if d.virtio_blk == virtio:
            seen += 1
            if seen == i:
                return f"/dev/sd{index_to_letters(j)}{m.group(2)}"
    m2 = _BACK_RE.match(name)
    return f"/dev/sd{m2.group(1)}" if m2 else name
