"""The sleuthkit readers of ``daemon/impl/sleuthkit.py`` on output captured
from The Sleuth Kit 4.11 (the appliance's) for an ext4 image: ``fls -a -r
-p`` and ``fls -a -r -m /`` of the same walk, and ``istat -z UTC`` of a
regular file, a fast symbolic link and a deleted inode."""

from __future__ import annotations

from guestfs_daemon.impl import sleuthkit as tsk

FLS = """\
d/d 2:\t.
d/d 2:\t..
d/d 11:\tlost+found
d/d 11:\tlost+found/.
d/d 2:\tlost+found/..
d/d 12:\tdir
d/d 12:\tdir/.
d/d 2:\tdir/..
r/r 14:\tdir/hard
p/p 16:\tfifo
r/r * 17:\tgone.txt
r/r * 15(realloc):\treused.txt
r/r 14:\thello.txt
l/l 18:\tlink
l/l 19:\tlonglink
V/V 16385:\t$OrphanFiles
-/r * 21:\t$OrphanFiles/OrphanFile-21
"""

BODY = """\
0|/.|2|d/drwxr-xr-x|0|0|1024|1796305450|1796305454|1796305454|1796305437
0|/..|2|d/drwxr-xr-x|0|0|1024|1796305450|1796305454|1796305454|1796305437
0|/lost+found|11|d/drwx------|0|0|12288|1796305437|1796305437|1796305437|1796305437
0|/lost+found/.|11|d/drwx------|0|0|12288|1796305437|1796305437|1796305437|1796305437
0|/lost+found/..|2|d/drwxr-xr-x|0|0|1024|1796305450|1796305454|1796305454|1796305437
0|/dir|12|d/drwxr-xr-x|0|0|1024|1796305436|1796305436|1796305436|1796305437
0|/dir/.|12|d/drwxr-xr-x|0|0|1024|1796305436|1796305436|1796305436|1796305437
0|/dir/..|2|d/drwxr-xr-x|0|0|1024|1796305450|1796305454|1796305454|1796305437
0|/dir/hard|14|r/rrw-r--r--|0|0|6|1796305436|1796305436|1796305436|1796305437
0|/fifo|16|p/prw-r--r--|0|0|0|1796305436|1796305436|1796305436|1796305437
0|/gone.txt (deleted)|17|r/rrw-r--r--|0|0|5|1796305436|1796305436|1796305436|1796305437
0|/reused.txt (deleted-realloc)|15|r/rrw-r--r--|0|0|5|1796305436|1796305436|1796305436|1796305437
0|/hello.txt|14|r/rrw-r--r--|0|0|6|1796305436|1796305436|1796305436|1796305437
0|/link -> hello.txt|18|l/lrwxrwxrwx|0|0|9|1796305436|1796305436|1796305436|1796305437
0|/longlink|19|l/lrwxrwxrwx|0|0|100|1796305436|1796305436|1796305436|1796305437
0|/$OrphanFiles|16385|V/V---------|0|0|0|0|0|0|0
0|/$OrphanFiles/OrphanFile-21 (deleted)|21|-/rrw-r--r--|0|0|0|1796305454|1796305454|1796305454|1796305454
"""

ISTAT_FILE = """\
inode: 17
Allocated
Group: 0
Generation Id: 2262815705
uid / gid: 0 / 0
mode: rrw-r--r--
Flags: Extents,
size: 5
num of links: 1

Inode Times:
Accessed:\t2026-12-03 13:44:14.132934078 (UTC)
File Modified:\t2026-12-03 13:44:14.136934078 (UTC)
Inode Modified:\t2026-12-03 13:44:14.136934078 (UTC)
File Created:\t2026-12-03 13:44:14.132934078 (UTC)

Direct Blocks:
8705
"""

ISTAT_DELETED = """\
inode: 21
Not Allocated
Group: 0
Generation Id: 1634965686
uid / gid: 0 / 0
mode: rrw-r--r--
Flags: Extents,
size: 0
num of links: 0

Inode Times:
Accessed:\t2026-12-03 13:44:14.140934078 (UTC)
File Modified:\t2026-12-03 13:44:14.312934072 (UTC)
Inode Modified:\t2026-12-03 13:44:14.312934072 (UTC)
File Created:\t0000-00-00 00:00:00 (UTC)
Deleted:\t2026-12-03 13:44:14 (UTC)

Direct Blocks:
"""

#: 2026-12-03 13:44:14 UTC.
T = 1796305454


def _walk() -> list[tsk.Name]:
    names = tsk.parse_fls(FLS)
    tsk.attach_body(names, BODY)
    return [n for n in names if tsk.keep(n)]


def test_fls_lines() -> None:
    names = tsk.parse_fls(FLS)
    assert len(names) == 17
    gone = next(n for n in names if n.path == "gone.txt")
    assert (gone.inode, gone.name_type, gone.allocated, gone.realloc) == (17, "r", False, False)
    reused = next(n for n in names if n.path == "reused.txt")
    assert (reused.inode, reused.allocated, reused.realloc) == (15, False, True)
    assert names[0].path == "." and names[0].allocated


def test_walk_keeps_root_dot_and_drops_the_rest() -> None:
    paths = [n.path for n in _walk()]
    assert paths == [".", "lost+found", "dir", "dir/hard", "fifo", "gone.txt", "reused.txt",
                     "hello.txt", "link", "longlink", "$OrphanFiles"]


def test_links_come_from_the_body_listing() -> None:
    by_path = {n.path: n for n in _walk()}
    assert by_path["link"].link == "hello.txt"
    assert by_path["longlink"].link == ""  # a slow link: sleuthkit keeps no target
    assert by_path["hello.txt"].link == ""
    assert by_path["$OrphanFiles"].body == {"size": 0, "atime": 0, "mtime": 0, "ctime": 0, "crtime": 0}


def test_body_that_does_not_line_up_is_ignored() -> None:
    names = tsk.parse_fls(FLS)
    tsk.attach_body(names, BODY.split("\n", 1)[1])
    assert all(n.link == "" and n.body == {} for n in names)


def test_body_line_with_a_bar_in_the_name() -> None:
    assert tsk.parse_body_line("0|/a|b -> c|20|l/lrwxrwxrwx|0|0|1|5|6|7|8") == (
        "/a|b -> c", {"size": 1, "atime": 5, "mtime": 6, "ctime": 7, "crtime": 8})
    assert tsk.parse_body_line("no bars") is None


def test_istat_times_to_the_nanosecond() -> None:
    meta = tsk.parse_istat(ISTAT_FILE)
    assert meta.allocated and meta.size == 5 and meta.nlink == 1 and not meta.compressed
    assert meta.times == {"atime": (T, 132934078), "mtime": (T, 136934078),
                          "ctime": (T, 136934078), "crtime": (T, 132934078)}


def test_istat_deleted_inode() -> None:
    meta = tsk.parse_istat(ISTAT_DELETED)
    assert not meta.allocated and meta.nlink == 0
    assert meta.times["crtime"] == (0, 0)
    assert meta.times["mtime"] == (T, 312934072)


def test_dirent_fields_and_flags() -> None:
    by_path = {n.path: n for n in _walk()}
    meta = tsk.parse_istat(ISTAT_FILE)
    d = tsk.dirent(by_path["hello.txt"], meta)
    assert d == {"tsk_inode": 14, "tsk_type": "r", "tsk_size": 5, "tsk_name": "hello.txt",
                 "tsk_flags": tsk.DIRENT_ALLOC, "tsk_atime_sec": T, "tsk_atime_nsec": 132934078,
                 "tsk_mtime_sec": T, "tsk_mtime_nsec": 136934078, "tsk_ctime_sec": T,
                 "tsk_ctime_nsec": 136934078, "tsk_crtime_sec": T, "tsk_crtime_nsec": 132934078,
                 "tsk_nlink": 1, "tsk_link": "", "tsk_spare1": 0}
    assert tsk.dirent(by_path["gone.txt"], meta)["tsk_flags"] == tsk.DIRENT_UNALLOC
    assert tsk.dirent(by_path["reused.txt"], meta)["tsk_flags"] == tsk.DIRENT_REALLOC
    assert tsk.dirent(by_path["fifo"], meta)["tsk_type"] == "f"
    orphans = tsk.dirent(by_path["$OrphanFiles"], None)
    assert (orphans["tsk_type"], orphans["tsk_size"], orphans["tsk_nlink"], orphans["tsk_mtime_sec"]) == (
        "u", 0, 1, 0)


def test_blkls_ranges_are_inclusive() -> None:
    assert tsk.blkls_argv("/dev/sda1", 0, 10, False) == ["blkls", "-e", "/dev/sda1", "0-10"]
    assert tsk.blkls_argv("/dev/sda1", 5, 9, True) == ["blkls", "-A", "/dev/sda1", "5-9"]
