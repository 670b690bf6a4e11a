"""The Sleuth Kit: ``internal_filesystem_walk`` and ``internal_find_inode``
(the daemon halves of the library's ``filesystem_walk`` / ``find_inode``),
``download_inode`` and ``download_blocks``.

The walk is read from the sleuthkit programs, never from a mounted
filesystem, so deleted names show too: ``fls -a -r -p`` gives each name, its
type, inode and allocation state; ``fls -a -r -m /`` (the same walk, in
body-file form) the target of symbolic links whose inode holds it; and
each inode's size, link count and times to the nanosecond are read with
libtsk in the daemon (``daemon/lib/tsklib.py``: one ``istat`` per inode
costs half a second under TCG), or from ``istat`` if libtsk cannot be used.  The
entries kept are libguestfs 1.48's: the root's ``.`` and every other name
except ``.``/``..`` and the orphan files under ``$OrphanFiles``.  Each one
goes out as an XDR ``tsk_dirent``, end to end in the FileOut stream.  The
parsers are pure functions, unit-tested in ``tests/daemon/test_sleuthkit_parsers.py``.
"""

from __future__ import annotations

import calendar
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from guestfs.actions._registry import struct_codecs
from guestfs.actions.kinds import DeviceNode

from ..dispatch import action
from ..errors import DaemonError
from ..lib import tsklib
from ..lib.programs import DEVNULL, err_text, run, spawn
from ..lib.tsklib import InodeMeta
from ..streams import FileOut

#: tsk_flags bits (libguestfs's DIRENT_* values).
DIRENT_UNALLOC, DIRENT_ALLOC, DIRENT_REALLOC, DIRENT_COMPRESSED = 0, 1, 2, 4
#: fls's name-type letters → tsk_type (a FIFO is 'f', virtual and unknown entries 'u').
TYPE_LETTERS = {"r": "r", "d": "d", "l": "l", "b": "b", "c": "c", "p": "f", "s": "s",
                "h": "h", "w": "w", "V": "u", "-": "u"}
#: Where sleuthkit puts orphan files (names not reachable from the root).
ORPHANS = "$OrphanFiles"
#: One line of ``fls -p``: types, deleted mark, inode (NTFS: addr-type-id), realloc mark, path.
_FLS_LINE = re.compile(r"^(.)/(.) (\* )?(\d+)(?:-\d+-\d+)?(\(realloc\))?:\t(.*)$")
#: istat's time labels (ext/UFS, NTFS, FAT, HFS wordings) → tsk_dirent time fields.
_TIME_LABELS = {"Accessed": "atime", "File Modified": "mtime", "Written": "mtime",
                "Content Modified": "mtime", "Inode Modified": "ctime", "MFT Modified": "ctime",
                "Attributes Modified": "ctime", "File Created": "crtime", "Created": "crtime"}
_ISTAT_TIME = re.compile(r"^([A-Za-z ]+):\t(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? \(UTC\)")


@dataclass
class Name:
    """One name the walk found, from fls."""

    inode: int
    name_type: str
    meta_type: str
    path: str
    allocated: bool
    realloc: bool
    link: str = ""
    #: From the body-file line: size and whole-second times (used when istat has nothing).
    body: dict[str, int] = field(default_factory=dict)


@dataclass
class Meta:
    """What istat says of one inode."""

    allocated: bool = False
    size: int = 0
    nlink: int = 0
    compressed: bool = False
    times: dict[str, tuple[int, int]] = field(default_factory=dict)


def parse_fls(output: str) -> list[Name]:
    """The names of ``fls -a -r -p`` output, in walk order (unparsable lines skipped)."""
    names = []
    for line in output.split("\n"):
        m = _FLS_LINE.match(line)
        if m is None:
            continue
        ntype, mtype, star, inode, realloc, path = m.groups()
        names.append(Name(int(inode), ntype, mtype, path, allocated=star is None,
                          realloc=realloc is not None))
    return names


def parse_body_line(line: str) -> tuple[str, dict[str, int]] | None:
    """The name field and numbers of one body-file line (``MD5|name|inode|mode|uid|gid|size|a|m|c|cr``)."""
    md5, sep, rest = line.partition("|")
    if not sep:
        return None
    parts = rest.rsplit("|", 9)
    if len(parts) != 10:
        return None
    name, _inode, _mode, _uid, _gid, *numbers = parts
    try:
        size, atime, mtime, ctime, crtime = (int(x) for x in numbers)
    except ValueError:
        return None
    return name, {"size": size, "atime": atime, "mtime": mtime, "ctime": ctime, "crtime": crtime}


def attach_body(names: list[Name], body_output: str) -> None:
    """Add link targets and body numbers from the same walk in body-file form.

    The two listings come from the same walk, line for line; if they do not
    line up (a name with a line break in it), nothing is attached.
    """
    lines = [ln for ln in body_output.split("\n") if ln]
    parsed = [parse_body_line(ln) for ln in lines]
    if len(parsed) != len(names) or any(p is None for p in parsed):
        return
    for n, p in zip(names, parsed):
        assert p is not None
        text, numbers = p
        n.body = numbers
        head = f"/{n.path} -> "
        if n.name_type == "l" or n.meta_type == "l":
            if text.startswith(head):
                link = text[len(head):]
                for suffix in (" (deleted-realloc)", " (deleted)"):
                    if not n.allocated and link.endswith(suffix):
                        link = link[:-len(suffix)]
                        break
                n.link = link


def keep(name: Name) -> bool:
    """Whether libguestfs's walk reports this name (root ``.`` yes, other dots and orphans no)."""
    if name.path == ".":
        return True
    leaf = name.path.rsplit("/", 1)[-1]
    if leaf in (".", ".."):
        return False
    return not name.path.startswith(ORPHANS + "/")


def _timestamp(m: re.Match[str]) -> tuple[int, int]:
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[1:7])
    nanos = m.group(8) or "0"
    nsec = int(nanos.ljust(9, "0")[:9])
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)), nsec


def parse_istat(output: str) -> Meta:
    """Allocation, size, link count, flags and times of ``istat -z UTC`` output.

    Each time is taken from its first occurrence (NTFS lists the
    $STANDARD_INFORMATION times before the $FILE_NAME ones); an unset time
    (``0000-00-00``) is 0.
    """
    meta = Meta()
    for line in output.split("\n"):
        if line == "Allocated":
            meta.allocated = True
        elif line.startswith("size: "):
            meta.size = _int(line[6:])
        elif line.startswith("num of links: "):
            meta.nlink = _int(line[14:])
        elif line.startswith("Flags:") and "Compressed" in line:
            meta.compressed = True
        else:
            label, sep, _ = line.partition(":\t")
            key = _TIME_LABELS.get(label) if sep else None
            if key is None or key in meta.times:
                continue
            m = _ISTAT_TIME.match(line)
            meta.times[key] = _timestamp(m) if m and m.group(2) != "0000" else (0, 0)
    return meta


def _int(text: str) -> int:
    try:
        return int(text.split()[0])
    except (ValueError, IndexError):
        return 0


def dirent(name: Name, meta: Meta | None) -> dict[str, Any]:
    """The tsk_dirent of one name and its inode (``meta`` None: istat had nothing)."""
    if name.allocated:
        flags = DIRENT_ALLOC
    elif name.realloc:
        flags = DIRENT_REALLOC
    else:
        flags = DIRENT_UNALLOC
    out: dict[str, Any] = {
        "tsk_inode": name.inode,
        "tsk_type": TYPE_LETTERS.get(name.name_type, "u"),
        "tsk_name": name.path,
        "tsk_link": name.link,
        "tsk_spare1": 0,
    }
    if meta is None:
        # No inode behind the name (sleuthkit's virtual entries): what the body line says.
        out["tsk_size"] = name.body.get("size", -1)
        out["tsk_nlink"] = 1 if name.name_type == "V" else 0
        times = {k: (name.body.get(k, 0), 0) for k in ("atime", "mtime", "ctime", "crtime")}
    else:
        if meta.compressed:
            flags |= DIRENT_COMPRESSED
        out["tsk_size"] = meta.size
        out["tsk_nlink"] = meta.nlink
        times = meta.times
    out["tsk_flags"] = flags
    for k in ("atime", "mtime", "ctime", "crtime"):
        sec, nsec = times.get(k, (0, 0))
        out[f"tsk_{k}_sec"] = sec
        out[f"tsk_{k}_nsec"] = nsec
    return out


def _device(device: Any) -> str:
    """The device node of a Mountable (sleuthkit reads devices, not subvolumes)."""
    if isinstance(device, DeviceNode):
        return str(device)
    raise DaemonError(f"{device}: sleuthkit needs a device, not a btrfs subvolume or path", "EINVAL")


def _fls(argv: list[str]) -> str:
    """Run fls; a failure is worded after the libtsk step that failed, as libguestfs words it.

    fls prints nothing before the filesystem is open, so a failure with no
    output is the open's (``tsk_fs_open_img: Cannot determine file system
    type``), a later one the walk's.
    """
    cp = run(argv, stdin=DEVNULL, c_locale=True, check=False)
    if cp.returncode != 0:
        err = err_text(cp) or f"fls exited with status {cp.returncode}"
        step = "tsk_fs_dir_walk" if cp.stdout.strip() else "tsk_fs_open_img"
        raise DaemonError(f"{step}: {err}")
    out: bytes = cp.stdout
    return out.decode("utf-8", "surrogateescape")


def _names(dev: str) -> list[Name]:
    """Every name of the walk, links attached."""
    names = parse_fls(_fls(["fls", "-a", "-r", "-p", dev]))
    attach_body(names, _fls(["fls", "-a", "-r", "-m", "/", dev]))
    return [n for n in names if keep(n)]


def _istat(dev: str, inode: int) -> Meta | None:
    cp = run(["istat", "-z", "UTC", dev, str(inode)], stdin=DEVNULL, c_locale=True, check=False)
    if cp.returncode != 0:
        return None
    return parse_istat(cp.stdout.decode("utf-8", "surrogateescape"))


def _from_library(m: InodeMeta | None) -> Meta | None:
    if m is None:
        return None
    return Meta(allocated=m.allocated, size=m.size, nlink=m.nlink, compressed=m.compressed,
                times=m.times)


def _send(fileout: FileOut, dev: str, names: Iterable[Name]) -> None:
    """Stream the tsk_dirent of each name, its inode read once (libtsk, else istat)."""
    codec = struct_codecs()["tsk_dirent"]
    metas: dict[int, Meta | None] = {}
    fs = tsklib.open_fs(dev)
    try:
        for n in names:
            if n.inode not in metas:
                if fs is not None:
                    metas[n.inode] = _from_library(fs.inode(n.inode))
                else:
                    metas[n.inode] = _istat(dev, n.inode) if n.name_type != "V" else None
            fileout.write(codec.encode(dirent(n, metas[n.inode])))
    finally:
        if fs is not None:
            fs.close()


@action("internal_filesystem_walk")
def internal_filesystem_walk(device: Any, filename: FileOut) -> None:
    """Stream a tsk_dirent for every name in the filesystem on ``device``."""
    dev = _device(device)
    _send(filename, dev, _names(dev))


@action("internal_find_inode")
def internal_find_inode(device: Any, inode: int, filename: FileOut) -> None:
    """Stream a tsk_dirent for every name referring to ``inode``."""
    dev = _device(device)
    _send(filename, dev, [n for n in _names(dev) if n.inode == inode])


def _stream_program(argv: list[str], fileout: FileOut) -> None:
    """Stream a program's stdout; a failure after the start cancels the download."""
    fileout.start()  # as libguestfs, the transfer has begun before the program runs
    with tempfile.TemporaryFile() as errf:
        proc = spawn(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errf)
        assert proc.stdout is not None
        try:
            fileout.copy_from_fd(proc.stdout.fileno())
        finally:
            proc.stdout.close()
            status = proc.wait()
        errf.seek(0)
        err = errf.read().decode("utf-8", "replace").strip()
    if status != 0:
        prog = os.path.basename(argv[0])
        raise DaemonError(f"{prog}: {err or f'exited with status {status}'}")


@action("download_inode")
def download_inode(device: Any, inode: int, filename: FileOut) -> None:
    """Stream the content of the file with this inode, deleted or not."""
    dev = _device(device)
    if inode < 0:
        raise DaemonError("inode must be >= 0", "EINVAL")
    _stream_program(["icat", dev, str(inode)], filename)


def blkls_argv(dev: str, start: int, stop: int, unallocated: bool) -> list[str]:
    """``blkls`` over the blocks ``start`` to ``stop`` inclusive: all, or the unallocated ones."""
    return ["blkls", "-A" if unallocated else "-e", dev, f"{start}-{stop}"]


@action("download_blocks")
def download_blocks(device: Any, start: int, stop: int, filename: FileOut,
                    unallocated: bool | None = None) -> None:
    """Stream the filesystem blocks ``start`` to ``stop`` (only unallocated ones with ``unallocated``)."""
    dev = _device(device)
    if start < 0:
        raise DaemonError("starting address must be greater than zero", "EINVAL")
    if stop <= start:
        raise DaemonError("stopping address must greater than starting address", "EINVAL")
    _stream_program(blkls_argv(dev, start, stop, bool(unallocated)), filename)
