"""Image tools: ISO 9660 volume descriptors (``isoinfo``, ``isoinfo_device``),
squashfs images of guest trees (``mksquashfs``) and growing f2fs
(``f2fs_expand``).

``isoinfo`` reads the primary volume descriptor itself (the fields
genisoimage's ``isoinfo -d`` shows, plus the four volume dates), as
libguestfs 1.48 does; :func:`parse_pvd` is the pure parser, unit-tested in
``tests/daemon/test_image_parsers.py``.  ``mksquashfs`` builds the image in
the appliance's /tmp with squashfs-tools and streams it out.  Bootloaders
are ``bootloaders.py``.
"""

from __future__ import annotations

import calendar
import os
import struct
import tempfile
from typing import Any

from ..dispatch import action
from ..errors import DaemonError
from ..lib.guestroot import open_guest, real
from ..lib.programs import DEVNULL, run
from ..streams import FileOut

#: The primary volume descriptor: sector 16 of 2048-byte sectors.
PVD_OFFSET = 16 * 2048
PVD_SIZE = 2048
#: What a file or device without an ISO 9660 primary volume descriptor is.
NOT_ISO = "not an ISO file or CD-ROM"


def _text(field: bytes) -> str:
    """A d-/a-character field: trailing blanks (and NULs) dropped."""
    return field.rstrip(b" \0").decode("latin-1")


def parse_date(field: bytes) -> int:
    """A 17-byte dec-datetime as seconds since the epoch (-1 when unset).

    Digits ``YYYYMMDDHHMMSScc`` in local time, then the offset from GMT in
    15-minute steps (a signed byte); hundredths are dropped.
    """
    digits = field[:16]
    if len(field) < 17 or not digits.isdigit():
        return -1
    year, month, day = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
    hour, minute, second = int(digits[8:10]), int(digits[10:12]), int(digits[12:14])
    if year == 0 or not 1 <= month <= 12 or not 1 <= day <= 31:
        return -1
    offset: int = struct.unpack("b", field[16:17])[0]
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)) - offset * 15 * 60


def parse_pvd(pvd: bytes) -> dict[str, Any]:
    """The isoinfo struct of a primary volume descriptor.

    :raises ValueError: the bytes are not a primary volume descriptor.
    """
    if len(pvd) < 883 or pvd[0] != 1 or pvd[1:6] != b"CD001":
        raise ValueError(NOT_ISO)

    def le32(o: int) -> int:  # both-endian fields: the little-endian half
        v: int = struct.unpack_from("<I", pvd, o)[0]
        return v

    def le16(o: int) -> int:
        v: int = struct.unpack_from("<H", pvd, o)[0]
        return v

    return {
        "iso_system_id": _text(pvd[8:40]),
        "iso_volume_id": _text(pvd[40:72]),
        "iso_volume_space_size": le32(80),
        "iso_volume_set_size": le16(120),
        "iso_volume_sequence_number": le16(124),
        "iso_logical_block_size": le16(128),
        "iso_volume_set_id": _text(pvd[190:318]),
        "iso_publisher_id": _text(pvd[318:446]),
        "iso_data_preparer_id": _text(pvd[446:574]),
        "iso_application_id": _text(pvd[574:702]),
        "iso_copyright_file_id": _text(pvd[702:739]),
        "iso_abstract_file_id": _text(pvd[739:776]),
        "iso_bibliographic_file_id": _text(pvd[776:813]),
        "iso_volume_creation_t": parse_date(pvd[813:830]),
        "iso_volume_modification_t": parse_date(pvd[830:847]),
        "iso_volume_expiration_t": parse_date(pvd[847:864]),
        "iso_volume_effective_t": parse_date(pvd[864:881]),
    }


def _read_pvd(fd: int, name: str) -> dict[str, Any]:
    """Read and parse the PVD from an open file or device."""
    try:
        data = os.pread(fd, PVD_SIZE, PVD_OFFSET)
    except OSError as e:
        raise DaemonError.from_oserror(e, "read", "") from None
    finally:
        os.close(fd)
    try:
        return parse_pvd(data)
    except ValueError:
        raise DaemonError(f"{name}: {NOT_ISO}", "EINVAL") from None


@action("isoinfo")
def isoinfo(isofile: str) -> dict[str, Any]:
    """The primary volume descriptor of an ISO image file in the guest."""
    try:
        fd = open_guest(isofile, os.O_RDONLY)
    except OSError as e:
        raise DaemonError.from_oserror(e, "open", isofile) from None
    return _read_pvd(fd, isofile)


@action("isoinfo_device")
def isoinfo_device(device: str) -> dict[str, Any]:
    """The primary volume descriptor of an ISO 9660 device (a CD-ROM)."""
    try:
        fd = os.open(device, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as e:
        raise DaemonError.from_oserror(e, "open", device) from None
    return _read_pvd(fd, device)


def mksquashfs_argv(source: str, image: str, compress: str | None,
                    excludes_file: str | None) -> list[str]:
    """The mksquashfs command line for one image (no appending, no progress bar)."""
    argv = ["mksquashfs", source, image, "-noappend", "-no-progress"]
    if compress is not None:
        argv += ["-comp", compress]
    if excludes_file is not None:
        argv += ["-wildcards", "-ef", excludes_file]
    return argv


@action("mksquashfs")
def mksquashfs(path: str, filename: FileOut, compress: str | None = None,
               excludes: list[str] | None = None) -> None:
    """Stream a squashfs image of the guest directory (or file) ``path``."""
    with tempfile.TemporaryDirectory(prefix="mksquashfs.") as tmp:
        image = os.path.join(tmp, "image.sqfs")
        excludes_file = None
        if excludes:
            excludes_file = os.path.join(tmp, "excludes")
            with open(excludes_file, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write("".join(e + "\n" for e in excludes))
        run(mksquashfs_argv(real(path), image, compress, excludes_file), stdin=DEVNULL,
            c_locale=True, message="output", prefix=path)
        fd = os.open(image, os.O_RDONLY | os.O_CLOEXEC)
        try:
            filename.total = os.fstat(fd).st_size
            filename.copy_from_fd(fd)
        finally:
            os.close(fd)


@action("f2fs_expand")
def f2fs_expand(device: str) -> None:
    """Grow the f2fs filesystem on ``device`` to fill the device."""
    run(["resize.f2fs", device], stdin=DEVNULL, c_locale=True, message="output")
