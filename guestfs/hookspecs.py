"""Every hook of the ``guestfs`` plugin system (pluggy project name ``guestfs``).

Built-in finders and backends implement these exactly like third-party
plugins do (see ``plugins.py``).  Hooks are grouped by the phase of a
handle's life in which they run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .appliance import Appliance
    from .backends.base import BackendRegistry
    from .drives import Drive
    from .handle import GuestFS

hookspec = pluggy.HookspecMarker("guestfs")
hookimpl = pluggy.HookimplMarker("guestfs")


# -------------------------------------------------------------------------
# start-up: plugins register what they provide
# -------------------------------------------------------------------------


@hookspec
def guestfs_register_backends(registry: BackendRegistry) -> None:
    """Add launch backends to ``registry`` (``registry.add(name, cls)``).

    Runs once, when the plugin manager is created.  The name is what
    ``LIBGUESTFS_BACKEND`` / ``set_backend`` select (``name`` or ``name:arg``).

    :param registry: the backend registry to add to.
    """


# -------------------------------------------------------------------------
# launch: find an appliance
# -------------------------------------------------------------------------


@hookspec(firstresult=True)
def guestfs_find_appliance(directory: str, handle: GuestFS) -> Appliance | None:
    """Return the appliance in ``directory``, or None if it holds none.

    Called for each directory on the search path (``LIBGUESTFS_PATH`` /
    ``set_path``, then the package default), in order.  Stops at first
    non-None result.  Raise ``RuntimeError`` if the directory holds an
    appliance of your kind that is broken (the error reaches the user).

    :param directory: one directory of the search path.
    :param handle: the handle being launched (for cachedir, verbose …).
    :returns: kernel, initrd and root of the appliance, or None.
    """


@hookspec
def guestfs_describe_appliance_dir(directory: str) -> str | None:
    """Say what ``directory`` lacks to be an appliance of your kind.

    Used only for the error message when no directory held an appliance;
    every plugin's answer is listed.

    :returns: a short phrase such as ``"fixed: no README.fixed"``, or None.
    """


# -------------------------------------------------------------------------
# calls: device names between the caller and the appliance
# -------------------------------------------------------------------------


@hookspec(firstresult=True)
def guestfs_device_to_appliance(name: str, handle: GuestFS, drives: Sequence[Drive]) -> str | None:
    """Translate a device name given by the caller to the appliance's name.

    Called for every device-name argument of a daemon call.  Stops at first
    non-None result; the built-in policy answers last.

    :param name: a ``/dev/…`` name from a Device or Mountable argument.
    :param handle: the handle making the call.
    :param drives: the handle's drives, in the order they were added.
    :returns: the name to send to the daemon.
    """


@hookspec(firstresult=True)
def guestfs_device_from_appliance(name: str, handle: GuestFS, drives: Sequence[Drive]) -> str | None:
    """Translate a device name returned by the appliance for the caller.

    Called for every device name in a daemon call's result.  Stops at first
    non-None result; the built-in policy answers last.

    :param drives: the handle's drives, in the order they were added.
    :returns: the name to give the caller (``/dev/sd*`` form by default).
    """
