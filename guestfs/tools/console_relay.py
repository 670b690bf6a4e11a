"""The terminal relay of virt-rescue: the user's terminal to the appliance's
serial console and back, with the escape-key commands.

The terminal is put in raw mode (when it is one), so keys such as ^C and ^Z
reach the rescue shell; the escape key (``^]`` unless ``-e`` says otherwise)
followed by a letter talks to virt-rescue itself instead.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import termios
import tty
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: End of transmission: sent when standard input ends, so the shell exits.
EOT = b"\x04"
#: Seconds of console silence, after input ended, before each ^D.
EOT_QUIET = 1.0


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` (os.write may take only part)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def key_name(key: int) -> str:
    """How an escape key is shown: ``^]`` for a control character."""
    return f"^{chr(key + 64)}" if key < 32 else chr(key)


def parse_escape(word: str) -> int | None:
    """``-e``'s argument as a key code (None for ``none``).

    :raises ValueError: anything but ``none`` or ``^x`` (x from A to _).
    """
    if word == "none":
        return None
    if len(word) == 2 and word[0] == "^" and "A" <= word[1].upper() <= "_":
        return ord(word[1].upper()) - 64
    raise ValueError(word)


@dataclass
class Commands:
    """What the escape sequences do besides quitting (bound by the tool)."""

    sync: Callable[[], str]
    unmount: Callable[[], str]
    info: Callable[[], str]
    extra: dict[bytes, Callable[[], str]] = field(default_factory=dict)


def help_text(key: int) -> str:
    """The ``^] h`` text (our own words)."""
    k = key_name(key)
    rows = (("? or h", "this help"), ("i", "what inspection found (with -i)"),
            ("q or x", "quit virt-rescue now"), ("s", "sync the guest's disks"),
            ("u", "unmount the guest's file systems"), ("z", "suspend virt-rescue"),
            (k, f"send {k} itself to the shell"))
    lines = [f"virt-rescue: escape sequences (the escape key is {k}):"]
    lines += [f"  {k} {what:<8} {does}" for what, does in rows]
    return "\r\n" + "\r\n".join(lines) + "\r\n"


class Relay:
    """Copies bytes both ways until the console closes or the user quits."""

    def __init__(self, console: int, escape: int | None, commands: Commands,
                 stdin: int = 0, stdout: int = 1, ready: bytes = b"") -> None:
        self.console = console
        #: Console output that shows the shell is up (its prompt): a ^D sent
        #: before would be lost in the terminal's line mode.
        self.ready = ready
        self._seen: bytes | None = b""
        self._eot_pending = False
        self.escape = escape
        self.commands = commands
        self.stdin = stdin
        self.stdout = stdout
        self._pending_escape = False
        self._saved: list[Any] | None = None

    # -- the terminal ---------------------------------------------------------

    def _raw(self) -> None:
        if os.isatty(self.stdin):
            self._saved = termios.tcgetattr(self.stdin)
            tty.setraw(self.stdin)

    def _restore(self) -> None:
        if self._saved is not None:
            termios.tcsetattr(self.stdin, termios.TCSADRAIN, self._saved)

    def _suspend(self) -> None:
        """``^] z``: stop virt-rescue itself, as ^Z would a program."""
        self._restore()
        os.kill(os.getpid(), signal.SIGTSTP)
        self._raw()

    # -- copying --------------------------------------------------------------

    def _say(self, text: str) -> None:
        write_all(self.stdout, text.encode("utf-8", "replace"))

    def _keys(self, data: bytes) -> tuple[bytes, bool]:
        """The bytes to send for ``data`` typed by the user, and whether to quit."""
        if self.escape is None:
            return data, False
        out = bytearray()
        for b in data:
            if self._pending_escape:
                self._pending_escape = False
                if b == self.escape:
                    out.append(b)
                elif not self._command(bytes([b])):
                    return bytes(out), True
            elif b == self.escape:
                self._pending_escape = True
            else:
                out.append(b)
        return bytes(out), False

    def _command(self, key: bytes) -> bool:
        """Run the escape command ``key``; False means quit."""
        c = self.commands
        actions: dict[bytes, Callable[[], str]] = {
            b"?": lambda: help_text(self.escape or 0x1D), b"h": lambda: help_text(self.escape or 0x1D),
            b"i": c.info, b"s": c.sync, b"u": c.unmount, **c.extra}
        if key in (b"q", b"x"):
            return False
        if key == b"z":
            self._suspend()
            return True
        action = actions.get(key)
        if action is None:
            self._say("\a")  # not a command: a bell, as a terminal would
            return True
        try:
            text = action()
        except Exception as e:  # a failed sync or unmount must not end the shell
            text = f"\r\nvirt-rescue: {e}\r\n"
        self._say(text)
        return True

    def _shell_ready(self, data: bytes) -> bool:
        """Whether the ready marker has shown on the console (up to ``data``)."""
        if not self.ready:
            return True
        if self._seen is not None:
            self._seen = (self._seen + data)[-4096:]
            if self.ready not in self._seen:
                return False
            self._seen = None  # seen once is enough
        return True

    def run(self) -> None:
        """Relay until the appliance closes its console or the user quits."""
        self._raw()
        try:
            self._loop()
        finally:
            self._restore()

    def _loop(self) -> None:
        watch = [self.console, self.stdin]
        while True:
            # Once input has ended, each second of console silence after the
            # shell is up sends a ^D: one ends the shell, or first a program
            # still reading the terminal.
            quiet = EOT_QUIET if self._eot_pending and self._shell_ready(b"") else None
            ready, _, _ = select.select(watch, [], [], quiet)
            if not ready:
                write_all(self.console, EOT)
                continue
            if self.console in ready:
                try:
                    data = os.read(self.console, 65536)
                except OSError:
                    data = b""
                if not data:
                    return  # the appliance stopped
                write_all(self.stdout, data)
                self._shell_ready(data)
            if self.stdin in ready:
                data = os.read(self.stdin, 4096)
                if not data:
                    # Input ended (a script): ^D ends the shell, then the VM.
                    watch = [self.console]
                    self._eot_pending = True
                    continue
                send, quit_now = self._keys(data)
                if send:
                    write_all(self.console, send)
                if quit_now:
                    return


def flush_stdio() -> None:
    """Flush Python's buffers before the relay writes to the descriptors."""
    sys.stdout.flush()
    sys.stderr.flush()
