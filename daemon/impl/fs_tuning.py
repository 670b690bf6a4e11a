"""Tuning, growing, repairing and measuring filesystems: tune2fs, the XFS
admin tools (and ``xfs_info2``, parsed in ``daemon/lib/xfsinfo.py``), and
the minimum size a filesystem can shrink to (btrfs's from
``daemon/lib/btrfs.py``, ntfs's from ``daemon/lib/ntfs.py``)."""

from __future__ import annotations

import re

from .. import context
from ..dispatch import action
from ..errors import DaemonError
from ..lib import blockdev, btrfs, ntfs
from ..lib.fsinfo import mountable_device, tune2fs_l, vfs_type
from ..lib.programs import out, run
from ..lib.xfsinfo import parse_xfs_info2

_ERROR_BEHAVIOURS = ("continue", "remount-ro", "panic")


@action("tune2fs")
def tune2fs(device: str, force: bool = False, maxmountcount: int | None = None,
            mountcount: int | None = None, errorbehavior: str | None = None,
            group: int | None = None, intervalbetweenchecks: int | None = None,
            reservedblockspercentage: int | None = None, lastmounteddirectory: str | None = None,
            reservedblockscount: int | None = None, user: int | None = None) -> None:
    """Adjust ext2/3/4 parameters, one tune2fs(8) option per optional argument."""
    argv = ["tune2fs"]
    if force:
        argv.append("-f")
    if errorbehavior is not None and errorbehavior not in _ERROR_BEHAVIOURS:
        raise DaemonError(f"tune2fs: errorbehavior: must be one of {', '.join(_ERROR_BEHAVIOURS)}",
                          "EINVAL")
    numbers = (("-c", maxmountcount, "maxmountcount"), ("-C", mountcount, "mountcount"),
               ("-g", group, "group"), ("-i", intervalbetweenchecks, "intervalbetweenchecks"),
               ("-m", reservedblockspercentage, "reservedblockspercentage"),
               ("-r", reservedblockscount, "reservedblockscount"), ("-u", user, "user"))
    for flag, value, name in numbers:
        if value is not None:
            if value < 0 and name != "maxmountcount":
                raise DaemonError(f"tune2fs: {name} cannot be negative", "EINVAL")
            argv += [flag, f"{value}s" if flag == "-i" else str(value)]
    if errorbehavior is not None:
        argv += ["-e", errorbehavior]
    if lastmounteddirectory is not None:
        argv += ["-M", lastmounteddirectory]
    run(argv + [device])


@action("xfs_admin")
def xfs_admin(device: str, extunwritten: bool = False, imgfile: bool = False, v2log: bool = False,
              projid32bit: bool = False, lazycounter: bool | None = None, label: str | None = None,
              uuid: str | None = None) -> None:
    """Change an unmounted XFS filesystem's label, UUID or feature bits."""
    argv = ["xfs_admin"]
    for flag, on in (("-e", extunwritten), ("-f", imgfile), ("-j", v2log), ("-p", projid32bit)):
        if on:
            argv.append(flag)
    if lazycounter is not None:
        argv += ["-c", "1" if lazycounter else "0"]
    if label is not None:
        argv += ["-L", label]
    if uuid is not None:
        argv += ["-U", uuid]
    run(argv + [device])


@action("xfs_growfs")
def xfs_growfs(path: str, datasec: bool = False, logsec: bool = False, rtsec: bool = False,
               datasize: int | None = None, logsize: int | None = None, rtsize: int | None = None,
               rtextsize: int | None = None, maxpct: int | None = None) -> None:
    """Grow a mounted XFS filesystem (to fill its device unless sizes are given)."""
    argv = ["xfs_growfs"]
    for flag, on in (("-d", datasec), ("-l", logsec), ("-r", rtsec)):
        if on:
            argv.append(flag)
    for flag, value in (("-D", datasize), ("-L", logsize), ("-R", rtsize), ("-e", rtextsize),
                        ("-m", maxpct)):
        if value is not None:
            if value < 0:
                raise DaemonError(f"xfs_growfs: {flag} value cannot be negative", "EINVAL")
            argv += [flag, str(value)]
    run(argv + [context.sysroot_path(path)])


@action("xfs_repair")
def xfs_repair(device: str, forcelogzero: bool = False, nomodify: bool = False,
               noprefetch: bool = False, forcegeometry: bool = False, maxmem: int | None = None,
               ihashsize: int | None = None, bhashsize: int | None = None,
               agstride: int | None = None, logdev: str | None = None,
               rtdev: str | None = None) -> int:
    """Check (``nomodify``) or repair an unmounted XFS filesystem; 1 if it found damage."""
    argv = ["xfs_repair"]
    for flag, on in (("-L", forcelogzero), ("-n", nomodify), ("-P", noprefetch),
                     ("-o", forcegeometry)):
        if on:
            argv += [flag] if flag != "-o" else ["-o", "force_geometry"]
    if maxmem is not None:
        argv += ["-m", str(maxmem)]
    for name, value in (("ihash", ihashsize), ("bhash", bhashsize), ("ag_stride", agstride)):
        if value is not None:
            argv += ["-o", f"{name}={value}"]
    for flag, dev in (("-l", logdev), ("-r", rtdev)):
        if dev is not None:
            argv += [flag, context.resolve_device(dev)]
    cp = run(argv + [context.appliance_path(device)], check=False)
    if cp.returncode in (0, 1):
        return cp.returncode
    msg = (cp.stderr or cp.stdout).decode("utf-8", "replace").strip()
    raise DaemonError(f"xfs_repair: {msg}" if msg else f"xfs_repair exited with status {cp.returncode}")


@action("xfs_info2")
def xfs_info2(pathordevice: str) -> list[tuple[str, str]]:
    """Every number of ``xfs_info``'s report as ``GROUP.FIELD`` (and the text
    some groups begin with as ``GROUP``), by device or by a path on it."""
    text = out(["xfs_info", context.appliance_path(pathordevice)], c_locale=True, message="output")
    pairs = parse_xfs_info2(text)
    return [(key, _caller_name(value) if key == "meta-data" else value) for key, value in pairs]


def _caller_name(name: str) -> str:
    """xfs_info's name of the filesystem as the caller knows it (device or guest path)."""
    if name.startswith("/dev/"):
        return blockdev.mountable_name(name)
    if name == context.SYSROOT or name.startswith(context.SYSROOT + "/"):
        return name[len(context.SYSROOT):] or "/"
    return name


@action("vfs_minimum_size")
def vfs_minimum_size(mountable: str) -> int:
    """The smallest size (bytes) the filesystem could be shrunk to (ext2/3/4;
    ntfs; btrfs, which must be mounted)."""
    fstype = vfs_type(mountable)
    if fstype == "btrfs":
        return btrfs.minimum_size(mountable_device(mountable)[0])
    if fstype == "ntfs":
        return ntfs.minimum_size(mountable_device(mountable)[0])
    if not fstype.startswith("ext"):
        raise DaemonError(f"don't know how to get minimum size of '{fstype}' filesystems", "ENOTSUP")
    out = run(["resize2fs", "-P", mountable]).stdout.decode("utf-8", "replace")
    m = re.search(r"Estimated minimum size of the filesystem:\s*(\d+)", out)
    if m is None:
        raise DaemonError(f"resize2fs -P: unexpected output: {out.strip()}")
    block = int(dict(tune2fs_l(mountable)).get("Block size", "0"))
    if block <= 0:
        raise DaemonError("cannot read the filesystem's block size")
    return int(m.group(1)) * block
