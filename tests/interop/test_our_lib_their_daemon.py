"""Our library driving the stock libguestfs 1.48 daemon (its fixed appliance).

One handle is launched for the module on the stock fixed appliance (see
``conftest.py``), and the steps of ``interop_scenario.py`` run in order, one
test each: partitions, mkfs optargs, files, struct and struct-list returns,
hashtables, buffers, errors with their errno names (``GuestFSError.errno``),
readdir (procedure 138 in 1.48), tar, LVM, a 50 MiB upload/download with
progress and a cancelled upload.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import interop_scenario as scenario
import pytest

import guestfs

pytestmark = [pytest.mark.appliance, pytest.mark.stock]


@pytest.fixture(scope="module")
def g(stock_fixed: str) -> Iterator[Any]:
    """Our handle, launched on the stock appliance with two scratch disks."""
    h = guestfs.GuestFS(python_return_dict=True)
    h.set_backend("direct")
    h.set_backend_settings(["force_tcg"])
    h.set_path(stock_fixed)
    for size in scenario.DISK_SIZES:
        h.add_drive_scratch(size)
    h.launch()
    yield h
    h.close()


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """State the steps share: a host work directory and the event constant."""
    return {"work": str(tmp_path_factory.mktemp("our-lib")), "EVENT_PROGRESS": guestfs.EVENT_PROGRESS}


@pytest.mark.parametrize("name", [n for n, _ in scenario.STEPS])
def test_scenario(g: Any, ctx: dict[str, Any], name: str) -> None:
    dict(scenario.STEPS)[name](g, ctx)


def test_error_is_guestfs_error_with_errno(g: Any) -> None:
    with pytest.raises(guestfs.GuestFSError) as ei:
        g.rmdir("/no/such/dir")
    assert ei.value.errno == "ENOENT"
    assert str(ei.value).endswith("No such file or directory")


def test_shutdown_ends_the_appliance(g: Any) -> None:
    pid = g.get_pid()
    g.shutdown()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # qemu is gone and reaped, not a zombie
    with pytest.raises(RuntimeError):
        g.list_devices()


def test_shutdown_syncs_and_ends(stock_fixed: str, tmp_path: Path) -> None:
    """shutdown() with autosync unmounts and syncs before qemu ends: the guest's
    write is in the image and the file system was cleanly unmounted."""
    disk = tmp_path / "sync.img"
    with open(disk, "wb") as f:
        f.truncate(64 * scenario.MIB)
    h = guestfs.GuestFS(python_return_dict=True)
    try:
        h.set_backend("direct")
        h.set_backend_settings(["force_tcg"])
        h.set_path(stock_fixed)
        h.add_drive(str(disk), format="raw")
        h.launch()
        h.mkfs("ext4", "/dev/sda")
        h.mount("/dev/sda", "/")
        h.write("/synced", b"written before shutdown")
        pid = h.get_pid()
        h.shutdown()  # no umount, no sync: autosync has to do both
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    finally:
        h.close()
    header = subprocess.run(["dumpe2fs", "-h", str(disk)], capture_output=True, text=True, check=True).stdout
    features = next(line for line in header.splitlines() if line.startswith("Filesystem features:"))
    assert "needs_recovery" not in features, "the file system was not unmounted before qemu ended"
    assert re.search(r"^Filesystem state:\s+clean$", header, re.M), header
    content = subprocess.run(["debugfs", "-R", "cat /synced", str(disk)],
                             capture_output=True, check=True).stdout
    assert content == b"written before shutdown"
