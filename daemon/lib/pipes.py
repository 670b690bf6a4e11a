"""Upload streams written out, and programs fed from an upload or streamed
to a download (tar_in/out, base64_in, cpio_out, compress_out, ntfsclone,
ntfscat …).

:func:`write_stream` writes a FileIn stream to a descriptor in big writev
calls; :func:`feed` writes one to a program's stdin; :func:`stream` sends
a program's stdout as a FileOut stream.  Programs start through
``programs.spawn`` and a failure is worded from their stderr.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from ..errors import DaemonError
from .programs import spawn

if TYPE_CHECKING:
    from ..streams import FileIn, FileOut

#: How much of a program's output is read at a time.
READ_BLOCK = 1024 * 1024


def _same(text: str) -> str:
    return text


def write_stream(filein: FileIn, fd: int) -> None:
    """Write an upload stream to ``fd`` in big writev calls, straight from
    the daemon's receive buffer (OSError passes through)."""
    filein.copy_to_fd(fd)


def _failure(errf: IO[bytes], what: str, rc: int, fix: Callable[[str], str]) -> DaemonError:
    """``what: stderr`` (``what: exited with status N`` when it said nothing)."""
    errf.seek(0)
    msg = errf.read().decode("utf-8", "surrogateescape").strip()
    return DaemonError(f"{what}: {fix(msg)}" if msg else f"{what}: exited with status {rc}")


def feed(argv: list[str], filein: FileIn, what: str, fix: Callable[[str], str] = _same,
         stdout: int | None = None, cwd: str | None = None) -> None:
    """Run ``argv`` with the upload on its stdin.

    :param fix: applied to the program's message (to rename devices in it).
    :param stdout: where its output goes (discarded by default).
    :raises DaemonError: ``what: stderr`` if it fails or stops reading early.
    """
    with tempfile.TemporaryFile() as errf:
        proc = spawn(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL if stdout is None else stdout,
                     stderr=errf, cwd=cwd)
        assert proc.stdin is not None
        broken = False
        try:
            write_stream(filein, proc.stdin.fileno())
        except BrokenPipeError:
            broken = True  # the program stopped reading: its status says why
        finally:
            try:
                proc.stdin.close()
            except BrokenPipeError:
                broken = True
            rc = proc.wait()
        if rc != 0 or broken:
            raise _failure(errf, what, rc, fix)


def stream(argv: list[str], out: FileOut, what: str, cwd: str | None = None,
           start_first: bool = True) -> None:
    """Run ``argv`` and send its stdout as the download.

    :param start_first: send the reply before the program starts, as
        libguestfs does for ntfsclone/ntfscat, so any failure (even an
        immediate one) cancels the transfer; otherwise a program that fails
        before writing anything gets an error reply.
    :raises DaemonError: ``what: stderr`` if it fails.
    """
    if start_first:
        out.start()
    with tempfile.TemporaryFile() as errf:
        proc = spawn(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errf, cwd=cwd)
        assert proc.stdout is not None
        try:
            while True:
                data = os.read(proc.stdout.fileno(), READ_BLOCK)
                if not data:
                    break
                out.write(data)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            proc.stdout.close()
        rc = proc.wait()
        if rc != 0:
            raise _failure(errf, what, rc, _same)
