"""Device-name translation: drives attached as virtio-blk are /dev/vdX in the
appliance but /dev/sdX to callers, both ways; a plugin can replace the policy."""

from __future__ import annotations

from typing import Any

import pytest

import guestfs
from guestfs.hookspecs import hookimpl
from guestfs.plugins import get_plugin_manager

pytestmark = pytest.mark.appliance

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A handle with drives: scsi (64M), virtio-blk (48M), scsi (32M), virtio-blk (24M)."""
    d = tmp_path_factory.mktemp("mixed")
    g = guestfs.GuestFS(python_return_dict=True)
    for i, (size, iface) in enumerate([(64, None), (48, "virtio"), (32, None), (24, "virtio")]):
        path = d / f"d{i}.img"
        with open(path, "wb") as f:
            f.truncate(size * MiB)
        g.add_drive_opts(str(path), format="raw", iface=iface)
    g.launch()
    yield g
    g.close()


def test_callers_see_sd_names_in_drive_order(mixed: Any) -> None:
    devs = mixed.list_devices()
    assert devs == ["/dev/sda", "/dev/sdb", "/dev/sdc", "/dev/sdd"]
    sizes = [mixed.blockdev_getsize64(d) for d in devs]
    assert sizes == [64 * MiB, 48 * MiB, 32 * MiB, 24 * MiB]


def test_partitions_and_filesystems_translate_both_ways(mixed: Any) -> None:
    for dev in ("/dev/sdb", "/dev/sdd", "/dev/sdc"):
        mixed.part_disk(dev, "mbr")
    mixed.mkfs("ext4", "/dev/sdb1")
    mixed.mkfs("vfat", "/dev/sdd1")
    parts = mixed.list_partitions()
    assert {"/dev/sdb1", "/dev/sdc1", "/dev/sdd1"} <= set(parts)
    assert not any(p.startswith("/dev/vd") for p in parts)
    fs = mixed.list_filesystems()
    assert fs["/dev/sdb1"] == "ext4"
    assert fs["/dev/sdd1"] == "vfat"
    assert mixed.vfs_type("/dev/sdd1") == "vfat"
    mixed.mount("/dev/sdb1", "/")
    try:
        assert mixed.mounts() == ["/dev/sdb1"]
        assert mixed.mountpoints() == {"/dev/sdb1": "/"}
    finally:
        mixed.umount_all()


def test_appliance_names_are_accepted_too(mixed: Any) -> None:
    # The manual's fallback: a name is tried as given first.
    assert mixed.blockdev_getsize64("/dev/sda") == 64 * MiB


class _Aliases:
    """A replacement policy: callers may say /dev/diskN (N from 0)."""

    @hookimpl(tryfirst=True)
    def guestfs_device_to_appliance(self, name: str, handle: Any, drives: Any) -> str | None:
        if name.startswith("/dev/disk") and name[9:].isdigit():
            letter = chr(ord("a") + int(name[9:]))
            return _builtin_to(f"/dev/sd{letter}", handle, drives)
        return None

    @hookimpl(tryfirst=True)
    def guestfs_device_from_appliance(self, name: str, handle: Any, drives: Any) -> str | None:
        from guestfs.device_names import guestfs_device_from_appliance as builtin
        sd = builtin(name, handle, drives)
        if sd and sd.startswith("/dev/sd") and sd[7:].isalpha() and len(sd) == 8:
            return f"/dev/disk{ord(sd[7]) - ord('a')}"
        return sd


def _builtin_to(name: str, handle: Any, drives: Any) -> str | None:
    from guestfs.device_names import guestfs_device_to_appliance as builtin
    return builtin(name, handle, drives)


def test_a_plugin_can_replace_the_policy(mixed: Any) -> None:
    pm = get_plugin_manager()
    plugin = _Aliases()
    pm.register(plugin, name="test-aliases")
    try:
        assert mixed.list_devices() == ["/dev/disk0", "/dev/disk1", "/dev/disk2", "/dev/disk3"]
        assert mixed.blockdev_getsize64("/dev/disk3") == 24 * MiB
    finally:
        pm.unregister(plugin)
    assert mixed.list_devices()[0] == "/dev/sda"
