"""clevis_luks_unlock against a real tang server the test runs on the host.

The host side: Debian's tangd (one process per connection, as its systemd
socket unit runs it) on 127.0.0.1, and LUKS2 images made with cryptsetup
and bound with ``clevis luks bind`` to ``http://169.254.2.2:PORT``, the
host as the appliance reaches it on qemu's user-mode network
(``set_network(True)``); the advertisement is given to the bind from a file,
since the host cannot reach that address itself.  The appliance then
unlocks through its own clevis, curl and cryptsetup.  Stock libguestfs
1.48 has no clevis_luks_unlock (it came in 1.49.3), so there is no stock
outcome to compare with.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail
from tests.helpers import err

pytestmark = pytest.mark.appliance

HOST = "169.254.2.2"
TANGD = "/usr/libexec/tangd"
PASSPHRASE = b"a passphrase"
IMAGE_SIZE = 32 << 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Tang:
    """tangd on 127.0.0.1:``port``, forked per connection with the socket as
    its stdin and stdout (what systemd's tangd.socket does)."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        """One tangd for one connection (it answers, then waits for the client to close)."""
        with conn:
            try:
                subprocess.run([TANGD, str(self.db)], stdin=conn.fileno(), stdout=conn.fileno(),
                               stderr=subprocess.DEVNULL, timeout=60, check=False)
            except subprocess.TimeoutExpired:
                pass

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def tang(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tang]:
    for tool in (TANGD, shutil.which("clevis"), shutil.which("cryptsetup")):
        if not tool or not os.access(tool, os.X_OK):
            skip_or_fail(f"tang, clevis and cryptsetup are needed on the host ({tool})")
    db = tmp_path_factory.mktemp("tangdb")
    subprocess.run(["/usr/libexec/tangd-keygen", str(db)], check=True)
    server = Tang(db)
    yield server
    server.close()


def _luks_image(path: Path) -> None:
    """A LUKS2 image with PASSPHRASE in slot 0 (pbkdf2, few iterations: fast under TCG)."""
    with open(path, "wb") as f:
        f.truncate(IMAGE_SIZE)
    subprocess.run(["cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2",
                    "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000",
                    "--key-file", "-", str(path)], input=PASSPHRASE, check=True)


def _bind(path: Path, url: str, adv: Path, keyfile: Path) -> None:
    cfg = f'{{"url":"{url}","adv":"{adv}"}}'
    subprocess.run(["clevis", "luks", "bind", "-y", "-d", str(path), "-k", str(keyfile),
                    "tang", cfg], check=True, stdin=subprocess.DEVNULL, capture_output=True)


@pytest.fixture(scope="module")
def images(tang: Tang, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``bound`` (to the tang server), ``unbound`` (LUKS, no clevis) and
    ``dead`` (bound to a port nobody listens on)."""
    top = tmp_path_factory.mktemp("clevis")
    adv = top / "adv.jws"
    deadline = time.monotonic() + 10
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{tang.port}/adv", timeout=10) as r:
                body = r.read()
            break
        except OSError:
            assert time.monotonic() < deadline, "the tang server did not answer"
            time.sleep(0.1)
    assert body.startswith(b"{") and b"payload" in body, body[:200]
    adv.write_bytes(body)
    keyfile = top / "key"
    keyfile.write_bytes(PASSPHRASE)
    out = {name: top / f"{name}.img" for name in ("bound", "unbound", "dead")}
    for path in out.values():
        _luks_image(path)
    _bind(out["bound"], f"http://{HOST}:{tang.port}", adv, keyfile)
    _bind(out["dead"], f"http://{HOST}:{_free_port()}", adv, keyfile)
    listed = subprocess.run(["clevis", "luks", "list", "-d", str(out["bound"])],
                            capture_output=True, text=True, check=True).stdout
    assert f"{HOST}:{tang.port}" in listed
    return out


@pytest.fixture(scope="module")
def gc(images: dict[str, Path]) -> Iterator[Any]:
    """A handle with the network on: /dev/sda bound, /dev/sdb unbound, /dev/sdc
    dead, /dev/sdd a plain scratch disk; /dev/sda holds an ext4 file system with
    /hello, written through the passphrase."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    h = guestfs.GuestFS(python_return_dict=True)
    h.set_network(True)
    for name in ("bound", "unbound", "dead"):
        h.add_drive(str(images[name]), format="raw")
    h.add_drive_scratch(16 << 20)
    h.launch()
    h.cryptsetup_open("/dev/sda", PASSPHRASE.decode(), "withkey")
    h.mkfs("ext4", "/dev/mapper/withkey")
    h.mount("/dev/mapper/withkey", "/")
    h.write("/hello", b"opened by clevis\n")
    h.umount_all()
    h.cryptsetup_close("/dev/mapper/withkey")
    yield h
    h.close()


def test_the_group_is_available(gc: Any) -> None:
    assert "clevisluks" in gc.available_all_groups()
    assert gc.feature_available(["clevisluks"])


def test_unlock_through_the_tang_server(gc: Any) -> None:
    gc.clevis_luks_unlock("/dev/sda", "viaclevis")
    try:
        assert gc.list_dm_devices() == ["/dev/mapper/viaclevis"]
        gc.mount_ro("/dev/mapper/viaclevis", "/")
        assert gc.read_file("/hello") == b"opened by clevis\n"
        gc.umount_all()
        # The name is taken now: refused before clevis asks the server again.
        assert err(gc.clevis_luks_unlock, "/dev/sda", "viaclevis") == (
            "clevis_luks_unlock: viaclevis: the mapping name is already in use "
            "(/dev/mapper/viaclevis)")
    finally:
        gc.umount_all()
        gc.cryptsetup_close("/dev/mapper/viaclevis")
    assert gc.list_dm_devices() == []


def test_a_luks_device_without_a_clevis_binding(gc: Any) -> None:
    message = err(gc.clevis_luks_unlock, "/dev/sdb", "nobinding")
    assert message == "clevis_luks_unlock: /dev/sdb: /dev/sdb could not be opened."
    assert gc.list_dm_devices() == []


def test_an_unreachable_tang_server_fails_without_hanging(gc: Any) -> None:
    t0 = time.monotonic()
    message = err(gc.clevis_luks_unlock, "/dev/sdc", "deadserver")
    assert message.startswith(
        f"clevis_luks_unlock: /dev/sdc: Error communicating with server http://{HOST}:")
    assert message.endswith("\n/dev/sdc could not be opened.")
    assert time.monotonic() - t0 < 60
    assert gc.list_dm_devices() == []


def test_bad_arguments(gc: Any) -> None:
    assert err(gc.clevis_luks_unlock, "/dev/sdd", "plain") == (
        "clevis_luks_unlock: /dev/sdd: not a LUKS device")
    assert err(gc.clevis_luks_unlock, "/dev/sda", "a/b") == (
        "clevis_luks_unlock: a/b: invalid mapping name")
    assert err(gc.clevis_luks_unlock, "/dev/sda", "") == (
        "clevis_luks_unlock: : invalid mapping name")
    assert "/dev/sdz" in err(gc.clevis_luks_unlock, "/dev/sdz", "m")
    # A name cryptsetup_open took is in use for clevis too.
    gc.cryptsetup_open("/dev/sdb", PASSPHRASE.decode(), "taken")
    try:
        assert err(gc.clevis_luks_unlock, "/dev/sda", "taken") == (
            "clevis_luks_unlock: taken: the mapping name is already in use (/dev/mapper/taken)")
    finally:
        gc.cryptsetup_close("/dev/mapper/taken")
