"""The handle's state machine: CONFIG → LAUNCHING → READY (→ CONFIG).

Every state check goes through :func:`require` (or the :func:`requires`
decorator for library-side actions), so the messages and the
:class:`~guestfs.errors.StateError` they raise are the same everywhere.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .errors import StateError

if TYPE_CHECKING:
    from .handle import GuestFS

F = TypeVar("F", bound=Callable[..., Any])

#: What libguestfs says when a daemon call is made before launch.
NOT_LAUNCHED = ("call launch before using this function\n"
                "(in guestfish, don't forget to use the 'run' command)")


class State(enum.Enum):
    """libguestfs's handle states (``get_state`` returns the value)."""

    CONFIG = 0
    LAUNCHING = 1
    READY = 2


def require(actual: State, wanted: State, message: str) -> None:
    """Raise :class:`StateError` with ``message`` unless ``actual`` is ``wanted``."""
    if actual is not wanted:
        raise StateError(message, actual, wanted)


def requires(wanted: State, message: str | Callable[[GuestFS], str]) -> Callable[[F], F]:
    """Decorate a library-side action ``fn(g, …)`` to run only in state ``wanted``.

    :param message: the error message, or a function of the handle making it.
    """
    def deco(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(g: GuestFS, *args: Any, **kw: Any) -> Any:
            if g._state is not wanted:
                require(g._state, wanted, message(g) if callable(message) else message)
            return fn(g, *args, **kw)
        return cast(F, wrapper)
    return deco
