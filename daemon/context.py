"""State and helpers shared by the implementations: the sysroot, device names.

The user's filesystems are mounted under :data:`SYSROOT` (``/sysroot`` in
the appliance; ``GUESTFSD_SYSROOT`` overrides it for tests on the host).
Device names follow the libguestfs manual: a caller's ``/dev/sdX`` is tried
as given, then as ``/dev/hdX`` and ``/dev/vdX``; names sent back are in
``/dev/sd*`` form.  The appliance's own root disk is never visible.
"""

from __future__ import annotations

import os
import re
import stat
from functools import lru_cache

from guestfs.actions.kinds import GuestPath
from guestfs.protocol.devnames import device_sort_key, index_to_letters, letters_to_index

from .errors import DaemonError, NotADevice

SYSROOT = os.environ.get("GUESTFSD_SYSROOT", "/sysroot")
#: Where devices are looked for (tests may point this at a fake tree).
DEV = os.environ.get("GUESTFSD_DEV", "/dev")
SYS_BLOCK = os.environ.get("GUESTFSD_SYS_BLOCK", "/sys/block")

_DISK_RE = re.compile(r"^(sd|hd|vd|xvd|ubd)([a-z]+)$")
_PART_RE = re.compile(r"^(?:(sd|hd|vd|xvd|ubd)([a-z]+))(\d+)$")


def sysroot_path(path: str) -> str:
    """The appliance path of a guest path (``/etc`` → ``/sysroot/etc``)."""
    if path == "/":
        return SYSROOT
    return SYSROOT + path


def appliance_path(target: str) -> str:
    """Where a Dev_or_Path value is in the appliance: a device node as it is,
    a guest path under the sysroot (for external programs)."""
    if not isinstance(target, GuestPath):
        return target
    from .lib.guestroot import real  # lib imports this module: no cycle at import time
    return real(target)


def shown_name(target: str) -> str:
    """How messages name a Dev_or_Path value: the guest path, or the caller's device name."""
    return str(target) if isinstance(target, GuestPath) else canonical_device(target)


@lru_cache(maxsize=1)
def _sysroot_parent_dev() -> int:
    """Device of the directory holding the sysroot (it never changes)."""
    return os.stat(os.path.dirname(SYSROOT) or "/").st_dev


#: How many programs the daemon has started and mount(2) calls it has made:
#: the mount table can only change through one of them.
_mount_changes = 0
#: ``(_mount_changes, SYSROOT, answer)`` of the last :func:`is_root_mounted` look.
_root_mounted: tuple[int, str, bool] | None = None


def mounts_may_change() -> None:
    """Note that the mount table may be about to change (a program is started,
    the daemon calls mount(2) or umount2(2)): the next
    :func:`is_root_mounted` looks again."""
    global _mount_changes
    _mount_changes += 1


def is_root_mounted() -> bool:
    """True when something is mounted on the sysroot.

    Checked on every Pathname argument, so the answer is kept until the
    mount table may have changed (:func:`mounts_may_change`): in a run of
    file calls no system call is spent on it.
    """
    seen = _root_mounted
    if seen is not None and seen[0] == _mount_changes and seen[1] == SYSROOT:
        return seen[2]
    return _look_at_root(_mount_changes, SYSROOT)


def _look_at_root(changes: int, sysroot: str) -> bool:
    """Work out :func:`is_root_mounted`'s answer and keep it for ``changes``."""
    global _root_mounted
    answer = True
    try:
        if os.stat(sysroot).st_dev == _sysroot_parent_dev():
            # Filesystems mounted on mkmountpoint directories below an
            # unmounted sysroot count too, as in libguestfs (mount_loop
            # /cd/x.img /sqsh).
            prefix = sysroot.rstrip("/") + "/"
            answer = any(mp.startswith(prefix) for _, mp in read_mounts())
    except OSError:
        answer = False
    _root_mounted = (changes, sysroot, answer)
    return answer


def read_mounts() -> list[tuple[str, str]]:
    """``(source, mountpoint)`` for every mount, from /proc/self/mounts."""
    out = []
    try:
        with open("/proc/self/mounts") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2:
                    out.append((_unoctal(parts[0]), _unoctal(parts[1])))
    except OSError:
        pass
    return out


def _unoctal(s: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)


@lru_cache(maxsize=1)
def appliance_root_disk() -> str | None:
    """Kernel name of the disk the appliance's / lives on (hidden from callers)."""
    try:
        st = os.stat("/")
    except OSError:
        return None
    major, minor = os.major(st.st_dev), os.minor(st.st_dev)
    try:
        target = os.path.realpath(f"/sys/dev/block/{major}:{minor}")
    except OSError:
        return None
    name = os.path.basename(target)
    # A partition's parent directory is its disk.
    if os.path.exists(os.path.join(target, "partition")):
        name = os.path.basename(os.path.dirname(target))
    return name


def _attach_key(name: str) -> tuple[int, tuple[int, ...], tuple[object, ...]]:
    """Order disks as they were attached, not as the kernel named them.

    SCSI disks are probed in parallel, so ``sdb`` may be the third drive;
    their SCSI address (host:channel:target:lun) follows the attach order.
    """
    try:
        addr = os.path.basename(os.path.realpath(os.path.join(SYS_BLOCK, name, "device")))
    except OSError:
        addr = ""
    if re.fullmatch(r"\d+:\d+:\d+:\d+", addr):
        return (0, tuple(int(x) for x in addr.split(":")), ())
    return (1, (), device_sort_key(name))


def disk_families() -> dict[str, list[str]]:
    """User disks by name prefix (``sd``, ``vd`` …), each list in attach order."""
    try:
        names = os.listdir(SYS_BLOCK)
    except OSError:
        return {}
    root = appliance_root_disk()
    fams: dict[str, list[str]] = {}
    for n in names:
        m = _DISK_RE.match(n)
        if m and n != root:
            fams.setdefault(m.group(1), []).append(n)
    for disks in fams.values():
        disks.sort(key=_attach_key)
    return fams


def list_disks() -> list[str]:
    """Whole disks as kernel names, in the order callers number them
    (``/dev/sda``, ``/dev/sdb`` …); the appliance's own disk excluded."""
    fams = disk_families()
    return [d for prefix in sorted(fams) for d in fams[prefix]]


def list_partitions_of(disk: str) -> list[str]:
    """Partition kernel names of a disk, in number order."""
    try:
        entries = os.listdir(os.path.join(SYS_BLOCK, disk))
    except OSError:
        return []
    parts = [e for e in entries if e.startswith(disk) and
             os.path.exists(os.path.join(SYS_BLOCK, disk, e, "partition"))]
    return sorted(parts, key=device_sort_key)


class CallerName(str):
    """A device name already in the caller's form: translating it again
    would be wrong when the kernel named the disks out of attach order, so
    :func:`canonical_device` passes these through unchanged."""

    __slots__ = ()


def canonical_device(name: str) -> str:
    """The name a caller uses for a kernel device name: ``/dev/sdc1`` is
    ``/dev/sdb1`` when sdc is the second disk attached; ``/dev/vda`` is
    ``/dev/sda`` when every user disk is virtio-blk.

    With a mix of SCSI and virtio-blk disks, virtio names keep their prefix
    (numbered among themselves) and the library, which knows each drive's
    interface, maps them.
    """
    if isinstance(name, CallerName):
        return name
    m = re.match(r"^/dev/(sd|hd|vd|xvd|ubd)([a-z]+)(\d*)$", name)
    if not m:
        return name
    prefix, letters, part = m.groups()
    fams = disk_families()
    disks = fams.get(prefix, [])
    kernel = prefix + letters
    if kernel in disks:
        letters = index_to_letters(disks.index(kernel))
    if prefix != "sd" and "sd" not in fams:
        prefix = "sd"
    return CallerName(f"/dev/{prefix}{letters}{part}")


def resolve_device(name: str) -> str:
    """Check a Device argument and return the appliance's node for it.

    ``/dev/sdX`` is the X-th attached disk (tried as sd, then hd, then vd,
    as the libguestfs manual says); other names (``/dev/VG/LV``,
    ``/dev/mapper/…``, ``/dev/md0``) must exist as they are.

    :raises DaemonError: if it is not /dev/…, does not exist, or is the appliance disk.
    """
    if not name.startswith("/dev/"):
        raise DaemonError(f"{name}: No such file or directory", "ENOENT")
    m = re.match(r"^/dev/(sd|hd|vd)([a-z]+)(\d*)$", name)
    if m:
        prefix, letters, part = m.groups()
        fams = disk_families()
        idx = letters_to_index(letters)
        for fam in [prefix] + [p for p in ("sd", "hd", "vd") if p != prefix]:
            disks = fams.get(fam, [])
            if idx < len(disks):
                real = f"{DEV}/{disks[idx]}{part}"
                if _is_device(real):
                    return real
                break
        raise DaemonError(f"{name}: No such file or directory", "ENOENT")
    real = DEV + name[4:] if DEV != "/dev" else name
    if name.count("/") == 2 and os.path.isdir(real) and name not in ("/dev/mapper", "/dev/disk"):
        return real  # a volume group's directory (/dev/VG), as lvremove allows
    if _is_device(real):
        root = appliance_root_disk()
        base = os.path.basename(os.path.realpath(real))
        if not (root and (base == root or (_PART_RE.match(base) and base.rstrip("0123456789") == root))):
            return real
    elif os.path.exists(real):
        raise NotADevice(name)
    raise DaemonError(f"{name}: No such file or directory", "ENOENT")


def _is_device(path: str) -> bool:
    """A block device (libguestfs takes no character device for a Device)."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return stat.S_ISBLK(st.st_mode)
