"""file_architecture's byte-level logic (daemon/lib/filearch.py), no VM.

The expected answers were measured with libguestfs 1.48.6 on the same
files: ELF and Windows PE executables and DLLs, ELF files compressed with
gzip, bzip2 and xz, initramfs images whose architecture comes from the
programs libguestfs looks for (and not from others), and data.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import platform
import struct
import sys

import pytest

from guestfs_daemon.lib.filearch import UnknownArch, file_arch

with open(sys.executable, "rb") as _f:
    HOST_ELF = _f.read(1 << 16)  # a host program, not guest data
HOST_ARCH = {"x86_64": "x86_64", "aarch64": "aarch64"}.get(platform.machine(), "?")


def _pe(plus: bool, dll: bool = False) -> bytes:
    """A minimal Windows PE header as file(1) and libguestfs recognise it."""
    mz = bytearray(0x80)
    mz[0:2] = b"MZ"
    struct.pack_into("<I", mz, 0x3C, 0x80)
    opt = bytearray(240 if plus else 224)
    struct.pack_into("<H", opt, 0, 0x20B if plus else 0x10B)
    coff = b"PE\0\0" + struct.pack("<HHIIIHH", 0x8664 if plus else 0x14C, 1, 0, 0, 0, len(opt),
                                   0x2022 if dll else 0x22)
    return bytes(mz) + coff + bytes(opt) + bytes(512)


def _cpio(files: dict[str, bytes]) -> bytes:
    """A newc cpio archive of regular files."""
    out = bytearray()
    for i, (name, data) in enumerate([*files.items(), ("TRAILER!!!", b"")]):
        raw = name.encode() + b"\0"
        mode = 0o100755 if name != "TRAILER!!!" else 0
        fields = [i + 1, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(raw), 0]
        out += b"070701" + b"".join(b"%08X" % f for f in fields) + raw
        out += bytes(-len(out) % 4) + data + bytes(-len(data) % 4)
    return bytes(out)


def _arch(data: bytes, block: int = 4096) -> str:
    return file_arch(data[i:i + block] for i in range(0, len(data), block))


@pytest.mark.parametrize(("data", "want"), [
    (_pe(False), "i386"), (_pe(True), "x86_64"),
    (_pe(False, dll=True), "i386"), (_pe(True, dll=True), "x86_64"),
], ids=["win32.exe", "win64.exe", "win32.dll", "win64.dll"])
def test_windows_pe(data: bytes, want: str) -> None:
    assert _arch(data) == want


@pytest.mark.parametrize("pack", [gzip.compress, bz2.compress, lzma.compress], ids=["gzip", "bzip2", "xz"])
def test_compressed_elf_is_looked_into(pack: object) -> None:
    assert _arch(HOST_ELF) == HOST_ARCH
    assert _arch(pack(HOST_ELF)) == HOST_ARCH  # type: ignore[operator]


@pytest.mark.parametrize("name", ["bin/ls", "bin/rm", "bin/modprobe", "sbin/modprobe", "bin/sh",
                                  "bin/bash", "bin/dash"])
@pytest.mark.parametrize("pack", [lambda b: b, gzip.compress, lzma.compress], ids=["cpio", "gzip", "xz"])
def test_initrd_takes_the_architecture_of_a_known_program(name: str, pack: object) -> None:
    archive = _cpio({"etc/motd": b"hello\n", name: HOST_ELF})
    assert _arch(pack(archive)) == HOST_ARCH  # type: ignore[operator]


@pytest.mark.parametrize("name", ["bin/busybox", "usr/bin/ls", "bin/cat", "lib64/libc.so.6",
                                  "lib/modules/6.1/kernel/a.ko"])
def test_initrd_without_a_known_program(name: str) -> None:
    with pytest.raises(UnknownArch) as ei:
        _arch(gzip.compress(_cpio({name: HOST_ELF})))
    assert ei.value.cpio


@pytest.mark.parametrize("data", [b"", b"hello world\n" * 100, gzip.compress(b"text\n" * 100),
                                  b"MZ" + bytes(100), b"\x7fELF" + bytes(10), gzip.compress(b"")[:-4],
                                  b"070701" + b"Z" * 200],
                         ids=["empty", "text", "gzip-text", "mz-no-pe", "short-elf", "cut-gzip", "bad-cpio"])
def test_no_architecture(data: bytes) -> None:
    with pytest.raises(UnknownArch):
        _arch(data)


def test_a_bomb_is_looked_at_only_so_far(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small compressed file that inflates without end stops at the bound."""
    import guestfs_daemon.lib.filearch as fa

    monkeypatch.setattr(fa, "MAX_INFLATED", 1 << 20)
    bomb = gzip.compress(bytes(64 << 20))
    with pytest.raises(UnknownArch):
        _arch(bomb, block=1 << 16)


@pytest.mark.parametrize(("machine", "order", "want"), [(2, ">", "sparc"), (18, ">", "sparc"),
                                                        (43, ">", "sparc64")])
def test_sparc(machine: int, order: str, want: str) -> None:
    ident = b"\x7fELF" + bytes([1 if machine != 43 else 2, 2, 1]) + bytes(9)
    head = ident + struct.pack(order + "HH", 2, machine)
    assert _arch(head + bytes(100)) == want
