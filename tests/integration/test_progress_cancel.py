"""Progress events of long calls and ``user_cancel`` in the real appliance.

Progress: 100 MiB upload and download, and a long non-transfer call, give
rate-limited events with one (proc, serial), climbing positions and a
final event at the total.  Cancel: from a progress callback or another
thread, in either direction; the call fails saying it was cancelled and
the handle carries on.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

import guestfs
from guestfs.actions import ACTIONS
from guestfs.protocol import constants as C

pytestmark = pytest.mark.appliance

MIB = 1024 * 1024
BIG = 100 * MIB
SDB_SIZE = 256 * MIB
#: Without the rate limit every 8 KiB chunk of the 100 MiB upload would be an
#: event (12800); at one per 1/3 s this many would take over two minutes.  The
#: period itself is checked on a fake clock in tests/unit/test_client_daemon_pair.py.
RATE_LIMITED_MAX = BIG // C.MAX_CHUNK_SIZE // 32


class Progress:
    """A progress callback that records each array and may run a hook on it."""

    def __init__(self, hook: Callable[[list[int]], None] | None = None) -> None:
        self.arrays: list[list[int]] = []
        self.hook = hook
        self.first = threading.Event()

    def __call__(self, ev: int, eh: int, buf: Any, array: Sequence[int]) -> None:
        assert ev == guestfs.EVENT_PROGRESS and buf is None
        self.arrays.append(list(array))
        self.first.set()
        if self.hook is not None:
            self.hook(list(array))


def check_progress(arrays: list[list[int]], action: str, total: int) -> int:
    """Check one call's progress events; returns the call's serial."""
    assert arrays, f"no progress events for {action}"
    assert {tuple(a[:2]) for a in arrays} == {(ACTIONS[action].proc_nr, arrays[0][1])}
    positions = [a[2] for a in arrays]
    assert positions == sorted(positions) and positions[0] > 0
    assert {a[3] for a in arrays} == {total}
    assert positions[-1] == total
    return arrays[0][1]


def sparse_file(path: Any, size: int) -> str:
    """A local file of ``size`` zero bytes that costs no disk space."""
    with open(path, "wb") as f:
        f.truncate(size)
    return str(path)


def assert_usable(g: Any, tmp_path: Any) -> None:
    """The handle still transfers data both ways, byte for byte."""
    data = os.urandom(MIB + 123)
    src = tmp_path / "after-src"
    src.write_bytes(data)
    g.upload(str(src), "/after")
    dst = tmp_path / "after-dst"
    g.download("/after", str(dst))
    assert dst.read_bytes() == data
    assert g.filesize("/after") == len(data)


def paced_reader(path: Any, until: threading.Event, received: list[int]) -> None:
    """Read a FIFO 1 MiB at a time, at most 20 MiB/s until ``until`` is set and
    at full speed after; records the byte count.  A 100 MiB download into it
    cannot end within 4 s unless progress came first, so the daemon's 2 s of
    silence are always over before it can end."""
    n = 0
    with open(path, "rb") as f:
        while block := f.read(MIB):
            n += len(block)
            if not until.is_set():
                until.wait(0.05)
    received.append(n)


@pytest.mark.slow
def test_progress_of_100mib_upload_and_download(gfs: Any, tmp_path: Any) -> None:
    g = gfs
    rec = Progress()
    eh = g.set_event_callback(rec, guestfs.EVENT_PROGRESS)
    try:
        with no_progress_delay(g):  # however fast the machine, the upload reports
            g.upload(sparse_file(tmp_path / "src", BIG), "/big")
        up = check_progress(rec.arrays, "upload", BIG)
        assert len(rec.arrays) <= RATE_LIMITED_MAX, f"{len(rec.arrays)} progress events: not rate-limited"

        rec.arrays.clear()
        rec.first.clear()
        # With the default delay: the daemon stays silent for the first 2 s of
        # a call, as libguestfs's does; the download goes into a pipe read
        # slowly until the first event arrives, so it lasts longer than that.
        dst = tmp_path / "dst.fifo"
        os.mkfifo(dst)
        received: list[int] = []
        reader = threading.Thread(target=paced_reader, args=(dst, rec.first, received), daemon=True)
        reader.start()
        g.download("/big", str(dst))
        reader.join(60)
        assert not reader.is_alive(), "the reader of the download did not finish"
        down = check_progress(rec.arrays, "download", BIG)
        assert down != up
        assert received == [BIG]

        # Short calls stay silent.
        rec.arrays.clear()
        g.upload(sparse_file(tmp_path / "small", 4096), "/small")
        g.download("/small", str(tmp_path / "small-back"))
        g.touch("/t")
        assert rec.arrays == []
    finally:
        g.delete_event_callback(eh)


@contextlib.contextmanager
def no_progress_delay(g: Any) -> Iterator[None]:
    """The daemon reports from the call's first step on instead of after 2 s
    (a fast machine finishes these calls within 2 s and would report nothing)."""
    g.debug("setenv", ["GUESTFSD_PROGRESS_DELAY", "0"])
    try:
        yield
    finally:
        g.debug("setenv", ["GUESTFSD_PROGRESS_DELAY", "2"])


@pytest.mark.slow
def test_progress_of_a_long_daemon_call(g: Any) -> None:
    rec = Progress()
    eh = g.set_event_callback(rec, guestfs.EVENT_PROGRESS)
    try:
        with no_progress_delay(g):
            g.zero_device("/dev/sdb")
    finally:
        g.delete_event_callback(eh)
    check_progress(rec.arrays, "zero_device", SDB_SIZE)


def _start(g: Any, direction: str, tmp_path: Any) -> tuple[Callable[[], None], int]:
    """The transfer to cancel and its size."""
    if direction == "upload":
        src = sparse_file(tmp_path / "src", BIG)
        return lambda: g.upload(src, "/big"), BIG
    dst = str(tmp_path / "dst")
    return lambda: g.download("/dev/sdb", dst), SDB_SIZE


@pytest.mark.parametrize("direction", ["upload", "download"])
@pytest.mark.parametrize("canceller", ["progress callback", "another thread"])
def test_user_cancel(gfs: Any, tmp_path: Any, direction: str, canceller: str) -> None:
    g = gfs
    transfer, size = _start(g, direction, tmp_path)
    rec = Progress(hook=(lambda a: g.user_cancel()) if canceller == "progress callback" else None)
    eh = g.set_event_callback(rec, guestfs.EVENT_PROGRESS)
    thread = None
    if canceller == "another thread":
        def cancel_when_started() -> None:
            if rec.first.wait(300):
                g.user_cancel()
        thread = threading.Thread(target=cancel_when_started)
        thread.start()
    try:
        with no_progress_delay(g), \
                pytest.raises(RuntimeError, match="operation cancelled by user") as ei:
            transfer()
    finally:
        rec.first.set()
        if thread is not None:
            thread.join()
        g.delete_event_callback(eh)
    assert ei.value.errno == "EINTR"
    # Cancelled in the middle: well before the end.
    assert rec.arrays and rec.arrays[-1][2] < size
    if direction == "download":
        assert os.path.getsize(tmp_path / "dst") < size
    assert_usable(g, tmp_path)


def test_user_cancel_with_no_transfer_is_harmless(gfs: Any, tmp_path: Any) -> None:
    g = gfs
    g.user_cancel()
    t = threading.Thread(target=g.user_cancel)
    t.start()
    t.join()
    assert_usable(g, tmp_path)
