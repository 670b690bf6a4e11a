"""XDR codecs for the field lists in the protocol facts, built on xdrlib3.

Each field of the facts has a normalised ``type`` (see the facts README);
:func:`field_codec` turns one field into a pair of pack/unpack functions and
:class:`StructCodec` strings them together for a whole struct (an action's
args or ret struct, a return struct, the fixed messages).  Values are what
the Python API uses: ``str`` for strings, ``bytes`` for opaque data, ``dict``
for structs.  Every length read from the wire is checked against the bytes
that remain and against the field's bound before anything is allocated.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import xdrlib3

from .errors import LocalProtocolError, RemoteProtocolError

Pack = Callable[[xdrlib3.Packer, Any], None]
Unpack = Callable[[xdrlib3.Unpacker], Any]
#: The fast path's field reader: ``(data, pos) -> (value, next pos)``.
Read = Callable[[bytes, int], tuple[Any, int]]
#: The fast path's field writer: appends the field's bytes to a list.
Write = Callable[[list[bytes], Any], None]

_INT32 = (-(2**31), 2**31 - 1)
_UINT32 = (0, 2**32 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_UINT64 = (0, 2**64 - 1)


def to_bytes(value: Any, what: str) -> bytes:
    """Encode a str (UTF-8, lone surrogates kept) or pass bytes through."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise LocalProtocolError(f"{what}: expected str or bytes, got {type(value).__name__}")


def to_str(data: bytes) -> str:
    """Decode wire bytes to str without ever failing on bad UTF-8."""
    return data.decode("utf-8", "surrogateescape")


def _remaining(u: xdrlib3.Unpacker) -> int:
    return len(u.get_buffer()) - u.get_position()


def _read_len(u: xdrlib3.Unpacker, what: str, bound: int | None, item_min: int) -> int:
    """Read a length/count word and check it against the bound and the data left."""
    try:
        n = u.unpack_uint()
    except EOFError:
        raise RemoteProtocolError(f"{what}: message truncated") from None
    if bound is not None and n > bound:
        raise RemoteProtocolError(f"{what}: length {n} exceeds the limit {bound}")
    if n * item_min > _remaining(u):
        raise RemoteProtocolError(f"{what}: length {n} exceeds the message")
    return n


def _int_codec(lo_hi: tuple[int, int], pack_name: str, unpack_name: str, what: str) -> tuple[Pack, Unpack]:
    lo, hi = lo_hi

    def pack(p: xdrlib3.Packer, v: Any) -> None:
        if isinstance(v, bool):
            v = int(v)
        if not isinstance(v, int):
            raise LocalProtocolError(f"{what}: expected an integer, got {type(v).__name__}")
        if not lo <= v <= hi:
            raise LocalProtocolError(f"{what}: {v} is out of range")
        getattr(p, pack_name)(v)

    unpack_attr = unpack_name

    def unpack(u: xdrlib3.Unpacker) -> int:
        try:
            return int(getattr(u, unpack_attr)())
        except EOFError:
            raise RemoteProtocolError(f"{what}: message truncated") from None

    return pack, unpack


def field_codec(field: Mapping[str, Any], structs: Mapping[str, StructCodec]) -> tuple[Pack, Unpack]:
    """Return (pack, unpack) for one facts field description."""
    t = field["type"]
    what = field["name"]
    if t in ("int32", "enum"):
        return _int_codec(_INT32, "pack_int", "unpack_int", what)
    if t == "uint32":
        return _int_codec(_UINT32, "pack_uint", "unpack_uint", what)
    if t == "int64":
        return _int_codec(_INT64, "pack_hyper", "unpack_hyper", what)
    if t == "uint64":
        return _int_codec(_UINT64, "pack_uhyper", "unpack_uhyper", what)
    if t == "bool":
        def pack_bool(p: xdrlib3.Packer, v: Any) -> None:
            p.pack_bool(bool(v))

        def unpack_bool(u: xdrlib3.Unpacker) -> bool:
            try:
                return u.unpack_bool()
            except EOFError:
                raise RemoteProtocolError(f"{what}: message truncated") from None
        return pack_bool, unpack_bool
    if t == "char":
        def pack_char(p: xdrlib3.Packer, v: Any) -> None:
            if isinstance(v, int):
                b = bytes([v & 0xFF])
            elif isinstance(v, str) and len(v) == 1 and ord(v) < 256:
                b = v.encode("latin-1")  # the inverse of unpack_char's chr()
            else:
                b = to_bytes(v, what)
            if len(b) != 1:
                raise LocalProtocolError(f"{what}: expected one character")
            p.pack_int(b[0] - 256 if b[0] > 127 else b[0])

        def unpack_char(u: xdrlib3.Unpacker) -> str:
            try:
                return chr(u.unpack_int() & 0xFF)
            except EOFError:
                raise RemoteProtocolError(f"{what}: message truncated") from None
        return pack_char, unpack_char
    if t == "float":
        def pack_float(p: xdrlib3.Packer, v: Any) -> None:
            p.pack_float(float(v))

        def unpack_float(u: xdrlib3.Unpacker) -> float:
            try:
                return u.unpack_float()
            except EOFError:
                raise RemoteProtocolError(f"{what}: message truncated") from None
        return pack_float, unpack_float
    if t in ("string", "opaque"):
        bound = field.get("max")
        as_text = t == "string"

        def pack_str(p: xdrlib3.Packer, v: Any) -> None:
            b = to_bytes(v, what)
            if bound is not None and len(b) > bound:
                raise LocalProtocolError(f"{what}: {len(b)} bytes exceeds the limit {bound}")
            p.pack_opaque(b)

        def unpack_str(u: xdrlib3.Unpacker) -> Any:
            n = _read_len(u, what, bound, 1)
            data = u.unpack_fopaque(n)
            return to_str(data) if as_text else bytes(data)
        return pack_str, unpack_str
    if t == "opaque_fixed":
        size = int(field["size"])

        def pack_fixed(p: xdrlib3.Packer, v: Any) -> None:
            b = to_bytes(v, what)
            if len(b) > size:
                raise LocalProtocolError(f"{what}: {len(b)} bytes exceeds the size {size}")
            p.pack_fopaque(size, b.ljust(size, b"\0"))

        def unpack_fixed(u: xdrlib3.Unpacker) -> str:
            try:
                return to_str(u.unpack_fopaque(size))
            except EOFError:
                raise RemoteProtocolError(f"{what}: message truncated") from None
        return pack_fixed, unpack_fixed
    if t == "optional_string":
        pack_s, unpack_s = field_codec({"name": what, "type": "string"}, structs)

        def pack_opt(p: xdrlib3.Packer, v: Any) -> None:
            if v is None:
                p.pack_uint(0)
            else:
                p.pack_uint(1)
                pack_s(p, v)

        def unpack_opt(u: xdrlib3.Unpacker) -> str | None:
            present = _read_len(u, what, 1, 0)
            return unpack_s(u) if present else None
        return pack_opt, unpack_opt
    if t == "string_list":
        pack_s, unpack_s = field_codec({"name": what, "type": "string"}, structs)

        def pack_list(p: xdrlib3.Packer, v: Any) -> None:
            if isinstance(v, (str, bytes)) or not isinstance(v, Sequence):
                raise LocalProtocolError(f"{what}: expected a list of strings")
            p.pack_uint(len(v))
            for item in v:
                pack_s(p, item)

        def unpack_list(u: xdrlib3.Unpacker) -> list[str]:
            n = _read_len(u, what, None, 4)
            return [unpack_s(u) for _ in range(n)]
        return pack_list, unpack_list
    if t in ("struct", "struct_list"):
        sc = structs[field["struct"]]
        if t == "struct":
            return sc.pack_into, sc.unpack_from
        item_min = sc.min_size

        def pack_slist(p: xdrlib3.Packer, v: Any) -> None:
            p.pack_uint(len(v))
            for item in v:
                sc.pack_into(p, item)

        def unpack_slist(u: xdrlib3.Unpacker) -> list[dict[str, Any]]:
            n = _read_len(u, what, None, item_min)
            return [sc.unpack_from(u) for _ in range(n)]
        return pack_slist, unpack_slist
    raise ValueError(f"unknown XDR field type {t!r} for {what}")


# -- the fast path ---------------------------------------------------------
#
# Every call and reply goes through these codecs, and the daemon runs them
# under TCG where each Python-level call costs tens of microseconds.  So the
# common field types (integers, bools, strings, string lists) also get a
# reader over ``(bytes, offset)`` and a writer into a list of parts, without
# xdrlib3's objects.  They apply the same checks, with the same messages, as
# the xdrlib3 codecs above (which stay for structs and the rarer types).

_U32 = struct.Struct(">I")
_I32 = struct.Struct(">i")
_U64 = struct.Struct(">Q")
_I64 = struct.Struct(">q")
_PAD = (b"", b"\0\0\0", b"\0\0", b"\0")
_TRUE, _FALSE = _U32.pack(1), _U32.pack(0)


class _Truncated(Exception):
    """A fixed-size read past the end (worded by the struct's reader)."""


def _fast_int(st: struct.Struct, lo_hi: tuple[int, int], what: str) -> tuple[Read, Write]:
    lo, hi = lo_hi
    size = st.size
    unpack_from, pack = st.unpack_from, st.pack

    def read(data: bytes, pos: int) -> tuple[Any, int]:
        end = pos + size
        if end > len(data):
            raise RemoteProtocolError(f"{what}: message truncated")
        return unpack_from(data, pos)[0], end

    def write(out: list[bytes], v: Any) -> None:
        if v.__class__ is not int:
            if isinstance(v, bool):
                v = int(v)
            elif not isinstance(v, int):
                raise LocalProtocolError(f"{what}: expected an integer, got {type(v).__name__}")
        if not lo <= v <= hi:
            raise LocalProtocolError(f"{what}: {v} is out of range")
        out.append(pack(v))

    return read, write


def _fast_bool(what: str) -> tuple[Read, Write]:
    unpack_from = _I32.unpack_from

    def read(data: bytes, pos: int) -> tuple[Any, int]:
        if pos + 4 > len(data):
            raise RemoteProtocolError(f"{what}: message truncated")
        return unpack_from(data, pos)[0] != 0, pos + 4

    def write(out: list[bytes], v: Any) -> None:
        out.append(_TRUE if v else _FALSE)

    return read, write


def _fast_str(what: str, struct_name: str, bound: int | None, as_text: bool) -> tuple[Read, Write]:
    unpack_from, pack = _U32.unpack_from, _U32.pack
    truncated = f"{struct_name}.{what}: message truncated"

    def read(data: bytes, pos: int) -> tuple[Any, int]:
        start = pos + 4
        if start > len(data):
            raise RemoteProtocolError(f"{what}: message truncated")
        (n,) = unpack_from(data, pos)
        if bound is not None and n > bound:
            raise RemoteProtocolError(f"{what}: length {n} exceeds the limit {bound}")
        if start + n > len(data):
            raise RemoteProtocolError(f"{what}: length {n} exceeds the message")
        end = start + n
        nxt = start + (n + 3) // 4 * 4
        if nxt > len(data):
            raise RemoteProtocolError(truncated)
        raw = data[start:end]
        return (raw.decode("utf-8", "surrogateescape") if as_text else bytes(raw)), nxt

    def write(out: list[bytes], v: Any) -> None:
        if v.__class__ is str:
            b = v.encode("utf-8", "surrogateescape")
        else:
            b = to_bytes(v, what)
        n = len(b)
        if bound is not None and n > bound:
            raise LocalProtocolError(f"{what}: {n} bytes exceeds the limit {bound}")
        out.append(pack(n))
        out.append(b)
        if n & 3:
            out.append(_PAD[n & 3])

    return read, write


def _fast_opt_str(what: str, struct_name: str) -> tuple[Read, Write]:
    read_s, write_s = _fast_str(what, struct_name, None, True)
    unpack_from = _U32.unpack_from

    def read(data: bytes, pos: int) -> tuple[Any, int]:
        if pos + 4 > len(data):
            raise RemoteProtocolError(f"{what}: message truncated")
        (present,) = unpack_from(data, pos)
        if present > 1:
            raise RemoteProtocolError(f"{what}: length {present} exceeds the limit 1")
        if not present:
            return None, pos + 4
        return read_s(data, pos + 4)

    def write(out: list[bytes], v: Any) -> None:
        if v is None:
            out.append(_FALSE)
        else:
            out.append(_TRUE)
            write_s(out, v)

    return read, write


def _fast_str_list(what: str, struct_name: str) -> tuple[Read, Write]:
    read_s, write_s = _fast_str(what, struct_name, None, True)
    unpack_from, pack = _U32.unpack_from, _U32.pack

    def read(data: bytes, pos: int) -> tuple[Any, int]:
        if pos + 4 > len(data):
            raise RemoteProtocolError(f"{what}: message truncated")
        (n,) = unpack_from(data, pos)
        pos += 4
        if n * 4 > len(data) - pos:
            raise RemoteProtocolError(f"{what}: length {n} exceeds the message")
        out = []
        for _ in range(n):
            v, pos = read_s(data, pos)
            out.append(v)
        return out, pos

    def write(out: list[bytes], v: Any) -> None:
        if isinstance(v, (str, bytes)) or not isinstance(v, Sequence):
            raise LocalProtocolError(f"{what}: expected a list of strings")
        out.append(pack(len(v)))
        for item in v:
            write_s(out, item)

    return read, write


def fast_field_codec(field: Mapping[str, Any], struct_name: str) -> tuple[Read, Write] | None:
    """The fast-path (read, write) of one field, or None for the types that
    only have the xdrlib3 codec."""
    t = field["type"]
    what = field["name"]
    if t in ("int32", "enum"):
        return _fast_int(_I32, _INT32, what)
    if t == "uint32":
        return _fast_int(_U32, _UINT32, what)
    if t == "int64":
        return _fast_int(_I64, _INT64, what)
    if t == "uint64":
        return _fast_int(_U64, _UINT64, what)
    if t == "bool":
        return _fast_bool(what)
    if t in ("string", "opaque"):
        return _fast_str(what, struct_name, field.get("max"), t == "string")
    if t == "optional_string":
        return _fast_opt_str(what, struct_name)
    if t == "string_list":
        return _fast_str_list(what, struct_name)
    return None


_ZERO: dict[str, Any] = {
    "int32": 0, "enum": 0, "uint32": 0, "int64": 0, "uint64": 0, "bool": False,
    "char": "\0", "float": 0.0, "string": "", "opaque": b"", "opaque_fixed": "",
    "optional_string": None, "string_list": (), "struct_list": (),
}

_MIN_SIZE: dict[str, int] = {"int64": 8, "uint64": 8}


def zero_value(field: Mapping[str, Any]) -> Any:
    """The value an unset optional argument is encoded as."""
    return _ZERO.get(field["type"])


class StructCodec:
    """Encoder/decoder for one ordered list of XDR fields."""

    def __init__(self, name: str, fields: Sequence[Mapping[str, Any]],
                 structs: Mapping[str, StructCodec] | None = None) -> None:
        self.name = name
        self.fields = list(fields)
        self.names = [f["name"] for f in self.fields]
        structs = structs or {}
        self._codecs = [field_codec(f, structs) for f in self.fields]
        self.min_size: int = sum(
            structs[f["struct"]].min_size if f["type"] == "struct"
            else int(f.get("size", 0) + 3) // 4 * 4 if f["type"] == "opaque_fixed"
            else _MIN_SIZE.get(f["type"], 4)
            for f in self.fields
        )
        fast = [fast_field_codec(f, name) for f in self.fields]
        #: The fast path's readers and writers, when every field has one.
        self._reads: list[Read] | None = None
        self._writes: list[tuple[str, Write]] | None = None
        if all(c is not None for c in fast):
            self._reads = [c[0] for c in fast if c is not None]
            self._writes = [(n, c[1]) for n, c in zip(self.names, fast) if c is not None]
        self._zeros = [zero_value(f) for f in self.fields]

    def pack_into(self, p: xdrlib3.Packer, values: Mapping[str, Any]) -> None:
        """Append the fields, taken from ``values`` by name, to a packer."""
        for name, (pack, _) in zip(self.names, self._codecs):
            try:
                v = values[name]
            except KeyError:
                raise LocalProtocolError(f"{self.name}: missing field {name!r}") from None
            try:
                pack(p, v)
            except xdrlib3.Error as e:
                raise LocalProtocolError(f"{self.name}.{name}: {e}") from None

    def unpack_from(self, u: xdrlib3.Unpacker, optional_tail: int = 0) -> dict[str, Any]:
        """Read the fields from an unpacker.

        :param optional_tail: how many trailing fields may be absent when the
            data ends exactly before them (older peers send shorter structs);
            absent fields get their zero value.
        """
        out: dict[str, Any] = {}
        first_optional = len(self.fields) - optional_tail
        for i, (name, (_, unpack)) in enumerate(zip(self.names, self._codecs)):
            if i >= first_optional and _remaining(u) == 0:
                out[name] = zero_value(self.fields[i])
                continue
            try:
                out[name] = unpack(u)
            except xdrlib3.Error as e:
                raise RemoteProtocolError(f"{self.name}.{name}: {e}") from None
            except EOFError:  # xdrlib3 signals missing padding this way
                raise RemoteProtocolError(f"{self.name}.{name}: message truncated") from None
        return out

    def encode(self, values: Mapping[str, Any]) -> bytes:
        """Encode a whole struct to bytes."""
        writes = self._writes
        if writes is not None:
            out: list[bytes] = []
            for name, write in writes:
                try:
                    v = values[name]
                except KeyError:
                    raise LocalProtocolError(f"{self.name}: missing field {name!r}") from None
                write(out, v)
            return b"".join(out)
        p = xdrlib3.Packer()
        self.pack_into(p, values)
        return p.get_buffer()

    def encode_values(self, values: Sequence[Any]) -> bytes:
        """Encode a whole struct from its field values in order."""
        writes = self._writes
        if writes is None:
            return self.encode(dict(zip(self.names, values)))
        out: list[bytes] = []
        for (_, write), v in zip(writes, values):
            write(out, v)
        return b"".join(out)

    def decode_values(self, data: bytes, pos: int = 0, optional_tail: int = 0) -> list[Any]:
        """Decode a whole struct starting at ``pos`` into its field values in
        order (see :meth:`decode`)."""
        reads = self._reads
        if reads is None:
            d = self.decode(data[pos:], optional_tail)
            return [d[n] for n in self.names]
        out: list[Any] = []
        end = len(data)
        first_optional = len(reads) - optional_tail
        i = 0
        for read in reads:
            if pos == end and i >= first_optional:
                out.append(self._zeros[i])
            else:
                v, pos = read(data, pos)
                out.append(v)
            i += 1
        if pos != end:
            raise RemoteProtocolError(f"{self.name}: {end - pos} unexpected trailing bytes")
        return out

    def decode(self, data: bytes, optional_tail: int = 0) -> dict[str, Any]:
        """Decode a whole struct; trailing bytes are a protocol error."""
        if self._reads is not None:
            return dict(zip(self.names, self.decode_values(data, 0, optional_tail)))
        u = xdrlib3.Unpacker(data)
        out = self.unpack_from(u, optional_tail)
        if _remaining(u):
            raise RemoteProtocolError(f"{self.name}: {_remaining(u)} unexpected trailing bytes")
        return out
