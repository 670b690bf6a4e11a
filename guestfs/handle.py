"""The ``GuestFS`` handle: state machine, settings, and one method per action.

Methods are generated from the actions registry (``guestfs/actions``): each
checks its arguments by kind, then runs either a library-side implementation
(``guestfs/library``) or an RPC call through the one client
(``guestfs/client.py``).  Backends (``guestfs/backends``) start the VM.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import weakref
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

from ._methods import ActionMethods
from .actions import ACTIONS, Action
from .actions.unimplemented import NOT_IMPLEMENTED
from .client import ConnectionLost
from .errors import ClosedHandle, GuestFSError, UnprefixedError
from .events import (
    EVENT_ENTER,
    EVENT_LIBRARY,
    EVENT_PROGRESS,
    EVENT_TRACE,
    EVENT_WARNING,
    EventRegistry,
)
from .library import LIBRARY_IMPLS
from .library import load as _load_library
from .settings import default_values, read_environment
from .state import NOT_LAUNCHED, State, require

if TYPE_CHECKING:
    from .backends.base import Backend
    from .client import RPCClient
    from .drives import Drive

_load_library()
#: Library messages also go to Python logging (debug and warnings), whatever
#: the events deliver.
logger = logging.getLogger("guestfs")
_OPEN_HANDLES: weakref.WeakSet[GuestFS] = weakref.WeakSet()

__all__ = ["GuestFS", "State"]


@atexit.register
def _close_all() -> None:
    for g in list(_OPEN_HANDLES):
        if g._close_on_exit:
            g._close_quietly()


class GuestFS(ActionMethods):
    """A libguestfs handle (same constructor and methods as libguestfs's binding).

    The action methods come from :class:`~guestfs._methods.ActionMethods`,
    generated from the registry; each ends in :meth:`_invoke`.
    """

    _settings: dict[str, Any]
    _drives: list[Drive]
    _backend: Backend | None
    _client: RPCClient | None

    def __init__(self, python_return_dict: bool = False, environment: bool = True,
                 close_on_exit: bool = True) -> None:
        self._python_return_dict = bool(python_return_dict)
        self._close_on_exit = bool(close_on_exit)
        self._closed = False
        self._settings: dict[str, Any] = default_values()
        if environment:
            try:
                read_environment(os.environ, self._settings)
            except ValueError as e:  # the handle is still made, as stock's is
                print(f"libguestfs: error: {e}", file=sys.stderr)
        self._settings["program"] = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python"
        self._state = State.CONFIG
        self._drives = []
        self._backend = None
        self._client = None
        self._events = EventRegistry()
        self._close_event_sent = False
        self._tmpdir: str | None = None
        self._test_output: Any = None
        self._last_error: str | None = None
        _OPEN_HANDLES.add(self)

    # -- lifecycle --------------------------------------------------------

    def __del__(self) -> None:
        try:
            self._close_quietly()
        except Exception:
            pass

    def __enter__(self) -> GuestFS:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._closed:
            self.close()

    def _check_not_closed(self) -> None:
        if self._closed:
            raise ClosedHandle("GuestFS: method called on closed handle")

    def close(self) -> None:
        """Shut the appliance down (syncing if autosync) and free everything."""
        self._check_not_closed()
        from .library.lifecycle import close_handle
        close_handle(self)

    def _close_quietly(self) -> None:
        if not getattr(self, "_closed", True):
            from .library.lifecycle import close_handle
            close_handle(self)

    # -- events -----------------------------------------------------------

    def set_event_callback(self, cb: Any, event_bitmask: int) -> int:
        """Register ``cb(event, event_handle, buf, array)`` for ``event_bitmask``."""
        self._check_not_closed()
        return self._events.add(cb, event_bitmask)

    def delete_event_callback(self, event_handle: int) -> None:
        """Remove a callback registered with :meth:`set_event_callback`."""
        self._check_not_closed()
        self._events.remove(event_handle)

    # -- the generic call path ----------------------------------------------

    def _invoke(self, act: Action, args: tuple[Any, ...], opts: Mapping[str, Any]) -> Any:
        """Check arguments by kind, run the action, shape and trace the result.

        :param args: the positional values, in declaration order.
        :param opts: every optional argument by name; None means unset.
        """
        self._check_not_closed()
        if act.config_only:
            require(self._state, State.CONFIG,
                    f"{act.name}: this function can only be called in the config state")
        checked = [a.kind.check(act.name, a.name, v) for a, v in zip(act.args, args)]
        setopts = {o.name: o.kind.check(act.name, o.name, opts[o.name])
                   for o in act.optargs if opts.get(o.name) is not None}
        events = self._events
        if events.wants(EVENT_ENTER):
            events.emit(EVENT_ENTER, act.name.encode())
        tracing = self._settings["trace"]
        if tracing:
            self._trace(_trace_call(act, checked, setopts))
        impl = LIBRARY_IMPLS.get(act.name)
        try:
            if impl is not None:
                r = impl(self, *checked, **setopts)
            elif act.daemon:
                r = self._daemon_call(act, checked, setopts)
            else:
                why = NOT_IMPLEMENTED.get(act.name, "not implemented yet")
                raise UnprefixedError(f"{act.name}: this function is not supported by this version "
                                      f"of the library ({why})", "ENOTSUP")
        except GuestFSError as e:
            if impl is None:
                # Daemon errors carry the call's name, as libguestfs's stubs
                # add it; library-side messages are passed on as they are.
                _prefix_error(e, act.name)
            if tracing:
                self._trace(f"{act.name} = {act.ret.error_trace}")
            self._last_error = str(e)
            raise
        back = self._device_from_appliance if self._backend is not None else None
        r = act.ret.to_caller(r, back, self._python_return_dict)
        if tracing:
            self._trace(f"{act.name} = {act.ret.trace(r)}")
        _require_utf8(r)
        return r

    def _debug(self, msg: str) -> None:
        """A library debug message: EVENT_LIBRARY, else stderr when verbose."""
        logger.debug(msg)
        if self._events.wants(EVENT_LIBRARY):
            self._events.emit(EVENT_LIBRARY, msg)
        elif self._settings["verbose"]:
            print(f"libguestfs: {msg}", file=sys.stderr)

    def _warning(self, msg: str) -> None:
        """A warning: EVENT_WARNING, else stderr (as libguestfs prints them)."""
        logger.warning(msg)
        if self._events.wants(EVENT_WARNING):
            self._events.emit(EVENT_WARNING, msg)
        else:
            print(f"libguestfs: warning: {msg}", file=sys.stderr)

    def _trace(self, line: str) -> None:
        if self._events.wants(EVENT_TRACE):
            self._events.emit(EVENT_TRACE, line.encode("utf-8", "surrogateescape"))
        else:
            print(f"libguestfs: trace: {line}", file=sys.stderr)

    def _require_ready(self) -> RPCClient:
        """The client of the running appliance (StateError before launch)."""
        require(self._state, State.READY, NOT_LAUNCHED)
        if self._client is None:  # READY always has a client; be safe all the same
            raise GuestFSError(NOT_LAUNCHED)
        return self._client

    def _device_to_appliance(self, name: str) -> str:
        """A caller's device name as the appliance knows it (plugin policy)."""
        hook = _plugin_hook()
        return hook.guestfs_device_to_appliance(name=name, handle=self, drives=self._drives) or name

    def _device_from_appliance(self, name: str) -> str:
        """An appliance device name as the caller knows it (plugin policy)."""
        hook = _plugin_hook()
        return hook.guestfs_device_from_appliance(name=name, handle=self, drives=self._drives) or name

    def _daemon_call(self, act: Action, args: list[Any], opts: dict[str, Any]) -> Any:
        """Send one call to the daemon; FileIn/FileOut are local file names."""
        client = self._require_ready()
        wire: dict[str, Any] = {}
        upload: IO[bytes] | None = None
        download: _LocalSink | None = None
        size = 0
        try:
            for a, v in zip(act.args, args):
                kind = a.kind
                if kind.stream == "in":
                    upload, size = _open_local(v, "rb")
                elif kind.stream == "out":
                    download = _LocalSink(v)
                else:
                    wire[a.name] = kind.to_appliance(v, self._device_to_appliance) if kind.device_name else v
            r = self._call_client(client, act, wire, opts, upload, size, download)
            if download is not None:
                download.write(b"")  # an empty download still makes the file
            return r
        finally:
            for f in (upload, download):
                if f is not None:
                    f.close()

    def _call_client(self, client: RPCClient, act: Action, wire: dict[str, Any], opts: dict[str, Any],
                     upload: IO[bytes] | None, size: int, download: Any) -> Any:
        try:
            return client.call(act, wire, opts, upload=upload, upload_size=size, download=download)
        except ConnectionLost:
            # The VM is gone or unusable: back to CONFIG, nothing left running.
            from .library.lifecycle import teardown
            teardown(self)
            raise

    def _rpc(self, name: str, args: Mapping[str, Any], opts: Mapping[str, Any] | None = None,
             upload: IO[bytes] | None = None, download: IO[bytes] | None = None) -> Any:
        """A daemon call made by library code (no tracing, file objects for streams)."""
        act = ACTIONS[name]
        try:
            client = self._require_ready()
        except GuestFSError as e:
            _prefix_error(e, name)
            raise
        size = 0
        if upload is not None:
            try:
                size = os.fstat(upload.fileno()).st_size
            except (OSError, AttributeError, ValueError):
                size = 0
        try:
            return self._call_client(client, act, dict(args), dict(opts or {}), upload, size, download)
        except GuestFSError as e:
            _prefix_error(e, name)
            raise

    def _emit_progress(self, proc: int, serial: int, position: int, total: int) -> None:
        if self._events.wants(EVENT_PROGRESS):
            self._events.emit(EVENT_PROGRESS, None, (proc, serial, position, total))


def _require_utf8(value: Any) -> None:
    """Raise UnicodeDecodeError for returned text that is not UTF-8, as the binding does.

    Text arrives decoded with ``surrogateescape`` (it never fails on the
    wire); the binding decodes strictly, so a file name that is not UTF-8
    in a string return is the caller's UnicodeDecodeError there too.
    """
    if isinstance(value, str):
        if not value.isascii():
            value.encode("utf-8", "surrogateescape").decode("utf-8")
    elif isinstance(value, (list, tuple)):
        for v in value:
            _require_utf8(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            _require_utf8(k)
            _require_utf8(v)


class _LocalSink:
    """A FileOut's local file, created only once the daemon has accepted the
    call (a refused download leaves nothing behind, as in libguestfs)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.f: IO[bytes] | None = None

    def write(self, data: bytes) -> None:
        if self.f is None:
            self.f, _ = _open_local(self.path, "wb")
        self.f.write(data)

    def close(self) -> None:
        if self.f is not None:
            self.f.close()


def _open_local(path: str, mode: str) -> tuple[IO[bytes], int]:
    """Open a FileIn/FileOut local file; errors name the file."""
    try:
        f = open(path, mode)  # noqa: SIM115 - closed by the caller
    except OSError as e:
        raise UnprefixedError(f"open: {path}: {e.strerror}", None) from None
    size = 0
    if "r" in mode:
        try:
            st = os.fstat(f.fileno())
            size = st.st_size if st.st_size and os.path.isfile(path) else 0
        except OSError:
            pass
    return f, size


def _prefix_error(e: GuestFSError, name: str) -> None:
    """Prefix an error message with the name of the daemon call that failed."""
    if not isinstance(e, UnprefixedError):
        e.args = (f"{name}: {e}",)


def _plugin_hook() -> Any:
    from .plugins import get_plugin_manager
    return get_plugin_manager().hook


def _trace_call(act: Action, args: list[Any], opts: Mapping[str, Any]) -> str:
    """The trace line of a call, in libguestfs's format (each kind formats itself)."""
    out = [act.name, *(a.kind.trace(v) for a, v in zip(act.args, args))]
    out += [o.kind.trace_optional(o.name, opts[o.name]) for o in act.optargs if o.name in opts]
    return " ".join(out)
