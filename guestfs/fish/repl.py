"""The interactive ``><fs>`` prompt: readline editing, history and completion.

History is kept in ``~/.guestfish`` (as stock guestfish does); completion
offers command names for the first word, then device names and, once the
appliance runs, guest paths (unless ``--no-dest-paths``).  The shell itself
(``shell.py``) runs each line.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .shell import Shell

HISTORY_FILE = os.path.join(os.path.expanduser("~"), ".guestfish")
HISTORY_LENGTH = 500


def _guest_paths(shell: Shell, text: str) -> list[str]:
    """Guest paths starting with ``text`` (directories get a ``/``)."""
    if not shell.dest_paths or not shell.g.is_ready():
        return []
    head, _, tail = text.rpartition("/")
    directory = head or "/"
    try:
        names = shell.g.ls(directory)
    except Exception:
        return []
    out = []
    for name in names:
        if name.startswith(tail):
            full = f"{head}/{name}"
            try:
                if shell.g.is_dir(full):
                    full += "/"
            except Exception:
                pass
            out.append(full)
    return out


def _devices(shell: Shell, text: str) -> list[str]:
    if not shell.g.is_ready():
        return []
    names: list[str] = []
    for call in ("list_devices", "list_partitions", "lvs"):
        try:
            names += getattr(shell.g, call)()
        except Exception:
            pass
    return [n for n in names if n.startswith(text)]


def completions(shell: Shell, line: str, text: str) -> list[str]:
    """What TAB offers for ``text``, the word being typed on ``line``."""
    before = line[: len(line) - len(text)]
    if not before.strip() or before.strip() == "-":
        return [n + " " for n in shell.table.names() if n.startswith(text)]
    if text.startswith("/dev/"):
        return _devices(shell, text)
    if text.startswith("/"):
        return _guest_paths(shell, text)
    return []


def read_lines(shell: Shell) -> Iterator[str]:
    """Lines typed at the prompt until end of input (history saved at the end)."""
    try:
        import readline
    except ImportError:  # no readline: plain input() still works
        readline = None  # type: ignore[assignment]
    if readline is not None:
        with contextlib.suppress(OSError):
            readline.read_history_file(HISTORY_FILE)
        readline.set_history_length(HISTORY_LENGTH)
        readline.set_completer_delims(" \t")
        matches: list[str] = []

        def complete(text: str, state: int) -> str | None:
            nonlocal matches
            if state == 0:
                matches = completions(shell, readline.get_line_buffer(), text)
            return matches[state] if state < len(matches) else None
        readline.set_completer(complete)
        readline.parse_and_bind("tab: complete")
    from .shell import PROMPT
    try:
        while True:
            try:
                text = input(PROMPT)
            except EOFError:
                shell.out("\n")
                return
            except KeyboardInterrupt:
                shell.out("\n")
                continue
            yield text
    finally:
        if readline is not None:
            with contextlib.suppress(OSError):
                readline.write_history_file(HISTORY_FILE)
