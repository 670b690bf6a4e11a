"""The sleuthkit calls in the real appliance: ``filesystem_walk``,
``find_inode``, ``download_inode`` and ``download_blocks`` on an ext4
filesystem made here with files, a directory, a hard link, a FIFO, a short
and a long symbolic link and a deleted file.

The filesystem is made once for the module on a 32 MiB partition of the
shared handle's /dev/sdb, unmounted, and also copied to the host, where
``test_same_as_stock`` gives it to stock libguestfs 1.48 read-only and
compares every outcome with ours, field for field (times to the
nanosecond included).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from guestfs.testing import reset_disks, skip_or_fail
from tests.helpers import err
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

DEV = "/dev/sdb1"
HELLO = b"hello, sleuthkit\n"
BIG = bytes(range(256)) * 40  # 10 KiB: several 1 KiB blocks
LONG_TARGET = "t" * 100  # too long to live in the inode: a "slow" symbolic link


@dataclass
class Image:
    """The module's filesystem: the handle, inode numbers, stat of names, host copy."""

    g: Any
    inodes: dict[str, int]
    stats: dict[str, dict[str, Any]]
    copy: str


@pytest.fixture(scope="module")
def image(launched: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Image]:
    g = launched
    reset_disks(g)
    g.part_init("/dev/sdb", "mbr")
    g.part_add("/dev/sdb", "p", 2048, 2048 + 32 * 2048 - 1)
    g.mkfs("ext4", DEV, blocksize=1024)
    g.mount(DEV, "/")
    g.write("/hello.txt", HELLO)
    g.mkdir("/dir")
    g.write("/dir/big", BIG)
    g.ln("/hello.txt", "/dir/hard")
    g.mkfifo(0o644, "/fifo")
    g.ln_s("hello.txt", "/link")
    g.ln_s(LONG_TARGET, "/longlink")
    g.write("/gone.txt", b"soon deleted\n")
    names = ["hello.txt", "dir", "dir/big", "dir/hard", "fifo", "link", "longlink", "gone.txt"]
    stats = {n: g.lstatns("/" + n) for n in names}
    g.umount_all()
    copy = str(tmp_path_factory.mktemp("tsk") / "ext4.img")
    g.download(DEV, copy)
    # Linux wipes a deleted name from its directory block; debugfs's rm
    # (on the host copy, put back) frees the inode and leaves the name, as
    # older kernels and other systems do: what sleuthkit is for.
    if shutil.which("debugfs") is None:
        skip_or_fail("debugfs (e2fsprogs) is not installed on the host")
    subprocess.run(["debugfs", "-w", "-R", "rm /gone.txt", copy], check=True, capture_output=True)
    g.upload(copy, DEV)
    yield Image(g, {n: s["st_ino"] for n, s in stats.items()}, stats, copy)
    reset_disks(g)


def _by_name(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["tsk_name"]: e for e in entries}


def test_walk_names_types_and_flags(image: Image) -> None:
    walk = _by_name(image.g.filesystem_walk(DEV))
    assert {".", "lost+found", "hello.txt", "dir", "dir/big", "dir/hard", "fifo", "link",
            "longlink", "$OrphanFiles"} <= set(walk)
    assert not any(n.endswith("/.") or n.endswith("..") for n in walk)
    types = {n: walk[n]["tsk_type"] for n in ("hello.txt", "dir", "fifo", "link", "$OrphanFiles")}
    assert types == {"hello.txt": "r", "dir": "d", "fifo": "f", "link": "l", "$OrphanFiles": "u"}
    assert walk["hello.txt"]["tsk_flags"] == 1
    assert walk["hello.txt"]["tsk_size"] == len(HELLO)
    assert walk["dir/big"]["tsk_size"] == len(BIG)
    # The deleted name is still in the directory: name and inode unallocated.
    assert walk["gone.txt"]["tsk_flags"] == 0
    assert walk["gone.txt"]["tsk_inode"] == image.inodes["gone.txt"]
    assert walk["gone.txt"]["tsk_nlink"] == 0
    # The orphan inodes sleuthkit files under $OrphanFiles are not listed.
    assert not any(n.startswith("$OrphanFiles/") for n in walk)


def test_walk_links_and_hard_links(image: Image) -> None:
    walk = _by_name(image.g.filesystem_walk(DEV))
    assert walk["link"]["tsk_link"] == "hello.txt"
    assert walk["longlink"]["tsk_link"] == ""  # sleuthkit keeps the target of fast links only
    assert walk["longlink"]["tsk_size"] == len(LONG_TARGET)
    assert walk["hello.txt"]["tsk_inode"] == walk["dir/hard"]["tsk_inode"] == image.inodes["hello.txt"]
    assert walk["hello.txt"]["tsk_nlink"] == walk["dir/hard"]["tsk_nlink"] == 2
    assert walk["dir"]["tsk_nlink"] == 2


def test_walk_times_to_the_nanosecond(image: Image) -> None:
    walk = _by_name(image.g.filesystem_walk(DEV))
    for name in ("hello.txt", "dir/big", "fifo", "link"):
        st, e = image.stats[name], walk[name]
        assert (e["tsk_mtime_sec"], e["tsk_mtime_nsec"]) == (st["st_mtime_sec"], st["st_mtime_nsec"]), name
        assert (e["tsk_ctime_sec"], e["tsk_ctime_nsec"]) >= (st["st_ctime_sec"], st["st_ctime_nsec"]), name
        assert e["tsk_crtime_sec"] > 0 and e["tsk_spare1"] == 0
    assert walk["dir/big"]["tsk_mtime_nsec"] != 0 or walk["hello.txt"]["tsk_mtime_nsec"] != 0


def test_find_inode(image: Image) -> None:
    found = image.g.find_inode(DEV, image.inodes["hello.txt"])
    assert sorted(e["tsk_name"] for e in found) == ["dir/hard", "hello.txt"]
    walk = _by_name(image.g.filesystem_walk(DEV))
    assert _by_name(found)["hello.txt"] == walk["hello.txt"]
    assert [e["tsk_name"] for e in image.g.find_inode(DEV, 2)] == ["."]
    assert [e["tsk_name"] for e in image.g.find_inode(DEV, image.inodes["gone.txt"])] == ["gone.txt"]


def test_download_inode(image: Image, tmp_path: Any) -> None:
    out = tmp_path / "big"
    image.g.download_inode(DEV, image.inodes["dir/big"], str(out))
    assert out.read_bytes() == BIG
    image.g.download_inode(DEV, image.inodes["hello.txt"], str(out))
    assert out.read_bytes() == HELLO
    # An inode past the end: the transfer had begun, so it is cancelled.
    assert err(image.g.download_inode, DEV, 10**9, str(out)) == "file receive cancelled by daemon"


def test_download_blocks(image: Image, tmp_path: Any) -> None:
    out = tmp_path / "blocks"
    image.g.download_blocks(DEV, 0, 9, str(out))
    assert len(out.read_bytes()) == 10 * 1024
    # Blocks 0-9 as the device has them (1 KiB blocks: block 1 is the superblock).
    assert out.read_bytes() == image.g.pread_device(DEV, 10 * 1024, 0)
    image.g.download_blocks(DEV, 0, 32 * 1024 - 1, str(out), unallocated=True)
    free = len(out.read_bytes())
    assert 0 < free < 32 * 1024 * 1024 and free % 1024 == 0
    assert err(image.g.download_blocks, DEV, -1, 5, str(out)) == \
        "download_blocks: starting address must be greater than zero"
    for stop in (4, 5):
        assert err(image.g.download_blocks, DEV, 5, stop, str(out)) == \
            "download_blocks: stopping address must greater than starting address"


def test_refusals(image: Image, tmp_path: Any) -> None:
    g = image.g
    # Worded after the libtsk step that failed, as stock words it.
    assert err(g.filesystem_walk, "/dev/sdb") == \
        "internal_filesystem_walk: tsk_fs_open_img: Cannot determine file system type"
    assert err(g.download_inode, DEV, -1, str(tmp_path / "x")) == "download_inode: inode must be >= 0"
    assert err(g.find_inode, DEV, 10**6).startswith("find_inode: ")


def _script(dev: str, image: Image, out: str) -> list[Step]:
    return [
        ("filesystem_walk", [dev], {}),
        ("find_inode", [dev, image.inodes["hello.txt"]], {}),
        ("find_inode", [dev, image.inodes["gone.txt"]], {}),
        ("download_inode", [dev, image.inodes["dir/big"], out + "-inode"], {}),
        ("download_inode", [dev, image.inodes["link"], out + "-link"], {}),
        ("download_inode", [dev, image.inodes["gone.txt"], out + "-gone"], {}),
        ("download_blocks", [dev, 0, 63, out + "-blocks"], {}),
        ("download_blocks", [dev, 0, 32 * 1024 - 1, out + "-free"], {"unallocated": True}),
        ("download_blocks", [dev, 7, 3, out], {}),
        ("download_blocks", [dev, -2, 3, out], {}),
        ("download_inode", [dev, 10**9, out], {}),
    ]


# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_same_as_stock(image: Image, tmp_path: Any) -> None:
    """Stock 1.48 and ours on the same filesystem: every struct field, every file, every error."""
    setup: list[Step] = [("add_drive_opts", [image.copy], {"format": "raw", "readonly": True}),
                         ("launch", [], {})]
    stock_out, our_out = str(tmp_path / "stock"), str(tmp_path / "ours")
    stock = run_script_on_stock(setup, _script("/dev/sda", image, stock_out))
    ours = run_script_on(image.g, _script(DEV, image, our_out))
    assert_same_outcomes(_script(DEV, image, our_out), ours, stock)
    assert len(ours[0]["ok"]) > 10
    for suffix in ("-inode", "-link", "-gone", "-blocks", "-free"):
        with open(stock_out + suffix, "rb") as a, open(our_out + suffix, "rb") as b:
            assert a.read() == b.read(), suffix
    assert os.path.getsize(our_out + "-inode") == len(BIG)
