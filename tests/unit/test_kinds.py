"""The argument and return kinds (``guestfs/actions/kinds.py``), kind by kind:
check, parse, translate, convert, trace and samples, with their error cases.
No appliance: the daemon side is a fake :class:`DaemonSide`."""

from __future__ import annotations

from typing import Any

import pytest

from guestfs.actions import ACTIONS
from guestfs.actions.kinds import (
    LONGINT_INVALID,
    LONGINT_INVALID_SUFFIX_CHAR,
    LONGINT_OK,
    LONGINT_OVERFLOW,
    BtrfsVolume,
    DeviceNode,
    GuestPath,
    ParseError,
    all_arg_kinds,
    arg_kind,
    optarg_kind,
    ret_kind,
    split_string_list,
    xstrtoll,
)

STRING = arg_kind("String", "PlainString")
DEVICE = arg_kind("String", "Device")
MOUNTABLE = arg_kind("String", "Mountable")
PATHNAME = arg_kind("String", "Pathname")
DEV_OR_PATH = arg_kind("String", "Dev_or_Path")
MOUNTABLE_OR_PATH = arg_kind("String", "Mountable_or_Path")
KEY = arg_kind("String", "Key")
FILEIN = arg_kind("String", "FileIn")
FILEOUT = arg_kind("String", "FileOut")
OPTSTRING = arg_kind("OptString", None)
STRINGLIST = arg_kind("StringList", "PlainString")
DEVICELIST = arg_kind("StringList", "Device")
PATHLIST = arg_kind("StringList", "Pathname")
BOOL = arg_kind("Bool", None)
INT = arg_kind("Int", None)
INT64 = arg_kind("Int64", None)
BUFFER = arg_kind("BufferIn", None)
POINTER = arg_kind("Pointer", None)


class FakeSide:
    """A daemon side that records what it was asked and tags the results."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def device(self, name: str) -> DeviceNode:
        self.asked.append(("device", name))
        if name == "/dev/missing":
            raise LookupError(name)
        return DeviceNode(name.replace("/dev/sd", "/dev/vd"))

    def path(self, name: str) -> GuestPath:
        self.asked.append(("path", name))
        if not name.startswith("/"):
            raise ValueError(f"{name}: path must start with a / character")
        return GuestPath(name)

    def rooted_path(self, name: str) -> GuestPath:
        self.asked.append(("rooted", name))
        return self.path(name)

    def device_or_path(self, name: str) -> DeviceNode | GuestPath:
        self.asked.append(("device_or_path", name))
        return self.rooted_path(name) if name == "/dev/null" else self.device(name)

    def btrfs_volume(self, name: str) -> BtrfsVolume:
        self.asked.append(("btrfs", name))
        dev, _, vol = name[len("btrfsvol:"):].partition("/sub")
        return BtrfsVolume(name, DeviceNode(dev), "sub" + vol)

    def caller_device(self, name: str) -> str:
        self.asked.append(("caller", name))
        return name.replace("/dev/vd", "/dev/sd")


def _to_appliance(name: str) -> str:
    return name.replace("/dev/sd", "/dev/vd")


def _back(name: str) -> str:
    return name.replace("/dev/vd", "/dev/sd")


# -- resolution ----------------------------------------------------------------------------

def test_every_facts_kind_resolves_to_an_object() -> None:
    kinds = {type(a.kind).__name__ for act in ACTIONS.values() for a in act.args}
    assert {"DeviceKind", "PathnameKind", "DevOrPathKind", "StreamKind", "IntKind"} <= kinds
    with pytest.raises(KeyError):
        arg_kind("String", "NoSuchSubtype")
    with pytest.raises(KeyError):
        optarg_kind("OFloat")
    with pytest.raises(KeyError):
        ret_kind({"kind": "RFloat"}, {})


def test_kinds_are_shared_objects() -> None:
    """Resolved once: every Device argument of the registry has the same kind object."""
    devices = {id(a.kind) for act in ACTIONS.values() for a in act.args if a.kind.name == "Device"}
    assert devices == {id(DEVICE)}


# -- check (client side) -------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "good", "bad", "want"), [
    (STRING, "x", 1, "str"),
    (DEVICE, "/dev/sda", b"/dev/sda", "str"),
    (PATHNAME, "/etc", None, "str"),
    (OPTSTRING, None, 3, "str or None"),
    (STRINGLIST, ("a", "b"), ["a", 1], "a list of str"),
    (STRINGLIST, [], "ab", "a list of str"),
    (BOOL, True, "yes", "bool"),
    (INT, 5, 5.0, "int"),
    (INT64, 2**40, "1", "int"),
    (BUFFER, b"\0", 7, "bytes"),
])
def test_check_accepts_and_refuses(kind: Any, good: Any, bad: Any, want: str) -> None:
    kind.check("act", "arg", good)
    with pytest.raises(TypeError) as e:
        kind.check("act", "arg", bad)
    assert str(e.value) == f"act: argument 'arg' must be {want}, not {type(bad).__name__}"


def test_check_normalises_values() -> None:
    assert STRINGLIST.check("a", "b", ("x", "y")) == ["x", "y"]
    assert BOOL.check("a", "b", 7) is True and BOOL.check("a", "b", 0) is False
    assert BUFFER.check("a", "b", "é") == "é".encode()
    assert BUFFER.check("a", "b", bytearray(b"xy")) == b"xy"
    assert BUFFER.check("a", "b", memoryview(b"z")) == b"z"
    obj = object()
    assert POINTER.check("a", "b", obj) is obj


@pytest.mark.parametrize(("kind", "lo", "hi"), [(INT, -(2**31), 2**31 - 1), (INT64, -(2**63), 2**63 - 1)])
def test_integer_ranges(kind: Any, lo: int, hi: int) -> None:
    assert kind.check("a", "n", lo) == lo and kind.check("a", "n", hi) == hi
    for v in (lo - 1, hi + 1):
        with pytest.raises(OverflowError, match="^a: argument 'n' is out of range$"):
            kind.check("a", "n", v)


# -- translate (client side) ---------------------------------------------------------------

def test_device_names_are_translated_for_the_appliance() -> None:
    assert DEVICE.device_name and DEVICE.to_appliance("/dev/sdb1", _to_appliance) == "/dev/vdb1"
    assert DEV_OR_PATH.to_appliance("/dev/sda", _to_appliance) == "/dev/vda"
    assert DEV_OR_PATH.to_appliance("/etc/sdb", _to_appliance) == "/etc/sdb"  # a path: untouched
    assert MOUNTABLE.to_appliance("btrfsvol:/dev/sda/x", _to_appliance) == "btrfsvol:/dev/sda/x"
    assert DEVICELIST.to_appliance(["/dev/sda", "/dev/sdc"], _to_appliance) == ["/dev/vda", "/dev/vdc"]
    for kind in (STRING, PATHNAME, STRINGLIST, KEY):
        assert not kind.device_name
        assert kind.to_appliance("/dev/sda", _to_appliance) == "/dev/sda"


# -- convert (daemon side) -----------------------------------------------------------------

def test_daemon_conversion_gives_typed_values() -> None:
    side = FakeSide()
    dev = DEVICE.convert("/dev/sda1", side)
    assert isinstance(dev, DeviceNode) and dev == "/dev/vda1"
    path = PATHNAME.convert("/etc/fstab", side)
    assert isinstance(path, GuestPath) and path == "/etc/fstab"  # a guest path, not /sysroot/…
    assert isinstance(DEV_OR_PATH.convert("/dev/sdb", side), DeviceNode)
    assert isinstance(DEV_OR_PATH.convert("/dev.d/x", side), GuestPath)
    # A /dev name that is no block device is a guest path to a Dev_or_Path.
    assert isinstance(DEV_OR_PATH.convert("/dev/null", side), GuestPath)
    vol = MOUNTABLE.convert("btrfsvol:/dev/sda2/sub/root", side)
    assert isinstance(vol, BtrfsVolume) and vol.device == "/dev/sda2" and vol.volume == "sub/root"
    assert isinstance(MOUNTABLE_OR_PATH.convert("/srv", side), GuestPath)
    assert [type(x) for x in DEVICELIST.convert(["/dev/sda", "/dev/sdb"], side)] == [DeviceNode] * 2
    assert all(isinstance(x, GuestPath) for x in PATHLIST.convert(["/a", "/b"], side))
    assert STRING.convert("/dev/sda", side) == "/dev/sda" and type(STRING.convert("x", side)) is str
    assert side.asked[:2] == [("device", "/dev/sda1"), ("path", "/etc/fstab")]
    # The path half of Dev_or_Path checks the mounted root first; a Pathname
    # leaves that to the dispatcher, once every argument is checked.
    assert ("rooted", "/dev.d/x") in side.asked and ("rooted", "/etc/fstab") not in side.asked
    assert PATHNAME.needs_root and PATHLIST.needs_root and not DEV_OR_PATH.needs_root
    # A Mountable that is no /dev/ name and no btrfsvol: is looked up as a device (ENOENT).
    with pytest.raises(LookupError):
        MOUNTABLE.convert("/dev/missing", side)
    MOUNTABLE.convert("sdx", side)
    assert side.asked[-1] == ("device", "sdx")


def test_daemon_conversion_errors_come_from_the_daemon_side() -> None:
    side = FakeSide()
    with pytest.raises(ValueError, match="must start with a /"):
        PATHNAME.convert("relative", side)
    with pytest.raises(ValueError, match="must start with a /"):
        DEV_OR_PATH.convert("relative", side)
    with pytest.raises(LookupError):
        DEVICELIST.convert(["/dev/sda", "/dev/missing"], side)


# -- parse (guestfish words) ---------------------------------------------------------------

@pytest.mark.parametrize(("word", "value"), [
    ("yes", True), ("Y", True), ("t", True), ("1", True), ("TRUE", True), ("on", True),
    ("no", False), ("N", False), ("0", False), ("off", False), ("False", False), ("f", False),
])
def test_parse_bool(word: str, value: bool) -> None:
    assert BOOL.parse(word) is value


@pytest.mark.parametrize("word", ["", "maybe", "2", "yes1"])
def test_parse_bool_refuses(word: str) -> None:
    with pytest.raises(ParseError) as e:
        BOOL.parse(word)
    assert e.value.message("set-autosync", "autosync") == \
        f"guestfish: '{word}': invalid boolean value, use 'true' or 'false'"


@pytest.mark.parametrize(("word", "result"), [
    ("512", (LONGINT_OK, 512)), ("0x200", (LONGINT_OK, 512)), ("01000", (LONGINT_OK, 512)),
    ("-5", (LONGINT_OK, -5)), ("  7", (LONGINT_OK, 7)), ("1k", (LONGINT_OK, 1024)),
    ("1K", (LONGINT_OK, 1024)), ("1KiB", (LONGINT_OK, 1024)), ("1KB", (LONGINT_OK, 1000)),
    ("2M", (LONGINT_OK, 2 << 20)), ("1G", (LONGINT_OK, 1 << 30)), ("k", (LONGINT_OK, 1024)),
    ("abc", (LONGINT_INVALID, 0)), ("", (LONGINT_INVALID, 0)), (" k", (LONGINT_INVALID, 0)),
    ("12x", (LONGINT_INVALID_SUFFIX_CHAR, 12)), ("1B", (LONGINT_INVALID_SUFFIX_CHAR, 1)),
    ("08", (LONGINT_INVALID_SUFFIX_CHAR, 0)), ("0x", (LONGINT_INVALID_SUFFIX_CHAR, 0)),
    ("1Mi", (LONGINT_INVALID_SUFFIX_CHAR, 1 << 20)), ("1MB", (LONGINT_OK, 10**6)),
    ("1kx", (LONGINT_INVALID_SUFFIX_CHAR, 1024)),
    ("99999999999999999999", (LONGINT_OVERFLOW, 2**63 - 1)), ("9E", (LONGINT_OVERFLOW, 2**63 - 1)),
])
def test_xstrtoll(word: str, result: tuple[int, int]) -> None:
    """gnulib's xstrtoll as guestfish calls it (values checked against stock guestfish 1.48)."""
    assert xstrtoll(word) == result


def test_parse_integers_with_guestfish_messages() -> None:
    assert INT.parse("0x10") == 16 and INT64.parse("1T") == 1 << 40
    with pytest.raises(ParseError) as e:
        INT.parse("99999999999")
    assert e.value.message("set-memsize", "memsize") == "set-memsize: memsize: integer out of range"
    with pytest.raises(ParseError) as e:
        INT.parse("abc")
    assert e.value.message("set-memsize", "memsize") == \
        "set-memsize: memsize: invalid integer parameter (xstrtoll returned 4)"
    with pytest.raises(ParseError) as e:
        INT64.parse("12x")
    assert "(xstrtoll returned 2)" in e.value.message("c", "n")
    assert INT64.parse(str(2**62)) == 2**62


def test_parse_strings_and_lists() -> None:
    assert STRING.parse("a b") == "a b"
    assert OPTSTRING.parse("") is None and OPTSTRING.parse("NULL") == "NULL"
    assert STRINGLIST.parse("a b  c") == ["a", "b", "c"]
    # As stock guestfish: single quotes keep blanks, \' is a quote, double quotes are plain.
    assert STRINGLIST.parse("'a b' c 'x\\'y' foo' 'bar ''") == ["a b", "c", "x'y", "foo bar", ""]
    assert STRINGLIST.parse('"a b"') == ['"a', 'b"']
    assert STRINGLIST.parse("") == []
    assert split_string_list("  one  ") == ["one"]
    with pytest.raises(ParseError, match="Runaway quote"):
        STRINGLIST.parse("'open")
    assert BUFFER.parse("é") == "é".encode()
    assert FILEIN.parse("-") == "/dev/stdin" and FILEOUT.parse("-") == "/dev/stdout"
    assert FILEIN.parse("x.bin") == "x.bin"
    with pytest.raises(ParseError):
        POINTER.parse("0x1234")


# -- trace ---------------------------------------------------------------------------------

def test_trace_formats() -> None:
    assert STRING.trace("x y") == '"x y"'
    assert KEY.trace("secret") == '"***"'
    assert OPTSTRING.trace(None) == "null" and OPTSTRING.trace("v") == '"v"'
    assert STRINGLIST.trace(["a", "b"]) == '"a b"'
    assert BOOL.trace(True) == "true" and BOOL.trace(False) == "false"
    assert INT.trace(-3) == "-3"
    assert BUFFER.trace(b"a\0\xff") == '"a\\x00\\xff"'
    assert BUFFER.trace(b"x" * 300).endswith('"<truncated, original size 300 bytes>')
    assert POINTER.trace(None).startswith("(pointer)0x")
    assert optarg_kind("OBool").trace_optional("ro", True) == '"ro:true"'
    assert optarg_kind("OStringList").trace_optional("l", ["a", "b"]) == '"l:a b"'
    assert optarg_kind("OInt").trace_optional("n", 4) == '"n:4"'


def test_echo_formats_of_internal_test() -> None:
    assert BUFFER.echo(b"\x01\xff") == "<01><ffffffff>"
    assert OPTSTRING.echo(None) == "null"
    assert optarg_kind("OInt").echo(None) == "unset"
    assert STRINGLIST.echo(["a"]) == '["a"]'
    assert BOOL.echo(False) == "false"


# -- samples -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", all_arg_kinds(), ids=lambda k: k.name)
def test_samples_pass_their_own_check(kind: Any) -> None:
    for variant in range(3):
        v = kind.sample(variant)
        if kind.name != "Pointer":
            kind.check("a", "b", v)


# -- return kinds --------------------------------------------------------------------------

def _ret(**facts: Any) -> Any:
    structs = {"lvm_lv": [{"name": "snap_percent", "ftype": "FOptPercent"}, {"name": "n", "ftype": "FInt32"}]}
    return ret_kind(facts, structs)


def test_return_shapes_for_the_caller() -> None:
    assert _ret(kind="RBool").to_caller(True, None, False) == 1
    assert _ret(kind="RBool").trace(False) == "0"
    table = _ret(kind="RHashtable", key_subtype="RPlainString", value_subtype="RDevice")
    pairs = table.from_wire(["a", "/dev/vda", "b", "/dev/vdb1"])
    assert pairs == [("a", "/dev/vda"), ("b", "/dev/vdb1")]
    assert table.to_caller(pairs, _back, False) == [("a", "/dev/sda"), ("b", "/dev/sdb1")]
    assert table.to_caller(pairs, _back, True) == {"a": "/dev/sda", "b": "/dev/sdb1"}
    assert table.to_wire({"k": "v"}) == ["k", "v"]
    with pytest.raises(ValueError, match="odd"):
        table.from_wire(["a"])
    devs = _ret(kind="RStringList", subtype="RDevice")
    # Names that move are re-sorted into drive order.
    assert devs.to_caller(["/dev/sdb", "/dev/vda"], _back, False) == ["/dev/sda", "/dev/sdb"]
    plain = _ret(kind="RStringList", subtype="RPlainString")
    assert plain.to_caller(["/dev/vda"], _back, False) == ["/dev/vda"]
    assert _ret(kind="RString", subtype="RDevice").to_caller("/dev/vdc", _back, False) == "/dev/sdc"
    assert _ret(kind="RString", subtype="RDevice").to_caller("/dev/vdc", None, False) == "/dev/vdc"
    lv = _ret(kind="RStructList", struct="lvm_lv")
    assert lv.to_caller([{"snap_percent": -1.0, "n": 1}], None, False) == [{"snap_percent": None, "n": 1}]
    assert lv.to_caller([{"snap_percent": 5.0, "n": 1}], None, False)[0]["snap_percent"] == 5.0


def test_return_device_names_canonical_in_the_daemon() -> None:
    side = FakeSide()
    assert _ret(kind="RString", subtype="RDevice").canonical("/dev/vda1", side) == "/dev/sda1"
    assert _ret(kind="RString", subtype="RPlainString").canonical("/dev/vda1", side) == "/dev/vda1"
    assert _ret(kind="RStringList", subtype="RMountable").canonical(["/dev/vdb"], side) == ["/dev/sdb"]
    table = _ret(kind="RHashtable", key_subtype="RMountable", value_subtype="RPlainString")
    assert table.canonical({"/dev/vda": "/dev/vda"}, side) == [("/dev/sda", "/dev/vda")]


def test_return_traces_and_error_values() -> None:
    assert _ret(kind="RErr").trace(None) == "0" and _ret(kind="RErr").error_trace == "-1 (error)"
    assert _ret(kind="RInt").error_trace == "-1 (error)"
    assert _ret(kind="RString", subtype="RPlainString").error_trace == "NULL (error)"
    assert _ret(kind="RConstOptString").trace(None) == '"NULL"'
    assert _ret(kind="RStringList", subtype="RPlainString").trace(["a", "b"]) == '["a", "b"]'
    assert _ret(kind="RBufferOut").trace(b"\n") == '"\\x0a"'
    lv = _ret(kind="RStructList", struct="lvm_lv")
    assert lv.trace([]) == "<struct guestfs_lvm_lv_list(0)>"
    assert lv.trace([{"snap_percent": -1.0, "n": 2}]) == \
        "<struct guestfs_lvm_lv_list(1) = [0]{snap_percent: , n: 2, }>"
    assert _ret(kind="RStruct", struct="lvm_lv").trace({"snap_percent": 5.0, "n": 2}) == \
        "<struct guestfs_lvm_lv = snap_percent: 5 %, n: 2, >"

