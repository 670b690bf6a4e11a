"""Dispatch table: action name → implementation, with argument policy derived
from the registry.

An implementation is a plain function registered with :func:`action`; it
receives the call's positional arguments already checked and translated by
kind (``guestfs/actions/kinds.py``): a ``Pathname`` becomes a checked
:class:`GuestPath`, a ``Device`` the appliance's :class:`DeviceNode`, a
``Dev_or_Path`` one of the two; then the optional arguments that were set,
as keywords.  FileIn/FileOut arguments arrive as :class:`streams.FileIn` /
:class:`streams.FileOut` objects.  Returned device names are put back in
``/dev/sd*`` form here, from the return kind.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any, TypeVar

from guestfs.actions import ACTIONS, Action
from guestfs.actions.kinds import ArgKind, BtrfsVolume, DeviceNode, GuestPath, RetKind
from guestfs.actions.unimplemented import NOT_IMPLEMENTED
from guestfs.protocol import RemoteProtocolError
from guestfs.protocol.messages import HEADER_SIZE

from . import context
from .errors import DaemonError, NotSupported

Impl = Callable[..., Any]
_F = TypeVar("_F", bound=Impl)
IMPLS: dict[str, Impl] = {}


def action(name: str) -> Callable[[_F], _F]:
    """Register ``fn`` as the daemon's implementation of action ``name``."""
    act = ACTIONS.get(name)
    if act is None or not act.daemon:
        raise ValueError(f"{name!r} is not a daemon action in the registry")

    def deco(fn: _F) -> _F:
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


def check_path(path: str) -> GuestPath:
    """Pathname policy: absolute, no NUL, and some filesystem mounted on /."""
    if not path.startswith("/"):
        raise DaemonError(f"{path}: path must start with a / character", "EINVAL")
    if not context.is_root_mounted():
        raise DaemonError("you must call 'mount' first to mount the root filesystem", "EINVAL")
    if "\0" in path:
        raise DaemonError("path contains a NUL byte", "EINVAL")
    return GuestPath(path)


def split_btrfsvol(name: str) -> BtrfsVolume:
    """``btrfsvol:DEVICE/SUBVOLUME``: the shortest prefix that is a device,
    then the subvolume path (device names may contain slashes)."""
    rest = name[len("btrfsvol:"):]
    # libguestfs's one message for a btrfsvol: name whose device is not there.
    wrong = DaemonError(f"{name}: expecting a btrfs volume", "EINVAL")
    if not rest.startswith("/dev/"):
        raise wrong
    start = len("/dev/")
    while True:
        slash = rest.find("/", start)
        if slash < 0:
            break
        try:
            dev = DeviceNode(context.resolve_device(rest[:slash]))
        except DaemonError:
            start = slash + 1
            continue
        return BtrfsVolume(name, dev, rest[slash + 1:])
    raise wrong


class _Side:
    """The daemon's half of the argument kinds (``guestfs.actions.kinds.DaemonSide``)."""

    @staticmethod
    def device(name: str) -> DeviceNode:
        return DeviceNode(context.resolve_device(name))

    @staticmethod
    def path(name: str) -> GuestPath:
        return check_path(name)

    @staticmethod
    def btrfs_volume(name: str) -> BtrfsVolume:
        return split_btrfsvol(name)

    @staticmethod
    def caller_device(name: str) -> str:
        return context.canonical_device(name)


SIDE = _Side()


def convert_args(act: Action, args: dict[str, Any]) -> list[Any]:
    """Each argument converted by its kind, in declaration order."""
    return [a.kind.convert(args[a.name], SIDE) for a in act.wire_args]


def refuse_nul_bytes(act: Action, args: dict[str, Any], opts: dict[str, Any]) -> None:
    """Refuse text arguments holding a NUL byte, which no path, device name
    or program argument can carry (the library refuses them already; this
    guards against other clients)."""
    for name, v in (*args.items(), *opts.items()):
        for s in (v if isinstance(v, list) else [v]):
            if isinstance(s, str) and "\0" in s:
                raise DaemonError(f"{act.name}: argument '{name}' contains a NUL byte", "EINVAL")


def canonical_return(act: Action, value: Any) -> Any:
    """Put device names in returns into the form callers use (by return kind)."""
    return act.ret.canonical(value, SIDE)


def lookup(act: Action) -> Impl:
    """The implementation of ``act``, or raise :class:`NotSupported`."""
    fn = IMPLS.get(act.name)
    if fn is None:
        raise NotSupported(act.name, NOT_IMPLEMENTED.get(act.name, "not implemented yet"))
    return fn


# -- the per-call fast path ------------------------------------------------------
#
# The daemon runs under TCG, where every Python-level step of a call costs
# tens of microseconds: what the functions above work out per call from the
# registry (which fields hold text, which kinds convert, the codecs) is
# worked out once per action here.  The checks are the same, in the same
# order, with the same messages: the optional-argument bitmask, the args
# struct (every length against its bound and the message), NUL bytes in
# text, the implementation's existence, then each argument's conversion.

#: Field types that decode to ``str`` (what :func:`refuse_nul_bytes` checks).
_TEXT_TYPES = frozenset({"string", "optional_string", "string_list", "char", "opaque_fixed"})


def _converter(kind: ArgKind) -> Callable[[Any, Any], Any] | None:
    """The kind's daemon-side conversion, or None where it keeps the value."""
    return None if type(kind).convert is ArgKind.convert else kind.convert


class CallPlan:
    """What the daemon needs to serve one action, derived once."""

    __slots__ = ("act", "name", "bad_bits", "codec", "tail", "npos", "text", "opt_bits",
                 "converts", "ret_codec", "ret_shape")

    def __init__(self, act: Action) -> None:
        self.act = act
        self.name = act.name
        self.bad_bits = ~act.optargs_valid_mask
        self.codec = act.args_codec
        self.tail = len(act.optargs)
        wire = act.wire_args
        self.npos = len(wire)
        names = self.codec.names if self.codec is not None else []
        types = [f["type"] for f in self.codec.fields] if self.codec is not None else []
        index = {n: i for i, n in enumerate(names)}
        #: (field index, name, is a list) of every positional text field, in order.
        self.text = [(index[a.name], a.name, types[index[a.name]] == "string_list")
                     for a in wire if types[index[a.name]] in _TEXT_TYPES]
        #: (bit, field index, name, is text, is a list) of each optional argument.
        self.opt_bits = [(o.bit, index[o.name], o.name, types[index[o.name]] in _TEXT_TYPES,
                          types[index[o.name]] == "string_list") for o in act.optargs]
        #: (position, conversion) of each positional argument that converts.
        self.converts = [(i, c) for i, a in enumerate(wire) if (c := _converter(a.kind)) is not None]
        self.ret_codec = act.ret_codec
        ret = act.ret
        rt = type(ret)
        self.ret_shape = (None if rt.canonical is RetKind.canonical else ret.canonical,
                          None if rt.to_wire is RetKind.to_wire else ret.to_wire)

    def arguments(self, body: bytes, bitmask: int) -> tuple[Impl, list[Any], dict[str, Any]]:
        """Decode, check and convert a call's arguments from its body.

        :returns: the implementation, the positional values, the optional
            ones that are set.
        """
        if bitmask & self.bad_bits:
            raise RemoteProtocolError(
                f"{self.name}: unknown option in optional arguments bitmask {bitmask:#x}")
        codec = self.codec
        opts: dict[str, Any] = {}
        if codec is None:
            if len(body) > HEADER_SIZE:
                raise RemoteProtocolError(f"{self.name}: unexpected arguments")
            values: list[Any] = []
        else:
            values = codec.decode_values(body, HEADER_SIZE, self.tail)
            for i, name, is_list in self.text:
                _refuse_nul(self.name, name, values[i], is_list)
            if bitmask:
                for bit, i, name, is_text, is_list in self.opt_bits:
                    if bitmask >> bit & 1:
                        v = opts[name] = values[i]
                        if is_text:
                            _refuse_nul(self.name, name, v, is_list)
        fn = IMPLS.get(self.name)
        if fn is None:
            raise NotSupported(self.name, NOT_IMPLEMENTED.get(self.name, "not implemented yet"))
        pos = values[:self.npos] if self.tail else values
        for i, convert in self.converts:
            pos[i] = convert(pos[i], SIDE)
        return fn, pos, opts

    def reply(self, value: Any) -> bytes:
        """The encoded return value (device names in the callers' form)."""
        codec = self.ret_codec
        if codec is None:
            return b""
        canonical, to_wire = self.ret_shape
        if canonical is not None:
            value = canonical(value, SIDE)
        if to_wire is not None:
            value = to_wire(value)
        return codec.encode_values((value,))


def _refuse_nul(act: str, name: str, v: Any, is_list: bool) -> None:
    if is_list:
        for s in v:
            if "\0" in s:
                raise DaemonError(f"{act}: argument '{name}' contains a NUL byte", "EINVAL")
    elif v is not None and "\0" in v:
        raise DaemonError(f"{act}: argument '{name}' contains a NUL byte", "EINVAL")


_PLANS: dict[int, CallPlan] = {}


def plan(act: Action) -> CallPlan:
    """The call plan of ``act`` (made on its first call)."""
    p = _PLANS.get(id(act))
    if p is None or p.act is not act:
        p = _PLANS[id(act)] = CallPlan(act)
    return p
