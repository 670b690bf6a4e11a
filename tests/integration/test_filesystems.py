"""Filesystems in the real appliance: mkfs and its options, mkswap,
type/label/UUID queries and changes, e2fsck, fsck, resize2fs, tune2fs -l,
xfs_info, zerofree.

Expected results and error messages are stock libguestfs 1.48's.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import err

pytestmark = pytest.mark.appliance

UUID1 = "01234567-0123-0123-0123-0123456789ab"
UUID2 = "11111111-2222-3333-4444-555555555555"



def four_partitions(g: Any) -> None:
    """/dev/sda1..4, about 100 MB each."""
    g.part_init("/dev/sda", "mbr")
    g.part_add("/dev/sda", "p", 2048, 200000)
    g.part_add("/dev/sda", "p", 200001, 400000)
    g.part_add("/dev/sda", "p", 400001, 600000)
    g.part_add("/dev/sda", "p", 600001, -1)


def test_mkfs_ext_options(g: Any) -> None:
    four_partitions(g)
    g.mkfs("ext4", "/dev/sda1", blocksize=4096, label="root", inode=256)
    sb = g.tune2fs_l("/dev/sda1")
    assert sb["Block size"] == "4096"
    assert sb["Inode size"] == "256"
    assert sb["Filesystem volume name"] == "root"
    assert sb["Last mounted on"] == ""
    assert g.vfs_type("/dev/sda1") == "ext4"
    assert g.vfs_label("/dev/sda1") == "root"
    g.mkfs("ext4", "/dev/sda1", features="^has_journal")
    assert "has_journal" not in g.tune2fs_l("/dev/sda1")["Filesystem features"].split()
    g.mkfs("ext3", "/dev/sda2", blocksize=1024)
    assert g.tune2fs_l("/dev/sda2")["Block size"] == "1024"
    g.mkfs_b("ext2", 2048, "/dev/sda3")
    assert g.vfs_type("/dev/sda3") == "ext2"
    assert g.tune2fs_l("/dev/sda3")["Block size"] == "2048"


def test_mkfs_errors(g: Any) -> None:
    g.part_disk("/dev/sda", "mbr")
    assert err(g.mkfs, "foofs", "/dev/sda1") == \
        "mkfs: foofs: /dev/sda1: mkfs: failed to execute mkfs.foofs: No such file or directory"
    assert err(g.mkfs, "ext4", "/dev/sda1", blocksize=3000) == \
        "mkfs: block size must be > 0 and a power of 2"
    assert err(g.mkfs, "ext4", "/dev/sda1", sectorsize=512) == \
        "mkfs: sector size (-S) can only be set on ufs filesystems"
    assert err(g.mkfs, "vfat", "/dev/sda1", inode=256) == \
        "mkfs: inode size (-I) can only be set on ext2/3/4 filesystems"
    assert err(g.mkfs, "btrfs", "/dev/sda1", blocksize=4096) == \
        "mkfs: blocksize cannot be set on btrfs filesystems, use 'mkfs-btrfs'"
    assert err(g.mkfs, "ext2", "/dev/sda1", features="bogus") == \
        "mkfs: ext2: /dev/sda1: mke2fs 1.47.0 (5-Feb-2023)\nInvalid filesystem option set: bogus"
    assert err(g.mkfs, "ext2", "/dev/sdz").endswith(": /dev/sdz: No such file or directory")
    assert err(g.mkfs, "ext4", "/dev/sda1", label="x" * 17) == \
        "mkfs: xxxxxxxxxxxxxxxxx: ext2/3/4 labels are limited to 16 bytes"


def test_other_filesystems(g: Any) -> None:
    g.part_init("/dev/sdb", "mbr")
    g.part_add("/dev/sdb", "p", 2048, 2048 + 130 * 2048 - 1)  # btrfs needs 114 MiB
    g.part_add("/dev/sdb", "p", 2048 + 130 * 2048, 2048 + 190 * 2048 - 1)
    g.part_add("/dev/sdb", "p", 2048 + 190 * 2048, -1)
    g.mkfs("vfat", "/dev/sdb2", label="DOSLBL", blocksize=4096)
    assert g.vfs_type("/dev/sdb2") == "vfat"
    assert g.vfs_label("/dev/sdb2") == "DOSLBL"
    assert len(g.vfs_uuid("/dev/sdb2")) == 9  # XXXX-XXXX
    g.set_label("/dev/sdb2", "FATLBL")
    assert g.vfs_label("/dev/sdb2") == "FATLBL"
    g.mkfs("xfs", "/dev/sda", label="xfslabel")  # xfs needs 300 MB
    assert g.vfs_type("/dev/sda") == "xfs"
    assert g.vfs_label("/dev/sda") == "xfslabel"
    assert err(g.set_label, "/dev/sda", "x" * 13) == \
        "set_label: xxxxxxxxxxxxx: xfs labels are limited to 12 bytes"
    g.set_uuid("/dev/sda", UUID1)
    assert g.vfs_uuid("/dev/sda") == UUID1
    info = g.xfs_info("/dev/sda")
    assert info["xfs_mntpoint"] == "/dev/sda"
    assert info["xfs_blocksize"] == 4096
    assert info["xfs_logname"] == "internal"
    assert info["xfs_dirversion"] == 2
    assert info["xfs_rtname"] == "none"
    assert info["xfs_agcount"] > 0 and info["xfs_datablocks"] > 0
    g.mount("/dev/sda", "/")
    assert g.xfs_info("/")["xfs_datablocks"] == info["xfs_datablocks"]
    g.umount_all()
    g.mkfs("ntfs", "/dev/sdb3", label="NT")
    assert g.vfs_type("/dev/sdb3") == "ntfs"
    assert g.vfs_label("/dev/sdb3") == "NT"
    assert len(g.vfs_uuid("/dev/sdb3")) == 16
    g.mkfs("btrfs", "/dev/sdb1", label="bt")
    assert g.vfs_type("/dev/sdb1") == "btrfs"
    g.set_label("/dev/sdb1", "bt2")
    assert g.vfs_label("/dev/sdb1") == "bt2"
    assert g.list_filesystems() == {"/dev/sda": "xfs", "/dev/sdb1": "btrfs", "/dev/sdb2": "vfat",
                                    "/dev/sdb3": "ntfs"}


def test_labels_and_uuids(g: Any) -> None:
    g.part_disk("/dev/sda", "mbr")
    g.mkfs("ext4", "/dev/sda1")
    assert g.vfs_label("/dev/sda1") == ""
    assert len(g.vfs_uuid("/dev/sda1")) == 36
    g.set_label("/dev/sda1", "newlabel")
    assert g.vfs_label("/dev/sda1") == "newlabel"
    assert err(g.set_label, "/dev/sda1", "x" * 20) == \
        "set_label: xxxxxxxxxxxxxxxxxxxx: ext2/3/4 labels are limited to 16 bytes"
    g.set_uuid("/dev/sda1", UUID1)
    assert g.vfs_uuid("/dev/sda1") == UUID1
    assert err(g.set_uuid, "/dev/sda1", "bad") == "set_uuid: tune2fs: Invalid UUID format"
    g.set_uuid_random("/dev/sda1")
    assert g.vfs_uuid("/dev/sda1") not in (UUID1, "")
    assert g.vfs_type("/dev/sdb") == ""
    assert g.vfs_label("/dev/sdb") == ""
    assert g.vfs_uuid("/dev/sdb") == ""
    assert g.vfs_type("/dev/sda") == ""
    assert err(g.set_label, "/dev/sdb", "x") == \
        "set_label: don't know how to set the label for '' filesystems"
    assert err(g.set_uuid, "/dev/sdb", UUID1) == \
        "set_uuid: don't know how to set the UUID for '' filesystems"
    g.mkfs("vfat", "/dev/sdb")
    assert err(g.set_uuid, "/dev/sdb", "1234-5678") == \
        "set_uuid: don't know how to set the UUID for 'vfat' filesystems"


def test_mkswap(g: Any) -> None:
    g.mkswap("/dev/sdb", label="sw", uuid=UUID2)
    assert g.vfs_type("/dev/sdb") == "swap"
    assert g.vfs_label("/dev/sdb") == "sw"
    assert g.vfs_uuid("/dev/sdb") == UUID2
    g.set_label("/dev/sdb", "sw2")
    assert g.vfs_label("/dev/sdb") == "sw2"
    g.set_uuid("/dev/sdb", UUID1)
    assert g.vfs_uuid("/dev/sdb") == UUID1
    g.mkswap("/dev/sdb")
    assert g.vfs_label("/dev/sdb") == ""
    g.mkswap_L("lbl", "/dev/sdb")
    assert g.vfs_label("/dev/sdb") == "lbl"
    g.mkswap_U(UUID2, "/dev/sdb")
    assert g.vfs_uuid("/dev/sdb") == UUID2
    assert g.list_filesystems()["/dev/sdb"] == "swap"


def test_checks(g: Any) -> None:
    g.part_init("/dev/sda", "mbr")
    g.part_add("/dev/sda", "p", 2048, 200000)
    g.part_add("/dev/sda", "p", 200001, 400000)
    g.mkfs("ext4", "/dev/sda1")
    g.mkfs("vfat", "/dev/sdb")
    g.e2fsck_f("/dev/sda1")
    g.e2fsck("/dev/sda1", correct=True)
    g.e2fsck("/dev/sda1", forceall=True)
    assert err(g.e2fsck, "/dev/sda1", correct=True, forceall=True) == \
        "e2fsck: only one of the options 'correct', 'forceall' may be specified"
    assert "need terminal for interactive repairs" in err(g.e2fsck, "/dev/sdb")
    assert g.fsck("ext4", "/dev/sda1") == 0
    assert g.fsck("vfat", "/dev/sdb") == 0
    g.zero("/dev/sda2")  # the disk may hold an old filesystem there
    assert g.fsck("ext4", "/dev/sda2") == 8  # nothing there: e2fsck fails
    g.zerofree("/dev/sda1")
    assert err(g.zerofree, "/dev/sdb") == \
        "zerofree: /dev/sdb: zerofree: failed to open filesystem /dev/sdb"
    assert err(g.tune2fs_l, "/dev/sdb") == \
        "tune2fs_l: tune2fs: Bad magic number in super-block while trying to open /dev/sdb"
    g.mount("/dev/sda1", "/")
    assert err(g.zerofree, "/dev/sda1") == \
        "zerofree: /dev/sda1: zerofree: filesystem /dev/sda1 is mounted rw"
    assert err(g.e2fsck_f, "/dev/sda1") == \
        "e2fsck_f: /dev/sda1 is mounted.\ne2fsck: Cannot continue, aborting."


def test_resize2fs(g: Any) -> None:
    g.part_init("/dev/sda", "mbr")
    g.part_add("/dev/sda", "p", 2048, 2048 + 40 * 2048 - 1)  # 40 MiB
    g.mkfs("ext4", "/dev/sda1", blocksize=1024)
    blocks = int(g.tune2fs_l("/dev/sda1")["Block count"])
    assert blocks == 40 * 1024
    g.resize2fs_size("/dev/sda1", 20 * 1024 * 1024)
    assert int(g.tune2fs_l("/dev/sda1")["Block count"]) == 20 * 1024
    assert err(g.resize2fs_size, "/dev/sda1", 1000) == \
        "resize2fs_size: 1000: size must be a round number of kilobytes"
    g.resize2fs("/dev/sda1")
    assert int(g.tune2fs_l("/dev/sda1")["Block count"]) == 40 * 1024
    g.resize2fs_M("/dev/sda1")
    assert int(g.tune2fs_l("/dev/sda1")["Block count"]) < 40 * 1024
    # Online growth of a mounted filesystem.
    g.part_resize("/dev/sda", 1, 2048 + 60 * 2048 - 1)
    g.mount("/dev/sda1", "/")
    g.resize2fs("/dev/sda1")
    assert int(g.tune2fs_l("/dev/sda1")["Block count"]) == 60 * 1024
    g.umount_all()
    g.part_init("/dev/sdb", "mbr")
    g.part_add("/dev/sdb", "p", 2048, 2048 + 8 * 2048 - 1)
    g.zero_device("/dev/sdb1")  # no old superblocks for e2fsck to fall back on
    msg = err(g.resize2fs, "/dev/sdb1")
    assert msg.startswith("resize2fs: e2fsck 1.47.0 (5-Feb-2023)\n")
    assert "Bad magic number in super-block" in msg
