"""Remote control: ``guestfish --listen`` serves commands, ``--remote`` sends them.

Wire-compatible with stock guestfish 1.48 (watched between two stock
programs and against a socket of our own): the server listens on the Unix
socket ``/tmp/.guestfish-UID/socket-PID`` (stock ignores ``$TMPDIR`` there).  For each command the client
connects, sends one byte carrying its standard output as an ``SCM_RIGHTS``
file descriptor, then, XDR-encoded, a hello (the version string) and the
call (command name, its words as a string array, and the exit-on-error
flag); the server runs the command with its standard output on that
descriptor and answers with one XDR int, 0 or -1.  A failing command whose
exit-on-error flag is set, or ``exit``/``quit``, ends the server, as stock.
"""

from __future__ import annotations

import array
import os
import socket
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .shell import ExitShell

if TYPE_CHECKING:
    from .shell import Shell

#: The hello's version string (what stock 1.48.6 sends and expects).
PROTOCOL_VERSION = "1.48.6"


class RemoteError(Exception):
    """The remote side could not be reached or spoke nonsense (message in args[0])."""


def socket_path(pid: int) -> str:
    """Where the server of process ``pid`` listens (always under /tmp, as
    stock: a client with another ``$TMPDIR`` must still find it)."""
    return os.path.join("/tmp", f".guestfish-{os.getuid()}", f"socket-{pid}")


# -------------------------------------------------------------------------
# XDR (the few shapes the protocol has)
# -------------------------------------------------------------------------


def _xdr_string(s: str) -> bytes:
    data = s.encode("utf-8", "surrogateescape")
    return struct.pack(">I", len(data)) + data + b"\0" * (-len(data) % 4)


def encode_call(cmd: str, args: Sequence[str], exit_on_error: bool) -> bytes:
    """The hello and the call, as the client sends them."""
    return (_xdr_string(PROTOCOL_VERSION) + _xdr_string(cmd) + struct.pack(">I", len(args))
            + b"".join(_xdr_string(a) for a in args) + struct.pack(">I", int(exit_on_error)))


class _Reader:
    """Reads XDR items from a connected socket."""

    #: Largest string or array accepted (a guestfish line is far smaller).
    LIMIT = 1 << 20

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def exact(self, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise RemoteError("unexpected end of the connection")
            buf += chunk
        return buf

    def uint(self) -> int:
        value: int = struct.unpack(">I", self.exact(4))[0]
        return value

    def string(self) -> str:
        n = self.uint()
        if n > self.LIMIT:
            raise RemoteError("string too long")
        data = self.exact(n + (-n % 4))[:n]
        return data.decode("utf-8", "surrogateescape")


@dataclass
class Call:
    """One decoded call."""

    version: str
    cmd: str
    args: list[str]
    exit_on_error: bool


def read_call(sock: socket.socket) -> Call:
    """The hello and call of a client (after its descriptor byte)."""
    r = _Reader(sock)
    version = r.string()
    cmd = r.string()
    n = r.uint()
    if n > r.LIMIT:
        raise RemoteError("too many arguments")
    args = [r.string() for _ in range(n)]
    return Call(version, cmd, args, r.uint() != 0)


# -------------------------------------------------------------------------
# the client
# -------------------------------------------------------------------------


def send_command(pid: int, cmd: str, args: Sequence[str], exit_on_error: bool) -> int:
    """Run one command in the server of process ``pid``; its output goes to
    our standard output (whatever fd 1 is now, a pipeline too).

    :returns: the server's status, 0 or -1.
    :raises RemoteError: no server, or a broken reply.
    """
    path = socket_path(pid)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        try:
            sock.connect(path)
        except OSError as e:
            raise RemoteError(f"{path}: {e.strerror}\n"
                              "guestfish: remote: looks like the server is not running") from None
        fds = array.array("i", [1])
        sock.sendmsg([b"\0"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds.tobytes())])
        sock.sendall(encode_call(cmd, args, exit_on_error))
        reply = _Reader(sock).exact(4)
    except OSError as e:
        raise RemoteError(f"remote: {e.strerror}") from None
    finally:
        sock.close()
    status: int = struct.unpack(">i", reply)[0]
    return status


# -------------------------------------------------------------------------
# the server
# -------------------------------------------------------------------------


def listen(pid: int) -> socket.socket:
    """The listening socket of this server (its folder made private)."""
    path = socket_path(pid)
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    sock.listen(8)
    return sock


def _receive_stdout(conn: socket.socket) -> int:
    """The client's standard output, passed as SCM_RIGHTS with one byte."""
    fds = array.array("i")
    _, anc, _, _ = conn.recvmsg(1, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    if not fds:
        raise RemoteError("the client sent no file descriptor")
    for extra in fds[1:]:
        os.close(extra)
    return fds[0]


def serve(shell: Shell, sock: socket.socket) -> int:
    """Answer clients until ``exit`` or a failing command (the handle is then
    shut down and closed, see :meth:`Shell.finish`); returns the exit status."""
    path = sock.getsockname()
    try:
        while True:
            conn, _ = sock.accept()
            with conn:
                try:
                    fd = _receive_stdout(conn)
                except (RemoteError, OSError) as e:
                    shell.err(f"guestfish: remote: {e}")
                    continue
                try:
                    call = read_call(conn)
                except (RemoteError, OSError) as e:
                    os.close(fd)
                    shell.err(f"guestfish: remote: {e}")
                    continue
                if call.version != PROTOCOL_VERSION:
                    shell.err(f"guestfish: remote: the client is version {call.version}, "
                              f"this server speaks {PROTOCOL_VERSION}")
                status, leave = _run_with_stdout(shell, fd, call)
                try:
                    conn.sendall(struct.pack(">i", status))
                except OSError:
                    pass
                if leave:
                    return 0 if status == 0 else 1
    finally:
        sock.close()
        try:
            os.unlink(path)
        except OSError:
            pass


def _run_with_stdout(shell: Shell, fd: int, call: Call) -> tuple[int, bool]:
    """Run a call with fd 1 on the client's descriptor: (status, stop serving)."""
    saved = os.dup(1)
    try:
        os.dup2(fd, 1)
        os.close(fd)
        try:
            r = shell.run_words(call.cmd, call.args)
        except ExitShell:
            r, leave = 0, True
        else:
            leave = r != 0 and call.exit_on_error
        status = 0 if r == 0 else -1
        if leave:
            # The handle is closed while the client still listens: what its
            # close events print reaches the client (as stock does).
            if not shell.finish() and status == 0:
                status = -1
        return status, leave
    finally:
        try:
            shell.stdout.flush()
        except OSError:
            pass
        os.dup2(saved, 1)
        os.close(saved)
