"""The pure parts of ``daemon/impl/images.py`` and ``bootloaders.py``: the
ISO 9660 primary volume descriptor reader (on a descriptor laid out here
byte by byte, as ECMA-119 places its fields), and the command lines of
mksquashfs and syslinux."""

from __future__ import annotations

import struct

import pytest

from guestfs_daemon.impl import bootloaders, images


def _both16(v: int) -> bytes:
    return struct.pack("<H", v) + struct.pack(">H", v)


def _both32(v: int) -> bytes:
    return struct.pack("<I", v) + struct.pack(">I", v)


def _field(text: str, size: int) -> bytes:
    return text.encode().ljust(size, b" ")


def pvd(created: bytes = b"2026120313450900\x00", expires: bytes = b"0" * 16 + b"\x00") -> bytes:
    """A primary volume descriptor with every field isoinfo reports set."""
    d = bytearray(2048)
    d[0:8] = b"\x01CD001\x01\x00"
    d[8:40] = _field("LINUX", 32)
    d[40:72] = _field("MYVOL", 32)
    d[80:88] = _both32(184)
    d[120:124] = _both16(1)
    d[124:128] = _both16(1)
    d[128:132] = _both16(2048)
    d[190:318] = _field("VSET", 128)
    d[318:446] = _field("PUB", 128)
    d[446:574] = _field("PREP", 128)
    d[574:702] = _field("APP", 128)
    d[702:739] = _field("COPY", 37)
    d[739:776] = _field("", 37)
    d[776:813] = _field("BIB", 37)
    d[813:830] = created
    d[830:847] = b"2026120314000000\x04"  # GMT+1 (four 15-minute steps)
    d[847:864] = expires
    d[864:881] = created
    return bytes(d)


def test_every_field() -> None:
    info = images.parse_pvd(pvd())
    assert info == {
        "iso_system_id": "LINUX", "iso_volume_id": "MYVOL", "iso_volume_space_size": 184,
        "iso_volume_set_size": 1, "iso_volume_sequence_number": 1, "iso_logical_block_size": 2048,
        "iso_volume_set_id": "VSET", "iso_publisher_id": "PUB", "iso_data_preparer_id": "PREP",
        "iso_application_id": "APP", "iso_copyright_file_id": "COPY", "iso_abstract_file_id": "",
        "iso_bibliographic_file_id": "BIB",
        "iso_volume_creation_t": 1796305509,  # 2026-12-03 13:45:09 UTC
        "iso_volume_modification_t": 1796306400 - 3600,
        "iso_volume_expiration_t": -1,  # all zeros: not set
        "iso_volume_effective_t": 1796305509,
    }


def test_dates() -> None:
    assert images.parse_date(b"1970010100000000\x00") == 0
    assert images.parse_date(b"1970010101000000\x04") == 0  # 01:00 at GMT+1
    assert images.parse_date(b"1970010100000000\xfc") == 3600  # 00:00 at GMT-1
    assert images.parse_date(b" " * 17) == -1
    assert images.parse_date(b"0000000000000000\x00") == -1
    assert images.parse_date(b"20261303000000\x00\x00\x00") == -1  # month 13


@pytest.mark.parametrize("data", [b"", bytes(2048), b"\x01CD002" + bytes(2042), b"\x02CD001" + bytes(2042),
                                  b"\x01CD001" + bytes(10)])
def test_not_a_pvd(data: bytes) -> None:
    with pytest.raises(ValueError, match="not an ISO file or CD-ROM"):
        images.parse_pvd(data)


def test_mksquashfs_argv() -> None:
    assert images.mksquashfs_argv("/sysroot/d", "/tmp/i", None, None) == [
        "mksquashfs", "/sysroot/d", "/tmp/i", "-noappend", "-no-progress"]
    assert images.mksquashfs_argv("/sysroot/d", "/tmp/i", "xz", "/tmp/ex") == [
        "mksquashfs", "/sysroot/d", "/tmp/i", "-noappend", "-no-progress", "-comp", "xz",
        "-wildcards", "-ef", "/tmp/ex"]


def test_syslinux_argv() -> None:
    assert bootloaders.syslinux_argv("/dev/sda1", None) == ["syslinux", "--install", "/dev/sda1"]
    assert bootloaders.syslinux_argv("/dev/sda1", "/boot/syslinux") == [
        "syslinux", "--install", "--directory", "/boot/syslinux", "/dev/sda1"]
