"""The deprecated sfdisk family in the real appliance: tables written from
sfdisk(8) input lines (``sfdisk``, ``sfdisk_N``), what today's sfdisk
refuses (``-C/-H/-S`` geometry, ``sfdiskM``'s ``-uM``), and the reports
(``sfdisk_l`` and the two geometry calls).

Expected values and messages are stock libguestfs 1.48.6's with the same
sfdisk (util-linux 2.38.1); ``test_agrees_with_stock`` runs one script
through the stock binding and ours and compares every outcome, with the
random MBR disk identifiers masked.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.helpers import err, require_stock
from tests.integration.test_ntfs import mask_disk_letters
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

MiB = 1024 * 1024

BLANK_SDB = ("Disk /dev/sdb: 256 MiB, 268435456 bytes, 524288 sectors\n"
             "Disk model: QEMU HARDDISK   \n"
             "Units: sectors of 1 * 512 = 512 bytes\n"
             "Sector size (logical/physical): 512 bytes / 512 bytes\n"
             "I/O size (minimum/optimal): 512 bytes / 512 bytes\n")


def spans(g: Any, dev: str) -> list[tuple[int, int, int]]:
    """(number, start, size) of each partition, in bytes."""
    return [(p["part_num"], p["part_start"], p["part_size"]) for p in g.part_list(dev)]


def test_sfdisk_writes_tables(g: Any) -> None:
    g.sfdisk("/dev/sdb", 0, 0, 0, [",10M", ",20M,L", ",,E", ",5M", ";"])
    assert spans(g, "/dev/sdb") == [(1, 1 * MiB, 10 * MiB), (2, 11 * MiB, 20 * MiB),
                                    (3, 31 * MiB, 225 * MiB), (5, 32 * MiB, 5 * MiB),
                                    (6, 38 * MiB, 218 * MiB)]
    assert {"/dev/sdb5", "/dev/sdb6"} <= set(g.list_partitions())
    text = g.sfdisk_l("/dev/sdb")
    assert text.startswith(BLANK_SDB + "Disklabel type: dos\nDisk identifier: 0x")
    assert "/dev/sdb3       63488 524287  460800  225M  5 Extended\n" in text
    assert text.endswith("/dev/sdb6       77824 524287  446464  218M 83 Linux\n")
    # No lines: sfdisk changes nothing.
    g.sfdisk("/dev/sdb", 0, 0, 0, [])
    assert len(g.part_list("/dev/sdb")) == 5
    # sfdisk's script headers and fields: GPT; a bootable MBR partition with its type.
    g.sfdisk("/dev/sdb", 0, 0, 0, ["label: gpt", ","])
    assert g.part_get_parttype("/dev/sdb") == "gpt"
    g.sfdisk("/dev/sdb", 0, 0, 0, ["label: dos", "2048,2048,83,*", ",,7"])
    assert spans(g, "/dev/sdb") == [(1, 1 * MiB, 1 * MiB), (2, 2 * MiB, 254 * MiB)]
    assert g.part_get_bootable("/dev/sdb", 1) == 1
    assert g.part_get_mbr_id("/dev/sdb", 2) == 7


def test_sfdisk_N_changes_one_partition(g: Any) -> None:
    g.sfdisk("/dev/sdb", 0, 0, 0, ["2048,20480", ",40960"])
    g.sfdisk_N("/dev/sdb", 2, 0, 0, 0, ",4M")
    assert spans(g, "/dev/sdb") == [(1, 1 * MiB, 10 * MiB), (2, 11 * MiB, 4 * MiB)]
    g.sfdisk_N("/dev/sdb", 3, 0, 0, 0, ",4M")
    assert spans(g, "/dev/sdb")[2] == (3, 15 * MiB, 4 * MiB)
    # A partition number <= 0 is no -N: the line is the whole new table.
    g.sfdisk_N("/dev/sdb", -1, 0, 0, 0, ",4M")
    assert spans(g, "/dev/sdb") == [(1, 1 * MiB, 4 * MiB)]


def test_what_todays_sfdisk_refuses(g: Any) -> None:
    g.sfdisk("/dev/sdb", 0, 0, 0, [","])
    before = g.part_list("/dev/sdb")
    assert err(g.sfdisk, "/dev/sdb", 100, 4, 32, [","]) == \
        "sfdisk: sfdisk -C 100 -H 4 -S 32 /dev/sdb: external command failed"
    failed = "external command failed"
    assert err(g.sfdisk, "/dev/sdb", -1, 0, 0, [","]) == f"sfdisk: sfdisk -C -1 /dev/sdb: {failed}"
    assert err(g.sfdisk, "/dev/sdb", 0, 0, 0, ["garbage"]) == f"sfdisk: sfdisk /dev/sdb: {failed}"
    assert err(g.sfdiskM, "/dev/sdb", [",10", ",20"]) == f"sfdiskM: sfdisk -uM /dev/sdb: {failed}"
    assert err(g.sfdisk_N, "/dev/sdb", 1, 10, 2, 3, ",4M") == \
        "sfdisk_N: sfdisk -N 1 -C 10 -H 2 -S 3 /dev/sdb: external command failed"
    assert g.part_list("/dev/sdb") == before
    # A disk in use: sfdisk will not repartition it.
    g.part_disk("/dev/sda", "mbr")
    g.mkfs("ext4", "/dev/sda1")
    g.mount("/dev/sda1", "/")
    assert err(g.sfdisk, "/dev/sda", 0, 0, 0, [","]) == "sfdisk: sfdisk /dev/sda: external command failed"
    assert err(g.sfdisk_N, "/dev/sda", 3, 0, 0, 0, ",4M") == \
        "sfdisk_N: sfdisk -N 3 /dev/sda: external command failed"
    assert len(g.part_list("/dev/sda")) == 1


def test_reports(g: Any) -> None:
    assert g.sfdisk_l("/dev/sdb") == BLANK_SDB
    assert g.sfdisk_kernel_geometry("/dev/sdb") == "/dev/sdb: 1022 cylinders, 9 heads, 57 sectors/track\n"
    assert g.sfdisk_disk_geometry("/dev/sdb") == "/dev/sdb: 1022 cylinders, 9 heads, 57 sectors/track\n"
    g.part_disk("/dev/sda", "mbr")
    geometry = re.compile(r"/dev/sda: \d+ cylinders, \d+ heads, \d+ sectors/track\n")
    assert geometry.fullmatch(g.sfdisk_kernel_geometry("/dev/sda"))
    assert geometry.fullmatch(g.sfdisk_disk_geometry("/dev/sda"))
    part = g.sfdisk_l("/dev/sda1")
    assert re.match(r"Disk /dev/sda1: [\d.]+ MiB, 536740352 bytes, 1048321 sectors\n", part)
    assert "Disklabel type" not in part
    assert re.fullmatch(r"/dev/sda1: \d+ cylinders, \d+ heads, \d+ sectors/track\n",
                        g.sfdisk_kernel_geometry("/dev/sda1"))


# -- the same script on stock ------------------------------------------------------------------


def _stock_script() -> list[Step]:
    return [
        ("sfdisk_l", ["/dev/sdb"], {}),
        ("sfdisk_kernel_geometry", ["/dev/sdb"], {}),
        ("sfdisk_disk_geometry", ["/dev/sdb"], {}),
        ("sfdisk", ["/dev/sdb", 0, 0, 0, [",10M", ",20M,L", ",,E", ",5M", ";"]], {}),
        ("sfdisk_l", ["/dev/sdb"], {}),
        ("part_list", ["/dev/sdb"], {}),
        ("sfdisk", ["/dev/sdb", 100, 4, 32, [","]], {}),
        ("sfdisk", ["/dev/sdb", 0, 0, 0, ["garbage"]], {}),
        ("sfdisk", ["/dev/sdb", 0, 0, 0, []], {}),
        ("sfdiskM", ["/dev/sdb", [",10", ",20"]], {}),
        ("sfdisk", ["/dev/sdb", 0, 0, 0, ["2048,20480", ",40960"]], {}),
        ("sfdisk_N", ["/dev/sdb", 2, 0, 0, 0, ",4M"], {}),
        ("sfdisk_N", ["/dev/sdb", 3, 0, 0, 0, ",4M"], {}),
        ("part_list", ["/dev/sdb"], {}),
        ("sfdisk_N", ["/dev/sdb", 0, 0, 0, 0, ",8M"], {}),
        ("sfdisk_N", ["/dev/sdb", 9, 0, 0, 0, "garbage"], {}),
        ("sfdisk_l", ["/dev/sdb"], {}),
        ("sfdisk_disk_geometry", ["/dev/sdb"], {}),
        ("sfdisk", ["/dev/sdb", 0, 0, 0, ["label: gpt", ","]], {}),
        ("part_get_parttype", ["/dev/sdb"], {}),
        ("sfdisk_l", ["/dev/sdb1"], {}),
        ("part_disk", ["/dev/sda", "mbr"], {}),
        ("mkfs", ["ext4", "/dev/sda1"], {}),
        ("mount", ["/dev/sda1", "/"], {}),
        ("sfdisk", ["/dev/sda", 0, 0, 0, [","]], {}),
        ("sfdisk_l", ["/dev/sda"], {}),
    ]


def _masked(outcomes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outcomes with MBR disk identifiers (random) and disk letters masked: the
    reports name the kernel's disks, which may be out of attach order (see
    :func:`mask_disk_letters`)."""
    def mask(v: Any) -> Any:
        if not isinstance(v, str):
            return v
        v = re.sub(r"Disk identifier: 0x[0-9a-f]+", "Disk identifier: 0x?", v)
        return re.sub(r"/dev/sd[a-z]+", "/dev/sd?", v)
    return mask_disk_letters([{k: mask(v) for k, v in o.items()} for o in outcomes])


@pytest.mark.stock
@pytest.mark.slow
# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_agrees_with_stock(g: Any) -> None:
    require_stock()
    script = _stock_script()
    ours = run_script_on(g, script)
    setup: list[Step] = [("add_drive_scratch", [512 * MiB], {}), ("add_drive_scratch", [256 * MiB], {}),
                         ("launch", [], {})]
    stock = run_script_on_stock(setup, script)
    assert_same_outcomes(script, _masked(ours), _masked(stock))
    assert {"ok": "gpt"} in ours
