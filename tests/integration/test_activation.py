"""Storage a guest's disks already hold comes up at launch, as in stock
1.48: volume groups are active and md arrays assembled without the caller
asking, also on read-only drives, which stay unchanged."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail

pytestmark = pytest.mark.appliance
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A disk with an LV holding ext4, and two disks making a RAID1 with ext4."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    d = tmp_path_factory.mktemp("activation")
    paths = {n: str(d / f"{n}.img") for n in ("lvm", "md1", "md2")}
    g = guestfs.GuestFS(python_return_dict=True)
    try:
        for p in paths.values():
            g.disk_create(p, "raw", 128 * MIB)
            g.add_drive_opts(p, format="raw")
        g.launch()
        g.pvcreate("/dev/sda")
        g.vgcreate("VGA", ["/dev/sda"])
        g.lvcreate("data", "VGA", 64)
        g.mkfs("ext4", "/dev/VGA/data")
        g.mount("/dev/VGA/data", "/")
        g.write("/hello", b"from the LV")
        g.umount_all()
        g.md_create("md0", ["/dev/sdb", "/dev/sdc"], level="raid1")
        (md,) = g.list_md_devices()
        g.mkfs("ext4", md)
        g.mount(md, "/")
        g.write("/hello", b"from the array")
        g.umount_all()
        g.shutdown()
    finally:
        g.close()
    yield paths


def _sha(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def test_lvs_and_arrays_are_up_at_launch(images: dict[str, str]) -> None:
    before = {n: _sha(p) for n, p in images.items()}
    g = guestfs.GuestFS(python_return_dict=True)
    try:
        for p in images.values():
            g.add_drive_opts(p, format="raw", readonly=True)
        g.launch()
        # No vg_activate_all, no md assembly asked for:
        assert g.lvs() == ["/dev/VGA/data"]
        assert len(g.list_md_devices()) == 1
        fs = g.list_filesystems()
        assert fs["/dev/VGA/data"] == "ext4"
        md = g.list_md_devices()[0]
        assert fs[md] == "ext4"
        g.mount_ro("/dev/VGA/data", "/")
        assert g.cat("/hello") == "from the LV"
        g.umount_all()
        g.mount_ro(md, "/")
        assert g.cat("/hello") == "from the array"
    finally:
        g.close()
    assert {n: _sha(p) for n, p in images.items()} == before


def test_blank_disks_activate_nothing(tmp_path: Path) -> None:
    g = guestfs.GuestFS(python_return_dict=True)
    try:
        g.add_drive_scratch(64 * MIB)
        g.launch()
        assert g.lvs() == [] and g.list_md_devices() == []
    finally:
        g.close()
