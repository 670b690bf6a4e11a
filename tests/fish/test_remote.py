"""``--listen`` / ``--remote`` between our guestfish and stock's, both ways (no VM).

Each pairing (stock server with our client, our server with stock's
client, ours with ours) runs the same session, and its output is compared
with the session between two stock programs: output through the passed
descriptor, pipes on the client's side, ``-`` commands, a failing command
that ends the server, then the client's complaint that nobody listens.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from guestfs.fish.remote import socket_path

from .fishrun import OUR_GUESTFISH, STOCK_GUESTFISH, our_env, require_ours, require_stock, stock_env

pytestmark = pytest.mark.stock

SCRIPT = "echo a\necho b | tr a-z A-Z\n-foo\nset-memsize 600\nget-memsize\necho 'c d'\n"


def _env(program: str) -> dict[str, str]:
    env = stock_env() if program == STOCK_GUESTFISH else our_env()
    env["PATH"] = os.path.dirname(program) + os.pathsep + env.get("PATH", "")
    return env


def _session(server: str, client: str, tmp: Path) -> list[tuple[int, str, str]]:
    """Run the session; returns (status, stdout, stderr) of each client call."""
    env_s = _env(server)
    # Files, not pipes: the server keeps the descriptors it inherited, and
    # only the starting process is waited for.
    out_file, err_file = tmp / "listen.out", tmp / "listen.err"
    with open(out_file, "wb") as fo, open(err_file, "wb") as fe:
        status = subprocess.call(["guestfish", "--listen"], env=env_s, stdin=subprocess.DEVNULL,
                                 stdout=fo, stderr=fe, timeout=60)
    assert status == 0, err_file.read_text()
    m = re.fullmatch(r"GUESTFISH_PID=(\d+); export GUESTFISH_PID\n", out_file.read_text())
    assert m, out_file.read_text()
    pid = int(m.group(1))
    env_c = _env(client)
    env_c["GUESTFISH_PID"] = str(pid)
    calls: list[tuple[list[str], str]] = [
        (["--remote", "echo", "hi", "a b"], ""),
        (["--remote", "--", "-set-memsize", "x"], ""),
        (["--remote"], SCRIPT),
        ([f"--remote={pid}", "set-memsize", "y"], ""),  # fails: the server leaves
        (["--remote", "echo", "gone"], ""),
    ]
    out = []
    try:
        for args, stdin in calls:
            r = subprocess.run(["guestfish", *args], env=env_c, input=stdin, capture_output=True,
                               text=True, timeout=60, check=False)
            out.append((r.returncode, r.stdout, r.stderr.replace(str(pid), "PID")))
            time.sleep(0.2)
        deadline = time.monotonic() + 30
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pid), "the server did not leave after a failing command"
    finally:
        if _alive(pid):
            os.kill(pid, signal.SIGTERM)
    assert not os.path.exists(socket_path(pid)), "the server left its socket behind"
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def stock_session(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, str, str]]:
    require_stock()
    return _session(STOCK_GUESTFISH, STOCK_GUESTFISH, tmp_path_factory.mktemp("rc"))


@pytest.mark.parametrize("server, client", [
    (STOCK_GUESTFISH, OUR_GUESTFISH), (OUR_GUESTFISH, STOCK_GUESTFISH), (OUR_GUESTFISH, OUR_GUESTFISH),
], ids=["stock-server", "stock-client", "ours-both"])
def test_remote_session(server: str, client: str, stock_session: list[tuple[int, str, str]],
                        tmp_path: Path) -> None:
    require_ours()
    assert _session(server, client, tmp_path) == stock_session
    # The session did something: output came back through the passed descriptor.
    assert stock_session[0][:2] == (0, "hi a b\n")


def test_remote_without_a_pid() -> None:
    require_ours()
    env = our_env()
    env.pop("GUESTFISH_PID", None)
    r = subprocess.run([OUR_GUESTFISH, "--remote", "echo"], env=env, capture_output=True, text=True,
                       timeout=60, check=False)
    assert (r.returncode, r.stderr) == \
        (1, "guestfish: remote: $GUESTFISH_PID must be set to the PID of the remote process\n")
