"""``add_drive`` and the other calls that manage the handle's drive list."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from ..drives import DEVICE_RE, Drive
from ..errors import GuestFSError
from ..protocol.devnames import index_to_letters, letters_to_index
from ..state import State, requires
from . import library_action

if TYPE_CHECKING:
    from ..handle import GuestFS

MAX_DISKS = 255
_FORMAT_RE = re.compile(r"^[-_a-z0-9]+$")
_LABEL_RE = re.compile(r"^[a-zA-Z]{1,20}$")
_CACHEMODES = ("writeback", "unsafe")
_DISCARD = ("disable", "enable", "besteffort")
_IFACES = ("ide", "scsi", "virtio", "virtio-blk", "virtio-scsi")


def _no_hotplug(g: GuestFS) -> str:
    return ("drives can only be added before launch "
            f"(hotplugging is not supported by the '{g._settings['backend']}' backend)")


@library_action("add_drive")
@requires(State.CONFIG, _no_hotplug)
def add_drive(g: GuestFS, filename: str, readonly: bool = False, format: str | None = None,
              iface: str | None = None, name: str | None = None, label: str | None = None,
              protocol: str | None = None, server: list[str] | None = None,
              username: str | None = None, secret: str | None = None,
              cachemode: str | None = None, discard: str | None = None,
              copyonread: bool = False, blocksize: int = 0) -> None:
    """Add a disk image to attach at launch, checking every option first."""
    if protocol not in (None, "file"):
        raise GuestFSError(f"protocol '{protocol}' is not supported by this library "
                           "(only local files)", "ENOTSUP")
    if server:
        raise GuestFSError("you cannot specify a server with file-backed disks", "EINVAL")
    if format is not None and not _FORMAT_RE.match(format):
        raise GuestFSError("format parameter is empty or contains disallowed characters", "EINVAL")
    if iface is not None and not _FORMAT_RE.match(iface):
        raise GuestFSError("iface parameter is empty or contains disallowed characters", "EINVAL")
    if iface is not None and iface not in _IFACES:
        raise GuestFSError(f"iface '{iface}' is not supported (use one of {', '.join(_IFACES)})", "EINVAL")
    if label is not None and not _LABEL_RE.match(label):
        raise GuestFSError("label parameter is empty, too long, or contains disallowed characters",
                           "EINVAL")
    if cachemode is not None and cachemode not in _CACHEMODES:
        raise GuestFSError("cachemode parameter must be ‘writeback’ (default) or ‘unsafe’",
                           "EINVAL")
    if discard is not None and discard not in _DISCARD:
        raise GuestFSError("discard parameter must be ‘disable’, ‘enable’ or ‘besteffort’",
                           "EINVAL")
    if discard == "enable" and readonly:
        raise GuestFSError("discard support cannot be enabled on read-only drives", "EINVAL")
    if blocksize not in (0, 512, 4096):
        raise GuestFSError("blocksize parameter is invalid", "EINVAL")
    if len(g._drives) >= MAX_DISKS:
        raise GuestFSError(f"too many drives (at most {MAX_DISKS})", "EINVAL")
    if filename != "/dev/null" and not os.path.exists(filename):
        raise GuestFSError(f"{filename}: No such file or directory", "ENOENT")
    if filename == "/dev/null":
        if format not in (None, "raw"):
            raise GuestFSError("for device ‘/dev/null’, format must be ‘raw’", "EINVAL")
        format = "raw"
    g._drives.append(Drive(os.path.abspath(filename), bool(readonly), format, iface, name, label,
                           cachemode, discard, bool(copyonread), blocksize))


@library_action("add_drive_ro")
def add_drive_ro(g: GuestFS, filename: str) -> None:
    """Add a drive read-only (writes go to a throw-away overlay)."""
    add_drive(g, filename, readonly=True)


@library_action("add_drive_with_if")
def add_drive_with_if(g: GuestFS, filename: str, iface: str) -> None:
    """Add a drive with a given interface (deprecated form)."""
    add_drive(g, filename, iface=iface)


@library_action("add_drive_ro_with_if")
def add_drive_ro_with_if(g: GuestFS, filename: str, iface: str) -> None:
    """Add a read-only drive with a given interface (deprecated form)."""
    add_drive(g, filename, readonly=True, iface=iface)


@library_action("add_cdrom")
def add_cdrom(g: GuestFS, filename: str) -> None:
    """Add a CD-ROM image (deprecated): a read-only raw drive."""
    add_drive(g, filename, readonly=True, format="raw")


@library_action("add_drive_scratch")
@requires(State.CONFIG, _no_hotplug)
def add_drive_scratch(g: GuestFS, size: int, name: str | None = None, label: str | None = None,
                      blocksize: int = 0) -> None:
    """Add a blank temporary disk of ``size`` bytes, deleted when the handle closes."""
    if size <= 0:
        raise GuestFSError(f"invalid size: {size}", "EINVAL")
    from .lifecycle import handle_tmpdir
    path = os.path.join(handle_tmpdir(g), f"scratch{len(g._drives) + 1}.img")
    with open(path, "wb") as f:
        f.truncate(size)
    try:
        add_drive(g, path, format="raw", name=name, label=label, cachemode="unsafe",
                  blocksize=blocksize)
    except GuestFSError:
        os.unlink(path)
        raise
    g._drives[-1].scratch = True


@library_action("remove_drive")
@requires(State.CONFIG, _no_hotplug)
def remove_drive(g: GuestFS, label: str) -> None:
    """Remove a drive by label (only before launch with these backends)."""
    for i, d in enumerate(g._drives):
        if d.label == label:
            del g._drives[i]
            return
    raise GuestFSError(f"disk with label '{label}' not found", "ENOENT")


@library_action("max_disks")
def max_disks(g: GuestFS) -> int:
    """How many drives can be added."""
    return MAX_DISKS


@library_action("debug_drives")
def debug_drives(g: GuestFS) -> list[str]:
    """One line per drive describing its settings."""
    return [f"path={d.filename}" + (" readonly" if d.readonly else "")
            + (f" format={d.format}" if d.format else "")
            + (f" iface={d.iface}" if d.iface else "")
            + (f" label={d.label}" if d.label else "") for d in g._drives]


@library_action("device_index")
def device_index(g: GuestFS, device: str) -> int:
    """Index of the drive behind ``/dev/sdX`` (or a partition of it)."""
    m = DEVICE_RE.match(device)
    if not m:
        raise GuestFSError(f"{device}: device not found", "ENOENT")
    i = letters_to_index(m.group(1))
    if i >= len(g._drives):
        raise GuestFSError(f"{device}: device not found", "ENOENT")
    return i


@library_action("device_name")
def device_name(g: GuestFS, index: int) -> str:
    """``/dev/sdX`` name of the drive at ``index``."""
    if not 0 <= index < len(g._drives):
        raise GuestFSError("drive index out of range", "EINVAL")
    return f"/dev/sd{index_to_letters(index)}"


@library_action("canonical_device_name")
def canonical_device_name(g: GuestFS, device: str) -> str:
    """``/dev/vda1``, ``/dev/hda1`` → ``/dev/sda1``; a logical volume's
    ``/dev/mapper/VG-LV`` or ``/dev/dm-N`` → ``/dev/VG/LV`` (asked of the
    appliance, as stock does); other names unchanged."""
    if device.startswith(("/dev/mapper/", "/dev/dm-")):
        try:
            return str(g._rpc("lvm_canonical_lv_name", {"lvname": device}))
        except GuestFSError as e:
            if e.errno == "EINVAL":  # not a logical volume
                return device
            raise
    m = re.match(r"^/dev/(?:hd|vd|xvd|ubd)([a-z]+\d*)$", device)
    return f"/dev/sd{m.group(1)}" if m else device
