"""``add_domain`` and ``add_libvirt_dom``: add the disks of a libvirt guest.

The guest's XML is read with the element classes of
``guestfs/backends/_domain_xml.py``; each disk goes through ``add_drive``
(``drives.py``).  libvirt itself is imported lazily, through
``guestfs/backends/libvirt.py``, so the rest of the library works without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..backends._domain_xml import DomainDisk, DomainXML
from ..backends._libvirt_auth import auth_of
from ..backends.libvirt import import_libvirt, libvirt_message, open_connection
from ..errors import GuestFSError
from . import library_action
from .drives import add_drive

#: A UUID as libvirt parses one (32 hex digits; dashes anywhere are skipped).
_UUID = re.compile(r"[0-9a-fA-F]{32}")

if TYPE_CHECKING:
    from ..handle import GuestFS

READONLYDISK = ("error", "read", "write", "ignore")


@dataclass(frozen=True)
class DomainDrive:
    """One disk of a guest, as it will be given to ``add_drive``."""

    filename: str
    readonly: bool
    format: str | None
    blocksize: int


@library_action("add_domain")
def add_domain(g: GuestFS, dom: str, libvirturi: str | None = None, readonly: bool = False,
               iface: str | None = None, live: bool = False, allowuuid: bool = False,
               readonlydisk: str | None = None, cachemode: str | None = None,
               discard: str | None = None, copyonread: bool = False) -> int:
    """Look up the guest ``dom`` (by name, or UUID with ``allowuuid``) and add its disks."""
    libvirt = import_libvirt()
    conn = open_connection(libvirturi, auth_of(g), for_domain=True)
    try:
        domain = None
        # Only a string shaped like a UUID is looked up as one: libvirt-python
        # prints every failed lookup on stderr ("Invalid UUID") and has no
        # per-connection way to silence it, as stock does.
        if allowuuid and _UUID.fullmatch(dom.replace("-", "")):
            try:
                domain = conn.lookupByUUIDString(dom)
            except libvirt.libvirtError:
                pass  # not a UUID of a guest: try it as a name
        if domain is None:
            try:
                domain = conn.lookupByName(dom)
            except libvirt.libvirtError as e:
                raise GuestFSError(f"no libvirt domain called ‘{dom}’: {libvirt_message(e)}",
                                   "ENOENT") from None
        return add_dom_disks(g, domain, readonly=readonly, iface=iface, live=live,
                             readonlydisk=readonlydisk, cachemode=cachemode, discard=discard,
                             copyonread=copyonread)
    finally:
        try:
            conn.close()
        except libvirt.libvirtError:
            pass


@library_action("add_libvirt_dom")
def add_libvirt_dom(g: GuestFS, dom: Any, readonly: bool = False, iface: str | None = None,
                    live: bool = False, readonlydisk: str | None = None,
                    cachemode: str | None = None, discard: str | None = None,
                    copyonread: bool = False) -> int:
    """Add the disks of ``dom`` (a ``libvirt.virDomain`` object)."""
    return add_dom_disks(g, dom, readonly=readonly, iface=iface, live=live,
                         readonlydisk=readonlydisk, cachemode=cachemode, discard=discard,
                         copyonread=copyonread)


def add_dom_disks(g: GuestFS, dom: Any, *, readonly: bool, iface: str | None, live: bool,
                  readonlydisk: str | None, cachemode: str | None, discard: str | None,
                  copyonread: bool) -> int:
    """Add every disk of the libvirt domain object ``dom``: all of them or none."""
    libvirt = import_libvirt()
    if not isinstance(dom, libvirt.virDomain):
        raise TypeError(f"add_libvirt_dom: argument 'dom' must be a libvirt.virDomain, "
                        f"not {type(dom).__name__}")
    if readonlydisk is not None and readonlydisk not in READONLYDISK:
        raise GuestFSError(f"unknown readonlydisk parameter '{readonlydisk}' "
                           f"(use one of {', '.join(READONLYDISK)})", "EINVAL")
    if live:
        g._debug("add_libvirt_dom: the 'live' flag is ignored (as in libguestfs >= 1.48)")
    try:
        name = dom.name()
        if not readonly and dom.isActive():
            raise GuestFSError(
                f"domain '{name}' is running: writing to the disks of a running guest "
                "can corrupt them.  Add it read-only instead (readonly=True; --ro in the tools).",
                "EBUSY")
        xml = dom.XMLDesc(0)
        conn = dom.connect()
    except libvirt.libvirtError as e:
        raise GuestFSError(f"cannot read the libvirt domain: {libvirt_message(e)}") from None
    try:
        guest = DomainXML.from_xml(xml)
    except ValueError as e:
        raise GuestFSError(f"domain '{name}': {e}") from None
    drives = domain_drives(conn, name, guest, readonly, readonlydisk or "write")
    if not drives:
        raise GuestFSError(f"libvirt domain '{name}' has no disks that can be added", "ENOENT")
    before = len(g._drives)
    try:
        for d in drives:
            add_drive(g, d.filename, readonly=d.readonly, format=d.format, iface=iface,
                      cachemode=cachemode, discard=discard, copyonread=copyonread,
                      blocksize=d.blocksize)
    except BaseException:
        del g._drives[before:]  # atomic, as documented: no disk stays added
        raise
    return len(drives)


def domain_drives(conn: Any, name: str, guest: DomainXML, readonly: bool,
                  readonlydisk: str) -> list[DomainDrive]:
    """The drives to add for the guest's disks, per ``readonly``/``readonlydisk``.

    :raises GuestFSError: a disk cannot be opened locally, or ``readonlydisk``
        is ``error`` and a disk is marked read-only while ``readonly`` is false.
    """
    out = []
    for i, disk in enumerate(guest.disks):
        path = disk_path(conn, name, i, disk)
        if path is None:
            continue  # e.g. an empty CD-ROM drive
        ro = readonly
        if disk.readonly:
            if readonlydisk == "ignore":
                continue
            if readonlydisk == "error" and not readonly:
                raise GuestFSError(
                    f"domain '{name}': disk {path} is marked <readonly/> in the libvirt XML and "
                    "readonlydisk='error' was given, but the disks are not being added read-only",
                    "EPERM")
            ro = readonly or readonlydisk in ("read", "error")
        fmt = disk.driver_type
        if fmt == "aio":  # old Xen "tap:aio" disks are raw
            fmt = "raw"
        out.append(DomainDrive(path, ro, fmt, disk.blockio_logical or 0))
    return out


def disk_path(conn: Any, name: str, i: int, disk: DomainDisk) -> str | None:
    """The local path of a guest's disk, or None for a disk with no medium.

    :raises GuestFSError: the disk is on the network or of an unknown type.
    """
    kind = disk.type or "file"
    if kind in ("file", "block"):
        return disk.source_path
    if kind == "volume":
        if not (disk.source_pool and disk.source_volume):
            return None
        libvirt = import_libvirt()
        try:
            pool = conn.storagePoolLookupByName(disk.source_pool)
            return str(pool.storageVolLookupByName(disk.source_volume).path())
        except libvirt.libvirtError as e:
            raise GuestFSError(f"domain '{name}': cannot find volume '{disk.source_volume}' in "
                               f"pool '{disk.source_pool}': {libvirt_message(e)}") from None
    if kind == "network":
        raise GuestFSError(f"domain '{name}': disk {i} is a network disk "
                           f"(protocol '{disk.source_protocol}', '{disk.source_name}'), which this "
                           "library cannot open: only local files and block devices", "ENOTSUP")
    raise GuestFSError(f"domain '{name}': disk {i} has unsupported type '{kind}'", "ENOTSUP")
