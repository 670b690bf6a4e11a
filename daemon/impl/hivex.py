"""The hivex_* calls: reading and changing Windows registry hive files in the guest.

One hive is open at a time, between ``hivex_open`` and ``hivex_close``
(a new ``hivex_open`` replaces it), through Debian's hivex library and
its Python binding (python3-hivex).  The file is opened, and committed,
chrooted into the sysroot, so the guest path is the guest's own file.
Node and value handles are hivex's own (offsets into the hive), sent as
int64.

Replies are stock libguestfs 1.48's: a call before ``hivex_open`` names
the daemon function (``do_hivex_root: you must call 'hivex-open'
first …``), a failed hivex call answers ``failed: <strerror>`` with the
errno hivex set.  The binding raises RuntimeError(strerror(errno)) and
drops the number, so it is recovered from the text (:func:`_errno_of`).
"""

from __future__ import annotations

import errno as _errno
import os
from collections.abc import Callable
from typing import Any, TypeVar

from ..dispatch import action
from ..errors import DaemonError
from ..lib import debmodules
from ..lib.guestroot import sysroot

#: The open hive (a ``hivex.Hivex``), or None.
_h: Any = None

#: strerror text → errno number, to undo the binding's loss of errno.
_ERRNO_BY_TEXT = {os.strerror(n): n for n in sorted(_errno.errorcode, reverse=True)}

_T = TypeVar("_T")


def _errno_of(e: Exception) -> int:
    """The errno behind a binding error (0 for "Success": hivex set none)."""
    if isinstance(e, RuntimeError) and e.args:
        text = str(e.args[0])
        if text == os.strerror(0):
            return 0
        return _ERRNO_BY_TEXT.get(text, _errno.EINVAL)
    # OverflowError / ValueError: a value the C library could never be given.
    return _errno.EINVAL


def _perror(n: int, *what: str) -> DaemonError:
    """``what…: strerror`` with the errno name, as stock's reply_with_perror."""
    return DaemonError(": ".join([*what, os.strerror(n)]), n)


def _need(call: str) -> Any:
    """The open hive, or stock's reply for a call made before hivex_open."""
    if _h is None:
        raise DaemonError(f"do_{call}: you must call 'hivex-open' first to initialize the hivex handle")
    return _h


def _call(fn: Callable[..., _T], *args: Any) -> _T:
    """Run one binding call; a failure becomes ``failed: strerror``."""
    try:
        return fn(*args)
    except (RuntimeError, OverflowError, ValueError, TypeError) as e:
        raise _perror(_errno_of(e), "failed") from None


def _call_or_zero(fn: Callable[..., _T], *args: Any) -> _T | int:
    """Like :func:`_call`, but "not found" (hivex returned 0 without an errno) is 0."""
    try:
        r = fn(*args)
    except (RuntimeError, OverflowError, ValueError, TypeError) as e:
        n = _errno_of(e)
        if n == 0:
            return 0
        raise _perror(n, "failed") from None
    return 0 if r is None else r


@action("hivex_open")
def hivex_open(filename: str, verbose: bool = False, debug: bool = False, write: bool = False,
               unsafe: bool = False) -> None:
    """Open the guest's hive file ``filename`` (closing any hive already open).

    ``write`` allows changes (kept in memory until ``hivex_commit``);
    ``unsafe`` lets hivex read damaged hives; ``verbose``/``debug`` make
    hivex log to the daemon's standard error.
    """
    global _h
    _h = None
    try:
        # python3-hivex: loaded by the first hive, not at daemon start.
        hivex = debmodules.load("hivex")
    except ImportError as e:
        raise DaemonError(f"hivex is not available in the appliance: {e}", "ENOTSUP") from None
    try:
        with sysroot():
            h = hivex.Hivex(filename, verbose=verbose, debug=debug, write=write, unsafe=unsafe)
    except (RuntimeError, ValueError) as e:
        raise _perror(_errno_of(e), f"hivex failed to open {filename}") from None
    _h = h


@action("hivex_close")
def hivex_close() -> None:
    """Close the hive; changes not committed are lost."""
    global _h
    _need("hivex_close")
    _h = None  # the binding frees the C handle when its object goes


@action("hivex_commit")
def hivex_commit(filename: str | None) -> None:
    """Write the changed hive back: to the file it came from, or to the guest file ``filename``."""
    h = _need("hivex_commit")
    if filename is not None and not filename.startswith("/"):
        raise DaemonError("do_hivex_commit: path must start with a / character", "EINVAL")
    try:
        with sysroot():
            h.commit(filename)
    except (RuntimeError, ValueError) as e:
        what = (filename, "commit failed") if filename is not None else ("commit failed",)
        raise _perror(_errno_of(e), *what) from None


@action("hivex_root")
def hivex_root() -> int:
    """The handle of the hive's root node."""
    return int(_call(_need("hivex_root").root))


@action("hivex_node_name")
def hivex_node_name(nodeh: int) -> str:
    """The name of a node (its key name; the root's is the hive's own)."""
    return str(_call(_need("hivex_node_name").node_name, nodeh))


@action("hivex_node_children")
def hivex_node_children(nodeh: int) -> list[dict[str, Any]]:
    """The node's subkeys, as ``hivex_node`` structs."""
    children = _call(_need("hivex_node_children").node_children, nodeh)
    return [{"hivex_node_h": int(c)} for c in children]


@action("hivex_node_get_child")
def hivex_node_get_child(nodeh: int, name: str) -> int:
    """The subkey called ``name`` (compared without case, as Windows does), or 0 if there is none."""
    return int(_call_or_zero(_need("hivex_node_get_child").node_get_child, nodeh, name))


@action("hivex_node_parent")
def hivex_node_parent(nodeh: int) -> int:
    """The node's parent (the root has none: an error)."""
    return int(_call(_need("hivex_node_parent").node_parent, nodeh))


@action("hivex_node_values")
def hivex_node_values(nodeh: int) -> list[dict[str, Any]]:
    """The node's values, as ``hivex_value`` structs."""
    values = _call(_need("hivex_node_values").node_values, nodeh)
    return [{"hivex_value_h": int(v)} for v in values]


@action("hivex_node_get_value")
def hivex_node_get_value(nodeh: int, key: str) -> int:
    """The node's value called ``key`` (without case; "" is the default value), or 0 if there is none."""
    return int(_call_or_zero(_need("hivex_node_get_value").node_get_value, nodeh, key))


@action("hivex_value_key")
def hivex_value_key(valueh: int) -> str:
    """The name of a value ("" for the node's default value)."""
    return str(_call(_need("hivex_value_key").value_key, valueh))


@action("hivex_value_type")
def hivex_value_type(valueh: int) -> int:
    """The registry type of a value (1 REG_SZ, 3 REG_BINARY, 4 REG_DWORD …)."""
    t, _length = _call(_need("hivex_value_type").value_type, valueh)
    return int(t)


@action("hivex_value_value")
def hivex_value_value(valueh: int) -> bytes:
    """The raw bytes of a value, whatever its type."""
    _t, data = _call(_need("hivex_value_value").value_value, valueh)
    return bytes(data)


def _string(call: str, valueh: int) -> str:
    """A string value (REG_SZ, REG_EXPAND_SZ, REG_LINK) decoded to text; other types: EINVAL."""
    return str(_call(_need(call).value_string, valueh))


@action("hivex_value_string")
def hivex_value_string(valueh: int) -> str:
    """A string value as text (UTF-16 decoded)."""
    return _string("hivex_value_string", valueh)


@action("hivex_value_utf8")
def hivex_value_utf8(valueh: int) -> str:
    """The older name of ``hivex_value_string``, which answers the same."""
    return _string("hivex_value_utf8", valueh)


@action("hivex_node_add_child")
def hivex_node_add_child(parent: int, name: str) -> int:
    """Add a subkey ``name`` to ``parent`` (the hive must be open for writing).

    :returns: the new node's handle.
    """
    return int(_call(_need("hivex_node_add_child").node_add_child, parent, name))


@action("hivex_node_delete_child")
def hivex_node_delete_child(nodeh: int) -> None:
    """Delete a node with all its subkeys and values (not the root)."""
    _call(_need("hivex_node_delete_child").node_delete_child, nodeh)


@action("hivex_node_set_value")
def hivex_node_set_value(nodeh: int, key: str, t: int, val: bytes) -> None:
    """Set (add or replace) the value ``key`` of a node to type ``t`` and raw bytes ``val``.

    The type is stored as the 32-bit field the hive has, as stock's C
    cast does (-1 is 0xffffffff).
    """
    h = _need("hivex_node_set_value")
    _call(h.node_set_value, nodeh, {"key": key, "t": t & 0xFFFFFFFF, "value": bytes(val)})
