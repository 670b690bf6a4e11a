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
    def from_oserror(cls, e: OSError, *what: str) -> DaemonError:
        """``what…: strerror`` with the OSError's errno name, perror style.

        With no ``what``, the OSError's own file name (if any) leads.  The
        one converter of OSErrors into error replies.
        """
        text = e.strerror or os.strerror(e.errno or 0)
        if not what:
            return cls(f"{e.filename}: {text}" if e.filename else text, e.errno)
        return cls(": ".join([*what, text]), e.errno)


class NotADevice(DaemonError):
    """A /dev name that exists but is no block device (``/dev/null``): a
    Device argument refuses it, a Dev_or_Path takes it as a guest path."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name}: expecting a device name", "EINVAL")


class NotSupported(DaemonError):
    """The action exists in the protocol but this daemon does not implement it."""

    def __init__(self, name: str, reason: str = "not implemented yet") -> None:
        super().__init__(f"the '{name}' call is not supported by this daemon ({reason})", "ENOTSUP")
