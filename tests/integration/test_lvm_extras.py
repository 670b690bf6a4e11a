"""LVM extras and xfs_info2 in the real appliance: ``vgmeta`` (a group's
metadata as vgcfgbackup writes it), ``lvm_set_filter`` / ``lvm_clear_filter``
(which devices LVM may see), and ``xfs_info2`` (added after 1.48: the
xfs_info report as a table).

The LVM results and messages are stock libguestfs 1.48.6's on the same
calls; ``test_agrees_with_stock`` compares a script of them.  xfs_info2 is
not in stock 1.48, so it is checked against the xfsinfo struct of
``xfs_info`` on the same filesystem.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import err, require_stock
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

MiB = 1024 * 1024


@pytest.fixture
def vg(g: Any) -> Iterator[Any]:
    """The shared handle with VG/LV (32 MiB) on /dev/sdb; the filter cleared after."""
    g.pvcreate("/dev/sdb")
    g.vgcreate("VG", ["/dev/sdb"])
    g.lvcreate("LV", "VG", 32)
    yield g
    g.umount_all()
    g.lvm_clear_filter()  # whatever the test did, later tests see every device


def test_vgmeta(vg: Any) -> None:
    meta = vg.vgmeta("VG")
    assert isinstance(meta, bytes)
    assert b'contents = "Text Format Volume Group"' in meta
    assert b"\nVG {\n" in meta and b"\t\tLV {\n" in meta
    assert b'device = "/dev/' in meta and b"extent_count = 8\t# 32 Megabytes" in meta
    assert err(vg.vgmeta, "nosuch") == \
        'vgmeta: vgcfgbackup:   Volume group "nosuch" not found\n  Cannot process volume group nosuch'
    # lvm's message as it prints it, trailing space included.
    assert err(vg.vgmeta, "") == \
        'vgmeta: vgcfgbackup:   Volume group name "" has invalid characters.\n  Cannot process volume group '


def test_lvm_filter(vg: Any) -> None:
    vg.lvm_set_filter(["/dev/sda"])
    assert vg.lvs() == [] and vg.vgs() == [] and vg.pvs() == []
    assert "vgcfgbackup" in err(vg.vgmeta, "VG")  # hidden from every lvm command
    vg.lvm_set_filter(["/dev/sdb"])
    assert vg.lvs() == ["/dev/VG/LV"]
    assert vg.pvs() == ["/dev/sdb"]
    vg.lvm_set_filter([])  # nothing at all
    assert vg.lvs() == []
    vg.lvm_clear_filter()
    assert vg.lvs() == ["/dev/VG/LV"]
    # Filtering on the LV hides its PV, so the LV too.
    vg.lvm_set_filter(["/dev/VG/LV"])
    assert vg.lvs() == []
    vg.lvm_clear_filter()
    # Not while a volume is in use.
    vg.mkfs("ext4", "/dev/VG/LV")
    vg.mount("/dev/VG/LV", "/")
    in_use = ('vgchange -an:   Logical volume VG/LV contains a filesystem in use.\n'
              '  Can\'t deactivate volume group "VG" with 1 open logical volume(s)')
    assert err(vg.lvm_set_filter, ["/dev/sdb"]) == f"lvm_set_filter: {in_use}"
    assert err(vg.lvm_clear_filter) == f"lvm_clear_filter: {in_use}"
    assert vg.lvs() == ["/dev/VG/LV"]
    assert err(vg.lvm_set_filter, ["/dev/sdz"]) == \
        "lvm_set_filter: lvm_set_filter_stub: /dev/sdz: No such file or directory"


def test_xfs_info2(g: Any) -> None:
    g.part_disk("/dev/sda", "mbr")
    g.mkfs("xfs", "/dev/sda1", label="x")
    info = g.xfs_info2("/dev/sda1")
    st = g.xfs_info("/dev/sda1")
    assert info["meta-data"] == "/dev/sda1"
    assert info["meta-data.isize"] == str(st["xfs_inodesize"])
    assert info["meta-data.agcount"] == str(st["xfs_agcount"])
    assert info["meta-data.agsize"] == f"{st['xfs_agsize']} blks"
    assert info["meta-data.crc"] == "1"  # a v5 filesystem
    assert info["data.bsize"] == str(st["xfs_blocksize"])
    assert info["data.blocks"] == str(st["xfs_datablocks"])
    assert info["naming"] == "version 2"
    assert info["log"] == "internal log"
    assert info["log.blocks"] == str(st["xfs_logblocks"])
    assert info["realtime"] == "none"
    assert all(k == k.strip() and v == v.strip() for k, v in info.items())
    # By a path on the mounted filesystem: the same table.
    g.mount("/dev/sda1", "/")
    assert g.xfs_info2("/") == info
    assert err(g.xfs_info2, "/dev/sdb").startswith("xfs_info2: xfs_info: /dev/sdb is not a valid XFS")


# -- the same script on stock ------------------------------------------------------------------


def _stock_script() -> list[Step]:
    return [
        ("pvcreate", ["/dev/sdb"], {}),
        ("vgcreate", ["VG", ["/dev/sdb"]], {}),
        ("lvcreate", ["LV", "VG", 32], {}),
        ("vgmeta", ["nosuch"], {}),
        ("vgmeta", [""], {}),
        ("lvm_set_filter", [["/dev/sda"]], {}),
        ("lvs", [], {}),
        ("vgs", [], {}),
        ("vgmeta", ["VG"], {}),
        ("lvm_set_filter", [["/dev/sdb"]], {}),
        ("lvs", [], {}),
        ("lvm_set_filter", [[]], {}),
        ("lvs", [], {}),
        ("lvm_set_filter", [["/dev/sdz"]], {}),
        ("lvm_clear_filter", [], {}),
        ("lvs", [], {}),
        ("mkfs", ["ext4", "/dev/VG/LV"], {}),
        ("mount", ["/dev/VG/LV", "/"], {}),
        ("lvm_set_filter", [["/dev/sdb"]], {}),
        ("lvm_clear_filter", [], {}),
        ("umount_all", [], {}),
        ("lvm_set_filter", [["/dev/VG/LV"]], {}),
        ("lvs", [], {}),
        ("lvm_clear_filter", [], {}),
        ("lvs", [], {}),
    ]


@pytest.mark.stock
@pytest.mark.slow
# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_agrees_with_stock(vg: Any) -> None:
    require_stock()
    script = _stock_script()[3:]  # the fixture made VG/LV
    ours = run_script_on(vg, script)
    setup: list[Step] = [("add_drive_scratch", [512 * MiB], {}), ("add_drive_scratch", [256 * MiB], {}),
                         ("launch", [], {}), *_stock_script()[:3]]
    stock = run_script_on_stock(setup, script)
    assert_same_outcomes(script, ours, stock)
    assert {"ok": ["/dev/VG/LV"]} in ours and {"ok": []} in ours
