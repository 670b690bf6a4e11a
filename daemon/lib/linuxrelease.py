"""Which Linux distribution a root holds, from its release files: os-release
first, then lsb-release and the distributions' own files (redhat-release,
SuSE-release, arch-release …), as libguestfs 1.48 reads them.

Pure parsers: the caller passes a ``read(path) -> str | None`` of the guest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

#: os-release ``ID`` → libguestfs's distro name.
OS_RELEASE_IDS = {
    "alpine": "alpinelinux", "altlinux": "altlinux", "arch": "archlinux", "centos": "centos",
    "coreos": "coreos", "debian": "debian", "fedora": "fedora", "frugalware": "frugalware",
    "kali": "kalilinux", "mageia": "mageia", "opensuse": "opensuse",
    "opensuse-leap": "opensuse", "opensuse-tumbleweed": "opensuse", "ol": "oraclelinux",
    "pld": "pldlinux", "rhel": "rhel", "rocky": "rocky", "sles": "sles", "sled": "sles",
    "ubuntu": "ubuntu", "void": "voidlinux", "linuxmint": "linuxmint", "gentoo": "gentoo",
    "scientific": "scientificlinux", "slackware": "slackware", "cirros": "cirros",
    "buildroot": "buildroot", "openmandriva": "openmandriva", "almalinux": "rhel",
}
#: lsb-release ``DISTRIB_ID`` → distro.
LSB_IDS = {"Ubuntu": "ubuntu", "LinuxMint": "linuxmint", "CoreOS": "coreos", "Mageia": "mageia",
           "Mandrake": "mandriva",
           "Mandriva": "mandriva", "Fedora": "fedora", "Debian": "debian"}
#: The older release files, in the order they are tried, with their distro
#: (None: the file's own parser decides).
RELEASE_FILES: tuple[tuple[str, str | None], ...] = (
    ("/etc/altlinux-release", "altlinux"),
    ("/etc/oracle-release", "oraclelinux"),
    ("/etc/fedora-release", "fedora"),
    ("/etc/redhat-release", None),
    ("/etc/system-release", None),
    ("/etc/debian_version", "debian"),
    ("/etc/pardus-release", "pardus"),
    ("/etc/arch-release", "archlinux"),
    ("/etc/gentoo-release", "gentoo"),
    ("/etc/meego-release", "meego"),
    ("/etc/slackware-version", "slackware"),
    ("/etc/ttylinux-target", "ttylinux"),
    ("/etc/SuSE-release", None),
    ("/etc/cirros/version", "cirros"),
    ("/etc/br-version", "buildroot"),
    ("/etc/alpine-release", "alpinelinux"),
    ("/etc/frugalware-release", "frugalware"),
    ("/etc/pld-release", "pldlinux"),
)
#: "<name> release N[.M]" first lines of redhat-release and its kin → distro.
_REDHAT_NAMES = (
    (re.compile(r"^Fedora release (\d+)"), "fedora"),
    (re.compile(r"^(?:Red Hat Enterprise Linux|RHEL).* release (\d+)(?:\.(\d+))?"), "rhel"),
    (re.compile(r"^CentOS.* release (\d+)(?:\.(\d+))?"), "centos"),
    (re.compile(r"^Scientific Linux.* release (\d+)(?:\.(\d+))?"), "scientificlinux"),
    (re.compile(r"^Rocky Linux.* release (\d+)(?:\.(\d+))?"), "rocky"),
    (re.compile(r"^Oracle Linux.* release (\d+)(?:\.(\d+))?"), "oraclelinux"),
    (re.compile(r"^AlmaLinux.* release (\d+)(?:\.(\d+))?"), "rhel"),
)
_MAJOR_MINOR = re.compile(r"(\d+)(?:\.(\d+))?")


@dataclass
class Release:
    """What a root's release files say."""

    distro: str = "unknown"
    product_name: str = "unknown"
    product_variant: str = "unknown"
    major: int = 0
    minor: int = 0


def parse_key_values(text: str) -> dict[str, str]:
    """``KEY=value`` lines (os-release, lsb-release); a value in matching
    quotes loses them, any other is kept as written (``'broken`` stays so)."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def parse_version(text: str) -> tuple[int, int] | None:
    """The first ``N`` or ``N.M`` in a string, or None."""
    m = _MAJOR_MINOR.search(text)
    if m is None:
        return None
    return int(m.group(1)), int(m.group(2) or 0)


def _from_fields(fields: dict[str, str], ids: dict[str, str], id_key: str, name_key: str,
                 version_key: str) -> Release | None:
    """A release from KEY=value fields; None when the distro id is not known here."""
    distro = ids.get(fields.get(id_key, ""))
    if distro is None:
        return None
    rel = Release(distro=distro, product_name=fields.get(name_key) or "unknown")
    version = parse_version(fields.get(version_key, ""))
    if version is not None:
        rel.major, rel.minor = version
    return rel


def parse_os_release(text: str) -> Release | None:
    """An os-release file; None when its ID is not a distro known here."""
    return _from_fields(parse_key_values(text), OS_RELEASE_IDS, "ID", "PRETTY_NAME", "VERSION_ID")


def parse_lsb_release(text: str) -> Release | None:
    """An lsb-release file; None when its DISTRIB_ID is not one known here."""
    return _from_fields(parse_key_values(text), LSB_IDS, "DISTRIB_ID", "DISTRIB_DESCRIPTION",
                        "DISTRIB_RELEASE")


def first_line(text: str) -> str:
    """The first line of a file, without its end of line."""
    return text.split("\n", 1)[0].rstrip("\r")


def parse_redhat_release(text: str) -> Release | None:
    """redhat-release and its kin: ``<name> release N[.M] (codename)``."""
    line = first_line(text)
    for pattern, distro in _REDHAT_NAMES:
        m = pattern.search(line)
        if m is not None:
            minor = m.group(2) if m.lastindex and m.lastindex >= 2 else None
            return Release(distro=distro, product_name=line, major=int(m.group(1)),
                           minor=int(minor or 0))
    return None


def parse_suse_release(text: str) -> Release | None:
    """SuSE-release: a product line, then ``VERSION =`` and ``PATCHLEVEL =`` lines."""
    line = first_line(text)
    if line.startswith("SUSE Linux Enterprise"):
        distro = "sles"
    elif line.lower().startswith("opensuse"):
        distro = "opensuse"
    else:
        return None
    rel = Release(distro=distro, product_name=line)
    for entry in text.splitlines()[1:]:
        key, sep, value = entry.partition("=")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key == "VERSION" and (version := parse_version(value)) is not None:
            rel.major, rel.minor = version
        elif key == "PATCHLEVEL" and value.isdigit():
            rel.minor = int(value)
    return rel


def parse_generic(text: str, distro: str) -> Release:
    """A release file whose first line names the product and holds its version."""
    line = first_line(text)
    rel = Release(distro=distro, product_name=line or "unknown")
    version = parse_version(line)
    if version is not None:
        rel.major, rel.minor = version
    return rel


_PARSERS: dict[str, Callable[[str], Release | None]] = {
    "/etc/redhat-release": parse_redhat_release,
    "/etc/system-release": parse_redhat_release,
    "/etc/SuSE-release": parse_suse_release,
}


def detect(read: Callable[[str], str | None]) -> Release:
    """The distribution of a root whose files ``read`` returns (None: no such file)."""
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        text = read(path)
        if text is not None:
            rel = parse_os_release(text)
            # Debian's os-release names the major version only: libguestfs
            # then reads the older files (debian_version has the point release).
            if rel is not None and not (rel.distro == "debian" and rel.minor == 0):
                return rel
            break
    text = read("/etc/lsb-release")
    if text is not None and (rel := parse_lsb_release(text)) is not None:
        return rel
    for path, distro in RELEASE_FILES:
        text = read(path)
        if text is None:
            continue
        found = parse_generic(text, distro) if distro is not None else _PARSERS[path](text)
        if found is not None:
            return found
    return Release()
