"""Exceptions of the public API (same classes as libguestfs's Python binding)."""

from __future__ import annotations


class ClosedHandle(ValueError):
    """A method was called on a handle after ``close()``."""


class GuestFSError(RuntimeError):
    """A failed call: ``str(e)`` is libguestfs's error message.

    It *is* a ``RuntimeError`` (what the binding raises); ``errno`` carries the
    daemon's errno name when there was one.
    """

    def __init__(self, message: str, errno: str | None = None) -> None:
        super().__init__(message)
        self.errno = errno or None


class StateError(GuestFSError):
    """A call made in the wrong handle state (e.g. ``mount`` before ``launch``)."""

    def __init__(self, message: str, actual: object = None, required: object = None) -> None:
        super().__init__(message, "EINVAL")
        self.actual, self.required = actual, required


class UnprefixedError(GuestFSError):
    """An error whose message libguestfs gives without the call's name in front."""


class UserCancelled(UnprefixedError):
    """A file transfer stopped by ``user_cancel()``."""

    def __init__(self) -> None:
        super().__init__("operation cancelled by user", "EINTR")
