"""Partition tables: create, add, delete, resize, list, and per-partition
attributes (bootable flag, MBR type byte, GPT type/GUID/name/attributes).

Changes go through parted, sfdisk and sgdisk like libguestfs; MBR and GPT
tables are read directly (``daemon/lib/parttable.py``: one read of a few
sectors instead of a tool run, which matters under TCG), other table kinds
through ``parted -m``.  After every change the kernel's view is
re-synchronised and the partition nodes are waited for (there is no udev:
see ``blockdev.settle``).  Device helpers live in ``daemon/lib/blockdev.py``.
"""

from __future__ import annotations

import os
import re

from ..dispatch import action
from ..errors import DaemonError
from ..lib import blockdev, programs
from ..lib.parttable import MBR_EXTENDED, Entry, Table, read_table

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


# -- running parted -------------------------------------------------------------


def parted(dev: str, *args: str, input: bytes | None = None) -> str:
    """Run parted in script mode on ``dev``; errors read ``parted: DEV: message``."""
    argv = ["parted", "-s", "--", dev, *args] if input is None else \
        ["parted", "---pretend-input-tty", "--", dev, *args]
    try:
        return programs.out(argv, input=input, c_locale=True, message="output")
    except DaemonError as e:
        msg = str(e)
        disp = blockdev.display(dev)
        if disp != dev:
            msg = msg.replace(dev, disp)
        raise DaemonError(f"parted: {disp}: {msg}", "EINVAL") from None


def _parted_print(dev: str) -> tuple[str, list[list[str]]]:
    """``parted -m print`` in bytes: the table type and the partition lines' fields."""
    lines = [ln for ln in parted(dev, "unit", "b", "print").splitlines() if ln.strip()]
    if len(lines) < 2 or lines[0] != "BYT;":
        raise DaemonError(f"parted: {blockdev.display(dev)}: unexpected output from parted")
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
    blockdev.settle(dev)


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
    programs.run(["sgdisk", "-e", device], prefix=f"sgdisk: {blockdev.display(device)}",
                 c_locale=True, message="output")
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
    disk = blockdev.parent_disk(partition)
    if disk is None:
        raise DaemonError("device name is not a partition", "EINVAL")
    return blockdev.dev_node(disk)


@action("part_to_partnum")
def part_to_partnum(partition: str) -> int:
    """The partition number (/dev/sda1 → 1)."""
    if blockdev.parent_disk(partition) is None:
        raise DaemonError("device name is not a partition", "EINVAL")
    with open(os.path.join(blockdev.sys_class_block(blockdev.kname(partition)), "partition")) as f:
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
        raise DaemonError(f"sfdisk exited with status 1: sfdisk: {blockdev.display(device)}: "
                          f"partition {partnum}: {why}", "EINVAL")
    return e.mbr_type


@action("part_set_mbr_id")
def part_set_mbr_id(device: str, partnum: int, idbyte: int) -> None:
    """Change the MBR partition type byte."""
    if not 0 <= idbyte <= 255:
        raise DaemonError(f"{idbyte}: MBR partition type must be in the range 0..255", "EINVAL")
    programs.run(["sfdisk", "--no-reread", "--no-tell-kernel", "--part-type", device,
                  str(partnum), f"{idbyte:x}"], prefix="sfdisk --part-type", c_locale=True, message="output")
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
        if e.mbr_type in MBR_EXTENDED:
            return "extended"
    return "primary"


def _sgdisk_info(device: str, partnum: int) -> dict[str, str]:
    """``sgdisk -i`` fields for tables that are not GPT (sgdisk converts in memory)."""
    out = programs.out(["sgdisk", "-i", str(partnum), device],
                       prefix=f"sgdisk: {blockdev.display(device)}", c_locale=True, message="output")
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
    programs.run(["sgdisk", *args, device], prefix=f"sgdisk: {blockdev.display(device)}", fold=True,
                 c_locale=True, message="output")


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
    out = programs.out(["sgdisk", "-p", device], prefix=f"sgdisk: {blockdev.display(device)}",
                       c_locale=True, message="output")
    m = re.search(r"Disk identifier \(GUID\): (\S+)", out)
    if not m:
        raise DaemonError(f"{blockdev.display(device)}: no disk GUID in sgdisk output")
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
