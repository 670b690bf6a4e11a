"""Linux inspection's pure parts, no VM: the release-file checks of
daemon/lib/linuxrelease.py (os-release, lsb-release, the Red Hat, SuSE and
generic release files, in libguestfs 1.48's order, each adding to what is
known) and the dpkg status parser of inspect_list_applications2
(guestfs/library/inspection.py).

The expected answers are stock libguestfs 1.48.6's on roots holding the same
files (tests/integration/test_inspect_release.py compares them on an image).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from guestfs.library.inspection import parse_dpkg_status, split_deb_version
from guestfs_daemon.lib.linuxrelease import (
    HURD,
    detect,
    lsb_release,
    os_release,
    parse_key_values,
    parse_version,
    suse_release,
)


@dataclass
class Known:
    """What the checks found (None: nothing)."""

    distro: str | None = None
    product_name: str | None = None
    version: tuple[int, int] | None = None


class Files:
    """A guest that is a dict of regular files."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files

    def read(self, path: str) -> str | None:
        return self.files.get(path)

    def is_file(self, path: str, follow: bool = False) -> bool:
        return path in self.files


def found(files: dict[str, str]) -> tuple[str | None, str | None, tuple[int, int] | None]:
    k = Known()
    detect(Files(files), k)
    return k.distro, k.product_name, k.version


def test_key_values_are_unquoted_and_bad_lines_skipped() -> None:
    text = 'ID=ubuntu\nNAME="Ubuntu Linux"\nX=\'a b\'\n# comment\nBROKEN="x\n=y\n'
    assert parse_key_values(text) == {"ID": "ubuntu", "NAME": "Ubuntu Linux", "X": "a b",
                                      "BROKEN": '"x'}
    # Only newlines end a line, and nothing is stripped.
    assert parse_key_values("ID=fedora\r\nA = b\nV= 3\n") == {"ID": "fedora\r", "V": " 3"}


def test_version_is_the_first_number_pair() -> None:
    assert parse_version("release 7.9.2009") == (7, 9)
    assert parse_version("v12") == (12, 0)
    assert parse_version("trixie/sid") is None


@pytest.mark.parametrize("text, settled, want", [
    ('ID=ubuntu\nVERSION_ID="22.04"\nPRETTY_NAME="Ubuntu 22.04.3 LTS"\n', True,
     ("ubuntu", "Ubuntu 22.04.3 LTS", (22, 4))),
    ('ID=opensuse-leap\nVERSION_ID="15.5"\nPRETTY_NAME="openSUSE Leap 15.5"\n', True,
     ("opensuse", "openSUSE Leap 15.5", (15, 5))),
    # A bare Debian or CentOS major is not settled: their own file may say more.
    ('ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n', False,
     ("debian", "Debian GNU/Linux 12", (12, 0))),
    ('ID=centos\nVERSION_ID="8"\nPRETTY_NAME="CentOS Linux 8"\n', False,
     ("centos", "CentOS Linux 8", (8, 0))),
    ('ID=fedora\nVERSION_ID=38\nPRETTY_NAME="Fedora Linux 38"\n', True,
     ("fedora", "Fedora Linux 38", (38, 0))),
    ('ID="void"\nPRETTY_NAME="Void Linux"\n', True, ("voidlinux", "Void Linux", (0, 0))),
    ('ID=arch\nPRETTY_NAME="Arch Linux"\n', False, ("archlinux", "Arch Linux", None)),
    ('ID=neokylin\nVERSION_ID="V7Update6"\nPRETTY_NAME="NeoKylin 7"\n', True,
     ("neokylin", "NeoKylin 7", (7, 6))),
    # An ID stock does not know keeps the name and version but settles nothing.
    ('ID=foo\nVERSION_ID="3.4"\nPRETTY_NAME="Foo OS 3"\n', False, (None, "Foo OS 3", (3, 4))),
    ('ID=ol\nVERSION_ID="8.6"\n', False, (None, None, (8, 6))),
    ('ID=rocky\nVERSION_ID="9.2"\nPRETTY_NAME="Rocky 9.2"\n', True, ("rocky", "Rocky 9.2", (9, 2))),
    ('ID=almalinux\nVERSION_ID="9.1"\nPRETTY_NAME="Alma 9.1"\n', False, (None, "Alma 9.1", (9, 1))),
    ("ID=fedora\r\nVERSION_ID=37\r\nPRETTY_NAME=Fedora\r\n", False, (None, "Fedora\r", (37, 0))),
    ("", False, (None, None, None)),
])
def test_os_release(text: str, settled: bool,
                    want: tuple[str | None, str | None, tuple[int, int] | None]) -> None:
    k = Known()
    assert os_release(text, k) is settled
    assert (k.distro, k.product_name, k.version) == want


def test_lsb_release_settles_on_a_known_id_or_a_description() -> None:
    k = Known()
    text = 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=10.10\nDISTRIB_DESCRIPTION="Ubuntu 10.10 (Phony)"\n'
    assert lsb_release(text, k) and (k.distro, k.product_name, k.version) == (
        "ubuntu", "Ubuntu 10.10 (Phony)", (10, 10))
    k = Known()
    assert not lsb_release("DISTRIB_ID=Nobody\nDISTRIB_RELEASE=1.2\n", k)
    assert (k.distro, k.version) == (None, (1, 2))
    k = Known(distro="debian")
    assert lsb_release('DISTRIB_ID=Debian\nDISTRIB_DESCRIPTION="Debian LSB"\n', k)
    assert (k.distro, k.product_name) == ("debian", "Debian LSB")


def test_suse_release() -> None:
    k = Known()
    assert suse_release("SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n", k)
    assert (k.distro, k.product_name, k.version) == (
        "sles", "SUSE Linux Enterprise Server 11 (x86_64)", (11, 4))
    k = Known()
    assert suse_release("openSUSE 13.1 (x86_64)\nVERSION = 13.1\n", k)
    assert (k.distro, k.version) == ("opensuse", (13, 1))
    k = Known()
    assert suse_release("Foobar Linux 1\n", k) and (k.distro, k.product_name) == (
        None, "Foobar Linux 1")
    k = Known()
    assert suse_release("", k) and (k.distro, k.product_name) == (None, "")


def test_debian_os_release_goes_on_to_debian_version() -> None:
    osr = 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'
    assert found({"/etc/os-release": osr}) == ("debian", "Debian GNU/Linux 12 (bookworm)", (12, 0))
    assert found({"/etc/os-release": osr, "/etc/debian_version": "12.5\n"}) == (
        "debian", "12.5", (12, 5))
    # A line without a number is the product name; the version stays.
    assert found({"/etc/os-release": osr, "/etc/debian_version": "trixie/sid\n"}) == (
        "debian", "trixie/sid", (12, 0))
    # An empty file says nothing.
    assert found({"/etc/os-release": osr, "/etc/debian_version": ""}) == (
        "debian", "Debian GNU/Linux 12 (bookworm)", (12, 0))


def test_red_hat_family_lines() -> None:
    def rh(line: str) -> tuple[str | None, str | None, tuple[int, int] | None]:
        return found({"/etc/redhat-release": line + "\n"})

    assert rh("Fedora release 35 (Thirty Five)") == ("fedora", "Fedora release 35 (Thirty Five)",
                                                     (35, 0))
    assert rh("Red Hat Enterprise Linux Server release 7.9 (Maipo)")[::2] == ("rhel", (7, 9))
    assert rh("Red Hat Enterprise Linux Server release 5 (Tikanga)")[::2] == ("rhel", (5, 0))
    assert rh("Red Hat Enterprise Linux AS release 4 (Nahant Update 9)")[::2] == ("rhel", (4, 9))
    assert rh("CentOS Linux release 7.9.2009 (Core)")[::2] == ("centos", (7, 9))
    assert rh("Scientific Linux release 6.5 (Carbon)")[::2] == ("scientificlinux", (6, 5))
    # Rocky's lines have no Update form; Alma's and Oracle's here are only Red Hat-like.
    assert rh("Rocky Linux release 8 (Update 3)")[::2] == ("rocky", (8, 0))
    assert rh("AlmaLinux release 9.1 (Lime Lynx)")[::2] == ("redhat-based", (9, 1))
    assert rh("Something Linux release 3.2")[::2] == ("redhat-based", (3, 2))
    assert found({"/etc/redhat-release": ""}) == ("redhat-based", None, None)


def test_centos_os_release_goes_on_to_its_release_files() -> None:
    osr = 'ID=centos\nVERSION_ID="8"\nPRETTY_NAME="CentOS Linux 8"\n'
    assert found({"/etc/os-release": osr, "/etc/centos-release": "CentOS Linux release 8.4.2105\n"}) \
        == ("centos", "CentOS Linux release 8.4.2105", (8, 4))
    assert found({"/etc/os-release": osr, "/etc/redhat-release": "CentOS Stream release 8\n"}) == (
        "centos", "CentOS Stream release 8", (8, 0))


def test_files_that_settle_by_being_there() -> None:
    assert found({"/etc/arch-release": ""}) == ("archlinux", None, None)
    assert found({"/etc/alpine-release": "3.18.4\n"}) == ("alpinelinux", "3.18.4", (3, 18))
    assert found({"/etc/br-version": "2023.02\n"})[0] == "buildroot"
    assert found({"/etc/br-version": "2023.02\n", "/usr/share/cirros/logo": "x"})[0] == "cirros"
    assert found({"/etc/frugalware-release": "Frugalware 2.1 (Basix)\n"}) == (
        "frugalware", "Frugalware 2.1 (Basix)", (2, 1))
    assert found({"/etc/pld-release": "3.0 PLD Linux (Th)\n"})[::2] == ("pldlinux", (3, 0))


def test_order_os_release_then_lsb_then_release_files() -> None:
    files = {"/etc/os-release": "ID=pop\n",
             "/etc/lsb-release": "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=20.04\n",
             "/etc/debian_version": "bullseye/sid\n"}
    assert found(files) == ("ubuntu", None, (20, 4))
    del files["/etc/lsb-release"]
    assert found(files) == ("debian", "bullseye/sid", None)
    assert found({}) == (None, None, None)
    assert found({"/etc/mageia-release": "Mageia release 8 (Official)\n"}) == (None, None, None)


def test_hurd_reads_os_release_and_debian_version_only() -> None:
    k = Known()
    detect(Files({"/etc/debian_version": "hurd-2023\n", "/etc/arch-release": ""}), k, HURD)
    assert (k.distro, k.product_name, k.version) == ("debian", "hurd-2023", (2023, 0))


def test_deb_versions() -> None:
    assert split_deb_version("1:2.36-9+deb12u4") == (1, "2.36", "9+deb12u4")
    assert split_deb_version("2.3-4-5") == (0, "2.3-4", "5")
    assert split_deb_version("2.3") == (0, "2.3", "")
    assert split_deb_version("x:2.3") == (0, "x:2.3", "")


def test_dpkg_status_lists_installed_packages() -> None:
    text = ("Package: a\nStatus: install ok installed\nVersion: 1:2-3\nArchitecture: amd64\n"
            "Description: x\n continued\n\n"
            "Package: b\nStatus: deinstall ok config-files\nVersion: 1\n\n"
            "Package: c\nStatus: install ok installed\n\n"
            "Package: d\nVersion: 4\nStatus: install ok installed\n")
    apps = parse_dpkg_status(text)
    assert [(a["app2_name"], a["app2_epoch"], a["app2_version"], a["app2_release"], a["app2_arch"])
            for a in apps] == [("a", 1, "2", "3", "amd64"), ("d", 0, "4", "", "")]
    assert (apps[0]["app2_summary"], apps[0]["app2_description"]) == ("x", "continued")
    assert (apps[1]["app2_summary"], apps[1]["app2_description"]) == ("", "")
    assert parse_dpkg_status("") == []
