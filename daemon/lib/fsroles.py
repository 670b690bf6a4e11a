"""What a mounted filesystem is to inspection: the root of an operating
system (Linux, CoreOS, Hurd, Minix, the BSDs, DOS), a Linux or CoreOS
``/usr`` whose facts complete its root's, or nothing, decided by the files
libguestfs 1.48 looks for and in its order (a grub ``/boot`` or a ``/var``
is nothing even when it holds other tell-tale files).

Pure functions on a directory: :class:`GuestTree` reads the mounted guest
with its symbolic links resolved inside it, and :func:`classify` returns
:class:`Facts`, or :data:`NOTHING`, or None when only a Windows check (made
by the caller) or the DOS checks that follow it can still tell.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field

from . import linuxrelease
from .elf import elf_arch
from .guestroot import open_regular

#: Programs whose ELF header tells the guest's architecture.
ARCH_PROBES = ("/usr/bin/ls", "/bin/ls", "/usr/bin/bash", "/bin/bash", "/bin/echo", "/bin/rm",
               "/usr/bin/sh", "/bin/sh")
#: Distro → package format, package manager (``None``: by major version, see
#: :func:`_packages`).
PACKAGES: dict[str, tuple[str, str | None]] = {
    "debian": ("deb", "apt"), "ubuntu": ("deb", "apt"), "linuxmint": ("deb", "apt"),
    "kalilinux": ("deb", "apt"),
    "fedora": ("rpm", None), "rhel": ("rpm", None), "centos": ("rpm", None),
    "rocky": ("rpm", None), "oraclelinux": ("rpm", None), "scientificlinux": ("rpm", None),
    "redhat-based": ("rpm", None), "neokylin": ("rpm", "dnf"),
    "opensuse": ("rpm", "zypper"), "sles": ("rpm", "zypper"), "mageia": ("rpm", "urpmi"),
    "mandriva": ("rpm", "urpmi"), "openmandriva": ("rpm", "dnf"), "altlinux": ("rpm", "apt"),
    "meego": ("rpm", "yum"),
    "archlinux": ("pacman", "pacman"), "gentoo": ("ebuild", "portage"), "pardus": ("pisi", "pisi"),
    "alpinelinux": ("apk", "apk"), "voidlinux": ("xbps", "xbps"),
}
_NETBSD = r"^NetBSD (\d+)\.(\d+)"
_MINIX = r"^(\d+)\.(\d+)"


class GuestTree:
    """A guest filesystem mounted at ``top``, looked at as the guest sees it."""

    def __init__(self, top: str) -> None:
        self.top = top

    def resolve(self, path: str) -> str | None:
        """``path`` as an appliance path, symbolic links followed inside the
        guest (an absolute target starts again at ``top``); None on a loop."""
        parts = [p for p in path.split("/") if p]
        done: list[str] = []
        hops = 0
        while parts:
            part = parts.pop(0)
            if part == "..":
                if done:
                    done.pop()
                continue
            if part == ".":
                continue
            here = os.path.join(self.top, *done, part)
            if os.path.islink(here):
                hops += 1
                if hops > 40:
                    return None
                target = os.readlink(here)
                if target.startswith("/"):
                    done = []
                parts = [p for p in target.split("/") if p] + parts
                continue
            done.append(part)
        return os.path.join(self.top, *done)

    def _mode(self, path: str, follow: bool) -> int | None:
        if follow:
            real = self.resolve(path)
        else:
            parent = self.resolve(os.path.dirname(path.rstrip("/")) or "/")
            real = os.path.join(parent, os.path.basename(path.rstrip("/"))) if parent else None
        if real is None:
            return None
        try:
            return os.lstat(real).st_mode
        except OSError:
            return None

    def is_dir(self, path: str, follow: bool = False) -> bool:
        mode = self._mode(path, follow)
        return mode is not None and stat.S_ISDIR(mode)

    def is_file(self, path: str, follow: bool = False) -> bool:
        mode = self._mode(path, follow)
        return mode is not None and stat.S_ISREG(mode)

    def exists(self, path: str) -> bool:
        real = self.resolve(path)
        return real is not None and os.path.lexists(real)

    def is_symlink_to(self, path: str, target: str) -> bool:
        """``path`` is a symbolic link whose target is exactly ``target``."""
        try:
            return os.readlink(os.path.join(self.top, path.lstrip("/"))) == target
        except OSError:
            return False

    def _nocase(self, path: str) -> str | None:
        """``path`` with each component matched without regard to case."""
        here = self.top
        for part in [p for p in path.split("/") if p]:
            try:
                names = os.listdir(here)
            except OSError:
                return None
            match = next((n for n in names if n.lower() == part.lower()), None)
            if match is None:
                return None
            here = os.path.join(here, match)
        return here

    def is_dir_nocase(self, path: str) -> bool:
        real = self._nocase(path)
        return real is not None and os.path.isdir(real) and not os.path.islink(real)

    def is_file_nocase(self, path: str) -> bool:
        real = self._nocase(path)
        return real is not None and os.path.isfile(real) and not os.path.islink(real)

    def _open_regular(self, path: str) -> int | None:
        """A descriptor on ``path`` if it is a regular file, else None."""
        real = self.resolve(path)
        try:
            return None if real is None else open_regular(real)
        except OSError:
            return None

    def read(self, path: str, limit: int = 1 << 20) -> str | None:
        """A small regular text file (symbolic links followed), or None."""
        fd = self._open_regular(path)
        if fd is None:
            return None
        try:
            with os.fdopen(fd, "rb") as f:
                return f.read(limit).decode("utf-8", "replace")
        except OSError:
            return None

    def arch(self) -> str | None:
        """The architecture of the guest's programs, from an ELF header."""
        for probe in ARCH_PROBES:
            fd = self._open_regular(probe)
            if fd is None:
                continue
            try:
                with os.fdopen(fd, "rb") as f:
                    head = f.read(20)
            except OSError:
                continue
            found = elf_arch(head)
            if found is not None:
                return found
        return None


@dataclass
class Facts:
    """What one filesystem says; None where it says nothing (so that a
    separate /usr can fill it in)."""

    role: str  # "root" or "usr"
    type: str | None = None
    distro: str | None = None
    product_name: str | None = None
    product_variant: str | None = None
    version: tuple[int, int] | None = None
    arch: str | None = None
    hostname: str | None = None
    package_format: str | None = None
    package_management: str | None = None
    #: Read the guest's /etc/fstab for its mountpoints.
    reads_fstab: bool = False
    #: The one mountpoint of a filesystem without an fstab (CoreOS).
    mountpoint: str | None = None
    #: Set by the caller: (mountable, mountpoint) pairs.
    fstab: list[tuple[str, str]] = field(default_factory=list)

    def merge_from(self, usr: Facts) -> None:
        """Fill what this root does not know from its /usr (its own answers win)."""
        for name in ("type", "distro", "product_name", "product_variant", "version", "arch",
                     "hostname", "package_format", "package_management"):
            if getattr(self, name) is None:
                setattr(self, name, getattr(usr, name))
        self.fstab = usr.fstab + self.fstab


#: A filesystem inspection recognises as not a root (a /boot, /var, /usr/local).
NOTHING = Facts(role="nothing")


def _generic(tree: GuestTree, facts: Facts, path: str, distro: str | None,
             pattern: str | None = None) -> None:
    """A release file whose first line is the product name (and holds the
    version): linuxrelease's generic check, on a root that is not Linux."""
    text = tree.read(path)
    if text is not None:
        linuxrelease.generic(distro or "unknown", pattern)(text, facts, tree)
        facts.distro = distro


def hostname_linux(tree: GuestTree) -> str | None:
    """/etc/HOSTNAME or /etc/hostname (first line), else HOSTNAME= of
    /etc/sysconfig/network."""
    for path in ("/etc/HOSTNAME", "/etc/hostname"):
        text = tree.read(path)
        if text:
            line = linuxrelease.first_line(text).strip()
            if line:
                return line
    if tree.is_file("/etc/sysconfig/network"):
        network = tree.read("/etc/sysconfig/network") or ""
        name = linuxrelease.parse_key_values(network).get("HOSTNAME", "")
        if name:
            return name
    return None


def hostname_bsd(tree: GuestTree) -> str | None:
    """``hostname=`` of /etc/rc.conf, its quotes removed."""
    for line in (tree.read("/etc/rc.conf") or "").splitlines():
        if line.startswith("hostname="):
            value = line[len("hostname="):]
            if value[:1] in ("'", '"'):
                value = value[1:-1]
            return value
    return None


def _linux_root(tree: GuestTree) -> Facts:
    facts = Facts(role="root", type="linux", reads_fstab=True)
    linuxrelease.detect(tree, facts)
    facts.arch = tree.arch()
    facts.hostname = hostname_linux(tree)
    return facts


def _usr(tree: GuestTree, distro: str | None) -> Facts:
    """A separate /usr: its os-release (lib/os-release), else for CoreOS the
    lsb-release under share/coreos, and the architecture of its programs."""
    facts = Facts(role="usr", type="linux", distro=distro)
    text = tree.read("/lib/os-release")
    if text is not None:
        linuxrelease.os_release(text, facts)
    elif distro == "coreos" and (text := tree.read("/share/coreos/lsb-release")) is not None:
        linuxrelease.lsb_release(text, facts)
    facts.arch = tree.arch()
    if distro == "coreos":
        facts.mountpoint = "/usr"
    return facts


def _bsd(tree: GuestTree, kind: str, release: str, pattern: str | None) -> Facts:
    facts = Facts(role="root", type=kind, distro=kind, reads_fstab=True)
    _generic(tree, facts, release, kind, pattern)
    facts.arch = tree.arch()
    facts.hostname = hostname_bsd(tree)
    return facts


def _packages(tree: GuestTree, facts: Facts) -> None:
    """The package format and manager, from the distro: Fedora's is dnf from
    22 on when /usr/bin/dnf is there, else yum; RHEL's and its rebuilds' dnf
    from 8 on, yum from 5, up2date before; nothing without a version."""
    if facts.distro not in PACKAGES:
        return
    fmt, manager = PACKAGES[facts.distro]
    facts.package_format = fmt
    major = facts.version[0] if facts.version else 0
    if manager is not None:
        facts.package_management = manager
    elif facts.distro == "fedora":
        dnf = major >= 22 and tree.is_file("/usr/bin/dnf", follow=True)
        facts.package_management = "dnf" if dnf else "yum" if major >= 1 else None
    else:
        facts.package_management = "dnf" if major >= 8 else "yum" if major >= 5 else \
            "up2date" if major >= 2 else None


def classify(tree: GuestTree) -> Facts | None:
    """The role of the filesystem at ``tree`` and what it says, in libguestfs's
    order of checks; None when only the Windows and DOS checks are left."""
    facts = _classify(tree)
    if facts is not None and facts is not NOTHING:
        _packages(tree, facts)
    return facts


def _classify(tree: GuestTree) -> Facts | None:
    d, f = tree.is_dir, tree.is_file
    unixlike = d("/etc") and d("/bin")
    if f("/grub/menu.lst") or f("/grub/grub.conf") or f("/grub2/grub.cfg"):
        return NOTHING
    if unixlike and f("/etc/freebsd-update.conf") and f("/etc/fstab"):
        return _bsd(tree, "freebsd", "/etc/motd", None)
    if unixlike and f("/netbsd") and f("/etc/fstab") and f("/etc/release"):
        return _bsd(tree, "netbsd", "/etc/release", _NETBSD)
    if unixlike and f("/bsd") and f("/etc/fstab") and f("/etc/motd"):
        # libguestfs 1.48 reports an OpenBSD root as FreeBSD; so do we.
        return _bsd(tree, "freebsd", "/etc/motd", None)
    if f("/hurd/console") and f("/hurd/hello") and f("/hurd/null"):
        facts = Facts(role="root", type="hurd", reads_fstab=True)
        linuxrelease.detect(tree, facts, linuxrelease.HURD)
        facts.arch = tree.arch()
        facts.hostname = hostname_linux(tree)
        return facts
    if unixlike and f("/service/vm") and f("/etc/fstab") and f("/etc/version"):
        facts = Facts(role="root", type="minix")
        _generic(tree, facts, "/etc/version", None, _MINIX)
        facts.arch = tree.arch()
        text = tree.read("/etc/hostname.file")
        facts.hostname = linuxrelease.first_line(text) or None if text else None
        return facts
    if d("/etc") and (d("/bin") or tree.is_symlink_to("/bin", "usr/bin")) and \
            (f("/etc/fstab") or f("/etc/hosts")):
        return _linux_root(tree)
    if d("/etc") and d("/root") and d("/home") and d("/usr") and f("/etc/coreos/update.conf"):
        return Facts(role="root", type="linux", distro="coreos", hostname=hostname_linux(tree),
                     mountpoint="/")
    if unixlike and d("/share") and not f("/etc/fstab"):
        return _usr(tree, None) if d("/local") else NOTHING
    if d("/bin") and d("/share") and d("/local") and d("/share/coreos"):
        return _usr(tree, "coreos")
    if d("/log") and d("/run") and d("/spool"):
        return NOTHING
    return None


def classify_dos(tree: GuestTree) -> Facts | None:
    """FreeDOS or MS-DOS, checked after Windows (names matched without case)."""
    if tree.is_dir_nocase("/FDOS") and tree.is_file_nocase("/FDOS/FREEDOS.BSS"):
        return Facts(role="root", type="dos", distro="freedos", arch="i386")
    if tree.is_dir_nocase("/DOS") and tree.is_file_nocase("/DOS/COMMAND.COM"):
        return Facts(role="root", type="dos", distro="msdos", arch="i386")
    return None
