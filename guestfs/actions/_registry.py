"""Registry types and construction (see ``guestfs/actions/__init__.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..protocol.errors import LocalProtocolError, RemoteProtocolError
from ..protocol.facts import load_facts
from ..protocol.xdr import StructCodec, zero_value
from .kinds import ArgKind, RetKind, arg_kind, optarg_kind, ret_kind


@dataclass(frozen=True)
class Arg:
    """A positional argument and its kind object."""

    name: str
    kind: ArgKind


@dataclass(frozen=True)
class OptArg:
    """An optional (keyword) argument; ``bit`` is its place in the bitmask."""

    name: str
    kind: ArgKind
    bit: int


@dataclass
class Action:
    """One libguestfs action and the wire facts about it."""

    name: str
    proc_nr: int | None
    daemon: bool
    args: tuple[Arg, ...]
    optargs: tuple[OptArg, ...]
    ret: RetKind
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
        return next((a for a in self.args if a.kind.stream == "in"), None)

    @cached_property
    def fileout(self) -> Arg | None:
        """The FileOut argument, if the daemon streams data back."""
        return next((a for a in self.args if a.kind.stream == "out"), None)

    @cached_property
    def wire_args(self) -> tuple[Arg, ...]:
        """Positional arguments that go inside the args struct."""
        return tuple(a for a in self.args if a.kind.stream is None)

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
        """Encode a return value (daemon side), shaped for the wire by its kind."""
        codec = self.ret_codec
        if codec is None:
            return b""
        return codec.encode({codec.names[0]: self.ret.to_wire(value)})

    def decode_ret(self, payload: bytes) -> Any:
        """Decode a reply payload into the binding's shape (hashtable: pairs)."""
        codec = self.ret_codec
        if codec is None:
            if payload:
                raise RemoteProtocolError(f"{self.name}: unexpected return data")
            return None
        v = codec.decode(payload)[codec.names[0]]
        try:
            return self.ret.from_wire(v)
        except ValueError as e:
            raise RemoteProtocolError(f"{self.name}: {e}") from None


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


_FIELD_SAMPLES: dict[str, tuple[Any, ...]] = {
    "int32": (-7, 2**31 - 1), "enum": (1, 0), "uint32": (7, 2**32 - 1),
    "int64": (-(2**40), 2**63 - 1), "uint64": (2**40, 2**64 - 1), "bool": (True, False),
    "char": ("x", "\x7f"), "float": (1.5, -1.0), "string": ("name-é", ""),
    "opaque": (b"\0\xffdata", b""), "optional_string": ("present", None),
    "string_list": (["a", "b c"], []),
}


def sample_field(field: Mapping[str, Any], variant: int = 0) -> Any:
    """A sample value of one XDR field of the facts (structs nest), for tests."""
    t = field["type"]
    if t == "opaque_fixed":
        return ("0123456789abcdef" * 4)[: field["size"]] if variant % 2 == 0 else "z" * field["size"]
    if t == "struct":
        return sample_struct(field["struct"], variant)
    if t == "struct_list":
        return [sample_struct(field["struct"], i) for i in range(variant % 2 + 2)]
    return _FIELD_SAMPLES[t][variant % 2]


def sample_struct(name: str, variant: int = 0) -> dict[str, Any]:
    """A sample value of every field of return struct ``name``, for tests."""
    codec = struct_codecs()[name]
    return {f["name"]: sample_field(f, variant + i) for i, f in enumerate(codec.fields)}


def _make_action(a: Mapping[str, Any], structs: Mapping[str, Sequence[Mapping[str, Any]]]) -> Action:
    return Action(
        name=a["name"],
        proc_nr=a["proc_nr"],
        daemon=a["daemon"],
        args=tuple(Arg(x["name"], arg_kind(x["kind"], x.get("subtype"))) for x in a["args"]),
        optargs=tuple(OptArg(o["name"], optarg_kind(o["kind"]), o["bit"]) for o in a["optargs"]),
        ret=ret_kind(a["ret"], structs, sample_struct),
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
    structs = {s["name"]: s["fields"] for s in facts["structs"]}
    actions = {a["name"]: _make_action(a, structs) for a in facts["actions"]}
    # Daemon procedures that libguestfs 1.48 (the stock peer) still has and
    # that later releases moved to the library side: the facts record their
    # 1.48 layout, and both peers must keep speaking it.
    for old in facts["compat"]["daemon_procs_only_at_compare_ref"]:
        prev = actions.get(old["name"])
        merged = dict(prev.facts) if prev else {}
        merged.update(old, daemon=True, proc_nr=old["proc_nr"])
        merged.setdefault("visibility", "public")
        merged.setdefault("non_c_aliases", [])
        actions[old["name"]] = _make_action(merged, structs)
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
