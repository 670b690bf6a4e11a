"""Copying bytes between guest files and devices inside the appliance:
``copy_{file,device}_to_{file,device}`` with offsets, a size, sparse and
append, and the older ``copy_size`` and ``dd``.

One loop serves them all; progress is reported for long copies.
"""

from __future__ import annotations

import os
import stat
from typing import Any

from guestfs.actions.kinds import GuestPath

from .. import context
from ..dispatch import action
from ..errors import DaemonError
from ..lib.guestroot import BLOCK, open_guest, write_all

#: How the destination is opened: a file is created or truncated (or, with
#: ``append``, added to), as libguestfs does; a device must exist.
_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
_DEVICE_FLAGS = os.O_WRONLY


_shown = context.shown_name


def _open_end(name: str, flags: int, in_guest: bool) -> int:
    try:
        if in_guest:
            return open_guest(name, flags)
        return os.open(name, flags | os.O_CLOEXEC | os.O_NOCTTY, 0o666)
    except OSError as e:
        raise DaemonError.from_oserror(e, _shown(name)) from None


def _copy(src: str, dest: str, *, src_in_guest: bool, dest_in_guest: bool, dest_is_file: bool,
          srcoffset: int = 0, destoffset: int = 0, size: int | None = None,
          sparse: bool = False, append: bool = False, short_message: str = "input too short") -> None:
    """Copy ``size`` bytes (or to the end) from ``src`` at ``srcoffset`` to ``dest``."""
    if srcoffset < 0 or destoffset < 0:
        raise DaemonError("offset is negative", "EINVAL")
    if size is not None and size < 0:
        raise DaemonError("size is negative", "EINVAL")
    if append and destoffset:
        raise DaemonError("the append flag cannot be used with destoffset", "EINVAL")
    flags = _FILE_FLAGS if dest_is_file else _DEVICE_FLAGS
    if append:
        flags = (flags & ~os.O_TRUNC) | os.O_APPEND
    sfd = _open_end(src, os.O_RDONLY, src_in_guest)
    try:
        if stat.S_ISDIR(os.fstat(sfd).st_mode):
            raise DaemonError(f"{_shown(src)}: {os.strerror(21)}", "EISDIR")
        dfd = _open_end(dest, flags, dest_in_guest)
        try:
            _pump(sfd, dfd, src, dest, srcoffset, destoffset, size, sparse, append, short_message)
        finally:
            os.close(dfd)
    finally:
        os.close(sfd)


def _pump(sfd: int, dfd: int, src: str, dest: str, srcoffset: int, destoffset: int,
          size: int | None, sparse: bool, append: bool, short_message: str) -> None:
    report = getattr(context, "progress", None)
    done = 0
    while size is None or done < size:
        want = BLOCK if size is None else min(BLOCK, size - done)
        try:
            data = os.pread(sfd, want, srcoffset + done)
        except OSError as e:
            raise DaemonError.from_oserror(e, "read", _shown(src)) from None
        if not data:
            if size is not None:
                raise DaemonError(f"{_shown(src)}: {short_message}", "EIO")
            break
        try:
            if append:
                write_all(dfd, data)
            elif sparse and data.count(0) == len(data):
                pass  # leave a hole: nothing written
            else:
                view = memoryview(data)
                pos = destoffset + done
                while view:
                    n = os.pwrite(dfd, view, pos)
                    view, pos = view[n:], pos + n
        except OSError as e:
            raise DaemonError.from_oserror(e, "write", _shown(dest)) from None
        done += len(data)
        if report is not None and size:
            report(done, size)
    if sparse and not append:
        # A trailing hole still has to make the file long enough.
        try:
            st = os.fstat(dfd)
            if stat.S_ISREG(st.st_mode) and st.st_size < destoffset + done:
                os.ftruncate(dfd, destoffset + done)
        except OSError as e:
            raise DaemonError.from_oserror(e, "truncate", _shown(dest)) from None


def _options(srcoffset: int = 0, destoffset: int = 0, size: int | None = None,
             sparse: bool = False, append: bool = False) -> dict[str, Any]:
    return {"srcoffset": srcoffset, "destoffset": destoffset, "size": size,
            "sparse": bool(sparse), "append": bool(append)}


@action("copy_file_to_file")
def copy_file_to_file(src: str, dest: str, **opts: Any) -> None:
    """Copy (part of) a guest file into another, created if missing."""
    _copy(src, dest, src_in_guest=True, dest_in_guest=True, dest_is_file=True, **_options(**opts))


@action("copy_file_to_device")
def copy_file_to_device(src: str, dest: str, **opts: Any) -> None:
    """Copy (part of) a guest file onto a device."""
    _copy(src, dest, src_in_guest=True, dest_in_guest=False, dest_is_file=False, **_options(**opts))


@action("copy_device_to_file")
def copy_device_to_file(src: str, dest: str, **opts: Any) -> None:
    """Copy (part of) a device into a guest file, created if missing."""
    _copy(src, dest, src_in_guest=False, dest_in_guest=True, dest_is_file=True, **_options(**opts))


@action("copy_device_to_device")
def copy_device_to_device(src: str, dest: str, **opts: Any) -> None:
    """Copy (part of) one device onto another."""
    _copy(src, dest, src_in_guest=False, dest_in_guest=False, dest_is_file=False, **_options(**opts))


@action("copy_size")
def copy_size(src: str, dest: str, size: int) -> None:
    """Copy the first ``size`` bytes of a file or device onto another file (created) or device."""
    _copy(src, dest, src_in_guest=isinstance(src, GuestPath), dest_in_guest=isinstance(dest, GuestPath),
          dest_is_file=isinstance(dest, GuestPath), size=size, short_message="input file too short")


@action("dd")
def dd(src: str, dest: str) -> None:
    """Copy a whole file or device onto another file (created) or device."""
    _copy(src, dest, src_in_guest=isinstance(src, GuestPath), dest_in_guest=isinstance(dest, GuestPath),
          dest_is_file=isinstance(dest, GuestPath))
