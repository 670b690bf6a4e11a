"""The daemon's request loop: frames in, dispatch, replies out.

Started by the appliance's ``/init`` (``guestfs_daemon.server.main``).  It
finds the virtio-serial port named ``org.libguestfs.channel.0``, announces
itself with the launch flag and serves calls one at a time until the
library goes away.  ``--listen PATH`` serves one connection on a unix socket
instead (used by tests and the ``unix:`` backend).
"""

from __future__ import annotations

import collections
import gc
import os
import select
import socket
import struct
import sys
import time
import traceback

from guestfs.actions import BY_PROC, Action
from guestfs.protocol import (
    CancelFlag,
    FrameReader,
    Header,
    Message,
    Progress,
    ProtocolError,
    RemoteProtocolError,
    decode_chunk,
    encode_chunk,
    encode_error,
    encode_message,
    encode_progress,
    flag_word,
    reply_header,
)
from guestfs.protocol import (
    constants as C,
)
from guestfs.protocol.framing import Frame
from guestfs.protocol.messages import HEADER_SIZE, HEADER_STRUCT, reply_ok_frame

from . import context, dispatch
from .errors import DaemonError
from .streams import Cancelled, FileIn, FileOut

CHANNEL_NAME = "org.libguestfs.channel.0"
#: libguestfs's daemon waits this long before the first progress message,
#: then sends at most one per period: short calls stay silent.
PROGRESS_DELAY = 2.0
#: Tests shorten the delay (``debug setenv GUESTFSD_PROGRESS_DELAY 0.2``) so
#: that progress shows on machines where a transfer takes under 2 s.
PROGRESS_DELAY_ENV = "GUESTFSD_PROGRESS_DELAY"
PROGRESS_PERIOD = 1 / 3


#: Frame length, cancel flag and data length at the start of a chunk frame (``guestfs_chunk``).
_CHUNK_HEAD = struct.Struct(">IiI")
_LEN = struct.Struct(">I")
#: Every call's body starts with the program number; a chunk's never does
#: (its first word is the cancel flag, 0 or 1).
_PROGRAM_WORD = _LEN.pack(C.PROGRAM)
_FLAGS = (C.LAUNCH_FLAG, C.CANCEL_FLAG, C.PROGRESS_FLAG)
_CALL = int(C.Direction.CALL)


#: What one read(2) of a virtio-serial port gives at most (the guest's page).
_PAGE = 4096


def _writev_all(fd: int, views: list[memoryview]) -> None:
    """writev(2) every view completely (the kernel takes at most IOV_MAX at a time)."""
    for i in range(0, len(views), 1024):
        part = views[i:i + 1024]
        want = sum(map(len, part))
        done = os.writev(fd, part)
        while done < want:  # a short write: go on from where it stopped
            rest = memoryview(b"".join(part))[done:]
            while rest:
                rest = rest[os.write(fd, rest):]
            done = want


class ConnectionClosed(Exception):
    """The library closed the channel."""


class CallState:
    """One call being served: its header, action and progress clock."""

    #: Until the first progress report (most calls never make one).
    delay: float | None = None
    last_progress = 0.0
    sent_progress = False

    def __init__(self, server: Server, header: Header, act: Action) -> None:
        self.server = server
        self.header = header
        self.action = act
        self.start = time.monotonic()

    def progress(self, position: int, total: int) -> None:
        """Report progress, rate-limited like libguestfs's daemon."""
        now = time.monotonic()
        delay = self.delay
        if delay is None:
            # Read at the first report, not per call: the environment
            # lookup costs more than a short call itself under TCG.
            delay = self.delay = float(os.environ.get(PROGRESS_DELAY_ENV, PROGRESS_DELAY))
        final = total and position >= total
        if final and not self.sent_progress:
            return
        if not final and (now - self.start < delay or now - self.last_progress < PROGRESS_PERIOD):
            return
        self.last_progress = now
        self.sent_progress = True
        self.server.write(encode_progress(
            Progress(self.header.proc, self.header.serial, position, total)))


class Server:
    """Serves calls over a pair of file descriptors (the same fd twice for a port)."""

    def __init__(self, rfd: int, wfd: int, verbose: bool = False) -> None:
        self.rfd, self.wfd = rfd, wfd
        self.reader = FrameReader()
        self.verbose = verbose
        self._frames: collections.deque[Frame] = collections.deque()
        #: Set after a length word no frame can have: skip to the next call.
        self._resync = False
        # One receive buffer for the daemon's life: a fresh 256 KiB bytes
        # object per read costs an mmap and page faults, slow under TCG.
        self._rbuf = bytearray(256 * 1024)
        self._rview = memoryview(self._rbuf)
        # The same buffer cut in pages, for uploads: a virtio-serial port
        # gives at most one page (one of the host's buffers) per read(2),
        # but a non-blocking readv(2) of page-sized pieces drains every
        # buffer that has arrived in one system call.
        self._pages = [self._rview[i:i + _PAGE] for i in range(0, len(self._rbuf), _PAGE)]
        self._whole = [self._rbuf]
        #: Each procedure's call plan (``dispatch.plan``), looked up once.
        self._plans: dict[int, dispatch.CallPlan] = {}

    # -- transport ----------------------------------------------------

    def write(self, data: bytes | bytearray | memoryview) -> None:
        try:
            n = os.write(self.wfd, data)
        except BlockingIOError:  # the channel is non-blocking during an upload
            n = 0
        if n == len(data):
            return
        view = memoryview(data)[n:]
        while view:
            try:
                n = os.write(self.wfd, view)
            except BlockingIOError:
                select.select([], [self.wfd], [])
                continue
            view = view[n:]

    def _more(self) -> None:
        """Read what the library sent into the frame reader's buffer."""
        n = os.readv(self.rfd, self._whole)
        if not n:
            raise ConnectionClosed()
        self.reader.add(self._rview[:n])

    def read_frame(self) -> Frame:
        """The next frame (chunk streams, flags).

        :raises RemoteProtocolError: on a length word no frame can have.
        """
        while True:
            if self._frames:
                return self._frames.popleft()
            f = self.reader.next_frame()
            if f is not None:
                return f
            self._more()

    def read_call(self) -> bytes:
        """The body of the next message between calls (flag words dropped).

        After a length word no frame can have (where libguestfs's daemon
        would exit), bytes are skipped until a frame that starts like a call,
        so the daemon survives anything and answers the next valid call.
        """
        while True:
            while self._frames:
                f = self._frames.popleft()
                if isinstance(f, Message):
                    return f.body
            if not self.reader.pending and not self._resync:
                # The usual case: nothing pending, and one read brings the
                # whole call; its body is cut from the receive buffer at once.
                n = os.readv(self.rfd, self._whole)
                if not n:
                    raise ConnectionClosed()
                if n >= 4:
                    (ln,) = _LEN.unpack_from(self._rbuf)
                    if ln + 4 == n and ln <= C.MESSAGE_MAX:
                        return bytes(self._rview[4:n])
                self.reader.add(self._rview[:n])
                continue
            body = self._scan_call()
            if body is not None:
                return body
            self._more()

    def _scan_call(self) -> bytes | None:
        """Cut the next message out of the reader's buffer (None: need more bytes)."""
        buf = self.reader.buffer
        skipped = 0
        try:
            while len(buf) >= 4:
                (n,) = _LEN.unpack_from(buf)
                if n in (C.LAUNCH_FLAG, C.CANCEL_FLAG):
                    del buf[:4]  # a cancel with nothing to cancel: meaningless
                    continue
                if not self._resync:
                    if n <= C.MESSAGE_MAX:
                        if len(buf) < 4 + n:
                            return None
                        body = bytes(buf[4:4 + n])
                        del buf[:4 + n]
                        return body
                    self._resync = True
                # The next place a call can start: a length the limit allows,
                # then the program number.
                at = buf.find(_PROGRAM_WORD, 4)
                while at != -1 and _LEN.unpack_from(buf, at - 4)[0] > C.MESSAGE_MAX:
                    at = buf.find(_PROGRAM_WORD, at + 1)
                if at == -1:
                    drop = max(0, len(buf) - 7)  # keep what may begin a call
                    del buf[:drop]
                    skipped += drop
                    return None
                del buf[:at - 4]
                skipped += at - 4
                self._resync = False
            return None
        finally:
            if skipped:
                print(f"guestfsd: skipped {skipped} bytes that cannot start a call", file=sys.stderr)

    def read_chunk(self) -> tuple[int, bytes]:
        """The next chunk of an upload: (cancel, data).

        Uploads are the daemon's hot path: under TCG the generic frame reader
        and chunk codec cost several times the data copy (100 MiB: ~30 s
        against ~6 s), so well-formed data chunks are cut straight out of the
        reader's buffer; anything else goes through the generic path, which
        applies the same limits.

        :raises RemoteProtocolError: on a malformed or oversized chunk, or a
            call where a chunk should be (the call is kept for the serve loop).
        """
        while not self._frames:
            buf = self.reader.buffer
            if len(buf) >= _CHUNK_HEAD.size:
                n, cancel, ln = _CHUNK_HEAD.unpack_from(buf)
                if (cancel not in (0, 1) or ln > C.MAX_CHUNK_SIZE or n != 8 + ln + (-ln % 4)
                        or (cancel and ln)):
                    break  # a flag word or a malformed chunk: the generic path decides
                if len(buf) >= 4 + n:
                    data = bytes(buf[_CHUNK_HEAD.size:_CHUNK_HEAD.size + ln])
                    del buf[:4 + n]
                    return cancel, data
            elif len(buf) >= 4 and (_LEN.unpack_from(buf)[0] in _FLAGS
                                    or _LEN.unpack_from(buf)[0] > C.MESSAGE_MAX):
                break  # a flag, or a length no frame has: the generic path decides
            self._more()
        while True:
            f = self.read_frame()
            if isinstance(f, Message):
                if f.body[:4] == _PROGRAM_WORD:
                    self._frames.appendleft(f)
                    raise RemoteProtocolError("a call arrived where an upload chunk was expected")
                c = decode_chunk(f.body)  # its codec holds the chunk size limit
                return c.cancel, c.data
            # A stray cancel flag from the library is meaningless here.

    def pump_chunks(self, fd: int, filein: FileIn) -> None:
        """Write an upload's data chunks to ``fd`` straight from the receive
        buffer, many chunks per writev(2), until a frame that is not a
        well-formed data chunk (the end chunk, a cancel, anything malformed),
        which is left for :meth:`read_chunk` to judge.

        Uploads are the daemon's hot path under TCG, so the per-chunk work is
        a header check and a view of its data; the limits are those of
        :meth:`read_chunk` (data length within the chunk size, frame length
        matching it, cancel 0 with no data).

        :raises OSError: from writing to ``fd`` (the chunks in that write count as received).
        """
        rfd = self.rfd
        os.set_blocking(rfd, False)
        try:
            buf = self.reader.buffer
            unpack_from = _CHUNK_HEAD.unpack_from
            head = _CHUNK_HEAD.size
            limit = C.MAX_CHUNK_SIZE
            while True:
                end = len(buf)
                pos = 0
                size = 0
                stop = False
                views: list[memoryview] = []
                if end >= head:
                    mv = memoryview(buf)
                    try:
                        while end - pos >= head:
                            n, cancel, ln = unpack_from(buf, pos)
                            if cancel or not ln or ln > limit or n != 8 + ln + (-ln % 4):
                                stop = True  # the end chunk, a flag, or no chunk at all
                                break
                            if end - pos < 4 + n:
                                break
                            views.append(mv[pos + head:pos + head + ln])
                            pos += 4 + n
                            size += ln
                        if views:
                            filein.received += size
                            _writev_all(fd, views)
                    finally:
                        views.clear()
                        mv.release()
                        if pos:
                            del buf[:pos]
                    if size:
                        filein._call.progress(filein.received, filein.total)
                if stop:
                    return
                while True:
                    try:
                        got = os.readv(rfd, self._pages)
                        break
                    except BlockingIOError:
                        select.select([rfd], [], [])
                if not got:
                    raise ConnectionClosed()
                buf += self._rview[:got]
        finally:
            os.set_blocking(rfd, True)

    def library_cancelled(self) -> bool:
        """Non-blocking check for the library's cancel flag during a download."""
        r, _, _ = select.select([self.rfd], [], [], 0)
        if r:
            self._more()
            while (f := self.reader.next_frame()) is not None:
                self._frames.append(f)
        for i, f in enumerate(self._frames):
            if isinstance(f, CancelFlag):
                del self._frames[i]
                return True
        return False

    def send_chunk(self, data: bytes) -> None:
        self.write(encode_chunk(data))

    def send_reply_ok(self, header: Header, payload: bytes) -> None:
        self.write(encode_message(reply_header(header), payload))

    def send_error(self, header: Header, message: str, errno: str = "") -> None:
        if errno not in C.ERRNOS:
            errno = ""
        self.write(encode_message(reply_header(header, C.Status.ERROR),
                                  encode_error(errno, message)))

    # -- calls ----------------------------------------------------------

    def serve(self) -> None:
        """Announce readiness, then serve until the library disconnects."""
        self.write(flag_word(C.LAUNCH_FLAG))
        try:
            while True:
                self.handle_call(self.read_call())
        except ConnectionClosed:
            return

    def handle_call(self, body: bytes) -> None:
        if len(body) < HEADER_SIZE:
            print(f"guestfsd: dropping undecodable message: message of {len(body)} bytes "
                  "is shorter than a header", file=sys.stderr)
            return
        header = Header._make(HEADER_STRUCT.unpack_from(body))
        if header.prog != C.PROGRAM or header.vers != C.PROTOCOL_VERSION or header.direction != _CALL:
            self.send_error(header, f"wrong program ({header.prog:#x}), version ({header.vers}) "
                            f"or direction ({header.direction}) in call", "EINVAL")
            return
        act = BY_PROC.get(header.proc)
        if act is None:
            self.send_error(header, f"unknown procedure number {header.proc}", "ENOTSUP")
            return
        plan = self._plans.get(header.proc)
        if plan is None or plan.act is not act:
            plan = self._plans[header.proc] = dispatch.plan(act)
        call = CallState(self, header, act)
        filein = FileIn(call) if act.filein else None
        fileout = FileOut(call) if act.fileout else None
        if self.verbose:
            print(f"guestfsd: <= {act.name} (0x{header.proc:x}) request length {len(body)} bytes",
                  file=sys.stderr)
        try:
            fn, pos, opts = plan.arguments(body, header.optargs_bitmask)
            if filein is None and fileout is None:
                full = pos
            else:
                it = iter(pos)
                full = [filein if a is act.filein else fileout if a is act.fileout else next(it)
                        for a in act.args]
            # Long-running implementations (zero_device, fill …) report
            # through ``context.progress(position, total)``; rate-limited here.
            context.progress = call.progress  # type: ignore[attr-defined]
            try:
                result = fn(*full, **opts) if opts else fn(*full)
            finally:
                context.progress = None  # type: ignore[attr-defined]
            if filein is not None and not filein.done:
                for _ in filein:  # the implementation stopped early: drain
                    pass
            if fileout is not None:
                fileout.finish()
                return
            self.write(reply_ok_frame(header, plan.reply(result)))
        except Exception as e:  # every failure becomes a reply, never a dead daemon
            self._fail(header, act, e, filein, fileout)

    def _fail(self, header: Header, act: Action, e: Exception,
              filein: FileIn | None, fileout: FileOut | None) -> None:
        if isinstance(e, DaemonError):
            msg, errno = str(e), e.errno
        elif isinstance(e, Cancelled):
            msg, errno = "operation cancelled by the library", "EINTR"
        elif isinstance(e, OSError):
            err = DaemonError.from_oserror(e)
            msg, errno = str(err), err.errno
        elif isinstance(e, ProtocolError):
            msg, errno = f"protocol error: {e}", "EINVAL"
        else:
            traceback.print_exc(file=sys.stderr)
            msg, errno = f"internal error in the daemon: {type(e).__name__}: {e}", ""
        if filein is not None and not filein.done:
            # Tell the library to stop sending, then swallow what is in flight.
            self.write(flag_word(C.CANCEL_FLAG))
            try:
                for _ in filein:
                    pass
            except (DaemonError, ProtocolError):
                pass  # cancelled, or a frame that is no chunk: the stream is over
        if fileout is not None and fileout.started:
            print(f"guestfsd: {act.name}: {msg}", file=sys.stderr)
            self.write(encode_chunk(b"", cancel=True))
            return
        self.send_error(header, msg, errno)


def find_channel() -> str:
    """The /dev node of the virtio-serial port named for the channel."""
    base = "/sys/class/virtio-ports"
    for _ in range(200):
        try:
            for port in os.listdir(base):
                try:
                    with open(os.path.join(base, port, "name")) as f:
                        if f.read().strip() == CHANNEL_NAME:
                            return "/dev/" + port
                except OSError:
                    continue
        except OSError:
            pass
        time.sleep(0.01)
    link = "/dev/virtio-ports/" + CHANNEL_NAME
    if os.path.exists(link):
        return link
    raise SystemExit(f"guestfsd: no virtio-serial port named {CHANNEL_NAME}")


def serve_channel(path: str | None = None, verbose: bool = False) -> None:
    """Serve the virtio-serial port (found by name when ``path`` is None),
    after bringing up the LVM and md storage the disks hold (as stock)."""
    from .lib.activate import activate_storage

    fd = os.open(path or find_channel(), os.O_RDWR)
    from . import resume
    if resume.saved_boot():  # saved-appliance launches: see resume.py
        resume.resume(fd, verbose)
    for what in activate_storage():
        if verbose:
            print(f"guestfsd: {what}", file=sys.stderr)
    Server(fd, fd, verbose).serve()


def main(argv: list[str] | None = None) -> None:
    """Serve the channel; with no arguments (what /init runs) parse nothing."""
    dispatch.load_impls()
    # The registry and the implementations live as long as the daemon: out
    # of the collector's sight, a collection no longer walks them all (under
    # TCG a full one costs milliseconds, in the middle of some call).
    gc.freeze()
    os.umask(0o022)
    if argv == []:
        # The boot path: argparse alone costs a quarter second under TCG.
        serve_channel()
        return
    import argparse
    ap = argparse.ArgumentParser(prog="guestfsd", description=__doc__)
    ap.add_argument("--channel", help="character device to serve (default: find the port)")
    ap.add_argument("--listen", metavar="PATH", help="serve one connection on a unix socket")
    ap.add_argument("--fd", type=int, help="serve an already connected socket fd")
    ap.add_argument("-v", "--verbose", action="store_true")
    opts = ap.parse_args(argv)
    if opts.fd is not None:
        Server(opts.fd, opts.fd, opts.verbose).serve()
    elif opts.listen:
        lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lsock.bind(opts.listen)
        lsock.listen(1)
        conn, _ = lsock.accept()
        lsock.close()
        Server(conn.fileno(), conn.fileno(), opts.verbose).serve()
    else:
        serve_channel(opts.channel, opts.verbose)


if __name__ == "__main__":
    main()
