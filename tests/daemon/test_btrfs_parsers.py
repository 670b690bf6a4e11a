"""The parsers of btrfs-progs reports (``daemon/lib/btrfs.py``), on output
captured from btrfs-progs 6.2 (the appliance's), including the states the
integration tests cannot reach in a few seconds: a running or paused
balance, and a filesystem with a device missing."""

from __future__ import annotations

import pytest

from guestfs_daemon.errors import DaemonError
from guestfs_daemon.lib import btrfs

SUBVOLUME_LIST = """\
ID 256 gen 9 top level 5 path sub1
ID 257 gen 8 top level 256 path sub1/nested
ID 258 gen 9 top level 256 path sub1/a path with spaces
ID 259 gen 9 top level 5 path <FS_TREE>/old
"""

SUBVOLUME_SHOW = """\
sub1
\tName: \t\t\tsub1
\tUUID: \t\t\tc4ffd738-4548-1b4c-9428-a4e440225d56
\tParent UUID: \t\t-
\tReceived UUID: \t\t-
\tCreation time: \t\t2026-12-03 10:49:22 +0000
\tSubvolume ID: \t\t256
\tGeneration: \t\t9
\tGen at creation: \t7
\tParent ID: \t\t5
\tTop level ID: \t\t5
\tFlags: \t\t\treadonly
\tSend transid: \t\t0
\tSend time: \t\t2026-12-03 10:49:22 +0000
\tReceive transid: \t0
\tReceive time: \t\t-
\tSnapshot(s):
\t\t\t\tsub1/snapin
\t\t\t\tsnap:with:colons
\tQuota group:\t\t0/256
\t  Limit referenced:\t-
\t  Limit exclusive:\t-
\t  Usage referenced:\t16.00KiB
\t  Usage exclusive:\t16.00KiB
"""

SCRUB_STATUS = """\
UUID:             75de878f-3fd2-43b0-8278-808b37e60a32
Scrub started:    Thu Dec  3 10:48:30 2026
Status:           finished
Duration:         0:00:00
\tdata_extents_scrubbed: 4
\ttree_extents_scrubbed: 13
\tdata_bytes_scrubbed: 65536
\ttree_bytes_scrubbed: 212992
\tread_errors: 0
\tcsum_errors: 1
\tverify_errors: 0
\tno_csum: 16
\tcsum_discards: 0
\tsuper_errors: 0
\tmalloc_errors: 0
\tuncorrectable_errors: 0
\tunverified_errors: 0
\tcorrected_errors: 1
\tlast_physical: 156237824
"""

QGROUP_SHOW = """\
qgroupid         rfer         excl
--------         ----         ----
0/5             16384        16384
0/256           16384        16384
1/100           32768            0
"""


def test_subvolume_list() -> None:
    assert btrfs.parse_subvolume_list(SUBVOLUME_LIST) == [
        (256, 5, "sub1"), (257, 256, "sub1/nested"), (258, 256, "sub1/a path with spaces"),
        (259, 5, "old")]
    assert btrfs.parse_subvolume_list("") == []


def test_subvolume_show() -> None:
    pairs = btrfs.parse_subvolume_show(SUBVOLUME_SHOW)
    info = dict(pairs)
    assert pairs[0] == ("path", "sub1")
    assert info["Parent UUID"] == "" and info["Receive time"] == ""
    assert info["Flags"] == "readonly"
    assert info["Subvolume ID"] == "256"
    assert info["Snapshot(s)"] == "sub1/snapin,snap:with:colons"
    assert info["Quota group"] == "0/256"
    assert info["Usage referenced"] == "16.00KiB"
    assert [k for k, _ in pairs].index("Snapshot(s)") == 16
    # No snapshots at the end of the report: an empty value, still present.
    no_snaps = SUBVOLUME_SHOW.split("\tSnapshot(s):")[0] + "\tSnapshot(s):\n"
    assert dict(btrfs.parse_subvolume_show(no_snaps))["Snapshot(s)"] == ""
    with pytest.raises(DaemonError):
        btrfs.parse_subvolume_show("")


def test_default_id() -> None:
    assert btrfs.parse_default_id("ID 5 (FS_TREE)\n") == 5
    assert btrfs.parse_default_id("ID 256 gen 10 top level 5 path sub1\n") == 256
    with pytest.raises(DaemonError):
        btrfs.parse_default_id("nonsense")


def test_filesystem_show() -> None:
    two = ("Label: 'lab'  uuid: 4ffb35e4-b663-47e5-a52b-56e0ab7c80ca\n"
           "\tTotal devices 2 FS bytes used 144.00KiB\n"
           "\tdevid    1 size 512.00MiB used 102.38MiB path /dev/sda\n"
           "\tdevid    2 size 256.00MiB used 102.38MiB path /dev/sdb\n\n")
    assert btrfs.parse_filesystem_show(two) == (["/dev/sda", "/dev/sdb"], False)
    missing = ("Label: none  uuid: 4ffb35e4-b663-47e5-a52b-56e0ab7c80ca\n"
               "\tTotal devices 2 FS bytes used 144.00KiB\n"
               "\tdevid    1 size 512.00MiB used 102.38MiB path /dev/sda\n"
               "\t*** Some devices missing\n")
    assert btrfs.parse_filesystem_show(missing) == (["/dev/sda"], True)
    gone = "\tdevid    2 size 0 used 0 path <missing disk #2>\n"
    assert btrfs.parse_filesystem_show(gone) == ([], True)


def test_balance_status() -> None:
    none = btrfs.parse_balance_status("No balance found on '/sysroot/'\n")
    assert none == {"btrfsbalance_status": "none", "btrfsbalance_total": 0, "btrfsbalance_balanced": 0,
                    "btrfsbalance_considered": 0, "btrfsbalance_left": 0}
    running = btrfs.parse_balance_status(
        "Balance on '/sysroot/' is running\n2 out of about 7 chunks balanced (3 considered),  71% left\n")
    assert running == {"btrfsbalance_status": "running", "btrfsbalance_total": 7,
                       "btrfsbalance_balanced": 2, "btrfsbalance_considered": 3,
                       "btrfsbalance_left": 71}
    paused = btrfs.parse_balance_status(
        "Balance on '/sysroot/' is paused\n0 out of about 1 chunks balanced (1 considered), 100% left\n")
    assert paused["btrfsbalance_status"] == "paused" and paused["btrfsbalance_left"] == 100


def test_scrub_status() -> None:
    st = btrfs.parse_scrub_status(SCRUB_STATUS)
    assert list(st) == [f"btrfsscrub_{f}" for f in btrfs.SCRUB_FIELDS]
    assert st["btrfsscrub_data_extents_scrubbed"] == 4
    assert st["btrfsscrub_tree_bytes_scrubbed"] == 212992
    assert st["btrfsscrub_csum_errors"] == 1 and st["btrfsscrub_corrected_errors"] == 1
    assert st["btrfsscrub_last_physical"] == 156237824
    # Never scrubbed: every counter 0.
    assert set(btrfs.parse_scrub_status("UUID: x\n\tno stats available\n").values()) == {0}


def test_qgroup_show() -> None:
    assert btrfs.parse_qgroup_show(QGROUP_SHOW) == [
        {"btrfsqgroup_id": "0/5", "btrfsqgroup_rfer": 16384, "btrfsqgroup_excl": 16384},
        {"btrfsqgroup_id": "0/256", "btrfsqgroup_rfer": 16384, "btrfsqgroup_excl": 16384},
        {"btrfsqgroup_id": "1/100", "btrfsqgroup_rfer": 32768, "btrfsqgroup_excl": 0}]
    with pytest.raises(DaemonError, match="cannot parse line"):
        btrfs.parse_qgroup_show(QGROUP_SHOW + "0/300 16.00KiB 16.00KiB\n")
