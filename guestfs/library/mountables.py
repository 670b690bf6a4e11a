"""Mountable parsing calls libguestfs runs in the library: ``mountable_device``
and ``mountable_subvolume``, both built on the daemon's
``internal_parse_mountable`` (which checks the device and splits a
``btrfsvol:DEVICE/SUBVOLUME`` name the way every Mountable argument is split).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import UnprefixedError
from . import library_action

if TYPE_CHECKING:
    from ..handle import GuestFS

#: internal_parse_mountable's im_type of a btrfs subvolume.
MOUNTABLE_BTRFSVOL = 1


def _parse(g: GuestFS, mountable: str) -> dict[str, Any]:
    parsed: dict[str, Any] = g._rpc("internal_parse_mountable", {"mountable": mountable})
    return parsed


@library_action("mountable_device")
def mountable_device(g: GuestFS, mountable: str) -> str:
    """The device of a Mountable (the device itself, or a subvolume's device)."""
    device: str = _parse(g, mountable)["im_device"]
    return device


@library_action("mountable_subvolume")
def mountable_subvolume(g: GuestFS, mountable: str) -> str:
    """The subvolume path of a ``btrfsvol:`` Mountable; an error for anything else."""
    parsed = _parse(g, mountable)
    if parsed["im_type"] != MOUNTABLE_BTRFSVOL:
        # libguestfs words this one without the call's name, errno unset.
        raise UnprefixedError("not a btrfs subvolume identifier")
    volume: str = parsed["im_volume"]
    return volume
