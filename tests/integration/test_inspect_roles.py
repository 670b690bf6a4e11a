"""Inspection of the guests that are not plain Linux roots: CoreOS (its root
and its /usr on two partitions), a Debian root with a separate /usr, Hurd,
Minix, FreeDOS, an old root found by /etc/hosts alone, and filesystems that
look like roots but are not (a grub /boot, a /usr/local).

One GPT disk with ten partitions is made on the host (mkfs -d, mtools: no
VM), once for the module.  The expected answers are stock libguestfs
1.48.6's on the same image (recorded from its Python binding);
``test_agrees_with_stock`` compares every answer with stock's, live.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hostimages import Tree, assert_stock_agrees, build_image, launched_readonly
from tests.stock_script import Step

pytestmark = pytest.mark.appliance

PART_MIB = 24


def _osr(**values: str) -> bytes:
    return "".join(f'{k}="{v}"\n' for k, v in values.items()).encode()


def _parts() -> list[tuple[str, Tree]]:
    """(filesystem type, tree) per partition; None makes a directory."""
    elf = Path("/bin/ls").read_bytes()
    return [
        ("ext4", {  # 1: a Debian root whose /usr is partition 2 (its /bin a link into it)
            "/etc/debian_version": b"12.4\n", "/etc/hostname": b"splitdeb\n",
            "/etc/fstab": b"/dev/sda1 / ext4 defaults 0 1\n/dev/sda2 /usr ext4 defaults 0 2\n",
            "/etc/os-release": ("../usr/lib/os-release",), "/bin": ("usr/bin",), "/usr": None}),
        ("ext4", {  # 2: that /usr
            "/etc": None, "/share": None, "/local": None, "/bin/ls": elf,
            "/lib/os-release": _osr(ID="debian", VERSION_ID="12",
                                    PRETTY_NAME="Debian GNU/Linux 12 (bookworm)")}),
        ("ext4", {  # 3: a CoreOS root
            "/etc/coreos/update.conf": b"GROUP=stable\n", "/etc/hostname": b"coreos1\n",
            "/root": None, "/home": None, "/usr": None}),
        ("ext4", {  # 4: its /usr, which holds the version and the programs
            "/bin/ls": elf, "/local": None,
            "/share/coreos/lsb-release": b"DISTRIB_ID=CoreOS\nDISTRIB_RELEASE=647.0.0\n",
            "/lib/os-release": _osr(ID="coreos", VERSION_ID="647.0.0", PRETTY_NAME="CoreOS 647.0.0")}),
        ("ext2", {  # 5: a Hurd root
            "/hurd/console": b"", "/hurd/hello": b"", "/hurd/null": b"",
            "/etc/debian_version": b"hurd-2023\n", "/etc/hostname": b"gnu\n",
            "/etc/fstab": b"/dev/sda5 / ext2 defaults 0 1\n", "/bin/ls": elf}),
        ("ext4", {  # 6: a Minix root
            "/etc/fstab": b"", "/etc/version": b"3.3.0 (2014)\n", "/etc/hostname.file": b"minix1\n",
            "/service/vm": b"", "/bin/ls": elf}),
        ("vfat", {"/FDOS/FREEDOS.BSS": b"x", "/AUTOEXEC.BAT": b"@echo off\r\n"}),  # 7: FreeDOS
        ("ext4", {  # 8: a grub /boot: no root, though it has what a Linux root has
            "/grub/grub.conf": b"", "/etc/fstab": b"", "/bin/ls": elf}),
        ("ext4", {"/etc": None, "/bin": None, "/share": None}),  # 9: a /usr/local
        ("ext4", {  # 10: a root known by /etc/hosts alone; HOSTNAME wins over hostname
            "/etc/hosts": b"127.0.0.1 localhost\n", "/etc/HOSTNAME": b"oldsuse\n",
            "/etc/hostname": b"ignored\n", "/bin/ls": elf,
            "/etc/SuSE-release": b"openSUSE 11.4 (x86_64)\nVERSION = 11.4\n"}),
    ]


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("roles")
    out = work / "roles.img"
    build_image(out, work, _parts(), PART_MIB)
    return out


@pytest.fixture(scope="module")
def g(image: Path) -> Iterator[Any]:
    yield from launched_readonly(image)


GETTERS = ("type", "distro", "product_name", "major_version", "minor_version", "arch", "hostname",
           "package_format", "package_management", "mountpoints", "filesystems")

#: Stock libguestfs 1.48.6's answers on this image: (type, distro, product
#: name, major, minor, arch, hostname, package format, package manager,
#: mountpoints, filesystems).
STOCK = {
    # Stock does not complete a Linux root from its separate /usr: the arch
    # (only its /usr has programs) stays unknown; the mountpoints name the /usr.
    "/dev/sda1": ("linux", "debian", "12.4", 12, 4, "unknown", "splitdeb", "deb", "apt",
                  {"/": "/dev/sda1", "/usr": "/dev/sda2"}, ["/dev/sda2", "/dev/sda1"]),
    # A CoreOS root takes its version, name and arch from its /usr.
    "/dev/sda3": ("linux", "coreos", "CoreOS 647.0.0", 647, 0, "x86_64", "coreos1", "unknown",
                  "unknown", {"/": "/dev/sda3", "/usr": "/dev/sda4"}, ["/dev/sda4", "/dev/sda3"]),
    "/dev/sda5": ("hurd", "debian", "hurd-2023", 2023, 0, "x86_64", "gnu", "deb", "apt",
                  {"/": "/dev/sda5"}, ["/dev/sda5"]),
    "/dev/sda6": ("minix", "unknown", "3.3.0 (2014)", 3, 3, "x86_64", "minix1", "unknown",
                  "unknown", {"/": "/dev/sda6"}, ["/dev/sda6"]),
    "/dev/sda7": ("dos", "freedos", "unknown", 0, 0, "i386", "unknown", "unknown", "unknown",
                  {"/": "/dev/sda7"}, ["/dev/sda7"]),
    "/dev/sda10": ("linux", "opensuse", "openSUSE 11.4 (x86_64)", 11, 4, "x86_64", "oldsuse", "rpm",
                   "zypper", {"/": "/dev/sda10"}, ["/dev/sda10"]),
}


@pytest.fixture(scope="module")
def roots(g: Any) -> list[str]:
    return list(g.inspect_os())


def test_roots_are_stocks(roots: list[str]) -> None:
    # The /usr filesystems, the /boot and the /usr/local are no roots.
    assert sorted(roots) == sorted(STOCK)


@pytest.mark.parametrize("root", sorted(STOCK))
def test_answers_are_stocks(g: Any, roots: list[str], root: str) -> None:
    got = tuple(getattr(g, f"inspect_get_{name}")(root) for name in GETTERS)
    assert got == STOCK[root]


def test_filesystems_are_all_listed(g: Any) -> None:
    fs = g.list_filesystems()
    assert fs["/dev/sda7"] == "vfat" and fs["/dev/sda5"] == "ext2"
    assert sorted(fs) == sorted(f"/dev/sda{i}" for i in range(1, 11))


def _script() -> list[Step]:
    s: list[Step] = [("inspect_os", [], {})]
    for root in [*sorted(STOCK), "/dev/sda2", "/dev/sda8"]:
        s += [(f"inspect_get_{name}", [root], {}) for name in GETTERS]
    return s


@pytest.mark.stock
@pytest.mark.conformance
def test_agrees_with_stock(g: Any, image: Path) -> None:
    assert_stock_agrees(g, image, _script())
