"""Inode metadata from The Sleuth Kit's library (Debian's libtsk19) through ctypes.

``istat`` prints every time to the nanosecond, but it is one process per
inode, and under TCG each start costs half a second (a C++ program with a
dozen libraries to link): a walk of a thousand files took nine minutes.
So the sleuthkit family takes the names from ``fls`` (one process) and
reads each inode's metadata here, in the daemon, from ``TSK_FS_META``: only
the leading fields (flags, type, link count, size, owner, the four times
and their nanoseconds), laid out the same way in every libtsk since 3.0.
Each structure's tag is checked before it is read; on any surprise
(another layout, no library) :func:`open_fs` says so and the caller falls
back to ``istat``.  Loaded on first use, never at daemon start.
"""

from __future__ import annotations

import ctypes
import struct
from dataclasses import dataclass
from typing import Any

#: The library's soname in Debian 12 (sleuthkit 4.11).
SONAME = "libtsk.so.19"
#: Tags libtsk puts in the first word of a live TSK_FS_FILE / TSK_FS_META.
FILE_TAG, META_TAG = 0x11212212, 0x13524635
#: TSK_FS_META flags.
META_ALLOC, META_COMP = 0x01, 0x10
#: The leading TSK_FS_META fields on LP64: tag, flags, addr, type, mode,
#: nlink (padded), size, uid, gid, then (time_t, uint32 nano padded) × 4
#: in the order mtime, atime, ctime, crtime.
META_HEAD = struct.Struct("<iIQIIi4xqII" + "qI4x" * 4)

_lib: ctypes.CDLL | None = None
_unusable = False


@dataclass
class InodeMeta:
    """The parts of one TSK_FS_META the walk reports."""

    allocated: bool
    compressed: bool
    nlink: int
    size: int
    #: Field name (atime, mtime, ctime, crtime) → (seconds, nanoseconds).
    times: dict[str, tuple[int, int]]


def unpack_meta(raw: bytes) -> InodeMeta | None:
    """Decode the leading fields of a TSK_FS_META (None if the tag is wrong)."""
    (tag, flags, _addr, _type, _mode, nlink, size, _uid, _gid,
     mtime, mtime_ns, atime, atime_ns, ctime, ctime_ns, crtime, crtime_ns) = META_HEAD.unpack(raw)
    if tag != META_TAG:
        return None
    return InodeMeta(allocated=bool(flags & META_ALLOC), compressed=bool(flags & META_COMP),
                     nlink=nlink, size=size,
                     times={"atime": (atime, atime_ns), "mtime": (mtime, mtime_ns),
                            "ctime": (ctime, ctime_ns), "crtime": (crtime, crtime_ns)})


def _library() -> ctypes.CDLL | None:
    global _lib, _unusable
    if _lib is None and not _unusable:
        try:
            lib = ctypes.CDLL(SONAME)
        except OSError:
            _unusable = True
            return None
        p = ctypes.c_void_p
        lib.tsk_img_open_sing.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_uint]
        lib.tsk_img_open_sing.restype = p
        lib.tsk_fs_open_img.argtypes = [p, ctypes.c_int64, ctypes.c_int]
        lib.tsk_fs_open_img.restype = p
        lib.tsk_fs_file_open_meta.argtypes = [p, p, ctypes.c_uint64]
        lib.tsk_fs_file_open_meta.restype = p
        lib.tsk_fs_file_close.argtypes = [p]
        lib.tsk_fs_file_close.restype = None
        lib.tsk_fs_close.argtypes = [p]
        lib.tsk_fs_close.restype = None
        lib.tsk_img_close.argtypes = [p]
        lib.tsk_img_close.restype = None
        lib.tsk_error_reset.argtypes = []
        lib.tsk_error_reset.restype = None
        _lib = lib
    return _lib


class Filesystem:
    """An open filesystem on a device, to read inodes from (a context manager)."""

    def __init__(self, lib: Any, img: int, fs: int) -> None:
        self._lib, self._img, self._fs = lib, img, fs

    def __enter__(self) -> Filesystem:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._fs:
            self._lib.tsk_fs_close(self._fs)
            self._fs = 0
        if self._img:
            self._lib.tsk_img_close(self._img)
            self._img = 0

    def inode(self, inum: int) -> InodeMeta | None:
        """The metadata of inode ``inum`` (None if libtsk cannot open it)."""
        if inum < 0:
            return None
        f = self._lib.tsk_fs_file_open_meta(self._fs, None, inum)
        if not f:
            self._lib.tsk_error_reset()
            return None
        try:
            tag, meta = struct.unpack("<i4x8xQ", ctypes.string_at(f, 24))
            if tag != FILE_TAG or not meta:
                return None
            return unpack_meta(ctypes.string_at(meta, META_HEAD.size))
        finally:
            self._lib.tsk_fs_file_close(f)


def open_fs(device: str) -> Filesystem | None:
    """Open the filesystem on ``device`` with libtsk, or None (no library, no filesystem)."""
    lib = _library()
    if lib is None:
        return None
    img = lib.tsk_img_open_sing(device.encode(), 0, 0)
    if not img:
        lib.tsk_error_reset()
        return None
    fs = lib.tsk_fs_open_img(img, 0, 0)
    if not fs:
        lib.tsk_error_reset()
        lib.tsk_img_close(img)
        return None
    return Filesystem(lib, img, fs)
