"""The pure parts of the ntfs, mke2fs and sfdisk families: the minimum size
read from ``ntfsresize --info`` (``daemon/lib/ntfs.py``; output captured
from ntfs-3g 2022.10.3, the appliance's), and the mke2fs and sfdisk
command lines (``daemon/impl/mke2fs.py``, ``sfdisk.py``) as libguestfs
1.48.6's daemon was watched building them; also ``xfs_info2``'s table
(``daemon/lib/xfsinfo.py``) and the LVM device filter (``daemon/lib/lvm.py``)."""

from __future__ import annotations

import pytest

from guestfs_daemon.errors import DaemonError
from guestfs_daemon.impl.mke2fs import check_extfs, check_label, mke2fs_argv
from guestfs_daemon.impl.sfdisk import sfdisk_argv, sfdisk_input
from guestfs_daemon.lib.lvm import filter_setting
from guestfs_daemon.lib.ntfs import parse_min_size
from guestfs_daemon.lib.xfsinfo import parse_xfs_info2

INFO_HEAD = """\
ntfsresize v2022.10.3 (libntfs-3g)
Device name        : /dev/sda1
NTFS volume version: 3.1
Cluster size       : 4096 bytes
Current volume size: 16773632 bytes (17 MB)
Current device size: 16777216 bytes (17 MB)
Checking filesystem consistency ...
100.00 percent completed
Accounting clusters ...
"""

INFO_OK = INFO_HEAD + """\
Space in use       : 16 MB (90.6%)
Collecting resizing constraints ...
You might resize at 15196160 bytes or 16 MB (freeing 1 MB).
Please make a test run using both the -n and -s options before real resizing!
"""

INFO_FULL = INFO_HEAD + """\
Space in use       : 17 MB (100.0%)
Collecting resizing constraints ...
ERROR: Volume is full. To shrink it, delete unused files.
"""

NOT_NTFS_ERR = """\
NTFS signature is missing.
ERROR(22): Opening '/dev/sdb' as NTFS failed: Invalid argument
The device '/dev/sdb' doesn't have a valid NTFS."""


# -- ntfsresize --info ------------------------------------------------------------


def test_min_size_is_what_ntfsresize_suggests() -> None:
    assert parse_min_size(INFO_OK, failed=False) == 15196160


def test_min_size_of_a_full_volume_is_its_size_in_whole_clusters() -> None:
    # ntfsresize fails, saying so on stdout, where the sizes are too.
    assert parse_min_size(INFO_FULL, failed=True) == 16777216 == 4096 * 4096
    # Full only counts when it failed; "Volume is full" on stderr alone is a plain failure.
    with pytest.raises(DaemonError, match="^ERROR: Volume is full"):
        parse_min_size(INFO_HEAD, failed=True, err="ERROR: Volume is full.")


def test_min_size_failure_is_ntfsresizes_stderr() -> None:
    with pytest.raises(DaemonError) as e:
        parse_min_size("ntfsresize v2022.10.3 (libntfs-3g)\n", failed=True, err=NOT_NTFS_ERR + "\n")
    assert str(e.value) == NOT_NTFS_ERR


def test_min_size_full_volume_without_sizes() -> None:
    with pytest.raises(DaemonError, match="bad cluster size"):
        parse_min_size("ERROR: Volume is full.\n", failed=True)
    with pytest.raises(DaemonError, match="cannot parse volume size"):
        parse_min_size("Cluster size       : 4096 bytes\nERROR: Volume is full.\n", failed=True)


def test_min_size_missing_from_output() -> None:
    with pytest.raises(DaemonError, match="not found"):
        parse_min_size(INFO_HEAD, failed=False)


# -- mke2fs command lines ---------------------------------------------------------


def test_mke2fs_plain() -> None:
    assert mke2fs_argv("/dev/sda1", {}) == ["mke2fs", "/dev/sda1"]


def test_mke2fs_numbers_in_stocks_order() -> None:
    opts = {"blockscount": 1000, "blocksize": 1024, "fragsize": 1024, "blockspergroup": 8192,
            "numberofgroups": 1, "bytesperinode": 4096, "inodesize": 256, "journalsize": 1,
            "numberofinodes": 128, "stridesize": 2, "stripewidth": 4, "maxonlineresize": 5000,
            "reservedblockspercentage": 3, "mmpupdateinterval": 7}
    assert mke2fs_argv("/dev/sda1", opts) == [
        "mke2fs", "-b", "1024", "-f", "1024", "-g", "8192", "-G", "1", "-i", "4096", "-I", "256",
        "-J", "size=1", "-m", "3", "-N", "128", "-E", "mmp_update_interval=7", "-E", "stride=2",
        "-E", "stripe_width=4", "-E", "resize=5000", "/dev/sda1", "1000"]


def test_mke2fs_flags_true_and_false() -> None:
    bools = ("forcecreate", "writesbandgrouponly", "lazyitableinit", "lazyjournalinit", "testfs",
             "discard", "quotatype", "extent", "filetype", "flexbg", "hasjournal", "journaldev",
             "largefile", "quota", "resizeinode", "sparsesuper", "uninitbg")
    features = ["extent", "filetype", "flexbg", "has_journal", "journal_dev", "large_file", "quota",
                "resize_inode", "sparse_super", "uninit_bg"]
    on = mke2fs_argv("/dev/sda1", dict.fromkeys(bools, True))
    assert on == ["mke2fs", "-F", "-S", "-E", "lazy_itable_init=1", "-E", "lazy_journal_init=1",
                  "-E", "test_fs", "-E", "discard",
                  *[x for f in features for x in ("-O", f)], "/dev/sda1"]
    off = mke2fs_argv("/dev/sda1", dict.fromkeys(bools, False))
    assert off == ["mke2fs", "-E", "lazy_itable_init=0", "-E", "lazy_journal_init=0", "-E", "nodiscard",
                   *[x for f in features for x in ("-O", f"^{f}")], "/dev/sda1"]
    # quotatype, as in libguestfs, adds nothing either way.
    assert mke2fs_argv("/dev/sda1", {"quotatype": True}) == ["mke2fs", "/dev/sda1"]


def test_mke2fs_strings() -> None:
    opts = {"label": "lab", "lastmounteddir": "/mnt", "creatoros": "Linux", "fstype": "ext3",
            "usagetype": "small", "uuid": "01234567-89ab-cdef-0123-456789abcdef"}
    assert mke2fs_argv("/dev/sda1", opts) == [
        "mke2fs", "-L", "lab", "-M", "/mnt", "-o", "Linux", "-t", "ext3", "-T", "small",
        "-U", "01234567-89ab-cdef-0123-456789abcdef", "/dev/sda1"]
    # Empty strings are passed on; labels are not length-checked here.
    assert mke2fs_argv("/dev/sda1", {"label": "", "journaldevice": ""}) == \
        ["mke2fs", "-J", "device=", "-L", "", "/dev/sda1"]
    assert mke2fs_argv("/dev/sda2", {"journaldev": True, "blocksize": 4096}) == \
        ["mke2fs", "-b", "4096", "-O", "journal_dev", "/dev/sda2"]
    assert mke2fs_argv("/dev/sda1", {"journaldevice": "/dev/sda2", "blocksize": 4096}) == \
        ["mke2fs", "-b", "4096", "-J", "device=/dev/sda2", "/dev/sda1"]


@pytest.mark.parametrize("name", ["blockscount", "blocksize", "fragsize", "blockspergroup",
                                  "numberofgroups", "bytesperinode", "inodesize", "journalsize",
                                  "numberofinodes", "stridesize", "stripewidth", "maxonlineresize",
                                  "reservedblockspercentage", "mmpupdateinterval"])
def test_mke2fs_refuses_negative_numbers(name: str) -> None:
    with pytest.raises(DaemonError, match=f"^{name} must be >= 0$"):
        mke2fs_argv("/dev/sda1", {name: -1})
    assert mke2fs_argv("/dev/sda1", {name: 0})[-1] in ("0", "/dev/sda1")


@pytest.mark.parametrize("fstype", ["xfs", "ext5", "EXT4", ""])
def test_extfs_types(fstype: str) -> None:
    with pytest.raises(DaemonError, match=f"^{fstype}: not a valid extended filesystem type$"):
        mke2fs_argv("/dev/sda1", {"fstype": fstype})
    for good in ("ext2", "ext3", "ext4"):
        check_extfs(good)


def test_journal_labels_are_limited() -> None:
    check_label("x" * 16)
    with pytest.raises(DaemonError, match="^x{17}: ext2/3/4 labels are limited to 16 bytes$"):
        check_label("x" * 17)
    with pytest.raises(DaemonError):
        check_label("é" * 9)  # 18 bytes


# -- sfdisk command lines ---------------------------------------------------------


def test_sfdisk_argv() -> None:
    assert sfdisk_argv("/dev/sdb", 0, 0, 0, 0) == ["sfdisk", "/dev/sdb"]
    assert sfdisk_argv("/dev/sdb", 1, 10, 2, 3) == \
        ["sfdisk", "-N", "1", "-C", "10", "-H", "2", "-S", "3", "/dev/sdb"]
    # A partition number <= 0 means the whole table; negative geometry is passed on.
    assert sfdisk_argv("/dev/sdb", -1, -1, 0, 0) == ["sfdisk", "-C", "-1", "/dev/sdb"]
    assert sfdisk_argv("/dev/sdb", 0, 0, 0, 0, "-uM") == ["sfdisk", "-uM", "/dev/sdb"]


def test_sfdisk_input() -> None:
    assert sfdisk_input([]) == b""
    assert sfdisk_input([",10M", ",,E", ";"]) == b",10M\n,,E\n;\n"


def test_mke2fs_every_option_in_stocks_order() -> None:
    # The command line stock 1.48.6 ran for this call (mke2fs then refused "-b 2").
    ints = ("blockscount", "blocksize", "fragsize", "blockspergroup", "numberofgroups",
            "bytesperinode", "inodesize", "journalsize", "numberofinodes", "stridesize",
            "stripewidth", "maxonlineresize", "reservedblockspercentage", "mmpupdateinterval")
    opts: dict[str, object] = {n: i + 1 for i, n in enumerate(ints)}
    opts.update(dict.fromkeys(("forcecreate", "writesbandgrouponly", "lazyitableinit", "lazyjournalinit",
                               "testfs", "discard", "quotatype", "extent", "filetype", "flexbg",
                               "hasjournal", "journaldev", "largefile", "quota", "resizeinode",
                               "sparsesuper", "uninitbg"), True))
    opts.update({"journaldevice": "LABEL=j", "label": "L", "lastmounteddir": "/m", "creatoros": "Linux",
                 "fstype": "ext4", "usagetype": "small", "uuid": "bogus"})
    assert " ".join(mke2fs_argv("/dev/sda1", opts)) == (
        "mke2fs -b 2 -f 3 -F -g 4 -G 5 -i 6 -I 7 -J size=8 -J device=LABEL=j -L L -m 13 -M /m -N 9 "
        "-o Linux -S -t ext4 -T small -U bogus -E mmp_update_interval=14 -E stride=10 "
        "-E stripe_width=11 -E resize=12 -E lazy_itable_init=1 -E lazy_journal_init=1 -E test_fs "
        "-E discard -O extent -O filetype -O flexbg -O has_journal -O journal_dev -O large_file "
        "-O quota -O resize_inode -O sparse_super -O uninit_bg /dev/sda1 1")


def test_mke2fs_checks_in_command_line_order() -> None:
    def missing(name: str) -> str:
        raise DaemonError(f"{name}: No such file or directory")

    with pytest.raises(DaemonError, match="^blocksize must be >= 0$"):
        mke2fs_argv("/dev/sda1", {"journaldevice": "/dev/sdz", "blocksize": -1}, missing)
    with pytest.raises(DaemonError, match="^/dev/sdz: No such file or directory$"):
        mke2fs_argv("/dev/sda1", {"journaldevice": "/dev/sdz", "fstype": "xfs"}, missing)
    with pytest.raises(DaemonError, match="^blocksize must be >= 0$"):
        mke2fs_argv("/dev/sda1", {"fstype": "xfs", "blocksize": -1})
    # The journal device goes through the translation; an empty one does not.
    assert mke2fs_argv("/dev/sda1", {"journaldevice": "/dev/sdb"}, lambda n: "/dev/vdb") == \
        ["mke2fs", "-J", "device=/dev/vdb", "/dev/sda1"]
    assert mke2fs_argv("/dev/sda1", {"journaldevice": ""}, missing) == \
        ["mke2fs", "-J", "device=", "/dev/sda1"]


# -- xfs_info2 and the LVM filter ---------------------------------------------------

XFS_INFO = """\
meta-data=/dev/sda1              isize=512    agcount=4, agsize=19200 blks
         =                       sectsz=512   attr=2, projid32bit=1
         =                       crc=1        finobt=1, sparse=1, rmapbt=0
         =                       reflink=1    bigtime=1 inobtcount=1 nrext64=0
data     =                       bsize=4096   blocks=76800, imaxpct=25
         =                       sunit=0      swidth=0 blks
naming   =version 2              bsize=4096   ascii-ci=0, ftype=1
log      =internal log           bsize=4096   blocks=16384, version=2
         =                       sectsz=512   sunit=0 blks, lazy-count=1
realtime =none                   extsz=4096   blocks=0, rtextents=0
"""


def test_xfs_info2_keys_and_values() -> None:
    pairs = parse_xfs_info2(XFS_INFO)
    table = dict(pairs)
    assert len(table) == len(pairs) == 35
    assert pairs[:4] == [("meta-data", "/dev/sda1"), ("meta-data.isize", "512"),
                         ("meta-data.agcount", "4"), ("meta-data.agsize", "19200 blks")]
    assert table["meta-data.crc"] == "1"
    assert table["meta-data.nrext64"] == "0"
    assert "data" not in table  # the data group begins with its fields
    assert table["data.sunit"] == "0" and table["data.swidth"] == "0 blks"
    assert table["naming"] == "version 2" and table["naming.ascii-ci"] == "0"
    assert table["log"] == "internal log" and table["log.sunit"] == "0 blks"
    assert table["log.lazy-count"] == "1"
    assert table["realtime"] == "none" and table["realtime.rtextents"] == "0"


def test_xfs_info2_ignores_what_is_no_group() -> None:
    assert parse_xfs_info2("") == []
    # A line before any group, and one that is neither a heading nor a continuation.
    assert parse_xfs_info2("         = stray=1\nxfs_info: warning\n") == []
    assert parse_xfs_info2("log      =/dev/sdb1              bsize=4096\n") == \
        [("log", "/dev/sdb1"), ("log.bsize", "4096")]


def test_lvm_filter_setting() -> None:
    assert filter_setting(None) == ""
    assert filter_setting(()) == 'devices/filter=["r|.*|"]'
    assert filter_setting(("/dev/sda", "/dev/sdb1")) == \
        'devices/filter=["a|^/dev/sda$|","a|^/dev/sdb1$|","r|.*|"]'
