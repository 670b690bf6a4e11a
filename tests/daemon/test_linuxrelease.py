"""Linux inspection's pure parsers, no VM: os-release, lsb-release,
redhat-release, SuSE-release and the generic release files
(daemon/lib/linuxrelease.py), and the dpkg status parser of
inspect_list_applications2 (guestfs/library/inspection.py).

The expected answers are stock libguestfs 1.48's on phony guests holding
the same files (see tests/integration/test_inspect_linux.py).
"""

from __future__ import annotations

import pytest

from guestfs.library.inspection import parse_dpkg_status, split_deb_version
from guestfs_daemon.lib.linuxrelease import (
    Release,
    detect,
    parse_key_values,
    parse_lsb_release,
    parse_os_release,
    parse_redhat_release,
    parse_suse_release,
)


def test_key_values_are_unquoted_and_bad_lines_skipped() -> None:
    text = 'ID=ubuntu\nNAME="Ubuntu Linux"\nX=\'a b\'\n# comment\nBROKEN="x\n=y\n'
    assert parse_key_values(text) == {"ID": "ubuntu", "NAME": "Ubuntu Linux", "X": "a b",
                                      "BROKEN": '"x'}


@pytest.mark.parametrize("text, want", [
    ('ID=ubuntu\nVERSION_ID="22.04"\nPRETTY_NAME="Ubuntu 22.04.3 LTS"\n',
     Release("ubuntu", "Ubuntu 22.04.3 LTS", "unknown", 22, 4)),
    ('ID=opensuse-leap\nVERSION_ID="15.4"\nPRETTY_NAME="openSUSE Leap 15.4"\n',
     Release("opensuse", "openSUSE Leap 15.4", "unknown", 15, 4)),
    ('ID=arch\nPRETTY_NAME="Arch Linux"\n', Release("archlinux", "Arch Linux", "unknown", 0, 0)),
    ('ID="void"\nPRETTY_NAME="Void Linux"\n', Release("voidlinux", "Void Linux", "unknown", 0, 0)),
    ('ID=ol\nVERSION_ID="8.6"\n', Release("oraclelinux", "unknown", "unknown", 8, 6)),
])
def test_os_release(text: str, want: Release) -> None:
    assert parse_os_release(text) == want


def test_os_release_of_an_unknown_distro_is_none() -> None:
    assert parse_os_release('ID=pop\nVERSION_ID="22.04"\n') is None
    assert parse_os_release("") is None


def test_lsb_release() -> None:
    text = 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=10.10\nDISTRIB_DESCRIPTION="Ubuntu 10.10 (Phony)"\n'
    assert parse_lsb_release(text) == Release("ubuntu", "Ubuntu 10.10 (Phony)", "unknown", 10, 10)
    assert parse_lsb_release("DISTRIB_ID=Nobody\n") is None


@pytest.mark.parametrize("line, distro, major, minor", [
    ("Fedora release 35 (Thirty Five)", "fedora", 35, 0),
    ("Red Hat Enterprise Linux Server release 7.9 (Maipo)", "rhel", 7, 9),
    ("Red Hat Enterprise Linux Server release 5 (Tikanga)", "rhel", 5, 0),
    ("CentOS Linux release 7.9.2009 (Core)", "centos", 7, 9),
    ("Rocky Linux release 8.5 (Green Obsidian)", "rocky", 8, 5),
    ("Scientific Linux release 6.5 (Carbon)", "scientificlinux", 6, 5),
])
def test_redhat_release(line: str, distro: str, major: int, minor: int) -> None:
    assert parse_redhat_release(line + "\n") == Release(distro, line, "unknown", major, minor)


def test_redhat_release_of_something_else_is_none() -> None:
    assert parse_redhat_release("Something 1.2\n") is None


def test_suse_release() -> None:
    sles = "SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n"
    assert parse_suse_release(sles) == Release("sles", "SUSE Linux Enterprise Server 11 (x86_64)",
                                               "unknown", 11, 4)
    leap = "openSUSE 13.1 (x86_64)\nVERSION = 13.1\nCODENAME = Bottle\n"
    assert parse_suse_release(leap) == Release("opensuse", "openSUSE 13.1 (x86_64)", "unknown", 13, 1)


def test_detect_prefers_os_release_then_lsb_then_release_files() -> None:
    files = {"/etc/os-release": "ID=pop\n",
             "/etc/lsb-release": "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=20.04\n",
             "/etc/debian_version": "bullseye/sid\n"}
    assert detect(files.get).distro == "ubuntu"
    del files["/etc/lsb-release"]
    assert detect(files.get).distro == "debian"
    assert detect({"/etc/arch-release": ""}.get) == Release("archlinux", "unknown", "unknown", 0, 0)
    assert detect({"/etc/alpine-release": "3.17.0\n"}.get) == \
        Release("alpinelinux", "3.17.0", "unknown", 3, 17)
    assert detect({}.get) == Release()


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


def test_debian_os_release_without_a_minor_yields_to_debian_version() -> None:
    files = {"/etc/os-release": 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian 12"\n',
             "/etc/debian_version": "12.5\n"}
    assert detect(files.get) == Release("debian", "12.5", "unknown", 12, 5)
    files["/etc/debian_version"] = "trixie/sid\n"
    assert detect(files.get) == Release("debian", "trixie/sid", "unknown", 0, 0)
    files["/etc/os-release"] = 'ID=debian\nVERSION_ID="12.4"\n'
    assert detect(files.get).minor == 4


def test_mageia_release_is_not_read() -> None:
    assert detect({"/etc/mageia-release": "Mageia release 8 (Official)\n"}.get) == Release()
