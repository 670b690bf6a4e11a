"""Mounting: mount/umount under the sysroot, the mount tables callers see,
extra mountpoints, finding filesystems by label or UUID, and the
``internal_autosync`` the library sends before it shuts the appliance down.

Guest paths are relative to the sysroot (``/`` is ``context.SYSROOT``);
devices are returned as /dev/sd* and logical volumes as /dev/VG/LV.
Device helpers are in ``daemon/lib/blockdev.py``, filesystems in ``filesystems.py``.
"""

from __future__ import annotations

import os
import time

from guestfs.actions.kinds import GuestPath

from .. import context
from ..dispatch import action
from ..errors import DaemonError
from ..lib import blockdev
from ..lib.fsinfo import mountable_device
from ..lib.guestroot import real
from ..lib.programs import run


def guest_path(real: str) -> str:
    """The guest path of an appliance path under the sysroot."""
    if real == context.SYSROOT:
        return "/"
    if real.startswith(context.SYSROOT + "/"):
        return real[len(context.SYSROOT):]
    return real


def sysroot_mounts() -> list[tuple[str, str]]:
    """(source, appliance mountpoint) of every mount at or under the sysroot, in mount order."""
    root = context.SYSROOT
    return [(src, mp) for src, mp in context.read_mounts()
            if mp == root or mp.startswith(root + "/")]


def _mount(options: str, vfstype: str | None, mountable: str, mountpoint: str) -> None:
    """Shared body of the mount calls: check the mountpoint, then run mount(8)."""
    mp = real(mountpoint, follow=True)
    if not os.path.isdir(mp):
        raise DaemonError(f"mount: {mountpoint}: mount point is not a directory", "ENOTDIR")
    dev, subvol = mountable_device(mountable)
    if subvol is not None:
        options = f"{options},subvol={subvol}" if options else f"subvol={subvol}"
    argv = ["mount"]
    if options:
        argv += ["-o", options]
    if vfstype:
        argv += ["-t", vfstype]
    argv += [dev, mp]
    cp = run(argv, check=False)
    if cp.returncode != 0:
        err = (cp.stderr or cp.stdout).decode("utf-8", "replace").rstrip()
        raise DaemonError(f"mount exited with status {cp.returncode}: {err}")


@action("mount")
def mount(mountable: str, mountpoint: str) -> None:
    """Mount a filesystem on a guest path (``/`` first), with no extra options."""
    _mount("", None, mountable, mountpoint)


@action("mount_ro")
def mount_ro(mountable: str, mountpoint: str) -> None:
    """Mount read-only."""
    _mount("ro", None, mountable, mountpoint)


@action("mount_options")
def mount_options(options: str, mountable: str, mountpoint: str) -> None:
    """Mount with mount(8) options (``-o``)."""
    _mount(options, None, mountable, mountpoint)


@action("mount_vfs")
def mount_vfs(options: str, vfstype: str, mountable: str, mountpoint: str) -> None:
    """Mount with options and an explicit filesystem type."""
    _mount(options, vfstype, mountable, mountpoint)


@action("umount")
def umount(pathordevice: str, force: bool | None = None, lazyunmount: bool | None = None) -> None:
    """Unmount a filesystem given by its mountpoint or its device."""
    argv = ["umount"]
    if force:
        argv.append("-f")
    if lazyunmount:
        argv.append("-l")
    cp = run([*argv, context.appliance_path(pathordevice)], check=False)
    if cp.returncode != 0:
        err = (cp.stderr or cp.stdout).decode("utf-8", "replace").rstrip()
        shown = pathordevice if isinstance(pathordevice, GuestPath) else blockdev.display(pathordevice)
        raise DaemonError(f"{shown}: {err}")


def _umount_one(mp: str) -> None:
    """Unmount one mountpoint, retrying once when it is briefly busy."""
    for attempt in range(2):
        cp = run(["umount", mp], check=False)
        if cp.returncode == 0:
            return
        err = (cp.stderr or cp.stdout).decode("utf-8", "replace").rstrip()
        if attempt == 0 and "busy" in err:
            os.sync()
            time.sleep(0.1)
            continue
        raise DaemonError(f"umount: {guest_path(mp)}: {err}")


@action("umount_all")
def umount_all() -> None:
    """Unmount everything under the sysroot, deepest (then latest) first."""
    mounts = sysroot_mounts()
    order = sorted(range(len(mounts)), key=lambda i: (-mounts[i][1].count("/"), -i))
    done: set[str] = set()
    for i in order:
        mp = mounts[i][1]
        if mp in done and not os.path.ismount(mp):
            continue
        _umount_one(mp)
        done.add(mp)


@action("internal_autosync")
def internal_autosync() -> None:
    """Before shutdown: unmount everything and flush the disks; never fails."""
    try:
        umount_all()
    except Exception:  # noqa: BLE001 - shutdown must go on whatever happens
        pass
    os.sync()


@action("mounts")
def mounts() -> list[str]:
    """Devices mounted under the sysroot, in mount order."""
    return [blockdev.mountable_name(src) for src, _ in sysroot_mounts()]


@action("mountpoints")
def mountpoints() -> list[tuple[str, str]]:
    """Mounted device → guest mountpoint."""
    return [(blockdev.mountable_name(src), guest_path(mp)) for src, mp in sysroot_mounts()]


@action("mkmountpoint")
def mkmountpoint(exemptpath: str) -> None:
    """Create a directory under the sysroot to mount on, before / is mounted."""
    if not exemptpath.startswith("/"):
        raise DaemonError("path must start with a / character", "EINVAL")
    try:
        os.mkdir(context.sysroot_path(exemptpath), 0o755)
    except OSError as e:
        raise DaemonError(f"{exemptpath}: {e.strerror}", e.errno) from None


@action("rmmountpoint")
def rmmountpoint(exemptpath: str) -> None:
    """Remove a directory made by mkmountpoint."""
    if not exemptpath.startswith("/"):
        raise DaemonError("path must start with a / character", "EINVAL")
    try:
        os.rmdir(context.sysroot_path(exemptpath))
    except OSError as e:
        raise DaemonError(f"{exemptpath}: {e.strerror}", e.errno) from None


@action("is_lv")
def is_lv(mountable: str) -> bool:
    """True if the mountable is an LVM logical volume."""
    if mountable.startswith("btrfsvol:"):
        return False
    return blockdev.dm_lv_name(mountable) is not None


def _findfs(tag: str, value: str) -> str:
    """The device whose filesystem has ``tag=value`` (no blkid cache)."""
    env = dict(os.environ, BLKID_FILE="/dev/null", LC_ALL="C")
    cp = run(["findfs", f"{tag}={value}"], env=env, check=False)
    if cp.returncode != 0:
        err = (cp.stderr or cp.stdout).decode("utf-8", "replace").rstrip()
        raise DaemonError(f"findfs exited with status {cp.returncode}: {err}", "ENOENT")
    dev = cp.stdout.decode("utf-8", "surrogateescape").strip()
    return blockdev.mountable_name(dev)


@action("findfs_uuid")
def findfs_uuid(uuid: str) -> str:
    """The device holding the filesystem with this UUID."""
    return _findfs("UUID", uuid)


@action("findfs_label")
def findfs_label(label: str) -> str:
    """The device holding the filesystem with this label."""
    return _findfs("LABEL", label)


@action("findfs_partuuid")
def findfs_partuuid(uuid: str) -> str:
    """The partition with this GPT partition UUID."""
    return _findfs("PARTUUID", uuid)


@action("findfs_partlabel")
def findfs_partlabel(label: str) -> str:
    """The partition with this GPT partition label."""
    return _findfs("PARTLABEL", label)


@action("remount")
def remount(mountpoint: str, rw: bool | None = None) -> None:
    """Make a mounted filesystem read-write or read-only (``rw`` must be given)."""
    if rw is None:
        raise DaemonError("parameter 'rw' must be specified", "EINVAL")
    mp = real(mountpoint, follow=True)
    run(["mount", "-o", "remount," + ("rw" if rw else "ro"), mp])


@action("mount_loop")
def mount_loop(file: str, mountpoint: str) -> None:
    """Mount a filesystem image held in a guest file (through a loop device)."""
    image = real(file, follow=True)
    if not os.path.isfile(image):
        raise DaemonError(f"{file}: not a regular file (or not found)", "ENOENT")
    _mount("loop", None, image, mountpoint)


@action("fstrim")
def fstrim(mountpoint: str, offset: int | None = None, length: int | None = None,
           minimumfreeextent: int | None = None) -> None:
    """Discard the unused blocks of a mounted filesystem (the disk must support it)."""
    argv = ["fstrim"]
    for flag, value, what in (("-o", offset, "offset"), ("-l", length, "length"),
                              ("-m", minimumfreeextent, "minimumfreeextent")):
        if value is not None:
            if value < 0:
                raise DaemonError(f"{what} cannot be negative", "EINVAL")
            argv += [flag, str(value)]
    os.sync()
    run(argv + [real(mountpoint, follow=True)])
