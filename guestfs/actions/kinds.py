"""Argument and return kinds: one object per kind, owning all that varies by kind.

The registry (``_registry.py``) resolves every argument, optional argument
and return value of the facts to one of these objects when it is built.
Each object knows its Python type (stubs, docs), the client-side check with
the binding's error message, how guestfish parses it from a word, device-name
translation both ways, the daemon-side conversion to a typed value
(:class:`GuestPath`, :class:`DeviceNode` …), trace formatting and sample
values for tests.  Code elsewhere asks the kind; it never branches on a
kind's name.

Standard library only (plus the protocol package): the daemon imports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from ..protocol.devnames import device_sort_key

#: Translates one device name (client side: caller ↔ appliance names).
Translate = Callable[[str], str]

#: libguestfs traces at most this many bytes of a buffer.
TRACE_BUFFER_MAX = 256


# -------------------------------------------------------------------------
# typed values the daemon's implementations receive
# -------------------------------------------------------------------------


class GuestPath(str):
    """An absolute path inside the guest (``/etc/fstab``), checked by the daemon.

    Implementations make system calls on it chrooted into the sysroot and
    give external programs its sysroot form.
    """

    __slots__ = ()


class DeviceNode(str):
    """The appliance's node (``/dev/sdb1``, ``/dev/VG/LV``) for a device
    argument, resolved and checked by the daemon."""

    __slots__ = ()


class BtrfsVolume(str):
    """A ``btrfsvol:DEVICE/SUBVOLUME`` mountable, split into its device node
    and subvolume path."""

    device: DeviceNode
    volume: str

    def __new__(cls, text: str, device: DeviceNode, volume: str) -> BtrfsVolume:
        self = super().__new__(cls, text)
        self.device = device
        self.volume = volume
        return self


class DaemonSide(Protocol):
    """What the daemon supplies to turn wire strings into typed values
    (``daemon/dispatch.py``); its methods raise the daemon's error reply."""

    def device(self, name: str) -> DeviceNode:
        """Resolve a caller's device name to the appliance's node."""
        ...

    def path(self, name: str) -> GuestPath:
        """Check a guest path (absolute, no NUL); whether a filesystem is
        mounted is checked once all arguments are (``needs_root``)."""
        ...

    def rooted_path(self, name: str) -> GuestPath:
        """Check that a filesystem is mounted, then the guest path (the path
        half of Dev_or_Path and Mountable_or_Path)."""
        ...

    def device_or_path(self, name: str) -> DeviceNode | GuestPath:
        """A /dev name: the block device it names, or, when it names something
        that is no block device (``/dev/null``), a rooted guest path."""
        ...

    def btrfs_volume(self, name: str) -> BtrfsVolume:
        """Split and resolve a ``btrfsvol:`` name."""
        ...

    def caller_device(self, name: str) -> str:
        """The caller's name for an appliance device name (returns)."""
        ...


class ParseError(ValueError):
    """A guestfish word that does not parse as its kind.

    ``template`` is guestfish's message with ``{cmd}`` and ``{name}`` left
    to fill in (the command and the argument's name).
    """

    def __init__(self, template: str) -> None:
        super().__init__(template)
        self.template = template

    def message(self, cmd: str, name: str) -> str:
        """guestfish's message for this error in command ``cmd``."""
        return self.template.replace("{cmd}", cmd).replace("{name}", name)


# -------------------------------------------------------------------------
# helpers shared by several kinds
# -------------------------------------------------------------------------


def _type_error(act: str, name: str, want: str, v: Any) -> TypeError:
    return TypeError(f"{act}: argument '{name}' must be {want}, not {type(v).__name__}")


def check_text(act: str, name: str, v: str) -> str:
    """Refuse text no C string can carry, as the binding does: a NUL byte
    (``ValueError: embedded null character``) or a lone surrogate that is
    not an escaped byte (bytes that are not UTF-8 come as ``\\udc80``…)."""
    if "\0" in v:
        raise ValueError(f"{act}: argument '{name}': embedded null character")
    if not v.isascii():
        try:
            v.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError as e:
            raise ValueError(f"{act}: argument '{name}': {e.reason} "
                             f"(character {v[e.start]!a} at position {e.start})") from None
    return v


def quote_trace_buffer(b: bytes) -> str:
    """A buffer as libguestfs traces it: ``\\xNN`` escapes, quoted, truncated."""
    s = "".join(chr(c) if 0x20 <= c < 0x7F else f"\\x{c:02x}" for c in b[:TRACE_BUFFER_MAX])
    tail = f"<truncated, original size {len(b)} bytes>" if len(b) > TRACE_BUFFER_MAX else ""
    return f'"{s}"{tail}'


_TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "off"})


def parse_bool_word(word: str) -> bool:
    """A boolean word as guestfish reads it (yes/no, true/false, on/off, 1/0, any case)."""
    w = word.lower()
    if w in _TRUE_WORDS:
        return True
    if w in _FALSE_WORDS:
        return False
    raise ParseError(f"guestfish: '{word}': invalid boolean value, use 'true' or 'false'")


#: gnulib's xstrtoll result codes, which guestfish prints.
LONGINT_OK, LONGINT_OVERFLOW, LONGINT_INVALID_SUFFIX_CHAR, LONGINT_INVALID = 0, 1, 2, 4
_STRTOLL = re.compile(r"[ \t\n\v\f\r]*([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")
_POWERS = {"k": 1, "K": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6, "Z": 7, "Y": 8}
_LLONG = (-(2**63), 2**63 - 1)


def xstrtoll(word: str) -> tuple[int, int]:
    """Parse an integer as guestfish does (gnulib ``xstrtoll``, base 0,
    suffixes ``k K M G T P E Z Y`` with optional ``B``/``D`` (×1000) or
    ``iB`` (×1024)).

    :returns: (xstrtoll result code, value).
    """
    m = _STRTOLL.match(word)
    err = LONGINT_OK
    if m:
        digits = m.group(2)
        base = 16 if digits[:2].lower() == "0x" else 8 if len(digits) > 1 and digits[0] == "0" else 10
        value = int(digits[2:] if base == 16 else digits, base)
        if m.group(1) == "-":
            value = -value
        if not _LLONG[0] <= value <= _LLONG[1]:
            value = min(max(value, _LLONG[0]), _LLONG[1])
            err = LONGINT_OVERFLOW
        rest = word[m.end():]
    elif word[:1] in _POWERS:
        value, rest = 1, word  # a bare suffix counts as one unit, as in xstrtol
    else:
        return LONGINT_INVALID, 0
    if not rest:
        return err, value
    letter = rest[0]
    if letter not in _POWERS:
        return err | LONGINT_INVALID_SUFFIX_CHAR, value
    base, used = 1024, 1
    if rest[1:3] == "iB":
        used = 3
    elif rest[1:2] in ("B", "D"):
        base, used = 1000, 2
    scaled = value * base ** _POWERS[letter]
    if not _LLONG[0] <= scaled <= _LLONG[1]:
        err |= LONGINT_OVERFLOW
        scaled = min(max(scaled, _LLONG[0]), _LLONG[1])
    if rest[used:]:
        err |= LONGINT_INVALID_SUFFIX_CHAR
    return err, scaled


def split_string_list(word: str) -> list[str]:
    """A guestfish string-list word split into items, as stock does: blanks
    separate items; single quotes, anywhere in an item, keep blanks in it
    (``foo' 'bar`` is one item, ``''`` an empty one); ``\\'`` is a quote
    character, inside quotes too.  Double quotes and other backslashes are
    plain characters.

    :raises ParseError: a single quote is left open (stock's "Runaway quote").
    """
    out: list[str] = []
    item: list[str] = []
    in_item = quoted = False
    i, n = 0, len(word)
    while i < n:
        c = word[i]
        if c == "\\" and word[i + 1:i + 2] == "'":
            item.append("'")
            in_item = True
            i += 2
            continue
        if c == "'":
            quoted = not quoted
            in_item = True
        elif c in " \t" and not quoted:
            if in_item:
                out.append("".join(item))
                item, in_item = [], False
        else:
            item.append(c)
            in_item = True
        i += 1
    if quoted:
        raise ParseError(f'Runaway quote in string "{word}"')
    if in_item:
        out.append("".join(item))
    return out


# -------------------------------------------------------------------------
# argument kinds
# -------------------------------------------------------------------------


class ArgKind:
    """An argument kind (a positional argument, or an optional one when
    :attr:`optional`): the base class is a plain string."""

    #: The kind's name (``Device``, ``OInt`` …), as stubs and docs show it.
    name = "String"
    #: The Python type callers pass, as an annotation string.
    py_type = "str"
    #: The XDR field type it travels as (``internal_test`` builds codecs from it).
    xdr_type = "string"
    #: ``"in"``/``"out"`` for FileIn/FileOut: local files streamed as chunks.
    stream: str | None = None
    #: An optional-argument kind (OBool, OInt …): unset is ``None``.
    optional = False
    #: A secret: traced as ``***`` and read without echo by guestfish.
    secret = False
    #: Names a device on the wire (translated between caller and appliance).
    device_name = False
    #: guestfish asks for the value at a prompt instead of taking a word (Key).
    prompted = False
    #: A value can be typed as a guestfish word at all (not a C pointer).
    fish_word = True
    #: The daemon refuses the call unless a filesystem is mounted on /, once
    #: every argument has been checked (Pathname, as libguestfs's stubs do).
    needs_root = False
    #: What a value is, in a few words (docstrings, guestfish help).
    doc = "a string"
    #: Sample values for tests, three variants.
    samples: tuple[Any, ...] = ("plain", "", "sp ace/é\t\"")

    def __init__(self, name: str | None = None, optional: bool = False, doc: str | None = None) -> None:
        if name is not None:
            self.name = name
        if doc is not None:
            self.doc = doc
        self.optional = optional

    def __repr__(self) -> str:
        return f"<kind {self.name}>"

    # -- the client side ---------------------------------------------------

    def check(self, act: str, arg: str, v: Any) -> Any:
        """Check a caller's value as the binding does; return the value to send.

        :raises TypeError: wrong type, naming the action and argument.
        """
        if not isinstance(v, str):
            raise _type_error(act, arg, "str", v)
        return check_text(act, arg, v)

    def to_appliance(self, v: Any, translate: Translate) -> Any:
        """Translate device names in a checked value for the appliance."""
        return v

    # -- guestfish -------------------------------------------------------

    def parse(self, word: str) -> Any:
        """The value of a guestfish word.

        :raises ParseError: the word is not a valid value of this kind.
        """
        return word

    def fish_hint(self) -> str:
        """What guestfish's usage line shows after ``name:`` for an optional
        argument of this kind (``..``, ``N``, ``true|false``)."""
        return ".."

    # -- the daemon side -------------------------------------------------

    def convert(self, v: Any, side: DaemonSide) -> Any:
        """Turn a decoded wire value into what the implementation receives."""
        return v

    # -- tracing and tests ---------------------------------------------

    def trace(self, v: Any) -> str:
        """How the value shows in a trace line (libguestfs's format)."""
        return f'"{v}"'

    def trace_optional(self, name: str, v: Any) -> str:
        """How a set optional argument shows in a trace line."""
        return f'"{name}:{v}"'

    def echo(self, v: Any) -> str:
        """How ``internal_test`` prints the value after a round trip."""
        return "unset" if v is None else str(v)

    def sample(self, variant: int = 0) -> Any:
        """A sample value for tests (``variant`` picks one of three)."""
        return self.samples[variant % len(self.samples)]


class DeviceKind(ArgKind):
    """A device name: ``/dev/sda1``, ``/dev/VG/LV`` (Device)."""

    name = "Device"
    doc = "a device name such as /dev/sda1 or /dev/VG/LV"
    device_name = True
    samples = ("/dev/sda", "/dev/sdb1", "/dev/VG/LV")

    def to_appliance(self, v: Any, translate: Translate) -> Any:
        return translate(v) if v.startswith("/dev/") else v

    def convert(self, v: Any, side: DaemonSide) -> Any:
        return side.device(v)


class MountableKind(DeviceKind):
    """A device, or a btrfs subvolume as ``btrfsvol:DEVICE/SUBVOL`` (Mountable)."""

    name = "Mountable"
    doc = "a device name, or btrfsvol:DEVICE/SUBVOLUME"

    def convert(self, v: Any, side: DaemonSide) -> Any:
        if v.startswith("/dev/"):
            return side.device(v)
        if v.startswith("btrfsvol:"):
            return side.btrfs_volume(v)
        return side.device(v)  # no such device: libguestfs's ENOENT


class PathnameKind(ArgKind):
    """An absolute path in the guest (Pathname)."""

    name = "Pathname"
    doc = "an absolute path in the guest"
    samples = ("/", "/etc/fstab", "/a b/é")
    needs_root = True

    def convert(self, v: Any, side: DaemonSide) -> Any:
        return side.path(v)


class DevOrPathKind(DeviceKind):
    """A device name or a guest path (Dev_or_Path)."""

    name = "Dev_or_Path"
    doc = "a device name or an absolute path in the guest"
    samples = ("/dev/sda", "/file", "/dev/sdb1")

    def convert(self, v: Any, side: DaemonSide) -> Any:
        return side.device_or_path(v) if v.startswith("/dev/") else side.rooted_path(v)


class MountableOrPathKind(DeviceKind):
    """A device, a ``btrfsvol:`` mountable or a guest path (Mountable_or_Path)."""

    name = "Mountable_or_Path"
    doc = "a device name, btrfsvol:DEVICE/SUBVOLUME, or a guest path"
    samples = ("/dev/sda1", "/", "btrfsvol:/dev/sda1/sub")

    def convert(self, v: Any, side: DaemonSide) -> Any:
        if v.startswith("/dev/"):
            return side.device_or_path(v)
        if v.startswith("btrfsvol:"):
            return side.btrfs_volume(v)
        return side.rooted_path(v) if v.startswith("/") else side.device(v)


class KeyKind(ArgKind):
    """A passphrase or key (Key): never traced, read without echo by guestfish."""

    name = "Key"
    doc = "a key or passphrase (never traced)"
    secret = True
    #: guestfish asks for it (without echo) instead of reading a word.
    prompted = True
    samples = ("secret", "", "p@ss word")

    def trace(self, v: Any) -> str:
        return '"***"'


class StreamKind(ArgKind):
    """A local file name whose data travels as a chunk stream (FileIn/FileOut)."""

    samples = ("/dev/null", "/tmp/x", "-")

    def __init__(self, name: str, stream: str) -> None:
        super().__init__(name, doc="a local file to read" if stream == "in" else "a local file to write")
        self.stream = stream

    def parse(self, word: str) -> Any:
        # guestfish reads "-" as its own standard input or output.
        if word == "-":
            return "/dev/stdin" if self.stream == "in" else "/dev/stdout"
        return word


class OptStringKind(ArgKind):
    """A string or None (OptString); guestfish reads an empty word as None."""

    name = "OptString"
    doc = "a string, or None"
    py_type = "str | None"
    xdr_type = "optional_string"
    samples = ("opt", None, "")

    def check(self, act: str, arg: str, v: Any) -> Any:
        if v is None:
            return v
        if not isinstance(v, str):
            raise _type_error(act, arg, "str or None", v)
        return check_text(act, arg, v)

    def parse(self, word: str) -> Any:
        return word or None

    def trace(self, v: Any) -> str:
        return "null" if v is None else f'"{v}"'

    def echo(self, v: Any) -> str:
        return "null" if v is None else str(v)


class StringListKind(ArgKind):
    """A list of strings (StringList, OStringList)."""

    name = "StringList"
    doc = "a list of strings"
    py_type = "list[str]"
    xdr_type = "string_list"
    samples = (["a", "", "b c"], [], ["x" * 100])

    def check(self, act: str, arg: str, v: Any) -> Any:
        if not isinstance(v, (list, tuple)) or not all(isinstance(x, str) for x in v):
            raise _type_error(act, arg, "a list of str", v)
        return [check_text(act, arg, x) for x in v]

    def parse(self, word: str) -> Any:
        return split_string_list(word)

    def trace(self, v: Any) -> str:
        return '"' + " ".join(v) + '"'

    def trace_optional(self, name: str, v: Any) -> str:
        return f'"{name}:{" ".join(v)}"'

    def echo(self, v: Any) -> str:
        return "unset" if v is None else "[" + ", ".join(f'"{x}"' for x in v) + "]"


class DeviceListKind(StringListKind):
    """A list of device names (StringList of Device)."""

    name = "DeviceList"
    doc = "a list of device names"
    device_name = True
    samples = (["/dev/sda", "/dev/sdb"], [], ["/dev/sdc1"])

    def to_appliance(self, v: Any, translate: Translate) -> Any:
        return [translate(x) if x.startswith("/dev/") else x for x in v]

    def convert(self, v: Any, side: DaemonSide) -> Any:
        return [side.device(x) for x in v]


class PathnameListKind(StringListKind):
    """A list of guest paths (StringList of Pathname)."""

    name = "PathnameList"
    doc = "a list of absolute guest paths"
    samples = (["/a", "/b"], [], ["/"])
    needs_root = True

    def convert(self, v: Any, side: DaemonSide) -> Any:
        return [side.path(x) for x in v]


class FilenameListKind(StringListKind):
    """A list of names relative to a directory argument (StringList of Filename)."""

    name = "FilenameList"
    doc = "a list of names relative to the directory argument"
    samples = (["a", "b"], [], ["x y"])


class BoolKind(ArgKind):
    """A boolean (Bool, OBool): any int is accepted, as the binding does."""

    name = "Bool"
    doc = "a boolean"
    py_type = "bool"
    xdr_type = "bool"
    samples = (True, False, True)

    def check(self, act: str, arg: str, v: Any) -> Any:
        if not isinstance(v, int):
            raise _type_error(act, arg, "bool", v)
        return bool(v)

    def parse(self, word: str) -> Any:
        return parse_bool_word(word)

    def fish_hint(self) -> str:
        return "true|false"

    def trace(self, v: Any) -> str:
        return "true" if v else "false"

    def trace_optional(self, name: str, v: Any) -> str:
        return f'"{name}:{"true" if v else "false"}"'

    def echo(self, v: Any) -> str:
        return "unset" if v is None else "true" if v else "false"


class IntKind(ArgKind):
    """A signed integer of ``bits`` bits (Int: 31 + sign, Int64: 63 + sign)."""

    py_type = "int"

    def __init__(self, name: str, bits: int, optional: bool = False) -> None:
        super().__init__(name, optional, "an integer" if bits == 32 else "a 64-bit integer")
        self.bits = bits
        self.xdr_type = "int64" if bits == 64 else "int32"
        self.lo, self.hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        self.samples = ((-123, self.hi, self.lo) if bits == 32 else (2**40 + 7, self.lo, self.hi))

    def check(self, act: str, arg: str, v: Any) -> Any:
        if not isinstance(v, int):
            raise _type_error(act, arg, "int", v)
        if not self.lo <= v <= self.hi:
            raise OverflowError(f"{act}: argument '{arg}' is out of range")
        return int(v)

    def fish_hint(self) -> str:
        return "N"

    def parse(self, word: str) -> Any:
        err, value = xstrtoll(word)
        if err != LONGINT_OK:
            raise ParseError(f"{{cmd}}: {{name}}: invalid integer parameter (xstrtoll returned {err})")
        if not self.lo <= value <= self.hi:
            raise ParseError("{cmd}: {name}: integer out of range")
        return value

    def trace(self, v: Any) -> str:
        return str(v)


class BufferInKind(ArgKind):
    """Bytes (BufferIn); a str is taken as its UTF-8 bytes."""

    name = "BufferIn"
    doc = "bytes"
    py_type = "bytes"
    xdr_type = "opaque"
    samples = (bytes(range(256)), b"", b"\0")

    def check(self, act: str, arg: str, v: Any) -> Any:
        if isinstance(v, str):
            return v.encode("utf-8", "surrogateescape")
        if not isinstance(v, (bytes, bytearray, memoryview)):
            raise _type_error(act, arg, "bytes", v)
        return bytes(v)

    def parse(self, word: str) -> Any:
        return word.encode("utf-8", "surrogateescape")

    def trace(self, v: Any) -> str:
        return quote_trace_buffer(v)

    def echo(self, v: Any) -> str:
        # libguestfs prints each byte as a (signed) C char with %02x.
        return "".join(f"<{b if b < 0x80 else b | 0xFFFFFF00:02x}>" for b in v)


class PointerKind(ArgKind):
    """A C pointer (only ``add_libvirt_dom``'s domain object): passed through."""

    name = "Pointer"
    doc = "a libvirt domain object"
    py_type = "object"
    xdr_type = "none"
    samples = (None,)
    fish_word = False

    def check(self, act: str, arg: str, v: Any) -> Any:
        return v

    def parse(self, word: str) -> Any:
        raise ParseError("{cmd}: {name}: a pointer argument cannot be given in guestfish")

    def trace(self, v: Any) -> str:
        return f"(pointer){id(v):#x}"


STRING = ArgKind()
_ARG_KINDS: dict[tuple[str, str | None], ArgKind] = {
    ("String", "PlainString"): STRING,
    ("String", "Device"): DeviceKind(),
    ("String", "Mountable"): MountableKind(),
    ("String", "Pathname"): PathnameKind(),
    ("String", "Dev_or_Path"): DevOrPathKind(),
    ("String", "Mountable_or_Path"): MountableOrPathKind(),
    ("String", "Key"): KeyKind(),
    ("String", "GUID"): ArgKind("GUID", doc="a GUID (8-4-4-4-12 hex digits)"),
    ("String", "Filename"): ArgKind("Filename", doc="a name relative to the directory argument"),
    ("String", "FileIn"): StreamKind("FileIn", "in"),
    ("String", "FileOut"): StreamKind("FileOut", "out"),
    ("OptString", None): OptStringKind(),
    ("StringList", "PlainString"): StringListKind(),
    ("StringList", "Device"): DeviceListKind(),
    ("StringList", "Pathname"): PathnameListKind(),
    ("StringList", "Filename"): FilenameListKind(),
    ("Bool", None): BoolKind(),
    ("Int", None): IntKind("Int", 32),
    ("Int64", None): IntKind("Int64", 64),
    ("BufferIn", None): BufferInKind(),
    ("Pointer", None): PointerKind(),
}
_OPTARG_KINDS: dict[str, ArgKind] = {
    "OBool": BoolKind("OBool", optional=True),
    "OInt": IntKind("OInt", 32, optional=True),
    "OInt64": IntKind("OInt64", 64, optional=True),
    "OString": ArgKind("OString", optional=True),
    "OStringList": StringListKind("OStringList", optional=True),
}


def arg_kind(kind: str, subtype: str | None) -> ArgKind:
    """The kind object of a positional argument of the facts.

    :raises KeyError: a kind/subtype pair the facts should not have.
    """
    return _ARG_KINDS[(kind, subtype)]


def optarg_kind(kind: str) -> ArgKind:
    """The kind object of an optional argument of the facts (OBool …)."""
    return _OPTARG_KINDS[kind]


def all_arg_kinds() -> list[ArgKind]:
    """Every argument and optional-argument kind (for tests and docs)."""
    return [*_ARG_KINDS.values(), *_OPTARG_KINDS.values()]


# -------------------------------------------------------------------------
# return kinds
# -------------------------------------------------------------------------


class RetKind:
    """A return kind; the base class is RErr (nothing returned)."""

    name = "RErr"
    py_type = "None"
    #: What the value is, in a few words (docstrings).
    doc = "nothing"
    #: What libguestfs traces for a failed call (its C error value).
    error_trace = "-1 (error)"

    def __repr__(self) -> str:
        return f"<return kind {self.name}>"

    # -- the wire ---------------------------------------------------------

    def to_wire(self, v: Any) -> Any:
        """The codec value of what an implementation returned (daemon side)."""
        return v

    def from_wire(self, v: Any) -> Any:
        """A decoded codec value in the client's shape.

        :raises ValueError: the value breaks the kind's rules (odd hashtable).
        """
        return v

    # -- device names ---------------------------------------------------

    def canonical(self, v: Any, side: DaemonSide) -> Any:
        """Put device names in the callers' form (daemon side)."""
        return v

    def to_caller(self, v: Any, back: Translate | None, return_dict: bool) -> Any:
        """What the method returns: device names translated back with ``back``
        (when given), shapes as the binding gives them."""
        return v

    # -- tracing and tests ---------------------------------------------

    def trace(self, v: Any) -> str:
        """The value part of a trace return line (libguestfs's format)."""
        return "0"

    # -- guestfish ------------------------------------------------------

    def fish_format(self, v: Any, radix: int = 10) -> bytes:
        """What guestfish prints for the value, as bytes for its standard output.

        :param radix: 8 or 16 for the few integer actions guestfish prints
            in octal (``0`` prefix) or hexadecimal (``0x`` prefix).
        """
        return b""

    def sample(self, variant: int = 0) -> Any:
        """A value an implementation could return, for tests."""
        return None


class IntRet(RetKind):
    """RInt / RInt64: an integer."""

    py_type = "int"

    def __init__(self, name: str, bits: int) -> None:
        self.name = name
        self.bits = bits
        self.doc = "an integer" if bits == 32 else "a 64-bit integer"

    def trace(self, v: Any) -> str:
        return str(v)

    def fish_format(self, v: Any, radix: int = 10) -> bytes:
        if radix == 8:
            text = f"0{v:o}" if v else "0"
        elif radix == 16:
            text = f"0x{v:x}" if v else "0"
        else:
            text = str(v)
        return f"{text}\n".encode()

    def sample(self, variant: int = 0) -> Any:
        return ((-5, 2**31 - 1) if self.bits == 32 else (-(2**63), 2**62))[variant % 2]


class BoolRet(RetKind):
    """RBool: the binding returns 0 or 1 as an int."""

    name = "RBool"
    py_type = "int"
    doc = "1 for true, 0 for false"

    def to_caller(self, v: Any, back: Translate | None, return_dict: bool) -> Any:
        return int(bool(v))

    def trace(self, v: Any) -> str:
        return str(int(bool(v)))

    def fish_format(self, v: Any, radix: int = 10) -> bytes:
        return b"true\n" if v else b"false\n"

    def sample(self, variant: int = 0) -> Any:
        return variant % 2 == 0


class StringRet(RetKind):
    """RString (plain, device or mountable) and the library's RConstString."""

    py_type = "str"
    error_trace = "NULL (error)"

    def __init__(self, name: str = "RString", device: bool = False) -> None:
        self.name = name
        self.device = device
        self.doc = "a device name" if device else "a string"

    def canonical(self, v: Any, side: DaemonSide) -> Any:
        return side.caller_device(v) if self.device and isinstance(v, str) else v

    def to_caller(self, v: Any, back: Translate | None, return_dict: bool) -> Any:
        return back(v) if self.device and back is not None else v

    def trace(self, v: Any) -> str:
        return f'"{v}"'

    def fish_format(self, v: Any, radix: int = 10) -> bytes:
        return _fish_text(v) + b"\n"

    def sample(self, variant: int = 0) -> Any:
        return (("/dev/sda1", "/dev/sdb") if self.device else ("result é", ""))[variant % 2]


class OptStringRet(StringRet):
    """RConstOptString: a string or None."""

    name = "RConstOptString"
    py_type = "str | None"

    def __init__(self) -> None:
        super().__init__("RConstOptString")
        self.doc = "a string, or None"

    def trace(self, v: Any) -> str:
        return f'"{"NULL" if v is None else v}"'

    def fish_format(self, v: Any, radix: int = 10) -> bytes:
        return b"(null)\n" if v is None else _fish_text(v) + b"\n"


class StringListRet(RetKind):
    """RStringList (plain, device or mountable names)."""

    name = "RStringList"
    py_type = "list[str]"
    error_trace = "NULL (error)"

    def __init__(self, device: bool = False) -> None:
        self.device = device
        self.doc = "a list of device names" if device else "a list of strings"

    def canonical(self, v: Any, side: DaemonSide) -> Any:
        return [side.caller_device(x) for x in v] if self.device else v

    def to_caller(self, v: Any, back: Translate | None, return_dict: bool) -> Any:
        if not self.device or back is None:
            return v
        moved = [back(x) for x in v]
        # Names that changed (virtio-blk drives among SCSI ones) would break
        # the daemon's drive order: put the list back in order.
        return sorted(moved, key=device_sort_key) if moved != v else moved

    def trace(self, v: Any) -> str:
        return "[" + ", ".join(f'"{x}"' for x in v) + "]"

    def fish_format(self, v: Any, radix: int = 10) -> bytes:
        return b"".join(_fish_text(x) + b"\n" for x in v)

    def sample(self, variant: int = 0) -> Any:
        if self.device:
            return (["/dev/sda", "/dev/sdb1"], [])[variant % 2]
        return (["one", "", "three"], [])[variant % 2]


class HashtableRet(RetKind):
    """RHashtable: pairs on the wire (flattened), a list of tuples or a dict
    (``python_return_dict``) for the caller."""

    name = "RHashtable"
    error_trace = "NULL (error)"

    py_type = "dict[str, str] | list[tuple[str, str]]"
    doc = "pairs of strings (a dict when the handle has python_return_dict)"

    def __init__(self, key_device: bool = False, value_device: bool = False) -> None:
        self.key_device, self.value_device = key_device, value_device

    def to_wire(self, v: Any) -> Any:
        pairs = v.items() if isinstance(v, Mapping) else v
        return [s for kv in pairs for s in kv]

    def from_wire(self, v: Any) -> Any:
        if len(v) % 2:
            raise ValueError("hashtable with an odd number of strings")
        return list(zip(v[0::2], v[1::2]))

    def canonical(self, v: Any, side: DaemonSide) -> Any:
        if not (self.key_device or self.value_device):
            return v
        items = v.items() if isinstance(v, Mapping) else v
        fk = side.caller_device if self.key_device else str
        fv = side.caller_device if self.value_device else str
        return [(fk(k), fv(x)) for k, x in items]

    def to_caller(self, v: Any, back: Translate | None, return_dict: bool) -> Any:
        pairs: Any = v.items() if isinstance(v, Mapping) else v
        if back is not None and (self.key_device or self.value_device):
            pairs = [(back(k) if self.key_device else k, back(x) if self.value_device else x)
                     for k, x in pairs]
        return dict(pairs) if return_dict else [tuple(p) for p in pairs]

    def trace(self, v: Any) -> str:
        pairs = v.items() if isinstance(v, Mapping) else v
        return "[" + ", ".join(f'"{x}"' for kv in pairs for x in kv) + "]"

    def fish_format(self, v: Any, radix: int = 10) -> bytes:
        pairs = v.items() if isinstance(v, Mapping) else v
        return b"".join(_fish_text(k) + b": " + _fish_text(x) + b"\n" for k, x in pairs)

    def sample(self, variant: int = 0) -> Any:
        return ([("k1", "v1"), ("", "empty key")], [])[variant % 2]


class BufferRet(RetKind):
    """RBufferOut: bytes."""

    name = "RBufferOut"
    py_type = "bytes"
    doc = "bytes"
    error_trace = "NULL (error)"

    def trace(self, v: Any) -> str:
        return quote_trace_buffer(v)

    def fish_format(self, v: Any, radix: int = 10) -> bytes:
        return bytes(v)  # written raw, no newline

    def sample(self, variant: int = 0) -> Any:
        return (bytes(range(256)) * 3, b"")[variant % 2]


def _trace_field(v: Any) -> str:
    if isinstance(v, bytes):
        return quote_trace_buffer(v)[1:-1]
    if isinstance(v, float):
        return f"{v:g} %" if v >= 0 else ""
    return str(v)


def _trace_struct(v: Mapping[str, Any]) -> str:
    return "".join(f"{k}: {_trace_field(x)}, " for k, x in v.items())


def _fish_text(v: Any) -> bytes:
    """Text as guestfish writes it: the bytes the daemon sent."""
    if isinstance(v, bytes):
        return v
    return str(v).encode("utf-8", "surrogateescape")


def _fish_field(ftype: str, v: Any) -> bytes:
    """One struct field's value as guestfish prints it, by field type."""
    if ftype == "FBuffer":
        raw = v if isinstance(v, bytes) else _fish_text(v)
        return b"".join(bytes([c]) if 0x20 <= c < 0x7F else b"\\x%02x" % c for c in raw)
    if ftype == "FOptPercent":
        return b"" if v is None or v < 0 else f"{v:g} %".encode()
    if ftype == "FChar":
        return _fish_text(v)[:1]
    if isinstance(v, bool):
        return str(int(v)).encode()
    return _fish_text(v)


def fish_struct(fields: Sequence[tuple[str, str]], v: Mapping[str, Any], indent: str) -> bytes:
    """A struct's fields as guestfish prints them: ``name: value`` lines."""
    pre = indent.encode()
    return b"".join(pre + name.encode() + b": " + _fish_field(ftype, v[name]) + b"\n"
                    for name, ftype in fields if name in v)


class StructRet(RetKind):
    """RStruct / RStructList of a named return struct.

    ``opt_percent`` lists the struct's optional-percentage fields: -1 on the
    wire, None for the caller, as in the binding.
    """

    error_trace = "NULL (error)"

    def __init__(self, struct: str, many: bool, opt_percent: Sequence[str] = (),
                 sampler: Callable[[str, int], Any] | None = None,
                 fields: Sequence[tuple[str, str]] = ()) -> None:
        #: (name, facts field type) of each field, in order: how guestfish prints them.
        self.fields = tuple(fields)
        self.struct = struct
        self.many = many
        self.name = "RStructList" if many else "RStruct"
        self.opt_percent = tuple(opt_percent)
        self._sampler = sampler
        self.doc = (f"a list of {struct} structs" if many else f"a {struct} struct") + " (dicts)"
        self.py_type = "list[dict[str, Any]]" if many else "dict[str, Any]"

    def to_caller(self, v: Any, back: Translate | None, return_dict: bool) -> Any:
        if self.opt_percent:
            for item in (v if self.many else [v]):
                for f in self.opt_percent:
                    if item[f] is not None and item[f] < 0:
                        item[f] = None
        return v

    def trace(self, v: Any) -> str:
        if not self.many:
            return f"<struct guestfs_{self.struct} = {_trace_struct(v)}>"
        items = " ".join(f"[{i}]{{{_trace_struct(x)}}}" for i, x in enumerate(v))
        return f"<struct guestfs_{self.struct}_list({len(v)})" + (f" = {items}" if v else "") + ">"

    def fish_format(self, v: Any, radix: int = 10) -> bytes:
        fields = self.fields or tuple((k, "") for k in (v[0] if self.many and v else v or {}))
        if not self.many:
            return fish_struct(fields, v, "")
        return b"".join(b"[%d] = {\n" % i + fish_struct(fields, x, "  ") + b"}\n" for i, x in enumerate(v))

    def sample(self, variant: int = 0) -> Any:
        if self._sampler is None:
            raise ValueError(f"no sampler for struct {self.struct}")
        if self.many:
            return [self._sampler(self.struct, i) for i in range(variant % 2 * 2 + 1)]
        return self._sampler(self.struct, variant)


_DEVICE_RETS = frozenset({"RDevice", "RMountable"})


def ret_kind(ret: Mapping[str, Any], structs: Mapping[str, Sequence[Mapping[str, Any]]],
             sampler: Callable[[str, int], Any] | None = None) -> RetKind:
    """The kind object of a return value of the facts.

    :param ret: the facts' ``ret`` entry (``kind``, ``subtype``, ``struct`` …).
    :param structs: field lists of the return structs, by name.
    :param sampler: makes a sample value of a struct (for tests).
    """
    kind = ret["kind"]
    if kind == "RErr":
        return RetKind()
    if kind in ("RInt", "RInt64"):
        return IntRet(kind, 64 if kind == "RInt64" else 32)
    if kind == "RBool":
        return BoolRet()
    if kind in ("RString", "RConstString"):
        return StringRet(kind, ret.get("subtype") in _DEVICE_RETS)
    if kind == "RConstOptString":
        return OptStringRet()
    if kind == "RStringList":
        return StringListRet(ret.get("subtype") in _DEVICE_RETS)
    if kind == "RHashtable":
        return HashtableRet(ret.get("key_subtype") in _DEVICE_RETS, ret.get("value_subtype") in _DEVICE_RETS)
    if kind == "RBufferOut":
        return BufferRet()
    if kind in ("RStruct", "RStructList"):
        name = ret["struct"]
        pct = [f["name"] for f in structs[name] if f.get("ftype") == "FOptPercent"]
        fields = [(f["name"], f.get("ftype", "")) for f in structs[name]]
        return StructRet(name, kind == "RStructList", pct, sampler, fields)
    raise KeyError(f"unknown return kind {kind}")
