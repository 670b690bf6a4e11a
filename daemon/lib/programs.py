"""Running appliance programs: the daemon's one way to start a program.

:func:`run` captures the output, feeds stdin or bytes of input, can run in
the C locale, accepts several exit statuses, folds stderr into stdout, and
turns a failure into a :class:`DaemonError` worded as libguestfs words it;
:func:`out` is the same returning stdout as text; :func:`spawn` starts a
program whose streams the caller drives.  Nothing else in the daemon starts
a program (tests/unit/test_daemon_layout.py checks it).  Callers that look at the
status themselves pass ``check=False`` and word errors with
:func:`err_text`.  The guest root and path helpers are in ``guestroot.py``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any, Literal

from .. import context
from ..errors import DaemonError

#: For ``stdin``: read from /dev/null.
DEVNULL = subprocess.DEVNULL

#: The environment of programs run with ``c_locale`` (messages libguestfs parses or shows
#: in English); taken when the daemon starts, as before.
C_ENV = dict(os.environ, LC_ALL="C", LANG="C")


def run(argv: Sequence[str | bytes], *, input: bytes | None = None, stdin: int | None = None,
        cwd: str | None = None, env: Mapping[str, str] | None = None, c_locale: bool = False,
        pass_fds: Sequence[int] = (), check: bool = True, ok: Sequence[int] = (0,),
        fold: bool = False, message: Literal["program", "output"] = "program",
        prefix: str | None = None, preexec_fn: Callable[[], object] | None = None,
        guest: bool = False) -> subprocess.CompletedProcess[bytes]:
    """Run a program with its output captured.

    :param input: bytes written to its stdin (``stdin``: a descriptor or
        :data:`DEVNULL`; with neither, the daemon's own stdin).
    :param env: its environment (the daemon's by default); ``c_locale``
        sets ``LC_ALL=C LANG=C`` on top.
    :param check: raise when the exit status is not in ``ok``.
    :param fold: stderr goes into stdout, interleaved (``stderr`` is None).
    :param message: how a failure reads.  ``"program"``: ``PROG: error``
        where the error is its stderr, else its stdout, trimmed, or ``PROG
        exited with status N``.  ``"output"``: ``PREFIX: error`` (just the
        error without a ``prefix``), the error being its stderr (stdout
        first when folded or when stderr is blank), trailing blanks
        trimmed, or ``PROG exited with status N``.
    :param preexec_fn: run in the child before the program (a chroot, a chdir).
    :param guest: the program is the guest's (``command``): a failed exec
        reads ``PROG: strerror`` instead of "not found in the appliance".
    :raises DaemonError: if the program is missing, or (``check``) failed.
    """
    if c_locale:
        env = C_ENV if env is None else dict(env, LC_ALL="C", LANG="C")
    context.mounts_may_change()  # any program may mount or unmount
    try:
        cp = subprocess.run(list(argv), input=input, stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT if fold else subprocess.PIPE,
                            env=env, cwd=cwd, pass_fds=tuple(pass_fds), preexec_fn=preexec_fn)
    except OSError as e:
        raise _exec_error(argv, e, guest) from None
    if check and cp.returncode not in ok:
        raise DaemonError(_failure(argv, cp, fold, message, prefix))
    return cp


def _failure(argv: Sequence[str | bytes], cp: subprocess.CompletedProcess[bytes], fold: bool,
             message: str, prefix: str | None) -> str:
    """The error message of a failed run (see :func:`run`'s ``message``)."""
    # The program's own words name disks as the kernel does, which may not be
    # the caller's order: they are put in the caller's form (the prefix is
    # already in it).
    from .devtext import callers_names

    prog = os.fsdecode(os.path.basename(argv[0]))
    if message == "program":
        err = callers_names((cp.stderr or cp.stdout).decode("utf-8", "replace").strip())
        return f"{prog}: {err}" if err else f"{prog} exited with status {cp.returncode}"
    err = cp.stderr.decode("utf-8", "replace") if cp.stderr else ""
    if fold or not err.strip():
        err = cp.stdout.decode("utf-8", "replace") + err
    err = callers_names(err.strip("\n").rstrip())
    if not err:
        err = f"{prog} exited with status {cp.returncode}"
    return f"{prefix}: {err}" if prefix else err


def spawn(argv: Sequence[str], *, stdin: int | None = None, stdout: int | None = None,
          stderr: int | IO[bytes] | None = None, cwd: str | None = None) -> subprocess.Popen[bytes]:
    """Start a program whose streams the caller drives (uploads into its
    stdin, downloads from its stdout, pipelines); the caller waits for it."""
    context.mounts_may_change()
    try:
        return subprocess.Popen(list(argv), stdin=stdin, stdout=stdout, stderr=stderr, cwd=cwd)
    except OSError as e:
        raise _exec_error(argv, e, False) from None


def _exec_error(argv: Sequence[str | bytes], e: OSError, guest: bool) -> DaemonError:
    """The error for a program that could not be started."""
    prog = os.fsdecode(argv[0])
    if guest:
        return DaemonError.from_oserror(e, prog)
    if isinstance(e, FileNotFoundError):
        return DaemonError(f"{prog}: command not found in the appliance", "ENOENT")
    return DaemonError.from_oserror(e, prog)


def out(argv: Sequence[str], **kw: Any) -> str:
    """:func:`run` returning the program's stdout as text."""
    stdout: bytes = run(argv, **kw).stdout
    return stdout.decode("utf-8", "surrogateescape")


def err_text(cp: subprocess.CompletedProcess[bytes]) -> str:
    """A failed program's message: its stderr, else its stdout, trimmed."""
    return (cp.stderr or cp.stdout or b"").decode("utf-8", "surrogateescape").strip()


def split_lines(text: str) -> list[str]:
    """Lines of program output, as libguestfs splits them (one final ``\\n`` dropped)."""
    if text == "":
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


CHECKSUM_PROGRAMS = {"crc": "cksum", "md5": "md5sum", "sha1": "sha1sum", "sha224": "sha224sum",
                     "sha256": "sha256sum", "sha384": "sha384sum", "sha512": "sha512sum"}


def checksum_program(csumtype: str) -> str:
    """The coreutils program for a checksum type, or libguestfs's error."""
    prog = CHECKSUM_PROGRAMS.get(csumtype)
    if prog is None:
        raise DaemonError("unknown checksum type, expecting crc|md5|sha1|sha224|sha256|sha384|sha512",
                          "EINVAL")
    return prog
