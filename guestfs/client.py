"""The one RPC client: calls, replies and file transfers over a connected socket.

Every backend hands the handle a connected stream socket; this module does
all I/O on it with the sans-IO codec in ``guestfs.protocol``.  Replies are
validated (program, version, direction, procedure, serial) and no length
from the wire is trusted beyond the protocol's limits.  File transfers
stream in fixed-size chunks, so memory stays bounded whatever the size.
"""

from __future__ import annotations

import collections
import select
import socket
import struct
import time
from collections.abc import Callable
from typing import IO, Any

from .actions import Action
from .errors import GuestFSError, UnprefixedError, UserCancelled
from .protocol import (
    CancelFlag,
    FrameReader,
    LaunchFlag,
    LocalProtocolError,
    Message,
    Progress,
    ProtocolError,
    call_header,
    decode_chunk,
    decode_error,
    decode_header,
    encode_chunk,
    encode_message,
    flag_word,
)
from .protocol import (
    constants as C,
)

ProgressCallback = Callable[[Progress], None]
#: How many chunks go to the socket in one send (fewer system calls).
_CHUNKS_PER_SEND = 16
#: The frame head of a full-size data chunk: length word, cancel 0, data length.
_FULL_CHUNK_HEAD = struct.pack(">IiI", 8 + C.MAX_CHUNK_SIZE, 0, C.MAX_CHUNK_SIZE)
#: Buffers per sendmsg(2) (under the kernel's IOV_MAX of 1024).
_IOV_MAX = 1024
#: Flag words in a row, with no message between them, that a daemon may send
#: before the client gives up on it (a flood would otherwise never end).
MAX_STRAY_FLAGS = 1 << 20


class ConnectionLost(GuestFSError):
    """The appliance went away in the middle of a call."""


class RPCClient:
    """Talks protocol 4 to a daemon over ``sock``.

    :param alive: returns False once the VM is known to be dead, so waits
        end with an error instead of hanging.
    :param on_progress: receives every progress message.
    """

    def __init__(self, sock: socket.socket, alive: Callable[[], bool] = lambda: True,
                 on_progress: ProgressCallback | None = None, call_timeout: float | None = None) -> None:
        self.sock = sock
        #: Seconds a call may take, from sending it to its last byte back
        #: (None: no limit, as in libguestfs); past it the connection breaks.
        self.call_timeout = call_timeout
        self._deadline: float | None = None
        self.alive = alive
        self.on_progress = on_progress
        self.reader = FrameReader()
        # One receive buffer: a fresh 1 MiB bytes object per recv(2) costs
        # an allocation the size of the buffer, for replies of a few bytes.
        self._rbuf = bytearray(1 << 20)
        self._rview = memoryview(self._rbuf)
        # A deque: frames are taken from the front (a list's pop(0) made a
        # flood of flag words cost quadratic time).
        self._frames: collections.deque[Any] = collections.deque()
        self._stray_flags = 0
        self.serial = 0x123  # arbitrary start, as libguestfs
        self.broken: str | None = None
        self.cancel_requested = False

    # -- low level ----------------------------------------------------

    def _recv(self, timeout: float | None = None) -> bool:
        """Receive once; False if ``timeout`` passed with nothing to read."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = 1.0 if deadline is None else max(0.0, min(1.0, deadline - time.monotonic()))
            r, _, _ = select.select([self.sock], [], [], wait)
            if r:
                break
            if not self.alive():
                self._break("appliance closed the connection unexpectedly (the VM died)")
            if deadline is not None and time.monotonic() >= deadline:
                return False
        try:
            got = self.sock.recv_into(self._rbuf)
        except OSError as e:
            self._break(f"error reading from the appliance: {e}")
        if not got:
            self._break("appliance closed the connection unexpectedly, see earlier error messages")
        try:
            frames = self.reader.feed(self._rview[:got])
        except ProtocolError as e:
            self._break(f"protocol error from the appliance: {e}")
        for f in frames:
            if isinstance(f, Progress):
                if self.on_progress is not None:
                    self.on_progress(f)
            else:
                self._frames.append(f)
        return True

    def _next(self, timeout: float | None = None) -> Any:
        while not self._frames:
            if timeout is None and self._deadline is not None:
                if not self._recv(max(0.0, self._deadline - time.monotonic())):
                    self._break(f"the call did not finish within {self.call_timeout:g} s "
                                "(backend setting call_timeout); the appliance was stopped")
                continue
            if not self._recv(timeout):
                return None
        f = self._frames.popleft()
        if isinstance(f, Message):
            self._stray_flags = 0
        else:
            self._stray_flags += 1
            if self._stray_flags > MAX_STRAY_FLAGS:
                self._break(f"protocol error: the appliance sent more than {MAX_STRAY_FLAGS} "
                            "flag words without a message")
        return f

    def _break(self, why: str) -> None:
        self.broken = why
        raise ConnectionLost(why)

    def _send(self, data: bytes) -> None:
        try:
            if self._deadline is not None:
                # A daemon that stops reading must not block us past the limit.
                self.sock.settimeout(max(0.001, self._deadline - time.monotonic()))
            self.sock.sendall(data)
        except TimeoutError:
            self._break(f"the call did not finish within {self.call_timeout:g} s "
                        "(backend setting call_timeout); the appliance was stopped")
        except OSError as e:
            self._break(f"error writing to the appliance: {e}")

    def _daemon_cancelled(self) -> bool:
        """Non-blocking look for the daemon's cancel flag during an upload."""
        while True:
            r, _, _ = select.select([self.sock], [], [], 0)
            if not r:
                break
            self._recv()
        for f in self._frames:
            if isinstance(f, CancelFlag):
                self._frames.remove(f)
                return True
        return False

    # -- launch ---------------------------------------------------------

    def wait_for_launch(self, timeout: float) -> None:
        """Wait (bounded) for the daemon's launch flag."""
        f = self._next(timeout)
        if f is None:
            self._break(f"timed out after {timeout:.0f} s waiting for the appliance to start")
        if not isinstance(f, LaunchFlag):
            self._break("appliance sent something other than the launch flag at start-up")

    # -- calls --------------------------------------------------------

    def call(self, act: Action, args: dict[str, Any], optargs: dict[str, Any],
             upload: IO[bytes] | None = None, upload_size: int = 0,
             download: IO[bytes] | None = None) -> Any:
        """Make one call and return its decoded result.

        :param upload: source of a FileIn action's data.
        :param download: sink of a FileOut action's data.
        :raises GuestFSError: the daemon's error, with its errno name.
        :raises ConnectionLost: the appliance died or broke the protocol.
        """
        if self.broken:
            raise ConnectionLost(f"the connection to the appliance is broken: {self.broken}")
        assert act.proc_nr is not None
        self.serial = (self.serial + 1) & 0xFFFFFFFF
        serial = self.serial
        self.cancel_requested = False
        try:
            payload, bitmask = act.encode_args(args, optargs)
            hdr = call_header(act.proc_nr, serial, bitmask, upload_size if upload else 0)
            message = encode_message(hdr, payload)
        except LocalProtocolError as e:
            # Nothing was sent: the connection is still in step.
            # The handle puts the action's name in front, as for daemon errors.
            raise GuestFSError(f"cannot send the call: {e}", "E2BIG") from None
        self._deadline = None if self.call_timeout is None else time.monotonic() + self.call_timeout
        try:
            self._send(message)
            cancelled = False
            if act.filein is not None:
                cancelled = self._send_file(upload)
            try:
                ret_payload = self._reply(act, serial)
            except GuestFSError:
                if cancelled and not self.broken:
                    # The daemon answers our cancel chunk with its own error;
                    # the caller should learn that they cancelled, as in libguestfs.
                    raise UserCancelled() from None
                raise
            if act.fileout is not None:
                self._receive_file(download)
        finally:
            self._deadline = None
            if self.call_timeout is not None and not self.broken:
                self.sock.settimeout(None)
        if cancelled:
            raise UserCancelled()
        try:
            return act.decode_ret(ret_payload)
        except ProtocolError as e:
            self._break(f"bad reply from the appliance: {e}")

    def _reply(self, act: Action, serial: int) -> bytes:
        while True:
            f = self._next()
            if isinstance(f, Message):
                break
            # Launch or cancel flags outside a transfer carry no meaning.
        try:
            h, off = decode_header(f.body)
        except ProtocolError as e:
            self._break(f"bad reply header: {e}")
        if h.prog != C.PROGRAM or h.vers != C.PROTOCOL_VERSION:
            self._break(f"reply has wrong program {h.prog:#x} or version {h.vers}")
        if h.direction != C.Direction.REPLY:
            self._break(f"expected a reply, got direction {h.direction}")
        if h.proc != act.proc_nr or h.serial != serial:
            self._break(f"reply is for procedure {h.proc} serial {h.serial:#x}, "
                        f"expected {act.proc_nr} serial {serial:#x}")
        if h.status == C.Status.ERROR:
            try:
                err = decode_error(f.body[off:])
            except ProtocolError as e:
                self._break(f"bad error reply: {e}")
            raise GuestFSError(_printable(err.error_message),
                               err.errno_string if err.errno_string in C.ERRNOS else None)
        if h.status != C.Status.OK:
            self._break(f"reply has unknown status {h.status}")
        return f.body[off:]

    def _send_file(self, src: IO[bytes] | None) -> bool:
        """Stream ``src`` as chunks; True if the user cancelled.

        Each batch is read at once and sent with one sendmsg(2) of the chunk
        heads and views of the data: no copy of the data on this side.
        """
        assert src is not None
        step = C.MAX_CHUNK_SIZE
        while True:
            if self.cancel_requested or self._daemon_cancelled():
                # Either side may stop the stream; it ends with a cancel chunk.
                self._send(encode_chunk(b"", cancel=True))
                return self.cancel_requested
            data = src.read(step * _CHUNKS_PER_SEND)
            if not data:
                break
            view = memoryview(data)
            n = len(data)
            parts: list[bytes | memoryview] = []
            full = n - n % step
            for i in range(0, full, step):
                parts.append(_FULL_CHUNK_HEAD)
                parts.append(view[i:i + step])
            if full < n:
                parts.append(encode_chunk(data[full:]))
            self._send_parts(parts)
        self._send(encode_chunk(b""))
        return False

    def _send_parts(self, parts: list[bytes | memoryview]) -> None:
        """Send every buffer in ``parts``, in order, with as few sendmsg calls as it takes."""
        try:
            if self._deadline is not None:
                self.sock.settimeout(max(0.001, self._deadline - time.monotonic()))
            while parts:
                batch = parts[:_IOV_MAX]
                sent = self.sock.sendmsg(batch)
                # A short send (a timeout, a signal): drop what went, go on from there.
                k = 0
                while k < len(batch) and sent >= len(batch[k]):
                    sent -= len(batch[k])
                    k += 1
                if k < len(batch) and sent:
                    batch[k] = memoryview(batch[k])[sent:]
                parts = batch[k:] + parts[len(batch):]
        except TimeoutError:
            self._break(f"the call did not finish within {self.call_timeout:g} s "
                        "(backend setting call_timeout); the appliance was stopped")
        except OSError as e:
            self._break(f"error writing to the appliance: {e}")

    def _receive_file(self, sink: IO[bytes] | None) -> None:
        """Write the daemon's chunks to ``sink`` until the end chunk.

        If the sink fails (a local disk full, a file that cannot be made),
        the rest of the stream is still read, so the connection stays in
        step, and the sink's error is raised at the end.
        """
        sent_cancel = False
        sink_error: Exception | None = None
        while True:
            if self.cancel_requested and not sent_cancel:
                self._send(flag_word(C.CANCEL_FLAG))
                sent_cancel = True
            f = self._next()
            if not isinstance(f, Message):
                continue
            try:
                chunk = decode_chunk(f.body)
            except ProtocolError as e:
                self._break(f"bad chunk from the appliance: {e}")
            if chunk.cancel:
                if sent_cancel:
                    raise UserCancelled()
                # libguestfs says this without the call's name in front.
                raise UnprefixedError("file receive cancelled by daemon", "EIO")
            if not chunk.data:
                if sent_cancel:
                    raise UserCancelled()
                if sink_error is not None:
                    raise sink_error
                return
            if sink is not None and not sent_cancel and sink_error is None:
                try:
                    sink.write(chunk.data)
                except Exception as e:  # any failure of the sink: finish reading the stream first
                    sink_error = e if isinstance(e, GuestFSError) else GuestFSError(
                        f"writing the downloaded data: {e}")


def _printable(message: str) -> str:
    """An error message from the daemon as text that always prints: bytes
    that were not UTF-8 become U+FFFD instead of lone surrogates."""
    if message.isascii():
        return message
    return message.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
