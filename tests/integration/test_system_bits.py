"""Swap, ext2 inode flags and generations, initramfs images, md/dm listing,
filesystem types and kernel modules, in the real appliance."""

from __future__ import annotations

import gzip
import os
import subprocess
from typing import Any

import pytest

from tests.helpers import err

pytestmark = pytest.mark.appliance

MiB = 1024 * 1024


def test_swap_on_device_file_label_and_uuid(g: Any) -> None:
    g.part_disk("/dev/sdb", "mbr")
    g.mkswap("/dev/sdb1", label="swaplabel")
    uuid = g.vfs_uuid("/dev/sdb1")
    swaps = lambda: g.debug("sh", ["cat", "/proc/swaps"])  # noqa: E731
    g.swapon_device("/dev/sdb1")
    assert "sdb1" in swaps() or "sd" in swaps().split("\n", 1)[1]
    g.swapoff_device("/dev/sdb1")
    g.swapon_label("swaplabel")
    g.swapoff_label("swaplabel")
    g.swapon_uuid(uuid)
    g.swapoff_uuid(uuid)
    assert len(swaps().strip().splitlines()) == 1  # the header only
    assert err(g.swapon_label, "nosuchlabel").startswith("swapon_label: swapon: ")

    g.part_disk("/dev/sda", "mbr")
    g.mkfs("ext4", "/dev/sda1")
    g.mount("/dev/sda1", "/")
    g.fallocate64("/swapfile", 8 * MiB)
    g.chmod(0o600, "/swapfile")
    g.mkswap_file("/swapfile")
    assert g.vfs_type("/dev/sda1") == "ext4"
    g.swapon_file("/swapfile")
    assert "/swapfile" in swaps()
    g.swapoff_file("/swapfile")
    assert err(g.mkswap_file, "/nope") == "mkswap_file: /nope: No such file or directory"
    assert err(g.swapon_file, "/nope") == "swapon_file: /nope: No such file or directory"


def test_ext2_inode_flags_and_generation(gfs: Any) -> None:
    g = gfs
    g.touch("/f")
    assert g.get_e2attrs("/f") == "e"  # ext4 files use extents
    g.set_e2attrs("/f", "iA")
    assert g.get_e2attrs("/f") == "Aei"  # sorted, as stock 1.48 gives them
    assert err(g.touch, "/f").startswith("touch: ")  # immutable now
    g.set_e2attrs("/f", "i", clear=True)
    assert g.get_e2attrs("/f") == "Ae"
    # As stock 1.48: letters go to chattr, which refuses those it does not know.
    assert err(g.set_e2attrs, "/f", "+i") == "set_e2attrs: unknown file attribute '+'"
    assert err(g.set_e2attrs, "/f", "Z").startswith("set_e2attrs: chattr: /f: Usage: chattr ")
    assert err(g.get_e2attrs, "/nope") == "get_e2attrs: /nope: No such file or directory"
    assert "generation must be" in err(g.set_e2generation, "/f", -1)
    # ext4 with metadata checksums refuses new generations: use ext2.
    g.mkfs("ext2", "/dev/sdb")
    g.mkdir("/m")
    g.mount("/dev/sdb", "/m")
    g.touch("/m/f")
    g.set_e2generation("/m/f", 123456)
    assert g.get_e2generation("/m/f") == 123456
    assert err(g.set_e2generation, "/f", 1).startswith("set_e2generation: chattr: ")


def _initrd(tmp_path: Any) -> tuple[bytes, list[str]]:
    """A gzip'd newc cpio of a small tree, made with the host's cpio."""
    root = tmp_path / "tree"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "hello").write_bytes(b"hello from the initrd\n")
    (root / "init").write_bytes(b"#!/bin/sh\n")
    names = ["etc", "etc/hello", "init"]
    cp = subprocess.run(["cpio", "--quiet", "-o", "-H", "newc"], input="\n".join(names).encode(),
                        cwd=root, capture_output=True, check=True)
    return gzip.compress(cp.stdout), names


def test_initrd_list_and_cat(gfs: Any, tmp_path: Any) -> None:
    g = gfs
    if not os.path.exists("/usr/bin/cpio"):
        pytest.skip("the host's cpio is needed to make a test initrd")
    image, names = _initrd(tmp_path)
    g.write("/initrd.img", image)
    assert g.initrd_list("/initrd.img") == names
    assert g.initrd_cat("/initrd.img", "etc/hello") == b"hello from the initrd\n"
    assert "no such file in the initrd" in err(g.initrd_cat, "/initrd.img", "etc/nope")
    g.write("/plain", b"not an initrd at all")
    assert "not an initramfs" in err(g.initrd_list, "/plain")
    assert err(g.initrd_list, "/nope") == "initrd_list: initrd_list: /nope: No such file or directory"


def test_filesystem_types_modules_and_mappings(g: Any) -> None:
    assert g.filesystem_available("ext4") == 1
    assert g.filesystem_available("vfat") == 1  # loaded on demand
    assert g.filesystem_available("nosuchfs") == 0
    g.modprobe("loop")
    assert "modprobe: " in err(g.modprobe, "nosuchmodule")
    assert g.list_md_devices() == []
    assert g.list_dm_devices() == []
