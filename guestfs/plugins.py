"""The plugin manager: built-ins first, then the ``guestfs`` entry points.

Built-in finders, backends and the device-name policy are plugin modules
listed in :data:`BUILTIN_PLUGINS` and registered exactly like third-party
ones.  ``GUESTFS_DISABLE_PLUGINS`` (comma-separated plugin names) blocks
plugins by name, e.g. to rule out a misbehaving third-party backend.
"""

from __future__ import annotations

import importlib
import os
import sys
from functools import lru_cache

import pluggy

from . import hookspecs
from .backends.base import BackendRegistry

BUILTIN_PLUGINS: tuple[str, ...] = (
    "guestfs.appliance_finders.fixed",
    "guestfs.appliance_finders.supermin",
    "guestfs.backends.direct",
    "guestfs.backends.libvirt",
    "guestfs.backends.unix",
    "guestfs.device_names",
)


def _blocked() -> set[str]:
    return {n.strip() for n in os.environ.get("GUESTFS_DISABLE_PLUGINS", "").split(",") if n.strip()}


@lru_cache(maxsize=1)
def get_plugin_manager() -> pluggy.PluginManager:
    """Create (once) the plugin manager with every plugin loaded and checked."""
    pm = pluggy.PluginManager("guestfs")
    pm.add_hookspecs(hookspecs)
    blocked = _blocked()
    for name in BUILTIN_PLUGINS:
        if name not in blocked:
            pm.register(importlib.import_module(name), name=name)
    for name in blocked:
        pm.set_blocked(name)
    _load_entry_points(pm)
    pm.check_pending()
    return pm


@lru_cache(maxsize=1)
def get_backends() -> BackendRegistry:
    """The backend registry, filled (once) by every plugin's
    ``guestfs_register_backends``."""
    registry = BackendRegistry()
    get_plugin_manager().hook.guestfs_register_backends(registry=registry)
    return registry


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    """Load third-party plugins; one that fails to import is reported by name."""
    from importlib.metadata import entry_points

    for ep in entry_points(group="guestfs"):
        if pm.is_blocked(ep.name) or pm.get_plugin(ep.name) is not None:
            continue
        try:
            plugin = ep.load()
        except Exception as e:  # a broken plugin must not break the library
            print(f"libguestfs: warning: plugin {ep.name!r} ({ep.value}) failed to load: "
                  f"{type(e).__name__}: {e}", file=sys.stderr)
            continue
        pm.register(plugin, name=ep.name)
