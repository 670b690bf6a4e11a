"""The Windows dynamic disk (LDM) calls in the real appliance, on disks
with no LDM metadata: what they answer there, compared with stock
libguestfs 1.48 step by step.  Making an LDM disk group takes Windows, so
the reading of ldmtool's answers about real disk groups is unit-tested on
ldmtool-shaped JSON in ``tests/daemon/test_ldm_parsers.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import err
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

GUID = "04b4a5c1-c2c7-11e1-8e5a-52540021b0b5"

#: A partition with a filesystem on it (still no LDM), made the same way for stock.
PREPARE: list[Step] = [
    ("part_disk", ["/dev/sda", "mbr"], {}),
    ("mkfs", ["ext4", "/dev/sda1"], {}),
]

SCRIPT: list[Step] = [
    ("ldmtool_scan", [], {}),
    ("ldmtool_scan_devices", [["/dev/sda"]], {}),
    ("ldmtool_scan_devices", [["/dev/sda", "/dev/sda1"]], {}),
    ("ldmtool_scan_devices", [[]], {}),
    ("ldmtool_create_all", [], {}),
    ("list_ldm_volumes", [], {}),
    ("list_ldm_partitions", [], {}),
    ("ldmtool_remove_all", [], {}),
    ("ldmtool_diskgroup_name", [GUID], {}),
    ("ldmtool_diskgroup_volumes", [GUID], {}),
    ("ldmtool_diskgroup_disks", [GUID], {}),
    ("ldmtool_volume_type", [GUID, "Volume1"], {}),
    ("ldmtool_volume_hint", [GUID, "Volume1"], {}),
    ("ldmtool_volume_partitions", [GUID, "Volume1"], {}),
    ("ldmtool_diskgroup_name", ["not-a-guid"], {}),
]


def test_no_ldm_anywhere(g: Any) -> None:
    for method, args, kwargs in PREPARE:
        getattr(g, method)(*args, **kwargs)
    assert g.ldmtool_scan() == []
    assert g.ldmtool_scan_devices(["/dev/sda", "/dev/sdb"]) == []
    g.ldmtool_create_all()
    assert g.list_ldm_volumes() == []
    assert g.list_ldm_partitions() == []
    g.ldmtool_remove_all()
    for call in ("diskgroup_name", "diskgroup_volumes", "diskgroup_disks"):
        assert err(getattr(g, f"ldmtool_{call}"), GUID) == f"ldmtool_{call}: No such disk group: {GUID}"
    for call in ("volume_type", "volume_hint", "volume_partitions"):
        assert err(getattr(g, f"ldmtool_{call}"), GUID, "Volume1") == \
            f"ldmtool_{call}: No such disk group: {GUID}"


def test_ldm_is_available(g: Any) -> None:
    assert g.available(["ldm"]) is None
    assert g.feature_available(["ldm"])


# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_same_as_stock(g: Any) -> None:
    for method, args, kwargs in PREPARE:
        getattr(g, method)(*args, **kwargs)
    setup: list[Step] = [("add_drive_scratch", [512 * 1024 * 1024], {}), ("launch", [], {}), *PREPARE]
    stock = run_script_on_stock(setup, SCRIPT)
    ours = run_script_on(g, SCRIPT)
    assert_same_outcomes(SCRIPT, ours, stock)
