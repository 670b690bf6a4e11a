#!/usr/bin/env python3
"""The interop scenario, the same whichever library drives whichever daemon.

Each step is a function ``step(g, ctx)`` that uses only the libguestfs
Python API and plain ``assert``; ``STEPS`` keeps their order (later steps
rely on earlier ones).  ``test_our_lib_their_daemon.py`` runs the steps
in-process with our library; ``test_their_lib_our_daemon.py`` runs this file
as a script under ``/usr/bin/python3`` with the stock binding
(``interop_scenario.py RESULTS.json WORKDIR``), which writes each step's
outcome as JSON.  Standard library only.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import io
import json
import os
import sys
import tarfile
import time
import traceback
from collections.abc import Callable
from typing import Any

KIB = 1024
MIB = 1024 * KIB
#: Scratch disks every run adds: /dev/sda (files, transfers), /dev/sdb (LVM).
DISK_SIZES = (512 * MIB, 128 * MIB)
BIG = 50 * MIB
#: Seconds a daemon waits before its first progress message.
PROGRESS_DELAY = 2.0

Step = Callable[[Any, dict[str, Any]], Any]
STEPS: list[tuple[str, Step]] = []


def step(fn: Step) -> Step:
    """Register a step under its function name."""
    STEPS.append((fn.__name__.removeprefix("step_"), fn))
    return fn


def error_of(g: Any, fn: Callable[..., Any], *args: Any, **kw: Any) -> tuple[str, str | None]:
    """Call ``fn`` expecting a libguestfs error: its message and errno name.

    Our library's error carries ``.errno``; the stock binding has no way to
    it but ``guestfs_last_errno`` of the C handle, reached through ctypes.
    """
    try:
        fn(*args, **kw)
    except RuntimeError as e:
        if hasattr(e, "errno"):
            return str(e), e.errno
        return str(e), _stock_last_errno(g)
    raise AssertionError(f"{getattr(fn, '__name__', fn)} succeeded, an error was expected")


def _stock_last_errno(g: Any) -> str | None:
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype = ctypes.c_void_p
    get.argtypes = [ctypes.py_object, ctypes.c_char_p]
    lib = ctypes.CDLL("libguestfs.so.0")
    lib.guestfs_last_errno.argtypes = [ctypes.c_void_p]
    n = lib.guestfs_last_errno(get(g._o, b"guestfs_h"))
    return errno.errorcode.get(n) if n else None


def sha256_file(path: str) -> str:
    """Hex SHA-256 of a host file."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def as_dict(v: Any) -> dict[str, Any]:
    """A hashtable as a dict, whether the binding returned a dict or pairs."""
    return dict(v)


# -------------------------------------------------------------------------
# the steps
# -------------------------------------------------------------------------

@step
def step_launch(g: Any, ctx: dict[str, Any]) -> Any:
    devs = g.list_devices()
    assert devs == ["/dev/sda", "/dev/sdb"], devs
    return devs


@step
def step_partitions(g: Any, ctx: dict[str, Any]) -> Any:
    g.part_disk("/dev/sda", "mbr")
    parts = g.part_list("/dev/sda")                       # struct list
    assert len(parts) == 1 and parts[0]["part_num"] == 1, parts
    assert parts[0]["part_size"] > 500 * MIB, parts
    assert g.part_get_parttype("/dev/sda") == "msdos"
    assert g.list_partitions() == ["/dev/sda1"]
    return parts


@step
def step_mkfs_optargs(g: Any, ctx: dict[str, Any]) -> Any:
    g.mkfs("ext4", "/dev/sda1", blocksize=4096, label="interop")
    assert g.vfs_type("/dev/sda1") == "ext4"
    assert g.vfs_label("/dev/sda1") == "interop"
    g.mount("/dev/sda1", "/")
    return g.vfs_uuid("/dev/sda1")


@step
def step_files(g: Any, ctx: dict[str, Any]) -> Any:
    g.write("/hello", b"hello, world\n")
    assert g.cat("/hello") == "hello, world\n"
    assert g.read_file("/hello") == b"hello, world\n"
    g.mkdir_p("/a/b/c")
    assert g.exists("/a/b/c") and not g.exists("/nothing")
    g.write("/a/f", b"")
    assert sorted(g.ls("/a")) == ["b", "f"]
    g.rm("/a/f")
    assert not g.exists("/a/f")
    return g.ls("/")


@step
def step_structs(g: Any, ctx: dict[str, Any]) -> Any:
    st = g.statns("/hello")
    assert st["st_size"] == 13 and st["st_mode"] & 0o170000 == 0o100000, st
    assert st["st_mtime_sec"] > 0
    vfs = g.statvfs("/")
    assert vfs["bsize"] == 4096 and 0 < vfs["bfree"] <= vfs["blocks"], vfs
    return {"statns": st, "statvfs": vfs}


@step
def step_hashtables(g: Any, ctx: dict[str, Any]) -> Any:
    mps = as_dict(g.mountpoints())
    assert mps == {"/dev/sda1": "/"}, mps
    fss = as_dict(g.list_filesystems())
    assert fss.get("/dev/sda1") == "ext4", fss
    return {"mountpoints": mps, "filesystems": fss}


@step
def step_buffers(g: Any, ctx: dict[str, Any]) -> Any:
    data = bytes(range(256)) * 64  # NULs and high bytes survive
    g.write("/bin", data)
    assert g.read_file("/bin") == data
    assert g.pread("/bin", 300, 1000) == data[1000:1300]
    assert g.pread("/bin", 100, len(data) - 10) == data[-10:]
    return len(data)


@step
def step_optargs_is_dir(g: Any, ctx: dict[str, Any]) -> Any:
    g.ln_s("b", "/a/link")
    assert g.is_dir("/a/b")
    assert not g.is_dir("/a/link")
    assert g.is_dir("/a/link", followsymlinks=True)
    assert not g.is_dir("/a/link", followsymlinks=False)
    return True


@step
def step_readdir(g: Any, ctx: dict[str, Any]) -> Any:
    entries = {e["name"]: e["ftyp"] for e in g.readdir("/a")}
    assert entries == {".": "d", "..": "d", "b": "d", "link": "l"}, entries
    return entries


@step
def step_errors(g: Any, ctx: dict[str, Any]) -> Any:
    msg, err = error_of(g, g.mkdir, "/a")
    assert msg.endswith("File exists") and err == "EEXIST", (msg, err)
    msg2, err2 = error_of(g, g.rm, "/missing")
    assert "No such file or directory" in msg2 and err2 == "ENOENT", (msg2, err2)
    g.mkdir("/emptydir")
    assert g.is_dir("/emptydir")  # the handle works after errors
    return [msg, err, msg2, err2]


@step
def step_tar(g: Any, ctx: dict[str, Any]) -> Any:
    work = ctx["work"]
    tgz = os.path.join(work, "in.tar.gz")
    with tarfile.open(tgz, "w:gz") as t:
        for name, data in (("x", b"x" * 5000), ("sub/y", os.urandom(20000))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    g.mkdir("/t")
    g.tar_in(tgz, "/t", compress="gzip")
    assert g.filesize("/t/sub/y") == 20000
    out = os.path.join(work, "out.tar")
    g.tar_out("/t", out)
    with tarfile.open(out) as t:
        names = sorted(n.lstrip("./") for n in t.getnames() if n.strip("./"))
    assert names == ["sub", "sub/y", "x"], names
    return names


@step
def step_cryptsetup_open_args(g: Any, ctx: dict[str, Any]) -> Any:
    # 1.48 sent a shorter args struct (no cipher).  A LUKS format costs a
    # minute under TCG, so a device without LUKS shows the args arrived:
    # the daemon runs cryptsetup and reports its failure.
    msg, err = error_of(g, g.cryptsetup_open, "/dev/sdb", "key", "interop", readonly=True,
                        crypttype="luks")
    assert "LUKS" in msg and "decode" not in msg, (msg, err)
    return msg


@step
def step_lvm(g: Any, ctx: dict[str, Any]) -> Any:
    g.pvcreate("/dev/sdb")
    g.vgcreate("vg", ["/dev/sdb"])
    g.lvcreate("lv", "vg", 32)
    assert g.lvs() == ["/dev/vg/lv"]
    lvs = g.lvs_full()
    assert [lv["lv_name"] for lv in lvs] == ["lv"], lvs
    assert lvs[0]["lv_size"] == 32 * MIB and len(lvs[0]["lv_uuid"]) == 32, lvs
    vgs = g.vgs_full()
    assert vgs[0]["vg_name"] == "vg", vgs
    return {"lv": lvs[0]["lv_name"], "vg": vgs[0]["vg_name"]}


@step
def step_upload_download_50mib(g: Any, ctx: dict[str, Any]) -> Any:
    work = ctx["work"]
    src = os.path.join(work, "big")
    with open(src, "wb") as f:
        for _ in range(BIG // MIB):
            f.write(os.urandom(MIB))
    want = sha256_file(src)
    seen: list[list[int]] = []
    eh = g.set_event_callback(lambda ev, eh, buf, array: seen.append(list(array)),
                              ctx["EVENT_PROGRESS"])
    try:
        t0 = time.monotonic()
        g.upload(src, "/big")
        up = time.monotonic() - t0
    finally:
        g.delete_event_callback(eh)
    assert g.filesize("/big") == BIG
    assert g.checksum("sha256", "/big") == want
    dst = os.path.join(work, "big.down")
    g.download("/big", dst)
    assert sha256_file(dst) == want
    os.unlink(dst)
    # Daemons stay silent for the first 2 s of a call (libguestfs's rate limit).
    assert seen or up < PROGRESS_DELAY + 0.5, f"no progress message during a {up:.1f} s upload"
    if seen:
        totals = {s[3] for s in seen}
        positions = [s[2] for s in seen]
        assert totals == {BIG} and positions == sorted(positions) and positions[-1] == BIG, seen
    return {"progress_messages": len(seen), "upload_seconds": round(up, 1)}


@step
def step_cancelled_upload(g: Any, ctx: dict[str, Any]) -> Any:
    src = os.path.join(ctx["work"], "huge")
    with open(src, "wb") as f:
        f.truncate(400 * MIB)  # sparse: cheap to make, slow enough to send
    cancelled: list[int] = []

    def cb(ev: int, eh: int, buf: Any, array: Any) -> None:
        if not cancelled:
            cancelled.append(array[2])
            g.user_cancel()

    eh = g.set_event_callback(cb, ctx["EVENT_PROGRESS"])
    try:
        msg, _ = error_of(g, g.upload, src, "/huge")
    finally:
        g.delete_event_callback(eh)
    assert cancelled, "no progress message, so nothing cancelled the upload"
    assert "cancel" in msg.lower(), msg
    # The handle is still usable.
    g.ping_daemon()
    assert g.cat("/hello") == "hello, world\n"
    return {"message": msg, "cancelled_at": cancelled[0]}


@step
def step_e2fsck(g: Any, ctx: dict[str, Any]) -> Any:
    g.umount_all()
    g.e2fsck("/dev/sda1", correct=True)
    g.mount("/dev/sda1", "/")
    assert g.cat("/hello") == "hello, world\n"
    return True


# -------------------------------------------------------------------------
# running it as a script (the stock binding)
# -------------------------------------------------------------------------

def run_all(g: Any, ctx: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Run every step, recording each outcome (a failure does not stop the run)."""
    out: dict[str, dict[str, Any]] = {}
    for name, fn in STEPS:
        t0 = time.monotonic()
        try:
            res = fn(g, ctx)
            out[name] = {"ok": True, "result": res}
        except Exception:
            out[name] = {"ok": False, "error": traceback.format_exc()}
        out[name]["seconds"] = round(time.monotonic() - t0, 2)
    return out


def main(argv: list[str]) -> int:
    """``interop_scenario.py RESULTS.json WORKDIR``: launch, run, write results."""
    import guestfs

    results_path, work = argv
    g = guestfs.GuestFS(python_return_dict=True)
    for size in DISK_SIZES:
        g.add_drive_scratch(size)
    t0 = time.monotonic()
    try:
        g.launch()
    except RuntimeError:
        results = {"launch": {"ok": False, "error": traceback.format_exc()}}
    else:
        launch_seconds = round(time.monotonic() - t0, 1)
        results = run_all(g, {"work": work, "EVENT_PROGRESS": guestfs.EVENT_PROGRESS})
        results["launch"]["launch_seconds"] = launch_seconds
        g.shutdown()
    g.close()
    with open(results_path, "w") as f:
        json.dump(results, f, indent=1, default=repr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
