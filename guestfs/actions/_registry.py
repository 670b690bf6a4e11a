"""Registry types and construction (see ``guestfs/actions/__init__.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..protocol.errors import LocalProtocolError, RemoteProtocolError
from ..protocol.facts import load_facts
from ..protocol.xdr import StructCodec, zero_value

#: Argument subtypes whose data travels as a chunk stream, not in the args struct.
STREAM_SUBTYPES = frozenset({"FileIn", "FileOut"})


@dataclass(frozen=True)
class Arg:
    """A positional argument: ``kind`` (String, Int …) and string ``subtype``."""

    name: str
    kind: str
    subtype: str | None = None


@dataclass(frozen=True)
class OptArg:
    """An optional (keyword) argument; ``bit`` is its place in the bitmask."""

    name: str
    kind: str
    bit: int


@dataclass(frozen=True)
class Ret:
    """The return kind and, for structs and hashtables, what they hold."""

    kind: str
    name: str | None = None
    subtype: str | None = None
    struct: str | None = None
    key_subtype: str | None = None
    value_subtype: str | None = None


@dataclass
class Action:
    """One libguestfs action and the wire facts about it."""

    name: str
    proc_nr: int | None
    daemon: bool
    args: tuple[Arg, ...]
    optargs: tuple[OptArg, ...]
    ret: Ret
    visibility: str
    args_xdr: Sequence[Mapping[str, Any]] | None
    ret_xdr: Sequence[Mapping[str, Any]] | None
    aliases: tuple[str, ...] = ()
    deprecated_by: str | None = None
    optional: str | None = None
    config_only: bool = False
    progress: bool = False
    cancellable: bool = False
    added: tuple[int, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict, repr=False)

    # -- derived facts -------------------------------------------------

    @cached_property
    def filein(self) -> Arg | None:
        """The FileIn argument, if the action streams data to the daemon."""
        return next((a for a in self.args if a.subtype == "FileIn"), None)

    @cached_property
    def fileout(self) -> Arg | None:
        """The FileOut argument, if the daemon streams data back."""
        return next((a for a in self.args if a.subtype == "FileOut"), None)

    @cached_property
    def wire_args(self) -> tuple[Arg, ...]:
        """Positional arguments that go inside the args struct."""
        return tuple(a for a in self.args if a.subtype not in STREAM_SUBTYPES)

    @cached_property
    def optargs_valid_mask(self) -> int:
        return (1 << len(self.optargs)) - 1

    @cached_property
    def args_codec(self) -> StructCodec | None:
        if not self.args_xdr:
            return None
        return StructCodec(f"guestfs_{self.name}_args", self.args_xdr, struct_codecs())

    @cached_property
    def ret_codec(self) -> StructCodec | None:
        if not self.ret_xdr:
            return None
        return StructCodec(f"guestfs_{self.name}_ret", self.ret_xdr, struct_codecs())

    # -- codec ----------------------------------------------------------

    def encode_args(self, args: Mapping[str, Any], optargs: Mapping[str, Any]) -> tuple[bytes, int]:
        """Encode the args struct.

        :param args: positional values by name (FileIn/FileOut are ignored).
        :param optargs: the optional arguments that are set, by name.
        :returns: the payload and the header's optargs bitmask.
        """
        bitmask = 0
        for o in self.optargs:
            if o.name in optargs:
                bitmask |= 1 << o.bit
        unknown = set(optargs) - {o.name for o in self.optargs}
        if unknown:
            raise LocalProtocolError(f"{self.name}: unknown optional arguments {sorted(unknown)}")
        codec = self.args_codec
        if codec is None:
            return b"", bitmask
        values: dict[str, Any] = dict(args)
        for f in codec.fields[len(self.wire_args):]:
            values[f["name"]] = optargs.get(f["name"], zero_value(f))
        return codec.encode(values), bitmask

    def decode_args(self, payload: bytes, bitmask: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """Decode a call's args struct (daemon side).

        Optional-argument fields missing at the end of the struct are read as
        unset, so older libraries that send shorter structs still work.

        :returns: positional values by name, and the optional ones that are set.
        """
        if bitmask & ~self.optargs_valid_mask:
            raise RemoteProtocolError(
                f"{self.name}: unknown option in optional arguments bitmask {bitmask:#x}")
        codec = self.args_codec
        if codec is None:
            if payload:
                raise RemoteProtocolError(f"{self.name}: unexpected arguments")
            return {}, {}
        values = codec.decode(payload, optional_tail=len(self.optargs))
        args = {a.name: values[a.name] for a in self.wire_args}
        opts = {o.name: values[o.name] for o in self.optargs if bitmask >> o.bit & 1}
        return args, opts

    def encode_ret(self, value: Any) -> bytes:
        """Encode a return value (daemon side); hashtables go in as pairs or dicts."""
        codec = self.ret_codec
        if codec is None:
            return b""
        if self.ret.kind == "RHashtable":
            pairs = value.items() if isinstance(value, Mapping) else value
            value = [s for kv in pairs for s in kv]
        return codec.encode({codec.names[0]: value})

    def decode_ret(self, payload: bytes) -> Any:
        """Decode a reply payload into the binding's shape (hashtable: pairs)."""
        codec = self.ret_codec
        if codec is None:
            if payload:
                raise RemoteProtocolError(f"{self.name}: unexpected return data")
            return None
        v = codec.decode(payload)[codec.names[0]]
        if self.ret.kind == "RHashtable":
            if len(v) % 2:
                raise RemoteProtocolError(f"{self.name}: hashtable with an odd number of strings")
            return list(zip(v[0::2], v[1::2]))
        return v


@dataclass
class _Registry:
    actions: dict[str, Action]
    by_proc: dict[int, Action]
    structs: dict[str, StructCodec]


def _struct_codecs(facts: Mapping[str, Any]) -> dict[str, StructCodec]:
    out: dict[str, StructCodec] = {}
    for s in facts["structs"]:
        out[s["name"]] = StructCodec(s["xdr_struct"], s["fields"], out)
    return out


def _make_action(a: Mapping[str, Any]) -> Action:
    r = a["ret"]
    return Action(
        name=a["name"],
        proc_nr=a["proc_nr"],
        daemon=a["daemon"],
        args=tuple(Arg(x["name"], x["kind"], x.get("subtype")) for x in a["args"]),
        optargs=tuple(OptArg(o["name"], o["kind"], o["bit"]) for o in a["optargs"]),
        ret=Ret(r["kind"], r.get("name"), r.get("subtype"), r.get("struct"),
                r.get("key_subtype"), r.get("value_subtype")),
        visibility=a["visibility"],
        args_xdr=a["args_xdr"],
        ret_xdr=a["ret_xdr"],
        aliases=tuple(a.get("non_c_aliases") or ()),
        deprecated_by=a.get("deprecated_by"),
        optional=a.get("optional"),
        config_only=a.get("config_only", False),
        progress=a.get("progress", False),
        cancellable=a.get("cancellable", False),
        added=tuple(a.get("added") or ()),
        facts=a,
    )


def _build() -> _Registry:
    facts = load_facts()
    actions = {a["name"]: _make_action(a) for a in facts["actions"]}
    # Daemon procedures that libguestfs 1.48 (the stock peer) still has and
    # that later releases moved to the library side: the facts record their
    # 1.48 layout, and both peers must keep speaking it.
    for old in facts["compat"]["daemon_procs_only_at_compare_ref"]:
        prev = actions.get(old["name"])
        merged = dict(prev.facts) if prev else {}
        merged.update(old, daemon=True, proc_nr=old["proc_nr"])
        merged.setdefault("visibility", "public")
        merged.setdefault("non_c_aliases", [])
        actions[old["name"]] = _make_action(merged)
    by_proc: dict[int, Action] = {}
    for act in actions.values():
        if act.daemon:
            assert act.proc_nr is not None and act.proc_nr not in by_proc, act.name
            by_proc[act.proc_nr] = act
    return _Registry(actions, by_proc, _struct_codecs(facts))


_REG = _build()
ACTIONS: Mapping[str, Action] = _REG.actions
BY_PROC: Mapping[int, Action] = _REG.by_proc


def struct_codecs() -> Mapping[str, StructCodec]:
    """Codecs of every return struct, by struct name."""
    return _REG.structs


def get_action(name: str) -> Action:
    """Look an action up by name or alias.

    :raises KeyError: if there is no such action.
    """
    try:
        return ACTIONS[name]
    except KeyError:
        for a in ACTIONS.values():
            if name in a.aliases:
                return a
        raise
