"""ext2/3/4 inode flags (``lsattr``/``chattr``) and file generation numbers."""

from __future__ import annotations

import os
import re

from ..dispatch import action
from ..errors import DaemonError
from ..lib.guestroot import real, syscall
from ..lib.programs import run

#: What can name an inode flag (chattr(1) decides which letters it knows).
_FLAG_LETTER = re.compile(r"[A-Za-z]")


def _lsattr(file: str, *opts: str) -> str:
    syscall(os.lstat, file)
    return run(["lsattr", "-d", *opts, "--", real(file)]).stdout.decode("utf-8", "surrogateescape")


@action("get_e2attrs")
def get_e2attrs(file: str) -> str:
    """The file's inode flags as letters in ASCII order (as libguestfs gives
    them), empty when none is set."""
    flags = _lsattr(file).split(" ", 1)[0]
    return "".join(sorted(flags.replace("-", "")))


@action("set_e2attrs")
def set_e2attrs(file: str, attrs: str, clear: bool = False) -> None:
    """Set (or with ``clear``, clear) the inode flags named by letters; others unchanged."""
    bad = next((c for c in attrs if not _FLAG_LETTER.fullmatch(c)), None)
    if bad is not None:
        raise DaemonError(f"unknown file attribute '{bad}'", "EINVAL")
    if not attrs:
        return
    syscall(os.lstat, file)
    # chattr itself refuses letters it does not know, as under libguestfs.
    run(["chattr", ("-" if clear else "+") + attrs, "--", real(file)],
        message="output", prefix=f"chattr: {file}")


@action("get_e2generation")
def get_e2generation(file: str) -> int:
    """The inode's generation number (``lsattr -v``)."""
    field = _lsattr(file, "-v").split(None, 1)[0]
    try:
        return int(field)
    except ValueError:
        raise DaemonError(f"{file}: cannot read the generation from lsattr: {field}") from None


@action("set_e2generation")
def set_e2generation(file: str, generation: int) -> None:
    """Set the inode's generation number (``chattr -v``)."""
    if not 0 <= generation < 2**32:
        raise DaemonError(f"{generation}: the generation must be between 0 and 2^32-1", "EINVAL")
    syscall(os.lstat, file)
    run(["chattr", "-v", str(generation), "--", real(file)])
