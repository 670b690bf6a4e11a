"""Inspection of Linux guests of many distributions, on phony guests made here.

The module builds, once and with our library, three disks: a GPT disk whose
ext4 partitions each hold a phony root of one distribution (release files
only: os-release, lsb-release, redhat-release, SuSE-release, arch-release
…), a disk with an LVM volume group (a Fedora root on a logical volume) and
a LUKS partition holding a RHEL root, and a btrfs disk whose root and /home
are subvolumes named by ``subvol=`` in its fstab.  Every root has
``/usr/bin/ls`` (the host's x86_64 program, for the architecture) and an
fstab by LABEL.  ``test_agrees_with_stock`` runs every ``inspect_*`` call,
``list_filesystems`` before and after ``cryptsetup_open``, and the
application lists of the mounted Debian guest through stock libguestfs
1.48 on the same images and compares the answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail
from tests.helpers import err, require_stock
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

MIB = 1 << 20
#: LUKS passphrase of the encrypted root.
KEY = "phony-key"


def osr(**values: str) -> bytes:
    """An os-release file with these (double-quoted) values."""
    return "".join(f'{k}="{v}"\n' for k, v in values.items()).encode()


#: One phony root per partition of the first disk: its label and files.
GUESTS: dict[str, dict[str, bytes]] = {
    "ubuntu-lsb": {"/etc/lsb-release": b'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=10.10\n'
                   b'DISTRIB_CODENAME=maverick\nDISTRIB_DESCRIPTION="Ubuntu 10.10 (Phony Pharaoh)"\n',
                   "/etc/debian_version": b"squeeze/sid\n"},
    "ubuntu-osr": {"/etc/os-release": osr(NAME="Ubuntu", VERSION_ID="22.04", ID="ubuntu",
                                          PRETTY_NAME="Ubuntu 22.04.3 LTS"),
                   "/etc/debian_version": b"bookworm/sid\n"},
    "arch-rel": {"/etc/arch-release": b""},
    "arch-osr": {"/etc/os-release": b'NAME="Arch Linux"\nPRETTY_NAME="Arch Linux"\nID=arch\n'},
    "fedora-rel": {"/etc/fedora-release": b"Fedora release 35 (Thirty Five)\n",
                   "/etc/redhat-release": b"Fedora release 35 (Thirty Five)\n",
                   "/etc/sysconfig/network": b"HOSTNAME=fedora.example.com\n"},
    "rhel7-rel": {"/etc/redhat-release": b"Red Hat Enterprise Linux Server release 7.9 (Maipo)\n"},
    "centos7-rel": {"/etc/redhat-release": b"CentOS Linux release 7.9.2009 (Core)\n"},
    "centos8-osr": {"/etc/os-release": osr(NAME="CentOS Stream", VERSION_ID="8", ID="centos",
                                           PRETTY_NAME="CentOS Stream 8")},
    "rocky-rel": {"/etc/redhat-release": b"Rocky Linux release 8.5 (Green Obsidian)\n"},
    "oracle-rel": {"/etc/oracle-release": b"Oracle Linux Server release 8.6\n"},
    "sl-rel": {"/etc/redhat-release": b"Scientific Linux release 6.5 (Carbon)\n"},
    "suse-rel": {"/etc/SuSE-release": b"openSUSE 13.1 (x86_64)\nVERSION = 13.1\nCODENAME = Bottle\n",
                 "/etc/HOSTNAME": b"suse.example.com\n"},
    "sles-rel": {"/etc/SuSE-release": b"SUSE Linux Enterprise Server 11 (x86_64)\n"
                 b"VERSION = 11\nPATCHLEVEL = 4\n"},
    "leap-osr": {"/etc/os-release": osr(NAME="openSUSE Leap", VERSION_ID="15.4",
                                        ID="opensuse-leap", PRETTY_NAME="openSUSE Leap 15.4")},
    "sles-osr": {"/etc/os-release": osr(NAME="SLES", VERSION_ID="15.4", ID="sles",
                                        PRETTY_NAME="SUSE Linux Enterprise Server 15 SP4")},
    "alpine-rel": {"/etc/alpine-release": b"3.17.0\n"},
    "gentoo-rel": {"/etc/gentoo-release": b"Gentoo Base System release 2.8\n"},
    "mageia-rel": {"/etc/mageia-release": b"Mageia release 8 (Official) for x86_64\n"},
    "void-osr": {"/etc/os-release": b'NAME="Void"\nID="void"\nPRETTY_NAME="Void Linux"\n'},
    "alt-osr": {"/etc/os-release": osr(NAME="ALT", VERSION_ID="10.1", ID="altlinux",
                                       PRETTY_NAME="ALT Workstation 10.1 (Aronia)")},
    "debian-rel": {"/etc/debian_version": b"11.7\n"},
    "kali-osr": {"/etc/os-release": osr(NAME="Kali GNU/Linux", VERSION_ID="2023.1", ID="kali",
                                        PRETTY_NAME="Kali GNU/Linux Rolling")},
    "coreos-osr": {"/etc/os-release": osr(NAME="Fedora CoreOS", VERSION_ID="37", ID="fedora",
                                          VARIANT_ID="coreos", VARIANT="CoreOS",
                                          PRETTY_NAME="Fedora CoreOS 37.20230110.3.1")},
    "bogus-osr": {"/etc/os-release": b"ID=fedora\nVERSION_ID=abc\nPRETTY_NAME='broken\n"},
}
#: A dpkg database: an epoch, a revision, a package removed but configured,
#: a stanza without a version.
DPKG_STATUS = b"""Package: libc6
Status: install ok installed
Architecture: amd64
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries
 Contains the standard libraries.

Package: bash
Essential: yes
Status: install ok installed
Architecture: amd64
Version: 5.2.15-2+b2

Package: tzdata
Status: install ok installed
Architecture: all
Version: 2024a-0+deb12u1

Package: old-removed
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1

Package: vim
Status: install ok installed
Architecture: amd64
Version: 2:9.0.1378-2

Package: noversion
Status: install ok installed
"""
#: The Debian guest (on the first disk too), whose applications are listed.
DEBIAN: dict[str, bytes] = {
    "/etc/os-release": osr(PRETTY_NAME="Debian GNU/Linux 12 (bookworm)", NAME="Debian GNU/Linux",
                           VERSION_ID="12", ID="debian"),
    "/etc/debian_version": b"12.5\n", "/var/lib/dpkg/status": DPKG_STATUS}
#: The Fedora root on LVM, the RHEL root on LUKS and the btrfs root.
FEDORA_LV = {"/etc/os-release": osr(NAME="Fedora Linux", VERSION_ID="38", ID="fedora",
                                    PRETTY_NAME="Fedora Linux 38 (Server Edition)")}
RHEL_LUKS = {"/etc/os-release": osr(NAME="Red Hat Enterprise Linux", VERSION_ID="9.2", ID="rhel",
                                    PRETTY_NAME="Red Hat Enterprise Linux 9.2 (Plow)")}
BTRFS = {"/etc/os-release": osr(NAME="openSUSE Tumbleweed", VERSION_ID="20230101",
                                ID="opensuse-tumbleweed", PRETTY_NAME="openSUSE Tumbleweed")}
ALL = {**GUESTS, "debian-osr": DEBIAN}
#: Partition size of each phony root (ext4 with a copy of ls).
PART_SECTORS = 8 * MIB // 512


def write_tree(g: Any, files: dict[str, bytes], fstab: str, hostname: str | None) -> None:
    """A phony root in the filesystem mounted on / of ``g``."""
    g.mkdir_p("/usr/bin")
    g.mkdir_p("/etc")
    g.ln_s("usr/bin", "/bin")
    g.upload("/usr/bin/ls", "/usr/bin/ls")
    for path, data in files.items():
        g.mkdir_p(path.rsplit("/", 1)[0] or "/")
        g.write(path, data)
    g.write("/etc/fstab", fstab.encode())
    if hostname is not None:
        g.write("/etc/hostname", f"{hostname}\n".encode())


def build_images(g: Any) -> None:
    """The three phony disks on /dev/sda, /dev/sdb, /dev/sdc of ``g``."""
    g.part_init("/dev/sda", "gpt")
    for i, (label, files) in enumerate(ALL.items()):
        start = 2048 + i * PART_SECTORS
        g.part_add("/dev/sda", "p", start, start + PART_SECTORS - 1)
        dev = f"/dev/sda{i + 1}"
        g.mkfs("ext4", dev, label=label)
        g.mount(dev, "/")
        own_name = "/etc/sysconfig/network" in files or "/etc/HOSTNAME" in files
        write_tree(g, files, f"LABEL={label} / ext4 defaults 0 1\n", None if own_name else label)
        g.umount_all()

    g.part_init("/dev/sdb", "mbr")
    g.part_add("/dev/sdb", "p", 2048, 2048 + 48 * MIB // 512 - 1)
    g.part_add("/dev/sdb", "p", 2048 + 48 * MIB // 512, -2048)
    g.pvcreate("/dev/sdb1")
    g.vgcreate("VG", ["/dev/sdb1"])
    g.lvcreate("Root", "VG", 24)
    g.mkfs("ext4", "/dev/VG/Root")
    g.mount("/dev/VG/Root", "/")
    write_tree(g, FEDORA_LV, "/dev/VG/Root / ext4 defaults 0 1\n", "fedora-lv")
    g.umount_all()
    g.luks_format("/dev/sdb2", KEY, 0)
    g.cryptsetup_open("/dev/sdb2", KEY, "luksroot")
    g.mkfs("ext4", "/dev/mapper/luksroot")
    g.mount("/dev/mapper/luksroot", "/")
    write_tree(g, RHEL_LUKS, "/dev/mapper/luksroot / ext4 defaults 0 1\n", "rhel-luks")
    g.umount_all()
    g.cryptsetup_close("/dev/mapper/luksroot")

    g.mkfs_btrfs(["/dev/sdc"], label="btr")
    g.mount("/dev/sdc", "/")
    g.btrfs_subvolume_create("/root")
    g.btrfs_subvolume_create("/home")
    g.umount_all()
    g.mount("btrfsvol:/dev/sdc/root", "/")
    write_tree(g, BTRFS, "LABEL=btr / btrfs subvol=root 0 0\n"
               "LABEL=btr /home btrfs subvol=/home 0 0\n", "btrfs-host")
    g.umount_all()


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, list[str]]]:
    """Our handle with the phony disks (built on it), and the image files."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    d = tmp_path_factory.mktemp("linux")
    sizes = ((len(ALL) * 8 + 2) * MIB, 96 * MIB, 160 * MIB)
    paths = [str(d / f"disk{i}.img") for i in range(len(sizes))]
    g = guestfs.GuestFS(python_return_dict=True)
    try:
        for p, size in zip(paths, sizes):
            g.disk_create(p, "raw", size)
            g.add_drive_opts(p, format="raw")
        g.launch()
        build_images(g)
        g.sync()
        yield g, paths
    finally:
        g.close()


def _label_roots() -> dict[str, str]:
    """Label → partition of the first disk's roots."""
    return {label: f"/dev/sda{i + 1}" for i, label in enumerate(ALL)}


LVM_ROOT, LUKS_ROOT, BTRFS_ROOT = "/dev/VG/Root", "/dev/mapper/luksroot", "btrfsvol:/dev/sdc/root"
GETTERS = ("type", "distro", "product_name", "product_variant", "major_version", "minor_version",
           "arch", "hostname", "format", "osinfo", "package_format", "package_management",
           "mountpoints", "filesystems", "drive_mappings")


def _getters(root: str) -> list[Step]:
    return [(f"inspect_get_{name}", [root], {}) for name in GETTERS]


def _script() -> list[Step]:
    """inspect_os and every getter, before and after the LUKS root is opened;
    the Debian guest's applications, mounted."""
    s: list[Step] = [("list_filesystems", [], {}), ("inspect_os", [], {})]
    for root in [*_label_roots().values(), LVM_ROOT, BTRFS_ROOT]:
        s += _getters(root)
    s += [("cryptsetup_open", ["/dev/sdb2", KEY, "luksroot"], {}), ("list_filesystems", [], {}),
          ("inspect_os", [], {})]
    s += _getters(LUKS_ROOT)
    debian = _label_roots()["debian-osr"]
    s += [("mount_ro", [debian, "/"], {}),
          ("inspect_list_applications2", [debian], {}), ("inspect_list_applications", [debian], {}),
          ("umount_all", [], {}), ("cryptsetup_close", [LUKS_ROOT], {})]
    return s


@pytest.fixture(scope="module")
def ours(images: tuple[Any, list[str]]) -> list[dict[str, Any]]:
    """Our outcomes of the comparison script."""
    return run_script_on(images[0], _script())


def outcome(results: list[dict[str, Any]], method: str, arg: str | None = None,
            nth: int = 0) -> Any:
    """The value of the ``nth`` step ``method(arg, …)`` of the script."""
    steps = [r for (m, a, _), r in zip(_script(), results)
             if m == method and (arg is None or (a and a[0] == arg))]
    return steps[nth].get("ok", steps[nth].get("message"))


def test_roots_found(ours: list[dict[str, Any]]) -> None:
    roots = outcome(ours, "inspect_os")
    assert sorted(roots) == sorted([*_label_roots().values(), LVM_ROOT, BTRFS_ROOT])
    assert sorted(outcome(ours, "inspect_os", nth=1)) == sorted([*roots, LUKS_ROOT])


def test_luks_containers_are_not_filesystems(ours: list[dict[str, Any]]) -> None:
    before = outcome(ours, "list_filesystems")
    after = outcome(ours, "list_filesystems", nth=1)
    assert "/dev/sdb2" not in before and LUKS_ROOT not in before
    assert after[LUKS_ROOT] == "ext4" and "/dev/sdb2" not in after
    assert before[LVM_ROOT] == "ext4" and before[BTRFS_ROOT] == "btrfs"


def test_distros(ours: list[dict[str, Any]]) -> None:
    roots = _label_roots()
    want = {"ubuntu-lsb": ("ubuntu", 10, 10), "ubuntu-osr": ("ubuntu", 22, 4),
            "arch-rel": ("archlinux", 0, 0), "fedora-rel": ("fedora", 35, 0),
            "rhel7-rel": ("rhel", 7, 9), "centos7-rel": ("centos", 7, 9),
            "rocky-rel": ("rocky", 8, 5), "suse-rel": ("opensuse", 13, 1),
            "sles-rel": ("sles", 11, 4), "leap-osr": ("opensuse", 15, 4),
            "alpine-rel": ("alpinelinux", 3, 17), "gentoo-rel": ("gentoo", 2, 8),
            "mageia-rel": ("unknown", 0, 0), "void-osr": ("voidlinux", 0, 0),
            "debian-osr": ("debian", 12, 5)}
    for label, (distro, major, minor) in want.items():
        got = tuple(outcome(ours, f"inspect_get_{k}", roots[label])
                    for k in ("distro", "major_version", "minor_version"))
        assert got == (distro, major, minor), label
    assert outcome(ours, "inspect_get_hostname", roots["fedora-rel"]) == "fedora.example.com"
    assert outcome(ours, "inspect_get_osinfo", roots["ubuntu-osr"]) == "ubuntu22.04"
    assert outcome(ours, "inspect_get_osinfo", roots["sles-rel"]) == "sles11sp4"
    assert outcome(ours, "inspect_get_package_management", roots["fedora-rel"]) == "yum"
    assert outcome(ours, "inspect_get_product_name", roots["bogus-osr"]) == "'broken"


def test_btrfs_and_lvm_roots(ours: list[dict[str, Any]]) -> None:
    assert outcome(ours, "inspect_get_mountpoints", BTRFS_ROOT) == {
        "/": BTRFS_ROOT, "/home": "btrfsvol:/dev/sdc//home"}
    assert outcome(ours, "inspect_get_distro", LVM_ROOT) == "fedora"
    assert outcome(ours, "inspect_get_mountpoints", LVM_ROOT) == {"/": LVM_ROOT}
    assert outcome(ours, "inspect_get_distro", LUKS_ROOT) == "rhel"


def test_dpkg_applications(ours: list[dict[str, Any]]) -> None:
    apps = outcome(ours, "inspect_list_applications2", _label_roots()["debian-osr"])
    got = [(a["app2_name"], a["app2_epoch"], a["app2_version"], a["app2_release"], a["app2_arch"])
           for a in apps]
    assert got == [("bash", 0, "5.2.15", "2+b2", "amd64"), ("libc6", 0, "2.36", "9+deb12u4", "amd64"),
                   ("tzdata", 0, "2024a", "0+deb12u1", "all"), ("vim", 2, "9.0.1378", "2", "amd64")]
    assert (apps[1]["app2_summary"], apps[1]["app2_description"]) == (
        "GNU C Library: Shared libraries", "Contains the standard libraries.")
    old = outcome(ours, "inspect_list_applications", _label_roots()["debian-osr"])
    assert [a["app_name"] for a in old] == ["bash", "libc6", "tzdata", "vim"]


def test_errors_before_inspection_name_the_root(images: tuple[Any, list[str]],
                                                ours: list[dict[str, Any]]) -> None:
    g = images[0]
    assert err(g.inspect_get_distro, "/dev/sdb1") == (
        "inspect_get_distro: /dev/sdb1: root device not found: only call this function with a "
        "root device previously returned by guestfs_inspect_os")


@pytest.mark.stock
@pytest.mark.slow
@pytest.mark.conformance  # ~10 min under TCG (25 guests through stock's inspection): not in CI
def test_agrees_with_stock(images: tuple[Any, list[str]], ours: list[dict[str, Any]]) -> None:
    require_stock()
    _, paths = images
    script = _script()
    setup: list[Step] = [("add_drive_opts", [p], {"format": "raw", "readonly": True}) for p in paths]
    stock = run_script_on_stock([*setup, ("launch", [], {})], script, timeout=1500)
    assert_same_outcomes(script, ours, [_normalise(r) for r in stock])


def _normalise(value: Any) -> Any:
    """Stock's outcome with two known differences taken out: stock names the
    btrfs subvolumes of the third disk ``btrfsvol:/dev/sdb/…`` (its appliance
    disk order leaks into the name; the filesystem itself is ``/dev/sdc``),
    and 1.48's application2 has ``app2_spare1`` where ours (later
    libguestfs) has ``app2_class``, both empty."""
    if isinstance(value, str):
        return value.replace("btrfsvol:/dev/sdb/", "btrfsvol:/dev/sdc/")
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {("app2_class" if k == "app2_spare1" else _normalise(k)): _normalise(v)
                for k, v in value.items()}
    return value
