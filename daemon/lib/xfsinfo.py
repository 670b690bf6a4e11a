"""``xfs_info`` as a flat table (``xfs_info2``, in ``impl/fs_tuning.py``):
one ``GROUP.FIELD`` key per number of the report, plus ``GROUP`` for the
text some groups begin with (``meta-data`` → the device, ``naming`` →
``version 2``, ``log`` → ``internal log``, ``realtime`` → ``none``).
The xfsinfo struct of ``xfs_info`` is parsed in ``impl/filesystems.py``.
"""

from __future__ import annotations

import re

#: A group's first line: its name, then "=".
_HEADING = re.compile(r"^([a-z][-a-z0-9]*)\s*=(.*)$")
#: A continuation line of the current group.
_MORE = re.compile(r"^\s+=(.*)$")
#: One FIELD=NUMBER, the number maybe followed by its unit.
_FIELD = re.compile(r"([-\w]+)=(\d+(?: (?:blks|extents))?)")
#: The text a group may begin with (before its first FIELD=).
_LEAD = re.compile(r"^(version \d+|\S+ log|[^\s=,]+)(?=\s|$)")


def parse_xfs_info2(output: str) -> list[tuple[str, str]]:
    """The key/value pairs of an ``xfs_info`` report, in its order.

    Lines that belong to no group are ignored.
    """
    pairs: list[tuple[str, str]] = []
    group = None
    for line in output.splitlines():
        m = _HEADING.match(line)
        if m:
            group, rest = m.group(1), m.group(2)
            lead = _LEAD.match(rest)
            if lead:
                pairs.append((group, lead.group(1)))
                rest = rest[lead.end():]
        elif group is not None and (m := _MORE.match(line)):
            rest = m.group(1)
        else:
            continue
        pairs.extend((f"{group}.{k}", v) for k, v in _FIELD.findall(rest))
    return pairs
