"""btrfs administration: mkfs_btrfs, subvolumes and snapshots, devices,
balance, scrub, quotas and qgroups, check/rescue/image, btrfstune, and the
parsing of Mountables (``internal_parse_mountable``).

Each call runs btrfs-progs as libguestfs 1.48 runs it, on the sysroot path
of its guest-path argument, with stock's refusals; a failure reads
``ARGUMENT: <btrfs's stderr>``.  The calls taking a Mountable_or_Path mount
a device on a private directory for the duration.  Shared helpers and the
report parsers are in ``daemon/lib/btrfs.py``; the btrfs forms of labels and
UUIDs are in ``filesystems.py``, of ``vfs_minimum_size`` in ``fs_tuning.py``.
"""

from __future__ import annotations

from typing import Any

from guestfs.actions.kinds import BtrfsVolume, DeviceNode

from .. import context
from ..dispatch import action
from ..errors import DaemonError
from ..lib.blockdev import display
from ..lib.btrfs import (
    btrfs_run,
    fs_arg,
    list_subvolumes,
    mounted,
    parse_balance_status,
    parse_default_id,
    parse_filesystem_show,
    parse_qgroup_show,
    parse_scrub_status,
    parse_subvolume_show,
    status_run,
)

#: The RAID profiles libguestfs lets mkfs_btrfs ask for, for data and metadata.
_PROFILES = ("raid0", "raid1", "raid10", "single")
#: The compression methods btrfs_filesystem_defragment accepts.
_COMPRESS = ("zlib", "lzo")
#: internal_parse_mountable's im_type values (libguestfs's mountable_type_t).
MOUNTABLE_DEVICE, MOUNTABLE_BTRFSVOL, MOUNTABLE_PATH = 0, 1, 2


def _power_of_two(name: str, value: int) -> None:
    """Refuse a size option that is not a positive power of two."""
    if value <= 0 or value & (value - 1):
        raise DaemonError(f"{name} must be > 0 and a power of two", "EINVAL")


# -- making a filesystem ----------------------------------------------------------


@action("mkfs_btrfs")
def mkfs_btrfs(devices: list[DeviceNode], allocstart: int | None = None,
               bytecount: int | None = None, datatype: str | None = None,
               leafsize: int | None = None, label: str | None = None,
               metadata: str | None = None, nodesize: int | None = None,
               sectorsize: int | None = None) -> None:
    """Make a btrfs filesystem over one or more devices.

    ``allocstart`` is accepted and ignored, as in libguestfs 1.48: the
    option is gone from btrfs-progs.  ``leafsize`` is passed on, and today's
    mkfs.btrfs refuses it with its own message.
    """
    del allocstart
    if not devices:
        raise DaemonError("list of devices must be non-empty", "EINVAL")
    argv = ["mkfs.btrfs", "-f"]
    if bytecount is not None:
        if bytecount <= 0:
            raise DaemonError("bytecount must be > 0", "EINVAL")
        argv.append(f"--byte-count={bytecount}")
    if datatype is not None:
        if datatype not in _PROFILES:
            raise DaemonError("datatype not one of the allowed values", "EINVAL")
        argv.append(f"--data={datatype}")
    if leafsize is not None:
        _power_of_two("leafsize", leafsize)
        argv.append(f"--leafsize={leafsize}")
    if label is not None:
        argv.append(f"--label={label}")
    if metadata is not None:
        if metadata not in _PROFILES:
            raise DaemonError("metadata not one of the allowed values", "EINVAL")
        argv.append(f"--metadata={metadata}")
    if nodesize is not None:
        _power_of_two("nodesize", nodesize)
        argv.append(f"--nodesize={nodesize}")
    if sectorsize is not None:
        _power_of_two("sectorsize", sectorsize)
        argv.append(f"--sectorsize={sectorsize}")
    btrfs_run([*argv, *devices], display(devices[0]))


# -- subvolumes and snapshots -----------------------------------------------------------


@action("btrfs_subvolume_create")
def btrfs_subvolume_create(dest: str, qgroupid: str | None = None) -> None:
    """Create a subvolume at ``dest``, optionally in a qgroup."""
    argv = ["btrfs", "subvolume", "create"]
    if qgroupid is not None:
        argv += ["-i", qgroupid]
    btrfs_run([*argv, fs_arg(dest)], dest)


@action("btrfs_subvolume_snapshot")
def btrfs_subvolume_snapshot(source: str, dest: str, ro: bool | None = None,
                             qgroupid: str | None = None) -> None:
    """Snapshot the subvolume ``source`` as ``dest`` (read-only with ``ro``)."""
    argv = ["btrfs", "subvolume", "snapshot"]
    if ro:
        argv.append("-r")
    if qgroupid is not None:
        argv += ["-i", qgroupid]
    btrfs_run([*argv, fs_arg(source), fs_arg(dest)], f"{source}: {dest}")


@action("btrfs_subvolume_delete")
def btrfs_subvolume_delete(subvolume: str) -> None:
    """Delete a subvolume or snapshot."""
    btrfs_run(["btrfs", "subvolume", "delete", fs_arg(subvolume)], subvolume)


@action("btrfs_subvolume_list")
def btrfs_subvolume_list(fs: str) -> list[dict[str, Any]]:
    """Every subvolume and snapshot of a btrfs filesystem (by path or device)."""
    with mounted(fs, trailing_slash=True) as path:
        vols = list_subvolumes(path)
    return [{"btrfssubvolume_id": vid, "btrfssubvolume_top_level_id": top, "btrfssubvolume_path": p}
            for vid, top, p in vols]


@action("btrfs_subvolume_set_default")
def btrfs_subvolume_set_default(id: int, fs: str) -> None:  # noqa: A002 - the argument's name
    """Make subvolume ``id`` the one mounted when no subvolume is named."""
    btrfs_run(["btrfs", "subvolume", "set-default", str(id), fs_arg(fs)], fs)


@action("btrfs_subvolume_get_default")
def btrfs_subvolume_get_default(fs: str) -> int:
    """The id of the default subvolume (5 is the top level)."""
    with mounted(fs, trailing_slash=True) as path:
        text = status_run(["btrfs", "subvolume", "get-default", path])
    return parse_default_id(text)


@action("btrfs_subvolume_show")
def btrfs_subvolume_show(subvolume: str) -> list[tuple[str, str]]:
    """What btrfs reports about one subvolume, as key/value pairs."""
    text = btrfs_run(["btrfs", "subvolume", "show", fs_arg(subvolume)], subvolume)
    return parse_subvolume_show(text)


# -- the filesystem and its devices ---------------------------------------------------


@action("btrfs_filesystem_sync")
def btrfs_filesystem_sync(fs: str) -> None:
    """Force a sync of the filesystem mounted at ``fs``."""
    btrfs_run(["btrfs", "filesystem", "sync", fs_arg(fs)], fs)


@action("btrfs_filesystem_balance")
def btrfs_filesystem_balance(fs: str) -> None:
    """Balance the chunks of the filesystem over its devices (a full balance)."""
    btrfs_run(["btrfs", "balance", "start", "--full-balance", fs_arg(fs)], fs)


@action("btrfs_filesystem_resize")
def btrfs_filesystem_resize(mountpoint: str, size: int | None = None) -> None:
    """Resize a mounted filesystem to ``size`` bytes, or to fill its device."""
    if size is not None and size <= 0:
        raise DaemonError("size is zero or negative", "EINVAL")
    amount = str(size) if size is not None else "max"
    btrfs_run(["btrfs", "filesystem", "resize", amount, fs_arg(mountpoint)], mountpoint)


@action("btrfs_filesystem_defragment")
def btrfs_filesystem_defragment(path: str, flush: bool | None = None,
                                compress: str | None = None) -> None:
    """Defragment a file or directory tree, optionally recompressing it."""
    argv = ["btrfs", "filesystem", "defragment", "-r"]
    if flush:
        argv.append("-f")
    if compress is not None:
        if compress not in _COMPRESS:
            raise DaemonError(f"unknown compress method: {compress}", "EINVAL")
        argv.append(f"-c{compress}")
    btrfs_run([*argv, fs_arg(path)], path)


@action("btrfs_filesystem_show")
def btrfs_filesystem_show(device: str) -> list[str]:
    """Every device the filesystem on ``device`` spans (ENODEV if one is missing)."""
    text = btrfs_run(["btrfs", "filesystem", "show", device], display(device))
    devices, missing = parse_filesystem_show(text)
    if missing:
        raise DaemonError(f"{display(device)}: missing devices", "ENODEV")
    return devices


@action("btrfs_device_add")
def btrfs_device_add(devices: list[DeviceNode], fs: str) -> None:
    """Add devices to the filesystem mounted at ``fs`` (nothing to do for none)."""
    if devices:
        btrfs_run(["btrfs", "device", "add", "-f", *devices, fs_arg(fs)], fs)


@action("btrfs_device_delete")
def btrfs_device_delete(devices: list[DeviceNode], fs: str) -> None:
    """Remove devices from the filesystem mounted at ``fs`` (nothing to do for none)."""
    if devices:
        btrfs_run(["btrfs", "device", "delete", *devices, fs_arg(fs)], fs)


@action("btrfs_replace")
def btrfs_replace(srcdev: str, targetdev: str, mntpoint: str) -> None:
    """Move the filesystem's data from ``srcdev`` to ``targetdev``, waiting until done."""
    btrfs_run(["btrfs", "replace", "start", "-B", "-f", srcdev, targetdev, fs_arg(mntpoint)],
              mntpoint)


# -- balance ---------------------------------------------------------------------------


@action("btrfs_balance_pause")
def btrfs_balance_pause(path: str) -> None:
    """Pause a running balance."""
    btrfs_run(["btrfs", "balance", "pause", fs_arg(path)], path)


@action("btrfs_balance_resume")
def btrfs_balance_resume(path: str) -> None:
    """Resume a paused balance."""
    btrfs_run(["btrfs", "balance", "resume", fs_arg(path)], path)


@action("btrfs_balance_cancel")
def btrfs_balance_cancel(path: str) -> None:
    """Cancel a running or paused balance."""
    btrfs_run(["btrfs", "balance", "cancel", fs_arg(path)], path)


@action("btrfs_balance_status")
def btrfs_balance_status(path: str) -> dict[str, Any]:
    """The state of a balance: ``none`` when there is none."""
    # btrfs answers 1 while a balance is running or paused.
    text = btrfs_run(["btrfs", "balance", "status", fs_arg(path)], path, ok=(0, 1))
    return parse_balance_status(text)


# -- scrub ------------------------------------------------------------------------------


@action("btrfs_scrub_start")
def btrfs_scrub_start(path: str) -> None:
    """Scrub the filesystem (every device), waiting until the scrub ends."""
    btrfs_run(["btrfs", "scrub", "start", "-B", fs_arg(path)], path)


@action("btrfs_scrub_full")
def btrfs_scrub_full(path: str, readonly: bool | None = None) -> None:
    """Scrub and wait, optionally read-only (no repairs); added after 1.48."""
    argv = ["btrfs", "scrub", "start", "-B"]
    if readonly:
        argv.append("-r")
    btrfs_run([*argv, fs_arg(path)], path)


@action("btrfs_scrub_cancel")
def btrfs_scrub_cancel(path: str) -> None:
    """Cancel a running scrub."""
    btrfs_run(["btrfs", "scrub", "cancel", fs_arg(path)], path)


@action("btrfs_scrub_resume")
def btrfs_scrub_resume(path: str) -> None:
    """Resume a cancelled or interrupted scrub."""
    btrfs_run(["btrfs", "scrub", "resume", fs_arg(path)], path)


@action("btrfs_scrub_status")
def btrfs_scrub_status(path: str) -> dict[str, int]:
    """The counters of the last or current scrub."""
    text = btrfs_run(["btrfs", "scrub", "status", "-R", fs_arg(path)], path)
    return parse_scrub_status(text)


# -- quotas and qgroups -------------------------------------------------------------------


@action("btrfs_quota_enable")
def btrfs_quota_enable(fs: str, enable: bool) -> None:
    """Turn quotas on or off (by path or device)."""
    with mounted(fs, prefix="btrfs.", wording="internal") as path:
        btrfs_run(["btrfs", "quota", "enable" if enable else "disable", path], path)


@action("btrfs_quota_rescan")
def btrfs_quota_rescan(fs: str) -> None:
    """Start a rescan of the quota accounting (by path or device)."""
    with mounted(fs, prefix="btrfs.", wording="internal") as path:
        btrfs_run(["btrfs", "quota", "rescan", path], path)


@action("btrfs_qgroup_limit")
def btrfs_qgroup_limit(subvolume: str, size: int) -> None:
    """Limit the space the subvolume's qgroup may refer to, in bytes."""
    btrfs_run(["btrfs", "qgroup", "limit", str(size), fs_arg(subvolume)], subvolume)


@action("btrfs_qgroup_create")
def btrfs_qgroup_create(qgroupid: str, subvolume: str) -> None:
    """Create qgroup ``qgroupid`` (``level/id``) on the filesystem of ``subvolume``."""
    btrfs_run(["btrfs", "qgroup", "create", qgroupid, fs_arg(subvolume)], subvolume)


@action("btrfs_qgroup_destroy")
def btrfs_qgroup_destroy(qgroupid: str, subvolume: str) -> None:
    """Destroy a qgroup."""
    btrfs_run(["btrfs", "qgroup", "destroy", qgroupid, fs_arg(subvolume)], subvolume)


@action("btrfs_qgroup_show")
def btrfs_qgroup_show(path: str) -> list[dict[str, Any]]:
    """Every qgroup with its referenced and exclusive bytes."""
    text = btrfs_run(["btrfs", "qgroup", "show", "--raw", fs_arg(path)], path)
    return parse_qgroup_show(text)


@action("btrfs_qgroup_assign")
def btrfs_qgroup_assign(src: str, dst: str, path: str) -> None:
    """Make qgroup ``src`` a member of the higher-level qgroup ``dst``."""
    btrfs_run(["btrfs", "qgroup", "assign", src, dst, fs_arg(path)], path)


@action("btrfs_qgroup_remove")
def btrfs_qgroup_remove(src: str, dst: str, path: str) -> None:
    """Take qgroup ``src`` out of ``dst``."""
    btrfs_run(["btrfs", "qgroup", "remove", src, dst, fs_arg(path)], path)


# -- offline tools: check, rescue, image, btrfstune ----------------------------------------


@action("btrfs_fsck")
def btrfs_fsck(device: str, superblock: int | None = None, repair: bool | None = None) -> None:
    """Check an unmounted filesystem (``repair``: fix what is found)."""
    argv = ["btrfs", "check"]
    if superblock is not None:
        if superblock < 0:
            raise DaemonError("super block offset must be >= 0", "EINVAL")
        argv.append(f"--super={superblock}")
    if repair:
        argv.append("--repair")
    btrfs_run([*argv, device], display(device))


@action("btrfs_rescue_chunk_recover")
def btrfs_rescue_chunk_recover(device: str) -> None:
    """Rebuild the chunk tree by scanning the device."""
    btrfs_run(["btrfs", "rescue", "chunk-recover", "-y", device], display(device))


@action("btrfs_rescue_super_recover")
def btrfs_rescue_super_recover(device: str) -> None:
    """Restore bad superblocks from the good copies."""
    btrfs_run(["btrfs", "rescue", "super-recover", "-y", device], display(device))


@action("btrfs_image")
def btrfs_image(source: list[DeviceNode], image: str, compresslevel: int | None = None) -> None:
    """Write a metadata image (data zeroed) of the filesystem on ``source``
    to the guest file ``image``.

    A negative ``compresslevel`` is the same as none, as in libguestfs.
    libguestfs 1.48 writes the image to the appliance's own root rather
    than the guest's; this writes it where the Pathname says, in the guest.
    """
    if not source:
        raise DaemonError("list of sources must be non-empty", "EINVAL")
    argv = ["btrfs-image"]
    if compresslevel is not None and compresslevel >= 0:
        argv += ["-c", str(compresslevel)]
    prefix = " ".join([*(display(s) for s in source), image])
    btrfs_run([*argv, *source, fs_arg(image)], prefix)


@action("btrfs_set_seeding")
def btrfs_set_seeding(device: str, seeding: bool) -> None:
    """Set or clear the seeding flag of the filesystem on ``device``
    (``-f``: setting it again, or clearing it, is not refused)."""
    btrfs_run(["btrfstune", "-f", "-S", "1" if seeding else "0", device], display(device))


@action("btrfstune_seeding")
def btrfstune_seeding(device: str, seeding: bool) -> None:
    """Set or clear the seeding flag (a seed filesystem is mounted read-only).

    As libguestfs runs it: setting the flag again is btrfstune's error;
    clearing it is forced (``-f``), which btrfstune otherwise asks to confirm.
    """
    argv = ["btrfstune", "-S", "1"] if seeding else ["btrfstune", "-f", "-S", "0"]
    btrfs_run([*argv, device], display(device))


@action("btrfstune_enable_extended_inode_refs")
def btrfstune_enable_extended_inode_refs(device: str) -> None:
    """Turn on extended inode refs (more hard links per file)."""
    btrfs_run(["btrfstune", "-r", device], display(device))


@action("btrfstune_enable_skinny_metadata_extent_refs")
def btrfstune_enable_skinny_metadata_extent_refs(device: str) -> None:
    """Turn on skinny metadata extent refs (smaller metadata)."""
    btrfs_run(["btrfstune", "-x", device], display(device))


# -- Mountables ------------------------------------------------------------------------------


@action("internal_parse_mountable")
def internal_parse_mountable(mountable: str) -> dict[str, Any]:
    """A Mountable split into its type, device (as the caller names it) and subvolume."""
    if isinstance(mountable, BtrfsVolume):
        return {"im_type": MOUNTABLE_BTRFSVOL, "im_device": context.canonical_device(mountable.device),
                "im_volume": mountable.volume}
    if isinstance(mountable, DeviceNode):
        return {"im_type": MOUNTABLE_DEVICE, "im_device": context.canonical_device(mountable),
                "im_volume": ""}
    raise DaemonError(f"{mountable}: No such file or directory", "ENOENT")
