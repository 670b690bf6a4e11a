"""File, transfer and command actions against the daemon running on the host.

No VM: ``python3 -m guestfs_daemon.server --listen SOCK`` serves a unix socket with
its sysroot on a small tmpfs, and the library connects with the ``unix:``
backend.  Expected results and error messages are those of stock libguestfs
1.48 (checked against it by hand).  Needs root (mount, chroot).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import time
import warnings
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import xdrlib3

from guestfs.actions._registry import struct_codecs
from guestfs.testing import skip_or_fail
from tests.helpers import raised as err

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
#: Programs copied (with their libraries) into a sysroot so that command/sh have a guest to run.
MINI_PROGRAMS = ("dash", "echo", "cat", "true", "false", "printf", "ls", "env", "pwd", "id")


def build_mini_root(dest: str) -> None:
    """Copy a few host programs and their shared libraries into ``dest`` (a tiny "guest")."""
    for d in ("bin", "tmp"):
        os.makedirs(os.path.join(dest, d), exist_ok=True)
    for prog in MINI_PROGRAMS:
        src = shutil.which(prog)
        assert src, f"{prog} is not installed on the host"
        shutil.copy2(src, os.path.join(dest, "bin", prog))
        out = subprocess.run(["ldd", src], capture_output=True, text=True).stdout
        for word in out.split():
            if word.startswith("/"):
                lib = os.path.join(dest, word.lstrip("/"))
                os.makedirs(os.path.dirname(lib), exist_ok=True)
                shutil.copy2(os.path.realpath(word), lib)
    os.symlink("dash", os.path.join(dest, "bin", "sh"))


def _mounts_under(path: str) -> list[str]:
    """Mount points at or below ``path``, deepest first."""
    with open("/proc/self/mounts") as f:
        points = [line.split()[1] for line in f]
    return sorted((p for p in points if p == path or p.startswith(path + "/")), key=len, reverse=True)


@pytest.fixture(scope="module")
def hostd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """A daemon on a unix socket with a tmpfs sysroot, and a launched handle on it."""
    if os.geteuid() != 0:
        skip_or_fail("host daemon tests need root (they mount a tmpfs and chroot)")
    import guestfs
    base = str(tmp_path_factory.mktemp("hostd"))
    root = os.path.join(base, "sysroot")
    os.mkdir(root)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160m", "none", root], check=True)
    sock = os.path.join(base, "sock")
    log = open(os.path.join(base, "daemon.log"), "wb")
    env = dict(os.environ, GUESTFSD_SYSROOT=root, PYTHONPATH=REPO)
    proc = subprocess.Popen([sys.executable, "-m", "guestfs_daemon.server", "--listen", sock],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    g = None
    try:
        for _ in range(200):
            if os.path.exists(sock) or proc.poll() is not None:
                break
            time.sleep(0.05)
        g = guestfs.GuestFS(python_return_dict=True)
        g.set_backend(f"unix:{sock}")
        g.launch()
        yield SimpleNamespace(g=g, root=root, base=base)
    finally:
        if g is not None:
            g.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        for mp in _mounts_under(root):
            subprocess.run(["umount", "-l", mp], check=False)


@pytest.fixture
def h(hostd: SimpleNamespace) -> Iterator[Any]:
    """The handle, with an empty sysroot and umask 022 for each test."""
    yield hostd.g
    assert _mounts_under(hostd.root) == [hostd.root], "bind mounts left behind"
    hostd.g.umask(0o022)
    for name in os.listdir(hostd.root):
        p = os.path.join(hostd.root, name)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        else:
            os.unlink(p)


@pytest.fixture
def root(hostd: SimpleNamespace) -> str:
    """The sysroot's path on the host."""
    return hostd.root



def daemon_err(h: Any, name: str, **args: Any) -> str:
    """The daemon's own error message for a call (before the library adds ``name: ``).

    Used where the message itself starts with the action's name, as in
    libguestfs (``readlink: readlink: /f: Invalid argument``).
    """
    with pytest.raises(RuntimeError) as ei:
        h._rpc(name, args)
    return str(ei.value).removeprefix(f"{name}: ")


def quiet(fn: Any, *args: Any) -> Any:
    """Call a deprecated action without its DeprecationWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return fn(*args)


# -- creating and removing ------------------------------------------------------------


def test_mkdir_family(h: Any) -> None:
    h.mkdir("/a")
    assert h.is_dir("/a")
    e = err(h.mkdir, "/a")
    assert str(e) == "mkdir: /a: File exists" and e.errno == "EEXIST"
    assert str(err(h.mkdir, "/nodir/x")) == "mkdir: /nodir/x: No such file or directory"
    h.touch("/f")
    assert str(err(h.mkdir, "/f/x")) == "mkdir: /f/x: Not a directory"
    h.mkdir_p("/a/b/c")
    h.mkdir_p("/a/b/c")
    h.mkdir_p("/")
    assert h.is_dir("/a/b/c")
    assert str(err(h.mkdir_p, "/f")) == "mkdir_p: /f: a path element was not a directory"
    assert str(err(h.mkdir_p, "/f/x/y")) == "mkdir_p: /f/x/y: Not a directory"
    h.mkdir_mode("/m", 0o777)
    assert h.statns("/m")["st_mode"] == stat.S_IFDIR | 0o755
    assert str(err(h.mkdir_mode, "/m2", -1)) == "mkdir_mode: /m2: mode is negative"


def test_mkdir_p_follows_guest_symlinks(h: Any) -> None:
    h.mkdir("/a")
    h.ln_s("/a", "/sd")  # absolute: must resolve inside the guest, not on the host
    h.mkdir_p("/sd/x")
    assert h.is_dir("/a/x")


def test_touch(h: Any, root: str) -> None:
    h.touch("/f")
    assert h.is_file("/f") and h.filesize("/f") == 0
    h.utimens("/f", 1, 0, 1, 0)
    h.touch("/f")
    assert h.statns("/f")["st_mtime_sec"] > 1
    assert str(err(h.touch, "/")) == "touch: /: touch can only be used on a regular files"
    assert str(err(h.touch, "/nodir/x")) == "touch: open: /nodir/x: No such file or directory"
    h.ln_s("f", "/sl")
    assert str(err(h.touch, "/sl")) == "touch: /sl: touch can only be used on a regular files"


def test_remove(h: Any) -> None:
    h.mkdir_p("/a/b")
    h.touch("/f")
    assert str(err(h.rm, "/a")) == "rm: /a: Is a directory"
    e = err(h.rm, "/missing")
    assert str(e) == "rm: /missing: No such file or directory" and e.errno == "ENOENT"
    h.rm_f("/missing")
    assert str(err(h.rm_f, "/a")) == "rm_f: /a: Is a directory"
    assert str(err(h.rmdir, "/a")) == "rmdir: /a: Directory not empty"
    assert str(err(h.rmdir, "/missing")) == "rmdir: /missing: No such file or directory"
    assert str(err(h.rmdir, "/f")) == "rmdir: /f: Not a directory"
    h.rm("/f")
    h.rmdir("/a/b")
    h.rm_rf("/missing")
    h.mkdir_p("/a/b/c")
    h.rm_rf("/a")
    assert not h.exists("/a")
    assert str(err(h.rm_rf, "/")) == "rm_rf: cannot remove root directory"
    h.mkdir_p("/a/x/y")
    h.ln_s("/a", "/sd")  # absolute: the guest's /a, not the host's
    h.rm_rf("/sd/x")
    assert h.is_dir("/a") and not h.exists("/a/x")


def test_umask(h: Any) -> None:
    assert h.umask(0o077) == 0o022
    h.mkdir("/d")
    h.touch("/f")
    assert h.umask(0o022) == 0o077
    assert h.statns("/d")["st_mode"] & 0o777 == 0o700
    assert h.statns("/f")["st_mode"] & 0o777 == 0o600
    assert str(err(h.umask, -1)) == "umask: 037777777777: mask negative or out of range"
    assert str(err(h.umask, 0o1000)) == "umask: 01000: mask negative or out of range"


def test_mknod(h: Any) -> None:
    h.mkfifo(0o644, "/fifo")
    h.mknod_c(0o644, 1, 3, "/null")
    h.mknod_b(0o644, 8, 0, "/blk")
    h.mknod(0o10644, 0, 0, "/fifo2")
    assert h.is_fifo("/fifo") and h.is_fifo("/fifo2")
    assert h.is_chardev("/null") and h.is_blockdev("/blk")
    assert h.statns("/null")["st_rdev"] == os.makedev(1, 3)
    assert str(err(h.mkfifo, 0o644, "/fifo")) == "mkfifo: /fifo: File exists"
    assert str(err(h.mknod_b, 0o60644, 8, 0, "/b2")) == \
        "mknod_b: 60644: mode must specify only file permission bits"
    assert str(err(h.mkfifo, 0o20644, "/f2")) == "mkfifo: 20644: mode must specify only file permission bits"


# -- listing --------------------------------------------------------------------------


def _tree(h: Any) -> None:
    """/a/b/c, /a/w, /a/b/x and /a/sl → w."""
    h.mkdir_p("/a/b/c")
    h.write("/a/w", b"hello\n")
    h.write("/a/b/x", b"xx\n")
    h.ln_s("w", "/a/sl")


def test_ls_and_find(h: Any) -> None:
    _tree(h)
    assert h.ls("/") == ["a"]
    assert h.ls("/a") == ["b", "sl", "w"]
    assert str(err(h.ls, "/missing")) == "ls0: opendir: /missing: No such file or directory"
    assert str(err(h.ls, "/a/w")) == "ls0: opendir: /a/w: Not a directory"
    assert h.find("/") == ["a", "a/b", "a/b/c", "a/b/x", "a/sl", "a/w"]
    assert h.find("/a/") == ["b", "b/c", "b/x", "sl", "w"]
    # libguestfs cuts len(directory) characters: without a trailing slash a "/" remains.
    assert h.find("/a") == ["/b", "/b/c", "/b/x", "/sl", "/w"]
    assert str(err(h.find, "/missing")) == "find0: /missing: No such file or directory"
    assert str(err(h.find, "/a/w")) == "find0: /a/w: not a directory"


def test_find0_is_find_order(h: Any, tmp_path: Any) -> None:
    _tree(h)
    out = tmp_path / "f0"
    h.find0("/a", str(out))
    names = out.read_bytes().split(b"\0")
    assert names[-1] == b"" and sorted(names[:-1]) == [b"/b", b"/b/c", b"/b/x", b"/sl", b"/w"]
    # pre-order: a directory comes right before its own entries
    i = names.index(b"/b")
    assert set(names[i + 1:i + 3]) == {b"/b/c", b"/b/x"}


def test_ll(h: Any, root: str) -> None:
    _tree(h)
    out = h.ll("/a")
    assert out.startswith("total ") and " sl -> w\n" in out and " w\n" in out
    assert h.ll("/a/w").endswith(f"{root}/a/w\n")
    assert str(err(h.ll, "/missing")) == "ll: /missing: No such file or directory"
    # The path is resolved in the guest first, as libguestfs does.
    h.ln_s("/a", "/sd")
    assert " sl -> w\n" in h.ll("/sd")
    assert h.ll("/a/sl").endswith(f"{root}/a/w\n")
    h.ln_s("nothing", "/dangle")
    assert str(err(h.ll, "/dangle")) == "ll: /dangle: No such file or directory"


def test_readdir(h: Any, tmp_path: Any) -> None:
    _tree(h)
    h.mkfifo(0o644, "/a/fifo")
    ents = h.readdir("/a")
    assert sorted((e["name"], e["ftyp"]) for e in ents) == [
        (".", "d"), ("..", "d"), ("b", "d"), ("fifo", "f"), ("sl", "l"), ("w", "r")]
    assert {e["name"]: e["ino"] for e in ents}["w"] == h.statns("/a/w")["st_ino"]
    assert str(err(h.readdir, "/missing")) == "readdir: opendir: /missing: No such file or directory"
    assert str(err(h.readdir, "/a/w")) == "readdir: opendir: /a/w: Not a directory"
    # The newer library's form: the same entries as XDR dirents in a file.
    out = tmp_path / "rd"
    h.internal_readdir("/a", str(out))
    codec = struct_codecs()["dirent"]
    data = out.read_bytes()
    u = xdrlib3.Unpacker(data)
    got = []
    while u.get_position() < len(data):
        got.append(codec.unpack_from(u))
    assert got == ents


def test_glob_expand(h: Any) -> None:
    _tree(h)
    h.ln_s("/a", "/sd")
    h.ln_s("nothing", "/a/dangle")
    assert h.glob_expand("/*") == ["/a/", "/sd/"]
    assert h.glob_expand("/*", directoryslash=False) == ["/a", "/sd"]
    assert h.glob_expand("/nomatch*") == []
    assert h.glob_expand("/[") == []
    assert h.glob_expand("/") == ["//"]
    assert h.glob_expand("/", directoryslash=False) == ["/"]
    assert h.glob_expand("/a") == ["/a/"]
    assert h.glob_expand("/a/", directoryslash=False) == ["/a/"]
    assert h.glob_expand("/a/w/") == ["/a/w"]
    assert h.glob_expand("/*/") == ["/a/", "/sd/"]
    assert h.glob_expand("/a/{w,b,nothing}") == ["/a/w", "/a/b/"]
    assert h.glob_expand("/a/\\w") == ["/a/w"]
    assert h.glob_expand("/a/[^w]*") == ["/a/b/", "/a/dangle", "/a/sl"]
    assert h.glob_expand("/a/.*") == ["/a/../", "/a/./"]
    assert h.glob_expand("/sd/*") == ["/sd/b/", "/sd/dangle", "/sd/sl", "/sd/w"]
    assert h.glob_expand("//a") == ["/a/"]
    assert h.glob_expand("/a//*") == ["/a//b/", "/a//dangle", "/a//sl", "/a//w"]
    assert h.glob_expand("/a/dangle") == ["/a/dangle"]
    assert h.glob_expand("/*/w") == ["/a/w", "/sd/w"]


# -- tests and stat --------------------------------------------------------------------


def test_is_family(h: Any) -> None:
    _tree(h)
    h.ln_s("/a", "/sd")
    h.ln_s("nothing", "/dangling")
    h.ln_s("/etc", "/etc_link")  # exists on the host, not in the guest
    h.mkfifo(0o644, "/fifo")
    assert h.exists("/a/w") and h.exists("/dangling") and not h.exists("/missing")
    assert not h.exists("/a/w/x")
    assert h.is_file("/a/w") and not h.is_file("/a/sl")
    assert h.is_file("/a/sl", followsymlinks=True)
    assert not h.is_dir("/sd") and h.is_dir("/sd", followsymlinks=True)
    assert not h.is_dir("/etc_link", followsymlinks=True)
    assert h.is_symlink("/a/sl") and not h.is_symlink("/a/w")
    assert not h.is_file("/dangling", followsymlinks=True)
    assert h.is_fifo("/fifo") and not h.is_socket("/fifo") and not h.is_blockdev("/fifo")
    assert not h.is_chardev("/missing") and not h.is_dir("/missing", followsymlinks=True)


def test_is_zero(h: Any) -> None:
    h.write("/z", b"\0" * 3_000_000)
    h.touch("/empty")
    h.write("/nz", b"\0" * 2_000_000 + b"x")
    h.mkdir("/d")
    assert h.is_zero("/z") and h.is_zero("/empty") and not h.is_zero("/nz")
    assert str(err(h.is_zero, "/d")) == "is_zero: read: /d: Is a directory"
    assert str(err(h.is_zero, "/missing")) == "is_zero: open: /missing: No such file or directory"


def test_stat_family(h: Any) -> None:
    _tree(h)
    st = h.statns("/a/w")
    assert st["st_size"] == 6 and stat.S_ISREG(st["st_mode"]) and st["st_spare6"] == 0
    assert stat.S_ISLNK(h.lstatns("/a/sl")["st_mode"])
    assert h.statns("/a/sl")["st_ino"] == st["st_ino"]
    assert str(err(h.statns, "/missing")) == "statns: /missing: No such file or directory"
    lst = h.lstatnslist("/a", ["w", "missing", "sl"])
    assert lst[0]["st_ino"] == st["st_ino"]
    assert lst[1]["st_ino"] == -1 and lst[1]["st_size"] == 0
    assert stat.S_ISLNK(lst[2]["st_mode"])
    assert h.lstatnslist("/a", []) == []
    assert str(err(h.lstatnslist, "/missing", ["f"])) == \
        "internal_lstatnslist: /missing: No such file or directory"
    assert h.readlinklist("/a", ["sl", "w", "missing"]) == ["w", "", ""]
    assert daemon_err(h, "statvfs", path="/missing") == "statvfs: /missing: No such file or directory"
    vfs = h.statvfs("/")
    assert vfs["bsize"] > 0 and vfs["blocks"] > 0 and vfs["namemax"] == 255
    assert h.filesize("/a/w") == 6
    assert str(err(h.filesize, "/missing")) == "filesize: /missing: No such file or directory"
    assert h.du("/a") >= 0
    assert str(err(h.du, "/missing")).startswith("du: /missing: du: cannot access")


def test_attributes(h: Any) -> None:
    h.touch("/f")
    h.ln_s("f", "/sl")
    h.chmod(0o4755, "/f")
    assert h.statns("/f")["st_mode"] == stat.S_IFREG | 0o4755
    assert str(err(h.chmod, 0o644, "/missing")) == "chmod: /missing: 0644: No such file or directory"
    assert str(err(h.chmod, -1, "/f")) == "chmod: /f: mode is negative"
    h.chown(1, 2, "/f")
    assert (h.statns("/f")["st_uid"], h.statns("/f")["st_gid"]) == (1, 2)
    h.lchown(3, 4, "/sl")
    assert h.lstatns("/sl")["st_uid"] == 3 and h.statns("/sl")["st_uid"] == 1
    assert str(err(h.chown, 1, 2, "/missing")) == "chown: /missing: 1.2: No such file or directory"
    assert str(err(h.lchown, 1, 1, "/missing")) == "lchown: /missing: 1.1: No such file or directory"
    h.utimens("/f", 1, 2, 3, 4)
    st = h.statns("/f")
    assert [st[k] for k in ("st_atime_sec", "st_atime_nsec", "st_mtime_sec", "st_mtime_nsec")] == [1, 2, 3, 4]
    h.utimens("/f", 0, -2, 0, -1)  # atime kept, mtime now
    st = h.statns("/f")
    assert st["st_atime_sec"] == 1 and st["st_mtime_sec"] > 1_000_000_000
    h.utimens("/sl", 5, 0, 5, 0)
    assert h.lstatns("/sl")["st_mtime_sec"] == 5 and h.statns("/sl")["st_mtime_sec"] != 5
    assert str(err(h.utimens, "/missing", 1, 2, 3, 4)) == \
        "utimens: utimensat: /missing: No such file or directory"


def test_links(h: Any) -> None:
    h.touch("/f")
    h.mkdir("/a")
    h.ln("/f", "/hl")
    assert h.statns("/hl")["st_nlink"] == 2
    assert str(err(h.ln, "/f", "/hl")) == "ln: link: /f: /hl: File exists"
    assert str(err(h.ln, "/missing", "/x")) == "ln: link: /missing: /x: No such file or directory"
    assert str(err(h.ln, "/a", "/hla")) == "ln: link: /a: /hla: Operation not permitted"
    h.ln_f("/f", "/hl")
    assert str(err(h.ln_f, "/f", "/a")) == "ln_f: link: /f: /a: File exists"
    h.ln_s("f", "/sl")
    e = str(err(h.ln_s, "x", "/sl"))
    assert e.startswith("ln_s: ln -s: x: /sl: ln: failed to create symbolic link")
    assert e.endswith("File exists")
    h.ln_sf("x", "/sl")
    assert h.readlink("/sl") == "x"
    assert daemon_err(h, "readlink", path="/f") == "readlink: /f: Invalid argument"
    assert daemon_err(h, "readlink", path="/missing") == "readlink: /missing: No such file or directory"


def test_realpath(h: Any) -> None:
    h.mkdir_p("/a/b")
    h.ln_s("/a", "/sd")
    h.ln_s("nothing", "/dangling")
    assert h.realpath("/sd/b/../b") == "/a/b"
    assert h.realpath("/") == "/"
    assert daemon_err(h, "realpath", path="/missing") == "realpath: /missing: No such file or directory"
    assert daemon_err(h, "realpath", path="/dangling") == "realpath: /dangling: No such file or directory"


def test_copy_and_move(h: Any, root: str) -> None:
    _tree(h)
    h.cp("/a/w", "/w2")
    assert h.cat("/w2") == "hello\n"
    assert daemon_err(h, "cp", src="/missing", dest="/x") == \
        f"cp: cannot stat '{root}/missing': No such file or directory"
    assert daemon_err(h, "cp", src="/a", dest="/x") == f"cp: -r not specified; omitting directory '{root}/a'"
    h.cp_a("/a", "/a2")
    assert h.find("/a2/") == ["b", "b/c", "b/x", "sl", "w"]
    assert h.is_symlink("/a2/sl")
    assert str(err(h.cp_a, "/missing", "/x")) == \
        f"cp_a: cp: cannot stat '{root}/missing': No such file or directory"
    h.chmod(0o600, "/a/w")
    h.cp_r("/a", "/a3")
    assert h.is_symlink("/a3/sl") and h.cat("/a3/w") == "hello\n"
    h.mv("/w2", "/w3")
    assert not h.exists("/w2") and h.exists("/w3")
    assert daemon_err(h, "mv", src="/missing", dest="/x") == \
        f"mv: cannot stat '{root}/missing': No such file or directory"


# -- reading and writing -------------------------------------------------------------------


def test_pread_pwrite(h: Any) -> None:
    h.write("/w", b"hello\nworld\n")
    assert h.pread("/w", 5, 0) == b"hello"
    assert h.pread("/w", 100, 3) == b"lo\nworld\n"
    assert h.pread("/w", 5, 100) == b""
    assert h.pread("/w", 0, 0) == b""
    assert str(err(h.pread, "/w", -1, 0)) == "pread: count is negative"
    assert str(err(h.pread, "/w", 5, -1)) == "pread: offset is negative"
    assert str(err(h.pread, "/missing", 5, 0)) == "pread: open: /missing: No such file or directory"
    h.mkdir("/d")
    assert daemon_err(h, "pread", path="/d", count=5, offset=0) == "pread: /d: Is a directory"
    assert str(err(h.pread, "/w", 4 * 1024 * 1024, 0)) == \
        "pread: /w: count is too large for the protocol, use smaller reads"
    assert h.pwrite("/w", b"HE", 0) == 2
    assert h.pwrite("/w", b"XX", 20) == 2
    assert h.pwrite("/w", b"", 0) == 0
    assert h.read_file("/w") == b"HEllo\nworld\n" + b"\0" * 8 + b"XX"
    assert str(err(h.pwrite, "/missing", b"x", 0)) == "pwrite: open: /missing: No such file or directory"
    assert str(err(h.pwrite, "/w", b"x", -1)) == "pwrite: offset is negative"
    assert str(err(h.pwrite, "/d", b"x", 0)) == "pwrite: open: /d: Is a directory"


def test_write_and_truncate(h: Any) -> None:
    h.mkdir("/d")
    h.write("/w", b"abc")
    h.write("/w", b"xy")
    assert h.read_file("/w") == b"xy"
    h.write_append("/wa", b"x")
    h.write_append("/wa", b"y")
    assert h.cat("/wa") == "xy"
    assert h.statns("/wa")["st_mode"] & 0o777 == 0o644
    assert str(err(h.write, "/d", b"x")) == "internal_write: open: /d: Is a directory"
    assert str(err(h.write, "/nodir/x", b"x")) == "internal_write: open: /nodir/x: No such file or directory"
    h.truncate_size("/w", 1000)
    assert h.filesize("/w") == 1000 and h.pread("/w", 4, 0) == b"xy\0\0"
    h.truncate("/w")
    assert h.filesize("/w") == 0
    assert str(err(h.truncate, "/missing")) == "truncate: open: /missing: No such file or directory"
    assert str(err(h.truncate_size, "/w", -1)) == "truncate_size: ftruncate: /w: Invalid argument"
    assert str(err(h.truncate, "/d")) == "truncate: open: /d: Is a directory"


def test_fill(h: Any) -> None:
    h.fill(65, 10, "/fill")
    assert h.cat("/fill") == "A" * 10
    h.fill(0, 3 * 1024 * 1024 + 5, "/zero")
    assert h.filesize("/zero") == 3 * 1024 * 1024 + 5 and h.is_zero("/zero")
    h.fill_pattern("abc", 8, "/fp")
    assert h.cat("/fp") == "abcabcab"
    h.fill_pattern("abc", 0, "/fp")
    assert h.filesize("/fp") == 8
    h.write("/long", b"x" * 20)  # not truncated: the tail stays
    h.fill(65, 5, "/long")
    h.fill_pattern("ab", 3, "/long")
    assert h.read_file("/long") == b"abaAA" + b"x" * 15
    assert str(err(h.fill, 256, 3, "/x")) == "fill: 256: byte number must be in range 0..255"
    assert str(err(h.fill, -1, 3, "/x")) == "fill: -1: byte number must be in range 0..255"
    assert str(err(h.fill, 65, -1, "/x")) == "fill: -1: length is < 0"
    assert str(err(h.fill, 65, 10, "/nodir/x")) == "fill: open: /nodir/x: No such file or directory"
    assert str(err(h.fill_pattern, "", 8, "/x")) == "fill_pattern: pattern string must be non-empty"
    assert str(err(h.fill_pattern, "abc", -1, "/x")) == "fill_pattern: -1: length is < 0"


def test_zero_free_space(h: Any) -> None:
    h.write("/keep", b"data")
    h.zero_free_space("/")
    assert h.ls("/") == ["keep"] and h.cat("/keep") == "data"
    e = str(err(h.zero_free_space, "/missing"))
    assert e.startswith("zero_free_space: open: ") and e.endswith(": No such file or directory")


def test_head_tail(h: Any) -> None:
    h.write("/lines", b"".join(b"line%d\n" % i for i in range(20)))
    assert h.head("/lines") == [f"line{i}" for i in range(10)]
    assert h.head_n(3, "/lines") == ["line0", "line1", "line2"]
    assert h.head_n(0, "/lines") == []
    assert h.head_n(-3, "/lines") == [f"line{i}" for i in range(17)]
    assert h.tail("/lines") == [f"line{i}" for i in range(10, 20)]
    assert h.tail_n(2, "/lines") == ["line18", "line19"]
    assert h.tail_n(-17, "/lines") == ["line16", "line17", "line18", "line19"]
    assert h.tail_n(0, "/lines") == []
    h.write("/nonl", b"a\nb")
    assert h.head("/nonl") == ["a", "b"]
    h.write("/crlf", b"a\r\nb\r\n")
    assert h.tail("/crlf") == ["a\r", "b\r"]
    assert str(err(h.head, "/missing")) == "head: /missing: No such file or directory"
    assert str(err(h.tail, "/missing")) == "tail: /missing: No such file or directory"
    h.mkdir("/d")
    assert str(err(h.head, "/d")) == "head: head -n 10: head: error reading 'standard input': Is a directory"


def test_grep(h: Any) -> None:
    h.write("/lines", b"".join(b"line%d\n" % i for i in range(20)))
    assert h.grep("line1", "/lines") == ["line1"] + [f"line{i}" for i in range(10, 20)]
    assert h.grep("nomatch", "/lines") == []
    assert h.grep("LINE1[0-2]", "/lines", insensitive=True) == ["line10", "line11", "line12"]
    assert h.grep("line(1|2)$", "/lines", extended=True) == ["line1", "line2"]
    assert h.grep(".", "/lines", fixed=True) == []
    assert quiet(h.egrep, "line(3|4)", "/lines") == ["line3", "line4"]
    assert quiet(h.fgrepi, "LINE5", "/lines") == ["line5"]
    h.write("/lines.gz", gzip.compress(b"one\ntwo\n"))
    assert h.grep("tw", "/lines.gz", compressed=True) == ["two"]
    assert quiet(h.zgrep, "line7", "/lines") == ["line7"]
    assert str(err(h.grep, "x", "/missing")) == "grep: /missing: No such file or directory"
    assert str(err(h.grep, "[", "/lines")) == "grep: [: grep: Invalid regular expression"
    assert str(err(h.grep, "x", "/lines", extended=True, fixed=True)) == \
        "grep: can't use 'extended' and 'fixed' flags at the same time"


def test_checksum(h: Any) -> None:
    data = b"".join(b"line%d\n" % i for i in range(20))
    h.write("/lines", data)
    for t in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512"):
        assert h.checksum(t, "/lines") == hashlib.new(t, data).hexdigest()
    assert h.checksum("crc", "/lines") == "752878806"
    assert str(err(h.checksum, "bogus", "/lines")) == \
        "checksum: unknown checksum type, expecting crc|md5|sha1|sha224|sha256|sha384|sha512"
    assert str(err(h.checksum, "md5", "/missing")) == "checksum: /missing: No such file or directory"
    h.mkdir("/d")
    assert str(err(h.checksum, "md5", "/d")) == "checksum: md5sum: md5sum: -: Is a directory"


# -- transfers --------------------------------------------------------------------------------


def test_upload_download_roundtrip(h: Any, tmp_path: Any) -> None:
    src = tmp_path / "src"
    data = os.urandom(24 * 1024 * 1024 + 12345)
    src.write_bytes(data)
    h.upload(str(src), "/big")
    assert h.checksum("sha256", "/big") == hashlib.sha256(data).hexdigest()
    dst = tmp_path / "dst"
    h.download("/big", str(dst))
    assert hashlib.sha256(dst.read_bytes()).digest() == hashlib.sha256(data).digest()
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    h.upload(str(empty), "/big")
    assert h.filesize("/big") == 0


def test_upload_download_errors(h: Any, tmp_path: Any) -> None:
    src = tmp_path / "src"
    src.write_bytes(b"upload-data\n" * 1000)
    h.mkdir("/a")
    assert str(err(h.upload, str(src), "/nodir/up")) == "upload: /nodir/up: No such file or directory"
    assert str(err(h.upload, str(src), "/a")) == "upload: /a: Is a directory"
    assert str(err(h.upload, str(src), "/")) == "upload: /: Is a directory"
    h.ping_daemon()  # the stream was drained: still in sync
    assert str(err(h.download, "/missing", str(tmp_path / "d"))) == \
        "download: /missing: No such file or directory"
    assert str(err(h.download, "/a", str(tmp_path / "d"))) == "download: /a: is a directory"
    h.ping_daemon()


def test_offsets(h: Any, tmp_path: Any) -> None:
    h.write("/up", b"upload-data\n" * 1000)
    out = tmp_path / "o"
    h.download_offset("/up", str(out), 5, 10)
    assert out.read_bytes() == b"d-data\nupl"
    h.download_offset("/up", str(out), 100000, 10)
    assert out.read_bytes() == b""
    h.download_offset("/up", str(out), 11990, 100)
    assert out.read_bytes() == b"load-data\n"
    assert str(err(h.download_offset, "/up", str(out), -1, 10)) == \
        "download_offset: /up: offset in file is negative: Success"
    assert str(err(h.download_offset, "/up", str(out), 0, -1)) == \
        "download_offset: /up: size is negative: Success"
    assert str(err(h.download_offset, "/missing", str(out), 0, 1)) == \
        "download_offset: /missing: No such file or directory"
    small = tmp_path / "small"
    small.write_bytes(b"ZZ")
    h.upload_offset(str(small), "/up", 3)
    assert h.pread("/up", 10, 0) == b"uplZZd-dat"
    h.upload_offset(str(small), "/new", 5)
    assert h.read_file("/new") == b"\0" * 5 + b"ZZ"
    assert str(err(h.upload_offset, str(small), "/up", -1)) == \
        "upload_offset: /up: offset in file is negative: Success"
    assert str(err(h.upload_offset, str(small), "/nodir/x", 0)) == \
        "upload_offset: /nodir/x: No such file or directory"
    h.ping_daemon()


def test_base64(h: Any, tmp_path: Any) -> None:
    data = os.urandom(200_000)
    h.write("/bin", data)
    out = tmp_path / "b64"
    h.base64_out("/bin", str(out))
    assert out.read_bytes() == base64.encodebytes(data)
    assert str(err(h.base64_out, "/missing", str(out))) == \
        "base64_out: stat: /missing: No such file or directory"
    h.mkdir("/d")
    assert str(err(h.base64_out, "/d", str(out))) == "base64_out: /d: is a directory"
    inp = tmp_path / "in"
    inp.write_text("aGVsbG8K\n")
    h.base64_in(str(inp), "/hello")
    assert h.cat("/hello") == "hello\n"
    inp.write_text("!!!!\n")  # garbage is ignored, as with base64 -d -i
    h.base64_in(str(inp), "/bad")
    assert h.exists("/bad")
    assert str(err(h.base64_in, str(inp), "/d")) == "base64_in: base64 subcommand failed on file: /d"
    assert str(err(h.base64_in, str(inp), "/nodir/x")) == \
        "base64_in: base64 subcommand failed on file: /nodir/x"
    h.ping_daemon()


def test_checksums_out(h: Any, tmp_path: Any) -> None:
    _tree(h)
    out = tmp_path / "sums"
    h.checksums_out("md5", "/a", str(out))
    lines = out.read_text().splitlines()
    md5_w, md5_x = hashlib.md5(b"hello\n").hexdigest(), hashlib.md5(b"xx\n").hexdigest()
    assert sorted(lines) == sorted([f"{md5_w}  ./w", f"{md5_x}  ./b/x"])
    h.checksums_out("crc", "/a", str(out))
    assert sorted(out.read_text().splitlines()) == ["3010689566 3 ./b/x", "3015617425 6 ./w"]
    assert str(err(h.checksums_out, "bogus", "/a", str(out))) == \
        "checksums_out: unknown checksum type, expecting crc|md5|sha1|sha224|sha256|sha384|sha512"
    assert str(err(h.checksums_out, "md5", "/missing", str(out))) == \
        "checksums_out: /missing: No such file or directory"
    assert str(err(h.checksums_out, "md5", "/a/w", str(out))) == "checksums_out: /a/w: not a directory"


def _names(tarpath: str, mode: str = "r:*") -> list[str]:
    """Sorted member names of a tarball."""
    with tarfile.open(tarpath, mode) as t:
        return sorted(t.getnames())


def test_tar_out(h: Any, tmp_path: Any) -> None:
    _tree(h)
    t = str(tmp_path / "t.tar")
    h.tar_out("/a", t)
    assert _names(t) == [".", "./b", "./b/c", "./b/x", "./sl", "./w"]
    for comp in ("gzip", "bzip2", "xz"):
        p = str(tmp_path / f"t.{comp}")
        h.tar_out("/a", p, compress=comp, excludes=["./w*"])
        assert _names(p) == [".", "./b", "./b/c", "./b/x", "./sl"]
    h.tar_out("/a", t, numericowner=True)
    with tarfile.open(t) as tf:
        assert all(m.uname == "" or m.uid == 0 for m in tf.getmembers())
    assert str(err(h.tar_out, "/missing", t)) == "tar_out: stat: /missing: No such file or directory"
    assert str(err(h.tar_out, "/a/w", t)) == "tar_out: /a/w: not a directory"
    assert str(err(h.tar_out, "/a", t, compress="bogus")) == "tar_out: unknown compression type: bogus"
    assert str(err(h.tar_out, "relative", t)) == "tar_out: stat: relative: No such file or directory"
    p = str(tmp_path / "t.tgz")
    quiet(h.tgz_out, "/a", p)
    assert _names(p, "r:gz") == [".", "./b", "./b/c", "./b/x", "./sl", "./w"]
    h.ping_daemon()


def test_tar_in(h: Any, tmp_path: Any) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in (("top", b"T"), ("sub/inner", b"I" * 100_000)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    plain = tmp_path / "t.tar"
    plain.write_bytes(buf.getvalue())
    gz = tmp_path / "t.tgz"
    gz.write_bytes(gzip.compress(buf.getvalue()))
    h.mkdir("/ti")
    h.tar_in(str(plain), "/ti")
    assert h.find("/ti/") == ["sub", "sub/inner", "top"] and h.cat("/ti/top") == "T"
    h.mkdir("/tz")
    h.tar_in(str(gz), "/tz", compress="gzip")
    assert h.filesize("/tz/sub/inner") == 100_000
    h.mkdir("/tq")
    quiet(h.tgz_in, str(gz), "/tq")
    assert h.exists("/tq/top")
    assert str(err(h.tar_in, str(plain), "/ti", compress="bogus")) == \
        "tar_in: unknown compression type: bogus"
    assert str(err(h.tar_in, str(plain), "/missing")) == "tar_in: /missing: No such file or directory"
    h.write("/f", b"x")
    assert str(err(h.tar_in, str(plain), "/f")) == "tar_in: /f: Not a directory"
    junk = tmp_path / "junk"
    junk.write_bytes(b"junk" * 100_000)
    e = str(err(h.tar_in, str(junk), "/ti"))
    assert e.startswith("tar_in: tar subcommand failed on directory: /ti: tar: This does not look like a tar")
    e = str(err(h.tar_in, str(plain), "/ti", compress="xz"))
    assert e.startswith("tar_in: tar subcommand failed on directory: /ti: xz: (stdin): File format not")
    h.ping_daemon()


# -- commands ---------------------------------------------------------------------------------


def test_command(h: Any, root: str) -> None:
    build_mini_root(root)
    assert h.command(["/bin/echo", "hi"]) == "hi\n"
    assert h.command(["echo", "a b"]) == "a b\n"
    assert str(err(h.command, ["/nonexistent"])) == "command: /nonexistent: No such file or directory"
    assert str(err(h.command, ["nonexistent"])) == "command: nonexistent: No such file or directory"
    assert str(err(h.command, ["/bin/sh", "-c", "echo out; echo err >&2; exit 3"])) == "command: err"
    assert h.command(["/bin/sh", "-c", "echo err >&2"]) == ""
    assert str(err(h.command, [])) == "command: passed an empty list"
    assert str(err(h.command, ["/bin/false"])) == "command: "
    assert str(err(h.command, ["/bin/sh", "-c", "kill -9 $$"])) == "command: "
    h.write("/notexec", b"x")
    assert str(err(h.command, ["/notexec"])) == "command: /notexec: Permission denied"
    assert h.command(["/bin/sh", "-c", 'printf "a\\0b"']) == "a"
    assert h.command_lines(["/bin/sh", "-c", 'printf "a\\n\\nb\\n\\n"']) == ["a", "", "b", ""]
    assert h.command_lines(["/bin/sh", "-c", 'printf "a\\nb"']) == ["a", "b"]
    assert h.command_lines(["/bin/true"]) == []
    assert h.sh("echo $PATH; pwd") == "/sbin:/usr/sbin:/bin:/usr/bin\n/\n"
    assert h.sh_lines("echo a; echo b") == ["a", "b"]
    assert str(err(h.sh, "echo hi >&2; exit 2")) == "sh: hi"
    assert h.sh("umask") == "0022\n"
    h.umask(0o077)
    assert h.sh("umask") == "0077\n"


def test_command_bind_mounts(h: Any, root: str) -> None:
    build_mini_root(root)
    # Without /dev, /proc, /sys in the guest nothing is mounted.
    assert "No such file" in str(err(h.sh, "ls -d /proc"))
    for d in ("/dev", "/proc", "/sys"):
        h.mkdir(d)
    out = h.sh("ls -d /dev/pts /dev/null /proc/self /sys/block; cat /proc/self/mounts")
    assert "/dev/null\n" in out and "/proc/self\n" in out and "/sys/block\n" in out
    assert h.ls("/dev") == [] and h.ls("/proc") == []  # undone afterwards
    # A guest symlink in place of /dev is never mounted through.
    h.rmdir("/dev")
    h.ln_s("/tmp", "/dev")
    h.sh("true")
    assert h.ls("/tmp") == []


def test_command_needs_root_mounted(hostd: SimpleNamespace) -> None:
    # Through the daemon's own programs, as in the appliance, where nothing
    # else changes the mount table (the daemon keeps its answer until then).
    hostd.g.debug("sh", [f"umount '{hostd.root}'"])
    try:
        assert str(err(hostd.g.sh, "true")) == "sh: you must call 'mount' first to mount the root filesystem"
        hostd.g.ping_daemon()
        hostd.g.sync()
    finally:
        hostd.g.debug("sh", [f"mount -t tmpfs -o size=160m none '{hostd.root}'"])


def test_debug(h: Any) -> None:
    assert h.debug("help", []).startswith("Commands supported: help ")
    assert h.debug("sh", ["echo", "x"]) == "x"
    assert h.debug("print", ["a", "b"]) == "a b"
