"""Swap for the appliance itself: on a device, a guest file, or a swap
partition found by label or UUID, and swap signatures on files.
"""

from __future__ import annotations

import os

from ..dispatch import action
from ..lib.guestroot import real, syscall
from ..lib.programs import run


def _swap(on: bool, *target: str) -> None:
    run(["swapon" if on else "swapoff", *target])


@action("swapon_device")
def swapon_device(device: str) -> None:
    """Let the appliance swap to a device or partition (never a guest's own swap)."""
    _swap(True, device)


@action("swapoff_device")
def swapoff_device(device: str) -> None:
    """Stop swapping to a device."""
    _swap(False, device)


@action("swapon_file")
def swapon_file(file: str) -> None:
    """Let the appliance swap to a guest file made with ``mkswap_file``."""
    syscall(os.stat, file)  # a missing file says so, in the guest's name
    _swap(True, real(file))


@action("swapoff_file")
def swapoff_file(file: str) -> None:
    """Stop swapping to a guest file."""
    _swap(False, real(file))


@action("swapon_label")
def swapon_label(label: str) -> None:
    """Swap to the swap partition with this label."""
    _swap(True, "-L", label)


@action("swapoff_label")
def swapoff_label(label: str) -> None:
    """Stop swapping to the swap partition with this label."""
    _swap(False, "-L", label)


@action("swapon_uuid")
def swapon_uuid(uuid: str) -> None:
    """Swap to the swap partition with this UUID."""
    _swap(True, "-U", uuid)


@action("swapoff_uuid")
def swapoff_uuid(uuid: str) -> None:
    """Stop swapping to the swap partition with this UUID."""
    _swap(False, "-U", uuid)


@action("mkswap_file")
def mkswap_file(path: str) -> None:
    """Write a swap signature over an existing guest file (see ``fallocate64``)."""
    syscall(os.stat, path)
    run(["mkswap", "-f", real(path)])
