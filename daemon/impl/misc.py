"""Odds and ends: the daemon's life cycle (``internal_exit``), kernel modules
and filesystem types.

(The optional-group queries are in ``devices.py``; ``internal_autosync``,
which the library sends at shutdown, is in ``mount.py``.)
"""

from __future__ import annotations

import os
import signal
import threading

from ..dispatch import action
from ..errors import DaemonError
from ..lib.programs import run

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


# -- kernel modules and filesystems -------------------------------------------------

def _kernel_filesystems() -> set[str]:
    with open("/proc/filesystems") as f:
        return {line.split()[-1] for line in f if line.strip()}


@action("filesystem_available")
def filesystem_available(filesystem: str) -> bool:
    """Whether the appliance kernel can mount this filesystem type (loading its module)."""
    if not filesystem or "/" in filesystem:
        raise DaemonError(f"{filesystem!r}: not a filesystem type name", "EINVAL")
    if filesystem in _kernel_filesystems():
        return True
    run(["modprobe", "-q", filesystem], check=False)
    return filesystem in _kernel_filesystems()


@action("modprobe")
def modprobe(modulename: str) -> None:
    """Load a kernel module into the appliance."""
    run(["modprobe", "--", modulename])
