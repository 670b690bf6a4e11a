"""The pure parsers of the metadata families, on the host: inotify events
(``daemon/impl/inotify.py``, also on events the host kernel really queued)
and the field stream of ``internal_journal_get`` that the library's
``journal_get`` splits (``guestfs/library/files.py``)."""

from __future__ import annotations

import ctypes
import os
import struct
from pathlib import Path

import pytest

from guestfs.errors import GuestFSError
from guestfs.library.files import parse_journal_fields
from guestfs_daemon.errors import DaemonError
from guestfs_daemon.impl import inotify

IN_CREATE, IN_DELETE, IN_ISDIR, IN_Q_OVERFLOW = 0x100, 0x200, 0x40000000, 0x4000


def event(wd: int, mask: int, cookie: int, name: bytes, pad: int = 0) -> bytes:
    """One struct inotify_event as the kernel lays it out (name NUL-padded)."""
    raw = name + b"\0" * pad if name or pad else b""
    return struct.pack("=iIII", wd, mask, cookie, len(raw)) + raw


def test_parse_events_names_padding_and_overflow() -> None:
    buf = (event(1, IN_CREATE, 0, b"a", pad=15) + event(2, IN_CREATE | IN_ISDIR, 7, b"dir", pad=13)
           + event(-1, IN_Q_OVERFLOW, 0, b"") + event(3, IN_DELETE, 0, "é".encode(), pad=2))
    assert inotify.parse_events(buf) == [
        {"in_wd": 1, "in_mask": IN_CREATE, "in_cookie": 0, "in_name": "a"},
        {"in_wd": 2, "in_mask": IN_CREATE | IN_ISDIR, "in_cookie": 7, "in_name": "dir"},
        {"in_wd": -1, "in_mask": IN_Q_OVERFLOW, "in_cookie": 0, "in_name": ""},
        {"in_wd": 3, "in_mask": IN_DELETE, "in_cookie": 0, "in_name": "é"},
    ]
    assert inotify.parse_events(b"") == []


@pytest.mark.parametrize("cut", [3, 16 + 4])
def test_parse_events_refuses_truncated_events(cut: int) -> None:
    buf = event(1, IN_CREATE, 0, b"name", pad=12)
    with pytest.raises(DaemonError, match="truncated"):
        inotify.parse_events(buf[:cut])


def test_events_the_host_kernel_queued(tmp_path: Path) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init1(inotify.IN_NONBLOCK | inotify.IN_CLOEXEC)
    assert fd >= 0
    try:
        wd = libc.inotify_add_watch(fd, os.fsencode(tmp_path), IN_CREATE | IN_DELETE)
        assert wd > 0
        assert inotify._read_events(fd, inotify.REPLY_BUDGET) == []  # nothing yet, no blocking
        (tmp_path / "one").write_bytes(b"")
        (tmp_path / "two").mkdir()
        (tmp_path / "one").unlink()
        events = inotify._read_events(fd, inotify.REPLY_BUDGET)
        assert [(e["in_wd"], e["in_mask"], e["in_name"]) for e in events] == [
            (wd, IN_CREATE, "one"), (wd, IN_CREATE | IN_ISDIR, "two"), (wd, IN_DELETE, "one")]
        assert inotify._read_events(fd, inotify.REPLY_BUDGET) == []
    finally:
        os.close(fd)


def field(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def test_journal_fields_split_at_the_first_equals_sign() -> None:
    stream = field(b"MESSAGE=a=b c") + field(b"_PID=12") + field(b"BIN=\x00\xff\n") + field(b"EMPTY=")
    assert parse_journal_fields(stream) == [
        {"attrname": "MESSAGE", "attrval": b"a=b c"},
        {"attrname": "_PID", "attrval": b"12"},
        {"attrname": "BIN", "attrval": b"\x00\xff\n"},
        {"attrname": "EMPTY", "attrval": b""},
    ]
    assert parse_journal_fields(b"") == []


@pytest.mark.parametrize(("stream", "why"), [
    (field(b"A=1")[:5], "length is truncated"),
    (field(b"A=1")[:-1], "field is truncated"),
    (field(b"NOEQUALS"), "no '=' character"),
])
def test_journal_fields_refuse_a_broken_stream(stream: bytes, why: str) -> None:
    with pytest.raises(GuestFSError, match=why):
        parse_journal_fields(stream)
