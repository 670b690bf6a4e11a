"""``mount_local``, ``mount_local_run`` and ``umount_local``: the guest's
mounted file systems on a local directory through FUSE (libguestfs's
``lib/fuse.c``; the tools on top are ``guestfs/tools/guestmount.py`` and
``guestunmount.py``).

FUSE requests become guest calls on the handle: ``lstatns``, ``readdir``
(followed by ``lstatnslist``, ``lxattrlist`` and ``readlinklist`` for the
whole directory at once, kept in a small cache for ``cachetimeout``
seconds, as stock does for speed), ``pread``/``pwrite``, ``mknod``,
``mkdir``, ``rm``, ``rmdir``, ``rename``, ``ln_s``, ``ln``, ``chmod``,
``lchown``, ``truncate_size``, ``utimens``, ``statvfs`` and the ``l*xattr``
calls.  A failed call answers with the daemon's errno (EIO when there is
none, for example when the appliance died, so the mount fails calls rather
than hangs).  The FUSE binding is pyfuse3 (an optional dependency): only
these calls import it.
"""

from __future__ import annotations

import errno as errno_mod
import os
import stat as stat_mod
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import GuestFSError, UnprefixedError
from . import library_action

if TYPE_CHECKING:
    from ..handle import GuestFS

#: Directory cache lifetime (seconds) when ``cachetimeout`` is not given.
DEFAULT_CACHE_TIMEOUT = 60
#: Names per lstatnslist/lxattrlist/readlinklist call (well inside 4 MiB).
BATCH = 1000
#: Bytes per pread/pwrite call.
IO_CHUNK = 2 * 1024 * 1024

#: FUSE ``-o`` options of libfuse's high-level layer that this module
#: implements itself (pyfuse3 is built on the low-level layer, which would
#: refuse them).  Value: whether the option takes ``=value``.
LOCAL_OPTIONS = {
    "attr_timeout": True, "entry_timeout": True, "negative_timeout": True,
    "ac_attr_timeout": True, "uid": True, "gid": True, "umask": True, "remember": True,
    "intr_signal": True, "modules": True,
    "kernel_cache": False, "direct_io": False, "use_ino": False, "readdir_ino": False,
    "hard_remove": False, "auto_cache": False, "noauto_cache": False, "noforget": False,
    "nopath": False, "intr": False,
}

_lock = threading.Lock()
#: The mount of this process (pyfuse3 serves one per process).
_active: _MountLocal | None = None


def _pyfuse3() -> Any:
    """The pyfuse3 module, or a clear error when it is not installed."""
    try:
        import pyfuse3
    except ImportError:
        raise UnprefixedError("mount_local: FUSE support needs the Python module pyfuse3 "
                              "(pip install 'guestfs-py[fuse]')", "ENOTSUP") from None
    return pyfuse3


def split_options(text: str) -> list[str]:
    """Split a FUSE ``-o`` list at commas, ``\\,`` being a literal comma."""
    out: list[str] = []
    cur = ""
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            cur += text[i + 1]
            i += 2
            continue
        if c == ",":
            out.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    out.append(cur)
    return [o for o in out if o]


@dataclass
class FuseSettings:
    """The ``-o`` options that shape replies (the rest go to libfuse)."""

    attr_timeout: float = 1.0
    entry_timeout: float = 1.0
    negative_timeout: float = 0.0
    uid: int | None = None
    gid: int | None = None
    umask: int | None = None
    kernel_cache: bool = False
    direct_io: bool = False
    passed: set[str] = field(default_factory=set)

    @classmethod
    def parse(cls, options: str | None, where: str) -> FuseSettings:
        """Sort the ``options`` string into ours and libfuse's.

        :raises GuestFSError: a bad value, as ``fuse_new: WHERE: Invalid argument``.
        """
        s = cls()
        for opt in split_options(options or ""):
            name, eq, value = opt.partition("=")
            if name not in LOCAL_OPTIONS:
                s.passed.add(opt)
                continue
            try:
                if name in ("attr_timeout", "entry_timeout", "negative_timeout"):
                    setattr(s, name, float(value))
                elif name in ("uid", "gid"):
                    setattr(s, name, int(value))
                elif name == "umask":
                    s.umask = int(value, 8)
                elif name in ("kernel_cache", "direct_io"):
                    setattr(s, name, True)
                elif LOCAL_OPTIONS[name] and not eq:
                    raise ValueError(name)
            except ValueError:
                print(f"fuse: invalid argument `{opt}'", file=sys.stderr)
                raise GuestFSError(f"fuse_new: {where}: {os.strerror(errno_mod.EINVAL)}",
                                   "EINVAL") from None
        return s


class _TTLCache:
    """Values by guest path that expire after ``timeout`` seconds."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._d: dict[str, tuple[float, Any]] = {}

    def get(self, path: str) -> Any:
        hit = self._d.get(path)
        if hit is None:
            return None
        if hit[0] < time.monotonic():
            del self._d[path]
            return None
        return hit[1]

    def put(self, path: str, value: Any) -> None:
        if self.timeout > 0:
            self._d[path] = (time.monotonic() + self.timeout, value)

    def drop(self, path: str) -> None:
        self._d.pop(path, None)

    def expire(self) -> None:
        now = time.monotonic()
        for k in [k for k, (t, _) in self._d.items() if t < now]:
            del self._d[k]


def _join(d: str, name: str) -> str:
    return f"/{name}" if d == "/" else f"{d}/{name}"


def _parent(path: str) -> str:
    head = path.rsplit("/", 1)[0]
    return head or "/"


def _pairs(v: Any) -> dict[str, Any]:
    """A struct as a dict, whatever the handle's python_return_dict says."""
    return v if isinstance(v, dict) else dict(v)


class _Inodes:
    """FUSE inode numbers for guest paths, counted as the kernel looks them up."""

    def __init__(self) -> None:
        self.path: dict[int, str] = {1: "/"}
        self.ino: dict[str, int] = {"/": 1}
        self.count: dict[int, int] = {1: 1}
        self._next = 2

    def ref(self, path: str, n: int = 1) -> int:
        ino = self.ino.get(path)
        if ino is None:
            ino = self._next
            self._next += 1
            self.ino[path] = ino
            self.path[ino] = path
            self.count[ino] = 0
        self.count[ino] += n
        return ino

    def forget(self, ino: int, n: int) -> None:
        if ino == 1 or ino not in self.count:
            return
        self.count[ino] -= n
        if self.count[ino] <= 0:
            path = self.path.pop(ino)
            del self.count[ino]
            if self.ino.get(path) == ino:
                del self.ino[path]

    def unlinked(self, path: str) -> None:
        """The name is gone; open inodes keep their (stale) path."""
        self.ino.pop(path, None)

    def renamed(self, old: str, new: str) -> None:
        """Move ``old`` and everything under it to ``new``."""
        self.ino.pop(new, None)
        prefix = old + "/"
        for p in [p for p in self.ino if p == old or p.startswith(prefix)]:
            ino = self.ino.pop(p)
            q = new + p[len(old):]
            self.ino[q] = ino
            self.path[ino] = q


class _MountLocal:
    """One handle's FUSE mount: the settings, caches and inode table."""

    def __init__(self, g: GuestFS, mountpoint: str, readonly: bool, timeout: int,
                 debugcalls: bool, fs: FuseSettings) -> None:
        self.g = g
        self.mountpoint = mountpoint
        self.readonly = readonly
        self.debugcalls = debugcalls
        self.fs = fs
        self.inodes = _Inodes()
        self.stats = _TTLCache(timeout)
        self.xattrs = _TTLCache(timeout)
        self.links = _TTLCache(timeout)
        self.running = False

    # -- caches ------------------------------------------------------------

    def invalidate(self, *paths: str) -> None:
        for p in paths:
            for c in (self.stats, self.xattrs, self.links):
                c.drop(p)

    def lstat(self, path: str) -> dict[str, Any]:
        st: dict[str, Any] | None = self.stats.get(path)
        if st is None:
            st = _pairs(self.g.lstatns(path))
            self.stats.put(path, st)
        return st

    def fill(self, d: str, names: list[str]) -> None:
        """Batch-fetch stat, xattrs and link targets of a directory's names."""
        for i in range(0, len(names), BATCH):
            part = names[i:i + BATCH]
            stats = [_pairs(s) for s in self.g.lstatnslist(d, part)]
            for n, st in zip(part, stats):
                if st["st_ino"] != -1:
                    self.stats.put(_join(d, n), st)
            try:
                flat = [_pairs(x) for x in self.g.lxattrlist(d, part)]
            except GuestFSError:
                flat = []  # no xattr support on this file system: fetch them one by one
            j = 0
            for n in part:
                if j >= len(flat):
                    break
                count_text = bytes(flat[j]["attrval"]).rstrip(b"\0")
                j += 1
                if not count_text:
                    continue
                nr = int(count_text)
                self.xattrs.put(_join(d, n), {x["attrname"]: bytes(x["attrval"])
                                               for x in flat[j:j + nr]})
                j += nr
            links = [n for n, st in zip(part, stats)
                     if st["st_ino"] != -1 and stat_mod.S_ISLNK(st["st_mode"])]
            if links:
                for n, target in zip(links, self.g.readlinklist(d, links)):
                    if target:
                        self.links.put(_join(d, n), target)

    def xattr_map(self, path: str) -> dict[str, bytes]:
        x: dict[str, bytes] | None = self.xattrs.get(path)
        if x is None:
            x = {_pairs(a)["attrname"]: bytes(_pairs(a)["attrval"])
                 for a in self.g.lgetxattrs(path)}
            self.xattrs.put(path, x)
        return x

    def readlink(self, path: str) -> str:
        t = self.links.get(path)
        if t is None:
            t = self.g.readlink(path)
            self.links.put(path, t)
        return str(t)

    # -- replies -----------------------------------------------------------

    def entry(self, pyfuse3: Any, ino: int, st: dict[str, Any]) -> Any:
        e = pyfuse3.EntryAttributes()
        e.st_ino = ino
        e.generation = 0
        e.entry_timeout = self.fs.entry_timeout
        e.attr_timeout = self.fs.attr_timeout
        mode = st["st_mode"]
        if self.fs.umask is not None:
            mode = (mode & ~0o7777) | (0o7777 & ~self.fs.umask)
        e.st_mode = mode
        e.st_nlink = st["st_nlink"]
        e.st_uid = self.fs.uid if self.fs.uid is not None else st["st_uid"]
        e.st_gid = self.fs.gid if self.fs.gid is not None else st["st_gid"]
        e.st_rdev = st["st_rdev"]
        e.st_size = st["st_size"]
        e.st_blksize = st["st_blksize"] or 4096
        e.st_blocks = st["st_blocks"]
        for t in ("atime", "mtime", "ctime"):
            setattr(e, f"st_{t}_ns", st[f"st_{t}_sec"] * 1_000_000_000 + st[f"st_{t}_nsec"])
        return e


def _errno(e: BaseException) -> int:
    """The errno number for a failed guest call (EIO when it has none)."""
    name = getattr(e, "errno", None)
    if isinstance(name, str):
        return int(getattr(errno_mod, name, errno_mod.EIO))
    if isinstance(name, int) and name > 0:
        return name
    return errno_mod.EIO


def _operations(ml: _MountLocal, pyfuse3: Any) -> Any:
    """The pyfuse3 Operations object serving ``ml``'s mount."""
    FUSEError = pyfuse3.FUSEError
    g = ml.g
    inodes = ml.inodes

    def guarded(write: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Run a handler: EROFS for writes on a read-only mount, guest
        errors as their errno, a debug line per call when debugcalls."""
        def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
            async def handler(self: Any, *args: Any) -> Any:
                if ml.debugcalls:
                    g._debug(f"{ml.mountpoint}: {fn.__name__} {args!r}")
                if write and ml.readonly:
                    raise FUSEError(errno_mod.EROFS)
                try:
                    return fn(*args)
                except FUSEError:
                    raise
                except Exception as e:  # noqa: BLE001 - every failure becomes an errno
                    # The appliance died under the mount: every call is an I/O
                    # error, not the "call launch first" of a handle in CONFIG.
                    raise FUSEError(_errno(e) if g.is_ready() else errno_mod.EIO) from None
            handler.__name__ = fn.__name__
            return handler
        return deco

    def path_of(ino: int) -> str:
        p = inodes.path.get(ino)
        if p is None:
            raise FUSEError(errno_mod.ESTALE)
        return p

    def child(parent: int, name: bytes) -> str:
        return _join(path_of(parent), os.fsdecode(name))

    def looked_up(path: str) -> Any:
        st = ml.lstat(path)
        return ml.entry(pyfuse3, inodes.ref(path), st)

    def file_info(ino: int) -> Any:
        fi = pyfuse3.FileInfo(fh=ino)
        fi.direct_io = ml.fs.direct_io
        fi.keep_cache = ml.fs.kernel_cache
        return fi

    def changed(*paths: str) -> None:
        ml.invalidate(*paths, *(_parent(p) for p in paths))

    class Ops(pyfuse3.Operations):  # type: ignore[misc]
        """The FUSE request handlers."""

        enable_writeback_cache = False

        @guarded()
        def lookup(parent: int, name: bytes, ctx: Any) -> Any:
            d = path_of(parent)
            if name == b".":
                return looked_up(d)
            if name == b"..":
                return looked_up(_parent(d))
            path = child(parent, name)
            try:
                return looked_up(path)
            except GuestFSError as e:
                if _errno(e) == errno_mod.ENOENT and ml.fs.negative_timeout > 0:
                    neg = pyfuse3.EntryAttributes()
                    neg.st_ino = 0
                    neg.entry_timeout = ml.fs.negative_timeout
                    return neg
                raise

        async def forget(self, inode_list: Iterable[tuple[int, int]]) -> None:
            for ino, n in inode_list:
                inodes.forget(ino, n)

        @guarded()
        def getattr(inode: int, ctx: Any) -> Any:
            return ml.entry(pyfuse3, inode, ml.lstat(path_of(inode)))

        @guarded(write=True)
        def setattr(inode: int, attr: Any, fields: Any, fh: int | None, ctx: Any) -> Any:
            path = path_of(inode)
            try:
                if fields.update_mode:
                    g.chmod(attr.st_mode & 0o7777, path)
                if fields.update_uid or fields.update_gid:
                    g.lchown(attr.st_uid if fields.update_uid else -1,
                             attr.st_gid if fields.update_gid else -1, path)
                if fields.update_size:
                    g.truncate_size(path, attr.st_size)
                if fields.update_atime or fields.update_mtime:
                    a = divmod(attr.st_atime_ns, 1_000_000_000) if fields.update_atime else (0, -2)
                    m = divmod(attr.st_mtime_ns, 1_000_000_000) if fields.update_mtime else (0, -2)
                    g.utimens(path, a[0], a[1], m[0], m[1])
            finally:
                changed(path)
            return ml.entry(pyfuse3, inode, ml.lstat(path))

        @guarded()
        def readlink(inode: int, ctx: Any) -> bytes:
            return os.fsencode(ml.readlink(path_of(inode)))

        @guarded()
        def opendir(inode: int, ctx: Any) -> int:
            return inode

        @guarded()
        def readdir(fh: int, start_id: int, token: Any) -> None:
            d = path_of(fh)
            ents = [_pairs(x) for x in g.readdir(d)]
            names = [e["name"] for e in ents if e["name"] not in (".", "..")]
            if start_id == 0:
                ml.fill(d, names)
            listing = [".", "..", *names]
            for i in range(start_id, len(listing)):
                n = listing[i]
                if n == ".":
                    path, st = d, ml.lstat(d)
                elif n == "..":
                    path, st = _parent(d), ml.lstat(_parent(d))
                else:
                    path = _join(d, n)
                    try:
                        st = ml.lstat(path)
                    except GuestFSError:
                        continue  # gone since the listing
                # The kernel keeps no lookup of "." and "..", so they are not counted.
                counted = n not in (".", "..")
                ino = inodes.ref(path, 1 if counted else 0)
                if not pyfuse3.readdir_reply(token, os.fsencode(n), ml.entry(pyfuse3, ino, st),
                                             i + 1):
                    if counted:
                        inodes.forget(ino, 1)
                    return

        async def releasedir(self, fh: int) -> None:
            return None

        @guarded(write=True)
        def mkdir(parent: int, name: bytes, mode: int, ctx: Any) -> Any:
            path = child(parent, name)
            g.mkdir_mode(path, mode & 0o7777)
            changed(path)
            return looked_up(path)

        @guarded(write=True)
        def mknod(parent: int, name: bytes, mode: int, rdev: int, ctx: Any) -> Any:
            path = child(parent, name)
            g.mknod(mode, os.major(rdev), os.minor(rdev), path)
            changed(path)
            return looked_up(path)

        @guarded(write=True)
        def create(parent: int, name: bytes, mode: int, flags: int, ctx: Any) -> Any:
            path = child(parent, name)
            g.mknod(stat_mod.S_IFREG | (mode & 0o7777), 0, 0, path)
            changed(path)
            e = looked_up(path)
            return file_info(e.st_ino), e

        @guarded()
        def open(inode: int, flags: int, ctx: Any) -> Any:
            path = path_of(inode)
            if ml.readonly and (flags & os.O_ACCMODE) != os.O_RDONLY:
                raise FUSEError(errno_mod.EROFS)
            if flags & os.O_TRUNC:
                g.truncate(path)
                changed(path)
            return file_info(inode)

        @guarded()
        def read(fh: int, off: int, size: int) -> bytes:
            path = path_of(fh)
            parts: list[bytes] = []
            while size > 0:
                data = bytes(g.pread(path, min(size, IO_CHUNK), off))
                if not data:
                    break
                parts.append(data)
                off += len(data)
                size -= len(data)
            return b"".join(parts)

        @guarded(write=True)
        def write(fh: int, off: int, buf: bytes) -> int:
            path = path_of(fh)
            done = 0
            try:
                while done < len(buf):
                    n = g.pwrite(path, bytes(buf[done:done + IO_CHUNK]), off + done)
                    if n <= 0:
                        break
                    done += n
            finally:
                changed(path)
            return done

        async def release(self, fh: int) -> None:
            return None

        async def flush(self, fh: int) -> None:
            return None

        @guarded()
        def fsync(fh: int, datasync: bool) -> None:
            if not ml.readonly:
                g.sync()

        @guarded(write=True)
        def unlink(parent: int, name: bytes, ctx: Any) -> None:
            path = child(parent, name)
            try:
                g.rm(path)
            finally:
                changed(path)
            inodes.unlinked(path)

        @guarded(write=True)
        def rmdir(parent: int, name: bytes, ctx: Any) -> None:
            path = child(parent, name)
            try:
                g.rmdir(path)
            finally:
                changed(path)
            inodes.unlinked(path)

        @guarded(write=True)
        def rename(parent_old: int, name_old: bytes, parent_new: int, name_new: bytes,
                   flags: int, ctx: Any) -> None:
            old, new = child(parent_old, name_old), child(parent_new, name_new)
            if flags & pyfuse3.RENAME_EXCHANGE:
                raise FUSEError(errno_mod.EINVAL)
            if flags & pyfuse3.RENAME_NOREPLACE and g.exists(new):
                raise FUSEError(errno_mod.EEXIST)
            try:
                g.rename(old, new)
            finally:
                changed(old, new)
                for c in (ml.stats, ml.xattrs, ml.links):
                    c.expire()
            inodes.renamed(old, new)

        @guarded(write=True)
        def symlink(parent: int, name: bytes, target: bytes, ctx: Any) -> Any:
            path = child(parent, name)
            g.ln_s(os.fsdecode(target), path)
            changed(path)
            return looked_up(path)

        @guarded(write=True)
        def link(inode: int, new_parent: int, new_name: bytes, ctx: Any) -> Any:
            target, path = path_of(inode), child(new_parent, new_name)
            g.ln(target, path)
            changed(path, target)
            return looked_up(path)

        @guarded()
        def statfs(ctx: Any) -> Any:
            v = _pairs(g.statvfs("/"))
            s = pyfuse3.StatvfsData()
            for k in ("bsize", "frsize", "blocks", "bfree", "bavail", "files", "ffree",
                      "favail", "namemax"):
                setattr(s, f"f_{k}", v[k])
            return s

        @guarded()
        def getxattr(inode: int, name: bytes, ctx: Any) -> bytes:
            x = ml.xattr_map(path_of(inode))
            value = x.get(os.fsdecode(name))
            if value is None:
                raise FUSEError(pyfuse3.ENOATTR)
            return value

        @guarded()
        def listxattr(inode: int, ctx: Any) -> list[bytes]:
            return [os.fsencode(n) for n in ml.xattr_map(path_of(inode))]

        @guarded(write=True)
        def setxattr(inode: int, name: bytes, value: bytes, ctx: Any) -> None:
            path = path_of(inode)
            # lsetxattr's value is a String: text without NUL bytes.  A binary
            # value (a POSIX ACL as cp -a sets it) cannot be passed, and saying
            # "not supported" lets such programs fall back (cp then chmods).
            if b"\0" in value:
                raise FUSEError(errno_mod.ENOTSUP)
            try:
                text = value.decode("utf-8")
            except UnicodeDecodeError:
                raise FUSEError(errno_mod.ENOTSUP) from None
            try:
                g.lsetxattr(os.fsdecode(name), text, len(value), path)
            finally:
                ml.invalidate(path)

        @guarded(write=True)
        def removexattr(inode: int, name: bytes, ctx: Any) -> None:
            path = path_of(inode)
            try:
                g.lremovexattr(os.fsdecode(name), path)
            finally:
                ml.invalidate(path)

        @guarded()
        def access(inode: int, mode: int, ctx: Any) -> bool:
            if ml.readonly and mode & os.W_OK:
                raise FUSEError(errno_mod.EROFS)
            st = ml.lstat(path_of(inode))
            return _may_access(st, mode, ctx.uid, ctx.gid, ctx.pid, pyfuse3)

    return Ops()


def _may_access(st: dict[str, Any], mode: int, uid: int, gid: int, pid: int, pyfuse3: Any) -> bool:
    """access(2) by the guest file's mode bits, for the calling process."""
    if mode == os.F_OK:
        return True
    m = st["st_mode"]
    if uid == 0:
        # root may read and write anything, and run what has any x bit.
        return not (mode & os.X_OK) or bool(m & 0o111) or stat_mod.S_ISDIR(m)
    if uid == st["st_uid"]:
        bits = (m >> 6) & 7
    else:
        try:
            groups = set(pyfuse3.get_sup_groups(pid))
        except Exception:  # noqa: BLE001 - the process may be gone
            groups = set()
        bits = (m >> 3) & 7 if gid == st["st_gid"] or st["st_gid"] in groups else m & 7
    return bool((mode & 7) & ~bits == 0)


def _mount_errno(mountpoint: str) -> str:
    """Why a mount point cannot be mounted on, as strerror text."""
    try:
        st = os.stat(mountpoint)
    except OSError as e:
        return e.strerror or os.strerror(errno_mod.EIO)
    if not stat_mod.S_ISDIR(st.st_mode):
        return os.strerror(errno_mod.ENOTDIR)
    return os.strerror(errno_mod.EINVAL)


@library_action("mount_local")
def mount_local(g: GuestFS, localmountpoint: str, readonly: bool = False,
                options: str | None = None, cachetimeout: int | None = None,
                debugcalls: bool = False) -> None:
    """Mount the handle's guest file systems on ``localmountpoint``.

    :raises GuestFSError: already mounted, bad options, the mount failed.
    """
    global _active
    with _lock:
        if _active is not None:
            raise UnprefixedError("filesystem is already mounted in another thread", "EBUSY")
        g._require_ready()
        pyfuse3 = _pyfuse3()
        fs = FuseSettings.parse(options, localmountpoint)
        timeout = DEFAULT_CACHE_TIMEOUT if cachetimeout is None else cachetimeout
        ml = _MountLocal(g, localmountpoint, bool(readonly), timeout, bool(debugcalls), fs)
        g._debug(f"mount_local: fuse_mount {localmountpoint}")
        if not os.path.isdir(localmountpoint):
            raise UnprefixedError(f"fuse_mount: {localmountpoint}: {_mount_errno(localmountpoint)}",
                                  "EINVAL")
        try:
            pyfuse3.init(_operations(ml, pyfuse3), localmountpoint, set(fs.passed))
        except RuntimeError as e:
            step = "fuse_mount" if "mount" in str(e) else "fuse_new"
            why = _mount_errno(localmountpoint) if step == "fuse_mount" else \
                os.strerror(errno_mod.EINVAL)
            raise UnprefixedError(f"{step}: {localmountpoint}: {why}", "EINVAL") from None
        _active = ml
        g._debug("mount_local: leaving fuse_mount_local")


def _mine(g: GuestFS) -> _MountLocal | None:
    ml = _active
    return ml if ml is not None and ml.g is g else None


@library_action("mount_local_run")
def mount_local_run(g: GuestFS) -> None:
    """Serve FUSE requests until the mount point is unmounted.

    :raises GuestFSError: no ``mount_local`` before, or the loop failed.
    """
    global _active
    ml = _mine(g)
    if ml is None or ml.running:
        raise UnprefixedError("you must call guestfs_mount_local first", "EINVAL")
    pyfuse3 = _pyfuse3()
    import trio

    ml.running = True
    g._debug("mount_local_run: entering fuse_loop")
    unmount = True
    try:
        trio.run(pyfuse3.main)
        unmount = False  # main returns once the kernel has let go of the mount
    except Exception as e:
        raise UnprefixedError(f"fuse_loop: {ml.mountpoint}: {e}", "EIO") from None
    finally:
        try:
            pyfuse3.close(unmount=unmount)
        finally:
            with _lock:
                _active = None
        g._debug("mount_local_run: leaving fuse_loop")


@library_action("umount_local")
def umount_local(g: GuestFS, retry: bool = False) -> None:
    """Unmount the local mount (runs ``guestunmount``, as stock does);
    ``mount_local_run`` then returns in the thread running it.

    :raises GuestFSError: nothing mounted, or guestunmount failed.
    """
    ml = _mine(g)
    if ml is None:
        raise UnprefixedError("no filesystem is mounted", "EINVAL")
    cmd = [sys.executable, "-m", "guestfs.tools.guestunmount",
           "--retry=5" if retry else "--no-retry", ml.mountpoint]
    g._debug("command: run: " + " ".join(cmd))
    r = subprocess.run(cmd, check=False)
    if r.returncode != 0:
        how = (f"exited with error status {r.returncode}" if r.returncode > 0
               else f"killed by signal {-r.returncode}")
        raise UnprefixedError(f"guestunmount: {how}", "EIO")
