"""Library-side actions: the ones libguestfs runs in the library, not the daemon.

Each module registers implementations with :func:`library_action`; the
handle calls them with itself, the positional arguments and the set optional
arguments.  Families: ``config`` (set_*/get_* derived from
``guestfs/settings.py``), ``drives``, ``domains`` (add_domain), ``libvirt_auth``
(the libvirt credential calls), ``lifecycle`` (launch, shutdown …),
``files`` (calls built on daemon calls), ``disk`` (qemu-img), ``mountables``
(mountable_device/subvolume), ``icons`` (inspect_get_icon), ``forensics`` (filesystem_walk, find_inode,
yara_scan: streamed structs), ``fuse`` (mount_local), ``internal_test``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

LibraryImpl = Callable[..., Any]
F = TypeVar("F", bound=LibraryImpl)
LIBRARY_IMPLS: dict[str, LibraryImpl] = {}

FAMILIES = ("config", "drives", "domains", "libvirt_auth", "lifecycle", "files", "disk", "events",
            "features", "inspection", "icons", "mountables", "forensics", "fuse", "internal_test")


def library_action(*names: str) -> Callable[[F], F]:
    """Register a function as the library-side implementation of ``names``."""
    from ..actions import ACTIONS

    def deco(fn: F) -> F:
        for name in names:
            if name not in ACTIONS:
                raise ValueError(f"{name!r} is not an action in the registry")
            if name in LIBRARY_IMPLS:
                raise ValueError(f"{name!r} has two library implementations")
            LIBRARY_IMPLS[name] = fn
        return fn
    return deco


def load() -> None:
    """Import every family so its implementations register."""
    for fam in FAMILIES:
        importlib.import_module(f"{__name__}.{fam}")
