"""SELinux: the daemon's own security context (``getcon``, ``setcon``,
through Debian's libselinux1 by ctypes) and relabelling guest files with
the appliance's ``setfiles`` (``selinux_relabel`` and its successor
``setfiles``).

Relabelling needs no policy loaded in the appliance: with SELinux not
active, ``setfiles`` does not validate the contexts of the guest's spec
file and writes them as ``security.selinux`` attributes as they are.  The
spec file and the paths are the guest's, seen through ``-r /sysroot`` so
the spec file's patterns match guest paths.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Sequence
from typing import Any

from guestfs.actions.kinds import GuestPath

from .. import context
from ..dispatch import action, check_path
from ..errors import DaemonError
from ..lib import programs
from ..lib.guestroot import real

#: Guest directories never relabelled (pseudo file systems of a running guest).
IGNORED = ("/dev", "/proc", "/selinux", "/sys")


@functools.cache
def _lib() -> Any:
    """Debian's libselinux, loaded on the first call."""
    try:
        lib = ctypes.CDLL("libselinux.so.1", use_errno=True)
    except OSError as e:
        raise DaemonError(f"libselinux.so.1: {e}", "ENOTSUP") from None
    lib.getcon_raw.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    lib.getcon_raw.restype = ctypes.c_int
    lib.setcon_raw.argtypes = [ctypes.c_char_p]
    lib.setcon_raw.restype = ctypes.c_int
    lib.freecon.argtypes = [ctypes.c_void_p]
    lib.freecon.restype = None
    return lib


def _oserror(call: str) -> DaemonError:
    """``call: strerror`` for a failed libselinux call, from its errno."""
    err = ctypes.get_errno()
    return DaemonError.from_oserror(OSError(err, None), call)


@action("getcon")
def getcon() -> str:
    """The daemon's security context as the kernel's LSM reports it
    (AppArmor's ``unconfined`` when SELinux is not the active module)."""
    lib = _lib()
    con = ctypes.c_void_p()
    if lib.getcon_raw(ctypes.byref(con)) != 0:
        raise _oserror("getcon")
    try:
        raw = ctypes.string_at(con.value) if con.value else b""
    finally:
        lib.freecon(con)
    return raw.decode("utf-8", "surrogateescape")


@action("setcon")
def setcon(con: str) -> None:
    """Change the daemon's security context (the kernel's LSM decides)."""
    if _lib().setcon_raw(con.encode("utf-8", "surrogateescape")) != 0:
        raise _oserror("setcon")


@functools.cache
def _setfiles_options() -> frozenset[str]:
    """The one-letter options this ``setfiles`` offers, from its usage text."""
    cp = programs.run(["setfiles"], check=False)
    usage = (cp.stdout + (cp.stderr or b"")).decode(errors="replace")
    letters: set[str] = set()
    for word in usage.split():
        if word.startswith("[-") and word.endswith("]"):
            letters.update(word[2:-1])
    return frozenset(letters)


def _relabel(specfile: str, paths: Sequence[str], force: bool, excludes: Sequence[str]) -> None:
    """Run ``setfiles`` rooted at the sysroot over ``paths`` with the guest's
    ``specfile``, skipping :data:`IGNORED` and ``excludes`` (guest paths)."""
    opts = _setfiles_options()
    argv = ["setfiles"]
    if force:
        argv.append("-F")
    for d in (*IGNORED, *excludes):
        argv += ["-e", context.sysroot_path(d)]
    # -m: do not turn every mount point into an exclusion; -C: relabelling
    # errors alone exit 1, not as a fatal error; -T 0: one thread per CPU.
    for letter in "mC":
        if letter in opts:
            argv.append("-" + letter)
    if "T" in opts:
        argv += ["-T", "0"]
    spec = real(specfile, follow=True)
    argv += ["-r", context.SYSROOT, spec]
    argv += [real(p, follow=True) for p in paths]
    ok = (0, 1) if "C" in opts else (0,)
    cp = programs.run(argv, ok=ok, message="output", prefix="setfiles")
    # setfiles also exits 1 when it cannot use the spec file at all (its
    # last word then is "SPEC: strerror"): that is no relabelling error.
    text = (cp.stderr or b"").decode("utf-8", "replace")
    if cp.returncode == 1 and any(line.startswith(spec + ": ") for line in text.splitlines()):
        raise DaemonError("setfiles: " + text.rstrip(), "EINVAL")


@action("selinux_relabel")
def selinux_relabel(specfile: str, path: str, force: bool = False) -> None:
    """Relabel the guest tree under ``path`` from the guest's own spec file
    (``force``: customizable files too, and every part of the context)."""
    _relabel(specfile, [path], force, [])


def _listed_path(path: str) -> GuestPath:
    """One path of a list (excludes), checked: a refusal names which one."""
    try:
        return check_path(path)
    except DaemonError as e:
        raise DaemonError(f"{path}: {e}", e.errno) from None


@action("setfiles")
def setfiles(specfile: str, paths: list[str], force: bool = False,
             excludes: list[str] | None = None) -> None:
    """Relabel several guest trees from the guest's spec file, leaving out
    ``excludes`` as well as the guest's pseudo file systems."""
    if not paths:
        raise DaemonError("no paths to relabel given", "EINVAL")
    checked = [GuestPath(p) for p in paths]  # checked by their kind (PathnameList)
    for d in excludes or []:
        _listed_path(d)
    _relabel(specfile, checked, force, list(excludes or []))
