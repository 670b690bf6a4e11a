"""Running our guestfish and stock guestfish on the same input, for the tests.

Both run as subprocesses with the same script on standard input in the
same working directory; stock gets TCG (no usable KVM here) and none of
our interpreter's environment.  The results are compared whole: exit
status, standard output and standard error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

from guestfs.testing import skip_or_fail

#: Stock libguestfs 1.48's guestfish (Debian package libguestfs-tools).
STOCK_GUESTFISH = "/usr/bin/guestfish"
#: Ours: the console script next to this interpreter.
OUR_GUESTFISH = os.path.join(os.path.dirname(sys.executable), "guestfish")


@dataclass(frozen=True)
class Run:
    """What one guestfish run gave."""

    status: int
    out: bytes
    err: bytes


def our_env() -> dict[str, str]:
    """Our environment: the same libguestfs variables as stock's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUESTFISH_", "LIBGUESTFS_"))}
    env["LIBGUESTFS_BACKEND"] = "direct"
    env["LIBGUESTFS_BACKEND_SETTINGS"] = "force_tcg"
    return env


def stock_env() -> dict[str, str]:
    """Stock's environment: TCG, direct backend, nothing of ours."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "PYENV", "LIBGUESTFS_", "GUESTFISH_", "VIRTUAL_ENV"))}
    env["LIBGUESTFS_BACKEND"] = "direct"
    env["LIBGUESTFS_BACKEND_SETTINGS"] = "force_tcg"
    return env


def require_stock() -> None:
    """Skip (fail in CI) when stock guestfish is not installed."""
    if not os.access(STOCK_GUESTFISH, os.X_OK):
        skip_or_fail(f"stock guestfish is missing ({STOCK_GUESTFISH}: apt-get install libguestfs-tools)")


def require_ours() -> None:
    """Fail when our console script is not installed (pip install -e .)."""
    assert os.access(OUR_GUESTFISH, os.X_OK), f"{OUR_GUESTFISH}: not installed (pip install -e .)"


def run(program: str, args: list[str], script: str | bytes = b"", cwd: str | None = None,
        timeout: float = 600) -> Run:
    """Run one guestfish (or a tool beside it) with ``script`` on standard input.

    The program is started by its base name from a PATH holding its folder
    first, so stock's and ours name themselves alike in messages.
    """
    data = script.encode() if isinstance(script, str) else script
    stock = os.path.dirname(program) == os.path.dirname(STOCK_GUESTFISH)
    env = stock_env() if stock else our_env()
    env["PATH"] = os.path.dirname(program) + os.pathsep + env.get("PATH", "")
    p = subprocess.run([os.path.basename(program), *args], input=data, capture_output=True, cwd=cwd, env=env,
                       timeout=timeout, check=False)
    return Run(p.returncode, p.stdout, p.stderr)


def both(args: list[str], script: str | bytes = b"", cwd: str | None = None) -> tuple[Run, Run]:
    """(stock's run, our run) on the same input."""
    require_stock()
    require_ours()
    return run(STOCK_GUESTFISH, args, script, cwd), run(OUR_GUESTFISH, args, script, cwd)

