"""Sans-IO reader that cuts a byte stream into protocol frames.

Feed it whatever the transport delivers; it returns complete frames.  Flag
words (launch, cancel, progress) are recognised before a length is trusted,
and a length above the protocol's 4 MiB limit is refused before any buffer is
allocated for it.  Used by the library's RPC client and by the daemon.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

from . import constants as C
from .errors import RemoteProtocolError
from .messages import Progress, decode_progress

_LEN = struct.Struct(">I")


class LaunchFlag(NamedTuple):
    """The daemon is up (sent once, first)."""


class CancelFlag(NamedTuple):
    """The peer asks to cancel the current file transfer."""


class Message(NamedTuple):
    """A length-framed message: call, reply or chunk, body without the length."""

    body: bytes


Frame = LaunchFlag | CancelFlag | Progress | Message


class FrameReader:
    """Accumulates bytes and yields whole frames."""

    def __init__(self, max_message: int = C.MESSAGE_MAX) -> None:
        self._buf = bytearray()
        self._max = max_message

    @property
    def pending(self) -> int:
        """Bytes received but not yet part of a complete frame."""
        return len(self._buf)

    @property
    def buffer(self) -> bytearray:
        """The pending bytes themselves, for readers that cut frames out of
        them directly (the daemon's upload fast path and call resync)."""
        return self._buf

    def add(self, data: bytes | bytearray | memoryview) -> None:
        """Add received bytes without parsing them (see :meth:`next_frame`)."""
        self._buf += data

    def feed(self, data: bytes | bytearray | memoryview) -> list[Frame]:
        """Add received bytes; return every frame now complete.

        :raises RemoteProtocolError: on a length word that is neither a flag
            nor within the message limit.
        """
        self._buf += data
        out: list[Frame] = []
        while True:
            f = self.next_frame()
            if f is None:
                return out
            out.append(f)

    def next_frame(self) -> Frame | None:
        """Pop one complete frame from the buffer, or return None."""
        buf = self._buf
        if len(buf) < 4:
            return None
        (n,) = _LEN.unpack_from(buf)
        if n == C.LAUNCH_FLAG:
            del buf[:4]
            return LaunchFlag()
        if n == C.CANCEL_FLAG:
            del buf[:4]
            return CancelFlag()
        if n == C.PROGRESS_FLAG:
            if len(buf) < 4 + C.PROGRESS_BODY_SIZE:
                return None
            body = bytes(buf[4 : 4 + C.PROGRESS_BODY_SIZE])
            del buf[: 4 + C.PROGRESS_BODY_SIZE]
            return decode_progress(body)
        if n > self._max:
            raise RemoteProtocolError(
                f"message length {n} exceeds the protocol limit of {self._max} bytes")
        if len(buf) < 4 + n:
            return None
        body = bytes(buf[4 : 4 + n])
        del buf[: 4 + n]
        return Message(body)

    def want(self) -> int:
        """How many more bytes the next frame needs at least (for sized reads)."""
        if len(self._buf) < 4:
            return 4 - len(self._buf)
        (n,) = _LEN.unpack_from(self._buf)
        if n in (C.LAUNCH_FLAG, C.CANCEL_FLAG):
            return 0
        need = C.PROGRESS_BODY_SIZE if n == C.PROGRESS_FLAG else n
        return max(0, 4 + need - len(self._buf))
