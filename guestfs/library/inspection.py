"""Library-side inspection calls built on the daemon's: the libosinfo short id
(Linux distros by version; Windows by version, variant, product name and build),
and the applications of a mounted guest from its package database (dpkg)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import library_action

if TYPE_CHECKING:
    from ..handle import GuestFS

#: Distros whose libosinfo ids carry the major version only.
_MAJOR_ONLY = frozenset({"fedora", "mageia"})
#: Distros whose libosinfo id is their name (rolling releases).
_NAME_ONLY = frozenset({"archlinux", "gentoo", "voidlinux"})


def linux_osinfo(distro: str, major: int, minor: int) -> str:
    """The libosinfo id of a Linux distro version, as libguestfs 1.48 names it,
    or ``unknown``."""
    if distro in ("centos", "rocky"):
        if major >= 8:
            return f"{distro}{major}"
        if major == 7:
            return "centos7.0"
    elif distro == "debian":
        if major >= 4:
            return f"debian{major}"
    elif distro in _MAJOR_ONLY:
        return f"{distro}{major}"
    elif distro == "sles":
        return f"sles{major}" if minor == 0 else f"sles{major}sp{minor}"
    elif distro == "ubuntu":
        return f"ubuntu{major}.{minor:02d}"
    elif distro in _NAME_ONLY:
        return distro
    elif distro == "altlinux" and major >= 8:
        return f"alt{major}.{minor}"
    if major > 0 or minor > 0:
        return f"{distro}{major}.{minor}"
    return "unknown"


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
    ostype = g.inspect_get_type(root)  # first, as stock (its error names it)
    distro = g.inspect_get_distro(root)
    major, minor = g.inspect_get_major_version(root), g.inspect_get_minor_version(root)
    if ostype == "windows":
        build = g.inspect_get_build_id(root)
        return windows_osinfo(major, minor, g.inspect_get_product_variant(root),
                              g.inspect_get_product_name(root), int(build) if build.isdigit() else 0)
    return linux_osinfo(distro, major, minor) if ostype == "linux" else "unknown"


#: The dpkg database of a Debian-family guest.
DPKG_STATUS = "/var/lib/dpkg/status"
#: The largest package database read (a guest's file is not trusted).
MAX_PACKAGE_DB = 64 * 1024 * 1024


def split_deb_version(version: str) -> tuple[int, str, str]:
    """(epoch, upstream version, Debian revision) of a dpkg version string:
    ``1:2.36-9+deb12u4`` → ``(1, "2.36", "9+deb12u4")``."""
    epoch = 0
    head, sep, rest = version.partition(":")
    if sep and head.isdigit():
        epoch, version = int(head), rest
    upstream, sep, release = version.rpartition("-")
    if not sep:
        return epoch, version, ""
    return epoch, upstream, release


def _application2(name: str, epoch: int = 0, version: str = "", release: str = "",
                  arch: str = "", summary: str = "", description: str = "") -> dict[str, object]:
    """An application2 struct with the fields package databases fill, the rest empty."""
    return {"app2_name": name, "app2_display_name": "", "app2_epoch": epoch,
            "app2_version": version, "app2_release": release, "app2_arch": arch,
            "app2_install_path": "", "app2_trans_path": "", "app2_publisher": "",
            "app2_url": "", "app2_source_package": "", "app2_summary": summary,
            "app2_description": description, "app2_class": "", "app2_spare2": "", "app2_spare3": "",
            "app2_spare4": ""}


def parse_dpkg_status(text: str) -> list[dict[str, object]]:
    """The installed packages of a dpkg status file, as application2 structs
    (stanzas without a name or version, or not installed, are left out); the
    Description's first line is the summary, its continuation lines the
    description."""
    apps: list[dict[str, object]] = []
    fields: dict[str, str] = {}
    more: list[str] = []  # continuation lines of the Description
    key = ""

    def flush() -> None:
        name, version = fields.get("Package"), fields.get("Version")
        status = fields.get("Status", "").split()
        if name and version and status[-1:] == ["installed"]:
            epoch, upstream, release = split_deb_version(version)
            apps.append(_application2(name, epoch, upstream, release, fields.get("Architecture", ""),
                                      fields.get("Description", ""), "\n".join(more)))
        fields.clear()
        more.clear()

    for line in text.splitlines():
        if not line.strip():
            flush()
            key = ""
        elif line[0].isspace():
            if key == "Description":
                more.append(line.strip())
        else:
            key, sep, value = line.partition(":")
            if sep:
                fields[key] = value.strip()
    flush()
    return apps


def _dpkg_applications(g: GuestFS) -> list[dict[str, object]]:
    """The packages of the mounted guest's dpkg database (bounded read)."""
    size = g.filesize(DPKG_STATUS)
    if size > MAX_PACKAGE_DB:
        raise RuntimeError(f"size of {DPKG_STATUS} is unreasonably large ({size} bytes)")
    return parse_dpkg_status(g.read_file(DPKG_STATUS).decode("utf-8", "replace"))


@library_action("inspect_list_applications2")
def inspect_list_applications2(g: GuestFS, root: str) -> list[dict[str, object]]:
    """The packages installed in the inspected guest, sorted by name (its
    filesystems must be mounted).  dpkg databases are read; other formats are
    not supported yet and say so, guests with no package format have none."""
    ostype = g.inspect_get_type(root)
    fmt = g.inspect_get_package_format(root) if ostype == "linux" else ostype
    if fmt == "deb":
        apps = _dpkg_applications(g)
    elif fmt in ("rpm", "pacman", "apk", "windows"):
        raise RuntimeError(f"listing the applications of {fmt} guests is not supported yet")
    else:
        apps = []
    return sorted(apps, key=lambda a: str(a["app2_name"]))


@library_action("inspect_list_applications")
def inspect_list_applications(g: GuestFS, root: str) -> list[dict[str, object]]:
    """inspect_list_applications2's answer in the old struct (no arch, class, spares)."""
    old = ("name", "display_name", "epoch", "version", "release", "install_path",
           "trans_path", "publisher", "url", "source_package", "summary", "description")
    return [{f"app_{k}": a[f"app2_{k}"] for k in old} for a in inspect_list_applications2(g, root)]
