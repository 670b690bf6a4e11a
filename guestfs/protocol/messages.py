"""The fixed protocol messages: header, error, chunk and progress.

Layouts come from the facts file; this module gives them names and the
helpers that frame a message with its length word.  ``framing.py`` does the
reverse (bytes in, frames out).
"""

from __future__ import annotations

import struct
from typing import NamedTuple

from . import constants as C
from .errors import LocalProtocolError, RemoteProtocolError
from .facts import load_facts
from .xdr import StructCodec

_F = load_facts()
HEADER_CODEC = StructCodec(_F["header"]["xdr_struct"], _F["header"]["fields"])
ERROR_CODEC = StructCodec(_F["error"]["xdr_struct"], _F["error"]["fields"])
CHUNK_CODEC = StructCodec(_F["chunk"]["xdr_struct"], _F["chunk"]["fields"])
PROGRESS_CODEC = StructCodec(_F["progress"]["xdr_struct"], _F["progress"]["fields"])
HEADER_SIZE = HEADER_CODEC.min_size

_LEN = struct.Struct(">I")
# Every call and reply goes through the header: a fixed layout of integers,
# so it is packed with one struct call, its format derived from the facts.
_INT_FORMATS = {"uint32": "I", "int32": "i", "enum": "i", "uint64": "Q", "int64": "q"}
_HEADER_STRUCT = struct.Struct(">" + "".join(_INT_FORMATS[f["type"]] for f in _F["header"]["fields"]))
assert _HEADER_STRUCT.size == HEADER_SIZE
#: The header's layout as one struct (for callers that unpack it in place).
HEADER_STRUCT = _HEADER_STRUCT


class Header(NamedTuple):
    """``guestfs_message_header``."""

    prog: int
    vers: int
    proc: int
    direction: int
    serial: int
    progress_hint: int = 0
    optargs_bitmask: int = 0
    status: int = C.Status.OK


class ErrorReply(NamedTuple):
    """``guestfs_message_error``: the body of a reply with status ERROR."""

    errno_string: str
    error_message: str


class Chunk(NamedTuple):
    """``guestfs_chunk``: one piece of a FileIn/FileOut stream."""

    cancel: int
    data: bytes


class Progress(NamedTuple):
    """``guestfs_progress``: sent after the progress flag word."""

    proc: int
    serial: int
    position: int
    total: int


def call_header(proc: int, serial: int, optargs_bitmask: int = 0, progress_hint: int = 0) -> Header:
    """The header of a library→daemon call."""
    return Header(C.PROGRAM, C.PROTOCOL_VERSION, proc, C.Direction.CALL, serial,
                  progress_hint, optargs_bitmask, C.Status.OK)


def reply_header(call: Header, status: int = C.Status.OK) -> Header:
    """The header of the daemon's reply to ``call``."""
    # Built directly: NamedTuple._replace costs several times more, on the
    # daemon's per-call path under TCG.
    return Header(call.prog, call.vers, call.proc, C.Direction.REPLY, call.serial, 0,
                  call.optargs_bitmask, status)


#: A frame's length word and a header, packed together (the daemon's replies).
_FRAMED_HEADER = struct.Struct(">I" + _HEADER_STRUCT.format[1:])


def reply_ok_frame(call: Header, payload: bytes) -> bytes:
    """The whole framed OK reply to ``call`` (what ``encode_message(reply_header(call),
    payload)`` makes, in one step: the daemon's per-call path)."""
    n = HEADER_SIZE + len(payload)
    if n > C.MESSAGE_MAX:
        raise LocalProtocolError(
            f"message of {n} bytes exceeds the protocol limit of {C.MESSAGE_MAX} bytes")
    return _FRAMED_HEADER.pack(n, call.prog, call.vers, call.proc, C.Direction.REPLY, call.serial, 0,
                               call.optargs_bitmask, C.Status.OK) + payload


def frame(body: bytes) -> bytes:
    """Prefix a message body with its length word, enforcing the 4 MiB limit."""
    if len(body) > C.MESSAGE_MAX:
        raise LocalProtocolError(
            f"message of {len(body)} bytes exceeds the protocol limit of {C.MESSAGE_MAX} bytes")
    return _LEN.pack(len(body)) + body


def flag_word(flag: int) -> bytes:
    """A bare length word used as a flag (launch, cancel)."""
    return _LEN.pack(flag)


def encode_message(header: Header, payload: bytes = b"") -> bytes:
    """Frame ``header`` followed by an already-encoded payload."""
    try:
        head = _HEADER_STRUCT.pack(*header)
    except struct.error as e:
        raise LocalProtocolError(f"bad message header {header}: {e}") from None
    return frame(head + payload)


def decode_header(body: bytes) -> tuple[Header, int]:
    """Decode the header at the start of a message body.

    :returns: the header and the offset where the payload starts.
    """
    if len(body) < HEADER_SIZE:
        raise RemoteProtocolError(f"message of {len(body)} bytes is shorter than a header")
    return Header._make(_HEADER_STRUCT.unpack_from(body)), HEADER_SIZE


def encode_error(errno_string: str, message: str) -> bytes:
    """Encode an error body, trimming to the protocol's bounds."""
    errno_b = errno_string.encode()[: C.ERRNO_STRING_MAX]
    msg_b = message.encode("utf-8", "replace")[: C.ERROR_LEN]
    return ERROR_CODEC.encode({"errno_string": errno_b, "error_message": msg_b})


def decode_error(payload: bytes) -> ErrorReply:
    """Decode the error body of a reply with status ERROR."""
    d = ERROR_CODEC.decode(payload)
    return ErrorReply(d["errno_string"], d["error_message"])


def encode_chunk(data: bytes, cancel: bool = False) -> bytes:
    """Frame one chunk; an empty non-cancel chunk ends a stream."""
    if len(data) > C.MAX_CHUNK_SIZE:
        raise LocalProtocolError(f"chunk of {len(data)} bytes exceeds {C.MAX_CHUNK_SIZE}")
    # Hot path of every file transfer: the layout is int32 + opaque<8192>.
    pad = -len(data) % 4
    body = struct.pack(">iI", 1 if cancel else 0, len(data)) + data + b"\0" * pad
    return _LEN.pack(len(body)) + body


def decode_chunk(body: bytes) -> Chunk:
    """Decode a chunk message body."""
    d = CHUNK_CODEC.decode(body)
    if d["cancel"] not in (0, 1):
        raise RemoteProtocolError(f"chunk cancel field is {d['cancel']}, not 0 or 1")
    if d["cancel"] and d["data"]:
        raise RemoteProtocolError("cancel chunk carries data")
    return Chunk(d["cancel"], d["data"])


def encode_progress(p: Progress) -> bytes:
    """The progress flag word followed by the 24-byte progress struct."""
    return flag_word(C.PROGRESS_FLAG) + PROGRESS_CODEC.encode(p._asdict())


def decode_progress(body: bytes) -> Progress:
    """Decode the 24 bytes that follow a progress flag word."""
    return Progress(**PROGRESS_CODEC.decode(body))
