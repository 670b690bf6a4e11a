"""disk_create, disk_format, disk_virtual_size, disk_has_backing_file: run
on the host with qemu-img, no appliance."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

import guestfs
from guestfs.testing import skip_or_fail


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
    with pytest.raises(RuntimeError, match="unsupported format 'vmdk'"):
        g.disk_create(target, "vmdk", 1024)
    with pytest.raises(RuntimeError, match="invalid size"):
        g.disk_create(target, "raw", -1)
    with pytest.raises(RuntimeError, match="cannot be used with raw"):
        g.disk_create(target, "raw", 1024, backingfile="/etc/hostname")
    with pytest.raises(RuntimeError, match="preallocation"):
        g.disk_create(target, "raw", 1024, preallocation="metadata")
    with pytest.raises(RuntimeError, match="No such file or directory"):
        g.disk_format(str(tmp_path / "missing.img"))
    with pytest.raises(RuntimeError, match="No such file or directory"):
        g.disk_create(str(tmp_path / "no" / "dir.img"), "raw", 1024)
