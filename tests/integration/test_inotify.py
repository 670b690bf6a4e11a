"""inotify on guest paths in the real appliance: inotify_init,
inotify_add_watch, inotify_rm_watch, inotify_read, inotify_files,
inotify_close.

Events are the kernel's (``inotify_event`` structs); the queue limit
``maxevents`` makes the kernel queue one overflow event (wd -1,
``IN_Q_OVERFLOW``).  The last test runs one script through stock
libguestfs 1.48.6 and through ours and compares every step.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import err
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_OPEN = 0x2, 0x4, 0x8, 0x20
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_ISDIR, IN_Q_OVERFLOW, IN_ALL_EVENTS = 0x40000000, 0x4000, 0xFFF

PREPARE: list[Step] = [
    ("part_disk", ["/dev/sda", "mbr"], {}),
    ("mkfs", ["ext4", "/dev/sda1"], {}),
    ("mount", ["/dev/sda1", "/"], {}),
    ("mkdir", ["/d"], {}),
    ("mkdir", ["/e"], {}),
]


def _prepare(g: Any) -> None:
    for method, args, kwargs in PREPARE:
        getattr(g, method)(*args, **kwargs)


def _events(g: Any) -> list[tuple[int, int, str]]:
    return [(e["in_wd"], e["in_mask"], e["in_name"]) for e in g.inotify_read()]


def test_calls_before_init_say_to_init(g: Any) -> None:
    assert g.feature_available(["inotify"])
    _prepare(g)
    for name, args in (("inotify_read", ()), ("inotify_files", ()), ("inotify_add_watch", ("/", 1)),
                       ("inotify_rm_watch", (1,)), ("inotify_close", ())):
        assert err(getattr(g, name), *args) == \
            f"{name}: do_{name}: you must call 'inotify_init' first to initialize inotify"
    assert err(g.inotify_init, -1) == "inotify_init: max_events < 0"


def test_events_of_watched_directories(g: Any) -> None:
    _prepare(g)
    g.inotify_init(0)
    try:
        wd = g.inotify_add_watch("/d", IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE)
        wd2 = g.inotify_add_watch("/e", IN_CREATE)
        assert wd != wd2
        assert g.inotify_read() == []  # nothing happened yet, and it does not block
        g.touch("/d/a")
        g.mkdir("/d/sub")
        g.mv("/d/a", "/d/b")
        g.rm("/d/b")
        g.touch("/e/x")
        g.touch("/unwatched")
        events = g.inotify_read()
        assert [(e["in_wd"], e["in_mask"], e["in_name"]) for e in events] == [
            (wd, IN_CREATE, "a"), (wd, IN_CLOSE_WRITE, "a"), (wd, IN_CREATE | IN_ISDIR, "sub"),
            (wd, IN_MOVED_FROM, "a"), (wd, IN_MOVED_TO, "b"), (wd, IN_DELETE, "b"),
            (wd2, IN_CREATE, "x")]
        # The two halves of a rename share a cookie; other events have none.
        cookies = [e["in_cookie"] for e in events]
        assert cookies[3] == cookies[4] != 0
        assert cookies[:3] == [0, 0, 0] and cookies[5:] == [0, 0]
    finally:
        g.inotify_close()


def test_files_rm_watch_and_overflow(g: Any) -> None:
    _prepare(g)
    g.inotify_init(0)
    wd = g.inotify_add_watch("/d", IN_ALL_EVENTS)
    for name in ("zeta", "alpha", "mid"):
        g.touch(f"/d/{name}")
    g.touch("/d/alpha")
    assert g.inotify_files() == ["alpha", "mid", "zeta"]  # sorted, each once, queue emptied
    assert g.inotify_read() == []
    g.inotify_rm_watch(wd)
    assert err(g.inotify_rm_watch, wd) == f"inotify_rm_watch: {wd}: Invalid argument"
    assert err(g.inotify_rm_watch, 99) == "inotify_rm_watch: 99: Invalid argument"
    assert err(g.inotify_add_watch, "/nonexist", IN_ALL_EVENTS) == \
        "inotify_add_watch: /nonexist: No such file or directory"
    assert err(g.inotify_add_watch, "/d", 0) == "inotify_add_watch: /d: Invalid argument"
    # A new init replaces the instance; maxevents bounds the kernel's queue.
    g.inotify_init(2)
    wd = g.inotify_add_watch("/e", IN_ALL_EVENTS)
    assert wd == 1
    for i in range(5):
        g.touch(f"/e/f{i}")
    events = _events(g)
    assert len(events) == 3 and events[-1] == (-1, IN_Q_OVERFLOW, "")
    assert events[0] == (wd, IN_CREATE, "f0")
    g.inotify_close()
    assert "you must call 'inotify_init' first" in err(g.inotify_close)
    # The queue limit is the kernel's, for every instance after: put the default back.
    g.inotify_init(16384)
    g.inotify_close()


#: The compared script (after PREPARE).
SCRIPT: list[Step] = [
    ("inotify_read", [], {}),
    ("inotify_init", [-1], {}),
    ("inotify_init", [0], {}),
    ("inotify_add_watch", ["/d", IN_ALL_EVENTS], {}),
    ("inotify_add_watch", ["/e", IN_CREATE | IN_DELETE], {}),
    ("inotify_add_watch", ["/nonexist", IN_ALL_EVENTS], {}),
    ("inotify_add_watch", ["/d", 0], {}),
    ("inotify_add_watch", ["/d", -1], {}),
    ("inotify_read", [], {}),
    ("touch", ["/d/a"], {}),
    ("write", ["/d/b", b"data"], {}),
    ("mkdir", ["/e/sub"], {}),
    ("mv", ["/d/a", "/e/a"], {}),
    ("rm", ["/d/b"], {}),
    ("chmod", [0o600, "/e/a"], {}),
    ("inotify_files", [], {}),
    ("inotify_read", [], {}),
    ("touch", ["/d/c"], {}),
    ("inotify_rm_watch", [1], {}),
    ("inotify_rm_watch", [1], {}),
    ("inotify_rm_watch", [99], {}),
    ("inotify_init", [3], {}),
    ("inotify_add_watch", ["/d", IN_ALL_EVENTS], {}),
    ("touch", ["/d/x"], {}),
    ("touch", ["/d/y"], {}),
    ("inotify_close", [], {}),
    ("inotify_close", [], {}),
    ("inotify_files", [], {}),
]


# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_agrees_with_stock(g: Any) -> None:
    stock = run_script_on_stock([("add_drive_scratch", [64 << 20], {}), ("launch", [], {}), *PREPARE],
                                SCRIPT)
    _prepare(g)
    assert_same_outcomes(SCRIPT, run_script_on(g, SCRIPT), stock)
