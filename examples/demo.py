#!/usr/bin/env python3
"""Demo: make a disk image, partition and format it, copy files in and out.

This is the libguestfs manual's synopsis, unchanged, run on an image the
script creates in a temporary directory.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time

import guestfs


def sha256(path: str) -> str:
    """Hex sha256 of a local file."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def main() -> None:
    """Run the synopsis and print what happened."""
    with tempfile.TemporaryDirectory(prefix="guestfs-demo-") as tmp:
        disk = os.path.join(tmp, "disk.img")
        big = os.path.join(tmp, "big.bin")
        back = os.path.join(tmp, "back.bin")
        with open(big, "wb") as f:
            f.write(os.urandom(8 * 1024 * 1024))

        g = guestfs.GuestFS(python_return_dict=True)
        g.disk_create(disk, "raw", 256 * 1024 * 1024)
        g.add_drive_opts(disk, format="raw")
        t = time.monotonic()
        g.launch()
        print(f"launched the appliance in {time.monotonic() - t:.1f} s")
        print("devices:", g.list_devices())
        g.part_disk("/dev/sda", "mbr")
        g.mkfs("ext4", "/dev/sda1")
        g.mount("/dev/sda1", "/")
        g.write("/hello", b"hi")
        g.upload(big, "/big")
        g.download("/big", back)
        print("/hello contains:", g.cat("/hello"))
        print("files:", g.ls("/"))
        print("filesystems:", g.list_filesystems())
        print("upload/download round trip intact:", sha256(big) == sha256(back))
        g.shutdown()
        g.close()

        # The same image again, read-only: nothing may change on disk.
        before = sha256(disk)
        g = guestfs.GuestFS(python_return_dict=True)
        g.add_drive_opts(disk, format="raw", readonly=True)
        g.launch()
        g.mount_ro("/dev/sda1", "/")
        print("read-only mount sees:", g.read_file("/hello"))
        g.close()
        print("image unchanged by the read-only session:", sha256(disk) == before)


if __name__ == "__main__":
    main()
