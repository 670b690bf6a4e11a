"""The architecture of a program, a library or an initramfs, from its bytes
(``file_architecture``, as libguestfs answers it).

ELF headers name their machine; Windows PE files are i386 (PE32) or x86_64
(PE32+); gzip, bzip2 and xz files are looked into; an initramfs (a cpio
archive, compressed or not) has the architecture of the first well-known
program it holds.  Everything is parsed here in Python, in bounded amounts:
the data comes from the guest.
"""

from __future__ import annotations

import bz2
import lzma
import struct
import zlib
from collections.abc import Iterable, Iterator

from .elf import elf_arch

#: How much decompressed data is looked at, at most.
MAX_INFLATED = 256 * 1024 * 1024
#: Programs in an initramfs that tell its architecture, as libguestfs looks for them.
#: (Measured against libguestfs 1.48: busybox, usr/bin/* and libraries do not count.)
INITRD_PROGRAMS = ("bin/ls", "bin/rm", "bin/modprobe", "sbin/modprobe", "bin/sh", "bin/bash", "bin/dash")
_CPIO_MAGICS = (b"070701", b"070702")


class UnknownArch(Exception):
    """No architecture could be found; ``cpio`` tells which message applies."""

    def __init__(self, cpio: bool) -> None:
        super().__init__("cpio archive" if cpio else "unknown")
        self.cpio = cpio


def _inflater(head: bytes) -> zlib._Decompress | bz2.BZ2Decompressor | lzma.LZMADecompressor | None:
    """A decompressor for the format ``head`` starts with, or None."""
    if head.startswith(b"\x1f\x8b"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if head.startswith(b"BZh"):
        return bz2.BZ2Decompressor()
    if head.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMADecompressor(lzma.FORMAT_XZ)
    return None


def _inflate(first: bytes, rest: Iterator[bytes], dec: zlib._Decompress | bz2.BZ2Decompressor
             | lzma.LZMADecompressor) -> Iterator[bytes]:
    """The decompressed stream, block by block, up to :data:`MAX_INFLATED`."""
    total = 0
    for block in _chain(first, rest):
        try:
            out = dec.decompress(block)
        except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError):
            return  # corrupt or finished: what came out so far is all there is
        total += len(out)
        if out:
            yield out
        if total > MAX_INFLATED or getattr(dec, "eof", False):
            return


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


def _head(blocks: Iterator[bytes], n: int) -> bytes:
    """At least ``n`` bytes from the front of ``blocks`` (fewer at the end)."""
    head = b""
    for block in blocks:
        head += block
        if len(head) >= n:
            break
    return head


def _pe_arch(head: bytes) -> str | None:
    """i386 for PE32, x86_64 for PE32+, None if not a PE file."""
    if len(head) < 0x40 or head[:2] != b"MZ":
        return None
    (off,) = struct.unpack_from("<I", head, 0x3C)
    if off + 26 > len(head) or head[off:off + 4] != b"PE\0\0":
        return None
    (magic,) = struct.unpack_from("<H", head, off + 24)
    return {0x10B: "i386", 0x20B: "x86_64"}.get(magic)


def _cpio_members(data: Iterator[bytes]) -> Iterator[tuple[str, bytes]]:
    """(name, first bytes) of each regular file of a newc cpio stream."""
    buf = bytearray()
    it = iter(data)

    def need(n: int) -> bool:
        while len(buf) < n:
            block = next(it, None)
            if block is None:
                return False
            buf.extend(block)
        return True

    while need(110) and bytes(buf[:6]) in _CPIO_MAGICS:
        try:
            fields = [int(buf[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        except ValueError:
            return
        mode, size, namesize = fields[1], fields[6], fields[11]
        name_end = 110 + namesize
        data_start = (name_end + 3) & ~3
        if not need(data_start):
            return
        name = bytes(buf[110:name_end]).rstrip(b"\0").decode("utf-8", "surrogateescape")
        if name == "TRAILER!!!":
            return
        del buf[:data_start]
        if mode & 0o170000 == 0o100000:
            need(min(size, 64))
            yield name, bytes(buf[:min(size, 64)])
        skip = (size + 3) & ~3
        while skip:
            if not buf and not need(1):
                return
            n = min(skip, len(buf))
            del buf[:n]
            skip -= n


def _cpio_arch(data: Iterator[bytes]) -> str:
    """The architecture of the first well-known program in a cpio stream."""
    for name, head in _cpio_members(data):
        if name in INITRD_PROGRAMS:
            arch = elf_arch(head[:20])
            if arch is not None and arch != "unknown":
                return arch
    raise UnknownArch(cpio=True)


def file_arch(blocks: Iterable[bytes]) -> str:
    """The architecture of a file given as blocks of its contents.

    :raises UnknownArch: nothing in the file names one.
    """
    it = iter(blocks)
    head = _head(it, 4096)
    for _ in range(2):  # a compressed file is looked into once
        arch = elf_arch(head[:20]) or _pe_arch(head)
        if arch is not None and arch != "unknown":
            return arch
        if head[:6] in _CPIO_MAGICS:
            return _cpio_arch(_chain(head, it))
        dec = _inflater(head)
        if dec is None:
            break
        it = _inflate(head, it, dec)
        head = _head(it, 4096)
    raise UnknownArch(cpio=False)
