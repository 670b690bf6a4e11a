"""Library-side inspection calls built on the daemon's: the libosinfo short id
(Linux distros by version; Windows by version, variant, product name and build)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import library_action

if TYPE_CHECKING:
    from ..handle import GuestFS

#: Distros whose libosinfo ids carry the major version only.
_MAJOR_ONLY = frozenset({"debian", "fedora", "mageia", "archlinux"})
#: Distros whose ids carry major.minor.
_MAJOR_MINOR = frozenset({"rhel", "centos", "scientificlinux", "oraclelinux", "opensuse",
                          "sles", "alpinelinux", "rocky"})


#: Windows (major, minor) → (client id, server id); a server is a variant naming "Server".
_WINDOWS = {(6, 0): ("winvista", "win2k8"), (6, 1): ("win7", "win2k8r2"),
            (6, 2): ("win8", "win2k12"), (6, 3): ("win8.1", "win2k12r2")}
#: Windows Server 10.0 releases by first build number, newest first.  (Client
#: 10.0 is always win10: libguestfs 1.48 has no win11.)
_WINDOWS_SERVER_10 = ((20348, "win2k22"), (17763, "win2k19"), (0, "win2k16"))


def windows_osinfo(major: int, minor: int, variant: str, product_name: str, build: int) -> str:
    """The libosinfo id of a Windows version, as libguestfs 1.48 names it, or ``unknown``."""
    server = "Server" in variant
    if (major, minor) == (5, 1):
        return "winxp"
    if (major, minor) == (5, 2):
        if "XP" in product_name:
            return "winxp"
        return "win2k3r2" if "R2" in product_name else "win2k3"
    if (major, minor) in _WINDOWS:
        return _WINDOWS[major, minor][server]
    if (major, minor) == (10, 0):
        if not server:
            return "win10"
        return next(name for first, name in _WINDOWS_SERVER_10 if build >= first)
    return "unknown"


@library_action("inspect_get_osinfo")
def inspect_get_osinfo(g: GuestFS, root: str) -> str:
    """The libosinfo short id of the inspected OS (``debian12``, ``win10``…), or ``unknown``."""
    windows = g.inspect_get_type(root) == "windows"  # first, as stock (its error names it)
    distro = g.inspect_get_distro(root)
    major, minor = g.inspect_get_major_version(root), g.inspect_get_minor_version(root)
    if windows:
        build = g.inspect_get_build_id(root)
        return windows_osinfo(major, minor, g.inspect_get_product_variant(root),
                              g.inspect_get_product_name(root), int(build) if build.isdigit() else 0)
    if distro == "archlinux":
        return "archlinux"
    if distro == "ubuntu":
        return f"ubuntu{major}.{minor:02d}"
    if distro == "centos" and major >= 8:
        return f"centos{major}"
    if distro in _MAJOR_ONLY and major:
        return f"{distro}{major}"
    if distro in _MAJOR_MINOR and major:
        return f"{distro}{major}.{minor}"
    return "unknown"
