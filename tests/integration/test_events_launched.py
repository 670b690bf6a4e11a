"""Events in real launches: every event type, console output, traces, logging.

Three tests launch handles of their own (each launch costs seconds under
TCG, so each groups several checks); the rest use the shared handle.
EVENT_LIBVIRT_AUTH is left out: only the libvirt backend with an
authenticating URI can raise it.
"""

from __future__ import annotations

import fcntl
import gc
import logging
import os
import signal
import struct
import termios
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail

pytestmark = pytest.mark.appliance

#: Event types a direct-backend launch, a few calls and a close can raise.
LAUNCH_EVENTS = guestfs.EVENT_ALL & ~guestfs.EVENT_LIBVIRT_AUTH
#: Launch progress uses procedure 0 and serial 0.
LAUNCH_PROC = (0, 0)


class Recorder:
    """An event callback that keeps what it got (events come from two threads)."""

    def __init__(self) -> None:
        self.got: list[tuple[int, int, Any, list[int]]] = []
        self._lock = threading.Lock()

    def __call__(self, ev: int, eh: int, buf: Any, array: Sequence[int]) -> None:
        with self._lock:
            self.got.append((ev, eh, buf, list(array)))

    def of(self, event: int) -> list[tuple[int, int, Any, list[int]]]:
        """What arrived for ``event``, in order."""
        with self._lock:
            return [e for e in self.got if e[0] == event]

    def bufs(self, event: int) -> list[Any]:
        """The ``buf`` of each ``event``, in order."""
        return [e[2] for e in self.of(event)]

    def main_thread(self) -> list[tuple[int, Any]]:
        """(event, buf) of everything but appliance lines, which come from the console thread."""
        with self._lock:
            return [(e[0], e[2]) for e in self.got if e[0] != guestfs.EVENT_APPLIANCE]


def wait_until(cond: Callable[[], bool], timeout: float) -> bool:
    """Poll ``cond()`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def fresh() -> Iterator[guestfs.GuestFS]:
    """A new, unlaunched handle (closed at the end if the test did not)."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    h = guestfs.GuestFS(python_return_dict=True)
    yield h
    try:
        h.close()
    except guestfs.ClosedHandle:
        pass


@pytest.fixture
def quiet_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No LIBGUESTFS_DEBUG/TRACE from the caller's environment."""
    monkeypatch.delenv("LIBGUESTFS_DEBUG", raising=False)
    monkeypatch.delenv("LIBGUESTFS_TRACE", raising=False)


def index_of(seq: list[tuple[int, Any]], item: tuple[int, Any]) -> int:
    """Position of ``item`` in ``seq`` (fails the test if absent)."""
    assert item in seq, f"{guestfs.event_to_string(item[0])} {item[1]!r} never arrived"
    return seq.index(item)


@pytest.mark.slow
def test_every_event_type_in_real_launches(quiet_env: None, fresh: guestfs.GuestFS,
                                           caplog: pytest.LogCaptureFixture,
                                           capfd: pytest.CaptureFixture[str]) -> None:
    h = fresh
    caplog.set_level(logging.DEBUG, logger="guestfs")
    rec = Recorder()
    eh = h.set_event_callback(rec, LAUNCH_EVENTS)
    h.set_trace(1)
    h.set_verbose(1)
    h.add_drive_scratch(64 * 1024 * 1024)
    h.launch()
    h.ping_daemon()
    h._warning("a warning from the test")

    seen = {ev for ev, *_ in rec.got}
    for ev in (guestfs.EVENT_ENTER, guestfs.EVENT_TRACE, guestfs.EVENT_LIBRARY, guestfs.EVENT_PROGRESS,
               guestfs.EVENT_APPLIANCE, guestfs.EVENT_LAUNCH_DONE, guestfs.EVENT_WARNING):
        assert ev in seen, guestfs.event_to_string(ev)
    assert all(e[1] == eh for e in rec.got)

    # ENTER names each call, before its trace line.
    enters = rec.bufs(guestfs.EVENT_ENTER)
    calls = ["set_trace", "set_verbose", "add_drive_scratch", "launch", "ping_daemon"]
    assert [c for c in enters if c in calls] == calls
    assert all(e[3] == [] for e in rec.of(guestfs.EVENT_ENTER))
    main = rec.main_thread()
    assert index_of(main, (guestfs.EVENT_ENTER, "launch")) < index_of(main, (guestfs.EVENT_TRACE, "launch"))
    assert (guestfs.EVENT_TRACE, "ping_daemon") in main
    assert (guestfs.EVENT_TRACE, "ping_daemon = 0") in main

    # Launch progress climbs to its total, then LAUNCH_DONE, then launch returns.
    progress = [a for ev, _, _, a in rec.got if ev == guestfs.EVENT_PROGRESS]
    assert progress and all(tuple(a[:2]) == LAUNCH_PROC for a in progress)
    positions = [a[2] for a in progress]
    assert positions == sorted(positions)
    assert progress[-1][2] == progress[-1][3] > 0
    assert rec.of(guestfs.EVENT_LAUNCH_DONE) == [(guestfs.EVENT_LAUNCH_DONE, eh, None, [])]
    done = index_of(main, (guestfs.EVENT_LAUNCH_DONE, None))
    assert max(i for i, (ev, _) in enumerate(main) if ev == guestfs.EVENT_PROGRESS) < done
    assert done < index_of(main, (guestfs.EVENT_TRACE, "launch = 0"))

    # Console output comes one whole line per event: the kernel's and /init's.
    lines = rec.bufs(guestfs.EVENT_APPLIANCE)
    assert all(isinstance(b, str) and b.endswith("\n") and b.count("\n") == 1 for b in lines)
    assert any("Linux version" in b for b in lines)

    # Library messages: the same ones as events and on the ``guestfs`` logger.
    library = rec.bufs(guestfs.EVENT_LIBRARY)
    assert any(m.startswith("launch: ") for m in library)
    records = [r for r in caplog.records if r.name == "guestfs"]
    assert [r.getMessage() for r in records if r.levelno == logging.DEBUG] == library
    assert rec.bufs(guestfs.EVENT_WARNING) == ["a warning from the test"]
    assert [r.getMessage() for r in records if r.levelno == logging.WARNING] == ["a warning from the test"]
    # With callbacks registered nothing is printed, even when verbose.
    assert "libguestfs:" not in capfd.readouterr().err

    # The VM killed from outside: the next call fails and SUBPROCESS_QUIT fires once.
    pid = h.get_pid()
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(RuntimeError):
        h.ping_daemon()
    assert rec.of(guestfs.EVENT_SUBPROCESS_QUIT) == [(guestfs.EVENT_SUBPROCESS_QUIT, eh, None, [])]
    assert h.is_config()

    # The handle launches again; shutdown is a second SUBPROCESS_QUIT.
    h.set_verbose(0)
    h.launch()
    assert len(rec.of(guestfs.EVENT_LAUNCH_DONE)) == 2
    h.shutdown()
    assert len(rec.of(guestfs.EVENT_SUBPROCESS_QUIT)) == 2

    # Close: a trace line, then CLOSE, exactly once.
    h.close()
    assert rec.main_thread()[-2:] == [(guestfs.EVENT_TRACE, "close"), (guestfs.EVENT_CLOSE, None)]
    with pytest.raises(guestfs.ClosedHandle):
        h.close()
    gc.collect()
    assert len(rec.of(guestfs.EVENT_CLOSE)) == 1
    assert len(rec.of(guestfs.EVENT_SUBPROCESS_QUIT)) == 2


@pytest.mark.slow
def test_debug_and_trace_environment_print_to_stderr(monkeypatch: pytest.MonkeyPatch,
                                                       capfd: pytest.CaptureFixture[str]) -> None:
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    monkeypatch.setenv("LIBGUESTFS_DEBUG", "1")
    monkeypatch.setenv("LIBGUESTFS_TRACE", "1")
    h = guestfs.GuestFS(python_return_dict=True)
    rec = Recorder()
    eh = h.set_event_callback(rec, guestfs.EVENT_SUBPROCESS_QUIT | guestfs.EVENT_CLOSE)
    try:
        assert h.get_verbose() and h.get_trace()
        h.add_drive_scratch(16 * 1024 * 1024)
        h.launch()
        err = capfd.readouterr().err
        assert "Linux version" in err  # the kernel's console
        assert "libguestfs: launch: " in err  # library debug messages
        assert "libguestfs: trace: launch\n" in err
        assert "libguestfs: trace: launch = 0\n" in err

        # set_verbose decides line by line whether console output is printed.
        backend = h._backend

        def echo(mark: str) -> None:
            h.debug("sh", [f"echo {mark} > /dev/ttyS0"])
            assert wait_until(lambda: mark in backend.console_tail(), 30)

        echo("MARK-VERBOSE-1")
        h.set_verbose(0)
        echo("MARK-QUIET")
        h.set_verbose(1)
        echo("MARK-VERBOSE-2")
        err = capfd.readouterr().err
        assert "MARK-VERBOSE-1\n" in err and "MARK-VERBOSE-2\n" in err
        assert "MARK-QUIET\n" not in err  # (the trace line names it, the console line is not printed)

        h.kill_subprocess()
        assert rec.bufs(guestfs.EVENT_SUBPROCESS_QUIT) == [None]
    finally:
        h.close()
    assert rec.got[-1] == (guestfs.EVENT_CLOSE, eh, None, [])
    assert "libguestfs: trace: close\n" in capfd.readouterr().err


@pytest.mark.slow
def test_console_flood_with_a_stalled_callback_stays_bounded(launched: Any) -> None:
    """A callback that blocks stops the reading; the guest waits (back-pressure),
    memory stays flat, and afterwards every line arrives intact and in order."""
    g = launched
    nlines, filler = 10000, "x" * 94
    g.debug("sh", [f"seq -f 'F%06g {filler}' 0 {nlines - 1} > /tmp/flood.txt; "
                   "echo FEND >> /tmp/flood.txt"])
    flood_size = nlines * 103 + 5
    gate = threading.Event()
    entered = threading.Event()
    ended = threading.Event()
    state = {"next": 0, "bad": 0}

    def slow(ev: int, eh: int, buf: str, array: Sequence[int]) -> None:
        entered.set()
        gate.wait()
        if buf == "FEND\n":
            ended.set()
        elif buf.startswith("F"):
            if buf != f"F{state['next']:06d} {filler}\n":
                state["bad"] += 1
            state["next"] += 1

    def console_memory() -> int:
        """Bytes allocated (and still held) by the console reader and event code."""
        snap = tracemalloc.take_snapshot().filter_traces([
            tracemalloc.Filter(True, "*guestfs/backends/base.py"),
            tracemalloc.Filter(True, "*guestfs/events.py")])
        return sum(s.size for s in snap.statistics("filename"))

    eh = g.set_event_callback(slow, guestfs.EVENT_APPLIANCE)
    tracemalloc.start(1)
    try:
        pid = g.debug("sh", ["dd if=/tmp/flood.txt of=/dev/ttyS0 bs=1024 "
                             ">/dev/null 2>&1 </dev/null & echo $!"]).strip()

        def written() -> int:
            """How far the guest's writer got in the flood file."""
            info = g.debug("sh", [f"cat /proc/{pid}/fdinfo/0"])
            return int(info.split()[1])

        # The console reader is held in the callback, so the console pipe
        # fills up: from then on qemu (and the guest's writer) must wait.
        assert entered.wait(60), "no console line reached the callback"
        fd = g._backend.console._fd

        def queued() -> int:
            return int(struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, struct.pack("i", 0)))[0])

        def console_full() -> bool:
            """The console socket's queue has stopped growing: its sender waits."""
            before = queued()
            time.sleep(2)
            after = queued()
            return after > 0 and after == before
        assert wait_until(console_full, 120), "the console never filled: the library kept reading " \
            "while the callback was blocked (no back-pressure)"
        writer = g.debug("sh", [f"[ -e /proc/{pid}/fdinfo/0 ] && echo running || echo gone"]).strip()
        assert writer == "running", "the guest's writer finished the flood while the callback was blocked"
        assert written() < flood_size // 4
        memory = [console_memory()]
        gate.set()
        while not ended.wait(0.5):
            memory.append(console_memory())
            assert len(memory) < 600, "the flood did not drain within five minutes"
        memory.append(console_memory())
    finally:
        gate.set()
        tracemalloc.stop()
        g.delete_event_callback(eh)
    assert state == {"next": nlines, "bad": 0}
    bound = 384 * 1024  # a read buffer, one batch of lines and the 400-line tail fit well within
    assert 2 * bound < flood_size
    assert max(memory) < bound


def test_several_callbacks_and_removal(launched: Any) -> None:
    g = launched
    a, b = Recorder(), Recorder()
    ea = g.set_event_callback(a, guestfs.EVENT_ENTER)
    eb = g.set_event_callback(b, guestfs.EVENT_ENTER | guestfs.EVENT_TRACE)
    try:
        assert ea != eb
        g.ping_daemon()
        assert a.got == [(guestfs.EVENT_ENTER, ea, "ping_daemon", [])]
        assert b.got == [(guestfs.EVENT_ENTER, eb, "ping_daemon", [])]
        g.delete_event_callback(ea)
        g.set_trace(1)
        g.ping_daemon()
        g.set_trace(0)
        assert len(a.got) == 1
        assert b.bufs(guestfs.EVENT_ENTER) == ["ping_daemon", "set_trace", "ping_daemon", "set_trace"]
        # As in libguestfs, whether a call is traced is decided when it starts.
        assert b.bufs(guestfs.EVENT_TRACE) == ["ping_daemon", "ping_daemon = 0",
                                               "set_trace false", "set_trace = 0"]
        g.delete_event_callback(eb)
        g.ping_daemon()
        assert len(a.got) == 1 and len(b.got) == 8
    finally:
        g.set_trace(0)
        g.delete_event_callback(ea)
        g.delete_event_callback(eb)


def test_raising_callback_does_not_break_calls(launched: Any, capfd: pytest.CaptureFixture[str]) -> None:
    g = launched
    after = Recorder()

    def boom(ev: int, eh: int, buf: Any, array: Sequence[int]) -> None:
        raise ValueError("callback failed on purpose")

    e1 = g.set_event_callback(boom, guestfs.EVENT_ENTER | guestfs.EVENT_APPLIANCE)
    e2 = g.set_event_callback(after, guestfs.EVENT_ENTER | guestfs.EVENT_APPLIANCE)
    try:
        assert g.debug("sh", ["echo RAISING-CB > /dev/ttyS0; echo ok"]) == "ok"
        assert wait_until(lambda: "RAISING-CB\n" in after.bufs(guestfs.EVENT_APPLIANCE), 30)
        g.ping_daemon()
        assert after.bufs(guestfs.EVENT_ENTER) == ["debug", "ping_daemon"]
    finally:
        g.delete_event_callback(e1)
        g.delete_event_callback(e2)
    assert "callback failed on purpose" in capfd.readouterr().err
