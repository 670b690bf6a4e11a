"""The interactive prompt driven through a pseudo-terminal (no VM).

Typed lines run as in scripts, TAB completes command names, the up arrow
recalls the previous line, a failing command does not end the shell, and
the history is saved in ``~/.guestfish``.
"""

from __future__ import annotations

import os
import pty
import select
import time
from pathlib import Path

from .fishrun import OUR_GUESTFISH, our_env, require_ours


def _drive(home: Path, keys: list[bytes]) -> tuple[int, bytes]:
    """Type ``keys`` (one chunk after each prompt) and return (status, all output)."""
    env = our_env()
    env["HOME"] = str(home)
    env["TERM"] = "dumb"
    pid, fd = pty.fork()
    if pid == 0:  # the child: guestfish on the terminal
        os.execve(OUR_GUESTFISH, [OUR_GUESTFISH], env)
    out = b""

    def read_until_prompt(timeout: float = 30) -> None:
        nonlocal out
        deadline = time.monotonic() + timeout
        start = len(out)
        while time.monotonic() < deadline:
            if out.count(b"><fs> ", start) and out.endswith(b"><fs> "):
                return
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    return
                if not chunk:
                    return
                out += chunk

    try:
        read_until_prompt()
        for k in keys:
            os.write(fd, k)
            read_until_prompt(5 if k == b"exit\n" else 30)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), out


def test_prompt_completion_history(tmp_path: Path) -> None:
    require_ours()
    status, out = _drive(tmp_path, [b'echo "a  b" \'c\'\n', b"set-mem\t 700\n", b"get-mems\t\n",
                                    b"\x1b[A\n", b"foo\n", b"echo still here\n", b"exit\n"])
    text = out.decode(errors="replace").replace("\r\n", "\n")
    assert status == 0
    assert "Welcome to guestfish" in text
    assert "\na  b c\n" in text
    assert "set-memsize  700" in text  # TAB completed the name and added a space
    assert text.count("\n700\n") == 2  # typed once, recalled once with the up arrow
    assert "foo: unknown command\n" in text
    assert "\nstill here\n" in text
    history = (tmp_path / ".guestfish").read_text().splitlines()
    assert history[-2:] == ["echo still here", "exit"]
    assert "set-memsize  700" in history
