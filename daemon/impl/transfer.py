"""File transfer actions: upload, download, tar, base64 and checksum streams.

Data moves as protocol chunk streams (``daemon/transfer.py``), in bounded
memory: files are copied through fixed-size buffers and tar runs as a
subprocess connected by pipes.  Guest paths are opened chrooted into the
sysroot, like the other file actions (``files.py``).
"""

from __future__ import annotations

import base64
import errno
import os
import stat
import tempfile
from collections.abc import Iterable

from guestfs.actions.kinds import GuestPath

from .. import context
from ..dispatch import action, check_path, need_root
from ..errors import DaemonError
from ..lib.guestroot import open_dir_checked, open_guest, real, sysroot
from ..lib.pipes import feed, write_stream
from ..lib.pipes import stream as _pipe_stream
from ..lib.programs import DEVNULL, checksum_program, err_text, run
from ..lib.walk import scandir_walk
from ..streams import FileIn, FileOut

#: Bytes read per system call when streaming out (a multiple of the chunk size).
READ_BLOCK = 1024 * 1024


_name = context.shown_name


def _open_target(target: str, flags: int, mode: int = 0o666) -> int:
    """Open a Dev_or_Path argument (device node, or guest path chrooted)."""
    if isinstance(target, GuestPath):
        return open_guest(target, flags, mode)
    return os.open(target, flags | os.O_CLOEXEC | os.O_NOCTTY, mode)


def _receive(filein: FileIn, fd: int, name: str) -> None:
    """Write an upload stream to ``fd``; errors as libguestfs words them."""
    try:
        write_stream(filein, fd)
    except OSError as e:
        raise DaemonError(f"write error: {name}", e.errno) from None


def _close(fd: int, name: str) -> None:
    """close(2), reporting a delayed write error."""
    try:
        os.close(fd)
    except OSError as e:
        raise DaemonError.from_oserror(e, "close", name) from None


def _upload_to(filein: FileIn, target: str, flags: int, mode: int = 0o666, offset: int = 0) -> None:
    """Receive an upload into ``target`` opened with ``flags``."""
    name = _name(target)
    try:
        fd = _open_target(target, flags, mode)
    except OSError as e:
        raise DaemonError.from_oserror(e, name) from None
    try:
        if offset:
            os.lseek(fd, offset, os.SEEK_SET)
        _receive(filein, fd, name)
    except BaseException:
        os.close(fd)
        raise
    _close(fd, name)


@action("upload")
def upload(filename: FileIn, remotefilename: str) -> None:
    """Replace a file or device's content with the uploaded data."""
    _upload_to(filename, remotefilename, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)


@action("upload_offset")
def upload_offset(filename: FileIn, remotefilename: str, offset: int) -> None:
    """Write the uploaded data into a file or device from ``offset`` on."""
    if offset < 0:
        raise DaemonError(f"{_name(remotefilename)}: offset in file is negative: Success", "EINVAL")
    _upload_to(filename, remotefilename, os.O_WRONLY | os.O_CREAT, offset=offset)


@action("internal_upload")
def internal_upload(filename: FileIn, tmpname: str, mode: int) -> None:
    """Upload to a path in the appliance itself (not the guest) with ``mode``."""
    try:
        fd = os.open(tmpname, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOCTTY | os.O_CLOEXEC, mode)
    except OSError as e:
        raise DaemonError.from_oserror(e, tmpname) from None
    try:
        _receive(filename, fd, tmpname)
    except BaseException:
        os.close(fd)
        raise
    _close(fd, tmpname)


def _size_of(fd: int, st: os.stat_result) -> int:
    """Bytes a download will send: the file size, or a device's size."""
    if stat.S_ISBLK(st.st_mode):
        try:
            return os.lseek(fd, 0, os.SEEK_END)
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
    return st.st_size


def _open_for_download(target: str) -> tuple[int, os.stat_result]:
    """Open a Dev_or_Path for reading; a directory is an error."""
    name = _name(target)
    try:
        fd = _open_target(target, os.O_RDONLY)
    except OSError as e:
        raise DaemonError.from_oserror(e, name) from None
    st = os.fstat(fd)
    if stat.S_ISDIR(st.st_mode):
        os.close(fd)
        raise DaemonError(f"{name}: is a directory", "EISDIR")
    return fd, st


def _send_fd(fd: int, out: FileOut, limit: int | None = None, offset: int | None = None) -> None:
    """Stream from ``fd`` (at ``offset`` with pread, else from where it is) until EOF or ``limit``."""
    left = limit
    while left is None or left > 0:
        want = READ_BLOCK if left is None else min(READ_BLOCK, left)
        data = os.read(fd, want) if offset is None else os.pread(fd, want, offset)
        if not data:
            return
        out.write(data)
        if left is not None:
            left -= len(data)
        if offset is not None:
            offset += len(data)


@action("download")
def download(remotefilename: str, filename: FileOut) -> None:
    """Send a file or device's content."""
    fd, st = _open_for_download(remotefilename)
    try:
        filename.total = _size_of(fd, st)
        _send_fd(fd, filename)
    finally:
        os.close(fd)


@action("download_offset")
def download_offset(remotefilename: str, filename: FileOut, offset: int, size: int) -> None:
    """Send ``size`` bytes from ``offset`` (less if the file ends first)."""
    name = _name(remotefilename)
    if offset < 0:
        raise DaemonError(f"{name}: offset in file is negative: Success", "EINVAL")
    if size < 0:
        raise DaemonError(f"{name}: size is negative: Success", "EINVAL")
    fd, _ = _open_for_download(remotefilename)
    try:
        filename.total = size
        _send_fd(fd, filename, limit=size, offset=offset)
    finally:
        os.close(fd)


# -- base64 ---------------------------------------------------------------------------


@action("base64_in")
def base64_in(base64file: FileIn, filename: str) -> None:
    """Decode uploaded base64 text into a file (``base64 -d -i``: garbage ignored)."""
    failed = DaemonError(f"base64 subcommand failed on file: {filename}")
    try:
        fd = open_guest(filename, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    except OSError as e:
        failed.errno = errno.errorcode.get(e.errno or 0, "")
        raise failed from None
    try:
        feed(["base64", "-d", "-i"], base64file, stdout=fd, what="base64")
    except DaemonError:
        raise failed from None
    finally:
        os.close(fd)


@action("base64_out")
def base64_out(filename: str, base64file: FileOut) -> None:
    """Send a file's content as base64 text, 76 columns."""
    try:
        with sysroot():
            st = os.stat(filename)
    except OSError as e:
        raise DaemonError.from_oserror(e, "stat", filename) from None
    if stat.S_ISDIR(st.st_mode):
        raise DaemonError(f"{filename}: is a directory", "EISDIR")
    try:
        fd = open_guest(filename, os.O_RDONLY)
    except OSError as e:
        raise DaemonError.from_oserror(e, filename) from None
    try:
        base64file.total = (st.st_size + 2) // 3 * 4
        block = 57 * 16 * 1024  # whole 76-column lines per block
        while True:
            data = os.read(fd, block)
            if not data:
                break
            base64file.write(base64.encodebytes(data))
    finally:
        os.close(fd)


# -- checksums of a tree ---------------------------------------------------------------


@action("checksums_out")
def checksums_out(csumtype: str, directory: str, sumsfile: FileOut) -> None:
    """Checksums of every regular file below a directory, in coreutils' format."""
    prog = checksum_program(csumtype)
    dfd = open_dir_checked(directory)
    try:
        batch: list[bytes] = []
        size = 0
        for relpath, is_reg in scandir_walk(dfd, b"./"):
            if not is_reg:
                continue
            batch.append(relpath)
            size += len(relpath) + 1
            if size > 64 * 1024 or len(batch) >= 1000:
                _checksum_batch(prog, dfd, batch, sumsfile)
                batch, size = [], 0
        if batch:
            _checksum_batch(prog, dfd, batch, sumsfile)
    finally:
        os.close(dfd)


def _checksum_batch(prog: str, dfd: int, names: list[bytes], out: FileOut) -> None:
    """Run the checksum program on files relative to ``dfd``, streaming its output."""
    cp = run([prog, "--", *names], stdin=DEVNULL, pass_fds=(dfd,), preexec_fn=lambda: os.fchdir(dfd),
             check=False)
    if cp.stdout:
        out.write(cp.stdout)
    if cp.returncode != 0:
        raise DaemonError(f"{prog}: {err_text(cp)}")


# -- tar -----------------------------------------------------------------------------

#: tar's option for each compression type libguestfs names.
_TAR_FILTERS = {"compress": "-Z", "gzip": "-z", "bzip2": "-j", "xz": "-J", "lzop": "--lzop",
                "zstd": "--zstd"}


def _tar_filter(compress: str | None) -> list[str]:
    """tar's compression option, or libguestfs's error for an unknown type."""
    if compress is None:
        return []
    opt = _TAR_FILTERS.get(compress)
    if opt is None:
        raise DaemonError(f"unknown compression type: {compress}", "EINVAL")
    return [opt]


def _tar_attrs(xattrs: bool, selinux: bool, acls: bool) -> list[str]:
    """tar options that keep extended attributes, SELinux labels and ACLs."""
    return [o for o, on in (("--xattrs", xattrs), ("--selinux", selinux), ("--acls", acls)) if on]


def _chown_supported(rdir: str) -> bool:
    """False on filesystems that cannot store owners (vfat …): tar must not try."""
    try:
        fd, tmp = tempfile.mkstemp(dir=rdir, prefix=".guestfsd")
    except OSError:
        return True
    try:
        os.fchown(fd, 10, 10)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
        os.unlink(tmp)


def _tar_in(filein: FileIn, directory: str, compress: str | None = None, xattrs: bool = False,
            selinux: bool = False, acls: bool = False, keepdirlink: bool = False) -> None:
    """Unpack an uploaded tarball into a guest directory."""
    flt = _tar_filter(compress)
    try:
        with sysroot():
            st = os.stat(directory)
    except OSError as e:
        raise DaemonError.from_oserror(e, directory) from None
    if not stat.S_ISDIR(st.st_mode):
        raise DaemonError(f"{directory}: {os.strerror(errno.ENOTDIR)}", "ENOTDIR")
    rdir = real(directory)
    argv = ["tar", "-C", rdir, *flt, "-xf", "-", *_tar_attrs(xattrs, selinux, acls)]
    if keepdirlink:
        argv.append("--keep-directory-symlink")
    if not _chown_supported(rdir):
        argv.append("--no-same-owner")
    feed(argv, filein, what=f"tar subcommand failed on directory: {directory}")


@action("tar_in")
def tar_in(tarfile: FileIn, directory: str, compress: str | None = None, xattrs: bool = False,
           selinux: bool = False, acls: bool = False, keepdirlink: bool = False) -> None:
    """Unpack an uploaded tarball (optionally compressed) into a directory."""
    _tar_in(tarfile, directory, compress, xattrs, selinux, acls, keepdirlink)


@action("tgz_in")
def tgz_in(tarball: FileIn, directory: str) -> None:
    """Unpack an uploaded gzip-compressed tarball (deprecated: tar_in)."""
    _tar_in(tarball, directory, "gzip")


@action("txz_in")
def txz_in(tarball: FileIn, directory: str) -> None:
    """Unpack an uploaded xz-compressed tarball (deprecated: tar_in)."""
    _tar_in(tarball, directory, "xz")


def _stream(argv: list[str], out: FileOut, what: str, cwd: str | None = None) -> None:
    """A program's stdout as the download; failing before any output is an error reply."""
    _pipe_stream(argv, out, what, cwd=cwd, start_first=False)


def _tar_out(directory: str, out: FileOut, compress: str | None = None, numericowner: bool = False,
             excludes: Iterable[str] = (), xattrs: bool = False, selinux: bool = False,
             acls: bool = False) -> None:
    """Pack a guest directory as a tarball and stream it."""
    flt = _tar_filter(compress)
    rdir = real(directory, follow=True)  # a plain string: not checked by dispatch
    try:
        st = os.stat(rdir)
    except OSError as e:
        raise DaemonError.from_oserror(e, "stat", directory) from None
    if not stat.S_ISDIR(st.st_mode):
        raise DaemonError(f"{directory}: not a directory", "ENOTDIR")
    argv = ["tar", "-C", rdir, *flt]
    if numericowner:
        argv.append("--numeric-owner")
    argv += [f"--exclude={x}" for x in excludes]
    argv += [*_tar_attrs(xattrs, selinux, acls), "-cf", "-", "."]
    _stream(argv, out, "tar subcommand failed")


@action("tar_out")
def tar_out(directory: str, tarfile: FileOut, compress: str | None = None, numericowner: bool = False,
            excludes: list[str] | None = None, xattrs: bool = False, selinux: bool = False,
            acls: bool = False) -> None:
    """Stream a directory as a tarball (optionally compressed)."""
    _tar_out(directory, tarfile, compress, numericowner, excludes or (), xattrs, selinux, acls)


@action("tgz_out")
def tgz_out(directory: str, tarball: FileOut) -> None:
    """Stream a directory as a gzip-compressed tarball (deprecated: tar_out)."""
    _tar_out(directory, tarball, "gzip")


@action("txz_out")
def txz_out(directory: str, tarball: FileOut) -> None:
    """Stream a directory as an xz-compressed tarball (deprecated: tar_out)."""
    _tar_out(directory, tarball, "xz")


# -- compressed and cpio streams ----------------------------------------------------

#: compress_out's types and the level range of each program.
_COMPRESSORS = {"gzip": (1, 9), "bzip2": (1, 9), "xz": (0, 9), "lzop": (1, 9), "compress": None}


def _compress_argv(ctype: str, level: int | None) -> list[str]:
    if ctype not in _COMPRESSORS:
        raise DaemonError(f"unknown compression type: {ctype} (use one of "
                          f"{', '.join(sorted(_COMPRESSORS))})", "EINVAL")
    argv = [ctype, "-c"]
    if level is not None:
        bounds = _COMPRESSORS[ctype]
        if bounds is None or not bounds[0] <= level <= bounds[1]:
            raise DaemonError(f"{ctype}: level {level} is not supported", "EINVAL")
        argv.append(f"-{level}")
    return argv


@action("compress_out")
def compress_out(ctype: str, file: str, zfile: FileOut, level: int | None = None) -> None:
    """Stream a guest file compressed with gzip, bzip2, xz, lzop or compress."""
    argv = _compress_argv(ctype, level)
    try:
        with sysroot():
            st = os.stat(file)
    except OSError as e:
        raise DaemonError.from_oserror(e, file) from None
    if stat.S_ISDIR(st.st_mode):
        raise DaemonError(f"{file}: {os.strerror(21)}", "EISDIR")
    _stream([*argv, "--", real(file, follow=True)], zfile, f"{ctype}: {file}")


@action("compress_device_out")
def compress_device_out(ctype: str, device: str, zdevice: FileOut, level: int | None = None) -> None:
    """Stream a whole device compressed with gzip, bzip2, xz, lzop or compress."""
    _stream([*_compress_argv(ctype, level), "--", device], zdevice,
                f"{ctype}: {context.canonical_device(device)}")


#: cpio archive formats (cpio -H).
_CPIO_FORMATS = frozenset({"newc", "crc", "odc", "bin", "ustar", "tar", "hpodc", "hpbin"})


@action("cpio_out")
def cpio_out(directory: str, cpiofile: FileOut, format: str | None = None) -> None:  # noqa: A002
    """Stream a guest directory as a cpio archive (``newc`` format by default)."""
    fmt = format or "newc"
    if fmt not in _CPIO_FORMATS:
        raise DaemonError(f"{fmt}: unknown cpio format", "EINVAL")
    need_root()
    rdir = real(check_path(directory), follow=True)
    if not os.path.isdir(rdir):
        raise DaemonError(f"{directory}: not a directory", "ENOTDIR")
    script = 'find . -print0 | cpio --quiet -o -0 -H "$1"'
    _stream(["sh", "-c", script, "sh", fmt], cpiofile, "cpio", cwd=rdir)
