"""The recovery process (``set_recovery_proc``, default on): a library process
killed with its VM running leaves no qemu and no temporary directory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.appliance

#: Launches, prints qemu's pid and the launch's directories, then dies by SIGKILL
#: (no finally, no atexit: only the recovery process can clean up).
SCRIPT = """
import os, sys, guestfs
g = guestfs.GuestFS()
g.set_recovery_proc(sys.argv[1] == "on")
g.add_drive_scratch(16 * 1024 * 1024)
g.launch()
b = g._backend
print(b.proc.pid, b.rundir, b.sockdir, flush=True)
os.kill(os.getpid(), 9)
"""


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _launch_and_die(recovery: str) -> tuple[int, list[str]]:
    env = {k: v for k, v in os.environ.items() if k != "LIBGUESTFS_BACKEND"}
    r = subprocess.run([sys.executable, "-c", SCRIPT, recovery], capture_output=True, text=True,
                       timeout=300, env=env, check=False)
    assert r.returncode == -9, r.stderr
    pid, *dirs = r.stdout.split()
    return int(pid), dirs


def test_killed_library_leaves_nothing() -> None:
    pid, dirs = _launch_and_die("on")
    deadline = time.monotonic() + 20
    while (_running(pid) or any(os.path.exists(d) for d in dirs)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(pid), "qemu outlived the library process"
    assert [d for d in dirs if os.path.exists(d)] == []
    assert not Path(dirs[0]).parent.exists()  # the handle's own temporary directory too

