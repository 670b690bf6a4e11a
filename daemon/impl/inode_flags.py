"""ext2/3/4 inode flags (``lsattr``/``chattr``) and file generation numbers."""

from __future__ import annotations

import os
import re

from ..context import run
from ..dispatch import action
from ..errors import DaemonError
from .files import _syscall, real

#: Flag letters chattr(1) knows (not all can be set on every file).
_FLAG_LETTERS = re.compile(r"[A-Za-z]*")


def _lsattr(file: str, *opts: str) -> str:
    _syscall(os.lstat, file)
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
    if not _FLAG_LETTERS.fullmatch(attrs):
        raise DaemonError(f"{attrs}: inode flags must be letters (see get_e2attrs)", "EINVAL")
    if not attrs:
        return
    _syscall(os.lstat, file)
    run(["chattr", ("-" if clear else "+") + attrs, "--", real(file)])


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
    _syscall(os.lstat, file)
    run(["chattr", "-v", str(generation), "--", real(file)])
