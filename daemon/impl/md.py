"""Linux software RAID (md): create, stop, describe arrays with mdadm.

The appliance has no udev, so mdadm makes the /dev/md/NAME nodes itself.
"""

from __future__ import annotations

import os
import re

from .. import context
from ..dispatch import action
from ..errors import DaemonError
from ..lib.programs import run

#: RAID levels md_create accepts (mdadm's own names and numbers).
_LEVELS = frozenset({"linear", "raid0", "0", "stripe", "raid1", "1", "mirror", "raid4", "4",
                     "raid5", "5", "raid6", "6", "raid10", "10"})
#: Flags /proc/mdstat puts after a member, as md_stat reports them.
_FLAGS = {"W": "W", "F": "F", "S": "S", "R": "R"}


@action("md_create")
def md_create(name: str, devices: list[str], missingbitmap: int | None = None,
              nrdevices: int | None = None, spare: int | None = None, chunk: int | None = None,
              level: str | None = None) -> None:
    """Make /dev/md/NAME from ``devices`` (RAID 1 unless ``level`` says otherwise)."""
    if not name or "/" in name:
        raise DaemonError(f"{name!r}: invalid md device name", "EINVAL")
    level = level or "raid1"
    if level not in _LEVELS:
        raise DaemonError(f"{level}: unknown RAID level", "EINVAL")
    bitmap = missingbitmap or 0
    if bitmap < 0:
        raise DaemonError("missingbitmap cannot be negative", "EINVAL")
    # Members in array order: each set bit puts a "missing" slot there.
    members: list[str] = []
    queue = list(devices)
    slot = 0
    while queue or bitmap >> slot:
        if bitmap >> slot & 1:
            members.append("missing")
        else:
            if not queue:
                break
            members.append(queue.pop(0))
        slot += 1
    spare = spare or 0
    nrdevices = nrdevices if nrdevices is not None else len(members) - spare
    if nrdevices + spare != len(members) or nrdevices < 1 or spare < 0:
        raise DaemonError(f"nrdevices ({nrdevices}) + spare ({spare}) must equal the number of "
                          f"devices plus missing slots ({len(members)})", "EINVAL")
    argv = ["mdadm", "--create", "--run", "--force", f"/dev/md/{name}", f"--level={level}",
            f"--raid-devices={nrdevices}"]
    if spare:
        argv.append(f"--spare-devices={spare}")
    if chunk is not None:
        if chunk <= 0 or chunk % 1024:
            raise DaemonError(f"chunk {chunk}: must be a positive multiple of 1024 bytes", "EINVAL")
        argv.append(f"--chunk={chunk // 1024}")
    run(argv + members)


@action("md_stop")
def md_stop(md: str) -> None:
    """Stop an array (its members become free again)."""
    nodes = {md, os.path.realpath(md)}
    run(["mdadm", "--stop", md])
    # Without udev nobody removes the nodes mdadm made; a later open of one
    # would bring back an empty array device.
    for node in nodes:
        if node.startswith("/dev/md"):
            try:
                os.unlink(node)
            except OSError:
                pass


@action("md_detail")
def md_detail(md: str) -> list[tuple[str, str]]:
    """``mdadm -DY`` as pairs, keys without their ``MD_`` prefix, in lower case."""
    pairs = []
    for line in run(["mdadm", "-DY", md]).stdout.decode("utf-8", "surrogateescape").splitlines():
        key, sep, value = line.partition("=")
        if not sep:
            continue
        key = key[3:] if key.startswith("MD_") else key
        pairs.append((key.lower(), value))
    return pairs


@action("md_stat")
def md_stat(md: str) -> list[dict[str, object]]:
    """The members of one array from /proc/mdstat: device, index in the array, flags."""
    name = os.path.basename(os.path.realpath(md))
    with open("/proc/mdstat") as f:
        for line in f:
            head, sep, rest = line.partition(" : ")
            if sep and head.strip() == name:
                return [_member(m) for m in rest.split()[2:] if "[" in m]
    raise DaemonError(f"{context.canonical_device(md)}: device not found in /proc/mdstat", "ENOENT")


def _member(text: str) -> dict[str, object]:
    """``sda[1](F)`` → the device, its index and its flags."""
    m = re.fullmatch(r"(.+?)\[(\d+)\]((?:\([A-Z]\))*)", text)
    if m is None:
        raise DaemonError(f"cannot parse the /proc/mdstat entry {text!r}")
    flags = "".join(_FLAGS.get(c, "") for c in m.group(3) if c.isalpha())
    return {"mdstat_device": context.canonical_device(f"/dev/{m.group(1)}"),
            "mdstat_index": int(m.group(2)), "mdstat_flags": flags}
