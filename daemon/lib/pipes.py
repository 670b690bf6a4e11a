"""Programs fed from an upload stream or streamed to a download, for the
families whose FileIn/FileOut calls are one program (``impl/ntfs.py``'s
ntfsclone and ntfscat).

:func:`feed` writes a FileIn stream to a program's stdin; :func:`stream`
sends a program's stdout as a FileOut stream.  Both start the program
through ``programs.spawn`` and word a failure from its stderr.
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


def _failure(errf: IO[bytes], what: str, rc: int, fix: Callable[[str], str]) -> DaemonError:
    """``what: stderr`` (``what: exited with status N`` when it said nothing)."""
    errf.seek(0)
    msg = errf.read().decode("utf-8", "surrogateescape").strip()
    return DaemonError(f"{what}: {fix(msg)}" if msg else f"{what}: exited with status {rc}")


def feed(argv: list[str], filein: FileIn, what: str, fix: Callable[[str], str] = _same) -> None:
    """Run ``argv`` with the upload on its stdin (its stdout discarded).

    :param fix: applied to the program's message (to rename devices in it).
    :raises DaemonError: ``what: stderr`` if it fails or stops reading early.
    """
    with tempfile.TemporaryFile() as errf:
        proc = spawn(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errf)
        assert proc.stdin is not None
        broken = False
        try:
            for data in filein:
                view = memoryview(data)
                while view:
                    view = view[os.write(proc.stdin.fileno(), view):]
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


def stream(argv: list[str], out: FileOut, what: str) -> None:
    """Run ``argv`` and send its stdout as the download.

    The reply goes out before the program starts, as in libguestfs, so any
    failure (even an immediate one) cancels the transfer.

    :raises DaemonError: ``what: stderr`` if it fails.
    """
    out.start()
    with tempfile.TemporaryFile() as errf:
        proc = spawn(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errf)
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
