"""Every device that may hold a filesystem, with its type: what
``list_filesystems`` returns and inspection walks.

Disks, partitions (from the table: extended and Windows-reserved ones are
skipped), md arrays, LVM logical volumes and opened LUKS mappings, each
probed by blkid; LUKS containers themselves are left out; btrfs
subvolumes are listed after their filesystem.
"""

from __future__ import annotations

import os
import re

from .. import context
from ..errors import DaemonError
from .blockdev import blkid_export, dev_node, display, md_devices, probe_tags
from .btrfs import subvolumes_of_device
from .lvm import lv_paths
from .parttable import read_table

#: GPT partition types that never hold a filesystem (Windows reserved and LDM).
_NO_FS_GPT_TYPES = frozenset({
    "E3C9E316-0B5C-4DB8-817D-F92DF00215AE",
    "5808C8AA-7E8F-42E0-85D2-E1E90434CFB3",
    "AF9B60A0-1431-4F62-BC68-3311714A69AD",
})
#: MBR partition types of extended partitions (containers, not filesystems).
_EXTENDED_MBR_TYPES = frozenset({0x05, 0x0F, 0x85})
#: blkid's type of a LUKS container: not a filesystem itself (its opened
#: mapping is listed instead).
_ENCRYPTED = "crypto_LUKS"


def _candidate_devices() -> list[tuple[str, str]]:
    """(real node, name returned) of every device list_filesystems looks at."""
    out: list[tuple[str, str]] = []
    partitioned = []
    # libguestfs's order: unpartitioned disks, opened LUKS mappings, partitions,
    # md arrays, logical volumes.
    for disk in context.list_disks():
        if context.list_partitions_of(disk):
            partitioned.append(disk)
        else:
            out.append((dev_node(disk), dev_node(disk)))
    for dm in crypt_mappings():
        out.append((dm, dm))
    for disk in partitioned:
        parts = context.list_partitions_of(disk)
        try:
            table = read_table(dev_node(disk))
        except (OSError, DaemonError):
            table = None
        for p in parts:
            num = int(re.sub(r"^.*?(\d+)$", r"\1", p))
            entry = table.get(num) if table else None
            if entry is not None:
                if table is not None and table.kind == "msdos" and entry.mbr_type in _EXTENDED_MBR_TYPES:
                    continue
                if table is not None and table.kind == "gpt" and entry.gpt_type in _NO_FS_GPT_TYPES:
                    continue
            out.append((dev_node(p), dev_node(p)))
    for md in md_devices():
        out.append((md, md))
    # lv_paths() checks cheaply for LVM before running lvm.
    for lv in lv_paths():
        out.append((lv, lv))
    return out


def crypt_mappings() -> list[str]:
    """/dev/mapper nodes of opened encrypted containers (cryptsetup_open,
    luks_open), sorted: their filesystems are listed as any other."""
    found = []
    try:
        names = os.listdir("/sys/block")
    except OSError:
        return []
    for kname in names:
        try:
            with open(f"/sys/block/{kname}/dm/uuid") as f:
                uuid = f.read().strip()
            with open(f"/sys/block/{kname}/dm/name") as f:
                name = f.read().strip()
        except OSError:
            continue
        if uuid.startswith("CRYPT-") and name:
            found.append(f"/dev/mapper/{name}")
    return sorted(found)


def list_filesystems() -> list[tuple[str, str]]:
    """Every device that may hold a filesystem, with its type or "unknown".

    Whole disks with partitions, extended partitions, members of RAID or
    LVM sets (blkid's ``*_member``) and LUKS containers are left out;
    nothing is mounted.
    """
    cands = _candidate_devices()
    info: dict[str, dict[str, str]] = {}
    rest = []
    for real, _ in cands:
        found = probe_tags(real, ["TYPE"]) if os.path.exists(real) else {}
        if found is None:
            rest.append(real)
        else:
            info[real] = found
    if rest:
        info.update(blkid_export(rest, tags=["TYPE"]))
    result: list[tuple[str, str]] = []
    for real, name in cands:
        fstype = info.get(real, {}).get("TYPE", "")
        if fstype.endswith("_member") or fstype == _ENCRYPTED:
            continue
        result.append((name, fstype or "unknown"))
        if fstype == "btrfs":
            result += [(f"btrfsvol:{display(real)}/{vol}", "btrfs") for vol in subvolumes_of_device(real)]
    return result
