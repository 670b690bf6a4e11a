"""File calls libguestfs runs in the library, built on daemon calls.

``read_file`` reads with ``pread`` (no file-transfer round trip for small
files), ``ls``/``find`` stream the daemon's NUL-separated lists into memory,
``stat``/``lstat`` convert from the nanosecond structs.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from typing import TYPE_CHECKING, Any

from ..errors import GuestFSError
from . import library_action

if TYPE_CHECKING:
    from ..handle import GuestFS

#: Bytes per pread: well under the 4 MiB message limit with headers.
READ_CHUNK = 2 * 1024 * 1024


@library_action("read_file")
def read_file(g: GuestFS, path: str) -> bytes:
    """The whole content of a file, as bytes."""
    parts = []
    offset = 0
    while True:
        data = g._rpc("pread", {"path": path, "count": READ_CHUNK, "offset": offset})
        parts.append(data)
        offset += len(data)
        if len(data) < READ_CHUNK:
            return b"".join(parts)


@library_action("cat")
def cat(g: GuestFS, path: str) -> str:
    """A text file's content (stops at the first NUL, as in libguestfs)."""
    data = read_file(g, path)
    return data.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


@library_action("read_lines")
def read_lines(g: GuestFS, path: str) -> list[str]:
    """The lines of a text file, without line endings (``\\n`` or ``\\r\\n``)."""
    text = read_file(g, path).decode("utf-8", "surrogateescape")
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


@library_action("write")
def write(g: GuestFS, path: str, content: bytes) -> None:
    """Create or replace a file with ``content``."""
    g._rpc("internal_write", {"path": path, "content": content})


@library_action("write_append")
def write_append(g: GuestFS, path: str, content: bytes) -> None:
    """Append ``content`` to a file."""
    g._rpc("internal_write_append", {"path": path, "content": content})


def _nul_list(g: GuestFS, name: str, args: dict[str, Any]) -> list[str]:
    buf = io.BytesIO()
    g._rpc(name, args, download=buf)
    data = buf.getvalue()
    return [s.decode("utf-8", "surrogateescape") for s in data.split(b"\0") if s]


@library_action("ls")
def ls(g: GuestFS, directory: str) -> list[str]:
    """Names in a directory, sorted, without ``.`` and ``..``."""
    return sorted(_nul_list(g, "ls0", {"dir": directory, "filenames": "/dev/null"}))


@library_action("find")
def find(g: GuestFS, directory: str) -> list[str]:
    """Every path under a directory, relative to it, sorted."""
    return sorted(_nul_list(g, "find0", {"directory": directory, "files": "/dev/null"}))


_STAT_FIELDS = ("dev", "ino", "mode", "nlink", "uid", "gid", "rdev", "size", "blksize", "blocks")


def _old_stat(ns: dict[str, Any]) -> dict[str, Any]:
    out = {f: ns[f"st_{f}"] for f in _STAT_FIELDS}
    for t in ("atime", "mtime", "ctime"):
        out[t] = ns[f"st_{t}_sec"]
    return out


@library_action("stat")
def stat(g: GuestFS, path: str) -> dict[str, Any]:
    """``stat`` in the old (seconds-only) struct."""
    return _old_stat(g._rpc("statns", {"path": path}))


@library_action("lstat")
def lstat(g: GuestFS, path: str) -> dict[str, Any]:
    """``lstat`` in the old (seconds-only) struct."""
    return _old_stat(g._rpc("lstatns", {"path": path}))


@library_action("lstatnslist")
def lstatnslist(g: GuestFS, path: str, names: list[str]) -> list[dict[str, Any]]:
    """``lstatns`` of many names in one directory."""
    return list(g._rpc("internal_lstatnslist", {"path": path, "names": names}))


@library_action("lstatlist")
def lstatlist(g: GuestFS, path: str, names: list[str]) -> list[dict[str, Any]]:
    """``lstat`` of many names in one directory."""
    return [_old_stat(s) for s in lstatnslist(g, path, names)]


@library_action("readlinklist")
def readlinklist(g: GuestFS, path: str, names: list[str]) -> list[str]:
    """``readlink`` of many names in one directory."""
    return list(g._rpc("internal_readlinklist", {"path": path, "names": names}))


@library_action("lxattrlist")
def lxattrlist(g: GuestFS, path: str, names: list[str]) -> list[dict[str, Any]]:
    """Extended attributes of many names in one directory."""
    return list(g._rpc("internal_lxattrlist", {"path": path, "names": names}))


@library_action("copy_in")
def copy_in(g: GuestFS, localpath: str, remotedir: str) -> None:
    """Copy a local file or directory tree into a guest directory (via tar)."""
    if not os.path.exists(localpath):
        raise GuestFSError(f"{localpath}: No such file or directory", "ENOENT")
    if not g._rpc("is_dir", {"path": remotedir}, {}):
        raise GuestFSError(f"target '{remotedir}' is not a directory", "ENOTDIR")
    parent, base = os.path.split(os.path.abspath(localpath))
    with tempfile.TemporaryFile(dir=g.get_tmpdir()) as tar:
        _run_tar(["tar", "-C", parent, "-cf", "-", base], stdout=tar)
        tar.seek(0)
        g._rpc("tar_in", {"directory": remotedir}, upload=tar)


@library_action("copy_out")
def copy_out(g: GuestFS, remotepath: str, localdir: str) -> None:
    """Copy a guest file or directory tree into a local directory (via tar)."""
    if not os.path.isdir(localdir):
        raise GuestFSError(f"{localdir}: target is not a directory", "ENOTDIR")
    if g._rpc("is_file", {"path": remotepath}, {}):
        with open(os.path.join(localdir, os.path.basename(remotepath)), "wb") as f:
            g._rpc("download", {"remotefilename": remotepath}, download=f)
        return
    if not g._rpc("is_dir", {"path": remotepath}, {}):
        raise GuestFSError(f"{remotepath}: no such file or directory in the guest", "ENOENT")
    base = os.path.basename(remotepath.rstrip("/")) or "."
    dest = os.path.join(localdir, base)
    os.makedirs(dest, exist_ok=True)
    with tempfile.TemporaryFile(dir=g.get_tmpdir()) as tar:
        g._rpc("tar_out", {"directory": remotepath}, download=tar)
        tar.seek(0)
        _run_tar(["tar", "-C", dest, "-xf", "-"], stdin=tar)


def _run_tar(argv: list[str], **kw: Any) -> None:
    import subprocess
    tar = shutil.which("tar")
    if tar is None:
        raise GuestFSError("tar is not installed on this machine", "ENOENT")
    cp = subprocess.run([tar, *argv[1:]], stderr=subprocess.PIPE, **kw)
    if cp.returncode != 0:
        raise GuestFSError(f"tar: {cp.stderr.decode(errors='replace').strip()}")
