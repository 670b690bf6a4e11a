"""FileIn/FileOut objects handed to implementations (chunk streams).

``FileIn`` yields the data the library sends after the call; ``FileOut``
sends the OK reply before its first chunk, as the protocol requires.  Both
report progress through the server, which rate-limits it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from guestfs.protocol import constants as C
from guestfs.protocol import encode_chunk

from .errors import DaemonError

if TYPE_CHECKING:
    from .server import CallState


#: What precedes the data of every full-size chunk frame (length word, cancel flag, data length).
_FULL_CHUNK_HEAD = encode_chunk(bytes(C.MAX_CHUNK_SIZE))[:-C.MAX_CHUNK_SIZE]


class Cancelled(Exception):
    """The library cancelled the transfer."""


class FileIn:
    """The incoming chunk stream of a FileIn action."""

    def __init__(self, call: CallState) -> None:
        self._call = call
        self.done = False
        self.total = call.header.progress_hint
        self.received = 0

    def __iter__(self) -> Iterator[bytes]:
        """Yield each chunk's data until the end chunk.

        :raises DaemonError: if the library cancels the upload.
        """
        while not self.done:
            cancel, data = self._call.server.read_chunk()
            if cancel:
                self.done = True
                raise DaemonError("file upload cancelled", "EINTR")
            if not data:
                self.done = True
                return
            self.received += len(data)
            self._call.progress(self.received, self.total)
            yield data

    def copy_to_fd(self, fd: int) -> int:
        """Write the whole stream to a file descriptor; returns bytes written.

        The data chunks go from the server's receive buffer to ``fd`` in big
        writev calls (``Server.pump_chunks``); only the frame that ends the
        stream (or anything unusual) takes the chunk-at-a-time path.

        :raises DaemonError: if the library cancels the upload.
        :raises OSError: from writing to ``fd``.
        """
        import os
        server = self._call.server
        start = self.received
        while not self.done:
            server.pump_chunks(fd, self)
            cancel, data = server.read_chunk()
            if cancel:
                self.done = True
                raise DaemonError("file upload cancelled", "EINTR")
            if not data:
                self.done = True
                break
            self.received += len(data)
            self._call.progress(self.received, self.total)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        return self.received - start


class FileOut:
    """The outgoing chunk stream of a FileOut action."""

    def __init__(self, call: CallState, total: int = 0) -> None:
        self._call = call
        self.started = False
        self.sent = 0
        self.total = total
        self._pending = bytearray()

    def start(self) -> None:
        """Send the OK reply; after this, errors can only cancel the stream."""
        if not self.started:
            self._call.server.send_reply_ok(self._call.header, b"")
            self.started = True

    def write(self, data: bytes) -> None:
        """Queue data, sending it as full-size chunks.

        :raises Cancelled: if the library asked to cancel.
        """
        self.start()
        self._pending += data
        full = len(self._pending) // C.MAX_CHUNK_SIZE * C.MAX_CHUNK_SIZE
        if full:
            # All whole chunks go out in one write: 8 KiB writes are slow under TCG.
            self._send_many(full)

    def _send(self, chunk: bytes) -> None:
        server = self._call.server
        if server.library_cancelled():
            raise Cancelled()
        server.send_chunk(chunk)
        self.sent += len(chunk)
        self._call.progress(self.sent, self.total)

    def _send_many(self, n: int) -> None:
        """Send the first ``n`` pending bytes (whole chunks) with one write."""
        server = self._call.server
        if server.library_cancelled():
            raise Cancelled()
        step = C.MAX_CHUNK_SIZE
        # Frames laid out in place (what encode_chunk makes, without its copies).
        head = len(_FULL_CHUNK_HEAD)
        frames = bytearray(n // step * (head + step))
        src = memoryview(self._pending)
        o = 0
        for i in range(0, n, step):
            frames[o:o + head] = _FULL_CHUNK_HEAD
            o += head
            frames[o:o + step] = src[i:i + step]
            o += step
        src.release()
        server.write(frames)
        del self._pending[:n]
        self.sent += n
        self._call.progress(self.sent, self.total)

    def copy_from_fd(self, fd: int) -> None:
        """Stream everything readable from ``fd``."""
        import os
        self.start()
        while True:
            data = os.read(fd, 64 * 1024)
            if not data:
                break
            self.write(data)

    def finish(self) -> None:
        """Flush and send the end chunk."""
        self.start()
        if self._pending:
            self._send(bytes(self._pending))
            self._pending.clear()
        self._call.server.send_chunk(b"")
