"""NTFS: ntfs-3g.probe, ntfsresize, ntfsfix, ntfsclone images in and out,
ntfscat by inode, ntfssecaudit permissions (``ntfs_chmod``), and
``case_sensitive_path`` (true case of a path on a case-insensitive tree).

Each call runs the ntfs-3g tool as libguestfs 1.48 does, with stock's
checks and messages (``DEVICE: <the tool's stderr>``).  The ntfs forms of
mkfs and labels are in ``filesystems.py``, of ``vfs_minimum_size`` in
``fs_tuning.py`` (through ``daemon/lib/ntfs.py``); the stream plumbing is
``daemon/lib/pipes.py``.
"""

from __future__ import annotations

import os

from ..dispatch import action
from ..errors import DaemonError
from ..lib import pipes
from ..lib.blockdev import display
from ..lib.devtext import callers_names
from ..lib.guestroot import sysroot
from ..lib.programs import DEVNULL, run
from ..streams import FileIn, FileOut


@action("ntfs_3g_probe")
def ntfs_3g_probe(rw: bool, device: str) -> int:
    """ntfs-3g.probe's exit status: 0 if the volume mounts (read-write with
    ``rw``), else its documented reason code."""
    return run(["ntfs-3g.probe", "-w" if rw else "-r", device], stdin=DEVNULL, check=False).returncode


def _run_tool(argv: list[str], device: str, fold: bool = False) -> None:
    """Run an ntfs-3g tool on ``device``; a failure reads ``DEVICE: <its stderr>``
    (its stdout too with ``fold``), device names in its text as the caller's."""
    cp = run(argv, stdin=DEVNULL, fold=fold, check=False, c_locale=True)
    if cp.returncode == 0:
        return
    err = (cp.stderr or b"").decode("utf-8", "replace")
    if fold or not err.strip():
        err = cp.stdout.decode("utf-8", "replace") + err
    err = err.strip("\n").rstrip() or f"{argv[0]} exited with status {cp.returncode}"
    raise DaemonError(f"{display(device)}: {callers_names(err)}")


def _ntfsresize(device: str, size: int | None, force: bool) -> None:
    """Resize the NTFS on ``device`` to ``size`` bytes (to fill it by default)."""
    argv = ["ntfsresize", "-P"]
    if size is not None:
        if size <= 0:
            raise DaemonError("size is zero or negative", "EINVAL")
        argv += ["--size", str(size)]
    if force:
        argv.append("--force")
    # ntfsresize says what it did on stdout and why it stopped on stderr: both, in order.
    _run_tool([*argv, device], device, fold=True)


@action("ntfsresize")
def ntfsresize(device: str, size: int | None = None, force: bool = False) -> None:
    """Resize an NTFS filesystem (``force``: even one marked for a check)."""
    _ntfsresize(device, size, force)


@action("ntfsresize_size")
def ntfsresize_size(device: str, size: int) -> None:
    """Deprecated: ntfsresize with a size."""
    _ntfsresize(device, size, False)


@action("ntfsfix")
def ntfsfix(device: str, clearbadsectors: bool = False) -> None:
    """Fix basic NTFS inconsistencies and schedule a check at Windows boot."""
    _run_tool(["ntfsfix", *(["-b"] if clearbadsectors else []), device], device)


@action("ntfscat_i")
def ntfscat_i(device: str, inode: int, filename: FileOut) -> None:
    """Download the file with MFT number ``inode`` of an unmounted NTFS."""
    if inode < 0:
        raise DaemonError("inode must be >= 0", "EINVAL")
    pipes.stream(["ntfscat", "-i", str(inode), device], filename, f"ntfscat: {display(device)}")


@action("ntfsclone_out")
def ntfsclone_out(device: str, backupfile: FileOut, metadataonly: bool = False,
                  rescue: bool = False, ignorefscheck: bool = False,
                  preservetimestamps: bool = False, force: bool = False) -> None:
    """Download the NTFS on ``device`` as an ntfsclone image."""
    argv = ["ntfsclone", "-o", "-", "--save-image"]
    for flag, on in (("--metadata", metadataonly), ("--rescue", rescue),
                     ("--ignore-fs-check", ignorefscheck),
                     ("--preserve-timestamps", preservetimestamps), ("--force", force)):
        if on:
            argv.append(flag)
    pipes.stream([*argv, device], backupfile, f"ntfsclone: {display(device)}")


@action("ntfsclone_in")
def ntfsclone_in(backupfile: FileIn, device: str) -> None:
    """Restore an uploaded ntfsclone image onto ``device``."""
    pipes.feed(["ntfsclone", "-O", device, "--restore-image", "-"], backupfile,
               f"ntfsclone subcommand failed on device: {display(device)}", callers_names)


@action("ntfs_chmod")
def ntfs_chmod(device: str, mode: int, path: str, recursive: bool = False) -> None:
    """Set the permissions of ``path`` (every file below it with ``recursive``)
    on an unmounted NTFS, with ntfssecaudit, as the NTFS ACLs Windows sees."""
    if mode < 0:
        raise DaemonError("mode is negative", "EINVAL")
    if not path.startswith("/"):
        raise DaemonError(f"{path}: path must start with a / character", "EINVAL")
    argv = ["ntfssecaudit", *(["-r"] if recursive else []), device, f"{mode:o}", path]
    cp = run(argv, stdin=DEVNULL, check=False, c_locale=True)
    if cp.returncode != 0:
        # Its findings are on stdout ("** Could not access …"), the volume's state on stderr.
        text = (cp.stdout + cp.stderr).decode("utf-8", "replace")
        lines = [ln for ln in text.splitlines()
                 if ln.startswith(("**", "Error code", "Could not", "Make sure", "User, group"))]
        msg = ("\n".join(dict.fromkeys(lines)) or text.strip()
               or f"ntfssecaudit exited with status {cp.returncode}")
        raise DaemonError(f"{display(device)}: {callers_names(msg)}")


# -- case_sensitive_path ------------------------------------------------------------


def _lower(name: bytes) -> bytes:
    """ASCII-only case folding (bytes.lower leaves every other byte alone), as stock."""
    return name.lower()


@action("case_sensitive_path")
def case_sensitive_path(path: str) -> str:
    """The path with each element in its true case on disk.

    Every element but the last must exist (in any case); a last element not
    found is kept as given.  The first directory entry that matches wins.
    """
    elements = [os.fsencode(e) for e in path.split("/") if e]
    out: list[bytes] = []
    with sysroot():
        for i, want in enumerate(elements):
            last = i == len(elements) - 1
            key = _lower(want)
            try:
                found = next((n for n in os.listdir(b".") if _lower(n) == key), None)
            except OSError as e:
                raise DaemonError.from_oserror(e, "opendir", os.fsdecode(b"/".join(out) or b"/")) from None
            if found is None:
                if not last:
                    raise DaemonError(f"{os.fsdecode(want)}: not found", "ENOENT")
                if want in (b".", b".."):
                    raise DaemonError('path contains "." or ".." elements', "EINVAL")
                found = want
            out.append(found)
            if not last:
                try:
                    os.chdir(found)
                except OSError as e:
                    raise DaemonError.from_oserror(e, "chdir", os.fsdecode(found)) from None
    return "/" + os.fsdecode(b"/".join(out))
