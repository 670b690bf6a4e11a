"""Golden traffic: real stock 1.48 library↔daemon bytes through our codec, no VM.

``tests/data/traffic-1.48.bin`` was recorded by ``record_traffic.py`` (the
stock library and the stock daemon, through a logging proxy on the
channel).  Each direction is cut into frames by our ``FrameReader``, fed in
the recorded read sizes; every call, reply, chunk, progress message and flag
is decoded with our codec (args and returns through the actions registry)
and encoded again, and the result must be the recorded bytes.  Failures name
the message (direction, index, procedure and serial) and the action.
``pytest --regenerate-output`` records it again first (needs a VM and the
stock packages), as does ``python3 tests/interop/record_traffic.py --path
<stock fixed appliance>``.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest

from guestfs.actions import BY_PROC, Action
from guestfs.protocol import (
    CancelFlag,
    FrameReader,
    LaunchFlag,
    Message,
    Progress,
    ProtocolError,
    decode_chunk,
    decode_error,
    decode_header,
    encode_chunk,
    encode_error,
    encode_message,
    flag_word,
)
from guestfs.protocol import constants as C
from guestfs.protocol.messages import encode_progress
from tests.interop.record_traffic import read_trace

TRACE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "traffic-1.48.bin")
#: Key of the facts' per-action record of the stock peer's release.
PEER_KEY = "at_v1_48_6"


@dataclass
class Item:
    """One decoded frame of one direction, with what it re-encodes to."""

    direction: str
    index: int
    kind: str  # launch, cancel-flag, progress, call, reply, error, chunk
    reencoded: bytes
    header: Any = None
    action: Action | None = None
    value: Any = None

    def name(self) -> str:
        """How a failure message names this frame."""
        where = f"{'library→daemon' if self.direction == 'L' else 'daemon→library'} frame #{self.index}"
        if self.header is not None:
            where += f" (proc {self.header.proc} serial {self.header.serial:#x})"
        act = f" of action {self.action.name!r}" if self.action else ""
        return f"{self.kind}{act}, {where}"


@dataclass
class Decoded:
    """Both directions decoded, plus any mismatch found on the way."""

    items: dict[str, list[Item]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_records(path: str) -> list[tuple[str, bytes]]:
    """The trace's records: (``L``/``D``, raw channel bytes)."""
    with open(path, "rb") as f:
        return read_trace(f.read())


def peer_layout(act: Action) -> Action:
    """The action as the stock 1.48 peer lays it out (shorter args structs)."""
    old = act.facts.get(PEER_KEY)
    if not old or old.get("wire_identical", True) or "args_xdr" not in old:
        return act
    optargs = tuple(o for o in act.optargs if o.name in {x["name"] for x in old["optargs"]})
    return dataclasses.replace(act, optargs=optargs, args_xdr=old["args_xdr"])


def decode_direction(direction: str, records: list[tuple[str, bytes]], problems: list[str]) -> list[Item]:
    """Cut one direction into frames and decode each, remembering its re-encoding."""
    reader = FrameReader()
    frames: list[Any] = []
    for tag, data in records:
        if tag == direction:
            frames += reader.feed(data)
    if reader.pending:
        problems.append(f"{direction}: {reader.pending} bytes left over after the last frame")
    items: list[Item] = []
    stream: Action | None = None  # the action whose chunks are flowing
    for i, f in enumerate(frames):
        try:
            stream = decode_frame(direction, i, f, stream, items)
        except (ProtocolError, AssertionError) as e:
            what = f"chunk of action {stream.name!r}" if stream else describe(f)
            problems.append(f"{what}, {direction} frame #{i}: cannot decode: {e}")
            break  # the rest of this direction cannot be placed reliably
    return items


def describe(f: Any) -> str:
    """Best-effort name of a frame that failed to decode."""
    if not isinstance(f, Message):
        return type(f).__name__
    try:
        h, _ = decode_header(f.body)
    except ProtocolError:
        return "message with a bad header"
    act = BY_PROC.get(h.proc)
    return f"message of action {act.name if act else '?'!r} (proc {h.proc} serial {h.serial:#x})"


def decode_frame(direction: str, i: int, f: Any, stream: Action | None, items: list[Item]) -> Action | None:
    """Decode frame ``i`` into ``items``; returns the action whose chunks follow, if any."""
    if isinstance(f, LaunchFlag):
        items.append(Item(direction, i, "launch", flag_word(C.LAUNCH_FLAG)))
    elif isinstance(f, CancelFlag):
        items.append(Item(direction, i, "cancel-flag", flag_word(C.CANCEL_FLAG)))
    elif isinstance(f, Progress):
        items.append(Item(direction, i, "progress", encode_progress(f), value=f))
    elif stream is not None:
        chunk = decode_chunk(f.body)
        items.append(Item(direction, i, "chunk", encode_chunk(chunk.data, bool(chunk.cancel)),
                          action=stream, value=chunk))
        if chunk.cancel or not chunk.data:
            stream = None
    else:
        assert isinstance(f, Message)
        items.append(decode_message(direction, i, f.body))
        it = items[-1]
        act = it.action
        if act is not None and (
                (direction == "L" and act.filein is not None)
                or (direction == "D" and it.kind == "reply" and act.fileout is not None)):
            stream = act
    return stream


def decode_message(direction: str, index: int, body: bytes) -> Item:
    """Decode a call (library→daemon) or a reply (daemon→library)."""
    h, off = decode_header(body)
    payload = body[off:]
    act = BY_PROC.get(h.proc)
    if act is None:
        raise AssertionError(f"procedure {h.proc} is not in BY_PROC")
    if direction == "L":
        assert h.direction == C.Direction.CALL, f"direction {h.direction} where a call was expected"
        args, opts = act.decode_args(payload, h.optargs_bitmask)
        again, bitmask = peer_layout(act).encode_args(args, opts)
        item = Item(direction, index, "call", encode_message(h._replace(optargs_bitmask=bitmask), again),
                    header=h, action=act, value=(args, opts))
    elif h.status == C.Status.ERROR:
        err = decode_error(payload)
        item = Item(direction, index, "error", encode_message(h, encode_error(*err)),
                    header=h, action=act, value=err)
    else:
        assert h.direction == C.Direction.REPLY, f"direction {h.direction} where a reply was expected"
        value = act.decode_ret(payload)
        item = Item(direction, index, "reply", encode_message(h, act.encode_ret(value)),
                    header=h, action=act, value=value)
    return item


def compare(items: list[Item], stream: bytes) -> list[str]:
    """Walk the recorded stream with the re-encoded frames; the first difference."""
    pos = 0
    for it in items:
        got = stream[pos:pos + len(it.reencoded)]
        if got != it.reencoded:
            at = next(i for i, (a, b) in enumerate(zip(got + b"\0", it.reencoded + b"\1")) if a != b)
            return [f"{it.name()}: re-encoded bytes differ from the recording at byte {at}\n"
                    f"  recorded:   {got[:at + 16].hex()}\n"
                    f"  re-encoded: {it.reencoded[:at + 16].hex()}"]
        pos += len(it.reencoded)
    if pos != len(stream):
        return [f"{len(stream) - pos} recorded bytes not covered by any frame"]
    return []


@cache
def decode_trace(path: str) -> Decoded:
    """The whole trace, decoded once per session."""
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: record it with tests/interop/record_traffic.py")
    records = read_records(path)
    out = Decoded()
    for d in "LD":
        out.items[d] = decode_direction(d, records, out.problems)
        out.problems += compare(out.items[d], b"".join(b for t, b in records if t == d))
    return out


@pytest.fixture(scope="module")
def trace(request: pytest.FixtureRequest) -> str:
    """The golden trace; ``--regenerate-output`` records it again first (needs a VM)."""
    if request.config.getoption("--regenerate-output"):
        import record_traffic

        stock = request.getfixturevalue("stock_fixed")
        assert record_traffic.record(TRACE, stock) == 0, "recording the golden traffic failed"
        decode_trace.cache_clear()
    return TRACE


@pytest.fixture
def decoded(trace: str) -> Decoded:
    """The golden trace, decoded."""
    return decode_trace(trace)


def test_trace_is_small(trace: str) -> None:
    assert os.path.getsize(trace) < 200 * 1024


def test_every_frame_reencodes_to_the_recorded_bytes(decoded: Decoded) -> None:
    problems = decoded.problems
    assert not problems, "\n".join(problems)


def test_calls_and_replies_pair_up(decoded: Decoded) -> None:
    d = decoded
    calls = [i for i in d.items["L"] if i.kind == "call"]
    replies = [i for i in d.items["D"] if i.kind in ("reply", "error")]
    assert len(calls) == len(replies)
    for c, r in zip(calls, replies):
        assert (r.header.proc, r.header.serial) == (c.header.proc, c.header.serial), \
            f"{r.name()} answers {c.name()}"
        assert r.header.prog == C.PROGRAM and r.header.vers == C.PROTOCOL_VERSION, r.name()
    serials = {(c.header.proc, c.header.serial) for c in calls}
    for p in (i for i in d.items["D"] if i.kind == "progress"):
        assert (p.value.proc, p.value.serial) in serials, p.name()
        assert 0 <= p.value.position <= p.value.total, p.name()


def test_errors_carry_known_errno_names(decoded: Decoded) -> None:
    errors = [i for i in decoded.items["D"] if i.kind == "error"]
    assert errors, "the recording has no error reply"
    for e in errors:
        assert e.value.errno_string in C.ERRNOS, e.name()
    by_action = {e.action.name: e.value for e in errors if e.action}
    assert by_action["mkdir"].errno_string == "EEXIST"
    assert by_action["mkdir"].error_message.endswith("File exists")
    assert by_action["upload"].errno_string == "ENOENT"


def test_coverage(decoded: Decoded) -> None:
    """The recording exercises every return kind, both streams, flags and progress."""
    d = decoded
    kinds = Counter(i.kind for side in d.items.values() for i in side)
    assert kinds["launch"] == 1 and d.items["D"][0].kind == "launch"
    for k in ("progress", "cancel-flag", "chunk", "error"):
        assert kinds[k], f"no {k} frame in the recording"
    returned = {i.action.ret.name for i in d.items["D"] if i.kind == "reply" and i.action}
    assert returned == {a.ret.name for a in BY_PROC.values()}
    calls: dict[str, Item] = {}
    for i in d.items["L"]:
        if i.kind == "call" and i.action:
            calls.setdefault(i.action.name, i)  # the first call of each action
    assert calls["readdir"].header.proc == 138
    assert calls["mkfs"].value[1] == {"blocksize": 4096, "label": "golden"}
    assert calls["is_dir"].value[1] == {"followsymlinks": True}
    assert calls["tar_in"].value[1] == {"compress": "gzip"}
    assert calls["e2fsck"].value[1] == {"correct": True}
    chunks = [i for side in d.items.values() for i in side if i.kind == "chunk"]
    assert {i.action.name for i in chunks if i.direction == "L"} >= {"upload", "tar_in"}
    assert {i.action.name for i in chunks if i.direction == "D"} >= {"download", "tar_out"}
    assert any(i.value.cancel for i in chunks), "no cancel chunk in the recording"
