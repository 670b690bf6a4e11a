"""Trim supermin's initrd to the kernel modules needed to mount the root.

supermin's mini initrd loads every module it packed (52 with Debian's
kernel: nvdimm, ATA, virtio-net, fuse …), about 1.4 s under TCG.  Only
virtio-pci, virtio-scsi, sd and ext4 are needed to reach the root disk
(plus virtio-console for the daemon's channel); the appliance's /init
loads drivers for other virtio devices itself.  The initrd is an
uncompressed ``newc`` cpio archive; its ``modules`` file lists the modules
to load in order.  Used by ``supermin.py``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

NEWC_MAGIC = b"070701"
TRAILER = "TRAILER!!!"
#: Modules the initrd must load: the virtio PCI transport,
#: root disk (virtio-scsi or virtio-blk),
#: its file system (ext4 wants crc32c even for ext2), the daemon's channel and the entropy source.
INITRD_MODULES = ("virtio_pci", "virtio_scsi", "virtio_blk", "sd_mod", "ext4",
                  "crc32c_generic", "virtio_console", "virtio_rng")


@dataclass
class CpioEntry:
    """One ``newc`` cpio member: its header fields, name and data."""

    #: ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
    #: rdevmajor, rdevminor, namesize, check
    fields: list[int]
    name: str
    data: bytes


def _pad4(n: int) -> int:
    return (4 - n % 4) % 4


def read_cpio(blob: bytes) -> list[CpioEntry]:
    """Parse an uncompressed ``newc`` archive (without the trailer entry).

    :raises ValueError: not a newc archive.
    """
    out: list[CpioEntry] = []
    pos = 0
    while True:
        if blob[pos:pos + 6] != NEWC_MAGIC:
            raise ValueError(f"not a newc cpio archive at offset {pos}")
        fields = [int(blob[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        namesize, filesize = fields[11], fields[6]
        pos += 110
        name = blob[pos:pos + namesize - 1].decode()
        pos += namesize + _pad4(110 + namesize)
        data = blob[pos:pos + filesize]
        pos += filesize + _pad4(filesize)
        if name == TRAILER:
            return out
        out.append(CpioEntry(fields, name, data))


def write_cpio(entries: list[CpioEntry]) -> bytes:
    """Serialise entries as a ``newc`` archive with its trailer."""
    parts = []
    for e in [*entries, CpioEntry([0] * 13, TRAILER, b"")]:
        name = e.name.encode() + b"\0"
        fields = list(e.fields)
        fields[6], fields[11] = len(e.data), len(name)
        if e.name == TRAILER:
            fields[4] = 1
        header = NEWC_MAGIC + b"".join(b"%08X" % f for f in fields)
        parts += [header, name, b"\0" * _pad4(110 + len(name)), e.data, b"\0" * _pad4(len(e.data))]
    return b"".join(parts)


def _modname(path: str) -> str:
    """``kernel/lib/crc-t10dif.ko`` → ``crc_t10dif`` (module names use underscores)."""
    base = os.path.basename(path)
    return base.split(".ko", 1)[0].replace("-", "_")


def module_closure(modules_dir: str, wanted: tuple[str, ...] = INITRD_MODULES) -> set[str]:
    """``wanted`` plus everything they depend on, from ``modules.dep``."""
    deps: dict[str, list[str]] = {}
    with open(os.path.join(modules_dir, "modules.dep")) as f:
        for line in f:
            mod, _, rest = line.partition(":")
            deps[_modname(mod)] = [_modname(d) for d in rest.split()]
    keep: set[str] = set()
    todo = [m.replace("-", "_") for m in wanted]
    while todo:
        m = todo.pop()
        if m not in keep:
            keep.add(m)
            todo.extend(deps.get(m, ()))
    return keep


def trim_initrd(path: str, modules_dir: str) -> bool:
    """Rewrite the initrd at ``path`` keeping only the modules it needs.

    :returns: False (file untouched) if it is not the cpio layout we know or
        a needed module is missing from it.
    """
    with open(path, "rb") as f:
        blob = f.read()
    try:
        entries = read_cpio(blob)
    except (ValueError, UnicodeDecodeError):
        return False
    by_name = {e.name: e for e in entries}
    listing = by_name.get("modules")
    if listing is None:
        return False
    keep = module_closure(modules_dir)
    order = listing.data.decode().split()
    kept = [m for m in order if _modname(m) in keep]
    needed = {_modname(m) for m in INITRD_MODULES}
    if not needed <= {_modname(m) for m in kept}:
        return False
    dropped = {m for m in order if m not in kept}
    listing.data = "".join(m + "\n" for m in kept).encode()
    new = write_cpio([e for e in entries if e.name not in dropped])
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(new)
    os.rename(tmp, path)
    return True
