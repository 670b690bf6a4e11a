"""LVM2 in the real appliance (no udev): PVs, VGs and LVs, the *_full
structs, activation, resizing, removal, and LV naming.

Expected results and error messages are stock libguestfs 1.48's.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import err

pytestmark = pytest.mark.appliance

MiB = 1024 * 1024



def make_vg(g: Any, lvs: bool = True) -> None:
    """VG on /dev/sda1 and /dev/sdb with LV1 (100 MiB) and LV2 (half the rest)."""
    g.part_disk("/dev/sda", "mbr")
    g.pvcreate("/dev/sda1")
    g.pvcreate("/dev/sda1")  # again: forced, like libguestfs
    g.pvcreate("/dev/sdb")
    g.vgcreate("VG", ["/dev/sda1", "/dev/sdb"])
    if lvs:
        g.lvcreate("LV1", "VG", 100)
        g.lvcreate_free("LV2", "VG", 50)


def test_empty(g: Any) -> None:
    assert g.pvs() == []
    assert g.vgs() == []
    assert g.lvs() == []
    assert g.pvs_full() == []
    assert g.vgs_full() == []
    assert g.lvs_full() == []
    g.lvm_remove_all()


def test_create_and_list(g: Any) -> None:
    make_vg(g)
    assert sorted(g.pvs()) == ["/dev/sda1", "/dev/sdb"]
    assert g.vgs() == ["VG"]
    assert g.lvs() == ["/dev/VG/LV1", "/dev/VG/LV2"]
    pvs = sorted(g.pvs_full(), key=lambda p: p["pv_name"])
    assert [p["pv_name"] for p in pvs] == ["/dev/sda1", "/dev/sdb"]
    assert pvs[1]["dev_size"] == 256 * MiB
    assert 250 * MiB < pvs[1]["pv_size"] <= 256 * MiB  # whole extents once in a VG
    assert pvs[0]["pv_fmt"] == "lvm2" and pvs[0]["pe_start"] == MiB
    assert all(len(p["pv_uuid"]) == 32 and "-" not in p["pv_uuid"] for p in pvs)
    (vg,) = g.vgs_full()
    assert vg["vg_name"] == "VG" and vg["pv_count"] == 2 and vg["lv_count"] == 2
    assert vg["vg_extent_size"] == 4 * MiB and vg["vg_attr"] == "wz--n-"
    assert len(vg["vg_uuid"]) == 32
    lvs = g.lvs_full()
    assert [lv["lv_name"] for lv in lvs] == ["LV1", "LV2"]
    assert lvs[0]["lv_size"] == 100 * MiB
    assert lvs[0]["lv_attr"].startswith("-wi-a")
    assert lvs[0]["lv_major"] == -1 and lvs[0]["lv_kernel_major"] > 0
    assert lvs[0]["snap_percent"] in (None, -1.0)
    assert lvs[0]["origin"] == ""
    # The UUID lists carry lvm's dashed form of the same UUIDs.
    assert [u.replace("-", "") for u in g.vglvuuids("VG")] == [lv["lv_uuid"] for lv in lvs]
    assert sorted(u.replace("-", "") for u in g.vgpvuuids("VG")) == sorted(p["pv_uuid"] for p in pvs)
    assert g.lvuuid("/dev/VG/LV1").replace("-", "") == lvs[0]["lv_uuid"]
    assert g.vguuid("VG").replace("-", "") == vg["vg_uuid"]
    assert g.pvuuid("/dev/sdb").replace("-", "") == pvs[1]["pv_uuid"]
    assert err(g.vglvuuids, "NOVG").startswith('vglvuuids: NOVG:   Volume group "NOVG" not found')


def test_create_errors(g: Any) -> None:
    make_vg(g, lvs=False)
    assert err(g.vgcreate, "VG", ["/dev/sdb"]) == "vgcreate:   A volume group called VG already exists."
    assert err(g.vgcreate, "VG2", []).startswith("vgcreate:   No command with matching syntax recognised.")
    g.lvcreate("LV1", "VG", 100)
    assert err(g.lvcreate, "LV3", "VG", 0).startswith("lvcreate:   --size may not be zero.")
    assert err(g.lvcreate, "LV1", "VG", 100) == \
        'lvcreate:   Logical Volume "LV1" already exists in volume group "VG"'
    assert err(g.lvcreate, "LV9", "NOVG", 100).startswith('lvcreate:   Volume group "NOVG" not found')
    assert err(g.lvcreate_free, "LV4", "VG", 150) == "lvcreate_free: percentage must be [0..100] (was 150)"
    assert err(g.vgremove, "NOVG").startswith('vgremove:   Volume group "NOVG" not found')
    assert err(g.lvremove, "/dev/VG/nope").endswith(": /dev/VG/nope: No such file or directory")


def test_names_and_filesystems(g: Any) -> None:
    make_vg(g)
    assert g.is_lv("/dev/VG/LV1")
    assert g.is_lv("/dev/mapper/VG-LV1")
    assert not g.is_lv("/dev/sda1")
    assert g.lvm_canonical_lv_name("/dev/mapper/VG-LV1") == "/dev/VG/LV1"
    assert g.lvm_canonical_lv_name("/dev/VG/LV2") == "/dev/VG/LV2"
    assert err(g.lvm_canonical_lv_name, "/dev/VG/nope") == \
        "lvm_canonical_lv_name: stat: /dev/VG/nope: No such file or directory"
    assert err(g.lvm_canonical_lv_name, "/dev/sda1") == \
        "lvm_canonical_lv_name: /dev/sda1: not a logical volume"
    assert err(g.lvm_canonical_lv_name, "foo") == "lvm_canonical_lv_name: foo: not a device name"
    # canonical_device_name asks the appliance about LVs, as stock 1.48 does.
    assert g.canonical_device_name("/dev/mapper/VG-LV1") == "/dev/VG/LV1"
    assert g.canonical_device_name("/dev/mapper/VG-LV2") == "/dev/VG/LV2"
    assert g.canonical_device_name("/dev/VG/LV1") == "/dev/VG/LV1"
    assert g.canonical_device_name("/dev/vda1") == "/dev/sda1"
    assert g.list_filesystems() == {"/dev/VG/LV1": "unknown", "/dev/VG/LV2": "unknown"}
    g.mkfs("ext4", "/dev/VG/LV1")
    g.mkfs("ext2", "/dev/mapper/VG-LV2", label="two")
    assert g.list_filesystems() == {"/dev/VG/LV1": "ext4", "/dev/VG/LV2": "ext2"}
    assert g.findfs_label("two") == "/dev/VG/LV2"
    g.mount("/dev/mapper/VG-LV1", "/")
    assert g.mounts() == ["/dev/VG/LV1"]
    assert g.mountpoints() == {"/dev/VG/LV1": "/"}


def test_activate_and_resize(g: Any) -> None:
    make_vg(g)
    g.lvresize("/dev/VG/LV1", 200)
    assert g.lvs_full()[0]["lv_size"] == 200 * MiB
    g.lvresize("/dev/VG/LV1", 20)
    assert g.lvs_full()[0]["lv_size"] == 20 * MiB
    g.lvresize_free("/dev/VG/LV1", 100)
    assert g.vgs_full()[0]["vg_free"] == 0
    assert err(g.lvresize, "/dev/VG/nope", 200).endswith(": /dev/VG/nope: No such file or directory")
    g.vg_activate(False, ["VG"])
    assert g.lvs() == ["/dev/VG/LV1", "/dev/VG/LV2"]  # still there, just inactive
    assert err(g.mkfs, "ext2", "/dev/VG/LV1").endswith(": /dev/VG/LV1: No such file or directory")
    g.vg_activate(True, ["VG"])
    g.mkfs("ext2", "/dev/VG/LV1")
    assert err(g.vg_activate, True, ["NOVG"]).startswith(
        'vg_activate: vgchange:   Volume group "NOVG" not found')
    g.vg_activate_all(False)
    assert g.list_filesystems() == {"/dev/VG/LV1": "unknown", "/dev/VG/LV2": "unknown"}
    g.lvm_scan(True)
    assert g.list_filesystems() == {"/dev/VG/LV1": "ext2", "/dev/VG/LV2": "unknown"}
    g.vgscan()


def test_remove(g: Any) -> None:
    make_vg(g)
    g.lvremove("/dev/VG/LV2")
    assert g.lvs() == ["/dev/VG/LV1"]
    g.vgremove("VG")
    assert g.vgs() == []
    assert g.lvs() == []
    g.pvremove("/dev/sdb")
    g.pvremove("/dev/sdb")  # not a PV any more: still fine
    assert g.pvs() == ["/dev/sda1"]
    g.lvm_remove_all()
    assert g.pvs() == []


def test_lvm_remove_all_busy(g: Any) -> None:
    g.pvcreate("/dev/sdb")
    g.vgcreate("VGX", ["/dev/sdb"])
    g.lvcreate("a", "VGX", 32)
    g.mkfs("ext2", "/dev/VGX/a")
    g.mount("/dev/VGX/a", "/")
    assert err(g.lvm_remove_all) == \
        "lvm_remove_all: lvremove: /dev/VGX/a:   Logical volume VGX/a contains a filesystem in use."
    assert g.lvs() == ["/dev/VGX/a"]
    g.umount_all()
    g.lvm_remove_all()
    assert (g.pvs(), g.vgs(), g.lvs()) == ([], [], [])
    assert g.list_filesystems() == {"/dev/sda": "unknown", "/dev/sdb": "unknown"}


def test_stale_mapping_after_wipe(g: Any) -> None:
    # A disk wiped under an active LV: lvm_remove_all still cleans up, so
    # the partition table can be re-read afterwards.
    g.part_disk("/dev/sda", "mbr")
    g.pvcreate("/dev/sda1")
    g.vgcreate("VGS", ["/dev/sda1"])
    g.lvcreate("lv", "VGS", 16)
    g.zero("/dev/sda1")
    g.lvm_remove_all()
    g.part_init("/dev/sda", "gpt")
    assert g.list_partitions() == []
