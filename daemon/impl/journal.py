"""The systemd journal of a guest: journal_open, journal_close,
journal_next, journal_skip, internal_journal_get (what the library's
journal_get reads), journal_get_data_threshold, journal_set_data_threshold,
journal_get_realtime_usec.

One journal handle per daemon, as in libguestfs, from libsystemd0's
``sd_journal`` API through ctypes (loaded on the first call).  The
directory is opened by its appliance path with the guest's links resolved
(``guestroot.real``), so libsystemd itself never runs chrooted.
``internal_journal_get`` streams the current entry's fields, each as a
64-bit big-endian length and the ``FIELD=value`` bytes; the library splits
them (``guestfs/library/files.py``).
"""

from __future__ import annotations

import ctypes
import os
import struct
from functools import lru_cache
from typing import Any

from ..dispatch import action
from ..errors import DaemonError
from ..lib.guestroot import real
from ..streams import FileOut

#: The field framing of internal_journal_get's stream.
_LENGTH = struct.Struct(">Q")

#: The open ``sd_journal *`` (None: no journal open).
_journal: int | None = None


@lru_cache(maxsize=1)
def _lib() -> Any:
    """libsystemd0's journal reader, typed (loaded once)."""
    lib = ctypes.CDLL("libsystemd.so.0", use_errno=True)
    vp, i, u64, sz = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint64, ctypes.c_size_t
    for name, args in (
            ("sd_journal_open_directory", [ctypes.POINTER(vp), ctypes.c_char_p, i]),
            ("sd_journal_next", [vp]),
            ("sd_journal_next_skip", [vp, u64]),
            ("sd_journal_previous_skip", [vp, u64]),
            ("sd_journal_enumerate_data", [vp, ctypes.POINTER(vp), ctypes.POINTER(sz)]),
            ("sd_journal_get_data_threshold", [vp, ctypes.POINTER(sz)]),
            ("sd_journal_set_data_threshold", [vp, sz]),
            ("sd_journal_get_realtime_usec", [vp, ctypes.POINTER(u64)])):
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = i, args
    lib.sd_journal_close.restype, lib.sd_journal_close.argtypes = None, [vp]
    lib.sd_journal_restart_data.restype, lib.sd_journal_restart_data.argtypes = None, [vp]
    return lib


def _check(r: int, *what: str) -> int:
    """An sd_journal return value: negative is ``-errno``, raised as ``WHAT: strerror``."""
    if r < 0:
        raise DaemonError.from_oserror(OSError(-r, os.strerror(-r)), *what)
    return r


def _need(name: str) -> int:
    """The open journal, or libguestfs's refusal for a call made before journal_open."""
    if _journal is None:
        raise DaemonError(f"do_{name}: you must call 'journal-open' first to initialize "
                          "the journal handle", "EINVAL")
    return _journal


def _signed(v: int) -> int:
    """A 64-bit unsigned value as the Int64 the protocol carries."""
    return v - (1 << 64) if v >= 1 << 63 else v


def _close() -> None:
    global _journal
    if _journal is not None:
        j, _journal = _journal, None
        _lib().sd_journal_close(j)


@action("journal_open")
def journal_open(directory: str) -> None:
    """Open the journal files in a guest directory (closing any open journal first)."""
    global _journal
    lib = _lib()
    _close()
    j = ctypes.c_void_p()
    _check(lib.sd_journal_open_directory(ctypes.byref(j), os.fsencode(real(directory, True)), 0),
           "sd_journal_open_directory", directory)
    _journal = j.value


@action("journal_close")
def journal_close() -> None:
    """Close the open journal."""
    _need("journal_close")
    _close()


@action("journal_next")
def journal_next() -> bool:
    """Move to the next entry; False at the end (the position stays on the last one)."""
    j = _need("journal_next")
    return _check(_lib().sd_journal_next(j), "sd_journal_next") > 0


@action("journal_skip")
def journal_skip(skip: int) -> int:
    """Move ``skip`` entries forward (backward when negative); how many were moved."""
    j = _need("journal_skip")
    lib = _lib()
    what = f"failed to skip {skip} journal entries"
    if skip >= 0:
        return _check(lib.sd_journal_next_skip(j, skip), what)
    return _check(lib.sd_journal_previous_skip(j, -skip), what)


@action("internal_journal_get")
def internal_journal_get(filename: FileOut) -> None:
    """Stream the current entry's fields (length-prefixed ``FIELD=value``).

    The reply goes first, as in libguestfs, so an error once streaming
    (no current entry: ``journal_next`` not called) cancels the transfer.
    """
    j = _need("internal_journal_get")
    lib = _lib()
    filename.start()
    lib.sd_journal_restart_data(j)
    data, size = ctypes.c_void_p(), ctypes.c_size_t()
    while _check(lib.sd_journal_enumerate_data(j, ctypes.byref(data), ctypes.byref(size)),
                 "sd_journal_enumerate_data"):
        field = ctypes.string_at(data.value or 0, size.value) if size.value else b""
        filename.write(_LENGTH.pack(size.value) + field)


@action("journal_get_data_threshold")
def journal_get_data_threshold() -> int:
    """The largest field size libsystemd decompresses in full (0: no limit)."""
    j = _need("journal_get_data_threshold")
    size = ctypes.c_size_t()
    _check(_lib().sd_journal_get_data_threshold(j, ctypes.byref(size)), "sd_journal_get_data_threshold")
    return _signed(size.value)


@action("journal_set_data_threshold")
def journal_set_data_threshold(threshold: int) -> None:
    """Set the data threshold (a size_t to libsystemd, as in libguestfs)."""
    j = _need("journal_set_data_threshold")
    _check(_lib().sd_journal_set_data_threshold(j, threshold & ((1 << 64) - 1)),
           "sd_journal_set_data_threshold")


@action("journal_get_realtime_usec")
def journal_get_realtime_usec() -> int:
    """The current entry's wall-clock time in microseconds since the epoch."""
    j = _need("journal_get_realtime_usec")
    usec = ctypes.c_uint64()
    _check(_lib().sd_journal_get_realtime_usec(j, ctypes.byref(usec)), "sd_journal_get_realtime_usec")
    return _signed(usec.value)
