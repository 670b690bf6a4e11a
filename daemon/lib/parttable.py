"""Reading MBR and GPT partition tables directly (one read of a few sectors
instead of a tool run, which matters under TCG); other table kinds are left
to parted (``impl/partitions.py``)."""

from __future__ import annotations

import os
import struct
import uuid as uuidlib
from dataclasses import dataclass, field

from .blockdev import sector_size

#: MBR partition types of extended partitions.
MBR_EXTENDED = (0x05, 0x0F, 0x85)


@dataclass
class Entry:
    """One partition as found in the table (sectors in logical-sector units)."""

    num: int
    start: int
    sectors: int
    mbr_type: int = 0
    bootable: bool = False
    gpt_type: str = ""
    gpt_guid: str = ""
    gpt_attrs: int = 0
    name: str = ""


@dataclass
class Table:
    """A disk's MBR or GPT partition table."""

    kind: str
    sector_size: int
    entries: dict[int, Entry] = field(default_factory=dict)
    disk_guid: str = ""

    def get(self, num: int) -> Entry | None:
        """The entry numbered ``num``, or None."""
        return self.entries.get(num)


def _guid(b: bytes) -> str:
    """A GPT on-disk GUID (mixed endian) as upper-case text."""
    return str(uuidlib.UUID(bytes_le=b)).upper()


def _looks_like_boot_sector(s0: bytes) -> bool:
    """True for a FAT/NTFS volume boot record, which also ends in 55 AA."""
    return s0[3:11] == b"NTFS    " or s0[54:59] == b"FAT12" or s0[54:59] == b"FAT16" \
        or s0[82:87] == b"FAT32" or s0[3:11] == b"EXFAT   "


def read_table(dev: str) -> Table | None:
    """Parse the MBR or GPT of a disk; None for anything else (parted handles those)."""
    ss = sector_size(dev)
    fd = os.open(dev, os.O_RDONLY | os.O_CLOEXEC)
    try:
        s0 = os.pread(fd, 512, 0)
        if len(s0) < 512 or s0[510:512] != b"\x55\xaa":
            return None
        raw = [struct.unpack_from("<B3xB3xII", s0, 446 + 16 * i) for i in range(4)]
        if any(e[0] not in (0, 0x80) for e in raw):
            return None
        if any(e[1] == 0xEE for e in raw):
            hdr = os.pread(fd, 92, ss)
            if hdr[:8] != b"EFI PART":
                return None
            return _read_gpt(fd, hdr, ss)
        if _looks_like_boot_sector(s0):
            return None
        return _read_mbr(fd, raw, ss)
    finally:
        os.close(fd)


def _read_gpt(fd: int, hdr: bytes, ss: int) -> Table:
    """The entries of a GPT whose header (at LBA 1) is ``hdr``."""
    disk_guid = _guid(hdr[56:72])
    entries_lba, count, size = struct.unpack_from("<QII", hdr, 72)
    count = min(count, 1024)
    t = Table("gpt", ss, disk_guid=disk_guid)
    if size < 128:
        return t
    data = os.pread(fd, count * size, entries_lba * ss)
    for i in range(min(count, len(data) // size)):
        e = data[i * size:(i + 1) * size]
        if e[:16] == bytes(16):
            continue
        first, last, attrs = struct.unpack_from("<QQQ", e, 32)
        name = e[56:128].decode("utf-16-le", "replace").split("\0", 1)[0]
        t.entries[i + 1] = Entry(i + 1, first, last - first + 1, gpt_type=_guid(e[:16]),
                                 gpt_guid=_guid(e[16:32]), gpt_attrs=attrs, name=name)
    return t


def _read_mbr(fd: int, raw: list[tuple[int, int, int, int]], ss: int) -> Table:
    """Primary entries of an MBR plus the logical ones along the EBR chain."""
    t = Table("msdos", ss)
    ext_start = None
    for i, (boot, ptype, start, n) in enumerate(raw):
        if ptype == 0 or n == 0:
            continue
        t.entries[i + 1] = Entry(i + 1, start, n, mbr_type=ptype, bootable=boot == 0x80)
        if ptype in MBR_EXTENDED and ext_start is None:
            ext_start = start
    if ext_start is None:
        return t
    num, ebr, seen = 5, ext_start, set[int]()
    while ebr not in seen and len(seen) < 256:
        seen.add(ebr)
        sec = os.pread(fd, 512, ebr * ss)
        if len(sec) < 512 or sec[510:512] != b"\x55\xaa":
            break
        (b0, t0, s0, n0), (_, t1, s1, n1) = (struct.unpack_from("<B3xB3xII", sec, 446 + 16 * j)
                                             for j in range(2))
        if t0 != 0 and n0 != 0:
            t.entries[num] = Entry(num, ebr + s0, n0, mbr_type=t0, bootable=b0 == 0x80)
            num += 1
        if t1 == 0 or s1 == 0:
            break
        ebr = ext_start + s1
    return t
