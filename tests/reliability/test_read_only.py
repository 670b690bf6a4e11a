"""Read-only means read-only (issue 11, item 5).

Images of every layout a caller opens read-only: raw, qcow2, a qcow2
backing chain, LVM, md RAID-1 over two images, an ext4 whose journal is
dirty (mounted read-write, written, then qemu SIGKILLed: mounting it again
replays the journal, a write), and a disk in use by a running process (a
paused qemu holding it read-write with its image locks).  All are added
with ``readonly=True`` to one handle, which then reads everything: ls, cat,
find, checksum, download, tar_out, list_filesystems, vfs_type, lvs,
list_md_devices, inspect_os, file, statvfs …  The sha256 of every image
file (backing files included) must be what it was before.

The images are made once per module: the raw ones on the host
(``mkfs.ext4 -d``, ``qemu-img``), LVM, md and the dirty journal in one
launch.
"""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail
from tests.helpers import sha256_file
from tests.reliability.conftest import record

pytestmark = [pytest.mark.appliance, pytest.mark.slow]

MiB = 1 << 20
#: The md mirror's place in :attr:`Images.contents` until the reading
#: handle says which /dev/mdN it is.
MD = "md"


@dataclass
class Images:
    """The module's images: (path, format) per drive in order, what each
    file system holds, and every file whose checksum must not change."""

    drives: list[tuple[str, str]] = field(default_factory=list)
    #: file system (as the reading handle names it) → {guest path: content}
    contents: dict[str, dict[str, bytes]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    #: the paused qemu that has the in-use image open
    holder: subprocess.Popen[bytes] | None = None


def host_ext4(path: Path, files: dict[str, bytes], size: str = "16M") -> None:
    """An ext4 image holding ``files``, made on the host."""
    tree = path.with_suffix(".tree")
    for name, data in files.items():
        p = tree / name.lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-d", str(tree), str(path), size], check=True)


def qemu_img(*args: str) -> None:
    subprocess.run(["qemu-img", *args], check=True, capture_output=True)


def ext4_needs_recovery(path: str) -> bool:
    """Whether the ext4 at ``path`` has its journal-recovery flag set
    (EXT3_FEATURE_INCOMPAT_RECOVER in the super block's s_feature_incompat)."""
    with open(path, "rb") as f:
        f.seek(1024 + 0x60)
        (incompat,) = struct.unpack("<I", f.read(4))
    return bool(incompat & 0x4)


def build_in_appliance(d: Path, images: Images) -> None:
    """LVM, md and the dirty journal: one launch, killed with SIGKILL at the end."""
    lvm, md1, md2, dirty = (d / n for n in ("lvm.img", "md1.img", "md2.img", "dirty.img"))
    for p, size in ((lvm, 48 * MiB), (md1, 40 * MiB), (md2, 40 * MiB)):
        with open(p, "wb") as f:
            f.truncate(size)
    host_ext4(dirty, {"/before": b"written before the crash\n"})
    g = guestfs.GuestFS(python_return_dict=True)
    for p in (lvm, md1, md2, dirty):
        g.add_drive_opts(str(p), format="raw")
    g.launch()
    try:
        g.pvcreate("/dev/sda")
        g.vgcreate("rovg", ["/dev/sda"])
        g.lvcreate("rolv", "rovg", 32)
        g.mkfs("ext4", "/dev/rovg/rolv")
        g.mount("/dev/rovg/rolv", "/")
        g.write("/lvm-file", b"on a logical volume\n")
        g.umount_all()
        g.vg_activate_all(False)
        g.md_create("romd", ["/dev/sdb", "/dev/sdc"], level="raid1")
        g.mkfs("ext4", "/dev/md/romd")
        g.mount("/dev/md/romd", "/")
        g.write("/md-file", b"on an md mirror\n")
        g.umount_all()
        g.md_stop("/dev/md/romd")
        g.mount("/dev/sdd", "/")
        g.write("/after", b"written just before the crash\n")
        g.sync()
        os.kill(g.get_pid(), signal.SIGKILL)  # no unmount: the journal stays dirty
    finally:
        g.close()
    assert ext4_needs_recovery(str(dirty)), "the crash did not leave the journal dirty"
    images.drives += [(str(lvm), "raw"), (str(md1), "raw"), (str(md2), "raw"), (str(dirty), "raw")]
    images.files += [str(lvm), str(md1), str(md2), str(dirty)]


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Images]:
    """Every read-only layout, made once for the module."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    d = tmp_path_factory.mktemp("readonly")
    im = Images()
    raw = d / "raw.img"
    host_ext4(raw, {"/raw-file": b"raw\n", "/dir/nested": b"nested in raw\n"})
    src = d / "for-qcow2.img"
    host_ext4(src, {"/qcow2-file": b"qcow2\n"})
    qcow2 = d / "image.qcow2"
    qemu_img("convert", "-f", "raw", "-O", "qcow2", str(src), str(qcow2))
    base_raw = d / "for-base.img"
    host_ext4(base_raw, {"/base-file": b"from the backing file\n"})
    base = d / "base.qcow2"
    qemu_img("convert", "-f", "raw", "-O", "qcow2", str(base_raw), str(base))
    mid = d / "mid.qcow2"
    qemu_img("create", "-q", "-f", "qcow2", "-b", str(base), "-F", "qcow2", str(mid))
    top = d / "top.qcow2"
    qemu_img("create", "-q", "-f", "qcow2", "-b", str(mid), "-F", "qcow2", str(top))
    im.drives += [(str(raw), "raw"), (str(qcow2), "qcow2"), (str(top), "qcow2")]
    im.files += [str(raw), str(qcow2), str(base), str(mid), str(top)]
    build_in_appliance(d, im)
    inuse = d / "inuse.img"
    host_ext4(inuse, {"/inuse-file": b"a running VM's disk\n"})
    # A running VM's disk: qemu has it open read-write (and locked), paused.
    im.holder = subprocess.Popen(
        ["qemu-system-x86_64", "-S", "-nodefaults", "-display", "none", "-machine", "accel=tcg",
         "-drive", f"file={inuse},format=raw,if=virtio"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not any(os.path.realpath(f"/proc/{im.holder.pid}/fd/{fd}") == str(inuse)
                  for fd in _fds(im.holder.pid)):
        assert im.holder.poll() is None and time.monotonic() < deadline, "the holding qemu did not start"
        time.sleep(0.1)
    im.drives.append((str(inuse), "raw"))
    im.files.append(str(inuse))
    im.contents = {
        "/dev/sda": {"/raw-file": b"raw\n", "/dir/nested": b"nested in raw\n"},
        "/dev/sdb": {"/qcow2-file": b"qcow2\n"},
        "/dev/sdc": {"/base-file": b"from the backing file\n"},
        "/dev/rovg/rolv": {"/lvm-file": b"on a logical volume\n"},
        MD: {"/md-file": b"on an md mirror\n"},
        "/dev/sdg": {"/before": b"written before the crash\n",
                     "/after": b"written just before the crash\n"},
        "/dev/sdh": {"/inuse-file": b"a running VM's disk\n"},
    }
    yield im
    im.holder.kill()
    im.holder.wait()


def _fds(pid: int) -> list[str]:
    try:
        return os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return []


@dataclass
class Reads:
    """What one read-only handle found: missed or wrong reads per file
    system, and the image files whose checksum changed."""

    failures: dict[str, list[str]]
    changed: list[str]


@pytest.fixture(scope="module")
def reads(images: Images, tmp_path_factory: pytest.TempPathFactory) -> Reads:
    """Every layout, added read-only to one handle and read every way."""
    tmp_path = tmp_path_factory.mktemp("reads")
    before = {p: sha256_file(p) for p in images.files}
    g = guestfs.GuestFS(python_return_dict=True)
    for path, fmt in images.drives:
        g.add_drive_opts(path, format=fmt, readonly=True)
    g.launch()
    read: dict[str, dict[str, bytes]] = {}
    failures: dict[str, list[str]] = {fs: [] for fs in images.contents}
    try:
        fss = g.list_filesystems()
        for dev in g.list_devices() + g.list_partitions():
            if dev in fss:
                g.vfs_type(dev)
            g.file(dev)
            g.blockdev_getsize64(dev)
        g.lvs()
        mds = g.list_md_devices()
        g.inspect_os()
        # The mirror is assembled at boot under a number the kernel picks.
        real_name = {MD: mds[0]} if len(mds) == 1 else {}
        for key in images.contents:
            fs = real_name.get(key, key)
            if fs not in fss and fs not in mds:
                failures[key].append(f"{fs} not among the file systems {sorted(fss)} / md {mds}")
                continue
            assert g.vfs_type(fs) == "ext4"
            g.mount_ro(fs, "/")
            try:
                got = read.setdefault(key, {})
                for name in g.find("/"):
                    path = "/" + name
                    if g.is_file(path):
                        got[path] = g.read_file(path)
                        g.checksum("sha256", path)
                        g.cat(path)
                        g.file(path)
                        local = tmp_path / "dl"
                        g.download(path, str(local))
                        got[path + " (download)"] = local.read_bytes()
                    g.ls("/")
                    g.lstat(path)
                g.statvfs("/")
                g.tar_out("/", str(tmp_path / "out.tar"))
                g.du("/")
            finally:
                g.umount_all()
        g.shutdown()
    finally:
        g.close()
    for fs, files in images.contents.items():
        for path, content in files.items():
            for key in (path, path + " (download)"):
                if read.get(fs, {}).get(key) != content:
                    failures[fs].append(f"{fs}:{key} read {read.get(fs, {}).get(key)!r}, not {content!r}")
    changed = [p for p in images.files if sha256_file(p) != before[p]]
    record("read_only", "every layout read", images=len(images.files), changed_files=len(changed))
    return Reads(failures, changed)


def test_no_image_changes(images: Images, reads: Reads) -> None:
    """The sha256 of every image file, backing files included, is unchanged;
    the dirty journal is still dirty in the image (replayed in the overlay
    only), and the in-use disk's holder is still running."""
    assert reads.changed == [], f"read-only images changed: {reads.changed}"
    assert ext4_needs_recovery(images.drives[6][0]), "the dirty journal was replayed into the image"
    assert images.holder is not None and images.holder.poll() is None


@pytest.mark.parametrize("fs", ["/dev/sda", "/dev/sdb", "/dev/sdc", "/dev/rovg/rolv", MD, "/dev/sdg",
                                "/dev/sdh"])
def test_every_layout_was_read(reads: Reads, fs: str) -> None:
    """The reads really happened: each file system's files read back (so an
    unchanged checksum is not the checksum of an image nobody opened).  The
    volume group and the mirror are found as the appliance starts (as
    stock's does)."""
    assert reads.failures[fs] == []
