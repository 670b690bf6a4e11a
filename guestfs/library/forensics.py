"""Forensic calls libguestfs runs in the library: ``filesystem_walk``,
``find_inode`` (sleuthkit) and ``yara_scan``.

The daemon half (``internal_filesystem_walk``, ``internal_find_inode``,
``internal_yara_scan``) streams its results as a FileOut of XDR structs
laid end to end, so that any number of them fits past the message limit;
here the stream goes to a temporary file and is decoded back into the
list of structs the binding returns.
"""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING, Any

import xdrlib3

from ..actions._registry import struct_codecs
from ..errors import GuestFSError
from ..protocol.errors import ProtocolError
from . import library_action

if TYPE_CHECKING:
    from ..handle import GuestFS


def decode_struct_stream(data: bytes, struct: str) -> list[dict[str, Any]]:
    """The structs of a FileOut stream of ``struct`` values laid end to end.

    :raises GuestFSError: the stream does not decode (a truncated or bad reply).
    """
    codec = struct_codecs()[struct]
    u = xdrlib3.Unpacker(data)
    out = []
    try:
        while u.get_position() < len(data):
            out.append(codec.unpack_from(u))
    except (ProtocolError, EOFError, xdrlib3.Error) as e:
        raise GuestFSError(f"{struct}: could not decode the list the daemon sent: {e}", "EIO") from None
    return out


def _streamed(g: GuestFS, name: str, args: dict[str, Any], struct: str) -> list[dict[str, Any]]:
    """Run an internal FileOut call into a temporary file and decode its structs."""
    with tempfile.TemporaryFile(dir=g.get_tmpdir()) as f:
        g._rpc(name, args, download=f)
        f.seek(0)
        data = f.read()
    return decode_struct_stream(data, struct)


@library_action("filesystem_walk")
def filesystem_walk(g: GuestFS, device: str) -> list[dict[str, Any]]:
    """Every name in a filesystem, deleted ones too, with its inode's metadata."""
    return _streamed(g, "internal_filesystem_walk", {"device": device}, "tsk_dirent")


@library_action("find_inode")
def find_inode(g: GuestFS, device: str, inode: int) -> list[dict[str, Any]]:
    """The names in a filesystem that refer to ``inode``.

    No name at all is an error, as in libguestfs 1.48 (whose binding reports
    an empty list as a failure).
    """
    found = _streamed(g, "internal_find_inode", {"device": device, "inode": inode}, "tsk_dirent")
    if not found:
        raise GuestFSError(f"find_inode: no name refers to inode {inode}", "ENOENT")
    return found


@library_action("yara_scan")
def yara_scan(g: GuestFS, path: str) -> list[dict[str, Any]]:
    """The loaded yara rules that match a guest file.

    No rule matching is an error, as in libguestfs 1.48 (whose binding
    reports an empty list as a failure).
    """
    found = _streamed(g, "internal_yara_scan", {"path": path}, "yara_detection")
    if not found:
        raise GuestFSError(f"yara_scan: {path}: no yara rule matches", "ENOENT")
    return found
