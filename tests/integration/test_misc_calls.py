"""Odd calls in the real appliance: copy_attributes, fill_dir, lxattrlist
(and the internal_lxattrlist it is built on), command_out and sh_out (added
after 1.48: the output streamed as a file, past the 4 MiB message limit),
debug_upload and the test call internal_rhbz914931.

``test_agrees_with_stock`` runs one script through stock libguestfs 1.48.6
and through ours and compares every step (command_out and sh_out are not
in 1.48, and stock's binding has no internal_* methods).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail
from tests.helpers import call_with_timeout, err
from tests.integration.test_commands import mini_guest_tar
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

MiB = 1024 * 1024

PREPARE: list[Step] = [
    ("part_disk", ["/dev/sda", "mbr"], {}),
    ("mkfs", ["ext4", "/dev/sda1"], {}),
    ("mount", ["/dev/sda1", "/"], {}),
    ("write", ["/src", b"hello"], {}),
    ("chown", [10, 20, "/src"], {}),
    ("chmod", [0o4751, "/src"], {}),  # after chown, which clears set-user-ID
    ("setxattr", ["user.foo", "bar", 3, "/src"], {}),
    ("setxattr", ["user.two", "22", 2, "/src"], {}),
    ("mkdir", ["/d"], {}),
    ("touch", ["/d/b"], {}),
    ("setxattr", ["user.a", "1", 1, "/d/b"], {}),
    ("setxattr", ["user.bb", "22", 2, "/d/b"], {}),
    ("mkdir", ["/d/sub"], {}),
    ("ln_s", ["b", "/d/link"], {}),
    ("mkdir", ["/fd"], {}),
]


def _prepare(g: Any) -> None:
    for method, args, kwargs in PREPARE:
        getattr(g, method)(*args, **kwargs)


def _attrs(g: Any, path: str) -> tuple[int, int, int, list[tuple[str, bytes]]]:
    st = g.lstatns(path)
    xattrs = sorted((x["attrname"], x["attrval"]) for x in g.getxattrs(path))
    return st["st_mode"] & 0o7777, st["st_uid"], st["st_gid"], xattrs


def test_copy_attributes(g: Any) -> None:
    _prepare(g)
    src = _attrs(g, "/src")
    assert src == (0o4751, 10, 20, [("user.foo", b"bar"), ("user.two", b"22")])
    for name in ("none", "all", "mode", "xattrs", "owner", "allbutmode"):
        g.touch(f"/{name}")
    g.copy_attributes("/src", "/none")
    assert _attrs(g, "/none") == (0o644, 0, 0, [])
    g.copy_attributes("/src", "/all", all=True)
    assert _attrs(g, "/all") == src  # set-user-ID kept: ownership is copied first
    g.copy_attributes("/src", "/mode", mode=True)
    assert _attrs(g, "/mode") == (0o4751, 0, 0, [])
    g.setxattr("user.keep", "k", 1, "/xattrs")
    g.copy_attributes("/src", "/xattrs", xattributes=True)
    assert _attrs(g, "/xattrs")[3] == [("user.foo", b"bar"), ("user.keep", b"k"), ("user.two", b"22")]
    g.copy_attributes("/src", "/owner", ownership=True)
    assert _attrs(g, "/owner") == (0o644, 10, 20, [])
    g.copy_attributes("/src", "/allbutmode", all=True, mode=False)
    assert _attrs(g, "/allbutmode") == (0o644, 10, 20, src[3])
    g.copy_attributes("/src", "/d", all=True)  # onto a directory
    assert _attrs(g, "/d")[:3] == (0o4751, 10, 20)
    assert err(g.copy_attributes, "/nonexist", "/none") == \
        "copy_attributes: stat: /nonexist: No such file or directory"
    assert err(g.copy_attributes, "/src", "/nonexist", all=True) == \
        "copy_attributes: stat: /nonexist: No such file or directory"


def test_fill_dir(g: Any) -> None:
    _prepare(g)
    g.fill_dir("/fd", 12)
    assert g.ls("/fd") == [f"{i:08d}" for i in range(12)]
    st = g.lstatns("/fd/00000011")
    assert (st["st_size"], st["st_mode"]) == (0, 0o100644)
    g.fill_dir("/fd", 0)
    g.fill_dir("/fd", -5)
    assert len(g.ls("/fd")) == 12
    assert err(g.fill_dir, "/nodir", 1) == "fill_dir: create: /nodir/00000000: No such file or directory"
    assert err(g.fill_dir, "/src", 1) == "fill_dir: create: /src/00000000: Not a directory"


def test_lxattrlist(g: Any) -> None:
    assert g.feature_available(["linuxxattrs"])
    _prepare(g)
    expected = [{"attrname": "", "attrval": b"2\0"}, {"attrname": "user.a", "attrval": b"1"},
                {"attrname": "user.bb", "attrval": b"22"},
                {"attrname": "", "attrval": b"0\0"},   # sub: none
                {"attrname": "", "attrval": b"0\0"},   # link: the link itself has none
                {"attrname": "", "attrval": b""}]      # nonexist
    names = ["b", "sub", "link", "nonexist"]
    assert g.lxattrlist("/d", names) == expected
    assert g.internal_lxattrlist("/d", names) == expected
    assert g.lxattrlist("/d", []) == []
    assert g.lxattrlist("/nonexist", ["b"]) == [{"attrname": "", "attrval": b""}]
    assert g.lxattrlist("/src", ["x"]) == [{"attrname": "", "attrval": b""}]  # no directory
    for bad in ("../src", "sub/x"):
        assert err(g.lxattrlist, "/d", [bad]) == f"lxattrlist: names: '{bad}' is not a file name"


@pytest.fixture
def guest(g: Any, tmp_path: Path) -> Any:
    """The shared handle with a tiny guest (a few host programs) unpacked on /."""
    _prepare(g)
    tar = tmp_path / "guest.tar"
    tar.write_bytes(mini_guest_tar())
    g.tar_in(str(tar), "/")
    return g


def test_command_out_and_sh_out(guest: Any, tmp_path: Path) -> None:
    g = guest
    big = os.urandom(5 * MiB + 123)  # more than one protocol message can carry
    src = tmp_path / "big"
    src.write_bytes(big)
    g.upload(str(src), "/big")
    out = tmp_path / "out"
    g.command_out(["/bin/cat", "/big"], str(out))
    assert out.read_bytes() == big
    g.sh_out("cat /big /big", str(out))
    assert out.read_bytes() == big + big
    # NUL bytes are kept (command stops at the first), stderr is not in the output.
    g.sh_out("printf 'a\\0b'; echo err >&2", str(out))
    assert out.read_bytes() == b"a\0b"
    assert g.sh("printf 'a\\0b'") == "a"
    g.command_out(["/bin/true"], str(out))
    assert out.read_bytes() == b""
    # Failures read as command's and sh's do.
    assert err(g.command_out, ["/bin/sh", "-c", "echo out; echo err >&2; exit 3"], str(out)) == \
        "command_out: err"
    assert err(g.command_out, ["/nonexistent"], str(out)) == \
        "command_out: /nonexistent: No such file or directory"
    assert err(g.command_out, [], str(out)) == "command_out: passed an empty list"
    assert err(g.sh_out, "exit 1", str(out)) == "sh_out: "
    assert err(g.sh_out, "echo bad >&2; false", str(out)) == "sh_out: bad"
    assert g.echo_daemon(["still", "alive"]) == "still alive"


def test_command_out_needs_a_mounted_root(g: Any, tmp_path: Path) -> None:
    assert err(g.command_out, ["/bin/true"], str(tmp_path / "o")) == \
        "command_out: you must call 'mount' first to mount the root filesystem"


def test_debug_upload(g: Any, tmp_path: Path) -> None:
    local = tmp_path / "up.bin"
    local.write_bytes(b"upload data\n" * 1000)
    g.debug_upload(str(local), "/tmp/debug-upload-test", 0o640)
    assert g.debug("sh", ["stat -c %a /tmp/debug-upload-test; md5sum < /tmp/debug-upload-test"]).split() \
        == ["640", hashlib.md5(local.read_bytes()).hexdigest(), "-"]
    assert err(g.debug_upload, str(local), "/nonexistdir/x", 0o644) == \
        "debug_upload: /nonexistdir/x: No such file or directory"
    assert g.echo_daemon(["still", "alive"]) == "still alive"  # the refused upload was drained


def test_rhbz914931_arguments(g: Any, tmp_path: Path) -> None:
    local = tmp_path / "small"
    local.write_bytes(b"x" * 100)
    for bad in (0, -1, 1001):
        assert err(g.internal_rhbz914931, str(local), bad) == "internal_rhbz914931: count out of range"
    # Fewer chunks than the count: the upload just completes.
    g.internal_rhbz914931(str(local), 1000)
    assert g.echo_daemon(["ok"]) == "ok"


def test_rhbz914931_daemon_dies_mid_upload(tmp_path: Path) -> None:
    """The daemon aborts during an upload: the call fails promptly, no hang."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    local = tmp_path / "big"
    local.write_bytes(os.urandom(MiB))
    h = guestfs.GuestFS(python_return_dict=True)
    try:
        h.add_drive_scratch(16 * MiB)
        h.launch()
        with pytest.raises(RuntimeError):
            call_with_timeout(lambda: h.internal_rhbz914931(str(local), 5), timeout=60)
        with pytest.raises(RuntimeError):
            h.echo_daemon(["gone"])
    finally:
        h.close()


#: The compared script (after PREPARE).
SCRIPT: list[Step] = [
    ("touch", ["/t1"], {}),
    ("copy_attributes", ["/src", "/t1"], {}),
    ("lstatns", ["/t1"], {}),
    ("touch", ["/t2"], {}),
    ("copy_attributes", ["/src", "/t2"], {"all": True}),
    ("getxattrs", ["/t2"], {}),
    ("touch", ["/t3"], {}),
    ("copy_attributes", ["/src", "/t3"], {"all": True, "xattributes": False}),
    ("getxattrs", ["/t3"], {}),
    ("copy_attributes", ["/src", "/d/sub"], {"mode": True, "ownership": True}),
    ("copy_attributes", ["/nonexist", "/t1"], {}),
    ("copy_attributes", ["/src", "/nonexist"], {"all": True}),
    ("copy_attributes", ["/src", "/d/link"], {"ownership": True}),
    ("fill_dir", ["/fd", 3], {}),
    ("ls", ["/fd"], {}),
    ("fill_dir", ["/fd", 0], {}),
    ("fill_dir", ["/fd", -1], {}),
    ("fill_dir", ["/nodir", 2], {}),
    ("fill_dir", ["/src", 1], {}),
    ("lxattrlist", ["/d", ["b", "sub", "link", "nonexist"]], {}),
    ("lxattrlist", ["/d", []], {}),
    ("lxattrlist", ["/nonexist", ["b"]], {}),
    ("lxattrlist", ["/", ["src", "d"]], {}),
    ("lxattrlist", ["/src", ["x"]], {}),
    ("lxattrlist", ["/d", ["../src"]], {}),
    ("lxattrlist", ["/d", ["", ".", "a\nb"]], {}),
    ("debug_upload", ["/etc/hostname", "a/b", 0o640], {}),
    ("debug_upload", ["/etc/hostname", "/tmp/from-test", 0o600], {}),
    ("debug_upload", ["/nonexist-on-host", "/tmp/x", 0o600], {}),
]


# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_agrees_with_stock(g: Any) -> None:
    stock = run_script_on_stock([("add_drive_scratch", [64 << 20], {}), ("launch", [], {}), *PREPARE],
                                SCRIPT)
    _prepare(g)
    ours = run_script_on(g, SCRIPT)
    # Times differ from run to run; the rest of lstatns must not.
    for o in (ours, stock):
        for step, r in zip(SCRIPT, o):
            if step[0] == "lstatns" and "ok" in r:
                r["ok"] = {k: v for k, v in r["ok"].items()
                           if k.startswith(("st_mode", "st_uid", "st_gid", "st_size", "st_nlink"))}
    assert_same_outcomes(SCRIPT, ours, stock)
