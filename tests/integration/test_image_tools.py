"""Image and bootloader tools in the real appliance: ``isoinfo`` and
``isoinfo_device`` on an ISO made on the host with genisoimage,
``mksquashfs`` (with compressors and excludes, checked with the host's
unsquashfs), ``f2fs_expand`` on a grown partition, and the bootloaders
``extlinux``, ``syslinux`` (with its directory option) and ``grub_install``
on a disk with a BIOS boot layout.

``test_same_as_stock`` runs one script through stock libguestfs 1.48 and
ours on the same guest layout and compares every outcome.  ``grub_install``
is not in it: stock's appliance lacks GRUB's i386-pc modules and always
answers with grub-install's own "modinfo.sh doesn't exist" error, where
ours has them and installs.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from guestfs.testing import reset_disks, skip_or_fail
from tests.helpers import err
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

MiB = 1024 * 1024

#: /dev/sda: ext4 (bootable, BIOS layout with the usual 1 MiB gap), vfat; made the same way for stock.
PREPARE: list[Step] = [
    ("part_init", ["/dev/sda", "mbr"], {}),
    ("part_add", ["/dev/sda", "p", 2048, 204799], {}),
    ("part_add", ["/dev/sda", "p", 204800, 307199], {}),
    ("part_set_bootable", ["/dev/sda", 1, True], {}),
    ("mkfs", ["ext4", "/dev/sda1"], {}),
    ("mkfs", ["vfat", "/dev/sda2"], {}),
    ("mount", ["/dev/sda1", "/"], {}),
    ("mkdir", ["/boot"], {}),
    ("mkdir_p", ["/data/sub"], {}),
    ("write", ["/data/a.txt", b"alpha\n"], {}),
    ("write", ["/data/b.log", b"beta\n"], {}),
    ("write", ["/data/sub/c.txt", b"gamma\n"], {}),
    ("write", ["/hello.txt", b"hello\n"], {}),
]


def _tool(name: str) -> None:
    if shutil.which(name) is None:
        skip_or_fail(f"{name} is not installed on the host")


@pytest.fixture(scope="module")
def iso(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An ISO 9660 image with every descriptor field isoinfo reports set."""
    _tool("genisoimage")
    d = tmp_path_factory.mktemp("iso")
    (d / "tree").mkdir()
    (d / "tree" / "file.txt").write_text("on the cd\n")
    out = str(d / "test.iso")
    subprocess.run(["genisoimage", "-quiet", "-o", out, "-V", "MYVOL", "-sysid", "SYS",
                    "-volset", "VSET", "-publisher", "PUB", "-p", "PREP", "-A", "APP",
                    "-copyright", "COPYING", "-abstract", "ABSTRACT", "-biblio", "BIBLIO",
                    "-J", "-R", str(d / "tree")], check=True)
    return out


@pytest.fixture(scope="module")
def gi(launched: Any, iso: str) -> Iterator[Any]:
    """The shared handle with PREPARE's guest mounted and the ISO in it as /boot/copy.iso."""
    reset_disks(launched)
    for method, args, kwargs in PREPARE:
        getattr(launched, method)(*args, **kwargs)
    launched.upload(iso, "/boot/copy.iso")
    yield launched
    reset_disks(launched)


# -- isoinfo ---------------------------------------------------------------------


def test_isoinfo(gi: Any, iso: str) -> None:
    info = gi.isoinfo("/boot/copy.iso")
    assert {k: info[k] for k in ("iso_system_id", "iso_volume_id", "iso_volume_set_id",
                                 "iso_publisher_id", "iso_data_preparer_id", "iso_application_id",
                                 "iso_copyright_file_id", "iso_abstract_file_id",
                                 "iso_bibliographic_file_id")} == {
        "iso_system_id": "SYS", "iso_volume_id": "MYVOL", "iso_volume_set_id": "VSET",
        "iso_publisher_id": "PUB", "iso_data_preparer_id": "PREP", "iso_application_id": "APP",
        "iso_copyright_file_id": "COPYING", "iso_abstract_file_id": "ABSTRACT",
        "iso_bibliographic_file_id": "BIBLIO"}
    assert info["iso_logical_block_size"] == 2048
    assert info["iso_volume_space_size"] * 2048 == gi.filesize("/boot/copy.iso")
    assert (info["iso_volume_set_size"], info["iso_volume_sequence_number"]) == (1, 1)
    assert info["iso_volume_creation_t"] > 1_600_000_000
    assert info["iso_volume_expiration_t"] == -1


def test_isoinfo_device(gi: Any, iso: str) -> None:
    gi.upload(iso, "/dev/sdb")
    assert gi.isoinfo_device("/dev/sdb") == gi.isoinfo("/boot/copy.iso")
    assert err(gi.isoinfo_device, "/dev/sda2") == "isoinfo_device: /dev/sda2: not an ISO file or CD-ROM"


def test_isoinfo_errors(gi: Any) -> None:
    assert err(gi.isoinfo, "/hello.txt") == "isoinfo: /hello.txt: not an ISO file or CD-ROM"
    assert err(gi.isoinfo, "/nope") == "isoinfo: open: /nope: No such file or directory"
    assert err(gi.isoinfo, "/boot") == "isoinfo: read: : Is a directory"


# -- mksquashfs -------------------------------------------------------------------


def _unsquash(path: str, *opts: str) -> str:
    return subprocess.run(["unsquashfs", *opts, path], check=True, capture_output=True,
                          text=True).stdout


def _listing(path: str) -> list[str]:
    return sorted(line for line in _unsquash(path, "-l").splitlines() if line.startswith("squashfs-root"))


def test_mksquashfs(gi: Any, tmp_path: Any) -> None:
    _tool("unsquashfs")
    out = str(tmp_path / "data.sqfs")
    gi.mksquashfs("/data", out)
    assert _listing(out) == ["squashfs-root", "squashfs-root/a.txt", "squashfs-root/b.log",
                             "squashfs-root/sub", "squashfs-root/sub/c.txt"]
    assert "Compression gzip" in _unsquash(out, "-s")
    gi.mksquashfs("/data", out, compress="xz", excludes=["*.txt"])
    assert _listing(out) == ["squashfs-root", "squashfs-root/b.log", "squashfs-root/sub",
                             "squashfs-root/sub/c.txt"]
    assert "Compression xz" in _unsquash(out, "-s")
    subprocess.run(["unsquashfs", "-d", str(tmp_path / "x"), out], check=True, capture_output=True)
    assert (tmp_path / "x" / "sub" / "c.txt").read_bytes() == b"gamma\n"


def test_mksquashfs_errors(gi: Any, tmp_path: Any) -> None:
    out = str(tmp_path / "x.sqfs")
    assert err(gi.mksquashfs, "/nope", out) == \
        'mksquashfs: /nope: Cannot stat source directory "/sysroot/nope" because No such file or directory'
    assert err(gi.mksquashfs, "/data", out, compress="nope").startswith(
        'mksquashfs: /data: mksquashfs: Compressor "nope" is not supported!')


# -- f2fs --------------------------------------------------------------------------


def test_f2fs_expand(gi: Any) -> None:
    g = gi
    g.part_init("/dev/sdb", "mbr")
    g.part_add("/dev/sdb", "p", 2048, 2048 + 100 * 2048 - 1)
    g.mkfs("f2fs", "/dev/sdb1")
    # Grow the partition in place (same start), then the filesystem.
    g.part_del("/dev/sdb", 1)
    g.part_add("/dev/sdb", "p", 2048, -1)
    g.mkdir("/f2")
    g.mount("/dev/sdb1", "/f2")
    before = g.statvfs("/f2")["blocks"]
    g.umount("/f2")
    g.f2fs_expand("/dev/sdb1")
    g.mount("/dev/sdb1", "/f2")
    after = g.statvfs("/f2")["blocks"]
    g.umount("/f2")
    assert after > before * 2
    message = err(g.f2fs_expand, "/dev/sda2")
    assert message.startswith("f2fs_expand: ") and "Can't find a valid F2FS superblock" in message


# -- bootloaders -------------------------------------------------------------------


def test_extlinux(gi: Any) -> None:
    gi.mkdir_p("/boot/extlinux")
    gi.extlinux("/boot/extlinux")
    assert {"ldlinux.sys", "ldlinux.c32"} <= set(gi.ls("/boot/extlinux"))
    assert err(gi.extlinux, "/nope") == "extlinux: /nope: extlinux: Not a directory: /sysroot/nope"
    assert err(gi.extlinux, "/hello.txt") == \
        "extlinux: /hello.txt: extlinux: Not a directory: /sysroot/hello.txt"


def test_syslinux(gi: Any) -> None:
    gi.syslinux("/dev/sda2")
    gi.mkdir_p("/fat")
    gi.mount("/dev/sda2", "/fat")
    try:
        assert "ldlinux.sys" in gi.ls("/fat")
        gi.mkdir("/fat/syslinux")  # syslinux puts its files in a directory that exists
    finally:
        gi.umount("/fat")
    gi.syslinux("/dev/sda2", directory="/syslinux")
    gi.mount("/dev/sda2", "/fat")
    try:
        assert "ldlinux.sys" in gi.ls("/fat/syslinux")
    finally:
        gi.umount("/fat")
    assert err(gi.syslinux, "/dev/sda1") == \
        "syslinux: syslinux: invalid media signature (not an FAT/NTFS volume?)"


def test_grub_install(gi: Any) -> None:
    before = gi.pread_device("/dev/sda", 440, 0)
    gi.grub_install("/", "/dev/sda")
    assert "i386-pc" in gi.ls("/boot/grub")
    assert "core.img" in gi.ls("/boot/grub/i386-pc")
    mbr = gi.pread_device("/dev/sda", 512, 0)
    assert mbr[:440] != before and b"GRUB" in mbr
    assert mbr[510:512] == b"\x55\xaa"
    # A disk with no room to embed GRUB: grub-install's own refusal.
    message = err(gi.grub_install, "/", "/dev/sdb")
    assert message.startswith("grub_install: ") and "grub-install: error:" in message


# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_same_as_stock(gi: Any, iso: str, tmp_path: Any) -> None:
    script: list[Step] = [
        ("upload", [iso, "/boot/copy2.iso"], {}),
        ("isoinfo", ["/boot/copy2.iso"], {}),
        ("isoinfo", ["/hello.txt"], {}),
        ("isoinfo", ["/nope"], {}),
        ("isoinfo", ["/boot"], {}),
        ("mksquashfs", ["/data", str(tmp_path / "s.sqfs")], {"compress": "lz4", "excludes": ["sub"]}),
        ("mksquashfs", ["/nope", str(tmp_path / "s.sqfs")], {}),
        ("mksquashfs", ["/data", str(tmp_path / "s.sqfs")], {"compress": "nope"}),
        ("mkdir", ["/boot/ext"], {}),
        ("extlinux", ["/boot/ext"], {}),
        ("ls", ["/boot/ext"], {}),
        ("extlinux", ["/nope"], {}),
        ("syslinux", ["/dev/sda2"], {"directory": "/sl"}),
        ("syslinux", ["/dev/sda1"], {}),
    ]
    setup: list[Step] = [("add_drive_scratch", [512 * MiB], {}), ("launch", [], {}), *PREPARE]
    stock = run_script_on_stock(setup, script)
    ours = run_script_on(gi, script)
    assert_same_outcomes(script, ours, stock)
