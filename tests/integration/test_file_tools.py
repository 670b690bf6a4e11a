"""Extended attributes, file contents (wc, strings, hexdump, equal, file),
copying, temporary names, preallocation and a few appliance calls, in the
real appliance.

Expected results and error messages are stock libguestfs 1.48's, as seen
through its guestfish on this machine; where 1.48 hangs (``sleep -1``) or
says nothing useful (``equal`` on a missing file), ours gives a clear error.
"""

from __future__ import annotations

import os
import re
import stat
from typing import Any

import pytest

from tests.helpers import err

pytestmark = pytest.mark.appliance

TEXT = b"hello world\nline two\n"


def test_xattrs(gfs: Any) -> None:
    g = gfs
    g.write("/a", TEXT)
    g.ln_s("a", "/link")
    assert g.getxattrs("/a") == []
    g.setxattr("user.foo", "barbaz", 3, "/a")
    assert g.getxattrs("/a") == [{"attrname": "user.foo", "attrval": b"bar"}]
    assert g.getxattr("/a", "user.foo") == b"bar"
    assert g.getxattr("/link", "user.foo") == b"bar"  # followed
    assert err(g.getxattr, "/a", "user.nope") == "getxattr: getxattr: No data available"
    assert err(g.getxattr, "/nope", "user.foo") == "getxattr: getxattr: No such file or directory"
    assert err(g.setxattr, "user.foo", "bar", 3, "/nope") == \
        "setxattr: setxattr: No such file or directory"
    assert "vallen" in err(g.setxattr, "user.foo", "bar", 4, "/a")
    assert err(g.getxattrs, "/nope") == "getxattrs: listxattr: /nope: No such file or directory"
    g.lsetxattr("user.l", "val", 3, "/a")
    assert [x["attrname"] for x in g.lgetxattrs("/a")] == ["user.foo", "user.l"]
    assert g.lgetxattr("/a", "user.l") == b"val"
    # The link itself has no user attributes (Linux refuses them on symlinks).
    assert g.lgetxattrs("/link") == []
    g.removexattr("user.foo", "/a")
    assert err(g.removexattr, "user.foo", "/a") == "removexattr: removexattr: No data available"
    g.lremovexattr("user.l", "/a")
    assert g.getxattrs("/a") == []


def test_counts_strings_and_dumps(gfs: Any) -> None:
    g = gfs
    g.write("/a", TEXT)
    g.touch("/empty")
    g.mkdir("/d")
    assert (g.wc_l("/a"), g.wc_w("/a"), g.wc_c("/a")) == (2, 4, 21)
    assert (g.wc_l("/empty"), g.wc_w("/empty"), g.wc_c("/empty")) == (0, 0, 0)
    assert err(g.wc_l, "/nope") == "wc_l: wc -l: /nope: No such file or directory"
    assert err(g.wc_w, "/d") == "wc_w: wc -w: /d: Is a directory"
    # Words split across the daemon's read blocks are counted once.
    g.fill_pattern("ab ", 3 * 1024 * 1024 + 1, "/words")
    assert g.wc_w("/words") == 1024 * 1024 + 1
    assert g.wc_c("/words") == 3 * 1024 * 1024 + 1

    assert g.strings("/a") == ["hello world", "line two"]
    assert g.strings("/empty") == []
    g.write("/bin", b"\x00\x01ab\x00xyzw\x01tab\there\x01\x01" + "wide".encode("utf-16-le") + b"\x00\x00")
    assert g.strings("/bin") == ["xyzw", "tab\there"]
    assert g.strings_e("l", "/bin") == ["wide"]
    assert g.strings_e("b", "/a") == []
    assert g.strings_e("S", "/a") == ["hello world", "line two"]
    assert err(g.strings_e, "Q", "/a").startswith("strings_e: Q: invalid encoding")

    assert g.hexdump("/a") == (
        "00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 0a 6c 69 6e 65  |hello world.line|\n"
        "00000010  20 74 77 6f 0a                                    | two.|\n"
        "00000015\n")
    assert g.hexdump("/empty") == ""
    g.fill(0, 64, "/zeros")
    assert g.hexdump("/zeros") == (
        "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n"
        "*\n"
        "00000040\n")
    assert err(g.hexdump, "/nope") == "hexdump: hexdump: /nope: No such file or directory"


def test_equal_and_file(gfs: Any) -> None:
    g = gfs
    g.write("/a", TEXT)
    g.write("/b", TEXT)
    g.write("/c", b"different")
    g.mkdir("/d")
    assert g.equal("/a", "/b") == 1  # RBool is an int, as in the binding
    assert g.equal("/a", "/c") == 0
    g.fill_pattern("x", 2 * 1024 * 1024, "/big1")
    g.fill_pattern("x", 2 * 1024 * 1024 + 1, "/big2")
    assert g.equal("/big1", "/big2") == 0
    assert err(g.equal, "/a", "/nope") == "equal: cmp: /nope: No such file or directory"
    assert err(g.equal, "/d", "/a") == "equal: cmp: /d: Is a directory"

    assert g.file("/a") == "ASCII text"
    assert g.file("/d") == "directory"
    g.ln_s("a", "/link")
    g.ln_s("/nowhere", "/dangling")
    assert g.file("/link") == g.file("/dangling") == "symbolic link"  # as stock 1.48, no target
    assert g.file("/dev/sda1").startswith("Linux rev 1.0 ext4 filesystem data")
    assert err(g.file, "/nope") == "file: lstat: /nope: No such file or directory"


def test_copying(gfs: Any) -> None:
    g = gfs
    g.write("/a", TEXT)
    g.copy_file_to_file("/a", "/e", srcoffset=1, destoffset=2, size=3)
    assert g.read_file("/e") == b"\0\0ell"
    g.write("/t", b"0123456789")
    g.copy_file_to_file("/a", "/t", size=3)
    assert g.read_file("/t") == b"hel"  # the destination is truncated
    g.copy_file_to_file("/a", "/t", append=True)
    assert g.read_file("/t") == b"hel" + TEXT
    assert err(g.copy_file_to_file, "/a", "/e", size=1000) == "copy_file_to_file: /a: input too short"
    assert err(g.copy_file_to_file, "/nope", "/e") == \
        "copy_file_to_file: /nope: No such file or directory"
    assert err(g.copy_file_to_file, "/a", "/nodir/x") == \
        "copy_file_to_file: /nodir/x: No such file or directory"
    # Sparse: zero blocks become holes, and the size still comes out right.
    g.fill(0, 4 * 1024 * 1024, "/zeros")
    g.copy_file_to_file("/zeros", "/holes", sparse=True)
    assert g.filesize("/holes") == 4 * 1024 * 1024
    assert g.statns("/holes")["st_blocks"] < 64

    # File ↔ device: put the text on the second disk and read it back.
    g.copy_file_to_device("/a", "/dev/sdb", destoffset=512)
    assert g.pread_device("/dev/sdb", len(TEXT), 512) == TEXT
    g.copy_device_to_file("/dev/sdb", "/back", srcoffset=512, size=len(TEXT))
    assert g.read_file("/back") == TEXT
    g.copy_device_to_device("/dev/sdb", "/dev/sdb", srcoffset=512, destoffset=4096, size=len(TEXT))
    assert g.pread_device("/dev/sdb", len(TEXT), 4096) == TEXT
    assert err(g.copy_device_to_file, "/dev/sdz", "/x").startswith("copy_device_to_file: ")

    g.write("/h", b"0123456789")
    g.copy_size("/a", "/h", 3)
    assert g.read_file("/h") == b"hel"
    assert err(g.copy_size, "/a", "/h", 500) == "copy_size: /a: input file too short"
    g.dd("/a", "/dd")
    assert g.read_file("/dd") == TEXT


def test_names_and_space(gfs: Any) -> None:
    g = gfs
    g.write("/a", TEXT)
    g.mkdir("/tmp")
    g.rename("/a", "/tmp/b")
    assert g.ls("/tmp") == ["b"]
    assert err(g.rename, "/a", "/c") == "rename: rename: /a: /c: No such file or directory"
    assert err(g.rename, "/tmp/b", "/tmp/b/c") == "rename: rename: /tmp/b: /tmp/b/c: Not a directory"

    name = g.mktemp("/tmp/fooXXXXXX")
    assert re.fullmatch(r"/tmp/foo[A-Za-z0-9]{6}", name)
    assert g.statns(name)["st_mode"] == stat.S_IFREG | 0o600
    assert re.fullmatch(r"/tmp/foo[A-Za-z0-9]{6}\.txt", g.mktemp("/tmp/fooXXXXXX", suffix=".txt"))
    assert err(g.mktemp, "/tmp/fooXXXXX").startswith("mktemp: /tmp/fooXXXXX: Invalid argument")
    d = g.mkdtemp("/tmp/dirXXXXXX")
    assert g.is_dir(d) and g.statns(d)["st_mode"] & 0o777 == 0o700
    assert err(g.mkdtemp, "/nope/dirXXXXXX") == "mkdtemp: /nope/dirXXXXXX: No such file or directory"
    assert "path must start with a / character" in err(g.mkdtemp, "relXXXXXX")

    g.fallocate64("/g", 1000)
    st = g.statns("/g")
    assert st["st_size"] == 1000 and st["st_blocks"] > 0
    g.fallocate64("/g", 10)  # already longer: left as it is
    assert g.filesize("/g") == 1000
    assert err(g.fallocate64, "/h", -1).startswith("fallocate64: /h: Invalid argument")

    g.rm_rf("/lost+found")
    g.mklost_and_found("/")
    assert g.is_dir("/lost+found")
    assert err(g.mklost_and_found, "/nope").startswith("mklost_and_found: ")


def test_appliance_calls(g: Any) -> None:
    assert g.echo_daemon(["a b", "c"]) == "a b c"
    assert g.echo_daemon([]) == ""
    assert g.get_umask() == 0o022
    u = g.utsname()
    assert u["uts_sysname"] == "Linux" and u["uts_machine"] == os.uname().machine
    assert u["uts_release"] and u["uts_version"]
    g.sleep(0)
    assert "cannot be negative" in err(g.sleep, -1)
    assert g.nr_devices() == len(g.list_devices()) == 2
    g.part_disk("/dev/sda", "mbr")
    assert g.is_whole_device("/dev/sda") == 1
    assert g.is_whole_device("/dev/sda1") == 0
    assert err(g.is_whole_device, "/dev/sdz").startswith("is_whole_device: ")
    assert "Filesystem" in g.df() and "Size" in g.df_h()
    assert "Linux version" in g.dmesg()
    g.drop_caches(3)
    assert err(g.drop_caches, 5) == "drop_caches: /proc/sys/vm/drop_caches: Invalid argument"
    g.mkfs("ext4", "/dev/sda1")
    assert g.vfs_type("/dev/sda1") == "ext4"
    g.wipefs("/dev/sda1")
    assert g.vfs_type("/dev/sda1") == ""


def test_compressed_and_cpio_streams(gfs: Any, tmp_path: Any) -> None:
    import gzip
    import lzma
    import subprocess

    g = gfs
    g.write("/a", TEXT * 100)
    out = tmp_path / "a.gz"
    g.compress_out("gzip", "/a", str(out))
    assert gzip.decompress(out.read_bytes()) == TEXT * 100
    g.compress_out("xz", "/a", str(out), level=9)
    assert lzma.decompress(out.read_bytes()) == TEXT * 100
    assert "unknown compression type" in err(g.compress_out, "zip", "/a", str(out))
    assert "level 12 is not supported" in err(g.compress_out, "gzip", "/a", str(out), level=12)
    assert err(g.compress_out, "gzip", "/nope", str(out)) == \
        "compress_out: /nope: No such file or directory"
    g.pwrite_device("/dev/sdb", b"on the device", 0)
    g.compress_device_out("gzip", "/dev/sdb", str(out))
    raw = gzip.decompress(out.read_bytes())
    assert len(raw) == g.blockdev_getsize64("/dev/sdb") and raw.startswith(b"on the device")

    g.mkdir_p("/tree/sub")
    g.write("/tree/sub/f", b"in the archive")
    archive = tmp_path / "tree.cpio"
    g.cpio_out("/tree", str(archive))
    listing = subprocess.run(["cpio", "--quiet", "-it"], input=archive.read_bytes(),
                             capture_output=True, check=True).stdout.decode().split()
    assert sorted(listing) == [".", "sub", "sub/f"]
    assert "unknown cpio format" in err(g.cpio_out, "/tree", str(archive), format="zip")
    assert "not a directory" in err(g.cpio_out, "/a", str(archive))

    g.upload("/usr/bin/ls", "/ls")
    assert g.file_architecture("/ls") == os.uname().machine.replace("amd64", "x86_64")
    assert err(g.file_architecture, "/a") == "file_architecture: unknown architecture: /a"
    g.write("/t.gz", gzip.compress(b"just some text\n"))
    assert g.zfile("gzip", "/t.gz") == "ASCII text"
    g.write_file("/w", "hello there", 5)
    assert g.read_file("/w") == b"hello"
    g.write_file("/w", "whole", 0)
    assert g.read_file("/w") == b"whole"
