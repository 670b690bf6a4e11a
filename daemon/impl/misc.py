"""Odds and ends of the daemon's life cycle: ``internal_exit``.

(The optional-group queries are in ``devices.py``; ``internal_autosync``,
which the library sends at shutdown, is in ``mount.py``.)
"""

from __future__ import annotations

import os
import signal
import threading

from ..dispatch import action

#: Time left for the reply to go out before the daemon stops.
EXIT_DELAY = 0.2


def _stop(signum: int, frame: object) -> None:
    """Signal handler: unwind the server loop in the main thread."""
    raise SystemExit(0)


@action("internal_exit")
def internal_exit() -> None:
    """Reply, then stop serving (used by tests of the daemon itself).

    The reply is sent by the server after this returns; a moment later a
    signal makes the main thread leave its read with SystemExit, so the
    appliance's /init (which runs the daemon in-process) shuts down cleanly.
    """
    os.sync()
    signal.signal(signal.SIGUSR1, _stop)
    pid = os.getpid()
    threading.Timer(EXIT_DELAY, os.kill, (pid, signal.SIGUSR1)).start()
