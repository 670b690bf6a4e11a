"""Block devices: kernel names and sysfs, waiting for partition nodes,
device-mapper / LVM names, blkid, and the blockdev ioctls.

Shared by the storage families (``impl/devices.py``, ``partitions.py``,
``filesystems.py``, ``lvm.py``, ``mount.py`` …).  Device names as callers
give them are resolved in ``context.py``; programs run through
``programs.py``.
"""

from __future__ import annotations

import fcntl
import os
import re
import stat
import struct
import time
from collections.abc import Sequence

from .. import context
from ..errors import DaemonError
from .programs import C_ENV, run

#: ioctl request numbers from <linux/fs.h>.
BLKROSET = 0x125D
BLKROGET = 0x125E
BLKRRPART = 0x125F
BLKFLSBUF = 0x1261
BLKRASET = 0x1262
BLKSSZGET = 0x1268
BLKBSZGET = 0x80081270
BLKGETSIZE64 = 0x80081272
#: How long to wait for the kernel's partition nodes to follow a table change.
SETTLE_TIMEOUT = 5.0


def display(dev: str) -> str:
    """The name of a device as callers know it (for error messages)."""
    return dm_lv_name(dev) or context.canonical_device(dev)

# -- kernel names and sysfs ---------------------------------------------------


def kname(dev: str) -> str:
    """Kernel name of a device node (``/dev/VG/LV`` → ``dm-0``), found by its numbers.

    Without udev, /dev/mapper/VG-LV is a real node (not a link to /dev/dm-N),
    so the name cannot be read off the path.
    """
    try:
        rdev = os.stat(dev).st_rdev
        link = os.path.join(os.path.dirname(context.SYS_BLOCK), "dev", "block",
                            f"{os.major(rdev)}:{os.minor(rdev)}")
        if rdev and os.path.exists(link):
            return os.path.basename(os.path.realpath(link))
    except OSError:
        pass
    return os.path.basename(os.path.realpath(dev))


def sys_class_block(name: str) -> str:
    """The sysfs directory of any block device, disk or partition."""
    return os.path.join(os.path.dirname(context.SYS_BLOCK), "class", "block", name)


def is_partition(dev: str) -> bool:
    """True if the node is a partition of a disk (by sysfs, not by its name)."""
    return os.path.exists(os.path.join(sys_class_block(kname(dev)), "partition"))


def parent_disk(dev: str) -> str | None:
    """Kernel name of the disk a partition node belongs to, or None."""
    d = sys_class_block(kname(dev))
    if not os.path.exists(os.path.join(d, "partition")):
        return None
    return os.path.basename(os.path.dirname(os.path.realpath(d)))


def dev_node(name: str) -> str:
    """The /dev path of a kernel name (honours the GUESTFSD_DEV override)."""
    return os.path.join(context.DEV, name)


def _is_blockdev(path: str) -> bool:
    """True if ``path`` is a block device node."""
    try:
        return stat.S_ISBLK(os.stat(path).st_mode)
    except OSError:
        return False


def settle(disk: str, timeout: float = SETTLE_TIMEOUT) -> None:
    """Wait (bounded) until /dev holds exactly the partitions sysfs shows for ``disk``.

    There is no udev in the appliance: devtmpfs creates and removes the nodes
    when the kernel's partition set changes, which can lag a little behind.
    """
    name = kname(disk) if disk.startswith("/") else disk
    pat = re.compile(re.escape(name) + r"p?\d+$")
    deadline = time.monotonic() + timeout
    while True:
        want = set(context.list_partitions_of(name))
        try:
            have = {e for e in os.listdir(context.DEV) if pat.match(e)}
        except OSError:
            return
        if want <= have and not {h for h in have - want if _is_blockdev(dev_node(h))}:
            return
        if time.monotonic() > deadline:
            return
        time.sleep(0.01)


def reread_partitions(dev: str, check: bool = True) -> None:
    """Ask the kernel to re-read a disk's partition table, then wait for the nodes."""
    try:
        fd = os.open(dev, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.sync()
            fcntl.ioctl(fd, BLKRRPART)
        finally:
            os.close(fd)
    except OSError as e:
        if check:
            raise DaemonError(f"blockdev: ioctl error on BLKRRPART: {e.strerror}", e.errno) from None
    settle(dev)


# -- device-mapper / LVM names ------------------------------------------------


def _dm_split(name: str) -> tuple[str, str] | None:
    """Split a device-mapper name ``VG-LV`` (``--`` stands for ``-``) in two."""
    i = 0
    while i < len(name):
        if name[i] == "-":
            if i + 1 < len(name) and name[i + 1] == "-":
                i += 2
                continue
            return name[:i].replace("--", "-"), name[i + 1:].replace("--", "-")
        i += 1
    return None


def dm_lv_name(dev: str) -> str | None:
    """``/dev/VG/LV`` if ``dev`` is an (active, visible) LVM logical volume, else None."""
    k = kname(dev)
    if not k.startswith("dm-"):
        return None
    base = sys_class_block(k)
    try:
        with open(os.path.join(base, "dm", "uuid")) as f:
            uuid = f.read().strip()
        with open(os.path.join(base, "dm", "name")) as f:
            name = f.read().strip()
    except OSError:
        return None
    # LVM's uuids are "LVM-" + VG uuid + LV uuid; sub-volumes carry a suffix.
    if not uuid.startswith("LVM-") or len(uuid) != 4 + 64:
        return None
    parts = _dm_split(name)
    if parts is None:
        return None
    return f"/dev/{parts[0]}/{parts[1]}"


def mountable_name(dev: str) -> str:
    """The name a caller uses for an appliance device: LVs as /dev/VG/LV, disks as /dev/sd*."""
    if dev.startswith("/dev/"):
        lv = dm_lv_name(dev)
        if lv:
            return lv
    return context.canonical_device(dev)

# -- blkid ----------------------------------------------------------------------


def unescape_export(v: str) -> str:
    """Undo blkid's ``-o export`` backslash escaping."""
    return re.sub(r"\\(.)", r"\1", v)


def blkid_export(devices: Sequence[str], probe: bool = False,
                 tags: Sequence[str] = ()) -> dict[str, dict[str, str]]:
    """``blkid -o export`` for several devices: device → {tag: value}.

    Devices with nothing to report are missing from the result.
    """
    if not devices:
        return {}
    argv = ["blkid", "-c", "/dev/null", "-o", "export"]
    if probe:
        argv += ["-p", "-i"]
    for t in tags:
        argv += ["-s", t]
    cp = run(argv + list(devices), env=C_ENV, check=False)
    out: dict[str, dict[str, str]] = {}
    cur: dict[str, str] | None = None
    for line in cp.stdout.decode("utf-8", "surrogateescape").splitlines():
        if not line.strip():
            cur = None
            continue
        k, sep, v = line.partition("=")
        if not sep:
            continue
        v = unescape_export(v)
        if k == "DEVNAME":
            cur = out.setdefault(v, {"DEVNAME": v})
            continue
        if cur is None:
            continue
        cur[k] = v
    return out


class _LibBlkid:
    """Superblock probing in-process through libblkid (what blkid(8) runs).

    Under TCG a blkid run costs 0.1–0.3 s; the library call costs
    milliseconds.  Anything unexpected falls back to running blkid.
    """

    #: BLKID_SUBLKS_LABEL | UUID | TYPE | SECTYPE: libblkid's default flags.
    FLAGS = (1 << 1) | (1 << 3) | (1 << 5) | (1 << 6)

    def __init__(self) -> None:
        """Load libblkid and declare the few functions used."""
        import ctypes

        self.ct = ctypes
        lib = ctypes.CDLL("libblkid.so.1", use_errno=True)
        lib.blkid_new_probe_from_filename.restype = ctypes.c_void_p
        lib.blkid_new_probe_from_filename.argtypes = [ctypes.c_char_p]
        lib.blkid_probe_enable_superblocks.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.blkid_probe_set_superblocks_flags.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.blkid_do_safeprobe.argtypes = [ctypes.c_void_p]
        lib.blkid_probe_lookup_value.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p),
            ctypes.POINTER(ctypes.c_size_t)]
        lib.blkid_free_probe.argtypes = [ctypes.c_void_p]
        lib.blkid_free_probe.restype = None
        self.lib = lib

    def probe(self, dev: str, tags: Sequence[str]) -> dict[str, str] | None:
        """Tags found on ``dev`` ({} if none); None if probing itself failed."""
        ct, lib = self.ct, self.lib
        pr = lib.blkid_new_probe_from_filename(os.fsencode(dev))
        if not pr:
            return None
        try:
            lib.blkid_probe_enable_superblocks(pr, 1)
            lib.blkid_probe_set_superblocks_flags(pr, self.FLAGS)
            rc = lib.blkid_do_safeprobe(pr)
            if rc == -1:
                return None
            found: dict[str, str] = {}
            if rc != 0:  # 1: nothing found, -2: ambivalent (blkid prints nothing)
                return found
            for tag in tags:
                data, size = ct.c_char_p(), ct.c_size_t()
                if lib.blkid_probe_lookup_value(pr, tag.encode(), ct.byref(data), ct.byref(size)) == 0:
                    raw = ct.string_at(data, size.value).rstrip(b"\0")
                    found[tag] = raw.decode("utf-8", "surrogateescape")
            return found
        finally:
            lib.blkid_free_probe(pr)


_libblkid: _LibBlkid | None = None
_libblkid_failed = False


def probe_tags(dev: str, tags: Sequence[str]) -> dict[str, str] | None:
    """libblkid's view of ``dev`` for some tags, or None when the library is unusable."""
    global _libblkid, _libblkid_failed
    if _libblkid_failed:
        return None
    if _libblkid is None:
        try:
            _libblkid = _LibBlkid()
        except (OSError, AttributeError):
            _libblkid_failed = True
            return None
    return _libblkid.probe(dev, tags)


def blkid_tag(dev: str, tag: str) -> str:
    """One tag (TYPE, LABEL, UUID …) of a device, or "" when blkid finds none."""
    found = probe_tags(dev, [tag])
    if found is not None:
        return found.get(tag, "")
    cp = run(["blkid", "-c", "/dev/null", "-o", "value", "-s", tag, dev], env=C_ENV, check=False)
    # Status 2: nothing found (not an error for vfs_type and friends).
    if cp.returncode not in (0, 2):
        err = cp.stderr.decode("utf-8", "replace").strip()
        raise DaemonError(err or f"blkid exited with status {cp.returncode}")
    return cp.stdout.decode("utf-8", "surrogateescape").strip("\n")


# -- md ------------------------------------------------------------------------------


def _md_active(name: str) -> bool:
    """Whether md device ``name`` is a running array (opening a stale /dev/mdN
    node makes the kernel create an empty, ``clear`` one)."""
    try:
        with open(os.path.join(context.SYS_BLOCK, name, "md", "array_state")) as f:
            return f.read().strip() not in ("clear", "inactive")
    except OSError:
        return False


def md_devices() -> list[str]:
    """Active md (software RAID) arrays, as /dev/mdN."""
    try:
        names = os.listdir(context.SYS_BLOCK)
    except OSError:
        return []
    mds = [n for n in names if re.match(r"^md\d+$", n) and _md_active(n)]
    return [dev_node(n) for n in sorted(mds, key=lambda n: int(n[2:]))]

# -- ioctls -----------------------------------------------------------------------


def ioctl_int(dev: str, req: int, what: str, size: int = 4, fmt: str = "i") -> int:
    """Run a "get" ioctl on a device and unpack its integer result."""
    try:
        fd = os.open(dev, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as e:
        raise DaemonError(f"{display(dev)}: {e.strerror}", e.errno) from None
    try:
        buf = fcntl.ioctl(fd, req, bytes(max(size, 8)))
    except OSError as e:
        raise DaemonError(f"blockdev: ioctl error on {what}: {e.strerror}", e.errno) from None
    finally:
        os.close(fd)
    return int(struct.unpack_from("=" + fmt, buf)[0])


def ioctl_set(dev: str, req: int, what: str, arg: int | bytes | None = None) -> None:
    """Run a "set" (or argument-less) ioctl on a device."""
    try:
        fd = os.open(dev, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as e:
        raise DaemonError(f"{display(dev)}: {e.strerror}", e.errno) from None
    try:
        if arg is None:
            fcntl.ioctl(fd, req)
        else:
            fcntl.ioctl(fd, req, arg)
    except OSError as e:
        raise DaemonError(f"blockdev: ioctl error on {what}: {e.strerror}", e.errno) from None
    finally:
        os.close(fd)


def device_size(dev: str) -> int:
    """Size of a block device in bytes."""
    return ioctl_int(dev, BLKGETSIZE64, "BLKGETSIZE64", 8, "Q")


def sector_size(dev: str) -> int:
    """Logical sector size of a block device."""
    return ioctl_int(dev, BLKSSZGET, "BLKSSZGET")
