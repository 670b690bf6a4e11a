"""The exception an implementation raises to send an error reply."""

from __future__ import annotations

import errno as _errno
import os


class DaemonError(Exception):
    """An error reply: ``message`` goes to the caller, with an errno name.

    The library prefixes the action's name, so messages should not.
    """

    def __init__(self, message: str, errno: str | int | None = None) -> None:
        super().__init__(message)
        if isinstance(errno, int):
            errno = _errno.errorcode.get(errno)
        self.errno = errno or ""

    @classmethod
    def from_oserror(cls, e: OSError, what: str | None = None) -> DaemonError:
        """``what: strerror`` with the OSError's errno name (perror style)."""
        text = e.strerror or os.strerror(e.errno or 0)
        if what is None:
            what = e.filename if e.filename is not None else None
        return cls(f"{what}: {text}" if what else text, e.errno)


class NotSupported(DaemonError):
    """The action exists in the protocol but this daemon does not implement it."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"the '{name}' call is not supported by this daemon (not implemented yet)",
            "ENOTSUP")
