"""Which Linux distribution a root holds, from its release files, as
libguestfs 1.48 reads them: os-release first, then lsb-release, then the
distributions' own files (oracle-, centos-, redhat-, SuSE-release …).

The files are tried in a fixed order and each one read may add to what is
known (distro, product name, version) even when it does not settle the
answer: a Debian os-release names only the major version, so the search goes
on to debian_version, yet a root without one keeps what os-release said.
Pure code: the caller passes a :class:`Guest` (reads that follow symbolic
links inside the guest and answer None for anything but a regular file).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

#: os-release ``ID`` → libguestfs's distro name (``opensuse-*`` is opensuse).
OS_RELEASE_IDS = {
    "alpine": "alpinelinux", "altlinux": "altlinux", "arch": "archlinux", "centos": "centos",
    "coreos": "coreos", "debian": "debian", "fedora": "fedora", "frugalware": "frugalware",
    "gentoo": "gentoo", "kali": "kalilinux", "mageia": "mageia", "neokylin": "neokylin",
    "openmandriva": "openmandriva", "opensuse": "opensuse", "pld": "pldlinux", "rhel": "rhel",
    "rocky": "rocky", "sles": "sles", "sled": "sles", "ubuntu": "ubuntu", "void": "voidlinux",
}
#: lsb-release ``DISTRIB_ID`` → distro.
LSB_IDS = {"CoreOS": "coreos", "LinuxMint": "linuxmint", "Mageia": "mageia", "Ubuntu": "ubuntu"}
#: Distros whose os-release ``VERSION_ID`` is the major version alone: a
#: minor of 0 sends the search on to their own release files.
_MAJOR_ONLY = ("debian", "centos")

_NUMBERS = re.compile(r"(\d+)(?:\.(\d+))?")
_NEOKYLIN = re.compile(r"^V(\d+)Update(\d+)$")


class Guest(Protocol):
    """The guest filesystem as the release checks see it."""

    def read(self, path: str) -> str | None:
        """A regular file's text (links followed), else None."""

    def is_file(self, path: str, follow: bool = False) -> bool:
        """``path`` is a regular file."""


class Found(Protocol):
    """What is known so far (None: nothing yet); :class:`fsroles.Facts` is one."""

    distro: str | None
    product_name: str | None
    version: tuple[int, int] | None


#: One check: the file's text, what is known, the guest → the answer is settled.
Step = Callable[[str, Found, Guest], bool]


def parse_key_values(text: str) -> dict[str, str]:
    """``KEY=value`` lines (os-release, lsb-release), split at newlines only
    and taken as written, as stock takes them: ``ID = x`` names no ID and a
    CR before the newline stays in the value; a value in matching quotes
    loses them, any other is kept (``'broken`` stays so)."""
    values: dict[str, str] = {}
    for line in text.split("\n"):
        key, sep, value = line.partition("=")
        if not sep or not key.isidentifier():
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def parse_version(text: str) -> tuple[int, int] | None:
    """The first ``N`` or ``N.M`` in a string, or None."""
    m = _NUMBERS.search(text)
    if m is None:
        return None
    return int(m.group(1)), int(m.group(2) or 0)


def first_line(text: str) -> str:
    """The first line of a file, without its end of line."""
    return text.split("\n", 1)[0].rstrip("\r")


def _take_version(found: Found, text: str) -> None:
    """The version in ``text``, if it holds one (else what is known stays)."""
    version = parse_version(text)
    if version is not None:
        found.version = version


def os_release(text: str, found: Found) -> bool:
    """Add what an os-release file says; True when it settles the answer (a
    known ID, a pretty name and a version that is not a bare Debian or
    CentOS major; Void, which has no version, counts as 0.0)."""
    fields = parse_key_values(text)
    for key, value in fields.items():
        if key == "ID":
            distro = OS_RELEASE_IDS.get(value) or ("opensuse" if value.startswith("opensuse-")
                                                    else None)
            if distro is not None:
                found.distro = distro
        elif key == "PRETTY_NAME":
            found.product_name = value
        elif key == "VERSION_ID":
            m = _NEOKYLIN.match(value)
            if m is not None:
                found.version = int(m.group(1)), int(m.group(2))
            else:
                _take_version(found, value)
    if found.distro is None or found.product_name is None:
        return False
    if found.version is None:
        if found.distro == "voidlinux":
            found.version = (0, 0)
            return True
        return False
    return not (found.distro in _MAJOR_ONLY and found.version[1] == 0)


def lsb_release(text: str, found: Found) -> bool:
    """Add what an lsb-release file says; True when it names a known
    ``DISTRIB_ID`` or gives a ``DISTRIB_DESCRIPTION``."""
    settled = False
    for key, value in parse_key_values(text).items():
        if key == "DISTRIB_ID" and value in LSB_IDS:
            found.distro = LSB_IDS[value]
            settled = True
        elif key == "DISTRIB_RELEASE":
            _take_version(found, value)
        elif key == "DISTRIB_DESCRIPTION":
            found.product_name = value
            settled = True
    return settled


_SLES = re.compile(r"^SUSE (?:Linux|LINUX) Enterprise |^Novell Linux Desktop ")
_OPENSUSE = re.compile(r"^(?:openSUSE|SuSE Linux|SUSE LINUX) ")
_SLES_VERSION = re.compile(r"^VERSION = (\d+)")
_SLES_PATCHLEVEL = re.compile(r"^PATCHLEVEL = (\d+)")


def suse_release(text: str, found: Found) -> bool:
    """SuSE-release: the product on its first line; SLES (and Novell's
    desktop) with ``VERSION =`` and ``PATCHLEVEL =`` on the next two, openSUSE
    with its version on the second. Any other first line, even an empty one,
    is still the product (and settles the answer, the distro unknown)."""
    lines = text.splitlines() or [""]
    found.product_name = lines[0]
    if _SLES.match(lines[0]):
        major = _SLES_VERSION.match(lines[1]) if len(lines) >= 2 else None
        minor = _SLES_PATCHLEVEL.match(lines[2]) if len(lines) >= 3 else None
        found.distro = "sles"
        found.version = (int(major.group(1)), int(minor.group(1)) if minor else 0) if major else None
    elif _OPENSUSE.match(lines[0]):
        if len(lines) >= 2:
            _take_version(found, lines[1])
        found.distro = "opensuse"
    return True


def generic(distro: str | Callable[[Guest], str], pattern: str | None = None) -> Step:
    """A release file whose first line is the product name.

    With ``pattern``, that line must match it (else the next check is tried,
    though the product and distro are already taken) and its groups are the
    major and minor version; without, the line's first ``N.M`` is the version
    if it has one. An empty first line says nothing.
    """
    rex = re.compile(pattern) if pattern is not None else None

    def step(text: str, found: Found, guest: Guest) -> bool:
        line = first_line(text)
        if not line:
            return False
        found.product_name = line
        found.distro = distro if isinstance(distro, str) else distro(guest)
        if rex is None:
            _take_version(found, line)
            return True
        m = rex.search(line)
        if m is None:
            return False
        groups = [int(g) for g in m.groups() if g is not None]
        if groups:
            found.version = (groups[0], groups[1] if len(groups) > 1 else 0)
        return True

    return step


def settle(distro: str) -> Step:
    """A file whose mere presence names the distro (an empty arch-release)."""
    def step(text: str, found: Found, guest: Guest) -> bool:
        found.distro = distro
        return True
    return step


def _plain(parse: Callable[[str, Found], bool]) -> Step:
    return lambda text, found, guest: parse(text, found)


def _rh(name: str, distro: str) -> list[tuple[str, Step]]:
    """The forms of one Red Hat family's release line: ``release N …
    Update M`` (not for Rocky), ``release N.M``, ``release N``."""
    prefix = _FAMILY[distro]
    update = [] if distro == "rocky" else [rf"{prefix}.*release (\d+).*Update (\d+)"]
    return [(f"/etc/{name}", generic(distro, pattern)) for pattern in (
        *update, rf"{prefix}.*release (\d+)\.(\d+)", rf"{prefix}.*release (\d+)")]


#: The name each Red Hat family's release line starts with.
_FAMILY = {"oraclelinux": "Oracle Linux", "centos": "CentOS", "rhel": "Red Hat",
           "scientificlinux": "Scientific Linux", "rocky": "Rocky Linux"}


def _cirros_or_buildroot(guest: Guest) -> str:
    return "cirros" if guest.is_file("/usr/share/cirros/logo", follow=True) else "buildroot"


#: A Linux root's checks, in the order libguestfs 1.48 makes them.
LINUX: tuple[tuple[str, Step], ...] = (
    ("/etc/os-release", _plain(os_release)),
    ("/etc/lsb-release", _plain(lsb_release)),
    *_rh("oracle-release", "oraclelinux"),
    *_rh("centos-release", "centos"),
    *_rh("rocky-release", "rocky"),
    ("/etc/altlinux-release", generic("altlinux")),
    ("/etc/redhat-release", generic("fedora", r"Fedora release (\d+)")),
    *_rh("redhat-release", "rhel"),
    *_rh("redhat-release", "centos"),
    *_rh("redhat-release", "scientificlinux"),
    *_rh("redhat-release", "rocky"),
    ("/etc/redhat-release", generic("redhat-based")),
    ("/etc/redhat-release", settle("redhat-based")),
    ("/etc/debian_version", generic("debian")),
    ("/etc/pardus-release", generic("pardus")),
    ("/etc/arch-release", settle("archlinux")),
    ("/etc/gentoo-release", generic("gentoo")),
    ("/etc/meego-release", generic("meego")),
    ("/etc/slackware-version", generic("slackware")),
    ("/etc/ttylinux-target", generic("ttylinux")),
    ("/etc/SuSE-release", _plain(suse_release)),
    ("/etc/cirros/version", generic("cirros")),
    ("/etc/br-version", generic(_cirros_or_buildroot)),
    ("/etc/alpine-release", generic("alpinelinux")),
    ("/etc/frugalware-release", generic("frugalware", r"Frugalware (\d+)\.(\d+)")),
    ("/etc/pld-release", generic("pldlinux", r"(\d+)\.(\d+) PLD Linux")),
)
#: A Hurd root's checks.
HURD: tuple[tuple[str, Step], ...] = (
    ("/etc/os-release", _plain(os_release)),
    ("/etc/debian_version", generic("debian")),
)


def detect(guest: Guest, found: Found, checks: tuple[tuple[str, Step], ...] = LINUX) -> None:
    """Run ``checks`` in order on the release files the guest has, adding to
    ``found``, until one settles the answer."""
    for path, step in checks:
        text = guest.read(path)
        if text is not None and step(text, found, guest):
            return
