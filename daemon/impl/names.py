"""Making and renaming guest files: rename, mktemp/mkdtemp from a template,
preallocated files, ``lost+found``, and the daemon's umask read back.
"""

from __future__ import annotations

import os
import secrets
import string
from collections.abc import Callable

from ..dispatch import action
from ..errors import DaemonError
from ..lib.guestroot import open_guest, real, syscall, sysroot
from ..lib.programs import DEVNULL, err_text, run

#: The characters mkstemp(3) puts in place of the template's X's.
_TEMPLATE_CHARS = string.ascii_letters + string.digits
_TEMPLATE_TAIL = "XXXXXX"
#: How many names to try before giving up (each collision is one try).
_TRIES = 100


@action("rename")
def rename(oldpath: str, newpath: str) -> None:
    """Rename a file or directory within the guest (rename(2): no copying)."""
    syscall(os.rename, oldpath, newpath, what=("rename",), after=(newpath,))


def _from_template(tmpl: str, suffix: str, make: Callable[[str], None]) -> str:
    """Fill the template's trailing ``XXXXXX`` until ``make(name)`` creates something new."""
    if not tmpl.endswith(_TEMPLATE_TAIL):
        raise DaemonError(f"{tmpl}: {os.strerror(22)} (the template must end in XXXXXX)", "EINVAL")
    stem = tmpl[:-len(_TEMPLATE_TAIL)]
    for _ in range(_TRIES):
        name = stem + "".join(secrets.choice(_TEMPLATE_CHARS) for _ in _TEMPLATE_TAIL) + suffix
        try:
            with sysroot():
                make(name)
            return name
        except FileExistsError:
            continue
        except OSError as e:
            raise DaemonError.from_oserror(e, tmpl) from None
    raise DaemonError(f"{tmpl}: no unused name found", "EEXIST")


def _new_file(name: str) -> None:
    os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))


@action("mktemp")
def mktemp(tmpl: str, suffix: str | None = None) -> str:
    """Create a new empty file (mode 0600) named from a ``…XXXXXX`` template."""
    if suffix and "/" in suffix:
        raise DaemonError(f"{suffix}: the suffix cannot contain '/'", "EINVAL")
    return _from_template(tmpl, suffix or "", _new_file)


@action("mkdtemp")
def mkdtemp(tmpl: str) -> str:
    """Create a new directory (mode 0700) named from a ``…XXXXXX`` template."""
    return _from_template(tmpl, "", lambda name: os.mkdir(name, 0o700))


def _fallocate(path: str, length: int) -> None:
    if length <= 0:
        raise DaemonError(f"{path}: {os.strerror(22)} (length must be positive)", "EINVAL")
    try:
        fd = open_guest(path, os.O_WRONLY | os.O_CREAT, 0o666)
    except OSError as e:
        raise DaemonError.from_oserror(e, "open", path) from None
    try:
        os.posix_fallocate(fd, 0, length)
    except OSError as e:
        raise DaemonError.from_oserror(e, path) from None
    finally:
        os.close(fd)


@action("fallocate64")
def fallocate64(path: str, len: int) -> None:  # noqa: A002 - the protocol's name
    """Create a file (or extend one) with ``len`` bytes preallocated."""
    _fallocate(path, len)


@action("fallocate")
def fallocate(path: str, len: int) -> None:  # noqa: A002 - the protocol's name
    """The 32-bit-length form of ``fallocate64``."""
    _fallocate(path, len)


@action("get_umask")
def get_umask() -> int:
    """The daemon's current umask (left unchanged)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@action("mklost_and_found")
def mklost_and_found(mountpoint: str) -> None:
    """Make the ``lost+found`` directory that e2fsck uses, at a filesystem's top."""
    st = syscall(os.stat, mountpoint)
    del st  # only its existence is checked; mklost+found says the rest
    cp = run(["mklost+found"], stdin=DEVNULL, cwd=real(mountpoint), check=False)
    if cp.returncode != 0:
        raise DaemonError(f"mklost+found: {mountpoint}: {err_text(cp) or 'command failed'}")
