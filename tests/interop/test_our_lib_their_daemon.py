"""Our library driving the stock libguestfs 1.48 daemon (its fixed appliance).

One handle is launched for the module on the stock fixed appliance (see
``conftest.py``), and the steps of ``interop_scenario.py`` run in order, one
test each: partitions, mkfs optargs, files, struct and struct-list returns,
hashtables, buffers, errors with their errno names (``GuestFSError.errno``),
readdir (procedure 138 in 1.48), tar, LVM, a 50 MiB upload/download with
progress and a cancelled upload.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def test_shutdown_syncs_and_ends(g: Any) -> None:
    g.umount_all()
    g.shutdown()
