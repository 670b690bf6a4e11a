#!/usr/bin/env python3
"""One benchmark scenario, run under whichever ``guestfs`` module the
interpreter imports (ours from the venv, or the stock libguestfs binding
under Debian's /usr/bin/python3).  Prints one JSON object of measurements.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time

import guestfs

CALLS = 200
TRANSFER_MIB = 64


def vm_hwm_kib(pid: int) -> int:
    """Peak resident memory of a process, from /proc (KiB)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


#: Handles launched at once for the parallel figure.
PARALLEL = 4


def parallel_launch_s() -> float:
    """Seconds until PARALLEL handles launched at the same time all answer a call."""
    handles = []
    for _ in range(PARALLEL):
        h = guestfs.GuestFS(python_return_dict=True)
        h.set_backend_settings(["force_tcg"])
        h.add_drive_scratch(64 * 1024 * 1024)
        handles.append(h)
    errors: list[BaseException] = []

    def launch(h: guestfs.GuestFS) -> None:
        try:
            h.launch()
            h.blockdev_getsize64("/dev/sda")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=launch, args=(h,)) for h in handles]
    t = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - t
    for h in handles:
        h.close()
    if errors:
        raise SystemExit(f"a parallel launch failed: {errors[0]}")
    return elapsed


def main() -> None:
    """Launch, time a few operations, report."""
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="guestfs-bench-") as tmp:
        src = os.path.join(tmp, "src.bin")
        dst = os.path.join(tmp, "dst.bin")
        with open(src, "wb") as f:
            f.write(os.urandom(TRANSFER_MIB * 1024 * 1024))
        g = guestfs.GuestFS(python_return_dict=True)
        g.set_backend_settings(["force_tcg"])
        g.add_drive_scratch(512 * 1024 * 1024)
        t = time.monotonic()
        g.launch()
        out["launch_s"] = time.monotonic() - t
        g.part_disk("/dev/sda", "mbr")
        g.mkfs("ext4", "/dev/sda1")
        g.mount("/dev/sda1", "/")
        g.write("/small", b"x" * 100)
        t = time.monotonic()
        for _ in range(CALLS):
            g.exists("/small")
        out["exists_ms"] = (time.monotonic() - t) / CALLS * 1000
        t = time.monotonic()
        for _ in range(CALLS // 4):
            g.read_file("/small")
        out["read_file_ms"] = (time.monotonic() - t) / (CALLS // 4) * 1000
        t = time.monotonic()
        g.upload(src, "/big")
        out["upload_mib_s"] = TRANSFER_MIB / (time.monotonic() - t)
        t = time.monotonic()
        g.download("/big", dst)
        out["download_mib_s"] = TRANSFER_MIB / (time.monotonic() - t)
        out["qemu_peak_rss_mib"] = vm_hwm_kib(g.get_pid()) / 1024
        t = time.monotonic()
        g.shutdown()
        out["shutdown_s"] = time.monotonic() - t
        g.close()
    if os.environ.get("BENCH_PARALLEL", "1") != "0":
        out["parallel4_launch_s"] = parallel_launch_s()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
