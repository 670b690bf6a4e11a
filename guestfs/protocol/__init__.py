"""Sans-IO codec of libguestfs protocol 4, shared by the library and the daemon.

Standard library plus xdrlib3 only: the daemon imports this package inside
the appliance.  ``constants`` and ``facts`` read the vendored facts file,
``xdr`` encodes fields, ``messages`` the fixed structs, ``framing`` cuts a
stream into frames.  The per-action layouts live in ``guestfs.actions``.
"""

from __future__ import annotations

from . import constants
from .errors import LocalProtocolError, ProtocolError, RemoteProtocolError
from .framing import CancelFlag, Frame, FrameReader, LaunchFlag, Message
from .messages import (
    Chunk,
    ErrorReply,
    Header,
    Progress,
    call_header,
    decode_chunk,
    decode_error,
    decode_header,
    encode_chunk,
    encode_error,
    encode_message,
    encode_progress,
    flag_word,
    reply_header,
)

__all__ = [
    "CancelFlag", "Chunk", "ErrorReply", "Frame", "FrameReader", "Header", "LaunchFlag",
    "LocalProtocolError", "Message", "Progress", "ProtocolError", "RemoteProtocolError",
    "call_header", "constants", "decode_chunk", "decode_error", "decode_header",
    "encode_chunk", "encode_error", "encode_message", "encode_progress", "flag_word",
    "reply_header",
]
