"""Protocol constants of libguestfs protocol 4, read from the facts file.

Siblings: ``xdr.py`` (field codecs), ``messages.py`` (header, error, chunk,
progress), ``framing.py`` (the sans-IO stream reader).
"""

from __future__ import annotations

import enum

from .facts import load_facts

_C = load_facts()["constants"]

PROGRAM: int = _C["program"]
PROTOCOL_VERSION: int = _C["protocol_version"]
LAUNCH_FLAG: int = _C["launch_flag"]
CANCEL_FLAG: int = _C["cancel_flag"]
PROGRESS_FLAG: int = _C["progress_flag"]
MESSAGE_MAX: int = _C["message_max"]
MAX_CHUNK_SIZE: int = _C["max_chunk_size"]
ERROR_LEN: int = _C["error_len"]
ERRNO_STRING_MAX: int = _C["errno_string_max"]
MAX_PROC_NR: int = _C["max_proc_nr"]
MAX_OPTARGS: int = _C["max_optargs"]

#: Bytes of a ``guestfs_progress`` body after the progress flag word.
PROGRESS_BODY_SIZE = 24

ERRNOS: tuple[str, ...] = tuple(load_facts()["errnos"])


def _enum_values(name: str) -> dict[str, int]:
    return {e["name"]: e["value"] for e in _C["enums"][name]}


_dir = _enum_values("guestfs_message_direction")
_status = _enum_values("guestfs_message_status")


class Direction(enum.IntEnum):
    """``guestfs_message_direction``."""

    CALL = _dir["GUESTFS_DIRECTION_CALL"]
    REPLY = _dir["GUESTFS_DIRECTION_REPLY"]


class Status(enum.IntEnum):
    """``guestfs_message_status``."""

    OK = _status["GUESTFS_STATUS_OK"]
    ERROR = _status["GUESTFS_STATUS_ERROR"]
