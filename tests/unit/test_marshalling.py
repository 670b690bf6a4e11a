"""Marshalling of every argument and return kind through the ``internal_test*``
actions (``guestfs/library/internal_test.py``), compared with the stock
libguestfs 1.48 binding driven the same way (libguestfs ``bindtests``)."""

from __future__ import annotations

from typing import Any

import pytest

import guestfs
from tests.helpers import encode_json, require_stock, run_binding

EVERY_KIND = ("abc", None, ["x", "y z"], True, 2**31 - 1, -(2**63), "/in", "/out", b"\x00\x7f\x80\xff")

#: (args, kwargs) of internal_test: every argument kind, optargs none/all/some.
INTERNAL_TEST_CALLS: list[tuple[list[Any], dict[str, Any]]] = [
    (["abc", None, [], False, 0, 0, "fi", "fo", b""], {}),
    (["", "", [""], True, -1, -1, "", "", b"\0"], {}),
    (["sp ace\ttab", "opt", ["a", "b c", ""], 1, -(2**31), 2**63 - 1, "/dev/null", "-",
      bytes(range(256))], {}),
    (["é unicode \u263a", "\u00e9", ["\u00e9", "z"], 0, 42, -(2**40), "x", "y", b"\"quotes\\"], {}),
    (list(EVERY_KIND), {"obool": True, "oint": -5, "oint64": 2**40, "ostring": "os",
                        "ostringlist": ["l1", "l 2", ""]}),
    (list(EVERY_KIND), {"obool": False, "oint": 0, "oint64": 0, "ostring": "", "ostringlist": []}),
    (list(EVERY_KIND), {"oint": 2**31 - 1}),
    (list(EVERY_KIND), {"ostringlist": ["only"], "obool": True}),
]

OPTARGS_ONLY_CALLS: list[tuple[str, list[Any], dict[str, Any]]] = [
    ("internal_test_only_optargs", [], {}),
    ("internal_test_only_optargs", [], {"test": 0}),
    ("internal_test_only_optargs", [], {"test": -(2**31)}),
    ("internal_test_63_optargs", [], {}),
    ("internal_test_63_optargs", [], {"opt1": 1, "opt32": -32, "opt63": 63}),
    ("internal_test_63_optargs", [], {f"opt{i}": i * 1000 for i in range(1, 64)}),
]

#: Values each internal_test_r* action is asked to return (ones the stock
#: binding handles without crashing: it segfaults on "-1" for rint).
RETURN_VALUES: dict[str, list[str]] = {
    "rint": ["0", "1", "-2", "2147483647", " 5", "5x", "0x10", "010", "abc", ""],
    "rint64": ["0", "3", "-2", "9223372036854775807", "-9223372036854775808", " 5", "0x10", "010",
               "abc", ""],
    "rbool": ["true", "false", "1", ""],
    "rconststring": ["x", ""],
    "rconstoptstring": ["x", "NULL"],
    "rstring": ["", "abc", "é \u263a", "  spaces  "],
    "rstringlist": ["0", "1", "3"],
    "rstruct": ["0", "1"],
    "rstructlist": ["0", "1", "3"],
    "rhashtable": ["0", "1", "3"],
    "rbufferout": ["", "abc", "é"],
}


def _calls() -> list[list[Any]]:
    calls: list[list[Any]] = [["internal_test", a, kw] for a, kw in INTERNAL_TEST_CALLS]
    calls += [[m, a, kw] for m, a, kw in OPTARGS_ONLY_CALLS]
    encoded: list[list[Any]] = encode_json(calls)
    return encoded


def _return_calls() -> list[list[Any]]:
    calls = []
    for kind, values in RETURN_VALUES.items():
        calls += [[f"internal_test_{kind}", [v], {}] for v in values]
        calls.append([f"internal_test_{kind}err", [], {}])
    return calls


REQUEST: dict[str, Any] = {"cases": [
    {"calls": _calls(), "output": True},
    {"calls": _return_calls()},
    {"calls": _return_calls(), "return_dict": True},
]}


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    return run_binding(REQUEST, stock=False)


@pytest.fixture(scope="module")
def stock() -> dict[str, Any]:
    require_stock()
    return run_binding(REQUEST, stock=True)


def test_internal_test_output_matches_stock(ours: dict[str, Any], stock: dict[str, Any]) -> None:
    assert ours["cases"][0]["results"] == stock["cases"][0]["results"]
    assert all(r == {"ok": None} for r in ours["cases"][0]["results"])
    mine, theirs = ours["cases"][0]["output"].splitlines(), stock["cases"][0]["output"].splitlines()
    assert len(mine) == len(theirs)
    for i, (a, b) in enumerate(zip(mine, theirs)):
        assert a == b, f"line {i}"


@pytest.mark.parametrize("case", [1, 2], ids=["pairs", "return_dict"])
def test_returns_and_errors_match_stock(ours: dict[str, Any], stock: dict[str, Any], case: int) -> None:
    calls = REQUEST["cases"][case]["calls"]
    assert len(ours["cases"][case]["results"]) == len(stock["cases"][case]["results"]) == len(calls)
    for call, a, b in zip(calls, ours["cases"][case]["results"], stock["cases"][case]["results"]):
        assert a == b, call


# -- the same, in-process, against fixed expectations (no stock binding needed) ------

def test_internal_test_output_by_hand(tmp_path: Any) -> None:
    g = guestfs.GuestFS(environment=False)
    out = tmp_path / "out"
    g.internal_test_set_output(str(out))
    g.internal_test("s", None, ["a", "b c"], True, -7, 2**40, "in", "out", b"\x01\xfe",
                    oint=3, ostringlist=["z"])
    g.internal_test_close_output()
    assert out.read_text().splitlines() == [
        "s", "null", '["a", "b c"]', "true", "-7", str(2**40), "in", "out", "<01><fffffffe>",
        "obool: unset", "oint: 3", "oint64: unset", "ostring: unset", 'ostringlist: ["z"]']
    g.close()


def test_returns_by_hand() -> None:
    g = guestfs.GuestFS(environment=False)
    assert g.internal_test_rint("12") == 12
    assert g.internal_test_rint64("0x10") == 16
    assert g.internal_test_rbool("true") == 1 and g.internal_test_rbool("yes") == 0
    assert g.internal_test_rconststring("x") == "static string"
    assert g.internal_test_rconstoptstring("x") == "static string"
    assert g.internal_test_rconstoptstringerr() is None
    assert g.internal_test_rstring("é") == "é"
    assert g.internal_test_rstringlist("3") == ["0", "1", "2"]
    assert g.internal_test_rhashtable("2") == [("0", "0"), ("1", "1")]
    assert g.internal_test_rbufferout("ab") == b"ab"
    pv = g.internal_test_rstruct("0")
    assert pv["pv_name"] == "pv0" and pv["pv_uuid"] == "12345678901234567890123456789012"
    assert [p["pv_size"] for p in g.internal_test_rstructlist("3")] == [0, 1, 2]
    for kind in RETURN_VALUES:
        if kind == "rconstoptstring":
            continue
        with pytest.raises(RuntimeError, match="^error$"):
            getattr(g, f"internal_test_{kind}err")()
    with pytest.raises(RuntimeError, match="^internal_test_rint: expecting int argument$"):
        g.internal_test_rint("abc")
    g.close()


def test_python_return_dict_shape() -> None:
    g = guestfs.GuestFS(python_return_dict=True, environment=False)
    assert g.internal_test_rhashtable("2") == {"0": "0", "1": "1"}
    assert g.internal_test_rhashtable("0") == {}
    g.close()
