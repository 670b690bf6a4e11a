"""Which Linux distribution, product name and version inspection reads from
a root's release files: os-release and its rules (a bare Debian or CentOS
major goes on to the distribution's own file), lsb-release, and every older
release file libguestfs 1.48 reads, in its order, with links, empty files
and a named pipe where a file should be.

One GPT disk, one small ext4 root per case, made on the host once for the
module.  The expected answers are stock libguestfs 1.48.6's on the same
image (recorded from its Python binding); ``test_agrees_with_stock``
compares them live.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hostimages import Fifo, Tree, assert_stock_agrees, build_image, launched_readonly
from tests.stock_script import Step

pytestmark = pytest.mark.appliance

PART_MIB = 8


def _osr(**values: str) -> bytes:
    return "".join(f'{k}="{v}"\n' for k, v in values.items()).encode()


def _root(files: Tree) -> Tree:
    """A Linux root (an fstab and a /bin) with ``files`` under /etc."""
    tree: Tree = {"/etc/fstab": b"", "/bin": None}
    for name, content in files.items():
        tree["/etc/" + name] = content
    return tree


DEB12 = _osr(ID="debian", VERSION_ID="12", PRETTY_NAME="Debian GNU/Linux 12 (bookworm)")
CENTOS8 = _osr(ID="centos", VERSION_ID="8", PRETTY_NAME="CentOS Linux 8")

#: One root per case: (what it shows, its tree), partition N+1 for case N.
CASES: list[tuple[str, Tree]] = [
    ("debian os-release alone", _root({"os-release": DEB12})),
    ("debian os-release, lsb-release", _root({"os-release": DEB12, "lsb-release": (
        b'DISTRIB_ID=Debian\nDISTRIB_RELEASE=12.5\nDISTRIB_DESCRIPTION="Debian LSB"\n')})),
    ("centos os-release alone", _root({"os-release": CENTOS8})),
    ("centos os-release, centos-release", _root({"os-release": CENTOS8, "centos-release": (
        b"CentOS Linux release 8.4.2105\n")})),
    ("unknown ID", _root({"os-release": _osr(ID="foo", VERSION_ID="3.4", PRETTY_NAME="Foo OS 3")})),
    ("only /usr/lib/os-release", {"/etc/fstab": b"", "/bin": None, "/usr/lib/os-release": DEB12}),
    ("debian os-release, debian_version without a number",
     _root({"os-release": DEB12, "debian_version": b"trixie/sid\n"})),
    ("empty debian_version", _root({"debian_version": b""})),
    ("unknown ID, no pretty name",
     _root({"os-release": b"ID=foo\nVERSION_ID=2.1\n", "debian_version": b""})),
    ("ubuntu os-release", _root({"os-release": _osr(
        ID="ubuntu", VERSION_ID="22.04", PRETTY_NAME="Ubuntu 22.04.3 LTS")})),
    ("opensuse-leap os-release", _root({"os-release": _osr(
        ID="opensuse-leap", VERSION_ID="15.5", PRETTY_NAME="openSUSE Leap 15.5")})),
    ("debian os-release without a pretty name", _root({"os-release": b"ID=debian\nVERSION_ID=12\n"})),
    ("arch os-release without a version", _root({"os-release": _osr(
        ID="arch", PRETTY_NAME="Arch Linux")})),
    ("rhel os-release", _root({"os-release": _osr(
        ID="rhel", VERSION_ID="9.2", PRETTY_NAME="Red Hat Enterprise Linux 9.2 (Plow)")})),
    ("centos os-release, redhat-release of Stream", _root({
        "os-release": CENTOS8, "redhat-release": b"CentOS Stream release 8\n"})),
    ("debian_version alone", _root({"debian_version": b"10.1\n"})),
    ("void os-release without a version", _root({"os-release": _osr(
        ID="void", PRETTY_NAME="Void Linux")})),
    ("neokylin os-release", _root({"os-release": _osr(
        ID="neokylin", VERSION_ID="V7Update6", PRETTY_NAME="NeoKylin Linux Server 7")})),
    ("ol os-release alone", _root({"os-release": _osr(
        ID="ol", VERSION_ID="8.6", PRETTY_NAME="Oracle Linux Server 8.6")})),
    ("ol os-release, oracle-release", _root({"os-release": _osr(
        ID="ol", VERSION_ID="8.6", PRETTY_NAME="Oracle Linux Server 8.6"),
        "oracle-release": b"Oracle Linux Server release 8.6\n"})),
    ("rocky os-release, redhat-release", _root({"os-release": _osr(
        ID="rocky", VERSION_ID="8.5", PRETTY_NAME="Rocky Linux 8.5 (Green Obsidian)"),
        "redhat-release": b"Rocky Linux release 8.5 (Green Obsidian)\n"})),
    ("fedora os-release", _root({"os-release": _osr(
        ID="fedora", VERSION_ID="38", PRETTY_NAME="Fedora Linux 38 (Server Edition)")})),
    ("fedora redhat-release, dnf", {**_root({"redhat-release": b"Fedora release 35 (Thirty Five)\n"}),
                                    "/usr/bin/dnf": b""}),
    ("fedora redhat-release, no dnf", _root({"redhat-release": b"Fedora release 35 (Thirty Five)\n"})),
    ("rhel 7 redhat-release", _root({
        "redhat-release": b"Red Hat Enterprise Linux Server release 7.9 (Maipo)\n"})),
    ("rhel 5 redhat-release", _root({
        "redhat-release": b"Red Hat Enterprise Linux Server release 5 (Tikanga)\n"})),
    ("rhel 4 redhat-release with an update", _root({
        "redhat-release": b"Red Hat Enterprise Linux AS release 4 (Nahant Update 9)\n"})),
    ("centos redhat-release", _root({"redhat-release": b"CentOS Linux release 7.9.2009 (Core)\n"})),
    ("scientific redhat-release", _root({"redhat-release": b"Scientific Linux release 6.5 (Carbon)\n"})),
    ("other redhat-release", _root({"redhat-release": b"Something Linux release 3.2\n"})),
    ("empty redhat-release", _root({"redhat-release": b""})),
    ("altlinux-release", _root({"altlinux-release": b"ALT Linux 8.2 (Centaurus)\n"})),
    ("ubuntu lsb-release", _root({"lsb-release": (
        b'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=10.10\nDISTRIB_DESCRIPTION="Ubuntu 10.10 (Phony)"\n')})),
    ("linuxmint lsb-release", _root({"lsb-release": (
        b"DISTRIB_ID=LinuxMint\nDISTRIB_RELEASE=21.2\n")})),
    ("unknown lsb-release, debian_version", _root({
        "lsb-release": b"DISTRIB_ID=Nobody\nDISTRIB_RELEASE=1.2\n", "debian_version": b"11.7\n"})),
    ("pardus-release", _root({"pardus-release": b"Pardus 2011.2\n"})),
    ("empty arch-release", _root({"arch-release": b""})),
    ("gentoo-release", _root({"gentoo-release": b"Gentoo Base System release 2.14\n"})),
    ("meego-release", _root({"meego-release": b"MeeGo release 1.2.0.90 (MeeGo)\n"})),
    ("slackware-version", _root({"slackware-version": b"Slackware 15.0\n"})),
    ("ttylinux-target", _root({"ttylinux-target": b"ttylinux 16.1\n"})),
    ("SLES SuSE-release", _root({"SuSE-release": (
        b"SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n")})),
    ("openSUSE SuSE-release", _root({"SuSE-release": b"openSUSE 13.1 (x86_64)\nVERSION = 13.1\n"})),
    ("other SuSE-release", _root({"SuSE-release": b"Foobar Linux 1\n"})),
    ("cirros/version", _root({"cirros/version": b"0.5.2\n"})),
    ("br-version with the cirros logo", {**_root({"br-version": b"2023.02\n"}),
                                         "/usr/share/cirros/logo": b"x"}),
    ("br-version", _root({"br-version": b"2023.02\n"})),
    ("alpine-release", _root({"alpine-release": b"3.18.4\n"})),
    ("frugalware-release", _root({"frugalware-release": b"Frugalware 2.1 (Basix)\n"})),
    ("pld-release", _root({"pld-release": b"3.0 PLD Linux (Th)\n"})),
    ("mageia os-release", _root({"os-release": _osr(
        ID="mageia", VERSION_ID="8", PRETTY_NAME="Mageia 8")})),
    ("mageia-release alone", _root({"mageia-release": b"Mageia release 8 (Official) for x86_64\n"})),
    ("kali os-release", _root({"os-release": _osr(
        ID="kali", VERSION_ID="2023.3", PRETTY_NAME="Kali GNU/Linux Rolling")})),
    ("sles os-release", _root({"os-release": _osr(
        ID="sles", VERSION_ID="15.4", PRETTY_NAME="SUSE Linux Enterprise Server 15 SP4")})),
    ("alpine os-release", _root({"os-release": _osr(
        ID="alpine", VERSION_ID="3.18.4", PRETTY_NAME="Alpine Linux v3.18")})),
    ("single-quoted os-release", _root({
        "os-release": b"ID='fedora'\nVERSION_ID='37'\nPRETTY_NAME='Fedora 37'\n"})),
    ("debian os-release, debian_version", _root({"os-release": DEB12, "debian_version": b"12.5\n"})),
    ("altlinux os-release", _root({"os-release": _osr(
        ID="altlinux", VERSION_ID="10.1", PRETTY_NAME="ALT Workstation 10.1")})),
    ("linuxmint os-release, lsb-release", _root({
        "os-release": _osr(ID="linuxmint", VERSION_ID="21.2", PRETTY_NAME="Linux Mint 21.2"),
        "lsb-release": b'DISTRIB_ID=LinuxMint\nDISTRIB_RELEASE=21.2\n'})),
    ("a named pipe at os-release, debian_version", _root({
        "os-release": Fifo(), "debian_version": b"11.7\n"})),
    ("os-release a link into /usr", {**_root({"os-release": ("../usr/lib/os-release",),
                                             "debian_version": b"12.2\n"}), "/usr/lib/os-release": DEB12}),
    ("os-release a dangling link, alpine-release", _root({
        "os-release": ("/nowhere",), "alpine-release": b"3.17.0\n"})),
    # The IDs stock 1.48 knows, and some it does not.
    *[(f"{distro} os-release alone", _root({"os-release": _osr(
        ID=distro, VERSION_ID=version, PRETTY_NAME=f"{distro} {version}")}))
      for distro, version in (
          ("almalinux", "9.1"), ("rocky", "9.2"), ("scientific", "7.9"), ("gentoo", "2.14"),
          ("linuxmint", "21.2"), ("openmandriva", "4.3"), ("slackware", "15.0"),
          ("coreos", "647.0.0"), ("sled", "15.4"), ("opensuse", "42.3"),
          ("opensuse-tumbleweed", "20231201"), ("frugalware", "2.1"), ("pld", "3.0"),
          ("cirros", "0.6.2"))],
    ("empty SuSE-release", _root({"SuSE-release": b""})),
    ("os-release with CRLF ends", _root({
        "os-release": b"ID=fedora\r\nVERSION_ID=37\r\nPRETTY_NAME=Fedora\r\n"})),
    ("os-release with spaces around =", _root({
        "os-release": b"ID = fedora\nVERSION_ID= 37\nPRETTY_NAME =Fedora\n"})),
    ("lsb-release with a description only", _root({
        "lsb-release": b'DISTRIB_DESCRIPTION="Something 4.5"\n'})),
    ("oracle-release with an update", _root({
        "oracle-release": b"Oracle Linux Server release 6 (Update 10)\n"})),
    ("redhat-release of CentOS Stream 9", _root({"redhat-release": b"CentOS Stream release 9\n"})),
    *[(f"{name} redhat-release", _root({"redhat-release": line})) for name, line in (
        ("rocky", b"Rocky Linux release 8.5 (Green Obsidian)\n"),
        ("rocky 9", b"Rocky Linux release 9 (Blue Onyx)\n"),
        ("rocky update", b"Rocky Linux release 8 (Update 3)\n"),
        ("alma", b"AlmaLinux release 9.1 (Lime Lynx)\n"),
        ("oracle", b"Oracle Linux Server release 8.6\n"))],
    ("rocky rocky-release", _root({"rocky-release": b"Rocky Linux release 8.5\n"})),
]

GETTERS = ("type", "distro", "product_name", "major_version", "minor_version", "package_format",
           "package_management")

#: Stock libguestfs 1.48.6's answers per case: (type, distro, product name,
#: major, minor, package format, package manager).
STOCK: dict[str, tuple[str, str, str, int, int, str, str]] = {
    'debian os-release alone':
        ('linux', 'debian', 'Debian GNU/Linux 12 (bookworm)', 12, 0, 'deb', 'apt'),
    'debian os-release, lsb-release': ('linux', 'debian', 'Debian LSB', 12, 5, 'deb', 'apt'),
    'centos os-release alone': ('linux', 'centos', 'CentOS Linux 8', 8, 0, 'rpm', 'dnf'),
    'centos os-release, centos-release':
        ('linux', 'centos', 'CentOS Linux release 8.4.2105', 8, 4, 'rpm', 'dnf'),
    'unknown ID': ('linux', 'unknown', 'Foo OS 3', 3, 4, 'unknown', 'unknown'),
    'only /usr/lib/os-release': ('linux', 'unknown', 'unknown', 0, 0, 'unknown', 'unknown'),
    'debian os-release, debian_version without a number':
        ('linux', 'debian', 'trixie/sid', 12, 0, 'deb', 'apt'),
    'empty debian_version': ('linux', 'unknown', 'unknown', 0, 0, 'unknown', 'unknown'),
    'unknown ID, no pretty name': ('linux', 'unknown', 'unknown', 2, 1, 'unknown', 'unknown'),
    'ubuntu os-release': ('linux', 'ubuntu', 'Ubuntu 22.04.3 LTS', 22, 4, 'deb', 'apt'),
    'opensuse-leap os-release': ('linux', 'opensuse', 'openSUSE Leap 15.5', 15, 5, 'rpm', 'zypper'),
    'debian os-release without a pretty name': ('linux', 'debian', 'unknown', 12, 0, 'deb', 'apt'),
    'arch os-release without a version':
        ('linux', 'archlinux', 'Arch Linux', 0, 0, 'pacman', 'pacman'),
    'rhel os-release': ('linux', 'rhel', 'Red Hat Enterprise Linux 9.2 (Plow)', 9, 2, 'rpm', 'dnf'),
    'centos os-release, redhat-release of Stream':
        ('linux', 'centos', 'CentOS Stream release 8', 8, 0, 'rpm', 'dnf'),
    'debian_version alone': ('linux', 'debian', '10.1', 10, 1, 'deb', 'apt'),
    'void os-release without a version': ('linux', 'voidlinux', 'Void Linux', 0, 0, 'xbps', 'xbps'),
    'neokylin os-release': ('linux', 'neokylin', 'NeoKylin Linux Server 7', 7, 6, 'rpm', 'dnf'),
    'ol os-release alone':
        ('linux', 'unknown', 'Oracle Linux Server 8.6', 8, 6, 'unknown', 'unknown'),
    'ol os-release, oracle-release':
        ('linux', 'oraclelinux', 'Oracle Linux Server release 8.6', 8, 6, 'rpm', 'dnf'),
    'rocky os-release, redhat-release':
        ('linux', 'rocky', 'Rocky Linux 8.5 (Green Obsidian)', 8, 5, 'rpm', 'dnf'),
    'fedora os-release':
        ('linux', 'fedora', 'Fedora Linux 38 (Server Edition)', 38, 0, 'rpm', 'yum'),
    'fedora redhat-release, dnf':
        ('linux', 'fedora', 'Fedora release 35 (Thirty Five)', 35, 0, 'rpm', 'dnf'),
    'fedora redhat-release, no dnf':
        ('linux', 'fedora', 'Fedora release 35 (Thirty Five)', 35, 0, 'rpm', 'yum'),
    'rhel 7 redhat-release':
        ('linux', 'rhel', 'Red Hat Enterprise Linux Server release 7.9 (Maipo)', 7, 9, 'rpm', 'yum'),
    'rhel 5 redhat-release':
        ('linux', 'rhel', 'Red Hat Enterprise Linux Server release 5 (Tikanga)', 5, 0, 'rpm', 'yum'),
    'rhel 4 redhat-release with an update':
        ('linux', 'rhel', 'Red Hat Enterprise Linux AS release 4 (Nahant Update 9)', 4, 9, 'rpm', 'up2date'),
    'centos redhat-release':
        ('linux', 'centos', 'CentOS Linux release 7.9.2009 (Core)', 7, 9, 'rpm', 'yum'),
    'scientific redhat-release':
        ('linux', 'scientificlinux', 'Scientific Linux release 6.5 (Carbon)', 6, 5, 'rpm', 'yum'),
    'other redhat-release':
        ('linux', 'redhat-based', 'Something Linux release 3.2', 3, 2, 'rpm', 'up2date'),
    'empty redhat-release': ('linux', 'redhat-based', 'unknown', 0, 0, 'rpm', 'unknown'),
    'altlinux-release': ('linux', 'altlinux', 'ALT Linux 8.2 (Centaurus)', 8, 2, 'rpm', 'apt'),
    'ubuntu lsb-release': ('linux', 'ubuntu', 'Ubuntu 10.10 (Phony)', 10, 10, 'deb', 'apt'),
    'linuxmint lsb-release': ('linux', 'linuxmint', 'unknown', 21, 2, 'deb', 'apt'),
    'unknown lsb-release, debian_version': ('linux', 'debian', '11.7', 11, 7, 'deb', 'apt'),
    'pardus-release': ('linux', 'pardus', 'Pardus 2011.2', 2011, 2, 'pisi', 'pisi'),
    'empty arch-release': ('linux', 'archlinux', 'unknown', 0, 0, 'pacman', 'pacman'),
    'gentoo-release':
        ('linux', 'gentoo', 'Gentoo Base System release 2.14', 2, 14, 'ebuild', 'portage'),
    'meego-release': ('linux', 'meego', 'MeeGo release 1.2.0.90 (MeeGo)', 1, 2, 'rpm', 'yum'),
    'slackware-version': ('linux', 'slackware', 'Slackware 15.0', 15, 0, 'unknown', 'unknown'),
    'ttylinux-target': ('linux', 'ttylinux', 'ttylinux 16.1', 16, 1, 'unknown', 'unknown'),
    'SLES SuSE-release':
        ('linux', 'sles', 'SUSE Linux Enterprise Server 11 (x86_64)', 11, 4, 'rpm', 'zypper'),
    'openSUSE SuSE-release':
        ('linux', 'opensuse', 'openSUSE 13.1 (x86_64)', 13, 1, 'rpm', 'zypper'),
    'other SuSE-release': ('linux', 'unknown', 'Foobar Linux 1', 0, 0, 'unknown', 'unknown'),
    'cirros/version': ('linux', 'cirros', '0.5.2', 0, 5, 'unknown', 'unknown'),
    'br-version with the cirros logo':
        ('linux', 'cirros', '2023.02', 2023, 2, 'unknown', 'unknown'),
    'br-version': ('linux', 'buildroot', '2023.02', 2023, 2, 'unknown', 'unknown'),
    'alpine-release': ('linux', 'alpinelinux', '3.18.4', 3, 18, 'apk', 'apk'),
    'frugalware-release':
        ('linux', 'frugalware', 'Frugalware 2.1 (Basix)', 2, 1, 'unknown', 'unknown'),
    'pld-release': ('linux', 'pldlinux', '3.0 PLD Linux (Th)', 3, 0, 'unknown', 'unknown'),
    'mageia os-release': ('linux', 'mageia', 'Mageia 8', 8, 0, 'rpm', 'urpmi'),
    'mageia-release alone': ('linux', 'unknown', 'unknown', 0, 0, 'unknown', 'unknown'),
    'kali os-release': ('linux', 'kalilinux', 'Kali GNU/Linux Rolling', 2023, 3, 'deb', 'apt'),
    'sles os-release':
        ('linux', 'sles', 'SUSE Linux Enterprise Server 15 SP4', 15, 4, 'rpm', 'zypper'),
    'alpine os-release': ('linux', 'alpinelinux', 'Alpine Linux v3.18', 3, 18, 'apk', 'apk'),
    'single-quoted os-release': ('linux', 'fedora', 'Fedora 37', 37, 0, 'rpm', 'yum'),
    'debian os-release, debian_version': ('linux', 'debian', '12.5', 12, 5, 'deb', 'apt'),
    'altlinux os-release': ('linux', 'altlinux', 'ALT Workstation 10.1', 10, 1, 'rpm', 'apt'),
    'linuxmint os-release, lsb-release':
        ('linux', 'linuxmint', 'Linux Mint 21.2', 21, 2, 'deb', 'apt'),
    'a named pipe at os-release, debian_version': ('linux', 'debian', '11.7', 11, 7, 'deb', 'apt'),
    'os-release a link into /usr': ('linux', 'debian', '12.2', 12, 2, 'deb', 'apt'),
    'os-release a dangling link, alpine-release':
        ('linux', 'alpinelinux', '3.17.0', 3, 17, 'apk', 'apk'),
    'almalinux os-release alone': ('linux', 'unknown', 'almalinux 9.1', 9, 1, 'unknown', 'unknown'),
    'rocky os-release alone': ('linux', 'rocky', 'rocky 9.2', 9, 2, 'rpm', 'dnf'),
    'scientific os-release alone':
        ('linux', 'unknown', 'scientific 7.9', 7, 9, 'unknown', 'unknown'),
    'gentoo os-release alone': ('linux', 'gentoo', 'gentoo 2.14', 2, 14, 'ebuild', 'portage'),
    'linuxmint os-release alone':
        ('linux', 'unknown', 'linuxmint 21.2', 21, 2, 'unknown', 'unknown'),
    'openmandriva os-release alone':
        ('linux', 'openmandriva', 'openmandriva 4.3', 4, 3, 'rpm', 'dnf'),
    'slackware os-release alone':
        ('linux', 'unknown', 'slackware 15.0', 15, 0, 'unknown', 'unknown'),
    'coreos os-release alone': ('linux', 'coreos', 'coreos 647.0.0', 647, 0, 'unknown', 'unknown'),
    'sled os-release alone': ('linux', 'sles', 'sled 15.4', 15, 4, 'rpm', 'zypper'),
    'opensuse os-release alone': ('linux', 'opensuse', 'opensuse 42.3', 42, 3, 'rpm', 'zypper'),
    'opensuse-tumbleweed os-release alone':
        ('linux', 'opensuse', 'opensuse-tumbleweed 20231201', 20231201, 0, 'rpm', 'zypper'),
    'frugalware os-release alone':
        ('linux', 'frugalware', 'frugalware 2.1', 2, 1, 'unknown', 'unknown'),
    'pld os-release alone': ('linux', 'pldlinux', 'pld 3.0', 3, 0, 'unknown', 'unknown'),
    'cirros os-release alone': ('linux', 'unknown', 'cirros 0.6.2', 0, 6, 'unknown', 'unknown'),
    'empty SuSE-release': ('linux', 'unknown', '', 0, 0, 'unknown', 'unknown'),
    'os-release with CRLF ends': ('linux', 'unknown', 'Fedora\r', 37, 0, 'unknown', 'unknown'),
    'os-release with spaces around =': ('linux', 'unknown', 'unknown', 37, 0, 'unknown', 'unknown'),
    'lsb-release with a description only':
        ('linux', 'unknown', 'Something 4.5', 0, 0, 'unknown', 'unknown'),
    'oracle-release with an update':
        ('linux', 'oraclelinux', 'Oracle Linux Server release 6 (Update 10)', 6, 10, 'rpm', 'yum'),
    'redhat-release of CentOS Stream 9':
        ('linux', 'centos', 'CentOS Stream release 9', 9, 0, 'rpm', 'dnf'),
    'rocky redhat-release':
        ('linux', 'rocky', 'Rocky Linux release 8.5 (Green Obsidian)', 8, 5, 'rpm', 'dnf'),
    'rocky 9 redhat-release':
        ('linux', 'rocky', 'Rocky Linux release 9 (Blue Onyx)', 9, 0, 'rpm', 'dnf'),
    'rocky update redhat-release':
        ('linux', 'rocky', 'Rocky Linux release 8 (Update 3)', 8, 0, 'rpm', 'dnf'),
    'alma redhat-release':
        ('linux', 'redhat-based', 'AlmaLinux release 9.1 (Lime Lynx)', 9, 1, 'rpm', 'dnf'),
    'oracle redhat-release':
        ('linux', 'redhat-based', 'Oracle Linux Server release 8.6', 8, 6, 'rpm', 'dnf'),
    'rocky rocky-release': ('linux', 'rocky', 'Rocky Linux release 8.5', 8, 5, 'rpm', 'dnf'),
}


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("release")
    out = work / "release.img"
    build_image(out, work, [("ext4", tree) for _, tree in CASES], PART_MIB)
    return out


@pytest.fixture(scope="module")
def g(image: Path) -> Iterator[Any]:
    yield from launched_readonly(image)


def _device(case: str) -> str:
    return f"/dev/sda{[name for name, _ in CASES].index(case) + 1}"


@pytest.fixture(scope="module")
def roots(g: Any) -> list[str]:
    return list(g.inspect_os())


def test_every_case_is_a_root(roots: list[str]) -> None:
    assert sorted(roots) == sorted(_device(case) for case, _ in CASES)


def test_every_case_has_stocks_answer() -> None:
    assert sorted(STOCK) == sorted(case for case, _ in CASES)


@pytest.mark.parametrize("case", [case for case, _ in CASES])
def test_answers_are_stocks(g: Any, roots: list[str], case: str) -> None:
    root = _device(case)
    got = tuple(getattr(g, f"inspect_get_{name}")(root) for name in GETTERS)
    assert got == STOCK[case]


def _script() -> list[Step]:
    s: list[Step] = [("inspect_os", [], {})]
    for case, _ in CASES:
        s += [(f"inspect_get_{name}", [_device(case)], {}) for name in GETTERS]
    return s


@pytest.mark.stock
@pytest.mark.conformance
def test_agrees_with_stock(g: Any, image: Path) -> None:
    assert_stock_agrees(g, image, _script())
