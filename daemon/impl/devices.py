"""Block devices: listing disks, partitions and filesystems, blockdev ioctls,
zeroing, blkid, and the optional-feature groups.

Also the small helpers the other storage families share (running a tool
with libguestfs-style error text, waiting for partition nodes after a table
change, naming device-mapper volumes).  Partition tables live in
``partitions.py``, filesystems in ``filesystems.py``, LVM in ``lvm.py`` and
mounting in ``mount.py``.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import stat
import struct
import subprocess
import time
from collections.abc import Callable, Sequence

from guestfs.actions import ACTIONS

from .. import context, dispatch
from ..dispatch import action
from ..errors import DaemonError

#: ioctl request numbers from <linux/fs.h>.
BLKROSET = 0x125D
BLKROGET = 0x125E
BLKRRPART = 0x125F
BLKFLSBUF = 0x1261
BLKRASET = 0x1262
BLKSSZGET = 0x1268
BLKBSZGET = 0x80081270
BLKGETSIZE64 = 0x80081272

#: How many bytes ``zero`` clears at the start of a device (partition
#: tables, boot sectors and every common superblock live below this).
ZERO_HEAD = 32 * 4096
#: How long to wait for the kernel's partition nodes to follow a table change.
SETTLE_TIMEOUT = 5.0

_TOOL_ENV = dict(os.environ, LC_ALL="C", LANG="C")


# -- running tools ------------------------------------------------------------


def tool(argv: Sequence[str], prefix: str | None = None, ok: Sequence[int] = (0,),
         input: bytes | None = None, fold: bool = False) -> str:
    """Run ``argv`` in the C locale and return stdout; failure → DaemonError.

    The error text is the tool's stderr (stdout when stderr is empty; both,
    interleaved, when ``fold`` is set), after ``prefix: `` when one is given,
    as libguestfs does.
    """
    try:
        cp = subprocess.run(list(argv), input=input, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT if fold else subprocess.PIPE, env=_TOOL_ENV)
    except FileNotFoundError:
        raise DaemonError(f"{argv[0]}: command not found in the appliance", "ENOENT") from None
    if cp.returncode not in ok:
        err = cp.stderr.decode("utf-8", "replace") if cp.stderr else ""
        if fold or not err.strip():
            err = cp.stdout.decode("utf-8", "replace") + err
        err = err.strip("\n").rstrip()
        if not err:
            err = f"{os.path.basename(argv[0])} exited with status {cp.returncode}"
        raise DaemonError(f"{prefix}: {err}" if prefix else err)
    return cp.stdout.decode("utf-8", "surrogateescape")


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


def _unescape_export(v: str) -> str:
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
    cp = subprocess.run(argv + list(devices), capture_output=True, env=_TOOL_ENV)
    out: dict[str, dict[str, str]] = {}
    cur: dict[str, str] | None = None
    for line in cp.stdout.decode("utf-8", "surrogateescape").splitlines():
        if not line.strip():
            cur = None
            continue
        k, sep, v = line.partition("=")
        if not sep:
            continue
        v = _unescape_export(v)
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
    cp = subprocess.run(["blkid", "-c", "/dev/null", "-o", "value", "-s", tag, dev],
                        capture_output=True, env=_TOOL_ENV)
    # Status 2: nothing found (not an error for vfs_type and friends).
    if cp.returncode not in (0, 2):
        err = cp.stderr.decode("utf-8", "replace").strip()
        raise DaemonError(err or f"blkid exited with status {cp.returncode}")
    return cp.stdout.decode("utf-8", "surrogateescape").strip("\n")


@action("blkid")
def blkid(device: str) -> list[tuple[str, str]]:
    """Low-level probe of a device: every tag blkid reports, DEVNAME first."""
    cp = subprocess.run(["blkid", "-c", "/dev/null", "-p", "-i", "-o", "export", device],
                        capture_output=True, env=_TOOL_ENV)
    if cp.returncode not in (0, 2):
        err = cp.stderr.decode("utf-8", "replace").strip()
        raise DaemonError(err or f"blkid exited with status {cp.returncode}")
    pairs: list[tuple[str, str]] = []
    for line in cp.stdout.decode("utf-8", "surrogateescape").splitlines():
        k, sep, v = line.partition("=")
        if not sep:
            continue
        v = _unescape_export(v)
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


def _md_active(name: str) -> bool:
    """Whether md device ``name`` is a running array (opening a stale /dev/mdN
    node makes the kernel create an empty, ``clear`` one)."""
    try:
        with open(os.path.join(context.SYS_BLOCK, name, "md", "array_state")) as f:
            return f.read().strip() not in ("clear", "inactive")
    except OSError:
        return False


@action("list_md_devices")
def list_md_devices() -> list[str]:
    """Active md (software RAID) arrays, as /dev/mdN."""
    try:
        names = os.listdir(context.SYS_BLOCK)
    except OSError:
        return []
    mds = [n for n in names if re.match(r"^md\d+$", n) and _md_active(n)]
    return [dev_node(n) for n in sorted(mds, key=lambda n: int(n[2:]))]


#: GPT partition types that never hold a filesystem (Windows reserved and LDM).
_NO_FS_GPT_TYPES = frozenset({
    "E3C9E316-0B5C-4DB8-817D-F92DF00215AE",
    "5808C8AA-7E8F-42E0-85D2-E1E90434CFB3",
    "AF9B60A0-1431-4F62-BC68-3311714A69AD",
})
#: MBR partition types of extended partitions (containers, not filesystems).
_EXTENDED_MBR_TYPES = frozenset({0x05, 0x0F, 0x85})


def _candidate_devices() -> list[tuple[str, str]]:
    """(real node, name returned) of every device list_filesystems looks at."""
    from . import lvm, partitions

    out: list[tuple[str, str]] = []
    for disk in context.list_disks():
        parts = context.list_partitions_of(disk)
        if not parts:
            out.append((dev_node(disk), dev_node(disk)))
            continue
        try:
            table = partitions.read_table(dev_node(disk))
        except (OSError, DaemonError):
            table = None
        for p in parts:
            num = int(re.sub(r"^.*?(\d+)$", r"\1", p))
            entry = table.get(num) if table else None
            if entry is not None:
                if table is not None and table.kind == "msdos" and entry.mbr_type in _EXTENDED_MBR_TYPES:
                    continue
                if table is not None and table.kind == "gpt" and entry.gpt_type in _NO_FS_GPT_TYPES:
                    continue
            out.append((dev_node(p), dev_node(p)))
    for md in list_md_devices():
        out.append((md, md))
    # lv_paths() checks cheaply for LVM before running lvm.
    for lv in lvm.lv_paths():
        out.append((lv, lv))
    return out


@action("list_filesystems")
def list_filesystems() -> list[tuple[str, str]]:
    """Every device that may hold a filesystem, with its type or "unknown".

    Whole disks with partitions, extended partitions and members of RAID or
    LVM sets (blkid's ``*_member``) are left out; nothing is mounted.
    """
    cands = _candidate_devices()
    info: dict[str, dict[str, str]] = {}
    rest = []
    for real, _ in cands:
        found = probe_tags(real, ["TYPE"]) if os.path.exists(real) else {}
        if found is None:
            rest.append(real)
        else:
            info[real] = found
    if rest:
        info.update(blkid_export(rest, tags=["TYPE"]))
    result: list[tuple[str, str]] = []
    for real, name in cands:
        fstype = info.get(real, {}).get("TYPE", "")
        if fstype.endswith("_member"):
            continue
        result.append((name, fstype or "unknown"))
        if fstype == "btrfs":
            result += [(f"btrfsvol:{display(real)}/{vol}", "btrfs") for vol in btrfs_subvolumes(real)]
    return result


def btrfs_subvolumes(dev: str) -> list[str]:
    """Paths of the subvolumes of a btrfs filesystem ([] if it cannot be mounted).

    The filesystem is mounted read-only on a private directory for the
    listing, whether or not it is also mounted under the sysroot.
    """
    import tempfile

    tmp = tempfile.mkdtemp(prefix="btrfs.", dir="/tmp")
    try:
        if subprocess.run(["mount", "-t", "btrfs", "-o", "ro", dev, tmp],
                          capture_output=True).returncode != 0:
            return []
        try:
            out = subprocess.run(["btrfs", "subvolume", "list", tmp], capture_output=True,
                                 env=_TOOL_ENV).stdout.decode("utf-8", "surrogateescape")
        finally:
            subprocess.run(["umount", tmp], capture_output=True)
    finally:
        try:
            os.rmdir(tmp)
        except OSError:
            pass
    vols = []
    for line in out.splitlines():
        m = re.match(r"^ID \d+ .*? path (.*)$", line)
        if m:
            vols.append(m.group(1))
    return vols


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


def _ioctl_int(dev: str, req: int, what: str, size: int = 4, fmt: str = "i") -> int:
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


def _ioctl_set(dev: str, req: int, what: str, arg: int | bytes | None = None) -> None:
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
    return _ioctl_int(dev, BLKGETSIZE64, "BLKGETSIZE64", 8, "Q")


def sector_size(dev: str) -> int:
    """Logical sector size of a block device."""
    return _ioctl_int(dev, BLKSSZGET, "BLKSSZGET")


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
    return _ioctl_int(device, BLKBSZGET, "BLKBSZGET")


@action("blockdev_getro")
def blockdev_getro(device: str) -> bool:
    """True if the device is read-only."""
    return _ioctl_int(device, BLKROGET, "BLKROGET") != 0


@action("blockdev_setro")
def blockdev_setro(device: str) -> None:
    """Make the device read-only."""
    _ioctl_set(device, BLKROSET, "BLKROSET", struct.pack("i", 1))


@action("blockdev_setrw")
def blockdev_setrw(device: str) -> None:
    """Make the device read-write."""
    _ioctl_set(device, BLKROSET, "BLKROSET", struct.pack("i", 0))


@action("blockdev_flushbufs")
def blockdev_flushbufs(device: str) -> None:
    """Flush the device's buffers (and the page cache for it)."""
    _ioctl_set(device, BLKFLSBUF, "BLKFLSBUF", 0)


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
    _ioctl_set(device, BLKRASET, "BLKRASET", sectors)


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

#: Every optional group libguestfs 1.48 knows (available_all_groups).
ALL_GROUPS = (
    "acl", "augeas", "blkdiscard", "blkdiscardzeroes", "btrfs", "extlinux", "f2fs",
    "fstrim", "gdisk", "grub", "hivex", "inotify", "journal", "ldm", "libtsk", "libyara",
    "linuxcaps", "linuxfsuuid", "linuxmodules", "linuxxattrs", "luks", "lvm2", "mdadm",
    "mknod", "ntfs3g", "ntfsprogs", "realpath", "rsync", "scrub", "selinux",
    "selinuxrelabel", "sleuthkit", "squashfs", "syslinux", "wipefs", "xfs", "xz", "zerofree",
)

#: Programs a group needs in the appliance (any one of a tuple will do).
_GROUP_TOOLS: dict[str, tuple[tuple[str, ...], ...]] = {
    "acl": (("getfacl", "setfacl"),),
    "augeas": (("augtool",),),
    "blkdiscard": (("blkdiscard",),),
    "blkdiscardzeroes": (("blkdiscard",),),
    "btrfs": (("btrfs",), ("mkfs.btrfs",)),
    "extlinux": (("extlinux",),),
    "f2fs": (("mkfs.f2fs",),),
    "fstrim": (("fstrim",),),
    "gdisk": (("sgdisk",),),
    "grub": (("grub-install", "grub2-install"),),
    "hivex": (("hivexsh", "hivexregedit"),),
    "journal": (("journalctl",),),
    "ldm": (("ldmtool",),),
    "libtsk": (("icat", "fls"),),
    "libyara": (("yara",),),
    "linuxcaps": (("getcap", "setcap"),),
    "linuxfsuuid": (("tune2fs", "swaplabel", "xfs_admin", "btrfstune"),),
    "linuxmodules": (("modprobe",),),
    "luks": (("cryptsetup",),),
    "lvm2": (("lvm",),),
    "mdadm": (("mdadm",),),
    "ntfs3g": (("ntfs-3g",),),
    "ntfsprogs": (("ntfsresize", "ntfsclone", "ntfsfix"),),
    "rsync": (("rsync",),),
    "scrub": (("scrub",),),
    "selinux": (("getfattr",),),
    "selinuxrelabel": (("setfiles",),),
    "sleuthkit": (("icat",),),
    "squashfs": (("mksquashfs",),),
    "syslinux": (("syslinux",),),
    "wipefs": (("wipefs",),),
    "xfs": (("mkfs.xfs",), ("xfs_info", "xfs_admin")),
    "xz": (("xz",),),
    "zerofree": (("zerofree",),),
}


def group_available(group: str) -> bool:
    """True if the group's programs are here and this daemon implements its calls."""
    for alternatives in _GROUP_TOOLS.get(group, ()):
        if not any(shutil.which(t) for t in alternatives):
            return False
    members = [a.name for a in ACTIONS.values() if a.optional == group and a.daemon]
    if members and not any(m in dispatch.IMPLS for m in members):
        return False
    return True


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
    cp = subprocess.run(["wipefs", "-a", "--force", device], capture_output=True)
    if cp.returncode != 0:
        msg = (cp.stderr or cp.stdout).decode("utf-8", "replace").strip()
        raise DaemonError(f"{display(device)}: {msg}")


@action("list_dm_devices")
def list_dm_devices() -> list[str]:
    """Device-mapper devices (/dev/mapper/NAME) other than LVM's logical volumes."""
    cp = subprocess.run(["dmsetup", "info", "-c", "--noheadings", "--separator", ":",
                         "-o", "name,uuid"], capture_output=True)
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
    context.run(["blkdiscard", "-f", device])  # -f: the caller asked to destroy signatures too


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
