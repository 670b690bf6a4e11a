"""Which disks make the appliance activate LVM or assemble md at boot
(daemon/lib/activate.py), on files shaped like the real signatures."""

from __future__ import annotations

import struct
from pathlib import Path

from guestfs_daemon.lib.activate import has_lvm_label, has_md_superblock


def _image(tmp_path: Path, writes: dict[int, bytes], size: int = 1 << 20) -> str:
    p = tmp_path / "disk.img"
    with open(p, "wb") as f:
        f.truncate(size)
        for off, data in writes.items():
            f.seek(off)
            f.write(data)
    return str(p)


def _label(sector: int) -> dict[int, bytes]:
    return {sector * 512: b"LABELONE", sector * 512 + 24: b"LVM2 001"}


def test_lvm_label_in_any_of_the_first_four_sectors(tmp_path: Path) -> None:
    for sector in range(4):
        assert has_lvm_label(_image(tmp_path, _label(sector))), sector
    assert not has_lvm_label(_image(tmp_path, _label(4)))
    assert not has_lvm_label(_image(tmp_path, {512: b"LABELONE"}))  # no LVM2 type
    assert not has_lvm_label(_image(tmp_path, {}))


def test_md_superblock_where_each_metadata_version_puts_it(tmp_path: Path) -> None:
    magic = struct.pack("<I", 0xA92B4EFC)
    size = 8 << 20
    for off in (0, 4096, size - 64 * 1024, size - 8 * 1024):
        assert has_md_superblock(_image(tmp_path, {off: magic}, size)), off
    assert not has_md_superblock(_image(tmp_path, {8192: magic}, size))
    assert not has_md_superblock(_image(tmp_path, {}, size))


def test_unreadable_devices_have_nothing(tmp_path: Path) -> None:
    assert not has_lvm_label(str(tmp_path / "missing"))
    assert not has_md_superblock(str(tmp_path / "missing"))
