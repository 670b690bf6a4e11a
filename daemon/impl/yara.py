"""Yara: ``yara_load`` (rules uploaded as source or compiled), ``yara_destroy``
and ``internal_yara_scan``, the daemon half of the library's ``yara_scan``.

The uploaded rules are compiled with ``yarac`` (already compiled rules,
which start with yarac's ``YARA`` magic, are kept as they are) into one file
in the appliance's /tmp that the daemon keeps until ``yara_destroy`` or the
next ``yara_load``.  A scan runs ``yara -C`` on the guest file, opened
chrooted and handed to yara as a descriptor, and streams one XDR-encoded
``yara_detection`` per rule that matched, as libguestfs 1.48's daemon
does; :func:`parse_matches` and :func:`count_errors` are unit-tested in
``tests/daemon/test_yara_parsers.py``.
"""

from __future__ import annotations

import os
import stat
import tempfile

from guestfs.actions._registry import struct_codecs

from ..dispatch import action
from ..errors import DaemonError
from ..lib.guestroot import open_guest
from ..lib.programs import DEVNULL, run
from ..streams import FileIn, FileOut

#: The first bytes of a file yarac wrote.
COMPILED_MAGIC = b"YARA"
NO_RULES = "no yara rules loaded"


class _Rules:
    """The compiled rules the daemon holds (one set at a time)."""

    path: str | None = None


def count_errors(stderr: str) -> int:
    """How many compile errors yarac reported (one ``error: …`` line each)."""
    return sum(1 for line in stderr.splitlines() if line.startswith("error:"))


def parse_matches(output: str) -> list[str]:
    """The rule identifiers of ``yara`` output lines (``RULE TARGET``), in order."""
    rules = []
    for line in output.splitlines():
        ident, sep, _target = line.partition(" ")
        if sep and ident:
            rules.append(ident)
    return rules


def _destroy() -> bool:
    """Drop the loaded rules; whether there were any."""
    path, _Rules.path = _Rules.path, None
    if path is None:
        return False
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    return True


@action("yara_load")
def yara_load(filename: FileIn) -> None:
    """Load (compiling if needed) the uploaded yara rules, replacing any loaded before.

    The old rules go first, as in libguestfs: after a failed load none are loaded.
    """
    _destroy()
    fd, upload = tempfile.mkstemp(prefix="yara-rules.")
    try:
        with os.fdopen(fd, "wb") as f:
            for data in filename:
                f.write(data)
        with open(upload, "rb") as f:
            compiled = f.read(len(COMPILED_MAGIC)) == COMPILED_MAGIC
        if compiled:
            rules = upload
        else:
            rules = upload + ".compiled"
            cp = run(["yarac", "-w", upload, rules], stdin=DEVNULL, c_locale=True, check=False)
            if cp.returncode != 0:
                stderr = cp.stderr.decode("utf-8", "replace")
                n = count_errors(stderr)
                if n == 0:
                    raise DaemonError(f"yarac: {stderr.strip() or f'exited with status {cp.returncode}'}")
                raise DaemonError(f"found {n} errors when compiling the rules", "EINVAL")
            os.unlink(upload)
    except BaseException:
        for leftover in (upload, upload + ".compiled"):
            try:
                os.unlink(leftover)
            except FileNotFoundError:
                pass
        raise
    _Rules.path = rules


@action("yara_destroy")
def yara_destroy() -> None:
    """Forget the loaded rules."""
    if not _destroy():
        raise DaemonError(NO_RULES, "EINVAL")


def encode_detections(name: str, rules: list[str]) -> bytes:
    """The FileOut stream of a scan: one yara_detection struct per matching rule."""
    codec = struct_codecs()["yara_detection"]
    return b"".join(codec.encode({"yara_name": name, "yara_rule": r}) for r in rules)


@action("internal_yara_scan")
def internal_yara_scan(path: str, filename: FileOut) -> None:
    """Scan one guest file with the loaded rules; stream the detections."""
    if _Rules.path is None:
        raise DaemonError(NO_RULES, "EINVAL")
    try:
        fd = open_guest(path, os.O_RDONLY)
    except OSError as e:
        raise DaemonError.from_oserror(e, path) from None
    try:
        filename.start()  # as libguestfs: a file yara cannot scan cancels the stream
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DaemonError(f"{path}: not a regular file", "EINVAL")
        cp = run(["yara", "-w", "-C", _Rules.path, f"/proc/self/fd/{fd}"], stdin=DEVNULL,
                 pass_fds=(fd,), c_locale=True, message="output", prefix=path)
    finally:
        os.close(fd)
    filename.write(encode_detections(path, parse_matches(cp.stdout.decode("utf-8", "replace"))))
