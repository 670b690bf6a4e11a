"""The guestfish shell: runs command lines, scripts and the interactive loop.

One :class:`Shell` holds the handle, the command table (``commands.py``,
``local.py``) and the error policy.  A line is split by ``parser.py``; lines
starting with ``!`` run on the host, ``<! cmd`` runs ``cmd`` and executes
its output as commands, ``#`` starts a comment.  Outside the interactive
loop the first failing command ends the run with status 1 (unless typed
with a leading ``-``), as stock guestfish does; library errors are printed
as ``libguestfs: error: …`` with ``FILE:LINE: `` in front in scripts.
"""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

from ..errors import GuestFSError
from .commands import CommandTable, FishCommand
from .parser import CommandLine, FishSyntaxError, parse_command

if TYPE_CHECKING:
    from ..actions import Action
    from ..handle import GuestFS
    from .progress import ProgressBar

PROMPT = "><fs> "
#: What stock prints after an unknown first command: where to look next.
FIRST_COMMAND_HINT = ("Did you mean to open a disk image?  guestfish -a disk.img\n"
                      "For a list of commands:             guestfish -h\n"
                      "For complete documentation:         man guestfish")


class ExitShell(Exception):
    """``exit``/``quit``: leave the shell with the current status."""


class Shell:
    """The state one guestfish run shares between its commands."""

    def __init__(self, g: GuestFS, table_local: Sequence[FishCommand] | None = None,
                 echo_commands: bool = False, keys_from_stdin: bool = False,
                 echo_keys: bool = False) -> None:
        from .local import local_commands
        self.g = g
        self.table = CommandTable(local_commands() if table_local is None else table_local)
        self.echo_commands = echo_commands
        self.keys_from_stdin = keys_from_stdin
        self.echo_keys = echo_keys
        #: ``FILE:LINE`` for error messages (set by tests; scripts count
        #: their own lines, keys read from them included).
        self._where: str | None = None
        self._source: str | None = None
        self.interactive = False
        #: No command has run yet (an unknown one gets the hint).
        self.first_command = True
        #: Event handlers: (name, event handle, event set as typed, script).
        self.events: list[tuple[str, int, str, str]] = []
        #: TAB completes guest paths (off with ``--no-dest-paths``).
        self.dest_paths = True
        #: A failing host pipeline fails the command (``--pipe-error``).
        self.pipe_error = False
        #: ``--remote``: the listening guestfish every command is sent to.
        self.remote_pid: int | None = None
        #: The lines of the script running (here-documents read from them).
        self._lines: Iterator[str] | None = None
        #: Drawn from progress events when progress bars are on.
        self.progress: ProgressBar | None = None
        #: Why standard output could not be written (reported at exit).
        self.output_error: str | None = None
        #: Standard output is a host pipeline's input; its reader may be gone.
        self._piping = False

    @property
    def where(self) -> str | None:
        """``FILE:LINE`` of the last script line read, or None outside scripts."""
        if self._source is not None and isinstance(self._lines, _Numbered):
            return f"{self._source}:{self._lines.number}"
        return self._where

    @where.setter
    def where(self, value: str | None) -> None:
        self._where = value

    # -- output ---------------------------------------------------------

    @property
    def stdout(self) -> IO[bytes]:
        """Standard output as bytes (looked up each time: pipes and tests
        replace it)."""
        return sys.stdout.buffer

    def out(self, data: bytes | str) -> None:
        """Write to standard output (flushed: host commands share the fd)."""
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        if data and self.output_error is None:
            try:
                self.stdout.write(data)
                self.stdout.flush()
            except BrokenPipeError:
                if not self._piping:
                    raise
                # As stock: a pipeline that stopped reading (``| head``,
                # ``| false``) drops the rest of the output, not the command.
            except OSError as e:
                # As stock, whose buffered output fails only when flushed at
                # exit: the commands go on, the run fails at the end.
                self.output_error = e.strerror or str(e)

    def err(self, message: str) -> None:
        """One message on standard error (a newline is added)."""
        sys.stdout.flush()
        sys.stderr.buffer.write((message + "\n").encode("utf-8", "surrogateescape"))
        sys.stderr.flush()

    def library_error(self, message: str) -> None:
        """A library error as the handle's error handler prints it."""
        prefix = f"{self.where}: " if self.where else ""
        self.err(f"{prefix}libguestfs: error: {message}")

    # -- calling the library ----------------------------------------------

    def call(self, act: Action, args: Sequence[Any], opts: dict[str, Any]) -> tuple[bool, Any]:
        """Run one action through the handle's call path.

        :returns: (True, the result), or (False, None) once the error is printed.
        """
        try:
            return True, self.g._invoke(act, tuple(args), opts)
        except GuestFSError as e:
            self.library_error(str(e))
        except (ValueError, TypeError, OverflowError, OSError) as e:
            # The binding's own checks (text no C string can carry …).
            self.library_error(str(e))
        return False, None

    def enable_progress_bars(self) -> None:
        """Draw progress bars for this handle's long calls (again after reopen)."""
        from ..events import EVENT_PROGRESS
        from .progress import ProgressBar
        if self.progress is None:
            self.progress = ProgressBar()
        self.g.set_event_callback(self.progress.event, EVENT_PROGRESS)

    def finish(self) -> bool:
        """Shut the appliance down (syncing) and close the handle, as stock
        does on the way out; False if the shutdown failed (printed)."""
        from ..actions import ACTIONS
        ok = self.call(ACTIONS["shutdown"], (), {})[0]
        try:
            self.g.close()
        except GuestFSError as e:
            self.library_error(str(e))
            ok = False
        return ok

    def read_key(self, name: str) -> str:
        """A Key argument: asked for on the terminal without echo, or one
        line of standard input with ``--keys-from-stdin``."""
        prompt = f'Enter key or passphrase ("{name}"): '
        if self.keys_from_stdin:
            # The script may be standard input too: the key is its next line.
            if self._source == "*stdin*" and self._lines is not None:
                line = next(self._lines, "")
            else:
                line = sys.stdin.readline()
            return line.rstrip("\n")
        if self.echo_keys:
            sys.stderr.write(prompt)
            sys.stderr.flush()
            try:
                with open("/dev/tty") as tty:
                    return tty.readline().rstrip("\n")
            except OSError:
                return sys.stdin.readline().rstrip("\n")
        return getpass.getpass(prompt)

    def here_document(self, end: str) -> str:
        """``upload -<<END /path``: the script's next lines up to one that is
        ``END``, in a temporary file whose name is returned."""
        import tempfile
        fd, path = tempfile.mkstemp(prefix="guestfish-heredoc-")
        with os.fdopen(fd, "wb") as f:
            lines = self._lines if self._lines is not None else iter_stream(sys.stdin.buffer)
            for text in lines:
                if text.rstrip("\n") == end:
                    break
                f.write(text.encode("utf-8", "surrogateescape"))
        return path

    def forget_here_document(self, path: str) -> None:
        """Remove a here-document's temporary file."""
        try:
            os.unlink(path)
        except OSError:
            pass

    # -- running commands -------------------------------------------------

    def run_words(self, name: str, args: list[str], exit_on_error: bool = True) -> int:
        """Run one command by name with its words: 0, or -1 on failure
        (the message is already printed).

        :param exit_on_error: what a remote server is told (``-cmd``).
        """
        if self.echo_commands:
            self.err(" ".join([name, *args]))
        if self.remote_pid is not None:
            from .remote import RemoteError, send_command
            sys.stdout.flush()
            try:
                return send_command(self.remote_pid, name, args, exit_on_error)
            except RemoteError as e:
                self.err(str(e))
                return -1
        cmd = self.table.lookup(name)
        first, self.first_command = self.first_command, False
        if self.progress is not None:
            self.progress.reset()
        if cmd is None:
            self.err(f"{name}: unknown command")
            if first:
                self.err(FIRST_COMMAND_HINT)
            return -1
        return cmd.run(self, name, args)

    def run_parsed(self, line: CommandLine) -> int:
        """Run a parsed command, through its host pipeline if it has one."""
        if line.pipe is None:
            return self.run_words(line.name, line.args, line.exit_on_error)
        return self._run_piped(line)

    def _run_piped(self, line: CommandLine) -> int:
        """Standard output of the command goes into ``sh -c PIPE``."""
        sys.stdout.flush()
        saved = os.dup(1)
        proc = subprocess.Popen(line.pipe or "", shell=True, stdin=subprocess.PIPE)
        assert proc.stdin is not None
        try:
            os.dup2(proc.stdin.fileno(), 1)
            proc.stdin.close()
            self._piping = True
            r = self.run_words(line.name, line.args, line.exit_on_error)
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                pass
        finally:
            self._piping = False
            os.dup2(saved, 1)
            os.close(saved)
        status = proc.wait()
        if r == 0 and status != 0 and self.pipe_error:
            return -1
        return r

    def run_line(self, text: str) -> int:
        """One line of a script or the prompt: 0, -1 (failed, stop) or 1
        (failed, but typed with ``-``: carry on)."""
        stripped = text.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            return 0
        if stripped.startswith("!"):
            status = subprocess.call(stripped[1:], shell=True)
            return 0 if status == 0 else -1
        if stripped.startswith("<!"):
            return self._run_host_output(stripped[2:])
        try:
            parsed = parse_command(text)
        except FishSyntaxError as e:
            self.err(f"guestfish: {e}")
            # A line typed with a leading "-" carries on even when it does not parse.
            return 1 if stripped.startswith("-") else -1
        if parsed is None:
            return 0
        r = self.run_parsed(parsed)
        if r != 0 and not parsed.exit_on_error:
            return 1
        return r

    def _run_host_output(self, command: str) -> int:
        """``<! cmd``: the host command's output, run as guestfish commands."""
        proc = subprocess.run(command, shell=True, stdout=subprocess.PIPE, check=False)
        if proc.returncode != 0:
            return -1
        lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
        for ln in lines:
            r = self.run_line(ln)
            if r < 0:
                return r
        return 0

    def run_script(self, lines: Iterable[str], source: str) -> int:
        """Run lines of a script; stop at the first failure.

        :param source: the name in error prefixes (``*stdin*`` or the file).
        :returns: the exit status (0 or 1).
        """
        numbered = _Numbered(lines)
        self._lines, self._source = numbered, source
        try:
            for text in numbered:
                if self.run_line(text.rstrip("\n")) < 0:
                    return 1
        except ExitShell:
            return 0
        finally:
            self._lines = self._source = None
        return 0

    def run_argv_commands(self, commands: Sequence[list[str]]) -> int:
        """Commands given on guestfish's command line (split at ``:``)."""
        try:
            for words in commands:
                name, args = words[0], words[1:]
                exit_on_error = not name.startswith("-")
                if not exit_on_error:
                    name = name[1:]
                if self.run_words(name, args, exit_on_error) != 0 and exit_on_error:
                    return 1
        except ExitShell:
            return 0
        return 0

    # -- the interactive loop -----------------------------------------------

    def interact(self) -> int:
        """Read commands at the ``><fs>`` prompt until ``exit`` or end of input."""
        from .repl import read_lines
        self.interactive = True
        self.out(WELCOME)
        try:
            for text in read_lines(self):
                try:
                    self.run_line(text)
                except KeyboardInterrupt:
                    self.err("")
        except ExitShell:
            pass
        return 0


WELCOME = """
Welcome to guestfish, the shell for looking into and changing
virtual machine disk images (guestfs in Python).

Type: 'help' for the list of commands
      'man' to read the guestfish manual
      'quit' to leave the shell

"""


class _Numbered(Iterator[str]):
    """Script lines that count themselves (here-documents take lines too)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._it = iter(lines)
        self.number = 0

    def __next__(self) -> str:
        text = next(self._it)
        self.number += 1
        return text


def iter_stream(stream: IO[bytes]) -> Iterator[str]:
    """Lines of a binary stream as text (bytes that are not UTF-8 kept)."""
    for raw in stream:
        yield raw.decode("utf-8", "surrogateescape")
