"""NTFS facts shared by the families: the smallest size an NTFS volume can
shrink to (``vfs_minimum_size``, in ``impl/fs_tuning.py``), read from
``ntfsresize --info``.  The ntfs calls themselves are ``impl/ntfs.py``.
"""

from __future__ import annotations

import re

from ..errors import DaemonError
from .devtext import callers_error
from .programs import DEVNULL, run

_MIGHT_RESIZE = re.compile(r"^You might resize at (\d+)")
_CLUSTER = re.compile(r"^Cluster size\s*:\s*(\d+)")
_VOLUME = re.compile(r"^Current volume size\s*:\s*(\d+)")


def parse_min_size(output: str, failed: bool, err: str = "") -> int:
    """The minimum size in bytes from ``ntfsresize --info`` output.

    ntfsresize fails on a full volume ("Volume is full"); then the answer
    is the volume's size rounded up to whole clusters, as libguestfs gives
    it.  Any other failure is ``err`` (ntfsresize's stderr).

    :param output: ntfsresize's stdout.
    :param failed: it exited with a non-zero status.
    :raises DaemonError: on a failure, or output that says no size.
    """
    lines = output.splitlines()
    if failed:
        if not any("Volume is full" in line for line in lines):
            raise DaemonError(err.strip() or output.strip())
        cluster = volume = None
        for line in lines:
            if m := _CLUSTER.match(line):
                cluster = int(m.group(1))
            elif m := _VOLUME.match(line):
                volume = int(m.group(1))
        if not cluster:
            raise DaemonError("bad cluster size")
        if volume is None:
            raise DaemonError("cannot parse volume size")
        return (volume + cluster - 1) // cluster * cluster
    for line in lines:
        if m := _MIGHT_RESIZE.match(line):
            return int(m.group(1))
    raise DaemonError("not found")


def minimum_size(device: str) -> int:
    """The smallest size the NTFS on ``device`` can be shrunk to (forced:
    a volume marked for a check is measured too)."""
    cp = run(["ntfsresize", "--info", "-ff", device], stdin=DEVNULL, check=False, c_locale=True)
    try:
        return parse_min_size(cp.stdout.decode("utf-8", "replace"), cp.returncode != 0,
                              cp.stderr.decode("utf-8", "replace"))
    except DaemonError as e:
        raise callers_error(e) from None
