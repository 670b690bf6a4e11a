"""inspect_get_icon: the inspected guest's logo as PNG bytes, read from the
mounted guest (the rest of inspection is in ``inspection.py`` and the daemon).

Every candidate is a path in the guest that some distribution ships its logo
at.  A candidate is taken only when it is a regular file (symlinks followed
in the guest), its PNG header (checked here on the bytes read, never by a
host program) gives a size from 16x16 to 1024x1024, and the file is no
larger than its limit; the first one that passes is returned, else an empty
buffer, as libguestfs 1.48 does.  Logos that need converting (CirrOS's
ASCII art, Windows's resources) would need host programs on guest data, so
they are not looked for: those guests answer an empty buffer, as stock does
when the converters are not installed.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from ..errors import GuestFSError
from . import library_action

if TYPE_CHECKING:
    from ..handle import GuestFS

#: The eight bytes every PNG starts with, then the IHDR chunk's length and type.
PNG_START = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"
#: Bytes read to know a PNG's size: the start above, width and height.
PNG_HEADER_BYTES = len(PNG_START) + 8
#: The smallest and largest icon width and height accepted.
MIN_SIDE, MAX_SIDE = 16, 1024
#: Bytes per pixel allowed when a candidate has no limit of its own
#: (the limit is then this many bytes per pixel of its size).
BYTES_PER_PIXEL = 4

#: The favicon a guest may set for itself (skipped with favicon=False or highquality=True).
FAVICON = "/etc/favicon.png"
#: (path, size limit in bytes or None for the size-based limit), tried in order.
Candidate = tuple[str, int | None]

_SHADOWMAN = "/usr/share/pixmaps/redhat/shadowman-transparent.png"
_SYSTEM_LOGO = "/usr/share/icons/hicolor/96x96/apps/system-logo-icon.png"
_SUSE: list[Candidate] = [("/usr/share/icons/hicolor/48x48/apps/distributor.png", 10240),
                          ("/usr/share/icons/hicolor/24x24/apps/distributor.png", 10240)]
#: Distro → its logo candidates.
LOGOS: dict[str, list[Candidate]] = {
    "fedora": [("/usr/share/icons/hicolor/96x96/apps/fedora-logo-icon.png", None)],
    "debian": [("/usr/share/pixmaps/debian-logo.png", 2048)],
    "ubuntu": [("/usr/share/icons/gnome/24x24/places/ubuntu-logo.png", 2048),
               ("/usr/share/help/C/ubuntu-help/figures/ubuntu-logo.png", 2048)],
    "mageia": [("/usr/share/icons/mageia.png", 10240)],
    "opensuse": _SUSE, "sles": _SUSE,
    "altlinux": [("/usr/share/icons/hicolor/48x48/apps/altlinux.png", 20480)],
    "gentoo": [("/usr/share/icons/gentoo/48x48/gentoo.png", 10240)],
    "openmandriva": [("/usr/share/icons/large/mandriva.png", 10240),
                     ("/usr/share/icons/mandriva.png", 10240)],
    "voidlinux": [("/usr/share/void-artwork/void-logo.png", 20480)],
}
#: Distros whose logo is Red Hat's: shadowman before major version 7, the system logo after.
RED_HAT_FAMILY = frozenset({"rhel", "centos", "rocky", "scientificlinux", "oraclelinux",
                            "redhat-based"})
#: Red Hat's logos' size limit.
RED_HAT_LIMIT = 102400
#: Distros whose only logos are low quality (none under highquality=True).
LOW_QUALITY = frozenset({"ubuntu"})


def png_dimensions(header: bytes) -> tuple[int, int] | None:
    """(width, height) from the first bytes of a PNG file (its IHDR chunk),
    or None when they are not a PNG's; the values are taken as signed, as
    ``file`` prints them."""
    if len(header) < PNG_HEADER_BYTES or not header.startswith(PNG_START):
        return None
    width, height = struct.unpack_from(">ii", header, len(PNG_START))
    return width, height


def acceptable_size(width: int, height: int) -> bool:
    """Whether an icon of this many pixels is neither too small nor too large."""
    return MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE


def size_limit(limit: int | None, width: int, height: int) -> int:
    """The largest file accepted for a candidate: its own limit, or one
    proportional to its pixel count."""
    return limit if limit is not None else BYTES_PER_PIXEL * width * height


def candidates(g: GuestFS, root: str, distro: str, highquality: bool) -> list[Candidate]:
    """The logo paths to try for a Linux distro, in order."""
    if highquality and distro in LOW_QUALITY:
        return []
    if distro in RED_HAT_FAMILY:
        path = _SHADOWMAN if g.inspect_get_major_version(root) < 7 else _SYSTEM_LOGO
        return [(path, RED_HAT_LIMIT)]
    return LOGOS.get(distro, [])


def read_png(g: GuestFS, path: str, limit: int | None) -> bytes | None:
    """The PNG at ``path`` in the mounted guest if it passes the checks
    (regular file, PNG of an accepted size, within its limit), else None.
    Errors of the is_file test are the caller's; later ones mean "not found"."""
    if not g.is_file(path, followsymlinks=True):
        return None
    try:
        # Resolved in the guest (the daemon's chroot), so a link cannot leave it.
        real = g.realpath(path)
        dims = png_dimensions(g.pread(real, PNG_HEADER_BYTES, 0))
        if dims is None or not acceptable_size(*dims):
            return None
        if g.filesize(real) > size_limit(limit, *dims):
            return None
        data = g.read_file(real)
    except GuestFSError:
        return None
    # Re-checked on what was read: the file may have changed in between.
    if len(data) > size_limit(limit, *dims) or png_dimensions(data) != dims:
        return None
    return data


@library_action("inspect_get_icon")
def inspect_get_icon(g: GuestFS, root: str, favicon: bool = True,
                     highquality: bool = False) -> bytes:
    """The inspected guest's icon as PNG bytes, or ``b""`` when none is found
    (the guest's filesystems must be mounted)."""
    ostype = g.inspect_get_type(root)
    distro = g.inspect_get_distro(root)
    found: list[Candidate] = []
    if favicon and not highquality:
        found.append((FAVICON, None))
    if ostype in ("linux", "hurd"):
        found.extend(candidates(g, root, distro, highquality))
    for path, limit in found:
        data = read_png(g, path, limit)
        if data is not None:
            return data
    return b""
