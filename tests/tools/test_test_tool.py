"""libguestfs-test-tool (guestfs/tools/test_tool.py).

Bad usage is compared with stock's tool (exit status and its message; the
usage text and the notice are our own words).  One real run launches an
appliance and must end with the success line, having printed the
settings it ran with.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import guestfs
from guestfs.testing import appliance_missing, skip_or_fail
from guestfs.tools.test_tool import SETTINGS, USAGE
from tests.fish.fishrun import OUR_GUESTFISH, STOCK_GUESTFISH, Run, require_ours, require_stock, run

OURS = os.path.join(os.path.dirname(OUR_GUESTFISH), "libguestfs-test-tool")
STOCK = os.path.join(os.path.dirname(STOCK_GUESTFISH), "libguestfs-test-tool")


def _first_err_line(r: Run) -> str:
    return r.err.decode().splitlines()[0] if r.err else ""


@pytest.mark.stock
@pytest.mark.parametrize("argv", [["--foo"], ["-t"], ["-t", "x"], ["-t", "-1"], ["extra"],
                                  ["--qemu", "/nonexist"], ["--qemudir", "/nonexist"],
                                  ["--timeout"], ["-V"], ["--version"]], ids=" ".join)
def test_bad_usage_as_stock(argv: list[str], tmp_path: Path) -> None:
    require_stock()
    require_ours()
    stock, ours = run(STOCK, argv, cwd=str(tmp_path)), run(OURS, argv, cwd=str(tmp_path))
    assert (ours.status, _first_err_line(ours)) == (stock.status, _first_err_line(stock))
    if argv[0] in ("-V", "--version"):
        assert ours.out == stock.out
    elif ours.status == 0:  # an unknown option or no argument: the usage follows
        assert ours.out.decode() == USAGE


def test_help(tmp_path: Path) -> None:
    require_ours()
    r = run(OURS, ["--help"], cwd=str(tmp_path))
    assert (r.status, r.out.decode(), r.err) == (0, USAGE, b"")


@pytest.mark.appliance
def test_a_real_run(tmp_path: Path) -> None:
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    require_ours()
    r = run(OURS, ["-t", "900"], cwd=str(tmp_path), timeout=900)
    out = r.out.decode(errors="replace")
    assert r.status == 0, r.err.decode(errors="replace")[-2000:]
    assert out.rstrip("\n").endswith("===== TEST FINISHED OK =====")
    got = dict(re.findall(r"^guestfs_get_(\w+): (.*)$", out, re.M))
    assert list(got) == list(SETTINGS)
    g = guestfs.GuestFS(python_return_dict=True)
    try:
        assert got["memsize"] == str(g.get_memsize())
        assert got["smp"] == str(g.get_smp())
        assert got["backend"] == g.get_backend()
    finally:
        g.close()
    assert (got["verbose"], got["program"]) == ("1", "libguestfs-test-tool")
    assert "Launching appliance, timeout set to 900 seconds." in out
    # The verbose launch is there: our appliance's console and the daemon's calls.
    assert "guestfsd: <= part_disk" in out + r.err.decode(errors="replace")


@pytest.mark.appliance
def test_launch_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """-t 1: the launch is given up (the VM torn down), status 1, one message."""
    why = appliance_missing()
    if why:
        skip_or_fail(why)
    require_ours()
    # A cold boot (a restore of the saved appliance can answer within the second).
    monkeypatch.setenv("GUESTFS_SAVED_APPLIANCE", "0")
    r = run(OURS, ["-t", "1"], cwd=str(tmp_path), timeout=120)
    assert r.status == 1
    assert r.err.decode().splitlines()[-1] == \
        "libguestfs-test-tool: timed out launching the appliance after 1 seconds"
    assert b"TEST FINISHED OK" not in r.out
