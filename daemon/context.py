"""State and helpers shared by the implementations: sysroot, devices, commands.

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
import subprocess
from collections.abc import Sequence
from functools import lru_cache

from .errors import DaemonError

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


def is_root_mounted() -> bool:
    """True when something is mounted on the sysroot.

    Checked on every Pathname argument, so it compares device numbers (two
    stat calls) instead of parsing /proc/self/mounts.
    """
    try:
        return os.stat(SYSROOT).st_dev != os.stat(os.path.dirname(SYSROOT) or "/").st_dev
    except OSError:
        return False


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


def device_sort_key(name: str) -> tuple:
    """Order /dev/sda < /dev/sdb < … < /dev/sdz < /dev/sdaa, partitions numerically."""
    base = name.rsplit("/", 1)[-1]
    m = _PART_RE.match(base)
    if m:
        return (len(m.group(2)), m.group(2), int(m.group(3)))
    m = _DISK_RE.match(base)
    if m:
        return (len(m.group(2)), m.group(2), 0)
    return (99, base, 0)


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


def list_disks() -> list[str]:
    """Whole disks as kernel names (``sda`` …), sorted, the appliance's own excluded."""
    try:
        names = os.listdir(SYS_BLOCK)
    except OSError:
        return []
    root = appliance_root_disk()
    disks = [n for n in names if _DISK_RE.match(n) and n != root]
    return sorted(disks, key=device_sort_key)


def list_partitions_of(disk: str) -> list[str]:
    """Partition kernel names of a disk, in number order."""
    try:
        entries = os.listdir(os.path.join(SYS_BLOCK, disk))
    except OSError:
        return []
    parts = [e for e in entries if e.startswith(disk) and
             os.path.exists(os.path.join(SYS_BLOCK, disk, e, "partition"))]
    return sorted(parts, key=device_sort_key)


def canonical_device(name: str) -> str:
    """``/dev/vda1``/``/dev/hda1`` → ``/dev/sda1``: the names callers use.

    Only when every user disk has that other prefix: with a mix of SCSI and
    virtio-blk disks the names would collide, so they are returned as they
    are and the library (which knows each drive's interface) maps them.
    """
    m = re.match(r"^/dev/(hd|vd|xvd|ubd)([a-z]+\d*)$", name)
    if not m:
        return name
    if any(d.startswith("sd") for d in list_disks()):
        return name
    return f"/dev/sd{m.group(2)}"


def resolve_device(name: str) -> str:
    """Check a Device argument and return the appliance's name for it.

    :raises DaemonError: if it is not /dev/…, does not exist, or is the appliance disk.
    """
    if not name.startswith("/dev/"):
        raise DaemonError(f"{name}: device name must start with /dev/ (did you mean a path?)", "EINVAL")
    candidates = [name]
    m = re.match(r"^/dev/(sd|hd|vd)([a-z]+\d*)$", name)
    if m:
        candidates += [f"/dev/{p}{m.group(2)}" for p in ("sd", "hd", "vd") if p != m.group(1)]
    for cand in candidates:
        real = DEV + cand[4:] if DEV != "/dev" else cand
        try:
            st = os.stat(real)
        except OSError:
            continue
        if not (stat.S_ISBLK(st.st_mode) or stat.S_ISCHR(st.st_mode)):
            continue
        root = appliance_root_disk()
        base = os.path.basename(os.path.realpath(real))
        if root and (base == root or _PART_RE.match(base) and base.rstrip("0123456789") == root):
            break
        return real
    raise DaemonError(f"{name}: No such file or directory", "ENOENT")


def run(argv: Sequence[str], input: bytes | None = None, check: bool = True,
        env: dict[str, str] | None = None, cwd: str | None = None) -> subprocess.CompletedProcess:
    """Run a program, capturing output; a failure becomes a DaemonError with its stderr."""
    try:
        cp = subprocess.run(list(argv), input=input, capture_output=True,
                            env=env, cwd=cwd)
    except FileNotFoundError:
        raise DaemonError(f"{argv[0]}: command not found in the appliance", "ENOENT") from None
    if check and cp.returncode != 0:
        err = (cp.stderr or cp.stdout).decode("utf-8", "replace").strip()
        raise DaemonError(f"{os.path.basename(argv[0])}: {err}" if err else
                          f"{os.path.basename(argv[0])} exited with status {cp.returncode}")
    return cp


def out(argv: Sequence[str], **kw) -> str:
    """Run a program and return its stdout as text."""
    return run(argv, **kw).stdout.decode("utf-8", "surrogateescape")
