"""What an appliance finder returns, and the search along the path.

Finder plugins live in ``guestfs/appliance_finders/``; backends take the
:class:`Appliance` they produce and boot it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .handle import GuestFS

#: The package's own default appliance directory (``make appliance`` fills it).
DEFAULT_PATH = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "appliance", "build")


@dataclass(frozen=True)
class Appliance:
    """A bootable appliance: kernel, initrd and root disk image paths."""

    kernel: str
    initrd: str
    root: str
    kind: str
    directory: str


def search_path(path: str | None) -> list[str]:
    """Split a ``LIBGUESTFS_PATH``-style string; empty or ``.`` means cwd."""
    dirs = []
    for d in (path.split(":") if path else []):
        dirs.append(os.getcwd() if d in ("", ".") else d)
    if DEFAULT_PATH not in dirs:
        dirs.append(DEFAULT_PATH)
    return dirs


def find_appliance(handle: GuestFS) -> Appliance:
    """Ask the finder plugins about each directory on the path; first answer wins.

    :raises RuntimeError: listing every directory searched and what it lacked.
    """
    from .plugins import get_plugin_manager

    hook = get_plugin_manager().hook
    tried = []
    for d in search_path(handle.get_path()):
        found: Appliance | None = hook.guestfs_find_appliance(directory=d, handle=handle)
        if found is not None:
            return found
        why = [w for w in hook.guestfs_describe_appliance_dir(directory=d) if w]
        tried.append(f"  {d}: {'; '.join(why) or 'not usable'}")
    raise RuntimeError(
        "cannot find any suitable libguestfs supermin, fixed or old-style appliance "
        "on LIBGUESTFS_PATH (search path: " + ":".join(search_path(handle.get_path())) + ")\n"
        + "\n".join(tried))
