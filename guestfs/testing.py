"""pytest plugin with the project's markers and shared fixtures.

Loaded by our ``tests/conftest.py`` and, through the ``pytest11`` entry
point, by third-party backend packages, so their tests get the same
launched handle and skips.  Launching takes seconds under TCG, so one
handle is launched per session and reset between tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

#: Sizes of the two scratch disks every shared handle has.
DISK_SIZES = (512 * 1024 * 1024, 256 * 1024 * 1024)
MARKERS = {
    "appliance": "needs a launched appliance (qemu and a built appliance)",
    "kvm": "needs working KVM",
    "slow": "takes more than a few seconds",
    "backends(*names)": "runs only for the named backends",
    "stock": "needs the stock libguestfs 1.48 packages (interop tests)",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regenerate-output", action="store_true", default=False,
                     help="rewrite golden files instead of comparing with them")


def pytest_configure(config: pytest.Config) -> None:
    for name, doc in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {doc}")


def appliance_missing() -> str | None:
    """Why no appliance can be launched here, or None if one can."""
    if shutil.which("qemu-system-x86_64") is None:
        return "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
    if shutil.which("supermin") is None:
        return "supermin is not installed (apt-get install supermin)"
    from .appliance import DEFAULT_PATH
    path = os.environ.get("LIBGUESTFS_PATH")
    if not path and not os.path.isdir(os.path.join(DEFAULT_PATH, "supermin.d")):
        return f"the appliance is not built ({DEFAULT_PATH}/supermin.d missing: run 'make appliance')"
    return None


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason``, or fail where skips are not allowed (CI sets
    ``GUESTFS_TESTS_NO_SKIP=1``)."""
    if os.environ.get("GUESTFS_TESTS_NO_SKIP") == "1":
        pytest.fail(f"required test resource missing: {reason}")
    pytest.skip(reason)


def reset_disks(g: Any) -> None:
    """Put the shared handle back to blank disks: nothing mounted, no LVM,
    no partition tables (both GPT copies wiped)."""
    g.umount_all()
    g.lvm_remove_all()
    for dev in g.list_devices():
        size = g.blockdev_getsize64(dev)
        g.pwrite_device(dev, b"\0" * (1 << 20), 0)
        g.pwrite_device(dev, b"\0" * (1 << 20), size - (1 << 20))
        g.blockdev_rereadpt(dev)


@pytest.fixture(scope="session")
def launched() -> Iterator[Any]:
    """One launched handle for the whole session, with two blank scratch disks
    (/dev/sda 512 MiB, /dev/sdb 256 MiB)."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    import guestfs
    g = guestfs.GuestFS(python_return_dict=True)
    for size in DISK_SIZES:
        g.add_drive_scratch(size)
    g.launch()
    yield g
    g.close()


@pytest.fixture
def g(launched: Any) -> Any:
    """The shared handle with blank disks and nothing mounted."""
    reset_disks(launched)
    return launched


@pytest.fixture
def gfs(g: Any) -> Any:
    """The shared handle with /dev/sda1 (ext4) mounted on /."""
    g.part_disk("/dev/sda", "mbr")
    g.mkfs("ext4", "/dev/sda1")
    g.mount("/dev/sda1", "/")
    return g
