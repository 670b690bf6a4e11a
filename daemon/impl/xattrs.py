"""Extended attributes of guest files: list, get, set, remove.

The ``l`` forms act on a symlink itself instead of its target.  Error
messages name the system call, as libguestfs's daemon does.
"""

from __future__ import annotations

import os

from ..dispatch import action
from ..errors import DaemonError
from ..lib.guestroot import sysroot


def _list(path: str, follow: bool) -> list[dict[str, bytes | str]]:
    """Every attribute of ``path`` with its value, in listxattr order."""
    call = "listxattr" if follow else "llistxattr"
    try:
        with sysroot():
            names = os.listxattr(path, follow_symlinks=follow)
            out: list[dict[str, bytes | str]] = []
            for name in names:
                call = "getxattr" if follow else "lgetxattr"
                out.append({"attrname": name,
                            "attrval": os.getxattr(path, name, follow_symlinks=follow)})
            return out
    except OSError as e:
        raise DaemonError.from_oserror(e, call, path) from None


def _get(path: str, name: str, follow: bool) -> bytes:
    try:
        with sysroot():
            return os.getxattr(path, name, follow_symlinks=follow)
    except OSError as e:
        raise DaemonError.from_oserror(e, "getxattr" if follow else "lgetxattr") from None


def _set(xattr: str, val: str, vallen: int, path: str, follow: bool) -> None:
    data = os.fsencode(val)
    if not 0 <= vallen <= len(data):
        raise DaemonError(f"{path}: vallen {vallen} is outside the value's {len(data)} bytes", "EINVAL")
    try:
        with sysroot():
            os.setxattr(path, xattr, data[:vallen], follow_symlinks=follow)
    except OSError as e:
        raise DaemonError.from_oserror(e, "setxattr" if follow else "lsetxattr") from None


def _remove(xattr: str, path: str, follow: bool) -> None:
    try:
        with sysroot():
            os.removexattr(path, xattr, follow_symlinks=follow)
    except OSError as e:
        raise DaemonError.from_oserror(e, "removexattr" if follow else "lremovexattr") from None


@action("getxattrs")
def getxattrs(path: str) -> list[dict[str, bytes | str]]:
    """All extended attributes of a file (symlinks followed)."""
    return _list(path, True)


@action("lgetxattrs")
def lgetxattrs(path: str) -> list[dict[str, bytes | str]]:
    """All extended attributes of a file or of a symlink itself."""
    return _list(path, False)


@action("getxattr")
def getxattr(path: str, name: str) -> bytes:
    """One extended attribute's value (symlinks followed)."""
    return _get(path, name, True)


@action("lgetxattr")
def lgetxattr(path: str, name: str) -> bytes:
    """One extended attribute's value of a file or of a symlink itself."""
    return _get(path, name, False)


@action("setxattr")
def setxattr(xattr: str, val: str, vallen: int, path: str) -> None:
    """Set an extended attribute to the first ``vallen`` bytes of ``val``."""
    _set(xattr, val, vallen, path, True)


@action("lsetxattr")
def lsetxattr(xattr: str, val: str, vallen: int, path: str) -> None:
    """``setxattr`` on a symlink itself."""
    _set(xattr, val, vallen, path, False)


@action("removexattr")
def removexattr(xattr: str, path: str) -> None:
    """Remove an extended attribute (symlinks followed)."""
    _remove(xattr, path, True)


@action("lremovexattr")
def lremovexattr(xattr: str, path: str) -> None:
    """Remove an extended attribute of a file or of a symlink itself."""
    _remove(xattr, path, False)
