"""libguestfs-test-tool: launch an appliance verbosely and do a little work.

What people run first when libguestfs does not work, and attach to a bug
report: the environment and handle settings that matter, the whole verbose
launch, then a partition, a file system and a mount on a scratch disk.  It
ends with ``===== TEST FINISHED OK =====`` and exit status 0, or the error
and status 1.  Options, messages and exit statuses are stock 1.48's
(including exit status 0 after an unknown option, where stock shows the
usage).
"""

from __future__ import annotations

import getopt
import os
import platform
import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import Any

from .options import console_main, getopt_message

PROG = "libguestfs-test-tool"
DEFAULT_TIMEOUT = 600
#: The handle settings printed before the launch, as ``guestfs_get_NAME: value``.
SETTINGS = ("append", "autosync", "backend", "backend_settings", "cachedir", "hv", "memsize",
            "network", "path", "pgroup", "program", "recovery_proc", "smp", "sockdir", "tmpdir",
            "trace", "verbose")
#: Environment variables that change what the library does.
ENV_PREFIXES = ("LIBGUESTFS_", "SUPERMIN_", "LIBVIRT_")
ENV_NAMES = ("PATH", "TMPDIR")

USAGE = f"""\
{PROG}: launch the libguestfs appliance and test it
Usage:
  {PROG} [--options]
Options:
  --help         This text
  --qemudir dir  Use the qemu built in this source directory
  --qemu qemu    Use this qemu binary
  --timeout n
  -t n           Give up on the launch after n seconds (default: {DEFAULT_TIMEOUT})
  --version
  -V             Print the libguestfs version and exit
"""

NOTICE = """\
     ============================================================
     *  Reporting a problem?  Attach ALL of the output below,
     *  as it is, to the report: the settings, the whole launch
     *  and the end of the test.
     ============================================================
"""


class _Timeout(BaseException):
    """The launch took longer than ``--timeout`` (a BaseException, like
    KeyboardInterrupt: launch tears the VM down and lets it through)."""


def _err(message: str) -> None:
    sys.stdout.flush()
    sys.stderr.write(f"{PROG}: {message}\n")


def _shown(value: Any) -> str:
    """A setting as the C tool prints it: NULL as (null), lists in brackets,
    booleans as 0/1."""
    if value is None:
        return "(null)"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _selinux() -> str:
    """The host's SELinux mode, as getenforce would call it."""
    try:
        with open("/sys/fs/selinux/enforce") as f:
            return "Enforcing" if f.read().strip() == "1" else "Permissive"
    except OSError:
        return "Disabled"


def _qemu_in_source(qemudir: str) -> str | None:
    """The x86-64 system emulator of a qemu build directory, if it looks like one."""
    for rel in ("build/qemu-system-x86_64", "qemu-system-x86_64",
                "x86_64-softmmu/qemu-system-x86_64"):
        path = os.path.join(qemudir, rel)
        if os.access(path, os.X_OK):
            return path
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the test tool; returns (and, when ``argv`` is None, exits with) its status."""
    return console_main(_main, argv)


def _main(args: list[str]) -> int:
    try:
        pairs, rest = getopt.gnu_getopt(args, "t:V", ["help", "qemu=", "qemudir=", "timeout=", "version"])
    except getopt.GetoptError as e:
        _err(getopt_message(e, args))
        sys.stdout.write(USAGE)
        return 0
    timeout = DEFAULT_TIMEOUT
    qemu: str | None = None
    qemudir: str | None = None
    for opt, value in pairs:
        if opt == "--help":
            sys.stdout.write(USAGE)
            return 0
        if opt in ("-V", "--version"):
            return _version()
        if opt == "--qemu":
            qemu = value
        elif opt == "--qemudir":
            qemudir = value
        elif opt in ("-t", "--timeout"):
            try:
                timeout = int(value, 10)
            except ValueError:
                timeout = -1
            if timeout < 0:
                _err(f"invalid timeout: {value}")
                return 1
    if rest:
        _err("extra arguments on the command line")
        return 1
    return _test(timeout, qemu, qemudir)


def _version() -> int:
    import guestfs
    g = guestfs.GuestFS(python_return_dict=True)
    try:
        v = g.version()
        print(f"{PROG} {v['major']}.{v['minor']}.{v['release']}{v['extra']}")
    finally:
        g.close()
    return 0


def _test(timeout: int, qemu: str | None, qemudir: str | None) -> int:
    import guestfs
    sys.stdout.write(NOTICE)
    sys.stdout.flush()
    g = guestfs.GuestFS(python_return_dict=True)
    try:
        if qemudir is not None:
            found = _qemu_in_source(qemudir)
            if found is None:
                why = ("No such file or directory" if not os.path.isdir(qemudir)
                       else "no qemu-system-x86_64 in it")
                _err(f"path does not look like a qemu source directory: {qemudir}: {why}")
                return 1
            g.set_hv(found)
        if qemu is not None:
            if not (os.path.isfile(qemu) and os.access(qemu, os.X_OK)):
                why = "No such file or directory" if not os.path.exists(qemu) else "Permission denied"
                _err(f"binary \u2018{qemu}\u2019 does not exist or is not executable: {why}")
                return 1
            g.set_hv(qemu)
        g.set_verbose(True)
        g.set_program(PROG)
        for name in sorted(os.environ):
            if name.startswith(ENV_PREFIXES) or name in ENV_NAMES:
                print(f"{name}={os.environ[name]}")
        print(f"SELinux: {_selinux()}")
        for name in SETTINGS:
            print(f"guestfs_get_{name}: {_shown(getattr(g, 'get_' + name)())}")
        print(f"host_cpu: {platform.machine()}")
        print(f"Launching appliance, timeout set to {timeout} seconds.")
        sys.stdout.flush()
        g.add_drive_scratch(100 * 1024 * 1024)
        try:
            _launch_within(g, timeout)
        except _Timeout:
            _err(f"timed out launching the appliance after {timeout} seconds")
            return 1
        except RuntimeError as e:
            _err(f"failed to launch appliance: {e}")
            return 1
        sys.stdout.flush()
        try:
            g.part_disk("/dev/sda", "mbr")
            g.mkfs("ext2", "/dev/sda1")
            g.mount("/dev/sda1", "/")
            g.touch("/hello")
            g.umount_all()
            g.sync()
        except RuntimeError as e:
            _err(f"the test failed after the launch: {e}")
            return 1
        g.shutdown()
    finally:
        g.close()
    sys.stdout.flush()
    print("===== TEST FINISHED OK =====")
    return 0


def _launch_within(g: Any, timeout: int) -> None:
    """``g.launch()`` given up after ``timeout`` seconds (0: no limit)."""
    def expired(signum: int, frame: FrameType | None) -> None:
        raise _Timeout()

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(timeout)
    try:
        g.launch()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
