"""Inspection of Windows guests (``impl/inspect.py`` calls it for each
mounted file system): the system root, the architecture of its
``cmd.exe``, and what the SOFTWARE and SYSTEM registry hives tell.

A Windows root is a file system with a system root directory
(``/Windows``, ``/WINNT`` … in any case) holding ``System32``,
``System32/config`` and ``System32/cmd.exe``, as stock libguestfs 1.48
requires.  Names are looked up without case by listing directories:
ntfs-3g keeps the case of names.  Symbolic links in the guest are never
followed.  The hives are read here in the appliance through Debian's
hivex binding (python3-hivex); the drive letters of
``HKLM\\SYSTEM\\MountedDevices`` are matched against the partition tables
of the attached disks.  The pure parts (value decoding, version strings,
drive matching) have unit tests in ``tests/daemon/``.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import context
from ..errors import DaemonError
from . import blockdev, debmodules, parttable
from .filearch import UnknownArch, file_arch
from .guestroot import open_regular

#: Names of the system root directory, in the order they are tried.
SYSTEMROOTS = ("windows", "winnt", "win32", "win", "reactos")
#: Registry value types.
REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD = 1, 2, 3, 4
#: MountedDevices value names of drive letters start with this (any case).
DOSDEVICES = "\\dosdevices\\"
#: The prefix of a MountedDevices value naming a GPT partition by its GUID.
GPT_PREFIX = b"DMIO:ID:"
#: Where the MBR disk signature is (4 bytes).
MBR_SIGNATURE_OFFSET = 0x1B8
#: How much of cmd.exe is read to find its architecture.
ARCH_HEAD = 4096
#: The reply when hivex fails on a hive during inspection, as stock's.
HIVEX_FAILED = "internal error: inspect_os: unhandled exception thrown: Hivex.Error"
#: Largest major/minor version kept (they are 32-bit on the wire).
_INT_MAX = 0x7FFFFFFF


# -- names without case -------------------------------------------------------


def _entry_nocase(directory: str, name: str) -> str | None:
    """The entry of ``directory`` called ``name`` without regard to case, or None."""
    want = name.lower()
    try:
        with os.scandir(directory) as it:
            for entry in it:
                if entry.name.lower() == want:
                    return entry.name
    except OSError:
        return None
    return None


def lookup_nocase(top: str, path: str) -> str | None:
    """The guest path (as the guest spells it) of ``path`` looked up without
    case in the file system mounted at ``top``, or None.  Symbolic links
    along the way are not followed."""
    here, done = top, list[str]()
    for part in (p for p in path.split("/") if p):
        if done and not _is_kind(here, stat.S_ISDIR):
            return None
        real = _entry_nocase(here, part)
        if real is None:
            return None
        done.append(real)
        here = os.path.join(here, real)
    return "/" + "/".join(done)


def _is_kind(full: str, test: Any) -> bool:
    try:
        return bool(test(os.lstat(full).st_mode))
    except OSError:
        return False


def _is_dir(top: str, guest: str | None) -> bool:
    return guest is not None and _is_kind(top + guest, stat.S_ISDIR)


def _is_file(top: str, guest: str | None) -> bool:
    return guest is not None and _is_kind(top + guest, stat.S_ISREG)


def find_systemroot(top: str) -> str | None:
    """The guest path of the Windows system root of the file system mounted
    at ``top`` (``/Windows``, ``/winnt`` …), or None if it holds none."""
    for name in SYSTEMROOTS:
        root = lookup_nocase(top, "/" + name)
        if root is None:
            continue
        if _is_dir(top, lookup_nocase(top, root + "/system32")) and \
                _is_dir(top, lookup_nocase(top, root + "/system32/config")) and \
                _is_file(top, lookup_nocase(top, root + "/system32/cmd.exe")):
            return root
    return None


# -- pure decoding ------------------------------------------------------------


def parse_version(text: str) -> tuple[int, int] | None:
    """``major.minor`` (or a lone ``major``) found in a CurrentVersion string, or None."""
    m = re.search(r"(\d+)\.(\d+)", text) or re.search(r"(\d+)", text)
    if m is None:
        return None
    major = int(m.group(1))
    minor = int(m.group(2)) if m.lastindex == 2 else 0
    if major > _INT_MAX or minor > _INT_MAX:
        return None
    return major, minor


def registry_guid(blob: bytes) -> str:
    """The GUID a ``DMIO:ID:`` MountedDevices value holds, as upper-case text."""
    return str(uuid.UUID(bytes_le=blob[8:24])).upper()


@dataclass(frozen=True)
class MbrRef:
    """A partition named by its disk's MBR signature and its byte offset."""

    signature: bytes
    offset: int


@dataclass(frozen=True)
class GptRef:
    """A GPT partition named by its unique partition GUID."""

    guid: str


def drive_reference(key: str, typ: int, blob: bytes) -> tuple[str, MbrRef | GptRef] | None:
    """The drive letter and the partition a MountedDevices value names, or
    None if it is not a ``\\DosDevices\\X:`` value of a fixed disk."""
    if len(key) < 14 or key[:12].lower() != DOSDEVICES or not key[12].isascii() \
            or not key[12].isalpha() or key[13] != ":":
        return None
    if typ != REG_BINARY:
        return None
    if len(blob) >= 24 and blob.startswith(GPT_PREFIX):
        return key[12], GptRef(registry_guid(blob))
    if len(blob) == 12:
        return key[12], MbrRef(blob[:4], struct.unpack_from("<Q", blob, 4)[0])
    return None


@dataclass
class DiskLayout:
    """What drive matching needs of one disk: its caller name, table kind,
    MBR signature, and (number, byte offset, GPT GUID) of each partition."""

    name: str
    kind: str
    signature: bytes = b""
    partitions: list[tuple[int, int, str]] = field(default_factory=list)


def partition_name(disk: str, num: int) -> str:
    """The device name of partition ``num`` of ``disk`` (``/dev/sda`` 1 → ``/dev/sda1``)."""
    return f"{disk}p{num}" if disk[-1:].isdigit() else f"{disk}{num}"


def match_drive(ref: MbrRef | GptRef, disks: Iterable[DiskLayout]) -> str | None:
    """The partition a drive reference names, among ``disks``, or None."""
    for d in disks:
        if isinstance(ref, MbrRef):
            if d.kind != "msdos" or d.signature != ref.signature:
                continue
            for num, offset, _ in d.partitions:
                if offset == ref.offset:
                    return partition_name(d.name, num)
            return None  # the first disk with that signature decides
        if d.kind == "gpt":
            for num, _, guid in d.partitions:
                if guid.lower() == ref.guid.lower():
                    return partition_name(d.name, num)
    return None


def drive_mappings(values: Iterable[tuple[str, int, bytes]],
                   disks: list[DiskLayout]) -> list[tuple[str, str]]:
    """(letter, partition) for each MountedDevices value that names a drive
    letter on one of ``disks``, in the hive's order."""
    found = []
    for key, typ, blob in values:
        ref = drive_reference(key, typ, blob)
        if ref is None:
            continue
        dev = match_drive(ref[1], disks)
        if dev is not None:
            found.append((ref[0], dev))
    return found


def disk_layouts() -> list[DiskLayout]:
    """The partition layout of every attached disk (none for disks without
    an MBR or GPT), in the caller's disk order."""
    layouts = []
    for disk in context.list_disks():
        dev = blockdev.dev_node(disk)
        try:
            table = parttable.read_table(dev)
            if table is None:
                continue
            signature = b""
            if table.kind == "msdos":
                fd = os.open(dev, os.O_RDONLY | os.O_CLOEXEC)
                try:
                    signature = os.pread(fd, 4, MBR_SIGNATURE_OFFSET)
                finally:
                    os.close(fd)
        except (OSError, DaemonError):
            continue
        layouts.append(DiskLayout(
            context.canonical_device(dev), table.kind, signature,
            [(e.num, e.start * table.sector_size, e.gpt_guid) for e in table.entries.values()]))
    return layouts


# -- the hives ----------------------------------------------------------------


class _Missing(Exception):
    """A key or value inspection looks for is not in the hive."""


class _Hive:
    """A read-only hive opened with python3-hivex, with stock's lookups."""

    def __init__(self, path: str) -> None:
        self.h: Any = debmodules.load("hivex").Hivex(path)

    def root(self) -> int:
        return int(self.h.root())

    def node(self, path: Iterable[str]) -> int:
        """The node at ``path`` below the root (names without case)."""
        node = self.root()
        for name in path:
            try:
                child = self.h.node_get_child(node, name)
            except RuntimeError:
                child = None
            if not child:
                raise _Missing(name)
            node = int(child)
        return node

    def values(self, node: int) -> dict[str, int]:
        """The node's values by exact name (the first of a name wins)."""
        out: dict[str, int] = {}
        for v in self.h.node_values(node):
            out.setdefault(str(self.h.value_key(v)), int(v))
        return out

    def value(self, node: int, key: str) -> int:
        """The value ``key`` of a node, found without case."""
        try:
            v = self.h.node_get_value(node, key)
        except RuntimeError:
            v = None
        if not v:
            raise _Missing(key)
        return int(v)

    def string(self, v: int) -> str:
        return str(self.h.value_string(v))

    def dword(self, v: int) -> int:
        return int(self.h.value_dword(v))

    def raw(self, v: int) -> tuple[int, bytes]:
        t, data = self.h.value_value(v)
        return int(t), bytes(data)


@dataclass
class WindowsInfo:
    """What inspection found about one Windows root (None: not found)."""

    systemroot: str
    arch: str = "unknown"
    product_name: str | None = None
    product_variant: str | None = None
    version: tuple[int, int] | None = None
    build_id: str | None = None
    software_hive: str | None = None
    system_hive: str | None = None
    current_control_set: str | None = None
    hostname: str | None = None
    drive_mappings: list[tuple[str, str]] = field(default_factory=list)


def _arch(top: str, systemroot: str) -> str:
    """The architecture of ``System32/cmd.exe`` (a guest whose cmd.exe names
    none fails inspection, as in stock)."""
    cmd = lookup_nocase(top, systemroot + "/system32/cmd.exe") or systemroot + "/system32/cmd.exe"
    try:
        with os.fdopen(open_regular(top + cmd), "rb") as f:
            return file_arch([f.read(ARCH_HEAD)])
    except OSError as e:
        raise DaemonError.from_oserror(e, cmd) from None
    except UnknownArch:
        raise DaemonError(f"unknown architecture: {cmd}") from None


def _read_software(hive: _Hive, info: WindowsInfo) -> None:
    """Product name, version, variant and build from ``Microsoft\\Windows NT\\CurrentVersion``."""
    try:
        node = hive.node(("Microsoft", "Windows NT", "CurrentVersion"))
        values = hive.values(node)
        if "ProductName" in values:
            info.product_name = hive.string(values["ProductName"])
        if "CurrentMajorVersionNumber" in values and "CurrentMinorVersionNumber" in values:
            info.version = (hive.dword(values["CurrentMajorVersionNumber"]),
                            hive.dword(values["CurrentMinorVersionNumber"]))
        elif "CurrentVersion" in values:
            info.version = parse_version(hive.string(values["CurrentVersion"]))
        else:
            # Without any version, stock reads nothing more of this key.
            return
        if "InstallationType" in values:
            info.product_variant = hive.string(values["InstallationType"])
        # CurrentBuild meant something else in Windows XP: CurrentBuildNumber only.
        if "CurrentBuildNumber" in values:
            info.build_id = hive.string(values["CurrentBuildNumber"])
    except _Missing:
        pass


def _read_system(hive: _Hive, info: WindowsInfo, disks: list[DiskLayout]) -> None:
    """Drive letters, the current control set and the TCP/IP host name
    (stock 1.48 reads ``Services\\Tcpip\\Parameters``, not ``ComputerName``)."""
    try:
        node = hive.node(("MountedDevices",))
        mounted = []
        for v in hive.h.node_values(node):
            t, data = hive.raw(int(v))
            mounted.append((str(hive.h.value_key(v)), t, data))
        info.drive_mappings = drive_mappings(mounted, disks)
    except _Missing:
        info.drive_mappings = []
    try:
        current = hive.dword(hive.value(hive.node(("Select",)), "Current"))
    except _Missing:
        return
    ccs = f"ControlSet{current:03d}"
    info.current_control_set = ccs
    try:
        node = hive.node((ccs, "Services", "Tcpip", "Parameters"))
        values = hive.values(node)
        if "Hostname" in values:
            info.hostname = hive.string(values["Hostname"])
    except _Missing:
        pass


def describe(top: str, systemroot: str, disks: list[DiskLayout]) -> WindowsInfo:
    """Inspect the Windows root mounted at ``top`` whose system root is ``systemroot``.

    :param disks: the attached disks, for matching drive letters to partitions.
    :raises DaemonError: cmd.exe names no architecture, or hivex failed on a
        hive (stock's OCaml daemon lets the Hivex.Error escape: its reply is kept).
    """
    info = WindowsInfo(systemroot, arch=_arch(top, systemroot))
    config = lookup_nocase(top, systemroot + "/system32/config")
    if config is None:
        return info
    software = lookup_nocase(top, config + "/software")
    system = lookup_nocase(top, config + "/system")
    info.software_hive = software if _is_file(top, software) else None
    info.system_hive = system if _is_file(top, system) else None
    if info.software_hive is None or info.system_hive is None:
        return info
    failed = False
    try:
        _read_software(_Hive(top + info.software_hive), info)
        _read_system(_Hive(top + info.system_hive), info, disks)
    except (RuntimeError, ValueError, OverflowError, TypeError):
        failed = True
    # Raised only here, once the binding's error (whose traceback holds the
    # open hive, and with it a file on the mount to be unmounted) is gone.
    if failed:
        raise DaemonError(HIVEX_FAILED)
    return info
