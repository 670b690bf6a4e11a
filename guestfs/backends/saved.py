"""Saved appliances: launch by restoring a VM saved after one boot.

The first launch of an appliance (per qemu, machine, memory, CPU, device
list, kernel command line and appliance files: :func:`cache_key`) boots it
with no drive of the caller's and ``guestfs_saved=1`` on the kernel command
line; the daemon then says READY on its channel (``daemon/resume.py``) and
the VM is saved with qemu's own migration stream, next to a qcow2 overlay
of the appliance root holding what the guest wrote to it until then.  Later
launches start qemu with ``-incoming`` on that state (paused), hot-plug the
caller's drives on the existing virtio-scsi controller in drive order, let
the VM run and send the daemon fresh random bytes, the clock and the disk
count.  The launching code is :class:`~guestfs.backends.qemu.QemuBackend`;
this module holds the cache, the key and the wire format.

The cache is per user: ``$XDG_CACHE_HOME/guestfs-py/saved`` (or
``~/.cache/…``), a 0700 directory of 0600 files, a few entries at most.  An
entry is ``<key>.json`` (written last, atomically) naming the state and
root files of one generation with their sizes and SHA-256 sums; the state
is hashed again while qemu loads it and the VM only runs if it matches.
Anything wrong (a missing, truncated or corrupt file, a failed restore) is
reported through a debug message and ends in a cold boot; a bad entry is
removed so the next launch saves a fresh one.
"""

from __future__ import annotations

import collections
import fcntl
import hashlib
import json
import os
import pwd
import stat
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import GuestFSError

if TYPE_CHECKING:
    from ..appliance import Appliance
    from ..drives import Drive
    from .context import LaunchContext

#: Bump when anything about the saved machine or the handshake changes.
FORMAT = 3
#: Kernel argument of a saved appliance's boot (``daemon/resume.py``).
CMDLINE_FLAG = "guestfs_saved=1"
#: Daemon → library, "save me now" (same bytes as ``daemon/resume.py``).
READY = b"GFSV\x00\x00\x00\x01"
RESUME = b"GFRS"
ACK = b"GFOK"
#: Console lines of the saved boot kept for replay.
CONSOLE_LINES = 5000
#: Entries kept in the cache (the least recently used go first).
MAX_ENTRIES = 4
#: ``GUESTFS_SAVED_APPLIANCE=0`` or ``1`` overrides the default; the backend
#: settings ``saved_appliance`` and ``no_saved_appliance`` override both.
ENV = "GUESTFS_SAVED_APPLIANCE"
DEFAULT_ON = True
#: What launches did, for tests and benchmarks (``restored``, ``saved``,
#: ``cold``, ``miss``, ``corrupt``, ``failed``).
STATS: collections.Counter[str] = collections.Counter()


class SavedError(GuestFSError):
    """The saved-appliance path failed; the launch falls back to a cold boot.

    :param corrupt: the entry itself is bad and must be replaced.
    :param entry_ok: the failure is the launch's own (a drive qemu refuses
        to hot-plug), not the entry's: keep the entry.
    """

    def __init__(self, message: str, corrupt: bool = False, entry_ok: bool = False) -> None:
        super().__init__(message)
        self.corrupt = corrupt
        self.entry_ok = entry_ok


def enabled(ctx: LaunchContext) -> bool:
    """Whether saved-appliance launches are wanted for this launch."""
    if ctx.backend_setting("no_saved_appliance") is not None:
        return False
    value = ctx.backend_setting("saved_appliance")
    if value is None:
        value = os.environ.get(ENV)
    if value is None:
        return DEFAULT_ON
    return value.strip().lower() not in ("0", "no", "off", "false", "")


def ineligible(ctx: LaunchContext, drives: list[Drive]) -> str | None:
    """Why this launch cannot use a saved appliance (None: it can)."""
    if ctx.settings.get("hvparams"):
        return "qemu parameters set with config()"
    if any(d.virtio_blk for d in drives):
        return "a drive on virtio-blk"
    if "guestfs_rescue=1" in (ctx.settings.get("append") or "").split():
        return "rescue mode"
    if len(drives) > 255:
        return "too many drives to hot-plug"
    hv = os.path.realpath(ctx.hv)
    if not os.path.basename(hv).startswith("qemu-system"):
        return f"hv {ctx.hv} is not a qemu binary (a wrapper cannot be keyed)"
    try:
        with open(hv, "rb") as f:
            if f.read(4) != b"\x7fELF":
                return f"hv {ctx.hv} is a script"
    except OSError as e:
        return f"hv {ctx.hv}: {e.strerror}"
    return None


def cache_dir() -> str:
    """The user's saved-appliance directory (not created)."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):
        home = os.environ.get("HOME") or pwd.getpwuid(os.getuid()).pw_dir
        base = os.path.join(home, ".cache")
    return os.path.join(base, "guestfs-py", "saved")


def private_dir(path: str) -> str:
    """Create ``path`` (0700) if needed and check that only we can use it.

    :raises SavedError: it is not a directory of ours with mode 0700.
    """
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        st = os.lstat(path)
    except OSError as e:
        raise SavedError(f"cache directory {path}: {e.strerror}") from None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise SavedError(f"cache directory {path} is not a private directory of this user")
    return path


def _file_id(path: str) -> list[object]:
    st = os.stat(path)
    return [os.path.realpath(path), st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev]


def cache_key(template: list[str], hv: str, version: str, appliance: Appliance) -> str:
    """The key of a saved machine: the qemu argv with per-launch paths left
    out (machine, CPU, memory, smp, devices, kernel command line), the qemu
    binary and its version, and the appliance files, by identity.

    :raises OSError: a file is missing.
    """
    material = {
        "format": FORMAT, "argv": template, "hv": _file_id(hv), "version": version,
        "kernel": _file_id(appliance.kernel), "initrd": _file_id(appliance.initrd),
        "root": _file_id(appliance.root),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:32]


def sha256_fd(fd: int, size: int) -> str:
    """SHA-256 of the first ``size`` bytes of ``fd``, read with ``pread`` (the
    descriptor's offset, shared with qemu, is left alone)."""
    h = hashlib.sha256()
    off = 0
    while off < size:
        data = os.pread(fd, min(4 << 20, size - off), off)
        if not data:
            break
        h.update(data)
        off += len(data)
    return h.hexdigest()


@dataclass
class Entry:
    """One usable cache entry, its files open (the descriptors go to qemu)."""

    key: str
    state_fd: int
    state_size: int
    state_sha256: str
    root_fd: int
    #: The console of the boot that was saved, replayed to verbose callers.
    console: list[str]

    def close(self) -> None:
        for fd in (self.state_fd, self.root_fd):
            try:
                os.close(fd)
            except OSError:
                pass


class StateHasher(threading.Thread):
    """Hashes the saved state while qemu loads it."""

    def __init__(self, entry: Entry) -> None:
        super().__init__(name="guestfs-saved-hash", daemon=True)
        self.entry = entry
        self.result = ""
        self.start()

    def run(self) -> None:
        try:
            self.result = sha256_fd(self.entry.state_fd, self.entry.state_size)
        except OSError as e:
            self.result = f"error: {e}"

    def check(self, deadline: float) -> None:
        """:raises SavedError: the state is not the one the entry recorded."""
        self.join(max(0.0, deadline - time.monotonic()))
        if self.is_alive():
            raise SavedError("the saved state could not be checked in time")
        if self.result != self.entry.state_sha256:
            raise SavedError("the saved state does not match its checksum", corrupt=True)


class Cache:
    """The saved-appliance directory of this user."""

    def __init__(self, path: str | None = None) -> None:
        self.path = private_dir(path or cache_dir())

    def _p(self, name: str) -> str:
        return os.path.join(self.path, name)

    def lookup(self, key: str) -> Entry | None:
        """The entry for ``key`` with its files open, or None when there is
        none; a damaged one (files missing or of the wrong size, a sidecar
        that does not parse) is removed.
        """
        side = self._p(key + ".json")
        try:
            with open(side, "rb") as f:
                meta = json.load(f)
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            self.remove(key)
            raise SavedError("unreadable saved-appliance record", corrupt=True) from None
        if isinstance(meta, dict) and meta.get("key") == key and meta.get("unsupported"):
            raise SavedError(f"this appliance cannot be saved: {meta['unsupported']}")
        fds: list[int] = []
        try:
            if not isinstance(meta, dict) or meta.get("key") != key or meta.get("format") != FORMAT:
                raise ValueError("record of another key or format")
            gen = str(meta["generation"])
            for name, size in ((f"{key}-{gen}.state", meta["state_size"]),
                               (f"{key}-{gen}.root.qcow2", meta["root_size"])):
                fd = os.open(self._p(name), os.O_RDONLY | os.O_CLOEXEC)
                fds.append(fd)
                st = os.fstat(fd)
                if st.st_size != int(size) or st.st_uid != os.getuid() or st.st_mode & 0o077:
                    raise ValueError(f"{name}: {st.st_size} bytes, expected {size}")
            if sha256_fd(fds[1], int(meta["root_size"])) != meta["root_sha256"]:
                raise ValueError("the root overlay does not match its checksum")
        except (OSError, ValueError, KeyError, TypeError) as e:
            for fd in fds:
                os.close(fd)
            self.remove(key)
            raise SavedError(f"damaged saved appliance {key}: {e}", corrupt=True) from None
        try:
            os.utime(side)  # most recently used
        except OSError:
            pass
        console = meta.get("console")
        return Entry(key, fds[0], int(meta["state_size"]), str(meta["state_sha256"]), fds[1],
                     [str(line) for line in console] if isinstance(console, list) else [])

    def lock(self) -> int | None:
        """Take the writers' lock of the cache without waiting (None: another
        launch is saving an appliance; this one boots cold instead of
        waiting).  Readers take no lock: records are replaced atomically."""
        fd = os.open(self._p("lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return None
        return fd

    @staticmethod
    def unlock(fd: int) -> None:
        os.close(fd)

    def new_files(self, key: str) -> tuple[str, str, str]:
        """Paths for a new generation: (generation, state, root overlay)."""
        gen = os.urandom(6).hex()
        return gen, self._p(f"{key}-{gen}.state"), self._p(f"{key}-{gen}.root.qcow2")

    def commit(self, key: str, gen: str, state: str, root: str, console: list[str]) -> None:
        """Record a finished generation (sidecar written last, atomically),
        then drop older generations and entries beyond :data:`MAX_ENTRIES`.

        :param console: the console lines of the boot that was saved.
        """
        meta: dict[str, object] = {"format": FORMAT, "key": key, "generation": gen, "created": time.time(),
                                   "console": console}
        for what, path in (("state", state), ("root", root)):
            os.chmod(path, 0o600)
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                size = os.fstat(fd).st_size
                meta[f"{what}_size"] = size
                meta[f"{what}_sha256"] = sha256_fd(fd, size)
                os.fsync(fd)
            finally:
                os.close(fd)
        self._write_record(key, meta)
        self.prune(keep=(key, gen))

    def mark_unsupported(self, key: str, why: str) -> None:
        """Remember that ``key``'s appliance cannot be saved (its daemon
        lacks the handshake), so later launches boot cold at once."""
        self._write_record(key, {"format": FORMAT, "key": key, "unsupported": why})

    def _write_record(self, key: str, meta: dict[str, object]) -> None:
        tmp = self._p(f".tmp-{key}.json")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(meta, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self._p(key + ".json"))

    def remove(self, key: str) -> None:
        """Forget ``key`` (its record; its files go at the next prune)."""
        try:
            os.unlink(self._p(key + ".json"))
        except OSError:
            pass

    def prune(self, keep: tuple[str, str] | None = None) -> None:
        """Remove the least recently used records beyond :data:`MAX_ENTRIES`
        and every state or root file no record names (run under the
        writers' lock, so no other launch is writing one)."""
        try:
            names = os.listdir(self.path)
        except OSError:
            return
        records = []
        for n in names:
            if n.endswith(".json") and not n.startswith("."):
                try:
                    records.append((os.stat(self._p(n)).st_mtime, n[:-5]))
                except OSError:
                    pass
        records.sort(reverse=True)
        for _, key in records[MAX_ENTRIES:]:
            if keep is None or key != keep[0]:
                self.remove(key)
        live: set[str] = set()
        for _, key in records[:MAX_ENTRIES]:
            try:
                with open(self._p(key + ".json")) as f:
                    live.add(f"{key}-{json.load(f)['generation']}")
            except (OSError, ValueError, KeyError, TypeError):
                pass
        if keep is not None:
            live.add(f"{keep[0]}-{keep[1]}")
        for n in names:
            stem = n.split(".", 1)[0]
            if (n.endswith((".state", ".root.qcow2")) and stem not in live) or n.startswith(".tmp"):
                try:
                    os.unlink(self._p(n))
                except OSError:
                    pass


def encode_message(tag: bytes, obj: dict[str, object]) -> bytes:
    """``tag`` + length word + JSON (``daemon/resume.py`` reads it)."""
    body = json.dumps(obj).encode()
    return tag + len(body).to_bytes(4, "big") + body
