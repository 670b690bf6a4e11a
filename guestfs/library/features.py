"""``available`` and ``feature_available``: optional groups, asked of the daemon."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import GuestFSError
from . import library_action

if TYPE_CHECKING:
    from ..handle import GuestFS


def _group_status(g: GuestFS, group: str) -> int:
    """0 available, 1 not available; an unknown group is an error."""
    r = int(g._rpc("internal_feature_available", {"group": group}))
    if r < 0:
        raise GuestFSError(f"{group}: unknown group", "EINVAL")
    return r


@library_action("available")
def available(g: GuestFS, groups: list[str]) -> None:
    """Fail unless every group is available in the appliance."""
    for group in groups:
        if _group_status(g, group):
            raise GuestFSError(f"{group}: group not available", "ENOTSUP")


@library_action("feature_available")
def feature_available(g: GuestFS, groups: list[str]) -> bool:
    """True if every group is available in the appliance."""
    return all(_group_status(g, group) == 0 for group in groups)
