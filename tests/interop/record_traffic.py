#!/usr/bin/env python3
"""Record the channel traffic between the stock libguestfs library and its daemon.

``python3 tests/interop/record_traffic.py [--output FILE] [--path DIR]``
runs a scenario with the stock Python binding (``/usr/bin/python3``) whose
``hv`` is this script in wrapper mode: it execs qemu with the
``-chardev socket,path=…,id=channel0`` option pointed at a logging proxy
that relays to the library's socket.  The trace is a repeated record of one
direction byte (``L`` library→daemon, ``D`` daemon→library), a big-endian
uint32 length and that many raw channel bytes.  The default output is
``tests/data/traffic-1.48.bin``, decoded by ``test_golden_traffic.py``.

Standard library only: every part runs under Debian's ``/usr/bin/python3``.
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUTPUT = os.path.join(os.path.dirname(HERE), "data", "traffic-1.48.bin")
QEMU = "qemu-system-x86_64"
STOCK_PYTHON = "/usr/bin/python3"
KIB = 1024
MIB = 1024 * KIB
_REC = struct.Struct(">cI")


# -------------------------------------------------------------------------
# the hv wrapper and the logging proxy
# -------------------------------------------------------------------------

def channel_option(argv: list[str]) -> tuple[int, str] | None:
    """Index of the ``-chardev socket,…,id=channel0`` value and its socket path."""
    for i in range(len(argv) - 1):
        if argv[i] != "-chardev":
            continue
        opts = argv[i + 1].split(",")
        if opts[0] == "socket" and "id=channel0" in opts:
            for o in opts:
                if o.startswith("path="):
                    return i + 1, o[len("path="):]
    return None


def relay(qemu: socket.socket, lib: socket.socket, trace: Any) -> None:
    """Copy bytes both ways until both sides close, logging each read."""
    peers = {qemu: (lib, b"D"), lib: (qemu, b"L")}
    open_ = set(peers)
    while open_:
        ready, _, _ = select.select(list(open_), [], [])
        for s in ready:
            dest, tag = peers[s]
            try:
                data = s.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                open_.discard(s)
                try:
                    dest.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                continue
            trace.write(_REC.pack(tag, len(data)) + data)
            trace.flush()
            try:
                dest.sendall(data)
            except OSError:
                open_.discard(s)


def proxy(listener: socket.socket, upstream: str, trace_path: str) -> None:
    """Accept qemu's connection, connect to the library's socket and relay."""
    listener.settimeout(300)
    qemu, _ = listener.accept()
    listener.close()
    qemu.settimeout(None)
    lib = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lib.connect(upstream)
    with open(trace_path, "ab", buffering=0) as trace:
        relay(qemu, lib, trace)


def hv_main(trace_path: str, argv: list[str]) -> None:
    """Wrapper mode: exec qemu, with the channel going through the proxy."""
    found = channel_option(argv)
    if found is None:  # the library probing qemu (-help, -version, QMP …)
        os.execvp(QEMU, [QEMU, *argv])
    idx, upstream = found
    proxy_path = os.path.join(os.path.dirname(upstream), "rec.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(proxy_path)
    listener.listen(1)
    if os.fork() == 0:
        # The proxy must not hold qemu's stdio or the library's other fds open.
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, listener.fileno())
        os.closerange(listener.fileno() + 1, 1 << 16)
        try:
            proxy(listener, upstream, trace_path)
        finally:
            os._exit(0)
    listener.close()
    argv = list(argv)
    argv[idx] = argv[idx].replace("path=" + upstream, "path=" + proxy_path)
    os.execvp(QEMU, [QEMU, *argv])


# -------------------------------------------------------------------------
# the recorded scenario (stock Python binding)
# -------------------------------------------------------------------------

def scenario(g: Any, work: str) -> None:
    """Every daemon return kind, optargs, transfers, an error, a daemon cancel, progress."""
    g.add_drive_scratch(512 * MIB)
    g.add_drive_scratch(128 * MIB)
    g.launch()
    g.list_devices()                                      # RStringList
    g.part_disk("/dev/sda", "mbr")                        # RErr
    g.part_list("/dev/sda")                               # RStructList
    g.part_get_parttype("/dev/sda")                       # RString
    g.blockdev_getss("/dev/sda")                          # RInt
    g.blockdev_getsize64("/dev/sda1")                     # RInt64
    g.mkfs("ext4", "/dev/sda1", blocksize=4096, label="golden")  # optargs
    g.mount("/dev/sda1", "/")
    g.write("/hello", b"hello, world\n" * 10)             # BufferIn
    g.read_file("/hello")                                 # RBufferOut
    g.pread("/hello", 20, 7)
    g.cat("/hello")
    g.mkdir_p("/a/b/c")
    g.exists("/a/b")                                      # RBool
    g.ln_s("b", "/a/link")
    g.is_dir("/a/link", followsymlinks=True)
    g.statns("/hello")                                    # RStruct
    g.statvfs("/")
    try:
        g.mkdir("/a")                                     # error reply, EEXIST
    except RuntimeError:
        pass
    g.ls("/a")
    g.readdir("/a")                                       # proc 138 in 1.48
    g.mountpoints()                                       # RHashtable
    g.list_filesystems()
    src = os.path.join(work, "up.bin")
    with open(src, "wb") as f:
        f.write(os.urandom(40 * KIB + 100))
    g.upload(src, "/up.bin")                              # FileIn
    g.checksum("sha256", "/up.bin")
    g.download("/up.bin", os.path.join(work, "down.bin"))  # FileOut
    daemon_cancels_upload(g, work)
    tgz = os.path.join(work, "in.tar.gz")
    with tarfile.open(tgz, "w:gz") as t:
        for name in ("x", "y"):
            p = os.path.join(work, name)
            with open(p, "w") as f:
                f.write(name * 100)
            t.add(p, arcname=name)
    g.mkdir("/t")
    g.tar_in(tgz, "/t", compress="gzip")                  # 1.48's shorter args struct
    g.tar_out("/t", os.path.join(work, "out.tar"))
    g.rm("/hello")
    g.fill(0, 200 * MIB, "/zero")                         # long enough for progress
    g.rm("/zero")
    g.pvcreate("/dev/sdb")
    g.vgcreate("vg", ["/dev/sdb"])
    g.lvcreate("lv", "vg", 32)
    g.lvs_full()                                          # uuid and percent fields
    g.mkfs("ext2", "/dev/vg/lv")
    g.e2fsck("/dev/vg/lv", correct=True)                  # 1.48's shorter args struct
    g.umount_all()
    g.shutdown()
    g.close()


def daemon_cancels_upload(g: Any, work: str) -> None:
    """An upload the daemon refuses: its cancel flag, then the library's cancel chunk.

    The source is a FIFO fed slowly, so the library only reads its second
    chunk after the daemon has cancelled, and answers with a cancel chunk.
    """
    fifo = os.path.join(work, "fifo")
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "wb") as f:
            f.write(b"a" * 8 * KIB)
            f.flush()
            time.sleep(3)
            f.write(b"b" * 8 * KIB)

    t = threading.Thread(target=feed)
    t.start()
    try:
        g.upload(fifo, "/nodir/up.bin")                   # error reply, ENOENT
    except RuntimeError:
        pass
    t.join()


def scenario_main(hv: str, work: str) -> None:
    """Run the scenario with the stock binding, progress callback set."""
    import guestfs  # the stock binding: this runs under /usr/bin/python3 -I

    g = guestfs.GuestFS(python_return_dict=True)
    g.set_hv(hv)
    seen: list[list[int]] = []
    g.set_event_callback(lambda ev, eh, buf, array: seen.append(list(array)), guestfs.EVENT_PROGRESS)
    scenario(g, work)
    print(f"progress callbacks: {len(seen)}")


# -------------------------------------------------------------------------
# the driver
# -------------------------------------------------------------------------

def read_trace(data: bytes) -> list[tuple[str, bytes]]:
    """Split a trace into (direction, bytes) records."""
    out, pos = [], 0
    while pos < len(data):
        tag, n = _REC.unpack_from(data, pos)
        pos += _REC.size
        out.append((tag.decode(), data[pos:pos + n]))
        pos += n
    if pos != len(data):
        raise ValueError("trace ends inside a record")
    return out


def record(output: str, path: str | None) -> int:
    """Run the scenario under the stock library and write the trace to ``output``."""
    work = tempfile.mkdtemp(prefix="guestfs-record-")
    try:
        trace = os.path.join(work, "trace.bin")
        hv = os.path.join(work, "qemu-wrapper")
        with open(hv, "w") as f:
            f.write(f"#!/bin/sh\nexec {STOCK_PYTHON} -I {os.path.abspath(__file__)} "
                    f"hv {trace} \"$@\"\n")
        os.chmod(hv, 0o755)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYTHON", "PYENV", "LIBGUESTFS_"))}
        env["LIBGUESTFS_BACKEND"] = "direct"
        env["LIBGUESTFS_BACKEND_SETTINGS"] = "force_tcg"
        if path:
            env["LIBGUESTFS_PATH"] = path
        r = subprocess.run([STOCK_PYTHON, "-I", os.path.abspath(__file__), "scenario", hv, work],
                           env=env, cwd=work, check=False)
        if r.returncode != 0:
            print("record_traffic: the scenario failed", file=sys.stderr)
            return 1
        time.sleep(0.5)  # let the proxy write its last records after qemu exits
        with open(trace, "rb") as f:
            data = f.read()
        recs = read_trace(data)
        size = {d: sum(len(b) for t, b in recs if t == d) for d in "LD"}
        print(f"{len(recs)} records, library→daemon {size['L']} bytes, "
              f"daemon→library {size['D']} bytes, file {len(data)} bytes")
        os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
        shutil.copyfile(trace, output)
        print(output)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str]) -> int:
    """Command line: ``[--output FILE] [--path DIR]``; ``hv``/``scenario`` are internal."""
    if argv[:1] == ["hv"]:
        hv_main(argv[1], argv[2:])
        return 127  # not reached: hv_main execs qemu
    if argv[:1] == ["scenario"]:
        scenario_main(argv[1], argv[2])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", default=DEFAULT_OUTPUT, help="trace file to write")
    ap.add_argument("--path", help="LIBGUESTFS_PATH for the stock library (a stock fixed "
                    "appliance); default: the stock library's own appliance")
    opts = ap.parse_args(argv)
    return record(opts.output, opts.path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
