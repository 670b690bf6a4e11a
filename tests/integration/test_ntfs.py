"""NTFS in the real appliance: the ntfs forms of mkfs, labels, UUIDs and
``vfs_minimum_size``; ntfs-3g.probe, ntfsresize, ntfsfix, ntfsclone images
out and back in, ntfscat by inode, ntfs_chmod, and case_sensitive_path on
an ntfs-3g mount (case-insensitive names seen case-sensitively).

Expected values and messages are stock libguestfs 1.48.6's, watched on the
same calls; ``test_agrees_with_stock`` runs one script through the stock
binding and ours and compares every outcome.  ntfs-3g's messages carry its
version (2022.10.3, the appliance's); they are asserted as the appliance
prints them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import err, require_stock
from tests.stock_script import Step, assert_same_outcomes, run_script_on, run_script_on_stock

pytestmark = pytest.mark.appliance

MiB = 1024 * 1024
#: What a download whose daemon side failed raises, in stock as here.
CANCELLED = "file receive cancelled by daemon"


def mask_disk_letters(outcomes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outcomes with the disk letters in messages masked (``/dev/sd?2``).

    The kernel may name the disks out of attach order, in stock's appliance
    as in ours; stock's tool messages then name the kernel's disk, ours the
    caller's, so only the letters may differ.
    """
    return [dict(o, message=re.sub(r"/dev/sd[a-z]+", "/dev/sd?", o["message"])) if "message" in o else o
            for o in outcomes]


def two_partitions(g: Any) -> tuple[str, str]:
    """/dev/sda1 (16 MiB) and /dev/sda2 (184 MiB), both blank."""
    g.part_init("/dev/sda", "mbr")
    g.part_add("/dev/sda", "p", 2048, 2048 + 16 * 2048 - 1)
    g.part_add("/dev/sda", "p", 2048 + 16 * 2048, 2048 + 200 * 2048 - 1)
    return "/dev/sda1", "/dev/sda2"


# -- mkfs, labels, UUIDs, probing ------------------------------------------------------


def test_mkfs_labels_uuid_and_probe(g: Any) -> None:
    g.part_disk("/dev/sda", "mbr")
    g.mkfs("ntfs", "/dev/sda1", label="WinLab", blocksize=4096)
    assert g.vfs_type("/dev/sda1") == "ntfs"
    assert g.vfs_label("/dev/sda1") == "WinLab"
    assert re.fullmatch(r"[0-9A-F]{16}", g.vfs_uuid("/dev/sda1"))
    g.set_label("/dev/sda1", "NewLabel")
    assert g.vfs_label("/dev/sda1") == "NewLabel"
    g.set_label("/dev/sda1", "X" * 200)  # ntfslabel keeps 128 characters; read whole, as stock
    assert g.vfs_label("/dev/sda1") == "X" * 128
    # No UUID changes on ntfs, as in stock.
    assert err(g.set_uuid, "/dev/sda1", "0123456789ABCDEF") == \
        "set_uuid: don't know how to set the UUID for 'ntfs' filesystems"
    assert err(g.set_uuid_random, "/dev/sda1") == \
        "set_uuid_random: don't know how to set the random UUID for 'ntfs' filesystems"
    # mkfs's ntfs refusals.
    assert err(g.mkfs, "ntfs", "/dev/sdb", inode=256) == \
        "mkfs: inode size (-I) can only be set on ext2/3/4 filesystems"
    assert err(g.mkfs, "ntfs", "/dev/sdb", blocksize=3000) == "mkfs: block size must be > 0 and a power of 2"
    # (mkntfs names the kernel's disk at the end, which need not be the caller's.)
    assert err(g.mkfs, "ntfs", "/dev/sdb", features="x").startswith(
        "mkfs: ntfs: /dev/sdb: Unknown option '-O'.\nCannot understand the number of sectors '/dev/sd")
    # ntfs-3g.probe answers with its status: 0 mountable, 12 no NTFS.
    assert g.ntfs_3g_probe(True, "/dev/sda1") == 0
    assert g.ntfs_3g_probe(False, "/dev/sda1") == 0
    assert g.ntfs_3g_probe(True, "/dev/sdb") == 12
    g.ntfsfix("/dev/sda1")
    g.ntfsfix("/dev/sda1", clearbadsectors=True)
    assert err(g.ntfsfix, "/dev/sdb") == (
        "ntfsfix: /dev/sdb: NTFS signature is missing.\nNTFS signature is missing.\n"
        "Failed to startup volume: Invalid argument\nNTFS signature is missing.\n"
        "Unrecoverable error\nVolume is corrupt. You should run chkdsk.")


# -- resizing and the minimum size ---------------------------------------------------------


def test_ntfsresize_and_minimum_size(g: Any) -> None:
    g.part_disk("/dev/sda", "mbr")
    g.mkfs("ntfs", "/dev/sda1")
    # A fresh 512 MiB volume can shrink to its metadata (a few MiB).
    minimum = g.vfs_minimum_size("/dev/sda1")
    assert 1 * MiB < minimum < 16 * MiB
    for bad in (0, -5):
        assert err(g.ntfsresize, "/dev/sda1", size=bad) == "ntfsresize: size is zero or negative"
    assert err(g.ntfsresize, "/dev/sda1", size=1 * MiB).endswith(
        "ERROR: New size can't be less than the space already occupied by data.\n"
        "You either need to delete unused files or see the -i option.")
    msg = err(g.ntfsresize, "/dev/sda1", size=1 << 40, force=True)
    assert msg.startswith("ntfsresize: /dev/sda1: ntfsresize v")
    assert msg.endswith("ERROR: New size can't be bigger than the device size.\n"
                        "If you want to enlarge NTFS then first enlarge the device size by e.g. fdisk.")
    g.ntfsresize("/dev/sda1", size=300 * MiB)
    # After a resize the volume is marked for a check: again only with force.
    assert err(g.ntfsresize_size, "/dev/sda1", 250 * MiB).endswith(
        "ERROR: Volume is scheduled for check.\nRun chkdsk /f and please try again, or see option -f.")
    g.ntfsresize("/dev/sda1", size=250 * MiB, force=True)
    g.ntfsresize("/dev/sda1", force=True)  # back to the whole partition
    assert g.vfs_minimum_size("/dev/sda1") == minimum  # -ff: measured although marked
    assert err(g.ntfsresize, "/dev/sdb").startswith(
        "ntfsresize: /dev/sdb: ntfsresize v2022.10.3 (libntfs-3g)\nNTFS signature is missing.\n")


def test_minimum_size_of_a_full_volume(g: Any) -> None:
    small, _ = two_partitions(g)
    g.mkfs("ntfs", small)
    g.mount(small, "/")
    g.fill(65, 12 * MiB, "/big")
    g.umount_all()
    partly = g.vfs_minimum_size(small)
    assert 12 * MiB < partly < 16 * MiB
    g.mount(small, "/")
    assert "No space left on device" in err(g.fill, 65, 10 * MiB, "/big2")
    g.umount_all()
    # Full: ntfsresize refuses; the answer is the volume rounded up to whole
    # clusters, which for this partition is all of it.
    assert g.vfs_minimum_size(small) == g.blockdev_getsize64(small) == 16 * MiB


# -- files: case_sensitive_path, ntfscat_i, ntfs_chmod -----------------------------------------


def test_case_sensitive_path(g: Any) -> None:
    g.part_disk("/dev/sda", "mbr")
    g.mkfs("ntfs", "/dev/sda1")
    g.mount("/dev/sda1", "/")
    g.mkdir_p("/Windows/System32")
    g.write("/Windows/System32/NetKVM.sys", b"hello ntfs")
    g.mkdir("/windows")  # both cases exist: the first directory entry wins
    g.mkdir("/Über")
    g.ln_s("/Windows", "/link")
    csp = g.case_sensitive_path
    assert csp("/windows/system32/netkvm.sys") == "/Windows/System32/NetKVM.sys"
    assert csp("/WINDOWS/SYSTEM32/NETKVM.SYS") == "/Windows/System32/NetKVM.sys"
    assert csp("/windows/system32/NoSuchFile") == "/Windows/System32/NoSuchFile"
    assert csp("//windows//") == "/Windows"
    assert csp("/") == "/"
    assert csp("/nosuch") == "/nosuch"
    assert csp("/LINK/system32") == "/link/System32"  # links are followed inside the guest
    # Only ASCII letters fold, as in stock.
    assert csp("/ÜBER") == "/Über"
    assert csp("/über") == "/über"
    assert err(csp, "/windows/system33/netkvm.sys") == "case_sensitive_path: system33: not found"
    assert err(csp, "/nosuch/a") == "case_sensitive_path: nosuch: not found"
    assert err(csp, "/windows/./system32") == "case_sensitive_path: .: not found"
    assert err(csp, "/windows/../windows") == "case_sensitive_path: ..: not found"
    assert err(csp, "/Windows/.") == 'case_sensitive_path: path contains "." or ".." elements'
    assert err(csp, "/Windows/System32/NetKVM.sys/x") == \
        "case_sensitive_path: chdir: NetKVM.sys: Not a directory"
    long = "x" * 300
    assert csp(f"/Windows/{long}") == f"/Windows/{long}"
    assert err(csp, f"/{long}/y") == f"case_sensitive_path: {long}: not found"


def test_ntfscat_i(g: Any, tmp_path: Path) -> None:
    g.part_disk("/dev/sda", "mbr")
    g.mkfs("ntfs", "/dev/sda1")
    g.mount("/dev/sda1", "/")
    g.write("/File.txt", b"inode contents\n" * 1000)
    ino = g.statns("/File.txt")["st_ino"]
    out = tmp_path / "cat"
    # Mounted: ntfscat refuses, which cancels the download (as in stock).
    assert err(g.ntfscat_i, "/dev/sda1", ino, str(out)) == CANCELLED
    g.umount_all()
    g.ntfscat_i("/dev/sda1", ino, str(out))
    assert out.read_bytes() == b"inode contents\n" * 1000
    g.ntfscat_i("/dev/sda1", 3, str(out))  # $Volume, a system file
    assert err(g.ntfscat_i, "/dev/sda1", -1, str(out)) == "ntfscat_i: inode must be >= 0"
    for bad in (5, 999999):  # the root directory; no such inode
        assert err(g.ntfscat_i, "/dev/sda1", bad, str(out)) == CANCELLED
    assert err(g.ntfscat_i, "/dev/sdb", 5, str(out)) == CANCELLED


def test_ntfs_chmod(g: Any) -> None:
    g.part_disk("/dev/sda", "mbr")
    g.mkfs("ntfs", "/dev/sda1")
    g.mount("/dev/sda1", "/")
    g.mkdir("/Dir")
    g.write("/Dir/a", b"a")
    g.write("/b", b"b")
    g.umount_all()
    g.ntfs_chmod("/dev/sda1", 0o700, "/b")
    g.ntfs_chmod("/dev/sda1", 0o750, "/Dir", recursive=True)
    # ntfs-3g shows the modes the NTFS ACLs give when mounted with "permissions".
    g.mount_options("permissions", "/dev/sda1", "/")
    assert g.statns("/b")["st_mode"] & 0o777 == 0o700
    assert g.statns("/Dir")["st_mode"] & 0o777 == 0o750
    assert g.statns("/Dir/a")["st_mode"] & 0o777 == 0o750
    g.umount_all()
    msg = err(g.ntfs_chmod, "/dev/sda1", 0o755, "/nosuch")
    assert msg.startswith("ntfs_chmod: /dev/sda1: ** Could not access /nosuch\n"
                          "Error code 2 : No such file or directory")
    assert err(g.ntfs_chmod, "/dev/sda1", -1, "/b") == "ntfs_chmod: mode is negative"
    assert err(g.ntfs_chmod, "/dev/sda1", 0o755, "b") == "ntfs_chmod: b: path must start with a / character"
    assert "Could not open volume" in err(g.ntfs_chmod, "/dev/sdb", 0o755, "/")


# -- ntfsclone ------------------------------------------------------------------------------


def test_ntfsclone_out_and_in(g: Any, tmp_path: Path) -> None:
    _, part = two_partitions(g)  # 184 MiB: its image fits on /dev/sdb
    g.mkfs("ntfs", part, label="Cloned")
    g.mount(part, "/")
    g.write("/data", b"cloned data" * 10000)
    g.umount_all()
    image, meta = tmp_path / "full.img", tmp_path / "meta.img"
    g.ntfsclone_out(part, str(image))
    g.ntfsclone_out(part, str(meta), metadataonly=True, rescue=True, ignorefscheck=True,
                    preservetimestamps=True, force=True)
    assert image.read_bytes().startswith(b"\0ntfsclone-image")
    assert 0 < meta.stat().st_size < image.stat().st_size
    g.ntfsclone_in(str(image), "/dev/sdb")
    assert g.vfs_type("/dev/sdb") == "ntfs"
    assert g.vfs_label("/dev/sdb") == "Cloned"
    g.mount("/dev/sdb", "/")
    assert g.read_file("/data") == b"cloned data" * 10000
    g.umount_all()
    # Not an ntfsclone image: ntfsclone's stderr is only its banner (the reason is on stdout).
    junk = tmp_path / "junk"
    junk.write_bytes(b"hostname\n")
    assert err(g.ntfsclone_in, str(junk), "/dev/sdb") == \
        "ntfsclone_in: ntfsclone subcommand failed on device: /dev/sdb: ntfsclone v2022.10.3 (libntfs-3g)"
    assert err(g.ntfsclone_out, "/dev/sda", str(tmp_path / "bad")) == CANCELLED  # no NTFS there


# -- the same script on stock -------------------------------------------------------------------


def _stock_script(cat: str) -> list[Step]:
    """Steps whose outcomes hold no random or time-dependent values."""
    return [
        ("part_init", ["/dev/sda", "mbr"], {}),
        ("part_add", ["/dev/sda", "p", 2048, 2048 + 16 * 2048 - 1], {}),
        ("part_add", ["/dev/sda", "p", 2048 + 16 * 2048, 2048 + 200 * 2048 - 1], {}),
        ("mkfs", ["ntfs", "/dev/sda2"], {"label": "Lab", "blocksize": 4096}),
        ("mkfs", ["ntfs", "/dev/sda1"], {}),
        ("vfs_type", ["/dev/sda2"], {}),
        ("vfs_label", ["/dev/sda2"], {}),
        ("set_label", ["/dev/sda2", "X" * 200], {}),
        ("vfs_label", ["/dev/sda2"], {}),
        ("set_uuid", ["/dev/sda2", "0123456789ABCDEF"], {}),
        ("vfs_minimum_size", ["/dev/sda2"], {}),
        ("ntfs_3g_probe", [True, "/dev/sda2"], {}),
        ("ntfs_3g_probe", [False, "/dev/sdb"], {}),
        ("ntfsfix", ["/dev/sda2"], {"clearbadsectors": True}),
        ("ntfsfix", ["/dev/sdb"], {}),
        ("ntfsresize", ["/dev/sda2"], {"size": 0}),
        ("ntfsresize", ["/dev/sda2"], {"size": 1 * MiB}),
        ("ntfsresize", ["/dev/sda2"], {"size": 150 * MiB}),
        ("ntfsresize", ["/dev/sda2"], {"size": 120 * MiB}),
        ("ntfsresize", ["/dev/sda2"], {"force": True}),
        ("vfs_minimum_size", ["/dev/sda2"], {}),
        ("ntfsresize", ["/dev/sdb"], {}),
        ("mount", ["/dev/sda2", "/"], {}),
        ("mkdir_p", ["/Program Files/Common"], {}),
        ("touch", ["/Program Files/Common/Setup.EXE"], {}),
        ("mkdir", ["/dir"], {}),
        ("ln_s", ["../Program Files", "/dir/rel"], {}),
        ("case_sensitive_path", ["/program files/common/setup.exe"], {}),
        ("case_sensitive_path", ["/PROGRAM FILES/new"], {}),
        ("case_sensitive_path", ["/dir/REL/COMMON"], {}),
        ("case_sensitive_path", ["/program files/x/y"], {}),
        ("case_sensitive_path", ["/program files/common/setup.exe/z"], {}),
        ("case_sensitive_path", ["/dir/.."], {}),
        ("case_sensitive_path", ["/./dir"], {}),
        ("ntfscat_i", ["/dev/sda2", 3, cat], {}),
        ("umount_all", [], {}),
        ("ntfscat_i", ["/dev/sda2", -1, cat], {}),
        ("ntfscat_i", ["/dev/sda2", 5, cat], {}),
        ("mount", ["/dev/sda1", "/"], {}),
        ("fill", [0, 12 * MiB, "/f"], {}),
        ("fill", [0, 8 * MiB, "/g"], {}),
        ("umount_all", [], {}),
        ("vfs_minimum_size", ["/dev/sda1"], {}),
    ]


@pytest.mark.stock
@pytest.mark.slow
# Over 20 s under TCG with stock's launch: make conformance, not CI.
@pytest.mark.conformance
def test_agrees_with_stock(g: Any, tmp_path: Path) -> None:
    require_stock()
    script = _stock_script(str(tmp_path / "cat.out"))
    ours = run_script_on(g, script)
    setup: list[Step] = [("add_drive_scratch", [512 * MiB], {}), ("add_drive_scratch", [256 * MiB], {}),
                         ("launch", [], {})]
    stock = run_script_on_stock(setup, script)
    assert_same_outcomes(script, mask_disk_letters(ours), mask_disk_letters(stock))
    # Not vacuous: the calls did their work on both sides.
    assert {"ok": "/Program Files/Common/Setup.EXE"} in ours
    assert {"ok": 16 * MiB} in ours
