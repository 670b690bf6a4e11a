"""The launch context: what a backend sees of the handle it launches.

Backends (built-in and third-party) get one :class:`LaunchContext` instead
of the handle, so they depend on a small typed surface, not on the
handle's private attributes: the settings (read-only, live), the drives,
the events, the appliance and the run directory.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..appliance import Appliance
    from ..drives import Drive
    from ..events import EventRegistry
    from ..handle import GuestFS
    from ._libvirt_auth import LibvirtAuth


def weak_method(method: Callable[..., None]) -> Callable[..., None]:
    """``method`` without a strong reference to its object.

    A backend's threads (the console reader) live as long as its VM; if
    they held the handle, a handle dropped without ``close()`` could never
    be freed, so its VM would run until the interpreter exits.  Calls after
    the handle is gone do nothing.
    """
    ref = weakref.WeakMethod(method)

    def call(*args: Any) -> None:
        m = ref()
        if m is not None:
            m(*args)
    return call


@dataclass(frozen=True)
class LaunchContext:
    """One launch of one handle, as backends see it.

    :param settings: the handle's settings (a live read-only view: a
        ``set_verbose`` during launch is seen).
    :param drives: the drives to attach, in order.
    :param events: the handle's event callbacks (appliance, library …).
    :param appliance: kernel, initrd and root, or None for backends that
        need none.
    :param rundir: a private directory for this launch's files, removed
        after shutdown.
    :param backend_arg: what followed ``name:`` in the backend string.
    :param debug: sends a library debug message (EVENT_LIBRARY or stderr).
    :param libvirt_auth: the handle's libvirt credentials, for backends that
        open a libvirt connection (``open_connection`` in ``libvirt.py``).
    """

    settings: Mapping[str, Any]
    drives: Sequence[Drive]
    events: EventRegistry
    appliance: Appliance | None
    rundir: str
    backend_arg: str | None = None
    debug: Callable[[str], None] = lambda msg: None
    libvirt_auth: LibvirtAuth | None = None

    @classmethod
    def for_handle(cls, g: GuestFS, rundir: str, appliance: Appliance | None = None,
                   backend_arg: str | None = None) -> LaunchContext:
        """The context of a launch of handle ``g`` (the one bridge from the
        handle's internals to what backends see)."""
        from ._libvirt_auth import auth_of
        return cls(settings=MappingProxyType(g._settings), drives=tuple(g._drives), events=g._events,
                   appliance=appliance, rundir=rundir, backend_arg=backend_arg,
                   debug=weak_method(g._debug), libvirt_auth=auth_of(g))

    @property
    def verbose(self) -> bool:
        """Whether the handle is verbose now."""
        return bool(self.settings["verbose"])

    @property
    def hv(self) -> str:
        """The qemu binary (or wrapper) to run."""
        from ..settings import default_hv
        return str(self.settings["hv"] or default_hv())

    def backend_setting(self, name: str) -> str | None:
        """The value of backend setting ``name`` (``"1"`` for a bare flag), or None."""
        from ..settings import find_backend_setting
        return find_backend_setting(self.settings["backend_settings"], name)
