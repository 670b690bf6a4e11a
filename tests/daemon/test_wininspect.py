"""Windows inspection's pure logic (daemon/lib/wininspect.py), no VM:
MountedDevices values decoded and matched to partitions, CurrentVersion
strings, and system roots found without case in a directory tree.

The expected answers are stock libguestfs 1.48's (measured on phony
Windows disks holding the same values, see
tests/integration/test_inspect_windows.py).
"""

from __future__ import annotations

import struct
import uuid
from pathlib import Path

import pytest

from guestfs_daemon.lib.wininspect import (
    REG_BINARY,
    REG_SZ,
    DiskLayout,
    GptRef,
    MbrRef,
    drive_mappings,
    drive_reference,
    find_systemroot,
    lookup_nocase,
    match_drive,
    parse_version,
    partition_name,
    registry_guid,
)

GUID = "8E7F4A3C-1B2D-4E5F-9A8B-7C6D5E4F3A2B"
SIG = struct.pack("<I", 0x1234ABCD)


def mbr(sig: bytes, offset: int) -> bytes:
    return sig + struct.pack("<Q", offset)


def gpt(guid: str) -> bytes:
    return b"DMIO:ID:" + uuid.UUID(guid).bytes_le


DISKS = [
    DiskLayout("/dev/sda", "msdos", SIG, [(1, 1048576, ""), (2, 22020096, ""), (5, 50331648, "")]),
    DiskLayout("/dev/sdb", "gpt", b"", [(1, 1048576, "11111111-2222-3333-4444-555555555555"),
                                        (2, 2097152, GUID)]),
    DiskLayout("/dev/sdc", "msdos", struct.pack("<I", 7), [(1, 1048576, "")]),
]


def test_registry_guid_is_the_mixed_endian_guid_upper_case() -> None:
    assert registry_guid(gpt(GUID.lower())) == GUID
    raw = b"DMIO:ID:" + bytes(range(16))
    assert registry_guid(raw) == "03020100-0504-0706-0809-0A0B0C0D0E0F"


@pytest.mark.parametrize(("key", "typ", "blob", "want"), [
    ("\\DosDevices\\C:", REG_BINARY, mbr(SIG, 1048576), ("C", MbrRef(SIG, 1048576))),
    ("\\dosdevices\\d:", REG_BINARY, mbr(SIG, 512), ("d", MbrRef(SIG, 512))),
    ("\\DOSDEVICES\\E:", REG_BINARY, gpt(GUID), ("E", GptRef(GUID))),
    ("\\DosDevices\\E:", REG_BINARY, gpt(GUID) + b"trailing", ("E", GptRef(GUID))),
    # Not a drive letter, not binary, neither form, too short:
    ("\\??\\Volume{1b2c3d4e-0000-0000-0000-100000000000}", REG_BINARY, mbr(SIG, 512), None),
    ("\\DosDevices\\1:", REG_BINARY, mbr(SIG, 512), None),
    ("\\DosDevices\\Ä:", REG_BINARY, mbr(SIG, 512), None),
    ("\\DosDevices\\C", REG_BINARY, mbr(SIG, 512), None),
    ("\\DosDevices\\C:", REG_SZ, mbr(SIG, 512), None),
    ("\\DosDevices\\G:", REG_BINARY, "\\??\\SCSI#CdRom&Ven_QEMU".encode("utf-16-le"), None),
    ("\\DosDevices\\C:", REG_BINARY, mbr(SIG, 512)[:11], None),
    ("\\DosDevices\\C:", REG_BINARY, b"DMIO:ID:" + bytes(15), None),
    ("\\DosDevices\\C:", REG_BINARY, b"", None),
])
def test_drive_reference(key: str, typ: int, blob: bytes, want: object) -> None:
    assert drive_reference(key, typ, blob) == want


def test_match_drive_by_signature_and_offset_or_by_guid() -> None:
    assert match_drive(MbrRef(SIG, 1048576), DISKS) == "/dev/sda1"
    assert match_drive(MbrRef(SIG, 50331648), DISKS) == "/dev/sda5"  # a logical partition
    assert match_drive(MbrRef(SIG, 4096), DISKS) is None  # no partition starts there
    assert match_drive(MbrRef(b"\0\0\0\0", 1048576), DISKS) is None
    assert match_drive(MbrRef(struct.pack("<I", 7), 1048576), DISKS) == "/dev/sdc1"
    assert match_drive(GptRef(GUID.lower()), DISKS) == "/dev/sdb2"
    assert match_drive(GptRef("00000000-0000-0000-0000-000000000000"), DISKS) is None
    # GUIDs are looked for on GPT disks only, signatures on MBR disks only.
    assert match_drive(GptRef(GUID), [DiskLayout("/dev/sda", "msdos", SIG, [(1, 0, GUID)])]) is None
    assert match_drive(MbrRef(b"", 2097152), DISKS) is None


def test_partition_names() -> None:
    assert partition_name("/dev/sda", 3) == "/dev/sda3"
    assert partition_name("/dev/nvme0n1", 2) == "/dev/nvme0n1p2"


def test_drive_mappings_keep_the_hive_order_and_skip_what_matches_nothing() -> None:
    values = [
        ("\\DosDevices\\D:", REG_BINARY, mbr(SIG, 50331648)),
        ("\\??\\Volume{x}", REG_BINARY, mbr(SIG, 1048576)),
        ("\\DosDevices\\C:", REG_BINARY, mbr(SIG, 1048576)),
        ("\\DosDevices\\F:", REG_BINARY, mbr(b"\x55" * 4, 1048576)),
        ("\\DosDevices\\e:", REG_BINARY, gpt(GUID)),
    ]
    assert drive_mappings(values, DISKS) == [("D", "/dev/sda5"), ("C", "/dev/sda1"), ("e", "/dev/sdb2")]
    assert drive_mappings(values, []) == []


@pytest.mark.parametrize(("text", "want"), [
    ("6.1", (6, 1)), ("5.2", (5, 2)), ("10", (10, 0)), ("v6.3 build", (6, 3)),
    ("bogus", None), ("", None), ("99999999999.1", None),
])
def test_parse_version(text: str, want: tuple[int, int] | None) -> None:
    assert parse_version(text) == want


def _tree(top: Path, *files: str, dirs: tuple[str, ...] = ()) -> None:
    for d in dirs:
        (top / d).mkdir(parents=True, exist_ok=True)
    for f in files:
        (top / f).parent.mkdir(parents=True, exist_ok=True)
        (top / f).write_bytes(b"MZ")


def test_systemroot_found_without_case(tmp_path: Path) -> None:
    _tree(tmp_path, "WINDOWS/SysTem32/CMD.EXE", dirs=("WINDOWS/SysTem32/Config",))
    assert find_systemroot(str(tmp_path)) == "/WINDOWS"
    assert lookup_nocase(str(tmp_path), "/windows/system32/config") == "/WINDOWS/SysTem32/Config"
    assert lookup_nocase(str(tmp_path), "/windows/system32/nope") is None
    assert lookup_nocase(str(tmp_path), "/windows/system32/cmd.exe/x") is None


def test_systemroot_order_and_requirements(tmp_path: Path) -> None:
    # /winnt lacks cmd.exe, /reactos has everything.
    _tree(tmp_path, "reactos/system32/cmd.exe", dirs=("winnt/system32/config", "reactos/system32/config"))
    assert find_systemroot(str(tmp_path)) == "/reactos"
    _tree(tmp_path, "winnt/system32/cmd.exe")
    assert find_systemroot(str(tmp_path)) == "/winnt"
    # config must be a directory and cmd.exe a file.
    other = tmp_path / "other"
    _tree(other, "Windows/System32/config", "Windows/System32/cmd.exe")
    assert find_systemroot(str(other)) is None


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere"
    _tree(real, "System32/cmd.exe", dirs=("System32/config",))
    top = tmp_path / "fs"
    top.mkdir()
    (top / "Windows").symlink_to(real)
    assert find_systemroot(str(top)) is None
    assert lookup_nocase(str(top), "/windows/system32") is None
