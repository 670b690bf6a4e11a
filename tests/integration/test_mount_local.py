"""mount_local, mount_local_run and umount_local in the real appliance
(guestfs/library/fuse.py): a FUSE mount of the handle's guest file systems,
used through ordinary host system calls.

One handle per module, with an ext4 scratch disk.  Each mount is served
by mount_local_run in a thread and ended with umount_local, as a program
using the API does.  The messages of the calls made in the wrong order
are stock libguestfs 1.48.6's (checked on the same calls through its
Python binding).
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from guestfs.testing import appliance_missing, skip_or_fail
from guestfs.tools.guestunmount import is_mounted

pytestmark = pytest.mark.appliance

MOTD = b"hello from the guest\n"


@pytest.fixture(scope="module")
def h() -> Iterator[Any]:
    """A launched handle with ext4 on /dev/sda mounted at /, a few files in it."""
    pytest.importorskip("pyfuse3", reason="pyfuse3 (the fuse extra) is not installed")
    if not os.path.exists("/dev/fuse") or shutil.which("fusermount3") is None:
        skip_or_fail("FUSE (/dev/fuse, fusermount3) is missing")
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    import guestfs
    g = guestfs.GuestFS(python_return_dict=True)
    g.add_drive_scratch(64 * 1024 * 1024)
    g.launch()
    g.mkfs("ext4", "/dev/sda")
    g.mount("/dev/sda", "/")
    g.mkdir("/etc")
    g.write("/etc/motd", MOTD)
    g.mkdir("/dir")
    for name in ("a", "b", "c"):
        g.touch(f"/dir/{name}")
    g.ln_s("../etc/motd", "/dir/link")
    g.setxattr("user.colour", "blue", 4, "/etc/motd")
    yield g
    g.close()


class Served:
    """A mount_local mount served by mount_local_run in a thread."""

    def __init__(self, g: Any, where: Path, **opts: Any) -> None:
        self.g = g
        self.where = where
        g.mount_local(str(where), **opts)
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not is_mounted(str(where)) and time.monotonic() < deadline:
            time.sleep(0.05)

    def _run(self) -> None:
        try:
            self.g.mount_local_run()
        except BaseException as e:  # noqa: BLE001 - reported by stop()
            self.errors.append(e)

    def stop(self) -> None:
        self.g.umount_local()
        self.thread.join(30)
        assert not self.thread.is_alive(), "mount_local_run did not return after umount_local"
        assert self.errors == []


@pytest.fixture
def rw(h: Any, tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    s = Served(h, mnt)
    yield mnt
    s.stop()
    assert not is_mounted(str(mnt))


def test_read_a_file(rw: Path) -> None:
    assert (rw / "etc" / "motd").read_bytes() == MOTD
    with open(rw / "etc" / "motd", "rb") as f:
        f.seek(6)
        assert f.read(4) == b"from"


def test_list_a_directory_with_attributes(rw: Path, h: Any) -> None:
    assert sorted(os.listdir(rw / "dir")) == ["a", "b", "c", "link"]
    assert os.readlink(rw / "dir" / "link") == "../etc/motd"
    st = os.stat(rw / "etc" / "motd")
    guest = h.lstatns("/etc/motd")
    assert (st.st_size, st.st_mode, st.st_mtime_ns) == (
        len(MOTD), guest["st_mode"], guest["st_mtime_sec"] * 10**9 + guest["st_mtime_nsec"])
    assert os.getxattr(rw / "etc" / "motd", "user.colour") == b"blue"
    assert "user.colour" in os.listxattr(rw / "etc" / "motd")


def test_write_files_and_see_them_in_the_guest(rw: Path, h: Any) -> None:
    (rw / "new.txt").write_bytes(b"written on the host\n")
    with open(rw / "new.txt", "r+b") as f:
        f.seek(8)
        f.write(b"ON")
    assert h.cat("/new.txt") == "written ON the host\n"
    os.mkdir(rw / "sub", 0o750)
    os.rename(rw / "new.txt", rw / "sub" / "moved.txt")
    os.symlink("moved.txt", rw / "sub" / "sym")
    os.link(rw / "sub" / "moved.txt", rw / "sub" / "hard")
    os.chmod(rw / "sub" / "moved.txt", 0o640)
    os.truncate(rw / "sub" / "moved.txt", 7)
    os.utime(rw / "sub" / "moved.txt", ns=(10**18, 2 * 10**18))
    os.setxattr(rw / "sub" / "moved.txt", "user.k", b"v")
    st = h.lstatns("/sub/moved.txt")
    assert (st["st_mode"] & 0o7777, st["st_size"], st["st_nlink"], st["st_mtime_sec"]) == \
        (0o640, 7, 2, 2 * 10**9)
    assert h.lstatns("/sub")["st_mode"] & 0o7777 == 0o750
    assert h.readlink("/sub/sym") == "moved.txt"
    assert h.lgetxattr("/sub/moved.txt", "user.k") == b"v"
    assert h.cat("/sub/hard") == "written"
    os.remove(rw / "sub" / "hard")
    os.remove(rw / "sub" / "sym")
    os.remove(rw / "sub" / "moved.txt")
    os.rmdir(rw / "sub")
    assert not h.exists("/sub")


def test_errors_carry_the_guest_errno(rw: Path) -> None:
    with pytest.raises(FileNotFoundError):
        (rw / "nonexistent").read_bytes()
    with pytest.raises(OSError) as e:
        os.rmdir(rw / "dir")
    assert e.value.errno == errno.ENOTEMPTY
    with pytest.raises(OSError) as e:
        os.getxattr(rw / "etc" / "motd", "user.nosuch")
    assert e.value.errno == errno.ENODATA
    # lsetxattr takes text: a binary value is "not supported", which lets
    # cp -a fall back from setting a POSIX ACL to chmod.
    for value in (b"\x02\x00\x01", b"\xff\xfe"):
        with pytest.raises(OSError) as e:
            os.setxattr(rw / "etc" / "motd", "user.bin", value)
        assert e.value.errno == errno.ENOTSUP


def test_statvfs_is_the_guests(rw: Path, h: Any) -> None:
    ours, guest = os.statvfs(rw), h.statvfs("/")
    assert (ours.f_bsize, ours.f_blocks, ours.f_files) == (guest["bsize"], guest["blocks"],
                                                           guest["files"])


def test_read_only_refuses_writes_with_erofs(h: Any, tmp_path: Path) -> None:
    mnt = tmp_path / "ro"
    mnt.mkdir()
    s = Served(h, mnt, readonly=True)
    try:
        assert (mnt / "etc" / "motd").read_bytes() == MOTD
        for attempt in (lambda: (mnt / "x").write_bytes(b"x"),
                        lambda: open(mnt / "etc" / "motd", "ab"),
                        lambda: os.mkdir(mnt / "d"),
                        lambda: os.remove(mnt / "etc" / "motd"),
                        lambda: os.chmod(mnt / "etc" / "motd", 0o600),
                        lambda: os.setxattr(mnt / "etc" / "motd", "user.x", b"y"),
                        lambda: os.rename(mnt / "dir", mnt / "dir2")):
            with pytest.raises(OSError) as e:
                attempt()
            assert e.value.errno == errno.EROFS
    finally:
        s.stop()
    assert h.cat("/etc/motd") == MOTD.decode()


def test_calls_in_the_wrong_order(h: Any, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="^no filesystem is mounted$"):
        h.umount_local()
    with pytest.raises(RuntimeError, match="^you must call guestfs_mount_local first$"):
        h.mount_local_run()
    with pytest.raises(RuntimeError, match="^fuse_mount: /nonexistent/x: No such file or directory$"):
        h.mount_local("/nonexistent/x")
    mnt = tmp_path / "m"
    mnt.mkdir()
    with pytest.raises(RuntimeError, match=f"^fuse_new: {mnt}: Invalid argument$"):
        h.mount_local(str(mnt), options="bogusopt")
    s = Served(h, mnt, cachetimeout=0)
    try:
        with pytest.raises(RuntimeError, match="^filesystem is already mounted in another thread$"):
            h.mount_local(str(mnt))
        # No cache: a change made through the API shows at once.
        h.write("/etc/motd", b"changed\n")
        time.sleep(1.1)  # the kernel's own attribute cache (attr_timeout 1 s)
        assert (mnt / "etc" / "motd").read_bytes() == b"changed\n"
    finally:
        s.stop()
        h.write("/etc/motd", MOTD)
    with pytest.raises(RuntimeError, match="^no filesystem is mounted$"):
        h.umount_local()


def _make_tree(root: Path) -> None:
    """A host tree for the copy test: many small files, nested directories,
    symbolic links, a hard link, odd modes and times, and a file of a few MiB
    (several FUSE writes and reads of 128 KiB each)."""
    root.mkdir()
    for d in range(8):
        sub = root / f"d{d}" / "nested" / "deeper"
        sub.mkdir(parents=True)
        for f in range(25):
            (sub.parent / f"f{f}.txt").write_bytes(f"file {d}/{f}\n".encode() * (f + 1))
        (sub / "leaf").write_bytes(b"")
        os.symlink(f"../f{d}.txt", sub / "up-link")
        os.chmod(sub.parent / "f0.txt", 0o600)
        os.utime(sub.parent / "f1.txt", ns=(10**18, 10**18 + 12345))
    (root / "big.bin").write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    os.link(root / "big.bin", root / "big-hardlink")
    os.symlink("d0", root / "dir-link")
    os.symlink("nowhere", root / "dangling")
    (root / "exec.sh").write_bytes(b"#!/bin/sh\n")
    os.chmod(root / "exec.sh", 0o755)
    os.chmod(root / "d7", 0o711)


def _snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """What ``cp -a`` must preserve of every entry under ``root``."""
    out: dict[str, tuple[object, ...]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            rel = str(p.relative_to(root))
            if p.is_symlink():
                out[rel] = ("link", os.readlink(p))
            elif p.is_dir():
                out[rel] = ("dir", st.st_mode)
            else:
                out[rel] = ("file", st.st_mode, st.st_mtime_ns, p.read_bytes())
    return out


def test_cp_a_a_tree_in_and_back_out(rw: Path, h: Any, tmp_path: Path) -> None:
    if shutil.which("cp") is None:
        skip_or_fail("cp (coreutils) is needed")
    src = tmp_path / "src"
    _make_tree(src)
    r = subprocess.run(["cp", "-a", str(src), str(rw / "copied")], capture_output=True,
                       timeout=600, check=False)
    assert (r.returncode, r.stderr) == (0, b"")
    # The guest sees what was written, through its own calls.
    assert h.checksum("sha256", "/copied/big.bin") == \
        hashlib.sha256((src / "big.bin").read_bytes()).hexdigest()
    assert h.lstatns("/copied/big-hardlink")["st_nlink"] == 2
    assert h.readlink("/copied/d3/nested/deeper/up-link") == "../f3.txt"
    back = tmp_path / "back"
    r = subprocess.run(["cp", "-a", str(rw / "copied"), str(back)], capture_output=True,
                       timeout=600, check=False)
    assert (r.returncode, r.stderr) == (0, b"")
    assert _snapshot(back) == _snapshot(src)
    assert len(_snapshot(src)) > 8 * 28
    h.rm_rf("/copied")


def test_a_crashed_appliance_fails_calls_and_unmounts(tmp_path: Path) -> None:
    """qemu killed under a live mount: calls through the mount fail with EIO
    instead of hanging, mount_local_run returns, umount_local unmounts, and
    nothing is left mounted."""
    import guestfs
    g = guestfs.GuestFS(python_return_dict=True)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    try:
        g.add_drive_scratch(16 * 1024 * 1024)
        g.launch()
        g.mkfs("ext4", "/dev/sda")
        g.mount("/dev/sda", "/")
        g.write("/f", b"before the crash\n")
        s = Served(g, mnt, cachetimeout=0)
        assert (mnt / "f").read_bytes() == b"before the crash\n"
        os.kill(g.get_pid(), signal.SIGKILL)
        failures = []
        for attempt in (lambda: os.stat(mnt / "other"), lambda: os.listdir(mnt / "."),
                        lambda: (mnt / "new").write_bytes(b"x")):
            with pytest.raises(OSError) as e:
                attempt()
            failures.append(e.value.errno)
        assert failures == [errno.EIO] * 3
        g.umount_local()
        s.thread.join(30)
        assert not s.thread.is_alive(), "mount_local_run did not return after the crash"
        assert not is_mounted(str(mnt))
    finally:
        if is_mounted(str(mnt)):  # a failed assertion above: leave no dead mount
            subprocess.run(["fusermount3", "-u", "-z", str(mnt)], check=False)
        g.close()
