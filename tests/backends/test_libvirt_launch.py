"""Real launches with the ``libvirt`` backend under ``qemu:///system``.

Needs libvirtd running (``.ci/libvirt-setup.sh``), libvirt-python and an
appliance.  One handle is launched for the module (a TCG launch takes
seconds) with a scratch disk and a read-only image whose checksum must not
change; the last test closes it and checks nothing is left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail
from tests.helpers import sha256_file

URI = "qemu:///system"
BACKEND = f"libvirt:{URI}"
RO_SIZE = 16 * 1024 * 1024


def libvirt_missing() -> str | None:
    """Why ``qemu:///system`` cannot be used here, or None."""
    try:
        import libvirt
    except ImportError:
        return "libvirt-python is not installed (pip install libvirt-python)"
    try:
        libvirt.open(URI).close()
    except libvirt.libvirtError as e:
        return f"cannot connect to {URI} (is libvirtd running? .ci/libvirt-setup.sh): {e}"
    return None




def wait_until(cond: Any, timeout: float) -> bool:
    """Poll ``cond()`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return bool(cond())


def domain_names() -> set[str]:
    import libvirt

    conn = libvirt.open(URI)
    try:
        return {d.name() for d in conn.listAllDomains()}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def lv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A handle launched with the libvirt backend, and what the tests check."""
    why = libvirt_missing() or appliance_missing()
    if why:
        skip_or_fail(why)
    ro = str(tmp_path_factory.mktemp("libvirt") / "readonly.img")
    with open(ro, "wb") as f:
        for i in range(RO_SIZE // 4096):
            f.write(i.to_bytes(4, "little") * 1024)
    g = guestfs.GuestFS(python_return_dict=True)
    console: list[bytes] = []
    g.set_event_callback(lambda ev, eh, buf, arr: console.append(buf), guestfs.EVENT_APPLIANCE)
    g.set_backend(BACKEND)
    g.add_drive_scratch(64 * 1024 * 1024)
    g.add_drive(ro, readonly=True, format="raw")
    g.launch()
    info = {"g": g, "ro": ro, "ro_sha": sha256_file(ro), "console": console,
            "backend": g._backend, "tmpdir": g._tmpdir}
    yield info
    if not g._closed:
        g.close()


pytestmark = [pytest.mark.appliance, pytest.mark.slow]


def test_domain_is_transient_and_tcg(lv: dict[str, Any]) -> None:
    import libvirt

    b = lv["backend"]
    conn = libvirt.open(URI)
    try:
        dom = conn.lookupByName(b.domname)
        assert b.domname.startswith("guestfs-")
        assert dom.isActive() and not dom.isPersistent()
        xml = dom.XMLDesc(0)
    finally:
        conn.close()
    assert "<domain type='qemu'" in xml
    assert "org.libguestfs.channel.0" in xml
    assert "<interface" not in xml  # no network


def test_list_devices(lv: dict[str, Any]) -> None:
    assert lv["g"].list_devices() == ["/dev/sda", "/dev/sdb"]


def test_ping_daemon(lv: dict[str, Any]) -> None:
    assert lv["g"].ping_daemon() is None


def test_console_reaches_appliance_events(lv: dict[str, Any]) -> None:
    assert lv["console"], "no console line reached EVENT_APPLIANCE"
    assert lv["backend"].console_tail()


def test_pid_is_the_domains_qemu(lv: dict[str, Any]) -> None:
    pid = lv["g"].get_pid()
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        argv = f.read().split(b"\0")
    assert b"qemu" in os.path.basename(argv[0])
    assert any(lv["backend"].domname.encode() in a for a in argv)


def test_write_then_read_a_file(lv: dict[str, Any]) -> None:
    g = lv["g"]
    g.mkfs("ext4", "/dev/sda")
    g.mount("/dev/sda", "/")
    try:
        g.write("/hello", b"hello from libvirt\n")
        assert g.cat("/hello") == "hello from libvirt\n"
    finally:
        g.umount_all()


def test_read_only_drive_takes_writes_in_its_overlay(lv: dict[str, Any]) -> None:
    g = lv["g"]
    assert g.pread_device("/dev/sdb", 8, 4096) == (1).to_bytes(4, "little") * 2
    g.pwrite_device("/dev/sdb", b"X" * 4096, 0)
    g.sync()
    assert g.pread_device("/dev/sdb", 4096, 0) == b"X" * 4096
    assert sha256_file(lv["ro"]) == lv["ro_sha"]


def test_close_leaves_nothing_behind(lv: dict[str, Any]) -> None:
    """Run last: closing destroys the domain, qemu and every file."""
    g, b = lv["g"], lv["backend"]
    pid = g.get_pid()
    name, rundir = b.domname, b.rundir
    g.close()
    assert name not in domain_names()
    assert wait_until(lambda: not os.path.exists(f"/proc/{pid}"), 10), f"qemu {pid} still runs"
    assert not os.path.exists(rundir)
    assert not os.path.exists(lv["tmpdir"])
    assert not os.path.exists(f"/var/log/libvirt/qemu/{name}.log")
    assert sha256_file(lv["ro"]) == lv["ro_sha"]


CHILD = """
import sys, threading, time, guestfs
g = guestfs.GuestFS()
g.set_backend(sys.argv[1])
g.add_drive_scratch(16 * 1024 * 1024)
def report():
    while getattr(g._backend, "dom", None) is None:
        time.sleep(0.05)
    print(g._backend.domname, g._backend.sockdir, flush=True)
threading.Thread(target=report, daemon=True).start()
g.launch()
time.sleep(600)
"""


def test_domain_dies_with_the_process(tmp_path: Any) -> None:
    """AUTODESTROY and the recovery process: a SIGKILLed library process
    leaves no running domain and no socket directory."""
    why = libvirt_missing() or appliance_missing()
    if why:
        skip_or_fail(why)
    env = dict(os.environ, TMPDIR=str(tmp_path),
               PYTHONPATH=os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")]))
    with subprocess.Popen([sys.executable, "-c", CHILD, BACKEND], stdout=subprocess.PIPE,
                          env=env, text=True) as child:
        try:
            assert child.stdout is not None
            name, sockdir = child.stdout.readline().split()
            assert name.startswith("guestfs-"), "the child did not start a domain"
            assert name in domain_names()
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
    assert wait_until(lambda: name not in domain_names(), 30), f"{name} outlived its process"
    # The child could not clean up: its recovery process removes the socket
    # directory (console.sock, guestfsd.sock; in /tmp unless XDG_RUNTIME_DIR
    # is set, where these once stayed) and libvirt's log of the domain.
    assert wait_until(lambda: not os.path.exists(sockdir), 30), f"{sockdir} outlived its process"
    assert wait_until(lambda: not os.path.exists(f"/var/log/libvirt/qemu/{name}.log"), 30)


def test_unreachable_uri_fails_cleanly(tmp_path: Any) -> None:
    """A URI libvirt cannot reach: a readable error at launch, no file left."""
    pytest.importorskip("libvirt", reason="libvirt-python is not installed")
    fake = tmp_path / "appliance"
    fake.mkdir()
    for part in ("README.fixed", "kernel", "initrd", "root"):
        (fake / part).write_bytes(b"")
    g = guestfs.GuestFS(python_return_dict=True)
    try:
        g.set_path(str(fake))
        g.set_tmpdir(str(tmp_path))
        g.set_backend("libvirt:qemu+ssh://nohost.invalid/system")
        g.add_drive_scratch(1024 * 1024)
        with pytest.raises(RuntimeError, match=r"could not connect to libvirt \(URI = "
                           r"qemu\+ssh://nohost\.invalid/system\): .*nohost\.invalid.* "
                           r"\[code=\d+ int1=-?\d+\]$"):
            g.launch()
        assert not [p for p in os.listdir(g._tmpdir) if p.startswith("run")]
        assert g.is_config()
    finally:
        g.close()
    assert sorted(os.listdir(tmp_path)) == ["appliance"]


def test_qemu_failure_is_reported_and_cleaned_up(tmp_path: Any) -> None:
    """qemu refuses an empty kernel: libvirt's message reaches the caller and
    neither a domain nor a file is left."""
    why = libvirt_missing()
    if why:
        skip_or_fail(why)
    fake = tmp_path / "appliance"
    fake.mkdir()
    for part in ("README.fixed", "kernel", "initrd", "root"):
        (fake / part).write_bytes(b"")
    before = domain_names()
    g = guestfs.GuestFS(python_return_dict=True)
    try:
        g.set_path(str(fake))
        g.set_tmpdir(str(tmp_path))
        g.set_backend(BACKEND)
        g.add_drive_scratch(1 << 20)
        with pytest.raises(RuntimeError, match="could not create the appliance through libvirt"):
            g.launch()
        assert not [p for p in os.listdir(g._tmpdir) if p.startswith("run")]
    finally:
        g.close()
    assert domain_names() <= before
    assert sorted(os.listdir(tmp_path)) == ["appliance"]


def test_connection_errors_are_worded_as_stocks(tmp_path: Any) -> None:
    # libvirt's test driver fails on a missing file with no daemon; stock 1.48
    # names the URI and appends code and int1 at launch, and names code and
    # domain in add_domain (both strings recorded from stock on this URI).
    uri = "test:///nonexistent/file.xml"
    msg = "XML error: failed to parse xml document '/nonexistent/file.xml'"
    g = guestfs.GuestFS(python_return_dict=True)
    try:
        with pytest.raises(RuntimeError) as e:
            g.add_domain("x", libvirturi=uri, readonly=True)
        assert str(e.value) == f"could not connect to libvirt (code 27, domain 12): {msg}"
        g.set_backend(f"libvirt:{uri}")
        g.set_tmpdir(str(tmp_path))
        g.add_drive_opts("/dev/null", format="raw", readonly=True)
        with pytest.raises(RuntimeError) as e:
            g.launch()
        assert str(e.value) == f"could not connect to libvirt (URI = {uri}): {msg} [code=27 int1=-1]"
        assert g.is_config()
    finally:
        g.close()
