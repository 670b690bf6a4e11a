"""File and directory actions: create, remove, list, test, stat, read, write.

Paths arrive as guest paths (``/etc/fstab``).  As in libguestfs's daemon,
system calls on them run chrooted into the sysroot (:func:`sysroot`), so
absolute symbolic links inside the guest resolve as the guest sees them;
external programs (``cp``, ``du``, ``ls`` …) get the sysroot path instead.
File transfers (upload, download, tar …) live in ``transfer.py``, running
guest programs in ``commands.py``.  The helpers shared with them are in
``daemon/lib/``: ``guestroot.py`` (chroot, paths, opening guest files),
``programs.py``, ``walk.py``, ``dirents.py`` (readdir) and ``globbing.py``.
"""

from __future__ import annotations

import errno as E
import os
import random
import shutil
import stat
import string
import time
from collections.abc import Callable, Iterable
from typing import Any

from guestfs.actions._registry import struct_codecs
from guestfs.protocol import constants as C

from .. import context
from ..dispatch import action
from ..errors import DaemonError
from ..lib import globbing
from ..lib.dirents import i64, read_entries
from ..lib.guestroot import BLOCK, open_dir_checked, open_guest, real, syscall, sysroot, write_all
from ..lib.programs import DEVNULL, checksum_program, err_text, run, split_lines
from ..lib.walk import scandir_walk
from ..streams import FileOut

_ZEROS = bytes(BLOCK)


# -- helpers ----------------------------------------------------------------------


def c_octal(n: int) -> str:
    """C's ``%#o`` (``0644``, ``0``; negatives as the unsigned 32-bit value)."""
    n &= 0xFFFFFFFF
    return "0" if n == 0 else "0" + format(n, "o")


# -- creating and removing -----------------------------------------------------------


@action("touch")
def touch(path: str) -> None:
    """Create an empty file or update a regular file's timestamps."""
    try:
        with sysroot():
            try:
                st: os.stat_result | None = os.lstat(path)
            except OSError:
                st = None
            if st is not None and not stat.S_ISREG(st.st_mode):
                raise DaemonError(f"{path}: touch can only be used on a regular files", "EINVAL")
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOCTTY | os.O_NONBLOCK | os.O_CLOEXEC,
                         0o666)
    except OSError as e:
        raise DaemonError.from_oserror(e, "open", path) from None
    try:
        os.utime(fd)
    except OSError as e:
        raise DaemonError.from_oserror(e, "futimens", path) from None
    finally:
        os.close(fd)


@action("mkdir")
def mkdir(path: str) -> None:
    """Create one directory (mode 0777 less the umask)."""
    syscall(os.mkdir, path, 0o777)


@action("mkdir_mode")
def mkdir_mode(path: str, mode: int) -> None:
    """Create one directory with the given mode (less the umask)."""
    if mode < 0:
        raise DaemonError(f"{path}: mode is negative", "EINVAL")
    syscall(os.mkdir, path, mode)


def _mkdir_p(path: str) -> None:
    """``mkdir -p`` (run chrooted); an existing non-directory is an error."""
    try:
        os.mkdir(path, 0o777)
        return
    except FileExistsError:
        if not os.path.isdir(path):
            raise OSError(E.EEXIST, "a path element was not a directory") from None
        return
    except FileNotFoundError:
        parent = os.path.dirname(path.rstrip("/"))
        if not parent or parent == path:
            raise
    _mkdir_p(parent)
    try:
        os.mkdir(path, 0o777)
    except FileExistsError:
        if not os.path.isdir(path):
            raise OSError(E.EEXIST, "a path element was not a directory") from None


@action("mkdir_p")
def mkdir_p(path: str) -> None:
    """Create a directory and any missing parents."""
    syscall(_mkdir_p, path)


@action("rm")
def rm(path: str) -> None:
    """Remove a single file (not a directory)."""
    syscall(os.unlink, path)


def _unlink_quiet(path: str) -> None:
    """unlink(2), a missing file being fine (run chrooted)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


@action("rm_f")
def rm_f(path: str) -> None:
    """Remove a file; a missing file is not an error."""
    syscall(_unlink_quiet, path)


@action("rm_rf")
def rm_rf(path: str) -> None:
    """Remove a file or directory tree, like ``rm -rf``."""
    if path == "/":
        raise DaemonError("cannot remove root directory", "EINVAL")
    syscall(_remove_tree, path)


def _remove_tree(path: str) -> None:
    """``rm -rf`` (run chrooted, so guest symlinks never lead outside the guest)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


@action("rmdir")
def rmdir(path: str) -> None:
    """Remove an empty directory."""
    syscall(os.rmdir, path)


@action("umask")
def umask(mask: int) -> int:
    """Set the daemon's umask (used for every file it creates); return the old one."""
    if mask < 0 or mask > 0o777:
        raise DaemonError(f"{c_octal(mask)}: mask negative or out of range", "EINVAL")
    return os.umask(mask)


def _mknod(mode: int, kind: int, devmajor: int, devminor: int, path: str) -> None:
    """mknod(2) with ``kind`` (a S_IF* type, or 0 to take it from ``mode``) or'ed into ``mode``."""
    if mode < 0:
        raise DaemonError(f"{path}: mode is negative", "EINVAL")
    if kind and stat.S_IFMT(mode):
        raise DaemonError(f"{mode:o}: mode must specify only file permission bits", "EINVAL")
    syscall(os.mknod, path, mode | kind, os.makedev(devmajor, devminor))


@action("mknod")
def mknod(mode: int, devmajor: int, devminor: int, path: str) -> None:
    """Make a special file (the file type comes from ``mode``)."""
    _mknod(mode, 0, devmajor, devminor, path)


@action("mkfifo")
def mkfifo(mode: int, path: str) -> None:
    """Make a FIFO."""
    _mknod(mode, stat.S_IFIFO, 0, 0, path)


@action("mknod_b")
def mknod_b(mode: int, devmajor: int, devminor: int, path: str) -> None:
    """Make a block device node."""
    _mknod(mode, stat.S_IFBLK, devmajor, devminor, path)


@action("mknod_c")
def mknod_c(mode: int, devmajor: int, devminor: int, path: str) -> None:
    """Make a character device node."""
    _mknod(mode, stat.S_IFCHR, devmajor, devminor, path)


# -- listing ---------------------------------------------------------------------

@action("readdir")
def readdir(dir: str) -> list[dict[str, Any]]:
    """Directory entries with inode and type letter (libguestfs 1.48's daemon call)."""
    return read_entries(dir)


@action("internal_readdir")
def internal_readdir(dir: str, filename: FileOut) -> None:
    """Directory entries as a stream of XDR ``dirent`` structs (what newer libraries read)."""
    entries = read_entries(dir)
    codec = struct_codecs()["dirent"]
    buf = bytearray()
    for ent in entries:
        buf += codec.encode(ent)
        if len(buf) >= BLOCK:
            filename.write(bytes(buf))
            buf.clear()
    if buf:
        filename.write(bytes(buf))


@action("ls0")
def ls0(dir: str, filenames: FileOut) -> None:
    """Names in a directory (no ``.``/``..``), each followed by a NUL, in readdir order."""
    try:
        fd = open_guest(dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as e:
        raise DaemonError.from_oserror(e, "opendir", dir) from None
    try:
        with os.scandir(fd) as it:
            _send_nul_terminated(filenames, (os.fsencode(ent.name) for ent in it))
    finally:
        os.close(fd)


def _send_nul_terminated(out: FileOut, names: Iterable[bytes]) -> None:
    """Stream names to the caller, each followed by a NUL, in chunks of about BLOCK bytes."""
    buf = bytearray()
    for name in names:
        buf += name + b"\0"
        if len(buf) >= BLOCK:
            out.write(bytes(buf))
            buf.clear()
    if buf:
        out.write(bytes(buf))


def _ls_long(directory: str, flags: str) -> str:
    """``ls -l`` style listing of the path resolved in the guest (numeric owners)."""
    resolved = syscall(_strict_realpath, directory)
    cp = run(["ls", flags, "--", real(resolved)], stdin=DEVNULL, check=False)
    if cp.returncode != 0:
        raise DaemonError(f"{directory}: {err_text(cp)}")
    return cp.stdout.decode("utf-8", "surrogateescape")


@action("ll")
def ll(directory: str) -> str:
    """``ls -la`` of a directory, for people to read."""
    return _ls_long(directory, "-lan")


@action("llz")
def llz(directory: str) -> str:
    """``ls -laZ`` of a directory (with SELinux contexts)."""
    return _ls_long(directory, "-lanZ")


@action("find0")
def find0(directory: str, files: FileOut) -> None:
    """Every path below a directory, NUL-terminated, in ``find`` order.

    As in libguestfs, what is cut off each path is the directory exactly as
    given, so ``/dir`` (no trailing slash) yields names starting with ``/``
    and ``/dir/`` or ``/`` yields plain relative names.
    """
    fd = open_dir_checked(directory)
    if stat.S_ISLNK(syscall(os.lstat, directory).st_mode):
        os.close(fd)  # find(1) does not descend into a symlink given as the start
        return
    # find prints "<dir>/<name>"; libguestfs strips len(dir) characters.
    shown = os.fsencode(directory)
    lead = shown if shown.endswith(b"/") else shown + b"/"
    cut = len(shown)
    try:
        _send_nul_terminated(files, ((lead + name)[cut:] for name, _ in scandir_walk(fd)))
    finally:
        os.close(fd)


@action("glob_expand")
def glob_expand(pattern: str, directoryslash: bool = True) -> list[str]:
    """Shell-style wildcard expansion in the guest (brace expansion too)."""
    with sysroot():
        return globbing.glob_expand(pattern, directoryslash)


# -- tests and stat ------------------------------------------------------------------


def _mode_of(path: str, follow: bool) -> int | None:
    """The file's mode (chrooted stat/lstat), or None if it cannot be stat'ed."""
    try:
        with sysroot():
            return (os.stat if follow else os.lstat)(path).st_mode
    except OSError:
        return None


@action("exists")
def exists(path: str) -> bool:
    """True if anything (even a dangling symlink) is at ``path``."""
    return _mode_of(path, False) is not None


def _is(name: str, test: Callable[[int], bool]) -> None:
    """Register an ``is_*`` action: a file type test, optionally following symlinks."""
    def is_type(path: str, followsymlinks: bool = False) -> bool:
        """The file type test (replaced per action below)."""
        mode = _mode_of(path, followsymlinks)
        return mode is not None and test(mode)
    is_type.__name__ = name
    is_type.__doc__ = f"True if ``path`` is a {name[3:]} (lstat; stat with followsymlinks)."
    action(name)(is_type)


for _name, _test in (("is_file", stat.S_ISREG), ("is_dir", stat.S_ISDIR),
                     ("is_blockdev", stat.S_ISBLK), ("is_chardev", stat.S_ISCHR),
                     ("is_fifo", stat.S_ISFIFO), ("is_socket", stat.S_ISSOCK)):
    _is(_name, _test)


@action("is_symlink")
def is_symlink(path: str) -> bool:
    """True if ``path`` is a symbolic link."""
    mode = _mode_of(path, False)
    return mode is not None and stat.S_ISLNK(mode)


def _all_zero(fd: int, what: str) -> bool:
    """True if everything readable from ``fd`` is zero bytes."""
    while True:
        try:
            data = os.read(fd, BLOCK)
        except OSError as e:
            raise DaemonError.from_oserror(e, "read", what) from None
        if not data:
            return True
        if data != _ZEROS[:len(data)]:
            return False


@action("is_zero")
def is_zero(path: str) -> bool:
    """True if the file is empty or all zero bytes."""
    try:
        fd = open_guest(path, os.O_RDONLY)
    except OSError as e:
        raise DaemonError.from_oserror(e, "open", path) from None
    try:
        return _all_zero(fd, path)
    finally:
        os.close(fd)


@action("is_zero_device")
def is_zero_device(device: str) -> bool:
    """True if the whole device reads as zero bytes."""
    try:
        fd = os.open(device, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as e:
        raise DaemonError.from_oserror(e, "open", device) from None
    try:
        return _all_zero(fd, device)
    finally:
        os.close(fd)


def statns_dict(st: os.stat_result) -> dict[str, int]:
    """A ``statns`` struct from an os.stat_result."""
    out = {
        "st_dev": i64(st.st_dev), "st_ino": i64(st.st_ino), "st_mode": st.st_mode,
        "st_nlink": st.st_nlink, "st_uid": st.st_uid, "st_gid": st.st_gid,
        "st_rdev": i64(st.st_rdev), "st_size": st.st_size, "st_blksize": st.st_blksize,
        "st_blocks": st.st_blocks,
    }
    for t in ("atime", "mtime", "ctime"):
        sec, nsec = divmod(getattr(st, f"st_{t}_ns"), 1_000_000_000)
        out[f"st_{t}_sec"] = sec
        out[f"st_{t}_nsec"] = nsec
    for i in range(1, 7):
        out[f"st_spare{i}"] = 0
    return out


#: What lstatnslist gives for a name it cannot lstat.
_NO_STAT = dict.fromkeys(struct_codecs()["statns"].names, 0) | {"st_ino": -1}


@action("statns")
def statns(path: str) -> dict[str, int]:
    """stat(2) (following symlinks), nanosecond times."""
    return statns_dict(syscall(os.stat, path))


@action("lstatns")
def lstatns(path: str) -> dict[str, int]:
    """lstat(2), nanosecond times."""
    return statns_dict(syscall(os.lstat, path))


def _check_names(names: list[str]) -> None:
    """Each name must be a plain file name in the directory (no ``/``)."""
    for n in names:
        if "/" in n or n in ("", ".", ".."):
            raise DaemonError(f"names: '{n}' is not a file name", "EINVAL")


def _dirfd(path: str) -> int:
    """A descriptor of a guest directory, failing as ``path: strerror``."""
    try:
        return open_guest(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as e:
        raise DaemonError.from_oserror(e, path) from None


@action("internal_lstatnslist")
def internal_lstatnslist(path: str, names: list[str]) -> list[dict[str, int]]:
    """lstatns of names in one directory; one that fails gives st_ino -1."""
    _check_names(names)
    dfd = _dirfd(path)
    try:
        out = []
        for n in names:
            try:
                out.append(statns_dict(os.lstat(n, dir_fd=dfd)))
            except OSError:
                out.append(dict(_NO_STAT))
        return out
    finally:
        os.close(dfd)


@action("internal_readlinklist")
def internal_readlinklist(path: str, names: list[str]) -> list[str]:
    """readlink of names in one directory; one that fails gives ``""``."""
    _check_names(names)
    dfd = _dirfd(path)
    try:
        out = []
        for n in names:
            try:
                out.append(os.readlink(n, dir_fd=dfd))
            except OSError:
                out.append("")
        return out
    finally:
        os.close(dfd)


@action("statvfs")
def statvfs(path: str) -> dict[str, int]:
    """statvfs(2) of the filesystem holding ``path``."""
    v = syscall(os.statvfs, path, what=("statvfs",))
    return {"bsize": v.f_bsize, "frsize": v.f_frsize, "blocks": v.f_blocks, "bfree": v.f_bfree,
            "bavail": v.f_bavail, "files": v.f_files, "ffree": v.f_ffree, "favail": v.f_favail,
            "fsid": i64(v.f_fsid), "flag": v.f_flag, "namemax": v.f_namemax}


@action("filesize")
def filesize(file: str) -> int:
    """Size in bytes (symlinks followed)."""
    return syscall(os.stat, file).st_size


@action("du")
def du(path: str) -> int:
    """Disk usage in KiB, as ``du -s``."""
    cp = run(["du", "-s", "--", real(path)], stdin=DEVNULL, check=False)
    if cp.returncode != 0:
        raise DaemonError(f"{path}: {err_text(cp)}")
    try:
        return int(cp.stdout.split()[0])
    except (IndexError, ValueError):
        raise DaemonError(f"{path}: could not parse the output of du") from None


# -- attributes and links ------------------------------------------------------------


@action("chmod")
def chmod(mode: int, path: str) -> None:
    """Change permission bits (symlinks followed)."""
    if mode < 0:
        raise DaemonError(f"{path}: mode is negative", "EINVAL")
    syscall(os.chmod, path, mode, after=(c_octal(mode),))


@action("chown")
def chown(owner: int, group: int, path: str) -> None:
    """Change owner and group by number (symlinks followed)."""
    syscall(os.chown, path, owner, group, after=(f"{owner}.{group}",))


@action("lchown")
def lchown(owner: int, group: int, path: str) -> None:
    """Change owner and group of a symlink itself."""
    syscall(os.lchown, path, owner, group, after=(f"{owner}.{group}",))


def _utimens(path: str, at: tuple[int, int], mt: tuple[int, int]) -> None:
    """utimensat without following symlinks; nsec -1 is now, -2 is unchanged."""
    st = os.lstat(path) if -2 in (at[1], mt[1]) else None
    now = time.time_ns()

    def ns(t: tuple[int, int], old: int) -> int:
        """One timestamp in nanoseconds, honouring the special nsec values."""
        return now if t[1] == -1 else old if t[1] == -2 else t[0] * 1_000_000_000 + t[1]
    os.utime(path, ns=(ns(at, st.st_atime_ns if st else 0), ns(mt, st.st_mtime_ns if st else 0)),
             follow_symlinks=False)


@action("utimens")
def utimens(path: str, atsecs: int, atnsecs: int, mtsecs: int, mtnsecs: int) -> None:
    """Set atime/mtime with nanoseconds, on a symlink itself if it is one."""
    syscall(_utimens, path, (atsecs, atnsecs), (mtsecs, mtnsecs), what=("utimensat",))


@action("ln")
def ln(target: str, linkname: str) -> None:
    """Make a hard link."""
    try:
        with sysroot():
            os.link(target, linkname)
    except OSError as e:
        raise DaemonError.from_oserror(e, "link", target, linkname) from None


@action("ln_f")
def ln_f(target: str, linkname: str) -> None:
    """Make a hard link, removing ``linkname`` first if it exists."""
    try:
        with sysroot():
            os.unlink(linkname)
    except OSError:
        pass
    ln(target, linkname)


def _ln_s(flag: str, target: str, linkname: str) -> None:
    """Run ``ln -s`` / ``ln -sf`` (the target is stored exactly as given)."""
    cp = run(["ln", flag, "--", target, real(linkname)], stdin=DEVNULL, check=False)
    if cp.returncode != 0:
        raise DaemonError(f"ln {flag}: {target}: {linkname}: {err_text(cp)}")


@action("ln_s")
def ln_s(target: str, linkname: str) -> None:
    """Make a symbolic link."""
    _ln_s("-s", target, linkname)


@action("ln_sf")
def ln_sf(target: str, linkname: str) -> None:
    """Make a symbolic link, replacing ``linkname`` if it exists."""
    _ln_s("-sf", target, linkname)


@action("readlink")
def readlink(path: str) -> str:
    """The target of a symbolic link."""
    target: str = syscall(os.readlink, path, what=("readlink",))
    return target


@action("realpath")
def realpath(path: str) -> str:
    """Canonical absolute path, symlinks resolved as the guest sees them."""
    return syscall(_strict_realpath, path, what=("realpath",))


def _strict_realpath(path: str) -> str:
    """os.path.realpath that fails on a missing component, like realpath(3)."""
    return os.path.realpath(path, strict=True)


# -- copying and moving ----------------------------------------------------------------


def _cp(prog: str, opts: list[str], src: str, dest: str) -> None:
    """Run cp/mv on sysroot paths; the error is the program's own message."""
    cp = run([prog, *opts, "--", real(src), real(dest)], stdin=DEVNULL, check=False)
    if cp.returncode != 0:
        raise DaemonError(err_text(cp))


@action("cp")
def cp_(src: str, dest: str) -> None:
    """Copy a file."""
    _cp("cp", [], src, dest)


@action("cp_a")
def cp_a(src: str, dest: str) -> None:
    """Copy recursively, keeping attributes (``cp -a``)."""
    _cp("cp", ["-a"], src, dest)


@action("cp_r")
def cp_r(src: str, dest: str) -> None:
    """Copy recursively without keeping attributes (``cp -rP``)."""
    _cp("cp", ["-rP"], src, dest)


@action("mv")
def mv(src: str, dest: str) -> None:
    """Move or rename."""
    _cp("mv", [], src, dest)


# -- reading and writing ------------------------------------------------------------------


def _open(path: str, flags: int, mode: int = 0o666) -> int:
    """open(2) a guest path, failing as ``open: path: strerror``."""
    try:
        return open_guest(path, flags, mode)
    except OSError as e:
        raise DaemonError.from_oserror(e, "open", path) from None


def _check_read(name: str, count: int, offset: int) -> None:
    """pread's argument checks, worded as libguestfs words them."""
    if count < 0:
        raise DaemonError("count is negative", "EINVAL")
    if offset < 0:
        raise DaemonError("offset is negative", "EINVAL")
    if count >= C.MESSAGE_MAX:
        raise DaemonError(f"{name}: count is too large for the protocol, use smaller reads", "EINVAL")


def _pread_fd(fd: int, name: str, count: int, offset: int) -> bytes:
    """One pread(2) on an open fd, which it closes."""
    try:
        return os.pread(fd, count, offset)
    except OSError as e:
        raise DaemonError.from_oserror(e, "pread", name) from None
    finally:
        os.close(fd)


def _pwrite_fd(fd: int, name: str, content: bytes, offset: int, sync: bool = False) -> int:
    """One pwrite(2) on an open fd (fsync'd if ``sync``), which it closes."""
    try:
        n = os.pwrite(fd, content, offset)
        if sync:
            os.fsync(fd)
        return n
    except OSError as e:
        raise DaemonError.from_oserror(e, "pwrite", name) from None
    finally:
        os.close(fd)


def _open_device(device: str, flags: int, name: str) -> int:
    """open(2) a device node, failing as ``open: name: strerror``."""
    try:
        return os.open(device, flags | os.O_CLOEXEC)
    except OSError as e:
        raise DaemonError.from_oserror(e, "open", name) from None


@action("pread")
def pread(path: str, count: int, offset: int) -> bytes:
    """Read up to ``count`` bytes at ``offset`` (one pread(2))."""
    _check_read(path, count, offset)
    return _pread_fd(_open(path, os.O_RDONLY), path, count, offset)


@action("pwrite")
def pwrite(path: str, content: bytes, offset: int) -> int:
    """Write ``content`` at ``offset`` of an existing file; returns bytes written."""
    if offset < 0:
        raise DaemonError("offset is negative", "EINVAL")
    return _pwrite_fd(_open(path, os.O_WRONLY), path, content, offset)


@action("pread_device")
def pread_device(device: str, count: int, offset: int) -> bytes:
    """Read up to ``count`` bytes of a device at ``offset``."""
    name = context.canonical_device(device)
    _check_read(name, count, offset)
    return _pread_fd(_open_device(device, os.O_RDONLY, name), name, count, offset)


@action("pwrite_device")
def pwrite_device(device: str, content: bytes, offset: int) -> int:
    """Write ``content`` to a device at ``offset``; returns bytes written."""
    name = context.canonical_device(device)
    if offset < 0:
        raise DaemonError("offset is negative", "EINVAL")
    return _pwrite_fd(_open_device(device, os.O_WRONLY, name), name, content, offset, sync=True)


def _write(path: str, content: bytes, flags: int) -> None:
    """Write all of ``content`` to a file opened with O_CREAT and ``flags``."""
    fd = _open(path, os.O_WRONLY | os.O_CREAT | flags)
    try:
        write_all(fd, content)
    except OSError as e:
        raise DaemonError.from_oserror(e, "write", path) from None
    finally:
        os.close(fd)


@action("internal_write")
def internal_write(path: str, content: bytes) -> None:
    """Create or replace a file with ``content`` (the library's ``write``)."""
    _write(path, content, os.O_TRUNC)


@action("write_file")
def write_file(path: str, content: str, size: int) -> None:
    """Create or replace a file with the first ``size`` bytes of ``content``
    (all of it when ``size`` is 0; deprecated: write)."""
    data = os.fsencode(content)
    if size < 0 or size > len(data):
        raise DaemonError(f"{path}: size {size} is outside the content's {len(data)} bytes", "EINVAL")
    _write(path, data[:size] if size else data, os.O_TRUNC)


@action("internal_write_append")
def internal_write_append(path: str, content: bytes) -> None:
    """Append ``content`` to a file, creating it (the library's ``write_append``)."""
    _write(path, content, os.O_APPEND)


@action("truncate")
def truncate(path: str) -> None:
    """Truncate a file to zero bytes."""
    truncate_size(path, 0)


@action("truncate_size")
def truncate_size(path: str, size: int) -> None:
    """Truncate, or extend sparsely, an existing file."""
    fd = _open(path, os.O_WRONLY)
    try:
        if size < 0:
            raise OSError(E.EINVAL, os.strerror(E.EINVAL))
        os.ftruncate(fd, size)
    except OSError as e:
        raise DaemonError.from_oserror(e, "ftruncate", path) from None
    finally:
        os.close(fd)


def _fill(path: str, size: int, block: bytes) -> None:
    """Write ``size`` bytes of ``block`` repeated at the start of ``path`` (created if missing).

    As in libguestfs the file is not truncated: a longer file keeps its tail.
    """
    fd = _open(path, os.O_WRONLY | os.O_CREAT)
    try:
        left = size
        while left > 0:
            n = min(left, len(block))
            write_all(fd, block[:n] if n < len(block) else block)
            left -= n
    except OSError as e:
        raise DaemonError.from_oserror(e, "write", path) from None
    finally:
        os.close(fd)


@action("fill")
def fill(c: int, length: int, path: str) -> None:
    """Write ``len`` bytes all equal to ``c`` to a file."""
    if c < 0 or c > 255:
        raise DaemonError(f"{c}: byte number must be in range 0..255", "EINVAL")
    if length < 0:
        raise DaemonError(f"{length}: length is < 0", "EINVAL")
    _fill(path, length, bytes([c]) * BLOCK)


@action("fill_pattern")
def fill_pattern(pattern: str, length: int, path: str) -> None:
    """Write ``len`` bytes repeating ``pattern`` to a file."""
    pat = os.fsencode(pattern)
    if not pat:
        raise DaemonError("pattern string must be non-empty", "EINVAL")
    if length < 0:
        raise DaemonError(f"{length}: length is < 0", "EINVAL")
    _fill(path, length, pat * max(1, BLOCK // len(pat)))


@action("zero_free_space")
def zero_free_space(directory: str) -> None:
    """Fill the filesystem's free space with zeros through a temporary file, then free it."""
    chars = string.ascii_lowercase + string.digits
    name = "".join(random.choices(chars, k=8)) + "." + "".join(random.choices(chars, k=3))
    tmp = os.path.join(real(directory), name)  # how errors name it
    inguest = os.path.join(directory, name)
    try:
        fd = open_guest(inguest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as e:
        raise DaemonError.from_oserror(e, "open", tmp) from None
    try:
        while True:
            try:
                os.write(fd, _ZEROS)
            except OSError as e:
                if e.errno == E.ENOSPC:
                    break
                raise DaemonError.from_oserror(e, "write", tmp) from None
        try:
            os.fsync(fd)
        except OSError as e:
            if e.errno != E.ENOSPC:
                raise DaemonError.from_oserror(e, "fsync", tmp) from None
    finally:
        os.close(fd)
        try:
            with sysroot():
                os.unlink(inguest)
        except OSError:
            pass
    os.sync()


# -- head, tail, grep, checksum -------------------------------------------------------------


def open_read(path: str) -> int:
    """Open a guest file for reading, failing as ``path: strerror``."""
    try:
        return open_guest(path, os.O_RDONLY)
    except OSError as e:
        raise DaemonError.from_oserror(e, path) from None


def _filter_file(path: str, argv: list[str], errprefix: str, ok: tuple[int, ...] = (0,)) -> list[str]:
    """Feed a guest file to a filter program and return its output lines."""
    fd = open_read(path)
    try:
        cp = run(argv, stdin=fd, check=False)
    finally:
        os.close(fd)
    if cp.returncode not in ok:
        raise DaemonError(f"{errprefix}: {err_text(cp)}")
    return split_lines(cp.stdout.decode("utf-8", "surrogateescape"))


@action("head")
def head(path: str) -> list[str]:
    """The first 10 lines."""
    return head_n(10, path)


@action("head_n")
def head_n(nrlines: int, path: str) -> list[str]:
    """The first N lines (N < 0: all but the last -N)."""
    return _filter_file(path, ["head", "-n", str(nrlines)], f"head -n {nrlines}")


@action("tail")
def tail(path: str) -> list[str]:
    """The last 10 lines."""
    return tail_n(10, path)


@action("tail_n")
def tail_n(nrlines: int, path: str) -> list[str]:
    """The last N lines (N < 0: from line -N on)."""
    n = str(nrlines) if nrlines >= 0 else f"+{-nrlines}"
    return _filter_file(path, ["tail", "-n", n], f"tail -n {n}")


@action("grep")
def grep(regex: str, path: str, extended: bool = False, fixed: bool = False,
         insensitive: bool = False, compressed: bool = False) -> list[str]:
    """Matching lines of a file, by grep(1) (no match: an empty list)."""
    if extended and fixed:
        raise DaemonError("can't use 'extended' and 'fixed' flags at the same time", "EINVAL")
    argv = ["zgrep" if compressed else "grep"]
    argv += [f for f, on in (("-E", extended), ("-F", fixed), ("-i", insensitive)) if on]
    return _filter_file(path, [*argv, "--", regex], regex, ok=(0, 1))


def _grep_alias(name: str, **flags: bool) -> None:
    """Register a deprecated ``*grep*`` action: grep with fixed flags."""
    def fn(regex: str, path: str) -> list[str]:
        """grep with this alias's flags (replaced per action below)."""
        return grep(regex, path, **flags)
    fn.__name__ = name
    fn.__doc__ = f"``{name}``: grep with {', '.join(flags)} (deprecated)."
    action(name)(fn)


for _n, _f in (("egrep", "E"), ("fgrep", "F"), ("grepi", "i"), ("egrepi", "Ei"), ("fgrepi", "Fi"),
               ("zgrep", "z"), ("zegrep", "zE"), ("zfgrep", "zF"), ("zgrepi", "zi"),
               ("zegrepi", "zEi"), ("zfgrepi", "zFi")):
    _grep_alias(_n, extended="E" in _f, fixed="F" in _f, insensitive="i" in _f, compressed="z" in _f)

@action("checksum")
def checksum(csumtype: str, path: str) -> str:
    """Checksum of a file, by the coreutils program for ``csumtype``."""
    prog = checksum_program(csumtype)
    return _checksum_fd(prog, open_read(path))


@action("checksum_device")
def checksum_device(csumtype: str, device: str) -> str:
    """Checksum of a whole device."""
    prog = checksum_program(csumtype)
    try:
        fd = os.open(device, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as e:
        raise DaemonError.from_oserror(e, context.canonical_device(device)) from None
    return _checksum_fd(prog, fd)


def _checksum_fd(prog: str, fd: int) -> str:
    """Run a checksum program on an open file (closed here); its first word."""
    try:
        cp = run([prog], stdin=fd, check=False)
    finally:
        os.close(fd)
    if cp.returncode != 0:
        raise DaemonError(f"{prog}: {err_text(cp)}")
    words = cp.stdout.split()
    if not words:
        raise DaemonError(f"{prog}: no output")
    return words[0].decode()


@action("fill_dir")
def fill_dir(dir: str, nr: int) -> None:  # noqa: A002 - the registry's argument name
    """Create ``nr`` empty files named ``00000000``, ``00000001`` … in a directory."""
    for i in range(nr):
        name = f"{dir}/{i:08d}"
        try:
            fd = open_guest(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        except OSError as e:
            raise DaemonError.from_oserror(e, "create", name) from None
        os.close(fd)
