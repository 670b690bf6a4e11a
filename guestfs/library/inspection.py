"""Library-side inspection calls built on the daemon's: the libosinfo short id
(Linux distros by version; Windows by version, variant, product name and build),
and the applications of a mounted guest: from its package database (dpkg,
pacman and apk parsed here from bounded reads; rpm read in the appliance by
``daemon/impl/rpm.py``) or a Windows guest's registry (through the hivex
calls)."""

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
    return parse_dpkg_status(_bounded_read(g, DPKG_STATUS))


#: The pacman database: one directory per installed package, each with a ``desc``.
PACMAN_LOCAL = "/var/lib/pacman/local"
#: The apk database of an Alpine guest.
APK_INSTALLED = "/lib/apk/db/installed"


def _bounded_read(g: GuestFS, path: str) -> str:
    """A guest file's text, refused past :data:`MAX_PACKAGE_DB` bytes (the
    guest's database is not trusted), with stock's words; anything but a
    regular file (a FIFO would block the read) is refused."""
    if not g.is_file(path, followsymlinks=True) and g.exists(path):
        raise RuntimeError(f"{path}: not a regular file")
    size = g.filesize(path)
    if size > MAX_PACKAGE_DB:
        raise RuntimeError(f"size of {path} is unreasonably large ({size} bytes)")
    return g.read_file(path).decode("utf-8", "replace")


def split_pacman_version(version: str) -> tuple[int, str, str] | None:
    """(epoch, version, release) of a pacman version, ``1:2.3-4`` →
    ``(1, "2.3", "4")``; None without a release (stock 1.48 leaves such a
    package out)."""
    epoch = 0
    head, sep, rest = version.partition(":")
    if sep and head.isdigit():
        epoch, version = int(head), rest
    upstream, sep, release = version.rpartition("-")
    return (epoch, upstream, release) if sep else None


def parse_pacman_desc(text: str) -> dict[str, object] | None:
    """The application2 struct of one pacman ``desc`` file (``%NAME%``,
    ``%VERSION%``, ``%DESC%``, ``%URL%``, ``%ARCH%`` sections, each value on
    the line after its header), or None when it has no name, or no version
    with a release."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if len(line) > 2 and line.startswith("%") and line.endswith("%"):
            current = sections.setdefault(line[1:-1], [])
        elif not line:
            current = None
        elif current is not None:
            current.append(line)

    def first(key: str) -> str:
        values = sections.get(key)
        return values[0] if values else ""

    name, split = first("NAME"), split_pacman_version(first("VERSION"))
    if not name or split is None:
        return None
    epoch, upstream, release = split
    app = _application2(name, epoch, upstream, release, first("ARCH"), description=first("DESC"))
    app["app2_url"] = first("URL")
    return app


def _pacman_applications(g: GuestFS) -> list[dict[str, object]]:
    """The packages of the mounted guest's pacman database; as stock, a
    package whose ``desc`` is missing, too big or unreadable is left out."""
    apps = []
    for entry in g.ls(PACMAN_LOCAL):
        desc = f"{PACMAN_LOCAL}/{entry}/desc"
        try:
            if not g.is_file(desc):
                continue
            app = parse_pacman_desc(_bounded_read(g, desc))
        except RuntimeError:
            continue
        if app is not None:
            apps.append(app)
    return apps


def split_apk_version(version: str) -> tuple[str, str]:
    """(version, release) of an apk version: ``1.2.3-r4`` → ``("1.2.3", "4")``,
    ``2.0`` → ``("2.0", "")``."""
    upstream, sep, release = version.rpartition("-")
    if not sep:
        return version, ""
    return upstream, release[1:] if release.startswith("r") else release


def parse_apk_installed(text: str) -> list[dict[str, object]]:
    """The packages of an apk ``installed`` database (stanzas of ``X:value``
    lines, blank-line separated: P name, V version, A arch, T description,
    U url); as stock 1.48, stanzas without a name or version are left out,
    and so is a last stanza with no blank line after it."""
    apps: list[dict[str, object]] = []
    fields: dict[str, str] = {}

    def flush() -> None:
        name, version = fields.get("P"), fields.get("V")
        if name and version:
            split = split_apk_version(version)
            app = _application2(name, 0, split[0], split[1], fields.get("A", ""),
                                description=fields.get("T", ""))
            app["app2_url"] = fields.get("U", "")
            apps.append(app)
        fields.clear()

    for line in text.splitlines():
        if not line:
            flush()
        elif len(line) > 1 and line[1] == ":":
            fields.setdefault(line[0], line[2:])
    return apps


#: The registry keys of installed programs under the SOFTWARE hive: the
#: native ones, then the 32-bit ones of a 64-bit Windows.
UNINSTALL_KEYS = (("Microsoft", "Windows", "CurrentVersion", "Uninstall"),
                  ("Wow6432Node", "Microsoft", "Windows", "CurrentVersion", "Uninstall"))
#: application2 field → registry value of an Uninstall entry.
UNINSTALL_VALUES = (("app2_display_name", "DisplayName"), ("app2_version", "DisplayVersion"),
                    ("app2_publisher", "Publisher"), ("app2_install_path", "InstallLocation"),
                    ("app2_description", "Comments"), ("app2_url", "URLInfoAbout"))


def _hive_node(g: GuestFS, path: tuple[str, ...]) -> int:
    """The node at ``path`` below the open hive's root, or 0."""
    node = g.hivex_root()
    for name in path:
        node = g.hivex_node_get_child(node, name)
        if not node:
            return 0
    return node


def _hive_string(g: GuestFS, node: int, key: str) -> str | None:
    """The text of the value ``key`` of ``node`` in the open hive; None when
    the node has no such value or it is not a string (a DWORD, binary …)."""
    value = g.hivex_node_get_value(node, key)
    if not value:
        return None
    try:
        return g.hivex_value_string(value)
    except RuntimeError:
        return None


def _uninstall_entries(g: GuestFS, node: int) -> list[dict[str, object]]:
    """The programs of one Uninstall key of the open hive: those with a
    DisplayName (stock 1.48 leaves the others out); a value that is not a
    string reads as empty, as in stock."""
    apps = []
    for child in g.hivex_node_children(node):
        h = child["hivex_node_h"]
        if _hive_string(g, h, "DisplayName") is None:
            continue
        app = _application2(g.hivex_node_name(h))
        for field, key in UNINSTALL_VALUES:
            app[field] = _hive_string(g, h, key) or ""
        apps.append(app)
    return apps


def _windows_applications(g: GuestFS, root: str) -> list[dict[str, object]]:
    """The programs of the mounted Windows guest's SOFTWARE hive (opened in
    the appliance, closed again whatever happens)."""
    hive = g.inspect_get_windows_software_hive(root)
    g.hivex_open(hive)
    try:
        apps = []
        for path in UNINSTALL_KEYS:
            node = _hive_node(g, path)
            if node:
                apps += _uninstall_entries(g, node)
        return apps
    finally:
        g.hivex_close()


@library_action("inspect_list_applications2")
def inspect_list_applications2(g: GuestFS, root: str) -> list[dict[str, object]]:
    """The packages installed in the inspected guest, sorted by name (its
    filesystems must be mounted): from the dpkg, rpm, pacman or apk
    database, or a Windows guest's registry; guests with no package format
    have none."""
    ostype = g.inspect_get_type(root)
    fmt = g.inspect_get_package_format(root) if ostype == "linux" else ostype
    if fmt == "deb":
        apps = _dpkg_applications(g)
    elif fmt == "rpm":
        apps = [dict(a) for a in g.internal_list_rpm_applications()]
    elif fmt == "pacman":
        apps = _pacman_applications(g)
    elif fmt == "apk":
        apps = parse_apk_installed(_bounded_read(g, APK_INSTALLED))
    elif fmt == "windows":
        apps = _windows_applications(g, root)
    else:
        apps = []
    return sorted(apps, key=lambda a: str(a["app2_name"]))


@library_action("inspect_list_applications")
def inspect_list_applications(g: GuestFS, root: str) -> list[dict[str, object]]:
    """inspect_list_applications2's answer in the old struct (no arch, class, spares)."""
    old = ("name", "display_name", "epoch", "version", "release", "install_path",
           "trans_path", "publisher", "url", "source_package", "summary", "description")
    return [{f"app_{k}": a[f"app2_{k}"] for k in old} for a in inspect_list_applications2(g, root)]
