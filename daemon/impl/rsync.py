"""rsync, rsync_in, rsync_out: the appliance's rsync(1) on guest paths.

``rsync`` copies between two directories of the mounted guest;
``rsync_in`` and ``rsync_out`` between the guest and an rsync server the
appliance reaches over its network (``set_network(True)``; the host is
``169.254.2.2`` there).  Guest paths are given to rsync as sysroot paths,
a trailing ``/`` kept (rsync copies a directory's contents then); a
failure reads as rsync's own complaint.
"""

from __future__ import annotations

from .. import context
from ..dispatch import action
from ..lib.programs import DEVNULL, run


def _rsync(src: str, dest: str, archive: bool, deletedest: bool) -> None:
    argv = ["rsync"]
    if archive:
        argv.append("--archive")
    if deletedest:
        argv.append("--delete")
    # "--": a remote that starts with "-" is a name, not an option.
    run([*argv, "--", src, dest], stdin=DEVNULL, message="output")


@action("rsync")
def rsync(src: str, dest: str, archive: bool = False, deletedest: bool = False) -> None:
    """Synchronise guest directory ``dest`` with guest directory ``src``."""
    _rsync(context.sysroot_path(src), context.sysroot_path(dest), archive, deletedest)


@action("rsync_in")
def rsync_in(remote: str, dest: str, archive: bool = False, deletedest: bool = False) -> None:
    """Copy from an rsync ``remote`` into guest directory ``dest``."""
    _rsync(remote, context.sysroot_path(dest), archive, deletedest)


@action("rsync_out")
def rsync_out(src: str, remote: str, archive: bool = False, deletedest: bool = False) -> None:
    """Copy guest directory ``src`` to an rsync ``remote``."""
    _rsync(context.sysroot_path(src), remote, archive, deletedest)
