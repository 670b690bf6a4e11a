"""Leaks (issue 11, item 4): handles leave nothing behind, on every built-in
backend that can run here (``direct``, ``unix:`` through a
:class:`~guestfs.testing.DaemonVM`, ``libvirt`` under ``qemu:///system``).

Handles run in sequence and in parallel, ending in turn with ``shutdown()``
then ``close()``, with ``close()`` alone, and dropped without ``close()``
(the garbage collector's turn); then a launch that fails, and an
interpreter that exits with a launched handle open.  After each batch:

- 0 processes: qemus whose command line names this test's private
  directory (the handles' tmpdir is set there with ``set_tmpdir`` and
  their sockdir with ``$XDG_RUNTIME_DIR`` — libguestfs has no
  ``set_sockdir`` —, so other engineers' VMs never count);
- 0 file descriptors: ``/proc/self/fd`` before and after;
- 0 directories or sockets: nothing left in the private tmpdir and sockdir;
- for libvirt, 0 domains whose definition names the private directory.

Counts come from ``GUESTFS_RELIABILITY_LEAK_SEQUENCE`` (default 3, one per
ending) and ``GUESTFS_RELIABILITY_LEAK_PARALLEL`` (default 2); ``make
reliability`` runs 50 and 4.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import guestfs
from guestfs.testing import DaemonVM, appliance_missing, skip_or_fail
from tests.helpers import libvirt_domains_naming, processes_naming
from tests.reliability.conftest import env_count, record

pytestmark = [pytest.mark.appliance, pytest.mark.slow]

SEQUENCE = env_count("GUESTFS_RELIABILITY_LEAK_SEQUENCE", 3)
PARALLEL = env_count("GUESTFS_RELIABILITY_LEAK_PARALLEL", 2)
#: How handles end, in turn.
ENDINGS = ("shutdown+close", "close", "dropped")
BACKENDS = ("direct", "unix", "libvirt")
LIBVIRT_URI = "qemu:///system"
REPO = str(Path(__file__).resolve().parents[2])


def open_fds() -> dict[int, str]:
    """This process's file descriptors and what each is."""
    fds = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            fds[int(fd)] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            pass  # the descriptor listdir itself used
    return fds


class LeakRig:
    """One backend's handles, all with their files in one private directory."""

    def __init__(self, backend: str, root: Path) -> None:
        self.backend = backend
        self.root = root
        self.tmpdir = root / "tmp"
        self.sockdir = root / "sock"
        self.tmpdir.mkdir()
        self.sockdir.mkdir()
        self.disk = root / "disk.img"
        with open(self.disk, "wb") as f:
            f.truncate(16 << 20)
        self.vms: list[DaemonVM] = []

    def handle(self) -> Any:
        """A configured (not launched) handle for this backend."""
        g = new_handle(self)
        if self.backend == "unix":
            vm = DaemonVM([(str(self.disk), True)], str(self.root))
            self.vms.append(vm)
            g.set_backend(f"unix:{vm.sockpath}")
            return g
        g.set_backend("direct" if self.backend == "direct" else f"libvirt:{LIBVIRT_URI}")
        g.set_backend_settings(["force_tcg"])
        g.add_drive_opts(str(self.disk), format="raw", readonly=True)
        return g

    def stop_vms(self) -> None:
        """Stop the unix backend's VMs (the test's own processes, not the handles')."""
        for vm in self.vms:
            vm.stop()
        self.vms.clear()

    def leftovers(self, fds_before: dict[int, str]) -> dict[str, list[str]]:
        """What is left: processes, new descriptors, files in tmpdir/sockdir, domains."""
        gc.collect()
        self.stop_vms()
        deadline = time.monotonic() + 10  # a killed qemu can take a moment to be reaped
        while processes_naming(str(self.root)) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = {
            "processes": processes_naming(str(self.root)),
            "fds": [f"{fd} -> {what}" for fd, what in open_fds().items() if fd not in fds_before],
            "dirs": sorted(os.listdir(self.tmpdir)) + sorted(os.listdir(self.sockdir)),
        }
        if self.backend == "libvirt":
            domains = libvirt_domains_naming(LIBVIRT_URI, str(self.root))
            left["processes"] += [f"libvirt domain {d}" for d in domains]
        return left


def new_handle(rig: LeakRig) -> Any:
    """A handle with its tmpdir and sockdir in ``rig``'s private directory.

    The sockdir can only come from the environment (``$XDG_RUNTIME_DIR``,
    read when the handle is made), so it is set just for the constructor.
    """
    saved = os.environ.get("XDG_RUNTIME_DIR")
    os.environ["XDG_RUNTIME_DIR"] = str(rig.sockdir)
    try:
        g = guestfs.GuestFS(python_return_dict=True, environment=True)
    finally:
        if saved is None:
            del os.environ["XDG_RUNTIME_DIR"]
        else:
            os.environ["XDG_RUNTIME_DIR"] = saved
    assert g.get_sockdir() == str(rig.sockdir)
    g.set_tmpdir(str(rig.tmpdir))
    return g


@pytest.fixture(params=BACKENDS)
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LeakRig]:
    """A :class:`LeakRig` for each backend that can run here (skipped, or
    failed in CI, with the reason when one cannot)."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    if request.param == "libvirt":
        try:
            import libvirt
            libvirt.open(LIBVIRT_URI).close()
        except Exception as e:  # libvirt-python missing or libvirtd not running
            skip_or_fail(f"libvirt backend: cannot reach {LIBVIRT_URI}: {e}")
    # A short private root: unix socket paths are limited to 108 bytes.
    root = Path(tmp_path)
    r = LeakRig(request.param, root)
    yield r
    r.stop_vms()


def end(g: Any, how: str) -> None:
    """End a launched handle one of the :data:`ENDINGS` ways."""
    if how == "shutdown+close":
        g.shutdown()
        g.close()
    elif how == "close":
        g.close()
    # "dropped": the caller lets go of its last reference


def report(rig: LeakRig, name: str, runs: int, left: dict[str, list[str]]) -> None:
    record("leaks", f"{rig.backend}: {name}", runs=runs, leftover_processes=len(left["processes"]),
           leftover_fds=len(left["fds"]), leftover_dirs=len(left["dirs"]))
    assert left == {"processes": [], "fds": [], "dirs": []}, left


def launch_and_check(g: Any) -> None:
    g.launch()
    assert g.list_devices() == ["/dev/sda"]


def test_handles_in_sequence(rig: LeakRig) -> None:
    """SEQUENCE handles one after the other, each ending its own way; a
    dropped one is closed as its last reference goes, with the garbage
    collector off (as the stock binding does: no cycle keeps it alive)."""
    before = open_fds()
    late = 0
    for i in range(SEQUENCE):
        how = ENDINGS[i % len(ENDINGS)]
        g = rig.handle()
        launch_and_check(g)
        if how != "dropped":
            end(g, how)
            del g
            continue
        closed: list[int] = []
        g.set_event_callback(lambda ev, eh, buf, arr, seen=closed: seen.append(ev), guestfs.EVENT_CLOSE)
        gc.disable()
        try:
            del g
            late += not closed
        finally:
            gc.enable()
    left = rig.leftovers(before)
    record("leaks", f"{rig.backend}: dropped handles closed only by the collector", runs=SEQUENCE,
           unexpected=late)
    report(rig, "sequence", SEQUENCE, left)
    assert late == 0, "dropped handles were only closed by the garbage collector"


def test_handles_in_parallel(rig: LeakRig) -> None:
    """PARALLEL handles launched at the same time, in threads."""
    before = open_fds()
    handles = [rig.handle() for _ in range(PARALLEL)]
    errors: list[BaseException] = []

    def run(g: Any) -> None:
        try:
            launch_and_check(g)
        except BaseException as e:  # reported by the main thread
            errors.append(e)
    threads = [threading.Thread(target=run, args=(g,)) for g in handles]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, g in enumerate(handles):
        end(g, ENDINGS[i % len(ENDINGS)])
    handles.clear()
    assert not errors, errors
    report(rig, "parallel", PARALLEL, rig.leftovers(before))


def test_failed_launch(rig: LeakRig) -> None:
    """A launch that fails (the image is not the format given; for unix:, no
    socket at the path) leaves nothing, and the handle's close neither."""
    before = open_fds()
    g = new_handle(rig)
    if rig.backend == "unix":
        g.set_backend(f"unix:{rig.root}/no-such.sock")
    else:
        g.set_backend("direct" if rig.backend == "direct" else f"libvirt:{LIBVIRT_URI}")
        g.add_drive_opts(str(rig.disk), format="qcow2")
    with pytest.raises(RuntimeError):
        g.launch()
    assert g.is_config()
    g.close()
    report(rig, "failed launch", 1, rig.leftovers(before))


#: Run by a fresh interpreter: launch one handle and exit without closing it.
EXIT_SCRIPT = textwrap.dedent("""
    import sys
    import guestfs
    backend, tmpdir, sockdir, disk = sys.argv[1:5]
    g = guestfs.GuestFS()  # reads XDG_RUNTIME_DIR: the sockdir
    assert g.get_sockdir() == sockdir
    g.set_tmpdir(tmpdir)
    g.set_backend(backend)
    g.set_backend_settings(["force_tcg"])
    g.add_drive_opts(disk, format="raw", readonly=True)
    g.launch()
    h = guestfs.GuestFS()  # a second handle, never launched
    h.set_tmpdir(tmpdir)
    print(g.get_pid(), flush=True)
    sys.exit(0)
""")


@pytest.mark.parametrize("exit_backend", ["direct", "libvirt"])
def test_interpreter_exit_with_open_handles(exit_backend: str, tmp_path: Path) -> None:
    """An interpreter that exits with open handles stops their VMs and
    removes their files (the atexit hook)."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    if exit_backend == "libvirt":
        try:
            import libvirt
            libvirt.open(LIBVIRT_URI).close()
        except Exception as e:  # libvirt-python missing or libvirtd not running
            skip_or_fail(f"libvirt backend: cannot reach {LIBVIRT_URI}: {e}")
    rig = LeakRig(exit_backend, tmp_path)
    spec = "direct" if exit_backend == "direct" else f"libvirt:{LIBVIRT_URI}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIBGUESTFS_")}
    env["PYTHONPATH"] = REPO
    env["XDG_RUNTIME_DIR"] = str(rig.sockdir)
    cp = subprocess.run([sys.executable, "-c", EXIT_SCRIPT, spec, str(rig.tmpdir), str(rig.sockdir),
                         str(rig.disk)], capture_output=True, env=env, timeout=300)
    assert cp.returncode == 0, cp.stderr.decode(errors="replace")
    assert int(cp.stdout) > 0
    left = rig.leftovers({})
    left["fds"] = []  # the interpreter and its descriptors are gone
    report(rig, "interpreter exit", 1, left)
