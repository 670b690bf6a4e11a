"""``user_cancel``: stop a running upload or download from another thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import library_action

if TYPE_CHECKING:
    from ..handle import GuestFS


@library_action("user_cancel")
def user_cancel(g: GuestFS) -> None:
    """Ask the current file transfer to stop; safe from any thread or callback."""
    client = g._client
    if client is not None:
        client.cancel_requested = True
