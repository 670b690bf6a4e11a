"""Hostile images (issue 11, item 7).

What a hostile or broken image can hold, made with Python on data we made
(a file system made in the appliance, then its super block overwritten
through ``pwrite_device``; partition tables written byte by byte): corrupt
ext4/xfs/btrfs/vfat/ntfs super blocks, MBR and GPT tables with overlapping,
out-of-range and looping entries, a directory of 100,000 entries, results
larger than the 4 MiB message limit, names that are not UTF-8.  Every call
on them must give a value or a clear ``RuntimeError``, and the appliance
and handle stay alive (the next ``version()``/``list_devices()`` works).

The calls run on a handle of this module (not the session's shared one: a
kernel that falls over on a hostile super block must not take the other
tests with it).
"""

from __future__ import annotations

import io
import random
import struct
import subprocess
import tarfile
import time
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

import guestfs
from guestfs.testing import appliance_missing, reset_disks, skip_or_fail
from tests.reliability.conftest import record

pytestmark = [pytest.mark.appliance, pytest.mark.slow]

SECTOR = 512
MESSAGE_MAX = 4 * 1024 * 1024


class Probe:
    """Runs calls on a hostile image and counts what was not allowed."""

    def __init__(self, g: Any, name: str) -> None:
        self.g = g
        self.name = name
        self.tried = 0
        self.unexpected: list[str] = []
        self.errors = 0
        #: the last error message of each method
        self.messages: dict[str, str] = {}
        #: the slowest call and its seconds (for the report)
        self.slowest = ("", 0.0)

    def call(self, method: str, *args: Any, allow: tuple[type[Exception], ...] = (), **kw: Any) -> Any:
        """``g.method(*args)``: its value, or None after a RuntimeError (or
        an exception in ``allow``); anything else, or a dead handle
        afterwards, is unexpected."""
        self.tried += 1
        what = f"{method}{args!r}"[:200]
        t0 = time.monotonic()
        try:
            return getattr(self.g, method)(*args, **kw)
        except allow:
            self.errors += 1
            return None
        except RuntimeError as e:
            self.errors += 1
            self.messages[method] = str(e)
            if not str(e).strip():
                self.unexpected.append(f"{what}: a RuntimeError without a message")
            return None
        except Exception as e:  # noqa: BLE001 - the point: nothing but RuntimeError
            self.unexpected.append(f"{what}: {type(e).__name__}: {e}")
            return None
        finally:
            took = time.monotonic() - t0
            if took > self.slowest[1]:
                self.slowest = (what[:60], round(took, 2))
            self.check_alive(what)

    def check_alive(self, after: str) -> None:
        try:
            self.g.version()
            assert self.g.list_devices() == ["/dev/sda", "/dev/sdb"]
        except Exception as e:  # noqa: BLE001 - a dead handle is the finding
            self.unexpected.append(f"the handle died after {after}: {type(e).__name__}: {e}")
            raise AssertionError("\n".join(self.unexpected)) from None

    def done(self) -> None:
        """Record the figures and fail listing every unexpected outcome."""
        record("hostile_images", self.name, tried=self.tried, unexpected=len(self.unexpected),
               errors=self.errors, slowest_call=self.slowest[0], slowest_seconds=self.slowest[1])
        assert not self.unexpected, "\n".join(self.unexpected)


@pytest.fixture(scope="module")
def hostile_handle() -> Iterator[Any]:
    """This module's launched handle: /dev/sda 512 MiB, /dev/sdb 256 MiB."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    g = guestfs.GuestFS(python_return_dict=True)
    g.add_drive_scratch(512 << 20)
    g.add_drive_scratch(256 << 20)
    g.launch()
    yield g
    g.close()


@pytest.fixture
def hg(hostile_handle: Any) -> Any:
    """The module's handle with blank disks."""
    hostile_handle.blockdev_flushbufs("/dev/sda")
    reset_disks(hostile_handle)
    return hostile_handle


def read_only_calls(p: Probe, dev: str) -> None:
    """Everything a reader of a suspicious file system does."""
    p.call("vfs_type", dev)
    p.call("list_filesystems")
    p.call("vfs_uuid", dev)
    p.call("vfs_label", dev)
    p.call("blkid", dev)
    p.call("file", dev)
    p.call("inspect_os")
    if p.call("mount_ro", dev, "/") is None and p.g.mounts():
        p.call("ls", "/")
        p.call("find", "/")
        p.call("statvfs", "/")
        p.call("du", "/")
        p.call("umount_all")
    p.g.umount_all()


#: Where each file system's primary super block is, and its length.
SUPER_BLOCKS = {"ext4": (1024, 1024), "xfs": (0, 512), "btrfs": (0x10000, 4096), "vfat": (0, 512),
                "ntfs": (0, 512)}
#: Fields set to hostile values, keeping the magic so the kernel parses on:
#: (offset in the super block, struct format, value).
FIELDS = {
    "ext4": [(4, "<I", 0xFFFFFFFF), (24, "<I", 40), (0, "<I", 0), (40, "<I", 0), (88, "<H", 0xFFFF)],
    "xfs": [(4, ">I", 1), (8, ">Q", 1 << 62), (104, ">H", 0xFFFF), (120, ">B", 200)],
    "btrfs": [(0x70, "<Q", 1 << 62), (0x90, "<I", 3), (0x94, "<I", 1 << 30), (0xa0, "<I", 0xFFFFFFFF)],
    "vfat": [(11, "<H", 0), (13, "<B", 0), (14, "<H", 0), (16, "<B", 0), (17, "<H", 0xFFFF),
             (32, "<I", 0xFFFFFFFF)],
    "ntfs": [(11, "<H", 1), (13, "<B", 0xFF), (40, "<Q", 1 << 62), (48, "<Q", 1 << 62), (64, "<b", 100)],
}


@pytest.mark.parametrize("fstype", sorted(SUPER_BLOCKS))
def test_corrupt_super_blocks(hg: Any, fstype: str) -> None:
    """Zeroed, random and hostile-field super blocks of each file system."""
    p = Probe(hg, f"corrupt {fstype} super block")
    dev = "/dev/sda"
    try:
        hg.mkfs(fstype, dev)
    except RuntimeError as e:
        skip_or_fail(f"mkfs {fstype} is not available in the appliance: {e}")
    off, length = SUPER_BLOCKS[fstype]
    good = hg.pread_device(dev, length, off)
    rng = random.Random(fstype)
    variants: list[tuple[str, bytes]] = [("zeroed", b"\0" * length)]
    for i in range(3):
        sb = bytearray(good)
        for _ in range(32):  # random bytes outside the magic's first 8 bytes of the block
            sb[rng.randrange(64, length)] = rng.randrange(256)
        variants.append((f"random {i}", bytes(sb)))
    for f_off, fmt, value in FIELDS[fstype]:
        sb = bytearray(good)
        struct.pack_into(fmt, sb, f_off, value)
        variants.append((f"field at {f_off}", bytes(sb)))
    for _name, sb in variants:
        hg.pwrite_device(dev, sb, off)
        hg.blockdev_flushbufs(dev)
        read_only_calls(p, dev)
    p.done()


def mbr(entries: list[tuple[int, int, int]], boot: bytes = b"") -> bytes:
    """A master boot record with up to four (type, first LBA, sectors) entries."""
    sec = bytearray(SECTOR)
    sec[:len(boot)] = boot
    for i, (ptype, start, count) in enumerate(entries):
        struct.pack_into("<B3sB3sII", sec, 446 + 16 * i, 0, b"\0\0\0", ptype, b"\0\0\0", start, count)
    sec[510:512] = b"\x55\xaa"
    return bytes(sec)


def gpt(disk_sectors: int, parts: list[tuple[int, int]], n_entries: int = 128, entry_size: int = 128,
        first_usable: int = 34, last_usable: int | None = None) -> tuple[bytes, bytes]:
    """A GPT header (LBA 1) and its entry array (LBA 2…) with valid CRCs,
    whatever nonsense the entries (first LBA, last LBA) hold."""
    basic_data = bytes.fromhex("a2a0d0ebe5b9334487c068b6b72699c7")
    array = bytearray(128 * 128)  # what is written: 32 sectors
    for i, (first, last) in enumerate(parts):
        struct.pack_into("<16s16sQQQ", array, i * 128, basic_data, bytes([i + 1]) * 16, first, last, 0)
    declared = n_entries * entry_size
    array_crc = zlib.crc32(bytes(array[:declared]) if declared <= len(array) else bytes(array))
    last_usable = disk_sectors - 34 if last_usable is None else last_usable
    hdr = bytearray(92)
    struct.pack_into("<8sIIIIQQQQ16sQIII", hdr, 0, b"EFI PART", 0x10000, 92, 0, 0, 1, disk_sectors - 1,
                     first_usable, last_usable, b"\x11" * 16, 2, n_entries, entry_size, array_crc)
    struct.pack_into("<I", hdr, 16, zlib.crc32(bytes(hdr)))
    return bytes(hdr).ljust(SECTOR, b"\0"), bytes(array)


def partition_calls(p: Probe, dev: str) -> None:
    """Everything a reader does with a partition table."""
    p.call("blockdev_rereadpt", dev)
    p.call("part_get_parttype", dev)
    p.call("part_list", dev)
    parts = p.call("list_partitions") or []
    p.call("list_filesystems")
    p.call("inspect_os")
    for part in parts[:8]:
        p.call("blockdev_getsize64", part)
        p.call("vfs_type", part)
        p.call("part_to_dev", part)
        p.call("part_to_partnum", part)
    for n in (1, 2, 5):
        p.call("part_get_mbr_id", dev, n)
        p.call("part_get_gpt_type", dev, n)


def test_hostile_partition_tables(hg: Any) -> None:
    """MBR and GPT tables with overlapping, out-of-range and looping entries."""
    p = Probe(hg, "hostile partition tables")
    dev = "/dev/sdb"
    size = hg.blockdev_getsize64(dev)
    sectors = size // SECTOR
    tables: list[tuple[str, list[tuple[int, bytes]]]] = [
        ("mbr overlapping", [(0, mbr([(0x83, 2048, 100000), (0x83, 50000, 100000), (0x83, 2048, 10)]))]),
        ("mbr out of range", [(0, mbr([(0x83, sectors + 100, 1000), (0x83, 2048, 0xFFFFFFFF),
                                       (0x83, 0xFFFFFFF0, 0xFFFFFFFF)]))]),
        ("mbr zero-length and at sector 0", [(0, mbr([(0x83, 0, 0), (0x83, 0, sectors)]))]),
        # An extended partition whose first logical table points at itself.
        ("mbr looping extended", [(0, mbr([(0x05, 2048, 100000)])),
                                  (2048 * SECTOR, mbr([(0x83, 63, 1000), (0x05, 0, 100000)]))]),
        ("mbr two extended", [(0, mbr([(0x05, 2048, 100000), (0x0f, 4096, 100000)])),
                              (2048 * SECTOR, mbr([(0x83, 63, 1000), (0x05, 2048, 1000)])),
                              (4096 * SECTOR, mbr([(0x83, 63, 1000), (0x05, 0, 1000)]))]),
    ]
    for name, parts, kw in [
        ("gpt overlapping", [(2048, 200000), (100000, 300000), (2048, 2048)], {}),
        ("gpt out of range", [(sectors + 10, sectors + 1000), (2048, 1 << 60), (500, 100)], {}),
        ("gpt usable range backwards", [(2048, 4096)], {"first_usable": sectors, "last_usable": 34}),
        ("gpt huge entry count", [(2048, 4096)], {"n_entries": 0xFFFFFFFF}),
        ("gpt odd entry size", [(2048, 4096)], {"entry_size": 8}),
    ]:
        hdr, array = gpt(sectors, parts, **kw)
        tables.append((name, [(0, mbr([(0xEE, 1, min(sectors - 1, 0xFFFFFFFF))])), (SECTOR, hdr),
                              (2 * SECTOR, array[:32 * SECTOR])]))
    for _name, writes in tables:
        hg.pwrite_device(dev, b"\0" * (1 << 20), 0)
        for off, data in writes:
            hg.pwrite_device(dev, data, off)
        partition_calls(p, dev)
    hg.pwrite_device(dev, b"\0" * (1 << 20), 0)
    hg.blockdev_rereadpt(dev)
    p.done()


def tar_of(names: list[bytes], content: bytes = b"", links: bool = False) -> bytes:
    """A gzip-compressed tar of files with raw byte names holding
    ``content``; with ``links`` all but the first four are hard links to
    one of them (four inodes for any number of names: an ext4 this size
    has ~32,000 inodes, and a file at most 65,000 links)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.GNU_FORMAT, compresslevel=1,
                      encoding="utf-8", errors="surrogateescape") as tf:
        for i, n in enumerate(names):
            ti = tarfile.TarInfo(n.decode("utf-8", "surrogateescape"))
            if links and i >= 4:
                ti.type = tarfile.LNKTYPE
                ti.linkname = names[i % 4].decode("utf-8", "surrogateescape")
                tf.addfile(ti)
                continue
            ti.size = len(content)
            tf.addfile(ti, io.BytesIO(content))
    return buf.getvalue()


def upload_tar(g: Any, data: bytes, directory: str, tmp_path: Any) -> None:
    path = tmp_path / "in.tar.gz"
    path.write_bytes(data)
    g.tar_in(str(path), directory, compress="gzip")


BIG = 100_000


@pytest.fixture(scope="module")
def big_directory_image(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A squashfs image with /big holding BIG empty files, made on the host
    in seconds (making them in the appliance under TCG takes a minute, and
    ``mkfs.ext4 -d`` is quadratic in a directory's size)."""
    d = tmp_path_factory.mktemp("bigdir")
    big = d / "tree" / "big"
    big.mkdir(parents=True)
    for i in range(BIG):
        (big / f"entry-{i:06d}-padding-the-name-to-forty-bytes").touch()
    img = d / "big.sqfs"
    subprocess.run(["mksquashfs", str(d / "tree"), str(img), "-quiet", "-noappend", "-no-progress"],
                   check=True)
    return str(img)


def test_directory_of_100000_entries(hg: Any, big_directory_image: str, tmp_path: Any) -> None:
    """ls and find stream all 100,000 names; readdir, whose one reply would
    pass the 4 MiB limit (stock 1.48's readdir is the same daemon call),
    gives a clear error or all the entries."""
    p = Probe(hg, "directory of 100,000 entries")
    hg.upload(big_directory_image, "/dev/sda")
    hg.mount_ro("/dev/sda", "/")
    listed = p.call("ls", "/big")
    found = p.call("find", "/big")
    entries = p.call("readdir", "/big")
    # Nothing that stats every entry (glob_expand, du): squashfs looks names
    # up linearly, so 100,000 stats take minutes under TCG.
    p.call("lstatnslist", "/big", (listed or [])[:1000])
    p.call("ls0", "/big", str(tmp_path / "ls0"))
    p.call("find0", "/big", str(tmp_path / "find0"))
    hg.umount_all()
    p.done()
    assert listed is not None and len(listed) == BIG
    assert found is not None and len(found) == BIG
    assert entries is None or len(entries) == BIG + 2
    assert "readdir" not in p.messages or "exceeds the protocol limit" in p.messages["readdir"]
    assert (tmp_path / "ls0").read_bytes().count(b"\0") == BIG


def test_results_beyond_the_message_limit(hg: Any, tmp_path: Any) -> None:
    """A 6 MiB file: calls that stream or read in pieces give it all; calls
    with one reply give a clear error; the handle carries on."""
    p = Probe(hg, "results beyond 4 MiB")
    hg.mkfs("ext4", "/dev/sda")
    hg.mount("/dev/sda", "/")
    line = b"printable text that strings and grep will return in full\n"
    big = line * (6 * MESSAGE_MAX // 4 // len(line) + 1)
    hg.write("/big", big[:MESSAGE_MAX - 4096])  # one write: the argument fits one message
    hg.write_append("/big", big[MESSAGE_MAX - 4096:])
    got = p.call("read_file", "/big")
    text = p.call("cat", "/big")
    lines = p.call("read_lines", "/big")
    p.call("pread", "/big", 5 << 20, 0)
    p.call("strings", "/big")
    p.call("grep", "printable", "/big")
    p.call("head_n", 1_000_000, "/big")
    p.call("tail_n", 1_000_000, "/big")
    p.call("hexdump", "/big")
    p.call("download", "/big", str(tmp_path / "big"))
    hg.umount_all()
    p.done()
    assert got == big
    assert text is not None and text.encode() == big
    assert lines is not None and len(lines) == big.count(b"\n")
    assert (tmp_path / "big").read_bytes() == big


NON_UTF8 = [b"latin1-caf\xe9", b"\xff\xfe-not-utf8", b"lone-continuation-\x80", b"overlong-\xc0\xaf",
            b"surrogate-\xed\xa0\x80", b"mixed-\xe2\x82-truncated"]


def test_names_that_are_not_utf8(hg: Any, tmp_path: Any) -> None:
    """File names that are not UTF-8: calls returning text raise the stock
    binding's UnicodeDecodeError (it decodes strictly), FileOut lists give
    the raw bytes, and those names, passed back with surrogate escapes,
    name the same files."""
    p = Probe(hg, "names that are not UTF-8")
    hg.mkfs("ext4", "/dev/sda")
    hg.mount("/dev/sda", "/")
    hg.mkdir("/n")
    upload_tar(hg, tar_of(NON_UTF8, b"content\n"), "/n", tmp_path)
    text_calls = [("ls", "/n"), ("find", "/n"), ("readdir", "/n"), ("glob_expand", "/n/*")]
    for method, arg in text_calls:
        if p.call(method, arg, allow=(UnicodeDecodeError,)) is not None:
            p.unexpected.append(f"{method}({arg!r}) returned text that is not UTF-8")
    p.call("ls0", "/n", str(tmp_path / "ls0"))
    raw = [n for n in (tmp_path / "ls0").read_bytes().split(b"\0") if n]
    names = [n.decode("utf-8", "surrogateescape") for n in raw]
    p.call("lstatnslist", "/n", names)
    p.call("tar_out", "/n", str(tmp_path / "out.tar"))
    contents = [p.call("cat", f"/n/{name}") for name in names]
    for name in names:
        p.call("stat", f"/n/{name}")
        p.call("is_file", f"/n/{name}")
        p.call("download", f"/n/{name}", str(tmp_path / "one"))
        p.call("realpath", f"/n/{name}", allow=(UnicodeDecodeError,))
    hg.umount_all()
    p.done()
    assert sorted(raw) == sorted(NON_UTF8)
    assert contents == ["content\n"] * len(NON_UTF8)
    with tarfile.open(tmp_path / "out.tar", encoding="utf-8", errors="surrogateescape") as tf:
        assert sorted(m.name.encode("utf-8", "surrogateescape") for m in tf.getmembers() if m.isfile()) \
            == sorted(b"./" + n for n in NON_UTF8)
