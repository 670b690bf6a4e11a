"""disk_create, disk_format, disk_virtual_size, disk_has_backing_file: run
on the host with qemu-img, no appliance."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

import guestfs
from guestfs.testing import skip_or_fail
from tests.helpers import require_stock, run_binding


@pytest.fixture
def g() -> Any:
    if shutil.which("qemu-img") is None:
        skip_or_fail("qemu-img is not installed (apt-get install qemu-utils)")
    h = guestfs.GuestFS(environment=False)
    yield h
    h.close()


def test_raw_and_qcow2_images(g: Any, tmp_path: Any) -> None:
    raw = str(tmp_path / "a.raw")
    g.disk_create(raw, "raw", 10 * 1024 * 1024)
    assert g.disk_format(raw) == "raw"
    assert g.disk_virtual_size(raw) == 10 * 1024 * 1024
    assert g.disk_has_backing_file(raw) == 0

    q = str(tmp_path / "b.qcow2")
    g.disk_create(q, "qcow2", 64 * 1024 * 1024, preallocation="metadata", compat="1.1")
    assert g.disk_format(q) == "qcow2"
    assert g.disk_virtual_size(q) == 64 * 1024 * 1024

    child = str(tmp_path / "c.qcow2")
    g.disk_create(child, "qcow2", -1, backingfile=q, backingformat="qcow2")
    assert g.disk_has_backing_file(child) == 1
    assert g.disk_virtual_size(child) == 64 * 1024 * 1024


def test_bad_arguments(g: Any, tmp_path: Any) -> None:
    target = str(tmp_path / "x.img")
    with pytest.raises(RuntimeError, match="^unsupported format ‘vmdk’$"):
        g.disk_create(target, "vmdk", 1024)
    with pytest.raises(RuntimeError, match="^invalid size: -1$"):
        g.disk_create(target, "raw", -1)
    with pytest.raises(RuntimeError, match="^backingfile cannot be used for raw format disks$"):
        g.disk_create(target, "raw", -1, backingfile="/etc/hostname")
    with pytest.raises(RuntimeError, match="^invalid value for preallocation parameter ‘metadata’$"):
        g.disk_create(target, "raw", 1024, preallocation="metadata")
    with pytest.raises(RuntimeError, match="No such file or directory"):
        g.disk_format(str(tmp_path / "missing.img"))
    with pytest.raises(RuntimeError, match="^cannot create raw file: .*/no/dir.img: No such file"):
        g.disk_create(str(tmp_path / "no" / "dir.img"), "raw", 1024)


def _create_calls(d: str) -> list[list[Any]]:
    """disk_create calls refused before anything is made, and a few that work."""
    img, m = f"{d}/dc.img", 1 << 20
    cases: list[tuple[str, str, int, dict[str, Any]]] = [
        (img, "foo", m, {}), (img, "raw", -2, {}), (img, "raw", 0, {}), (img, "foo", -2, {}),
        ("", "raw", m, {}), (f"{d}/no/dc.img", "raw", m, {}),
        (img, "raw", m, {"preallocation": "bogus"}), (img, "raw", m, {"preallocation": "metadata"}),
        (img, "qcow2", m, {"compat": "2.0"}), (img, "qcow2", m, {"backingformat": "a b"}),
        (img, "raw", m, {"compat": "1.1"}), (img, "qcow2", m, {"clustersize": 1000}),
        (img, "raw", -1, {}), (img, "raw", m, {"backingfile": "/tmp/x"}),
        (img, "raw", m, {"clustersize": 65536}), (img, "qcow2", m, {"clustersize": 256}),
        (img, "qcow2", m, {"clustersize": 4 << 20}), (img, "raw", -1, {"backingfile": "/tmp/x"}),
        (img, "qcow2", -1, {}), (img, "raw", m, {"compat": "1.1", "clustersize": 65536}),
        (img, "raw", m, {"preallocation": "bogus", "compat": "1.1"}),
        (img, "raw", -1, {"backingfile": "/tmp/x", "preallocation": "bogus"}),
        (img, "qcow2", m, {"compat": "9", "clustersize": 3}),
        (img, "qcow2", m, {"backingformat": "a b", "compat": "9"}),
        (img, "foo", m, {"backingformat": "a b"}), (img, "raw", -2, {"backingformat": "a b"}),
        (img, "raw", m, {"preallocation": "sparse"}), (img, "qcow2", m, {"preallocation": "full"}),
        (img, "qcow2", m, {"compat": "0.10", "clustersize": 65536}),
    ]
    return [["disk_create", [f, fmt, size], kw] for f, fmt, size, kw in cases]


def test_disk_create_refusals_match_stock(tmp_path: Any) -> None:
    require_stock()
    ours_dir, stock_dir = tmp_path / "ours", tmp_path / "stock"
    ours_dir.mkdir()
    stock_dir.mkdir()
    ours = run_binding({"cases": [{"calls": _create_calls(str(ours_dir))}]}, stock=False)
    stock = run_binding({"cases": [{"calls": _create_calls(str(stock_dir))}]}, stock=True)
    a = [str(r).replace(str(ours_dir), "D") for r in ours["cases"][0]["results"]]
    b = [str(r).replace(str(stock_dir), "D") for r in stock["cases"][0]["results"]]
    assert a == b
    assert sum("error" in r for r in a) >= 20  # mostly refusals
