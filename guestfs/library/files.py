"""File calls libguestfs runs in the library, built on daemon calls.

``read_file`` reads with ``pread`` (no file-transfer round trip for small
files), ``ls``/``find`` stream the daemon's NUL-separated lists into memory,
``stat``/``lstat`` convert from the nanosecond structs.
"""

from __future__ import annotations

import io
import os
import shutil
import stat as stat_mod
import tarfile
import tempfile
from typing import IO, TYPE_CHECKING, Any

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
    """Extended attributes of many names in one directory (names with a ``/``
    refused first, as libguestfs's library refuses them)."""
    for n in names:
        if "/" in n:
            raise GuestFSError(f"lxattrlist: names: '{n}' is not a file name", "EINVAL")
    return list(g._rpc("internal_lxattrlist", {"path": path, "names": names}))


def parse_journal_fields(data: bytes) -> list[dict[str, Any]]:
    """The fields of one journal entry from ``internal_journal_get``'s stream.

    Each field is a 64-bit big-endian length and that many bytes of
    ``NAME=value``; the value is bytes (it may be binary).
    """
    fields: list[dict[str, Any]] = []
    off = 0
    while off < len(data):
        if off + 8 > len(data):
            raise GuestFSError("internal error: journal field length is truncated", "EIO")
        n = int.from_bytes(data[off:off + 8], "big")
        off += 8
        if off + n > len(data):
            raise GuestFSError("internal error: journal field is truncated", "EIO")
        field = data[off:off + n]
        off += n
        name, eq, value = field.partition(b"=")
        if not eq:
            raise GuestFSError("internal error: journal field has no '=' character", "EIO")
        fields.append({"attrname": name.decode("utf-8", "surrogateescape"), "attrval": value})
    return fields


@library_action("journal_get")
def journal_get(g: GuestFS) -> list[dict[str, Any]]:
    """The current journal entry's fields, streamed (an entry may exceed the message limit)."""
    with tempfile.TemporaryFile(dir=g.get_tmpdir()) as f:
        g._rpc("internal_journal_get", {}, download=f)
        f.seek(0)
        return parse_journal_fields(f.read())


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
    """Copy a guest file or directory tree into a local directory.

    Everything that comes from the appliance is hostile data: the tree
    arrives as a ``tar_out`` stream and is unpacked here in Python (never by
    a host program), every entry created relative to the destination's
    directory descriptor with ``O_NOFOLLOW``, so no name (``../x``, an
    absolute name, a too-long name) and no symbolic link (a guest link to
    ``/etc`` followed by ``link/passwd``) can create or change anything
    outside ``localdir``.  Symbolic links are copied as links, never
    followed; device nodes and sockets are not created (a guest's block
    device node would give the host's disk to whoever reads the copy);
    set-user-ID and set-group-ID bits are dropped.
    """
    if not os.path.isdir(localdir):
        raise GuestFSError(f"{localdir}: target is not a directory", "ENOTDIR")
    if g._rpc("is_file", {"path": remotepath}, {}):
        name = _local_name(os.path.basename(remotepath))
        top = os.open(localdir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            fd = _create_file(top, name, 0o666)
            with open(fd, "wb") as f:
                g._rpc("download", {"remotefilename": remotepath}, download=f)
        except OSError as e:
            raise GuestFSError(f"copy_out: {localdir}/{name}: {e.strerror}", "EIO") from None
        finally:
            os.close(top)
        return
    if not g._rpc("is_dir", {"path": remotepath}, {}):
        raise GuestFSError(f"{remotepath}: no such file or directory in the guest", "ENOENT")
    base = os.path.basename(remotepath.rstrip("/"))
    with tempfile.TemporaryFile(dir=g.get_tmpdir()) as tar:
        g._rpc("tar_out", {"directory": remotepath}, download=tar)
        tar.seek(0)
        top = os.open(localdir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            dest = _subdir(top, _local_name(base)) if base else os.dup(top)
            try:
                _unpack(g, tar, dest)
            finally:
                os.close(dest)
        except OSError as e:
            raise GuestFSError(f"copy_out: {localdir}: {e.strerror}", "EIO") from None
        finally:
            os.close(top)


def _local_name(name: str) -> str:
    """``name`` if it is one plain path component, else a clear error."""
    if name in ("", ".", "..") or "/" in name or "\0" in name:
        raise GuestFSError(f"copy_out: {name!r} is not a file name the destination can hold",
                           "EINVAL")
    return name


def _subdir(dirfd: int, name: str) -> int:
    """Open (making it if missing) the directory ``name`` in ``dirfd``,
    refusing a symbolic link or anything else that is not a directory."""
    try:
        os.mkdir(name, 0o755, dir_fd=dirfd)
    except FileExistsError:
        pass
    return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                   dir_fd=dirfd)


def _remove_non_dir(dirfd: int, name: str) -> None:
    """Unlink ``name`` in ``dirfd`` if it exists and is not a directory (an
    earlier copy's symbolic link is replaced, never written through)."""
    try:
        st = os.stat(name, dir_fd=dirfd, follow_symlinks=False)
    except FileNotFoundError:
        return
    if not stat_mod.S_ISDIR(st.st_mode):
        os.unlink(name, dir_fd=dirfd)


def _create_file(dirfd: int, name: str, mode: int) -> int:
    """A new regular file ``name`` in ``dirfd``, opened for writing."""
    _remove_non_dir(dirfd, name)
    return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                   mode, dir_fd=dirfd)


def _member_parts(name: str) -> list[str] | None:
    """The components of a tar member's name inside the destination, or None
    when the name leaves it (absolute, or with a ``..`` component)."""
    if name.startswith("/"):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None
    return parts


def _walk(dest: int, parts: list[str], opened: list[int]) -> int:
    """The directory descriptor of ``parts`` under ``dest``, made as needed,
    never through a symbolic link (each descriptor is added to ``opened``)."""
    cur = dest
    for p in parts:
        cur = _subdir(cur, p)
        opened.append(cur)
    return cur


def _unpack(g: GuestFS, stream: IO[bytes], dest: int) -> None:
    """Unpack the tar ``stream`` from the appliance into the directory ``dest``.

    :raises GuestFSError: the stream is no tar, or a member's name leaves the
        destination (no genuine guest file system has such names: the
        appliance is misbehaving, so nothing more is unpacked).
    """
    dirs: list[tuple[list[str], int, float]] = []
    try:
        with tarfile.open(fileobj=stream, mode="r|", errorlevel=1) as tf:
            for m in tf:
                parts = _member_parts(m.name)
                if parts is None:
                    raise GuestFSError(f"copy_out: the appliance sent the name {m.name!r}, which "
                                       "leaves the destination: nothing more is copied")
                if not parts:
                    continue  # the top directory itself
                opened: list[int] = []
                try:
                    parent = _walk(dest, parts[:-1], opened)
                    _unpack_member(g, tf, m, parent, parts[-1], dest, dirs, parts)
                finally:
                    for fd in opened:
                        os.close(fd)
    except tarfile.TarError as e:
        raise GuestFSError(f"copy_out: the appliance sent a broken tar stream: {e}") from None
    # Directory modes and times last: a read-only directory must not stop
    # its own entries from being made.
    for parts, mode, mtime in reversed(dirs):
        opened = []
        try:
            parent = _walk(dest, parts[:-1], opened)
            fd = os.open(parts[-1], os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                         dir_fd=parent)
            try:
                os.fchmod(fd, mode)
                os.utime(fd, (mtime, mtime))
            finally:
                os.close(fd)
        finally:
            for fd in opened:
                os.close(fd)


def _unpack_member(g: GuestFS, tf: tarfile.TarFile, m: tarfile.TarInfo, parent: int, leaf: str,
                   dest: int, dirs: list[tuple[list[str], int, float]], parts: list[str]) -> None:
    """Make one tar member ``leaf`` in the directory ``parent``."""
    mode = m.mode & 0o1777  # no set-user-ID or set-group-ID bits from a guest
    if m.isdir():
        _remove_non_dir(parent, leaf)
        os.close(_subdir(parent, leaf))
        dirs.append((parts, mode, m.mtime))
    elif m.isreg():
        fd = _create_file(parent, leaf, 0o600)
        with open(fd, "wb") as out:
            src = tf.extractfile(m)
            if src is not None:
                shutil.copyfileobj(src, out, READ_CHUNK)
            os.fchmod(out.fileno(), mode)
            os.utime(out.fileno(), (m.mtime, m.mtime))
    elif m.issym():
        _remove_non_dir(parent, leaf)
        os.symlink(m.linkname, leaf, dir_fd=parent)
    elif m.islnk():
        target = _member_parts(m.linkname)
        if not target:
            raise GuestFSError(f"copy_out: the appliance sent a hard link to {m.linkname!r}, "
                               "which is outside the destination: nothing more is copied")
        opened: list[int] = []
        try:
            src_dir = _walk(dest, target[:-1], opened)
            _remove_non_dir(parent, leaf)
            os.link(target[-1], leaf, src_dir_fd=src_dir, dst_dir_fd=parent,
                    follow_symlinks=False)
        finally:
            for fd in opened:
                os.close(fd)
    elif m.isfifo():
        _remove_non_dir(parent, leaf)
        os.mkfifo(leaf, mode, dir_fd=parent)
    else:
        g._debug(f"copy_out: {m.name!r}: device nodes are not copied to the host")


def _run_tar(argv: list[str], **kw: Any) -> None:
    import subprocess
    tar = shutil.which("tar")
    if tar is None:
        raise GuestFSError("tar is not installed on this machine", "ENOENT")
    cp = subprocess.run([tar, *argv[1:]], stderr=subprocess.PIPE, **kw)
    if cp.returncode != 0:
        raise GuestFSError(f"tar: {cp.stderr.decode(errors='replace').strip()}")
