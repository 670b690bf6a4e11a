"""The mke2fs family in the real appliance: ``mke2fs`` with its optional
arguments (checked through the superblock ``tune2fs_l`` reads back), its
refusals, external journals (``journaldev``, ``journaldevice`` by name,
``LABEL=`` and ``UUID=``), and the deprecated ``mke2journal*`` and
``mke2fs_J*`` calls.

Expected messages are stock libguestfs 1.48.6's on the same calls (mke2fs
1.47.0's own text after the device); ``test_agrees_with_stock`` runs one
script through the stock binding and ours and compares every outcome.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import err, require_stock
from tests.integration.test_ntfs import mask_disk_letters
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

MiB = 1024 * 1024
JUUID = "11111111-2222-3333-4444-555555555555"
NUMBERS = ("blockscount", "blocksize", "fragsize", "blockspergroup", "numberofgroups", "bytesperinode",
           "inodesize", "journalsize", "numberofinodes", "stridesize", "stripewidth", "maxonlineresize",
           "reservedblockspercentage", "mmpupdateinterval")


def three_partitions(g: Any) -> tuple[str, str, str]:
    """/dev/sda1..3, 32 MiB each."""
    g.part_init("/dev/sda", "mbr")
    for i in range(3):
        start = 2048 + i * 32 * 2048
        g.part_add("/dev/sda", "p", start, start + 32 * 2048 - 1)
    return "/dev/sda1", "/dev/sda2", "/dev/sda3"


def sb(g: Any, dev: str) -> dict[str, str]:
    """The superblock fields tune2fs -l shows."""
    return dict(g.tune2fs_l(dev))


def test_mke2fs_options_reach_the_superblock(g: Any) -> None:
    fs, _, _ = three_partitions(g)
    g.mke2fs(fs)
    assert g.vfs_type(fs) == "ext2"  # mke2fs's own default
    g.mke2fs(fs, fstype="ext4", blocksize=1024, inodesize=256, numberofinodes=2048, label="lab",
             uuid="01234567-89ab-cdef-0123-456789abcdef", reservedblockspercentage=3,
             lastmounteddir="/mnt/x", creatoros="hurd", blockscount=20000, forcecreate=True)
    assert g.vfs_type(fs) == "ext4"
    assert g.vfs_label(fs) == "lab"
    assert g.vfs_uuid(fs) == "01234567-89ab-cdef-0123-456789abcdef"
    s = sb(g, fs)
    assert s["Block size"] == "1024"
    assert s["Block count"] == "20000"
    assert s["Inode size"] == "256"
    assert s["Reserved block count"] == "600"  # 3 % of 20000
    assert s["Last mounted on"] == "/mnt/x"
    assert s["Filesystem OS type"] == "Hurd"
    assert 2000 <= int(s["Inode count"]) <= 2100  # rounded to whole groups
    g.mke2fs(fs, fstype="ext4", hasjournal=False, resizeinode=False, lazyitableinit=False, discard=False,
             largefile=True)
    features = sb(g, fs)["Filesystem features"].split()
    assert "has_journal" not in features and "resize_inode" not in features
    assert "large_file" in features and "extent" in features
    # Each -E setting is its own -E option, as stock passes them, and mke2fs
    # keeps only the last one: the stride is lost, the stripe width stays.
    g.mke2fs(fs, fstype="ext3", stridesize=4, stripewidth=8, usagetype="small")
    s = sb(g, fs)
    assert s["RAID stripe width"] == "8" and "RAID stride" not in s
    assert "has_journal" in s["Filesystem features"].split()


def test_mke2fs_refusals(g: Any) -> None:
    fs, _, _ = three_partitions(g)
    for name in NUMBERS:
        assert err(g.mke2fs, fs, **{name: -1}) == f"mke2fs: {name} must be >= 0"
    for bad in ("xfs", "ext5"):
        assert err(g.mke2fs, fs, fstype=bad) == f"mke2fs: {bad}: not a valid extended filesystem type"
    # The first bad option in command-line order is the one reported.
    assert err(g.mke2fs, fs, fstype="xfs", blocksize=-1) == "mke2fs: blocksize must be >= 0"
    assert err(g.mke2fs, fs, journaldevice="/dev/sdz", fstype="xfs") == \
        "mke2fs: /dev/sdz: No such file or directory"
    # What mke2fs itself refuses, after the device.
    assert err(g.mke2fs, fs, blocksize=0) == "mke2fs: /dev/sda1: mke2fs: invalid block size - 0"
    assert err(g.mke2fs, fs, blockscount=0) == (
        "mke2fs: /dev/sda1: mke2fs 1.47.0 (5-Feb-2023)\nmke2fs: invalid blocks '0' on device '/dev/sda1'")
    assert err(g.mke2fs, fs, uuid="bogus") == (
        "mke2fs: /dev/sda1: mke2fs 1.47.0 (5-Feb-2023)\n/dev/sda1: could not parse UUID: bogus")
    assert err(g.mke2fs, fs, creatoros="bogus") == \
        "mke2fs: /dev/sda1: mke2fs 1.47.0 (5-Feb-2023)\nmke2fs: unknown os - bogus"
    # flexbg is passed as stock passes it, which mke2fs does not know.
    assert err(g.mke2fs, fs, flexbg=True) == \
        "mke2fs: /dev/sda1: mke2fs 1.47.0 (5-Feb-2023)\nInvalid filesystem option set: flexbg"
    assert err(g.mke2fs, fs, fragsize=1024).startswith(
        "mke2fs: /dev/sda1: mke2fs: invalid option -- 'f'\nUsage: mke2fs")
    # The old signatures are wiped first, as in stock: a refused mke2fs leaves nothing.
    assert g.vfs_type(fs) == ""
    g.mke2fs(fs, fstype="ext4")
    g.mount(fs, "/")
    mounted = "mke2fs 1.47.0 (5-Feb-2023)\n/dev/sda1 is mounted; will not make a filesystem here!"
    assert err(g.mke2fs, fs) == f"mke2fs: /dev/sda1: {mounted}"
    assert err(g.mke2journal, 4096, fs) == f"mke2journal: {mounted}"


def test_external_journals(g: Any) -> None:
    fs, journal, fs2 = three_partitions(g)
    g.mke2fs(journal, journaldev=True, blocksize=4096)
    assert g.vfs_type(journal) == "jbd"
    g.mke2fs(fs, journaldevice=journal, blocksize=4096)
    assert sb(g, fs)["Journal device"] != ""
    # By label and by UUID (mke2fs finds the journal with blkid).
    g.mke2journal_L(4096, "JLAB", journal)
    assert g.vfs_label(journal) == "JLAB"
    g.mke2fs_JL("ext4", 4096, fs, "JLAB")
    assert g.vfs_type(fs) == "ext4"
    g.mke2journal_U(4096, JUUID, journal)
    assert g.vfs_uuid(journal) == JUUID
    g.mke2fs_JU("ext3", 4096, fs, JUUID)
    assert g.vfs_type(fs) == "ext3"
    g.mke2fs(fs2, fstype="ext4", blocksize=4096, journaldevice=f"UUID={JUUID}")
    assert g.vfs_type(fs2) == "ext4"
    g.mke2journal(4096, journal)
    g.mke2fs_J("ext4", 4096, fs, journal)
    assert sb(g, fs)["Journal UUID"] == g.vfs_uuid(journal)
    # Refusals.
    assert err(g.mke2journal_L, 4096, "x" * 17, journal) == \
        f"mke2journal_L: {'x' * 17}: ext2/3/4 labels are limited to 16 bytes"
    not_ext = "not a valid extended filesystem type"
    assert err(g.mke2fs_JL, "xfs", 4096, fs, "x" * 17) == f"mke2fs_JL: xfs: {not_ext}"
    assert err(g.mke2fs_JL, "ext4", 4096, fs, "x" * 17) == \
        f"mke2fs_JL: {'x' * 17}: ext2/3/4 labels are limited to 16 bytes"
    assert err(g.mke2fs_J, "xfs", 4096, fs, journal) == f"mke2fs_J: xfs: {not_ext}"
    assert err(g.mke2fs_JU, "bogus", 4096, fs, "x") == f"mke2fs_JU: bogus: {not_ext}"
    assert err(g.mke2journal, -1, journal) == "mke2journal: mke2fs: invalid block size - -1"
    assert err(g.mke2journal_U, 4096, "bad", journal) == \
        "mke2journal_U: mke2fs 1.47.0 (5-Feb-2023)\n/dev/sda2: could not parse UUID: bad"
    # mke2fs's message starts with a blank line, kept as stock keeps it.
    assert err(g.mke2fs_JL, "ext4", 4096, fs, "nosuch").startswith(
        "mke2fs_JL: \nCould not find journal device matching LABEL=nosuch\n\nBad journal options specified.")
    assert err(g.mke2fs, fs, journaldevice="LABEL=nolabel", blocksize=4096).startswith(
        "mke2fs: /dev/sda1: \nCould not find journal device matching LABEL=nolabel\n")
    # The journal device name is translated (then judged by mke2fs).
    assert err(g.mke2fs_J, "ext4", 4096, fs, "/dev/sdb") == (
        "mke2fs_J: mke2fs 1.47.0 (5-Feb-2023)\n"
        "mke2fs: Bad magic number in super-block while trying to open journal device /dev/sdb")
    assert err(g.mke2fs, fs, journaldevice="/dev/sdb1") == "mke2fs: /dev/sdb1: No such file or directory"


# -- the same script on stock ---------------------------------------------------------------


def _stock_script() -> list[Step]:
    """mke2fs steps whose outcomes hold nothing random."""
    s: list[Step] = [
        ("part_init", ["/dev/sda", "mbr"], {}),
        ("part_add", ["/dev/sda", "p", 2048, 2048 + 32 * 2048 - 1], {}),
        ("part_add", ["/dev/sda", "p", 2048 + 32 * 2048, 2048 + 64 * 2048 - 1], {}),
        ("mke2fs", ["/dev/sda1"], {"fstype": "ext4", "blocksize": 1024, "label": "L",
                                   "uuid": "01234567-89ab-cdef-0123-456789abcdef", "blockscount": 20000}),
        ("vfs_type", ["/dev/sda1"], {}),
        ("vfs_label", ["/dev/sda1"], {}),
        ("vfs_uuid", ["/dev/sda1"], {}),
        ("mke2fs", ["/dev/sda1"], {"numberofgroups": 0}),
        ("mke2fs", ["/dev/sda1"], {"bytesperinode": 0}),
        ("mke2fs", ["/dev/sda1"], {"maxonlineresize": 0}),
        ("mke2fs", ["/dev/sda1"], {"writesbandgrouponly": True}),
        ("mke2fs", ["/dev/sda1"], {"label": "x" * 20, "journaldevice": "/dev/sda1"}),
        ("mke2fs", ["/dev/sda1"], {"journaldevice": "/dev/VG/LV"}),
        ("mke2fs", ["/dev/sda1"], {"journaldevice": "/dev/"}),
        ("mke2fs", ["/dev/sda1"], {"journaldevice": ""}),
        ("mke2fs", ["/dev/sda1"], {"testfs": True, "quotatype": True, "lazyjournalinit": True}),
        ("vfs_type", ["/dev/sda1"], {}),
        ("mke2fs", ["/dev/sda2"], {"journaldev": True, "label": "J", "uuid": JUUID}),
        ("vfs_type", ["/dev/sda2"], {}),
        ("mke2fs_JU", ["ext4", 4096, "/dev/sda1", JUUID], {}),
        ("mke2fs_JU", ["ext4", 4096, "/dev/sda1", ""], {}),
        ("mke2journal_L", [4096, "", "/dev/sda2"], {}),
        ("vfs_label", ["/dev/sda2"], {}),
        ("mke2journal", [3000, "/dev/sda2"], {}),
        ("mke2fs_J", ["ext2", 1024, "/dev/sda1", "/dev/sda2"], {}),
        ("mke2fs_J", ["ext4", -1, "/dev/sda1", "/dev/sda2"], {}),
        ("mke2fs", ["/dev/sdz"], {}),
    ]
    s += [("mke2fs", ["/dev/sda1"], {name: -1}) for name in NUMBERS]
    return s


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
    assert_same_outcomes(script, mask_disk_letters(ours), mask_disk_letters(stock))
    assert {"ok": "jbd"} in ours and {"ok": "01234567-89ab-cdef-0123-456789abcdef"} in ours
