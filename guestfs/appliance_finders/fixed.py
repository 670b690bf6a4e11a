"""FixedFinder: use a prebuilt "fixed appliance" directory as it is.

A fixed appliance is a directory with ``README.fixed``, ``kernel``,
``initrd`` and ``root`` (what ``appliance/make_fixed.py`` and
libguestfs-make-fixed-appliance write).  Nothing is built or cached.
Sibling plugin: ``supermin.py``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..appliance import Appliance
from ..hookspecs import hookimpl

if TYPE_CHECKING:
    from ..handle import GuestFS

MARKER = "README.fixed"
PARTS = ("kernel", "initrd", "root")


@hookimpl
def guestfs_find_appliance(directory: str, handle: GuestFS) -> Appliance | None:
    """Return the fixed appliance in ``directory``.

    :raises RuntimeError: ``README.fixed`` is there but a part is missing.
    """
    if not os.path.isfile(os.path.join(directory, MARKER)):
        return None
    paths = [os.path.join(directory, p) for p in PARTS]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise RuntimeError(f"fixed appliance {directory} has {MARKER} but lacks "
                           + ", ".join(os.path.basename(p) for p in missing)
                           + f" ({', '.join(missing)})")
    return Appliance(kernel=paths[0], initrd=paths[1], root=paths[2],
                     kind="fixed", directory=directory)


@hookimpl
def guestfs_describe_appliance_dir(directory: str) -> str | None:
    """Say why ``directory`` is not a fixed appliance."""
    if not os.path.isfile(os.path.join(directory, MARKER)):
        return "fixed: no README.fixed"
    return None
