"""The sans-IO codec (``guestfs/protocol``): fixed messages checked against
bytes built by hand from the XDR layout, bounds, hostile input, golden calls.

Expected bytes are built with :mod:`struct` from the protocol 4 layout, never
with the codec under test.
"""

from __future__ import annotations

import json
import os
import random
import struct
from typing import Any

import pytest

from guestfs.actions import ACTIONS, BY_PROC
from guestfs.actions._registry import struct_codecs
from guestfs.protocol import (
    Chunk,
    ErrorReply,
    Header,
    LocalProtocolError,
    Progress,
    RemoteProtocolError,
    call_header,
    decode_chunk,
    decode_error,
    decode_header,
    encode_chunk,
    encode_error,
    encode_message,
    encode_progress,
    flag_word,
    reply_header,
)
from guestfs.protocol import constants as C
from guestfs.protocol.facts import load_facts
from guestfs.protocol.messages import HEADER_SIZE, decode_progress, frame
from guestfs.protocol.xdr import StructCodec, field_codec
from tests.helpers import DATA, sample_arg, sample_ret, sample_struct

# prog, vers, proc (enum), direction (enum), serial, progress_hint (u64),
# optargs_bitmask (u64), status (enum): guestfs_message_header.
HDR = struct.Struct(">IIiiIQQi")
PROGRAM = 0x2000F5F5


def xdr_string(b: bytes) -> bytes:
    """XDR variable-length string/opaque: length, bytes, zero padding."""
    return struct.pack(">I", len(b)) + b + b"\0" * (-len(b) % 4)


def framed(body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + body


# -- constants ----------------------------------------------------------------

def test_constants_are_protocol_4() -> None:
    """The wire numbers libguestfs 1.48 uses (from guestfs_protocol.x)."""
    assert C.PROGRAM == PROGRAM
    assert C.PROTOCOL_VERSION == 4
    assert C.LAUNCH_FLAG == 0xF5F55FF5
    assert C.CANCEL_FLAG == 0xFFFFEEEE
    assert C.PROGRESS_FLAG == 0xFFFF5555
    assert C.MESSAGE_MAX == 4 * 1024 * 1024
    assert C.MAX_CHUNK_SIZE == 8192
    assert C.ERROR_LEN == 64 * 1024
    assert C.ERRNO_STRING_MAX == 32
    assert (C.Direction.CALL, C.Direction.REPLY) == (0, 1)
    assert (C.Status.OK, C.Status.ERROR) == (0, 1)
    assert HEADER_SIZE == HDR.size == 40


def test_constants_match_by_xdr_name() -> None:
    """The short names and the GUESTFS_* names of the facts agree."""
    by = load_facts()["constants"]["by_xdr_name"]
    assert by["GUESTFS_PROGRAM"] == C.PROGRAM
    assert by["GUESTFS_LAUNCH_FLAG"] == C.LAUNCH_FLAG
    assert by["GUESTFS_CANCEL_FLAG"] == C.CANCEL_FLAG
    assert by["GUESTFS_PROGRESS_FLAG"] == C.PROGRESS_FLAG
    assert by["GUESTFS_MESSAGE_MAX"] == C.MESSAGE_MAX
    assert by["GUESTFS_MAX_CHUNK_SIZE"] == C.MAX_CHUNK_SIZE


# -- header --------------------------------------------------------------------

def test_call_header_bytes() -> None:
    msg = encode_message(call_header(proc=1, serial=0x1234, optargs_bitmask=5, progress_hint=2**40))
    body = HDR.pack(PROGRAM, 4, 1, 0, 0x1234, 2**40, 5, 0)
    assert msg == framed(body)
    assert msg[:4] == b"\x00\x00\x00\x28"


def test_call_with_payload_bytes() -> None:
    payload = xdr_string(b"/dev/sda1") + xdr_string(b"/")
    msg = encode_message(call_header(ACTIONS["mount"].proc_nr or 0, 7), payload)
    assert msg == framed(HDR.pack(PROGRAM, 4, 1, 0, 7, 0, 0, 0) + payload)


def test_reply_header_copies_the_call() -> None:
    call = call_header(proc=42, serial=99, optargs_bitmask=3, progress_hint=1000)
    ok = reply_header(call)
    err = reply_header(call, C.Status.ERROR)
    assert encode_message(ok)[4:] == HDR.pack(PROGRAM, 4, 42, 1, 99, 0, 3, 0)
    assert encode_message(err)[4:] == HDR.pack(PROGRAM, 4, 42, 1, 99, 0, 3, 1)


def test_decode_header_by_hand() -> None:
    body = HDR.pack(PROGRAM, 4, 138, 1, 0xFFFFFFFF, 2**64 - 1, 2**63, 1) + b"payload!"
    h, off = decode_header(body)
    assert h == Header(PROGRAM, 4, 138, 1, 0xFFFFFFFF, 2**64 - 1, 2**63, 1)
    assert off == 40
    assert body[off:] == b"payload!"


def test_decode_header_keeps_unknown_values() -> None:
    """Validation of program/proc/direction is the caller's job, not the codec's."""
    h, _ = decode_header(HDR.pack(0xDEADBEEF, 9, -5, 7, 0, 0, 0, 3))
    assert (h.prog, h.vers, h.proc, h.direction, h.status) == (0xDEADBEEF, 9, -5, 7, 3)


@pytest.mark.parametrize("n", range(0, 40))
def test_truncated_header_is_remote_error(n: int) -> None:
    body = HDR.pack(PROGRAM, 4, 1, 0, 1, 0, 0, 0)[:n]
    with pytest.raises(RemoteProtocolError):
        decode_header(body)


def test_header_fields_out_of_range_are_local_errors() -> None:
    with pytest.raises(LocalProtocolError):
        encode_message(call_header(proc=1, serial=2**32))
    with pytest.raises(LocalProtocolError):
        encode_message(call_header(proc=1, serial=1, optargs_bitmask=-1))
    with pytest.raises(LocalProtocolError):
        encode_message(call_header(proc=2**31, serial=1))


# -- error -----------------------------------------------------------------------

def test_error_body_bytes() -> None:
    assert encode_error("ENOENT", "no such file") == xdr_string(b"ENOENT") + xdr_string(b"no such file")
    assert encode_error("", "") == b"\0" * 8


def test_error_reply_bytes() -> None:
    call = call_header(proc=3, serial=10)
    msg = encode_message(reply_header(call, C.Status.ERROR), encode_error("EIO", "boom"))
    body = HDR.pack(PROGRAM, 4, 3, 1, 10, 0, 0, 1) + xdr_string(b"EIO") + xdr_string(b"boom")
    assert msg == framed(body)


def test_decode_error_by_hand() -> None:
    err = decode_error(xdr_string(b"EINVAL") + xdr_string("bad é".encode()))
    assert err == ErrorReply("EINVAL", "bad é")


def test_encode_error_trims_to_the_bounds() -> None:
    body = encode_error("E" * 40, "m" * (C.ERROR_LEN + 10))
    assert body[:4] == struct.pack(">I", 32)
    assert decode_error(body) == ErrorReply("E" * 32, "m" * C.ERROR_LEN)


def test_errno_string_bound_enforced_on_decode() -> None:
    """errno_string<32>: 33 bytes from a peer is a protocol error."""
    assert decode_error(xdr_string(b"E" * 32) + xdr_string(b"")).errno_string == "E" * 32
    with pytest.raises(RemoteProtocolError):
        decode_error(xdr_string(b"E" * 33) + xdr_string(b""))


def test_error_message_bound_enforced_on_decode() -> None:
    with pytest.raises(RemoteProtocolError):
        decode_error(xdr_string(b"") + xdr_string(b"m" * (C.ERROR_LEN + 1)))


def test_error_with_bad_utf8_decodes() -> None:
    err = decode_error(xdr_string(b"") + xdr_string(b"\xff\xfe"))
    assert err.error_message.encode("utf-8", "surrogateescape") == b"\xff\xfe"


def test_error_trailing_bytes_rejected() -> None:
    with pytest.raises(RemoteProtocolError):
        decode_error(xdr_string(b"") + xdr_string(b"x") + b"\0\0\0\0")


# -- chunks --------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"a", b"abcd", b"abcde", bytes(range(256)) * 32])
def test_chunk_bytes(data: bytes) -> None:
    assert encode_chunk(data) == framed(struct.pack(">i", 0) + xdr_string(data))
    assert decode_chunk(struct.pack(">i", 0) + xdr_string(data)) == Chunk(0, data)


def test_cancel_chunk_bytes() -> None:
    assert encode_chunk(b"", cancel=True) == framed(struct.pack(">iI", 1, 0))
    assert decode_chunk(struct.pack(">iI", 1, 0)) == Chunk(1, b"")


def test_chunk_size_limit_both_ways() -> None:
    """chunk data<8192>: one byte more is refused when sending and receiving."""
    encode_chunk(b"x" * 8192)
    with pytest.raises(LocalProtocolError):
        encode_chunk(b"x" * 8193)
    with pytest.raises(RemoteProtocolError):
        decode_chunk(struct.pack(">i", 0) + xdr_string(b"x" * 8193))


@pytest.mark.parametrize("body", [
    struct.pack(">iI", 2, 0),                       # cancel neither 0 nor 1
    struct.pack(">iI", -1, 0),
    struct.pack(">i", 1) + xdr_string(b"data"),    # cancel chunk with data
    struct.pack(">i", 0) + xdr_string(b"abc")[:-1],  # padding missing
    struct.pack(">iI", 0, 8),                       # data missing
    struct.pack(">iI", 0, 0xFFFFFFFF),              # absurd length
    struct.pack(">i", 0),                           # no length
    b"",
    struct.pack(">iI", 0, 0) + b"\0",               # trailing garbage
])
def test_bad_chunks_are_remote_errors(body: bytes) -> None:
    with pytest.raises(RemoteProtocolError):
        decode_chunk(body)


# -- progress and flags ------------------------------------------------------------

def test_progress_bytes() -> None:
    p = Progress(proc=66, serial=0x55, position=2**33, total=2**64 - 1)
    want = struct.pack(">I", 0xFFFF5555) + struct.pack(">iIQQ", 66, 0x55, 2**33, 2**64 - 1)
    assert encode_progress(p) == want
    assert len(want) == 4 + C.PROGRESS_BODY_SIZE
    assert decode_progress(want[4:]) == p


def test_truncated_progress_is_remote_error() -> None:
    with pytest.raises(RemoteProtocolError):
        decode_progress(struct.pack(">iIQQ", 1, 2, 3, 4)[:23])


def test_flag_words() -> None:
    assert flag_word(C.LAUNCH_FLAG) == b"\xf5\xf5\x5f\xf5"
    assert flag_word(C.CANCEL_FLAG) == b"\xff\xff\xee\xee"


# -- the 4 MiB limit -------------------------------------------------------------------

def test_message_limit_on_send() -> None:
    assert len(frame(b"\0" * C.MESSAGE_MAX)) == C.MESSAGE_MAX + 4
    with pytest.raises(LocalProtocolError):
        frame(b"\0" * (C.MESSAGE_MAX + 1))
    payload = b"\0" * (C.MESSAGE_MAX - HEADER_SIZE + 4)
    with pytest.raises(LocalProtocolError):
        encode_message(call_header(1, 1), payload)
    assert len(encode_message(call_header(1, 1), payload[:-4])) == C.MESSAGE_MAX + 4


def test_action_args_over_the_limit_refused() -> None:
    """A BufferIn larger than a message cannot be sent (libguestfs: "message too long")."""
    act = ACTIONS["pwrite"]
    payload, mask = act.encode_args({"path": "/f", "content": b"\0" * C.MESSAGE_MAX, "offset": 0}, {})
    with pytest.raises(LocalProtocolError):
        encode_message(call_header(act.proc_nr or 0, 1, mask), payload)


# -- field codecs, by hand ----------------------------------------------------------

def _roundtrip(field: dict[str, Any], value: object, want: bytes) -> None:
    codec = StructCodec("t", [field])
    assert codec.encode({field["name"]: value}) == want
    assert codec.decode(want) == {field["name"]: value}


@pytest.mark.parametrize(("field", "value", "want"), [
    ({"name": "i", "type": "int32"}, -2, struct.pack(">i", -2)),
    ({"name": "u", "type": "uint32"}, 2**32 - 1, struct.pack(">I", 2**32 - 1)),
    ({"name": "e", "type": "enum"}, 1, struct.pack(">i", 1)),
    ({"name": "h", "type": "int64"}, -(2**63), struct.pack(">q", -(2**63))),
    ({"name": "uh", "type": "uint64"}, 2**64 - 1, struct.pack(">Q", 2**64 - 1)),
    ({"name": "b", "type": "bool"}, True, struct.pack(">i", 1)),
    ({"name": "b", "type": "bool"}, False, struct.pack(">i", 0)),
    ({"name": "c", "type": "char"}, "A", struct.pack(">i", 65)),
    ({"name": "f", "type": "float"}, 1.5, struct.pack(">f", 1.5)),
    ({"name": "s", "type": "string"}, "é", xdr_string("é".encode())),
    ({"name": "o", "type": "opaque"}, b"\0\1\2", xdr_string(b"\0\1\2")),
    ({"name": "u", "type": "opaque_fixed", "size": 32}, "u" * 32, b"u" * 32),
    ({"name": "os", "type": "optional_string"}, None, struct.pack(">I", 0)),
    ({"name": "os", "type": "optional_string"}, "ab", struct.pack(">I", 1) + xdr_string(b"ab")),
    ({"name": "l", "type": "string_list"}, ["a", "", "bcdef"],
     struct.pack(">I", 3) + xdr_string(b"a") + xdr_string(b"") + xdr_string(b"bcdef")),
    ({"name": "l", "type": "string_list"}, [], struct.pack(">I", 0)),
])
def test_field_layouts(field: dict[str, Any], value: object, want: bytes) -> None:
    _roundtrip(field, value, want)


def test_char_is_a_signed_int() -> None:
    """rpcgen's char goes through xdr_char (an int): bytes ≥ 0x80 are negative."""
    codec = StructCodec("t", [{"name": "c", "type": "char"}])
    assert codec.encode({"c": "\xff"}) == struct.pack(">i", -1)
    assert codec.decode(struct.pack(">i", -1)) == {"c": "\xff"}


def test_struct_and_struct_list_layouts() -> None:
    inner = StructCodec("in", [{"name": "i", "type": "int32"}, {"name": "s", "type": "string"}])
    structs = {"in": inner}
    one = StructCodec("t", [{"name": "x", "type": "struct", "struct": "in"}], structs)
    many = StructCodec("t", [{"name": "x", "type": "struct_list", "struct": "in"}], structs)
    item = struct.pack(">i", 5) + xdr_string(b"n")
    assert one.encode({"x": {"i": 5, "s": "n"}}) == item
    assert many.encode({"x": [{"i": 5, "s": "n"}] * 2}) == struct.pack(">I", 2) + item * 2
    assert many.decode(struct.pack(">I", 2) + item * 2) == {"x": [{"i": 5, "s": "n"}] * 2}


def test_every_return_struct_round_trips() -> None:
    for name, codec in struct_codecs().items():
        for variant in (0, 1):
            value = sample_struct(name, variant)
            data = codec.encode(value)
            assert codec.decode(data) == value, name
            assert len(data) >= codec.min_size, name


@pytest.mark.parametrize(("ftype", "value"), [
    ("int32", 2**31), ("int32", -(2**31) - 1), ("uint32", -1), ("uint32", 2**32),
    ("int64", 2**63), ("uint64", -1), ("int32", "1"), ("int64", 1.0),
    ("string", 5), ("opaque", None), ("string_list", "abc"), ("string_list", [1]),
])
def test_bad_values_are_local_errors(ftype: str, value: object) -> None:
    codec = StructCodec("t", [{"name": "v", "type": ftype}])
    with pytest.raises(LocalProtocolError):
        codec.encode({"v": value})


def test_missing_field_is_local_error() -> None:
    with pytest.raises(LocalProtocolError):
        StructCodec("t", [{"name": "v", "type": "int32"}]).encode({})


def test_bounded_string_both_ways() -> None:
    codec = StructCodec("t", [{"name": "s", "type": "string", "max": 4}])
    assert codec.decode(xdr_string(b"abcd")) == {"s": "abcd"}
    with pytest.raises(LocalProtocolError):
        codec.encode({"s": "abcde"})
    with pytest.raises(RemoteProtocolError):
        codec.decode(xdr_string(b"abcde"))


def test_fixed_opaque_too_long_is_local_error() -> None:
    with pytest.raises(LocalProtocolError):
        StructCodec("t", [{"name": "u", "type": "opaque_fixed", "size": 4}]).encode({"u": "12345"})


@pytest.mark.parametrize(("ftype", "data"), [
    ("string", struct.pack(">I", 0xFFFFFFFF)),          # length beyond the message
    ("string", struct.pack(">I", 3) + b"abc"),          # padding missing
    ("string", struct.pack(">I", 1)),                    # data missing
    ("string_list", struct.pack(">I", 2**31)),          # count beyond the message
    ("string_list", struct.pack(">I", 2) + xdr_string(b"a")),
    ("optional_string", struct.pack(">I", 2) + xdr_string(b"a")),  # flag neither 0 nor 1
    ("opaque_fixed", b"123"),
    ("int64", b"\0" * 7),
    ("float", b"\0\0"),
    ("char", b""),
    ("bool", b"\0"),
])
def test_malformed_fields_are_remote_errors(ftype: str, data: bytes) -> None:
    field = {"name": "v", "type": ftype, "size": 4}
    with pytest.raises(RemoteProtocolError):
        StructCodec("t", [field]).decode(data)


def test_unknown_field_type_refused() -> None:
    with pytest.raises(ValueError):
        field_codec({"name": "v", "type": "quadruple"}, {})


# -- hostile bytes never escape as anything but RemoteProtocolError --------------------

def _mutations(rng: random.Random, good: bytes) -> list[bytes]:
    out = [good[:n] for n in range(len(good))]  # every truncation
    for _ in range(60):
        b = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            if b:
                b[rng.randrange(len(b))] = rng.randrange(256)
        out.append(bytes(b))
        out.append(bytes(rng.randrange(256) for _ in range(rng.randint(0, 64))))
    return out


def _fuzz(decode: object, good: bytes, seed: int) -> None:
    rng = random.Random(seed)
    for data in _mutations(rng, good):
        try:
            decode(data)  # type: ignore[operator]
        except RemoteProtocolError:
            pass


def test_fixed_messages_survive_fuzzing() -> None:
    """Truncated, flipped or random input: a value or RemoteProtocolError, nothing else."""
    _fuzz(decode_header, HDR.pack(PROGRAM, 4, 1, 0, 1, 0, 0, 0), 1)
    _fuzz(decode_error, encode_error("ENOENT", "message"), 2)
    _fuzz(decode_chunk, encode_chunk(b"some data")[4:], 3)
    _fuzz(decode_progress, encode_progress(Progress(1, 2, 3, 4))[4:], 4)


def test_action_codecs_survive_fuzzing() -> None:
    for i, act in enumerate(sorted(BY_PROC.values(), key=lambda a: a.name)):
        args = {a.name: sample_arg(a.kind) for a in act.wire_args}
        opts = {o.name: sample_arg(o.kind) for o in act.optargs}
        payload, mask = act.encode_args(args, opts)
        _fuzz(lambda d, act=act, mask=mask: act.decode_args(d, mask), payload, i)
        if act.ret_codec is not None:
            _fuzz(act.decode_ret, act.encode_ret(sample_ret(act)), i + 10_000)


# -- golden wire bytes -----------------------------------------------------------------

GOLDEN = os.path.join(DATA, "golden_calls.json")

#: (name, action, serial, positional args, optional args, progress hint)
GOLDEN_CALLS: list[tuple[str, str, int, dict[str, Any], dict[str, Any], int]] = [
    ("mount", "mount", 0x124, {"mountable": "/dev/sda1", "mountpoint": "/"}, {}, 0),
    ("lvs_full", "lvs_full", 0x125, {}, {}, 0),
    ("mkfs_no_optargs", "mkfs", 0x126, {"fstype": "ext4", "device": "/dev/sda1"}, {}, 0),
    ("mkfs_all_optargs", "mkfs", 0x127, {"fstype": "ext4", "device": "/dev/sda1"},
     {"blocksize": 4096, "features": "^has_journal", "inode": 256, "sectorsize": 512, "label": "root"}, 0),
    ("pwrite", "pwrite", 0x128, {"path": "/f", "content": b"\0\1\2\3\4", "offset": 2**33}, {}, 0),
    ("aug_init", "aug_init", 0x129, {"root": "/", "flags": 4}, {}, 0),
    ("command", "command", 0x12A, {"arguments": ["/bin/echo", "a b", ""]}, {}, 0),
    ("upload", "upload", 0x12B, {"remotefilename": "/up"}, {}, 5 * 1024 * 1024),
    ("tar_in_compress", "tar_in", 0x12C, {"directory": "/"}, {"compress": "gzip", "acls": True}, 1),
    ("luks_open", "luks_open", 0x12D, {"device": "/dev/sda2", "key": "secret", "mapname": "m"}, {}, 0),
    ("readdir_1_48", "readdir", 0x12E, {"dir": "/etc"}, {}, 0),
]


def _golden_now() -> dict[str, str]:
    out = {}
    for name, action, serial, args, opts, hint in GOLDEN_CALLS:
        act = ACTIONS[action]
        payload, mask = act.encode_args(args, opts)
        assert act.proc_nr is not None
        out[name] = encode_message(call_header(act.proc_nr, serial, mask, hint), payload).hex()
    call = call_header(ACTIONS["mount"].proc_nr or 0, 0x124)
    out["reply_error"] = encode_message(reply_header(call, C.Status.ERROR),
                                        encode_error("ENOENT", "mount: /dev/sda1: not found")).hex()
    lv = ACTIONS["lvs_full"]
    out["reply_ok_empty_list"] = encode_message(reply_header(call_header(lv.proc_nr or 0, 0x125)),
                                                lv.encode_ret([])).hex()
    out["chunk"] = encode_chunk(b"hello").hex()
    out["chunk_end"] = encode_chunk(b"").hex()
    out["chunk_cancel"] = encode_chunk(b"", cancel=True).hex()
    out["progress"] = encode_progress(Progress(66, 0x12B, 8192, 5 * 1024 * 1024)).hex()
    out["launch_flag"] = flag_word(C.LAUNCH_FLAG).hex()
    out["cancel_flag"] = flag_word(C.CANCEL_FLAG).hex()
    return out


def test_golden_calls(request: pytest.FixtureRequest) -> None:
    """Encoded calls and replies match the stored bytes (``--regenerate-output`` rewrites them)."""
    now = _golden_now()
    if request.config.getoption("--regenerate-output"):
        os.makedirs(DATA, exist_ok=True)
        with open(GOLDEN, "w") as f:
            json.dump(now, f, indent=1, sort_keys=True)
            f.write("\n")
    with open(GOLDEN) as f:
        stored = json.load(f)
    assert now == stored


def test_golden_file_agrees_with_hand_layout() -> None:
    """Spot-check the stored bytes independently of the codec."""
    with open(GOLDEN) as f:
        stored = {k: bytes.fromhex(v) for k, v in json.load(f).items()}
    mount = ACTIONS["mount"].proc_nr
    assert stored["mount"] == framed(HDR.pack(PROGRAM, 4, mount or 0, 0, 0x124, 0, 0, 0)
                                     + xdr_string(b"/dev/sda1") + xdr_string(b"/"))
    # mkfs optargs: blocksize, features, inode, sectorsize, label (bits 0-4), all encoded.
    body = stored["mkfs_no_optargs"][4:]
    assert body[HDR.size:] == (xdr_string(b"ext4") + xdr_string(b"/dev/sda1") + struct.pack(">i", 0)
                               + xdr_string(b"") + struct.pack(">ii", 0, 0) + xdr_string(b""))
    assert HDR.unpack(stored["mkfs_all_optargs"][4:44])[6] == 0b11111
    assert HDR.unpack(stored["readdir_1_48"][4:44])[2] == 138
    assert HDR.unpack(stored["upload"][4:44])[5] == 5 * 1024 * 1024
    assert stored["chunk_cancel"] == struct.pack(">IiI", 8, 1, 0)
    assert stored["launch_flag"] == b"\xf5\xf5\x5f\xf5"
