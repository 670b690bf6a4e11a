"""Running the guest's own programs (``command``, ``sh``, and the streamed
``command_out``/``sh_out``) and daemon housekeeping (``debug``,
``debug_upload``, the test call ``internal_rhbz914931``).

Commands run chrooted into the sysroot with the appliance's ``/dev``,
``/dev/pts``, ``/proc`` and ``/sys`` bind-mounted over the guest's (when the
guest has those directories), as libguestfs does; the bind mounts are
undone afterwards.  File actions live in ``files.py``.
"""

from __future__ import annotations

import ctypes
import os
import stat
import sys
import tempfile
import time
from functools import lru_cache
from typing import Any

from .. import context
from ..dispatch import action
from ..errors import DaemonError
from ..lib.programs import DEVNULL, run, split_lines
from ..streams import FileIn, FileOut

#: Appliance directories bind-mounted into the guest for a command, in mount order.
BIND_DIRS = ("/dev", "/dev/pts", "/proc", "/sys")
#: The environment's PATH for guest commands (libguestfs's appliance value).
GUEST_PATH = "/sbin:/usr/sbin:/bin:/usr/bin"
#: <sys/mount.h>: mount(2)'s bind flag, umount2(2)'s lazy flag.
MS_BIND = 4096
MNT_DETACH = 2


def _is_real_dir(path: str) -> bool:
    """A directory and not a symlink (never bind-mount through a guest's symlink)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


@lru_cache(maxsize=1)
def _libc() -> Any:
    """libc's mount(2)/umount2(2): a bind mount per command without running mount(8)."""
    lib = ctypes.CDLL(None, use_errno=True)
    lib.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
    lib.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
    return lib


def _bind(src: str, target: str) -> bool:
    """Bind-mount ``src`` on ``target``; False if that failed."""
    context.mounts_may_change()
    try:
        return bool(_libc().mount(os.fsencode(src), os.fsencode(target), None, MS_BIND, None) == 0)
    except (OSError, AttributeError):  # no usable libc through ctypes: use mount(8)
        return run(["mount", "--bind", src, target], stdin=DEVNULL, check=False).returncode == 0


def _unmount(target: str) -> None:
    """Unmount ``target``, lazily if something still keeps it busy."""
    context.mounts_may_change()
    try:
        lib = _libc()
        if lib.umount2(os.fsencode(target), 0) != 0:
            lib.umount2(os.fsencode(target), MNT_DETACH)
    except (OSError, AttributeError):
        if run(["umount", target], stdin=DEVNULL, check=False).returncode != 0:
            run(["umount", "-l", target], stdin=DEVNULL, check=False)


def _bind_mounts() -> list[str]:
    """Bind-mount the appliance's special filesystems into the sysroot; return what was mounted."""
    done = []
    for d in BIND_DIRS:
        target = context.SYSROOT + d
        if os.path.isdir(d) and _is_real_dir(target) and _bind(d, target):
            done.append(target)
    return done


def _unbind(mounted: list[str]) -> None:
    """Undo :func:`_bind_mounts`, innermost first."""
    for target in reversed(mounted):
        _unmount(target)


def _enter_sysroot() -> None:
    """In the child before exec: chroot into the sysroot and start at its /."""
    os.chroot(context.SYSROOT)
    os.chdir("/")


def _guest_run(argv: list[str], stdout_fd: int | None = None) -> bytes:
    """Run a guest program; its stdout (or nothing when it went to ``stdout_fd``).

    :raises DaemonError: its stderr, when it fails.
    """
    if not argv:
        raise DaemonError("passed an empty list", "EINVAL")
    if not context.is_root_mounted():
        raise DaemonError("you must call 'mount' first to mount the root filesystem", "EINVAL")
    env = dict(os.environ, PATH=GUEST_PATH)
    enter = _enter_sysroot
    if stdout_fd is not None:
        def enter() -> None:
            """In the child: stdout to the file (not the pipe), then into the guest."""
            os.dup2(stdout_fd, 1)
            _enter_sysroot()
    mounted = _bind_mounts()
    try:
        # A failed exec (missing program, not executable …) reads PROG: strerror.
        cp = run(argv, stdin=DEVNULL, env=env, preexec_fn=enter, check=False, guest=True)
    finally:
        _unbind(mounted)
    if cp.returncode != 0:
        raise DaemonError(cp.stderr.decode("utf-8", "surrogateescape").rstrip("\n"))
    stdout: bytes = cp.stdout
    return stdout


def run_in_guest(argv: list[str]) -> str:
    """Run a guest program; return its stdout, or fail with its stderr."""
    # The result travels as a C string in libguestfs: it ends at a NUL.
    return _guest_run(argv).split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _run_to_stream(argv: list[str], out: FileOut) -> None:
    """Run a guest program with its stdout in an appliance file, then stream that.

    The whole output is kept first, so a failure is a plain error reply
    (nothing streamed yet) and any size goes through, past the 4 MiB
    message limit of ``command``.
    """
    with tempfile.TemporaryFile() as f:
        _guest_run(argv, f.fileno())
        size = os.fstat(f.fileno()).st_size
        out.total = size
        out.start()
        os.lseek(f.fileno(), 0, os.SEEK_SET)
        out.copy_from_fd(f.fileno())


@action("command")
def command(arguments: list[str]) -> str:
    """Run a program from the guest filesystem; its standard output."""
    return run_in_guest(arguments)


@action("command_lines")
def command_lines(arguments: list[str]) -> list[str]:
    """Like ``command``, split into lines."""
    return split_lines(run_in_guest(arguments))


@action("sh")
def sh(command: str) -> str:
    """Run a shell command line with the guest's /bin/sh."""
    return run_in_guest(["/bin/sh", "-c", command])


@action("sh_lines")
def sh_lines(command: str) -> list[str]:
    """Like ``sh``, split into lines."""
    return split_lines(run_in_guest(["/bin/sh", "-c", command]))


@action("command_out")
def command_out(arguments: list[str], output: FileOut) -> None:
    """Like ``command``, the output streamed as a file (no size limit, NULs kept)."""
    _run_to_stream(arguments, output)


@action("sh_out")
def sh_out(command: str, output: FileOut) -> None:
    """Like ``sh``, the output streamed as a file."""
    _run_to_stream(["/bin/sh", "-c", command], output)


@action("ping_daemon")
def ping_daemon() -> None:
    """Nothing: proves the daemon answers."""


@action("sync")
def sync() -> None:
    """Flush every filesystem's dirty data to the disks."""
    os.sync()


# -- debug (unstable, for people debugging the appliance) -------------------------------

def _debug_sh(args: list[str]) -> str:
    """``debug sh``: a shell command line in the appliance (not the guest)."""
    cp = run(["/bin/sh", "-c", " ".join(args)], stdin=DEVNULL, check=False)
    if cp.returncode != 0:
        raise DaemonError((cp.stderr or cp.stdout).decode("utf-8", "surrogateescape").rstrip("\n"))
    return cp.stdout.decode("utf-8", "surrogateescape").rstrip("\n")


def _debug_ls(args: list[str], long: bool) -> str:
    """``debug ls``/``ll``: list appliance paths."""
    cp = run(["ls", "-la" if long else "-a", *args], stdin=DEVNULL, check=False)
    if cp.returncode != 0:
        raise DaemonError(cp.stderr.decode("utf-8", "surrogateescape").rstrip("\n"))
    return cp.stdout.decode("utf-8", "surrogateescape")


def _debug_fds(args: list[str]) -> str:
    """``debug fds``: the daemon's open file descriptors."""
    lines = []
    for fd in sorted(os.listdir("/proc/self/fd"), key=int):
        try:
            lines.append(f"{fd} {os.readlink(f'/proc/self/fd/{fd}')}")
        except OSError:
            continue
    return "\n".join(lines) + "\n"


def _debug_setenv(args: list[str]) -> str:
    """``debug setenv NAME VALUE``: change the daemon's environment."""
    if len(args) != 2:
        raise DaemonError("setenv: expecting NAME VALUE", "EINVAL")
    os.environ[args[0]] = args[1]
    return ""


def _debug_progress(args: list[str]) -> str:
    """``debug progress SECONDS [TICK_MS]``: tick for a while, reporting progress.

    Lets the library's progress events be tested without a long real call;
    answers ``ok`` like libguestfs's daemon.
    """
    usage = DaemonError("progress: expecting one or more args: time in seconds [, tick in milliseconds]",
                        "EINVAL")
    try:
        secs = int(args[0])
        tick = int(args[1]) if len(args) > 1 else 10
    except (IndexError, ValueError):
        raise usage from None
    if not (0 < secs <= 1_000_000 and 0 < tick <= 1_000_000):
        raise usage
    report = getattr(context, "progress", None)
    ticks = max(1, secs * 1000 // tick)
    for i in range(1, ticks + 1):
        if i < ticks:
            time.sleep(tick / 1000)
        if report is not None:
            report(i, ticks)
    return "ok"


_DEBUG = {
    "env": lambda a: "".join(f"{k}={v}\n" for k, v in os.environ.items()),
    "fds": _debug_fds,
    "ls": lambda a: _debug_ls(a, False),
    "ll": lambda a: _debug_ls(a, True),
    "print": lambda a: " ".join(a),
    "progress": _debug_progress,
    "setenv": lambda a: _debug_setenv(a),
    "sh": _debug_sh,
}


@action("debug_upload")
def debug_upload(filename: FileIn, tmpname: str, mode: int) -> None:
    """Upload a file to a path in the appliance (not the guest), relative to the
    daemon's working directory, created with ``mode``."""
    try:
        fd = os.open(tmpname, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOCTTY | os.O_CLOEXEC,
                     mode & 0o7777)
    except OSError as e:
        raise DaemonError.from_oserror(e, tmpname) from None
    try:
        try:
            filename.copy_to_fd(fd)
        except OSError as e:
            raise DaemonError.from_oserror(e, "write", tmpname) from None
    finally:
        os.close(fd)


#: internal_rhbz914931's accepted chunk counts.
RHBZ914931_MAX = 1000


@action("internal_rhbz914931")
def internal_rhbz914931(filename: FileIn, count: int) -> None:
    """A test of the library's recovery from a daemon that dies mid-upload
    (RHBZ#914931): after ``count`` chunks of the upload the daemon aborts,
    taking the appliance down.  An upload shorter than that just succeeds."""
    if not 0 < count <= RHBZ914931_MAX:
        raise DaemonError("count out of range", "EINVAL")
    for _ in filename:
        count -= 1
        if count == 0:
            print("guestfsd: internal_rhbz914931: aborting on purpose", file=sys.stderr, flush=True)
            os.abort()


@action("debug")
def debug(subcmd: str, extraargs: list[str]) -> str:
    """Appliance debugging helpers (``debug help`` lists them); not a stable interface."""
    if subcmd == "help":
        return "Commands supported: help " + " ".join(sorted(_DEBUG))
    fn = _DEBUG.get(subcmd)
    if fn is None:
        raise DaemonError(f"use 'debug help 0' to list the supported commands ({subcmd}: unknown)", "EINVAL")
    return fn(extraargs)


# -- the appliance itself -----------------------------------------------------------

@action("echo_daemon")
def echo_daemon(words: list[str]) -> str:
    """The words joined by single spaces (a round trip through the daemon)."""
    return " ".join(words)


@action("sleep")
def sleep(secs: int) -> None:
    """Wait ``secs`` seconds in the daemon."""
    if secs < 0:
        raise DaemonError(f"{secs}: the number of seconds cannot be negative", "EINVAL")
    time.sleep(secs)


@action("utsname")
def utsname() -> dict[str, str]:
    """The appliance kernel's uname(2) fields."""
    u = os.uname()
    return {"uts_sysname": u.sysname, "uts_release": u.release,
            "uts_version": u.version, "uts_machine": u.machine}


def _program_output(argv: list[str]) -> str:
    cp = run(argv, stdin=DEVNULL, check=False)
    if cp.returncode != 0:
        raise DaemonError(f"{argv[0]}: {(cp.stderr or cp.stdout).decode('utf-8', 'replace').strip()}")
    return cp.stdout.decode("utf-8", "surrogateescape")


@action("df")
def df() -> str:
    """``df`` of the appliance's mounted filesystems, for people to read."""
    return _program_output(["df"])


@action("df_h")
def df_h() -> str:
    """``df -h`` of the appliance's mounted filesystems, for people to read."""
    return _program_output(["df", "-h"])


@action("dmesg")
def dmesg() -> str:
    """The appliance kernel's message buffer."""
    return _program_output(["dmesg"])


@action("drop_caches")
def drop_caches(whattodrop: int) -> None:
    """Sync, then drop the kernel's page cache (1), dentries and inodes (2), or both (3)."""
    os.sync()
    path = "/proc/sys/vm/drop_caches"
    try:
        with open(path, "w") as f:
            f.write(str(whattodrop))
    except OSError as e:
        raise DaemonError(f"{path}: {e.strerror}", e.errno) from None
