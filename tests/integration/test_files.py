"""File and directory actions in the real appliance, on an ext4 filesystem.

Expected results and error messages are stock libguestfs 1.48's.  The host
tests (``tests/daemon/test_files_host.py``) cover more cases without a VM;
these make sure the same holds inside the appliance (its Python, its tools,
a real disk filesystem).
"""

from __future__ import annotations

import hashlib
import stat
from typing import Any

import pytest

from tests.helpers import err

pytestmark = pytest.mark.appliance



def test_create_and_remove(gfs: Any) -> None:
    g = gfs
    g.mkdir("/a")
    assert err(g.mkdir, "/a") == "mkdir: /a: File exists"
    assert err(g.mkdir, "/nodir/x") == "mkdir: /nodir/x: No such file or directory"
    g.mkdir_p("/a/b/c")
    g.mkdir_p("/a/b/c")
    g.touch("/f")
    assert err(g.mkdir_p, "/f") == "mkdir_p: /f: a path element was not a directory"
    assert err(g.touch, "/a") == "touch: /a: touch can only be used on a regular files"
    g.mkdir_mode("/m", 0o777)
    assert g.statns("/m")["st_mode"] == stat.S_IFDIR | 0o755
    assert err(g.rmdir, "/a") == "rmdir: /a: Directory not empty"
    assert err(g.rm, "/a") == "rm: /a: Is a directory"
    assert err(g.rm, "/missing") == "rm: /missing: No such file or directory"
    g.rm_f("/missing")
    g.rm_rf("/a")
    assert not g.exists("/a")
    assert err(g.rm_rf, "/") == "rm_rf: cannot remove root directory"
    assert "path must start with a / character" in err(g.mkdir, "relative")
    assert g.umask(0o077) == 0o022
    g.touch("/private")
    assert g.umask(0o022) == 0o077
    assert g.statns("/private")["st_mode"] & 0o777 == 0o600
    g.mkfifo(0o644, "/fifo")
    g.mknod_c(0o644, 1, 3, "/null")
    assert g.is_fifo("/fifo") and g.is_chardev("/null")


def test_listing(gfs: Any, tmp_path: Any) -> None:
    g = gfs
    g.mkdir_p("/a/b/c")
    g.write("/a/w", b"hello\n")
    g.ln_s("w", "/a/sl")
    assert g.ls("/") == ["a", "lost+found"]
    assert g.ls("/a") == ["b", "sl", "w"]
    assert err(g.ls, "/missing") == "ls0: opendir: /missing: No such file or directory"
    assert g.find("/") == ["a", "a/b", "a/b/c", "a/sl", "a/w", "lost+found"]
    assert g.find("/a") == ["/b", "/b/c", "/sl", "/w"]
    assert err(g.find, "/a/w") == "find0: /a/w: not a directory"
    ents = g.readdir("/a")
    assert sorted((e["name"], e["ftyp"]) for e in ents) == [
        (".", "d"), ("..", "d"), ("b", "d"), ("sl", "l"), ("w", "r")]
    assert err(g.readdir, "/missing") == "readdir: opendir: /missing: No such file or directory"
    assert "w\n" in g.ll("/a")
    assert g.glob_expand("/a/*") == ["/a/b/", "/a/sl", "/a/w"]
    assert g.glob_expand("/a/{w,b}") == ["/a/w", "/a/b/"]
    assert g.glob_expand("/nothing*") == []


def test_guest_symlinks_resolve_in_the_guest(gfs: Any) -> None:
    g = gfs
    g.mkdir_p("/a/b")
    g.ln_s("/a", "/sd")  # absolute: the guest's /a, not the appliance's
    g.ln_s("/etc", "/etc_link")  # the appliance has /etc, the guest does not
    assert g.realpath("/sd/b/../b") == "/a/b"
    assert g.is_dir("/sd", followsymlinks=True) and not g.is_dir("/sd")
    assert not g.exists("/etc") and not g.is_dir("/etc_link", followsymlinks=True)
    g.mkdir_p("/sd/x")
    assert g.is_dir("/a/x")
    assert g.glob_expand("/sd/*") == ["/sd/b/", "/sd/x/"]
    g.write("/sd/file", b"via link")
    assert g.cat("/a/file") == "via link"


def test_stat_and_attributes(gfs: Any) -> None:
    g = gfs
    g.write("/f", b"0123456789")
    g.ln_s("f", "/sl")
    st = g.statns("/f")
    assert st["st_size"] == 10 and stat.S_ISREG(st["st_mode"])
    assert stat.S_ISLNK(g.lstatns("/sl")["st_mode"])
    assert err(g.statns, "/missing") == "statns: /missing: No such file or directory"
    lst = g.lstatnslist("/", ["f", "missing"])
    assert lst[0]["st_ino"] == st["st_ino"] and lst[1]["st_ino"] == -1
    assert g.readlinklist("/", ["sl", "f"]) == ["f", ""]
    assert g.statvfs("/")["bsize"] in (1024, 4096)
    g.chmod(0o4755, "/f")
    assert g.statns("/f")["st_mode"] == stat.S_IFREG | 0o4755
    assert err(g.chmod, 0o644, "/missing") == "chmod: /missing: 0644: No such file or directory"
    g.chown(1, 2, "/f")
    assert g.statns("/f")["st_uid"] == 1 and g.statns("/f")["st_gid"] == 2
    assert err(g.chown, 1, 2, "/missing") == "chown: /missing: 1.2: No such file or directory"
    g.utimens("/f", 1, 2, 3, 4)
    st = g.statns("/f")
    assert (st["st_atime_sec"], st["st_atime_nsec"], st["st_mtime_sec"], st["st_mtime_nsec"]) == (1, 2, 3, 4)
    g.ln("/f", "/hl")
    assert g.statns("/f")["st_nlink"] == 2
    assert err(g.ln, "/f", "/hl") == "ln: link: /f: /hl: File exists"
    g.ln_sf("x", "/sl")
    assert g.readlink("/sl") == "x"
    assert g.filesize("/f") == 10
    assert g.du("/") > 0


def test_read_write(gfs: Any) -> None:
    g = gfs
    g.write("/w", b"hello\nworld\n")
    assert g.pread("/w", 5, 0) == b"hello"
    assert g.pread("/w", 5, 100) == b""
    assert err(g.pread, "/w", -1, 0) == "pread: count is negative"
    assert err(g.pread, "/missing", 5, 0) == "pread: open: /missing: No such file or directory"
    assert err(g.pread, "/w", 4 * 1024 * 1024, 0) == \
        "pread: /w: count is too large for the protocol, use smaller reads"
    assert g.pwrite("/w", b"HE", 0) == 2
    assert g.pwrite("/w", b"XX", 20) == 2
    assert g.read_file("/w") == b"HEllo\nworld\n" + b"\0" * 8 + b"XX"
    assert err(g.pwrite, "/missing", b"x", 0) == "pwrite: open: /missing: No such file or directory"
    g.write_append("/w", b"!")
    assert g.filesize("/w") == 23
    g.truncate_size("/w", 3)
    assert g.cat("/w") == "HEl"
    g.truncate("/w")
    assert g.filesize("/w") == 0
    g.mkdir("/d")
    assert err(g.write, "/d", b"x") == "internal_write: open: /d: Is a directory"
    g.fill(65, 100_000, "/fill")
    assert g.checksum("md5", "/fill") == hashlib.md5(b"A" * 100_000).hexdigest()
    g.fill_pattern("abc", 8, "/fp")
    assert g.cat("/fp") == "abcabcab"
    assert err(g.fill, 256, 1, "/x") == "fill: 256: byte number must be in range 0..255"
    g.fill(0, 2_000_000, "/zeros")
    assert g.is_zero("/zeros") and not g.is_zero("/fp")
    g.cp("/fp", "/fp2")
    g.cp_a("/d", "/d2")
    g.mv("/fp2", "/d2/fp3")
    assert g.find("/d2/") == ["fp3"]
    assert g.cat("/d2/fp3") == "abcabcab"


def test_text_tools(gfs: Any) -> None:
    g = gfs
    data = b"".join(b"line%d\n" % i for i in range(20))
    g.write("/lines", data)
    assert g.head("/lines") == [f"line{i}" for i in range(10)]
    assert g.head_n(-17, "/lines") == ["line0", "line1", "line2"]
    assert g.tail_n(2, "/lines") == ["line18", "line19"]
    assert g.tail_n(-19, "/lines") == ["line18", "line19"]
    assert g.grep("line1[0-2]", "/lines") == ["line10", "line11", "line12"]
    assert g.grep("LINE(3|4)$", "/lines", extended=True, insensitive=True) == ["line3", "line4"]
    assert g.grep("nomatch", "/lines") == []
    assert err(g.grep, "x", "/missing") == "grep: /missing: No such file or directory"
    assert g.checksum("sha256", "/lines") == hashlib.sha256(data).hexdigest()
    assert g.checksum("crc", "/lines") == "752878806"
    assert err(g.checksum, "bogus", "/lines") == \
        "checksum: unknown checksum type, expecting crc|md5|sha1|sha224|sha256|sha384|sha512"


def test_devices_and_free_space(gfs: Any) -> None:
    g = gfs
    g.pwrite_device("/dev/sdb", b"\1", 100 * 1024 * 1024)
    assert not g.is_zero_device("/dev/sdb")
    g.zero_device("/dev/sdb")
    assert g.is_zero_device("/dev/sdb")
    g.write("/junk", b"x" * 1_000_000)
    g.rm("/junk")
    g.zero_free_space("/")
    assert g.ls("/") == ["lost+found"]
    g.ping_daemon()
