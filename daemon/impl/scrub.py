"""Overwriting data so it cannot be read back: scrub(1) on devices, files
and the free space of a filesystem."""

from __future__ import annotations

import os

from ..context import run
from ..dispatch import action
from .files import _syscall, real


@action("scrub_device")
def scrub_device(device: str) -> None:
    """Overwrite a whole device with scrub's patterns."""
    run(["scrub", "-f", device])


@action("scrub_file")
def scrub_file(file: str) -> None:
    """Overwrite a file's data with scrub's patterns, then remove it."""
    _syscall(os.stat, file)
    run(["scrub", "-r", real(file)])


@action("scrub_freespace")
def scrub_freespace(dir: str) -> None:  # noqa: A002 - the protocol's name
    """Fill a filesystem's free space with scrub's patterns through a scratch
    directory ``dir`` (which must not exist; it is removed afterwards)."""
    run(["scrub", "-X", real(dir)])
