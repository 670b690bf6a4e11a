"""Dispatch table: action name → implementation, with argument policy derived
from the registry.

An implementation is a plain function registered with :func:`action`; it
receives the call's positional arguments already checked and translated by
kind (a ``Pathname`` must be absolute and a root filesystem mounted, a
``Device`` is resolved to the appliance's node, a ``Dev_or_Path`` becomes a
device or a sysroot path) followed by the optional arguments that were set,
as keywords.  FileIn/FileOut arguments arrive as :class:`transfer.FileIn` /
:class:`transfer.FileOut` objects.  Returned device names are put back in
``/dev/sd*`` form here, from the return kind.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

from guestfs.actions import ACTIONS, Action

from . import context
from .errors import DaemonError, NotSupported

Impl = Callable[..., Any]
IMPLS: dict[str, Impl] = {}


def action(name: str) -> Callable[[Impl], Impl]:
    """Register ``fn`` as the daemon's implementation of action ``name``."""
    act = ACTIONS.get(name)
    if act is None or not act.daemon:
        raise ValueError(f"{name!r} is not a daemon action in the registry")

    def deco(fn: Impl) -> Impl:
        if name in IMPLS:
            raise ValueError(f"{name!r} implemented twice ({IMPLS[name].__module__}, {fn.__module__})")
        IMPLS[name] = fn
        return fn
    return deco


def load_impls() -> None:
    """Import every ``daemon/impl/*.py`` module so their actions register.

    A plain directory listing: pkgutil costs a tenth of a second of boot
    under TCG.
    """
    from . import impl
    for path in impl.__path__:
        for fname in sorted(os.listdir(path)):
            if fname.endswith(".py") and not fname.startswith("_"):
                importlib.import_module(f"{impl.__name__}.{fname[:-3]}")


def check_path(path: str) -> str:
    """Pathname policy: absolute, and some filesystem mounted on /."""
    if not path.startswith("/"):
        raise DaemonError(f"{path}: path must start with a / character", "EINVAL")
    if not context.is_root_mounted():
        raise DaemonError("you must call 'mount' first to mount the root filesystem", "EINVAL")
    if "\0" in path:
        raise DaemonError("path contains a NUL byte", "EINVAL")
    return path


def _convert_string(subtype: str | None, value: str) -> Any:
    if subtype in ("Device",):
        return context.resolve_device(value)
    if subtype in ("Mountable", "Mountable_or_Path"):
        if value.startswith("/dev/"):
            return context.resolve_device(value)
        if value.startswith("btrfsvol:") or subtype == "Mountable":
            return value
        return context.sysroot_path(check_path(value))
    if subtype == "Dev_or_Path":
        if value.startswith("/dev/"):
            return context.resolve_device(value)
        return context.sysroot_path(check_path(value))
    if subtype == "Pathname":
        return check_path(value)
    return value


def convert_args(act: Action, args: dict[str, Any]) -> list[Any]:
    """Apply the per-kind argument policy, in declaration order."""
    out = []
    for a in act.wire_args:
        v = args[a.name]
        if a.kind == "String":
            v = _convert_string(a.subtype, v)
        elif a.kind == "StringList" and a.subtype in ("Device", "Pathname"):
            v = [_convert_string(a.subtype, x) for x in v]
        out.append(v)
    return out


def canonical_return(act: Action, value: Any) -> Any:
    """Put device names in returns into the form callers use."""
    r = act.ret
    if r.kind == "RString" and r.subtype in ("RDevice", "RMountable") and isinstance(value, str):
        return context.canonical_device(value)
    if r.kind == "RStringList" and r.subtype in ("RDevice", "RMountable"):
        return [context.canonical_device(v) for v in value]
    if r.kind == "RHashtable" and (r.key_subtype in ("RDevice", "RMountable") or
                                   r.value_subtype in ("RDevice", "RMountable")):
        items = value.items() if isinstance(value, dict) else value
        fk = context.canonical_device if r.key_subtype in ("RDevice", "RMountable") else str
        fv = context.canonical_device if r.value_subtype in ("RDevice", "RMountable") else str
        return [(fk(k), fv(v)) for k, v in items]
    return value


def lookup(act: Action) -> Impl:
    """The implementation of ``act``, or raise :class:`NotSupported`."""
    fn = IMPLS.get(act.name)
    if fn is None:
        raise NotSupported(act.name)
    return fn
