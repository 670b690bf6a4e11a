"""guestfs: libguestfs in Python — read and change virtual-machine disk images.

``GuestFS`` is the handle, with the same API as libguestfs's Python binding
(``import guestfs; g = guestfs.GuestFS(python_return_dict=True)``).  See
``HACKING.md`` for the map of the package.
"""

from __future__ import annotations

from ._version import __version__
from .errors import ClosedHandle, GuestFSError
from .events import (
    EVENT_ALL,
    EVENT_APPLIANCE,
    EVENT_CLOSE,
    EVENT_ENTER,
    EVENT_LAUNCH_DONE,
    EVENT_LIBRARY,
    EVENT_LIBVIRT_AUTH,
    EVENT_PROGRESS,
    EVENT_SUBPROCESS_QUIT,
    EVENT_TRACE,
    EVENT_WARNING,
    event_to_string,
)
from .handle import GuestFS

__all__ = [
    "EVENT_ALL", "EVENT_APPLIANCE", "EVENT_CLOSE", "EVENT_ENTER", "EVENT_LAUNCH_DONE",
    "EVENT_LIBRARY", "EVENT_LIBVIRT_AUTH", "EVENT_PROGRESS", "EVENT_SUBPROCESS_QUIT",
    "EVENT_TRACE", "EVENT_WARNING", "ClosedHandle", "GuestFS", "GuestFSError",
    "__version__", "event_to_string",
]
