"""Partition tables: create, add, delete, resize, list, and per-partition
attributes (bootable flag, MBR type byte, GPT type/GUID/name/attributes).

Changes go through parted, sfdisk and sgdisk like libguestfs; MBR and GPT
tables are read here directly (one read of a few sectors instead of a tool
run, which matters under TCG), other table kinds through ``parted -m``.
After every change the kernel's view is re-synchronised and the partition
nodes are waited for (there is no udev: see ``devices.settle``).
Device helpers live in ``devices.py``.
"""

from __future__ import annotations

import os
import re
import struct
import uuid as uuidlib
from dataclasses import dataclass, field

from ..dispatch import action
from ..errors import DaemonError
from . import devices

#: libguestfs's names for partition table types → parted's.
PARTTYPES = {
    "aix": "aix", "amiga": "amiga", "rdb": "amiga", "bsd": "bsd", "dasd": "dasd",
    "dvh": "dvh", "gpt": "gpt", "efi": "gpt", "mac": "mac", "msdos": "msdos",
    "mbr": "msdos", "pc98": "pc98", "sun": "sun",
}
PRLOGEX = {"p": "primary", "primary": "primary", "l": "logical", "logical": "logical",
           "e": "extended", "extended": "extended"}
#: GPT type of an EFI system partition: what parted's "boot" flag means on GPT.
ESP_GUID = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
_GUID_RE = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
_MBR_EXTENDED = (0x05, 0x0F, 0x85)


# -- reading tables -----------------------------------------------------------


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
    ss = devices.sector_size(dev)
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
        if ptype in _MBR_EXTENDED and ext_start is None:
            ext_start = start
    if ext_start is None:
        return t
    num, ebr, seen = 5, ext_start, set()
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


# -- running parted -------------------------------------------------------------


def parted(dev: str, *args: str, input: bytes | None = None) -> str:
    """Run parted in script mode on ``dev``; errors read ``parted: DEV: message``."""
    argv = ["parted", "-s", "--", dev, *args] if input is None else \
        ["parted", "---pretend-input-tty", "--", dev, *args]
    try:
        return devices.tool(argv, input=input)
    except DaemonError as e:
        msg = str(e)
        disp = devices.display(dev)
        if disp != dev:
            msg = msg.replace(dev, disp)
        raise DaemonError(f"parted: {disp}: {msg}", "EINVAL") from None


def _parted_print(dev: str) -> tuple[str, list[list[str]]]:
    """``parted -m print`` in bytes: the table type and the partition lines' fields."""
    lines = [ln for ln in parted(dev, "unit", "b", "print").splitlines() if ln.strip()]
    if len(lines) < 2 or lines[0] != "BYT;":
        raise DaemonError(f"parted: {devices.display(dev)}: unexpected output from parted")
    kind = lines[1].rstrip(";").split(":")[5]
    parts = [ln.rstrip(";").split(":") for ln in lines[2:]]
    return kind, parts


def _table_or_parted(dev: str) -> Table | None:
    """The parsed MBR/GPT, or None after checking parted can read the disk at all."""
    t = read_table(dev)
    if t is None:
        _parted_print(dev)  # raises "unrecognised disk label" on a blank disk
    return t


def _entry(dev: str, partnum: int) -> tuple[Table | None, Entry | None]:
    """The table and the entry for ``partnum``; error if there is no such partition."""
    t = _table_or_parted(dev)
    if t is not None:
        e = t.get(partnum)
        if e is None:
            raise DaemonError(f"partition number {partnum} not found", "EINVAL")
        return t, e
    return None, None


def _after_change(dev: str) -> None:
    """Wait for the kernel's partition nodes to match the new table."""
    devices.settle(dev)


# -- creating and changing tables --------------------------------------------


@action("part_init")
def part_init(device: str, parttype: str) -> None:
    """Write a new, empty partition table of type ``parttype``."""
    pt = PARTTYPES.get(parttype)
    if pt is None:
        raise DaemonError('unknown partition type: common choices are "gpt" and "msdos"', "EINVAL")
    parted(device, "mklabel", pt)
    _after_change(device)


@action("part_add")
def part_add(device: str, prlogex: str, startsect: int, endsect: int) -> None:
    """Add a partition from ``startsect`` to ``endsect`` (negative: from the end)."""
    kind = PRLOGEX.get(prlogex)
    if kind is None:
        raise DaemonError(f'unknown partition type: {prlogex}: this should be "primary", '
                          f'"logical" or "extended"', "EINVAL")
    parted(device, "mkpart", kind, f"{startsect}s", f"{endsect}s")
    _after_change(device)


@action("part_disk")
def part_disk(device: str, parttype: str) -> None:
    """A new table with one primary partition over the whole disk.

    Like libguestfs: start at sector 128 and leave the last 128 sectors free
    (room for a GPT backup and better alignment).
    """
    pt = PARTTYPES.get(parttype)
    if pt is None:
        raise DaemonError('unknown partition type: common choices are "gpt" and "msdos"', "EINVAL")
    parted(device, "mklabel", pt, "mkpart", "primary", "128s", "-128s")
    _after_change(device)


@action("part_del")
def part_del(device: str, partnum: int) -> None:
    """Delete a partition (an extended one takes its logical partitions along)."""
    parted(device, "rm", str(partnum))
    _after_change(device)


@action("part_resize")
def part_resize(device: str, partnum: int, endsect: int) -> None:
    """Move the end of a partition; the filesystem inside is not touched."""
    # resizepart asks for confirmation when shrinking, which script mode
    # cannot give: answer through a pretend terminal instead.
    parted(device, "unit", "s", "resizepart", str(partnum), f"{endsect}s", input=b"Yes\n")
    _after_change(device)


@action("part_expand_gpt")
def part_expand_gpt(device: str) -> None:
    """Move the GPT backup structures to the end of a grown disk."""
    devices.tool(["sgdisk", "-e", device], prefix=f"sgdisk: {devices.display(device)}")
    _after_change(device)


# -- listing --------------------------------------------------------------------


@action("part_list")
def part_list(device: str) -> list[dict[str, int]]:
    """Partitions in disk order with start, end (inclusive) and size in bytes."""
    t = read_table(device)
    if t is not None:
        ss = t.sector_size
        out = [{"part_num": e.num, "part_start": e.start * ss,
                "part_end": (e.start + e.sectors) * ss - 1, "part_size": e.sectors * ss}
               for e in sorted(t.entries.values(), key=lambda e: (e.start, e.num))]
        return out
    _, parts = _parted_print(device)
    return [{"part_num": int(p[0]), "part_start": int(p[1].rstrip("B")),
             "part_end": int(p[2].rstrip("B")), "part_size": int(p[3].rstrip("B"))}
            for p in parts if len(p) >= 4]


@action("part_get_parttype")
def part_get_parttype(device: str) -> str:
    """The table type as parted names it: "msdos", "gpt", "loop" …"""
    t = read_table(device)
    if t is not None:
        return t.kind
    kind, _ = _parted_print(device)
    return kind


@action("part_to_dev")
def part_to_dev(partition: str) -> str:
    """The disk a partition is on (/dev/sda1 → /dev/sda)."""
    disk = devices.parent_disk(partition)
    if disk is None:
        raise DaemonError("device name is not a partition", "EINVAL")
    return devices.dev_node(disk)


@action("part_to_partnum")
def part_to_partnum(partition: str) -> int:
    """The partition number (/dev/sda1 → 1)."""
    if devices.parent_disk(partition) is None:
        raise DaemonError("device name is not a partition", "EINVAL")
    with open(os.path.join(devices.sys_class_block(devices.kname(partition)), "partition")) as f:
        return int(f.read().strip())


# -- per-partition attributes ---------------------------------------------------


def _parted_flags(device: str, partnum: int) -> list[str]:
    """parted's flag list for a partition on a table read through parted."""
    _, parts = _parted_print(device)
    for p in parts:
        if p and p[0] == str(partnum):
            return [f.strip() for f in p[6].split(",")] if len(p) > 6 else []
    raise DaemonError(f"partition number {partnum} not found", "EINVAL")


@action("part_get_bootable")
def part_get_bootable(device: str, partnum: int) -> bool:
    """The MBR active flag; on GPT, parted's "boot" flag (an EFI system partition)."""
    t, e = _entry(device, partnum)
    if t is None or e is None:
        return "boot" in _parted_flags(device, partnum)
    if t.kind == "gpt":
        return e.gpt_type == ESP_GUID
    return e.bootable


@action("part_set_bootable")
def part_set_bootable(device: str, partnum: int, bootable: bool) -> None:
    """Set or clear the bootable flag (parted's "boot" flag)."""
    parted(device, "set", str(partnum), "boot", "on" if bootable else "off")
    _after_change(device)


def _need_mbr(t: Table | None, what: str) -> None:
    """Refuse ``what`` unless the table is an MBR."""
    if t is None or t.kind != "msdos":
        raise DaemonError(f"{what} can only be used on MBR Partition Tables", "EINVAL")


def _need_gpt(t: Table | None, what: str) -> None:
    """Refuse ``what`` unless the table is a GPT."""
    if t is None or t.kind != "gpt":
        raise DaemonError(f"{what} can only be used on GUID Partition Tables", "EINVAL")


@action("part_get_mbr_id")
def part_get_mbr_id(device: str, partnum: int) -> int:
    """The MBR partition type byte (0x83 Linux, 0x07 NTFS …)."""
    t = _table_or_parted(device)
    _need_mbr(t, "part-get-mbr-id")
    assert t is not None
    e = t.get(partnum)
    if e is None:
        # Worded like sfdisk --part-type, which libguestfs runs here.
        last = max([4, *t.entries])
        why = "partition is unused" if 1 <= partnum <= last else \
            f"partition table contains only {last} partitions"
        raise DaemonError(f"sfdisk exited with status 1: sfdisk: {devices.display(device)}: "
                          f"partition {partnum}: {why}", "EINVAL")
    return e.mbr_type


@action("part_set_mbr_id")
def part_set_mbr_id(device: str, partnum: int, idbyte: int) -> None:
    """Change the MBR partition type byte."""
    if not 0 <= idbyte <= 255:
        raise DaemonError(f"{idbyte}: MBR partition type must be in the range 0..255", "EINVAL")
    devices.tool(["sfdisk", "--no-reread", "--no-tell-kernel", "--part-type", device,
                  str(partnum), f"{idbyte:x}"], prefix="sfdisk --part-type")
    _after_change(device)


@action("part_get_mbr_part_type")
def part_get_mbr_part_type(device: str, partnum: int) -> str:
    """"primary", "extended" or "logical" (GPT partitions are all primary)."""
    t, e = _entry(device, partnum)
    if t is None or e is None:
        _parted_flags(device, partnum)  # existence check
        return "primary"
    if t.kind == "msdos":
        if partnum > 4:
            return "logical"
        if e.mbr_type in _MBR_EXTENDED:
            return "extended"
    return "primary"


def _sgdisk_info(device: str, partnum: int) -> dict[str, str]:
    """``sgdisk -i`` fields for tables that are not GPT (sgdisk converts in memory)."""
    out = devices.tool(["sgdisk", "-i", str(partnum), device],
                       prefix=f"sgdisk: {devices.display(device)}")
    info: dict[str, str] = {}
    for line in out.splitlines():
        k, sep, v = line.partition(": ")
        if sep:
            info[k.strip()] = v.strip()
    if "Partition GUID code" not in info:
        raise DaemonError(f"partition number {partnum} not found", "EINVAL")
    return info


@action("part_get_name")
def part_get_name(device: str, partnum: int) -> str:
    """A GPT partition's name."""
    t = _table_or_parted(device)
    _need_gpt(t, "part-get-name")
    _, e = _entry(device, partnum)
    assert e is not None
    return e.name


@action("part_set_name")
def part_set_name(device: str, partnum: int, name: str) -> None:
    """Set a partition's name (GPT; parted says which other tables support names)."""
    t = _table_or_parted(device)
    if t is not None and t.kind == "gpt":
        _entry(device, partnum)
        _sgdisk(device, f"--change-name={partnum}:{name}")
    else:
        parted(device, "name", str(partnum), name)
    _after_change(device)


def _check_guid(guid: str) -> None:
    """Refuse anything but a GUID in 8-4-4-4-12 hex form."""
    if not _GUID_RE.match(guid):
        raise DaemonError("guid: parameter is not a valid GUID", "EINVAL")


def _sgdisk(device: str, *args: str) -> None:
    """Run sgdisk to change a GPT in place."""
    devices.tool(["sgdisk", *args, device], prefix=f"sgdisk: {devices.display(device)}", fold=True)


@action("part_get_gpt_type")
def part_get_gpt_type(device: str, partnum: int) -> str:
    """The partition type GUID (for MBR tables, what sgdisk maps the type byte to)."""
    t, e = _entry(device, partnum)
    if t is not None and t.kind == "gpt" and e is not None:
        return e.gpt_type
    return _sgdisk_info(device, partnum)["Partition GUID code"].split()[0]


@action("part_set_gpt_type")
def part_set_gpt_type(device: str, partnum: int, guid: str) -> None:
    """Set the partition type GUID."""
    _check_guid(guid)
    t, _ = _entry(device, partnum)
    _need_gpt(t, "part-set-gpt-type")
    _sgdisk(device, f"--typecode={partnum}:{guid}")
    _after_change(device)


@action("part_get_gpt_guid")
def part_get_gpt_guid(device: str, partnum: int) -> str:
    """The partition's unique GUID."""
    t, e = _entry(device, partnum)
    if t is not None and t.kind == "gpt" and e is not None:
        return e.gpt_guid
    return _sgdisk_info(device, partnum)["Partition unique GUID"].split()[0]


@action("part_set_gpt_guid")
def part_set_gpt_guid(device: str, partnum: int, guid: str) -> None:
    """Set the partition's unique GUID."""
    _check_guid(guid)
    t, _ = _entry(device, partnum)
    _need_gpt(t, "part-set-gpt-guid")
    _sgdisk(device, f"--partition-guid={partnum}:{guid}")
    _after_change(device)


@action("part_get_gpt_attributes")
def part_get_gpt_attributes(device: str, partnum: int) -> int:
    """The 64 attribute bits of a GPT partition."""
    t, e = _entry(device, partnum)
    if t is not None and t.kind == "gpt" and e is not None:
        return e.gpt_attrs - (1 << 64) if e.gpt_attrs >= 1 << 63 else e.gpt_attrs
    v = int(_sgdisk_info(device, partnum)["Attribute flags"], 16)
    return v - (1 << 64) if v >= 1 << 63 else v


@action("part_set_gpt_attributes")
def part_set_gpt_attributes(device: str, partnum: int, attributes: int) -> None:
    """Set the 64 attribute bits of a GPT partition."""
    t, _ = _entry(device, partnum)
    _need_gpt(t, "part-set-gpt-attributes")
    _sgdisk(device, f"--attributes={partnum}:=:{attributes & ((1 << 64) - 1):x}")
    _after_change(device)


@action("part_get_disk_guid")
def part_get_disk_guid(device: str) -> str:
    """The disk GUID of a GPT."""
    t = _table_or_parted(device)
    if t is not None and t.kind == "gpt":
        return t.disk_guid
    out = devices.tool(["sgdisk", "-p", device], prefix=f"sgdisk: {devices.display(device)}")
    m = re.search(r"Disk identifier \(GUID\): (\S+)", out)
    if not m:
        raise DaemonError(f"{devices.display(device)}: no disk GUID in sgdisk output")
    return m.group(1)


@action("part_set_disk_guid")
def part_set_disk_guid(device: str, guid: str) -> None:
    """Set the disk GUID of a GPT."""
    _check_guid(guid)
    _need_gpt(_table_or_parted(device), "part-set-disk-guid")
    _sgdisk(device, f"--disk-guid={guid}")
    _after_change(device)


@action("part_set_disk_guid_random")
def part_set_disk_guid_random(device: str) -> None:
    """Give a GPT a new random disk GUID."""
    _need_gpt(_table_or_parted(device), "part-set-disk-guid-random")
    _sgdisk(device, "--disk-guid=R")
    _after_change(device)
