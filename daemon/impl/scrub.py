"""Overwriting data so it cannot be read back: scrub(1) on devices, files
and the free space of a filesystem."""

from __future__ import annotations

import os

from ..dispatch import action
from ..lib.guestroot import real, syscall
from ..lib.programs import run


@action("scrub_device")
def scrub_device(device: str) -> None:
    """Overwrite a whole device with scrub's patterns."""
    run(["scrub", "-f", device])


@action("scrub_file")
def scrub_file(file: str) -> None:
    """Overwrite a file's data with scrub's patterns, then remove it; a
    symbolic link is followed inside the guest (its target goes, as under
    libguestfs)."""
    syscall(os.stat, file)
    run(["scrub", "-r", real(file, follow=True)], message="output", prefix=file)


@action("scrub_freespace")
def scrub_freespace(dir: str) -> None:  # noqa: A002 - the protocol's name
    """Fill a filesystem's free space with scrub's patterns through a scratch
    directory ``dir`` (which must not exist; it is removed afterwards)."""
    run(["scrub", "-X", real(dir)])
