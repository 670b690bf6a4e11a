"""Bring up the storage a guest's disks already hold, as libguestfs's
appliance does at boot: LVM volume groups activated, md arrays assembled.

Both tools scan every device and cost a noticeable part of a second under
TCG, so they run only when a disk or partition carries their signature (an
LVM label, an md superblock); blank scratch disks launch as fast as before.
"""

from __future__ import annotations

import os
import struct

from .. import context
from .lvm import lvm
from .programs import run

#: md superblock magic (v0.90 and v1.x), little-endian on x86.
_MD_MAGIC = struct.pack("<I", 0xA92B4EFC)


def _read(path: str, offset: int, length: int) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return b""
    try:
        return os.pread(fd, length, offset)
    except OSError:
        return b""
    finally:
        os.close(fd)


def has_lvm_label(path: str) -> bool:
    """An LVM2 physical volume label in one of the first four sectors."""
    head = _read(path, 0, 2048)
    return any(head[s:s + 8] == b"LABELONE" and head[s + 24:s + 32] == b"LVM2 001"
               for s in range(0, len(head) - 31, 512))


def has_md_superblock(path: str) -> bool:
    """An md superblock where metadata 0.90, 1.0, 1.1 or 1.2 puts it."""
    size = _size(path)
    offsets = [0, 4096]
    if size >= 128 * 1024:
        offsets += [(size & ~(64 * 1024 - 1)) - 64 * 1024, ((size - 8 * 1024) & ~4095)]
    return any(_read(path, off, 4) == _MD_MAGIC for off in offsets if off >= 0)


def _size(path: str) -> int:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return 0
    try:
        return os.lseek(fd, 0, os.SEEK_END)
    except OSError:
        return 0
    finally:
        os.close(fd)


def _devices() -> list[str]:
    """Every user disk and partition node, whole disks first."""
    out = []
    for disk in context.list_disks():
        out.append(os.path.join(context.DEV, disk))
        out += [os.path.join(context.DEV, p) for p in context.list_partitions_of(disk)]
    return out


def activate_storage() -> list[str]:
    """Activate volume groups and assemble md arrays found on the disks.

    Returns what was done (for the verbose log); failures are left for the
    calls that use the storage to report.
    """
    devices = _devices()
    done = []
    md = any(has_md_superblock(d) for d in devices)
    if md:
        r = run(["mdadm", "-As", "--auto=yes", "--no-degraded"], check=False)
        done.append(f"mdadm -As: status {r.returncode}")
    # LVM may sit on an array just assembled: then scan in any case.
    if md or any(has_lvm_label(d) for d in devices):
        try:
            lvm("vgchange", "-aay", "--sysinit")
            done.append("vgchange -aay")
        except Exception as e:  # reported by the calls that need the LVs
            done.append(f"vgchange failed: {e}")
    return done
