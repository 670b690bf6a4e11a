"""Software RAID (md_*), remount, mount_loop, fstrim and discard, in the real appliance."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import err

pytestmark = pytest.mark.appliance


def test_raid1_create_describe_stop(g: Any) -> None:
    g.part_init("/dev/sda", "gpt")
    g.part_add("/dev/sda", "p", 2048, 100000)
    g.part_add("/dev/sda", "p", 100001, 200000)
    g.md_create("r1", ["/dev/sda1", "/dev/sda2"])
    try:
        mds = g.list_md_devices()
        assert len(mds) == 1 and mds[0].startswith("/dev/md")
        detail = g.md_detail("/dev/md/r1")
        assert detail["level"] == "raid1"
        assert detail["devices"] == "2"
        assert "uuid" in detail and "metadata" in detail
        members = sorted(g.md_stat("/dev/md/r1"), key=lambda m: m["mdstat_index"])
        assert [(m["mdstat_device"], m["mdstat_index"], m["mdstat_flags"]) for m in members] == \
            [("/dev/sda1", 0, ""), ("/dev/sda2", 1, "")]
        g.mkfs("ext4", "/dev/md/r1")
        assert g.vfs_type("/dev/md/r1") == "ext4"
    finally:
        g.md_stop("/dev/md/r1")
    assert g.list_md_devices() == []
    g.list_filesystems()  # probes every device node: no stopped array comes back
    assert g.list_md_devices() == []
    assert "unknown RAID level" in err(g.md_create, "r2", ["/dev/sda1"], level="raid99")
    assert "must equal" in err(g.md_create, "r2", ["/dev/sda1", "/dev/sda2"], nrdevices=3)
    # A degraded mirror: one member and a missing slot first.
    g.md_create("r3", ["/dev/sda1"], missingbitmap=1)
    try:
        assert g.md_detail("/dev/md/r3")["devices"] == "2"
        assert [m["mdstat_index"] for m in g.md_stat("/dev/md/r3")] == [1]
    finally:
        g.md_stop("/dev/md/r3")
    g.wipefs("/dev/sda1")
    g.wipefs("/dev/sda2")


def test_remount_loop_and_trim(gfs: Any) -> None:
    g = gfs
    assert "must be specified" in err(g.remount, "/")
    g.remount("/", rw=False)
    assert err(g.touch, "/x") == "touch: open: /x: Read-only file system"
    g.remount("/", rw=True)
    g.touch("/x")

    # An ext2 image inside a guest file, copied from a 16 MiB partition.
    g.part_init("/dev/sdb", "mbr")
    g.part_add("/dev/sdb", "p", 2048, 2048 + 32768 - 1)
    g.mkfs("ext2", "/dev/sdb1")
    g.copy_device_to_file("/dev/sdb1", "/fs.img")
    assert g.filesize("/fs.img") == 16 * 1024 * 1024
    g.mkdir("/loop")
    g.mount_loop("/fs.img", "/loop")
    g.write("/loop/inside", b"in the image")
    assert g.cat("/loop/inside") == "in the image"
    g.umount("/loop")
    assert "not a regular file" in err(g.mount_loop, "/nope.img", "/loop")

    assert "cannot be negative" in err(g.fstrim, "/", offset=-1)
    g.rm("/x")
    g.fstrim("/")  # scratch disks support discard (qemu punches holes)
    g.blkdiscard("/dev/sdb")
    assert g.blkdiscardzeroes("/dev/sdb") == 0  # Linux has reported 0 here since 4.12
    assert g.vfs_type("/dev/sdb") == ""  # discarded blocks read back as zeroes here
