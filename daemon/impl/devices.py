"""Block devices: listing disks, partitions and filesystems, blockdev ioctls,
zeroing, blkid, and the optional-feature groups.

The device helpers the storage families share (kernel names, waiting for
partition nodes after a table change, naming device-mapper volumes, blkid,
ioctls) are in ``daemon/lib/blockdev.py``, the filesystem listing in
``daemon/lib/fslist.py``.  Partition tables live in ``partitions.py``,
filesystems in ``filesystems.py``, LVM in ``lvm.py`` and mounting in
``mount.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
from collections.abc import Callable

from guestfs.actions import ACTIONS
from guestfs.actions.unimplemented import NOT_IMPLEMENTED

from .. import context, dispatch
from ..dispatch import action
from ..errors import DaemonError
from ..lib import augeaslib, debmodules, fslist
from ..lib.blockdev import (
    BLKBSZGET,
    BLKFLSBUF,
    BLKRASET,
    BLKROGET,
    BLKROSET,
    dev_node,
    device_size,
    display,
    ioctl_int,
    ioctl_set,
    is_partition,
    kname,
    md_devices,
    mountable_name,
    parent_disk,
    reread_partitions,
    sector_size,
    sys_class_block,
    unescape_export,
)
from ..lib.programs import C_ENV, run

#: How many bytes ``zero`` clears at the start of a device (partition
#: tables, boot sectors and every common superblock live below this).
ZERO_HEAD = 32 * 4096


# -- blkid ----------------------------------------------------------------------


@action("blkid")
def blkid(device: str) -> list[tuple[str, str]]:
    """Low-level probe of a device: every tag blkid reports, DEVNAME first."""
    cp = run(["blkid", "-c", "/dev/null", "-p", "-i", "-o", "export", device], env=C_ENV, check=False)
    if cp.returncode not in (0, 2):
        err = cp.stderr.decode("utf-8", "replace").strip()
        raise DaemonError(err or f"blkid exited with status {cp.returncode}")
    pairs: list[tuple[str, str]] = []
    for line in cp.stdout.decode("utf-8", "surrogateescape").splitlines():
        k, sep, v = line.partition("=")
        if not sep:
            continue
        v = unescape_export(v)
        if k == "DEVNAME":
            v = mountable_name(v)
        pairs.append((k, v))
    return pairs


# -- listing --------------------------------------------------------------------


@action("list_devices")
def list_devices() -> list[str]:
    """Every whole disk the caller added, in /dev/sda, /dev/sdb … order."""
    return [dev_node(d) for d in context.list_disks()]


@action("list_partitions")
def list_partitions() -> list[str]:
    """Every partition of every disk (extended ones included), disk by disk."""
    return [dev_node(p) for d in context.list_disks() for p in context.list_partitions_of(d)]


@action("list_md_devices")
def list_md_devices() -> list[str]:
    """Active md (software RAID) arrays, as /dev/mdN."""
    return md_devices()


@action("list_filesystems")
def list_filesystems() -> list[tuple[str, str]]:
    """Every device that may hold a filesystem, with its type or "unknown".

    Whole disks with partitions, extended partitions and members of RAID or
    LVM sets (blkid's ``*_member``) are left out; nothing is mounted.
    """
    return fslist.list_filesystems()


@action("list_disk_labels")
def list_disk_labels() -> list[tuple[str, str]]:
    """Disk labels given with add_drive_opts(label=…) → the disk or partition.

    The library passes a label as the disk's serial number; stock appliances
    also get /dev/disk/guestfs/LABEL links from udev, which are used when present.
    """
    result: dict[str, str] = {}
    links = os.path.join(context.DEV, "disk", "guestfs")
    try:
        for name in os.listdir(links):
            result[name] = os.path.realpath(os.path.join(links, name))
    except OSError:
        pass
    if not result:
        for disk in context.list_disks():
            serial = _disk_serial(disk)
            if not serial or re.fullmatch(r"d\d+", serial):
                continue
            result[serial] = dev_node(disk)
            for p in context.list_partitions_of(disk):
                result[serial + p[len(disk):]] = dev_node(p)
    return sorted(result.items())


def _disk_serial(disk: str) -> str | None:
    """The serial number qemu gave a disk (virtio-blk attribute or SCSI VPD page 0x80)."""
    base = os.path.join(context.SYS_BLOCK, disk)
    try:
        with open(os.path.join(base, "serial")) as f:
            s = f.read().strip()
            if s:
                return s
    except OSError:
        pass
    try:
        with open(os.path.join(base, "device", "vpd_pg80"), "rb") as f:
            page = f.read()
        if len(page) > 4:
            return page[4:4 + page[3]].decode("ascii", "replace").strip() or None
    except OSError:
        pass
    return None


# -- blockdev ---------------------------------------------------------------------


@action("blockdev_getsize64")
def blockdev_getsize64(device: str) -> int:
    """Size in bytes."""
    return device_size(device)


@action("blockdev_getsz")
def blockdev_getsz(device: str) -> int:
    """Size in 512-byte sectors, whatever the real sector size."""
    return device_size(device) // 512


@action("blockdev_getss")
def blockdev_getss(device: str) -> int:
    """Logical sector size."""
    return sector_size(device)


@action("blockdev_getbsz")
def blockdev_getbsz(device: str) -> int:
    """Kernel block size of the device."""
    return ioctl_int(device, BLKBSZGET, "BLKBSZGET")


@action("blockdev_getro")
def blockdev_getro(device: str) -> bool:
    """True if the device is read-only."""
    return ioctl_int(device, BLKROGET, "BLKROGET") != 0


@action("blockdev_setro")
def blockdev_setro(device: str) -> None:
    """Make the device read-only."""
    ioctl_set(device, BLKROSET, "BLKROSET", struct.pack("i", 1))


@action("blockdev_setrw")
def blockdev_setrw(device: str) -> None:
    """Make the device read-write."""
    ioctl_set(device, BLKROSET, "BLKROSET", struct.pack("i", 0))


@action("blockdev_flushbufs")
def blockdev_flushbufs(device: str) -> None:
    """Flush the device's buffers (and the page cache for it)."""
    ioctl_set(device, BLKFLSBUF, "BLKFLSBUF", 0)


@action("blockdev_rereadpt")
def blockdev_rereadpt(device: str) -> None:
    """Make the kernel re-read the partition table."""
    reread_partitions(device)


@action("blockdev_setbsz")
def blockdev_setbsz(device: str, blocksize: int) -> None:
    """Does nothing, as in libguestfs (the kernel ignores a block size set from user space)."""


@action("blockdev_setra")
def blockdev_setra(device: str, sectors: int) -> None:
    """Set the readahead in 512-byte sectors."""
    if sectors < 0:
        raise DaemonError("readahead sectors must not be negative", "EINVAL")
    ioctl_set(device, BLKRASET, "BLKRASET", sectors)


# -- zeroing ----------------------------------------------------------------------


def _zero_range(fd: int, start: int, length: int, progress: bool = False, total: int = 0) -> None:
    """Write zeroes over [start, start+length) skipping blocks already zero."""
    block = 1024 * 1024 if length > ZERO_HEAD else 4096
    zeros = bytes(block)
    pos = start
    end = start + length
    report = _progress_fn() if progress else None
    while pos < end:
        n = min(block, end - pos)
        data = os.pread(fd, n, pos)
        if not data:
            break
        if data.count(0) != len(data):
            os.pwrite(fd, zeros[:len(data)], pos)
        pos += len(data)
        if report is not None:
            report(pos - start, total or length)


def _progress_fn() -> Callable[[int, int], None] | None:
    """The current call's progress reporter, if the server exposes one."""
    return getattr(context, "progress", None)


def _open_rw(dev: str) -> int:
    """Open a device read-write, errors in the caller's device names."""
    try:
        return os.open(dev, os.O_RDWR | os.O_CLOEXEC)
    except OSError as e:
        raise DaemonError(f"{display(dev)}: {e.strerror}", e.errno) from None


def _reread_if_disk(device: str) -> None:
    """After wiping a whole disk, let the kernel forget the partitions it had."""
    if not is_partition(device) and not kname(device).startswith("dm-"):
        reread_partitions(device, check=False)


@action("zero")
def zero(device: str) -> None:
    """Clear the first blocks (tables, superblocks), and a GPT backup header at the end."""
    size = device_size(device)
    fd = _open_rw(device)
    try:
        _zero_range(fd, 0, min(ZERO_HEAD, size), progress=True, total=min(ZERO_HEAD, size))
        # A GPT keeps a backup header in the last sector, which parted would
        # otherwise find and offer to restore: remove it too.
        ss = sector_size(device)
        if size >= 2 * ss and os.pread(fd, 8, size - ss) == b"EFI PART":
            _zero_range(fd, max(size - 33 * ss, ZERO_HEAD), min(33 * ss, size - ZERO_HEAD))
        os.fsync(fd)
    except OSError as e:
        raise DaemonError(f"{display(device)}: {e.strerror}", e.errno) from None
    finally:
        os.close(fd)
    _reread_if_disk(device)


@action("zero_device")
def zero_device(device: str) -> None:
    """Write zeroes over the whole device (blocks already zero are left alone)."""
    size = device_size(device)
    fd = _open_rw(device)
    try:
        _zero_range(fd, 0, size, progress=True)
        os.fsync(fd)
    except OSError as e:
        raise DaemonError(f"{display(device)}: {e.strerror}", e.errno) from None
    finally:
        os.close(fd)
    _reread_if_disk(device)


# -- optional groups --------------------------------------------------------------

#: Every optional group libguestfs 1.48 knows (available_all_groups), and
#: clevisluks, the group of clevis_luks_unlock (added after 1.48).
ALL_GROUPS = (
    "acl", "augeas", "blkdiscard", "blkdiscardzeroes", "btrfs", "clevisluks", "extlinux", "f2fs",
    "fstrim", "gdisk", "grub", "hivex", "inotify", "journal", "ldm", "libtsk", "libyara",
    "linuxcaps", "linuxfsuuid", "linuxmodules", "linuxxattrs", "luks", "lvm2", "mdadm",
    "mknod", "ntfs3g", "ntfsprogs", "realpath", "rsync", "scrub", "selinux",
    "selinuxrelabel", "sleuthkit", "squashfs", "syslinux", "wipefs", "xfs", "xz", "zerofree",
)

#: Programs a group needs in the appliance (any one of a tuple will do).
_GROUP_TOOLS: dict[str, tuple[tuple[str, ...], ...]] = {
    "blkdiscard": (("blkdiscard",),),
    "blkdiscardzeroes": (("blkdiscard",),),
    "btrfs": (("btrfs",), ("mkfs.btrfs",)),
    "clevisluks": (("clevis-luks-unlock",), ("cryptsetup",), ("curl",), ("jose",)),
    "extlinux": (("extlinux",),),
    "f2fs": (("mkfs.f2fs",),),
    "fstrim": (("fstrim",),),
    "gdisk": (("sgdisk",),),
    "grub": (("grub-install", "grub2-install"),),
    "ldm": (("ldmtool",),),
    "libtsk": (("icat", "fls"),),
    "libyara": (("yara",),),
    "linuxfsuuid": (("tune2fs", "swaplabel", "xfs_admin", "btrfstune"),),
    "linuxmodules": (("modprobe",),),
    "luks": (("cryptsetup",),),
    "lvm2": (("lvm",),),
    "mdadm": (("mdadm",),),
    "ntfs3g": (("ntfs-3g",),),
    "ntfsprogs": (("ntfsresize", "ntfsclone", "ntfsfix"),),
    "rsync": (("rsync",),),
    "scrub": (("scrub",),),
    "selinuxrelabel": (("setfiles",),),
    "sleuthkit": (("icat",),),
    "squashfs": (("mksquashfs",),),
    "syslinux": (("syslinux",),),
    "wipefs": (("wipefs",),),
    "xfs": (("mkfs.xfs",), ("xfs_info", "xfs_admin")),
    "xz": (("xz",),),
    "zerofree": (("zerofree",),),
}


#: Libraries a group needs in the appliance (groups whose calls use a
#: library, not a program): a check that it can be loaded.
_GROUP_LIBRARIES: dict[str, Callable[[], bool]] = {
    "acl": lambda: _loadable("libacl.so.1"),
    "augeas": augeaslib.present,
    "hivex": lambda: debmodules.present("hivex"),
    "journal": lambda: _loadable("libsystemd.so.0"),
    "linuxcaps": lambda: _loadable("libcap.so.2"),
    "selinux": lambda: _loadable("libselinux.so.1"),
}

#: Groups whose calls the facts do not mark optional (libguestfs 1.48's
#: aug_* calls belong to no group, yet stock still answers "augeas"): the
#: name prefix of their members.
_GROUP_PREFIXES = {"augeas": "aug_"}


def _loadable(soname: str) -> bool:
    """Whether a shared library the group's calls load through ctypes is here."""
    import ctypes
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def _members(group: str) -> list[str]:
    prefix = _GROUP_PREFIXES.get(group)
    return [a.name for a in ACTIONS.values()
            if a.optional == group or (prefix is not None and a.name.startswith(prefix))]


def group_available(group: str) -> bool:
    """True if the group's programs and libraries are here and this daemon implements all of its calls."""
    for alternatives in _GROUP_TOOLS.get(group, ()):
        if not any(shutil.which(t) for t in alternatives):
            return False
    present = _GROUP_LIBRARIES.get(group)
    if present is not None and not present():
        return False
    # Every member must work here (daemon and library side alike): one
    # call missing makes the group unavailable.
    return all(name not in NOT_IMPLEMENTED and (name in dispatch.IMPLS or not ACTIONS[name].daemon)
               for name in _members(group))


@action("internal_feature_available")
def internal_feature_available(group: str) -> int:
    """0 if the group is available, 1 if not, -1 if no such group (the library words the error)."""
    if group not in ALL_GROUPS:
        return -1
    return 0 if group_available(group) else 1


@action("available_all_groups")
def available_all_groups() -> list[str]:
    """Every optional group name, available here or not."""
    return list(ALL_GROUPS)


# -- whole devices ------------------------------------------------------------------

@action("nr_devices")
def nr_devices() -> int:
    """How many disks the caller added (what ``list_devices`` lists)."""
    return len(context.list_disks())


@action("is_whole_device")
def is_whole_device(device: str) -> bool:
    """True for a whole disk, false for a partition, an LV or another mapping."""
    return kname(device) in context.list_disks()


@action("wipefs")
def wipefs(device: str) -> None:
    """Erase every filesystem, RAID and partition-table signature on a device."""
    cp = run(["wipefs", "-a", "--force", device], check=False)
    if cp.returncode != 0:
        msg = (cp.stderr or cp.stdout).decode("utf-8", "replace").strip()
        raise DaemonError(f"{display(device)}: {msg}")


@action("list_dm_devices")
def list_dm_devices() -> list[str]:
    """Device-mapper devices (/dev/mapper/NAME) other than LVM's logical volumes."""
    cp = run(["dmsetup", "info", "-c", "--noheadings", "--separator", ":", "-o", "name,uuid"],
             check=False)
    if cp.returncode != 0:
        if b"No devices found" in cp.stdout + cp.stderr:
            return []
        raise DaemonError(f"dmsetup: {(cp.stderr or cp.stdout).decode('utf-8', 'replace').strip()}")
    names = []
    for line in cp.stdout.decode("utf-8", "surrogateescape").splitlines():
        name, _, uuid = line.partition(":")
        if name and name != "No devices found" and not uuid.startswith("LVM-"):
            names.append(f"/dev/mapper/{name}")
    return sorted(names)


@action("blkdiscard")
def blkdiscard(device: str) -> None:
    """Discard every block of a device (the disk must support discard)."""
    run(["blkdiscard", "-f", device])  # -f: the caller asked to destroy signatures too


@action("blkdiscardzeroes")
def blkdiscardzeroes(device: str) -> bool:
    """Whether blocks discarded on this device read back as zeroes."""
    path = os.path.join(sys_class_block(kname(device)), "queue", "discard_zeroes_data")
    if not os.path.exists(path):  # a partition: ask its disk
        parent = parent_disk(device)
        path = os.path.join(sys_class_block(parent or kname(device)), "queue", "discard_zeroes_data")
    try:
        with open(path) as f:
            return f.read().strip() not in ("", "0")
    except OSError as e:
        raise DaemonError(f"{display(device)}: {path}: {e.strerror}", e.errno) from None
