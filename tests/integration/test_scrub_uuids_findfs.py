"""scrub_*, new LVM UUIDs and findfs by GPT partition label/UUID, in the real appliance."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import err

pytestmark = pytest.mark.appliance

MiB = 1024 * 1024


def test_scrub_device_file_and_free_space(g: Any) -> None:
    g.part_init("/dev/sdb", "gpt")
    g.part_add("/dev/sdb", "p", 2048, 2048 + 8 * 2048 - 1)  # 8 MiB
    g.part_add("/dev/sdb", "p", 2048 + 8 * 2048, 2048 + 24 * 2048 - 1)  # 16 MiB
    g.pwrite_device("/dev/sdb1", b"secret" * 100, 0)
    g.scrub_device("/dev/sdb1")
    assert b"secret" not in g.pread_device("/dev/sdb1", 600, 0)

    g.mkfs("ext4", "/dev/sdb2")
    g.mount("/dev/sdb2", "/")
    g.write("/f", b"secret data")
    g.scrub_file("/f")
    assert not g.exists("/f")
    assert err(g.scrub_file, "/nope") == "scrub_file: /nope: No such file or directory"
    # A symbolic link is followed inside the guest: its target is scrubbed (stock 1.48).
    g.write("/t", b"secret target")
    g.ln_s("/t", "/abs")
    g.scrub_file("/abs")
    assert not g.exists("/t") and g.is_symlink("/abs")
    g.rm("/abs")
    g.mkdir("/d")
    assert err(g.scrub_file, "/d") == "scrub_file: /d: scrub: /sysroot/d is wrong type of file"
    g.rmdir("/d")
    g.scrub_freespace("/scratch")
    assert not g.exists("/scratch")
    assert g.ls("/") == ["lost+found"]


def test_new_lvm_uuids(g: Any) -> None:
    g.pvcreate("/dev/sda")
    g.vgcreate("vg", ["/dev/sda"])
    pv, vg = g.pvuuid("/dev/sda"), g.vguuid("vg")
    g.vgchange_uuid("vg")
    assert g.vguuid("vg") != vg
    g.vgchange_uuid_all()
    g.vg_activate_all(False)
    g.pvchange_uuid("/dev/sda")
    assert g.pvuuid("/dev/sda") != pv
    g.pvchange_uuid_all()
    assert err(g.vgchange_uuid, "nosuchvg").startswith("vgchange_uuid: ")


def test_findfs_by_partition_label_and_uuid(g: Any) -> None:
    g.part_disk("/dev/sdb", "gpt")
    g.part_set_name("/dev/sdb", 1, "mydata")
    guid = g.part_get_gpt_guid("/dev/sdb", 1)
    assert g.findfs_partlabel("mydata") == "/dev/sdb1"
    assert g.findfs_partuuid(guid.lower()) == "/dev/sdb1"
    assert err(g.findfs_partlabel, "nolabel").startswith("findfs_partlabel: ")
