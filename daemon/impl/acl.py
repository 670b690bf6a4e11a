"""POSIX ACLs and file capabilities: acl_get_file, acl_set_file,
acl_delete_def_file, cap_get_file, cap_set_file.

As in libguestfs's daemon these go through libacl and libcap (Debian's
libacl1 and libcap2, loaded through ctypes on the first call so launch
does not pay for them), which gives their text forms exactly: ACLs in
``acl_to_text``'s long form, capabilities in ``cap_to_text``'s.  Only the
system calls on the guest path run chrooted into the sysroot; text is
parsed and printed outside it, so a user or group name is looked up in the
appliance's databases and never makes libc load anything from the guest.
Extended attributes in general are ``xattrs.py``.
"""

from __future__ import annotations

import ctypes
import errno
import os
from functools import lru_cache
from typing import Any

from ..dispatch import action
from ..errors import DaemonError
from ..lib.guestroot import sysroot

#: <sys/acl.h>: the two kinds of ACL a file can have.
ACL_TYPE_ACCESS = 0x8000
ACL_TYPE_DEFAULT = 0x4000
#: acl_get_file/acl_set_file's ``acltype`` argument → libacl's type.
ACL_TYPES = {"access": ACL_TYPE_ACCESS, "default": ACL_TYPE_DEFAULT}


@lru_cache(maxsize=1)
def _libacl() -> Any:
    """Debian's libacl1, its functions typed (loaded once, outside the chroot)."""
    lib = ctypes.CDLL("libacl.so.1", use_errno=True)
    vp, cp = ctypes.c_void_p, ctypes.c_char_p
    for name, res, args in (
            ("acl_get_file", vp, [cp, ctypes.c_int]),
            ("acl_set_file", ctypes.c_int, [cp, ctypes.c_int, vp]),
            ("acl_delete_def_file", ctypes.c_int, [cp]),
            ("acl_to_text", vp, [vp, ctypes.POINTER(ctypes.c_ssize_t)]),
            ("acl_from_text", vp, [cp]),
            ("acl_free", ctypes.c_int, [vp])):
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib


@lru_cache(maxsize=1)
def _libcap() -> Any:
    """Debian's libcap2, its functions typed (loaded once, outside the chroot)."""
    lib = ctypes.CDLL("libcap.so.2", use_errno=True)
    vp, cp = ctypes.c_void_p, ctypes.c_char_p
    for name, res, args in (
            ("cap_get_file", vp, [cp]),
            ("cap_set_file", ctypes.c_int, [cp, vp]),
            ("cap_to_text", vp, [vp, ctypes.POINTER(ctypes.c_ssize_t)]),
            ("cap_from_text", vp, [cp]),
            ("cap_free", ctypes.c_int, [vp])):
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib


def _errno_error(*what: str) -> DaemonError:
    """``WHAT…: strerror(errno)`` from the errno the last ctypes call left."""
    e = ctypes.get_errno()
    return DaemonError.from_oserror(OSError(e, os.strerror(e)), *what)


def _acl_type(acltype: str) -> int:
    """libacl's type for the ``acltype`` argument, or libguestfs's refusal."""
    t = ACL_TYPES.get(acltype)
    if t is None:
        raise DaemonError(f"invalid acltype parameter: {acltype}", "EINVAL")
    return t


def _text(obj: int, to_text: Any, free: Any, what: str) -> str:
    """An ACL's or capability set's text, freeing both the object and the text."""
    try:
        ptr = to_text(obj, None)
        if not ptr:
            raise _errno_error(what)
        try:
            return ctypes.string_at(ptr).decode("utf-8", "surrogateescape")
        finally:
            free(ptr)
    finally:
        free(obj)


@action("acl_get_file")
def acl_get_file(path: str, acltype: str) -> str:
    """A file's access or default ACL in ``acl_to_text``'s long form."""
    t = _acl_type(acltype)
    lib = _libacl()
    with sysroot():
        acl = lib.acl_get_file(os.fsencode(path), t)
    if not acl:
        raise _errno_error(path)
    return _text(acl, lib.acl_to_text, lib.acl_free, "acl_to_text")


@action("acl_set_file")
def acl_set_file(path: str, acltype: str, acl: str) -> None:
    """Set a file's access or default ACL from its text form (short or long)."""
    t = _acl_type(acltype)
    lib = _libacl()
    obj = lib.acl_from_text(os.fsencode(acl))
    if not obj:
        raise _errno_error(f"could not parse acl string: {acl}", "acl_from_text")
    try:
        with sysroot():
            r = lib.acl_set_file(os.fsencode(path), t, obj)
        if r == -1:
            raise _errno_error(path)
    finally:
        lib.acl_free(obj)


@action("acl_delete_def_file")
def acl_delete_def_file(dir: str) -> None:  # noqa: A002 - the registry's argument name
    """Remove a directory's default ACL (nothing to do for a file without one)."""
    lib = _libacl()
    with sysroot():
        r = lib.acl_delete_def_file(os.fsencode(dir))
    if r == -1:
        raise _errno_error(dir)


@action("cap_get_file")
def cap_get_file(path: str) -> str:
    """A file's capabilities in ``cap_to_text``'s form; ``""`` when it has none."""
    lib = _libcap()
    with sysroot():
        cap = lib.cap_get_file(os.fsencode(path))
        err = ctypes.get_errno()
    if not cap:
        if err == errno.ENODATA:
            return ""
        raise _errno_error(path)
    return _text(cap, lib.cap_to_text, lib.cap_free, "cap_to_text")


@action("cap_set_file")
def cap_set_file(path: str, cap: str) -> None:
    """Set a regular file's capabilities from their text form."""
    lib = _libcap()
    obj = lib.cap_from_text(os.fsencode(cap))
    if not obj:
        raise _errno_error(f"could not parse cap string: {cap}", "cap_from_text")
    try:
        with sysroot():
            r = lib.cap_set_file(os.fsencode(path), obj)
        if r == -1:
            raise _errno_error(path)
    finally:
        lib.cap_free(obj)
