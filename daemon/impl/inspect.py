"""Inspection of Linux guests: find the root filesystems of the operating
systems on the disks and describe each (distro, version, arch, hostname,
package system, fstab mountpoints).

``inspect_os`` mounts every filesystem read-only in a private directory of
the appliance (never under the sysroot, so the caller's mounts are left
alone), reads what it needs, unmounts, and keeps the results for the
``inspect_get_*`` calls until the next ``inspect_os``.  Windows roots are
recognised and read by ``lib/wininspect.py`` (system root, registry
hives, drive letters); what a filesystem is (a Linux, CoreOS, Hurd, Minix,
BSD or DOS root, or a separate /usr that completes its root) is decided by
``lib/fsroles.py``.
"""

from __future__ import annotations

import errno
import os
import tempfile
import time
from dataclasses import dataclass, field

from guestfs.actions.kinds import BtrfsVolume

from .. import context
from ..dispatch import action
from ..errors import DaemonError
from ..lib import blockdev, fslist, fsroles, wininspect
from ..lib.programs import run

#: fstab types that are not on a disk.
_VIRTUAL_FS = frozenset({"proc", "sysfs", "tmpfs", "devpts", "swap", "devtmpfs", "cgroup",
                         "cgroup2", "securityfs", "debugfs", "nfs", "nfs4", "cifs", "none"})
#: Filesystems mounted through FUSE (ntfs-3g), which let go of the device late.
_FUSE_TYPES = frozenset({"ntfs"})
#: Where filesystems are mounted to be looked at.
_MOUNT_DIR = "/run/guestfs-inspect"


@dataclass
class _OS:
    """What inspection found about one root filesystem."""

    type: str = "linux"
    distro: str = "unknown"
    product_name: str = "unknown"
    product_variant: str = "unknown"
    major: int = 0
    minor: int = 0
    arch: str = "unknown"
    hostname: str = "unknown"
    package_format: str = "unknown"
    package_management: str = "unknown"
    fstab: list[tuple[str, str]] = field(default_factory=list)
    build_id: str = "unknown"
    #: What a Windows root holds (None for other guests).
    windows: wininspect.WindowsInfo | None = None


#: Results of the last inspect_os: kernel name of the root → what was found.
_ROOTS: dict[str, _OS] | None = None
#: The caller's names of those roots, in inspect_os order.
_ROOT_NAMES: list[str] = []


#: A filesystem inspect_os recognised: caller's name, key, what it is.
_Found = tuple[str, str, "fsroles.Facts | _OS"]


def _os_of(facts: fsroles.Facts) -> _OS:
    """A root's facts as the getters answer them (``unknown`` and 0 for what
    nothing said; an empty product name, as an empty SuSE-release gives, stays)."""
    major, minor = facts.version or (0, 0)
    return _OS(type=facts.type or "unknown", distro=facts.distro or "unknown",
               product_name="unknown" if facts.product_name is None else facts.product_name,
               product_variant=facts.product_variant or "unknown", major=major, minor=minor,
               arch=facts.arch or "unknown", hostname=facts.hostname or "unknown",
               package_format=facts.package_format or "unknown",
               package_management=facts.package_management or "unknown", fstab=facts.fstab)


def _examine(where: str, name: str, disks: list[wininspect.DiskLayout] | None
             ) -> tuple[fsroles.Facts | _OS | None, list[wininspect.DiskLayout] | None]:
    """What the filesystem mounted at ``where`` (the caller's ``name``) is:
    Unix-like facts, a Windows root, or None; and the disk layouts, read
    once for the first Windows root."""
    tree = fsroles.GuestTree(where)
    facts = fsroles.classify(tree)
    if facts is fsroles.NOTHING:
        return None, disks
    if facts is None:
        systemroot = wininspect.find_systemroot(where)
        if systemroot is not None:
            if disks is None:
                disks = wininspect.disk_layouts()
            return _describe_windows(where, systemroot, disks), disks
        facts = fsroles.classify_dos(tree)
        if facts is None:
            return None, disks
    if facts.reads_fstab:
        facts.fstab = _fstab(tree.read("/etc/fstab") or "")
    elif facts.mountpoint is not None:
        facts.fstab = [(name, facts.mountpoint)]
    return facts, disks


def _complete(found: list[_Found]) -> list[_Found]:
    """Complete a CoreOS root from its /usr (the one of highest version: CoreOS
    keeps two, the one it runs and the next).  A Linux root with a separate
    /usr keeps its own answers, as in libguestfs 1.48 (only the mountpoints
    name the /usr).  Returns the filesystems in libguestfs's order, which
    puts a completed CoreOS root first and the rest in reverse.

    :raises DaemonError: two CoreOS roots (which /usr goes with which is unknowable).
    """
    def coreos(entry: _Found, role: str) -> bool:
        facts = entry[2]
        return isinstance(facts, fsroles.Facts) and facts.role == role and facts.distro == "coreos"

    roots = [e for e in found if coreos(e, "root")]
    if len(roots) > 1:
        raise DaemonError("multiple CoreOS root filesystems found", "EINVAL")
    usrs = [e[2] for e in found if coreos(e, "usr")]
    if not roots or not usrs:
        return found
    root = roots[0][2]
    assert isinstance(root, fsroles.Facts)
    root.merge_from(max((u for u in usrs if isinstance(u, fsroles.Facts)),
                        key=lambda f: f.version or (0, 0)))
    return [roots[0], *[e for e in reversed(found) if not coreos(e, "root") and not coreos(e, "usr")]]


def _describe_windows(top: str, systemroot: str, disks: list[wininspect.DiskLayout]) -> _OS:
    """A Windows root: the registry's answers, ``unknown`` where it has none."""
    w = wininspect.describe(top, systemroot, disks)
    major, minor = w.version or (0, 0)
    return _OS(type="windows", distro="windows", product_name=w.product_name or "unknown",
               product_variant=w.product_variant or "unknown", major=major, minor=minor,
               arch=w.arch, hostname=w.hostname or "unknown", build_id=w.build_id or "unknown",
               windows=w)


def _fstab(text: str) -> list[tuple[str, str]]:
    """(mountable, mountpoint) of the disk filesystems in an fstab, most recent
    first (libguestfs lists them in reverse order); a btrfs entry with a
    ``subvol=`` option names that subvolume (``btrfsvol:DEVICE/SUBVOL``)."""
    found = []
    for line in text.splitlines():
        words = line.split()
        if len(words) < 3 or words[0].startswith("#"):
            continue
        spec, mountpoint, vfstype = words[:3]
        if vfstype in _VIRTUAL_FS or not mountpoint.startswith("/"):
            continue
        dev = _resolve_spec(spec)
        if dev is None:
            continue
        subvol = _subvolume(words[3]) if vfstype == "btrfs" and len(words) > 3 else None
        found.append((f"btrfsvol:{dev}/{subvol}" if subvol else dev, mountpoint))
    return found[::-1]


def _subvolume(options: str) -> str | None:
    """The subvolume a btrfs fstab entry mounts, as written (libguestfs keeps
    a leading slash: ``subvol=/home`` gives ``btrfsvol:/dev/sda1//home``)."""
    for opt in options.split(","):
        key, sep, value = opt.partition("=")
        if sep and key == "subvol" and value:
            return value
    return None


def _resolve_spec(spec: str) -> str | None:
    """The caller's device name for an fstab spec (UUID=, LABEL=, PARTUUID=, /dev/…)."""
    if spec.startswith("/dev/"):
        try:
            return context.canonical_device(context.resolve_device(spec))
        except DaemonError:
            return spec
    tag, sep, value = spec.partition("=")
    if not sep or tag not in ("UUID", "LABEL", "PARTUUID", "PARTLABEL"):
        return None
    env = dict(os.environ, BLKID_FILE="/dev/null")
    cp = run(["findfs", f"{tag}={value.strip(chr(34))}"], env=env, check=False)
    if cp.returncode != 0:
        return None
    return context.canonical_device(cp.stdout.decode().strip())


def _mount_ro(dev: str, where: str, fstype: str, subvol: str | None = None) -> bool:
    """Mount read-only; ufs as FreeBSD's ufs2, else as the 4.4BSD variant
    NetBSD and OpenBSD use."""
    os.makedirs(where, exist_ok=True)
    if fstype == "ufs":
        return any(run(["mount", "-t", "ufs", "-o", f"ro,ufstype={variant}", dev, where],
                       check=False).returncode == 0 for variant in ("ufs2", "44bsd"))
    options = f"ro,subvol={subvol}" if subvol is not None else "ro"
    cp = run(["mount", "-o", options, dev, where], check=False)
    return cp.returncode == 0


def _mountables() -> list[tuple[str, str, str, str | None]]:
    """(caller's name, type, appliance node, btrfs subvolume or None) of every
    filesystem list_filesystems finds.  fslist names the appliance's own
    nodes: resolving them as a caller's names would go wrong when the kernel
    named the disks out of order."""
    found: list[tuple[str, str, str, str | None]] = []
    nodes: dict[str, str] = {}  # caller's name of a btrfs device → its node
    for name, fstype in fslist.list_filesystems():
        if not name.startswith("btrfsvol:"):
            caller = blockdev.display(name)
            nodes[caller] = name
            found.append((context.canonical_device(name), fstype, name, None))
            continue
        rest = name[len("btrfsvol:"):]
        for caller, node in nodes.items():
            if rest.startswith(caller + "/"):
                found.append((name, fstype, node, rest[len(caller) + 1:]))
                break
    return found


def _key(dev: str, subvol: str | None) -> str:
    """What a root is known by whatever the caller calls it: the kernel name
    of its device, and its subvolume."""
    return f"btrfsvol:{blockdev.kname(dev)}/{subvol}" if subvol is not None else blockdev.kname(dev)


@action("inspect_os")
def inspect_os() -> list[str]:
    """Find the operating systems on the disks; returns their root filesystems."""
    global _ROOTS, _ROOT_NAMES
    roots: dict[str, _OS] = {}
    names: list[str] = []
    where = tempfile.mkdtemp(prefix="fs-", dir=_ensure_dir())
    disks: list[wininspect.DiskLayout] | None = None
    found: list[_Found] = []
    try:
        for name, fstype, dev, subvol in _mountables():
            if fstype in ("unknown", "swap"):
                continue
            if fstype in _FUSE_TYPES and not any(src == dev for src, _ in context.read_mounts()):
                _wait_released(dev)  # unmounted just before (by the caller, say)
            if not _mount_ro(dev, where, fstype, subvol):
                continue
            try:
                facts, disks = _examine(where, name, disks)
            finally:
                run(["umount", where], check=False)
                if fstype in _FUSE_TYPES:
                    _wait_released(dev)
            if facts is not None:
                found.append((name, _key(dev, subvol), facts))
    finally:
        os.rmdir(where)
    for name, key, what in _complete(found):
        if isinstance(what, _OS):
            roots[key] = what
        elif what.role == "root":
            roots[key] = _os_of(what)
        else:
            continue
        names.append(name)
    _ROOTS, _ROOT_NAMES = roots, names
    return list(names)


def _wait_released(dev: str, timeout: float = 10.0) -> None:
    """Wait until nothing holds ``dev`` open exclusively any more: a FUSE file
    system (ntfs-3g) lets go of its device only after umount has returned, and
    a mount right after inspect_os would be refused."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.close(os.open(dev, os.O_RDONLY | os.O_EXCL | os.O_CLOEXEC))
            return
        except OSError as e:
            if e.errno != errno.EBUSY or time.monotonic() > deadline:
                return
        time.sleep(0.02)


def _ensure_dir() -> str:
    os.makedirs(_MOUNT_DIR, exist_ok=True)
    return _MOUNT_DIR


def _root(root: str) -> _OS:
    if _ROOTS is None:
        raise DaemonError("no inspection data: call guestfs_inspect_os first", "EINVAL")
    if isinstance(root, BtrfsVolume):
        info = _ROOTS.get(_key(root.device, root.volume))
    else:
        info = _ROOTS.get(blockdev.kname(root)) if root.startswith("/dev/") else None
    if info is None:
        raise DaemonError(f"{context.canonical_device(root) if root.startswith('/dev/') else root}: "
                          "root device not found: only call this function with a root device "
                          "previously returned by guestfs_inspect_os", "EINVAL")
    return info


@action("inspect_get_roots")
def inspect_get_roots() -> list[str]:
    """The roots the last inspect_os found (empty before it)."""
    return list(_ROOT_NAMES)


def _getter(name: str, attr: str) -> None:
    def get(root: str) -> object:
        return getattr(_root(root), attr)
    get.__name__ = name
    get.__doc__ = f"The inspected guest's {attr.replace('_', ' ')}."
    action(name)(get)


for _name, _attr in (("inspect_get_type", "type"), ("inspect_get_distro", "distro"),
                     ("inspect_get_product_name", "product_name"),
                     ("inspect_get_product_variant", "product_variant"),
                     ("inspect_get_major_version", "major"), ("inspect_get_minor_version", "minor"),
                     ("inspect_get_arch", "arch"), ("inspect_get_hostname", "hostname"),
                     ("inspect_get_package_format", "package_format"),
                     ("inspect_get_package_management", "package_management")):
    _getter(_name, _attr)


@action("inspect_get_format")
def inspect_get_format(root: str) -> str:
    """Always ``installed``, for any device, as stock 1.48's deprecated call answers."""
    return "installed"


@action("inspect_get_build_id")
def inspect_get_build_id(root: str) -> str:
    """A build identifier (Windows: CurrentBuildNumber; ``unknown`` for Linux guests)."""
    return _root(root).build_id


@action("inspect_get_mountpoints")
def inspect_get_mountpoints(root: str) -> list[tuple[str, str]]:
    """Mountpoint → filesystem, from the guest's fstab (the root at least)."""
    info = _root(root)
    if not info.fstab:  # no fstab (Windows, DOS, Minix): the root alone
        return [("/", context.canonical_device(root))]
    return [(mp, dev) for dev, mp in info.fstab if mp.startswith("/")]


@action("inspect_get_filesystems")
def inspect_get_filesystems(root: str) -> list[str]:
    """Every filesystem the guest uses (its fstab's, the root included)."""
    devs: list[str] = []
    for _, dev in inspect_get_mountpoints(root):
        if dev not in devs:
            devs.append(dev)
    return devs


@action("inspect_get_drive_mappings")
def inspect_get_drive_mappings(root: str) -> list[tuple[str, str]]:
    """Windows drive letters → partitions, from MountedDevices (none for other guests)."""
    w = _root(root).windows
    return list(w.drive_mappings) if w is not None else []


def _false(name: str, checked: bool) -> None:
    def check(root: str) -> bool:
        if checked:
            _root(root)
        return False
    check.__name__ = name
    check.__doc__ = "False: only installed operating systems are recognised."
    action(name)(check)


# is_live, is_netinst, is_multipart: deprecated in stock 1.48, false for any device.
for _name in ("inspect_is_live", "inspect_is_netinst", "inspect_is_multipart"):
    _false(_name, False)
_false("inspect_get_windows_group_policy", True)


def _windows_only(name: str, attr: str, missing: str) -> None:
    def get(root: str) -> str:
        w = _root(root).windows
        value = getattr(w, attr) if w is not None else None
        if value is None:
            raise DaemonError(f"not a Windows guest, or {missing}", "EINVAL")
        return str(value)
    get.__name__ = name
    get.__doc__ = f"The Windows {attr.replace('_', ' ')} (an error for other guests)."
    action(name)(get)


for _name, _attr, _missing in (
        ("inspect_get_windows_systemroot", "systemroot", "systemroot could not be determined"),
        ("inspect_get_windows_current_control_set", "current_control_set",
         "CurrentControlSet could not be determined"),
        ("inspect_get_windows_system_hive", "system_hive", "system hive not found"),
        ("inspect_get_windows_software_hive", "software_hive", "software hive not found")):
    _windows_only(_name, _attr, _missing)
