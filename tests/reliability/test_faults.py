"""Faults (issue 11): the VM killed or stopped at every stage, the daemon
killed, a kernel panic, the guest out of memory or out of space, a call past
its time limit.

Each must give a RuntimeError (not a hang), leave the handle in CONFIG when
the appliance is gone, leave no process behind, and let the same handle
launch again.  How long the error took after the fault is recorded for
``make reliability``'s table (``GUESTFS_RELIABILITY_REPORT``), never asserted.
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import guestfs
from tests.helpers import TIMEOUT

pytestmark = [pytest.mark.appliance, pytest.mark.slow]
#: The variants only ``make reliability`` runs (each costs two launches);
#: ``make check`` keeps one fault of each kind.
long_run = pytest.mark.reliability

SCRATCH = 256 * 1024 * 1024


def _record(name: str, seconds: float, survived: bool) -> None:
    """One line of figures for the reliability report."""
    path = os.environ.get("GUESTFS_RELIABILITY_REPORT")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({"kind": "fault", "name": name, "seconds": round(seconds, 2),
                                "survived": survived}) + "\n")


def _processes_naming(path: str) -> list[str]:
    """Live processes whose command line names ``path`` (a launch's own socket directory)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if path.encode() in f.read():
                    found.append(pid)
        except OSError:
            continue
    return found


class Launched:
    """A handle of its own (the faults kill its appliance) and what it started."""

    def __init__(self, tmp: str) -> None:
        self.g = guestfs.GuestFS(python_return_dict=True)
        self.g.set_tmpdir(tmp)
        self.sockdirs: list[str] = []
        self.g.set_event_callback(self._saw_qemu, guestfs.EVENT_LIBRARY)
        self.g.add_drive_scratch(SCRATCH)

    def _saw_qemu(self, ev: int, eh: int, buf: str, array: Any) -> None:
        m = re.search(r"socket,path=(\S+)/guestfsd\.sock", buf)
        # "qemu: " for a cold boot, "qemu (restore): " for a saved appliance's
        if re.match(r"qemu(?: \(restore\))?: ", buf) and m:
            self.sockdirs.append(m.group(1))

    def launch(self) -> None:
        self.g.launch()

    def pid(self) -> int:
        return int(self.g.get_pid())


@pytest.fixture
def h(tmp_path: Any) -> Iterator[Launched]:
    handle = Launched(str(tmp_path))
    try:
        yield handle
    finally:
        handle.g.close()
    for d in handle.sockdirs:
        assert _processes_naming(d) == [], f"a qemu of this handle is still running ({d})"
        assert not os.path.exists(d)


def _in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``fn`` in a thread; its exception or result lands in the dict."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as e:  # handed to the test
            box["error"] = e
        box["at"] = time.monotonic()

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, box


def _expect_failure(name: str, t: threading.Thread, box: dict[str, Any], since: float,
                    fault_seen: list[float] | None = None) -> None:
    """The call in ``t`` fails with a RuntimeError; the time it took is
    recorded from ``since``, or from the first time in ``fault_seen`` when
    the fault itself was seen (the guest's kernel says when it ran out of memory)."""
    t.join(TIMEOUT * 3)
    assert not t.is_alive(), f"{name}: the call still hangs after the fault"
    assert isinstance(box.get("error"), RuntimeError), f"{name}: {box!r}"
    _record(name, box["at"] - (fault_seen[0] if fault_seen else since), True)


def _relaunch_works(h: Launched) -> None:
    assert h.g.is_config()
    h.launch()
    assert h.g.list_devices() == ["/dev/sda"]


def _wait_until(cond: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT * 3
    while not cond():
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.02)


def _call_in_flight(h: Launched, fn: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """Start ``fn`` (a daemon call) in a thread and return once its call was sent."""
    sent = threading.Event()
    eh = h.g.set_event_callback(lambda *a: sent.set(), guestfs.EVENT_ENTER)
    t, box = _in_thread(fn)
    assert sent.wait(TIMEOUT), "the call never started"
    h.g.delete_event_callback(eh)
    return t, box


@pytest.mark.parametrize("stop_first", [False, pytest.param(True, marks=long_run)],
                         ids=["sigkill", "sigstop-then-sigkill"])
def test_qemu_killed_during_a_call(h: Launched, stop_first: bool) -> None:
    h.launch()
    pid = h.pid()
    t, box = _call_in_flight(h, lambda: h.g.debug("sh", ["sleep 120"]))
    if stop_first:
        os.kill(pid, signal.SIGSTOP)
        t.join(1.0)
        assert t.is_alive(), "a stopped VM is not an error yet"
    since = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    _expect_failure(f"qemu {'SIGSTOP then ' if stop_first else ''}SIGKILL during a call", t, box, since)
    _relaunch_works(h)


@long_run
@pytest.mark.parametrize("boot", ["cold", "restore"])
def test_qemu_killed_during_launch(h: Launched, boot: str) -> None:
    """qemu killed as soon as it runs.  In a cold boot the launch fails and
    the handle relaunches; while a saved appliance is restored (the first
    launch of the run saves one) the launch falls back to a cold boot and
    succeeds, as a failed restore always does."""
    if boot == "cold":
        h.g.set_backend_setting("no_saved_appliance", "1")
    else:
        warm = guestfs.GuestFS()
        warm.add_drive_scratch(SCRATCH)
        warm.launch()  # makes sure a saved appliance exists for this machine
        warm.close()
    t, box = _in_thread(h.launch)
    _wait_until(lambda: bool(h.sockdirs) and bool(_processes_naming(h.sockdirs[0])), "qemu start")
    since = time.monotonic()
    for pid in _processes_naming(h.sockdirs[0]):
        os.kill(int(pid), signal.SIGKILL)
    if boot == "cold":
        _expect_failure("qemu SIGKILL during launch", t, box, since)
        _relaunch_works(h)
        return
    t.join(TIMEOUT * 3)
    assert not t.is_alive() and "error" not in box, box
    assert h.g.is_ready() and h.g.list_devices() == ["/dev/sda"]
    assert len(h.sockdirs) == 2  # the killed restore's qemu, then the cold boot's


def test_qemu_killed_during_an_upload(h: Launched, tmp_path: Any) -> None:
    h.launch()
    fifo = str(tmp_path / "in.fifo")
    os.mkfifo(fifo)
    pid = h.pid()
    started = threading.Event()

    def feed() -> None:
        try:
            with open(fifo, "wb") as f:
                f.write(b"u" * (1 << 20))
                f.flush()
                started.set()
                while True:
                    f.write(b"u" * (1 << 16))
        except OSError:
            pass  # the reader went away: the upload ended

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    t, box = _in_thread(lambda: h.g.upload(fifo, "/dev/sda"))
    assert started.wait(TIMEOUT)
    since = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    _expect_failure("qemu SIGKILL during an upload", t, box, since)
    writer.join(TIMEOUT)
    _relaunch_works(h)


@long_run
def test_qemu_killed_during_a_download(h: Launched, tmp_path: Any) -> None:
    h.launch()
    fifo = str(tmp_path / "out.fifo")
    os.mkfifo(fifo)
    pid = h.pid()
    got_data = threading.Event()

    def drain() -> None:
        with open(fifo, "rb") as f:
            f.read(1 << 16)
            got_data.set()
            while f.read(1 << 16):
                time.sleep(0.01)  # a slow consumer keeps the stream in flight

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    t, box = _in_thread(lambda: h.g.download("/dev/sda", fifo))
    assert got_data.wait(TIMEOUT)
    since = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    _expect_failure("qemu SIGKILL during a download", t, box, since)
    reader.join(TIMEOUT)
    _relaunch_works(h)


@pytest.mark.parametrize("how", [pytest.param("daemon", marks=long_run), "panic"])
def test_appliance_dies_from_inside(h: Launched, how: str) -> None:
    """The daemon killed inside the appliance (it is the appliance's init, so
    the kernel panics too), or a kernel panic outright."""
    h.launch()
    command = "kill -INT 1" if how == "daemon" else "echo c > /proc/sysrq-trigger"
    since = time.monotonic()
    t, box = _in_thread(lambda: h.g.debug("sh", [command]))
    _expect_failure({"daemon": "the daemon killed in the appliance",
                     "panic": "a kernel panic in the appliance"}[how], t, box, since)
    _relaunch_works(h)


@long_run
def test_guest_out_of_memory(h: Launched) -> None:
    """A command that eats all memory fails; the handle is usable or, if the
    appliance went down with it, back in CONFIG and launchable."""
    h.g.set_memsize(256)
    oom: list[float] = []

    def console(ev: int, eh: int, buf: str, array: Any) -> None:
        if "Out of memory" in buf:
            oom.append(time.monotonic())
    h.g.set_event_callback(console, guestfs.EVENT_APPLIANCE)
    h.launch()
    since = time.monotonic()
    t, box = _in_thread(lambda: h.g.debug("sh", ["head -c 1024m /dev/zero | tail -c 1024m > /dev/null"]))
    # Filling the memory takes seconds under TCG: the time counts from the
    # kernel's "Out of memory" on the console when it is seen.
    _expect_failure("the guest out of memory", t, box, since, oom)
    if h.g.is_ready():
        assert h.g.version()["major"] == 1
    else:
        _relaunch_works(h)


def test_guest_file_system_full(h: Launched) -> None:
    h.launch()
    h.g.mkfs("ext4", "/dev/sda")
    h.g.mount("/dev/sda", "/")
    since = time.monotonic()
    t, box = _in_thread(lambda: h.g.fill(0, SCRATCH * 2, "/big"))
    _expect_failure("the guest file system full", t, box, since)
    assert "No space left on device" in str(box["error"])
    h.g.rm("/big")
    h.g.write("/after", b"still fine")
    assert h.g.cat("/after") == "still fine"


def test_call_time_limit(h: Launched) -> None:
    """``call_timeout`` (a backend setting beyond stock): an overrunning call
    fails with a clear error, the appliance is stopped, the handle relaunches."""
    h.g.set_backend_setting("call_timeout", "2")
    h.launch()
    assert h.g.debug("sh", ["echo quick"]) == "quick"
    since = time.monotonic()
    t, box = _in_thread(lambda: h.g.debug("sh", ["sleep 60"]))
    _expect_failure("a call past call_timeout", t, box, since)
    assert "did not finish within 2 s" in str(box["error"])
    _relaunch_works(h)
    assert h.g.debug("sh", ["echo again"]) == "again"


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf"])
def test_call_time_limit_refuses_nonsense_before_starting_qemu(h: Launched, value: str) -> None:
    h.g.set_backend_setting("call_timeout", value)
    with pytest.raises(RuntimeError, match="call_timeout"):
        h.launch()
    assert h.sockdirs == [] and h.g.is_config()
