"""Block devices in the real appliance: listing disks, partitions and
filesystems, the blockdev calls, zero/zero_device, blkid, optional groups.

Expected results and error messages are stock libguestfs 1.48's.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import err

pytestmark = pytest.mark.appliance

MiB = 1024 * 1024



def test_list_devices_and_partitions(g: Any) -> None:
    assert g.list_devices() == ["/dev/sda", "/dev/sdb"]
    assert g.list_partitions() == []
    g.part_init("/dev/sdb", "mbr")
    g.part_add("/dev/sdb", "p", 2048, 100000)
    g.part_add("/dev/sdb", "e", 100001, 400000)
    g.part_add("/dev/sdb", "l", 102400, 200000)
    g.part_disk("/dev/sda", "gpt")
    assert g.list_partitions() == ["/dev/sda1", "/dev/sdb1", "/dev/sdb2", "/dev/sdb5"]
    assert g.list_devices() == ["/dev/sda", "/dev/sdb"]


def test_list_filesystems(g: Any) -> None:
    assert g.list_filesystems() == {"/dev/sda": "unknown", "/dev/sdb": "unknown"}
    g.part_init("/dev/sdb", "mbr")
    g.part_add("/dev/sdb", "p", 2048, 100000)
    g.part_add("/dev/sdb", "e", 100001, 400000)
    g.part_add("/dev/sdb", "l", 102400, 200000)
    g.part_add("/dev/sdb", "l", 204800, 300000)
    g.mkfs("ext4", "/dev/sda")
    g.mkfs("vfat", "/dev/sdb1")
    g.mkswap("/dev/sdb6")
    # The extended partition (sdb2) is not listed; a whole disk with
    # partitions is not either.
    assert g.list_filesystems() == {
        "/dev/sda": "ext4", "/dev/sdb1": "vfat", "/dev/sdb5": "unknown", "/dev/sdb6": "swap"}
    # LVM physical volumes ("LVM2_member") are left out too.
    g.pvcreate("/dev/sdb5")
    assert "/dev/sdb5" not in g.list_filesystems()


def test_blockdev(g: Any) -> None:
    assert g.blockdev_getsize64("/dev/sda") == 512 * MiB
    assert g.blockdev_getsize64("/dev/sdb") == 256 * MiB
    assert g.blockdev_getsz("/dev/sda") == 512 * MiB // 512
    assert g.blockdev_getss("/dev/sda") == 512
    assert g.blockdev_getbsz("/dev/sda") == 4096
    assert not g.blockdev_getro("/dev/sdb")
    g.blockdev_setro("/dev/sdb")
    try:
        assert g.blockdev_getro("/dev/sdb")
        assert err(g.mkfs, "ext2", "/dev/sdb").startswith("mkfs: ext2: /dev/sdb: ")
    finally:
        g.blockdev_setrw("/dev/sdb")
    assert not g.blockdev_getro("/dev/sdb")
    g.blockdev_flushbufs("/dev/sda")
    g.blockdev_setra("/dev/sda", 256)
    g.part_disk("/dev/sda", "mbr")
    g.blockdev_rereadpt("/dev/sda")
    assert g.list_partitions() == ["/dev/sda1"]
    assert g.blockdev_getsize64("/dev/sda1") == 536740352
    assert err(g.blockdev_getsize64, "/dev/sdz").endswith(": /dev/sdz: No such file or directory")
    assert err(g.blockdev_getsize64, "/dev/sda9").endswith(": /dev/sda9: No such file or directory")
    # A partition in use cannot be dropped by re-reading the table.
    g.mkfs("ext2", "/dev/sda1")
    g.mount("/dev/sda1", "/")
    assert "Device or resource busy" in err(g.blockdev_rereadpt, "/dev/sda")


def test_zero(g: Any) -> None:
    g.part_disk("/dev/sda", "gpt")
    g.mkfs("ext4", "/dev/sda1")
    assert g.vfs_type("/dev/sda1") == "ext4"
    g.zero("/dev/sda1")
    assert g.vfs_type("/dev/sda1") == ""
    # Zeroing the disk removes the partition table, both GPT copies included.
    g.zero("/dev/sda")
    assert g.list_partitions() == []
    assert "unrecognised disk label" in err(g.part_get_parttype, "/dev/sda")
    g.mkswap("/dev/sdb")
    g.zero("/dev/sdb")
    assert g.vfs_type("/dev/sdb") == ""


def test_zero_device(g: Any) -> None:
    g.part_init("/dev/sda", "mbr")
    g.part_add("/dev/sda", "p", 2048, 2048 + 8 * 2048 - 1)
    g.mkfs("ext2", "/dev/sda1")
    g.mount("/dev/sda1", "/")
    g.write("/f", b"x" * 100000)
    g.umount_all()
    g.zero_device("/dev/sda1")
    assert g.vfs_type("/dev/sda1") == ""
    assert g.part_list("/dev/sda")[0]["part_size"] == 8 * MiB  # the table is untouched


def test_blkid(g: Any) -> None:
    info = g.blkid("/dev/sdb")
    assert info["DEVNAME"] == "/dev/sdb"
    assert info["LOGICAL_SECTOR_SIZE"] == "512"
    assert "TYPE" not in info
    g.part_disk("/dev/sda", "mbr")
    g.mkfs("ext4", "/dev/sda1", label="lbl")
    info = g.blkid("/dev/sda1")
    assert info["DEVNAME"] == "/dev/sda1"
    assert info["TYPE"] == "ext4"
    assert info["USAGE"] == "filesystem"
    assert info["LABEL"] == "lbl"
    assert info["UUID"] == g.vfs_uuid("/dev/sda1")
    assert info["PART_ENTRY_SCHEME"] == "dos"
    assert info["PART_ENTRY_NUMBER"] == "1"
    assert err(g.blkid, "/dev/sdz").endswith(": /dev/sdz: No such file or directory")


def test_list_disk_labels(g: Any) -> None:
    assert g.list_disk_labels() == {}


def test_optional_groups(g: Any) -> None:
    groups = g.available_all_groups()
    for name in ("lvm2", "xfs", "btrfs", "gdisk", "zerofree", "ntfs3g", "linuxfsuuid"):
        assert name in groups
    assert g.internal_feature_available("gdisk") == 0
    assert g.internal_feature_available("nosuchgroup") == -1
    assert g.feature_available(["gdisk", "luks", "mdadm"])
    assert err(g.available, ["nosuchgroup"]) == "nosuchgroup: unknown group"


def test_available_is_truthful(g: Any) -> None:
    """A group with any call not implemented yet is not available (issue 8:
    lvm2, linuxfsuuid and linuxxattrs used to say yes while members failed;
    they are complete now, and say yes truthfully)."""
    from guestfs.actions import ACTIONS
    from guestfs.actions.unimplemented import NOT_IMPLEMENTED

    incomplete = {a.optional for a in ACTIONS.values() if a.optional and a.name in NOT_IMPLEMENTED}
    for group in g.available_all_groups():
        if group in incomplete:
            assert not g.feature_available([group]), group
            assert err(g.available, [group]) == f"{group}: group not available"
    complete = set(g.available_all_groups()) - incomplete
    # These groups' tools are in the appliance and every call is implemented
    # (xfs is not: xfs_info2, added after 1.48, is still on the table).
    assert {"gdisk", "luks", "mdadm", "scrub", "wipefs"} <= complete
    assert g.feature_available(sorted({"gdisk", "luks", "mdadm", "scrub", "wipefs"}))
