"""btrfs helpers the families share: the path btrfs-progs is given for a
guest path, running ``btrfs``/``btrfstune`` with libguestfs's wording of
failures, mounting a Mountable on a private directory for the calls that
take a device, the subvolume list, the minimum device size, and the
parsers of ``btrfs`` reports (all read in the C locale).

The btrfs actions are in ``impl/btrfs.py``; ``list_filesystems`` uses
:func:`subvolumes_of_device` (``fslist.py``), ``vfs_minimum_size``
:func:`minimum_size` (``impl/fs_tuning.py``).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

from guestfs.actions.kinds import BtrfsVolume, GuestPath

from .. import context
from ..errors import DaemonError
from .blockdev import display
from .programs import DEVNULL, run

#: The fields of the btrfsscrub struct, in order, each named by the key
#: ``btrfs scrub status -R`` prints for it.
SCRUB_FIELDS = (
    "data_extents_scrubbed", "tree_extents_scrubbed", "data_bytes_scrubbed",
    "tree_bytes_scrubbed", "read_errors", "csum_errors", "verify_errors", "no_csum",
    "csum_discards", "super_errors", "malloc_errors", "uncorrectable_errors",
    "unverified_errors", "corrected_errors", "last_physical",
)


def fs_arg(path: str) -> str:
    """What btrfs-progs is given for a guest path: the sysroot joined to it
    (``/`` is ``/sysroot/``), as libguestfs passes it, so btrfs's own
    messages name the same paths as stock's."""
    return context.SYSROOT + path


def btrfs_run(argv: Sequence[str], prefix: str | None, ok: Sequence[int] = (0,)) -> str:
    """Run a btrfs-progs program in the C locale; its stdout.

    :param prefix: what a failure message starts with (the call's main
        argument, as libguestfs words it), then the program's stderr (its
        stdout when stderr is blank).
    :raises DaemonError: if it is missing or exits with a status not in ``ok``.
    """
    cp = run(argv, c_locale=True, message="output", prefix=prefix, stdin=DEVNULL, ok=ok)
    stdout: bytes = cp.stdout
    return stdout.decode("utf-8", "surrogateescape")


def status_run(argv: Sequence[str]) -> str:
    """Run a btrfs-progs program; a failure reads ``PROG exited with status
    N: STDERR`` (how libguestfs words the calls that list or query)."""
    cp = run(argv, c_locale=True, stdin=DEVNULL, check=False)
    if cp.returncode != 0:
        err = (cp.stderr or cp.stdout).decode("utf-8", "replace").strip()
        raise DaemonError(f"{os.path.basename(argv[0])} exited with status {cp.returncode}: {err}")
    stdout: bytes = cp.stdout
    return stdout.decode("utf-8", "surrogateescape")


# -- mounting a Mountable for the calls that take one ---------------------------------


@contextmanager
def mounted(fs: str, prefix: str = "btrfs", wording: Literal["status", "internal"] = "status",
            trailing_slash: bool = False) -> Iterator[str]:
    """The appliance path of a Mountable_or_Path value, mounted if need be.

    A guest path is used where it is (under the sysroot); a device or a
    ``btrfsvol:`` name is mounted on a private directory under /tmp for
    the duration and unmounted after.

    :param prefix: the private directory's name prefix.
    :param wording: how a failed mount reads: ``"status"`` (``mount exited
        with status N: ...``) or ``"internal"`` (``DEVICE on <internal>
        (options: '...'): ...``), the two wordings libguestfs uses.
    :param trailing_slash: give a guest path with a ``/`` after it (the
        form libguestfs passes to ``btrfs subvolume list``/``get-default``).
    """
    if isinstance(fs, GuestPath):
        yield fs_arg(fs) + ("/" if trailing_slash else "")
        return
    if isinstance(fs, BtrfsVolume):
        dev, options = str(fs.device), f"subvol={fs.volume}"
    elif fs.startswith("/dev/"):
        dev, options = fs, ""
    else:
        raise DaemonError(f"{fs}: No such file or directory", "ENOENT")
    with _scratch_mount(["-o", options] if options else [], dev, prefix) as (tmp, cp):
        if cp.returncode != 0:
            err = (cp.stderr or cp.stdout).decode("utf-8", "replace").rstrip()
            if wording == "internal":
                # The options shown are the caller's (none), not the subvolume's.
                raise DaemonError(f"{display(dev)} on <internal> (options: ''): {err}")
            raise DaemonError(f"mount exited with status {cp.returncode}: {err}")
        yield tmp


@contextmanager
def _scratch_mount(opts: list[str], dev: str, prefix: str) -> Iterator[tuple[str, Any]]:
    """Mount ``dev`` on a private directory under /tmp for the body; yields
    the directory and mount's result (the body decides what a failure means);
    unmounted, if mounted, and removed after."""
    tmp = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    try:
        cp = run(["mount", *opts, dev, tmp], check=False, stdin=DEVNULL)
        try:
            yield tmp, cp
        finally:
            if cp.returncode == 0:
                run(["umount", tmp], check=False, stdin=DEVNULL)
    finally:
        try:
            os.rmdir(tmp)
        except OSError:
            pass


def mount_point_of(dev: str) -> str | None:
    """Where a device is mounted in the appliance (its first mount), or None."""
    real = os.path.realpath(dev)
    for src, mp in context.read_mounts():
        if src.startswith("/") and os.path.realpath(src) == real:
            return mp
    return None


# -- subvolumes ----------------------------------------------------------------------

_SUBVOL_LINE = re.compile(r"^ID\s+(\d+)\s.*?\btop level\s+(\d+)\s.*?\bpath\s(.*)$")


def parse_subvolume_list(text: str) -> list[tuple[int, int, str]]:
    """(id, top level id, path) of each line of ``btrfs subvolume list``.

    Paths are relative to the top of the filesystem; the ``<FS_TREE>/``
    form some versions print with ``-a`` is reduced to the same.
    """
    vols = []
    for line in text.splitlines():
        m = _SUBVOL_LINE.match(line)
        if m is None:
            continue
        path = m.group(3)
        if path.startswith("<FS_TREE>/"):
            path = path[len("<FS_TREE>/"):]
        vols.append((int(m.group(1)), int(m.group(2)), path))
    return vols


def list_subvolumes(path: str) -> list[tuple[int, int, str]]:
    """The subvolumes of the btrfs filesystem mounted at appliance path ``path``."""
    return parse_subvolume_list(status_run(["btrfs", "subvolume", "list", path]))


def subvolumes_of_device(dev: str) -> list[str]:
    """Paths of the subvolumes of a btrfs filesystem on ``dev`` ([] when it
    cannot be mounted or listed): what ``list_filesystems`` shows after it."""
    with _scratch_mount(["-t", "btrfs", "-o", "ro"], dev, "btrfs.") as (tmp, cp):
        if cp.returncode != 0:
            return []
        try:
            return [p for _, _, p in list_subvolumes(tmp)]
        except DaemonError:
            return []


def parse_subvolume_show(text: str) -> list[tuple[str, str]]:
    """``btrfs subvolume show`` as key/value pairs.

    The first line (the subvolume's path) is ``path``; ``-`` values are
    empty; the names listed under ``Snapshot(s):`` are joined with commas.
    Lines of the quota group block (``Quota group:`` and what is indented
    under it) are kept as their own keys.
    """
    pairs: list[tuple[str, str]] = []
    lines = text.splitlines()
    if not lines:
        raise DaemonError("btrfs subvolume show: no output")
    pairs.append(("path", lines[0].strip()))
    in_snapshots = False
    snapshots: list[str] = []
    for line in lines[1:]:
        if not line.strip():
            continue
        key, sep, value = line.strip().partition(":")
        # Snapshot names sit deeper than the keys (more than one tab).
        if in_snapshots and (line.startswith("\t\t") or not sep):
            snapshots.append(line.strip())
            continue
        if in_snapshots:
            pairs.append(("Snapshot(s)", ",".join(snapshots)))
            in_snapshots = False
        if key == "Snapshot(s)":
            in_snapshots, snapshots = True, []
            continue
        value = value.strip()
        pairs.append((key.strip(), "" if value == "-" else value))
    if in_snapshots:
        pairs.append(("Snapshot(s)", ",".join(snapshots)))
    return pairs


def parse_default_id(text: str) -> int:
    """The subvolume id in ``btrfs subvolume get-default`` output (``ID 5 (FS_TREE)``)."""
    m = re.match(r"^ID\s+(\d+)", text.strip())
    if m is None:
        raise DaemonError(f"could not parse the default subvolume: {text.strip()}")
    return int(m.group(1))


# -- devices -------------------------------------------------------------------------


def parse_filesystem_show(text: str) -> tuple[list[str], bool]:
    """(device paths, some devices missing) from ``btrfs filesystem show``."""
    devices = []
    missing = False
    for line in text.splitlines():
        m = re.match(r"^\s*devid\s+\d+\s.*\bpath\s+(\S+)", line)
        if m:
            if m.group(1) == "<missing":
                missing = True
            else:
                devices.append(m.group(1))
        elif "missing" in line.lower() and "devices" in line.lower():
            missing = True
    return devices, missing


def minimum_size(dev: str) -> int:
    """The smallest size (bytes) the btrfs filesystem's first device could
    shrink to, which btrfs computes only while it is mounted."""
    mp = mount_point_of(dev)
    if mp is None:
        raise DaemonError(f"device not mounted: {display(dev)}", "EINVAL")
    text = status_run(["btrfs", "inspect-internal", "min-dev-size", mp])
    m = re.match(r"^\s*(\d+)\s+bytes", text)
    if m is None:
        raise DaemonError(f"btrfs inspect-internal min-dev-size: cannot parse output: {text.strip()}")
    return int(m.group(1))


# -- status reports ------------------------------------------------------------------


def parse_balance_status(text: str) -> dict[str, Any]:
    """The btrfsbalance struct from ``btrfs balance status`` output.

    No balance gives status ``none`` and zero counts; otherwise the status
    is the state word after ``is`` (``running``, ``paused`` …) and the
    counts come from the ``N out of about N chunks balanced (N considered),
    N% left`` line.
    """
    status = {"btrfsbalance_status": "none", "btrfsbalance_total": 0, "btrfsbalance_balanced": 0,
              "btrfsbalance_considered": 0, "btrfsbalance_left": 0}
    for line in text.splitlines():
        m = re.match(r"^Balance on '.*' is (\w+)", line)
        if m:
            status["btrfsbalance_status"] = m.group(1)
            continue
        m = re.match(r"^\s*(\d+) out of about (\d+) chunks balanced \((\d+) considered\),\s*(\d+)% left",
                     line)
        if m:
            status["btrfsbalance_balanced"] = int(m.group(1))
            status["btrfsbalance_total"] = int(m.group(2))
            status["btrfsbalance_considered"] = int(m.group(3))
            status["btrfsbalance_left"] = int(m.group(4))
    return status


def parse_scrub_status(text: str) -> dict[str, int]:
    """The btrfsscrub struct from ``btrfs scrub status -R`` output (``key:
    value`` lines; counters it does not print are 0)."""
    found: dict[str, int] = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition(":")
        if sep and key in SCRUB_FIELDS and value.strip().isdigit():
            found[key] = int(value.strip())
    return {f"btrfsscrub_{name}": found.get(name, 0) for name in SCRUB_FIELDS}


def parse_qgroup_show(text: str) -> list[dict[str, Any]]:
    """The btrfsqgroup structs from ``btrfs qgroup show --raw``: the rows
    under the ``----`` rule, id then referenced and exclusive bytes."""
    rows: list[dict[str, Any]] = []
    started = False
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if not started:
            started = words[0].startswith("---")
            continue
        if len(words) < 3 or not (words[1].isdigit() and words[2].isdigit()):
            raise DaemonError(f"btrfs qgroup show: cannot parse line: {line.strip()}")
        rows.append({"btrfsqgroup_id": words[0], "btrfsqgroup_rfer": int(words[1]),
                     "btrfsqgroup_excl": int(words[2])})
    return rows
