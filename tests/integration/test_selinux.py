"""SELinux in the real appliance: the daemon's context (getcon, setcon),
the appliance booted with ``set_selinux(True)``, and relabelling a guest
tree from its own spec file (selinux_relabel, setfiles).

The spec file is a small hand-written ``file_contexts`` in the guest, or
Debian's reference policy (``selinux-policy-default``, installed on the
host and copied into the guest as its own policy); the labels ``setfiles``
writes are read back as ``security.selinux`` attributes.  Debian's kernel
makes AppArmor the active security module and ignores ``selinux=1`` (no
SELINUX_BOOTPARAM), so the appliance never runs SELinux, as stock's does
not: no policy is loaded and ``setfiles`` writes the spec file's contexts
unvalidated.  Stock's own appliance has no
``setfiles`` (its ``selinuxrelabel`` group is unavailable here), so the
relabelling is checked against the labels alone; the rest is compared
with stock 1.48 step by step.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail
from tests.helpers import err
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = [pytest.mark.appliance, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

SPEC = "/etc/selinux/test/contexts/files/file_contexts"
FILE_CONTEXTS = (
    "/etc(/.*)?\tsystem_u:object_r:etc_t:s0\n"
    "/usr(/.*)?\tsystem_u:object_r:usr_t:s0\n"
    "/usr/bin(/.*)?\tsystem_u:object_r:bin_t:s0\n"
    "/srv(/.*)?\tsystem_u:object_r:var_t:s0\n"
    "/tmp/nolabel\t<<none>>\n"
    "/tmp(/.*)?\tsystem_u:object_r:tmp_t:s0\n"
    "/dev(/.*)?\tsystem_u:object_r:device_t:s0\n"
)
XATTR = "security.selinux"


def _launched(selinux: bool, drives: int = 1) -> Any:
    h = guestfs.GuestFS(python_return_dict=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        h.set_selinux(selinux)
    for _ in range(drives):
        h.add_drive_scratch(64 << 20)
    h.launch()
    return h


@pytest.fixture(scope="module")
def g() -> Iterator[Any]:
    """A handle with SELinux left off (the default), two scratch disks."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    h = _launched(False, drives=2)
    yield h
    h.close()


def label(g: Any, path: str) -> str | None:
    """The ``security.selinux`` label of a guest file (None when it has none)."""
    names = [a["attrname"] for a in g.lgetxattrs(path)]
    if XATTR not in names:
        return None
    raw: bytes = g.lgetxattr(path, XATTR)
    return raw.rstrip(b"\0").decode()


def _guest(g: Any) -> None:
    """A fresh guest: root on sda, sdb mounted on /srv, the spec file, files to label."""
    g.umount_all()
    g.mkfs("ext4", "/dev/sda")
    g.mkfs("ext4", "/dev/sdb")
    g.mount("/dev/sda", "/")
    g.mkdir_p("/etc/selinux/test/contexts/files")
    g.write(SPEC, FILE_CONTEXTS)
    for d in ("/usr/bin", "/srv", "/dev", "/proc", "/sys", "/tmp", "/home"):
        g.mkdir_p(d)
    g.mount("/dev/sdb", "/srv")
    g.write("/etc/hosts", "127.0.0.1 localhost\n")
    g.write("/usr/bin/tool", "#!/bin/sh\n")
    g.write("/srv/data", "x")
    g.write("/tmp/nolabel", "")
    g.write("/tmp/other", "")
    g.write("/dev/null-ish", "")
    g.write("/home/file", "")


def test_relabel_writes_the_spec_files_contexts(g: Any) -> None:
    _guest(g)
    assert g.feature_available(["selinuxrelabel"])
    g.selinux_relabel(SPEC, "/")
    assert label(g, "/etc") == "system_u:object_r:etc_t:s0"
    assert label(g, "/etc/hosts") == "system_u:object_r:etc_t:s0"
    assert label(g, SPEC) == "system_u:object_r:etc_t:s0"
    assert label(g, "/usr") == "system_u:object_r:usr_t:s0"
    assert label(g, "/usr/bin") == label(g, "/usr/bin/tool") == "system_u:object_r:bin_t:s0"
    assert label(g, "/tmp/other") == "system_u:object_r:tmp_t:s0"
    # setfiles stays on one file system: the one on /srv is left alone
    # until it is relabelled itself.
    assert label(g, "/srv") is None and label(g, "/srv/data") is None
    g.selinux_relabel(SPEC, "/srv")
    assert label(g, "/srv") == label(g, "/srv/data") == "system_u:object_r:var_t:s0"
    # <<none>>, no matching entry, and the guest's /dev are left alone.
    assert label(g, "/tmp/nolabel") is None
    assert label(g, "/home/file") is None and label(g, "/") is None
    assert label(g, "/dev") is None and label(g, "/dev/null-ish") is None


#: Debian's reference policy as ``selinux-policy-default`` installs it (a test dependency).
POLICY = "/etc/selinux/default"
#: A guest tree of the usual kinds of files: (matchpathcon file type, path).
REAL_TREE = [
    ("dir", "/etc"), ("file", "/etc/passwd"), ("file", "/etc/shadow"), ("file", "/etc/selinux/config"),
    ("dir", "/usr/bin"), ("file", "/usr/bin/bash"), ("file", "/usr/bin/ls"), ("file", "/usr/sbin/sshd"),
    ("lnk_file", "/bin"), ("file", "/usr/lib64/libfoo.so.1"), ("file", "/usr/lib/x86_64-linux-gnu/libc.so.6"),
    ("dir", "/var/log"), ("file", "/var/log/syslog"), ("file", "/var/lib/dpkg/status"),
    ("dir", "/home/alice"), ("file", "/home/alice/.bashrc"), ("dir", "/root"), ("file", "/tmp/scratch"),
    ("file", "/boot/vmlinuz"), ("dir", "/srv"), ("file", "/opt/tool"),
]


def _expected_label(fc: str, kind: str, path: str) -> str | None:
    """The policy's label for ``path`` as libselinux's own matchpathcon gives it
    (run on the host, on paths of this test, never on guest data)."""
    out = subprocess.run(["matchpathcon", "-n", "-m", kind, "-f", fc, path], check=True,
                         capture_output=True, text=True, timeout=60).stdout.strip()
    return None if out == "<<none>>" else out


def test_relabel_with_debians_reference_policy(g: Any, tmp_path: Path) -> None:
    """A guest relabelled from its own copy of a real policy gets the labels
    the policy's file contexts give (regexes, file types, <<none>>, the
    homedir and path-alias files), as libselinux's matchpathcon works them out."""
    fc = f"{POLICY}/contexts/files/file_contexts"
    if not os.path.exists(fc):
        skip_or_fail("Debian's reference policy is not installed (selinux-policy-default)")
    g.umount_all()
    g.mkfs("ext4", "/dev/sda")
    g.mount("/dev/sda", "/")
    policy_tar = tmp_path / "selinux.tar"
    with tarfile.open(policy_tar, "w") as t:
        t.add("/etc/selinux", arcname="selinux")
    g.mkdir("/etc")
    g.tar_in(str(policy_tar), "/etc")
    for kind, path in REAL_TREE:
        if kind == "dir":
            g.mkdir_p(path)
        elif kind == "lnk_file":
            g.ln_s("usr/bin", path)
        elif not g.exists(path):
            g.mkdir_p(os.path.dirname(path))
            g.touch(path)
    assert all(label(g, p) is None for _, p in REAL_TREE)
    g.selinux_relabel(fc, "/")
    got = {p: label(g, p) for _, p in REAL_TREE}
    want = {p: _expected_label(fc, kind, p) for kind, p in REAL_TREE}
    assert got == want
    # Spot checks that the oracle itself saw the real policy.
    assert want["/etc/shadow"] == "system_u:object_r:shadow_t:s0"
    assert want["/usr/lib64/libfoo.so.1"] == "system_u:object_r:lib_t:s0"  # path alias (subs_dist)
    assert want["/home/alice/.bashrc"] is not None  # homedir contexts
    assert want["/tmp/scratch"] is None  # <<none>>


def test_relabel_below_a_path_and_force(g: Any) -> None:
    _guest(g)
    g.lsetxattr(XATTR, "unconfined_u:object_r:tmp_t:s0", 30, "/etc/hosts")
    g.selinux_relabel(SPEC, "/usr")
    assert label(g, "/usr/bin/tool") == "system_u:object_r:bin_t:s0"
    assert label(g, "/etc") is None  # outside the path given
    # Without force only the type changes; the user part stays.
    g.selinux_relabel(SPEC, "/etc")
    assert label(g, "/etc/hosts") == "unconfined_u:object_r:etc_t:s0"
    g.selinux_relabel(SPEC, "/etc", force=False)
    assert label(g, "/etc/hosts") == "unconfined_u:object_r:etc_t:s0"
    g.selinux_relabel(SPEC, "/etc", force=True)
    assert label(g, "/etc/hosts") == "system_u:object_r:etc_t:s0"


def test_relabel_errors(g: Any) -> None:
    _guest(g)
    assert err(g.selinux_relabel, SPEC, "etc") == \
        "selinux_relabel: selinux_relabel_stub: path must start with a / character"
    missing = err(g.selinux_relabel, "/nonexist", "/")
    assert missing.startswith("selinux_relabel: setfiles: ")
    assert missing.endswith("/sysroot/nonexist: No such file or directory")
    assert err(g.selinux_relabel, SPEC, "/nonexist").endswith(
        "setfiles: lstat(/sysroot/nonexist) failed: No such file or directory")
    # No policy is loaded to check contexts against: any is written as it is.
    g.write("/any_fc", "/etc(/.*)?\tgarbage\n")
    g.selinux_relabel("/any_fc", "/etc")
    assert label(g, "/etc/hosts") == "garbage"
    # A spec file setfiles cannot parse is a fatal error.
    g.write("/bad_fc", "/etc(/.*)?\tbogus\tsystem_u:object_r:etc_t:s0\n")
    assert err(g.selinux_relabel, "/bad_fc", "/etc") == (
        "selinux_relabel: setfiles: Can't stat exclude path \"/sysroot/selinux\", "
        "No such file or directory - ignoring.\n"
        "setfiles: /sysroot/bad_fc:  line 1 has invalid file type bogus\n"
        "setfiles: /sysroot/bad_fc:  line 1 has invalid file type bogus\n"
        "/sysroot/bad_fc: Invalid argument")
    g.umount_all()
    assert err(g.selinux_relabel, SPEC, "/") == \
        "selinux_relabel: selinux_relabel_stub: you must call 'mount' first to mount the root filesystem"


def test_setfiles_several_paths_and_excludes(g: Any) -> None:
    _guest(g)
    g.setfiles(SPEC, ["/usr", "/srv", "/tmp"], excludes=["/tmp"])
    assert label(g, "/usr/bin/tool") == "system_u:object_r:bin_t:s0"
    assert label(g, "/srv/data") == "system_u:object_r:var_t:s0"
    assert label(g, "/tmp/other") is None and label(g, "/etc/hosts") is None
    g.lsetxattr(XATTR, "unconfined_u:object_r:tmp_t:s0", 30, "/etc/hosts")
    g.setfiles(SPEC, ["/etc"])
    assert label(g, "/etc/hosts") == "unconfined_u:object_r:etc_t:s0"
    g.setfiles(SPEC, ["/etc"], force=True)
    assert label(g, "/etc/hosts") == "system_u:object_r:etc_t:s0"
    assert err(g.setfiles, SPEC, []) == "setfiles: no paths to relabel given"
    # paths are Pathnames, refused by the daemon's stub; excludes are checked by setfiles itself.
    assert err(g.setfiles, SPEC, ["/etc", "usr"]) == \
        "setfiles: setfiles_stub: path must start with a / character"
    assert err(g.setfiles, SPEC, ["/etc"], excludes=["tmp"]) == \
        "setfiles: tmp: path must start with a / character"


#: Calls whose answers must be stock's, on a handle booted with set_selinux(True).
SCRIPT: list[Step] = [
    ("get_selinux", [], {}),
    ("feature_available", [["selinux"]], {}),
    ("available", [["selinux"]], {}),
    ("getcon", [], {}),
    ("setcon", ["system_u:system_r:kernel_t:s0"], {}),
    ("setcon", ["garbage"], {}),
    ("set_selinux", [False], {}),
    ("get_selinux", [], {}),
    # Debian's kernel does not start SELinux for selinux=1: no selinuxfs.
    ("debug", ["sh", ["test -e /sys/fs/selinux && echo on || echo off"]], {}),
]


def test_selinux_boot_and_context_as_stock() -> None:
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    h = _launched(True)
    try:
        cmdline = h.debug("sh", ["cat /proc/cmdline"]).split()
        assert "selinux=0" not in cmdline
        i = cmdline.index("selinux=1")
        assert cmdline[i:i + 2] == ["selinux=1", "enforcing=0"]
        ours = run_script_on(h, SCRIPT)
    finally:
        h.close()
    assert ours[3] == {"ok": "unconfined\n"}  # AppArmor's label: SELinux is not running
    assert ours[-1] == {"ok": "off"}
    stock = run_script_on_stock([("set_selinux", [True], {}), ("add_drive_scratch", [64 << 20], {}),
                                 ("launch", [], {})], SCRIPT, timeout=300)
    assert_same_outcomes(SCRIPT, ours, stock)


def test_default_boot_has_selinux_off(g: Any) -> None:
    assert not g.get_selinux()
    assert "selinux=0" in g.debug("sh", ["cat /proc/cmdline"]).split()
    assert g.getcon() == "unconfined\n"
    assert err(g.setcon, "system_u:system_r:kernel_t:s0") == "setcon: setcon: Invalid argument"
