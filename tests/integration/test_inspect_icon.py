"""inspect_get_icon on phony guests made here, compared with stock libguestfs 1.48.

One GPT disk, built once with our library: each partition is a phony root
of one distribution (an os-release or release file, ``/usr/bin/ls``, an
fstab by LABEL) with PNG files at the paths stock looks at, some of them
wrong on purpose: too large for their path's limit, too small or too
large in pixels, not a PNG, a symlink climbing out of the guest's root, a
broken link.  The script mounts each root and asks for its icon with
favicon on and off and highquality on and off; ``test_agrees_with_stock``
runs the same script through stock on the same disk.  (Stock's limits and
paths were measured the same way, on such images with stock's trace.)
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail
from tests.helpers import err, require_stock
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

MIB = 1 << 20
PART_SECTORS = 4 * MIB // 512


def png(width: int, height: int, size: int = 0) -> bytes:
    """A valid RGBA PNG, grown to exactly ``size`` bytes by a private chunk if given."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    head = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
    tail = chunk(b"IDAT", zlib.compress(b"".join(b"\0" + b"\x80" * 4 * width for _ in range(height))))
    tail += chunk(b"IEND", b"")
    if size:
        pad = size - len(head) - len(tail) - 12
        assert pad >= 0
        head += chunk(b"zzPd", b"\0" * pad)
    return head + tail


def osr(ident: str, version: str = "") -> bytes:
    return f'ID={ident}\nNAME="{ident}"\n'.encode() + (f"VERSION_ID={version}\n".encode() if version else b"")


FAV = "/etc/favicon.png"
HICOLOR = "/usr/share/icons/hicolor"
#: Label → (files, symlinks (path → target)) of each phony root.
GUESTS: dict[str, tuple[dict[str, bytes], dict[str, str]]] = {
    # favicon and logo both there: which one depends on the options.
    "fedora": ({"/etc/os-release": osr("fedora", "35"), FAV: png(32, 32),
                f"{HICOLOR}/96x96/apps/fedora-logo-icon.png": png(96, 96)}, {}),
    # a 4-bytes-a-pixel limit: at it for the favicon, one byte over for the logo.
    "fedora-big": ({"/etc/os-release": osr("fedora", "36"), FAV: png(48, 48, 9216),
                    f"{HICOLOR}/96x96/apps/fedora-logo-icon.png": png(48, 48, 9217)}, {}),
    "debian-edge": ({"/etc/os-release": osr("debian", "11"), "/etc/debian_version": b"11.7\n",
                     "/usr/share/pixmaps/debian-logo.png": png(48, 48, 2048)}, {}),
    "debian-big": ({"/etc/os-release": osr("debian", "10"), "/etc/debian_version": b"10.13\n",
                    FAV: png(48, 48, 9217),
                    "/usr/share/pixmaps/debian-logo.png": png(48, 48, 2049)}, {}),
    # only the second of Ubuntu's paths; none under highquality.
    "ubuntu": ({"/etc/os-release": osr("ubuntu", "22.04"),
                "/usr/share/help/C/ubuntu-help/figures/ubuntu-logo.png": png(24, 24)}, {}),
    "rhel6": ({"/etc/redhat-release": b"Red Hat Enterprise Linux Server release 6.5 (Santiago)\n",
               "/usr/share/pixmaps/redhat/shadowman-transparent.png": png(64, 64, 102400),
               f"{HICOLOR}/96x96/apps/system-logo-icon.png": png(48, 48)}, {}),
    # the logo a relative link climbing far above /: resolved inside the guest.
    "centos8": ({"/etc/os-release": osr("centos", "8"), "/logo/real.png": png(48, 48)},
                {f"{HICOLOR}/96x96/apps/system-logo-icon.png": "../../../../../../../../../../logo/real.png",
                 FAV: "/dev/zero"}),
    # the first SUSE path is not a PNG, the second is.
    "opensuse": ({"/etc/os-release": osr("opensuse-leap", "15.4"),
                  f"{HICOLOR}/48x48/apps/distributor.png": b"GIF89a not a png at all",
                  f"{HICOLOR}/24x24/apps/distributor.png": png(24, 24, 10240)}, {}),
    "mageia": ({"/etc/os-release": osr("mageia", "8"), "/usr/share/icons/mageia.png": png(15, 48)}, {}),
    "void": ({"/etc/os-release": osr("void"), "/usr/share/void-artwork/void-logo.png": png(1025, 16)},
             {FAV: "/nowhere/favicon.png"}),
    "alt": ({"/etc/os-release": osr("altlinux", "10.1"),
             f"{HICOLOR}/48x48/apps/altlinux.png": png(1024, 16, 20480)}, {}),
    "gentoo": ({"/etc/os-release": osr("gentoo", "2.8"),
                "/usr/share/icons/gentoo/48x48/gentoo.png": png(48, 48, 10241)}, {}),
    "mandriva": ({"/etc/os-release": osr("openmandriva", "4.3"),
                  "/usr/share/icons/mandriva.png": png(16, 1024)}, {}),
    "arch": ({"/etc/os-release": osr("arch"), FAV: png(16, 16),
              "/usr/share/pixmaps/debian-logo.png": png(48, 48)}, {}),
}
LABELS = list(GUESTS)
#: CirrOS's logo is ASCII art that stock converts with host programs
#: (netpbm); we never run host programs on guest data, so we answer empty.
CIRROS = {"/etc/cirros/version": b"0.5.2\n", "/usr/share/cirros/logo": b"  ____\n / __/\n/ /__\n\\___/\n"}
OPTIONS: list[dict[str, bool]] = [{}, {"favicon": False}, {"highquality": True},
                                  {"favicon": False, "highquality": True}]


def root_of(label: str) -> str:
    return f"/dev/sda{LABELS.index(label) + 1}" if label != "cirros" else f"/dev/sda{len(LABELS) + 1}"


def build(g: Any) -> None:
    """The phony roots, one partition each, on /dev/sda of ``g``."""
    g.part_init("/dev/sda", "gpt")
    for i, label in enumerate([*LABELS, "cirros"]):
        files, links = GUESTS[label] if label != "cirros" else (CIRROS, {})
        start = 2048 + i * PART_SECTORS
        g.part_add("/dev/sda", "p", start, start + PART_SECTORS - 1)
        dev = f"/dev/sda{i + 1}"
        g.mkfs("ext2", dev, label=label)
        g.mount(dev, "/")
        g.mkdir_p("/usr/bin")
        g.ln_s("usr/bin", "/bin")
        g.upload("/usr/bin/ls", "/usr/bin/ls")
        g.mkdir_p("/etc")
        g.write("/etc/fstab", f"LABEL={label} / ext2 defaults 0 1\n".encode())
        for path, data in files.items():
            g.mkdir_p(path.rsplit("/", 1)[0])
            g.write(path, data)
        for path, target in links.items():
            g.mkdir_p(path.rsplit("/", 1)[0])
            g.ln_s(target, path)
        g.umount_all()


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    """Our handle on the phony disk (built on it), and the image file."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    path = str(tmp_path_factory.mktemp("icons") / "disk.img")
    g = guestfs.GuestFS(python_return_dict=True)
    try:
        g.disk_create(path, "raw", (len(LABELS) + 1) * 4 * MIB + 2 * MIB)
        g.add_drive_opts(path, format="raw")
        g.launch()
        build(g)
        g.sync()
        yield g, path
    finally:
        g.close()


def _script() -> list[Step]:
    """inspect_os, then every root's icon with each option set, mounted;
    the errors of an unknown root and of a root with nothing mounted."""
    s: list[Step] = [("inspect_os", [], {}), ("inspect_get_icon", ["/dev/sda1"], {})]
    for label in [*LABELS, "cirros"]:
        root = root_of(label)
        s += [("inspect_get_distro", [root], {}), ("mount_ro", [root, "/"], {})]
        s += [("inspect_get_icon", [root], opts) for opts in OPTIONS]
        s += [("umount_all", [], {})]
    s += [("inspect_get_icon", ["/dev/sda"], {})]
    return s


@pytest.fixture(scope="module")
def ours(images: tuple[Any, str]) -> list[dict[str, Any]]:
    return run_script_on(images[0], _script())


def icon(results: list[dict[str, Any]], label: str, opts: dict[str, bool]) -> Any:
    """Our answer for a root with these options (bytes, or the error message)."""
    for (m, a, kw), r in zip(_script(), results):
        if m == "inspect_get_icon" and a == [root_of(label)] and kw == opts and "ok" in r:
            return r["ok"]
    raise AssertionError(f"no icon step for {label} {opts}")


def test_roots(ours: list[dict[str, Any]]) -> None:
    assert sorted(ours[0]["ok"]) == sorted(root_of(x) for x in [*LABELS, "cirros"])


def test_favicon_and_high_quality(ours: list[dict[str, Any]]) -> None:
    fedora = GUESTS["fedora"][0]
    assert icon(ours, "fedora", {}) == fedora[FAV]
    logo = fedora[f"{HICOLOR}/96x96/apps/fedora-logo-icon.png"]
    for opts in OPTIONS[1:]:
        assert icon(ours, "fedora", opts) == logo
    assert icon(ours, "arch", {}) == png(16, 16)
    assert icon(ours, "arch", {"highquality": True}) == b""
    assert icon(ours, "arch", {"favicon": False}) == b""
    assert icon(ours, "ubuntu", {}) == png(24, 24)
    assert icon(ours, "ubuntu", {"highquality": True}) == b""


def test_limits(ours: list[dict[str, Any]]) -> None:
    assert icon(ours, "fedora-big", {}) == png(48, 48, 9216)  # favicon at 4 bytes a pixel
    assert icon(ours, "fedora-big", {"favicon": False}) == b""  # one byte over
    assert icon(ours, "debian-edge", {}) == png(48, 48, 2048)
    assert icon(ours, "debian-big", {}) == b""
    assert icon(ours, "rhel6", {}) == png(64, 64, 102400)
    assert icon(ours, "alt", {}) == png(1024, 16, 20480)
    assert icon(ours, "gentoo", {}) == b""
    assert icon(ours, "mageia", {}) == b""  # 15 pixels wide
    assert icon(ours, "void", {}) == b""  # 1025 pixels wide
    assert icon(ours, "mandriva", {}) == png(16, 1024)


def test_links_and_formats(ours: list[dict[str, Any]]) -> None:
    assert icon(ours, "centos8", {}) == png(48, 48)
    assert icon(ours, "opensuse", {}) == png(24, 24, 10240)
    assert icon(ours, "cirros", {}) == b""


def test_errors(images: tuple[Any, str], ours: list[dict[str, Any]]) -> None:
    assert err(images[0].inspect_get_icon, "/dev/sda") == (
        "inspect_get_type: /dev/sda: root device not found: only call this function with a "
        "root device previously returned by guestfs_inspect_os")
    # Nothing mounted: the first file test fails.
    assert ours[1] == {"error": "RuntimeError", "message":
                       "is_file: is_file_stub: you must call 'mount' first to mount the root filesystem"}


@pytest.mark.stock
@pytest.mark.slow
@pytest.mark.conformance  # ~3.5 min under TCG (stock over 15 guests): make conformance, not CI
def test_agrees_with_stock(images: tuple[Any, str], ours: list[dict[str, Any]]) -> None:
    require_stock()
    script = _script()
    setup: list[Step] = [("add_drive_opts", [images[1]], {"format": "raw", "readonly": True}),
                         ("launch", [], {})]
    stock = run_script_on_stock(setup, script, timeout=600)
    cirros = [i for i, (m, a, _) in enumerate(script) if m == "inspect_get_icon" and a == [root_of("cirros")]]
    for i in cirros:  # stock renders CirrOS's ASCII logo with host programs: a PNG
        assert stock[i]["ok"][:8] == b"\x89PNG\r\n\x1a\n"
        stock[i] = {"ok": b""}
    assert_same_outcomes(script, ours, stock)
