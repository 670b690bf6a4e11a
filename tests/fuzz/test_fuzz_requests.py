"""Hostile requests into the daemon's serve loop, for every procedure.

The real serve loop (``daemon/server.py``) runs in a thread with a fake
implementation for every daemon action (nothing touches the host): each
input is a call of a random procedure whose header and arguments
Hypothesis mangles (bit flips, truncation, random bytes, bad header
fields), optionally followed by chunk-like frames or raw garbage.  After
each input a valid ``sync`` call must be answered, and the daemon must never
report an internal error (an exception no check of ours caught).
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guestfs.actions import ACTIONS, Action
from guestfs.protocol import (
    FrameReader,
    Message,
    call_header,
    decode_error,
    decode_header,
    encode_chunk,
    encode_message,
    flag_word,
)
from guestfs.protocol import constants as C
from guestfs.protocol.messages import _HEADER_STRUCT
from guestfs_daemon import dispatch
from guestfs_daemon.streams import FileIn
from tests.fuzz.conftest import Tally
from tests.helpers import TIMEOUT, ConnectionPair, fake_impls, sample_arg

DAEMON_ACTS = sorted((a for a in ACTIONS.values() if a.daemon and a.proc_nr), key=lambda a: a.proc_nr or 0)
SYNC = ACTIONS["sync"]
#: Serials of the probe calls, apart from anything a mangled header carries.
PROBE_BASE = 0x7F000000
#: Cancel-flag padding before each probe retry (bytes); the last outlasts any
#: message length the daemon may be waiting on.
RETRY_PADS = (0, 64, 4096, 1 << 16, C.MESSAGE_MAX + 8)


def _fake(act: Action) -> Any:
    """An implementation that reads any upload and returns a sample result."""
    def impl(*args: Any, **opts: Any) -> Any:
        for a in args:
            if isinstance(a, FileIn):
                for _ in a:
                    pass
        return None if act.fileout else act.ret.sample(0)
    return impl


def _valid_payload(act: Action) -> tuple[bytes, int]:
    """The arguments of a well-formed call of ``act``, and its optargs bitmask."""
    args = {a.name: sample_arg(a.kind, 0) for a in act.wire_args}
    return act.encode_args(args, {})


def _mangle(data: bytes, ops: list[tuple[int, int, int]]) -> bytes:
    """Apply (what, position, value) edits: flip a bit, cut, insert a byte."""
    b = bytearray(data)
    for what, pos, val in ops:
        if what == 0 and b:
            b[pos % len(b)] ^= 1 << (val % 8)
        elif what == 1:
            del b[pos % (len(b) + 1):]
        else:
            b[pos % (len(b) + 1):pos % (len(b) + 1)] = bytes([val % 256])
    return bytes(b)


@st.composite
def hostile_requests(draw: st.DrawFn) -> tuple[Action, bytes]:
    """A mangled call of a random procedure, with what may follow it."""
    act = draw(st.sampled_from(DAEMON_ACTS))
    payload, mask = _valid_payload(act)
    header = call_header(act.proc_nr or 0, draw(st.integers(1, 1000)),
                         draw(st.sampled_from([mask, 0, 1, 0xFFFFFFFF, draw(st.integers(0, 2**32 - 1))])),
                         draw(st.sampled_from([0, 1, 2**63])))
    raw_header = bytearray(_HEADER_STRUCT.pack(*header))
    if draw(st.booleans()):
        flips = st.tuples(st.just(0), st.integers(0, _HEADER_STRUCT.size - 1), st.integers(0, 7))
        raw_header = bytearray(_mangle(bytes(raw_header), draw(st.lists(flips, max_size=3))))
    ops = draw(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 1 << 16), st.integers(0, 255)),
                        max_size=6))
    args = draw(st.binary(max_size=64)) if draw(st.booleans()) else _mangle(payload, ops)
    body = bytes(raw_header) + args
    frames = struct.pack(">I", len(body)) + body
    tail = draw(st.sampled_from(["none", "chunks", "cancel", "garbage", "flags"]))
    if tail == "chunks":
        frames += encode_chunk(draw(st.binary(max_size=100))) + encode_chunk(b"")
    elif tail == "cancel":
        frames += flag_word(C.CANCEL_FLAG) + encode_chunk(b"", cancel=True)
    elif tail == "garbage":
        frames += draw(st.binary(min_size=1, max_size=40))
    elif tail == "flags":
        frames += flag_word(C.CANCEL_FLAG) * draw(st.integers(1, 20))
    return act, frames


class Probe:
    """The library end: send an input, then a sync call, read until its reply."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.sock.settimeout(TIMEOUT)
        self.reader = FrameReader()
        self.serial = PROBE_BASE

    def exchange(self, data: bytes) -> tuple[list[tuple[Any, bytes]], int]:
        """Send ``data``, then sync calls until one is answered.

        Garbage may leave the daemon inside a message it believes is still
        arriving (a length word it took for real): each retry first sends a
        larger run of cancel flags, which complete such a message or are
        dropped.  Returns every reply seen and how many retries it took.
        """
        self.sock.settimeout(TIMEOUT)
        self.sock.sendall(data)
        replies: list[tuple[Any, bytes]] = []
        first = self.serial + 1
        for retry, pad in enumerate(RETRY_PADS):
            self.serial += 1
            self.sock.settimeout(TIMEOUT)  # a long pad takes the daemon a while to read
            self.sock.sendall(flag_word(C.CANCEL_FLAG) * (pad // 4) +
                              encode_message(call_header(SYNC.proc_nr or 0, self.serial)))
            if self._answered(replies, first, 0.2 if retry + 1 < len(RETRY_PADS) else TIMEOUT):
                return replies, retry
        raise AssertionError("the daemon stopped answering")

    def _answered(self, replies: list[tuple[Any, bytes]], first: int, wait: float) -> bool:
        """Read replies for up to ``wait`` s; True once a probe is answered."""
        self.sock.settimeout(wait)
        while True:
            try:
                chunk = self.sock.recv(1 << 16)
            except TimeoutError:
                return False
            if not chunk:
                raise AssertionError("the daemon closed the channel")
            done = False
            for f in self.reader.feed(chunk):
                if not isinstance(f, Message):
                    continue
                try:
                    h, off = decode_header(f.body)
                except Exception:
                    continue  # a download's chunks
                replies.append((h, f.body[off:]))
                if h.proc == SYNC.proc_nr and first <= h.serial <= self.serial and h.status == C.Status.OK:
                    done = True
            if done:
                return True  # answers to earlier probes still in flight are told apart by serial


@pytest.fixture(scope="module")
def probe() -> Iterator[tuple[Probe, ConnectionPair]]:
    """One daemon for the whole fuzzer (it must survive every input)."""
    fakes = {a.name: _fake(a) for a in DAEMON_ACTS}
    saved = dict(dispatch.IMPLS)
    with fake_impls(fakes):
        pair = ConnectionPair()
        try:
            yield Probe(pair.client_sock), pair
        finally:
            pair.close()
    assert dispatch.IMPLS == saved


@given(req=hostile_requests())
def test_hostile_requests_leave_the_daemon_answering(req: tuple[Action, bytes], tally: Tally,
                                                     probe: tuple[Probe, ConnectionPair]) -> None:
    p, pair = probe
    act, data = req
    try:
        replies, retries = p.exchange(data)
    except AssertionError:
        tally.bad()
        raise
    internal = [decode_error(body).error_message for h, body in replies
                if h.status == C.Status.ERROR and _error_text(body).startswith("internal error")]
    if internal or not pair.thread.is_alive():
        tally.bad()
        raise AssertionError(f"{act.name}: {internal or pair.server_error!r}")
    tally.saw("answered after resync" if retries else "answered")


def _error_text(body: bytes) -> str:
    try:
        return decode_error(body).error_message
    except Exception:
        return ""
