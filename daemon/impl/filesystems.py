"""Filesystems: mkfs, mkswap, type/label/UUID queries and changes, checks
(e2fsck, fsck), resizing ext2/3/4, tune2fs -l, xfs_info, zerofree.

Each call runs the filesystem's own tool the way libguestfs does, with the
same refusals (labels too long, options a filesystem type does not take).
Device helpers are in ``daemon/lib/blockdev.py``, what a Mountable names and
its type in ``daemon/lib/fsinfo.py``; mounting is ``mount.py``.
"""

from __future__ import annotations

import os
import re
import uuid as uuidlib
from typing import Any

from .. import context
from ..dispatch import action
from ..errors import DaemonError
from ..lib import blockdev, fsinfo, programs
from ..lib.fsinfo import mountable_device

EXTFS = ("ext2", "ext3", "ext4")
EXT_LABEL_MAX = 16
XFS_LABEL_MAX = 12
_SAFE_FSTYPE = re.compile(r"^[A-Za-z0-9_.+-]+$")


def is_mounted(dev: str) -> bool:
    """True if the device is mounted anywhere in the appliance."""
    real = os.path.realpath(dev)
    return any(src.startswith("/") and os.path.realpath(src) == real
               for src, _ in context.read_mounts())


# -- creating -------------------------------------------------------------------


@action("mkfs")
def mkfs(fstype: str, device: str, blocksize: int | None = None, features: str | None = None,
         inode: int | None = None, sectorsize: int | None = None, label: str | None = None) -> None:
    """Make a filesystem of type ``fstype`` on ``device``."""
    disp = blockdev.display(device)
    if not _SAFE_FSTYPE.match(fstype):
        raise DaemonError(f"{fstype}: invalid filesystem type", "EINVAL")
    extfs = fstype in EXTFS
    # mke2fs directly for ext*: the mkfs wrapper swallows some options (-F).
    argv = ["mke2fs", "-t", fstype, "-F"] if extfs else [f"mkfs.{fstype}"]
    if fstype == "ntfs":
        argv += ["-Q", "-F"]  # no zeroing, no bad-block scan; whole disks are fine
    elif fstype in ("reiserfs", "jfs", "xfs", "btrfs", "f2fs"):
        argv.append("-f")  # overwrite an existing filesystem without asking
    elif fstype in ("vfat", "msdos", "fat"):
        argv.append("-I")  # whole disks are fine
    elif fstype in ("gfs", "gfs2"):
        argv += ["-p", "lock_nolock", "-j", "1", "-O"]

    if blocksize is not None:
        if blocksize <= 0 or blocksize & (blocksize - 1):
            raise DaemonError("block size must be > 0 and a power of 2", "EINVAL")
        if fstype in ("vfat", "msdos", "fat"):
            ss = blockdev.sector_size(device)
            spc = blocksize // ss
            if not 1 <= spc <= 128:
                raise DaemonError(
                    f"unsupported cluster size for {fstype} filesystem (requested cluster size = "
                    f"{blocksize}, sector size = {ss}, trying sectors per cluster = {spc})", "EINVAL")
            argv += ["-s", str(spc)]
        elif fstype == "ntfs":
            argv += ["-c", str(blocksize)]
        elif fstype == "btrfs":
            raise DaemonError("blocksize cannot be set on btrfs filesystems, use 'mkfs-btrfs'", "EINVAL")
        elif fstype == "xfs":
            argv += ["-b", f"size={blocksize}"]
        else:
            argv += ["-b", str(blocksize)]

    if features is not None:
        if fstype in ("gfs", "gfs2"):
            raise DaemonError("features cannot be set on gfs/gfs2 filesystems", "EINVAL")
        argv += ["-O", features]

    if inode is not None:
        if not extfs:
            raise DaemonError("inode size (-I) can only be set on ext2/3/4 filesystems", "EINVAL")
        if inode <= 0:
            raise DaemonError("inode size must be larger than zero", "EINVAL")
        argv += ["-I", str(inode)]

    if sectorsize is not None:
        if fstype != "ufs":
            raise DaemonError("sector size (-S) can only be set on ufs filesystems", "EINVAL")
        if sectorsize <= 0:
            raise DaemonError("sector size must be larger than zero", "EINVAL")
        argv += ["-S", str(sectorsize)]

    if label is not None:
        if extfs:
            if len(label.encode()) > EXT_LABEL_MAX:
                raise DaemonError(f"{label}: ext2/3/4 labels are limited to {EXT_LABEL_MAX} bytes",
                                  "ERANGE")
            argv += ["-L", label]
        elif fstype in ("vfat", "msdos", "fat"):
            argv += ["-n", label]
        elif fstype == "xfs":
            if len(label.encode()) > XFS_LABEL_MAX:
                raise DaemonError(f"{label}: XFS labels are limited to {XFS_LABEL_MAX} bytes", "ERANGE")
            argv += ["-L", label]
        else:
            argv += ["-L", label]

    argv.append(device)
    try:
        programs.run(argv, prefix=f"{fstype}: {disp}", c_locale=True, message="output")
    except DaemonError as e:
        if "command not found" in str(e):
            raise DaemonError(f"{fstype}: {disp}: mkfs: failed to execute mkfs.{fstype}: "
                              "No such file or directory", "ENOENT") from None
        raise


@action("mkfs_b")
def mkfs_b(fstype: str, blocksize: int, device: str) -> None:
    """Deprecated: mkfs with a block size."""
    mkfs(fstype, device, blocksize=blocksize)


@action("mkswap")
def mkswap(device: str, label: str | None = None, uuid: str | None = None) -> None:
    """Make a Linux swap area, optionally with a label and UUID."""
    argv = ["mkswap", "-f"]
    if label is not None:
        if len(label.encode()) > 16:
            raise DaemonError(f"{label}: Linux swap labels are limited to 16 bytes", "ERANGE")
        argv += ["-L", label]
    if uuid is not None:
        argv += ["-U", uuid]
    programs.run([*argv, device], prefix=blockdev.display(device), c_locale=True, message="output")


@action("mkswap_L")
def mkswap_L(label: str, device: str) -> None:  # noqa: N802 - the action's name
    """Deprecated: mkswap with a label."""
    mkswap(device, label=label)


@action("mkswap_U")
def mkswap_U(uuid: str, device: str) -> None:  # noqa: N802 - the action's name
    """Deprecated: mkswap with a UUID."""
    mkswap(device, uuid=uuid)


# -- type, label, UUID ----------------------------------------------------------


@action("vfs_type")
def vfs_type(mountable: str) -> str:
    """The filesystem type blkid sees ("" if none)."""
    return fsinfo.vfs_type(mountable)


@action("vfs_label")
def vfs_label(mountable: str) -> str:
    """The filesystem label ("" if none)."""
    dev, _ = mountable_device(mountable)
    if blockdev.blkid_tag(dev, "TYPE") == "ntfs":
        # As stock: ntfslabel, which prints long labels whole (blkid garbles them).
        out = programs.out(["ntfslabel", dev], c_locale=True, message="output", prefix="ntfslabel")
        return out[:-1] if out.endswith("\n") else out
    return blockdev.blkid_tag(dev, "LABEL")


@action("vfs_uuid")
def vfs_uuid(mountable: str) -> str:
    """The filesystem UUID ("" if none)."""
    dev, _ = mountable_device(mountable)
    return blockdev.blkid_tag(dev, "UUID")


@action("get_e2label")
def get_e2label(device: str) -> str:
    """Deprecated: vfs_label."""
    return blockdev.blkid_tag(device, "LABEL")


@action("get_e2uuid")
def get_e2uuid(device: str) -> str:
    """Deprecated: vfs_uuid."""
    return blockdev.blkid_tag(device, "UUID")


@action("set_label")
def set_label(mountable: str, label: str) -> None:
    """Change the label with the tool of the filesystem's type."""
    dev, _ = mountable_device(mountable)
    fstype = blockdev.blkid_tag(dev, "TYPE")
    n = len(label.encode())
    if fstype in EXTFS:
        if n > EXT_LABEL_MAX:
            raise DaemonError(f"{label}: ext2/3/4 labels are limited to {EXT_LABEL_MAX} bytes", "ERANGE")
        argv = ["e2label", dev, label]
    elif fstype in ("vfat", "msdos"):
        argv = ["fatlabel", dev, label]
    elif fstype == "ntfs":
        argv = ["ntfslabel", dev, label]
    elif fstype == "xfs":
        if n > XFS_LABEL_MAX:
            raise DaemonError(f"{label}: xfs labels are limited to {XFS_LABEL_MAX} bytes", "ERANGE")
        argv = ["xfs_admin", "-L", label, dev]
    elif fstype == "btrfs":
        argv = ["btrfs", "filesystem", "label", dev, label]
    elif fstype == "swap":
        argv = ["swaplabel", "-L", label, dev]
    elif fstype == "exfat":
        argv = ["exfatlabel", dev, label]
    else:
        raise DaemonError(f"don't know how to set the label for '{fstype}' filesystems", "ENOTSUP")
    # btrfs's own message is the whole error, as libguestfs gives it.
    programs.run(argv, prefix=None if fstype == "btrfs" else argv[0], c_locale=True, message="output")


@action("set_e2label")
def set_e2label(device: str, label: str) -> None:
    """Deprecated: set_label."""
    set_label(device, label)


def _set_uuid_argv(fstype: str, dev: str, new: str | None, what: str) -> list[str]:
    """The command changing a filesystem's UUID (``new`` None: a random one)."""
    if fstype in EXTFS:
        return ["tune2fs", "-f", "-U", new or "random", dev]
    if fstype == "xfs":
        return ["xfs_admin", "-U", new or "generate", dev]
    if fstype == "swap":
        return ["swaplabel", "-U", new or str(uuidlib.uuid4()), dev]
    if fstype == "btrfs":
        return ["btrfstune", "-f", "-U", new, dev] if new else ["btrfstune", "-f", "-u", dev]
    raise DaemonError(f"don't know how to set the {what} for '{fstype}' filesystems", "ENOTSUP")


@action("set_uuid")
def set_uuid(device: str, uuid: str) -> None:
    """Change the filesystem UUID."""
    fstype = blockdev.blkid_tag(device, "TYPE")
    argv = _set_uuid_argv(fstype, device, uuid, "UUID")
    programs.run(argv, input=b"y\n", c_locale=True, message="output")


@action("set_uuid_random")
def set_uuid_random(device: str) -> None:
    """Give the filesystem a new random UUID."""
    fstype = blockdev.blkid_tag(device, "TYPE")
    argv = _set_uuid_argv(fstype, device, None, "random UUID")
    programs.run(argv, input=b"y\n", c_locale=True, message="output")


@action("set_e2uuid")
def set_e2uuid(device: str, uuid: str) -> None:
    """Deprecated: set an ext2/3/4 UUID ("random", "clear", "time" also accepted)."""
    programs.run(["tune2fs", "-f", "-U", uuid, device], c_locale=True, message="output")


# -- checking and resizing --------------------------------------------------------


@action("e2fsck")
def e2fsck(device: str, correct: bool | None = None, forceall: bool | None = None,
           forceno: bool | None = None) -> None:
    """Check an ext2/3/4 filesystem (forced), optionally repairing it."""
    chosen = [n for n, v in (("correct", correct), ("forceall", forceall), ("forceno", forceno)) if v]
    if len(chosen) > 1:
        raise DaemonError("only one of the options 'correct', 'forceall' may be specified"
                          if not forceno else
                          "only one of the options 'correct', 'forceall', 'forceno' may be specified",
                          "EINVAL")
    argv = ["e2fsck", "-f"]
    if correct:
        argv.append("-p")
    if forceall:
        argv.append("-y")
    if forceno:
        argv.append("-n")
    # 0: clean, 1: errors corrected; anything else is a failure.
    programs.run([*argv, device], ok=(0, 1), fold=True, c_locale=True, message="output")


@action("e2fsck_f")
def e2fsck_f(device: str) -> None:
    """Deprecated: e2fsck -f -p."""
    e2fsck(device, correct=True)


def _fsck_if_unmounted(device: str) -> None:
    """resize2fs wants a freshly checked filesystem unless it is mounted (online resize)."""
    if not is_mounted(device):
        programs.run(["e2fsck", "-fy", device], ok=(0, 1), fold=True, c_locale=True, message="output")


@action("resize2fs")
def resize2fs(device: str) -> None:
    """Grow or shrink an ext2/3/4 filesystem to fill its device."""
    _fsck_if_unmounted(device)
    programs.run(["resize2fs", device], c_locale=True, message="output")


@action("resize2fs_size")
def resize2fs_size(device: str, size: int) -> None:
    """Resize an ext2/3/4 filesystem to ``size`` bytes (a whole number of KiB)."""
    if size % 1024:
        raise DaemonError(f"{size}: size must be a round number of kilobytes", "EINVAL")
    _fsck_if_unmounted(device)
    programs.run(["resize2fs", device, f"{size // 1024}K"], c_locale=True, message="output")


@action("resize2fs_M")
def resize2fs_M(device: str) -> None:  # noqa: N802 - the action's name
    """Shrink an ext2/3/4 filesystem to its minimum size."""
    _fsck_if_unmounted(device)
    programs.run(["resize2fs", "-M", device], c_locale=True, message="output")


@action("fsck")
def fsck(fstype: str, device: str) -> int:
    """``fsck -a -t fstype device``; the exit status is the result, not an error."""
    if not _SAFE_FSTYPE.match(fstype):
        raise DaemonError(f"{fstype}: invalid filesystem type", "EINVAL")
    return programs.run(["fsck", "-a", "-t", fstype, device], check=False).returncode


@action("zerofree")
def zerofree(device: str) -> None:
    """Zero the unused blocks of an (unmounted) ext2/3/4 filesystem."""
    programs.run(["zerofree", device], prefix=blockdev.display(device), c_locale=True, message="output")


# -- reports ------------------------------------------------------------------------


@action("tune2fs_l")
def tune2fs_l(device: str) -> list[tuple[str, str]]:
    """The ext2/3/4 superblock as ``tune2fs -l`` prints it, as key/value pairs."""
    return fsinfo.tune2fs_l(device)


_XFS_FIELDS: dict[str, tuple[str, str]] = {
    "xfs_inodesize": ("meta-data", "isize"), "xfs_agcount": ("meta-data", "agcount"),
    "xfs_agsize": ("meta-data", "agsize"), "xfs_sectsize": ("meta-data", "sectsz"),
    "xfs_attr": ("meta-data", "attr"), "xfs_blocksize": ("data", "bsize"),
    "xfs_datablocks": ("data", "blocks"), "xfs_imaxpct": ("data", "imaxpct"),
    "xfs_sunit": ("data", "sunit"), "xfs_swidth": ("data", "swidth"),
    "xfs_dirblocksize": ("naming", "bsize"), "xfs_cimode": ("naming", "ascii-ci"),
    "xfs_logblocksize": ("log", "bsize"), "xfs_logblocks": ("log", "blocks"),
    "xfs_logversion": ("log", "version"), "xfs_logsectsize": ("log", "sectsz"),
    "xfs_logsunit": ("log", "sunit"), "xfs_lazycount": ("log", "lazy-count"),
    "xfs_rtextsize": ("realtime", "extsz"), "xfs_rtblocks": ("realtime", "blocks"),
    "xfs_rtextents": ("realtime", "rtextents"),
}


def parse_xfs_info(out: str) -> dict[str, Any]:
    """The xfsinfo struct from ``xfs_info`` output (sections of key=value words)."""
    section = ""
    heads: dict[str, str] = {}
    kv: dict[tuple[str, str], str] = {}
    for line in out.splitlines():
        m = re.match(r"^([a-z-]+)?\s*=(.*)$", line)
        if not m:
            continue
        if m.group(1):
            section = m.group(1)
            head = re.split(r"\s*\b[a-z0-9-]+=", m.group(2), maxsplit=1)[0].strip()
            heads[section] = head
        for k, v in re.findall(r"([a-z0-9-]+)=([^\s,]+)", m.group(2)):
            kv.setdefault((section, k), v)

    def num(v: str | None) -> int:
        """A number from the report, 0 when missing or not numeric."""
        try:
            return int(v) if v is not None else 0
        except ValueError:
            return 0

    info: dict[str, Any] = {name: num(kv.get(key)) for name, key in _XFS_FIELDS.items()}
    mnt = heads.get("meta-data", "")
    if mnt.startswith("/dev/"):
        mnt = blockdev.mountable_name(mnt)
    elif mnt == context.SYSROOT or mnt.startswith(context.SYSROOT + "/"):
        mnt = mnt[len(context.SYSROOT):] or "/"
    info["xfs_mntpoint"] = mnt
    naming = heads.get("naming", "")
    info["xfs_dirversion"] = num(naming.split()[-1]) if naming.split() else 0
    log = heads.get("log", "")
    info["xfs_logname"] = "internal" if log == "internal log" else log
    info["xfs_rtname"] = heads.get("realtime", "")
    return info


@action("xfs_info")
def xfs_info(pathordevice: str) -> dict[str, Any]:
    """Geometry of an XFS filesystem, by device or by a path on it."""
    out = programs.out(["xfs_info", context.appliance_path(pathordevice)], c_locale=True, message="output")
    return parse_xfs_info(out)
