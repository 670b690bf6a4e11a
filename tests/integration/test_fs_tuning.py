"""tune2fs, the XFS admin calls and vfs_minimum_size, in the real appliance."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import err

pytestmark = pytest.mark.appliance


def test_tune2fs_changes_what_tune2fs_l_shows(g: Any) -> None:
    g.mkfs("ext4", "/dev/sdb")
    g.tune2fs("/dev/sdb", maxmountcount=20, mountcount=3, errorbehavior="remount-ro",
              intervalbetweenchecks=86400, reservedblockspercentage=2,
              lastmounteddirectory="/srv", user=1000, group=100)
    sb = g.tune2fs_l("/dev/sdb")
    assert sb["Maximum mount count"] == "20"
    assert sb["Mount count"] == "3"
    assert sb["Errors behavior"] == "Remount read-only"
    assert sb["Check interval"].startswith("86400")
    assert sb["Last mounted on"] == "/srv"
    assert sb["Reserved blocks uid"].startswith("1000")
    assert sb["Reserved blocks gid"].startswith("100")
    assert "errorbehavior: must be one of" in err(g.tune2fs, "/dev/sdb", errorbehavior="explode")
    size = g.vfs_minimum_size("/dev/sdb")
    assert 0 < size < g.blockdev_getsize64("/dev/sdb")
    g.mkfs("vfat", "/dev/sdb")
    assert err(g.vfs_minimum_size, "/dev/sdb") == \
        "vfs_minimum_size: don't know how to get minimum size of 'vfat' filesystems"


def test_xfs_admin_growfs_and_repair(g: Any) -> None:
    g.part_init("/dev/sda", "gpt")
    g.part_add("/dev/sda", "p", 2048, 2048 + 320 * 2048 - 1)  # 320 MiB
    g.mkfs("xfs", "/dev/sda1")
    g.xfs_admin("/dev/sda1", label="newlabel")
    assert g.vfs_label("/dev/sda1") == "newlabel"
    g.xfs_admin("/dev/sda1", uuid="11111111-2222-3333-4444-555555555555")
    assert g.vfs_uuid("/dev/sda1") == "11111111-2222-3333-4444-555555555555"
    assert g.xfs_repair("/dev/sda1", nomodify=True) == 0
    g.mount("/dev/sda1", "/")
    before = g.xfs_info("/")["xfs_datablocks"]
    # Grow the partition under the mounted filesystem, then the filesystem.
    g.umount("/")
    g.part_resize("/dev/sda", 1, 2048 + 400 * 2048 - 1)
    g.mount("/dev/sda1", "/")
    g.xfs_growfs("/", datasec=True)
    assert g.xfs_info("/")["xfs_datablocks"] > before
    assert err(g.xfs_admin, "/dev/sda1", label="x").startswith("xfs_admin: ")  # mounted
    g.umount("/")
    # No XFS at all: xfs_repair reports damage (status 1), as with stock libguestfs.
    assert g.xfs_repair("/dev/sdb", nomodify=True) == 1
    assert err(g.xfs_repair, "/dev/sdb", logdev="/dev/sdz").startswith("xfs_repair: ")
