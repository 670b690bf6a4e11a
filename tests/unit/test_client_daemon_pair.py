"""The RPC client (``guestfs/client.py``) against the daemon loop
(``daemon/server.py``) in memory, with fake implementations: every return
kind, errors, file transfers with bounded memory, cancellation, progress,
and misbehaving peers that must end in an error, never a hang."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import io
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from guestfs import client as rpc_client
from guestfs.actions import ACTIONS, Action, OptArg
from guestfs.actions.kinds import GuestPath, optarg_kind
from guestfs.client import ConnectionLost
from guestfs.errors import GuestFSError
from guestfs.protocol import (
    Message,
    Progress,
    call_header,
    decode_header,
    encode_chunk,
    encode_error,
    encode_message,
    flag_word,
    reply_header,
)
from guestfs.protocol import constants as C
from guestfs.protocol.messages import decode_progress
from guestfs_daemon import context, dispatch
from guestfs_daemon import server as daemon_server
from guestfs_daemon.errors import DaemonError
from guestfs_daemon.streams import FileIn, FileOut
from tests.helpers import (
    TIMEOUT,
    ConnectionPair,
    RawPeer,
    call_with_timeout,
    fake_impls,
    recv_exact,
    recv_message,
    sample_arg,
    sample_ret,
)

MiB = 1024 * 1024
#: The most file data the client may hold at once, whatever the file size.
CLIENT_HOLD_MAX = 1 * MiB + C.MAX_CHUNK_SIZE * 4


@pytest.fixture(autouse=True)
def permissive_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    """No sysroot or /dev on the host: let every path and device through unchanged."""
    monkeypatch.setattr(context, "is_root_mounted", lambda: True)
    monkeypatch.setattr(context, "resolve_device", lambda name: name)
    monkeypatch.setattr(context, "canonical_device", lambda name: name)


@pytest.fixture
def pair() -> Iterator[ConnectionPair]:
    with ConnectionPair() as p:
        yield p
        assert p.server_error is None


def _wire_value(a: Any) -> Any:
    """A sample argument that passes the daemon's policy for its kind."""
    return a.kind.sample(0)


def _by_ret_kind() -> list[Action]:
    """One real daemon action per return kind and struct, without file transfers."""
    seen: dict[tuple[str, str | None], Action] = {}
    for act in sorted(ACTIONS.values(), key=lambda a: (len(a.args), a.name)):
        if act.daemon and not act.filein and not act.fileout:
            seen.setdefault((act.ret.name, getattr(act.ret, "struct", None)), act)
    return sorted(seen.values(), key=lambda a: (a.ret.name, getattr(a.ret, "struct", "")))


RET_ACTIONS = _by_ret_kind()


def test_every_return_kind_is_covered() -> None:
    kinds = {a.ret.name for a in RET_ACTIONS}
    assert kinds == {"RErr", "RInt", "RInt64", "RBool", "RString", "RStringList", "RStruct",
                     "RStructList", "RHashtable", "RBufferOut"}


@pytest.mark.parametrize("act", RET_ACTIONS, ids=[f"{a.ret.name}-{a.name}" for a in RET_ACTIONS])
def test_return_kind_through_the_daemon(pair: ConnectionPair, act: Action) -> None:
    args = {a.name: _wire_value(a) for a in act.wire_args}
    opts = {o.name: sample_arg(o.kind, 1) for o in act.optargs}
    got: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    value = sample_ret(act)

    def impl(*a: Any, **kw: Any) -> Any:
        got.append((a, kw))
        return value
    with fake_impls({act.name: impl}):
        result = pair.call(act.name, args, opts)
    assert got == [(tuple(dispatch.convert_args(act, args)), opts)]
    assert result == act.decode_ret(act.encode_ret(value))
    if act.ret.name == "RHashtable":
        assert result == list(value)
    elif act.ret.name == "RErr":
        assert result is None
    else:
        assert result == value


def test_many_calls_on_one_connection(pair: ConnectionPair) -> None:
    with fake_impls({"echo_daemon": lambda words: " ".join(words)}):
        for i in range(200):
            assert pair.call("echo_daemon", {"words": ["n", str(i)]}) == f"n {i}"


# -- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("exc", "message", "errno_name"), [
    (DaemonError("no such thing", "ENOENT"), "no such thing", "ENOENT"),
    (DaemonError("with errno number", errno.EACCES), "with errno number", "EACCES"),
    (DaemonError("no errno"), "no errno", None),
    (DaemonError("unknown errno name", "EWHATEVER"), "unknown errno name", None),
    (OSError(errno.ENOSPC, "No space left on device", "/f"), "/f: No space left on device", "ENOSPC"),
    (ValueError("bug"), "internal error in the daemon: ValueError: bug", None),
])
def test_error_replies(pair: ConnectionPair, exc: Exception, message: str, errno_name: str | None,
                       capsys: pytest.CaptureFixture[str]) -> None:
    def impl() -> None:
        raise exc
    with fake_impls({"sync": impl, "echo_daemon": lambda words: "ok"}):
        with pytest.raises(GuestFSError) as e:
            pair.call("sync")
        assert str(e.value) == message
        assert e.value.errno == errno_name
        assert isinstance(e.value, RuntimeError)
        assert pair.call("echo_daemon", {"words": []}) == "ok"  # still usable


def test_long_error_message_is_trimmed(pair: ConnectionPair) -> None:
    def impl() -> None:
        raise DaemonError("x" * (C.ERROR_LEN + 100), "EIO")
    with fake_impls({"sync": impl}), pytest.raises(GuestFSError) as e:
        pair.call("sync")
    assert str(e.value) == "x" * C.ERROR_LEN and e.value.errno == "EIO"


def test_unknown_procedure(pair: ConnectionPair) -> None:
    bogus = dataclasses.replace(ACTIONS["sync"], proc_nr=9999)
    with pytest.raises(GuestFSError) as e:
        call_with_timeout(lambda: pair.client.call(bogus, {}, {}))
    assert "unknown procedure number 9999" in str(e.value)
    assert e.value.errno == "ENOTSUP"
    with fake_impls({"sync": lambda: None}):
        assert pair.call("sync") is None


def test_not_supported(pair: ConnectionPair) -> None:
    with fake_impls({"sync": None}), pytest.raises(GuestFSError) as e:
        pair.call("sync")
    assert "'sync' call is not supported" in str(e.value)
    assert e.value.errno == "ENOTSUP"


def test_optargs_bitmask_beyond_the_action_refused(pair: ConnectionPair) -> None:
    """A peer that sets an optarg bit the daemon does not know gets EINVAL."""
    newer = dataclasses.replace(ACTIONS["sync"], optargs=(OptArg("future", optarg_kind("OBool"), 0),))
    with fake_impls({"sync": lambda: None}):
        with pytest.raises(GuestFSError) as e:
            call_with_timeout(lambda: pair.client.call(newer, {}, {"future": True}))
        assert "bitmask" in str(e.value) and e.value.errno == "EINVAL"
        assert pair.call("sync") is None


def test_optargs_reach_the_implementation(pair: ConnectionPair) -> None:
    got: list[dict[str, Any]] = []
    with fake_impls({"mkfs": lambda fstype, device, **kw: got.append({"fs": fstype, "dev": device, **kw})}):
        pair.call("mkfs", {"fstype": "ext4", "device": "/dev/sda1"}, {"label": "root", "blocksize": 4096})
        pair.call("mkfs", {"fstype": "xfs", "device": "/dev/sdb"})
    assert got == [{"fs": "ext4", "dev": "/dev/sda1", "label": "root", "blocksize": 4096},
                   {"fs": "xfs", "dev": "/dev/sdb"}]


# -- file transfers -------------------------------------------------------------------------

class PatternSource(io.RawIOBase):
    """``size`` bytes of a repeating pattern, made as they are read."""

    def __init__(self, size: int, on_read: Callable[[int], None] | None = None) -> None:
        self.size = size
        self.pos = 0
        self.max_read = 0
        self.on_read = on_read
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if self.on_read is not None:
            self.on_read(self.pos)
        n = min(len(b), self.size - self.pos)
        self.max_read = max(self.max_read, n)
        data = bytes((self.pos + i) * 7 & 0xFF for i in range(min(n, 251))) * (n // 251 + 1)
        data = data[:n]
        b[:n] = data
        self.digest.update(data)
        self.pos += n
        return n


def _pattern(n: int, start: int = 0) -> bytes:
    return bytes((start + i) * 7 & 0xFF for i in range(n))


class CountingFileIn:
    """A fake upload implementation that hashes what arrives and counts it."""

    def __init__(self) -> None:
        self.received = 0
        self.digest = hashlib.sha256()
        self.largest_chunk = 0

    def __call__(self, filein: FileIn, remotefilename: str) -> None:
        # A Dev_or_Path naming a file reaches the implementation as a checked guest path.
        assert isinstance(filein, FileIn) and isinstance(remotefilename, GuestPath)
        assert remotefilename == "/remote"
        for data in filein:
            self.largest_chunk = max(self.largest_chunk, len(data))
            self.digest.update(data)
            self.received += len(data)


def test_upload_several_mib_bounded(pair: ConnectionPair) -> None:
    impl = CountingFileIn()
    size = 24 * MiB + 12345
    lags: list[int] = []
    src = PatternSource(size, on_read=lambda pos: lags.append(pos - impl.received))
    with fake_impls({"upload": impl}):
        assert pair.call("upload", {"remotefilename": "/remote"}, upload=src, upload_size=size) is None
    assert impl.received == src.pos == size
    assert impl.digest.hexdigest() == src.digest.hexdigest()
    assert impl.largest_chunk == C.MAX_CHUNK_SIZE
    # The client reads a little at a time and never runs far ahead of the daemon.
    assert src.max_read <= 16 * C.MAX_CHUNK_SIZE
    assert max(lags) <= 2 * MiB


class Sink(io.RawIOBase):
    """Download sink that hashes and watches how much the client holds."""

    def __init__(self, pair: ConnectionPair, on_write: Callable[[int], None] | None = None) -> None:
        self.pair = pair
        self.received = 0
        self.digest = hashlib.sha256()
        self.largest_write = 0
        self.max_held = 0
        self.on_write = on_write

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        client = self.pair.client
        held = client.reader.pending + sum(len(f.body) for f in client._frames if isinstance(f, Message))
        self.max_held = max(self.max_held, held)
        self.largest_write = max(self.largest_write, len(data))
        self.digest.update(data)
        self.received += len(data)
        if self.on_write is not None:
            self.on_write(self.received)
        return len(data)


class PatternFileOut:
    """A fake download implementation streaming ``size`` pattern bytes."""

    def __init__(self, size: int, piece: int = 64 * 1024) -> None:
        self.size = size
        self.piece = piece
        self.sent = 0
        self.digest = hashlib.sha256()

    def __call__(self, remotefilename: str, fileout: FileOut) -> None:
        assert isinstance(fileout, FileOut)
        while self.sent < self.size:
            n = min(self.piece, self.size - self.sent)
            data = _pattern(n, self.sent) if n < 4096 else (_pattern(251, self.sent) * (n // 251 + 1))[:n]
            fileout.write(data)
            self.digest.update(data)
            self.sent += n


def test_download_several_mib_bounded(pair: ConnectionPair) -> None:
    impl = PatternFileOut(24 * MiB + 777)
    sink = Sink(pair)
    with fake_impls({"download": impl}):
        assert pair.call("download", {"remotefilename": "/remote"}, download=sink) is None
    assert sink.received == impl.size
    assert sink.digest.hexdigest() == impl.digest.hexdigest()
    assert sink.largest_write <= C.MAX_CHUNK_SIZE
    assert sink.max_held <= CLIENT_HOLD_MAX


def test_empty_transfers(pair: ConnectionPair) -> None:
    up = CountingFileIn()
    sink = Sink(pair)
    with fake_impls({"upload": up, "download": PatternFileOut(0)}):
        pair.call("upload", {"remotefilename": "/remote"}, upload=io.BytesIO(b""), upload_size=0)
        pair.call("download", {"remotefilename": "/remote"}, download=sink)
    assert up.received == 0 and sink.received == 0


def test_daemon_cancels_upload(pair: ConnectionPair) -> None:
    """The implementation fails before reading: the daemon sends the cancel
    flag, the client stops sending, the error comes back, the link survives."""
    def impl(filein: FileIn, remotefilename: str) -> None:
        raise DaemonError("no space for it", "ENOSPC")
    size = 256 * MiB
    src = PatternSource(size)
    with fake_impls({"upload": impl, "echo_daemon": lambda words: "still here"}):
        with pytest.raises(GuestFSError) as e:
            pair.call("upload", {"remotefilename": "/remote"}, upload=src, upload_size=size)
        assert str(e.value) == "no space for it" and e.value.errno == "ENOSPC"
        assert src.pos < size  # the client stopped early
        assert pair.call("echo_daemon", {"words": []}) == "still here"


def test_user_cancels_upload(pair: ConnectionPair) -> None:
    impl = CountingFileIn()
    size = 64 * MiB

    def on_read(pos: int) -> None:
        if pos >= 2 * MiB:
            pair.client.cancel_requested = True
    src = PatternSource(size, on_read=on_read)
    with fake_impls({"upload": impl, "echo_daemon": lambda words: "after"}):
        with pytest.raises(GuestFSError) as e:
            pair.call("upload", {"remotefilename": "/remote"}, upload=src, upload_size=size)
        assert e.value.errno == "EINTR"
        assert 2 * MiB <= impl.received < size
        assert pair.call("echo_daemon", {"words": []}) == "after"
        impl2 = CountingFileIn()
    with fake_impls({"upload": impl2}):
        pair.call("upload", {"remotefilename": "/remote"}, upload=io.BytesIO(b"z" * 100_000),
                  upload_size=100_000)
    assert impl2.received == 100_000


def test_user_cancels_download(pair: ConnectionPair, capsys: pytest.CaptureFixture[str]) -> None:
    impl = PatternFileOut(256 * MiB)

    def on_write(received: int) -> None:
        if received >= 2 * MiB:
            pair.client.cancel_requested = True
    sink = Sink(pair, on_write)
    with fake_impls({"download": impl, "echo_daemon": lambda words: "after"}):
        with pytest.raises(GuestFSError) as e:
            pair.call("download", {"remotefilename": "/remote"}, download=sink)
        assert e.value.errno == "EINTR"
        assert "cancel" in str(e.value)
        assert impl.sent < impl.size
        assert pair.call("echo_daemon", {"words": []}) == "after"
    small = PatternFileOut(100_000)
    sink2 = Sink(pair)
    with fake_impls({"download": small}):
        pair.call("download", {"remotefilename": "/remote"}, download=sink2)
    assert sink2.digest.hexdigest() == small.digest.hexdigest()


def test_daemon_fails_during_download(pair: ConnectionPair, capsys: pytest.CaptureFixture[str]) -> None:
    """After the OK reply an error can only cancel the stream: the client reports it."""
    def impl(remotefilename: str, fileout: FileOut) -> None:
        fileout.write(b"x" * (3 * C.MAX_CHUNK_SIZE))
        raise DaemonError("disk went away", "EIO")
    with fake_impls({"download": impl, "sync": lambda: None}):
        with pytest.raises(GuestFSError) as e:
            pair.call("download", {"remotefilename": "/remote"}, download=Sink(pair))
        assert e.value.errno == "EIO"
        assert pair.call("sync") is None


def test_progress_delivered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(daemon_server, "PROGRESS_DELAY", 0.0)
    monkeypatch.setattr(daemon_server, "PROGRESS_PERIOD", 0.0)
    seen: list[Progress] = []
    size = 2 * MiB
    impl = CountingFileIn()
    with ConnectionPair(on_progress=seen.append) as p, fake_impls({"upload": impl}):
        p.call("upload", {"remotefilename": "/remote"}, upload=PatternSource(size), upload_size=size)
        serial = p.client.serial
    assert len(seen) >= 10
    assert {(s.proc, s.serial, s.total) for s in seen} == {(ACTIONS["upload"].proc_nr, serial, size)}
    positions = [s.position for s in seen]
    assert positions == sorted(set(positions))
    assert positions[-1] == size


def test_progress_rate_limited_by_default() -> None:
    """Short calls stay silent: libguestfs's daemon waits before the first message."""
    seen: list[Progress] = []
    with ConnectionPair(on_progress=seen.append) as p, fake_impls({"upload": CountingFileIn()}):
        p.call("upload", {"remotefilename": "/remote"}, upload=io.BytesIO(b"q" * MiB), upload_size=MiB)
    assert seen == []


def test_progress_rate_limit_against_a_fake_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The daemon's law, on a clock the test moves: silent for the first 2 s,
    then at most one message per 1/3 s (the first chance each time), and one
    at the end; a call that ends within the 2 s sends nothing at all."""
    clock = FakeClock()
    monkeypatch.setattr(daemon_server, "time", clock)
    monkeypatch.delenv(daemon_server.PROGRESS_DELAY_ENV, raising=False)
    sent: list[tuple[float, Progress]] = []
    server = SimpleNamespace(write=lambda data: sent.append((clock.now - 1000.0, decode_progress(data[4:]))))
    act = ACTIONS["upload"]
    start = clock.now = 1000.0
    call = daemon_server.CallState(server, call_header(act.proc_nr, 7), act)  # type: ignore[arg-type]
    for i in range(1, 101):  # a 5 s call reporting every 1/20 s
        clock.now = start + i / 20
        call.progress(20 * i, 2000)
    assert [p for _, p in sent] == [Progress(act.proc_nr, 7, pos, 2000) for pos in
                                    (800, 940, 1080, 1220, 1360, 1500, 1640, 1780, 1920, 2000)]
    times = [t for t, _ in sent]
    assert times[0] == 2.0
    assert all(b - a >= daemon_server.PROGRESS_PERIOD for a, b in zip(times[:-2], times[1:-1]))

    sent.clear()
    call = daemon_server.CallState(server, call_header(act.proc_nr, 8), act)  # type: ignore[arg-type]
    for i in range(1, 20):  # ends after 1.9 s
        clock.now += 0.1
        call.progress(100 * i, 1900)
    assert sent == []


# -- misbehaving peers --------------------------------------------------------------------

def _launch_then(reply: Callable[[socket.socket, bytes], None]) -> Callable[[socket.socket], None]:
    """A peer script: send the launch flag, read one call, answer with ``reply``, hang up."""
    def script(sock: socket.socket) -> None:
        sock.sendall(flag_word(C.LAUNCH_FLAG))
        body = recv_message(sock)
        reply(sock, body)
        sock.shutdown(socket.SHUT_RDWR)
    return script


def _hdr(body: bytes, **changes: Any) -> bytes:
    h, _ = decode_header(body)
    return encode_message(reply_header(h)._replace(**changes))


MALICIOUS: dict[str, Callable[[socket.socket, bytes], None]] = {
    "wrong serial": lambda s, b: s.sendall(_hdr(b, serial=decode_header(b)[0].serial + 1)),
    "wrong proc": lambda s, b: s.sendall(_hdr(b, proc=decode_header(b)[0].proc + 1)),
    "wrong program": lambda s, b: s.sendall(_hdr(b, prog=0x12345678)),
    "wrong version": lambda s, b: s.sendall(_hdr(b, vers=3)),
    "direction call": lambda s, b: s.sendall(_hdr(b, direction=C.Direction.CALL)),
    "unknown status": lambda s, b: s.sendall(_hdr(b, status=7)),
    "oversize length": lambda s, b: s.sendall(struct.pack(">I", C.MESSAGE_MAX + 1)),
    "huge length": lambda s, b: s.sendall(b"\xff\xff\xff\xf0" + b"x" * 100),
    "garbage": lambda s, b: s.sendall(struct.pack(">I", 12) + b"\x00garbage!!!"),
    "missing error body": lambda s, b: s.sendall(_hdr(b, status=C.Status.ERROR)),
    "closes mid reply": lambda s, b: s.sendall(struct.pack(">I", 100) + b"x" * 10),
    "closes at once": lambda s, b: None,
    "ret garbage": lambda s, b: s.sendall(encode_message(reply_header(decode_header(b)[0]), b"\x00\x00")),
}


@pytest.mark.parametrize("name", sorted(MALICIOUS))
def test_malicious_reply(name: str) -> None:
    with RawPeer(_launch_then(MALICIOUS[name])) as peer:
        peer.client.wait_for_launch(TIMEOUT)
        act = ACTIONS["echo_daemon"]
        with pytest.raises(ConnectionLost):
            call_with_timeout(lambda: peer.client.call(act, {"words": ["x"]}, {}))
        assert peer.client.broken
        with pytest.raises(ConnectionLost, match="broken"):
            peer.client.call(act, {"words": ["again"]}, {})
    assert peer.error is None


def test_bad_chunk_during_download() -> None:
    def reply(sock: socket.socket, body: bytes) -> None:
        sock.sendall(encode_message(reply_header(decode_header(body)[0])))
        sock.sendall(encode_chunk(b"fine"))
        sock.sendall(struct.pack(">IiI", 8, 2, 0))  # cancel field 2
    with RawPeer(_launch_then(reply)) as peer:
        peer.client.wait_for_launch(TIMEOUT)
        sink = io.BytesIO()
        with pytest.raises(ConnectionLost, match="chunk"):
            call_with_timeout(lambda: peer.client.call(ACTIONS["download"], {"remotefilename": "/r"}, {},
                                                       download=sink))
        assert sink.getvalue() == b"fine"


def test_peer_goes_silent_and_dies() -> None:
    """No reply and the VM is gone: the client notices through alive() instead of hanging."""
    dead = threading.Event()

    def script(sock: socket.socket) -> None:
        sock.sendall(flag_word(C.LAUNCH_FLAG))
        recv_message(sock)
        dead.set()
        sock.recv(1)  # silent until the client hangs up

    answers: list[bool] = []

    def alive() -> bool:
        answers.append(not dead.is_set())
        return answers[-1]

    with RawPeer(script, alive=alive) as peer:
        peer.client.wait_for_launch(TIMEOUT)
        with pytest.raises(ConnectionLost, match="died"):
            call_with_timeout(lambda: peer.client.call(ACTIONS["sync"], {}, {}), timeout=10)
        # The client asked alive() while it waited and gave up on its first "dead".
        assert answers and answers.count(False) == 1 and answers[-1] is False, answers
        assert peer.client.broken


class FakeClock:
    """Stands in for ``time`` and ``select`` in ``guestfs.client``: nothing is
    ever readable, and each select call moves the clock on by its whole wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def select(self, r: Any, w: Any, x: Any, timeout: float | None = None) -> tuple[list[Any], ...]:
        assert timeout is not None, "the client must never block in select without a bound"
        self.waits.append(timeout)
        self.now += timeout
        return [], [], []


def test_launch_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The launch wait lasts the timeout it is given, in waits of at most 1 s
    (each followed by a look at alive()), then fails saying so."""
    clock = FakeClock()
    polls: list[float] = []

    def alive() -> bool:
        polls.append(clock.now)
        return True

    with RawPeer(lambda sock: sock.recv(1), alive=alive) as peer:
        monkeypatch.setattr(rpc_client, "time", clock)
        monkeypatch.setattr(rpc_client, "select", clock)
        with pytest.raises(ConnectionLost, match="timed out after 7 s waiting for the appliance"):
            call_with_timeout(lambda: peer.client.wait_for_launch(7.0))
        assert sum(clock.waits) == pytest.approx(7.0)
        assert len(clock.waits) == 7 and all(0 < w <= 1.0 for w in clock.waits), clock.waits
        assert len(polls) == len(clock.waits)
        assert peer.client.broken


def test_garbage_instead_of_launch_flag() -> None:
    with RawPeer(lambda sock: sock.sendall(struct.pack(">I", 4) + b"junk")) as peer:
        with pytest.raises(ConnectionLost, match="launch flag"):
            call_with_timeout(lambda: peer.client.wait_for_launch(TIMEOUT))


def test_error_reply_by_hand() -> None:
    """A well-formed error reply written by hand, as libguestfs's daemon sends it."""
    def reply(sock: socket.socket, body: bytes) -> None:
        h = reply_header(decode_header(body)[0], C.Status.ERROR)
        sock.sendall(encode_message(h, encode_error("EPERM", "not allowed")))
    with RawPeer(_launch_then(reply)) as peer:
        peer.client.wait_for_launch(TIMEOUT)
        with pytest.raises(GuestFSError) as e:
            call_with_timeout(lambda: peer.client.call(ACTIONS["sync"], {}, {}))
        assert (str(e.value), e.value.errno) == ("not allowed", "EPERM")
        assert not peer.client.broken


# -- the daemon facing a misbehaving library ----------------------------------------------

def test_daemon_answers_bad_calls_and_survives(pair: ConnectionPair) -> None:
    sock = pair.client_sock
    sync = ACTIONS["sync"].proc_nr or 0

    def ask(msg: bytes) -> bytes:
        sock.sendall(msg)
        return recv_message(sock)

    with fake_impls({"sync": lambda: None}):
        # A reply-direction message and a wrong program are refused with EINVAL.
        bad = encode_message(call_header(sync, 1)._replace(direction=C.Direction.REPLY))
        h, off = decode_header(call_with_timeout(lambda: ask(bad)))
        assert (h.status, h.serial) == (C.Status.ERROR, 1)
        bad = encode_message(call_header(sync, 2)._replace(prog=1))
        h, off = decode_header(call_with_timeout(lambda: ask(bad)))
        assert h.status == C.Status.ERROR
        # An undecodable message is dropped; the next call is served.
        sock.sendall(struct.pack(">I", 3) + b"abc")
        # A stray cancel flag outside a transfer is ignored.
        sock.sendall(flag_word(C.CANCEL_FLAG))
        h, off = decode_header(call_with_timeout(lambda: ask(encode_message(call_header(sync, 3)))))
        assert (h.status, h.serial, h.proc) == (C.Status.OK, 3, sync)


def test_daemon_skips_an_oversize_frame_and_answers_the_next_call(pair: ConnectionPair) -> None:
    """A length word past the limit cannot be a frame: libguestfs's daemon
    exits; ours skips to the next call and answers it."""
    sock = pair.client_sock
    sync = ACTIONS["sync"].proc_nr or 0
    with fake_impls({"sync": lambda: None}):
        sock.sendall(struct.pack(">I", C.MESSAGE_MAX + 1) + b"\x01\x02garbage" * 3)
        msg = encode_message(call_header(sync, 9))
        h, off = decode_header(call_with_timeout(lambda: (sock.sendall(msg), recv_message(sock))[1]))
        assert (h.status, h.serial, h.proc) == (C.Status.OK, 9, sync)
    assert pair.thread.is_alive() and pair.server_error is None


def test_launch_flag_is_first(monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = socket.socketpair()
    srv = daemon_server.Server(b.fileno(), b.fileno())
    t = threading.Thread(target=srv.serve, daemon=True)
    t.start()
    assert call_with_timeout(lambda: recv_exact(a, 4)) == struct.pack(">I", 0xF5F55FF5)
    a.close()
    t.join(TIMEOUT)
    assert not t.is_alive()
    b.close()
