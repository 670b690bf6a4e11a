"""``guestmount``: mount a guest's file systems on a host directory through FUSE.

The image options (``-a``, ``-d``, ``-c``, ``-i``, ``-m``, ``--ro``, ``--rw``,
``--format``, ``--blocksize``, ``-v``, ``-x``, keys) are the shared layer's
(``guestfs/tools/options.py``); guestmount adds ``-o``, ``-n``, ``--fd``,
``--pid-file``, ``--no-fork``, ``--dir-cache-timeout`` and friends.  It
launches, mounts, then calls ``mount_local`` and ``mount_local_run``
(``guestfs/library/fuse.py``) in a worker process that stays in the
background; the foreground process exits 0 once the mount point is ready
(or with the worker's status when it failed), so errors are seen at the
terminal, as stock's are.  ``guestunmount`` (``guestunmount.py``) unmounts.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import ClosedHandle, GuestFSError
from .options import (
    ARGUMENT,
    ImageOptions,
    Sets,
    UsageError,
    apply_table,
    c_int,
    parse_argv,
    report_usage_error,
    usage_hint,
)
from .options import SHORT as SHARED_SHORT

if TYPE_CHECKING:
    from ..handle import GuestFS

PROG = "guestmount"
SHORT = "no:V"
LONG = ("dir-cache-timeout=", "fd=", "fuse-help", "help", "live", "long-options", "no-fork",
        "no-sync", "option=", "pid-file=", "selinux", "short-options", "trace", "version")

USAGE = """\
guestmount: mount a guest's filesystems on the host through FUSE
Usage:
  guestmount [--options] mountpoint
Options:
  -a|--add image       Add a disk image
  --blocksize[=512|4096]
                       Sector size of the disks of the -a options after it
  -c|--connect uri     libvirt URI for -d
  --dir-cache-timeout N
                       Seconds the directory cache is kept (60 unless given)
  -d|--domain guest    Add the disks of a libvirt guest
  --echo-keys          Echo passphrases as they are typed
  --fd=FD              Write a byte to pipe FD once the mount is ready
  --format[=raw|..]    Disk format of the -a options after it
  --fuse-help          List the FUSE -o options
  -i|--inspector       Find the operating system and mount its filesystems
  --help               Show this text
  --key selector       A LUKS key
  --keys-from-stdin    Read passphrases from standard input
  -m|--mount dev[:mnt[:opts[:fstype]]]
                       Mount dev on mnt (/ when left out)
  --no-fork            Stay in the foreground
  -n|--no-sync         Do not sync when unmounted (no autosync)
  -o|--option opt      A FUSE option (see --fuse-help)
  --pid-file filename  Write the worker's PID to filename
  -r|--ro              Read-only
  --selinux            Accepted for compatibility; does nothing
  -v|--verbose         Verbose messages
  -V|--version         Show the version and exit
  -w|--rw              Read-write (the default)
  -x|--trace           Trace library calls and FUSE requests (stays in the foreground)

To unmount: guestunmount mountpoint
"""

FUSE_HELP = """\
usage: guestmount mountpoint [options]

FUSE options (-o opt[,opt...]):
    -o allow_other         let other users see the mount (needs user_allow_other
                           in /etc/fuse.conf)
    -o allow_root          let root see the mount
    -o auto_unmount        unmount when guestmount ends
    -o default_permissions let the kernel check permissions by mode
    -o fsname=NAME         the source shown in the mount table
    -o subtype=NAME        the type shown as fuse.NAME
    -o max_read=N          largest read request
    -o attr_timeout=T      seconds the kernel caches attributes (1.0)
    -o entry_timeout=T     seconds the kernel caches names (1.0)
    -o negative_timeout=T  seconds the kernel caches missing names (0.0)
    -o kernel_cache        let the kernel keep file contents
    -o direct_io           no page cache for file contents
    -o uid=N -o gid=N      show every file as owned by N
    -o umask=M             show every file with permissions ~M (octal)
    -o use_ino, readdir_ino, hard_remove, auto_cache, noforget, nopath, intr
                           accepted for compatibility
"""


class _Exit(Exception):
    """Stop with this exit status (messages already printed)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class MountOptions:
    """guestmount's own options."""

    def __init__(self) -> None:
        self.fuse_options: list[str] = []
        self.dir_cache_timeout: int | None = None
        self.pipe_fd = -1
        self.pid_file: str | None = None
        self.fork = True
        self.autosync = True
        self.help = False
        self.version = False
        self.fuse_help = False
        self.listing: str | None = None


#: guestmount's own options that only set a :class:`MountOptions` attribute.
_MOUNT_SETS = (
    Sets(("--fuse-help",), "fuse_help"),
    Sets(("--help",), "help"),
    Sets(("--no-fork",), "fork", False),
    Sets(("-n", "--no-sync"), "autosync", False),
    Sets(("--pid-file",), "pid_file", ARGUMENT),
    Sets(("--selinux",), None),
    Sets(("-V", "--version"), "version"),
)


def parse(argv: Sequence[str]) -> tuple[MountOptions, ImageOptions, list[str]]:
    """guestmount's command line.

    :raises UsageError: bad options.
    :raises _Exit: an option that ends the run at once (``--fd`` unparsable …).
    """
    mo = MountOptions()

    def extra(opt: str, value: str) -> bool:
        if opt == "--dir-cache-timeout":
            mo.dir_cache_timeout = c_int(value) or 0  # atoi
        elif opt == "--fd":
            fd = c_int(value)
            if fd is None or fd < 0:
                sys.stderr.write(f"{PROG}: unable to parse --fd option value: {value}\n")
                raise _Exit(1)
            mo.pipe_fd = fd
        elif opt == "--live":
            sys.stderr.write(f"{PROG}: libguestfs live support was removed in libguestfs 1.48\n")
            raise _Exit(1)
        elif opt in ("--long-options", "--short-options"):
            mo.listing = opt
        elif opt in ("-o", "--option"):
            # As fuse_opt_add_opt_escaped: commas and backslashes in one
            # option are escaped so the list splits back the same.
            mo.fuse_options.append(value.replace("\\", "\\\\").replace(",", "\\,"))
        elif opt == "--trace":
            image.trace = True  # the long form of the shared layer's -x
        else:
            return apply_table(_MOUNT_SETS, mo, opt, value)
        return True

    image = ImageOptions(PROG)
    image, rest = parse_argv(PROG, argv, SHORT, LONG, extra, image)
    if image.trace:
        mo.fork = False  # as stock: -x stays in the foreground
    return mo, image, rest


def _list_options(which: str) -> None:
    from .options import LONG as SHARED_LONG
    if which == "--long-options":
        names = sorted({o.rstrip("=") for o in (*SHARED_LONG, *LONG)}
                       - {"long-options", "short-options"})
        for n in names:
            print(f"--{n}")
    else:
        letters = sorted(set((SHARED_SHORT + SHORT).replace(":", "")), key=lambda c: (c.lower(), c.isupper()))
        for c in letters:
            print(f"-{c}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run guestmount; returns (and, when ``argv`` is None, exits with) its status."""
    try:
        status = _main(list(sys.argv[1:] if argv is None else argv))
    except _Exit as e:
        status = e.status
    except KeyboardInterrupt:
        status = 1
    if argv is None:
        sys.exit(status)
    return status


def _main(args: list[str]) -> int:
    try:
        mo, image, rest = parse(args)
    except UsageError as e:
        return report_usage_error(PROG, e)
    if mo.help:
        sys.stdout.write(USAGE)
        return 0
    if mo.listing:
        _list_options(mo.listing)
        return 0
    if mo.fuse_help:
        sys.stderr.write(FUSE_HELP)
        return 0

    import guestfs

    g = guestfs.GuestFS(python_return_dict=True)
    try:
        image.configure(g)
        if mo.version:
            v = g.version()
            print(f"{PROG} {v['major']}.{v['minor']}.{v['release']}{v['extra']}")
            return 0
        if not image.drives or not (image.mounts or image.inspector):
            if not image.drives:
                sys.stderr.write(f"{PROG}: error: you must specify at least one -a or -d "
                                 "option.\n")
            else:
                sys.stderr.write(f"{PROG}: error: you must specify either -i at least one "
                                 "-m option.\n")
            usage_hint(PROG)
            return 1
        if len(rest) != 1:
            sys.stderr.write(f"{PROG}: you must specify a mountpoint in the host filesystem\n")
            return 1
        return _run(g, mo, image, rest[0])
    finally:
        _close(g)


def _close(g: GuestFS) -> None:
    """Close the handle (again, after the worker's own close: a no-op)."""
    if getattr(g, "_closed", False):
        return
    try:
        g.close()
    except ClosedHandle:
        pass
    except GuestFSError as e:
        sys.stderr.write(f"libguestfs: error: {e}\n")


def _write_pipe_fd(fd: int) -> bool:
    """Tell whoever waits on ``--fd`` that the mount is ready (one byte, then close)."""
    if fd < 0:
        return True
    try:
        os.write(fd, b"0")
        os.close(fd)
    except OSError as e:
        sys.stderr.write(f"{PROG}: write: {e.strerror}\n")
        return False
    return True


def _run(g: GuestFS, mo: MountOptions, image: ImageOptions, mountpoint: str) -> int:
    """Fork (unless told not to), then launch, mount and serve."""
    ready_w = -1
    if mo.fork:
        r, ready_w = os.pipe()
        pid = os.fork()
        if pid:
            os.close(ready_w)
            return _parent(pid, r, mo.pipe_fd)
        os.close(r)
        os.setsid()
    g.set_recovery_proc(not mo.fork)
    g.set_autosync(mo.autosync)
    try:
        image.add_drives(g)
        g.launch()
        image.mount(g)
        g.umask(0)
        g.mount_local(mountpoint, readonly=image.readonly,
                      options=",".join(mo.fuse_options) or None,
                      cachetimeout=mo.dir_cache_timeout, debugcalls=image.trace)
    except UsageError as e:
        sys.stderr.write(str(e).replace("{prog}", PROG) + "\n")
        return 1
    except GuestFSError as e:
        sys.stderr.write(f"libguestfs: error: {e}\n")
        return 1
    if mo.fork:
        # Ready: let the foreground process go, and leave the terminal.
        os.chdir("/")
        devnull = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):
            os.dup2(devnull, std)
        if devnull > 2:
            os.close(devnull)
        os.write(ready_w, b"1")
        os.close(ready_w)
    elif not _write_pipe_fd(mo.pipe_fd):
        return 1
    if mo.pid_file:
        try:
            with open(mo.pid_file, "w") as f:
                f.write(str(os.getpid()))
        except OSError as e:
            sys.stderr.write(f"{PROG}: {mo.pid_file}: {e.strerror}\n")
            return 1
    status = 0
    try:
        g.mount_local_run()
    except GuestFSError as e:
        sys.stderr.write(f"libguestfs: error: {e}\n")
        status = 1
    try:
        g.shutdown()
    except GuestFSError as e:
        sys.stderr.write(f"libguestfs: error: {e}\n")
        status = 1
    _close(g)
    if mo.pid_file:
        try:
            os.unlink(mo.pid_file)
        except OSError:
            pass
    return status


def _parent(pid: int, ready: int, pipe_fd: int) -> int:
    """The foreground process: wait for the worker to be ready or to fail."""
    try:
        got = os.read(ready, 1)
    except KeyboardInterrupt:
        os.kill(pid, signal.SIGTERM)
        return 1
    if got == b"1":
        return 0 if _write_pipe_fd(pipe_fd) else 1
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return code if code > 0 else 1


if __name__ == "__main__":
    main()
