"""``FrameReader`` (``guestfs/protocol/framing.py``): cutting a byte stream into
frames, flag words, and the 4 MiB limit on what a peer may announce."""

from __future__ import annotations

import random
import struct

import pytest

from guestfs.protocol import (
    CancelFlag,
    FrameReader,
    LaunchFlag,
    Message,
    Progress,
    RemoteProtocolError,
    call_header,
    encode_chunk,
    encode_message,
    encode_progress,
    flag_word,
)
from guestfs.protocol import constants as C

LEN = struct.Struct(">I")


def _stream() -> tuple[bytes, list[object]]:
    """A mixed stream as a daemon would send it, and the frames it holds."""
    call = encode_message(call_header(proc=66, serial=7), b"\0\0\0\x01x\0\0\0")
    progress = Progress(66, 7, 8192, 65536)
    parts: list[tuple[bytes, object]] = [
        (flag_word(C.LAUNCH_FLAG), LaunchFlag()),
        (call, Message(call[4:])),
        (encode_progress(progress), progress),
        (encode_chunk(b"abc"), Message(encode_chunk(b"abc")[4:])),
        (flag_word(C.CANCEL_FLAG), CancelFlag()),
        (encode_chunk(b""), Message(encode_chunk(b"")[4:])),
        (LEN.pack(0), Message(b"")),
    ]
    return b"".join(p for p, _ in parts), [f for _, f in parts]


def test_whole_stream_in_one_feed() -> None:
    data, frames = _stream()
    r = FrameReader()
    assert r.feed(data) == frames
    assert r.pending == 0
    assert r.next_frame() is None


def test_byte_by_byte() -> None:
    data, frames = _stream()
    r = FrameReader()
    got = []
    for i in range(len(data)):
        got += r.feed(data[i : i + 1])
    assert got == frames
    assert r.pending == 0


@pytest.mark.parametrize("seed", range(5))
def test_random_splits(seed: int) -> None:
    data, frames = _stream()
    rng = random.Random(seed)
    r = FrameReader()
    got, pos = [], 0
    while pos < len(data):
        n = rng.randint(1, 20)
        got += r.feed(data[pos : pos + n])
        pos += n
    assert got == frames


def test_partial_frames_wait_and_want_counts_down() -> None:
    body = b"x" * 10
    r = FrameReader()
    assert r.want() == 4
    assert r.feed(LEN.pack(10)[:3]) == []
    assert r.want() == 1
    assert r.feed(LEN.pack(10)[3:] + body[:4]) == []
    assert r.pending == 8
    assert r.want() == 6
    assert r.feed(body[4:]) == [Message(body)]
    assert r.want() == 4


def test_progress_flag_waits_for_its_24_bytes() -> None:
    p = encode_progress(Progress(1, 2, 3, 4))
    r = FrameReader()
    assert r.feed(p[:-1]) == []
    assert r.want() == 1
    assert r.feed(p[-1:]) == [Progress(1, 2, 3, 4)]


def test_flags_need_no_body() -> None:
    r = FrameReader()
    r.feed(b"")
    assert r.feed(flag_word(C.LAUNCH_FLAG)[:2]) == []
    assert r.want() == 2
    assert r.feed(flag_word(C.LAUNCH_FLAG)[2:]) == [LaunchFlag()]
    r.feed(flag_word(C.CANCEL_FLAG)[:4])
    assert r.pending == 0


def test_limit_is_exactly_4_mib() -> None:
    r = FrameReader()
    assert r.feed(LEN.pack(C.MESSAGE_MAX)) == []
    assert r.want() == C.MESSAGE_MAX
    body = b"\0" * C.MESSAGE_MAX
    assert r.feed(body) == [Message(body)]


@pytest.mark.parametrize("n", [C.MESSAGE_MAX + 1, 0x7FFFFFFF, 0xF5F55FF4, 0xFFFF5554, 0xFFFFFFFF])
def test_oversize_length_word_refused_before_the_body(n: int) -> None:
    """The limit is checked on the length word alone: no 4 GiB buffer is awaited."""
    r = FrameReader()
    with pytest.raises(RemoteProtocolError, match="exceeds"):
        r.feed(LEN.pack(n))


def test_oversize_after_good_frames_still_refused() -> None:
    r = FrameReader()
    with pytest.raises(RemoteProtocolError):
        r.feed(flag_word(C.LAUNCH_FLAG) + LEN.pack(C.MESSAGE_MAX + 1))


def test_custom_limit() -> None:
    r = FrameReader(max_message=16)
    assert r.feed(LEN.pack(16) + b"y" * 16) == [Message(b"y" * 16)]
    with pytest.raises(RemoteProtocolError):
        r.feed(LEN.pack(17))
