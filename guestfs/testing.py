"""pytest plugin with the project's markers and shared fixtures.

Loaded by our ``tests/conftest.py`` and, through the ``pytest11`` entry
point, by third-party backend packages, so their tests get the same
launched handle and skips.  Launching takes seconds under TCG, so one
handle is launched per session and reset between tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
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
    "reliability": "a long fault, leak or fuzz run: make reliability runs it, make check leaves it out",
    "conformance": "a long comparison with stock over many guests: make conformance runs it, "
                   "make check leaves it out",
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


# -------------------------------------------------------------------------
# the per-backend matrix
# -------------------------------------------------------------------------

#: Matrix entries beyond the registered backend names: (entry, backend, hv wrapper?).
WRAPPER_ENTRY = "direct+hv-wrapper"
#: Registered names that are aliases of another entry, not backends of their own.
ALIASES = {"appliance"}


def matrix_entries() -> list[str]:
    """Every backend entry the matrix runs: registered backends (third-party
    ones included) plus the qemu-wrapper variant of ``direct``.

    ``LIBGUESTFS_BACKEND`` narrows the matrix to one entry.
    """
    from .plugins import get_backends
    names = [n for n in get_backends().names() if n not in ALIASES]
    entries = names + [WRAPPER_ENTRY]
    only = os.environ.get("LIBGUESTFS_BACKEND")
    if only:
        entries = [e for e in entries if e == only or e.split(":")[0] == only.split(":")[0]]
    return entries


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", matrix_entries(), indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Any]:
    """A function that configures a fresh handle for this matrix entry.

    Entries that cannot run here are skipped with the reason (failed in CI).
    """
    entry: str = request.param
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    hv = None
    spec = entry
    if entry == WRAPPER_ENTRY:
        hv = tmp_path / "qemu-wrapper.sh"
        hv.write_text('#!/bin/sh\n# A wrapper as users write them: it must exec qemu.\n'
                      'exec qemu-system-x86_64 "$@"\n')
        hv.chmod(0o755)
        spec = "direct"
    elif entry == "libvirt":
        try:
            import libvirt
            conn = libvirt.open("qemu:///system")
            conn.close()
        except Exception as e:  # libvirt missing or its daemon not running
            skip_or_fail(f"libvirt backend: cannot reach qemu:///system: {e}")
        spec = "libvirt:qemu:///system"
    vms: list[DaemonVM] = []

    def configure(g: Any, drives: list[tuple[str, bool]]) -> None:
        """Point ``g`` at this entry's backend with ``drives`` (path, readonly)."""
        if entry == "unix":
            vm = DaemonVM(drives, str(tmp_path))
            vms.append(vm)
            g.set_backend(f"unix:{vm.sockpath}")
            return
        g.set_backend(spec)
        if hv is not None:
            g.set_hv(str(hv))
        for path, ro in drives:
            g.add_drive_opts(path, format="raw", readonly=ro)
    configure.entry = entry  # type: ignore[attr-defined]
    yield configure
    for vm in vms:
        vm.stop()


class DaemonVM:
    """An appliance VM started outside any handle, its channel a listening
    socket: what the ``unix:PATH`` backend joins."""

    def __init__(self, drives: list[tuple[str, bool]], workdir: str) -> None:
        import guestfs

        from .appliance import find_appliance
        from .backends.context import LaunchContext
        from .backends.qemu import QemuBackend, make_overlay
        from .drives import Drive

        self.rundir = tempfile.mkdtemp(prefix="guestfs-unixvm-", dir=workdir)
        g = guestfs.GuestFS()
        try:
            appliance = find_appliance(g)
            qb = QemuBackend(LaunchContext.for_handle(g, self.rundir, appliance))
            qb.accel = qb.choose_accel()
            qb.sockpath = os.path.join(self.rundir, "guestfsd.sock")  # _pre_launch is not run
            objs = [Drive(p, ro, "raw") for p, ro in drives]
            qb.overlays = {i: make_overlay(d, self.rundir, i) for i, d in enumerate(objs) if d.readonly}
            argv = qb.command_line(appliance, objs)
        finally:
            g.close()
        self.sockpath = qb.sockpath
        # Same VM, but qemu listens on the channel and the library connects.
        argv = [a.replace(f"path={self.sockpath},", f"path={self.sockpath},server=on,wait=off,")
                for a in argv]
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while not os.path.exists(self.sockpath):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the daemon VM did not start listening")
            time.sleep(0.05)

    def stop(self) -> None:
        """Kill the VM and remove its files."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.rundir, ignore_errors=True)


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
