"""What a Mountable names and what its filesystem is: splitting
``btrfsvol:`` names, the blkid type, the ext superblock (``tune2fs -l``).
The filesystem actions are in ``impl/filesystems.py``."""

from __future__ import annotations

from .. import context
from ..errors import DaemonError
from .blockdev import blkid_tag
from .programs import out


def mountable_device(mountable: str) -> tuple[str, str | None]:
    """Split a Mountable into (device node, btrfs subvolume or None)."""
    if not mountable.startswith("btrfsvol:"):
        if not mountable.startswith("/"):
            # Dispatch resolves /dev names; anything else names no device.
            raise DaemonError(f"{mountable}: No such file or directory", "ENOENT")
        return mountable, None
    rest = mountable[len("btrfsvol:"):]
    parts = rest.split("/")
    # The device is the longest leading /dev/… prefix that exists.
    for i in range(len(parts), 2, -1):
        cand = "/".join(parts[:i])
        try:
            real = context.resolve_device(cand)
        except DaemonError:
            continue
        return real, "/".join(parts[i:])
    raise DaemonError(f"{mountable}: cannot parse btrfs subvolume", "EINVAL")


def vfs_type(mountable: str) -> str:
    """The filesystem type blkid sees on the device ("" if none); for a
    ``btrfsvol:`` name, the type of its device, as in libguestfs."""
    dev, _ = mountable_device(mountable)
    return blkid_tag(dev, "TYPE")


def tune2fs_l(device: str) -> list[tuple[str, str]]:
    """The ext2/3/4 superblock as ``tune2fs -l`` prints it, as key/value pairs."""
    text = out(["tune2fs", "-l", device], c_locale=True, message="output")
    lines = text.splitlines()
    if lines and (lines[0].startswith("tune2fs ") or lines[0].startswith("tune4fs ")):
        lines = lines[1:]
    pairs: list[tuple[str, str]] = []
    for line in lines:
        if not line:
            continue
        key, sep, value = line.partition(":")
        if not sep:
            pairs.append((line, ""))
            continue
        value = value.lstrip()
        if value in ("<none>", "<not available>", "(none)"):
            value = ""
        pairs.append((key, value))
    return pairs
