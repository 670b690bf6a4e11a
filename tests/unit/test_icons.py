"""inspect_get_icon's checks without a VM: the PNG header parser, the size
rules, and the candidate walk over a fake handle whose files are a dict
(limits as measured on stock libguestfs 1.48, see
tests/integration/test_inspect_icon.py)."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest

from guestfs.errors import GuestFSError
from guestfs.library import icons


def png(width: int, height: int, pad: int = 0) -> bytes:
    """A valid RGBA PNG of this size, ``pad`` bytes longer through a private chunk."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + b"\x80" * (4 * width) for _ in range(height))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
    if pad:
        out += chunk(b"zzPd", b"\0" * pad)
    return out + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_png_dimensions() -> None:
    assert icons.png_dimensions(png(48, 32)) == (48, 32)
    assert icons.png_dimensions(png(48, 32)[:24]) == (48, 32)
    assert icons.png_dimensions(png(48, 32)[:23]) is None
    assert icons.png_dimensions(b"") is None
    assert icons.png_dimensions(b"GIF89a" + bytes(30)) is None
    # A PNG whose first chunk is not IHDR (Apple's CgBI) is not taken.
    cgbi = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x04CgBI" + bytes(16)
    assert icons.png_dimensions(cgbi) is None
    # Sizes beyond 2**31 read as negative, as `file` prints them.
    huge = icons.PNG_START + struct.pack(">II", 0x80000000, 48)
    assert icons.png_dimensions(huge) == (-0x80000000, 48)


@pytest.mark.parametrize(("w", "h", "ok"), [
    (16, 16, True), (1024, 1024, True), (16, 1024, True), (15, 48, False), (48, 15, False),
    (1025, 16, False), (16, 1025, False), (-1, 48, False), (0, 0, False)])
def test_acceptable_size(w: int, h: int, ok: bool) -> None:
    assert icons.acceptable_size(w, h) is ok


def test_size_limit() -> None:
    assert icons.size_limit(2048, 96, 96) == 2048
    assert icons.size_limit(None, 48, 48) == 9216
    assert icons.size_limit(None, 96, 96) == 36864


class FakeGuest:
    """The calls inspect_get_icon makes, over a dict of files and symlinks."""

    def __init__(self, distro: str, files: dict[str, bytes], links: dict[str, str] | None = None,
                 major: int = 8, ostype: str = "linux") -> None:
        self.distro, self.files, self.links = distro, files, links or {}
        self.major, self.ostype = major, ostype
        self.read: list[str] = []

    def inspect_get_type(self, root: str) -> str:
        if root != "/dev/sda1":
            raise GuestFSError(f"inspect_get_type: {root}: root device not found")
        return self.ostype

    def inspect_get_distro(self, root: str) -> str:
        return self.distro

    def inspect_get_major_version(self, root: str) -> int:
        return self.major

    def realpath(self, path: str) -> str:
        seen = 0
        while path in self.links:
            path, seen = self.links[path], seen + 1
            if seen > 40:
                raise GuestFSError(f"realpath: {path}: Too many levels of symbolic links")
        return path

    def is_file(self, path: str, followsymlinks: bool = False) -> int:
        try:
            return int(self.realpath(path) in self.files)
        except GuestFSError:
            return 0

    def pread(self, path: str, count: int, offset: int) -> bytes:
        return self.files[path][offset:offset + count]

    def filesize(self, path: str) -> int:
        return len(self.files[path])

    def read_file(self, path: str) -> bytes:
        self.read.append(path)
        return self.files[path]


DEBIAN_LOGO = "/usr/share/pixmaps/debian-logo.png"
FEDORA_LOGO = "/usr/share/icons/hicolor/96x96/apps/fedora-logo-icon.png"


def icon(g: FakeGuest, **kw: Any) -> bytes:
    return icons.inspect_get_icon(g, "/dev/sda1", **kw)  # type: ignore[arg-type]


def test_favicon_first_unless_disabled_or_high_quality() -> None:
    fav, logo = png(32, 32), png(48, 48)
    g = FakeGuest("debian", {icons.FAVICON: fav, DEBIAN_LOGO: logo})
    assert icon(g) == fav
    assert icon(g, favicon=False) == logo
    assert icon(g, highquality=True) == logo


def test_limits_per_candidate() -> None:
    at_limit = png(48, 48)
    at_limit = png(48, 48, pad=2048 - len(at_limit) - 12)
    assert len(at_limit) == 2048
    assert icon(FakeGuest("debian", {DEBIAN_LOGO: at_limit})) == at_limit
    over = png(48, 48, pad=2048 - len(png(48, 48)) - 11)
    g = FakeGuest("debian", {DEBIAN_LOGO: over})
    assert icon(g) == b"" and g.read == []  # refused before reading it
    # Fedora's limit is 4 bytes a pixel.
    big = png(48, 48, pad=9216 - len(png(48, 48)) - 12)
    assert icon(FakeGuest("fedora", {FEDORA_LOGO: big})) == big
    assert icon(FakeGuest("fedora", {FEDORA_LOGO: big + b"x"})) == b""
    assert icon(FakeGuest("fedora", {FEDORA_LOGO: png(15, 48)})) == b""
    assert icon(FakeGuest("fedora", {FEDORA_LOGO: b"not a png at all, just text"})) == b""


def test_distro_rules() -> None:
    ubuntu = FakeGuest("ubuntu", {"/usr/share/help/C/ubuntu-help/figures/ubuntu-logo.png": png(24, 24)})
    assert icon(ubuntu) == png(24, 24)
    assert icon(ubuntu, highquality=True) == b""
    rhel6 = FakeGuest("rhel", {"/usr/share/pixmaps/redhat/shadowman-transparent.png": png(48, 48)}, major=6)
    assert icon(rhel6) == png(48, 48)
    rhel6.major = 7
    assert icon(rhel6) == b""
    assert icon(FakeGuest("archlinux", {DEBIAN_LOGO: png(48, 48)})) == b""
    assert icon(FakeGuest("windows", {icons.FAVICON: png(48, 48)}, ostype="windows")) == png(48, 48)
    assert icon(FakeGuest("windows", {}, ostype="windows")) == b""


def test_symlinks_resolved_in_the_guest() -> None:
    logo = png(48, 48)
    g = FakeGuest("debian", {"/usr/share/real.png": logo}, {DEBIAN_LOGO: "/usr/share/real.png"})
    assert icon(g) == logo and g.read == ["/usr/share/real.png"]
    loop = FakeGuest("debian", {}, {DEBIAN_LOGO: "/a", "/a": DEBIAN_LOGO})
    assert icon(loop) == b""


def test_bad_root_is_an_error() -> None:
    g = FakeGuest("debian", {})
    with pytest.raises(GuestFSError, match="root device not found"):
        icons.inspect_get_icon(g, "/dev/sdb")  # type: ignore[arg-type]
