"""Issue 11 findings on the daemon side, each with its regression test.

The real serve loop (``daemon/server.py``) in a thread, spoken to with raw
bytes over a socketpair; the upload's implementation is a fake that counts
what it received, so no sysroot is needed.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from typing import Any

import pytest

from guestfs.actions import ACTIONS
from guestfs.protocol import (
    CancelFlag,
    FrameReader,
    Message,
    call_header,
    decode_error,
    decode_header,
    encode_chunk,
    encode_message,
)
from guestfs.protocol import constants as C
from guestfs_daemon.errors import DaemonError
from tests.helpers import TIMEOUT, ConnectionPair, fake_impls

UPLOAD = ACTIONS["internal_upload"]
SYNC = ACTIONS["sync"]


class Wire:
    """The library's end of the channel, as raw frames."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reader = FrameReader()
        self.pending: list[Any] = []
        self.sock.settimeout(TIMEOUT)

    def upload_call(self, serial: int, tmpname: str = "t") -> bytes:
        payload, mask = UPLOAD.encode_args({"tmpname": tmpname, "mode": 0o644}, {})
        return encode_message(call_header(UPLOAD.proc_nr or 0, serial, mask), payload)

    @staticmethod
    def sync_call(serial: int) -> bytes:
        return encode_message(call_header(SYNC.proc_nr or 0, serial))

    def reply(self) -> tuple[Any, bytes]:
        """The next reply message (flags skipped): its header and payload."""
        while True:
            while self.pending:
                f = self.pending.pop(0)
                if isinstance(f, Message):
                    h, off = decode_header(f.body)
                    return h, f.body[off:]
            data = self.sock.recv(65536)  # a timeout here means the daemon never answered
            assert data, "the daemon closed the channel"
            self.pending.extend(self.reader.feed(data))


@pytest.fixture
def wire() -> Iterator[tuple[Wire, list[int]]]:
    """A daemon serve loop and the raw library end; the list collects what
    each upload's implementation received (bytes)."""
    got: list[int] = []

    def fake_upload(filein: Any, tmpname: str, mode: int) -> None:
        if tmpname == "bad":
            raise DaemonError("bad tmpname", "EINVAL")  # fails before reading the stream
        got.append(sum(len(c) for c in filein))

    with fake_impls({"internal_upload": fake_upload, "sync": lambda: None}):
        pair = ConnectionPair()
        try:
            yield Wire(pair.client_sock), got
            assert pair.thread.is_alive(), f"the daemon died: {pair.server_error!r}"
        finally:
            pair.close()
    assert pair.server_error is None, pair.server_error


def _assert_error(reply: tuple[Any, bytes], serial: int, words: str) -> None:
    h, payload = reply
    assert (h.status, h.serial) == (C.Status.ERROR, serial)
    assert words in decode_error(payload).error_message


def _assert_ok(reply: tuple[Any, bytes], serial: int) -> None:
    h, _ = reply
    assert (h.status, h.serial) == (C.Status.OK, serial), h


def test_issue11_malformed_upload_chunk_does_not_kill_the_daemon(wire: tuple[Wire, list[int]]) -> None:
    """A bad chunk fails the upload; the daemon asks the library to stop
    (cancel flag), and a library that answers with a cancel chunk gets the
    upload's error, then its next call served."""
    w, _ = wire
    bad_chunk = struct.pack(">I", 12) + struct.pack(">iI", 7, 4) + b"data"  # cancel field 7
    w.sock.sendall(w.upload_call(1) + bad_chunk)
    while not any(isinstance(f, CancelFlag) for f in w.pending):
        w.pending.extend(w.reader.feed(w.sock.recv(65536)))
    w.sock.sendall(encode_chunk(b"", cancel=True))
    _assert_error(w.reply(), 1, "cancel field is 7")
    w.sock.sendall(w.sync_call(2))
    _assert_ok(w.reply(), 2)


def test_issue11_malformed_upload_chunk_then_a_call(wire: tuple[Wire, list[int]]) -> None:
    """A library that sends its next call instead of ending the stream."""
    w, _ = wire
    bad_chunk = struct.pack(">I", 12) + struct.pack(">iI", 7, 4) + b"data"
    w.sock.sendall(w.upload_call(1) + bad_chunk + w.sync_call(2))
    _assert_error(w.reply(), 1, "cancel field is 7")
    _assert_ok(w.reply(), 2)


@pytest.mark.parametrize("junk", [struct.pack(">I", 8) + b"\xff" * 8, struct.pack(">I", C.MESSAGE_MAX + 5),
                                  struct.pack(">I", 12) + struct.pack(">iI", 0, 9999) + b"abcd"],
                         ids=["not-a-chunk", "impossible-length", "lying-length"])
def test_issue11_upload_with_bad_arguments_then_a_frame_that_is_no_chunk(
        wire: tuple[Wire, list[int]], junk: bytes) -> None:
    """The drain of a refused upload meets a frame that is no chunk: it
    used to raise a protocol error out of the serve loop (the appliance was
    gone); now the upload gets its error and the next call is served."""
    w, _ = wire
    w.sock.sendall(w.upload_call(1, tmpname="bad") + junk)
    _assert_error(w.reply(), 1, "bad tmpname")
    w.sock.sendall(w.sync_call(2))
    _assert_ok(w.reply(), 2)


def test_issue11_call_during_an_upload_ends_it_and_is_answered(wire: tuple[Wire, list[int]]) -> None:
    w, _ = wire
    w.sock.sendall(w.upload_call(1) + encode_chunk(b"abc") + w.sync_call(2))
    _assert_error(w.reply(), 1, "a call arrived where an upload chunk was expected")
    _assert_ok(w.reply(), 2)


@pytest.mark.parametrize("split", [None, 4, 12, 5000],
                         ids=["whole", "after-length", "after-head", "mid-data"])
def test_issue11_oversized_chunk_refused_however_reads_split(wire: tuple[Wire, list[int]],
                                                            split: int | None) -> None:
    """The 8192-byte chunk limit holds whether the fast path or the generic
    path sees the chunk (it used to depend on where reads split)."""
    w, got = wire
    data = b"z" * (1 << 20)  # encode_chunk refuses this size, so by hand
    big = struct.pack(">IiI", 8 + len(data), 0, len(data)) + data
    w.sock.sendall(w.upload_call(1))
    if split is None:
        w.sock.sendall(big)
    else:
        w.sock.sendall(big[:split])
        w.sock.sendall(big[split:])
    w.sock.sendall(encode_chunk(b""))
    _assert_error(w.reply(), 1, f"length {1 << 20} exceeds the limit {C.MAX_CHUNK_SIZE}")
    assert got == []
    w.sock.sendall(w.sync_call(2))
    _assert_ok(w.reply(), 2)


def test_issue11_call_pipelined_behind_an_upload_is_answered(wire: tuple[Wire, list[int]]) -> None:
    """Upload and the next call in one write: the call is served without the
    library sending anything more (it used to wait in the buffer)."""
    w, got = wire
    chunks = b"".join(encode_chunk(b"q" * C.MAX_CHUNK_SIZE) for _ in range(3)) + encode_chunk(b"")
    w.sock.sendall(w.upload_call(1) + chunks + w.sync_call(2))
    _assert_ok(w.reply(), 1)
    _assert_ok(w.reply(), 2)
    assert got == [3 * C.MAX_CHUNK_SIZE]


def test_issue11_garbage_between_calls_is_skipped(wire: tuple[Wire, list[int]]) -> None:
    w, _ = wire
    w.sock.sendall(b"\xff\xff\xff\xff" + b"\x00\x01junk" + w.sync_call(3))
    _assert_ok(w.reply(), 3)


def test_issue11_nul_byte_in_a_device_argument_is_refused(wire: tuple[Wire, list[int]]) -> None:
    """Found by the request fuzzer: a NUL in a Device argument reached
    os.stat and came back as an internal error; now it is refused by name."""
    w, _ = wire
    act = ACTIONS["blockdev_getsize64"]
    payload, mask = act.encode_args({"device": "/dev/sd\0a"}, {})
    w.sock.sendall(encode_message(call_header(act.proc_nr or 0, 5, mask), payload))
    _assert_error(w.reply(), 5, "blockdev_getsize64: argument 'device' contains a NUL byte")
