"""Extended attributes of guest files: list, get, set, remove, the
batched ``internal_lxattrlist`` (the library's ``lxattrlist``), and
``copy_attributes`` (mode, ownership and extended attributes from one file
to another).

The ``l`` forms act on a symlink itself instead of its target.  Error
messages name the system call, as libguestfs's daemon does.  POSIX ACLs and
file capabilities (stored as extended attributes) are ``acl.py``.
"""

from __future__ import annotations

import os
import stat
from typing import Any

from ..dispatch import action
from ..errors import DaemonError
from ..lib.guestroot import sysroot


def _list(path: str, follow: bool) -> list[dict[str, bytes | str]]:
    """Every attribute of ``path`` with its value, in listxattr order."""
    # libguestfs's messages name the call without its "l" in either form.
    call = "listxattr"
    try:
        with sysroot():
            names = os.listxattr(path, follow_symlinks=follow)
            out: list[dict[str, bytes | str]] = []
            for name in names:
                call = "getxattr"
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
        raise DaemonError.from_oserror(e, "getxattr") from None


def _set(xattr: str, val: str, vallen: int, path: str, follow: bool) -> None:
    data = os.fsencode(val)
    if not 0 <= vallen <= len(data):
        raise DaemonError(f"{path}: vallen {vallen} is outside the value's {len(data)} bytes", "EINVAL")
    try:
        with sysroot():
            os.setxattr(path, xattr, data[:vallen], follow_symlinks=follow)
    except OSError as e:
        raise DaemonError.from_oserror(e, "setxattr") from None


def _remove(xattr: str, path: str, follow: bool) -> None:
    try:
        with sysroot():
            os.removexattr(path, xattr, follow_symlinks=follow)
    except OSError as e:
        raise DaemonError.from_oserror(e, "removexattr") from None


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


@action("internal_lxattrlist")
def internal_lxattrlist(path: str, names: list[str]) -> list[dict[str, bytes | str]]:
    """``lgetxattrs`` of many names in one directory, flattened.

    Each name gives a header entry (empty ``attrname``, ``attrval`` the
    number of attributes as a NUL-terminated decimal string) and then its
    attributes; a name whose attributes cannot be listed (it does not
    exist, ``path`` is no directory …) gives a header with an empty value
    and nothing after it, as libguestfs's daemon answers.
    """
    out: list[dict[str, bytes | str]] = []
    with sysroot():
        for name in names:
            full = f"{path}/{name}"
            head: dict[str, bytes | str] = {"attrname": "", "attrval": b""}
            out.append(head)
            call = "listxattr"
            try:
                attrs = os.listxattr(full, follow_symlinks=False)
                call = "getxattr"
                for a in attrs:
                    out.append({"attrname": a, "attrval": os.getxattr(full, a, follow_symlinks=False)})
            except OSError as e:
                if call == "listxattr":
                    continue
                raise DaemonError.from_oserror(e, call, full) from None
            head["attrval"] = f"{len(attrs)}\0".encode()
    return out


@action("copy_attributes")
def copy_attributes(src: str, dest: str, all: bool = False, mode: bool | None = None,  # noqa: A002
                    xattributes: bool | None = None, ownership: bool | None = None) -> None:
    """Copy the chosen attributes of ``src`` to ``dest`` (symlinks followed).

    ``all`` chooses every kind; an explicit ``mode``, ``xattributes`` or
    ``ownership`` overrides it for that kind.  Ownership goes first, since
    chown(2) clears the set-user-ID and set-group-ID bits the mode may have.
    """
    mode = all if mode is None else mode
    xattributes = all if xattributes is None else xattributes
    ownership = all if ownership is None else ownership
    try:
        with sysroot():
            st = os.stat(src)
    except OSError as e:
        raise DaemonError.from_oserror(e, "stat", src) from None
    try:
        with sysroot():
            os.stat(dest)
    except OSError as e:
        raise DaemonError.from_oserror(e, "stat", dest) from None
    if ownership:
        _meta(os.chown, "chown", dest, st.st_uid, st.st_gid)
    if mode:
        _meta(os.chmod, "chmod", dest, stat.S_IMODE(st.st_mode))
    if xattributes:
        _copy_xattrs(src, dest)


def _meta(fn: Any, call: str, path: str, *args: int) -> None:
    """chown/chmod of a guest path, failing as ``CALL: PATH: strerror``."""
    try:
        with sysroot():
            fn(path, *args)
    except OSError as e:
        raise DaemonError.from_oserror(e, call, path) from None


def _copy_xattrs(src: str, dest: str) -> None:
    """Set each extended attribute of ``src`` on ``dest`` (others on ``dest`` stay)."""
    call, where = "listxattr", src
    try:
        with sysroot():
            for name in os.listxattr(src):
                call, where = "getxattr", src
                value = os.getxattr(src, name)
                call, where = "setxattr", dest
                os.setxattr(dest, name, value)
    except OSError as e:
        raise DaemonError.from_oserror(e, call, where) from None
