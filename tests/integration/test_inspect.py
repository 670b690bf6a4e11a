"""Inspection of a Linux guest made on the spot: a Debian-like root on
/dev/sda1 whose fstab mounts /boot from /dev/sdb by UUID.

Expected values are what stock libguestfs 1.48 reports for the same tree.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import err

pytestmark = pytest.mark.appliance

OS_RELEASE = b'''PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
ID=debian
'''


def make_guest(g: Any) -> None:
    g.mkfs("ext4", "/dev/sdb")
    uuid = g.vfs_uuid("/dev/sdb")
    g.mkdir_p("/etc")
    g.mkdir_p("/usr/bin")
    g.ln_s("usr/bin", "/bin")
    g.write("/etc/os-release", OS_RELEASE)
    g.write("/etc/debian_version", b"12.5\n")
    g.write("/etc/hostname", b"testhost\n")
    g.write("/etc/fstab", (f"# comment\n/dev/sda1 / ext4 defaults 0 1\n"
                           f"UUID={uuid} /boot ext4 defaults 0 2\n"
                           "proc /proc proc defaults 0 0\n").encode())
    g.upload("/usr/bin/ls", "/usr/bin/ls")
    g.mkdir("/boot")
    g.mkdir_p("/var/lib/dpkg")
    g.touch("/var/lib/dpkg/status")
    g.umount_all()


def test_inspect_a_debian_guest(gfs: Any) -> None:
    g = gfs
    assert err(g.inspect_get_type, "/dev/sda1") in (
        "inspect_get_type: no inspection data: call guestfs_inspect_os first",
        "inspect_get_type: /dev/sda1: root device not found: only call this function with a "
        "root device previously returned by guestfs_inspect_os")
    make_guest(g)
    assert g.inspect_os() == ["/dev/sda1"]
    assert g.inspect_get_roots() == ["/dev/sda1"]
    r = "/dev/sda1"
    assert g.inspect_get_type(r) == "linux"
    assert g.inspect_get_distro(r) == "debian"
    # os-release without a minor version: stock reads /etc/debian_version instead.
    assert g.inspect_get_product_name(r) == "12.5"
    assert g.inspect_get_product_variant(r) == "unknown"
    assert (g.inspect_get_major_version(r), g.inspect_get_minor_version(r)) == (12, 5)
    assert g.inspect_get_arch(r) == "x86_64"
    assert g.inspect_get_hostname(r) == "testhost"
    assert g.inspect_get_format(r) == "installed"
    assert g.inspect_get_osinfo(r) == "debian12"
    assert g.inspect_get_package_format(r) == "deb"
    assert g.inspect_get_package_management(r) == "apt"
    assert g.inspect_get_mountpoints(r) == {"/boot": "/dev/sdb", "/": "/dev/sda1"}
    assert g.inspect_get_filesystems(r) == ["/dev/sdb", "/dev/sda1"]
    assert g.inspect_get_drive_mappings(r) == {}
    assert g.inspect_is_live(r) == 0 and g.inspect_is_multipart(r) == 0
    assert err(g.inspect_get_windows_systemroot, r) == \
        "inspect_get_windows_systemroot: not a Windows guest, or systemroot could not be determined"
    assert err(g.inspect_get_type, "/dev/sdb") == (
        "inspect_get_type: /dev/sdb: root device not found: only call this function with a "
        "root device previously returned by guestfs_inspect_os")
    # Inspection mounts nothing for the caller.
    assert g.mounts() == []
    # The guest can then be mounted the usual way, from its mountpoints.
    for mp, dev in sorted(g.inspect_get_mountpoints(r).items(), key=lambda m: len(m[0])):
        g.mount_ro(dev, mp)
    assert g.cat("/etc/hostname") == "testhost\n"


def test_disks_without_an_os(g: Any) -> None:
    g.part_disk("/dev/sda", "mbr")
    g.mkfs("ext4", "/dev/sda1")
    assert g.inspect_os() == []
    assert g.inspect_get_roots() == []
