"""The appliance's network (``set_network(True)``) and the rsync calls.

One launched handle with the network on, and an rsync daemon the test
starts on the host's loopback: the appliance reaches the host as
169.254.2.2 on qemu's user-mode network, with the address, route and
resolver stock 1.48's appliance gets (169.254.2.15/16, via 169.254.2.2,
nameserver 169.254.2.3).  Stock's Debian appliance has no rsync, so the
rsync calls are checked against the files on both sides instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail
from tests.helpers import err

pytestmark = pytest.mark.appliance

HOST = "169.254.2.2"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """An rsync daemon on 127.0.0.1: module ``src`` (read-only) and ``dst``."""
    top = tmp_path_factory.mktemp("rsyncd")
    src, dst = top / "src", top / "dst"
    (src / "sub").mkdir(parents=True)
    dst.mkdir()
    (src / "a.txt").write_bytes(b"hello\n")
    (src / "sub" / "b.bin").write_bytes(bytes(range(256)))
    os.chmod(src / "a.txt", 0o640)
    port = _free_port()
    conf = top / "rsyncd.conf"
    conf.write_text(f"use chroot = false\npid file = {top}/pid\n"
                    f"[src]\npath = {src}\nread only = true\nuid = root\ngid = root\n"
                    f"[dst]\npath = {dst}\nread only = false\nuid = root\ngid = root\n")
    proc = subprocess.Popen(["rsync", "--daemon", "--no-detach", "--address", "127.0.0.1",
                             "--port", str(port), "--config", str(conf)])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the rsync daemon did not start"
                time.sleep(0.05)
        yield f"rsync://{HOST}:{port}", src, dst
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def g() -> Iterator[Any]:
    """A handle of its own with the network on, a scratch file system mounted."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    h = guestfs.GuestFS(python_return_dict=True)
    h.set_network(True)
    h.add_drive_scratch(128 * 1024 * 1024)
    h.launch()
    h.mkfs("ext4", "/dev/sda")
    h.mount("/dev/sda", "/")
    yield h
    h.close()


def test_network_is_configured_as_stock(g: Any) -> None:
    assert g.get_network() == 1  # an int, as stock's binding returns booleans
    out = g.debug("sh", ["ip -4 -o addr show; ip route; cat /etc/resolv.conf"])
    assert "inet 169.254.2.15/16" in out
    assert "default via 169.254.2.2" in out
    assert "nameserver 169.254.2.3" in out
    assert g.feature_available(["rsync"])


def test_rsync_in_copies_the_tree_with_modes(g: Any, server: tuple[str, Path, Path]) -> None:
    url, src, _ = server
    g.mkdir("/in")
    g.rsync_in(f"{url}/src/", "/in", archive=True)
    assert sorted(g.find("/in")) == ["/a.txt", "/sub", "/sub/b.bin"]  # find's form, as stock
    assert g.read_file("/in/a.txt") == b"hello\n"
    assert g.read_file("/in/sub/b.bin") == bytes(range(256))
    assert g.stat("/in/a.txt")["mode"] & 0o777 == 0o640
    # deletedest: what the source no longer has goes at the destination.
    g.write("/in/extra", b"x")
    g.rsync_in(f"{url}/src/", "/in", archive=True, deletedest=True)
    assert not g.exists("/in/extra")
    assert g.exists("/in/a.txt")


def test_rsync_out_reaches_the_host(g: Any, server: tuple[str, Path, Path]) -> None:
    url, _, dst = server
    g.mkdir_p("/out/d")
    g.write("/out/one", b"1\n")
    g.write("/out/d/two", b"22\n")
    g.rsync_out("/out/", f"{url}/dst/", archive=True)
    assert (dst / "one").read_bytes() == b"1\n"
    assert (dst / "d" / "two").read_bytes() == b"22\n"


def test_rsync_between_guest_directories(g: Any) -> None:
    g.mkdir_p("/s/x")
    g.write("/s/x/f", b"data")
    g.mkdir("/t")
    g.write("/t/old", b"old")
    g.rsync("/s/", "/t", archive=True, deletedest=True)
    assert sorted(g.find("/t")) == ["/x", "/x/f"]
    g.rsync("/s", "/t")  # without archive rsync does not recurse: it skips directories
    assert not g.exists("/t/s")
    g.rsync("/s/x/f", "/t/copy")
    assert g.read_file("/t/copy") == b"data"


def test_rsync_failures_say_what_rsync_said(g: Any, server: tuple[str, Path, Path]) -> None:
    url, _, _ = server
    assert "Unknown module 'nosuch'" in err(g.rsync_in, f"{url}/nosuch/", "/in")
    msg = err(g.rsync, "/nonexist", "/t")
    assert "rsync: " in msg and "No such file or directory" in msg
    assert "path must start with a / character" in err(g.rsync, "relative", "/t")
