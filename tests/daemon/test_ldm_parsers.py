"""The ldmtool JSON readers of ``daemon/impl/ldm.py``, on output shaped as
libldm's ldmtool prints it (pretty JSON, two-space indent) for a disk group
with a spanned and a simple volume: no LDM disk is made here (Windows makes
them), so these are the only tests of the parsing of real answers."""

from __future__ import annotations

import pytest

from guestfs_daemon.errors import DaemonError
from guestfs_daemon.impl import ldm

SCAN = """[
  "04b4a5c1-c2c7-11e1-8e5a-52540021b0b5",
  "8d81e1cf-3ac7-4de0-a2cb-6ad4d2e52c61"
]
"""

DISKGROUP = """{
  "name" : "WIN-T4V2J2ES9BL-Dg0",
  "guid" : "04b4a5c1-c2c7-11e1-8e5a-52540021b0b5",
  "volumes" : [
    "Volume1",
    "Volume2"
  ],
  "disks" : [
    "Disk1",
    "Disk2"
  ]
}
"""

VOLUME = """{
  "name" : "Volume1",
  "guid" : "2e6c1b8a-c2c8-11e1-8e5a-52540021b0b5",
  "type" : "spanned",
  "size" : 204800,
  "chunk-size" : 0,
  "hint" : "E:",
  "partitions" : [
    "Disk1-01",
    "Disk2-01"
  ]
}
"""

VOLUME_NO_HINT = """{
  "name" : "Volume2",
  "guid" : "3f6c1b8a-c2c8-11e1-8e5a-52540021b0b5",
  "type" : "simple",
  "size" : 1024,
  "chunk-size" : 0,
  "partitions" : [
    "Disk1-02"
  ]
}
"""


def test_scan_lists_the_guids() -> None:
    assert ldm.string_list(ldm.parse_json(SCAN, "ldmtool scan"), "ldmtool scan") == [
        "04b4a5c1-c2c7-11e1-8e5a-52540021b0b5", "8d81e1cf-3ac7-4de0-a2cb-6ad4d2e52c61"]
    assert ldm.string_list(ldm.parse_json("[]\n", "ldmtool scan"), "ldmtool scan") == []


def test_diskgroup_members() -> None:
    what = "ldmtool show diskgroup"
    assert ldm.object_string(DISKGROUP, "name", what) == "WIN-T4V2J2ES9BL-Dg0"
    assert ldm.object_string_list(DISKGROUP, "volumes", what) == ["Volume1", "Volume2"]
    assert ldm.object_string_list(DISKGROUP, "disks", what) == ["Disk1", "Disk2"]


def test_volume_members() -> None:
    what = "ldmtool show volume"
    assert ldm.object_string(VOLUME, "type", what) == "spanned"
    assert ldm.object_string(VOLUME, "hint", what, default="") == "E:"
    assert ldm.object_string_list(VOLUME, "partitions", what) == ["Disk1-01", "Disk2-01"]
    # ldmtool leaves "hint" out when Windows recorded no drive letter.
    assert ldm.object_string(VOLUME_NO_HINT, "hint", what, default="") == ""
    assert ldm.object_string(VOLUME_NO_HINT, "type", what) == "simple"


@pytest.mark.parametrize(("output", "message"), [
    ("", "printed nothing"),
    ("{ not json", "could not parse the output of ldmtool"),
    ('["a", 1]', "JSON array of strings"),
])
def test_bad_scan_output(output: str, message: str) -> None:
    with pytest.raises(DaemonError, match=message):
        ldm.string_list(ldm.parse_json(output, "ldmtool scan"), "ldmtool scan")


def test_bad_object_output() -> None:
    with pytest.raises(DaemonError, match="did not print a JSON object"):
        ldm.object_string(SCAN, "name", "ldmtool show diskgroup")
    with pytest.raises(DaemonError, match="no string member 'type'"):
        ldm.object_string(DISKGROUP, "type", "ldmtool show volume")
    with pytest.raises(DaemonError, match="no member 'partitions'"):
        ldm.object_string_list(DISKGROUP, "partitions", "ldmtool show volume")
    with pytest.raises(DaemonError, match="JSON array of strings"):
        ldm.object_string_list(VOLUME, "size", "ldmtool show volume")


def test_mapper_devices_are_filtered_and_sorted() -> None:
    names = ["control", "ldm_vol_Dg0_Volume2", "ldm_part_Dg0_Disk1-01", "ldm_vol_Dg0_Volume1", "vg-lv"]
    assert ldm.mapper_devices(names, "ldm_vol_") == [
        "/dev/mapper/ldm_vol_Dg0_Volume1", "/dev/mapper/ldm_vol_Dg0_Volume2"]
    assert ldm.mapper_devices(names, "ldm_part_") == ["/dev/mapper/ldm_part_Dg0_Disk1-01"]
