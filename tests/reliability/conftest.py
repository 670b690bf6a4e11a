"""Reliability measurements (issue 11, items 4-7): what they share.

Each test measures something the issue asks to be zero (leftovers after
handles, changed files on read-only images, host escapes, unexpected
outcomes on hostile images) and asserts it.  When
``GUESTFS_RELIABILITY_REPORT`` names a file, every measurement also appends
one JSON line there for ``make reliability``'s table (the fuzzers in
``tests/fuzz/conftest.py`` write theirs the same way).
"""

from __future__ import annotations

import json
import os
from typing import Any

#: Environment of the stock libguestfs 1.48 binding when it is our peer:
#: no usable KVM here, and nothing of ours on its paths.
STOCK_ENV = {"LIBGUESTFS_BACKEND": "direct", "LIBGUESTFS_BACKEND_SETTINGS": "force_tcg"}


def record(kind: str, name: str, **figures: Any) -> None:
    """Append one measurement to the report file, if one is named.

    :param kind: the table it belongs to (``leaks``, ``read_only``,
        ``escapes``, ``hostile_images``).
    :param name: what was measured (a test name, a backend …).
    :param figures: the counts, e.g. ``runs=50, leftover_processes=0``.
    """
    path = os.environ.get("GUESTFS_RELIABILITY_REPORT")
    if not path:
        return
    with open(path, "a") as f:
        f.write(json.dumps({"kind": kind, "name": name, **figures}) + "\n")


def env_count(name: str, default: int) -> int:
    """A positive count from the environment variable ``name`` (``make
    reliability`` sets large ones; CI runs the bounded ``default``)."""
    raw = os.environ.get(name, "")
    try:
        n = int(raw) if raw else default
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if n < 1:
        raise ValueError(f"{name}={raw!r} must be at least 1")
    return n
