"""Shared test helpers: an in-memory client/daemon pair, sample values, and a
runner that drives either our binding or the stock libguestfs 1.48 one.

``ConnectionPair`` follows h11's ``tests/helpers.py``: the real RPC client
(``guestfs/client.py``) talks to the real daemon loop (``daemon/server.py``)
over a socketpair, the daemon in a thread, so protocol tests need no VM.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from guestfs.actions import ACTIONS, Action, ArgKind
from guestfs.actions._registry import sample_field, sample_struct  # noqa: F401 - re-exported for tests
from guestfs.client import RPCClient
from guestfs.testing import skip_or_fail
from guestfs_daemon import dispatch
from guestfs_daemon.server import Server

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(REPO, "tests", "data")
#: The interpreter the stock python3-guestfs package is installed for.
STOCK_PYTHON = "/usr/bin/python3"
STOCK_BINDING = "/usr/lib/python3/dist-packages/guestfs.py"
#: Generous bound for anything that must not hang.
TIMEOUT = 20.0


# -- files ----------------------------------------------------------------------

def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a host file."""
    import hashlib

    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# -- errors ---------------------------------------------------------------------

def raised(fn: Callable[..., Any], *args: Any, **kw: Any) -> RuntimeError:
    """The RuntimeError a call raises (fails the test if it succeeds)."""
    import pytest

    with pytest.raises(RuntimeError) as ei:
        fn(*args, **kw)
    return ei.value


def err(fn: Callable[..., Any], *args: Any, **kw: Any) -> str:
    """The message of the error a call raises (fails the test if it succeeds)."""
    return str(raised(fn, *args, **kw))


# -- running things with a deadline -------------------------------------------

def call_with_timeout(fn: Callable[[], Any], timeout: float = TIMEOUT) -> Any:
    """Run ``fn`` in a thread; fail the test if it has not returned in time."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # handed back to the caller below
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise AssertionError(f"call did not return within {timeout} s (hang)")
    if "error" in box:
        raise box["error"]
    return box.get("value")


# -- the in-memory client/daemon pair -------------------------------------------

class ConnectionPair:
    """An :class:`RPCClient` wired to a daemon :class:`Server` over a socketpair.

    The server runs ``serve()`` in a daemon thread; whatever it raises is kept
    in :attr:`server_error` instead of escaping the thread.
    """

    def __init__(self, on_progress: Callable[[Any], None] | None = None,
                 alive: Callable[[], bool] = lambda: True, bufsize: int | None = None) -> None:
        self.client_sock, self.server_sock = socket.socketpair()
        if bufsize is not None:
            for s in (self.client_sock, self.server_sock):
                s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, bufsize)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, bufsize)
        fd = self.server_sock.fileno()
        self.server = Server(fd, fd)
        self.server_error: BaseException | None = None
        self.thread = threading.Thread(target=self._serve, name="daemon", daemon=True)
        self.thread.start()
        self.client = RPCClient(self.client_sock, alive=alive, on_progress=on_progress)
        self.client.wait_for_launch(TIMEOUT)

    def _serve(self) -> None:
        try:
            self.server.serve()
        except BaseException as e:  # kept for the test to inspect
            self.server_error = e

    def call(self, name: str, args: Mapping[str, Any] | None = None,
             optargs: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        """Call action ``name`` through the client, with a deadline."""
        act = ACTIONS[name]
        return call_with_timeout(lambda: self.client.call(act, dict(args or {}), dict(optargs or {}), **kw))

    def close(self) -> None:
        """Close the client end; the server sees EOF and its thread ends."""
        self.client_sock.close()
        self.thread.join(TIMEOUT)
        self.server_sock.close()
        assert not self.thread.is_alive(), "daemon thread did not stop after the client closed"

    def __enter__(self) -> ConnectionPair:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RawPeer:
    """A hand-written daemon: ``script(sock)`` runs in a thread on the daemon end.

    Used to play a malicious or broken peer against the real client.
    """

    def __init__(self, script: Callable[[socket.socket], object],
                 alive: Callable[[], bool] = lambda: True) -> None:
        self.client_sock, self.peer_sock = socket.socketpair()
        self.error: BaseException | None = None

        def run() -> None:
            try:
                script(self.peer_sock)
            except OSError:
                pass  # the client hung up first: fine for a misbehaving peer
            except BaseException as e:
                self.error = e
        self.thread = threading.Thread(target=run, name="raw-peer", daemon=True)
        self.thread.start()
        self.client = RPCClient(self.client_sock, alive=alive)

    def close(self) -> None:
        """Close both ends and wait for the script."""
        self.client_sock.close()
        self.peer_sock.close()
        self.thread.join(TIMEOUT)

    def __enter__(self) -> RawPeer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def recv_exact(sock: socket.socket, n: int) -> bytes:
    """Read exactly ``n`` bytes (or fewer if the other end closes)."""
    buf = bytearray()
    while len(buf) < n:
        data = sock.recv(n - len(buf))
        if not data:
            break
        buf += data
    return bytes(buf)


def recv_message(sock: socket.socket) -> bytes:
    """Read one length-framed message body."""
    n = int.from_bytes(recv_exact(sock, 4), "big")
    return recv_exact(sock, n)


@contextmanager
def fake_impls(impls: Mapping[str, Callable[..., Any] | None]) -> Iterator[None]:
    """Register daemon implementations for a test (None removes one); restore after."""
    saved = dict(dispatch.IMPLS)
    try:
        for name, fn in impls.items():
            if fn is None:
                dispatch.IMPLS.pop(name, None)
            else:
                dispatch.IMPLS[name] = fn
        yield
    finally:
        dispatch.IMPLS.clear()
        dispatch.IMPLS.update(saved)


# -- sample values by kind ----------------------------------------------------------

def sample_arg(kind: ArgKind, variant: int = 0) -> Any:
    """A value for an argument or optional argument of ``kind`` (the kind's own samples)."""
    return kind.sample(variant)


def sample_ret(act: Action, variant: int = 0) -> Any:
    """A return value for ``act`` as its implementation returns it."""
    return act.ret.sample(variant)


# -- driving a binding (ours or the stock one) in a subprocess --------------------

#: Executed by ``python -c`` with a JSON request on stdin; prints a JSON reply.
#: It only uses the public binding API, so it runs unchanged on both.
RUNNER = r'''
import json, os, sys, tempfile
import guestfs

def enc(v):
    if isinstance(v, (bytes, bytearray)):
        return {"__bytes__": bytes(v).hex()}
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    if isinstance(v, dict):
        return {"__dict__": [[k, enc(x)] for k, x in v.items()]}
    return v

def dec(v):
    if isinstance(v, dict) and "__bytes__" in v:
        return bytes.fromhex(v["__bytes__"])
    if isinstance(v, list):
        return [dec(x) for x in v]
    if isinstance(v, dict):
        return {k: dec(x) for k, x in v.items()}
    return v

def exc_name(e):
    for cls in (guestfs.ClosedHandle, TypeError, OverflowError, RuntimeError, ValueError):
        if isinstance(e, cls):
            return cls.__name__
    return type(e).__name__

def run_case(case):
    g = guestfs.GuestFS(python_return_dict=case.get("return_dict", False),
                        environment=case.get("environment", False))
    out = {"results": []}
    output = None
    if case.get("output"):
        fd, output = tempfile.mkstemp(prefix="runner-")
        os.close(fd)
        g.internal_test_set_output(output)
    closed = []
    if case.get("close_events"):
        g.set_event_callback(lambda ev, eh, buf, arr: closed.append([ev, eh, buf, arr]),
                             guestfs.EVENT_CLOSE)
    trace = []
    if case.get("trace"):
        g.set_event_callback(lambda ev, eh, buf, arr: trace.append(buf), guestfs.EVENT_TRACE)
        g.set_trace(1)
        del trace[:]
    for method, args, kwargs in case["calls"]:
        try:
            r = getattr(g, method)(*dec(args), **dec(kwargs))
            out["results"].append({"ok": enc(r)})
        except Exception as e:
            out["results"].append({"error": exc_name(e), "message": str(e)})
    if case.get("trace"):
        g.set_trace(0)
        out["trace"] = trace[:-2]  # drop the set_trace(0) call and return lines
    if output:
        g.internal_test_close_output()
        with open(output) as f:
            out["output"] = f.read()
        os.unlink(output)
    g.close()
    if case.get("close_events"):
        del g
        out["close_events"] = closed
    return out

req = json.load(sys.stdin)
reply = {"cases": [run_case(c) for c in req.get("cases", [])]}
if req.get("events"):
    reply["constants"] = {n: getattr(guestfs, n) for n in dir(guestfs) if n.startswith("EVENT_")}
    reply["event_to_string"] = [guestfs.event_to_string(i) for i in range(0x400)]
# Not stdout: internal_test and the C library may print there.
with open(sys.argv[1], "w") as f:
    json.dump(reply, f)
'''


@lru_cache(maxsize=1)
def stock_binding_missing() -> str | None:
    """Why the stock libguestfs Python binding cannot be used, or None."""
    if not os.path.exists(STOCK_PYTHON):
        return f"{STOCK_PYTHON} is missing (the stock python3-guestfs binding needs it)"
    cp = subprocess.run([STOCK_PYTHON, "-c", "import guestfs, libguestfsmod"], capture_output=True,
                        env=_clean_env(), cwd="/", timeout=60)
    if cp.returncode != 0:
        return "the stock libguestfs 1.48 binding is not installed (apt-get install python3-guestfs)"
    return None


def require_stock() -> None:
    """Skip (or fail under GUESTFS_TESTS_NO_SKIP=1) when the stock binding is missing."""
    why = stock_binding_missing()
    if why:
        skip_or_fail(why)


def _clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LIBGUESTFS_") and k not in ("PYTHONPATH", "XDG_RUNTIME_DIR", "TMPDIR")}
    env.update(extra or {})
    return env


def run_binding(request: Mapping[str, Any], stock: bool, env: Mapping[str, str] | None = None,
                cwd: str = "/", timeout: float = 120) -> dict[str, Any]:
    """Run :data:`RUNNER` on ``request`` with the stock binding or ours.

    The environment is cleaned of ``LIBGUESTFS_*`` variables, then ``env``
    is added, so both bindings see exactly the same settings.  ``timeout``
    (seconds) bounds the whole run (launches included).
    """
    e = _clean_env(env)
    if stock:
        python = STOCK_PYTHON
    else:
        python = sys.executable
        e["PYTHONPATH"] = REPO
    with tempfile.TemporaryDirectory(prefix="runner-") as d:
        if stock:
            # Stock's temporary and socket directories inside ours: a stock run
            # killed at the timeout leaves nothing in /tmp (its appliance cache
            # stays where it is, so it is not rebuilt each run).
            e.update(TMPDIR=d, XDG_RUNTIME_DIR=d)
            e.setdefault("LIBGUESTFS_CACHEDIR", "/var/tmp")
        out = os.path.join(d, "reply.json")
        cp = subprocess.run([python, "-c", RUNNER, out], input=json.dumps(request).encode(),
                            capture_output=True, env=e, cwd=cwd, timeout=timeout)
        if cp.returncode != 0:
            raise AssertionError(f"{'stock' if stock else 'our'} binding runner failed "
                                 f"({cp.returncode}):\n{cp.stderr.decode(errors='replace')}")
        with open(out) as f:
            reply: dict[str, Any] = json.load(f)
    return reply


# -- what a test left behind ---------------------------------------------------------------

def processes_naming(path: str) -> list[str]:
    """Live (not zombie) processes other than this one whose command line names
    ``path`` (a handle's own directory): this test's qemus and no one else's."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as f:
                zombie = f.read().rsplit(")", 1)[1].split()[0] == "Z"
        except (OSError, IndexError):
            continue  # gone meanwhile
        if path in cmdline and not zombie:
            found.append(f"{pid}: {cmdline[:300]}")
    return found


def libvirt_domains_naming(uri: str, path: str) -> list[str]:
    """Names of the libvirt domains at ``uri`` whose XML names ``path``."""
    import libvirt
    conn = libvirt.open(uri)
    try:
        found = []
        for d in conn.listAllDomains():
            try:
                if path in d.XMLDesc(0):
                    found.append(d.name())
            except libvirt.libvirtError:
                pass  # went away meanwhile
        return found
    finally:
        conn.close()


def encode_json(v: Any) -> Any:
    """Arguments for :func:`run_binding` (bytes become ``{"__bytes__": hex}``)."""
    if isinstance(v, (bytes, bytearray)):
        return {"__bytes__": bytes(v).hex()}
    if isinstance(v, (list, tuple)):
        return [encode_json(x) for x in v]
    if isinstance(v, dict):
        return {k: encode_json(x) for k, x in v.items()}
    return v


@contextmanager
def ready_handle(**kw: Any) -> Iterator[tuple[Any, ConnectionPair]]:
    """A handle in the READY state whose client talks to an in-memory daemon
    (no VM): for tests of the library's call path."""
    import guestfs
    from guestfs.state import State

    h = guestfs.GuestFS(environment=False, **kw)
    pair = ConnectionPair()
    h._client = pair.client
    h._state = State.READY
    try:
        yield h, pair
    finally:
        if not h._closed:
            h.close()
        pair.close()
