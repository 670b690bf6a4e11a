"""Device names as they travel in calls and replies: ``/dev/sdX`` where the
letters ``X`` number the drives (``a`` … ``z``, ``aa`` …).  Shared by the
library's device-name policy and the daemon's translation."""

from __future__ import annotations

import re


def index_to_letters(i: int) -> str:
    """0 → ``a``, 25 → ``z``, 26 → ``aa``."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(ord("a") + r) + s
    return s


def letters_to_index(letters: str) -> int:
    """Inverse of :func:`index_to_letters`."""
    i = 0
    for c in letters:
        i = i * 26 + (ord(c) - ord("a") + 1)
    return i - 1


_DEVICE_RE = re.compile(r"^(?:/dev/)?(?:sd|hd|vd|xvd|ubd)([a-z]+)(\d*)$")


def device_sort_key(name: str) -> tuple[int, int, str, int, str]:
    """Order ``sda < sdb < … < sdz < sdaa``, partitions by number, with or
    without ``/dev/``; other names come last, by name."""
    m = _DEVICE_RE.match(name)
    if not m:
        return (1, 0, "", 0, name)
    letters, part = m.groups()
    return (0, len(letters), letters, int(part or 0), name)
