"""``guestunmount``: unmount a guestmount'ed directory, now or when a pipe closes.

A wrapper of FUSE's ``fusermount3 -u`` (``fusermount`` when only the old
one is there), retried with exponential back-off (1, 2, 4 … s) while the
mount is busy.  ``--fd=FD`` waits for the write side of the pipe FD to
close first.  Exit status as stock's: 0 done, 1 program error (bad usage,
no fusermount), 2 could not unmount, 3 not mounted.  The mount itself is
``guestfs/tools/guestmount.py``.
"""

from __future__ import annotations

import getopt
import os
import re
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence

from .options import console_main, getopt_message

PROG = "guestunmount"
SHORT = "qvV"
LONG = ("fd=", "help", "quiet", "no-retry", "retry=", "verbose", "version", "long-options",
        "short-options")

USAGE = """\
guestunmount: unmount a directory that guestmount mounted
Usage:
  guestunmount [--fd=FD] mountpoint
Options:
  --fd=FD              Unmount once the pipe FD is closed
  --help               Show this text
  -q|--quiet           Do not print fusermount's errors
  --no-retry           Run fusermount once only
  --retry=N            Retry fusermount N times (5 unless given)
  -v|--verbose         Say what is run
  -V|--version         Show the version and exit
"""

#: A C-style leading integer (sscanf "%d" / strtol).
_INT = re.compile(r"\s*[+-]?\d+")


def _fail(message: str, status: int = 1) -> int:
    sys.stderr.write(f"{PROG}: {message}\n")
    return status


def _fusermount() -> str | None:
    for name in ("fusermount3", "fusermount"):
        found = shutil.which(name)
        if found:
            return found
    return None


def is_mounted(mountpoint: str) -> bool:
    """Whether ``mountpoint`` is a FUSE mount point now (/proc/mounts)."""
    want = os.path.realpath(mountpoint)
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as f:
            for line in f:
                fields = line.split()
                if len(fields) > 2 and fields[2].split(".")[0] in ("fuse", "fuseblk"):
                    mp = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])
                    if mp == want:
                        return True
    except OSError:
        pass
    return False


def unmount(mountpoint: str, retries: int = 5, quiet: bool = False,
            verbose: bool = False) -> int:
    """Run fusermount -u until it works; returns the exit status (0, 1, 2 or 3)."""
    prog = _fusermount()
    if prog is None:
        return _fail("fusermount: command not found (install fuse3)")
    delay = 1
    error = ""
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(delay)
            delay *= 2
        cmd = [prog, "-u", mountpoint]
        if verbose:
            sys.stderr.write(f"{PROG}: running: {' '.join(cmd)}\n")
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, errors="replace", check=False)
        except OSError as e:
            return _fail(f"{prog}: {e.strerror}")
        if r.returncode == 0:
            return 0
        error = r.stderr.rstrip("\n")
        if "not found in" in error or "not mounted" in error:
            if not quiet:
                _fail(f"{mountpoint} is not mounted: {error}")
            return 3
    if not quiet:
        _fail(f"failed to unmount {mountpoint}: {error}")
        fuser = shutil.which("fuser")
        if fuser:
            # Who keeps it busy, as stock shows.
            subprocess.run([fuser, "-v", "-m", mountpoint], check=False)
    return 2


def _wait_for_close(fd: int) -> None:
    """Block until the other end of pipe ``fd`` is closed."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    while True:
        for _, ev in poller.poll():
            if ev & (select.POLLHUP | select.POLLERR | select.POLLNVAL):
                return
            if ev & select.POLLIN:
                try:
                    if not os.read(fd, 4096):
                        return
                except OSError:
                    return


def _library_version() -> str:
    """The libguestfs version this library stands for (``1.48.6``)."""
    from ..handle import GuestFS
    g = GuestFS()
    try:
        v = g.version()
    finally:
        g.close()
    return f"{v['major']}.{v['minor']}.{v['release']}{v['extra']}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run guestunmount; returns (and, when ``argv`` is None, exits with) its status."""
    return console_main(_main, argv)


def _main(args: list[str]) -> int:
    fd = -1
    retries = 5
    quiet = verbose = False
    try:
        pairs, rest = getopt.gnu_getopt(args, SHORT, list(LONG))
    except getopt.GetoptError as e:
        sys.stderr.write(f"{PROG}: {getopt_message(e, args)}\n"
                         f"Try \u2018{PROG} --help\u2019 for more information.\n")
        return 1
    for opt, value in pairs:
        if opt == "--fd":
            m = _INT.match(value)
            if not m or int(m.group()) < 0:
                return _fail(f"cannot parse fd option \u2018{value}\u2019")
            fd = int(m.group())
        elif opt == "--help":
            sys.stdout.write(USAGE)
            return 0
        elif opt in ("-q", "--quiet"):
            quiet = True
        elif opt == "--no-retry":
            retries = 0
        elif opt == "--retry":
            m = re.fullmatch(r"\s*[+-]?\d+", value)
            if not m or not 0 <= int(value) < 2**31 or int(value) > 64:
                return _fail(f"cannot parse retries option or value is too large \u2018{value}\u2019")
            retries = int(value)
        elif opt in ("-v", "--verbose"):
            verbose = True
        elif opt in ("-V", "--version"):
            print(f"{PROG} libguestfs {_library_version()}")
            return 0
        elif opt == "--long-options":
            for o in LONG:
                if o.rstrip("=") not in ("long-options", "short-options"):
                    print(f"--{o.rstrip('=')}")
            return 0
        elif opt == "--short-options":
            for c in SHORT.replace(":", ""):
                print(f"-{c}")
            return 0
    if len(rest) != 1:
        return _fail("you must specify a mountpoint in the host filesystem\n")
    mountpoint = rest[0]
    if fd >= 0:
        _wait_for_close(fd)
    return unmount(mountpoint, retries, quiet, verbose)


if __name__ == "__main__":
    main()
