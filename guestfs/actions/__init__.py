"""The actions registry: one entry per libguestfs action, built from the facts.

Everything per action is derived from here: the ``GuestFS`` methods
(``guestfs/handle.py``), the call/reply codecs the RPC client and the daemon
use, the daemon's dispatch table (``daemon/dispatch.py``) and guestfish's
commands.  The facts file (``guestfs/_data``) is the single source of names,
procedure numbers and layouts; nothing here is written per action.

Standard library plus the protocol package only: the daemon imports it.
"""

from __future__ import annotations

from ._registry import (
    ACTIONS,
    BY_PROC,
    Action,
    Arg,
    OptArg,
    get_action,
)
from .kinds import ArgKind, RetKind

__all__ = ["ACTIONS", "BY_PROC", "Action", "Arg", "ArgKind", "OptArg", "RetKind", "get_action"]
