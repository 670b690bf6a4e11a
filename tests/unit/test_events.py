"""Events (``guestfs/events.py`` and the handle's use of them): constants,
names, callbacks, the close event and the trace format, compared with the
stock libguestfs 1.48 binding where it is installed."""

from __future__ import annotations

import gc
from typing import Any

import pytest

import guestfs
from guestfs.events import EventRegistry
from tests.helpers import encode_json, require_stock, run_binding

EVENTS = {
    "EVENT_CLOSE": 0x1, "EVENT_SUBPROCESS_QUIT": 0x2, "EVENT_LAUNCH_DONE": 0x4, "EVENT_PROGRESS": 0x8,
    "EVENT_APPLIANCE": 0x10, "EVENT_LIBRARY": 0x20, "EVENT_TRACE": 0x40, "EVENT_ENTER": 0x80,
    "EVENT_LIBVIRT_AUTH": 0x100, "EVENT_WARNING": 0x200, "EVENT_ALL": 0x3FF,
}


@pytest.fixture
def g() -> Any:
    h = guestfs.GuestFS(environment=False)
    yield h
    if not h._closed:
        h.close()


def test_event_constants() -> None:
    for name, value in EVENTS.items():
        assert getattr(guestfs, name) == value, name
    assert {n for n in guestfs.__all__ if n.startswith("EVENT_")} == set(EVENTS)


def test_event_to_string() -> None:
    assert guestfs.event_to_string(guestfs.EVENT_CLOSE) == "close"
    assert guestfs.event_to_string(guestfs.EVENT_TRACE | guestfs.EVENT_ENTER) == "enter,trace"
    assert guestfs.event_to_string(0) == ""
    assert guestfs.event_to_string(guestfs.EVENT_ALL) == (
        "appliance,close,enter,launch_done,library,libvirt_auth,progress,subprocess_quit,trace,warning")


def test_constants_and_names_match_stock() -> None:
    require_stock()
    ours = run_binding({"events": True}, stock=False)
    stock = run_binding({"events": True}, stock=True)
    assert ours["constants"] == stock["constants"]
    assert len(ours["event_to_string"]) == 0x400
    assert ours["event_to_string"] == stock["event_to_string"]


# -- callbacks --------------------------------------------------------------------------

def test_callback_arguments(g: Any) -> None:
    got: list[tuple[Any, ...]] = []
    eh = g.set_event_callback(lambda *a: got.append(a), guestfs.EVENT_ENTER | guestfs.EVENT_TRACE)
    g.get_memsize()
    assert got == [(guestfs.EVENT_ENTER, eh, "get_memsize", [])]
    g.set_trace(True)
    got.clear()
    g.set_smp(2)
    assert got == [(guestfs.EVENT_ENTER, eh, "set_smp", []), (guestfs.EVENT_TRACE, eh, "set_smp 2", []),
                   (guestfs.EVENT_TRACE, eh, "set_smp = 0", [])]


def test_event_handles_count_up_and_delete(g: Any) -> None:
    calls: list[int] = []
    a = g.set_event_callback(lambda *x: calls.append(1), guestfs.EVENT_ENTER)
    b = g.set_event_callback(lambda *x: calls.append(2), guestfs.EVENT_ENTER)
    assert (a, b) == (0, 1)
    g.get_smp()
    assert sorted(calls) == [1, 2]
    g.delete_event_callback(a)
    calls.clear()
    g.get_smp()
    g.get_smp()
    assert calls == [2, 2]
    g.delete_event_callback(b)
    g.delete_event_callback(b)  # deleting twice, or an unknown handle, is harmless
    g.delete_event_callback(12345)
    calls.clear()
    g.get_smp()
    assert calls == []
    assert g.set_event_callback(lambda *x: None, guestfs.EVENT_ENTER) == 2  # numbers are not reused


def test_only_subscribed_events_delivered(g: Any) -> None:
    got: list[int] = []
    g.set_event_callback(lambda ev, *_: got.append(ev), guestfs.EVENT_PROGRESS | guestfs.EVENT_CLOSE)
    g.set_trace(1)
    g.get_smp()
    assert got == []
    g.close()
    assert got == [guestfs.EVENT_CLOSE]


def test_callback_must_be_callable(g: Any) -> None:
    with pytest.raises(TypeError):
        g.set_event_callback("not callable", guestfs.EVENT_ALL)


def test_raising_callback_does_not_break_the_handle(g: Any, capsys: pytest.CaptureFixture[str]) -> None:
    def bad(*args: Any) -> None:
        raise ValueError("boom from callback")
    later: list[str] = []
    g.set_event_callback(bad, guestfs.EVENT_ENTER)
    g.set_event_callback(lambda ev, eh, buf, arr: later.append(buf), guestfs.EVENT_ENTER)
    g.set_memsize(600)
    assert g.get_memsize() == 600
    assert later == ["set_memsize", "get_memsize"]  # the other callback still ran
    assert "boom from callback" in capsys.readouterr().err


def test_registry_emit_without_message_passes_none() -> None:
    reg = EventRegistry()
    got: list[tuple[Any, ...]] = []
    eh = reg.add(lambda *a: got.append(a), guestfs.EVENT_PROGRESS | guestfs.EVENT_LIBRARY)
    reg.emit(guestfs.EVENT_PROGRESS, None, (1, 2, 3, 4))
    reg.emit(guestfs.EVENT_LIBRARY, b"msg \xff")
    reg.emit(guestfs.EVENT_TRACE, "not subscribed")
    assert got == [(guestfs.EVENT_PROGRESS, eh, None, [1, 2, 3, 4]),
                   (guestfs.EVENT_LIBRARY, eh, "msg \udcff", [])]
    assert reg.wants(guestfs.EVENT_PROGRESS) and not reg.wants(guestfs.EVENT_TRACE)


# -- the close event ----------------------------------------------------------------------

def test_close_event_fires_once_on_close() -> None:
    got: list[tuple[Any, ...]] = []
    h = guestfs.GuestFS(environment=False)
    eh = h.set_event_callback(lambda *a: got.append(a), guestfs.EVENT_CLOSE)
    h.close()
    assert got == [(guestfs.EVENT_CLOSE, eh, None, [])]
    del h
    gc.collect()
    assert len(got) == 1


def test_close_event_fires_once_on_garbage_collection() -> None:
    got: list[int] = []
    h = guestfs.GuestFS(environment=False)
    h.set_event_callback(lambda ev, *_: got.append(ev), guestfs.EVENT_CLOSE)
    del h
    gc.collect()
    assert got == [guestfs.EVENT_CLOSE]


def test_close_event_fires_once_with_context_manager() -> None:
    got: list[int] = []
    with guestfs.GuestFS(environment=False) as h:
        h.set_event_callback(lambda ev, *_: got.append(ev), guestfs.EVENT_CLOSE)
    del h
    gc.collect()
    assert got == [guestfs.EVENT_CLOSE]


def test_close_events_match_stock() -> None:
    require_stock()
    request = {"cases": [{"close_events": True, "calls": [["get_smp", [], {}]]}]}
    ours = run_binding(request, stock=False)["cases"]
    assert ours[0]["close_events"] == [[guestfs.EVENT_CLOSE, 0, None, []]]
    assert ours == run_binding(request, stock=True)["cases"]


# -- the trace format -----------------------------------------------------------------------

def _trace_calls(image: str) -> list[list[Any]]:
    calls: list[list[Any]] = [
        ["set_memsize", [500], {}], ["get_memsize", [], {}],
        ["set_append", ["foo bar"], {}], ["set_append", [None], {}], ["get_append", [], {}],
        ["set_backend_settings", [["a", "b=1"]], {}], ["get_backend_settings", [], {}],
        ["set_autosync", [False], {}], ["get_autosync", [], {}], ["get_identifier", [], {}],
        ["set_memsize", [1], {}], ["get_backend_setting", ["nope"], {}],
        ["add_drive", [image], {"readonly": False, "format": "raw", "label": "abc", "blocksize": 512}],
        ["internal_test", ["s t", None, ["x", "y z"], True, -1, 2**63 - 1, "/in", "/out",
                           b"hel\x00lo\n\"\\\x7f\xff"],
         {"obool": False, "oint": 3, "oint64": -4, "ostring": "os", "ostringlist": ["l1", "l2"]}],
        ["internal_test", ["", "", [], False, 0, 0, "", "", b"y" * 300], {}],
        ["internal_test_63_optargs", [], {"opt2": 2, "opt63": 63}],
        ["internal_test_rint", ["5"], {}], ["internal_test_rint64", ["-5"], {}],
        ["internal_test_rbool", ["true"], {}], ["internal_test_rconststring", ["x"], {}],
        ["internal_test_rconstoptstring", ["x"], {}], ["internal_test_rconstoptstringerr", [], {}],
        ["internal_test_rstring", ["str"], {}], ["internal_test_rstringlist", ["2"], {}],
        ["internal_test_rstruct", ["1"], {}], ["internal_test_rstructlist", ["2"], {}],
        ["internal_test_rstructlist", ["0"], {}], ["internal_test_rhashtable", ["2"], {}],
        ["internal_test_rbufferout", ["ab\n\"\\\x7f\u00e9"], {}],
        ["internal_test_rbufferout", ["x" * 300], {}],
    ]
    calls += [[f"internal_test_{k}err", [], {}] for k in (
        "rint", "rint64", "rbool", "rconststring", "rstring", "rstringlist", "rstruct", "rstructlist",
        "rhashtable", "rbufferout")]
    # Daemon calls are traced before they fail for want of a launched appliance.
    calls += [["mount", ["/dev/sda1", "/"], {}], ["luks_open", ["/dev/sda", "secret", "name"], {}],
              ["pwrite", ["/f", b"\0\1data", 5], {}], ["aug_init", ["/", 1], {}],
              ["mkfs", ["ext4", "/dev/sda1"], {"blocksize": 4096, "label": "root"}],
              ["command", [["/bin/ls", "-l"]], {}], ["lvs_full", [], {}],
              ["upload", ["/local", "/remote"], {}]]
    encoded: list[list[Any]] = encode_json(calls)
    return encoded


@pytest.fixture
def image(tmp_path: Any) -> str:
    path = tmp_path / "disk.img"
    path.write_bytes(b"\0" * 65536)
    return str(path)


def test_trace_format_by_hand(g: Any, image: str) -> None:
    lines: list[str] = []
    g.set_event_callback(lambda ev, eh, buf, arr: lines.append(buf), guestfs.EVENT_TRACE)
    g.set_trace(1)
    g.set_append("foo bar")
    g.get_append()
    g.set_backend_settings(["a", "b=1"])
    g.internal_test_rhashtable("1")
    g.internal_test_rbufferout("a\x01")
    with pytest.raises(RuntimeError):
        g.set_memsize(1)
    with pytest.raises(RuntimeError):
        g.internal_test_rstringerr()
    with pytest.raises(RuntimeError):
        g.luks_open("/dev/sda", "secret", "n")
    g.add_drive(image, readonly=True, label="abc")
    assert lines == [
        'set_append "foo bar"', "set_append = 0",
        "get_append", 'get_append = "foo bar"',
        'set_backend_settings "a b=1"', "set_backend_settings = 0",
        'internal_test_rhashtable "1"', 'internal_test_rhashtable = ["0", "0"]',
        'internal_test_rbufferout "a\x01"', 'internal_test_rbufferout = "a\\x01"',
        "set_memsize 1", "set_memsize = -1 (error)",
        "internal_test_rstringerr", "internal_test_rstringerr = NULL (error)",
        'luks_open "/dev/sda" "***" "n"', "luks_open = -1 (error)",
        f'add_drive "{image}" "readonly:true" "label:abc"', "add_drive = 0",
    ]


def test_trace_goes_to_stderr_without_a_callback(g: Any, capfd: pytest.CaptureFixture[str]) -> None:
    g.set_trace(1)
    g.set_smp(3)
    err = capfd.readouterr().err
    assert "libguestfs: trace: set_smp 3\n" in err
    assert "libguestfs: trace: set_smp = 0\n" in err


def test_trace_matches_stock(image: str) -> None:
    require_stock()
    request = {"cases": [{"trace": True, "calls": _trace_calls(image)},
                         {"trace": True, "return_dict": True, "calls": _trace_calls(image)[:12]}]}
    ours = run_binding(request, stock=False)
    stock = run_binding(request, stock=True)
    for case in (0, 1):
        a, b = ours["cases"][case], stock["cases"][case]
        assert a["results"] == b["results"]
        assert len(a["trace"]) == len(b["trace"]) > 2 * len(a["results"]) - 1
        for mine, theirs in zip(a["trace"], b["trace"]):
            assert mine == theirs
