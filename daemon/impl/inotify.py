"""inotify on guest paths: inotify_init, inotify_add_watch,
inotify_rm_watch, inotify_read, inotify_files, inotify_close.

One inotify instance per daemon, as in libguestfs: the kernel's inotify
through libc (ctypes), non-blocking, watches added chrooted so a path means
what it means in the guest.  ``maxevents`` sets the kernel's queue limit
(``/proc/sys/fs/inotify/max_queued_events``) before the instance is made;
past it the kernel queues one overflow event (``wd`` -1, ``IN_Q_OVERFLOW``).
The event parser is :func:`parse_events` (unit-tested on the host).
"""

from __future__ import annotations

import ctypes
import os
import struct
from functools import lru_cache
from typing import Any

from ..dispatch import action
from ..errors import DaemonError
from ..lib.guestroot import sysroot

#: <sys/inotify.h>: inotify_init1's flags (the octal values of O_NONBLOCK, O_CLOEXEC).
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000
#: Where the kernel's queue limit lives.
MAX_QUEUED_EVENTS = "/proc/sys/fs/inotify/max_queued_events"
#: struct inotify_event's fixed part: wd, mask, cookie, len (the name follows).
_EVENT = struct.Struct("=iIII")
#: Bytes per read(2); the kernel hands out whole events only.
READ_SIZE = 64 * 1024
#: inotify_read stops reading once its reply would be about this big (the
#: rest stays queued for the next call), well under the 4 MiB message limit.
REPLY_BUDGET = 2 * 1024 * 1024

#: The instance's descriptor while inotify_init'ed.
_fd: int | None = None


@lru_cache(maxsize=1)
def _libc() -> Any:
    """libc's inotify calls, typed (looked up once, outside the chroot)."""
    lib = ctypes.CDLL(None, use_errno=True)
    lib.inotify_init1.restype, lib.inotify_init1.argtypes = ctypes.c_int, [ctypes.c_int]
    lib.inotify_add_watch.restype = ctypes.c_int
    lib.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
    lib.inotify_rm_watch.restype = ctypes.c_int
    lib.inotify_rm_watch.argtypes = [ctypes.c_int, ctypes.c_int]
    return lib


def _errno_error(*what: str) -> DaemonError:
    """``WHAT…: strerror(errno)`` from the errno the last ctypes call left."""
    e = ctypes.get_errno()
    return DaemonError.from_oserror(OSError(e, os.strerror(e)), *what)


def _need(name: str) -> int:
    """The open instance, or libguestfs's refusal for a call made before inotify_init."""
    if _fd is None:
        raise DaemonError(f"do_{name}: you must call 'inotify_init' first to initialize inotify",
                          "EINVAL")
    return _fd


def parse_events(buf: bytes) -> list[dict[str, Any]]:
    """The ``inotify_event`` structs of what read(2) returned on an inotify descriptor.

    Each event is its fixed part and ``len`` bytes of name, NUL-padded
    (``len`` 0: no name).  A truncated event is refused.
    """
    events = []
    off = 0
    while off < len(buf):
        if off + _EVENT.size > len(buf):
            raise DaemonError("inotify_read: truncated event header", "EIO")
        wd, mask, cookie, n = _EVENT.unpack_from(buf, off)
        off += _EVENT.size
        if off + n > len(buf):
            raise DaemonError("inotify_read: truncated event name", "EIO")
        name = buf[off:off + n].split(b"\0", 1)[0]
        off += n
        events.append({"in_wd": wd, "in_mask": mask, "in_cookie": cookie,
                       "in_name": name.decode("utf-8", "surrogateescape")})
    return events


def _read_events(fd: int, budget: int) -> list[dict[str, Any]]:
    """Queued events until the queue is empty or about ``budget`` bytes were read."""
    events: list[dict[str, Any]] = []
    got = 0
    while got < budget:
        try:
            buf = os.read(fd, READ_SIZE)
        except BlockingIOError:
            break
        except OSError as e:
            raise DaemonError.from_oserror(e, "read") from None
        if not buf:
            break
        got += len(buf)
        events += parse_events(buf)
    return events


def _close() -> None:
    global _fd
    if _fd is not None:
        fd, _fd = _fd, None
        os.close(fd)


@action("inotify_init")
def inotify_init(maxevents: int) -> None:
    """(Re)create the instance; ``maxevents`` > 0 sets the kernel's queue limit first."""
    global _fd
    if maxevents < 0:
        raise DaemonError("max_events < 0", "EINVAL")
    if maxevents > 0:
        try:
            with open(MAX_QUEUED_EVENTS, "w") as f:
                f.write(f"{maxevents}\n")
        except OSError as e:
            raise DaemonError.from_oserror(e, MAX_QUEUED_EVENTS) from None
    _close()
    lib = _libc()
    fd = lib.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
    if fd == -1:
        raise _errno_error("inotify_init")
    _fd = fd


@action("inotify_add_watch")
def inotify_add_watch(path: str, mask: int) -> int:
    """Watch a guest path for the events in ``mask``; the watch descriptor."""
    fd = _need("inotify_add_watch")
    lib = _libc()
    with sysroot():
        wd = lib.inotify_add_watch(fd, os.fsencode(path), mask & 0xFFFFFFFF)
    if wd == -1:
        raise _errno_error(path)
    return int(wd)


@action("inotify_rm_watch")
def inotify_rm_watch(wd: int) -> None:
    """Remove a watch."""
    fd = _need("inotify_rm_watch")
    if _libc().inotify_rm_watch(fd, wd) == -1:
        raise _errno_error(str(wd))


@action("inotify_read")
def inotify_read() -> list[dict[str, Any]]:
    """The events queued so far (none: an empty list; it never blocks)."""
    return _read_events(_need("inotify_read"), REPLY_BUDGET)


@action("inotify_files")
def inotify_files() -> list[str]:
    """The names in every queued event, sorted, each once (the queue is emptied)."""
    fd = _need("inotify_files")
    names: set[str] = set()
    while True:
        events = _read_events(fd, REPLY_BUDGET)
        if not events:
            break
        names.update(e["in_name"] for e in events if e["in_name"])
    return sorted(names, key=lambda n: os.fsencode(n))


@action("inotify_close")
def inotify_close() -> None:
    """Close the instance and its watches."""
    _need("inotify_close")
    try:
        _close()
    except OSError as e:
        raise DaemonError.from_oserror(e, "close") from None

