"""What inspection makes of a filesystem (daemon/lib/fsroles.py), on trees
made in a temporary directory: the roots the image test cannot make (the
BSDs, MS-DOS), the order of libguestfs's checks, and the tree's rules for
links and names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from guestfs_daemon.lib import fsroles
from tests.hostimages import write_tree

ELF = Path("/bin/ls").read_bytes()


def make(tmp_path: Path, files: dict[str, bytes | str | None]) -> fsroles.GuestTree:
    """A tree: bytes make a file, None a directory, a str a symbolic link to it."""
    write_tree(tmp_path, {path: (c,) if isinstance(c, str) else c for path, c in files.items()})
    return fsroles.GuestTree(str(tmp_path))


def test_freebsd_root(tmp_path: Path) -> None:
    tree = make(tmp_path, {"/bin/ls": ELF, "/etc/freebsd-update.conf": b"", "/etc/fstab": b"",
                           "/etc/motd": b"FreeBSD 13.2-RELEASE (GENERIC)\n",
                           "/etc/rc.conf": b'sshd_enable="YES"\nhostname="fbsd.example.com"\n'})
    f = fsroles.classify(tree)
    assert f is not None and f.role == "root"
    assert (f.type, f.distro, f.version, f.product_name, f.hostname, f.arch, f.reads_fstab) == (
        "freebsd", "freebsd", (13, 2), "FreeBSD 13.2-RELEASE (GENERIC)", "fbsd.example.com",
        "x86_64", True)
    assert (f.package_format, f.package_management) == (None, None)


def test_netbsd_root_takes_its_version_only_from_a_netbsd_line(tmp_path: Path) -> None:
    base = {"/bin": None, "/netbsd": b"", "/etc/fstab": b"", "/etc/rc.conf": b"hostname=nb\n"}
    f = fsroles.classify(make(tmp_path / "a", {**base, "/etc/release": b"NetBSD 9.3 (GENERIC)\n"}))
    assert f is not None
    assert (f.type, f.distro, f.version, f.hostname) == ("netbsd", "netbsd", (9, 3), "nb")
    f = fsroles.classify(make(tmp_path / "b", {**base, "/etc/release": b"Something 9.3\n"}))
    assert f is not None and (f.type, f.version, f.product_name) == ("netbsd", None, "Something 9.3")


def test_openbsd_root_is_reported_as_freebsd_as_libguestfs_does(tmp_path: Path) -> None:
    f = fsroles.classify(make(tmp_path, {"/bin": None, "/bsd": b"", "/etc/fstab": b"",
                                         "/etc/motd": b"OpenBSD 7.3 (GENERIC) #1\n",
                                         "/etc/rc.conf": b"hostname='obsd'\n"}))
    assert f is not None
    assert (f.type, f.distro, f.version, f.hostname) == ("freebsd", "freebsd", (7, 3), "obsd")


def test_msdos_names_match_without_case(tmp_path: Path) -> None:
    tree = make(tmp_path, {"/dos/command.com": b"MZ"})
    assert fsroles.classify(tree) is None  # the Windows check comes first
    f = fsroles.classify_dos(tree)
    assert f is not None and (f.type, f.distro, f.arch) == ("dos", "msdos", "i386")
    assert fsroles.classify_dos(make(tmp_path / "x", {"/DOS": None})) is None


@pytest.mark.parametrize("link,root", [("usr/bin", True), ("/usr/bin", False), ("usr/bin/", False)])
def test_a_bin_link_counts_only_as_usr_bin(tmp_path: Path, link: str, root: bool) -> None:
    # libguestfs takes a /bin that is no directory only when it links to "usr/bin" exactly.
    f = fsroles.classify(make(tmp_path, {"/etc/fstab": b"", "/bin": link, "/usr/bin/ls": ELF}))
    assert (f is not None and f.role == "root") is root


def test_the_order_of_checks(tmp_path: Path) -> None:
    linux = {"/etc/fstab": b"", "/bin/ls": ELF}
    # A grub /boot is nothing even with what a Linux root has.
    assert fsroles.classify(make(tmp_path / "boot", {**linux, "/grub2/grub.cfg": b""})) is fsroles.NOTHING
    # Hurd's files win over a Linux root's.
    f = fsroles.classify(make(tmp_path / "hurd", {**linux, "/hurd/console": b"", "/hurd/hello": b"",
                                                  "/hurd/null": b""}))
    assert f is not None and f.type == "hurd"
    # /usr/local (no local/) is nothing, /usr (with local/) completes a root.
    usr = {"/etc": None, "/bin/ls": ELF, "/share": None}
    assert fsroles.classify(make(tmp_path / "local", usr)) is fsroles.NOTHING
    f = fsroles.classify(make(tmp_path / "usr", {**usr, "/local": None,
                                                 "/lib/os-release": b"ID=fedora\nVERSION_ID=38\n"
                                                                    b"PRETTY_NAME=\"Fedora 38\"\n"}))
    assert f is not None and (f.role, f.distro, f.version, f.arch) == ("usr", "fedora", (38, 0), "x86_64")
    # A /var is nothing; a tree with none of these is left to the Windows check.
    assert fsroles.classify(make(tmp_path / "var", {"/log": None, "/run": None, "/spool": None})) \
        is fsroles.NOTHING
    assert fsroles.classify(make(tmp_path / "empty", {"/data": None})) is None


def test_coreos_root_and_usr(tmp_path: Path) -> None:
    root = fsroles.classify(make(tmp_path / "r", {"/etc/coreos/update.conf": b"", "/root": None,
                                                  "/home": None, "/usr": None,
                                                  "/etc/hostname": b"core\n"}))
    assert root is not None and (root.role, root.distro, root.hostname, root.mountpoint) == (
        "root", "coreos", "core", "/")
    usr = fsroles.classify(make(tmp_path / "u", {"/bin/ls": ELF, "/local": None,
                                                 "/share/coreos/lsb-release":
                                                     b"DISTRIB_ID=CoreOS\nDISTRIB_RELEASE=1.2\n"}))
    assert usr is not None and (usr.role, usr.distro, usr.version, usr.mountpoint) == (
        "usr", "coreos", (1, 2), "/usr")
    root.fstab, usr.fstab = [("/dev/sda1", "/")], [("/dev/sda2", "/usr")]
    root.merge_from(usr)
    assert (root.version, root.arch, root.hostname) == ((1, 2), "x86_64", "core")
    assert root.fstab == [("/dev/sda2", "/usr"), ("/dev/sda1", "/")]


def test_hostnames(tmp_path: Path) -> None:
    t = make(tmp_path, {"/etc/HOSTNAME": b"\n", "/etc/hostname": b"second\nthird\n"})
    assert fsroles.hostname_linux(t) == "second"
    t = make(tmp_path / "n", {"/etc/sysconfig/network": b"NETWORKING=yes\nHOSTNAME=rh.example\n"})
    assert fsroles.hostname_linux(t) == "rh.example"
    t = make(tmp_path / "b", {"/etc/rc.conf": b"hostname=plain\n"})
    assert fsroles.hostname_bsd(t) == "plain"
    assert fsroles.hostname_bsd(make(tmp_path / "none", {})) is None


def test_links_resolve_inside_the_guest(tmp_path: Path) -> None:
    t = make(tmp_path, {"/etc/os-release": "/usr/lib/os-release", "/usr/lib/os-release": b"ID=x\n",
                        "/loop": "/loop", "/up": "../../../etc"})
    assert t.read("/etc/os-release") == "ID=x\n"
    assert t.read("/loop") is None
    assert t.resolve("/up") == os.path.join(str(tmp_path), "etc")
    assert t.is_file("/etc/os-release", follow=True) and not t.is_file("/etc/os-release")


@pytest.mark.parametrize("distro,version,usr_bin_dnf,want", [
    ("fedora", (38, 0), True, ("rpm", "dnf")), ("fedora", (38, 0), False, ("rpm", "yum")),
    ("fedora", None, True, ("rpm", None)), ("rhel", (9, 2), False, ("rpm", "dnf")),
    ("centos", (7, 9), False, ("rpm", "yum")), ("rhel", (4, 0), False, ("rpm", "up2date")),
    ("debian", (12, 4), False, ("deb", "apt")), ("coreos", (1, 0), False, (None, None)),
])
def test_package_management(tmp_path: Path, distro: str, version: tuple[int, int] | None,
                            usr_bin_dnf: bool, want: tuple[str | None, str | None]) -> None:
    files: dict[str, bytes | str | None] = {"/usr/bin/dnf": b""} if usr_bin_dnf else {}
    tree = make(tmp_path, files)
    facts = fsroles.Facts(role="root", distro=distro, version=version)
    fsroles._packages(tree, facts)
    assert (facts.package_format, facts.package_management) == want


def test_a_named_pipe_at_a_release_file_is_not_read(tmp_path: Path) -> None:
    # Reading a FIFO would block the daemon until a writer came: it is
    # passed over as stock passes over anything but a regular file.
    tree = make(tmp_path, {"/bin": None, "/etc/fstab": b"", "/etc/debian_version": b"11.7\n"})
    os.mkfifo(tmp_path / "etc/os-release")
    os.mkfifo(tmp_path / "bin/ls")
    assert tree.read("/etc/os-release") is None
    f = fsroles.classify(tree)
    assert f is not None and (f.distro, f.product_name, f.version, f.arch) == (
        "debian", "11.7", (11, 7), None)
