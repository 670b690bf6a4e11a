"""The ``GuestFS`` handle: state machine, settings, and one method per action.

Methods are generated from the actions registry (``guestfs/actions``): each
checks its arguments by kind, then runs either a library-side implementation
(``guestfs/library``) or an RPC call through the one client
(``guestfs/client.py``).  Backends (``guestfs/backends``) start the VM.
"""

from __future__ import annotations

import atexit
import enum
import inspect
import logging
import os
import sys
import warnings
import weakref
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

from .actions import ACTIONS, Action
from .drives import device_sort_key
from .errors import ClosedHandle, GuestFSError, StateError, UnprefixedError
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
from .protocol.facts import load_facts
from .settings import initial_values

_load_library()
#: Library messages also go to Python logging (debug and warnings), whatever
#: the events deliver.
logger = logging.getLogger("guestfs")


class State(enum.Enum):
    """libguestfs's handle states."""

    CONFIG = 0
    LAUNCHING = 1
    READY = 2


_DEVICE_SUBTYPES = frozenset({"Device", "Mountable", "Dev_or_Path", "Mountable_or_Path"})
_DEVICE_RETS = frozenset({"RDevice", "RMountable"})
_OPEN_HANDLES: weakref.WeakSet[GuestFS] = weakref.WeakSet()
#: Struct fields that are optional percentages (FOptPercent), by struct name.
_OPT_PERCENT = {s["name"]: [f["name"] for f in s["fields"] if f["ftype"] == "FOptPercent"]
                for s in load_facts()["structs"]
                if any(f["ftype"] == "FOptPercent" for f in s["fields"])}


@atexit.register
def _close_all() -> None:
    for g in list(_OPEN_HANDLES):
        if g._close_on_exit:
            g._close_quietly()


def _type_error(act: Action, name: str, want: str, v: Any) -> TypeError:
    return TypeError(f"{act.name}: argument '{name}' must be {want}, not {type(v).__name__}")


def _check_value(act: Action, name: str, kind: str, v: Any) -> Any:
    """Check one argument against its kind, as the C binding's parser does."""
    if kind in ("String", "OString"):
        if not isinstance(v, str):
            raise _type_error(act, name, "str", v)
        return v
    if kind == "OptString":
        if v is not None and not isinstance(v, str):
            raise _type_error(act, name, "str or None", v)
        return v
    if kind in ("StringList", "OStringList"):
        if not isinstance(v, (list, tuple)) or not all(isinstance(x, str) for x in v):
            raise _type_error(act, name, "a list of str", v)
        return list(v)
    if kind in ("Bool", "OBool"):
        if not isinstance(v, int):
            raise _type_error(act, name, "bool", v)
        return bool(v)
    if kind in ("Int", "OInt", "Int64", "OInt64"):
        if not isinstance(v, int):
            raise _type_error(act, name, "int", v)
        bits = 63 if "64" in kind else 31
        if not -(2**bits) <= v < 2**bits:
            raise OverflowError(f"{act.name}: argument '{name}' is out of range")
        return int(v)
    if kind == "BufferIn":
        if isinstance(v, str):
            return v.encode("utf-8", "surrogateescape")
        if not isinstance(v, (bytes, bytearray, memoryview)):
            raise _type_error(act, name, "bytes", v)
        return bytes(v)
    return v  # Pointer: passed through to the library implementation


class GuestFS:
    """A libguestfs handle (same constructor and methods as libguestfs's binding)."""

    def __init__(self, python_return_dict: bool = False, environment: bool = True,
                 close_on_exit: bool = True) -> None:
        self._python_return_dict = bool(python_return_dict)
        self._close_on_exit = bool(close_on_exit)
        self._closed = False
        self._settings: dict[str, Any] = initial_values(environment)
        self._settings["program"] = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python"
        self._state = State.CONFIG
        self._drives: list[Any] = []
        self._backend: Any = None
        self._client: Any = None
        self._events = EventRegistry()
        self._close_event_sent = False
        self._tmpdir: str | None = None
        self._test_output: Any = None
        self._last_error: str | None = None
        _OPEN_HANDLES.add(self)

    if TYPE_CHECKING:
        # The action methods are generated from the registry at import time.
        def __getattr__(self, name: str) -> Any: ...

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

    def _invoke(self, act: Action, values: Mapping[str, Any]) -> Any:
        """Check arguments, run the action, convert and trace the result."""
        self._check_not_closed()
        if act.config_only and self._state is not State.CONFIG:
            raise StateError(f"{act.name}: this function can only be called in the config state",
                             self._state, State.CONFIG)
        args = [_check_value(act, a.name, a.kind, values[a.name]) for a in act.args]
        opts = {o.name: _check_value(act, o.name, o.kind, values[o.name])
                for o in act.optargs if values.get(o.name) is not None}
        events = self._events
        if events.wants(EVENT_ENTER):
            events.emit(EVENT_ENTER, act.name.encode())
        tracing = self._settings["trace"]
        if tracing:
            self._trace(_trace_call(act, args, opts))
        impl = LIBRARY_IMPLS.get(act.name)
        try:
            if impl is not None:
                r = impl(self, *args, **opts)
            elif act.daemon:
                r = self._daemon_call(act, args, opts)
            else:
                raise GuestFSError("this function is not supported by this version of the library",
                                   "ENOTSUP")
        except GuestFSError as e:
            if impl is None:
                # Daemon errors carry the call's name, as libguestfs's stubs
                # add it; library-side messages are passed on as they are.
                _prefix_error(e, act.name)
            if tracing:
                self._trace(f"{act.name} = {_trace_error(act)}")
            self._last_error = str(e)
            raise
        r = self._convert_return(act, r)
        if tracing:
            self._trace(f"{act.name} = {_trace_ret(act, r)}")
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

    def _require_ready(self, act: Action) -> Any:
        if self._state is not State.READY or self._client is None:
            raise StateError("call launch before using this function\n"
                             "(in guestfish, don't forget to use the 'run' command)",
                             self._state, State.READY)
        return self._client

    def _daemon_call(self, act: Action, args: list[Any], opts: dict[str, Any]) -> Any:
        """Send one call to the daemon; FileIn/FileOut are local file names."""
        client = self._require_ready(act)
        hook = None
        wire: dict[str, Any] = {}
        upload: IO[bytes] | None = None
        download: _LocalSink | None = None
        size = 0
        try:
            for a, v in zip(act.args, args):
                if a.subtype == "FileIn":
                    upload, size = _open_local(v, "rb")
                elif a.subtype == "FileOut":
                    download = _LocalSink(v)
                else:
                    if a.subtype in _DEVICE_SUBTYPES and isinstance(v, str) and v.startswith("/dev/"):
                        hook = hook or self._plugin_hook()
                        v = hook.guestfs_device_to_appliance(name=v, handle=self) or v
                    elif a.kind == "StringList" and a.subtype == "Device":
                        hook = hook or self._plugin_hook()
                        v = [hook.guestfs_device_to_appliance(name=x, handle=self) or x for x in v]
                    wire[a.name] = v
            r = self._call_client(client, act, wire, opts, upload, size, download)
            if download is not None:
                download.write(b"")  # an empty download still makes the file
            return r
        finally:
            for f in (upload, download):
                if f is not None:
                    f.close()

    def _call_client(self, client: Any, act: Action, wire: dict[str, Any], opts: dict[str, Any],
                     upload: IO[bytes] | None, size: int, download: Any) -> Any:
        from .client import ConnectionLost
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
            client = self._require_ready(act)
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

    def _plugin_hook(self) -> Any:
        from .plugins import get_plugin_manager
        return get_plugin_manager().hook

    def _convert_return(self, act: Action, r: Any) -> Any:
        ret = act.ret
        kind = ret.kind
        if kind == "RBool":
            return int(bool(r))  # the binding returns 0/1 as int
        if kind in ("RString", "RStringList", "RHashtable") and (
                ret.subtype in _DEVICE_RETS or ret.key_subtype in _DEVICE_RETS
                or ret.value_subtype in _DEVICE_RETS) and self._backend is not None:
            hook = self._plugin_hook()

            def back(x: str) -> str:
                return hook.guestfs_device_from_appliance(name=x, handle=self) or x
            if kind == "RString":
                r = back(r)
            elif kind == "RStringList":
                moved = [back(x) for x in r]
                # Names that changed (virtio-blk drives among SCSI ones) would
                # break the daemon's drive order: put the list back in order.
                r = sorted(moved, key=device_sort_key) if moved != r else moved
            else:
                r = [(back(k) if ret.key_subtype in _DEVICE_RETS else k,
                      back(v) if ret.value_subtype in _DEVICE_RETS else v) for k, v in r]
        if ret.struct in _OPT_PERCENT:
            # An optional percentage the daemon could not give is -1 on the
            # wire and None for the caller, as in the binding.
            fields = _OPT_PERCENT[ret.struct]
            for item in (r if kind == "RStructList" else [r]):
                for f in fields:
                    if item[f] < 0:
                        item[f] = None
        if kind == "RHashtable":
            pairs = r.items() if isinstance(r, dict) else r
            return dict(pairs) if self._python_return_dict else [tuple(p) for p in pairs]
        return r

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


#: libguestfs traces at most this many bytes of a buffer.
_TRACE_BUFFER_MAX = 256


def _trace_buffer(b: bytes) -> str:
    """A buffer as libguestfs's ``print_BufferIn`` shows it: ``\\xNN`` escapes, truncated."""
    s = "".join(chr(c) if 0x20 <= c < 0x7F else f"\\x{c:02x}" for c in b[:_TRACE_BUFFER_MAX])
    tail = f"<truncated, original size {len(b)} bytes>" if len(b) > _TRACE_BUFFER_MAX else ""
    return f'"{s}"{tail}'


def _trace_call(act: Action, args: list[Any], opts: Mapping[str, Any]) -> str:
    """The trace line of a call, in libguestfs's format (strings unescaped)."""
    out = [act.name]
    for a, v in zip(act.args, args):
        if a.kind == "String":
            out.append('"***"' if a.subtype == "Key" else f'"{v}"')
        elif a.kind == "OptString":
            out.append("null" if v is None else f'"{v}"')
        elif a.kind == "StringList":
            out.append('"' + " ".join(v) + '"')
        elif a.kind == "Bool":
            out.append("true" if v else "false")
        elif a.kind == "BufferIn":
            out.append(_trace_buffer(v))
        elif a.kind == "Pointer":
            out.append(f"(pointer){id(v):#x}")
        else:
            out.append(str(v))
    for o in act.optargs:
        if o.name in opts:
            v = opts[o.name]
            if o.kind == "OBool":
                v = "true" if v else "false"
            elif o.kind == "OStringList":
                v = " ".join(v)
            out.append(f'"{o.name}:{v}"')
    return " ".join(out)


def _trace_field(v: Any) -> str:
    if isinstance(v, bytes):
        return _trace_buffer(v)[1:-1]
    if isinstance(v, float):
        return f"{v:g} %" if v >= 0 else ""
    return str(v)


def _trace_struct(v: Mapping[str, Any]) -> str:
    return "".join(f"{k}: {_trace_field(x)}, " for k, x in v.items())


def _trace_ret(act: Action, r: Any) -> str:
    """The value part of a trace return line, in libguestfs's format."""
    kind = act.ret.kind
    if kind == "RErr":
        return "0"
    if kind in ("RInt", "RInt64"):
        return str(r)
    if kind == "RBool":
        return str(int(bool(r)))
    if kind in ("RString", "RConstString"):
        return f'"{r}"'
    if kind == "RConstOptString":
        return f'"{"NULL" if r is None else r}"'
    if kind == "RBufferOut":
        return _trace_buffer(r)
    if kind == "RStringList":
        return "[" + ", ".join(f'"{x}"' for x in r) + "]"
    if kind == "RHashtable":
        pairs = r.items() if isinstance(r, Mapping) else r
        return "[" + ", ".join(f'"{x}"' for kv in pairs for x in kv) + "]"
    if kind == "RStruct":
        return f"<struct guestfs_{act.ret.struct} = {_trace_struct(r)}>"
    if kind == "RStructList":
        items = " ".join(f"[{i}]{{{_trace_struct(x)}}}" for i, x in enumerate(r))
        return f"<struct guestfs_{act.ret.struct}_list({len(r)})" + (f" = {items}" if r else "") + ">"
    return str(r)


def _trace_error(act: Action) -> str:
    """What libguestfs traces for a failed call: its C error return value."""
    return "-1 (error)" if act.ret.kind in ("RErr", "RInt", "RInt64", "RBool") else "NULL (error)"


def _make_method(act: Action) -> Any:
    P = inspect.Parameter
    params = [P("self", P.POSITIONAL_OR_KEYWORD)]
    params += [P(a.name, P.POSITIONAL_OR_KEYWORD) for a in act.args]
    params += [P(o.name, P.POSITIONAL_OR_KEYWORD, default=None) for o in act.optargs]
    sig = inspect.Signature(params)
    bind = sig.bind

    deprecated = (f"use GuestFS.{act.deprecated_by}() instead of GuestFS.{act.name}()"
                  if act.deprecated_by else None)

    def method(*a: Any, **kw: Any) -> Any:
        if deprecated is not None:
            warnings.warn(deprecated, DeprecationWarning, stacklevel=2)
        try:
            bound = bind(*a, **kw)
        except TypeError as e:
            raise TypeError(f"{act.name}(): {e}") from None
        values = bound.arguments
        return values.pop("self")._invoke(act, values)

    method.__name__ = method.__qualname__ = act.name
    method.__signature__ = sig  # type: ignore[attr-defined]
    argdesc = ", ".join([f"{a.name}: {a.kind}" + (f"({a.subtype})" if a.subtype else "")
                         for a in act.args] + [f"{o.name}=None: {o.kind}" for o in act.optargs])
    method.__doc__ = (f"{act.name}({argdesc}) -> {act.ret.kind}"
                      + (f" {act.ret.struct}" if act.ret.struct else "")
                      + ("\n\nDeprecated" + (f": use {act.deprecated_by}." if act.deprecated_by else ".")
                         if act.facts.get("deprecated") else "")
                      + "\n\nSee the guestfs(3) manual for what this action does.")
    return method


def _install_methods() -> None:
    for act in ACTIONS.values():
        if act.name in GuestFS.__dict__:
            continue
        m = _make_method(act)
        setattr(GuestFS, act.name, m)
        for alias in act.aliases:
            setattr(GuestFS, alias, m)


_install_methods()
