"""``daemon/lib/tsklib.py`` on the host, against sleuthkit's own programs:
an ext4 image made here (mkfs.ext4 -d, then a file removed with debugfs) is
read inode by inode through libtsk and through ``istat``, and walked both
ways by the sleuthkit family's stream code; the answers must be the same.
Needs libtsk19, sleuthkit and e2fsprogs on the host (the appliance's
packages)."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from typing import Any

import pytest

from guestfs.library.forensics import decode_struct_stream
from guestfs_daemon.impl import sleuthkit
from guestfs_daemon.lib import tsklib


def _have_libtsk() -> bool:
    try:
        ctypes.CDLL(tsklib.SONAME)
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(
    not (_have_libtsk() and all(shutil.which(p) for p in ("fls", "istat", "mkfs.ext4", "debugfs"))),
    reason="libtsk19, sleuthkit and e2fsprogs are needed on the host")


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> str:
    d = tmp_path_factory.mktemp("tsklib")
    tree = d / "tree"
    (tree / "dir" / "sub").mkdir(parents=True)
    (tree / "hello.txt").write_text("hello\n")
    (tree / "dir" / "big").write_bytes(b"x" * 5000)
    (tree / "gone.txt").write_text("gone\n")
    (tree / "link").symlink_to("hello.txt")
    (tree / "dir" / "hard").hardlink_to(tree / "hello.txt")
    img = str(d / "ext4.img")
    with open(img, "wb") as f:
        f.truncate(16 * 1024 * 1024)
    subprocess.run(["mkfs.ext4", "-q", "-d", str(tree), img], check=True)
    subprocess.run(["debugfs", "-w", "-R", "rm /gone.txt", img], check=True, capture_output=True)
    return img


class _Sink:
    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data


def test_every_inode_as_istat_says(image: str) -> None:
    fs = tsklib.open_fs(image)
    assert fs is not None
    with fs:
        seen = 0
        for inum in range(1, 40):
            lib = fs.inode(inum)
            prog = sleuthkit._istat(image, inum)
            if prog is None:
                assert lib is None
                continue
            assert lib is not None, inum
            assert (lib.allocated, lib.nlink, lib.size, lib.times) == (
                prog.allocated, prog.nlink, prog.size, prog.times), inum
            seen += 1
        assert seen > 10
        assert fs.inode(10**9) is None


def test_walk_same_through_libtsk_and_istat(image: str, monkeypatch: Any) -> None:
    names = sleuthkit._names(image)
    assert "gone.txt" in [n.path for n in names]
    fast = _Sink()
    sleuthkit._send(fast, image, names)  # type: ignore[arg-type]
    monkeypatch.setattr(tsklib, "open_fs", lambda dev: None)
    slow = _Sink()
    sleuthkit._send(slow, image, names)  # type: ignore[arg-type]
    walk = decode_struct_stream(fast.data, "tsk_dirent")
    assert walk == decode_struct_stream(slow.data, "tsk_dirent")
    by_name = {e["tsk_name"]: e for e in walk}
    assert by_name["gone.txt"]["tsk_flags"] == sleuthkit.DIRENT_UNALLOC
    assert by_name["link"]["tsk_link"] == "hello.txt"
    assert by_name["hello.txt"]["tsk_nlink"] == 2
    assert by_name["$OrphanFiles"]["tsk_nlink"] == 1


def test_not_a_filesystem(tmp_path: Any) -> None:
    blank = tmp_path / "blank"
    blank.write_bytes(bytes(1 << 20))
    assert tsklib.open_fs(str(blank)) is None
    assert tsklib.open_fs(str(tmp_path / "missing")) is None


def test_wrong_tag_is_refused() -> None:
    raw = bytearray(tsklib.META_HEAD.size)
    assert tsklib.unpack_meta(bytes(raw)) is None
    raw[0:4] = tsklib.META_TAG.to_bytes(4, "little")
    raw[4:8] = (tsklib.META_ALLOC | tsklib.META_COMP).to_bytes(4, "little")
    meta = tsklib.unpack_meta(bytes(raw))
    assert meta is not None and meta.allocated and meta.compressed
