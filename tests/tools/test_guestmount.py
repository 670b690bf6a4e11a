"""guestmount and guestunmount as a user runs them (guestfs/tools/guestmount.py,
guestunmount.py).

Usage errors need no appliance: both programs and stock's (Debian package
guestmount) run on the same arguments, and exit status, standard output
and standard error are compared byte for byte.  One round trip with a VM
mounts a disk image made on the host, reads and writes through the mount,
unmounts with guestunmount and checks the image afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guestfs.testing import skip_or_fail
from guestfs.tools.guestunmount import is_mounted

STOCK = {"guestmount": "/usr/bin/guestmount", "guestunmount": "/usr/bin/guestunmount"}


def ours(tool: str) -> list[str]:
    """Our tool, run as the module (the console scripts may not be installed yet)."""
    return [sys.executable, "-m", f"guestfs.tools.{tool}"]


def run(cmd: list[str], cwd: Path, executable: str | None = None) -> tuple[int, bytes, bytes]:
    """Exit status, standard output and standard error of ``cmd``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIBGUESTFS_")}
    r = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60, check=False, executable=executable)
    return r.returncode, r.stdout, r.stderr


GUESTMOUNT_CASES = [
    [], ["/mnt"], ["-a", "/nonexist", "/mnt"], ["--bogus"], ["-x"], ["--fd"], ["-o"],
    ["--pid-file"], ["-q"], ["--no-fork=3"], ["--fd=abc", "-a", "/dev/null", "-m", "/dev/sda1", "/tmp"],
    ["--fd=-2", "-a", "/dev/null", "-m", "/dev/sda1", "/tmp"],
    ["-V"], ["--version"], ["-a", "/dev/null", "/tmp"], ["-a", "/dev/null", "-m", "/dev/sda1"],
    ["-a", "/dev/null", "-m", "/dev/sda1", "/tmp", "/tmp"], ["--dir-cache-timeout", "x"],
    ["--format=raw", "/tmp"], ["--format=raw", "-a", "/dev/null", "--format=qcow2", "-i", "/tmp"],
    ["-d", "foo", "-a", "/dev/null", "-m", "/dev/sda1"], ["--live"], ["-m", "/dev/sda1", "/tmp"],
    ["--short-options"], ["--long-options"],
]

GUESTUNMOUNT_CASES = [
    [], ["a", "b"], ["--fd=abc", "/tmp"], ["--fd=-1", "/tmp"], ["--retry=x", "/tmp"],
    ["--retry=-1", "/tmp"], ["--bogus"], ["-V"], ["--fd"], ["--retry"], ["--short-options"],
    ["--long-options"], ["-q", "--no-retry", "."],
]


@pytest.mark.stock
@pytest.mark.parametrize("tool,args", [("guestmount", a) for a in GUESTMOUNT_CASES]
                         + [("guestunmount", a) for a in GUESTUNMOUNT_CASES],
                         ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_usage_errors_as_stock(tool: str, args: list[str], tmp_path: Path) -> None:
    if not os.path.exists(STOCK[tool]):
        skip_or_fail(f"stock {tool} is not installed (Debian package guestmount)")
    # Stock names itself by argv[0] in getopt's and error()'s messages.
    assert run(ours(tool) + args, tmp_path) == run([tool, *args], tmp_path, STOCK[tool])


def test_help_texts_name_every_option(tmp_path: Path) -> None:
    status, out, err = run(ours("guestmount") + ["--help"], tmp_path)
    assert (status, err) == (0, b"")
    for opt in ("--add", "--dir-cache-timeout", "--fd=FD", "--fuse-help", "--no-fork",
                "--no-sync", "--option", "--pid-file", "--ro", "--rw", "--trace"):
        assert opt.encode() in out, opt
    status, out, err = run(ours("guestmount") + ["--fuse-help"], tmp_path)
    assert status == 0 and out == b"" and b"allow_other" in err
    status, out, err = run(ours("guestunmount") + ["--help"], tmp_path)
    assert (status, err) == (0, b"") and b"--no-retry" in out and b"--retry=N" in out


def _image(tmp_path: Path) -> Path:
    """A 64 MiB ext4 image with /etc/motd, made on the host."""
    if shutil.which("mkfs.ext4") is None or shutil.which("debugfs") is None:
        skip_or_fail("mkfs.ext4 and debugfs (e2fsprogs) are needed")
    tree = tmp_path / "tree"
    (tree / "etc").mkdir(parents=True)
    (tree / "etc" / "motd").write_text("hello from the guest\n")
    img = tmp_path / "disk.img"
    with open(img, "wb") as f:
        f.truncate(64 * 1024 * 1024)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-d", str(tree), str(img)], check=True)
    return img


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _debugfs_cat(img: Path, path: str) -> bytes:
    return subprocess.run(["debugfs", "-R", f"cat {path}", str(img)], capture_output=True,
                          check=True).stdout


@pytest.mark.appliance
def test_mount_write_unmount_round_trip(tmp_path: Path) -> None:
    pytest.importorskip("pyfuse3", reason="pyfuse3 (the fuse extra) is not installed")
    if not os.path.exists("/dev/fuse") or shutil.which("fusermount3") is None:
        skip_or_fail("FUSE (/dev/fuse, fusermount3) is missing")
    img = _image(tmp_path)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    pid_file = tmp_path / "gm.pid"
    r = subprocess.run(ours("guestmount") + ["-a", str(img), "-m", "/dev/sda", "--pid-file",
                                              str(pid_file), str(mnt)],
                       capture_output=True, timeout=300, check=False)
    assert (r.returncode, r.stderr) == (0, b"")
    try:
        assert is_mounted(str(mnt))
        pid = int(pid_file.read_text())
        assert (mnt / "etc" / "motd").read_text() == "hello from the guest\n"
        assert sorted(os.listdir(mnt)) == ["etc", "lost+found"]
        (mnt / "etc" / "new").write_text("written through FUSE\n")
        os.rename(mnt / "etc" / "new", mnt / "etc" / "renamed")
        os.chmod(mnt / "etc" / "renamed", 0o600)
        assert (mnt / "etc" / "renamed").stat().st_mode & 0o7777 == 0o600
    finally:
        u = subprocess.run(ours("guestunmount") + [str(mnt)], capture_output=True, timeout=120,
                           check=False)
    assert (u.returncode, u.stderr) == (0, b"")
    assert not is_mounted(str(mnt))
    # The worker syncs, shuts the appliance down and removes its PID file.
    deadline = time.monotonic() + 60
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not pid_file.exists()
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(pid)
    assert _debugfs_cat(img, "/etc/renamed") == b"written through FUSE\n"
    assert _debugfs_cat(img, "/etc/motd") == b"hello from the guest\n"
    # Not mounted any more: guestunmount says so with stock's status 2.
    status, _, _ = run(ours("guestunmount") + ["-q", "--no-retry", str(mnt)], tmp_path)
    assert status == 2


def test_fuse_options_split_into_ours_and_libfuses() -> None:
    from guestfs.library.fuse import FuseSettings, split_options
    assert split_options("a,b\\,c,,d=1") == ["a", "b,c", "d=1"]
    s = FuseSettings.parse("allow_other,attr_timeout=2.5,uid=7,kernel_cache,umask=027,"
                           "fsname=x\\,y,use_ino", "/mnt")
    assert (s.attr_timeout, s.uid, s.kernel_cache, s.umask) == (2.5, 7, True, 0o27)
    assert s.passed == {"allow_other", "fsname=x,y"}
    with pytest.raises(RuntimeError, match="^fuse_new: /mnt: Invalid argument$"):
        FuseSettings.parse("attr_timeout=soon", "/mnt")


def test_guestmount_o_options_are_escaped_for_the_list() -> None:
    from guestfs.tools.guestmount import parse
    mo, image, rest = parse(["-o", "fsname=a,b", "-o", "allow_other", "-a", "/dev/null", "-m",
                             "/dev/sda1:/boot", "-x", "--no-fork", "/mnt"])
    assert mo.fuse_options == ["fsname=a\\,b", "allow_other"]
    assert (image.trace, mo.fork, rest) == (True, False, ["/mnt"])
    assert image.mounts[0].mountpoint == "/boot"


@pytest.mark.parametrize("mode,uid,gid,want,expect", [
    (0o100644, 0, 0, os.R_OK | os.W_OK, True), (0o100644, 0, 0, os.X_OK, False),
    (0o100755, 0, 0, os.X_OK, True), (0o100640, 5, 9, os.R_OK, True),
    (0o100640, 7, 9, os.W_OK, False), (0o100604, 6, 1, os.R_OK, True),
    (0o100600, 6, 1, os.R_OK, False), (0o040700, 0, 0, os.X_OK, True),
])
def test_access_by_mode_bits(mode: int, uid: int, gid: int, want: int, expect: bool) -> None:
    from guestfs.library.fuse import _may_access

    class NoGroups:
        @staticmethod
        def get_sup_groups(pid: int) -> set[int]:
            return set()
    st = {"st_mode": mode, "st_uid": 5, "st_gid": 9}
    assert _may_access(st, want, uid, gid, 1, NoGroups) is expect
