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
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from guestfs.actions import ACTIONS, Action
from guestfs.actions.kinds import ArgKind, BtrfsVolume, DeviceNode, GuestPath, RetKind
from guestfs.actions.unimplemented import NOT_IMPLEMENTED
from guestfs.protocol import RemoteProtocolError
from guestfs.protocol.messages import HEADER_SIZE

from . import context
from .errors import DaemonError, NotADevice, NotSupported

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
    """Pathname policy: absolute and no NUL (the mounted root is checked
    after all arguments, :func:`need_root`)."""
    if not path.startswith("/"):
        raise DaemonError("path must start with a / character", "EINVAL")
    if "\0" in path:
        raise DaemonError("path contains a NUL byte", "EINVAL")
    return GuestPath(path)


def need_root() -> None:
    """Refuse a call on guest paths while no filesystem is mounted on /."""
    if not context.is_root_mounted():
        raise DaemonError("you must call 'mount' first to mount the root filesystem", "EINVAL")


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
    def rooted_path(name: str) -> GuestPath:
        need_root()
        return check_path(name)

    @staticmethod
    def device_or_path(name: str) -> DeviceNode | GuestPath:
        try:
            return DeviceNode(context.resolve_device(name))
        except NotADevice:
            need_root()
            return check_path(name)

    @staticmethod
    def btrfs_volume(name: str) -> BtrfsVolume:
        return split_btrfsvol(name)

    @staticmethod
    def caller_device(name: str) -> str:
        return context.canonical_device(name)


SIDE = _Side()


#: Per action: the (position, convert) of each argument whose kind converts
#: at all, and whether the arguments need a mounted root (made on first use).
_CONVERSIONS: dict[str, tuple[tuple[tuple[int, Callable[[Any, Any], Any]], ...], bool]] = {}


def _conversion(act: Action) -> tuple[tuple[tuple[int, Callable[[Any, Any], Any]], ...], bool]:
    c = _CONVERSIONS.get(act.name)
    if c is None:
        steps = tuple((i, a.kind.convert) for i, a in enumerate(act.wire_args)
                      if type(a.kind).convert is not ArgKind.convert)
        c = _CONVERSIONS[act.name] = (steps, any(a.kind.needs_root for a in act.wire_args))
    return c


def convert_values(act: Action, values: list[Any]) -> list[Any]:
    """Each argument (``values``: the wire arguments in declaration order)
    converted by its kind, in order, then the mounted root checked if a kind
    needs it.  A refusal names the action's stub as libguestfs's daemon does
    (``mkdir: mkdir_stub: path must …``)."""
    steps, needs_root = _conversion(act)
    out = values[:len(act.wire_args)]
    try:
        for i, convert in steps:
            out[i] = convert(out[i], SIDE)
        if needs_root:
            need_root()
    except DaemonError as e:
        raise DaemonError(f"{act.name}_stub: {e}", e.errno) from None
    return out


def convert_args(act: Action, args: dict[str, Any]) -> list[Any]:
    """:func:`convert_values` of the arguments given by name."""
    return convert_values(act, [args[a.name] for a in act.wire_args])


def refuse_nul_in(act: Action, named: Iterable[tuple[str, Any]]) -> None:
    """Refuse text arguments holding a NUL byte, which no path, device name
    or program argument can carry (the library refuses them already; this
    guards against other clients)."""
    for name, v in named:
        if isinstance(v, str):
            if "\0" in v:
                raise DaemonError(f"{act.name}: argument '{name}' contains a NUL byte", "EINVAL")
        elif isinstance(v, list):
            for s in v:
                if isinstance(s, str) and "\0" in s:
                    raise DaemonError(f"{act.name}: argument '{name}' contains a NUL byte", "EINVAL")


def refuse_nul_bytes(act: Action, args: dict[str, Any], opts: dict[str, Any]) -> None:
    """:func:`refuse_nul_in` of the arguments and set optional arguments by name."""
    refuse_nul_in(act, (*args.items(), *opts.items()))


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
# tens of microseconds: the wire work the registry does per call (the args
# struct into dicts, the return value through a dict) is worked out once per
# action here, and kinds that leave a value as it is cost nothing.  The
# argument policy stays in the functions above (:func:`refuse_nul_in`,
# :func:`lookup`, :func:`convert_values`, then the return kind's
# ``canonical`` as in :func:`canonical_return`), called in the same order.


class CallPlan:
    """What the daemon needs to decode one action's calls and encode its
    replies, derived once."""

    __slots__ = ("act", "name", "bad_bits", "codec", "tail", "arg_names", "opt_bits", "ret_codec",
                 "canonical", "to_wire")

    def __init__(self, act: Action) -> None:
        self.act = act
        self.name = act.name
        self.bad_bits = ~act.optargs_valid_mask
        self.codec = act.args_codec
        self.tail = len(act.optargs)
        names = self.codec.names if self.codec is not None else []
        index = {n: i for i, n in enumerate(names)}
        #: The arguments come first among the fields, the optional ones after.
        self.arg_names = [a.name for a in act.wire_args]
        #: (bit, field index, name) of each optional argument.
        self.opt_bits = [(o.bit, index[o.name], o.name) for o in act.optargs]
        self.ret_codec = act.ret_codec
        # The return kind's steps, only where the kind does something
        # (:func:`canonical_return`, then the wire form).
        ret = type(act.ret)
        self.canonical = act.ret.canonical if ret.canonical is not RetKind.canonical else None
        self.to_wire = act.ret.to_wire if ret.to_wire is not RetKind.to_wire else None

    def arguments(self, body: bytes, bitmask: int) -> tuple[Impl, list[Any], dict[str, Any]]:
        """Decode a call's arguments from its body (what ``Action.decode_args``
        checks: the bitmask, every length against its bound and the message,
        no trailing bytes), then apply the argument policy.

        :returns: the implementation, the converted positional values, the
            optional ones that are set.
        """
        if bitmask & self.bad_bits:
            raise RemoteProtocolError(
                f"{self.name}: unknown option in optional arguments bitmask {bitmask:#x}")
        codec = self.codec
        opts: dict[str, Any] = {}
        act = self.act
        if codec is None:
            if len(body) > HEADER_SIZE:
                raise RemoteProtocolError(f"{self.name}: unexpected arguments")
            return lookup(act), [], opts
        values = codec.decode_values(body, HEADER_SIZE, self.tail)
        if bitmask:
            for bit, i, name in self.opt_bits:
                if bitmask >> bit & 1:
                    opts[name] = values[i]
        refuse_nul_in(act, zip(self.arg_names, values))
        if opts:
            refuse_nul_in(act, opts.items())
        fn = lookup(act)
        return fn, convert_values(act, values), opts

    def reply(self, value: Any) -> bytes:
        """The encoded return value (device names in the callers' form)."""
        codec = self.ret_codec
        if codec is None:
            return b""
        if self.canonical is not None:
            value = self.canonical(value, SIDE)
        if self.to_wire is not None:
            value = self.to_wire(value)
        return codec.encode_values((value,))


_PLANS: dict[int, CallPlan] = {}


def plan(act: Action) -> CallPlan:
    """The call plan of ``act`` (made on its first call)."""
    p = _PLANS.get(id(act))
    if p is None or p.act is not act:
        p = _PLANS[id(act)] = CallPlan(act)
    return p
