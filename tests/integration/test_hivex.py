"""The hivex_* calls in the real appliance: a registry hive in the guest
opened, read, changed, committed and read back.

The hive is made from nothing (``tests/hives.py``'s :func:`minimal_hive`, the smallest
file hivex accepts: a header and one page with a root key and its
security record), written into the guest, then grown through the calls
under test.  No hive, and nothing else from the guest, is ever read on
the host.  ``test_agrees_with_stock`` runs one script through stock
libguestfs 1.48 and through ours and compares every outcome.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

import pytest

from tests.helpers import err, require_stock
from tests.hives import PAGE, REG_BINARY, REG_DWORD, REG_MULTI_SZ, REG_SZ, minimal_hive, utf16
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

HIVE = minimal_hive()
#: Byte 0x30 is in the checksummed part: the header no longer adds up.
BAD_CHECKSUM = HIVE[:0x30] + b"X" + HIVE[0x31:]


#: Puts the hives in the guest (run on stock too).
PREPARE: list[Step] = [
    ("part_disk", ["/dev/sda", "mbr"], {}),
    ("mkfs", ["ext4", "/dev/sda1"], {}),
    ("mount", ["/dev/sda1", "/"], {}),
    ("write", ["/min.hive", HIVE], {}),
    ("write", ["/truncated.hive", HIVE[:PAGE + 100]], {}),
    ("write", ["/badsum.hive", BAD_CHECKSUM], {}),
    ("write", ["/notahive", b"hello\n"], {}),
    ("mkdir", ["/dir"], {}),
]

#: Every hivex_* call other than hivex_open, with arguments.
BEFORE_OPEN: list[tuple[str, tuple[Any, ...]]] = [
    ("hivex_close", ()), ("hivex_commit", (None,)), ("hivex_root", ()),
    ("hivex_node_name", (4128,)), ("hivex_node_children", (4128,)),
    ("hivex_node_get_child", (4128, "x")), ("hivex_node_parent", (4128,)),
    ("hivex_node_values", (4128,)), ("hivex_node_get_value", (4128, "x")),
    ("hivex_value_key", (4128,)), ("hivex_value_type", (4128,)), ("hivex_value_string", (4128,)),
    ("hivex_value_utf8", (4128,)), ("hivex_value_value", (4128,)),
    ("hivex_node_add_child", (4128, "x")), ("hivex_node_delete_child", (4128,)),
    ("hivex_node_set_value", (4128, "x", 1, b"")),
]


def _prepare(g: Any) -> None:
    for method, args, kwargs in PREPARE:
        getattr(g, method)(*args, **kwargs)


def test_every_call_before_hivex_open_says_to_open(g: Any) -> None:
    for name, args in BEFORE_OPEN:
        assert err(getattr(g, name), *args) == \
            f"{name}: do_{name}: you must call 'hivex-open' first to initialize the hivex handle"
    assert g.feature_available(["hivex"])
    g.available(["hivex"])


def test_open_refuses_what_is_no_hive(g: Any) -> None:
    _prepare(g)
    assert err(g.hivex_open, "/nonexist") == \
        "hivex_open: hivex failed to open /nonexist: No such file or directory"
    for bad in ("/dir", "/notahive", "/badsum.hive", "/truncated.hive"):
        assert err(g.hivex_open, bad) == f"hivex_open: hivex failed to open {bad}: Invalid argument"
    # A failed open leaves no hive open; a good one still works after it.
    assert "you must call 'hivex-open' first" in err(g.hivex_root)
    g.hivex_open("/min.hive")
    assert g.hivex_node_name(g.hivex_root()) == "ROOT"
    g.hivex_close()


def test_write_commit_and_read_back(g: Any) -> None:
    _prepare(g)
    g.hivex_open("/min.hive", write=True)
    root = g.hivex_root()
    assert g.hivex_node_children(root) == [] and g.hivex_node_values(root) == []
    assert err(g.hivex_node_parent, root) == "hivex_node_parent: failed: Bad address"
    soft = g.hivex_node_add_child(root, "Software")
    assert isinstance(soft, int) and soft > 0
    assert err(g.hivex_node_add_child, root, "Software") == "hivex_node_add_child: failed: File exists"
    vendor = g.hivex_node_add_child(soft, "Vendor")
    doomed = g.hivex_node_add_child(soft, "Doomed")
    assert g.hivex_node_parent(vendor) == soft
    assert g.hivex_node_get_child(root, "SOFTWARE") == soft  # registry names ignore case
    assert g.hivex_node_get_child(root, "nope") == 0
    g.hivex_node_set_value(vendor, "Name", REG_SZ, utf16("Ünïcode"))
    g.hivex_node_set_value(vendor, "Blob", REG_BINARY, b"\x00\x01\xff")
    g.hivex_node_set_value(vendor, "Count", REG_DWORD, struct.pack("<I", 7))
    g.hivex_node_set_value(vendor, "", REG_SZ, utf16("default"))
    g.hivex_node_set_value(vendor, "Name", REG_SZ, utf16("replaced"))  # replaces, not adds
    g.hivex_node_delete_child(doomed)
    assert err(g.hivex_node_delete_child, root) == "hivex_node_delete_child: failed: Invalid argument"
    g.hivex_commit(None)
    g.hivex_commit("/copy.hive")
    g.hivex_close()

    for path in ("/min.hive", "/copy.hive"):
        g.hivex_open(path)
        root = g.hivex_root()
        [soft_h] = [c["hivex_node_h"] for c in g.hivex_node_children(root)]
        assert g.hivex_node_name(soft_h) == "Software"
        assert [g.hivex_node_name(c["hivex_node_h"]) for c in g.hivex_node_children(soft_h)] == ["Vendor"]
        vendor = g.hivex_node_get_child(soft_h, "vendor")
        values = {g.hivex_value_key(v["hivex_value_h"]): v["hivex_value_h"]
                  for v in g.hivex_node_values(vendor)}
        assert sorted(values) == ["", "Blob", "Count", "Name"]
        assert g.hivex_value_string(values["Name"]) == "replaced"
        assert g.hivex_value_utf8(values[""]) == "default"
        assert g.hivex_value_type(values["Blob"]) == REG_BINARY
        assert g.hivex_value_value(values["Blob"]) == b"\x00\x01\xff"
        assert g.hivex_value_value(values["Count"]) == struct.pack("<I", 7)
        assert err(g.hivex_value_string, values["Count"]) == "hivex_value_string: failed: Invalid argument"
        assert g.hivex_node_get_value(vendor, "NAME") == values["Name"]
        assert g.hivex_node_get_value(vendor, "missing") == 0
        # Opened read-only: changes are refused.
        assert err(g.hivex_node_add_child, root, "x") == "hivex_node_add_child: failed: Read-only file system"
        assert err(g.hivex_commit, None) == "hivex_commit: commit failed: Read-only file system"
        g.hivex_close()
    assert g.filesize("/min.hive") > len(HIVE)


@dataclass(frozen=True)
class Ref:
    """An argument taken from an earlier step's result (``index``-th step of the
    script; ``item``: that list's element's handle)."""

    step: int
    item: int | None = None


def _resolve(v: Any, results: list[Any]) -> Any:
    if isinstance(v, Ref):
        r = results[v.step]["ok"]
        return r if v.item is None else next(iter(r[v.item].values()))
    if isinstance(v, list):
        return [_resolve(x, results) for x in v]
    if isinstance(v, dict):
        return {k: _resolve(x, results) for k, x in v.items()}
    return v


def _stock_script() -> list[Step]:
    """The compared script: node and value handles are Refs to earlier results."""
    s: list[Step] = []

    def step(name: str, *args: Any, **kwargs: Any) -> int:
        s.append((name, list(args), kwargs))
        return len(s) - 1

    step("hivex_root")
    for bad in ("/nonexist", "/dir", "/notahive", "/badsum.hive", "/truncated.hive"):
        step("hivex_open", bad)
    step("hivex_open", "/min.hive", write=True)
    step("hivex_open", "/min.hive", write=True)  # a second open replaces the first
    root = Ref(step("hivex_root"))
    step("hivex_node_name", root)
    for bogus in (12, 0, -1, 1 << 40):
        step("hivex_node_name", bogus)
    step("hivex_node_parent", root)
    step("hivex_node_children", root)
    step("hivex_node_values", root)
    step("hivex_node_get_child", root, "nope")
    soft = Ref(step("hivex_node_add_child", root, "Software"))
    step("hivex_node_add_child", root, "Software")
    step("hivex_node_add_child", 12, "X")
    sub = Ref(step("hivex_node_add_child", soft, "Sub"))
    step("hivex_node_add_child", soft, "Ünï")
    step("hivex_node_parent", soft)
    step("hivex_node_get_child", root, "software")
    step("hivex_node_children", root)
    values = [("Name", REG_SZ, utf16("hi")), ("Bin", REG_BINARY, b"\x00\x01\xff"),
              ("Dw", REG_DWORD, b"\x01\x00\x00\x00"), ("", REG_SZ, utf16("def")),
              ("Multi", REG_MULTI_SZ, "a\0b\0\0".encode("utf-16-le")), ("Bad", 99, b"zz"),
              ("Neg", -1, b"zz"), ("Big", 1 << 33, b"zz"), ("Empty", REG_SZ, b"")]
    for key, t, data in values:
        step("hivex_node_set_value", soft, key, t, data)
    listed = step("hivex_node_values", soft)
    for i in range(len(values)):
        v = Ref(listed, i)
        for call in ("hivex_value_key", "hivex_value_type", "hivex_value_value",
                     "hivex_value_string", "hivex_value_utf8"):
            step(call, v)
    for key in ("Name", "name", "nokey", ""):
        step("hivex_node_get_value", soft, key)
    step("hivex_value_key", 12345)
    step("hivex_value_string", 0)
    step("hivex_node_delete_child", sub)
    step("hivex_node_delete_child", root)
    step("hivex_node_children", soft)
    step("hivex_commit", "rel")
    step("hivex_commit", "/out.hive")
    step("hivex_commit", "/nodir/out.hive")
    step("hivex_commit", None)
    step("hivex_close")
    step("hivex_close")
    step("hivex_open", "/min.hive")
    root2 = Ref(step("hivex_root"))
    kids = step("hivex_node_children", root2)
    step("hivex_node_name", Ref(kids, 0))
    step("hivex_node_add_child", root2, "ro")
    step("hivex_commit", None)
    step("hivex_open", "/out.hive", verbose=True, debug=True, unsafe=True)
    kids = step("hivex_node_children", Ref(step("hivex_root")))
    step("hivex_node_name", Ref(kids, 0))
    step("hivex_close")
    step("filesize", "/out.hive")
    step("filesize", "/min.hive")
    return s


def _run_resolving(g: Any, script: list[Step]) -> tuple[list[Step], list[dict[str, Any]]]:
    """Run ``script`` on our handle, replacing each Ref by what our earlier step returned.

    :returns: the script with literal arguments (what stock is given) and our outcomes.
    """
    literal: list[Step] = []
    results: list[dict[str, Any]] = []
    for name, args, kwargs in script:
        step = (name, _resolve(args, results), _resolve(kwargs, results))
        literal.append(step)
        results.extend(run_script_on(g, [step]))
    return literal, results


@pytest.mark.stock
@pytest.mark.slow
# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_agrees_with_stock(g: Any) -> None:
    require_stock()  # before our half runs: stock gets the arguments ours resolved
    _prepare(g)
    script, ours = _run_resolving(g, _stock_script())
    stock = run_script_on_stock([("add_drive_scratch", [64 << 20], {}), ("launch", [], {}), *PREPARE],
                                script)
    assert_same_outcomes(script, ours, stock)
    # Not vacuous: values were written, committed and found again.
    assert {"ok": "hi"} in ours and {"ok": b"\x00\x01\xff"} in ours
    assert ours[-1]["ok"] > len(HIVE)
