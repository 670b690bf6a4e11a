"""Windows registry hives for tests, made from nothing and grown in the guest.

:func:`minimal_hive` is the smallest file hivex accepts (a header and one
page with a root key and its security record); :func:`write_hive` puts it
into the guest and adds keys and values through the ``hivex_*`` calls of
whatever handle it is given (ours or stock's), so no hive is ever parsed
on the host.
"""

from __future__ import annotations

import struct
from typing import Any, Union

REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD, REG_MULTI_SZ = 1, 2, 3, 4, 7
PAGE = 0x1000

#: A registry tree: key name → subtree, or value name → (type, raw bytes).
Tree = dict[str, Union["Tree", tuple[int, bytes]]]


def minimal_hive(root_name: bytes = b"ROOT") -> bytes:
    """A valid, empty registry hive (regf format): header, one hbin page.

    The page holds the root ``nk`` record (flags: hive entry, no delete,
    ASCII name), the ``sk`` security record every key points at (a
    self-relative descriptor with a NULL DACL, refcount 1, linked to
    itself) and one free cell filling the rest.
    """
    none = 0xFFFFFFFF
    nk_size = (4 + 76 + len(root_name) + 7) & ~7
    sk_off = 0x20 + nk_size
    nk = struct.pack("<i2sHqIIIIIIIIIIHHIIIIHH", -nk_size, b"nk", 0x2C, 0, 0, 0, 0, 0, none, none,
                     0, none, sk_off, none, 0, 0, 0, 0, 0, 0, len(root_name), 0) + root_name
    descriptor = bytes([1, 0, 0x04, 0x80]) + bytes(16)
    sk_size = (4 + 20 + len(descriptor) + 7) & ~7
    sk = struct.pack("<i2sHIIII", -sk_size, b"sk", 0, sk_off, sk_off, 1, len(descriptor)) + descriptor
    cells = nk.ljust(nk_size, b"\0") + sk.ljust(sk_size, b"\0")
    free = PAGE - 0x20 - len(cells)
    page = (struct.pack("<4sII20s", b"hbin", 0, PAGE, bytes(20)) + cells
            + struct.pack("<i", free) + bytes(free - 4))
    header = bytearray(PAGE)
    # magic, sequence numbers, timestamp, version 1.3, type, format, root offset, data size, cluster
    struct.pack_into("<4sIIqIIIIIII", header, 0, b"regf", 1, 1, 0, 1, 3, 0, 1, 0x20, PAGE, 1)
    checksum = 0
    for (word,) in struct.iter_unpack("<I", bytes(header[:0x1FC])):
        checksum ^= word
    struct.pack_into("<I", header, 0x1FC, checksum)
    return bytes(header) + page


def utf16(s: str) -> bytes:
    """A REG_SZ value's bytes: UTF-16LE with the terminating NUL."""
    return (s + "\0").encode("utf-16-le")


def sz(s: str) -> tuple[int, bytes]:
    """A REG_SZ value for a :data:`Tree`."""
    return (REG_SZ, utf16(s))


def dword(n: int) -> tuple[int, bytes]:
    """A REG_DWORD value for a :data:`Tree`."""
    return (REG_DWORD, struct.pack("<I", n))


def binary(b: bytes) -> tuple[int, bytes]:
    """A REG_BINARY value for a :data:`Tree`."""
    return (REG_BINARY, b)


def write_hive(g: Any, path: str, tree: Tree, root_name: bytes = b"ROOT") -> None:
    """Write a hive holding ``tree`` to the guest file ``path`` (on a mounted
    file system of handle ``g``), through ``hivex_*`` calls."""
    g.write(path, minimal_hive(root_name))
    g.hivex_open(path, write=True)
    try:
        _add(g, g.hivex_root(), tree)
        g.hivex_commit(None)
    finally:
        g.hivex_close()


def _add(g: Any, node: int, tree: Tree) -> None:
    for name, item in tree.items():
        if isinstance(item, dict):
            _add(g, g.hivex_node_add_child(node, name), item)
        else:
            t, data = item
            g.hivex_node_set_value(node, name, t, data)
