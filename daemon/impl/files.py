"""File and directory actions: create, remove, list, test, stat, read, write.

Paths arrive as guest paths (``/etc/fstab``).  As in libguestfs's daemon,
system calls on them run chrooted into the sysroot (:func:`sysroot`), so
absolute symbolic links inside the guest resolve as the guest sees them;
external programs (``cp``, ``du``, ``ls`` …) get the sysroot path instead.
File transfers (upload, download, tar …) live in ``transfer.py``, running
guest programs in ``commands.py``; both use the helpers defined here.
"""

from __future__ import annotations

import ctypes
import errno as E
import fnmatch
import os
import random
import shutil
import stat
import string
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from guestfs.actions._registry import struct_codecs
from guestfs.protocol import constants as C

from .. import context
from ..dispatch import action
from ..errors import DaemonError
from ..transfer import FileOut

#: Read/write block size (big blocks: fewer system calls under TCG).
BLOCK = 1024 * 1024
_ZEROS = bytes(BLOCK)


# -- shared helpers ---------------------------------------------------------------


def real(path: str) -> str:
    """The appliance path of a guest path (for external programs)."""
    return context.sysroot_path(path)


def guest(rpath: str) -> str:
    """The guest path of a path under the sysroot (anything else unchanged)."""
    root = context.SYSROOT
    if rpath == root:
        return "/"
    if rpath.startswith(root + "/"):
        return rpath[len(root):]
    return rpath


def oserr(e: OSError, *what: str) -> DaemonError:
    """``what…: strerror`` with the errno name, perror style."""
    text = e.strerror or os.strerror(e.errno or 0)
    return DaemonError(": ".join([*what, text]), e.errno)


def c_octal(n: int) -> str:
    """C's ``%#o`` (``0644``, ``0``; negatives as the unsigned 32-bit value)."""
    n &= 0xFFFFFFFF
    return "0" if n == 0 else "0" + format(n, "o")


def split_lines(text: str) -> list[str]:
    """Lines of program output, as libguestfs splits them (one final ``\\n`` dropped)."""
    if text == "":
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def run_program(argv: Sequence[str], stdin: int | None = None,
                cwd: str | None = None) -> subprocess.CompletedProcess:
    """Run an appliance program with captured output; the caller checks the status."""
    try:
        return subprocess.run(list(argv), stdin=subprocess.DEVNULL if stdin is None else stdin,
                              capture_output=True, cwd=cwd)
    except FileNotFoundError:
        raise DaemonError(f"{argv[0]}: command not found in the appliance", "ENOENT") from None


def err_text(cp: subprocess.CompletedProcess) -> str:
    """A failed program's message: its stderr, else its stdout, trimmed."""
    return (cp.stderr or cp.stdout or b"").decode("utf-8", "surrogateescape").strip()


class _Sysroot:
    """Run the body chrooted into the sysroot, as libguestfs's daemon does.

    The daemon is single-threaded, so nothing else runs while the root is
    changed, and it is always restored, even on errors.  Keep the body to
    system calls: nothing from the appliance (imports, programs) is
    reachable inside.  Hot path of every file call: four system calls, the
    real root's fd opened once.
    """

    __slots__ = ()

    def __enter__(self) -> None:
        os.chroot(context.SYSROOT)
        os.chdir("/")

    def __exit__(self, *exc: object) -> None:
        os.fchdir(_REAL_ROOT)
        os.chroot(".")


#: The appliance's own root, to leave the chroot by (the daemon's cwd is /).
_REAL_ROOT = os.open("/", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
_SYSROOT = _Sysroot()


def sysroot() -> _Sysroot:
    """The context manager that chroots into the sysroot for its body."""
    return _SYSROOT


def open_guest(path: str, flags: int, mode: int = 0o666) -> int:
    """open(2) a guest path inside the sysroot (raises OSError)."""
    with sysroot():
        return os.open(path, flags | os.O_CLOEXEC | os.O_NOCTTY, mode)


def write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    """os.write until everything is written."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def scandir_walk(top_fd: int, prefix: bytes = b"") -> Iterator[tuple[bytes, bool]]:
    """Everything under an open directory in ``find`` order: (relative path, is_regular).

    Pre-order, each directory's entries in readdir order, symbolic links
    never followed; unreadable subdirectories are listed but not entered.
    """
    fds = [os.dup(top_fd)]
    stack: list[tuple[Iterator[os.DirEntry[str]], bytes]] = []
    try:
        stack.append((os.scandir(fds[0]), prefix))
        while stack:
            it, pre = stack[-1]
            try:
                entry = next(it)
            except StopIteration:
                it.close()  # type: ignore[attr-defined]
                stack.pop()
                os.close(fds.pop())
                continue
            name = pre + os.fsencode(entry.name)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_reg = entry.is_file(follow_symlinks=False)
            except OSError:
                is_dir = is_reg = False
            yield name, is_reg
            if is_dir:
                try:
                    sub = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                                  dir_fd=fds[-1])
                except OSError:
                    continue
                fds.append(sub)
                stack.append((os.scandir(sub), name + b"/"))
    finally:
        for it, _ in stack:
            it.close()  # type: ignore[attr-defined]
        for fd in fds:
            os.close(fd)


def open_dir_checked(directory: str, notdir: str = "not a directory") -> int:
    """Open a guest directory, failing as ``dir: strerror`` / ``dir: not a directory``."""
    try:
        fd = open_guest(directory, os.O_RDONLY)
    except OSError as e:
        raise oserr(e, directory) from None
    if not stat.S_ISDIR(os.fstat(fd).st_mode):
        os.close(fd)
        raise DaemonError(f"{directory}: {notdir}", "ENOTDIR")
    return fd


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
        raise oserr(e, "open", path) from None
    try:
        os.utime(fd)
    except OSError as e:
        raise oserr(e, "futimens", path) from None
    finally:
        os.close(fd)


def _syscall(fn: Callable[..., Any], path: str, *args: Any, what: tuple[str, ...] = (),
             after: tuple[str, ...] = ()) -> Any:
    """Call ``fn(path, *args)`` chrooted; OSError → ``what…: path: after…: strerror``."""
    try:
        with sysroot():
            return fn(path, *args)
    except OSError as e:
        raise oserr(e, *what, path, *after) from None


@action("mkdir")
def mkdir(path: str) -> None:
    """Create one directory (mode 0777 less the umask)."""
    _syscall(os.mkdir, path, 0o777)


@action("mkdir_mode")
def mkdir_mode(path: str, mode: int) -> None:
    """Create one directory with the given mode (less the umask)."""
    if mode < 0:
        raise DaemonError(f"{path}: mode is negative", "EINVAL")
    _syscall(os.mkdir, path, mode)


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
    _syscall(_mkdir_p, path)


@action("rm")
def rm(path: str) -> None:
    """Remove a single file (not a directory)."""
    _syscall(os.unlink, path)


def _unlink_quiet(path: str) -> None:
    """unlink(2), a missing file being fine (run chrooted)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


@action("rm_f")
def rm_f(path: str) -> None:
    """Remove a file; a missing file is not an error."""
    _syscall(_unlink_quiet, path)


@action("rm_rf")
def rm_rf(path: str) -> None:
    """Remove a file or directory tree, like ``rm -rf``."""
    if path == "/":
        raise DaemonError("cannot remove root directory", "EINVAL")
    _syscall(_remove_tree, path)


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
    _syscall(os.rmdir, path)


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
    _syscall(os.mknod, path, mode | kind, os.makedev(devmajor, devminor))


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

_DT_FTYP = {1: "f", 2: "c", 4: "d", 6: "b", 8: "r", 10: "l", 12: "s"}
_MODE_FTYP = ((stat.S_ISBLK, "b"), (stat.S_ISCHR, "c"), (stat.S_ISDIR, "d"), (stat.S_ISFIFO, "f"),
              (stat.S_ISLNK, "l"), (stat.S_ISREG, "r"), (stat.S_ISSOCK, "s"))


class _Dirent64(ctypes.Structure):
    """glibc's ``struct dirent64``."""

    _fields_ = [("d_ino", ctypes.c_uint64), ("d_off", ctypes.c_int64),
                ("d_reclen", ctypes.c_ushort), ("d_type", ctypes.c_ubyte),
                ("d_name", ctypes.c_char * 256)]


@lru_cache(maxsize=1)
def _libc() -> Any:
    """libc's fdopendir/readdir64/closedir, for readdir's exact entries (``.`` and ``..`` too)."""
    lib = ctypes.CDLL(None, use_errno=True)
    lib.fdopendir.restype = ctypes.c_void_p
    lib.fdopendir.argtypes = [ctypes.c_int]
    lib.readdir64.restype = ctypes.POINTER(_Dirent64)
    lib.readdir64.argtypes = [ctypes.c_void_p]
    lib.closedir.argtypes = [ctypes.c_void_p]
    return lib


def _ftyp_of(dfd: int, name: str, d_type: int) -> str:
    """The readdir ``ftyp`` letter, asking lstat when the filesystem did not say."""
    if d_type in _DT_FTYP:
        return _DT_FTYP[d_type]
    if d_type != 0:
        return "u"
    try:
        mode = os.lstat(name, dir_fd=dfd).st_mode
    except OSError:
        return "?"
    return next((ch for test, ch in _MODE_FTYP if test(mode)), "u")


def _i64(v: int) -> int:
    """An unsigned 64-bit value as the signed int64 the structs carry."""
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >= 1 << 63 else v


def _readdir(path: str) -> list[dict[str, Any]]:
    """All entries of a directory (``.`` and ``..`` too) in the filesystem's order."""
    try:
        fd = open_guest(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as e:
        raise oserr(e, "opendir", path) from None
    try:
        lib = _libc()
    except (OSError, AttributeError):
        lib = None
    if lib is None:  # no usable ctypes: the same entries, "." and ".." first
        try:
            out = [{"ino": _i64(os.stat(n, dir_fd=fd).st_ino), "ftyp": "d", "name": n} for n in (".", "..")]
            with os.scandir(fd) as it:
                out += [{"ino": _i64(ent.inode()), "ftyp": _ftyp_of(fd, ent.name, 0), "name": ent.name}
                        for ent in it]
            return out
        finally:
            os.close(fd)
    dirp = lib.fdopendir(fd)
    if not dirp:
        err = ctypes.get_errno()
        os.close(fd)
        raise oserr(OSError(err, os.strerror(err)), "opendir", path)
    out = []
    try:
        while True:
            ctypes.set_errno(0)
            p = lib.readdir64(dirp)
            if not p:
                err = ctypes.get_errno()
                if err:
                    raise oserr(OSError(err, os.strerror(err)), "readdir", path)
                break
            d = p.contents
            name = os.fsdecode(d.d_name)
            out.append({"ino": _i64(d.d_ino), "ftyp": _ftyp_of(fd, name, d.d_type), "name": name})
    finally:
        lib.closedir(dirp)  # closes fd too
    return out


@action("readdir")
def readdir(dir: str) -> list[dict[str, Any]]:
    """Directory entries with inode and type letter (libguestfs 1.48's daemon call)."""
    return _readdir(dir)


@action("internal_readdir")
def internal_readdir(dir: str, filename: FileOut) -> None:
    """Directory entries as a stream of XDR ``dirent`` structs (what newer libraries read)."""
    entries = _readdir(dir)
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
        raise oserr(e, "opendir", dir) from None
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
    resolved = _syscall(_strict_realpath, directory)
    cp = run_program(["ls", flags, "--", real(resolved)])
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
    if stat.S_ISLNK(_syscall(os.lstat, directory).st_mode):
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


# glob(3) with GLOB_BRACE (and GLOB_MARK), reimplemented to run chrooted.

_MAGIC = frozenset("*?[")


def _has_magic(pat: str) -> bool:
    """True if a glob pattern has unescaped wildcards."""
    i = 0
    while i < len(pat):
        if pat[i] == "\\":
            i += 2
            continue
        if pat[i] in _MAGIC:
            return True
        i += 1
    return False


def _unescape(pat: str) -> str:
    """Drop glob backslash escapes."""
    out, i = [], 0
    while i < len(pat):
        if pat[i] == "\\" and i + 1 < len(pat):
            i += 1
        out.append(pat[i])
        i += 1
    return "".join(out)


def _to_fnmatch(pat: str) -> str:
    """glob(3) syntax → Python fnmatch's: ``\\x`` escapes and ``[^…]`` negation."""
    out, i = [], 0
    while i < len(pat):
        ch = pat[i]
        if ch == "\\" and i + 1 < len(pat):
            nxt = pat[i + 1]
            out.append(f"[{nxt}]" if nxt in "*?[]" else nxt)
            i += 2
            continue
        if ch == "[" and pat[i + 1:i + 2] == "^":
            out.append("[!")
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _brace_expand(pat: str) -> list[str]:
    """GLOB_BRACE: ``a{b,c}d`` → ``abd``, ``acd`` (nested braces too)."""
    depth, start, i = 0, -1, 0
    while i < len(pat):
        ch = pat[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                alts, cur, d, j = [], "", 0, start + 1
                while j < i:
                    c = pat[j]
                    if c == "\\":
                        cur += pat[j:j + 2]
                        j += 2
                        continue
                    d += (c == "{") - (c == "}")
                    if c == "," and d == 0:
                        alts.append(cur)
                        cur = ""
                    else:
                        cur += c
                    j += 1
                alts.append(cur)
                out: list[str] = []
                for a in alts:
                    out.extend(_brace_expand(pat[:start] + a + pat[i + 1:]))
                return out
        i += 1
    return [pat]


def _join(d: str, name: str) -> str:
    """glob(3)'s join: ``/`` + name, else dir + ``/`` + name (doubled slashes kept)."""
    return "/" + name if d == "/" else d + "/" + name


def _glob(pattern: str, mark: bool, onlydir: bool = False) -> list[str]:
    """One glob(3) expansion without braces (called chrooted): sorted matches."""
    last = pattern.rfind("/")
    if last < 0:
        dirname, filename = ".", pattern
    else:
        dirname, filename = pattern[:last] or "/", pattern[last + 1:]
    if filename == "" and last > 0:
        # "pattern/": expand "pattern", marking directories, whatever the caller asked.
        return _glob(pattern[:last], True, True)
    dirs = _glob(dirname, False, True) if _has_magic(dirname) else [_unescape(dirname)]
    found: list[str] = []
    if not _has_magic(filename):
        name = _unescape(filename)
        for d in dirs:
            p = _join(d, name) if name else d
            if os.path.lexists(p):
                found.append(p)
    else:
        fpat = _to_fnmatch(filename)
        dot_ok = filename.startswith(".") or filename.startswith("\\.")
        for d in dirs:
            try:
                names = os.listdir(d)
            except OSError:
                continue
            if dot_ok:
                names += [".", ".."]
            for n in names:
                if n.startswith(".") and not dot_ok:
                    continue
                if fnmatch.fnmatchcase(n, fpat):
                    p = _join(d, n)
                    if onlydir and not os.path.isdir(p):
                        continue
                    found.append(p)
    if mark:
        found = [p + "/" if os.path.isdir(p) and not (p.endswith("/") and p != "/") else p
                 for p in found]
    return sorted(found, key=os.fsencode)


def _glob_expand(pattern: str, mark: bool) -> list[str]:
    """glob(3) with GLOB_BRACE: each alternative's matches sorted, in order."""
    out: list[str] = []
    for alt in _brace_expand(pattern):
        out += _glob(alt, mark)
    return out


@action("glob_expand")
def glob_expand(pattern: str, directoryslash: bool = True) -> list[str]:
    """Shell-style wildcard expansion in the guest (brace expansion too)."""
    with sysroot():
        return _glob_expand(pattern, directoryslash)


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
            raise oserr(e, "read", what) from None
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
        raise oserr(e, "open", path) from None
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
        raise oserr(e, "open", device) from None
    try:
        return _all_zero(fd, device)
    finally:
        os.close(fd)


def statns_dict(st: os.stat_result) -> dict[str, int]:
    """A ``statns`` struct from an os.stat_result."""
    out = {
        "st_dev": _i64(st.st_dev), "st_ino": _i64(st.st_ino), "st_mode": st.st_mode,
        "st_nlink": st.st_nlink, "st_uid": st.st_uid, "st_gid": st.st_gid,
        "st_rdev": _i64(st.st_rdev), "st_size": st.st_size, "st_blksize": st.st_blksize,
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
    return statns_dict(_syscall(os.stat, path))


@action("lstatns")
def lstatns(path: str) -> dict[str, int]:
    """lstat(2), nanosecond times."""
    return statns_dict(_syscall(os.lstat, path))


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
        raise oserr(e, path) from None


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
    v = _syscall(os.statvfs, path, what=("statvfs",))
    return {"bsize": v.f_bsize, "frsize": v.f_frsize, "blocks": v.f_blocks, "bfree": v.f_bfree,
            "bavail": v.f_bavail, "files": v.f_files, "ffree": v.f_ffree, "favail": v.f_favail,
            "fsid": _i64(v.f_fsid), "flag": v.f_flag, "namemax": v.f_namemax}


@action("filesize")
def filesize(file: str) -> int:
    """Size in bytes (symlinks followed)."""
    return _syscall(os.stat, file).st_size


@action("du")
def du(path: str) -> int:
    """Disk usage in KiB, as ``du -s``."""
    cp = run_program(["du", "-s", "--", real(path)])
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
    _syscall(os.chmod, path, mode, after=(c_octal(mode),))


@action("chown")
def chown(owner: int, group: int, path: str) -> None:
    """Change owner and group by number (symlinks followed)."""
    _syscall(os.chown, path, owner, group, after=(f"{owner}.{group}",))


@action("lchown")
def lchown(owner: int, group: int, path: str) -> None:
    """Change owner and group of a symlink itself."""
    _syscall(os.lchown, path, owner, group, after=(f"{owner}.{group}",))


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
    _syscall(_utimens, path, (atsecs, atnsecs), (mtsecs, mtnsecs), what=("utimensat",))


@action("ln")
def ln(target: str, linkname: str) -> None:
    """Make a hard link."""
    try:
        with sysroot():
            os.link(target, linkname)
    except OSError as e:
        raise oserr(e, "link", target, linkname) from None


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
    cp = run_program(["ln", flag, "--", target, real(linkname)])
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
    return _syscall(os.readlink, path, what=("readlink",))


@action("realpath")
def realpath(path: str) -> str:
    """Canonical absolute path, symlinks resolved as the guest sees them."""
    return _syscall(_strict_realpath, path, what=("realpath",))


def _strict_realpath(path: str) -> str:
    """os.path.realpath that fails on a missing component, like realpath(3)."""
    return os.path.realpath(path, strict=True)


# -- copying and moving ----------------------------------------------------------------


def _cp(prog: str, opts: list[str], src: str, dest: str) -> None:
    """Run cp/mv on sysroot paths; the error is the program's own message."""
    cp = run_program([prog, *opts, "--", real(src), real(dest)])
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
        raise oserr(e, "open", path) from None


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
        raise oserr(e, "pread", name) from None
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
        raise oserr(e, "pwrite", name) from None
    finally:
        os.close(fd)


def _open_device(device: str, flags: int, name: str) -> int:
    """open(2) a device node, failing as ``open: name: strerror``."""
    try:
        return os.open(device, flags | os.O_CLOEXEC)
    except OSError as e:
        raise oserr(e, "open", name) from None


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
        raise oserr(e, "write", path) from None
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
        raise oserr(e, "ftruncate", path) from None
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
        raise oserr(e, "write", path) from None
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
        raise oserr(e, "open", tmp) from None
    try:
        while True:
            try:
                os.write(fd, _ZEROS)
            except OSError as e:
                if e.errno == E.ENOSPC:
                    break
                raise oserr(e, "write", tmp) from None
        try:
            os.fsync(fd)
        except OSError as e:
            if e.errno != E.ENOSPC:
                raise oserr(e, "fsync", tmp) from None
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
        raise oserr(e, path) from None


def _filter_file(path: str, argv: list[str], errprefix: str, ok: tuple[int, ...] = (0,)) -> list[str]:
    """Feed a guest file to a filter program and return its output lines."""
    fd = open_read(path)
    try:
        cp = run_program(argv, stdin=fd)
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

CHECKSUM_PROGRAMS = {"crc": "cksum", "md5": "md5sum", "sha1": "sha1sum", "sha224": "sha224sum",
                     "sha256": "sha256sum", "sha384": "sha384sum", "sha512": "sha512sum"}


def checksum_program(csumtype: str) -> str:
    """The coreutils program for a checksum type, or libguestfs's error."""
    prog = CHECKSUM_PROGRAMS.get(csumtype)
    if prog is None:
        raise DaemonError("unknown checksum type, expecting crc|md5|sha1|sha224|sha256|sha384|sha512",
                          "EINVAL")
    return prog


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
        raise oserr(e, context.canonical_device(device)) from None
    return _checksum_fd(prog, fd)


def _checksum_fd(prog: str, fd: int) -> str:
    """Run a checksum program on an open file (closed here); its first word."""
    try:
        cp = run_program([prog], stdin=fd)
    finally:
        os.close(fd)
    if cp.returncode != 0:
        raise DaemonError(f"{prog}: {err_text(cp)}")
    words = cp.stdout.split()
    if not words:
        raise DaemonError(f"{prog}: no output")
    return words[0].decode()
