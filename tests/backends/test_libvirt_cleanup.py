"""The libvirt backend leaves nothing behind, whichever way a launch ends.

Each failure path of a launch (no connection, a refused drive, the domain
refused, the console or the daemon never connecting, an exception after the
daemon connected, an interrupt, the connection to libvirt lost) and each
ending of a launched handle (``close()`` without ``shutdown()``, the handle
dropped, the library process killed) is run with the handle's tmpdir and
sockdir in a private directory, then checked for leftovers:

- no directory or socket in the private tmpdir and sockdir (the sockdir
  holds each launch's ``guestfs-XXXX`` with ``console.sock`` and
  ``guestfsd.sock``);
- the launch's domain not in ``virsh list --all``, and no domain naming
  the directory;
- no qemu process whose command line names the directory;
- no recovery process left waiting.

Needs libvirtd (``.ci/libvirt-setup.sh``) with ``qemu:///system``, virsh,
libvirt-python and an appliance.
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import guestfs
from guestfs.backends import libvirt as lvbackend
from guestfs.backends.base import accept_with_deadline
from guestfs.backends.libvirt import LibvirtBackend
from guestfs.client import RPCClient
from guestfs.testing import appliance_missing, skip_or_fail
from tests.helpers import libvirt_domains_naming, processes_naming

URI = "qemu:///system"
BACKEND = f"libvirt:{URI}"
REPO = str(Path(__file__).resolve().parents[2])

pytestmark = [pytest.mark.appliance, pytest.mark.slow]


def virsh_domains() -> set[str]:
    """The names ``virsh list --all`` gives."""
    cp = subprocess.run(["virsh", "-q", "-c", URI, "list", "--all", "--name"],
                        capture_output=True, text=True, timeout=60, check=True)
    return {n.strip() for n in cp.stdout.splitlines() if n.strip()}


def wait_until(cond: Any, timeout: float) -> bool:
    """Poll ``cond()`` until true or ``timeout`` seconds pass (no timing is asserted)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return bool(cond())


class Rig:
    """Handles whose tmpdir and sockdir are in one private directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmpdir = root / "tmp"
        self.sockdir = root / "sock"
        self.tmpdir.mkdir()
        self.sockdir.mkdir()
        self.disk = root / "disk.img"
        with open(self.disk, "wb") as f:
            f.truncate(16 << 20)

    def handle(self, backend: str = BACKEND) -> Any:
        """A configured handle; the sockdir comes from ``$XDG_RUNTIME_DIR``
        (libguestfs has no ``set_sockdir``), read by the constructor."""
        saved = os.environ.get("XDG_RUNTIME_DIR")
        os.environ["XDG_RUNTIME_DIR"] = str(self.sockdir)
        try:
            g = guestfs.GuestFS(python_return_dict=True)
        finally:
            if saved is None:
                del os.environ["XDG_RUNTIME_DIR"]
            else:
                os.environ["XDG_RUNTIME_DIR"] = saved
        assert g.get_sockdir() == str(self.sockdir)
        g.set_tmpdir(str(self.tmpdir))
        g.set_backend(backend)
        g.set_backend_settings(["force_tcg"])
        g.add_drive_opts(str(self.disk), format="raw")
        return g

    def sockdirs(self) -> list[str]:
        return sorted(os.listdir(self.sockdir))

    def leftovers(self) -> dict[str, list[str]]:
        """What is left now: files, domains, processes (qemu, recovery)."""
        gc.collect()
        root = str(self.root)
        wait_until(lambda: not processes_naming(root), 10)  # a killed qemu is reaped soon
        return {
            "dirs": sorted(os.listdir(self.tmpdir)) + self.sockdirs(),
            # Only domains naming our directory: other engineers' run meanwhile.
            "domains": sorted(libvirt_domains_naming(URI, root)),
            "processes": processes_naming(root),
        }


NOTHING: dict[str, list[str]] = {"dirs": [], "domains": [], "processes": []}


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    try:
        import libvirt
        libvirt.open(URI).close()
    except Exception as e:  # libvirt-python missing or libvirtd not running
        skip_or_fail(f"libvirt backend: cannot reach {URI}: {e}")
    # A short private root: unix socket paths are limited to 108 bytes.
    yield Rig(tmp_path)


def assert_failed_launch_leaves_nothing(rig: Rig, g: Any, exc: type[BaseException],
                                        match: str | None) -> None:
    """The launch fails with ``exc``; the failure itself (not close) removed
    the launch's files, domain and processes; close removes the rest."""
    seen: dict[str, Any] = {}
    real_shutdown = LibvirtBackend.shutdown

    def spy(self: LibvirtBackend) -> None:
        seen["domname"], seen["recovery"] = self.domname, getattr(self, "recovery", None)
        real_shutdown(self)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(LibvirtBackend, "shutdown", spy)
        with pytest.raises(exc, match=match):
            g.launch()
    assert g.is_config()
    assert [p for p in os.listdir(g._tmpdir) if p.startswith("run")] == []
    assert rig.sockdirs() == []
    if seen.get("domname"):
        # Gone at once when destroyed; a killed qemu's domain is forgotten by
        # libvirt as it sees qemu go (bounded wait, nothing timed).
        assert wait_until(lambda: seen["domname"] not in virsh_domains(), 10)
        assert not os.path.exists(f"/var/log/libvirt/qemu/{seen['domname']}.log")
    if seen.get("recovery") is not None:
        assert seen["recovery"].proc.poll() == 0, "the recovery process was not dismissed"
    g.close()
    assert rig.leftovers() == NOTHING


# -- launch failures, step by step ----------------------------------------------

def test_connection_refused(rig: Rig) -> None:
    """No connection: nothing was made yet."""
    g = rig.handle("libvirt:qemu+ssh://nohost.invalid/system")
    assert_failed_launch_leaves_nothing(rig, g, RuntimeError, "could not connect to libvirt")


def test_auth_failure(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    """The connection refuses the credentials (the real exchange is in
    test_libvirt_auth.py, against a private SASL libvirtd)."""
    def refuse(uri: str | None, auth: Any = None) -> Any:
        raise guestfs.GuestFSError(f"could not connect to libvirt (URI = {uri}): authentication failed")
    monkeypatch.setattr(lvbackend, "open_connection", refuse)
    assert_failed_launch_leaves_nothing(rig, rig.handle(), RuntimeError, "authentication failed")


def test_drive_with_a_backing_file_refused(rig: Rig) -> None:
    """A drive refused in _pre_launch, after the sockdir and recovery process
    were made (a qcow2 naming a backing file, added without a format)."""
    bad = rig.root / "backed.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", str(rig.disk),
                    str(bad)], check=True)
    g = rig.handle()
    g.add_drive(str(bad))
    assert_failed_launch_leaves_nothing(rig, g, RuntimeError, "refusing to follow it")
    bad.unlink()


def test_domain_refused(rig: Rig) -> None:
    """createXML fails: qemu cannot open a drive that is not the format given."""
    g = rig.handle()
    g.add_drive_opts(str(rig.disk), format="qcow2")
    assert_failed_launch_leaves_nothing(rig, g, RuntimeError,
                                        "could not create the appliance through libvirt")


def test_console_never_connects(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    """The domain runs but the console accept fails: the domain is destroyed."""
    real = accept_with_deadline

    def accept(lsock: Any, backend: Any, timeout: float) -> Any:
        if lsock is backend.console_lsock:
            raise guestfs.GuestFSError("the VM did not connect to the console within 0 s")
        return real(lsock, backend, timeout)
    monkeypatch.setattr(lvbackend, "accept_with_deadline", accept)
    assert_failed_launch_leaves_nothing(rig, rig.handle(), RuntimeError, "did not connect to the console")


def test_daemon_never_connects(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    """The channel accept or the daemon's launch flag times out."""
    monkeypatch.setattr(LibvirtBackend, "launch_timeout", 0.0)
    assert_failed_launch_leaves_nothing(rig, rig.handle(), RuntimeError, "within 0 s|timed out after 0 s")


def test_appliance_dies_before_the_daemon_starts(rig: Rig) -> None:
    """A real boot whose init cannot run: the kernel panics, the domain ends
    itself (on_reboot=destroy) before the daemon ever answers."""
    g = rig.handle()
    g.set_append("rdinit=/no/such/init")
    assert_failed_launch_leaves_nothing(rig, g, RuntimeError, "Kernel panic")


def test_exception_in_post_launch(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    """Something unexpected after the channel connected."""
    real = LibvirtBackend._post_launch

    def post_launch(self: LibvirtBackend) -> Any:
        sock = real(self)
        sock.close()
        raise ValueError("injected after _post_launch")
    monkeypatch.setattr(LibvirtBackend, "_post_launch", post_launch)
    assert_failed_launch_leaves_nothing(rig, rig.handle(), RuntimeError, "injected after _post_launch")


def test_interrupted_while_waiting_for_the_daemon(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ^C (KeyboardInterrupt) while the daemon boots is re-raised, after cleanup."""
    def interrupted(self: RPCClient, timeout: float) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr(RPCClient, "wait_for_launch", interrupted)
    assert_failed_launch_leaves_nothing(rig, rig.handle(), KeyboardInterrupt, None)


def test_interrupted_inside_create(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    """Interrupted as createXML returns: the domain exists but the backend never
    got it; shutdown finds it by name."""
    real = LibvirtBackend._launch

    def launch(self: LibvirtBackend, appliance: Any, drives: Any) -> None:
        conn = self.conn

        class Lose:
            def __getattr__(self, name: str) -> Any:
                return getattr(conn, name)

            def createXML(self, xml: str, flags: int) -> Any:
                conn.createXML(xml, flags)
                raise KeyboardInterrupt
        self.conn = Lose()
        try:
            real(self, appliance, drives)
        finally:
            self.conn = conn
    monkeypatch.setattr(LibvirtBackend, "_launch", launch)
    assert_failed_launch_leaves_nothing(rig, rig.handle(), KeyboardInterrupt, None)


class BrokenConnection:
    """A libvirt connection that has dropped: every call fails as libvirt's do."""

    def __getattr__(self, name: str) -> Any:
        import libvirt

        def fail(*args: Any) -> Any:
            raise libvirt.libvirtError("internal error: client socket is closed")
        return fail


def break_connection_after_create(monkeypatch: pytest.MonkeyPatch, kept: list[Any]) -> None:
    """The backend's connection drops once the domain runs; the real one is
    kept open in ``kept`` (closing it would let AUTODESTROY do the work)."""
    real = LibvirtBackend._launch

    def launch(self: LibvirtBackend, appliance: Any, drives: Any) -> None:
        real(self, appliance, drives)
        kept.append(self.conn)
        self.conn = BrokenConnection()
    monkeypatch.setattr(LibvirtBackend, "_launch", launch)


def test_connection_drops(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    """The connection breaks during launch: shutdown destroys the domain over
    a new connection (checked while the old one is still open)."""
    kept: list[Any] = []
    break_connection_after_create(monkeypatch, kept)
    try:
        assert_failed_launch_leaves_nothing(rig, rig.handle(), RuntimeError, "VM died|VM exited")
    finally:
        for conn in kept:
            conn.close()


def test_connection_drops_for_good(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    """The connection breaks and libvirt cannot be reached again: the last
    resort kills the domain's qemu (libvirt then forgets the domain)."""
    kept: list[Any] = []
    break_connection_after_create(monkeypatch, kept)
    real_open = lvbackend.open_connection
    opened: list[int] = []

    def open_once(uri: str | None, auth: Any = None) -> Any:
        opened.append(1)
        if len(opened) > 1:
            raise guestfs.GuestFSError("could not connect to libvirt: Connection refused")
        return real_open(uri, auth)
    monkeypatch.setattr(lvbackend, "open_connection", open_once)
    try:
        assert_failed_launch_leaves_nothing(rig, rig.handle(), RuntimeError, "VM died|VM exited")
        assert len(opened) == 2  # the launch's connection and the refused reconnection
    finally:
        for conn in kept:
            conn.close()


# -- endings of a launched handle -------------------------------------------------

def test_close_without_shutdown(rig: Rig) -> None:
    g = rig.handle()
    g.launch()
    name = g._backend.domname
    assert name in virsh_domains() and rig.sockdirs()
    g.close()
    assert name not in virsh_domains()
    assert rig.leftovers() == NOTHING


def test_dropped_handle(rig: Rig) -> None:
    """A handle dropped without close is closed as its last reference goes."""
    g = rig.handle()
    g.launch()
    name = g._backend.domname
    del g
    assert name not in virsh_domains()
    assert rig.leftovers() == NOTHING


def test_connection_drops_while_running(rig: Rig) -> None:
    """A launched handle loses its libvirt connection: the channel still
    works (the daemon needs no libvirt), and close destroys the domain over
    a new connection (checked while the old one is still open)."""
    g = rig.handle()
    g.launch()
    b = g._backend
    name = b.domname
    kept, b.conn = b.conn, BrokenConnection()
    try:
        g.ping_daemon()
        g.close()
        assert name not in virsh_domains()
    finally:
        kept.close()
    assert rig.leftovers() == NOTHING


# -- the library process killed: the recovery process -------------------------------

#: Launches, prints what the test checks, then dies by SIGKILL (no finally,
#: no atexit: only the recovery process can clean up).
CHILD = """
import os, sys, guestfs
g = guestfs.GuestFS(close_on_exit=sys.argv[1] != "exit")
g.set_recovery_proc(sys.argv[1] != "off")
g.set_tmpdir(sys.argv[2])
g.set_backend(sys.argv[3])
g.set_backend_settings(["force_tcg"])
g.add_drive_scratch(16 * 1024 * 1024)
g.launch()
b = g._backend
print(b.domname, b.qemu_pid, b.recovery.proc.pid if b.recovery else 0, b.rundir, b.sockdir, flush=True)
if sys.argv[1] == "exit":
    os._exit(0)  # no close, no atexit, no collection: the process just ends
os.kill(os.getpid(), 9)
"""


def launch_and_die(rig: Rig, recovery: str) -> tuple[str, int, int, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIBGUESTFS_BACKEND")}
    env["PYTHONPATH"] = REPO
    env["XDG_RUNTIME_DIR"] = str(rig.sockdir)
    cp = subprocess.run([sys.executable, "-c", CHILD, recovery, str(rig.tmpdir), BACKEND],
                        capture_output=True, text=True, timeout=300, env=env, check=False)
    assert cp.returncode == (0 if recovery == "exit" else -signal.SIGKILL), cp.stderr
    name, qemu, watcher, *dirs = cp.stdout.split()
    return name, int(qemu), int(watcher), dirs


@pytest.mark.parametrize("how", ["on", "exit"])
def test_killed_library_leaves_nothing(rig: Rig, how: str) -> None:
    """SIGKILL with the domain up (or an exit that closes nothing, for a
    handle made with ``close_on_exit=False``): the domain, its qemu and
    every directory go."""
    name, qemu, watcher, dirs = launch_and_die(rig, how)
    assert qemu > 0 and watcher > 0
    assert wait_until(lambda: not os.path.exists(f"/proc/{watcher}"), 60), "the recovery process hangs"
    assert name not in virsh_domains()
    assert not processes_naming(f"guest={name},")
    assert [d for d in dirs if os.path.exists(d)] == []
    assert not Path(dirs[0]).parent.exists()  # the handle's own temporary directory too
    assert not os.path.exists(f"/var/log/libvirt/qemu/{name}.log")
    assert rig.leftovers() == NOTHING


def test_killed_library_without_recovery(rig: Rig) -> None:
    """set_recovery_proc(False): no watcher starts; libvirt's AUTODESTROY still
    ends the domain, but the files stay (as with stock)."""
    name, qemu, watcher, dirs = launch_and_die(rig, "off")
    assert watcher == 0
    assert wait_until(lambda: name not in virsh_domains(), 30)
    assert all(os.path.exists(d) for d in dirs)
    for d in [*dirs, str(Path(dirs[0]).parent)]:
        subprocess.run(["rm", "-rf", "--", d], check=True)
    try:
        os.unlink(f"/var/log/libvirt/qemu/{name}.log")
    except OSError:
        pass
    assert rig.leftovers() == NOTHING


def test_recovery_process_destroys_the_domain_itself(rig: Rig) -> None:
    """The watcher alone (not libvirt's AUTODESTROY: the library's connection
    stays open) destroys the domain, kills its qemu and removes the files,
    once its pipe ends without "done" (as when the library dies)."""
    g = rig.handle()
    g.launch()
    b = g._backend
    name, qemu, rec = b.domname, b.qemu_pid, b.recovery
    assert qemu is not None and rec is not None
    sockdir, rundir = b.sockdir, b.rundir
    os.close(rec._wfd)  # end of file, as if this process had died
    rec._wfd = os.open(os.devnull, os.O_WRONLY)  # what dismiss will write to and close
    assert rec.proc.wait(60) == 0
    assert b.conn.isAlive() == 1  # the domain did not go through AUTODESTROY
    assert name not in virsh_domains()
    assert not processes_naming(f"guest={name},")
    assert not os.path.exists(sockdir or "") and not os.path.exists(rundir)
    with pytest.raises(RuntimeError):
        g.ping_daemon()
    g.close()
    assert rig.leftovers() == NOTHING
