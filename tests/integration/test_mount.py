"""Mounting in the real appliance: mount variants, umount, umount_all,
mounts/mountpoints, mkmountpoint, findfs, is_lv, internal_autosync.

Expected results and error messages are stock libguestfs 1.48's.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import err

pytestmark = pytest.mark.appliance



def test_mount_root_and_tables(gfs: Any) -> None:
    g = gfs
    assert g.mounts() == ["/dev/sda1"]
    assert g.mountpoints() == {"/dev/sda1": "/"}
    assert "already mounted on /sysroot" in err(g.mount, "/dev/sda1", "/")
    g.mkfs("ext2", "/dev/sdb", label="second")
    g.mkdir("/mnt")
    g.mount("/dev/sdb", "/mnt")
    assert g.mounts() == ["/dev/sda1", "/dev/sdb"]
    assert g.mountpoints() == {"/dev/sda1": "/", "/dev/sdb": "/mnt"}
    g.touch("/mnt/file")
    assert g.exists("/mnt/file")
    assert err(g.umount, "/dev/sda1") == "umount: /dev/sda1: umount: /sysroot: target is busy."
    g.umount("/mnt")
    assert g.mounts() == ["/dev/sda1"]
    assert not g.exists("/mnt/file")
    assert err(g.umount, "/mnt") == "umount: /mnt: umount: /sysroot/mnt: not mounted."
    assert err(g.umount, "/dev/sdb") == "umount: /dev/sdb: umount: /dev/sdb: not mounted."
    assert err(g.umount, "/nonexist") == \
        "umount: /nonexist: umount: /sysroot/nonexist: no mount point specified."
    # By device, and with the optional arguments.
    g.mount("/dev/sdb", "/mnt")
    g.umount("/dev/sdb")
    g.mount("/dev/sdb", "/mnt")
    g.umount("/mnt", force=True, lazyunmount=True)
    assert g.mounts() == ["/dev/sda1"]


def test_mount_errors(g: Any) -> None:
    # (stock libguestfs puts "mount_stub: " before the device.)
    assert err(g.mount, "/dev/sdz", "/").endswith(": /dev/sdz: No such file or directory")
    assert err(g.mount, "/dev/sda1", "/").endswith(": /dev/sda1: No such file or directory")
    assert "No such file or directory" in err(g.mount, "sda", "/")
    msg = err(g.mount, "/dev/sda", "/")
    assert msg.startswith("mount: mount exited with status 32: mount: /sysroot: wrong fs type")
    g.mkfs("ext4", "/dev/sdb")
    assert err(g.mount, "/dev/sdb", "/nonexist") == "mount: mount: /nonexist: mount point is not a directory"
    assert err(g.mount, "/dev/sdb", "rel") == "mount: mount: rel: mount point is not a directory"
    assert g.mounts() == []
    assert "you must call 'mount' first" in err(g.umount, "/")


def test_mount_ro_options_vfs(gfs: Any) -> None:
    g = gfs
    g.mkfs("ext2", "/dev/sdb")
    g.mkdir("/mnt")
    g.mount_ro("/dev/sdb", "/mnt")
    assert err(g.touch, "/mnt/x") == "touch: open: /mnt/x: Read-only file system"
    g.umount("/mnt")
    assert "wrong fs type, bad option" in err(g.mount_options, "noatime,badopt", "/dev/sdb", "/mnt")
    g.mount_options("ro,noatime", "/dev/sdb", "/mnt")
    assert "Read-only file system" in err(g.touch, "/mnt/x")
    g.umount("/mnt")
    assert "wrong fs type" in err(g.mount_vfs, "", "vfat", "/dev/sdb", "/mnt")
    g.mount_vfs("", "ext2", "/dev/sdb", "/mnt")
    g.touch("/mnt/x")
    assert "already mounted on /sysroot/mnt" in err(g.mount_vfs, "", "ext2", "/dev/sdb", "/mnt")
    g.umount("/mnt")


def test_umount_all_deepest_first(gfs: Any) -> None:
    g = gfs
    g.part_init("/dev/sdb", "mbr")
    g.part_add("/dev/sdb", "p", 2048, 200000)
    g.part_add("/dev/sdb", "p", 200001, 400000)
    g.mkfs("ext2", "/dev/sdb1")
    g.mkfs("ext2", "/dev/sdb2")
    g.mkdir("/a")
    g.mount("/dev/sdb1", "/a")
    g.mkdir("/a/b")
    g.mount("/dev/sdb2", "/a/b")
    assert g.mountpoints() == {"/dev/sda1": "/", "/dev/sdb1": "/a", "/dev/sdb2": "/a/b"}
    g.umount_all()
    assert g.mounts() == []
    assert g.mountpoints() == {}
    g.umount_all()  # nothing mounted: still fine


def test_mkmountpoint(g: Any) -> None:
    g.mkfs("ext2", "/dev/sda")
    g.mkfs("ext2", "/dev/sdb")
    g.mkmountpoint("/cd")
    g.mkmountpoint("/cd2")
    g.mount_ro("/dev/sda", "/cd")
    g.mount("/dev/sdb", "/cd2")
    assert g.mountpoints() == {"/dev/sda": "/cd", "/dev/sdb": "/cd2"}
    # No root filesystem, but paths below the mounts work (libguestfs's
    # "Russian doll" live CD recipe relies on it).
    g.touch("/cd2/file")
    assert g.ls("/cd2") == ["file", "lost+found"]
    g.umount("/cd2")
    g.umount("/dev/sda")
    assert "you must call 'mount' first" in err(g.ls, "/cd2")
    g.rmmountpoint("/cd")
    g.rmmountpoint("/cd2")
    assert err(g.rmmountpoint, "/cd") == "rmmountpoint: /cd: No such file or directory"
    # (stock libguestfs says "mkmountpoint: do_mkmountpoint: path must …")
    assert err(g.mkmountpoint, "rel").endswith("path must start with a / character")
    g.mkmountpoint("/x")
    assert err(g.mkmountpoint, "/x") == "mkmountpoint: /x: File exists"
    g.rmmountpoint("/x")


def test_findfs_and_is_lv(g: Any) -> None:
    g.part_disk("/dev/sda", "mbr")
    g.mkfs("ext4", "/dev/sda1", label="rootfs")
    g.mkswap("/dev/sdb", label="swapper")
    uuid = g.vfs_uuid("/dev/sda1")
    assert g.findfs_label("rootfs") == "/dev/sda1"
    assert g.findfs_label("swapper") == "/dev/sdb"
    assert g.findfs_uuid(uuid) == "/dev/sda1"
    assert err(g.findfs_label, "nope") == \
        "findfs_label: findfs exited with status 1: findfs: unable to resolve 'LABEL=nope'"
    assert err(g.findfs_uuid, "1234") == \
        "findfs_uuid: findfs exited with status 1: findfs: unable to resolve 'UUID=1234'"
    assert not g.is_lv("/dev/sda1")
    assert not g.is_lv("/dev/sda")
    assert err(g.is_lv, "/dev/sdz").endswith(": /dev/sdz: No such file or directory")


def test_internal_autosync(gfs: Any) -> None:
    g = gfs
    g.write("/f", b"data")
    g.internal_autosync()
    assert g.mounts() == []
    g.internal_autosync()  # nothing mounted: never fails
    g.mount("/dev/sda1", "/")
    assert g.cat("/f") == "data"
