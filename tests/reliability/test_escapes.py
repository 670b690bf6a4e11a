"""Nothing a guest controls reaches the host (issue 11, item 6).

A guest file system made on the host (``mkfs.ext4 -d``) holds what a
hostile guest can hold: absolute symbolic links to ``/etc/passwd`` and
``/``, relative links that climb above the root, names with newlines,
255-byte names, device nodes and a fifo.  It is written onto the shared
handle's ``/dev/sda`` and mounted read-only, then:

- every call through a link must give the answer of the same call on the
  link's target *inside the guest* (the appliance's own ``/etc/passwd``
  or ``/usr`` must never show through), and ``realpath``/``cat``/… through
  absolute links give stock libguestfs 1.48's answers on the same image;
- ``download``, ``download_offset`` and ``tar_out`` create exactly the
  local file the caller named, and the library never unpacks a tar;
- ``copy_out`` creates nothing outside the destination, copies links as
  links (never following them), creates no device node, and refuses a
  tar stream from a misbehaving appliance whose names leave the
  destination (``../x``, ``/abs``, a link followed by ``link/x``).
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import subprocess
import tarfile
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import encode_json, ready_handle, require_stock, run_binding
from tests.reliability.conftest import STOCK_ENV, record

pytestmark = pytest.mark.appliance

GUEST_PASSWD = b"guest-passwd-marker: the guest's own /etc/passwd\n"
NL_NAME = "new\nline"
LONG_NAME = "L" * 255


def make_hostile_tree(root: Path) -> None:
    """The guest's files, as a hostile guest would have them."""
    (root / "etc" / "dir").mkdir(parents=True)
    (root / "etc" / "passwd").write_bytes(GUEST_PASSWD)
    (root / "etc" / "dir" / "file").write_bytes(b"guest dir file\n")
    (root / "d").mkdir()
    links = {"abs": "/etc/passwd", "rel": "../../../../../etc/passwd", "absdir": "/etc/dir",
             "rootlink": "/", "d/up": "../../../../..", "d/etc": "/etc",
             "tmp": "/tmp", "dangling": "/usr/bin/python3"}
    for name, target in links.items():
        os.symlink(target, root / name)
    (root / NL_NAME).write_bytes(b"a name with a newline\n")
    (root / LONG_NAME).write_bytes(b"a 255-byte name\n")
    os.mknod(root / "blk", 0o600 | stat.S_IFBLK, os.makedev(8, 0))
    os.mknod(root / "chr", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    os.mkfifo(root / "fifo")
    (root / "suid").write_bytes(b"#!/bin/sh\n")
    os.chmod(root / "suid", 0o4755)


@pytest.fixture(scope="module")
def hostile_image(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A 16 MiB ext4 image of :func:`make_hostile_tree`, made once per module."""
    d = tmp_path_factory.mktemp("escapes")
    make_hostile_tree(d / "tree")
    img = d / "hostile.img"
    subprocess.run(["mkfs.ext4", "-q", "-F", "-d", str(d / "tree"), str(img), "16M"], check=True)
    return str(img)


@pytest.fixture
def hg(g: Any, hostile_image: str) -> Iterator[Any]:
    """The shared handle with the hostile image on /dev/sda, mounted read-only on /."""
    g.upload(hostile_image, "/dev/sda")
    g.mount_ro("/dev/sda", "/")
    yield g
    g.umount_all()


def tar_names(data: bytes) -> dict[str, tarfile.TarInfo]:
    """The members of a tar (parsed in Python, never unpacked)."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tf:
        return {m.name: m for m in tf.getmembers()}


def tar_out_bytes(g: Any, directory: str, tmp: Path) -> bytes:
    """``tar_out`` of ``directory`` into a fresh file, returned as bytes."""
    out = tmp / f"t{len(list(tmp.iterdir()))}.tar"
    g.tar_out(directory, str(out))
    return out.read_bytes()


def download_bytes(g: Any, path: str, tmp: Path) -> bytes:
    out = tmp / f"d{len(list(tmp.iterdir()))}"
    g.download(path, str(out))
    return out.read_bytes()


def outcome(fn: Callable[[], Any]) -> Any:
    """A call's value, or ``("error",)`` when it raises RuntimeError."""
    try:
        return fn()
    except RuntimeError:
        return ("error",)


def test_paths_through_symlinks_stay_in_the_guest(hg: Any, tmp_path: Path) -> None:
    """Every call through a link answers as the same call on the link's
    target inside the guest: the appliance's files never show through."""
    g = hg
    # (call, path through links, the same object named without links)
    calls: list[tuple[str, Callable[[str], Any], str, str]] = []

    def add(name: str, fn: Callable[[str], Any], via: list[str], target: str) -> None:
        calls.extend((name, fn, v, target) for v in via)

    passwd_via = ["/abs", "/rel", "/d/up/etc/passwd", "/rootlink/etc/passwd",
                  "/d/etc/passwd", "/../../../etc/passwd", "/rootlink/../../etc/passwd"]
    add("cat", g.cat, passwd_via, "/etc/passwd")
    add("read_file", g.read_file, passwd_via, "/etc/passwd")
    add("checksum", lambda p: g.checksum("sha256", p), passwd_via, "/etc/passwd")
    add("head", g.head, passwd_via[:3], "/etc/passwd")
    add("wc_c", g.wc_c, passwd_via[:3], "/etc/passwd")
    add("grep", lambda p: g.grep("guest", p), passwd_via[:3], "/etc/passwd")
    add("strings", g.strings, passwd_via[:3], "/etc/passwd")
    add("filesize", g.filesize, passwd_via[:3], "/etc/passwd")
    add("hexdump", g.hexdump, passwd_via[:3], "/etc/passwd")
    add("download", lambda p: download_bytes(g, p, tmp_path), passwd_via[:3], "/etc/passwd")
    add("realpath", g.realpath, passwd_via, "/etc/passwd")
    add("is_file", lambda p: g.is_file(p, followsymlinks=True), passwd_via[:3], "/etc/passwd")
    dir_via = ["/absdir", "/d/etc/dir", "/d/up/etc/dir", "/rootlink/etc/dir"]
    add("ls", g.ls, dir_via, "/etc/dir")
    add("cat in dir", lambda p: g.cat(p + "/file"), dir_via, "/etc/dir")
    add("file in dir", lambda p: g.file(p + "/file"), dir_via, "/etc/dir")
    add("tar_out", lambda p: sorted(tar_names(tar_out_bytes(g, p, tmp_path))), dir_via, "/etc/dir")
    add("du", g.du, dir_via[1:], "/etc/dir")  # du("/absdir") is the link's own size
    add("ls root", g.ls, ["/d/up", "/rootlink", "/d/up/.."], "/")
    add("realpath root", g.realpath, ["/d/up", "/rootlink", "/d/up/.."], "/")
    # The appliance has /usr/bin/python3 and /tmp; the guest has neither.
    add("exists", g.exists, ["/d/up/usr/bin/python3", "/rootlink/usr"], "/usr")
    add("is_dir", g.is_dir, ["/d/up/usr", "/rootlink/bin"], "/bin")
    add("ls tmp", g.ls, ["/tmp/", "/d/up/tmp/"], "/tmp")
    escaped = []
    for name, fn, via, target in calls:
        got, want = outcome(partial(fn, via)), outcome(partial(fn, target))
        if got != want:
            escaped.append(f"{name}({via!r}) = {got!r}, but on {target!r}: {want!r}")
    record("escapes", "paths_through_symlinks", tried=len(calls), succeeded=len(escaped))
    assert not escaped, "calls through links left the guest:\n" + "\n".join(escaped)
    assert g.cat("/abs").encode() == GUEST_PASSWD  # and the guest's answer is a real one


#: Calls through absolute links, compared with stock libguestfs 1.48.
STOCK_CALLS: list[tuple[str, list[Any], dict[str, Any]]] = [
    ("realpath", ["/abs"], {}), ("realpath", ["/rel"], {}), ("realpath", ["/d/up"], {}),
    ("realpath", ["/rootlink/etc/dir"], {}), ("realpath", ["/dangling"], {}),
    ("cat", ["/abs"], {}), ("cat", ["/rel"], {}), ("cat", ["/d/up/etc/passwd"], {}),
    ("cat", ["/absdir/file"], {}), ("cat", ["/dangling"], {}),
    ("checksum", ["sha256", "/abs"], {}), ("ls", ["/absdir"], {}), ("ls", ["/d/up"], {}),
    ("exists", ["/d/up/usr/bin/python3"], {}), ("is_file", ["/abs"], {"followsymlinks": True}),
    ("readlink", ["/d/up"], {}), ("exists", ["/dangling"], {}), ("du", ["/absdir"], {}),
    ("is_file", ["/dangling"], {"followsymlinks": True}), ("is_blockdev", ["/blk"], {}),
    ("is_fifo", ["/fifo"], {}),
    ("cat", [f"/{NL_NAME}"], {}), ("cat", [f"/{LONG_NAME}"], {}), ("ls", ["/"], {}),
]


#: Calls where stock 1.48 itself leaves the sysroot (it runs file(1) and
#: tar on ``/sysroot/absdir/...``, which the appliance resolves against its
#: own root), with the same object named without links: we are safer and
#: answer as on the guest's own file.
SAFER_THAN_STOCK: list[tuple[str, list[Any], list[Any]]] = [
    ("file", ["/absdir/file"], ["/etc/dir/file"]),
    ("file", ["/d/up/etc/passwd"], ["/etc/passwd"]),
]


def test_symlinks_resolve_as_stock(hg: Any, hostile_image: str) -> None:
    """``realpath``, ``cat`` and friends through absolute links: stock's
    answers; where stock reaches outside the sysroot, the guest's answer."""
    require_stock()
    setup = [("add_drive_opts", [hostile_image], {"format": "raw", "readonly": True}),
             ("set_backend_settings", [["force_tcg"]], {}),
             ("launch", [], {}), ("mount_ro", ["/dev/sda", "/"], {})]
    safer = [(n, via, {}) for n, via, _ in SAFER_THAN_STOCK] + [(n, t, {}) for n, _, t in SAFER_THAN_STOCK]
    case = {"environment": True, "calls": [list(s) for s in setup + STOCK_CALLS + safer]}
    reply = run_binding({"cases": [encode_json(case)]}, stock=True, env=STOCK_ENV)
    results = [r["ok"] if "ok" in r else ("error",) for r in reply["cases"][0]["results"]]
    assert all(r != ("error",) for r in results[:len(setup)]), reply["cases"][0]["results"][:len(setup)]
    results = results[len(setup):]
    differ = []
    for (name, args, kw), stock in zip(STOCK_CALLS, results):
        ours = outcome(partial(getattr(hg, name), *args, **kw))
        if isinstance(stock, list) and isinstance(ours, list):
            ours, stock = sorted(ours), sorted(stock)
        if ours != stock:
            differ.append(f"{name}{tuple(args)}: ours {ours!r}, stock {stock!r}")
    n = len(SAFER_THAN_STOCK)
    stock_via, stock_target = results[len(STOCK_CALLS):][:n], results[len(STOCK_CALLS):][n:]
    stock_left = 0
    for (name, via, target), sv, st in zip(SAFER_THAN_STOCK, stock_via, stock_target):
        stock_left += sv != st
        ours, want = outcome(partial(getattr(hg, name), *via)), outcome(partial(getattr(hg, name), *target))
        if ours != want or ours != st:
            differ.append(f"{name}{tuple(via)}: ours {ours!r}, the guest's own {want!r}, "
                          f"stock's on it {st!r}")
    record("escapes", "symlinks_as_stock", tried=len(STOCK_CALLS) + n, succeeded=len(differ),
           stock_left_sysroot=stock_left)
    assert not differ, "differs from stock libguestfs 1.48:\n" + "\n".join(differ)


def snapshot(top: Path) -> set[str]:
    """Every path under ``top`` (links not followed)."""
    return {os.path.join(d, n) for d, dirs, files in os.walk(top) for n in dirs + files}


def test_downloads_create_only_the_named_file(hg: Any, tmp_path: Path) -> None:
    """download, download_offset and tar_out write the one local file named."""
    tried = escaped = 0
    for i, (fn, args) in enumerate([
            (hg.download, ["/abs"]), (hg.download, [f"/{NL_NAME}"]), (hg.download, [f"/{LONG_NAME}"]),
            (hg.download_offset, ["/rel", 0, 8]), (hg.tar_out, ["/"]), (hg.tar_out, ["/d"]),
            (hg.tar_out, ["/absdir"])]):
        out = tmp_path / f"out{i}"
        out.mkdir()
        fn(*args[:1], str(out / "f"), *args[1:])
        tried += 1
        escaped += snapshot(out) != {str(out / "f")}
    assert (tmp_path / "out1" / "f").read_bytes() == b"a name with a newline\n"
    assert (tmp_path / "out3" / "f").read_bytes() == GUEST_PASSWD[:8]
    # tar_out: the hostile names are in the tar, which is a file, not a tree.
    members = tar_names((tmp_path / "out4" / "f").read_bytes())
    assert {f"./{NL_NAME}", f"./{LONG_NAME}", "./abs", "./blk"} <= set(members)
    assert members["./abs"].issym() and members["./abs"].linkname == "/etc/passwd"
    assert members["./blk"].isblk()
    record("escapes", "downloads", tried=tried, succeeded=escaped)
    assert escaped == 0


def test_copy_out_stays_in_the_destination(hg: Any, tmp_path: Path) -> None:
    """copy_out of the whole hostile tree: links copied as links, nothing
    outside the destination, no device node, no set-user-ID bit."""
    outer = tmp_path / "outer"
    dest = outer / "dest"
    dest.mkdir(parents=True)
    hg.copy_out("/", str(dest))
    hg.copy_out("/d", str(dest))
    host_etc = sorted(os.listdir("/etc"))
    host_passwd = hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest()
    # dest/d/etc is now the guest's link to /etc; copying the guest's /etc
    # into dest/d must not write into the host's /etc through it.
    try:
        hg.copy_out("/etc", str(dest / "d"))
    except RuntimeError:
        pass  # refused: right (checked below: nothing written through the link)
    problems = []
    if os.listdir(outer) != ["dest"] or sorted(os.listdir("/etc")) != host_etc:
        problems.append(f"outside the destination: {os.listdir(outer)}")
    for p in snapshot(dest):
        st = os.lstat(p)
        if stat.S_ISBLK(st.st_mode) or stat.S_ISCHR(st.st_mode):
            problems.append(f"device node {p}")
        if st.st_mode & (stat.S_ISUID | stat.S_ISGID):
            problems.append(f"set-user-ID file {p}")
    if os.readlink(dest / "abs") != "/etc/passwd" or os.readlink(dest / "d" / "up") != "../../../../..":
        problems.append("links not copied as links")
    if (dest / "etc" / "passwd").read_bytes() != GUEST_PASSWD:
        problems.append("guest file content wrong")
    if (dest / NL_NAME).read_bytes() != b"a name with a newline\n" or not (dest / LONG_NAME).is_file():
        problems.append("hostile names not copied")
    if not stat.S_ISFIFO(os.lstat(dest / "fifo").st_mode):
        problems.append("fifo not copied")
    record("escapes", "copy_out", tried=3, succeeded=len(problems))
    assert not problems, problems
    assert sorted(os.listdir("/etc")) == host_etc
    assert hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest() == host_passwd
    assert os.readlink(dest / "d" / "etc") == "/etc"


def hostile_tar(entries: list[tuple[str, str, str]]) -> bytes:
    """A tar stream as a misbehaving appliance could send: (kind, name, data or link)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tf:
        for kind, name, extra in entries:
            ti = tarfile.TarInfo(name)
            if kind == "file":
                ti.size = len(extra)
                tf.addfile(ti, io.BytesIO(extra.encode()))
                continue
            ti.type = {"sym": tarfile.SYMTYPE, "hard": tarfile.LNKTYPE, "dir": tarfile.DIRTYPE,
                       "blk": tarfile.BLKTYPE}[kind]
            ti.linkname = extra
            ti.mode = 0o755
            tf.addfile(ti)
    return buf.getvalue()


#: Tar streams whose unpacking would leave the destination, each with what
#: must not appear (relative to the test's outer directory).
HOSTILE_TARS: list[tuple[str, list[tuple[str, str, str]], str]] = [
    ("dotdot", [("file", "../x", "escaped")], "x"),
    ("dotdot deep", [("dir", "./a", ""), ("file", "./a/../../x", "escaped")], "x"),
    ("absolute", [("file", "{outer}/x", "escaped")], "x"),
    ("symlink then through it", [("sym", "./s", "{outer}"), ("file", "./s/x", "escaped")], "x"),
    ("relative symlink then through it", [("sym", "./s", ".."), ("file", "./s/x", "escaped")], "x"),
    ("symlink dir then mkdir", [("sym", "./s", "{outer}"), ("dir", "./s/newdir", "")], "newdir"),
    ("hard link out", [("hard", "./h", "../victim")], "victim-linked"),
    ("hard link absolute", [("hard", "./h", "{outer}/victim")], "victim-linked"),
    ("overwrite through existing link", [("sym", "./v", "{outer}/victim"), ("file", "./v", "overwritten")],
     "victim-changed"),
]


@pytest.mark.parametrize("name,entries,forbidden", HOSTILE_TARS, ids=[t[0] for t in HOSTILE_TARS])
def test_copy_out_refuses_hostile_tar_streams(tmp_path: Path, name: str, entries: list[tuple[str, str, str]],
                                              forbidden: str) -> None:
    """The appliance is hostile: a tar stream naming paths outside the
    destination (or reaching them through its own links) changes nothing
    outside it.  No VM: the handle's calls are answered here."""
    outer = tmp_path / "outer"
    dest = outer / "dest"
    dest.mkdir(parents=True)
    victim = outer / "victim"
    victim.write_text("victim")
    data = hostile_tar([(k, n.format(outer=outer), x.format(outer=outer)) for k, n, x in entries])
    with ready_handle() as (g, _pair):
        def fake_rpc(action: str, args: Any, opts: Any = None, download: Any = None,
                     **kw: Any) -> Any:
            """The appliance's side: /top is a directory whose tar is ``data``."""
            if action in ("is_file", "is_dir"):
                return action == "is_dir"
            if action == "tar_out":
                download.write(data)
            return None
        g._rpc = fake_rpc
        try:
            g.copy_out("/top", str(dest))
        except RuntimeError:
            pass  # refused with an error: right, as long as nothing escaped (checked below)
    left = sorted(os.listdir(outer))
    changed = victim.read_text() != "victim" or os.stat(victim).st_nlink != 1
    escaped = left != ["dest", "victim"] or changed
    record("escapes", f"copy_out hostile tar: {name}", tried=1, succeeded=int(escaped))
    assert not escaped, (forbidden, left, victim.read_text(), os.stat(victim).st_nlink)
