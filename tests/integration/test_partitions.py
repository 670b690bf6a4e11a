"""Partition tables in the real appliance: MBR and GPT creation, adding,
deleting, resizing, listing, and per-partition attributes.

Expected results and error messages are stock libguestfs 1.48's.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import err

pytestmark = pytest.mark.appliance

ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"



def test_blank_disk_errors(g: Any) -> None:
    assert err(g.part_add, "/dev/sda", "p", 64, 1000) == \
        "part_add: parted: /dev/sda: Error: /dev/sda: unrecognised disk label"
    assert "unrecognised disk label" in err(g.part_list, "/dev/sda")
    assert "unrecognised disk label" in err(g.part_get_parttype, "/dev/sda")
    assert err(g.part_disk, "/dev/sda", "foo") == \
        'part_disk: unknown partition type: common choices are "gpt" and "msdos"'
    assert err(g.part_init, "/dev/sda", "loop") == \
        'part_init: unknown partition type: common choices are "gpt" and "msdos"'


def test_part_disk(g: Any) -> None:
    g.part_disk("/dev/sda", "mbr")
    assert g.part_get_parttype("/dev/sda") == "msdos"
    assert g.part_list("/dev/sda") == [
        {"part_num": 1, "part_start": 65536, "part_end": 536805887, "part_size": 536740352}]
    assert g.list_partitions() == ["/dev/sda1"]
    g.part_disk("/dev/sda", "efi")
    assert g.part_get_parttype("/dev/sda") == "gpt"
    assert g.part_list("/dev/sda") == [
        {"part_num": 1, "part_start": 65536, "part_end": 536805887, "part_size": 536740352}]
    assert g.part_to_dev("/dev/sda1") == "/dev/sda"
    assert g.part_to_partnum("/dev/sda1") == 1
    assert err(g.part_to_dev, "/dev/sda") == "part_to_dev: device name is not a partition"
    assert err(g.part_to_partnum, "/dev/sda") == "part_to_partnum: device name is not a partition"


def test_mbr_primary_extended_logical(g: Any) -> None:
    g.part_init("/dev/sdb", "mbr")
    g.part_add("/dev/sdb", "p", 2048, 100000)
    g.part_add("/dev/sdb", "e", 100001, 400000)
    g.part_add("/dev/sdb", "l", 102400, 200000)
    g.part_add("/dev/sdb", "logical", 204800, 300000)
    g.part_add("/dev/sdb", "primary", 450000, -1)
    assert err(g.part_add, "/dev/sdb", "x", 1, 2) == \
        'part_add: unknown partition type: x: this should be "primary", "logical" or "extended"'
    assert g.part_list("/dev/sdb") == [
        {"part_num": 1, "part_start": 1048576, "part_end": 51200511, "part_size": 50151936},
        {"part_num": 2, "part_start": 51200512, "part_end": 204800511, "part_size": 153600000},
        {"part_num": 5, "part_start": 52428800, "part_end": 102400511, "part_size": 49971712},
        {"part_num": 6, "part_start": 104857600, "part_end": 153600511, "part_size": 48742912},
        {"part_num": 3, "part_start": 230400000, "part_end": 268435455, "part_size": 38035456}]
    assert g.list_partitions() == ["/dev/sdb1", "/dev/sdb2", "/dev/sdb3", "/dev/sdb5", "/dev/sdb6"]
    assert [g.part_get_mbr_part_type("/dev/sdb", n) for n in (1, 2, 3, 5, 6)] == \
        ["primary", "extended", "primary", "logical", "logical"]
    assert g.part_get_mbr_id("/dev/sdb", 1) == 0x83
    assert g.part_get_mbr_id("/dev/sdb", 2) == 0x0F
    g.part_set_mbr_id("/dev/sdb", 5, 0x82)
    g.part_set_mbr_id("/dev/sdb", 1, 0x07)
    assert g.part_get_mbr_id("/dev/sdb", 5) == 0x82
    assert g.part_get_mbr_id("/dev/sdb", 1) == 0x07
    assert err(g.part_get_mbr_id, "/dev/sdb", 4) == \
        "part_get_mbr_id: sfdisk exited with status 1: sfdisk: /dev/sdb: partition 4: partition is unused"
    assert err(g.part_get_mbr_id, "/dev/sdb", 9) == "part_get_mbr_id: sfdisk exited with status 1: " \
        "sfdisk: /dev/sdb: partition 9: partition table contains only 6 partitions"
    assert g.part_get_gpt_type("/dev/sdb", 1) == "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"
    assert not g.part_get_bootable("/dev/sdb", 1)
    g.part_set_bootable("/dev/sdb", 1, True)
    assert g.part_get_bootable("/dev/sdb", 1)
    g.part_set_bootable("/dev/sdb", 1, False)
    assert not g.part_get_bootable("/dev/sdb", 1)
    assert err(g.part_get_bootable, "/dev/sdb", 4) == "part_get_bootable: partition number 4 not found"
    assert err(g.part_get_name, "/dev/sdb", 1) == \
        "part_get_name: part-get-name can only be used on GUID Partition Tables"
    assert err(g.part_set_name, "/dev/sdb", 1, "x") == \
        "part_set_name: parted: /dev/sdb: Error: msdos disk labels do not support partition name."
    # Deleting a logical partition renumbers the ones after it.
    g.part_del("/dev/sdb", 5)
    assert [p["part_num"] for p in g.part_list("/dev/sdb")] == [1, 2, 5, 3]
    assert g.list_partitions() == ["/dev/sdb1", "/dev/sdb2", "/dev/sdb3", "/dev/sdb5"]
    assert err(g.part_del, "/dev/sdb", 7) == "part_del: parted: /dev/sdb: Error: Partition doesn't exist."
    # Deleting the extended partition takes its logical partitions along.
    g.part_del("/dev/sdb", 2)
    assert g.list_partitions() == ["/dev/sdb1", "/dev/sdb3"]


def test_gpt_attributes(g: Any) -> None:
    g.part_init("/dev/sda", "gpt")
    assert g.part_list("/dev/sda") == []
    g.part_add("/dev/sda", "p", 2048, 204799)
    g.part_add("/dev/sda", "p", 204800, -34)
    assert g.list_partitions() == ["/dev/sda1", "/dev/sda2"]
    assert g.part_get_name("/dev/sda", 1) == "primary"
    # (stock 1.48 cuts the name at the space, a parted quoting bug.)
    g.part_set_name("/dev/sda", 1, "boot part")
    assert g.part_get_name("/dev/sda", 1) == "boot part"
    assert g.part_get_gpt_type("/dev/sda", 1) == LINUX
    assert not g.part_get_bootable("/dev/sda", 1)
    g.part_set_gpt_type("/dev/sda", 1, ESP)
    assert g.part_get_gpt_type("/dev/sda", 1) == ESP
    assert g.part_get_bootable("/dev/sda", 1)
    g.part_set_bootable("/dev/sda", 2, True)
    assert g.part_get_gpt_type("/dev/sda", 2) == ESP
    assert err(g.part_set_gpt_type, "/dev/sda", 1, "notaguid") == \
        "part_set_gpt_type: guid: parameter is not a valid GUID"
    guid = "01234567-89AB-CDEF-0123-456789ABCDEF"
    assert len(g.part_get_gpt_guid("/dev/sda", 1)) == 36
    g.part_set_gpt_guid("/dev/sda", 1, guid)
    assert g.part_get_gpt_guid("/dev/sda", 1) == guid
    assert g.part_get_gpt_attributes("/dev/sda", 1) == 0
    g.part_set_gpt_attributes("/dev/sda", 1, 4)
    assert g.part_get_gpt_attributes("/dev/sda", 1) == 4
    disk_guid = "11111111-2222-3333-4444-555555555555"
    g.part_set_disk_guid("/dev/sda", disk_guid)
    assert g.part_get_disk_guid("/dev/sda") == disk_guid
    g.part_set_disk_guid_random("/dev/sda")
    assert g.part_get_disk_guid("/dev/sda") not in (disk_guid, "")
    assert g.part_get_mbr_part_type("/dev/sda", 1) == "primary"
    assert err(g.part_get_name, "/dev/sda", 9) == "part_get_name: partition number 9 not found"
    assert err(g.part_set_mbr_id, "/dev/sda", 1, 0x83) == \
        "part_set_mbr_id: sfdisk --part-type: sfdisk: /dev/sda: partition 1: failed to set partition type"
    # The partitions survive all these table rewrites.
    assert g.list_partitions() == ["/dev/sda1", "/dev/sda2"]
    assert g.part_get_name("/dev/sda", 1) == "boot part"


def test_part_add_errors(g: Any) -> None:
    g.part_init("/dev/sda", "gpt")
    g.part_add("/dev/sda", "p", 64, -64)
    msg = err(g.part_add, "/dev/sda", "p", 2048, 204799)
    assert msg.startswith("part_add: parted: /dev/sda: Error: You requested a partition from 1049kB to "
                          "105MB (sectors 2048..204799).")
    g.part_disk("/dev/sdb", "mbr")
    assert "The closest location we can manage" in err(g.part_add, "/dev/sdb", "p", 64, 1000)


def test_part_resize(g: Any) -> None:
    g.part_init("/dev/sda", "mbr")
    g.part_add("/dev/sda", "p", 2048, 100000)
    g.part_resize("/dev/sda", 1, 400000)
    assert g.part_list("/dev/sda")[0]["part_end"] == 400001 * 512 - 1
    # Shrinking: parted asks for confirmation (stock 1.48 fails here).
    g.part_resize("/dev/sda", 1, 50000)
    assert g.part_list("/dev/sda")[0]["part_end"] == 50001 * 512 - 1
    assert g.blockdev_getsize64("/dev/sda1") == (50001 - 2048) * 512
    g.part_resize("/dev/sda", 1, -1)
    assert g.part_list("/dev/sda")[0]["part_end"] == 512 * 1024 * 1024 - 1
    assert err(g.part_resize, "/dev/sda", 2, 450000).startswith(
        "part_resize: parted: /dev/sda: Error: Partition doesn't exist.")


def test_part_expand_gpt(g: Any) -> None:
    g.part_disk("/dev/sda", "gpt")
    g.part_expand_gpt("/dev/sda")
    assert g.part_get_parttype("/dev/sda") == "gpt"
    assert g.list_partitions() == ["/dev/sda1"]
