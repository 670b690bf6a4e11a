"""Event constants and the per-handle callback registry (libguestfs's events).

Values match libguestfs's so code written for its binding works unchanged.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

EVENT_CLOSE = 0x1
EVENT_SUBPROCESS_QUIT = 0x2
EVENT_LAUNCH_DONE = 0x4
EVENT_PROGRESS = 0x8
EVENT_APPLIANCE = 0x10
EVENT_LIBRARY = 0x20
EVENT_TRACE = 0x40
EVENT_ENTER = 0x80
EVENT_LIBVIRT_AUTH = 0x100
EVENT_WARNING = 0x200
EVENT_ALL = 0x3FF

_NAMES = {
    EVENT_CLOSE: "close", EVENT_SUBPROCESS_QUIT: "subprocess_quit",
    EVENT_LAUNCH_DONE: "launch_done", EVENT_PROGRESS: "progress",
    EVENT_APPLIANCE: "appliance", EVENT_LIBRARY: "library", EVENT_TRACE: "trace",
    EVENT_ENTER: "enter", EVENT_LIBVIRT_AUTH: "libvirt_auth", EVENT_WARNING: "warning",
}

Callback = Callable[[int, int, "str | None", Sequence[int]], Any]


def event_to_string(events: int) -> str:
    """Printable form of an event or bitmask, e.g. ``"close,progress"``.

    Names are in alphabetical order, as libguestfs prints them.
    """
    return ",".join(sorted(name for bit, name in _NAMES.items() if events & bit))


class EventRegistry:
    """Callbacks of one handle, by event handle number."""

    def __init__(self) -> None:
        self._cbs: dict[int, tuple[Callback, int]] = {}
        self._next = 0

    def add(self, cb: Callback, bitmask: int) -> int:
        """Register ``cb`` for the events in ``bitmask``; returns its handle."""
        if not callable(cb):
            raise TypeError("callback is not callable")
        if bitmask & ~EVENT_ALL or not bitmask:
            raise RuntimeError(f"set_event_callback: invalid event bitmask {bitmask:#x}")
        eh = self._next
        self._next += 1
        self._cbs[eh] = (cb, bitmask)
        return eh

    def remove(self, eh: int) -> None:
        """Forget a callback (unknown handles are ignored, as in libguestfs)."""
        self._cbs.pop(eh, None)

    def wants(self, event: int) -> bool:
        """True if any callback listens for ``event`` (skip building the payload)."""
        return any(mask & event for _, mask in self._cbs.values())

    def emit(self, event: int, buf: bytes | str | None = None, array: Sequence[int] = ()) -> None:
        """Call every callback registered for ``event``.

        ``buf`` reaches callbacks as ``str`` (what libguestfs's binding passes),
        or None for events without a message (close, progress …), as there.
        A callback that raises does not break the handle: the exception is
        printed to stderr, as the binding does.
        """
        if isinstance(buf, bytes):
            buf = buf.decode("utf-8", "surrogateescape")
        for eh, (cb, mask) in list(self._cbs.items()):
            if mask & event:
                try:
                    cb(event, eh, buf, list(array))
                except Exception:
                    print(f"libguestfs: exception in event callback for {event_to_string(event)}:",
                          file=sys.stderr)
                    traceback.print_exc()
