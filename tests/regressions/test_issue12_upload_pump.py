"""Issue 12 (uploads): the daemon's bulk path (``Server.pump_chunks``, what
``FileIn.copy_to_fd`` and ``pipes.write_stream`` use) keeps every limit of
the chunk-at-a-time path (issue 11's findings), however reads split.

The real serve loop in a thread, spoken to with raw bytes over a socketpair
(issue 11's ``Wire``); the upload's implementation writes the stream to a
pipe with ``copy_to_fd``, as the real upload does to its file.
"""

from __future__ import annotations

import hashlib
import os
import struct
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from guestfs.protocol import constants as C
from guestfs.protocol import encode_chunk
from guestfs_daemon.errors import DaemonError
from tests.helpers import ConnectionPair, fake_impls
from tests.regressions.test_issue11_daemon import Wire, _assert_error, _assert_ok


@pytest.fixture
def wire() -> Iterator[tuple[Wire, list[str]]]:
    """A daemon serve loop whose upload copies the stream to a pipe; the list
    collects the SHA-256 of what each upload wrote."""
    got: list[str] = []

    def pumped_upload(filein: Any, tmpname: str, mode: int) -> None:
        if tmpname == "bad":
            raise DaemonError("bad tmpname", "EINVAL")
        r, w = os.pipe()
        digest = hashlib.sha256()

        def drain() -> None:
            while data := os.read(r, 1 << 16):
                digest.update(data)

        t = threading.Thread(target=drain)
        t.start()
        try:
            n = filein.copy_to_fd(w)
        finally:
            os.close(w)
            t.join()
            os.close(r)
        assert n == filein.received
        got.append(digest.hexdigest())

    with fake_impls({"internal_upload": pumped_upload, "sync": lambda: None}):
        pair = ConnectionPair()
        try:
            yield Wire(pair.client_sock), got
            assert pair.thread.is_alive(), f"the daemon died: {pair.server_error!r}"
        finally:
            pair.close()
    assert pair.server_error is None, pair.server_error


def _chunks(data: bytes, sizes: list[int]) -> bytes:
    out, pos = [], 0
    for n in sizes:
        out.append(encode_chunk(data[pos:pos + n]))
        pos += n
    assert pos == len(data)
    return b"".join(out)


@pytest.mark.parametrize("step", [1, 7, 4096, 8204, 65536, None])
def test_pumped_upload_arrives_whole_however_reads_split(wire: tuple[Wire, list[str]],
                                                         step: int | None) -> None:
    """Full, short and odd-sized chunks, sent in pieces that split heads and data."""
    w, got = wire
    data = os.urandom(5 * C.MAX_CHUNK_SIZE + 1234)
    stream = _chunks(data, [C.MAX_CHUNK_SIZE, 1, 3, C.MAX_CHUNK_SIZE, 4093, C.MAX_CHUNK_SIZE,
                            C.MAX_CHUNK_SIZE, C.MAX_CHUNK_SIZE - 4097 + 1234]) + encode_chunk(b"")
    w.sock.sendall(w.upload_call(1))
    if step is None:
        w.sock.sendall(stream)
    else:
        for i in range(0, len(stream), step):
            w.sock.sendall(stream[i:i + step])
    _assert_ok(w.reply(), 1)
    assert got == [hashlib.sha256(data).hexdigest()]
    w.sock.sendall(w.sync_call(2))
    _assert_ok(w.reply(), 2)


@pytest.mark.parametrize("split", [None, 4, 12, 5000])
def test_pumped_upload_refuses_an_oversized_chunk(wire: tuple[Wire, list[str]], split: int | None) -> None:
    """After good chunks, one over the 8192-byte limit fails the upload, with
    issue 11's message, and the next call is served."""
    w, got = wire
    data = b"z" * (1 << 20)
    big = struct.pack(">IiI", 8 + len(data), 0, len(data)) + data
    w.sock.sendall(w.upload_call(1) + encode_chunk(b"a" * C.MAX_CHUNK_SIZE) * 3)
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


def test_pumped_upload_refuses_a_frame_length_that_does_not_match(wire: tuple[Wire, list[str]]) -> None:
    """A chunk whose frame length disagrees with its data length is not
    taken by the bulk path; the generic path refuses it."""
    w, got = wire
    bad = struct.pack(">IiI", 8 + 16, 0, 8) + b"x" * 16
    w.sock.sendall(w.upload_call(1) + encode_chunk(b"a" * 100) + bad + encode_chunk(b""))
    h, _ = w.reply()
    assert (h.status, h.serial) == (C.Status.ERROR, 1)
    assert got == []
    w.sock.sendall(w.sync_call(2))
    _assert_ok(w.reply(), 2)


def test_pumped_upload_cancelled_by_the_library(wire: tuple[Wire, list[str]]) -> None:
    w, got = wire
    w.sock.sendall(w.upload_call(1) + encode_chunk(b"a" * C.MAX_CHUNK_SIZE) * 2
                   + encode_chunk(b"", cancel=True))
    _assert_error(w.reply(), 1, "cancelled")
    assert got == []
    w.sock.sendall(w.sync_call(2))
    _assert_ok(w.reply(), 2)


def test_pumped_upload_then_a_call_in_the_same_write(wire: tuple[Wire, list[str]]) -> None:
    w, got = wire
    data = b"q" * (3 * C.MAX_CHUNK_SIZE)
    w.sock.sendall(w.upload_call(1) + _chunks(data, [C.MAX_CHUNK_SIZE] * 3) + encode_chunk(b"")
                   + w.sync_call(2))
    _assert_ok(w.reply(), 1)
    _assert_ok(w.reply(), 2)
    assert got == [hashlib.sha256(data).hexdigest()]


def test_pumped_upload_meets_a_call(wire: tuple[Wire, list[str]]) -> None:
    """A call where a chunk should be ends the upload, and is answered."""
    w, got = wire
    w.sock.sendall(w.upload_call(1) + encode_chunk(b"abc") + w.sync_call(2))
    _assert_error(w.reply(), 1, "a call arrived where an upload chunk was expected")
    _assert_ok(w.reply(), 2)
    assert got == []
