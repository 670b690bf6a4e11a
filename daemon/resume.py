"""The daemon's half of a saved-appliance launch (host half: ``guestfs/backends/saved.py``).

When the kernel command line has ``guestfs_saved=1`` the library boots the
appliance once with no drive of the caller's, waits for :data:`READY` on
the channel and saves the VM with qemu's migration stream.  Every launch
restored from that state wakes up here, blocked on the channel, as a copy
of the same machine: the library then sends one :data:`RESUME` message
(fresh random bytes, the host's clock, how many disks it hot-plugged), and
before answering anything else the daemon

- mixes the bytes into the kernel's pool and forces a reseed of its
  generator (otherwise every copy would draw the same /dev/urandom output,
  file-system UUIDs, LUKS keys and temporary names), and reseeds Python's
  own generators;
- sets the clock (the saved one is as old as the saved state);
- waits for the hot-plugged disks, opening each one so that its partition
  scan is over,

then answers :data:`ACK` and carries on as after a cold boot (LVM and md
activation, the launch flag).  The wire format here and in ``saved.py``
must agree (``tests/backends/test_saved_appliance.py`` checks it).
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import re
import struct
import sys
import tempfile
import time

from . import context

CMDLINE_FLAG = "guestfs_saved=1"
#: Daemon → library: "save me now" (the daemon blocks reading the channel).
READY = b"GFSV\x00\x00\x00\x01"
#: Library → daemon: tag of the resume message (then a length word and JSON).
RESUME = b"GFRS"
#: Daemon → library: tag of the answer (then a length word and JSON).
ACK = b"GFOK"
_LEN = struct.Struct(">I")
#: Longest resume message accepted.
MAX_MESSAGE = 64 * 1024
#: How long the hot-plugged disks may take to show up.
DISK_TIMEOUT = 30.0

#: <linux/random.h>: _IOW('R', 0x03, int[2]) and _IO('R', 0x07).
RNDADDENTROPY = 0x40085203
RNDRESEEDCRNG = 0x5207


def saved_boot(cmdline_path: str = "/proc/cmdline") -> bool:
    """True when this appliance was booted to be saved."""
    try:
        with open(cmdline_path) as f:
            return CMDLINE_FLAG in f.read().split()
    except OSError:
        return False


def _read_exact(fd: int, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        data = os.read(fd, n - len(buf))
        if not data:
            raise EOFError("the channel closed during the resume handshake")
        buf += data
    return buf


def read_message(fd: int, tag: bytes) -> dict[str, object]:
    """One ``tag`` + length + JSON message from ``fd``.

    :raises ValueError: another tag, an oversized or undecodable message.
    """
    head = _read_exact(fd, 8)
    if head[:4] != tag:
        raise ValueError(f"expected a {tag!r} message, got {head!r}")
    (n,) = _LEN.unpack(head[4:])
    if n > MAX_MESSAGE:
        raise ValueError(f"resume message of {n} bytes")
    obj = json.loads(_read_exact(fd, n))
    if not isinstance(obj, dict):
        raise ValueError("resume message is not an object")
    return obj


def encode_message(tag: bytes, obj: dict[str, object]) -> bytes:
    """``tag`` + length + JSON of ``obj``."""
    body = json.dumps(obj).encode()
    return tag + _LEN.pack(len(body)) + body


def reseed(seed: bytes) -> None:
    """Credit ``seed`` to the kernel's input pool and reseed its generator
    now (a write alone would only be used at the next periodic reseed),
    then reseed Python's generators from the new pool."""
    fd = os.open("/dev/urandom", os.O_WRONLY | os.O_CLOEXEC)
    try:
        fcntl.ioctl(fd, RNDADDENTROPY, struct.pack("ii", len(seed) * 8, len(seed)) + seed)
        fcntl.ioctl(fd, RNDRESEEDCRNG)
    finally:
        os.close(fd)
    random.seed()
    # tempfile's name generator was seeded in the saved machine.
    tempfile._name_sequence = None  # type: ignore[attr-defined]


def set_clock(ns: int) -> None:
    """Set the wall clock to the host's (the saved one stopped at save time)."""
    time.clock_settime_ns(time.CLOCK_REALTIME, ns)


def _user_disks() -> list[str]:
    root = context.appliance_root_disk()
    try:
        names = os.listdir(context.SYS_BLOCK)
    except OSError:
        return []
    return [n for n in names if re.fullmatch(r"(sd|vd)[a-z]+", n) and n != root]


def wait_for_disks(count: int, timeout: float = DISK_TIMEOUT) -> list[str]:
    """Wait until ``count`` user disks exist, then open each (an open waits
    for the kernel's partition scan of that disk to finish).

    :raises TimeoutError: fewer disks than ``count`` after ``timeout``.
    """
    deadline = time.monotonic() + timeout
    while True:
        disks = _user_disks()
        if len(disks) >= count and all(os.path.exists(f"{context.DEV}/{d}") for d in disks):
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(disks)} of {count} hot-plugged disks appeared")
        time.sleep(0.002)
    for d in disks:
        try:
            os.close(os.open(f"{context.DEV}/{d}", os.O_RDONLY | os.O_CLOEXEC))
        except OSError:
            pass
    return disks


def drop_caches() -> None:
    """Shrink the saved state: free what the boot left in the page cache and
    Python's garbage (qemu saves every non-zero page)."""
    import gc

    gc.collect()
    os.sync()
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
    except OSError:
        pass


def resume(fd: int, verbose: bool = False) -> None:
    """Tell the library to save this VM, then (in each restored copy) take
    the resume message and make this copy a fresh machine."""
    drop_caches()
    os.write(fd, READY)
    msg = read_message(fd, RESUME)
    t0 = time.monotonic()
    answer: dict[str, object] = {"ok": True}
    try:
        seed = bytes.fromhex(str(msg["seed"]))
        if len(seed) < 32:
            raise ValueError("resume message: seed too short")
        reseed(seed)
        set_clock(int(str(msg["time_ns"])))
        t1 = time.monotonic()
        disks = wait_for_disks(int(str(msg["disks"])))
        answer["disks"] = disks
        answer["seconds"] = {"reseed": round(t1 - t0, 4), "disks": round(time.monotonic() - t1, 4)}
        if verbose:
            print(f"guestfsd: resumed from a saved appliance, disks {' '.join(disks) or '(none)'}",
                  file=sys.stderr)
    except (KeyError, ValueError, OSError, TimeoutError) as e:
        answer = {"ok": False, "error": f"{type(e).__name__}: {e}"}
    os.write(fd, encode_message(ACK, answer))
    if not answer["ok"]:
        raise SystemExit(f"guestfsd: resume failed: {answer['error']}")
