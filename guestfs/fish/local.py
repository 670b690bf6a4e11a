"""guestfish's local commands: the ones that are not registry actions.

Each is one function in :data:`_LOCAL` with its usage and summary; they
join the action commands in the table (``commands.py``).  Messages and exit
behaviour are stock guestfish 1.48's, watched on the same inputs; the help
texts are ours.  Editors and pagers on downloaded copies (``edit``,
``more``, ``display``) use the environment's ``EDITOR`` / ``PAGER`` as
stock does.
"""

from __future__ import annotations

import fnmatch
import itertools
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..actions import ACTIONS
from ..actions.kinds import LONGINT_OK, xstrtoll
from ..events import EVENT_ALL, event_to_string
from .commands import FishCommand
from .shell import ExitShell

if TYPE_CHECKING:
    from .shell import Shell

Impl = Callable[["Shell", str, list[str]], int]
#: Each single event's name (``close``, ``trace`` …) and bit, in bit order.
EVENT_BITS = {event_to_string(1 << i): 1 << i for i in range(EVENT_ALL.bit_length())}


@dataclass(frozen=True)
class _Local:
    name: str
    summary: str
    synopsis: str
    description: str
    impl: Impl
    aliases: tuple[str, ...] = ()
    #: Names it also answers to that the list of commands does not show.
    hidden: tuple[str, ...] = ()


def _act(shell: Shell, name: str, *args: Any, **opts: Any) -> tuple[bool, Any]:
    """Run a registry action from a local command (errors printed)."""
    return shell.call(ACTIONS[name], args, opts)


def _usage(shell: Shell, text: str) -> int:
    shell.err(text)
    return -1


# -------------------------------------------------------------------------
# the commands
# -------------------------------------------------------------------------


#: What bare ``help`` says, before and after launch (stock's says the same
#: things, where to start and where to look next).
_HELP_INTRO = {
    True: "No disk is attached yet: name one with ‘-a’ or ‘-d’ on the command line\n"
          "or with the ‘add’ command, or make a new one with ‘-N’, ‘alloc’ or\n"
          "‘sparse’; then type ‘run’.\n",
    False: "‘list-filesystems’ shows what the disks hold; mount one with ‘mount’\n"
           "(or ‘mount-ro’) to look inside it or change it.\n",
}
_HELP_MORE = "\n‘help cmd’ describes a command, ‘help -l’ lists them all, and ‘man’\nopens the manual.\n\n"


def _help(shell: Shell, typed: str, args: list[str]) -> int:
    if not args:
        shell.out(_HELP_INTRO[bool(shell.g.is_config())] + _HELP_MORE)
        return 0
    if args in (["-l"], ["--list"]):
        shell.out(shell.table.listing())
        return 0
    if len(args) > 1:
        return _usage(shell, "use 'help', 'help <cmd>' or 'help -l|--list' to list all commands")
    cmd = shell.table.lookup(args[0])
    if cmd is None:
        shell.err(f"{args[0]}: command not known: use -h to list all commands")
        return -1
    shell.out(cmd.help_text() + "\n\n")
    return 0


def _quit(shell: Shell, typed: str, args: list[str]) -> int:
    raise ExitShell()


def _echo(shell: Shell, typed: str, args: list[str]) -> int:
    shell.out(" ".join(args) + "\n")
    return 0


def parse_size(shell: Shell, word: str) -> int | None:
    """A size word as ``alloc`` and ``-N`` read it (``10M``, ``1G`` …)."""
    err, value = xstrtoll(word)
    if err != LONGINT_OK or value < 0:
        shell.err(f"parse_size: invalid integer parameter (xstrtoull returned {err or 4})")
        return None
    return value


def _make_disk(shell: Shell, typed: str, args: list[str], sparse: bool) -> int:
    if len(args) != 2:
        what = "sparse" if sparse else "alloc"
        noun = "a sparse image" if sparse else "an image"
        return _usage(shell, f"use '{what} file size' to create {noun}")
    size = parse_size(shell, args[1])
    if size is None:
        return -1
    # disk_create, as stock's alloc: its checks (a size of 0) and its messages.
    ok, _ = _act(shell, "disk_create", args[0], "raw", size,
                 preallocation="sparse" if sparse else "full")
    if ok:
        ok, _ = _act(shell, "add_drive", args[0], format="raw")
    return 0 if ok else -1


def create_disk(path: str, size: int, sparse: bool) -> None:
    """Make a raw disk of ``size`` bytes: holes (``sparse``) or allocated."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOCTTY, 0o666)
    try:
        if sparse or size == 0:
            os.ftruncate(fd, size)
        else:
            os.posix_fallocate(fd, 0, size)
    finally:
        os.close(fd)


def _alloc(shell: Shell, typed: str, args: list[str]) -> int:
    return _make_disk(shell, typed, args, sparse=False)


def _sparse(shell: Shell, typed: str, args: list[str]) -> int:
    return _make_disk(shell, typed, args, sparse=True)


def _lcd(shell: Shell, typed: str, args: list[str]) -> int:
    if len(args) != 1:
        return _usage(shell, "use 'lcd directory' to change local directory")
    try:
        os.chdir(args[0])
    except OSError as e:
        shell.err(f"{args[0]}: {e.strerror}")
        return -1
    return 0


def _glob(shell: Shell, typed: str, args: list[str]) -> int:
    if not args:
        return _usage(shell, "use 'glob command [args...]'")
    choices: list[list[str]] = []
    for word in args[1:]:
        if word.startswith("/dev/"):
            found = _device_glob(shell, word)
            if found is None:
                return -1
            choices.append(found or [word])
        elif word.startswith("/"):
            ok, found = _act(shell, "glob_expand", word)
            if not ok:
                shell.err(f"glob: guestfs_glob_expand call failed: {word}")
                return -1
            choices.append(list(found) or [word])
        else:
            choices.append([word])
    status = 0
    for combo in itertools.product(*choices):
        if shell.run_words(args[0], list(combo)) != 0:
            status = -1
    return status


def _device_glob(shell: Shell, pattern: str) -> list[str] | None:
    """Device names matching a ``/dev/`` pattern: matched here, component by
    component (``*`` stops at ``/``), against the appliance's devices,
    partitions, md devices and logical volumes, as stock does (the guest's
    file system knows nothing of them)."""
    names: list[str] = []
    for call in ("list_devices", "list_partitions", "list_md_devices", "lvs"):
        ok, found = _act(shell, call)
        if not ok:
            return None
        names += found
    parts = pattern.split("/")
    return [n for n in names if len(n.split("/")) == len(parts)
            and all(fnmatch.fnmatchcase(a, b) for a, b in zip(n.split("/"), parts))]


def _setenv(shell: Shell, typed: str, args: list[str]) -> int:
    if len(args) != 2:
        return _usage(shell, "use 'setenv VAR value' to set an environment variable")
    os.environ[args[0]] = args[1]
    return 0


def _unsetenv(shell: Shell, typed: str, args: list[str]) -> int:
    if len(args) != 1:
        return _usage(shell, "use 'unsetenv VAR' to unset an environment variable")
    os.environ.pop(args[0], None)
    return 0


def _time(shell: Shell, typed: str, args: list[str]) -> int:
    if not args:
        return _usage(shell, "use 'time command [args...]'")
    start = time.monotonic()
    r = shell.run_words(args[0], args[1:])
    elapsed = time.monotonic() - start
    shell.out(f"elapsed time: {int(elapsed)}.{int(elapsed * 100) % 100:02d} seconds\n")
    return r


def _supported(shell: Shell, typed: str, args: list[str]) -> int:
    ok, groups = _act(shell, "available_all_groups")
    if not ok:
        return -1
    width = max((len(x) for x in groups), default=0)
    for name in groups:
        try:
            shell.g.available([name])
            have = "yes"
        except Exception:
            have = "no"
        shell.out(f"{name:>{width}} {have}\n")
    return 0


def _copy_in(shell: Shell, typed: str, args: list[str]) -> int:
    if len(args) < 2:
        return _usage(shell, "use 'copy-in <local> [<local>...] <remotedir>' to copy files into the image")
    for local in args[:-1]:
        ok, _ = _act(shell, "copy_in", local, args[-1])
        if not ok:
            return -1
    return 0


def _copy_out(shell: Shell, typed: str, args: list[str]) -> int:
    if len(args) < 2:
        return _usage(shell, "use 'copy-out <remote> [<remote>...] <localdir>' "
                             "to copy files out of the image")
    for remote in args[:-1]:
        ok, _ = _act(shell, "copy_out", remote, args[-1])
        if not ok:
            return -1
    return 0


def _parse_events(shell: Shell, text: str) -> int | None:
    """An event set as stock reads it: ``*``, or comma-separated names where
    a name may be shortened (the first event, in bit order, it begins wins:
    ``l`` is ``launch_done``); empty names are skipped."""
    if text == "*":
        return EVENT_ALL
    mask = 0
    for name in text.split(","):
        if not name:
            continue
        bit = next((b for n, b in EVENT_BITS.items() if n.startswith(name)), None)
        if bit is None:
            shell.err(f"unknown event name: {name}")
            return None
        mask |= bit
    return mask


def _event_names(mask: int) -> str:
    """How ``list-events`` shows an event set (``*`` for all of them)."""
    return "*" if mask == EVENT_ALL else event_to_string(mask)


def _event(shell: Shell, typed: str, args: list[str]) -> int:
    if len(args) != 3:
        return _usage(shell, "use 'event <name> <eventset> <script>' to register an event handler")
    name, evset, script = args
    mask = _parse_events(shell, evset)
    if mask is None:
        return -1

    def fire(event: int, eh: int, buf: str | None, array: Any) -> None:
        words = ([buf] if buf else []) + [str(x) for x in array]
        env = dict(os.environ, EVENT=event_to_string(event))
        sh = os.environ.get("SHELL") or "/bin/sh"
        shell.stdout.flush()
        # $0 is empty and the event's message and numbers are $1, $2 …, as stock.
        subprocess.call([sh, "-c", script, "", *words], env=env)

    try:
        eh = shell.g.set_event_callback(fire, mask)
    except (RuntimeError, TypeError) as e:  # an empty event set, refused by the library
        shell.err(f"event: {e}")
        return -1
    shell.events.append((name, eh, _event_names(mask), script))
    return 0


def _delete_event(shell: Shell, typed: str, args: list[str]) -> int:
    if len(args) != 1:
        return _usage(shell, "use 'delete-event <name>' to delete an event handler")
    mine = [e for e in shell.events if e[0] == args[0]]
    if not mine:
        shell.err(f"delete-event: {args[0]}: no such event handler")
        return -1
    for e in mine:
        shell.g.delete_event_callback(e[1])
        shell.events.remove(e)
    return 0


def _list_events(shell: Shell, typed: str, args: list[str]) -> int:
    if args:
        return _usage(shell, "use \u2018list-events\u2019 to list event handlers")
    for name, eh, evset, script in sorted(shell.events, key=lambda e: (e[0], e[1])):
        shell.out(f'"{name}" ({eh}): {evset}: {script}\n')
    return 0


def _with_local_copy(shell: Shell, path: str, program: str, upload: bool) -> int:
    """Download a guest file, run a host command on the copy (through the
    shell, as stock: ``EDITOR`` may hold arguments and redirections), and
    upload it again when ``upload`` and it changed.  An edited symbolic
    link changes the file it points to."""
    if upload:
        ok, path = _act(shell, "realpath", path)
        if not ok:
            return -1
    tmpdir = tempfile.mkdtemp(prefix="guestfish-")
    try:
        local = os.path.join(tmpdir, os.path.basename(path.rstrip("/")) or "file")
        ok, _ = _act(shell, "download", path, local)
        if not ok:
            return -1
        before = os.stat(local).st_mtime_ns, os.path.getsize(local)
        status = _system(f"{program} {shlex.quote(local)}")
        if status != 0:
            shell.err(f"{program}: command failed with status {status}")
            return -1
        after = os.stat(local).st_mtime_ns, os.path.getsize(local)
        if upload and after != before:
            ok, _ = _act(shell, "upload", local, path)
            return 0 if ok else -1
        return 0
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _program(var: str, default: str) -> str:
    """The host command in ``var`` (a shell fragment), or ``default``."""
    return os.environ.get(var) or default


def _system(command: str) -> int:
    """Run a shell command on guestfish's terminal; its exit status."""
    sys.stdout.flush()
    return subprocess.call(command, shell=True)


def _edit(shell: Shell, typed: str, args: list[str]) -> int:
    if len(args) != 1:
        return _usage(shell, f"use '{typed} filename' to edit a file")
    editor = {"vi": "vi", "emacs": "emacs"}.get(typed) or _program("EDITOR", "vi")
    return _with_local_copy(shell, args[0], editor, upload=True)


def _more(shell: Shell, typed: str, args: list[str]) -> int:
    if len(args) != 1:
        return _usage(shell, f"use '{typed} filename' to page a file")
    pager = "less" if typed == "less" else _program("PAGER", "more")
    return _with_local_copy(shell, args[0], pager, upload=False)


def _display(shell: Shell, typed: str, args: list[str]) -> int:
    if len(args) != 1:
        return _usage(shell, "display filename")
    return _with_local_copy(shell, args[0], _program("GUESTFISH_DISPLAY_IMAGE", "display"), upload=False)


def _hexedit(shell: Shell, typed: str, args: list[str]) -> int:
    if not 1 <= len(args) <= 3:
        return _usage(shell, "hexedit (device|filename) [max | start max]")
    path = args[0]
    size_call = "blockdev_getsize64" if path.startswith("/dev/") else "filesize"
    ok, size = _act(shell, size_call, path)
    if not ok:
        return -1
    start, count = 0, size
    numbers = []
    for word in args[1:]:
        value = parse_size(shell, word)
        if value is None:
            return -1
        numbers.append(value)
    if len(numbers) == 1:
        count = numbers[0]
    elif len(numbers) == 2:
        start, count = numbers
    if start >= size and size:
        shell.err(f"hexedit: {path}: the start is beyond the end of the file")
        return -1
    count = min(count, size - start)
    tmpdir = tempfile.mkdtemp(prefix="guestfish-")
    try:
        local = os.path.join(tmpdir, "hexedit")
        ok, _ = _act(shell, "download_offset", path, local, start, count)
        if not ok:
            return -1
        with open(local, "rb") as f:
            before = f.read()
        editor = _program("HEXEDITOR", "hexedit")
        status = _system(f"{editor} {shlex.quote(local)}")
        if status != 0:
            shell.err(f"{editor}: command failed with status {status}")
            return -1
        with open(local, "rb") as f:
            after = f.read()
        if after != before:
            ok, _ = _act(shell, "upload_offset", local, path, start)
            return 0 if ok else -1
        return 0
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _man(shell: Shell, typed: str, args: list[str]) -> int:
    if args:
        return _usage(shell, "use \u2018man\u2019 without parameters to open the manual")
    status = subprocess.call(["man", "1", "guestfish"])
    return 0 if status == 0 else -1


def _reopen(shell: Shell, typed: str, args: list[str]) -> int:
    if args:
        return _usage(shell, "\u2018reopen\u2019 command takes no parameters")
    import guestfs
    old = shell.g
    # As stock: the old handle is shut down, its settings read, then closed
    # (its event handlers see all of that); the new one has no handlers.
    ok, _ = _act(shell, "shutdown")
    if not ok:
        return -1
    new = guestfs.GuestFS()
    for setting in ("verbose", "trace", "autosync", "path", "pgroup"):
        getattr(new, f"set_{setting}")(getattr(old, f"get_{setting}")())
    old.close()
    shell.g = new
    shell.events.clear()
    if shell.progress is not None:
        shell.enable_progress_bars()
    return 0


_LOCAL: tuple[_Local, ...] = (
    _Local("help", "show where to start, the list of commands, or the help of one",
           "help [cmd|-l|--list]",
           "With no argument, says what to do next; with -l or --list, lists every "
           "command; with a command, shows its help.", _help),
    _Local("quit", "leave guestfish", "quit", "Leaves the shell (also 'exit' and 'q').",
           _quit, hidden=("exit", "q")),
    _Local("echo", "print the arguments", "echo [params ...]",
           "Prints its words separated by spaces.", _echo),
    _Local("alloc", "make a disk file of a given size and add it", "alloc filename size",
           "Creates (or truncates) a local file, allocating the whole size, and adds it "
           "as a raw drive. Sizes take suffixes such as K, M, G.", _alloc, ("allocate",)),
    _Local("sparse", "make a sparse disk file of a given size and add it", "sparse filename size",
           "Like 'alloc', but the file is made with holes and takes no space yet.", _sparse),
    _Local("lcd", "change the local current directory", "lcd directory",
           "Changes the host directory guestfish works in (for upload, download …).", _lcd),
    _Local("glob", "run a command once for each match of guest wildcards", "glob command args...",
           "Expands each argument that is a guest path with wildcards and runs the command "
           "for every combination.", _glob),
    _Local("setenv", "set an environment variable", "setenv VAR value",
           "Sets a variable in guestfish's environment (host commands see it).", _setenv),
    _Local("unsetenv", "remove an environment variable", "unsetenv VAR",
           "Removes a variable from guestfish's environment.", _unsetenv),
    _Local("time", "run a command and print how long it took", "time command [args...]",
           "Runs the command, then prints the elapsed wall-clock time.", _time),
    _Local("supported", "list the optional groups and whether the appliance has them", "supported",
           "Needs a launched appliance.", _supported),
    _Local("copy-in", "copy local files or directories into the guest",
           "copy-in local [local ...] /remotedir",
           "Copies each local file or directory, recursively, into the guest directory.", _copy_in),
    _Local("copy-out", "copy guest files or directories out to the host",
           "copy-out remote [remote ...] localdir",
           "Copies each guest file or directory, recursively, into the local directory.", _copy_out),
    _Local("event", "run a host shell snippet when a handle event happens",
           "event name eventset \"shell script ...\"",
           "The eventset is a comma-separated list of event names, or '*' for all. The "
           "script gets the message and the event's numbers as $1, $2 …, and the event's "
           "name in $EVENT.", _event),
    _Local("delete-event", "remove the event handlers of a name", "delete-event name",
           "Removes every handler registered under the name.", _delete_event),
    _Local("list-events", "list the event handlers", "list-events",
           "Shows each handler's name, number, events and script.", _list_events),
    _Local("edit", "edit a guest file in a host editor", "edit filename",
           "Downloads the file, runs $EDITOR (vi by default) on it, and uploads it back "
           "when it changed.", _edit, ("vi", "emacs")),
    _Local("more", "page through a guest file", "more filename",
           "Downloads the file and shows it with $PAGER (more by default).", _more, ("less",)),
    _Local("display", "show an image file of the guest", "display filename",
           "Downloads the file and runs $GUESTFISH_DISPLAY_IMAGE (display by default) on it.",
           _display),
    _Local("hexedit", "edit a guest file or device in a host hex editor",
           "hexedit (device|filename) [max | start max]",
           "Downloads the whole file or device, or max bytes from start, runs $HEXEDITOR "
           "(hexedit by default) on the copy and writes the bytes back when they changed.",
           _hexedit),
    _Local("man", "open the guestfish manual page", "man", "Runs man guestfish.", _man,
           ("manual",)),
    _Local("reopen", "close the handle and open a fresh one", "reopen",
           "The new handle keeps the verbose, trace and autosync settings; drives and "
           "event handlers are dropped.", _reopen),
)


def _command(spec: _Local) -> FishCommand:
    def help_text() -> str:
        return "\n".join(["NAME", f"    {spec.name} - {spec.summary}", "", "SYNOPSIS",
                          f"     {spec.synopsis}", "", "DESCRIPTION", f"    {spec.description}"])
    return FishCommand(spec.name, spec.summary, spec.impl, help_text, spec.aliases,
                       hidden_aliases=spec.hidden)


def local_commands() -> list[FishCommand]:
    """The local commands as table entries."""
    return [_command(s) for s in _LOCAL]
