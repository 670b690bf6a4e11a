"""Reading a guest directory's entries exactly as readdir(3) returns them
(``.`` and ``..`` too, in the filesystem's order, with inode and type) for
``readdir`` and ``internal_readdir``."""

from __future__ import annotations

import ctypes
import os
import stat
from functools import lru_cache
from typing import Any

from ..errors import DaemonError
from .guestroot import open_guest

_DT_FTYP = {1: "f", 2: "c", 4: "d", 6: "b", 8: "r", 10: "l", 12: "s"}
_MODE_FTYP = ((stat.S_ISBLK, "b"), (stat.S_ISCHR, "c"), (stat.S_ISDIR, "d"), (stat.S_ISFIFO, "f"),
              (stat.S_ISLNK, "l"), (stat.S_ISREG, "r"), (stat.S_ISSOCK, "s"))


class _Dirent64(ctypes.Structure):
    """glibc's ``struct dirent64``."""

    _fields_ = [("d_ino", ctypes.c_uint64), ("d_off", ctypes.c_int64),
                ("d_reclen", ctypes.c_ushort), ("d_type", ctypes.c_ubyte),
                ("d_name", ctypes.c_char * 256)]


@lru_cache(maxsize=1)
def _libc() -> Any:
    """libc's fdopendir/readdir64/closedir, for readdir's exact entries (``.`` and ``..`` too)."""
    lib = ctypes.CDLL(None, use_errno=True)
    lib.fdopendir.restype = ctypes.c_void_p
    lib.fdopendir.argtypes = [ctypes.c_int]
    lib.readdir64.restype = ctypes.POINTER(_Dirent64)
    lib.readdir64.argtypes = [ctypes.c_void_p]
    lib.closedir.argtypes = [ctypes.c_void_p]
    return lib


def _ftyp_of(dfd: int, name: str, d_type: int) -> str:
    """The readdir ``ftyp`` letter, asking lstat when the filesystem did not say."""
    if d_type in _DT_FTYP:
        return _DT_FTYP[d_type]
    if d_type != 0:
        return "u"
    try:
        mode = os.lstat(name, dir_fd=dfd).st_mode
    except OSError:
        return "?"
    return next((ch for test, ch in _MODE_FTYP if test(mode)), "u")


def i64(v: int) -> int:
    """An unsigned 64-bit value as the signed int64 the structs carry."""
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >= 1 << 63 else v


def read_entries(path: str) -> list[dict[str, Any]]:
    """All entries of a directory (``.`` and ``..`` too) in the filesystem's order."""
    try:
        fd = open_guest(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as e:
        raise DaemonError.from_oserror(e, "opendir", path) from None
    try:
        lib = _libc()
    except (OSError, AttributeError):
        lib = None
    if lib is None:  # no usable ctypes: the same entries, "." and ".." first
        try:
            out = [{"ino": i64(os.stat(n, dir_fd=fd).st_ino), "ftyp": "d", "name": n} for n in (".", "..")]
            with os.scandir(fd) as it:
                out += [{"ino": i64(ent.inode()), "ftyp": _ftyp_of(fd, ent.name, 0), "name": ent.name}
                        for ent in it]
            return out
        finally:
            os.close(fd)
    dirp = lib.fdopendir(fd)
    if not dirp:
        err = ctypes.get_errno()
        os.close(fd)
        raise DaemonError.from_oserror(OSError(err, os.strerror(err)), "opendir", path)
    out = []
    try:
        while True:
            ctypes.set_errno(0)
            p = lib.readdir64(dirp)
            if not p:
                err = ctypes.get_errno()
                if err:
                    raise DaemonError.from_oserror(OSError(err, os.strerror(err)), "readdir", path)
                break
            d = p.contents
            name = os.fsdecode(d.d_name)
            out.append({"ino": i64(d.d_ino), "ftyp": _ftyp_of(fd, name, d.d_type), "name": name})
    finally:
        lib.closedir(dirp)  # closes fd too
    return out
