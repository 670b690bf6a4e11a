"""The core scenario under every backend that is registered (third-party
ones included): launch, partition, mkfs, mount, write and read back,
upload and download, a read-only drive left unchanged, nothing left behind.
"""

from __future__ import annotations

import os
import subprocess

import pytest

import guestfs
from tests.helpers import sha256_file

pytestmark = [pytest.mark.appliance, pytest.mark.slow]




def make_ro_image(tmp_path) -> str:
    """A small ext4 image holding /hello, made on the host with mkfs.ext4 -d."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "hello").write_text("read-only hello\n")
    img = tmp_path / "ro.img"
    subprocess.run(["mkfs.ext4", "-q", "-F", "-d", str(src), str(img), "32M"], check=True)
    return str(img)


def test_core_scenario(backend, tmp_path) -> None:
    disk = tmp_path / "disk.img"
    with open(disk, "wb") as f:
        f.truncate(128 * 1024 * 1024)
    ro = make_ro_image(tmp_path)
    ro_before = sha256_file(ro)
    payload = tmp_path / "payload.bin"
    payload.write_bytes(os.urandom(3 * 1024 * 1024 + 17))

    g = guestfs.GuestFS(python_return_dict=True)
    backend(g, [(str(disk), False), (ro, True)])
    g.launch()
    assert g.list_devices() == ["/dev/sda", "/dev/sdb"]
    g.part_disk("/dev/sda", "mbr")
    g.mkfs("ext4", "/dev/sda1")
    g.mount("/dev/sda1", "/")
    g.write("/hello", b"hi from " + backend.entry.encode())
    assert g.cat("/hello") == "hi from " + backend.entry
    g.upload(str(payload), "/payload")
    back = tmp_path / "back.bin"
    g.download("/payload", str(back))
    assert sha256_file(str(back)) == sha256_file(str(payload))

    # The read-only drive: readable, and writes (to its overlay) never reach the image.
    g.mkdir("/ro")
    g.mount("/dev/sdb", "/ro")
    assert g.cat("/ro/hello") == "read-only hello\n"
    g.write("/ro/scribble", b"must not reach the image")
    g.sync()
    g.umount("/ro")

    pid = None
    if backend.entry != "unix":
        pid = g.get_pid()
    tmpdir = g._tmpdir
    g.shutdown()
    g.close()
    assert sha256_file(ro) == ro_before
    if pid is not None:
        assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
    assert tmpdir is None or not os.path.exists(tmpdir)
