"""``guestfish``: the console entry point (options, then the shell).

The options shared with the other tools (``-a``, ``-d``, ``-m``, ``--ro`` …)
come from ``guestfs/tools/options.py``; guestfish adds its own here (``-f``,
``-N``, ``-n``, ``-h`` …).  Then the drives are added, the appliance is
launched when ``-i``, ``-m`` or ``-N`` need it, and the commands run: those
on the command line (separated by ``:``), else a ``-f`` script, else the
prompt when standard input is a terminal, else standard input as a script.
The exit status is stock's: 0, or 1 after the first failing command.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..actions import ACTIONS
from ..errors import GuestFSError
from ..tools.options import ARGUMENT, Drive, ImageOptions, Sets, UsageError, apply_table, parse_argv
from .parser import split_command_line_args
from .prep import Prepared, PrepError, parse_prep, prep_help

if TYPE_CHECKING:
    from ..handle import GuestFS
    from .shell import Shell

PROG = "guestfish"


@dataclass
class _Names:
    """How this run names itself: ``prog`` in messages and ``Try 'prog
    --help'``, ``argv0`` where getopt and error() print argv[0].  The
    virt-copy-in style wrappers run guestfish under their own names."""

    prog: str = PROG
    argv0: str = PROG


_NAMES = _Names()
SHORT = "f:hnDN:V"
LONG = ("file=", "cmd-help", "new=", "no-sync", "no-dest-paths", "network", "selinux",
        "pipe-error", "progress-bars", "no-progress-bars", "csh", "listen", "remote=?",
        "version", "help")

USAGE = """\
guestfish: the guest filesystem shell
guestfish looks into and changes virtual machine disk images.

Usage:
  guestfish [--options] cmd [: cmd : cmd ...]
Options:
  -h|--cmd-help        List the commands
  -h|--cmd-help cmd    Show the help of 'cmd'
  -a|--add image       Add a disk image
  --blocksize[=512|4096]
                       Sector size of the disks of the -a options after it
  -c|--connect uri     libvirt URI for -d
  --csh                Make --listen csh-compatible
  -d|--domain guest    Add the disks of a libvirt guest
  --echo-keys          Echo passphrases as they are typed
  -f|--file file       Read commands from a file
  --format[=raw|..]    Disk format of the -a options after it
  --help               Show this text
  -i|--inspector       Find the operating system and mount its filesystems
  --key selector       A LUKS key
  --keys-from-stdin    Read passphrases from standard input
  --listen             Listen for remote commands
  -m|--mount dev[:mnt[:opts[:fstype]]]
                       Mount dev on mnt (/ when left out)
  --network            Give the appliance a network
  -N|--new [filename=]type
                       Make a prepared disk (test<N>.img unless named)
  -n|--no-sync         Do not sync on exit (no autosync)
  --no-dest-paths      Do not complete guest paths with TAB
  --pipe-error         Commands piped to the host fail when the pipeline fails
  --progress-bars      Progress bars even when not at a terminal
  --no-progress-bars   No progress bars
  --remote[=pid]       Send commands to a listening guestfish
  -r|--ro              Read-only (recommended when looking only)
  --selinux            Accepted for compatibility; does nothing
  -v|--verbose         Verbose messages
  -V|--version         Show the version and exit
  -w|--rw              Read-write (the default)
  -x                   Trace every library call

To look into a disk image or a libvirt guest:
  guestfish --ro -i -a /path/to/disk.img
  guestfish --ro -i -d name-of-libvirt-domain

Without -i: 'run', then 'list-filesystems', then 'mount' what you need.
See guestfish(1) for the whole story.
"""


@dataclass
class FishOptions:
    """guestfish's own options (the shared ones are an ImageOptions)."""

    script: str | None = None
    preps: list[tuple[int, Prepared]] = field(default_factory=list)
    autosync: bool = True
    dest_paths: bool = True
    network: bool = False
    pipe_error: bool = False
    cmd_help: bool = False
    version: bool = False
    help: bool = False
    prep_help: bool = False
    remote: str | None = None
    listen: bool = False
    csh: bool = False
    #: None: at a terminal only (stock's default).
    progress_bars: bool | None = None


#: guestfish's own options that only set a :class:`FishOptions` attribute.
_FISH_SETS = (
    Sets(("-n", "--no-sync"), "autosync", False),
    Sets(("-D", "--no-dest-paths"), "dest_paths", False),
    Sets(("--network",), "network"),
    Sets(("--pipe-error",), "pipe_error"),
    Sets(("-h", "--cmd-help"), "cmd_help"),
    Sets(("-V", "--version"), "version"),
    Sets(("--help",), "help"),
    Sets(("--remote",), "remote", ARGUMENT),
    Sets(("--listen",), "listen"),
    Sets(("--csh",), "csh"),
    Sets(("--progress-bars",), "progress_bars"),
    Sets(("--no-progress-bars",), "progress_bars", False),
    Sets(("--selinux",), None),  # accepted; SELinux is a handle setting stock ignores here
)


def parse(argv: Sequence[str]) -> tuple[FishOptions, ImageOptions, list[str]]:
    """guestfish's command line.

    :raises UsageError: bad options (the message is printed by :func:`main`).
    :raises PrepError: a bad ``-N``.
    """
    fo = FishOptions()
    image = ImageOptions(_NAMES.prog)

    def extra(opt: str, value: str) -> bool:
        if opt in ("-f", "--file"):
            fo.script = value
        elif opt in ("-N", "--new"):
            if value == "help":
                fo.prep_help = True
                return True
            # The drive takes its place among the -a ones (no existence check).
            prep = parse_prep(value, len(fo.preps) + 1)
            fo.preps.append((len(image.drives), prep))
            image.drives.append(Drive("N", prep.filename, "raw"))
        else:
            return apply_table(_FISH_SETS, fo, opt, value)
        return True

    image, rest = parse_argv(_NAMES.prog, argv, SHORT, LONG, extra, image)
    return fo, image, rest



def main(argv: Sequence[str] | None = None, prog: str = PROG, argv0: str | None = None) -> int:
    """Run guestfish (or a wrapper named ``prog``); returns (and, when
    ``argv`` is None, exits with) its exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    _NAMES.prog, _NAMES.argv0 = prog, argv0 or prog
    try:
        status = _main(args)
    except KeyboardInterrupt:
        status = 1
    except BrokenPipeError:
        # The reader went away (guestfish ... | head): quiet, as stock is.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the interpreter's final flush
        except OSError:
            pass
        status = 1
    if argv is None:
        sys.exit(status)
    return status


def _invoked_as() -> str:
    """How getopt names the program.  Stock prints its argv[0]; a Python
    console script only sees its own path there, so the name it is
    usually typed as is used (wrappers pass their argv[0])."""
    return _NAMES.argv0


def _fail(message: str) -> int:
    sys.stdout.flush()
    sys.stderr.write(f"{_NAMES.prog}: {message}\n")
    return 1


def _main(args: list[str]) -> int:
    try:
        fo, image, rest = parse(args)
    except UsageError as e:
        text = str(e)
        if text.startswith(("unrecognized option", "invalid option", "option ", "access: ")):
            # getopt and error() name the program as it was invoked.
            sys.stderr.write(f"{_invoked_as()}: {text}\n")
            if not text.startswith("access: "):
                sys.stderr.write(f"Try \u2018{_NAMES.prog} --help\u2019 for more information.\n")
            return 1
        return _fail(text)
    except PrepError as e:
        sys.stderr.write(f"{_invoked_as()}: {e}\n")
        return 1
    if fo.help:
        sys.stdout.write(USAGE)
        return 0
    if fo.prep_help:
        sys.stdout.write(prep_help())
        return 0
    remote_pid = None
    if fo.remote is not None:
        text = fo.remote or os.environ.get("GUESTFISH_PID", "")
        if not text:
            sys.stderr.write(f"{_invoked_as()}: remote: $GUESTFISH_PID must be set to the PID "
                             "of the remote process\n")
            return 1
        try:
            remote_pid = int(text)
        except ValueError:
            return _fail(f"remote: '{text}': the process ID is not a number")

    import guestfs

    from .shell import Shell

    g = guestfs.GuestFS()
    try:
        if fo.version:
            v = g.version()
            print(f"{_NAMES.prog} {v['major']}.{v['minor']}.{v['release']}{v['extra']}")
            return 0
        shell = Shell(g, echo_commands=False, keys_from_stdin=image.keys_from_stdin,
                      echo_keys=image.echo_keys)
        shell.dest_paths = fo.dest_paths
        shell.pipe_error = fo.pipe_error
        if fo.cmd_help:
            return _cmd_help(shell, rest)
        if remote_pid is not None:
            shell.remote_pid = remote_pid
            return _run(shell, fo, rest)
        if fo.listen:
            return _listen(shell, fo, image)
        g.set_autosync(fo.autosync)
        image.configure(g)
        interactive = not rest and fo.script is None and sys.stdin.isatty()
        if fo.progress_bars or (fo.progress_bars is None and interactive and sys.stdout.isatty()):
            shell.enable_progress_bars()
        if fo.network:
            g.set_network(True)
        status = _open(shell, fo, image)
        if status:
            return status
        status = _run(shell, fo, rest)
        # As stock: an explicit shutdown (synced, traced) before the close;
        # its failure is the run's failure.
        if status == 0 and not shell.call(ACTIONS["shutdown"], (), {})[0]:
            status = 1
        if shell.output_error is not None:
            sys.stderr.write(f"failed to flush standard output: {shell.output_error}\n")
            status = 1
        return status
    finally:
        _close(g)


def _close(g: GuestFS) -> None:
    try:
        g.close()
    except GuestFSError as e:
        sys.stderr.write(f"libguestfs: error: {e}\n")
    except Exception:
        pass


def _cmd_help(shell: object, rest: list[str]) -> int:
    from .shell import Shell
    assert isinstance(shell, Shell)
    if not rest:
        shell.out(shell.table.listing())
        return 0
    cmd = shell.table.lookup(rest[0])
    if cmd is None:
        shell.err(f"{rest[0]}: command not known: use -h to list all commands")
        return 1
    shell.out(cmd.help_text() + "\n\n")
    return 0


def _open(shell: object, fo: FishOptions, image: ImageOptions) -> int:
    """Add the drives; launch, prepare, inspect and mount when asked to."""
    from .local import create_disk
    from .shell import Shell
    assert isinstance(shell, Shell)
    g = shell.g
    preps = {index: prep for index, prep in fo.preps}
    try:
        for i, d in enumerate(image.drives):
            if d.kind == "N":
                prep = preps[i]
                try:
                    create_disk(d.name, prep.size(), sparse=True)
                except PrepError as e:
                    shell.err(str(e))
                    return _fail(f"error creating prepared disk image \u2018{prep.spec}\u2019 on "
                                 f"\u2018{d.name}\u2019: failed to allocate disk")
                except OSError as e:
                    return _fail(f"{d.name}: {e.strerror}")
        image.add_drives(g)
        if not (image.inspector or image.mounts or fo.preps):
            return 0
        g.launch()
        for i, prep in preps.items():
            dev = "/dev/sd" + _drive_letters(i)
            try:
                prep.setup(g, dev)
            except (GuestFSError, PrepError) as e:
                shell.err(f"libguestfs: error: {e}")
                return _fail(f"error creating prepared disk image \u2018{prep.spec}\u2019 on "
                             f"\u2018{prep.filename}\u2019")
        image.mount(g)
    except UsageError as e:
        text = str(e).replace("{prog}", _NAMES.prog)
        if text.startswith("libguestfs: error:"):
            shell.err(text)
            return 1
        return _fail(text)
    except GuestFSError as e:
        shell.library_error(str(e))
        return 1
    return 0


def _listen(shell: Shell, fo: FishOptions, image: ImageOptions) -> int:
    """``--listen``: a server process in the background; this one prints
    its ``GUESTFISH_PID`` line once it listens (or fails as it failed).

    The fork comes before any launch: the handle's threads do not survive
    a fork, so the server opens the images itself and says when it is ready.
    """
    from .remote import listen, serve
    ready_r, ready_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        os.close(ready_w)
        with os.fdopen(ready_r, "rb") as ready:
            ok = ready.read(1) == b"1"
        if not ok:
            os.waitpid(pid, 0)
            return 1
        if fo.csh:
            print(f"setenv GUESTFISH_PID {pid}")
        else:
            print(f"GUESTFISH_PID={pid}; export GUESTFISH_PID")
        sys.stdout.flush()
        return 0
    # The server.
    status = 1
    try:
        os.close(ready_r)
        os.setsid()
        if _open(shell, fo, image) == 0:
            sock = listen(os.getpid())
            os.write(ready_w, b"1")
            os.close(ready_w)
            null = os.open(os.devnull, os.O_RDWR)
            os.dup2(null, 0)
            os.dup2(null, 1)
            os.close(null)
            status = serve(shell, sock)
        else:
            _close(shell.g)
    finally:
        os._exit(status)


def _drive_letters(index: int) -> str:
    """Drive 0 → ``a``, 25 → ``z``, 26 → ``aa`` (the kernel's names)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def _run(shell: object, fo: FishOptions, rest: list[str]) -> int:
    from .shell import Shell, iter_stream
    assert isinstance(shell, Shell)
    if rest:
        return shell.run_argv_commands(split_command_line_args(rest))
    if fo.script is not None:
        try:
            f = open(fo.script, "rb")  # noqa: SIM115 - closed below
        except OSError as e:
            return _fail(f"open: {fo.script}: {e.strerror}")
        with f:
            return shell.run_script(iter_stream(f), fo.script)
    if sys.stdin.isatty():
        return shell.interact()
    return shell.run_script(iter_stream(sys.stdin.buffer), "*stdin*")


if __name__ == "__main__":
    main()
