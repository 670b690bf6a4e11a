"""The guest's files seen from the appliance: the sysroot chroot, guest ↔
appliance paths, opening guest files, and system calls on guest paths.

As in libguestfs's daemon, system calls on guest paths run chrooted into
the sysroot (:func:`sysroot`), so absolute symbolic links inside the guest
resolve as the guest sees them; external programs get the appliance path
(:func:`real`) instead.  Running programs is ``programs.py``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from typing import Any, TypeVar

from .. import context
from ..errors import DaemonError

#: Read/write block size (big blocks: fewer system calls under TCG).
BLOCK = 1024 * 1024


def real(path: str, follow: bool = False) -> str:
    """The appliance path of a guest path, for external programs.

    Programs run outside the chroot, where a guest's symbolic link would be
    resolved against the appliance's root (``/sysroot/link`` with ``link``
    → ``/etc`` is the appliance's ``/etc``; ``../..`` climbs above the
    sysroot).  So every link on the way is resolved here, chrooted, as the
    guest sees it; the last component too when ``follow`` (for programs
    that follow it: ``tar -C``, ``mount``), else it is left for the program
    to treat as a link or not.  Missing components stay as given (the
    program reports them).
    """
    return context.sysroot_path(resolved(path, follow))


def resolved(path: str, follow: bool = False) -> str:
    """``path`` with its links resolved inside the guest (see :func:`real`)."""
    parent, leaf = os.path.split(path)
    with sysroot():
        if follow or leaf in ("", ".", ".."):
            return os.path.realpath(path)
        return os.path.join(os.path.realpath(parent), leaf)


def guest(rpath: str) -> str:
    """The guest path of a path under the sysroot (anything else unchanged)."""
    root = context.SYSROOT
    if rpath == root:
        return "/"
    if rpath.startswith(root + "/"):
        return rpath[len(root):]
    return rpath


class _Sysroot:
    """Run the body chrooted into the sysroot, as libguestfs's daemon does.

    The daemon is single-threaded, so nothing else runs while the root is
    changed, and it is always restored, even on errors.  Keep the body to
    system calls: nothing from the appliance (imports, programs) is
    reachable inside.  Hot path of every file call: four system calls, the
    real root's fd opened once.
    """

    __slots__ = ()

    def __enter__(self) -> None:
        os.chroot(context.SYSROOT)
        os.chdir("/")

    def __exit__(self, *exc: object) -> None:
        os.fchdir(_REAL_ROOT)
        os.chroot(".")


#: The appliance's own root, to leave the chroot by (the daemon's cwd is /).
_REAL_ROOT = os.open("/", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
_SYSROOT = _Sysroot()


def sysroot() -> _Sysroot:
    """The context manager that chroots into the sysroot for its body."""
    return _SYSROOT


def open_guest(path: str, flags: int, mode: int = 0o666) -> int:
    """open(2) a guest path inside the sysroot (raises OSError)."""
    with sysroot():
        return os.open(path, flags | os.O_CLOEXEC | os.O_NOCTTY, mode)


def open_regular(path: str) -> int:
    """A read-only descriptor on ``path`` if it is a regular file: a FIFO or
    device a guest put where a file should be is never read (it could block).

    :raises OSError: no such file, or EINVAL when it is not a regular file.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(22, "not a regular file", path)
    return fd


def write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    """os.write until everything is written."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


_T = TypeVar("_T")


def syscall(fn: Callable[..., _T], path: str, *args: Any, what: tuple[str, ...] = (),
            after: tuple[str, ...] = ()) -> _T:
    """Call ``fn(path, *args)`` chrooted; OSError → ``what…: path: after…: strerror``."""
    try:
        with sysroot():
            return fn(path, *args)
    except OSError as e:
        raise DaemonError.from_oserror(e, *what, path, *after) from None


def open_dir_checked(directory: str, notdir: str = "not a directory") -> int:
    """Open a guest directory, failing as ``dir: strerror`` / ``dir: not a directory``."""
    try:
        fd = open_guest(directory, os.O_RDONLY)
    except OSError as e:
        raise DaemonError.from_oserror(e, directory) from None
    if not stat.S_ISDIR(os.fstat(fd).st_mode):
        os.close(fd)
        raise DaemonError(f"{directory}: {notdir}", "ENOTDIR")
    return fd
