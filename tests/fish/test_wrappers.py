"""virt-copy-in, virt-copy-out, virt-tar-in, virt-tar-out (guestfs/tools/wrappers.py).

Usage errors are compared byte for byte with stock's tools (no VM; the
program path stock and ours print is put in common form).  With a VM, one
small Linux guest image (made by our guestfish) is written by our tools and
read back by stock's, and the other way, so each side checks the other.
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from guestfs.testing import appliance_missing, skip_or_fail
from guestfs.tools.wrappers import WRAPPERS, usage

from .fishrun import OUR_GUESTFISH, STOCK_GUESTFISH, Run, require_ours, require_stock, run

OURS = os.path.dirname(OUR_GUESTFISH)
STOCK = os.path.dirname(STOCK_GUESTFISH)

GUEST = """\
mkdir-p /etc
mkdir-p /usr/bin
mkdir-p /bin
mkdir-p /root
mkdir-p /srv
write /etc/os-release "NAME=Debian\\nID=debian\\nVERSION_ID=12\\nPRETTY_NAME=\\"Debian 12\\"\\n"
write /etc/debian_version "12.5\\n"
write /etc/fstab "/dev/sda1 / ext4 defaults 0 1\\n"
write /etc/motd "welcome\\n"
"""


def _tool(folder: str, name: str, args: list[str], cwd: Path, data: bytes = b"") -> Run:
    r = run(os.path.join(folder, name), args, data, cwd=str(cwd))
    # Stock's shell scripts print "$0" (their path), ours sys.argv[0].
    return Run(r.status, r.out, r.err.replace(f"{folder}/".encode(), b""))


@pytest.mark.stock
@pytest.mark.parametrize("name", sorted(WRAPPERS))
@pytest.mark.parametrize("argv", [["--foo"], ["-a"], ["-a", "/nonexist", "x", "/"], ["-d"],
                                  ["--format=raw", "-a"]], ids=" ".join)
def test_usage_errors_as_stock(name: str, argv: list[str], tmp_path: Path) -> None:
    require_stock()
    require_ours()
    stock = _tool(STOCK, name, argv, tmp_path)
    ours = _tool(OURS, name, argv, tmp_path)
    assert (ours.status, ours.out, ours.err.decode()) == (stock.status, stock.out, stock.err.decode())
    assert ours.status == 1 and ours.err


@pytest.mark.parametrize("name", sorted(WRAPPERS))
def test_help_anywhere_shows_the_usage(name: str, tmp_path: Path) -> None:
    require_ours()
    r = _tool(OURS, name, ["-a", "/nonexist", "--help"], tmp_path)
    assert (r.status, r.err) == (0, b"")
    text = r.out.decode()
    assert text == usage(WRAPPERS[name])
    assert all(f"  {name} {s}" in text for s in WRAPPERS[name].synopsis)
    assert f"guestfish {WRAPPERS[name].access} -i {WRAPPERS[name].command}" in text


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    require_stock()
    require_ours()
    d = tmp_path_factory.mktemp("wrappers")
    r = run(OUR_GUESTFISH, ["-N", "g.img=fs:ext4:64M", "-m", "/dev/sda1"], GUEST, cwd=str(d))
    assert (r.status, r.err) == (0, b"")
    yield d / "g.img"
    shutil.rmtree(d, ignore_errors=True)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.appliance
@pytest.mark.stock
def test_copy_in_ours_copy_out_stock_and_back(image: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_bytes(b"hello\n")
    (src / "sub" / "b.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "top.txt").write_bytes(b"top\n")
    r = _tool(OURS, "virt-copy-in", ["-a", str(image), "in", "top.txt", "/root"], tmp_path)
    assert (r.status, r.out, r.err) == (0, b"", b"")
    out_stock, out_ours = tmp_path / "stock", tmp_path / "ours"
    out_stock.mkdir()
    out_ours.mkdir()
    r = _tool(STOCK, "virt-copy-out", ["-a", str(image), "/root/in", "/root/top.txt", "stock"], tmp_path)
    assert (r.status, r.err) == (0, b"")
    r = _tool(OURS, "virt-copy-out", ["-a", str(image), "/root/in", "/root/top.txt", "ours"], tmp_path)
    assert (r.status, r.err) == (0, b"")
    want = {"in/a.txt": b"hello\n", "in/sub/b.bin": bytes(range(256)) * 4, "top.txt": b"top\n"}
    assert _tree(out_stock) == want
    assert _tree(out_ours) == want


@pytest.mark.appliance
@pytest.mark.stock
@pytest.mark.conformance  # ~90 s under TCG: not in CI (the copy-in/out round trip is)
def test_tar_out_as_stock_and_tar_in(image: Path, tmp_path: Path) -> None:
    stock = _tool(STOCK, "virt-tar-out", ["-a", str(image), "/etc", "-"], tmp_path)
    ours = _tool(OURS, "virt-tar-out", ["-a", str(image), "/etc", "-"], tmp_path)
    assert (ours.status, ours.err) == (stock.status, stock.err) == (0, b"")

    def members(data: bytes) -> dict[str, bytes | None]:
        with tarfile.open(fileobj=io.BytesIO(data)) as t:
            return {m.name: (t.extractfile(m).read() if m.isfile() else None)  # type: ignore[union-attr]
                    for m in t.getmembers()}
    assert members(ours.out) == members(stock.out)
    assert members(ours.out)["./motd"] == b"welcome\n"

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for name, data in (("x.txt", b"from tar\n"), ("d/y.txt", b"nested\n")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    r = _tool(OURS, "virt-tar-in", ["-a", str(image), "-", "/srv"], tmp_path, buf.getvalue())
    assert (r.status, r.out, r.err) == (0, b"", b"")
    r = _tool(STOCK, "virt-copy-out", ["-a", str(image), "/srv", "."], tmp_path)
    assert (r.status, r.err) == (0, b"")
    assert _tree(tmp_path / "srv") == {"x.txt": b"from tar\n", "d/y.txt": b"nested\n"}
