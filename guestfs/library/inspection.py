"""Library-side inspection calls built on the daemon's: the libosinfo short id."""

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


@library_action("inspect_get_osinfo")
def inspect_get_osinfo(g: GuestFS, root: str) -> str:
    """The libosinfo short id of the inspected OS (``debian12``, ``ubuntu22.04``…), or ``unknown``."""
    distro = g.inspect_get_distro(root)
    major, minor = g.inspect_get_major_version(root), g.inspect_get_minor_version(root)
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
